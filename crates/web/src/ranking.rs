//! A week's top stories as the site and the CLI show them: ranked fresh while the week runs,
//! kept once it is over so that history does not reshuffle. Web nodes share the running week's
//! ranking through the database, so that it is computed once, not once per node.

use chrono::NaiveDate;
use std::time::Duration;
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
    ranked_as_kept(store, week, kept, limit)
}

/// A node's claim on recomputing the running week's shared ranking; past it (the node died)
/// another node recomputes.
const CLAIM_SECS: i64 = 60;

/// [`week_ranking`] for web nodes: the running week's ranking is computed by one node and
/// shared through the database while it is younger than `max_age` and the week's article count
/// has not moved; the others read it and load only the ranked stories' articles.
pub fn shared_week_ranking(
    store: &Store,
    week: IsoWeek,
    today: NaiveDate,
    limit: usize,
    max_age: Duration,
) -> Result<Vec<RankedStory>, StoreError> {
    if week < IsoWeek::of_date(today) {
        return week_ranking(store, week, today, limit);
    }
    let now = chrono::Utc::now().timestamp();
    let count = store.week_article_count(week)?;
    let shared = store.live_ranking(week)?;
    let max_age = i64::try_from(max_age.as_secs()).unwrap_or(i64::MAX);
    let kept = shared
        .as_ref()
        .and_then(|l| serde_json::from_str::<Vec<KeptRank>>(&l.ranking_json).ok());
    let current = shared
        .as_ref()
        .is_some_and(|l| l.article_count == count && now - l.computed_at < max_age);
    if let (true, Some(kept)) = (current, &kept) {
        return ranked_as_kept(store, week, kept.clone(), limit);
    }
    if store.claim_live_ranking(week, now, now + CLAIM_SECS)? {
        let fresh = rank_week(week, &store.week_cards(week)?, KEPT_STORIES.max(limit));
        let ranking: Vec<KeptRank> = fresh.iter().map(RankedStory::kept).collect();
        let json = serde_json::to_string(&ranking).unwrap_or_default();
        store.save_live_ranking(week, now, count, &json)?;
        return Ok(fresh.into_iter().take(limit).collect());
    }
    // Another node is recomputing it: its last ranking serves meanwhile.
    match kept {
        Some(kept) => ranked_as_kept(store, week, kept, limit),
        None => Ok(rank_week(week, &store.week_cards(week)?, limit)),
    }
}

/// The stories of a kept ranking, in its order and with its scores; only their articles are
/// loaded, not the whole week's.
fn ranked_as_kept(
    store: &Store,
    week: IsoWeek,
    mut kept: Vec<KeptRank>,
    limit: usize,
) -> Result<Vec<RankedStory>, StoreError> {
    kept.truncate(limit);
    let ids: Vec<i64> = kept.iter().map(|k| k.story_id).collect();
    let fresh = rank_week(week, &store.story_cards(week, &ids)?, ids.len());
    Ok(apply_kept(fresh, &kept))
}

/// Keeps the ranking of the week before `today`'s, when it has stories and is not kept yet, so
/// a finished week is fixed when it ends rather than when someone first asks for it. Returns
/// whether the week was not kept before this call and is now (by this node or, in a race,
/// another).
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
