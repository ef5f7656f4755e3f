//! Feeds: the URLs tidings polls, their validators, schedule, errors and fetch history.

use crate::articles::{self, UpsertOutcome};
use crate::outlets::ensure_outlet;
use crate::sql::{Exec, Row};
use crate::{Store, StoreError, now, params};
use serde::Serialize;
use tidings_model::{Article, OutletRef};

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Feed {
    pub id: i64,
    pub outlet_name: String,
    pub outlet_slug: String,
    pub url: String,
    pub title: Option<String>,
    pub format: Option<String>,
    pub section: Option<String>,
    pub etag: Option<String>,
    pub last_modified: Option<String>,
    pub enabled: bool,
    pub next_fetch_at: i64,
    pub last_fetch_at: Option<i64>,
    pub last_success_at: Option<i64>,
    pub error_count: i64,
    pub last_error: Option<String>,
    /// What was wrong with the last document that could still be read (cleared by a clean one).
    pub last_warning: Option<String>,
    pub interval_secs: i64,
    pub article_count: i64,
}

pub(crate) const FEED_COLUMNS: &str = "f.id, o.name, o.slug, f.url, f.title, f.format, f.section, f.etag, \
     f.last_modified, f.enabled, f.next_fetch_at, f.last_fetch_at, f.last_success_at, \
     f.error_count, f.last_error, f.interval_secs, \
     (SELECT COUNT(*) FROM articles a WHERE a.feed_id = f.id), f.last_warning";

pub(crate) fn feed_from_row(r: &Row) -> Result<Feed, StoreError> {
    Ok(Feed {
        id: r.i64(0)?,
        outlet_name: r.text(1)?,
        outlet_slug: r.text(2)?,
        url: r.text(3)?,
        title: r.opt_text(4)?,
        format: r.opt_text(5)?,
        section: r.opt_text(6)?,
        etag: r.opt_text(7)?,
        last_modified: r.opt_text(8)?,
        enabled: r.bool(9)?,
        next_fetch_at: r.i64(10)?,
        last_fetch_at: r.opt_i64(11)?,
        last_success_at: r.opt_i64(12)?,
        error_count: r.i64(13)?,
        last_error: r.opt_text(14)?,
        interval_secs: r.i64(15)?,
        article_count: r.i64(16)?,
        last_warning: r.opt_text(17)?,
    })
}

/// A feed to follow.
#[derive(Debug, Clone, Default)]
pub struct NewFeed {
    pub url: String,
    pub title: Option<String>,
    pub format: Option<String>,
    pub section: Option<String>,
    pub outlet: OutletRef,
}

/// One line of a feed's fetch history.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FetchLogEntry {
    pub at: i64,
    /// `ok`, `not-modified` or `error`.
    pub status: String,
    pub new_articles: i64,
    pub error: Option<String>,
}

/// What one fetch of a feed came to.
#[derive(Debug, Clone)]
pub enum FetchResult {
    Fetched {
        etag: Option<String>,
        last_modified: Option<String>,
        new_articles: i64,
        /// The document was malformed but read (feedparser's bozo): what was wrong.
        warning: Option<String>,
    },
    NotModified,
    Failed {
        error: String,
    },
}

/// The schedule and history part of recording a fetch.
fn record(
    tx: &mut dyn Exec,
    id: i64,
    result: &FetchResult,
    next_at: i64,
    interval_secs: i64,
    duration_ms: i64,
) -> Result<(), StoreError> {
    let at = now();
    let (status, new, error) = match result {
        FetchResult::Fetched {
            etag,
            last_modified,
            new_articles,
            warning,
        } => {
            tx.execute(
                "UPDATE feeds SET etag = ?, last_modified = ?, last_fetch_at = ?, last_success_at = ?,
                     error_count = 0, last_error = NULL, last_warning = ?, next_fetch_at = ?,
                     interval_secs = ? WHERE id = ?",
                params![etag.clone(), last_modified.clone(), at, at, warning.clone(), next_at, interval_secs, id],
            )?;
            ("ok", *new_articles, None)
        }
        FetchResult::NotModified => {
            tx.execute(
                "UPDATE feeds SET last_fetch_at = ?, last_success_at = ?, error_count = 0,
                     last_error = NULL, next_fetch_at = ?, interval_secs = ? WHERE id = ?",
                params![at, at, next_at, interval_secs, id],
            )?;
            ("not-modified", 0, None)
        }
        FetchResult::Failed { error } => {
            tx.execute(
                "UPDATE feeds SET last_fetch_at = ?, error_count = error_count + 1, last_error = ?,
                     next_fetch_at = ? WHERE id = ?",
                params![at, error.clone(), next_at, id],
            )?;
            ("error", 0, Some(error.clone()))
        }
    };
    tx.execute(
        "INSERT INTO fetch_log (feed_id, fetched_at, status, new_articles, error, duration_ms)
         VALUES (?, ?, ?, ?, ?, ?)",
        params![id, at, status, new, error, duration_ms],
    )?;
    Ok(())
}

fn feed_by_id(c: &mut dyn Exec, id: i64) -> Result<Option<Feed>, StoreError> {
    c.query_opt(
        &format!(
            "SELECT {FEED_COLUMNS} FROM feeds f JOIN outlets o ON o.id = f.outlet_id WHERE f.id = ?"
        ),
        params![id],
    )?
    .as_ref()
    .map(feed_from_row)
    .transpose()
}

impl Store {
    /// Follows a new feed (creating its outlet when new). Following a URL twice is a conflict.
    pub fn add_feed(&self, f: &NewFeed) -> Result<Feed, StoreError> {
        let url = f.url.trim();
        if url.is_empty() {
            return Err(StoreError::Invalid("feed URL is empty".into()));
        }
        self.write(|tx| {
            if let Some(r) = tx.query_opt("SELECT id FROM feeds WHERE url = ?", params![url])? {
                return Err(StoreError::Conflict(format!("{url} is already followed as feed {}", r.i64(0)?)));
            }
            let outlet_id = ensure_outlet(tx, &f.outlet)?;
            let id = tx
                .query_one(
                    "INSERT INTO feeds (outlet_id, url, title, format, section, next_fetch_at, created_at)
                     VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id",
                    params![outlet_id, url, f.title.clone(), f.format.clone(), f.section.clone(), now(), now()],
                )?
                .i64(0)?;
            feed_by_id(tx, id)?.ok_or_else(|| StoreError::NotFound(format!("feed {id}")))
        })
    }

    pub fn feeds(&self) -> Result<Vec<Feed>, StoreError> {
        self.read(|c| {
            c.query(
                &format!("SELECT {FEED_COLUMNS} FROM feeds f JOIN outlets o ON o.id = f.outlet_id ORDER BY o.name, f.url"),
                &[],
            )?
            .iter()
            .map(feed_from_row)
            .collect()
        })
    }

    /// The feeds of one outlet.
    pub fn outlet_feeds(&self, outlet_slug: &str) -> Result<Vec<Feed>, StoreError> {
        self.read(|c| {
            c.query(
                &format!("SELECT {FEED_COLUMNS} FROM feeds f JOIN outlets o ON o.id = f.outlet_id WHERE o.slug = ? ORDER BY f.url"),
                params![outlet_slug],
            )?
            .iter()
            .map(feed_from_row)
            .collect()
        })
    }

    pub fn feed(&self, id: i64) -> Result<Option<Feed>, StoreError> {
        self.read(|c| feed_by_id(c, id))
    }

    /// Stops following a feed; its articles stay.
    pub fn remove_feed(&self, id: i64) -> Result<Feed, StoreError> {
        self.write(|tx| {
            let feed =
                feed_by_id(tx, id)?.ok_or_else(|| StoreError::NotFound(format!("feed {id}")))?;
            tx.execute("DELETE FROM feeds WHERE id = ?", params![id])?;
            Ok(feed)
        })
    }

    pub fn set_feed_enabled(&self, id: i64, enabled: bool) -> Result<(), StoreError> {
        self.write(|tx| {
            if tx.execute(
                "UPDATE feeds SET enabled = ? WHERE id = ?",
                params![enabled, id],
            )? == 0
            {
                return Err(StoreError::NotFound(format!("feed {id}")));
            }
            Ok(())
        })
    }

    /// Makes a feed due now (the fetch loop picks it up within seconds) and clears its
    /// back-off.
    pub fn fetch_feed_now(&self, id: i64) -> Result<(), StoreError> {
        self.write(|tx| {
            if tx.execute(
                "UPDATE feeds SET next_fetch_at = 0, lease_until = NULL WHERE id = ?",
                params![id],
            )? == 0
            {
                return Err(StoreError::NotFound(format!("feed {id}")));
            }
            Ok(())
        })
    }

    /// Enabled feeds whose next fetch is due at `at`, the longest-waiting first.
    pub fn due_feeds(&self, at: i64, limit: usize) -> Result<Vec<Feed>, StoreError> {
        self.read(|c| {
            c.query(
                &format!(
                    "SELECT {FEED_COLUMNS} FROM feeds f JOIN outlets o ON o.id = f.outlet_id
                     WHERE f.enabled = 1 AND f.next_fetch_at <= ? ORDER BY f.next_fetch_at, f.id LIMIT ?"
                ),
                params![at, limit as i64],
            )?
            .iter()
            .map(feed_from_row)
            .collect()
        })
    }

    /// When the next feed is due, if any is enabled.
    pub fn next_due_at(&self) -> Result<Option<i64>, StoreError> {
        self.read(|c| {
            c.query_one(
                "SELECT MIN(next_fetch_at) FROM feeds WHERE enabled = 1",
                &[],
            )?
            .opt_i64(0)
        })
    }

    /// Records a fetch and schedules the next one: `interval_secs` after success, `next_at`
    /// explicitly after a failure (the caller's back-off).
    pub fn record_fetch(
        &self,
        id: i64,
        result: &FetchResult,
        next_at: i64,
        interval_secs: i64,
        duration_ms: i64,
    ) -> Result<(), StoreError> {
        self.write(|tx| record(tx, id, result, next_at, interval_secs, duration_ms))
    }

    /// [`Store::record_fetch`] of a feed `owner` claimed with [`Store::claim_due_feeds`]: in the
    /// same transaction, releases the feed's lease and its host's slot if `owner` still holds
    /// them (a lease that expired meanwhile belongs to whoever claimed it since).
    pub fn record_fetch_as(
        &self,
        owner: &str,
        id: i64,
        result: &FetchResult,
        next_at: i64,
        interval_secs: i64,
        duration_ms: i64,
    ) -> Result<(), StoreError> {
        self.write(|tx| {
            record(tx, id, result, next_at, interval_secs, duration_ms)?;
            crate::leases::release(tx, id, owner)
        })
    }

    /// The last `limit` fetches of a feed, newest first: (time, status, new articles, error).
    pub fn fetch_log(&self, id: i64, limit: usize) -> Result<Vec<FetchLogEntry>, StoreError> {
        self.read(|c| {
            c.query(
                "SELECT fetched_at, status, new_articles, error FROM fetch_log WHERE feed_id = ?
                 ORDER BY fetched_at DESC, id DESC LIMIT ?",
                params![id, limit as i64],
            )?
            .iter()
            .map(|r| {
                Ok(FetchLogEntry {
                    at: r.i64(0)?,
                    status: r.text(1)?,
                    new_articles: r.i64(2)?,
                    error: r.opt_text(3)?,
                })
            })
            .collect()
        })
    }

    /// Stores an article that arrived through a feed, remembering the first feed it came from;
    /// one transaction, like [`Store::upsert_article`].
    pub fn upsert_feed_article(
        &self,
        a: &Article,
        feed_id: i64,
    ) -> Result<UpsertOutcome, StoreError> {
        articles::validate(a)?;
        self.write(|tx| {
            let outcome = articles::upsert_article(tx, a, Some(&format!("feed:{feed_id}")))?;
            tx.execute(
                "UPDATE articles SET feed_id = ? WHERE id = ? AND feed_id IS NULL",
                params![feed_id, outcome.id],
            )?;
            Ok(outcome)
        })
    }
}
