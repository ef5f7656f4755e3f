//! Weeks: the articles of an ISO week as cards for ranking, and which weeks have any.

use crate::sql::Row;
use crate::{Store, StoreError, params};
use chrono::{TimeZone, Utc};
use tidings_model::{ArticleCard, IsoWeek};

pub(crate) const CARD_COLUMNS: &str = "a.id, a.story_id, a.title, a.authors_json, o.name, o.slug, a.section, \
     a.published_at, a.summary, a.views_imported + a.views_counted, \
     a.comments_imported + (SELECT COUNT(*) FROM comments c WHERE c.article_id = a.id AND c.status = 'visible'), \
     CASE WHEN a.original_outlet IS NULL AND a.original_url IS NULL THEN 0 ELSE 1 END, a.url";

/// How many columns [`CARD_COLUMNS`] selects; extra columns of a query follow them.
pub(crate) const CARD_COLUMN_COUNT: usize = 13;

pub(crate) fn card_from_row(r: &Row) -> Result<ArticleCard, StoreError> {
    let published = r.i64(7)?;
    Ok(ArticleCard {
        id: r.i64(0)?,
        story_id: r.opt_i64(1)?.unwrap_or(0),
        title: r.text(2)?,
        authors: serde_json::from_str(&r.text(3)?).unwrap_or_default(),
        outlet_name: r.text(4)?,
        outlet_slug: r.text(5)?,
        section: r.opt_text(6)?,
        published_at: Utc
            .timestamp_opt(published, 0)
            .single()
            .ok_or_else(|| StoreError::Decode(format!("timestamp {published}")))?,
        summary: r.opt_text(8)?,
        views: r.i64(9)?,
        comments: r.i64(10)?,
        is_republication: r.bool(11)?,
        url: r.opt_text(12)?,
    })
}

impl Store {
    /// Every article published in `week`, as cards, oldest first.
    pub fn week_cards(&self, week: IsoWeek) -> Result<Vec<ArticleCard>, StoreError> {
        self.read(|c| {
            c.query(
                &format!(
                    "SELECT {CARD_COLUMNS} FROM articles a JOIN outlets o ON o.id = a.outlet_id
                     WHERE a.week_key = ? AND a.story_id IS NOT NULL
                     ORDER BY a.published_at, a.id"
                ),
                params![week.key()],
            )?
            .iter()
            .map(card_from_row)
            .collect()
        })
    }

    /// The cards of `week` that belong to the given stories (a kept ranking's), oldest first.
    pub fn story_cards(
        &self,
        week: IsoWeek,
        story_ids: &[i64],
    ) -> Result<Vec<ArticleCard>, StoreError> {
        if story_ids.is_empty() {
            return Ok(Vec::new());
        }
        let marks = vec!["?"; story_ids.len()].join(", ");
        let mut args: Vec<crate::sql::Value> = vec![week.key().into()];
        args.extend(story_ids.iter().map(|&id| crate::sql::Value::from(id)));
        self.read(|c| {
            c.query(
                &format!(
                    "SELECT {CARD_COLUMNS} FROM articles a JOIN outlets o ON o.id = a.outlet_id
                     WHERE a.week_key = ? AND a.story_id IN ({marks})
                     ORDER BY a.published_at, a.id"
                ),
                &args,
            )?
            .iter()
            .map(card_from_row)
            .collect()
        })
    }

    /// Up to `limit` weeks that have articles, newest first, before `before` (all when None),
    /// with their article counts. Read in index order, so a page stops after `limit` weeks.
    pub fn weeks(
        &self,
        before: Option<IsoWeek>,
        limit: usize,
    ) -> Result<Vec<(IsoWeek, i64)>, StoreError> {
        let before = before.map_or(i64::MAX, |w| w.key());
        let limit = i64::try_from(limit).unwrap_or(i64::MAX);
        self.read(|c| {
            c.query(
                "SELECT week_key, COUNT(*) FROM articles WHERE week_key < ?
                 GROUP BY week_key ORDER BY week_key DESC LIMIT ?",
                params![before, limit],
            )?
            .iter()
            .filter_map(|r| match (r.i64(0), r.i64(1)) {
                (Ok(k), Ok(n)) => IsoWeek::from_key(k).map(|w| Ok((w, n))),
                (Err(e), _) | (_, Err(e)) => Some(Err(e)),
            })
            .collect()
        })
    }

    /// The nearest weeks before and after `week` that have articles.
    pub fn neighbour_weeks(
        &self,
        week: IsoWeek,
    ) -> Result<(Option<IsoWeek>, Option<IsoWeek>), StoreError> {
        self.read(|c| {
            let prev = c
                .query_one(
                    "SELECT MAX(week_key) FROM articles WHERE week_key < ?",
                    params![week.key()],
                )?
                .opt_i64(0)?
                .and_then(IsoWeek::from_key);
            let next = c
                .query_one(
                    "SELECT MIN(week_key) FROM articles WHERE week_key > ?",
                    params![week.key()],
                )?
                .opt_i64(0)?
                .and_then(IsoWeek::from_key);
            Ok((prev, next))
        })
    }

    /// The latest week that has articles, if any.
    pub fn latest_week(&self) -> Result<Option<IsoWeek>, StoreError> {
        self.read(|c| {
            Ok(c.query_one("SELECT MAX(week_key) FROM articles", &[])?
                .opt_i64(0)?
                .and_then(IsoWeek::from_key))
        })
    }
}

/// One row of a kept (finished) week ranking; `parts` is the ranking's own JSON.
#[derive(Debug, Clone, PartialEq)]
pub struct KeptRow {
    pub story_id: i64,
    pub rank: i64,
    pub score: f64,
    pub parts: String,
}

impl Store {
    /// The ranking kept for `week`, best first; empty when none was kept.
    pub fn kept_ranking(&self, week: IsoWeek) -> Result<Vec<KeptRow>, StoreError> {
        self.read(|c| {
            c.query(
                "SELECT story_id, rank, score, parts_json FROM week_rankings WHERE week_key = ? ORDER BY rank",
                params![week.key()],
            )?
            .iter()
            .map(|r| {
                Ok(KeptRow {
                    story_id: r.i64(0)?,
                    rank: r.i64(1)?,
                    score: r.f64(2)?,
                    parts: r.text(3)?,
                })
            })
            .collect()
        })
    }

    /// Keeps `rows` as the ranking of `week` unless one is kept already (the first writer wins,
    /// so every node serves the same history). Returns whether these rows were kept.
    pub fn keep_ranking(&self, week: IsoWeek, rows: &[KeptRow]) -> Result<bool, StoreError> {
        self.write(|tx| {
            // Two nodes keeping the same week at once would each see no rows and interleave
            // their rankings; under the lock the second finds the first's and keeps nothing.
            crate::locks::hold(tx, crate::locks::ClusterLock::WeekRanking(week.key()))?;
            let exists = tx
                .query_opt("SELECT 1 FROM week_rankings WHERE week_key = ? LIMIT 1", params![week.key()])?
                .is_some();
            if exists || rows.is_empty() {
                return Ok(false);
            }
            for r in rows {
                tx.execute(
                    "INSERT INTO week_rankings (week_key, rank, story_id, score, parts_json, computed_at)
                     VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING",
                    params![week.key(), r.rank, r.story_id, r.score, r.parts.clone(), crate::now()],
                )?;
            }
            Ok(true)
        })
    }

    /// Articles stored for `week`: a live ranking computed at another count is out of date.
    pub fn week_article_count(&self, week: IsoWeek) -> Result<i64, StoreError> {
        self.read(|c| {
            c.query_one(
                "SELECT COUNT(*) FROM articles WHERE week_key = ?",
                params![week.key()],
            )?
            .i64(0)
        })
    }

    /// The running week's shared ranking as some node last computed it.
    pub fn live_ranking(&self, week: IsoWeek) -> Result<Option<LiveRanking>, StoreError> {
        self.read(|c| {
            c.query_opt(
                "SELECT computed_at, article_count, ranking_json FROM live_rankings
                 WHERE week_key = ? AND ranking_json <> ''",
                params![week.key()],
            )?
            .map(|r| {
                Ok(LiveRanking {
                    computed_at: r.i64(0)?,
                    article_count: r.i64(1)?,
                    ranking_json: r.text(2)?,
                })
            })
            .transpose()
        })
    }

    /// Claims the recomputation of `week`'s live ranking until `until` (unix seconds): true for
    /// the one node that gets it while no other node's claim is running at `now`.
    pub fn claim_live_ranking(
        &self,
        week: IsoWeek,
        now: i64,
        until: i64,
    ) -> Result<bool, StoreError> {
        self.write(|tx| {
            let claimed = tx.execute(
                "INSERT INTO live_rankings (week_key, computed_at, article_count, claimed_until, ranking_json)
                 VALUES (?, 0, -1, ?, '')
                 ON CONFLICT (week_key) DO UPDATE SET claimed_until = excluded.claimed_until
                 WHERE live_rankings.claimed_until <= ?",
                params![week.key(), until, now],
            )?;
            Ok(claimed == 1)
        })
    }

    /// Stores `week`'s live ranking, computed at `now` over `article_count` articles, and ends
    /// the claim.
    pub fn save_live_ranking(
        &self,
        week: IsoWeek,
        now: i64,
        article_count: i64,
        ranking_json: &str,
    ) -> Result<(), StoreError> {
        self.write(|tx| {
            tx.execute(
                "INSERT INTO live_rankings (week_key, computed_at, article_count, claimed_until, ranking_json)
                 VALUES (?, ?, ?, 0, ?)
                 ON CONFLICT (week_key) DO UPDATE SET computed_at = excluded.computed_at,
                     article_count = excluded.article_count, claimed_until = 0,
                     ranking_json = excluded.ranking_json",
                params![week.key(), now, article_count, ranking_json],
            )?;
            Ok(())
        })
    }
}

/// A running week's ranking shared between nodes (see [`Store::live_ranking`]).
#[derive(Debug, Clone)]
pub struct LiveRanking {
    /// Unix seconds.
    pub computed_at: i64,
    /// Articles the week had when it was computed.
    pub article_count: i64,
    /// The ranked stories, as the ranking module writes them.
    pub ranking_json: String,
}
