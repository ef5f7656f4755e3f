//! The HTTP client: redirects are followed here, hop by hop, so that every hop is checked by the
//! SSRF guard and waits its host's turn, and so that errors can say where they happened.

use crate::error::FetchError;
use crate::guard::AddressPolicy;
use crate::politeness::HostGate;
use crate::robots::{RobotsCache, Rules};
use futures_util::StreamExt;
use reqwest::dns::{Addrs, Name, Resolve, Resolving};
use reqwest::header::{self, HeaderMap, HeaderValue};
use std::net::{IpAddr, SocketAddr};
use std::sync::Arc;
use std::time::{Duration, SystemTime};
use url::Url;

#[derive(Debug, Clone)]
pub struct FetchConfig {
    pub user_agent: String,
    pub connect_timeout: Duration,
    pub read_timeout: Duration,
    /// For the whole fetch, redirects included.
    pub total_timeout: Duration,
    pub max_redirects: usize,
    /// Cap on the body after decompression; a Content-Length above it is refused unread.
    pub max_body_bytes: u64,
    pub min_host_interval: Duration,
    pub policy: AddressPolicy,
    /// Proxy for every request; the environment's proxy variables are never used.
    pub proxy: Option<String>,
}

impl Default for FetchConfig {
    fn default() -> Self {
        Self {
            user_agent: format!(
                "tidings/{} (self-hosted news aggregator; feed fetcher)",
                env!("CARGO_PKG_VERSION")
            ),
            connect_timeout: Duration::from_secs(10),
            read_timeout: Duration::from_secs(20),
            total_timeout: Duration::from_secs(60),
            max_redirects: 5,
            max_body_bytes: 10 * 1024 * 1024,
            min_host_interval: Duration::from_secs(1),
            policy: AddressPolicy::default(),
            proxy: None,
        }
    }
}

/// The product token robots.txt rules are matched against.
pub const ROBOTS_AGENT: &str = "tidings";

/// Validators from the last successful fetch, for a conditional GET.
#[derive(Debug, Clone, Default)]
pub struct Conditional {
    pub etag: Option<String>,
    pub last_modified: Option<String>,
}

/// What a fetch brought back.
#[derive(Debug, Clone)]
pub struct Fetched {
    /// The URL after redirects.
    pub url: String,
    pub status: u16,
    /// 304: the resource has not changed since the validators given.
    pub not_modified: bool,
    pub content_type: Option<String>,
    pub etag: Option<String>,
    pub last_modified: Option<String>,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
    pub redirects: usize,
}

/// Resolves names, keeping only addresses the policy allows: the check is on the addresses the
/// connection will actually use, so DNS rebinding between check and connect is impossible.
#[derive(Debug)]
struct GuardedResolver {
    policy: AddressPolicy,
}

/// Carried through reqwest's error chain so a refusal is reported as such.
#[derive(Debug)]
struct Refused(FetchError);

impl std::fmt::Display for Refused {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.0.fmt(f)
    }
}

impl std::error::Error for Refused {}

impl Resolve for GuardedResolver {
    fn resolve(&self, name: Name) -> Resolving {
        let policy = self.policy.clone();
        Box::pin(async move {
            let host = name.as_str().to_owned();
            let found: Vec<SocketAddr> = tokio::net::lookup_host((host.as_str(), 0))
                .await
                .map_err(|e| {
                    Box::new(Refused(FetchError::Dns(host.clone(), e.to_string())))
                        as Box<dyn std::error::Error + Send + Sync>
                })?
                .collect();
            let mut refused = None;
            let allowed: Vec<SocketAddr> = found
                .into_iter()
                .filter(|a| match policy.refusal(&host, a.ip()) {
                    Some(reason) => {
                        refused.get_or_insert((a.ip(), reason));
                        false
                    }
                    None => true,
                })
                .collect();
            if allowed.is_empty() {
                let err = match refused {
                    Some((ip, reason)) => FetchError::Forbidden {
                        host: host.clone(),
                        addr: ip.to_string(),
                        reason,
                    },
                    None => FetchError::Dns(host.clone(), "no addresses".into()),
                };
                return Err(Box::new(Refused(err)) as Box<dyn std::error::Error + Send + Sync>);
            }
            Ok(Box::new(allowed.into_iter()) as Addrs)
        })
    }
}

#[derive(Debug, Clone)]
pub struct Fetcher {
    client: reqwest::Client,
    gate: Arc<HostGate>,
    config: Arc<FetchConfig>,
    robots: Arc<RobotsCache>,
}

impl Fetcher {
    pub fn new(config: FetchConfig) -> Result<Self, FetchError> {
        let mut builder = reqwest::Client::builder()
            .user_agent(config.user_agent.clone())
            .redirect(reqwest::redirect::Policy::none())
            .connect_timeout(config.connect_timeout)
            .read_timeout(config.read_timeout)
            .timeout(config.total_timeout)
            .dns_resolver(Arc::new(GuardedResolver {
                policy: config.policy.clone(),
            }))
            .no_proxy();
        if let Some(p) = &config.proxy {
            builder = builder.proxy(
                reqwest::Proxy::all(p)
                    .map_err(|e| FetchError::Other(format!("proxy {p:?}: {e}")))?,
            );
        }
        let client = builder
            .build()
            .map_err(|e| FetchError::Other(e.to_string()))?;
        Ok(Self {
            client,
            gate: Arc::new(HostGate::new(config.min_host_interval)),
            config: Arc::new(config),
            robots: Arc::new(RobotsCache::default()),
        })
    }

    /// GETs an article page, if the site's robots.txt allows tidings to.
    pub async fn get_page(&self, url: &str, cond: &Conditional) -> Result<Fetched, FetchError> {
        let parsed = parse_url(url)?;
        let origin = parsed.origin().ascii_serialization();
        let rules = match self.robots.get(&origin) {
            Some(rules) => rules,
            None => {
                let robots_url = format!("{origin}/robots.txt");
                let rules = match self.get(&robots_url, &Conditional::default()).await {
                    Ok(f) => Rules::from_response(Some(f.status), &f.body, ROBOTS_AGENT),
                    Err(FetchError::Status { status, .. }) => {
                        Rules::from_response(Some(status), &[], ROBOTS_AGENT)
                    }
                    // The guard's verdict is about the site itself, not about robots.txt.
                    Err(
                        e @ (FetchError::Forbidden { .. }
                        | FetchError::Scheme(_)
                        | FetchError::InvalidUrl(..)),
                    ) => return Err(e),
                    Err(_) => Rules::from_response(None, &[], ROBOTS_AGENT),
                };
                self.robots.put(origin.clone(), rules)
            }
        };
        if !rules.allows(parsed.as_str()) {
            return Err(FetchError::RobotsDisallowed(origin));
        }
        self.get(url, cond).await
    }

    /// GETs `url`, conditionally when validators are given.
    pub async fn get(&self, url: &str, cond: &Conditional) -> Result<Fetched, FetchError> {
        let total = self.config.total_timeout;
        tokio::time::timeout(total, self.get_inner(url, cond))
            .await
            .map_err(|_| FetchError::Timeout(format!("no complete response within {total:?}")))?
    }

    async fn get_inner(&self, url: &str, cond: &Conditional) -> Result<Fetched, FetchError> {
        let mut current = parse_url(url)?;
        for redirects in 0..=self.config.max_redirects {
            let host = self.check_target(&current)?;
            // Waiting out a host's pause may take at most half the time budget.
            let mut turn = self
                .gate
                .acquire(&host, self.config.total_timeout / 2)
                .await
                .map_err(FetchError::HostPaused)?;
            let response = self
                .client
                .get(current.clone())
                .headers(conditional_headers(cond))
                .send()
                .await
                .map_err(|e| map_reqwest(&e))?;
            let status = response.status().as_u16();
            if (300..400).contains(&status) && status != 304 {
                let Some(location) = response
                    .headers()
                    .get(header::LOCATION)
                    .and_then(|v| v.to_str().ok())
                else {
                    return Err(FetchError::Status {
                        status,
                        after: " without a Location".into(),
                    });
                };
                current = current
                    .join(location)
                    .map_err(|e| FetchError::InvalidUrl(location.to_owned(), e.to_string()))?;
                continue;
            }
            if (status == 429 || status == 503)
                && let Some(wait) = retry_after(response.headers())
            {
                turn.pause_for(wait);
                return Err(FetchError::RetryAfter(wait, status));
            }
            let after = if redirects > 0 {
                format!(
                    " after {redirects} redirect{}",
                    if redirects == 1 { "" } else { "s" }
                )
            } else {
                String::new()
            };
            if status == 304 {
                return Ok(self.fetched(
                    current,
                    status,
                    response.headers(),
                    Vec::new(),
                    redirects,
                ));
            }
            if !(200..300).contains(&status) {
                return Err(FetchError::Status { status, after });
            }
            let headers = response.headers().clone();
            let body = read_capped(response, self.config.max_body_bytes).await?;
            drop(turn);
            return Ok(self.fetched(current, status, &headers, body, redirects));
        }
        Err(FetchError::TooManyRedirects(self.config.max_redirects))
    }

    fn fetched(
        &self,
        url: Url,
        status: u16,
        headers: &HeaderMap,
        body: Vec<u8>,
        redirects: usize,
    ) -> Fetched {
        let text = |name: header::HeaderName| {
            headers
                .get(name)
                .and_then(|v| v.to_str().ok())
                .map(str::to_owned)
        };
        Fetched {
            url: url.to_string(),
            status,
            not_modified: status == 304,
            content_type: text(header::CONTENT_TYPE),
            etag: text(header::ETAG),
            last_modified: text(header::LAST_MODIFIED),
            headers: headers
                .iter()
                .filter_map(|(k, v)| Some((k.as_str().to_owned(), v.to_str().ok()?.to_owned())))
                .collect(),
            body,
            redirects,
        }
    }

    /// Scheme and IP-literal checks (names are checked when they resolve); returns the host.
    fn check_target(&self, url: &Url) -> Result<String, FetchError> {
        if !matches!(url.scheme(), "http" | "https") {
            return Err(FetchError::Scheme(url.scheme().to_owned()));
        }
        let host = url
            .host_str()
            .ok_or_else(|| FetchError::InvalidUrl(url.to_string(), "no host".into()))?
            .to_owned();
        let literal = host.trim_start_matches('[').trim_end_matches(']');
        if let Ok(ip) = literal.parse::<IpAddr>()
            && let Some(reason) = self.config.policy.refusal(&host, ip)
        {
            return Err(FetchError::Forbidden {
                host: host.clone(),
                addr: ip.to_string(),
                reason,
            });
        }
        Ok(host)
    }
}

fn parse_url(url: &str) -> Result<Url, FetchError> {
    Url::parse(url.trim())
        .map_err(|e| FetchError::InvalidUrl(url.chars().take(200).collect(), e.to_string()))
}

fn conditional_headers(cond: &Conditional) -> HeaderMap {
    let mut h = HeaderMap::new();
    h.insert(header::ACCEPT, HeaderValue::from_static("application/rss+xml, application/atom+xml, application/feed+json, application/xml;q=0.9, text/xml;q=0.9, text/html;q=0.8, */*;q=0.5"));
    if let Some(v) = cond
        .etag
        .as_deref()
        .and_then(|e| HeaderValue::from_str(e).ok())
    {
        h.insert(header::IF_NONE_MATCH, v);
    }
    if let Some(v) = cond
        .last_modified
        .as_deref()
        .and_then(|e| HeaderValue::from_str(e).ok())
    {
        h.insert(header::IF_MODIFIED_SINCE, v);
    }
    h
}

/// Retry-After in seconds or as an HTTP date; capped at a day.
fn retry_after(headers: &HeaderMap) -> Option<Duration> {
    let v = headers.get(header::RETRY_AFTER)?.to_str().ok()?.trim();
    let d = match v.parse::<u64>() {
        Ok(secs) => Duration::from_secs(secs),
        Err(_) => httpdate::parse_http_date(v)
            .ok()?
            .duration_since(SystemTime::now())
            .unwrap_or_default(),
    };
    Some(d.min(Duration::from_secs(86_400)))
}

async fn read_capped(response: reqwest::Response, limit: u64) -> Result<Vec<u8>, FetchError> {
    if response.content_length().is_some_and(|n| n > limit) {
        return Err(FetchError::TooLarge {
            limit,
            what: " (Content-Length)",
        });
    }
    let mut body = Vec::new();
    let mut stream = response.bytes_stream();
    while let Some(chunk) = stream.next().await {
        let chunk = chunk.map_err(|e| map_reqwest(&e))?;
        if body.len() as u64 + chunk.len() as u64 > limit {
            return Err(FetchError::TooLarge {
                limit,
                what: " after decompression",
            });
        }
        body.extend_from_slice(&chunk);
    }
    Ok(body)
}

/// Turns reqwest's error into one an admin can act on, keeping a guard refusal as such.
fn map_reqwest(e: &reqwest::Error) -> FetchError {
    let mut source: Option<&(dyn std::error::Error + 'static)> = Some(e);
    let mut chain = String::new();
    let mut dropped = false;
    while let Some(s) = source {
        if let Some(Refused(inner)) = s.downcast_ref::<Refused>() {
            return inner.clone();
        }
        if let Some(io) = s.downcast_ref::<std::io::Error>() {
            dropped |= matches!(
                io.kind(),
                std::io::ErrorKind::ConnectionReset
                    | std::io::ErrorKind::ConnectionAborted
                    | std::io::ErrorKind::BrokenPipe
                    | std::io::ErrorKind::UnexpectedEof
            );
        }
        let text = s.to_string();
        if !chain.contains(&text) {
            if !chain.is_empty() {
                chain.push_str(": ");
            }
            chain.push_str(&text);
        }
        source = s.source();
    }
    let lower = chain.to_ascii_lowercase();
    if e.is_timeout() {
        FetchError::Timeout(chain)
    } else if lower.contains("certificate") || lower.contains("tls") {
        FetchError::Tls(chain)
    } else if e.is_connect()
        || dropped
        // hyper's words for a connection closed before the response or its body was complete
        || lower.contains("connection closed before message completed")
        || lower.contains("end of file before message length reached")
    {
        // The server or the network dropped the connection: worth trying again later.
        FetchError::Connect(chain)
    } else {
        FetchError::Other(chain)
    }
}
