//! The second look at a grown story ([`tidings_cluster::review`]): at the sizes the clustering
//! configuration names, the story's most recent independent articles are vectorised again (from
//! their stored text, against the current document frequencies) and re-clustered; a
//! substantial group that the fragment-merging rule would not join back moves, with its
//! republications, to a story of its own.
//!
//! Vectors are recomputed rather than stored: keeping one per article would add kilobytes to
//! every row for a read that happens log₂ n times per story.

use super::{CHUNK, DOC_COUNT_TERM, Vectorised, add_to_story, capped_sum, config, create};
use super::{load_state, store_state};
use crate::articles::refresh_story;
use crate::sql::{Exec, Value};
use crate::{StoreError, params};
use std::collections::HashMap;
use tidings_cluster::Doc;
use tidings_cluster::review::{Member, is_review_size, review};

/// A reviewed article: its id, when it was published and its vector.
struct Reviewed {
    id: i64,
    title: String,
    at: i64,
    vector: Vectorised,
}

/// Reviews the story `story_id` when it has just reached a review size (`size`, its article
/// count), moving a group that left it to a new story. Returns the story article `article_id`
/// is in afterwards.
pub(crate) fn review_if_due(
    tx: &mut dyn Exec,
    story_id: i64,
    size: usize,
    article_id: i64,
) -> Result<i64, StoreError> {
    let c = config();
    if !is_review_size(c, size) {
        return Ok(story_id);
    }
    let reviewed = members(tx, story_id)?;
    let as_members: Vec<Member<'_>> = reviewed
        .iter()
        .map(|r| Member {
            vector: &r.vector.v,
            evidence: &r.vector.ev,
        })
        .collect();
    let Some(split) = review(c, &as_members) else {
        return Ok(story_id);
    };
    let (mut leaving, mut staying): (Vec<&Reviewed>, Vec<&Reviewed>) = (Vec::new(), Vec::new());
    for (i, r) in reviewed.iter().enumerate() {
        if split.leaving.binary_search(&i).is_ok() {
            leaving.push(r);
        } else {
            staying.push(r);
        }
    }
    let Some(first) = leaving.first() else {
        return Ok(story_id);
    };
    let new_story = create(tx, first.title.trim(), first.id, first.at)?;
    tx.execute(
        "UPDATE stories SET split_from = ? WHERE id = ?",
        params![story_id, new_story],
    )?;
    let reason = split.reason(staying.len());
    for r in &leaving {
        add_to_story(tx, new_story, &r.vector, r.at)?;
        tx.execute(
            "UPDATE articles SET story_id = ?, story_reason = ? WHERE id = ?",
            params![new_story, reason.as_str(), r.id],
        )?;
        // Its republications follow it.
        tx.execute(
            "UPDATE articles SET story_id = ? WHERE original_article_id = ? AND story_id = ?",
            params![new_story, r.id, story_id],
        )?;
    }
    rebuild_state(tx, story_id, &staying)?;
    refresh_story(tx, story_id)?;
    refresh_story(tx, new_story)?;
    let now_in = tx
        .query_opt(
            "SELECT story_id FROM articles WHERE id = ?",
            params![article_id],
        )?
        .and_then(|r| r.opt_i64(0).transpose())
        .transpose()?;
    Ok(now_in.unwrap_or(story_id))
}

/// The story's centroid and recent evidence from the articles that stayed (postings of terms
/// that left the centroid are dropped).
fn rebuild_state(
    tx: &mut dyn Exec,
    story_id: i64,
    staying: &[&Reviewed],
) -> Result<(), StoreError> {
    let old = load_state(tx, story_id)?.unwrap_or_default().centroid;
    let terms = capped_sum(&[], staying.iter().flat_map(|r| r.vector.v.iter()));
    let mut members = staying.iter().map(|r| r.vector.ev.clone()).collect();
    store_state(tx, story_id, &old, &terms, &mut members)
}

/// The story's most recent independent articles (republications follow their originals),
/// oldest first, vectorised against the current document frequencies without counting them
/// again.
fn members(tx: &mut dyn Exec, story_id: i64) -> Result<Vec<Reviewed>, StoreError> {
    let c = config();
    let rows = tx.query(
        &format!(
            "SELECT id, title, text, published_at FROM articles
             WHERE story_id = ? AND original_article_id IS NULL
             ORDER BY published_at DESC, id DESC LIMIT {}",
            c.review_articles
        ),
        params![story_id],
    )?;
    let mut articles = Vec::with_capacity(rows.len());
    for r in rows.iter().rev() {
        articles.push((r.i64(0)?, r.text(1)?, r.text(2)?, r.opt_i64(3)?));
    }
    let entities = entity_names(tx, articles.iter().map(|a| a.0))?;
    let raws: Vec<Vec<(String, f32)>> = articles
        .iter()
        .map(|(id, title, text, at)| {
            let doc = Doc {
                id: String::new(),
                title: Some(title.clone()),
                text: Some(text.clone()),
                published_at: at.and_then(super::time),
                entities: entities.get(id).cloned().unwrap_or_default(),
            };
            tidings_cluster::raw_features(c, &doc)
        })
        .collect();
    let df = document_frequencies(tx, raws.iter().flatten().map(|(n, _)| n.as_str()))?;
    let n_docs = df.get(DOC_COUNT_TERM).copied().unwrap_or(1);
    Ok(articles
        .into_iter()
        .zip(raws)
        .map(|((id, title, _, at), raw)| {
            let (v, ev) =
                tidings_cluster::weigh(c, &raw, |t| df.get(t).copied().unwrap_or(1), n_docs);
            Reviewed {
                id,
                title,
                at: at.unwrap_or_default(),
                vector: Vectorised { v, ev },
            }
        })
        .collect())
}

fn entity_names(
    tx: &mut dyn Exec,
    ids: impl Iterator<Item = i64>,
) -> Result<HashMap<i64, Vec<String>>, StoreError> {
    let ids: Vec<Value> = ids.map(Value::from).collect();
    let mut names: HashMap<i64, Vec<String>> = HashMap::new();
    for chunk in ids.chunks(CHUNK) {
        let marks = vec!["?"; chunk.len()].join(", ");
        for r in tx.query(
            &format!(
                "SELECT ae.article_id, e.name FROM article_entities ae
                 JOIN entities e ON e.id = ae.entity_id WHERE ae.article_id IN ({marks})
                 ORDER BY ae.article_id, e.id"
            ),
            chunk,
        )? {
            names.entry(r.i64(0)?).or_default().push(r.text(1)?);
        }
    }
    Ok(names)
}

/// `term_df` for the given terms and the document count (under [`DOC_COUNT_TERM`]).
fn document_frequencies<'a>(
    tx: &mut dyn Exec,
    terms: impl Iterator<Item = &'a str>,
) -> Result<HashMap<String, u64>, StoreError> {
    let mut names: Vec<&str> = terms.collect();
    names.push(DOC_COUNT_TERM);
    names.sort_unstable();
    names.dedup();
    let mut df = HashMap::with_capacity(names.len());
    for chunk in names.chunks(CHUNK) {
        let marks = vec!["?"; chunk.len()].join(", ");
        let values: Vec<Value> = chunk.iter().map(|n| Value::from(*n)).collect();
        for r in tx.query(
            &format!("SELECT term, df FROM term_df WHERE term IN ({marks})"),
            &values,
        )? {
            df.insert(r.text(0)?, u64::try_from(r.i64(1)?).unwrap_or(1));
        }
    }
    Ok(df)
}

#[cfg(test)]
mod tests {
    use crate::stories::detail::{StoryDetail, StoryLink};
    use crate::testing::{TestDatabase, drifted_story_reviewed};

    /// Five reports of one event and three of another put into one story (as a drifting
    /// story would have them): the review moves the three, with a reason, and the counts follow.
    #[test]
    fn a_review_moves_a_distant_group_to_a_story_of_its_own() {
        for db in TestDatabase::all() {
            let store = db.open().unwrap();
            let (story, moved_to) = drifted_story_reviewed(&store).unwrap();
            assert_ne!(moved_to, story, "{}: the last article left", db.name());
            let kept = store.story(story, 1).unwrap().unwrap();
            let split = store.story(moved_to, 1).unwrap().unwrap();
            assert_eq!(
                (kept.article_count, split.article_count),
                (5, 3),
                "{}",
                db.name()
            );
            assert!(
                split.headline.starts_with("Nordlys adds night ferry"),
                "{}",
                split.headline
            );
            let link = |s: &StoryDetail| StoryLink {
                id: s.id,
                headline: s.headline.clone(),
            };
            assert_eq!(split.split_from, Some(link(&kept)), "{}", db.name());
            assert_eq!(kept.split_into, vec![link(&split)], "{}", db.name());
            let why = split.articles[0].reason.as_deref().unwrap_or("");
            assert!(why.contains("3 articles of 8"), "{}: {why}", db.name());
            assert!(store.check().unwrap().ok(), "{}", db.name());
        }
    }
}
