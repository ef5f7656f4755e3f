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
    if week >= IsoWeek::of_date(today) {
        return Ok(rank_week(week, &store.week_cards(week)?, limit));
    }
    let mut kept = decode(store.kept_ranking(week)?);
    if kept.is_empty() {
        let fresh = rank_week(week, &store.week_cards(week)?, KEPT_STORIES.max(limit));
        if fresh.is_empty() {
            return Ok(fresh);
        }
        let rows: Vec<KeptRow> = fresh.iter().map(|r| encode(&r.kept())).collect();
        store.keep_ranking(week, &rows)?;
        // Read back: another node may have kept its ranking first.
        kept = decode(store.kept_ranking(week)?);
        if kept.is_empty() {
            return Ok(fresh.into_iter().take(limit).collect());
        }
    }
    // Only the kept stories' articles are loaded, not the whole week's.
    kept.truncate(limit);
    let ids: Vec<i64> = kept.iter().map(|k| k.story_id).collect();
    let fresh = rank_week(week, &store.story_cards(week, &ids)?, ids.len());
    Ok(apply_kept(fresh, &kept))
}

/// Keeps the ranking of the week before `today`'s, when it has stories and is not kept yet, so
/// a finished week is fixed when it ends rather than when someone first asks for it. Returns
/// whether this call kept it.
pub fn keep_last_week(store: &Store, today: NaiveDate) -> Result<bool, StoreError> {
    let week = IsoWeek::of_date(today).previous();
    if !store.kept_ranking(week)?.is_empty() {
        return Ok(false);
    }
    Ok(!week_ranking(store, week, today, KEPT_STORIES)?.is_empty())
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
