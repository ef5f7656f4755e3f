//! Articles: storing one (with its tags, entities, quotes and story) in one transaction, and
//! reading one back as Article JSON.

use crate::entities::{ensure_entity, vote_entity_kind};
use crate::locks;
use crate::outlets::{ensure_outlet, normalize_domain, outlet_by_id};
use crate::sql::{Exec, Row, Value};
use crate::stories;
use crate::syndication;
use crate::{Outlet, Store, StoreError, now, params};
use chrono::{DateTime, TimeZone, Utc};
use sha2::{Digest, Sha256};
use std::collections::HashSet;
use tidings_cluster::syndication::{Fingerprint, Plan};
use tidings_model::url::clean_article_url;
use tidings_model::{
    Article, Engagement, EntityKind, EntityMention, IsoWeek, OutletRef, Provenance, Quote, slugify,
};

/// What [`Store::upsert_article`] did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct UpsertOutcome {
    pub id: i64,
    pub story_id: i64,
    /// False when an article with the same key was already stored and has been updated.
    pub created: bool,
    /// Time spent on its story: its near-duplicate fingerprint, detection, the clustering
    /// decision and the story's new state (zero when it was stored unchanged). For benchmarks.
    pub story_decision: std::time::Duration,
}

/// An article as the site shows it: the article, its outlet (for the republication policy), and
/// the stored original when this is a republication of an article we have.
#[derive(Debug, Clone)]
pub struct StoredArticle {
    pub article: Article,
    pub outlet: Outlet,
    pub original_article_id: Option<i64>,
    /// When the link to the original was detected (not read from a note): the outlet of the
    /// stored original and the share of the text that matched (0–1).
    pub detected_original: Option<DetectedOriginal>,
    /// The articles linked to this one as their original, earliest first (at most
    /// [`COPIES_SHOWN`]), and how many there are in all.
    pub copies: Vec<Republication>,
    pub copy_count: i64,
    /// When the original is itself a republication: its original, that one's, and so on (at
    /// most [`CHAIN_HOPS`]), nearest first.
    pub chain: Vec<Republication>,
}

/// Copies listed on an original's page.
pub const COPIES_SHOWN: usize = 12;

/// Originals of originals followed at most; a chain is rarely longer than two.
pub const CHAIN_HOPS: usize = 8;

/// An article that republished another.
#[derive(Debug, Clone, PartialEq)]
pub struct Republication {
    pub id: i64,
    pub outlet: String,
    pub outlet_slug: String,
}

impl Republication {
    /// From a row of article id, outlet name and outlet slug.
    fn from_row(r: &Row) -> Result<Self, StoreError> {
        Ok(Self {
            id: r.i64(0)?,
            outlet: r.text(1)?,
            outlet_slug: r.text(2)?,
        })
    }
}

/// A republication found by near-duplicate detection rather than stated by a note.
#[derive(Debug, Clone, PartialEq)]
pub struct DetectedOriginal {
    pub outlet: String,
    pub outlet_slug: String,
    pub similarity: f64,
}

impl Store {
    /// Stores `a` — creating it, or updating the article with the same identity (canonical URL,
    /// else outlet + title + day). Outlet, tags, entities, quotes and story assignment are
    /// written in the same transaction: an interrupted import leaves nothing half-written.
    pub fn upsert_article(
        &self,
        a: &Article,
        source: Option<&str>,
    ) -> Result<UpsertOutcome, StoreError> {
        validate(a)?;
        self.write(|tx| upsert_article(tx, a, source))
    }

    pub fn article(&self, id: i64) -> Result<Option<StoredArticle>, StoreError> {
        self.read(|c| load_article(c, id))
    }

    /// Replaces an article's body (text and sanitized HTML) with a new extraction, leaving
    /// everything else — counters, entities, story — as it is.
    pub fn replace_article_body(&self, id: i64, text: &str, html: &str) -> Result<(), StoreError> {
        self.write(|tx| {
            let changed = tx.execute(
                "UPDATE articles SET text = ?, html = ?, word_count = ?, content_hash = ?, modified_at = ? WHERE id = ?",
                params![text, html, Article::count_words(text), content_hash(text), now(), id],
            )?;
            if changed == 0 {
                return Err(StoreError::NotFound(format!("article {id}")));
            }
            Ok(())
        })
    }

    /// The story an article is in now (a later article may have moved it: a detected
    /// republication joins its original's story).
    pub fn story_of_article(&self, id: i64) -> Result<Option<i64>, StoreError> {
        self.read(|c| story_of(c, id))
    }

    /// Whether an article with this URL (tracking parameters aside) is stored already.
    pub fn has_article_url(&self, url: &str) -> Result<bool, StoreError> {
        self.read(|c| {
            Ok(c.query_opt(
                "SELECT 1 FROM articles WHERE url = ? LIMIT 1",
                params![clean_article_url(url)],
            )?
            .is_some())
        })
    }

    pub fn article_count(&self) -> Result<i64, StoreError> {
        self.read(|c| c.query_one("SELECT COUNT(*) FROM articles", &[])?.i64(0))
    }
}

pub(crate) fn validate(a: &Article) -> Result<(), StoreError> {
    if a.title.trim().is_empty() {
        return Err(StoreError::Invalid("article has no title".into()));
    }
    if a.outlet.name.trim().is_empty() {
        return Err(StoreError::Invalid("article has no outlet".into()));
    }
    if a.engagement.views < 0 || a.engagement.comments < 0 {
        return Err(StoreError::Invalid("negative engagement counters".into()));
    }
    Ok(())
}

/// Identity of an article across imports.
pub(crate) fn article_key(a: &Article, outlet_slug: &str, published: DateTime<Utc>) -> String {
    match a.url.as_deref().map(str::trim).filter(|u| !u.is_empty()) {
        Some(url) => format!("url:{}", clean_article_url(url)),
        None => format!(
            "page:{outlet_slug}/{}/{}",
            published.format("%Y-%m-%d"),
            slugify(&a.title)
        ),
    }
}

/// The article with `a`'s GUID from the same feed (`source`, as `feed:ID`), or from the outlet
/// named `outlet_slug` when the article comes from no feed: the same entry under a changed
/// link (a tracking redirect, a moved page) is updated, not stored twice. A GUID is unique
/// within its feed only: two feeds of one outlet may both number their items from 1.
fn same_guid(
    tx: &mut dyn Exec,
    a: &Article,
    outlet_slug: &str,
    source: Option<&str>,
) -> Result<Option<Row>, StoreError> {
    let Some(guid) = a.guid.as_deref() else {
        return Ok(None);
    };
    match source {
        Some(source) => tx.query_opt(
            "SELECT id, story_id, fingerprint FROM articles WHERE guid = ? AND source = ? LIMIT 1",
            params![guid, source],
        ),
        None => tx.query_opt(
            "SELECT a.id, a.story_id, a.fingerprint FROM articles a JOIN outlets o ON o.id = a.outlet_id
             WHERE a.guid = ? AND o.slug = ? AND a.source IS NULL LIMIT 1",
            params![guid, outlet_slug],
        ),
    }
}

/// Texts shorter than this are not compared whole: summaries and teasers repeat ("Read more").
const SAME_TEXT_MIN_WORDS: usize = 50;

/// Same-text articles of one outlet looked at (their titles compared).
const SAME_TEXT_CANDIDATES: usize = 8;

/// An article of the outlet named `outlet_slug` with `a`'s title and text (case and spacing
/// aside). The title is required too: a new headline over the same text is rare within one
/// outlet, and a generic text shared by different pieces (a standard notice) is not.
fn same_text_from_outlet(
    tx: &mut dyn Exec,
    a: &Article,
    outlet_slug: &str,
    text_hash: &str,
) -> Result<Option<Row>, StoreError> {
    if a.text
        .split_whitespace()
        .nth(SAME_TEXT_MIN_WORDS - 1)
        .is_none()
    {
        return Ok(None);
    }
    let rows = tx.query(
        &format!(
            "SELECT a.id, a.story_id, a.title FROM articles a JOIN outlets o ON o.id = a.outlet_id
             WHERE a.content_hash = ? AND o.slug = ? AND a.story_id IS NOT NULL LIMIT {SAME_TEXT_CANDIDATES}"
        ),
        params![text_hash, outlet_slug],
    )?;
    let title = normalized_words(&a.title);
    Ok(rows
        .into_iter()
        .find(|r| r.text(2).is_ok_and(|t| normalized_words(&t) == title)))
}

fn normalized_words(text: &str) -> String {
    text.split_whitespace()
        .map(str::to_lowercase)
        .collect::<Vec<_>>()
        .join(" ")
}

fn content_hash(text: &str) -> String {
    hex::encode(Sha256::digest(normalized_words(text).as_bytes()))
}

/// A digest of the whole article as given (every field, in serde's fixed order).
fn fingerprint(a: &Article) -> String {
    let bytes = serde_json::to_vec(a).unwrap_or_default();
    hex::encode(Sha256::digest(bytes))
}

fn ts(t: Option<DateTime<Utc>>) -> Value {
    t.map(|t| t.timestamp()).into()
}

fn from_ts(secs: Option<i64>) -> Option<DateTime<Utc>> {
    secs.and_then(|s| Utc.timestamp_opt(s, 0).single())
}

pub(crate) fn upsert_article(
    tx: &mut dyn Exec,
    a: &Article,
    source: Option<&str>,
) -> Result<UpsertOutcome, StoreError> {
    // Cluster-wide, one article is stored at a time (see `locks`): the story decision must see
    // every article stored before it, and two nodes storing the same URL must not both insert.
    // Taken first, before this transaction holds any row lock, so it cannot deadlock.
    locks::hold(tx, locks::ClusterLock::Articles)?;
    let outlet_slug = slugify(&a.outlet.name);
    let published = a.published_at.unwrap_or_else(Utc::now);
    let key = article_key(a, &outlet_slug, published);
    let existing = match tx.query_opt(
        "SELECT id, story_id, fingerprint FROM articles WHERE article_key = ?",
        params![&key],
    )? {
        Some(row) => Some(row),
        None => same_guid(tx, a, &outlet_slug, source)?,
    };
    let text_hash = content_hash(&a.text);
    let fingerprint = fingerprint(a);
    let unchanged = match &existing {
        // The same article stored again changes nothing, so a rerun after a crash converges to
        // what one uninterrupted run stores (entities and speakers are linked as they were).
        Some(row) if row.opt_text(2)?.as_deref() == Some(fingerprint.as_str()) => {
            match row.opt_i64(1)? {
                Some(story) => Some((row.i64(0)?, story)),
                None => None,
            }
        }
        Some(_) => None,
        // The same text from the same outlet under another link (another feed, a changed
        // URL): stored once, as it was first.
        None => match same_text_from_outlet(tx, a, &outlet_slug, &text_hash)? {
            Some(row) => Some((row.i64(0)?, row.i64(1)?)),
            None => None,
        },
    };
    if let Some((id, story_id)) = unchanged {
        return Ok(UpsertOutcome {
            id,
            story_id,
            created: false,
            story_decision: std::time::Duration::ZERO,
        });
    }
    let outlet_id = ensure_outlet(tx, &a.outlet)?;
    let fields = ArticleFields::new(a, outlet_id, published, text_hash, fingerprint);
    let (id, story_id, created) = match existing {
        Some(row) => {
            let id = row.i64(0)?;
            fields.update(tx, id)?;
            (id, row.opt_i64(1)?, false)
        }
        None => (fields.insert(tx, &key, source)?, None, true),
    };
    replace_tags(tx, id, &a.tags)?;
    let linked = replace_entities(tx, id, &a.entities)?;
    replace_quotes(tx, id, &a.quotes, &linked)?;
    let started = std::time::Instant::now();
    let fingerprint = syndication::store_fingerprint(tx, id, &a.text)?;
    let (story_id, assigned) = match story_id {
        Some(s) => (s, false),
        None => (
            assign_story(tx, id, outlet_id, a, fingerprint.as_ref())?,
            true,
        ),
    };
    let size = refresh_story(tx, story_id)?;
    // A story that grew by this article may be due its second look, which can move the article.
    let story_id = if assigned {
        stories::review_if_due(tx, story_id, size, id)?
    } else {
        story_id
    };
    Ok(UpsertOutcome {
        id,
        story_id,
        created,
        story_decision: started.elapsed(),
    })
}

/// The scalar columns of an article, bound in one order for INSERT and UPDATE.
struct ArticleFields(Vec<Value>);

const FIELD_COLUMNS: [&str; 25] = [
    "outlet_id",
    "url",
    "content_hash",
    "title",
    "authors_json",
    "published_at",
    "updated_at",
    "week_key",
    "section",
    "section_slug",
    "language",
    "summary",
    "text",
    "html",
    "word_count",
    "image_url",
    "original_outlet",
    "original_url",
    "original_published_at",
    "views_imported",
    "comments_imported",
    "modified_at",
    "fingerprint",
    "metadata_sources_json",
    "guid",
];

impl ArticleFields {
    fn new(
        a: &Article,
        outlet_id: i64,
        published: DateTime<Utc>,
        text_hash: String,
        fingerprint: String,
    ) -> Self {
        let authors = serde_json::to_string(&a.authors).unwrap_or_else(|_| "[]".into());
        let word_count = if a.word_count > 0 {
            a.word_count
        } else {
            Article::count_words(&a.text)
        };
        Self(vec![
            outlet_id.into(),
            a.url.as_deref().map(clean_article_url).into(),
            text_hash.into(),
            a.title.trim().into(),
            authors.into(),
            published.timestamp().into(),
            ts(a.updated_at),
            IsoWeek::of(published).key().into(),
            a.section.clone().into(),
            a.section.as_deref().map(slugify).into(),
            a.language.clone().into(),
            a.summary.clone().into(),
            a.text.clone().into(),
            a.html.clone().into(),
            word_count.into(),
            a.image_url.clone().into(),
            a.provenance.original_outlet.clone().into(),
            a.provenance.original_url.clone().into(),
            ts(a.provenance.original_published_at),
            a.engagement.views.into(),
            a.engagement.comments.into(),
            now().into(),
            fingerprint.into(),
            serde_json::to_string(&a.metadata_sources)
                .unwrap_or_else(|_| "{}".into())
                .into(),
            a.guid.clone().into(),
        ])
    }

    fn insert(
        mut self,
        tx: &mut dyn Exec,
        key: &str,
        source: Option<&str>,
    ) -> Result<i64, StoreError> {
        let columns = FIELD_COLUMNS.join(", ");
        let marks = vec!["?"; FIELD_COLUMNS.len() + 3].join(", ");
        self.0.push(key.into());
        self.0.push(source.into());
        self.0.push(now().into());
        let row = tx.query_one(
            &format!(
                "INSERT INTO articles ({columns}, article_key, source, ingested_at)
                 VALUES ({marks}) RETURNING id"
            ),
            &self.0,
        )?;
        row.i64(0)
    }

    fn update(mut self, tx: &mut dyn Exec, id: i64) -> Result<(), StoreError> {
        let sets = FIELD_COLUMNS
            .iter()
            .map(|c| format!("{c} = ?"))
            .collect::<Vec<_>>()
            .join(", ");
        self.0.push(id.into());
        tx.execute(&format!("UPDATE articles SET {sets} WHERE id = ?"), &self.0)?;
        Ok(())
    }
}

fn replace_tags(tx: &mut dyn Exec, id: i64, tags: &[String]) -> Result<(), StoreError> {
    tx.execute("DELETE FROM article_tags WHERE article_id = ?", params![id])?;
    let mut seen = HashSet::new();
    for (position, tag) in tags
        .iter()
        .map(|t| t.trim())
        .filter(|t| !t.is_empty())
        .enumerate()
    {
        let slug = slugify(tag);
        if seen.insert(slug.clone()) {
            tx.execute(
                "INSERT INTO article_tags (article_id, tag, slug, position) VALUES (?, ?, ?, ?)",
                params![id, tag, slug, position as i64],
            )?;
        }
    }
    Ok(())
}

fn replace_entities(
    tx: &mut dyn Exec,
    id: i64,
    entities: &[EntityMention],
) -> Result<Vec<(String, EntityKind, i64)>, StoreError> {
    // The votes the article's previous version cast are taken back before it votes again.
    let previous = tx.query(
        "SELECT entity_id, kind, mentions FROM article_entities WHERE article_id = ?",
        params![id],
    )?;
    tx.execute(
        "DELETE FROM article_entities WHERE article_id = ?",
        params![id],
    )?;
    for r in &previous {
        if let Some(kind) = r.opt_text(1)?.as_deref().and_then(EntityKind::parse) {
            vote_entity_kind(tx, r.i64(0)?, kind, -r.i64(2)?)?;
        }
    }
    let mut linked = Vec::new();
    for e in entities {
        let entity_id = ensure_entity(tx, e)?;
        linked.push((e.name.clone(), e.kind, entity_id));
        // Two mentions naming one entity share a row, which keeps the first kind: the vote goes
        // to the kind stored, so that taking it back later balances.
        let stored = tx
            .query_one(
                "INSERT INTO article_entities (article_id, entity_id, mentions, kind) VALUES (?, ?, ?, ?)
                 ON CONFLICT (article_id, entity_id) DO UPDATE SET mentions = article_entities.mentions + excluded.mentions
                 RETURNING kind",
                params![id, entity_id, e.mentions, e.kind.as_str()],
            )?
            .opt_text(0)?;
        let kind = stored
            .as_deref()
            .and_then(EntityKind::parse)
            .unwrap_or(e.kind);
        vote_entity_kind(tx, entity_id, kind, i64::from(e.mentions))?;
    }
    Ok(linked)
}

/// Stores an article's quotes, linking each speaker to the entity the article names so (or,
/// failing that, to the entity with that name's slug).
fn replace_quotes(
    tx: &mut dyn Exec,
    id: i64,
    quotes: &[Quote],
    linked: &[(String, EntityKind, i64)],
) -> Result<(), StoreError> {
    tx.execute("DELETE FROM quotes WHERE article_id = ?", params![id])?;
    for (position, q) in quotes.iter().enumerate() {
        let in_article = q.speaker.as_ref().and_then(|name| {
            linked
                .iter()
                .find(|(n, kind, _)| n == name && *kind != EntityKind::Place)
                .map(|l| l.2)
        });
        let speaker_entity = match (&q.speaker, in_article) {
            (_, Some(id)) => Some(id),
            (None, None) => None,
            (Some(name), None) => tx
                .query_opt(
                    "SELECT COALESCE(merged_into, id) FROM entities WHERE slug = ? AND kind <> 'place'",
                    params![slugify(name)],
                )?
                .map(|r| r.i64(0))
                .transpose()?,
        };
        tx.execute(
            "INSERT INTO quotes (article_id, position, speaker, speaker_entity_id, text, verb)
             VALUES (?, ?, ?, ?, ?, ?)",
            params![
                id,
                position as i64,
                q.speaker.clone(),
                speaker_entity,
                q.text.clone(),
                q.verb.clone()
            ],
        )?;
    }
    Ok(())
}

/// Puts a new article into a story: a republication joins its original's story; otherwise the
/// clustering decision (see [`crate::stories`]) joins it to the most similar recent story or
/// starts a new one, and a new original gathers the republications of it that arrived first.
/// Without a note, near-duplicate detection may find the article to be a copy of an earlier
/// one (it then joins that one's story) or the original of copies stored before it (they then
/// join its story). Why it went where it did is kept in `articles.story_reason`.
fn assign_story(
    tx: &mut dyn Exec,
    id: i64,
    outlet_id: i64,
    a: &Article,
    fingerprint: Option<&Fingerprint>,
) -> Result<i64, StoreError> {
    if a.provenance.is_republication()
        && let Some((original_id, story_id)) = find_original(tx, a)?
    {
        let reason = republication_reason(tx, original_id)?;
        tx.execute(
            "UPDATE articles SET original_article_id = ?, story_id = ?, story_reason = ? WHERE id = ?",
            params![original_id, story_id, reason, id],
        )?;
        return Ok(story_id);
    }
    let published = a.published_at.map_or_else(now, |t| t.timestamp());
    // A note names the original even when we do not hold it: detection never overrides one.
    let detected = match fingerprint {
        Some(fp) if !a.provenance.is_republication() => {
            syndication::detect(tx, id, outlet_id, published, fp)?
        }
        _ => Plan {
            link_to: None,
            adopt: Vec::new(),
        },
    };
    if let Some((original_id, sim)) = &detected.link_to
        && let Some(story_id) = story_of(tx, *original_id)?
    {
        syndication::link(tx, id, *original_id, story_id, sim)?;
        return Ok(story_id);
    }
    let article = stories::vectorise(tx, a)?;
    let (story_id, mut reason, bridged) = match stories::decide(tx, &article, published)? {
        stories::Decision::Join {
            story_id,
            reason,
            bridged,
        } => (story_id, reason, bridged),
        stories::Decision::New { reason } => {
            let story_id = stories::create(tx, a.title.trim(), id, published)?;
            (story_id, reason, Vec::new())
        }
    };
    stories::add_to_story(tx, story_id, &article, published)?;
    let merged = stories::merge_fragments(tx, story_id, &bridged, article.v.len())?;
    if merged > 0 {
        reason = format!("{reason}; {}", tidings_cluster::merge_reason(merged));
    }
    tx.execute(
        "UPDATE articles SET story_id = ?, story_reason = ? WHERE id = ?",
        params![story_id, reason, id],
    )?;
    if !a.provenance.is_republication() {
        adopt_republications(tx, id, story_id, a)?;
        for (copy, sim) in &detected.adopt {
            for old in syndication::link(tx, *copy, id, story_id, sim)? {
                refresh_story(tx, old)?;
            }
        }
    }
    Ok(story_id)
}

fn story_of(tx: &mut dyn Exec, id: i64) -> Result<Option<i64>, StoreError> {
    tx.query_opt("SELECT story_id FROM articles WHERE id = ?", params![id])?
        .and_then(|r| r.opt_i64(0).transpose())
        .transpose()
}

/// "republication of “Title” (Outlet)" for the story page.
fn republication_reason(tx: &mut dyn Exec, original_id: i64) -> Result<String, StoreError> {
    let r = tx.query_one(
        "SELECT a.title, o.name FROM articles a JOIN outlets o ON o.id = a.outlet_id WHERE a.id = ?",
        params![original_id],
    )?;
    Ok(format!(
        "republication of “{}” ({})",
        r.text(0)?,
        r.text(1)?
    ))
}

/// Names an outlet may be cited by in a republication note: its domain and its name.
fn outlet_matches_sql() -> &'static str {
    "(o.domain = ? OR o.slug = ?)"
}

fn cited_outlet(p: &Provenance) -> Option<(String, String)> {
    let cited = p.original_outlet.as_deref().or(p.original_url.as_deref())?;
    let host = cited
        .split("://")
        .last()
        .unwrap_or(cited)
        .split('/')
        .next()
        .unwrap_or(cited);
    Some((normalize_domain(host), slugify(cited)))
}

const MATCH_WINDOW_SECS: i64 = 14 * 86_400;

/// The stored article a republication note points to: a piece of the cited outlet, published
/// around the cited time, with the same title or text. It may be a republication itself (a copy
/// of a copy): the note is followed as written, and the chain shows on the article's page.
fn find_original(tx: &mut dyn Exec, a: &Article) -> Result<Option<(i64, i64)>, StoreError> {
    let Some((domain, slug)) = cited_outlet(&a.provenance) else {
        return Ok(None);
    };
    let anchor = a
        .provenance
        .original_published_at
        .or(a.published_at)
        .map_or_else(now, |t| t.timestamp());
    let rows = tx.query(
        &format!(
            "SELECT a.id, a.story_id, a.title, a.text FROM articles a JOIN outlets o ON o.id = a.outlet_id
             WHERE {} AND a.story_id IS NOT NULL AND a.published_at BETWEEN ? AND ?
             ORDER BY a.published_at LIMIT 50",
            outlet_matches_sql()
        ),
        params![domain, slug, anchor - MATCH_WINDOW_SECS, anchor + 2 * 86_400],
    )?;
    for r in &rows {
        if same_piece(&a.title, &a.text, &r.text(2)?, &r.text(3)?) {
            return Ok(Some((r.i64(0)?, r.i64(1)?)));
        }
    }
    Ok(None)
}

/// An original arriving after its copies: link each matching republication to it and move it
/// into the original's story (dropping the story of one it had).
fn adopt_republications(
    tx: &mut dyn Exec,
    id: i64,
    story_id: i64,
    a: &Article,
) -> Result<(), StoreError> {
    let outlet = tx.query_one(
        "SELECT o.domain, o.slug FROM articles a JOIN outlets o ON o.id = a.outlet_id WHERE a.id = ?",
        params![id],
    )?;
    let domain = outlet.opt_text(0)?.unwrap_or_default();
    let slug = outlet.text(1)?;
    let published = a.published_at.map_or_else(now, |t| t.timestamp());
    let rows = tx.query(
        "SELECT a.id, a.story_id, a.title, a.text, a.original_outlet, a.original_url FROM articles a
         WHERE a.original_outlet IS NOT NULL AND a.original_article_id IS NULL AND a.id <> ?
           AND a.published_at BETWEEN ? AND ?",
        params![id, published - 2 * 86_400, published + MATCH_WINDOW_SECS],
    )?;
    for r in &rows {
        let cited = Provenance {
            original_outlet: r.opt_text(4)?,
            original_url: r.opt_text(5)?,
            original_published_at: None,
        };
        let Some((cited_domain, cited_slug)) = cited_outlet(&cited) else {
            continue;
        };
        let cites_us = (!domain.is_empty() && cited_domain == domain) || cited_slug == slug;
        if cites_us && same_piece(&a.title, &a.text, &r.text(2)?, &r.text(3)?) {
            let copy_id = r.i64(0)?;
            let old_story = r.opt_i64(1)?;
            let reason = republication_reason(tx, id)?;
            tx.execute(
                "UPDATE articles SET original_article_id = ?, story_id = ?, story_reason = ? WHERE id = ?",
                params![id, story_id, reason, copy_id],
            )?;
            if let Some(old) = old_story {
                refresh_story(tx, old)?;
            }
        }
    }
    Ok(())
}

/// Whether two texts are the same piece, allowing a new headline, trimmed paragraphs or added
/// boilerplate: the shorter text's word trigrams mostly occur in the longer one.
fn same_piece(title_a: &str, text_a: &str, title_b: &str, text_b: &str) -> bool {
    fn trigrams(t: &str) -> HashSet<[String; 3]> {
        let words: Vec<String> = t
            .split_whitespace()
            .map(|w| {
                w.trim_matches(|c: char| !c.is_alphanumeric())
                    .to_lowercase()
            })
            .filter(|w| !w.is_empty())
            .collect();
        words
            .windows(3)
            .map(|w| [w[0].clone(), w[1].clone(), w[2].clone()])
            .collect()
    }
    let (a, b) = (trigrams(text_a), trigrams(text_b));
    let smaller = a.len().min(b.len());
    if smaller < 8 {
        return slugify(title_a) == slugify(title_b);
    }
    let shared = a.intersection(&b).count();
    shared as f64 / smaller as f64 >= 0.6
}

/// Recomputes a story's counts, first article and headline; deletes it when empty. Returns its
/// article count.
pub(crate) fn refresh_story(tx: &mut dyn Exec, story_id: i64) -> Result<usize, StoreError> {
    let first = tx.query_opt(
        "SELECT id, outlet_id, title FROM articles WHERE story_id = ?
         ORDER BY CASE WHEN original_outlet IS NULL THEN 0 ELSE 1 END, published_at, id LIMIT 1",
        params![story_id],
    )?;
    let Some(first) = first else {
        // Explicitly, though the foreign key cascades: SQLite enforces it only when asked to.
        tx.execute(
            "DELETE FROM story_terms WHERE story_id = ?",
            params![story_id],
        )?;
        tx.execute("DELETE FROM stories WHERE id = ?", params![story_id])?;
        return Ok(0);
    };
    let count = tx.query_opt(
        "UPDATE stories SET
             headline = ?, first_article_id = ?, first_outlet_id = ?,
             article_count = (SELECT COUNT(*) FROM articles WHERE story_id = ?),
             outlet_count = (SELECT COUNT(DISTINCT outlet_id) FROM articles WHERE story_id = ?),
             first_seen_at = (SELECT MIN(published_at) FROM articles WHERE story_id = ?),
             last_updated_at = (SELECT MAX(published_at) FROM articles WHERE story_id = ?)
         WHERE id = ? RETURNING article_count",
        params![
            first.text(2)?,
            first.i64(0)?,
            first.i64(1)?,
            story_id,
            story_id,
            story_id,
            story_id,
            story_id
        ],
    )?;
    Ok(match count {
        Some(r) => usize::try_from(r.i64(0)?).unwrap_or(0),
        None => 0,
    })
}

const ARTICLE_COLUMNS: &str = "a.id, a.url, a.title, a.authors_json, a.outlet_id, a.published_at, \
     a.updated_at, a.section, a.language, a.summary, a.text, a.html, a.word_count, a.image_url, \
     a.original_outlet, a.original_url, a.original_published_at, \
     a.views_imported + a.views_counted, \
     a.comments_imported + (SELECT COUNT(*) FROM comments c WHERE c.article_id = a.id AND c.status = 'visible'), \
     a.story_id, a.original_article_id, a.original_similarity, a.metadata_sources_json, a.guid";

fn load_article(c: &mut dyn Exec, id: i64) -> Result<Option<StoredArticle>, StoreError> {
    let Some(r) = c.query_opt(
        &format!("SELECT {ARTICLE_COLUMNS} FROM articles a WHERE a.id = ?"),
        params![id],
    )?
    else {
        return Ok(None);
    };
    let outlet = outlet_by_id(c, r.i64(4)?)?;
    let mut article = article_from_row(&r, &outlet)?;
    article.tags = c
        .query(
            "SELECT tag FROM article_tags WHERE article_id = ? ORDER BY position",
            params![id],
        )?
        .iter()
        .map(|r| r.text(0))
        .collect::<Result<_, _>>()?;
    article.entities = load_entities(c, id)?;
    article.quotes = load_quotes(c, id)?;
    let original_article_id = r.opt_i64(20)?;
    let detected_original = match (original_article_id, r.0.get(21)) {
        (Some(original), Some(sim)) if *sim != Value::Null => c
            .query_opt(
                "SELECT o.name, o.slug FROM articles a JOIN outlets o ON o.id = a.outlet_id
                 WHERE a.id = ?",
                params![original],
            )?
            .map(|o| {
                Ok::<_, StoreError>(DetectedOriginal {
                    outlet: o.text(0)?,
                    outlet_slug: o.text(1)?,
                    similarity: r.f64(21)?,
                })
            })
            .transpose()?,
        _ => None,
    };
    let chain = provenance_chain(c, id, original_article_id)?;
    let copies = c
        .query(
            &format!(
                "SELECT a.id, o.name, o.slug FROM articles a JOIN outlets o ON o.id = a.outlet_id
                 WHERE a.original_article_id = ? ORDER BY a.published_at, a.id LIMIT {COPIES_SHOWN}"
            ),
            params![id],
        )?
        .iter()
        .map(Republication::from_row)
        .collect::<Result<Vec<_>, StoreError>>()?;
    let copy_count = if copies.len() < COPIES_SHOWN {
        copies.len() as i64
    } else {
        c.query_one(
            "SELECT COUNT(*) FROM articles WHERE original_article_id = ?",
            params![id],
        )?
        .i64(0)?
    };
    Ok(Some(StoredArticle {
        article,
        outlet,
        original_article_id,
        detected_original,
        copies,
        copy_count,
        chain,
    }))
}

/// The originals beyond article `id`'s own original (`original`): whom that one republished,
/// and so on, stopping at [`CHAIN_HOPS`] or at a link back into the chain.
fn provenance_chain(
    c: &mut dyn Exec,
    id: i64,
    original: Option<i64>,
) -> Result<Vec<Republication>, StoreError> {
    let mut seen = vec![id];
    let mut chain = Vec::new();
    let mut next = original;
    while let Some(current) = next.filter(|n| !seen.contains(n)) {
        seen.push(current);
        let Some(row) = c.query_opt(
            "SELECT oa.id, o.name, o.slug FROM articles a
             JOIN articles oa ON oa.id = a.original_article_id
             JOIN outlets o ON o.id = oa.outlet_id WHERE a.id = ?",
            params![current],
        )?
        else {
            break;
        };
        let link = Republication::from_row(&row)?;
        if chain.len() >= CHAIN_HOPS || seen.contains(&link.id) {
            break;
        }
        next = Some(link.id);
        chain.push(link);
    }
    Ok(chain)
}

fn article_from_row(r: &Row, outlet: &Outlet) -> Result<Article, StoreError> {
    let authors: Vec<String> = serde_json::from_str(&r.text(3)?)
        .map_err(|e| StoreError::Decode(format!("authors_json: {e}")))?;
    Ok(Article {
        id: Some(r.i64(0)?),
        url: r.opt_text(1)?,
        title: r.text(2)?,
        authors,
        outlet: OutletRef {
            name: outlet.name.clone(),
            domain: outlet.domain.clone(),
        },
        published_at: from_ts(r.opt_i64(5)?),
        updated_at: from_ts(r.opt_i64(6)?),
        section: r.opt_text(7)?,
        tags: Vec::new(),
        language: r.opt_text(8)?,
        summary: r.opt_text(9)?,
        text: r.text(10)?,
        html: r.text(11)?,
        word_count: u32::try_from(r.i64(12)?).unwrap_or(0),
        image_url: r.opt_text(13)?,
        provenance: Provenance {
            original_outlet: r.opt_text(14)?,
            original_url: r.opt_text(15)?,
            original_published_at: from_ts(r.opt_i64(16)?),
        },
        engagement: Engagement {
            views: r.i64(17)?,
            comments: r.i64(18)?,
        },
        story_id: r.opt_i64(19)?,
        entities: Vec::new(),
        quotes: Vec::new(),
        metadata_sources: serde_json::from_str(&r.text(22)?)
            .map_err(|e| StoreError::Decode(format!("metadata_sources_json: {e}")))?,
        guid: r.opt_text(23)?,
    })
}

fn load_entities(c: &mut dyn Exec, id: i64) -> Result<Vec<EntityMention>, StoreError> {
    let mut aliases: Vec<(i64, String)> = c
        .query(
            "SELECT a.entity_id, a.alias FROM article_entities ae
             JOIN entity_aliases a ON a.entity_id = ae.entity_id
             WHERE ae.article_id = ? ORDER BY a.alias",
            params![id],
        )?
        .iter()
        .map(|r| Ok((r.i64(0)?, r.text(1)?)))
        .collect::<Result<_, StoreError>>()?;
    c.query(
        "SELECT e.name, e.kind, ae.mentions, e.id FROM article_entities ae
         JOIN entities e ON e.id = ae.entity_id
         WHERE ae.article_id = ? ORDER BY ae.mentions DESC, e.name",
        params![id],
    )?
    .iter()
    .map(|r| {
        let kind = r.text(1)?;
        let entity = r.i64(3)?;
        Ok(EntityMention {
            name: r.text(0)?,
            kind: EntityKind::parse(&kind)
                .ok_or_else(|| StoreError::Decode(format!("entity kind {kind:?}")))?,
            mentions: u32::try_from(r.i64(2)?).unwrap_or(0),
            aliases: aliases
                .extract_if(.., |(e, _)| *e == entity)
                .map(|(_, alias)| alias)
                .collect(),
        })
    })
    .collect()
}

fn load_quotes(c: &mut dyn Exec, id: i64) -> Result<Vec<Quote>, StoreError> {
    c.query(
        "SELECT speaker, text, verb FROM quotes WHERE article_id = ? ORDER BY position",
        params![id],
    )?
    .iter()
    .map(|r| {
        Ok(Quote {
            speaker: r.opt_text(0)?,
            text: r.text(1)?,
            verb: r.opt_text(2)?,
        })
    })
    .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn same_piece_tolerates_new_headline_and_trimmed_paragraph() {
        let body = "The port authority said on Tuesday that the strike had ended after nine days of \
                    talks between the union and the shipping companies in the capital.";
        let extra = " Officials expect the backlog of containers to clear within two weeks.";
        assert!(same_piece("A", &format!("{body}{extra}"), "B", body));
        assert!(!same_piece(
            "A",
            body,
            "B",
            "A football club won the national cup final on Sunday evening in front of forty thousand fans."
        ));
    }
}

#[cfg(test)]
mod interruption_tests {
    use super::*;
    use crate::testing::TestDatabase;

    /// An import that fails after the article row is written leaves nothing behind.
    #[test]
    fn an_interrupted_upsert_leaves_nothing() {
        for db in TestDatabase::all() {
            let store = db.open().unwrap();
            let a = Article {
                title: "Half".into(),
                outlet: OutletRef {
                    name: "Somewhere".into(),
                    domain: None,
                },
                text: "Body text here.".into(),
                tags: vec!["x".into()],
                ..Article::default()
            };
            let result: Result<(), StoreError> = store.write(|tx| {
                upsert_article(tx, &a, None)?;
                Err(StoreError::Invalid("interrupted".into()))
            });
            assert!(result.is_err());
            assert_eq!(store.article_count().unwrap(), 0, "{}", db.name());
            assert!(store.outlets().unwrap().is_empty(), "{}", db.name());
            let stories = store
                .read(|c| c.query_one("SELECT COUNT(*) FROM stories", &[])?.i64(0))
                .unwrap();
            assert_eq!(stories, 0, "{}", db.name());
        }
    }
}

impl Store {
    /// Stores many articles in one transaction (bulk loads, benchmarks): all or none.
    pub fn upsert_articles(&self, articles: &[Article]) -> Result<Vec<UpsertOutcome>, StoreError> {
        for a in articles {
            validate(a)?;
        }
        self.write(|tx| {
            articles
                .iter()
                .map(|a| upsert_article(tx, a, None))
                .collect()
        })
    }
}
