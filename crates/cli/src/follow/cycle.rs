//! The fetch cycle: every due feed is fetched (several at once, each host politely), parsed,
//! its new articles stored, and its next fetch scheduled — sooner for busy feeds, later for
//! quiet ones, backing off on failure. One failing feed never stops the others.

use super::Follower;
use anyhow::{Result, bail};
use futures_util::StreamExt;
use indicatif::ProgressBar;
use std::time::{Duration, Instant};
use tidings_extract::discover::feed_links;
use tidings_extract::sniff::{self, PageKind};
use tidings_fetch::{Conditional, FetchError, Fetched};
use tidings_model::{Article, ExtractionMode};
use tidings_store::{Feed, FetchResult};

/// A fetched document read as a feed.
pub struct Parsed {
    pub title: Option<String>,
    pub home_url: Option<String>,
    pub version: String,
    pub articles: Vec<Article>,
    /// What was wrong with a feed that could still be read (feedparser's bozo).
    pub warning: Option<String>,
}

/// Reads a fetched document as a feed, or says what it is instead — naming the feed a web page
/// announces when a page was served where a feed was expected.
pub fn parse(fetched: &Fetched) -> Result<Parsed> {
    let doc = tidings_feed::parse_document(&fetched.body, Some(&fetched.url), &fetched.headers);
    if doc.version.is_empty() && doc.entries.is_empty() {
        let got = fetched.content_type.as_deref().unwrap_or("no content type");
        if sniff::sniff(&fetched.body) == PageKind::Html {
            let html = String::from_utf8_lossy(&fetched.body);
            match feed_links(&html, &fetched.url).first() {
                Some(link) => bail!("not a feed: got {got}; found feed link {link} — use that?"),
                None => bail!("not a feed: got {got}, an HTML page that announces no feed"),
            }
        }
        bail!(
            "not a feed ({got}): {}",
            doc.bozo_message()
                .unwrap_or("no RSS, Atom or JSON Feed found")
        );
    }
    Ok(Parsed {
        title: doc.title(),
        home_url: doc.home_url(Some(&fetched.url)),
        version: doc.version.clone(),
        articles: doc.articles(Some(&fetched.url)),
        warning: doc
            .bozo
            .then(|| doc.bozo_message().unwrap_or("malformed").to_owned()),
    })
}

/// What a cycle did.
#[derive(Debug, Default, Clone, Copy)]
pub struct CycleReport {
    pub feeds: usize,
    pub fetched: usize,
    pub not_modified: usize,
    pub failed: usize,
    pub new_articles: usize,
}

/// Feeds fetched per cycle at most; the rest wait for the next cycle.
const CYCLE_LIMIT: usize = 1_000;

/// Fetches every feed that is due now.
pub async fn run_once(f: &Follower, bar: &ProgressBar) -> Result<CycleReport> {
    let now = chrono::Utc::now().timestamp();
    let due = f.db(move |s| s.due_feeds(now, CYCLE_LIMIT)).await?;
    bar.set_length(due.len() as u64);
    let mut report = CycleReport {
        feeds: due.len(),
        ..CycleReport::default()
    };
    let mut outcomes = futures_util::stream::iter(due)
        .map(|feed| async move { fetch_one(f, &feed).await })
        .buffer_unordered(f.concurrency);
    while let Some(outcome) = outcomes.next().await {
        match outcome {
            Outcome::Fetched(n) => {
                report.fetched += 1;
                report.new_articles += n;
            }
            Outcome::NotModified => report.not_modified += 1,
            Outcome::Failed => report.failed += 1,
        }
        bar.inc(1);
    }
    Ok(report)
}

enum Outcome {
    Fetched(usize),
    NotModified,
    Failed,
}

async fn fetch_one(f: &Follower, feed: &Feed) -> Outcome {
    let started = Instant::now();
    let cond = Conditional {
        etag: feed.etag.clone(),
        last_modified: feed.last_modified.clone(),
    };
    let result = match f.fetcher.get(&feed.url, &cond).await {
        Ok(fetched) if fetched.not_modified => Ok(None),
        Ok(fetched) => match parse(&fetched) {
            Ok(parsed) => store_fetched(f, feed, &fetched, parsed)
                .await
                .map(Some)
                .map_err(|e| (e, None)),
            Err(e) => Err((e, None)),
        },
        Err(e) => {
            let retry = match &e {
                FetchError::RetryAfter(d, _) | FetchError::HostPaused(d) => Some(*d),
                _ => None,
            };
            Err((anyhow::Error::new(e), retry))
        }
    };
    let elapsed = started.elapsed().as_millis() as i64;
    let metrics = &*tidings_web::metrics::METRICS;
    match &result {
        Ok(Some(_)) => metrics.count_fetch("fetched"),
        Ok(None) => metrics.count_fetch("not-modified"),
        Err((e, _)) => {
            metrics.count_fetch("error");
            metrics.count_fetch_error(
                e.downcast_ref::<FetchError>()
                    .map_or("feed", FetchError::kind),
            );
        }
    }
    match result {
        Ok(Some(n)) => Outcome::Fetched(n),
        Ok(None) => {
            let interval = f
                .schedule
                .after_success(Duration::from_secs(feed.interval_secs.max(1) as u64), 0);
            record(
                f,
                feed,
                FetchResult::NotModified,
                interval,
                interval,
                elapsed,
            )
            .await;
            Outcome::NotModified
        }
        Err((e, retry)) => {
            let failures = u32::try_from(feed.error_count + 1).unwrap_or(u32::MAX);
            let wait = f.schedule.after_failure(failures, retry);
            tracing::warn!(feed = feed.id, url = %feed.url, error = %format!("{e:#}"), "fetch failed");
            let interval = Duration::from_secs(feed.interval_secs.max(1) as u64);
            record(
                f,
                feed,
                FetchResult::Failed {
                    error: format!("{e:#}"),
                },
                wait,
                interval,
                elapsed,
            )
            .await;
            Outcome::Failed
        }
    }
}

async fn record(
    f: &Follower,
    feed: &Feed,
    result: FetchResult,
    wait: Duration,
    interval: Duration,
    elapsed_ms: i64,
) {
    let id = feed.id;
    let next = chrono::Utc::now().timestamp() + wait.as_secs() as i64;
    let interval = interval.as_secs() as i64;
    if let Err(e) = f
        .db(move |s| s.record_fetch(id, &result, next, interval, elapsed_ms))
        .await
    {
        tracing::error!(feed = id, error = %e, "could not record a fetch");
    }
}

/// Entries with fewer words than this are summaries: their article page is worth fetching.
const SUMMARY_WORDS: u32 = 150;

/// Fetches and extracts the article page behind new entries that carry only a summary (or
/// behind every new entry, as the outlet's extraction mode says). A page that cannot be
/// fetched or read leaves the entry as the feed gave it.
async fn complete_from_pages(f: &Follower, feed: &Feed, articles: Vec<Article>) -> Vec<Article> {
    let slug = feed.outlet_slug.clone();
    let mode = f
        .db(move |s| s.outlet_by_slug(&slug))
        .await
        .ok()
        .flatten()
        .map(|o| o.extraction_mode)
        .unwrap_or_default();
    if mode == ExtractionMode::Never {
        return articles;
    }
    let mut out = Vec::with_capacity(articles.len());
    for a in articles {
        let wanted = mode == ExtractionMode::Always || a.word_count < SUMMARY_WORDS;
        let Some(url) = a.url.clone().filter(|_| wanted) else {
            out.push(a);
            continue;
        };
        let known = url.clone();
        if f.db(move |s| s.has_article_url(&known))
            .await
            .unwrap_or(true)
        {
            out.push(a);
            continue;
        }
        match page_article(f, &url).await {
            Ok(page) => out.push(merge_page(a, page)),
            Err(e) => {
                tracing::info!(url = %url, error = %format!("{e:#}"), "article page not used");
                out.push(a);
            }
        }
    }
    out
}

pub async fn page_article(f: &Follower, url: &str) -> Result<Article> {
    let fetched = f.fetcher.get_page(url, &Conditional::default()).await?;
    let charset = fetched
        .content_type
        .as_deref()
        .and_then(|ct| ct.split("charset=").nth(1))
        .map(|c| c.trim_matches(['"', ' ', ';']).to_owned());
    Ok(tidings_extract::html_page::extract(
        &fetched.body,
        Some(&fetched.url),
        charset.as_deref(),
    )?)
}

/// The feed's entry completed by its page: the body and what the page knows better; the
/// entry keeps its URL (its identity), and its title and date when the page has none.
fn merge_page(entry: Article, page: Article) -> Article {
    if page.word_count <= entry.word_count {
        return entry;
    }
    Article {
        url: entry.url,
        title: if page.title.trim().is_empty() {
            entry.title
        } else {
            page.title
        },
        authors: if page.authors.is_empty() {
            entry.authors
        } else {
            page.authors
        },
        outlet: entry.outlet,
        published_at: entry.published_at.or(page.published_at),
        updated_at: page.updated_at.or(entry.updated_at),
        section: entry.section.or(page.section),
        tags: if entry.tags.is_empty() {
            page.tags
        } else {
            entry.tags
        },
        language: entry.language.or(page.language),
        summary: entry.summary.or(page.summary),
        image_url: entry.image_url.or(page.image_url),
        provenance: if page.provenance.is_republication() {
            page.provenance
        } else {
            entry.provenance
        },
        ..page
    }
}

/// Stores the articles of a fetched feed and schedules it; returns how many were new.
pub async fn store_fetched(
    f: &Follower,
    feed: &Feed,
    fetched: &Fetched,
    parsed: Parsed,
) -> Result<usize> {
    let started = Instant::now();
    let feed_id = feed.id;
    let section = feed.section.clone();
    let articles = complete_from_pages(f, feed, parsed.articles).await;
    let (new, errors) = f
        .db(move |s| {
            let (mut new, mut errors) = (0usize, Vec::new());
            for mut a in articles {
                if a.section.is_none() {
                    a.section = section.clone();
                }
                crate::process::enrich(&mut a);
                match s.upsert_feed_article(&a, feed_id) {
                    Ok(o) if o.created => {
                        new += 1;
                        tidings_web::metrics::METRICS.articles_ingested.inc();
                    }
                    Ok(_) => {}
                    // One bad entry is reported; the rest of the feed is kept.
                    Err(e) => errors.push(format!("{}: {e}", a.title)),
                }
            }
            Ok((new, errors))
        })
        .await?;
    let interval = f
        .schedule
        .after_success(Duration::from_secs(feed.interval_secs.max(1) as u64), new);
    let result = FetchResult::Fetched {
        etag: fetched.etag.clone(),
        last_modified: fetched.last_modified.clone(),
        new_articles: new as i64,
    };
    record(
        f,
        feed,
        result,
        interval,
        interval,
        started.elapsed().as_millis() as i64,
    )
    .await;
    if let Some(w) = parsed.warning {
        tracing::info!(feed = feed.id, warning = %w, "feed read with warnings");
    }
    for e in errors {
        tracing::warn!(feed = feed.id, error = %e, "entry not stored");
    }
    Ok(new)
}

/// Runs cycles until `shutdown` resolves: after each cycle, sleeps until the next feed is due
/// (at least a few seconds, at most a minute, so new feeds are picked up soon).
pub async fn run_until(
    f: &Follower,
    shutdown: impl std::future::Future<Output = ()>,
) -> Result<()> {
    tokio::pin!(shutdown);
    let bar = ProgressBar::hidden();
    loop {
        tokio::select! {
            _ = &mut shutdown => return Ok(()),
            report = run_once(f, &bar) => match report {
                Ok(r) if r.feeds > 0 => tracing::info!(feeds = r.feeds, fetched = r.fetched, not_modified = r.not_modified, failed = r.failed, new_articles = r.new_articles, "fetch cycle"),
                Ok(_) => {}
                // The database may be restarting: try again after the pause.
                Err(e) => tracing::error!(error = %format!("{e:#}"), "fetch cycle failed"),
            },
        }
        let next = f.db(|s| s.next_due_at()).await.ok().flatten();
        let now = chrono::Utc::now().timestamp();
        let wait = next.map_or(60, |t| (t - now).clamp(5, 60)) as u64;
        tokio::select! {
            _ = &mut shutdown => return Ok(()),
            _ = tokio::time::sleep(Duration::from_secs(wait)) => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use tidings_model::OutletRef;
    use tidings_store::NewFeed;
    use tidings_store::testing::TestDatabase;

    fn feed_with_guids(prefix: &str) -> String {
        let items: String = ["one", "two"]
            .iter()
            .map(|s| {
                format!(
                    "<item><title>Story {s}</title><link>https://outlet.example/{s}</link>\
                     <guid isPermaLink=\"false\">{prefix}-{s}</guid><description>Body of story {s}.</description></item>"
                )
            })
            .collect();
        format!("<rss version=\"2.0\"><channel><title>Outlet</title>{items}</channel></rss>")
    }

    /// Items are identified by their link, so a feed that renumbers its GUIDs stores nothing twice.
    #[test]
    fn a_feed_that_changes_its_guids_does_not_duplicate_articles() {
        let db = TestDatabase::sqlite();
        let store = db.open().unwrap();
        let feed = store
            .add_feed(&NewFeed {
                url: "https://outlet.example/rss".into(),
                outlet: OutletRef {
                    name: "Outlet".into(),
                    domain: None,
                },
                ..NewFeed::default()
            })
            .unwrap();
        for prefix in ["2026-a", "2026-b"] {
            let parsed = tidings_feed::parse(
                feed_with_guids(prefix).as_bytes(),
                Some("https://outlet.example/rss"),
            )
            .unwrap();
            for a in &parsed.entries {
                store.upsert_feed_article(a, feed.id).unwrap();
            }
        }
        assert_eq!(store.article_count().unwrap(), 2);
    }
}
