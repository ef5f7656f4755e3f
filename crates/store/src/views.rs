//! Page views counted by tidings itself: one per visitor per article per day.

use crate::{Store, StoreError, params};
use chrono::{Duration, NaiveDate};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ViewOutcome {
    Counted,
    /// This visitor was already counted for this article today.
    AlreadyCounted,
}

/// Visitor rows are only needed for "once a day"; keep two days for clock skew between nodes.
const VISITOR_RETENTION_DAYS: i64 = 2;

impl Store {
    /// Counts a view of `article_id` on `day` by `visitor` (an opaque, salted hash).
    pub fn record_view(
        &self,
        article_id: i64,
        day: NaiveDate,
        visitor: &str,
    ) -> Result<ViewOutcome, StoreError> {
        let day_text = day.format("%Y-%m-%d").to_string();
        self.write(|tx| {
            let inserted = tx.execute(
                "INSERT INTO article_view_visitors (article_id, day, visitor) VALUES (?, ?, ?)
                 ON CONFLICT DO NOTHING",
                params![article_id, &day_text, visitor],
            )?;
            if inserted == 0 {
                return Ok(ViewOutcome::AlreadyCounted);
            }
            tx.execute(
                "INSERT INTO article_views_daily (article_id, day, views) VALUES (?, ?, 1)
                 ON CONFLICT (article_id, day) DO UPDATE SET views = article_views_daily.views + 1",
                params![article_id, &day_text],
            )?;
            tx.execute(
                "UPDATE articles SET views_counted = views_counted + 1 WHERE id = ?",
                params![article_id],
            )?;
            Ok(ViewOutcome::Counted)
        })
    }

    /// Drops visitor rows that can no longer matter.
    pub fn prune_view_visitors(&self, today: NaiveDate) -> Result<u64, StoreError> {
        let cutoff = (today - Duration::days(VISITOR_RETENTION_DAYS))
            .format("%Y-%m-%d")
            .to_string();
        self.write(|tx| {
            tx.execute(
                "DELETE FROM article_view_visitors WHERE day < ?",
                params![cutoff],
            )
        })
    }

    /// Views counted by tidings per day for one article, oldest first.
    pub fn daily_views(&self, article_id: i64) -> Result<Vec<(String, i64)>, StoreError> {
        self.read(|c| {
            c.query(
                "SELECT day, views FROM article_views_daily WHERE article_id = ? ORDER BY day",
                params![article_id],
            )?
            .iter()
            .map(|r| Ok((r.text(0)?, r.i64(1)?)))
            .collect()
        })
    }
}
