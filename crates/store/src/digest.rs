//! Figures about a week beyond its ranking: who was quoted most, which entities rose, how many
//! articles appeared each day.

use crate::{Store, StoreError, params};
use serde::Serialize;
use tidings_model::IsoWeek;

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SpeakerCount {
    pub speaker: String,
    pub slug: Option<String>,
    pub quotes: i64,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct EntityTrend {
    pub name: String,
    pub kind: String,
    pub slug: String,
    pub mentions: i64,
    pub previous_mentions: i64,
}

impl Store {
    /// The most-quoted speakers of `week` (resolved entities by name, else the speaker text).
    pub fn week_speakers(
        &self,
        week: IsoWeek,
        limit: usize,
    ) -> Result<Vec<SpeakerCount>, StoreError> {
        self.read(|c| {
            c.query(
                "SELECT COALESCE(e.name, q.speaker), MAX(e.slug), COUNT(*) AS n
                 FROM quotes q JOIN articles a ON a.id = q.article_id
                 LEFT JOIN entities e ON e.id = q.speaker_entity_id
                 WHERE a.week_key = ? AND (q.speaker_entity_id IS NOT NULL OR q.speaker IS NOT NULL)
                 GROUP BY COALESCE(e.name, q.speaker)
                 ORDER BY n DESC, 1 LIMIT ?",
                params![week.key(), limit as i64],
            )?
            .iter()
            .map(|r| {
                Ok(SpeakerCount {
                    speaker: r.text(0)?,
                    slug: r.opt_text(1)?,
                    quotes: r.i64(2)?,
                })
            })
            .collect()
        })
    }

    /// Entities most mentioned in `week`, with their mentions the week before, ordered by
    /// growth (then by mentions): what is rising.
    pub fn week_entities(
        &self,
        week: IsoWeek,
        limit: usize,
    ) -> Result<Vec<EntityTrend>, StoreError> {
        self.read(|c| {
            c.query(
                "SELECT e.name, e.kind, e.slug,
                        CAST(SUM(CASE WHEN a.week_key = ? THEN ae.mentions ELSE 0 END) AS BIGINT) AS now_n,
                        CAST(SUM(CASE WHEN a.week_key = ? THEN ae.mentions ELSE 0 END) AS BIGINT) AS before_n
                 FROM article_entities ae
                 JOIN articles a ON a.id = ae.article_id
                 JOIN entities e ON e.id = ae.entity_id
                 WHERE a.week_key IN (?, ?)
                 GROUP BY e.id, e.name, e.kind, e.slug
                 HAVING SUM(CASE WHEN a.week_key = ? THEN ae.mentions ELSE 0 END) > 0
                 ORDER BY (CAST(SUM(CASE WHEN a.week_key = ? THEN ae.mentions ELSE 0 END) AS BIGINT) -
                           CAST(SUM(CASE WHEN a.week_key = ? THEN ae.mentions ELSE 0 END) AS BIGINT)) DESC,
                          now_n DESC, e.name
                 LIMIT ?",
                params![
                    week.key(),
                    week.previous().key(),
                    week.key(),
                    week.previous().key(),
                    week.key(),
                    week.key(),
                    week.previous().key(),
                    limit as i64
                ],
            )?
            .iter()
            .map(|r| {
                Ok(EntityTrend {
                    name: r.text(0)?,
                    kind: r.text(1)?,
                    slug: r.text(2)?,
                    mentions: r.i64(3)?,
                    previous_mentions: r.i64(4)?,
                })
            })
            .collect()
        })
    }

    /// Articles published on each day of `week`, Monday first (seven numbers).
    pub fn week_daily_counts(&self, week: IsoWeek) -> Result<[i64; 7], StoreError> {
        let (start, _) = week.bounds();
        let start = start.timestamp();
        let rows = self.read(|c| {
            c.query(
                "SELECT day, COUNT(*) FROM
                     (SELECT (published_at - ?) / 86400 AS day FROM articles WHERE week_key = ?) d
                 GROUP BY day",
                params![start, week.key()],
            )
        })?;
        let mut counts = [0i64; 7];
        for r in &rows {
            if let Some(slot) = usize::try_from(r.i64(0)?)
                .ok()
                .and_then(|d| counts.get_mut(d))
            {
                *slot = r.i64(1)?;
            }
        }
        Ok(counts)
    }
}
