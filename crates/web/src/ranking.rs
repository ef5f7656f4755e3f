//! A week's top stories as the site and the CLI show them: ranked fresh while the week runs,
//! kept once it is over so that history does not reshuffle.

use chrono::NaiveDate;
use tidings_model::IsoWeek;
use tidings_rank::{KeptRank, RankedStory, apply_kept, rank_week};
use tidings_store::{KeptRow, Store, StoreError};

/// How many stories of a finished week are kept.
const KEPT_STORIES: usize = 100;

/// The ranking of `week` as of `today`, at most `limit` stories.
pub fn week_ranking(
    store: &Store,
    week: IsoWeek,
    today: NaiveDate,
    limit: usize,
) -> Result<Vec<RankedStory>, StoreError> {
    let cards = store.week_cards(week)?;
    let finished = week < IsoWeek::of_date(today);
    if !finished {
        return Ok(rank_week(week, &cards, limit));
    }
    let fresh = rank_week(week, &cards, KEPT_STORIES.max(limit));
    let mut kept = decode(store.kept_ranking(week)?);
    if kept.is_empty() && !fresh.is_empty() {
        let rows: Vec<KeptRow> = fresh.iter().map(|r| encode(&r.kept())).collect();
        store.keep_ranking(week, &rows)?;
        // Read back: another node may have kept its ranking first.
        kept = decode(store.kept_ranking(week)?);
    }
    let mut ranked = if kept.is_empty() {
        fresh
    } else {
        apply_kept(fresh, &kept)
    };
    ranked.truncate(limit);
    Ok(ranked)
}

fn encode(k: &KeptRank) -> KeptRow {
    KeptRow {
        story_id: k.story_id,
        rank: k.rank as i64,
        score: k.score,
        parts: serde_json::to_string(&k.parts).unwrap_or_default(),
    }
}

/// Rows whose parts no longer parse (a format change) are dropped; the week then ranks fresh.
fn decode(rows: Vec<KeptRow>) -> Vec<KeptRank> {
    rows.into_iter()
        .filter_map(|r| {
            Some(KeptRank {
                story_id: r.story_id,
                rank: usize::try_from(r.rank).ok()?,
                score: r.score,
                parts: serde_json::from_str(&r.parts).ok()?,
            })
        })
        .collect()
}
