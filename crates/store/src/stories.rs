//! Stories: which story a new article joins (independent reports of one event together), and a
//! story read back for its page.
//!
//! The decision is the one of `tidings-cluster` (same features, weights, similarity, time decay
//! and thresholds, from [`Config::default`]), but its state lives in the database rather than in
//! memory, so that every node sharing one PostgreSQL decides the same: document frequencies in
//! `term_df`, each story's capped centroid in `stories.centroid` and its postings in
//! `story_terms`. Candidate stories are found through the article's heaviest features, each
//! read as one bounded index range over stories that used the feature within the time window,
//! so the cost per article does not grow with history.
//!
//! Like the in-memory clusterer, the event evidence (years, numbers, weekdays) of a story's
//! recent articles is kept (`stories.recent_evidence`) and added to the similarity, and the
//! fragments of one story that an article bridges are merged (the merged story's id redirects,
//! `story_redirects`). A story that reaches a review size gets a second look
//! ([`review_if_due`]): a substantial group of its articles that the merging rule would not join
//! back moves to a story of its own. Not done (the in-memory clusterer does it, and it did not
//! change the scores there): cosine with individual recent members.

mod detail;
mod merge;
pub(crate) mod review;

pub use detail::{STORY_PAGE_SIZE, StoryArticle, StoryDetail, StoryEntity, StoryLink};
pub(crate) use merge::merge_fragments;
pub(crate) use review::review_if_due;

use crate::sql::{Dialect, Exec, Value, lookups};
use crate::{StoreError, params};
use chrono::{DateTime, TimeZone, Utc};
use std::collections::{BTreeMap, HashMap, HashSet};
use std::sync::OnceLock;
use tidings_cluster::evidence::{Evidence, describe, mean_agreement};
use tidings_cluster::{Config, Doc};
use tidings_model::Article;

/// Features kept per stored story centroid. Smaller than the in-memory clusterer's: every
/// joining article rewrites these rows, and the heaviest 64 carry nearly all of the cosine.
const CENTROID_TERMS: usize = 64;

/// Feature rows sent in one statement (keeps PostgreSQL's parameter count small).
const CHUNK: usize = 200;

/// The term of `term_df` that counts documents ('' is never a feature name).
const DOC_COUNT_TERM: &str = "";

fn config() -> &'static Config {
    static CONFIG: OnceLock<Config> = OnceLock::new();
    CONFIG.get_or_init(Config::default)
}

/// Where the clustering put an article.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Decision {
    Join {
        story_id: i64,
        reason: String,
        /// Other stories the article matched well enough to be looked at as fragments of
        /// this one (see [`merge_fragments`]).
        bridged: Vec<i64>,
    },
    /// Starts a story of its own.
    New { reason: String },
}

/// An article as the decision sees it: its weighted feature vector (heaviest first) and its
/// event evidence.
pub(crate) struct Vectorised {
    pub v: Vec<(String, f32)>,
    pub ev: Evidence,
}

/// The article's vector and evidence, counting it in the document frequencies. Call once per
/// stored article.
pub(crate) fn vectorise(tx: &mut dyn Exec, a: &Article) -> Result<Vectorised, StoreError> {
    let c = config();
    let doc = Doc {
        id: String::new(),
        title: Some(a.title.clone()),
        text: Some(a.text.clone()),
        published_at: a.published_at,
        entities: a.entities.iter().map(|e| e.name.clone()).collect(),
    };
    let raw = tidings_cluster::raw_features(c, &doc);
    // The document count row first and the terms in sorted order: concurrent writers on
    // PostgreSQL then take row locks in one order and cannot deadlock.
    let n_docs = tx
        .query_one(
            "INSERT INTO term_df (term, df) VALUES (?, 1)
             ON CONFLICT (term) DO UPDATE SET df = term_df.df + 1 RETURNING df",
            params![DOC_COUNT_TERM],
        )?
        .i64(0)?;
    let mut names: Vec<&str> = raw.iter().map(|(n, _)| n.as_str()).collect();
    names.sort_unstable();
    names.dedup();
    let mut df: HashMap<String, u64> = HashMap::with_capacity(names.len());
    for chunk in names.chunks(CHUNK) {
        let marks = vec!["(?, 1)"; chunk.len()].join(", ");
        let values: Vec<Value> = chunk.iter().map(|n| Value::from(*n)).collect();
        for r in tx.query(
            &format!(
                "INSERT INTO term_df (term, df) VALUES {marks}
                 ON CONFLICT (term) DO UPDATE SET df = term_df.df + 1 RETURNING term, df"
            ),
            &values,
        )? {
            df.insert(r.text(0)?, u64::try_from(r.i64(1)?).unwrap_or(1));
        }
    }
    let (v, ev) = tidings_cluster::weigh(
        c,
        &raw,
        |t| df.get(t).copied().unwrap_or(1),
        u64::try_from(n_docs).unwrap_or(1),
    );
    Ok(Vectorised { v, ev })
}

/// A candidate story as the decision sees it.
struct Candidate {
    id: i64,
    size: usize,
    last_at: i64,
    centroid: HashMap<String, f32>,
    /// The centroid's length, summed in its stored order: a sum over the map's random order
    /// could differ in the last bits between nodes and reruns, and so could a decision.
    norm: f32,
    /// Event evidence of its most recent articles (not read for an article without any).
    members: Vec<Evidence>,
}

/// A stored centroid (`stories.centroid`, JSON `[[term, weight], …]`, heaviest first). A value
/// that does not parse reads as empty: the story is then never joined, which is safe.
fn parse_centroid(json: &str) -> Vec<(String, f32)> {
    serde_json::from_str(json).unwrap_or_default()
}

/// Chooses the story for an article published at `at` (Unix seconds): the in-memory
/// clusterer's centroid similarity plus its evidence agreement with the story's recent
/// articles, time-decayed.
pub(crate) fn decide(
    tx: &mut dyn Exec,
    article: &Vectorised,
    at: i64,
) -> Result<Decision, StoreError> {
    let c = config();
    let v = &article.v;
    if v.len() < c.min_features {
        return Ok(Decision::New {
            reason: "too little text to compare; started its own story".into(),
        });
    }
    let threshold = c.threshold_for(v.len());
    let candidates = candidates(tx, v, at, !article.ev.is_empty())?;
    let at_time = time(at);
    // story, similarity, margin-adjusted similarity, evidence agreement; first best wins
    // (candidates are ordered).
    let mut best: Option<(&Candidate, f32, f32, f32)> = None;
    let mut sims: Vec<(i64, f32)> = Vec::with_capacity(candidates.len());
    for cand in &candidates {
        let norm = cand.norm;
        if norm <= 0.0 {
            continue;
        }
        let cos = v
            .iter()
            .map(|(t, w)| w * cand.centroid.get(t).copied().unwrap_or(0.0))
            .sum::<f32>()
            / norm;
        let agreement = mean_agreement(c, v.len(), &article.ev, cand.members.iter());
        let hours = tidings_cluster::hours_between(at_time, time(cand.last_at));
        let sim = (cos + agreement).max(0.0) * c.time_decay(hours);
        let adj = sim / c.size_margin(cand.size);
        sims.push((cand.id, sim));
        if best.is_none_or(|b| adj > b.2) {
            best = Some((cand, sim, adj, agreement));
        }
    }
    Ok(match best {
        Some((cand, sim, adj, agreement)) if adj >= threshold => {
            let mut shared: Vec<(f32, &str)> = v
                .iter()
                .filter_map(|(t, w)| cand.centroid.get(t).map(|cw| (w * cw, t.as_str())))
                .collect();
            shared.sort_by(|a, b| b.0.total_cmp(&a.0).then_with(|| a.1.cmp(b.1)));
            let mut reasons =
                tidings_cluster::explain(&shared, cand.size, at_time, time(cand.last_at), sim);
            reasons.extend(describe(agreement));
            let merge_at = c.merge_threshold_for(v.len());
            Decision::Join {
                story_id: cand.id,
                reason: reasons.join("; "),
                bridged: sims
                    .iter()
                    .filter(|&&(id, sim)| id != cand.id && c.may_merge(sim, threshold, merge_at))
                    .map(|&(id, _)| id)
                    .collect(),
            }
        }
        Some((_, sim, _, _)) => Decision::New {
            reason: format!(
                "no story similar enough (best {sim:.2} < {threshold:.2}); started a new story"
            ),
        },
        None => Decision::New {
            reason: "no recent story shares its salient terms; started a new story".into(),
        },
    })
}

fn time(secs: i64) -> Option<DateTime<Utc>> {
    Utc.timestamp_opt(secs, 0).single()
}

/// Stories updated within the window that recently used the article's heaviest features,
/// most shared weight first (ties by id), with their centroids (and their recent members'
/// evidence when `with_evidence`: an article without any compares with nobody's). At most
/// `query_features × postings_per_feature` rows read and `max_candidates` stories loaded.
fn candidates(
    tx: &mut dyn Exec,
    v: &[(String, f32)],
    at: i64,
    with_evidence: bool,
) -> Result<Vec<Candidate>, StoreError> {
    let c = config();
    let window = (c.window_hours * 3600.0) as i64;
    let query: Vec<&(String, f32)> = v.iter().take(c.query_features).collect();
    let each = format!(
        "SELECT story_id FROM story_terms WHERE term = ? AND last_at BETWEEN ? AND ?
         ORDER BY last_at DESC, story_id DESC LIMIT {}",
        c.postings_per_feature
    );
    let mut values = Vec::with_capacity(query.len() * 3);
    for (term, _) in &query {
        values.extend([
            Value::from(term.as_str()),
            Value::from(at - window),
            Value::from(at + window),
        ]);
    }
    let mut score: BTreeMap<i64, f32> = BTreeMap::new();
    for r in lookups(tx, &each, 3, &values, "1")? {
        let Some((_, w)) = usize::try_from(r.i64(0)?).ok().and_then(|k| query.get(k)) else {
            continue;
        };
        *score.entry(r.i64(1)?).or_insert(0.0) += w;
    }
    let mut ranked: Vec<(i64, f32)> = score.into_iter().collect();
    ranked.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
    ranked.truncate(c.max_candidates);
    if ranked.is_empty() {
        return Ok(Vec::new());
    }
    let ids: Vec<Value> = ranked.iter().map(|(id, _)| Value::from(*id)).collect();
    let marks = vec!["?"; ids.len()].join(", ");
    let mut found: HashMap<i64, Candidate> = HashMap::new();
    for r in tx.query(
        &format!(
            "SELECT id, article_count, last_updated_at, centroid, recent_evidence
             FROM stories WHERE id IN ({marks})"
        ),
        &ids,
    )? {
        let id = r.i64(0)?;
        let centroid = parse_centroid(&r.text(3)?);
        found.insert(
            id,
            Candidate {
                id,
                size: usize::try_from(r.i64(1)?).unwrap_or(0),
                last_at: r.i64(2)?,
                norm: centroid.iter().map(|(_, w)| w * w).sum::<f32>().sqrt(),
                centroid: centroid.into_iter().collect(),
                members: if with_evidence {
                    serde_json::from_str(&r.text(4)?).unwrap_or_default()
                } else {
                    Vec::new()
                },
            },
        );
    }
    Ok(ranked
        .into_iter()
        .filter_map(|(id, _)| found.remove(&id))
        .collect())
}

/// A new story, first seen at `at` with article `first_article`. On SQLite its id is past the
/// ids of merged stories (`story_redirects`): SQLite would hand out the highest id again once
/// its story is gone, and a link to the merged story would then lead to another one.
/// PostgreSQL's sequence never repeats an id.
pub(crate) fn create(
    tx: &mut dyn Exec,
    headline: &str,
    first_article: i64,
    at: i64,
) -> Result<i64, StoreError> {
    let id = match tx.dialect() {
        Dialect::Sqlite => {
            "(SELECT MAX(COALESCE((SELECT MAX(id) FROM stories), 0),
                         COALESCE((SELECT MAX(story_id) FROM story_redirects), 0)) + 1)"
        }
        Dialect::Postgres => "DEFAULT",
    };
    tx.query_one(
        &format!(
            "INSERT INTO stories (id, headline, first_article_id, first_seen_at, last_updated_at)
             VALUES ({id}, ?, ?, ?, ?) RETURNING id"
        ),
        params![headline, first_article, at, at],
    )?
    .i64(0)
}

/// A story's clustering state as stored: its centroid (heaviest first) and its recent
/// members' evidence (oldest first).
#[derive(Default)]
struct StoryState {
    centroid: Vec<(String, f32)>,
    members: Vec<Evidence>,
    size: usize,
}

fn load_state(tx: &mut dyn Exec, story_id: i64) -> Result<Option<StoryState>, StoreError> {
    tx.query_opt(
        "SELECT centroid, recent_evidence, article_count FROM stories WHERE id = ?",
        params![story_id],
    )?
    .map(|r| {
        Ok(StoryState {
            centroid: parse_centroid(&r.text(0)?),
            members: serde_json::from_str(&r.text(1)?).unwrap_or_default(),
            size: usize::try_from(r.i64(2)?).unwrap_or(0),
        })
    })
    .transpose()
}

/// `old` plus `add`, keeping the heaviest [`CENTROID_TERMS`].
fn capped_sum<'a>(
    old: &'a [(String, f32)],
    add: impl IntoIterator<Item = &'a (String, f32)>,
) -> Vec<(&'a str, f32)> {
    let mut centroid: HashMap<&str, f32> = old.iter().map(|(t, w)| (t.as_str(), *w)).collect();
    for (t, w) in add {
        *centroid.entry(t.as_str()).or_insert(0.0) += w;
    }
    let mut terms: Vec<(&str, f32)> = centroid.into_iter().collect();
    terms.sort_by(|a, b| b.1.total_cmp(&a.1).then_with(|| a.0.cmp(b.0)));
    terms.truncate(CENTROID_TERMS);
    terms
}

/// Writes a story's centroid and recent members' evidence (first trimmed to the configured
/// `member_memory`, most recent last), and drops its postings for terms that left the centroid.
fn store_state(
    tx: &mut dyn Exec,
    story_id: i64,
    old: &[(String, f32)],
    terms: &[(&str, f32)],
    members: &mut Vec<Evidence>,
) -> Result<(), StoreError> {
    let excess = members.len().saturating_sub(config().member_memory);
    members.drain(..excess);
    let encode = |e: serde_json::Error| StoreError::Decode(e.to_string());
    tx.execute(
        "UPDATE stories SET centroid = ?, recent_evidence = ? WHERE id = ?",
        params![
            serde_json::to_string(terms).map_err(encode)?,
            serde_json::to_string(members).map_err(encode)?,
            story_id
        ],
    )?;
    let kept: HashSet<&str> = terms.iter().map(|(t, _)| *t).collect();
    let dropped: Vec<Value> = old
        .iter()
        .filter(|(t, _)| !kept.contains(t.as_str()))
        .map(|(t, _)| Value::from(t.as_str()))
        .collect();
    for chunk in dropped.chunks(CHUNK) {
        let marks = vec!["?"; chunk.len()].join(", ");
        let mut values = vec![Value::from(story_id)];
        values.extend(chunk.iter().cloned());
        tx.execute(
            &format!("DELETE FROM story_terms WHERE story_id = ? AND term IN ({marks})"),
            &values,
        )?;
    }
    Ok(())
}

/// Adds an article published at `at` to a story's state: its vector to the centroid (keeping
/// the heaviest [`CENTROID_TERMS`]) and its evidence to the recent members'. The story's
/// postings follow the centroid: features that left it lose theirs, and the article's features
/// in it get `at` as their latest use (the window of candidate lookup is about when a story
/// last used a feature, not when it last grew).
pub(crate) fn add_to_story(
    tx: &mut dyn Exec,
    story_id: i64,
    article: &Vectorised,
    at: i64,
) -> Result<(), StoreError> {
    let v = &article.v;
    let StoryState {
        centroid: old,
        mut members,
        ..
    } = load_state(tx, story_id)?.unwrap_or_default();
    members.push(article.ev.clone());
    let terms = capped_sum(&old, v);
    store_state(tx, story_id, &old, &terms, &mut members)?;
    let kept: HashSet<&str> = terms.iter().map(|(t, _)| *t).collect();
    let used: Vec<&str> = v
        .iter()
        .map(|(t, _)| t.as_str())
        .filter(|t| kept.contains(t))
        .collect();
    for chunk in used.chunks(CHUNK / 3) {
        let marks = vec!["(?, ?, ?)"; chunk.len()].join(", ");
        let mut values = Vec::with_capacity(chunk.len() * 3);
        for t in chunk {
            values.extend([Value::from(story_id), Value::from(*t), Value::from(at)]);
        }
        tx.execute(
            &format!(
                "INSERT INTO story_terms (story_id, term, last_at) VALUES {marks}
                 ON CONFLICT (story_id, term) DO UPDATE SET last_at = excluded.last_at
                 WHERE excluded.last_at > story_terms.last_at"
            ),
            &values,
        )?;
    }
    Ok(())
}
