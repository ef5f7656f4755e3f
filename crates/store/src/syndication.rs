//! Syndication in the database: each article's MinHash fingerprint and LSH bands
//! (`article_signatures`, `article_lsh_bands`), the lookup of candidate copies through the
//! bands, and who republishes whom for outlet pages. The fingerprint, the verification and the
//! choice of the original are `tidings_cluster::syndication`'s; this module only persists them,
//! so every node sharing one database finds the same candidates.

use crate::sql::{Exec, Value, lookups};
use crate::{Store, StoreError, params};
use std::collections::HashMap;
use tidings_cluster::syndication::{
    BUCKET_CAP, Fingerprint, MAX_CANDIDATES, Match, Plan, Similarity, plan,
};

/// Computes the article's fingerprint and replaces its stored signature and bands (so a
/// re-import never duplicates them). Texts too short to fingerprint keep none.
pub(crate) fn store_fingerprint(
    tx: &mut dyn Exec,
    id: i64,
    text: &str,
) -> Result<Option<Fingerprint>, StoreError> {
    tx.execute(
        "DELETE FROM article_lsh_bands WHERE article_id = ?",
        params![id],
    )?;
    tx.execute(
        "DELETE FROM article_signatures WHERE article_id = ?",
        params![id],
    )?;
    let Some(fp) = Fingerprint::of(text) else {
        return Ok(None);
    };
    tx.execute(
        "INSERT INTO article_signatures (article_id, minhash, shingles) VALUES (?, ?, ?)",
        params![id, fp.signature_hex(), fp.shingles],
    )?;
    let bands = fp.bands();
    let marks = vec!["(?, ?, ?)"; bands.len()].join(", ");
    let mut values = Vec::with_capacity(bands.len() * 3);
    for (band, bucket) in &bands {
        values.extend([Value::from(*band), Value::from(*bucket), Value::from(id)]);
    }
    tx.execute(
        &format!("INSERT INTO article_lsh_bands (band, bucket_hash, article_id) VALUES {marks}"),
        &values,
    )?;
    Ok(Some(fp))
}

/// Articles sharing a band with `fp`, newest first per bucket, at most [`BUCKET_CAP`] a bucket
/// and [`MAX_CANDIDATES`] in all, excluding the article itself.
fn candidates(tx: &mut dyn Exec, id: i64, fp: &Fingerprint) -> Result<Vec<i64>, StoreError> {
    let bands = fp.bands();
    let mut values = Vec::with_capacity(bands.len() * 3);
    for (band, bucket) in &bands {
        values.extend([Value::from(*band), Value::from(*bucket), Value::from(id)]);
    }
    let each = format!(
        "SELECT article_id FROM article_lsh_bands
         WHERE band = ? AND bucket_hash = ? AND article_id <> ?
         ORDER BY article_id DESC LIMIT {BUCKET_CAP}"
    );
    let mut out: Vec<i64> = Vec::new();
    for r in lookups(tx, &each, 3, &values, "1, 2 DESC")? {
        let c = r.i64(1)?;
        if out.len() < MAX_CANDIDATES && !out.contains(&c) {
            out.push(c);
        }
    }
    Ok(out)
}

/// The verified copies of article `id` among its candidates, other outlets only (one outlet's
/// two addresses for a piece is not a republication).
fn matches(
    tx: &mut dyn Exec,
    id: i64,
    outlet_id: i64,
    fp: &Fingerprint,
) -> Result<Vec<Match<i64>>, StoreError> {
    let ids = candidates(tx, id, fp)?;
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let marks = vec!["?"; ids.len()].join(", ");
    let mut values: Vec<Value> = ids.iter().map(|i| Value::from(*i)).collect();
    values.push(Value::from(outlet_id));
    let rows = tx.query(
        &format!(
            "SELECT a.id, a.published_at, a.original_article_id, o.published_at,
                    a.original_outlet IS NOT NULL, s.minhash, s.shingles
             FROM articles a JOIN article_signatures s ON s.article_id = a.id
             LEFT JOIN articles o ON o.id = a.original_article_id
             WHERE a.id IN ({marks}) AND a.outlet_id <> ? ORDER BY a.id"
        ),
        &values,
    )?;
    let mut out = Vec::new();
    for r in &rows {
        let shingles = u32::try_from(r.i64(6)?).unwrap_or(0);
        let Some(other) = Fingerprint::from_hex(&r.text(5)?, shingles) else {
            continue;
        };
        let similarity = fp.compare(&other);
        if !similarity.is_copy() {
            continue;
        }
        let original = match (r.opt_i64(2)?, r.opt_i64(3)?) {
            (Some(o), Some(t)) => Some((o, t)),
            _ => None,
        };
        out.push(Match {
            key: r.i64(0)?,
            published: r.i64(1)?,
            original,
            by_note: r.bool(4)?,
            similarity,
        });
    }
    Ok(out)
}

/// What detection says about a new article: the original to link it to, or the stored copies
/// it is the original of.
pub(crate) fn detect(
    tx: &mut dyn Exec,
    id: i64,
    outlet_id: i64,
    published: i64,
    fp: &Fingerprint,
) -> Result<Plan<i64>, StoreError> {
    let found = matches(tx, id, outlet_id, fp)?;
    Ok(plan(&id, published, &found))
}

/// "republication of “Title” (Outlet), detected: 93 % of the text matches" for the story page.
pub(crate) fn detected_reason(
    tx: &mut dyn Exec,
    original_id: i64,
    sim: &Similarity,
) -> Result<String, StoreError> {
    let r = tx.query_one(
        "SELECT a.title, o.name FROM articles a JOIN outlets o ON o.id = a.outlet_id WHERE a.id = ?",
        params![original_id],
    )?;
    Ok(format!(
        "republication of “{}” ({}), detected: {} % of the text matches",
        r.text(0)?,
        r.text(1)?,
        sim.percent()
    ))
}

/// Links `copy` to `original` as a detected republication in `story_id`; copies that pointed at
/// `copy` by detection follow it to the earlier original. Returns the stories they left.
pub(crate) fn link(
    tx: &mut dyn Exec,
    copy: i64,
    original: i64,
    story_id: i64,
    sim: &Similarity,
) -> Result<Vec<i64>, StoreError> {
    let reason = detected_reason(tx, original, sim)?;
    let mut left: Vec<i64> = tx
        .query(
            "SELECT DISTINCT story_id FROM articles
             WHERE (id = ? OR (original_article_id = ? AND original_outlet IS NULL))
               AND story_id IS NOT NULL AND story_id <> ?",
            params![copy, copy, story_id],
        )?
        .iter()
        .map(|r| r.i64(0))
        .collect::<Result<_, _>>()?;
    left.sort_unstable();
    tx.execute(
        "UPDATE articles SET original_article_id = ?, story_id = ?
         WHERE original_article_id = ? AND original_outlet IS NULL",
        params![original, story_id, copy],
    )?;
    tx.execute(
        "UPDATE articles SET original_article_id = ?, original_similarity = ?, story_id = ?,
                story_reason = ?
         WHERE id = ?",
        params![original, sim.containment, story_id, reason, copy],
    )?;
    Ok(left)
}

/// One outlet another one republishes, or is republished by, with how many articles.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct OutletLink {
    pub name: String,
    pub slug: String,
    pub articles: i64,
}

/// Whom an outlet republishes and who republishes it (note or detection alike).
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize)]
pub struct OutletSyndication {
    /// Outlets whose articles this one republished.
    pub republishes: Vec<OutletLink>,
    /// Outlets that republished this one's articles.
    pub republished_by: Vec<OutletLink>,
}

/// Outlets listed per direction on an outlet page.
const OUTLET_LINKS: i64 = 20;

/// Outlets linked to `slug`'s articles: `ours` names the side of the link (`copy` or `orig`)
/// that is the outlet's, `theirs` the other side.
fn outlet_links(
    c: &mut dyn Exec,
    slug: &str,
    ours: &str,
    theirs: &str,
) -> Result<Vec<OutletLink>, StoreError> {
    c.query(
        &format!(
            "SELECT t.name, t.slug, COUNT(*) FROM articles copy
             JOIN articles orig ON orig.id = copy.original_article_id
             JOIN outlets u ON u.id = {ours}.outlet_id
             JOIN outlets t ON t.id = {theirs}.outlet_id
             WHERE u.slug = ? AND t.id <> u.id
             GROUP BY t.name, t.slug ORDER BY COUNT(*) DESC, t.name LIMIT ?"
        ),
        params![slug, OUTLET_LINKS],
    )?
    .iter()
    .map(|r| {
        Ok(OutletLink {
            name: r.text(0)?,
            slug: r.text(1)?,
            articles: r.i64(2)?,
        })
    })
    .collect()
}

impl Store {
    /// Whom the outlet `slug` republishes and who republishes it, most articles first.
    pub fn outlet_syndication(&self, slug: &str) -> Result<OutletSyndication, StoreError> {
        self.read(|c| {
            Ok(OutletSyndication {
                republishes: outlet_links(c, slug, "copy", "orig")?,
                republished_by: outlet_links(c, slug, "orig", "copy")?,
            })
        })
    }

    /// The stored original of every linked article, with the share of text detected as matching
    /// (None for a link from a provenance note): what `tidings eval syndication` compares.
    pub fn syndication_links(&self) -> Result<HashMap<i64, (i64, Option<f64>)>, StoreError> {
        self.read(|c| {
            c.query(
                "SELECT id, original_article_id, original_similarity FROM articles
                 WHERE original_article_id IS NOT NULL",
                &[],
            )?
            .iter()
            .map(|r| {
                let sim = match r.0.get(2) {
                    Some(Value::Null) | None => None,
                    Some(_) => Some(r.f64(2)?),
                };
                Ok((r.i64(0)?, (r.i64(1)?, sim)))
            })
            .collect()
        })
    }
}
