//! Merging the fragments of one story that an article bridged: the decision (the in-memory
//! clusterer's rule) and moving everything of the merged story into the one it joins, leaving a
//! redirect.

use super::{CHUNK, StoryState, capped_sum, config, load_state, store_state};
use crate::sql::{Exec, Value};
use crate::{StoreError, params};
use std::collections::HashMap;
use tidings_cluster::evidence::stories_agreement;

/// After an article of `n_features` joined story `into`, merges into it each of the `bridged`
/// stories whose centroid is close to its own and whose recent articles' evidence does not
/// disagree with its own (the in-memory clusterer's rule,
/// [`tidings_cluster::Config::merges`]): fragments of one event started before its vocabulary
/// was known. Returns the number merged. The caller refreshes `into`'s counts.
pub(crate) fn merge_fragments(
    tx: &mut dyn Exec,
    into: i64,
    bridged: &[i64],
    n_features: usize,
) -> Result<usize, StoreError> {
    let c = config();
    let merge_at = c.merge_threshold_for(n_features);
    let mut merged = 0;
    // Read once and kept up to date here: a headline can bridge several stories.
    let Some(mut a) = load_state(tx, into)? else {
        return Ok(0);
    };
    for &from in bridged {
        let Some(b) = load_state(tx, from)? else {
            continue;
        };
        let agreement = stories_agreement(c, &a.members, &b.members);
        if !c.merges(
            a.size + b.size,
            cosine(&a.centroid, &b.centroid),
            merge_at,
            agreement,
        ) {
            continue;
        }
        let terms = capped_sum(&a.centroid, &b.centroid);
        let mut members = std::mem::take(&mut a.members);
        members.extend(b.members);
        store_state(tx, into, &a.centroid, &terms, &mut members)?;
        move_story(tx, from, into, &terms)?;
        a = StoryState {
            centroid: terms.iter().map(|(t, w)| ((*t).to_owned(), *w)).collect(),
            members,
            size: a.size + b.size,
        };
        merged += 1;
    }
    Ok(merged)
}

fn cosine(a: &[(String, f32)], b: &[(String, f32)]) -> f32 {
    let norm = |v: &[(String, f32)]| v.iter().map(|(_, w)| w * w).sum::<f32>().sqrt();
    let (na, nb) = (norm(a), norm(b));
    if na <= 0.0 || nb <= 0.0 {
        return 0.0;
    }
    let b: HashMap<&str, f32> = b.iter().map(|(t, w)| (t.as_str(), *w)).collect();
    a.iter()
        .map(|(t, w)| w * b.get(t.as_str()).copied().unwrap_or(0.0))
        .sum::<f32>()
        / (na * nb)
}

/// Moves everything of story `from` into story `into` (whose centroid now holds `terms`) and
/// deletes `from`, leaving a redirect: its articles, comments, postings of kept terms (latest
/// use wins) and places in kept week rankings (where `into` is ranked too, `from`'s place goes).
fn move_story(
    tx: &mut dyn Exec,
    from: i64,
    into: i64,
    terms: &[(&str, f32)],
) -> Result<(), StoreError> {
    for chunk in terms.chunks(CHUNK) {
        let marks = vec!["?"; chunk.len()].join(", ");
        let mut values = vec![Value::from(into), Value::from(from)];
        values.extend(chunk.iter().map(|(t, _)| Value::from(*t)));
        tx.execute(
            &format!(
                "INSERT INTO story_terms (story_id, term, last_at)
                 SELECT ?, term, last_at FROM story_terms WHERE story_id = ? AND term IN ({marks})
                 ON CONFLICT (story_id, term) DO UPDATE SET last_at = excluded.last_at
                 WHERE excluded.last_at > story_terms.last_at"
            ),
            &values,
        )?;
    }
    for sql in [
        "UPDATE articles SET story_id = ? WHERE story_id = ?",
        "UPDATE comments SET story_id = ? WHERE story_id = ?",
        "DELETE FROM week_rankings WHERE week_key IN
             (SELECT week_key FROM week_rankings WHERE story_id = ?) AND story_id = ?",
        "UPDATE week_rankings SET story_id = ? WHERE story_id = ?",
        "UPDATE story_redirects SET into_id = ? WHERE into_id = ?",
    ] {
        tx.execute(sql, params![into, from])?;
    }
    tx.execute(
        "INSERT INTO story_redirects (story_id, into_id) VALUES (?, ?)
         ON CONFLICT (story_id) DO UPDATE SET into_id = excluded.into_id",
        params![from, into],
    )?;
    // Explicitly, though the foreign key cascades: SQLite enforces it only when asked to.
    tx.execute("DELETE FROM story_terms WHERE story_id = ?", params![from])?;
    tx.execute("DELETE FROM stories WHERE id = ?", params![from])?;
    Ok(())
}

/// The story a merged story went into, if `id` names one.
pub(crate) fn redirect(tx: &mut dyn Exec, id: i64) -> Result<Option<i64>, StoreError> {
    tx.query_opt(
        "SELECT into_id FROM story_redirects WHERE story_id = ?",
        params![id],
    )?
    .map(|r| r.i64(0))
    .transpose()
}
