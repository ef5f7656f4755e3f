//! The fetch cycle: every due feed is fetched (several at once, each host politely), parsed,
//! its new articles stored, and its next fetch scheduled — sooner for busy feeds, later for
//! quiet ones, backing off on failure. One failing feed never stops the others.

use super::Follower;
use crate::retry::backoff;
use anyhow::{Result, bail};
use futures_util::StreamExt;
use indicatif::ProgressBar;
use std::time::Duration;
use tidings_extract::discover::feed_links;
use tidings_extract::sniff::{self, PageKind};
use tidings_fetch::{Conditional, FetchError, Fetched};
use tidings_model::{Article, Classify, ErrorClass, ExtractionMode};
use tidings_store::{Feed, FetchResult};
use tokio::time::Instant;

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

/// Fetches every feed that is due now (and not leased by another node), each host politely;
/// returns when none is left.
pub async fn run_once(f: &Follower, bar: &ProgressBar) -> Result<CycleReport> {
    pump(f, bar, true, std::future::pending()).await
}

/// Pause after one request and before the next: long enough not to poll the database in a
/// tight loop, short enough to catch a host's slot soon after its pause.
fn poll_pause(f: &Follower) -> Duration {
    f.claim
        .host_gap
        .clamp(Duration::from_millis(200), Duration::from_secs(2))
        .mul_f64(1.0 + fastrand::f64() / 2.0)
}

/// How long to wait when this node has nothing in flight and found nothing to claim; `None`
/// when `once` and nothing due is left unclaimed.
async fn idle_wait(f: &Follower, once: bool) -> Result<Option<Duration>> {
    let now = chrono::Utc::now();
    if f.db(move |s| s.unclaimed_due_count(now)).await? > 0 {
        // Due feeds whose hosts are pausing (or held by a node whose lease has yet to expire).
        return Ok(Some(poll_pause(f)));
    }
    if once {
        return Ok(None);
    }
    let next = f.db(|s| s.next_due_at()).await?;
    let secs = next.map_or(60, |t| (t - now.timestamp()).clamp(1, 60)) as f64;
    Ok(Some(Duration::from_secs_f64(
        secs * (1.0 + fastrand::f64() / 4.0),
    )))
}

/// What one trip to the database for more work found.
enum Step {
    /// Feeds claimed, to fetch now.
    Claimed(Vec<tidings_store::Feed>),
    /// Nothing claimable while fetches are still in flight.
    Busy,
    /// Nothing in flight and nothing claimable: wait this long (`None`: done, with `once`).
    Idle(Option<Duration>),
}

/// Claims up to `want` due feeds; when there are none and nothing is in flight (`idle`), asks
/// how long to wait.
async fn claim_step(f: &Follower, want: usize, idle: bool, once: bool) -> Result<Step> {
    let claim = f.claim.clone();
    let feeds = f
        .db(move |s| s.claim_due_feeds(&claim, chrono::Utc::now(), want))
        .await?;
    Ok(if !feeds.is_empty() {
        Step::Claimed(feeds)
    } else if !idle {
        Step::Busy
    } else {
        Step::Idle(idle_wait(f, once).await?)
    })
}

/// The output of `slot`'s future when there is one; never otherwise.
async fn running<F: std::future::Future + Unpin>(slot: &mut Option<F>) -> F::Output {
    match slot {
        Some(fut) => fut.await,
        None => std::future::pending().await,
    }
}

/// The fetch loop of one node: keeps up to `concurrency` claimed feeds in flight, claiming
/// more as fetches finish, until `shutdown` resolves or, with `once`, nothing is left to do.
/// A database failure pauses claiming (with back-off) instead of ending the loop, except with
/// `once`, where it is the caller's error. Claiming runs beside the fetches in flight, never
/// in front of them: a database that takes its time to fail (the pool's timeout) must not
/// hold up responses already on their way, which would then time out as if the feeds were
/// to blame.
async fn pump(
    f: &Follower,
    bar: &ProgressBar,
    once: bool,
    shutdown: impl std::future::Future<Output = ()>,
) -> Result<CycleReport> {
    tokio::pin!(shutdown);
    let mut report = CycleReport::default();
    let mut since_log = CycleReport::default();
    let mut inflight = futures_util::stream::FuturesUnordered::new();
    let mut claiming: Option<futures_util::future::BoxFuture<'_, Result<Step>>> = None;
    let mut next_claim = Instant::now();
    let mut failures = 0u32;
    loop {
        if claiming.is_none() && inflight.len() < f.concurrency && Instant::now() >= next_claim {
            let want = f.concurrency - inflight.len();
            claiming = Some(Box::pin(claim_step(f, want, inflight.is_empty(), once)));
        }
        tokio::select! {
            _ = &mut shutdown => return Ok(report),
            step = running(&mut claiming) => {
                claiming = None;
                match step {
                    Ok(Step::Claimed(feeds)) => {
                        failures = 0;
                        report.feeds += feeds.len();
                        since_log.feeds += feeds.len();
                        bar.inc_length(feeds.len() as u64);
                        for feed in feeds {
                            inflight.push(async move { fetch_one(f, &feed).await });
                        }
                    }
                    Ok(Step::Busy) => {
                        failures = 0;
                        next_claim = Instant::now() + poll_pause(f);
                    }
                    Ok(Step::Idle(wait)) => {
                        failures = 0;
                        log_cycle(&mut since_log, once);
                        match wait {
                            Some(wait) => next_claim = Instant::now() + wait,
                            None => return Ok(report),
                        }
                    }
                    Err(e) if once => return Err(e),
                    Err(e) => {
                        failures += 1;
                        let wait = backoff(failures);
                        tidings_web::metrics::METRICS.count_db_retry("claim");
                        // The database may be restarting: the pool reconnects on the next try.
                        tracing::error!(error = %format!("{e:#}"), try_number = failures, retry_in_ms = wait.as_millis() as u64, "fetch loop: cannot claim feeds; retrying");
                        next_claim = Instant::now() + wait;
                    }
                }
            }
            Some(outcome) = inflight.next(), if !inflight.is_empty() => {
                tally(&mut report, outcome);
                tally(&mut since_log, outcome);
                bar.inc(1);
                // A slot is free: claim again now unless the database asked for a pause.
                if failures == 0 {
                    next_claim = next_claim.min(Instant::now());
                }
            }
            _ = tokio::time::sleep_until(next_claim),
                if claiming.is_none() && inflight.len() < f.concurrency => {}
        }
    }
}

fn tally(report: &mut CycleReport, outcome: Outcome) {
    match outcome {
        Outcome::Fetched(n) => {
            report.fetched += 1;
            report.new_articles += n;
        }
        Outcome::NotModified => report.not_modified += 1,
        Outcome::Failed => report.failed += 1,
    }
}

/// Logs what the loop did since it was last idle (the background loop only).
fn log_cycle(r: &mut CycleReport, once: bool) {
    if !once && r.feeds > 0 {
        tracing::info!(
            feeds = r.feeds,
            fetched = r.fetched,
            not_modified = r.not_modified,
            failed = r.failed,
            new_articles = r.new_articles,
            "fetch cycle"
        );
    }
    *r = CycleReport::default();
}

#[derive(Debug, Clone, Copy)]
enum Outcome {
    Fetched(usize),
    NotModified,
    Failed,
}

/// Fetches one feed; a panic while doing so (a bug in tidings, never the feed's fault alone) is
/// recorded against that feed as a failure, so the other fetches in flight go on.
async fn fetch_one(f: &Follower, feed: &Feed) -> Outcome {
    let started = Instant::now();
    match panic_as_error(fetch_and_record(f, feed)).await {
        Ok(outcome) => outcome,
        Err(message) => {
            tidings_web::metrics::METRICS.count_fetch("error");
            tracing::error!(feed = feed.id, url = %feed.url, panic = %message, "fetch panicked");
            let error =
                format!("internal error while reading this feed (a bug in tidings): {message}");
            record_failure(f, feed, error, None, started.elapsed().as_millis() as i64).await
        }
    }
}

/// Runs `fut`, turning a panic inside it into its message. The fetches of a cycle share one
/// task (they borrow the follower), so without this one panicking parser would end them all.
async fn panic_as_error<T>(fut: impl std::future::Future<Output = T>) -> Result<T, String> {
    use futures_util::FutureExt;
    std::panic::AssertUnwindSafe(fut)
        .catch_unwind()
        .await
        .map_err(|payload| {
            payload
                .downcast_ref::<&str>()
                .map(|s| (*s).to_owned())
                .or_else(|| payload.downcast_ref::<String>().cloned())
                .unwrap_or_else(|| "panic without a message".to_owned())
        })
}

async fn fetch_and_record(f: &Follower, feed: &Feed) -> Outcome {
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
        Err((e, _)) if database_unavailable(&e) => {
            // Not the feed's fault: no back-off for it. The lease is given back (or expires)
            // and the feed, still due with its old validators, is fetched again soon.
            tracing::warn!(feed = feed.id, error = %format!("{e:#}"), "articles not stored: database unavailable");
            let (owner, id) = (f.claim.owner.clone(), feed.id);
            let _ = f.db(move |s| s.release_feed(&owner, id)).await;
            Outcome::Failed
        }
        Err((e, retry)) => {
            // The server's wording for a full disk varies ("No space left on device", "wrote
            // only 4096 of 8192 bytes"); the admin reads the same words for every one of them.
            let message = if database_full(&e) {
                format!("database or disk is full, articles not stored: {e:#}")
            } else {
                format!("{e:#}")
            };
            tracing::warn!(feed = feed.id, url = %feed.url, error = %message, "fetch failed");
            record_failure(f, feed, message, retry, elapsed).await
        }
    }
}

/// Records a failed fetch against `feed` with its error, backing off (or waiting `retry`, as
/// the server asked).
async fn record_failure(
    f: &Follower,
    feed: &Feed,
    error: String,
    retry: Option<Duration>,
    elapsed_ms: i64,
) -> Outcome {
    let failures = u32::try_from(feed.error_count + 1).unwrap_or(u32::MAX);
    let wait = f.schedule.after_failure(failures, retry);
    let interval = Duration::from_secs(feed.interval_secs.max(1) as u64);
    record(
        f,
        feed,
        FetchResult::Failed { error },
        wait,
        interval,
        elapsed_ms,
    )
    .await;
    Outcome::Failed
}

fn database_unavailable(e: &anyhow::Error) -> bool {
    e.downcast_ref::<tidings_store::StoreError>()
        .is_some_and(|s| s.class() == ErrorClass::Unavailable)
}

/// The database (or the disk under it) is full.
fn database_full(e: &anyhow::Error) -> bool {
    e.downcast_ref::<tidings_store::StoreError>()
        .is_some_and(tidings_store::StoreError::is_storage_full)
}

/// A database failure that may pass by itself (see [`tidings_store::StoreError::is_transient`]).
fn database_transient(e: &anyhow::Error) -> bool {
    e.downcast_ref::<tidings_store::StoreError>()
        .is_some_and(tidings_store::StoreError::is_transient)
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
    let owner = f.claim.owner.clone();
    let next = chrono::Utc::now().timestamp() + wait.as_secs() as i64;
    let interval = interval.as_secs() as i64;
    // A database that went away is waited for (with back-off) while this node's lease on the
    // feed lasts: past it another node may fetch the feed again, and what this fetch brought
    // (its articles are stored already) is recorded by that fetch instead.
    let give_up = Instant::now() + f.claim.lease;
    let mut failures = 0u32;
    loop {
        let (owner, result) = (owner.clone(), result.clone());
        match f
            .db(move |s| s.record_fetch_as(&owner, id, &result, next, interval, elapsed_ms))
            .await
        {
            Ok(_) => return,
            Err(e) if database_transient(&e) && Instant::now() < give_up => {
                failures += 1;
                let wait = backoff(failures).min(give_up - Instant::now());
                tidings_web::metrics::METRICS.count_db_retry("record");
                tracing::warn!(feed = id, error = %format!("{e:#}"), try_number = failures, retry_in_ms = wait.as_millis() as u64, "could not record a fetch: database unavailable; retrying");
                tokio::time::sleep(wait).await;
            }
            Err(e) => {
                tracing::error!(feed = id, error = %format!("{e:#}"), "could not record a fetch");
                return;
            }
        }
    }
}

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
        let wanted = mode == ExtractionMode::Always || tidings_feed::is_summary(&a);
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
fn merge_page(entry: Article, mut page: Article) -> Article {
    if page.word_count <= entry.word_count {
        return entry;
    }
    // The page's sources name where its metadata came from; what the feed entry gave wins
    // where it has a value, and is credited to the feed.
    let from_feed = [
        ("url", entry.url.is_some()),
        ("outlet", true),
        ("published_at", entry.published_at.is_some()),
        ("section", entry.section.is_some()),
        ("tags", !entry.tags.is_empty()),
        ("language", entry.language.is_some()),
        ("summary", entry.summary.is_some()),
        ("image_url", entry.image_url.is_some()),
        ("title", page.title.trim().is_empty()),
        (
            "authors",
            page.authors.is_empty() && !entry.authors.is_empty(),
        ),
    ];
    for (field, fed) in from_feed {
        if fed {
            page.metadata_sources
                .insert(field.to_owned(), "feed".to_owned());
        }
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
                    // The database went away or is full: fail the fetch, so that the feed (its
                    // validators unchanged, or a 304 would hide these entries) is fetched again
                    // and no entry is lost.
                    Err(e)
                        if matches!(
                            e.class(),
                            ErrorClass::Unavailable | ErrorClass::StorageFull
                        ) =>
                    {
                        return Err(e);
                    }
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
    if let Some(w) = &parsed.warning {
        tracing::info!(feed = feed.id, warning = %w, "feed read with warnings");
    }
    let result = FetchResult::Fetched {
        etag: fetched.etag.clone(),
        last_modified: fetched.last_modified.clone(),
        new_articles: new as i64,
        warning: parsed.warning,
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
    for e in errors {
        tracing::warn!(feed = feed.id, error = %e, "entry not stored");
    }
    Ok(new)
}

/// Runs the fetch loop until `shutdown` resolves, then gives back the leases of fetches it
/// cut short so other nodes need not wait for them to expire.
pub async fn run_until(
    f: &Follower,
    shutdown: impl std::future::Future<Output = ()>,
) -> Result<()> {
    let bar = ProgressBar::hidden();
    pump(f, &bar, false, shutdown).await?;
    let owner = f.claim.owner.clone();
    if let Err(e) = f.db(move |s| s.release_leases(&owner)).await {
        tracing::warn!(error = %format!("{e:#}"), "leases not released; they expire by themselves");
    }
    Ok(())
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

    #[tokio::test]
    async fn a_panic_in_one_fetch_becomes_its_error_and_the_others_finish() {
        use futures_util::StreamExt;
        let fetches = futures_util::stream::FuturesUnordered::new();
        for n in 0..3 {
            fetches.push(super::panic_as_error(async move {
                tokio::task::yield_now().await;
                assert!(n != 1, "parser bug on feed {n}");
                n
            }));
        }
        let mut outcomes: Vec<_> = fetches.collect().await;
        outcomes.sort();
        assert_eq!(
            outcomes,
            [Ok(0), Ok(2), Err("parser bug on feed 1".to_owned())]
        );
    }
}
