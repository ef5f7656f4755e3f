//! The fetch stage against servers that misbehave: fixture servers on 127.0.0.1 (axum where
//! well-formed HTTP is enough, raw TCP where the misbehaviour is at the byte level), fetched by a
//! `Fetcher` allow-listed for loopback and by one that is not (the SSRF guard).
//!
//! Every fetch is bounded by `bounded` (10 s); the slow cases use timeouts of a second or two.

use std::future::Future;
use std::io::Write;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicUsize, Ordering::SeqCst};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant, SystemTime};

use axum::Router;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use tidings_fetch::{AddressPolicy, Conditional, FetchConfig, FetchError, Fetched, Fetcher};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

const MB: usize = 1024 * 1024;

// ---------------------------------------------------------------------------------------------
// Fetchers

fn policy(ranges: &[&str], hosts: &[&str]) -> AddressPolicy {
    AddressPolicy {
        allow_ranges: ranges.iter().map(|r| r.parse().unwrap()).collect(),
        allow_hosts: hosts.iter().map(|h| h.to_string()).collect(),
    }
}

fn config(policy: AddressPolicy) -> FetchConfig {
    FetchConfig {
        connect_timeout: Duration::from_secs(2),
        read_timeout: Duration::from_secs(3),
        total_timeout: Duration::from_secs(5),
        max_redirects: 5,
        max_body_bytes: MB as u64,
        min_host_interval: Duration::ZERO,
        policy,
        ..FetchConfig::default()
    }
}

/// Allowed to fetch anything on 127.0.0.0/8.
fn allowed() -> Fetcher {
    allowed_with(|_| {})
}

fn allowed_with(tweak: impl FnOnce(&mut FetchConfig)) -> Fetcher {
    let mut c = config(policy(&["127.0.0.0/8"], &[]));
    tweak(&mut c);
    Fetcher::new(c).unwrap()
}

/// The default policy: no private addresses at all.
fn guarded() -> Fetcher {
    Fetcher::new(config(AddressPolicy::default())).unwrap()
}

async fn bounded<T>(fut: impl Future<Output = T>) -> T {
    tokio::time::timeout(Duration::from_secs(10), fut)
        .await
        .expect("the fetch did not finish within 10 s")
}

async fn fetch(f: &Fetcher, url: &str) -> Result<Fetched, FetchError> {
    bounded(f.get(url, &Conditional::default())).await
}

// ---------------------------------------------------------------------------------------------
// Fixture servers

/// Serves the router built for the address it is bound to (so it can redirect to itself).
async fn serve_on(ip: &str, build: impl FnOnce(SocketAddr) -> Router) -> SocketAddr {
    let listener = TcpListener::bind((ip, 0)).await.unwrap();
    let addr = listener.local_addr().unwrap();
    let app = build(addr);
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    addr
}

async fn serve(build: impl FnOnce(SocketAddr) -> Router) -> SocketAddr {
    serve_on("127.0.0.1", build).await
}

/// A raw TCP server: each accepted connection is counted and handed to `handler`.
struct Raw {
    addr: SocketAddr,
    connections: Arc<AtomicUsize>,
}

impl Raw {
    fn url(&self, path: &str) -> String {
        format!("http://{}{path}", self.addr)
    }

    fn connections(&self) -> usize {
        self.connections.load(SeqCst)
    }
}

async fn raw<F, Fut>(ip: &str, handler: F) -> Raw
where
    F: Fn(TcpStream) -> Fut + Send + Sync + 'static,
    Fut: Future<Output = ()> + Send + 'static,
{
    let listener = TcpListener::bind((ip, 0)).await.unwrap();
    let addr = listener.local_addr().unwrap();
    let connections = Arc::new(AtomicUsize::new(0));
    let count = connections.clone();
    let handler = Arc::new(handler);
    tokio::spawn(async move {
        while let Ok((stream, _)) = listener.accept().await {
            count.fetch_add(1, SeqCst);
            let handler = handler.clone();
            tokio::spawn(async move { handler(stream).await });
        }
    });
    Raw { addr, connections }
}

/// A raw server answering every request with a fixed, well-formed response.
async fn counting_ok(ip: &str) -> Raw {
    raw(ip, |mut s| async move {
        read_head(&mut s).await;
        let _ = s
            .write_all(b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok")
            .await;
    })
    .await
}

/// Reads a request head (up to the blank line).
async fn read_head(s: &mut TcpStream) -> String {
    let mut head = Vec::new();
    let mut buf = [0u8; 1024];
    while !head.windows(4).any(|w| w == b"\r\n\r\n") && head.len() < 64 * 1024 {
        match s.read(&mut buf).await {
            Ok(0) | Err(_) => break,
            Ok(n) => head.extend_from_slice(&buf[..n]),
        }
    }
    String::from_utf8_lossy(&head).into_owned()
}

fn header_text(h: &HeaderMap, name: header::HeaderName) -> Option<String> {
    h.get(name).and_then(|v| v.to_str().ok()).map(str::to_owned)
}

fn redirect(status: StatusCode, location: &str) -> Response {
    (status, [(header::LOCATION, location.to_owned())]).into_response()
}

// ---------------------------------------------------------------------------------------------
// 200, validators, conditional GET, User-Agent

const ETAG: &str = "\"v1-abc\"";
const LAST_MODIFIED: &str = "Tue, 11 Mar 2025 08:00:00 GMT";

fn feed_server_router(seen: Arc<Mutex<Vec<HeaderMap>>>) -> Router {
    Router::new().route(
        "/feed.xml",
        get(move |h: HeaderMap| {
            let seen = seen.clone();
            async move {
                seen.lock().unwrap().push(h.clone());
                let validators = [(header::ETAG, ETAG), (header::LAST_MODIFIED, LAST_MODIFIED)];
                let fresh = header_text(&h, header::IF_NONE_MATCH).as_deref() == Some(ETAG)
                    || header_text(&h, header::IF_MODIFIED_SINCE).as_deref() == Some(LAST_MODIFIED);
                if fresh {
                    (StatusCode::NOT_MODIFIED, validators).into_response()
                } else {
                    (
                        validators,
                        [(header::CONTENT_TYPE, "application/rss+xml; charset=utf-8")],
                        "<rss version=\"2.0\"><channel/></rss>",
                    )
                        .into_response()
                }
            }
        }),
    )
}

#[tokio::test]
async fn ok_response_keeps_body_and_validators_and_names_tidings() {
    let seen = Arc::new(Mutex::new(Vec::new()));
    let s = seen.clone();
    let addr = serve(move |_| feed_server_router(s)).await;
    let url = format!("http://{addr}/feed.xml");

    let got = fetch(&allowed(), &url).await.unwrap();
    assert_eq!(got.status, 200);
    assert!(!got.not_modified);
    assert_eq!(got.url, url);
    assert_eq!(got.redirects, 0);
    assert_eq!(got.body, b"<rss version=\"2.0\"><channel/></rss>");
    assert_eq!(got.etag.as_deref(), Some(ETAG));
    assert_eq!(got.last_modified.as_deref(), Some(LAST_MODIFIED));
    assert_eq!(
        got.content_type.as_deref(),
        Some("application/rss+xml; charset=utf-8")
    );
    assert!(
        got.headers.iter().any(|(k, v)| k == "etag" && v == ETAG),
        "{:?}",
        got.headers
    );

    let seen = seen.lock().unwrap();
    let h = &seen[0];
    let ua = header_text(h, header::USER_AGENT).unwrap_or_default();
    assert!(ua.starts_with("tidings/"), "User-Agent {ua:?}");
    let accept_encoding = header_text(h, header::ACCEPT_ENCODING).unwrap_or_default();
    assert!(
        accept_encoding.contains("gzip") && accept_encoding.contains("br"),
        "Accept-Encoding {accept_encoding:?}"
    );
    assert!(
        header_text(h, header::ACCEPT)
            .unwrap_or_default()
            .contains("application/rss+xml")
    );
    assert!(h.get(header::IF_NONE_MATCH).is_none());
    assert!(h.get(header::IF_MODIFIED_SINCE).is_none());
}

#[tokio::test]
async fn conditional_get_gives_not_modified_with_an_empty_body() {
    let seen = Arc::new(Mutex::new(Vec::new()));
    let s = seen.clone();
    let addr = serve(move |_| feed_server_router(s)).await;
    let url = format!("http://{addr}/feed.xml");
    let f = allowed();

    let first = fetch(&f, &url).await.unwrap();
    let by_etag = Conditional {
        etag: first.etag.clone(),
        last_modified: None,
    };
    let got = bounded(f.get(&url, &by_etag)).await.unwrap();
    assert!(got.not_modified);
    assert_eq!(got.status, 304);
    assert!(got.body.is_empty());
    assert_eq!(got.etag.as_deref(), Some(ETAG));
    assert_eq!(got.url, url);

    let by_date = Conditional {
        etag: None,
        last_modified: first.last_modified.clone(),
    };
    let got = bounded(f.get(&url, &by_date)).await.unwrap();
    assert!(got.not_modified);
    assert!(got.body.is_empty());

    let stale = Conditional {
        etag: Some("\"v0\"".into()),
        last_modified: None,
    };
    let got = bounded(f.get(&url, &stale)).await.unwrap();
    assert!(!got.not_modified);
    assert_eq!(got.status, 200);
    assert!(!got.body.is_empty());

    let seen = seen.lock().unwrap();
    assert_eq!(seen.len(), 4);
    assert_eq!(
        header_text(&seen[1], header::IF_NONE_MATCH).as_deref(),
        Some(ETAG)
    );
    assert!(seen[1].get(header::IF_MODIFIED_SINCE).is_none());
    assert_eq!(
        header_text(&seen[2], header::IF_MODIFIED_SINCE).as_deref(),
        Some(LAST_MODIFIED)
    );
    assert!(seen[2].get(header::IF_NONE_MATCH).is_none());
}

// ---------------------------------------------------------------------------------------------
// Redirects

#[tokio::test]
async fn a_chain_of_two_redirects_is_followed() {
    let addr = serve(|addr| {
        let to_middle = format!("http://{addr}/middle");
        Router::new()
            .route(
                "/start",
                get(move || async move { redirect(StatusCode::FOUND, &to_middle) }),
            )
            .route(
                "/middle",
                get(|| async { redirect(StatusCode::MOVED_PERMANENTLY, "/end") }),
            )
            .route("/end", get(|| async { "arrived" }))
    })
    .await;
    let got = fetch(&allowed(), &format!("http://{addr}/start"))
        .await
        .unwrap();
    assert_eq!(got.status, 200);
    assert_eq!(got.redirects, 2);
    assert_eq!(got.url, format!("http://{addr}/end"));
    assert_eq!(got.body, b"arrived");
}

#[tokio::test]
async fn relative_locations_resolve_against_the_current_url() {
    let addr = serve(|addr| {
        let protocol_relative = format!("//{addr}/last?from=d");
        Router::new()
            // relative to the directory
            .route(
                "/a/b/c",
                get(|| async { redirect(StatusCode::TEMPORARY_REDIRECT, "../d") }),
            )
            .route(
                "/a/d",
                get(move || async move { redirect(StatusCode::SEE_OTHER, &protocol_relative) }),
            )
            .route(
                "/last",
                get(|| async { redirect(StatusCode::PERMANENT_REDIRECT, "here?x=1#frag") }),
            )
            .route("/here", get(|| async { "relative ok" }))
    })
    .await;
    let got = fetch(&allowed(), &format!("http://{addr}/a/b/c"))
        .await
        .unwrap();
    assert_eq!(got.redirects, 3);
    assert_eq!(got.url, format!("http://{addr}/here?x=1#frag"));
    assert_eq!(got.body, b"relative ok");
}

#[tokio::test]
async fn a_redirect_loop_stops_at_the_limit() {
    let hits = Arc::new(AtomicUsize::new(0));
    let h = hits.clone();
    let addr = serve(move |_| {
        Router::new().route(
            "/loop",
            get(move || {
                h.fetch_add(1, SeqCst);
                async { redirect(StatusCode::FOUND, "/loop") }
            }),
        )
    })
    .await;
    let f = allowed_with(|c| c.max_redirects = 3);
    let err = fetch(&f, &format!("http://{addr}/loop")).await.unwrap_err();
    assert!(matches!(err, FetchError::TooManyRedirects(3)), "{err:?}");
    assert_eq!(err.to_string(), "more than 3 redirects");
    assert_eq!(
        hits.load(SeqCst),
        4,
        "the first request and three redirects"
    );
}

#[tokio::test]
async fn a_redirect_without_or_with_a_bad_location_fails_clearly() {
    let addr = serve(|_| {
        Router::new()
            .route("/nowhere", get(|| async { StatusCode::FOUND }))
            .route(
                "/broken",
                get(|| async { redirect(StatusCode::FOUND, "http://[::1") }),
            )
            .route(
                "/to-file",
                get(|| async { redirect(StatusCode::FOUND, "file:///etc/passwd") }),
            )
            .route(
                "/to-ftp",
                get(|| async { redirect(StatusCode::MOVED_PERMANENTLY, "ftp://127.0.0.1/x") }),
            )
    })
    .await;
    let f = allowed();

    let err = fetch(&f, &format!("http://{addr}/nowhere"))
        .await
        .unwrap_err();
    assert!(
        matches!(err, FetchError::Status { status: 302, .. }),
        "{err:?}"
    );
    assert_eq!(err.to_string(), "HTTP 302 without a Location");

    let err = fetch(&f, &format!("http://{addr}/broken"))
        .await
        .unwrap_err();
    assert!(matches!(err, FetchError::InvalidUrl(..)), "{err:?}");

    let err = fetch(&f, &format!("http://{addr}/to-file"))
        .await
        .unwrap_err();
    assert!(
        matches!(&err, FetchError::Scheme(s) if s == "file"),
        "{err:?}"
    );

    let err = fetch(&f, &format!("http://{addr}/to-ftp"))
        .await
        .unwrap_err();
    assert!(
        matches!(&err, FetchError::Scheme(s) if s == "ftp"),
        "{err:?}"
    );
}

// ---------------------------------------------------------------------------------------------
// Statuses

fn status_router() -> Router {
    Router::new()
        .route("/gone", get(|| async { StatusCode::NOT_FOUND }))
        .route(
            "/broken",
            get(|| async { (StatusCode::INTERNAL_SERVER_ERROR, "boom") }),
        )
        .route(
            "/hop1",
            get(|| async { redirect(StatusCode::FOUND, "/hop2") }),
        )
        .route(
            "/hop2",
            get(|| async { redirect(StatusCode::FOUND, "/gone") }),
        )
        .route(
            "/moved",
            get(|| async { redirect(StatusCode::MOVED_PERMANENTLY, "/broken") }),
        )
        .route(
            "/unavailable",
            get(|| async { StatusCode::SERVICE_UNAVAILABLE }),
        )
        .route("/busy", get(|| async { StatusCode::TOO_MANY_REQUESTS }))
}

#[tokio::test]
async fn error_statuses_say_what_and_after_how_many_redirects() {
    let addr = serve(|_| status_router()).await;
    let f = allowed();
    let url = |p: &str| format!("http://{addr}{p}");

    let err = fetch(&f, &url("/gone")).await.unwrap_err();
    assert!(
        matches!(&err, FetchError::Status { status: 404, after } if after.is_empty()),
        "{err:?}"
    );
    assert_eq!(err.to_string(), "HTTP 404");
    assert!(!err.is_transient());

    let err = fetch(&f, &url("/broken")).await.unwrap_err();
    assert_eq!(err.to_string(), "HTTP 500");
    assert!(err.is_transient());

    let err = fetch(&f, &url("/hop1")).await.unwrap_err();
    assert!(
        matches!(err, FetchError::Status { status: 404, .. }),
        "{err:?}"
    );
    assert_eq!(err.to_string(), "HTTP 404 after 2 redirects");

    let err = fetch(&f, &url("/moved")).await.unwrap_err();
    assert_eq!(err.to_string(), "HTTP 500 after 1 redirect");

    // 429 and 503 without Retry-After are plain (transient) statuses.
    for (path, status) in [("/unavailable", 503), ("/busy", 429)] {
        let err = fetch(&f, &url(path)).await.unwrap_err();
        assert!(
            matches!(&err, FetchError::Status { status: s, .. } if *s == status),
            "{err:?}"
        );
        assert!(err.is_transient());
    }
}

// ---------------------------------------------------------------------------------------------
// Retry-After and politeness

/// Answers the first request with `status` and `Retry-After: value()`, later ones with 200.
async fn retry_after_server(ip: &str, status: StatusCode, value: fn() -> String) -> SocketAddr {
    let hits = Arc::new(AtomicUsize::new(0));
    serve_on(ip, move |_| {
        Router::new().route(
            "/",
            get(move || {
                let first = hits.fetch_add(1, SeqCst) == 0;
                async move {
                    if first {
                        (status, [(header::RETRY_AFTER, value())]).into_response()
                    } else {
                        "welcome back".into_response()
                    }
                }
            }),
        )
    })
    .await
}

#[tokio::test]
async fn retry_after_in_seconds_pauses_that_host_only() {
    let slow = retry_after_server("127.0.0.1", StatusCode::TOO_MANY_REQUESTS, || "2".into()).await;
    let other = serve_on("127.0.0.2", |_| {
        Router::new().route("/", get(|| async { "other" }))
    })
    .await;
    let f = allowed();

    let start = Instant::now();
    let err = fetch(&f, &format!("http://{slow}/")).await.unwrap_err();
    assert!(
        matches!(err, FetchError::RetryAfter(d, 429) if d == Duration::from_secs(2)),
        "{err:?}"
    );
    assert_eq!(
        err.to_string(),
        "the server asks to wait 2s before the next request (HTTP 429)"
    );
    assert!(err.is_transient());

    // Another host is not held back by the pause.
    let other_start = Instant::now();
    let got = fetch(&f, &format!("http://{other}/")).await.unwrap();
    assert_eq!(got.body, b"other");
    assert!(
        other_start.elapsed() < Duration::from_millis(1500),
        "another host waited {:?}",
        other_start.elapsed()
    );

    // The same host is asked again only once the pause is over.
    let got = fetch(&f, &format!("http://{slow}/")).await.unwrap();
    assert_eq!(got.body, b"welcome back");
    assert!(
        start.elapsed() >= Duration::from_secs(2),
        "the second request came after {:?}",
        start.elapsed()
    );
}

#[tokio::test]
async fn retry_after_as_an_http_date_pauses_that_host() {
    let slow = retry_after_server("127.0.0.1", StatusCode::SERVICE_UNAVAILABLE, || {
        httpdate::fmt_http_date(SystemTime::now() + Duration::from_secs(2))
    })
    .await;
    let f = allowed();

    let start = Instant::now();
    let err = fetch(&f, &format!("http://{slow}/")).await.unwrap_err();
    let FetchError::RetryAfter(wait, 503) = err else {
        panic!("expected RetryAfter(_, 503), got {err:?}");
    };
    // HTTP dates have whole seconds: now + 2 s truncated is 1–2 s away.
    assert!(
        wait > Duration::from_millis(500) && wait <= Duration::from_secs(2),
        "{wait:?}"
    );

    let got = fetch(&f, &format!("http://{slow}/")).await.unwrap();
    assert_eq!(got.body, b"welcome back");
    assert!(
        start.elapsed() >= wait,
        "waited {:?}, asked {wait:?}",
        start.elapsed()
    );
}

#[derive(Default)]
struct Concurrency {
    current: AtomicUsize,
    max: AtomicUsize,
    starts: Mutex<Vec<Instant>>,
}

#[tokio::test]
async fn concurrent_fetches_to_one_host_are_serialized_and_spaced() {
    let stats = Arc::new(Concurrency::default());
    let s = stats.clone();
    let addr = serve(move |_| {
        Router::new().route(
            "/{n}",
            get(move || {
                let s = s.clone();
                async move {
                    s.starts.lock().unwrap().push(Instant::now());
                    let now = s.current.fetch_add(1, SeqCst) + 1;
                    s.max.fetch_max(now, SeqCst);
                    tokio::time::sleep(Duration::from_millis(150)).await;
                    s.current.fetch_sub(1, SeqCst);
                    "ok"
                }
            }),
        )
    })
    .await;
    let interval = Duration::from_millis(300);
    let f = allowed_with(|c| c.min_host_interval = interval);
    let urls = [1, 2, 3].map(|n| format!("http://{addr}/{n}"));
    let none = Conditional::default();
    let (a, b, c) = bounded(async {
        tokio::join!(
            f.get(&urls[0], &none),
            f.get(&urls[1], &none),
            f.get(&urls[2], &none),
        )
    })
    .await;
    a.unwrap();
    b.unwrap();
    c.unwrap();
    assert_eq!(stats.max.load(SeqCst), 1, "one request at a time per host");
    let starts = stats.starts.lock().unwrap();
    assert_eq!(starts.len(), 3);
    for pair in starts.windows(2) {
        let gap = pair[1] - pair[0];
        assert!(gap >= interval, "requests {gap:?} apart");
    }
}

#[tokio::test]
async fn different_hosts_are_fetched_in_parallel() {
    // Each handler waits for the other one: only parallel fetches both succeed.
    let barrier = Arc::new(tokio::sync::Barrier::new(2));
    let router = |barrier: Arc<tokio::sync::Barrier>| {
        Router::new().route(
            "/",
            get(move || {
                let barrier = barrier.clone();
                async move {
                    match tokio::time::timeout(Duration::from_secs(3), barrier.wait()).await {
                        Ok(_) => StatusCode::OK,
                        Err(_) => StatusCode::GATEWAY_TIMEOUT,
                    }
                }
            }),
        )
    };
    let b1 = barrier.clone();
    let one = serve_on("127.0.0.1", move |_| router(b1)).await;
    let two = serve_on("127.0.0.2", move |_| router(barrier)).await;
    let f = allowed_with(|c| c.min_host_interval = Duration::from_secs(5));
    let (url_one, url_two) = (format!("http://{one}/"), format!("http://{two}/"));
    let none = Conditional::default();
    let (a, b) =
        bounded(async { tokio::join!(f.get(&url_one, &none), f.get(&url_two, &none)) }).await;
    assert_eq!(a.unwrap().status, 200);
    assert_eq!(b.unwrap().status, 200);
}

// ---------------------------------------------------------------------------------------------
// Body size, decompression bombs

fn assert_too_large(result: Result<Fetched, FetchError>) -> FetchError {
    match result {
        Err(e @ FetchError::TooLarge { limit, .. }) => {
            assert_eq!(limit, MB as u64);
            e
        }
        Err(e) => panic!("expected TooLarge, got {e:?}"),
        Ok(f) => panic!("expected TooLarge, got {} bytes", f.body.len()),
    }
}

#[tokio::test]
async fn a_large_body_with_content_length_is_refused_unread() {
    let addr = serve(|_| {
        Router::new()
            .route("/big", get(|| async { vec![b'x'; 10 * MB] }))
            .route("/exact", get(|| async { vec![b'x'; MB] }))
    })
    .await;
    let f = allowed();
    let err = assert_too_large(fetch(&f, &format!("http://{addr}/big")).await);
    assert_eq!(
        err.to_string(),
        "response larger than 1048576 bytes (Content-Length)"
    );
    // Exactly the cap is fine.
    let got = fetch(&f, &format!("http://{addr}/exact")).await.unwrap();
    assert_eq!(got.body.len(), MB);
}

/// Writes `total` bytes of body in 64 KiB chunks, chunked or close-delimited.
async fn stream_body(mut s: TcpStream, total: usize, chunked: bool) {
    read_head(&mut s).await;
    let head: &[u8] = if chunked {
        b"HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nTransfer-Encoding: chunked\r\n\r\n"
    } else {
        b"HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nConnection: close\r\n\r\n"
    };
    if s.write_all(head).await.is_err() {
        return;
    }
    let block = vec![b'y'; 64 * 1024];
    let mut sent = 0;
    while sent < total {
        let n = block.len().min(total - sent);
        let ok = if chunked {
            let mut frame = format!("{n:x}\r\n").into_bytes();
            frame.extend_from_slice(&block[..n]);
            frame.extend_from_slice(b"\r\n");
            s.write_all(&frame).await.is_ok()
        } else {
            s.write_all(&block[..n]).await.is_ok()
        };
        if !ok {
            return;
        }
        sent += n;
    }
    if chunked {
        let _ = s.write_all(b"0\r\n\r\n").await;
    }
    let _ = s.shutdown().await;
}

#[tokio::test]
async fn a_large_chunked_body_is_cut_off_at_the_cap() {
    let big = raw("127.0.0.1", |s| stream_body(s, 10 * MB, true)).await;
    let exact = raw("127.0.0.1", |s| stream_body(s, MB, true)).await;
    let f = allowed();
    assert_too_large(fetch(&f, &big.url("/")).await);
    let got = fetch(&f, &exact.url("/")).await.unwrap();
    assert_eq!(got.body.len(), MB);
}

#[tokio::test]
async fn a_large_close_delimited_body_is_cut_off_at_the_cap() {
    let big = raw("127.0.0.1", |s| stream_body(s, 10 * MB, false)).await;
    let small = raw("127.0.0.1", |s| stream_body(s, 100_000, false)).await;
    let f = allowed();
    assert_too_large(fetch(&f, &big.url("/")).await);
    let got = fetch(&f, &small.url("/")).await.unwrap();
    assert_eq!(got.body.len(), 100_000);
}

fn gzip(data: &[u8]) -> Vec<u8> {
    let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
    e.write_all(data).unwrap();
    e.finish().unwrap()
}

/// Brotli of 8 MiB of zero bytes (quality 11, window 22), 14 bytes.
const BROTLI_8_MIB_OF_ZEROS: [u8; 14] = [
    0xcb, 0xff, 0xff, 0x3f, 0xf8, 0x27, 0x00, 0xe2, 0xb1, 0x40, 0x20, 0xf7, 0xfe, 0x6f,
];

fn encoded(encoding: &'static str, body: Vec<u8>) -> Response {
    (
        [
            (header::CONTENT_ENCODING, encoding),
            (header::CONTENT_TYPE, "application/rss+xml"),
        ],
        body,
    )
        .into_response()
}

#[tokio::test]
async fn compressed_bodies_are_decoded_and_bombs_are_cut_off() {
    let bomb = gzip(&vec![0u8; 8 * MB]);
    assert!(bomb.len() < 16 * 1024, "a few KB: {}", bomb.len());
    let addr = serve(move |_| {
        Router::new()
            .route(
                "/gzip",
                get(|| async { encoded("gzip", gzip(b"<rss>small</rss>")) }),
            )
            .route(
                "/deflate",
                get(|| async {
                    let mut e =
                        flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::default());
                    e.write_all(b"<rss>deflated</rss>").unwrap();
                    encoded("deflate", e.finish().unwrap())
                }),
            )
            .route(
                "/gzip-bomb",
                get(move || async move { encoded("gzip", bomb) }),
            )
            .route(
                "/brotli-bomb",
                get(|| async { encoded("br", BROTLI_8_MIB_OF_ZEROS.to_vec()) }),
            )
            .route(
                "/not-gzip",
                get(|| async { encoded("gzip", b"this is not gzip at all".to_vec()) }),
            )
    })
    .await;
    let f = allowed();
    let url = |p: &str| format!("http://{addr}{p}");

    let got = fetch(&f, &url("/gzip")).await.unwrap();
    assert_eq!(got.body, b"<rss>small</rss>");
    let got = fetch(&f, &url("/deflate")).await.unwrap();
    assert_eq!(got.body, b"<rss>deflated</rss>");

    let err = assert_too_large(fetch(&f, &url("/gzip-bomb")).await);
    assert_eq!(
        err.to_string(),
        "response larger than 1048576 bytes after decompression"
    );
    assert_too_large(fetch(&f, &url("/brotli-bomb")).await);

    // The brotli fixture really is 8 MiB of zeros.
    let roomy = allowed_with(|c| c.max_body_bytes = 16 * MB as u64);
    let got = fetch(&roomy, &url("/brotli-bomb")).await.unwrap();
    assert_eq!(got.body.len(), 8 * MB);
    assert!(got.body.iter().all(|&b| b == 0));

    // A body that lies about its encoding is an error, not garbage.
    assert!(fetch(&f, &url("/not-gzip")).await.is_err());
}

// ---------------------------------------------------------------------------------------------
// Slow and silent servers

fn assert_timeout(result: Result<Fetched, FetchError>) {
    match result {
        Err(FetchError::Timeout(_)) => {}
        Err(e) => panic!("expected Timeout, got {e:?}"),
        Ok(f) => panic!("expected Timeout, got HTTP {}", f.status),
    }
}

/// Sends headers, then one body byte every `every`.
async fn drip(mut s: TcpStream, every: Duration) {
    read_head(&mut s).await;
    if s.write_all(b"HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\n")
        .await
        .is_err()
    {
        return;
    }
    for _ in 0..1000 {
        tokio::time::sleep(every).await;
        if s.write_all(b"z").await.is_err() {
            return;
        }
    }
}

#[tokio::test]
async fn a_slow_drip_body_hits_the_total_timeout() {
    // Each byte arrives within the read timeout; only the total timeout can stop it.
    let server = raw("127.0.0.1", |s| drip(s, Duration::from_millis(500))).await;
    let f = allowed_with(|c| {
        c.read_timeout = Duration::from_secs(2);
        c.total_timeout = Duration::from_millis(1500);
    });
    assert_timeout(fetch(&f, &server.url("/")).await);
}

#[tokio::test]
async fn a_stalling_body_hits_the_read_timeout() {
    let server = raw("127.0.0.1", |s| drip(s, Duration::from_secs(1))).await;
    let f = allowed_with(|c| {
        c.read_timeout = Duration::from_millis(600);
        c.total_timeout = Duration::from_secs(8);
    });
    assert_timeout(fetch(&f, &server.url("/")).await);
}

#[tokio::test]
async fn slowly_dripped_headers_hit_the_total_timeout() {
    let server = raw("127.0.0.1", |mut s| async move {
        read_head(&mut s).await;
        for b in b"HTTP/1.1 200 OK\r\nX-Slow: "
            .iter()
            .chain([b'a'; 1000].iter())
        {
            tokio::time::sleep(Duration::from_millis(300)).await;
            if s.write_all(&[*b]).await.is_err() {
                return;
            }
        }
    })
    .await;
    let f = allowed_with(|c| {
        c.read_timeout = Duration::from_secs(2);
        c.total_timeout = Duration::from_millis(1500);
    });
    assert_timeout(fetch(&f, &server.url("/")).await);
}

/// Accepts, reads the request, and never answers (keeping the connection open).
async fn silent(mut s: TcpStream) {
    read_head(&mut s).await;
    tokio::time::sleep(Duration::from_secs(30)).await;
    drop(s);
}

#[tokio::test]
async fn a_server_that_never_answers_hits_the_read_timeout() {
    let server = raw("127.0.0.1", silent).await;
    let f = allowed_with(|c| {
        c.read_timeout = Duration::from_millis(800);
        c.total_timeout = Duration::from_secs(8);
    });
    assert_timeout(fetch(&f, &server.url("/")).await);
    assert_eq!(server.connections(), 1);
}

#[tokio::test]
async fn a_server_that_never_answers_hits_the_total_timeout() {
    let server = raw("127.0.0.1", silent).await;
    let f = allowed_with(|c| {
        c.read_timeout = Duration::from_secs(8);
        c.total_timeout = Duration::from_millis(800);
    });
    let err = fetch(&f, &server.url("/")).await.unwrap_err();
    assert!(matches!(err, FetchError::Timeout(_)), "{err:?}");
    assert!(err.is_transient());
}

// ---------------------------------------------------------------------------------------------
// Broken HTTP

/// A server whose connection drops: before answering, or halfway through the body.
async fn dropping_servers() -> Vec<(&'static str, Raw)> {
    const PARTIAL: &[u8] = b"HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\nonly ten b";
    vec![
        (
            "closes without answering",
            raw("127.0.0.1", |mut s| async move {
                read_head(&mut s).await;
            })
            .await,
        ),
        (
            "resets without answering",
            raw("127.0.0.1", |mut s| async move {
                read_head(&mut s).await;
                let _ = s.set_zero_linger();
            })
            .await,
        ),
        (
            "closes halfway through the body",
            raw("127.0.0.1", |mut s| async move {
                read_head(&mut s).await;
                let _ = s.write_all(PARTIAL).await;
            })
            .await,
        ),
        (
            "resets halfway through the body",
            raw("127.0.0.1", |mut s| async move {
                read_head(&mut s).await;
                let _ = s.write_all(PARTIAL).await;
                tokio::time::sleep(Duration::from_millis(100)).await;
                let _ = s.set_zero_linger();
            })
            .await,
        ),
    ]
}

#[tokio::test]
async fn a_dropped_connection_is_a_transient_connection_error() {
    let f = allowed();
    for (what, server) in dropping_servers().await {
        let err = fetch(&f, &server.url("/")).await.unwrap_err();
        assert!(
            matches!(err, FetchError::Connect(_)),
            "a server that {what}: {err:?}"
        );
        assert!(err.is_transient(), "a server that {what}: {err:?}");
    }
}

#[tokio::test]
async fn protocol_garbage_is_an_error_not_a_hang() {
    let not_http = raw("127.0.0.1", |mut s| async move {
        read_head(&mut s).await;
        let _ = s.write_all(b"SSH-2.0-OpenSSH_9.6\r\n\r\n").await;
    })
    .await;
    let endless_headers = raw("127.0.0.1", |mut s| async move {
        read_head(&mut s).await;
        if s.write_all(b"HTTP/1.1 200 OK\r\n").await.is_err() {
            return;
        }
        let line = format!("X-Padding: {}\r\n", "p".repeat(1000));
        for _ in 0..100_000 {
            if s.write_all(line.as_bytes()).await.is_err() {
                return;
            }
        }
    })
    .await;
    let f = allowed();
    for (what, server) in [
        ("answers in another protocol", &not_http),
        ("sends endless headers", &endless_headers),
    ] {
        let result = fetch(&f, &server.url("/")).await;
        assert!(
            matches!(result, Err(FetchError::Other(_))),
            "a server that {what}: {result:?}"
        );
    }
}

// ---------------------------------------------------------------------------------------------
// SSRF guard

#[tokio::test]
async fn private_addresses_are_refused_before_any_request() {
    let v4 = counting_ok("127.0.0.1").await;
    let port = v4.addr.port();
    let f = guarded();
    for url in [
        format!("http://127.0.0.1:{port}/"),
        format!("http://[::ffff:127.0.0.1]:{port}/"),
        format!("http://localhost:{port}/"),
        format!("http://LocalHost:{port}/"),
        format!("http://127.1:{port}/"),
        format!("http://2130706433:{port}/"),
        format!("http://0x7f.0.0.1:{port}/"),
        format!("http://0.0.0.0:{port}/"),
        format!("http://[::]:{port}/"),
        format!("http://[::127.0.0.1]:{port}/"),
    ] {
        let err = fetch(&f, &url).await.unwrap_err();
        assert!(
            matches!(err, FetchError::Forbidden { .. }),
            "{url}: expected Forbidden, got {err:?}"
        );
        assert!(!err.is_transient(), "{url}");
    }
    let err = fetch(&f, &format!("http://127.0.0.1:{port}/"))
        .await
        .unwrap_err();
    assert_eq!(
        err.to_string(),
        "refused to connect to 127.0.0.1 (127.0.0.1): loopback address; \
         allow it with fetch.allow_private if intended"
    );
    assert_eq!(v4.connections(), 0, "the server was never contacted");

    // IPv6 loopback, when this machine has it.
    if let Ok(probe) = std::net::TcpListener::bind("[::1]:0") {
        drop(probe);
        let v6 = counting_ok("::1").await;
        let err = fetch(&f, &format!("http://[::1]:{}/", v6.addr.port()))
            .await
            .unwrap_err();
        assert!(
            matches!(&err, FetchError::Forbidden { addr, .. } if addr == "::1"),
            "{err:?}"
        );
        assert_eq!(v6.connections(), 0);
    }

    // The same server is reachable once allowed: the counting works.
    let got = fetch(&allowed(), &v4.url("/")).await.unwrap();
    assert_eq!(got.body, b"ok");
    assert_eq!(v4.connections(), 1);
}

#[tokio::test]
async fn a_redirect_to_a_forbidden_address_is_refused_on_that_hop() {
    let target = counting_ok("127.0.0.2").await;
    let to = target.url("/secret");
    let addr = serve(move |_| {
        Router::new().route(
            "/",
            get(move || async move { redirect(StatusCode::FOUND, &to) }),
        )
    })
    .await;
    let f = Fetcher::new(config(policy(&["127.0.0.1/32"], &[]))).unwrap();
    let err = fetch(&f, &format!("http://{addr}/")).await.unwrap_err();
    assert!(
        matches!(&err, FetchError::Forbidden { addr, .. } if addr == "127.0.0.2"),
        "{err:?}"
    );
    assert_eq!(target.connections(), 0);
}

#[tokio::test]
async fn a_redirect_to_a_name_resolving_to_a_forbidden_address_is_refused() {
    // Only the literal host "127.0.0.1" is allowed; "localhost" resolves to loopback and is not.
    let target = counting_ok("127.0.0.1").await;
    let to = format!("http://localhost:{}/secret", target.addr.port());
    let addr = serve(move |_| {
        Router::new().route(
            "/",
            get(move || async move { redirect(StatusCode::FOUND, &to) }),
        )
    })
    .await;
    let f = Fetcher::new(config(policy(&[], &["127.0.0.1"]))).unwrap();
    let err = fetch(&f, &format!("http://{addr}/")).await.unwrap_err();
    assert!(
        matches!(&err, FetchError::Forbidden { host, .. } if host == "localhost"),
        "{err:?}"
    );
    assert_eq!(target.connections(), 0);
}

#[tokio::test]
async fn only_http_and_https_urls_are_fetched() {
    let f = guarded();
    for (url, scheme) in [
        ("ftp://127.0.0.1/feed.xml", "ftp"),
        ("file:///etc/passwd", "file"),
        ("gopher://example.org/", "gopher"),
        ("data:text/plain,hello", "data"),
        ("javascript:alert(1)", "javascript"),
    ] {
        let err = fetch(&f, url).await.unwrap_err();
        assert!(
            matches!(&err, FetchError::Scheme(s) if s == scheme),
            "{url}: {err:?}"
        );
    }
}

#[tokio::test]
async fn garbage_urls_are_invalid() {
    let f = guarded();
    for url in [
        "",
        "not a url",
        "example.org/feed.xml",
        "http://",
        "http://exa mple.org/",
        "http://[::1/",
        "http://example.org:99999/",
        "://example.org/",
    ] {
        let err = fetch(&f, url).await.unwrap_err();
        assert!(
            matches!(err, FetchError::InvalidUrl(..)),
            "{url:?}: {err:?}"
        );
    }
}

// ---------------------------------------------------------------------------------------------
// Proxy

#[tokio::test]
async fn a_configured_proxy_is_used() {
    let seen = Arc::new(Mutex::new(String::new()));
    let s = seen.clone();
    let proxy = raw("127.0.0.1", move |mut stream| {
        let s = s.clone();
        async move {
            *s.lock().unwrap() = read_head(&mut stream).await;
            let _ = stream
                .write_all(b"HTTP/1.1 200 OK\r\nContent-Length: 9\r\n\r\nvia proxy")
                .await;
        }
    })
    .await;
    let f = allowed_with(|c| c.proxy = Some(format!("http://{}", proxy.addr)));
    let got = fetch(&f, "http://feeds.example.invalid/news.xml")
        .await
        .unwrap();
    assert_eq!(got.body, b"via proxy");
    let head = seen.lock().unwrap().clone();
    assert!(
        head.starts_with("GET http://feeds.example.invalid/news.xml HTTP/1.1\r\n"),
        "{head:?}"
    );
}

mod robots {
    use axum::Router;
    use axum::http::StatusCode;
    use axum::routing::get;
    use std::sync::Arc;
    use std::sync::atomic::{AtomicUsize, Ordering};
    use tidings_fetch::{AddressPolicy, Conditional, FetchConfig, FetchError, Fetcher};

    async fn site(
        robots: Option<&'static str>,
        robots_status: StatusCode,
    ) -> (String, Arc<AtomicUsize>) {
        let robots_hits = Arc::new(AtomicUsize::new(0));
        let hits = robots_hits.clone();
        let app = Router::new()
            .route(
                "/robots.txt",
                get(move || {
                    hits.fetch_add(1, Ordering::SeqCst);
                    async move { (robots_status, robots.unwrap_or("")) }
                }),
            )
            .route("/news/a", get(|| async { "article" }))
            .route("/private/a", get(|| async { "secret" }));
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let base = format!("http://{}", listener.local_addr().unwrap());
        tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
        (base, robots_hits)
    }

    fn fetcher() -> Fetcher {
        Fetcher::new(FetchConfig {
            min_host_interval: std::time::Duration::ZERO,
            policy: AddressPolicy {
                allow_ranges: vec!["127.0.0.0/8".parse().unwrap()],
                allow_hosts: vec![],
            },
            ..FetchConfig::default()
        })
        .unwrap()
    }

    #[tokio::test]
    async fn page_fetches_respect_robots_txt_and_cache_it() {
        let (base, hits) = site(Some("User-agent: *\nDisallow: /private\n"), StatusCode::OK).await;
        let f = fetcher();
        let ok = f
            .get_page(&format!("{base}/news/a"), &Conditional::default())
            .await
            .unwrap();
        assert_eq!(ok.body, b"article");
        let refused = f
            .get_page(&format!("{base}/private/a"), &Conditional::default())
            .await;
        assert!(
            matches!(refused, Err(FetchError::RobotsDisallowed(_))),
            "{refused:?}"
        );
        assert_eq!(
            hits.load(Ordering::SeqCst),
            1,
            "robots.txt is fetched once per origin"
        );
        // Feeds are not subject to robots.txt.
        assert!(
            f.get(&format!("{base}/private/a"), &Conditional::default())
                .await
                .is_ok()
        );
    }

    #[tokio::test]
    async fn missing_robots_allows_and_failing_robots_disallows() {
        let (missing, _) = site(None, StatusCode::NOT_FOUND).await;
        assert!(
            fetcher()
                .get_page(&format!("{missing}/private/a"), &Conditional::default())
                .await
                .is_ok()
        );
        let (failing, _) = site(None, StatusCode::INTERNAL_SERVER_ERROR).await;
        let refused = fetcher()
            .get_page(&format!("{failing}/news/a"), &Conditional::default())
            .await;
        assert!(
            matches!(refused, Err(FetchError::RobotsDisallowed(_))),
            "{refused:?}"
        );
    }
}
