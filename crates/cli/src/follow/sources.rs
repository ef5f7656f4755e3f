//! Sources: following a feed from its URL or from any page of the site (discovery), listing
//! and removing, and OPML import and export — library functions the CLI (and later the admin)
//! call.

use super::Follower;
use super::cycle::{self, Parsed};
use super::opml::{self, Subscription};
use anyhow::{Result, anyhow, bail};
use tidings_extract::discover::{common_feed_urls, feed_links};
use tidings_extract::sniff::{self, PageKind};
use tidings_feed::domain_of;
use tidings_fetch::{Conditional, Fetched};
use tidings_model::OutletRef;
use tidings_store::{Feed, NewFeed};

/// A feed that was just followed, and how many of its articles were stored at once.
pub struct Added {
    pub feed: Feed,
    pub new_articles: usize,
}

/// Follows `url`: a feed URL, or a page whose feed is found by its `<link rel="alternate">`
/// or at a common path. The feed's current entries are stored right away.
pub async fn add(f: &Follower, url: &str, section: Option<String>) -> Result<Added> {
    let (fetched, parsed) = find_feed(f, url).await?;
    let domain = parsed
        .home_url
        .as_deref()
        .or(Some(fetched.url.as_str()))
        .and_then(domain_of);
    let outlet = OutletRef {
        name: parsed
            .title
            .clone()
            .or_else(|| domain.clone())
            .unwrap_or_else(|| fetched.url.clone()),
        domain,
    };
    let new = NewFeed {
        url: fetched.url.clone(),
        title: parsed.title.clone(),
        format: Some(parsed.version.clone()),
        section,
        outlet,
    };
    let feed = f.db(move |s| s.add_feed(&new)).await?;
    let new_articles = cycle::store_fetched(f, &feed, &fetched, parsed).await?;
    let feed = f
        .db(move |s| s.feed(feed.id))
        .await?
        .ok_or_else(|| anyhow!("feed vanished"))?;
    Ok(Added { feed, new_articles })
}

/// Fetches `url` and, when it is a page, the feeds it announces (or the common paths).
async fn find_feed(f: &Follower, url: &str) -> Result<(Fetched, Parsed)> {
    let fetched = f.fetcher.get(url, &Conditional::default()).await?;
    match sniff::sniff(&fetched.body) {
        PageKind::XmlFeed | PageKind::JsonFeed => {
            let parsed = cycle::parse(&fetched)?;
            Ok((fetched, parsed))
        }
        PageKind::Html => {
            let html = String::from_utf8_lossy(&fetched.body).into_owned();
            let announced = feed_links(&html, &fetched.url);
            let candidates = if announced.is_empty() {
                common_feed_urls(&fetched.url)
            } else {
                announced.clone()
            };
            for candidate in candidates {
                let Ok(got) = f.fetcher.get(&candidate, &Conditional::default()).await else {
                    continue;
                };
                if let Ok(parsed) = cycle::parse(&got) {
                    return Ok((got, parsed));
                }
            }
            if announced.is_empty() {
                bail!(
                    "{url} is a web page that announces no feed, and none was found at the usual paths"
                );
            }
            bail!(
                "{url} announces feeds ({}) but none of them could be read",
                announced.join(", ")
            )
        }
        other => bail!(
            "{url} is not a feed or a web page: {}",
            other.refusal().unwrap_or("unknown content")
        ),
    }
}

/// What an OPML import did.
#[derive(Debug, Default)]
pub struct OpmlImport {
    pub added: usize,
    pub already: usize,
    pub failed: Vec<(String, String)>,
}

/// Follows every subscription of an OPML file; categories become sections. Feeds are added
/// without fetching (the next cycle fetches them), so a large file imports at once.
pub async fn import_opml(f: &Follower, bytes: &[u8]) -> Result<OpmlImport> {
    let subs = opml::parse(bytes)?;
    let mut report = OpmlImport::default();
    for sub in subs {
        let domain = sub
            .html_url
            .as_deref()
            .or(Some(sub.xml_url.as_str()))
            .and_then(domain_of);
        let new = NewFeed {
            url: sub.xml_url.clone(),
            title: sub.title.clone(),
            format: None,
            section: sub.section.clone(),
            outlet: OutletRef {
                name: sub
                    .title
                    .clone()
                    .or_else(|| domain.clone())
                    .unwrap_or_else(|| sub.xml_url.clone()),
                domain,
            },
        };
        match f.db(move |s| s.add_feed(&new)).await {
            Ok(_) => report.added += 1,
            Err(e)
                if e.downcast_ref::<tidings_store::StoreError>()
                    .is_some_and(|e| matches!(e, tidings_store::StoreError::Conflict(_))) =>
            {
                report.already += 1
            }
            Err(e) => report.failed.push((sub.xml_url, e.to_string())),
        }
    }
    Ok(report)
}

/// Every followed feed as OPML 2.0, sections as categories.
pub async fn export_opml(f: &Follower) -> Result<String> {
    let (feeds, outlets) = f.db(|s| Ok((s.feeds()?, s.outlets()?))).await?;
    let subs: Vec<Subscription> = feeds
        .into_iter()
        .map(|feed| {
            let html_url = outlets
                .iter()
                .find(|o| o.slug == feed.outlet_slug)
                .and_then(|o| o.domain.as_ref())
                .map(|d| format!("https://{d}/"));
            Subscription {
                title: feed.title.clone().or(Some(feed.outlet_name.clone())),
                xml_url: feed.url,
                html_url,
                section: feed.section,
            }
        })
        .collect();
    Ok(opml::write("tidings subscriptions", &subs))
}

/// The admin page's way to follow a source: [`add`], handed to the site as its hook.
pub struct AdminSources(pub Follower);

impl tidings_web::SourceAdder for AdminSources {
    fn add(
        &self,
        url: String,
        section: Option<String>,
    ) -> std::pin::Pin<Box<dyn std::future::Future<Output = Result<String, String>> + Send>> {
        let f = self.0.clone();
        Box::pin(async move {
            add(&f, &url, section)
                .await
                .map(|a| {
                    format!(
                        "Following {} ({}); {} articles stored now.",
                        a.feed.url, a.feed.outlet_name, a.new_articles
                    )
                })
                .map_err(|e| format!("{e:#}"))
        })
    }
}
