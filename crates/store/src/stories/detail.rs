//! A story read back for its page: the story row, its articles and the entities they name.

use super::merge::redirect;
use crate::sql::Exec;
use crate::{Store, StoreError, params};
use tidings_model::EntityKind;

/// Articles of a story read at once: a page of its coverage.
pub const STORY_PAGE_SIZE: usize = 100;

/// A story for its page: the story row, one page of its articles and the entities they name.
#[derive(Debug, Clone, serde::Serialize)]
pub struct StoryDetail {
    pub id: i64,
    pub headline: String,
    pub first_seen_at: i64,
    pub last_updated_at: i64,
    pub article_count: i64,
    pub outlet_count: i64,
    pub first_outlet: Option<String>,
    pub first_outlet_slug: Option<String>,
    /// Oldest first: page `page` of `pages`, at most [`STORY_PAGE_SIZE`] articles.
    pub articles: Vec<StoryArticle>,
    /// 1-based.
    pub page: usize,
    pub pages: usize,
    /// When each of the story's articles was published, oldest first (for its timeline).
    #[serde(skip)]
    pub published: Vec<i64>,
    /// Most articles first.
    pub entities: Vec<StoryEntity>,
    /// The story this one left when that story was reviewed.
    pub split_from: Option<StoryLink>,
    /// Stories that left this one when it was reviewed, oldest first.
    pub split_into: Vec<StoryLink>,
}

/// Another story, as a link to it.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct StoryLink {
    pub id: i64,
    pub headline: String,
}

#[derive(Debug, Clone, serde::Serialize)]
pub struct StoryArticle {
    pub id: i64,
    pub title: String,
    pub url: Option<String>,
    pub outlet: String,
    pub outlet_slug: String,
    pub published_at: i64,
    /// The stored original when this article is a republication of one.
    pub original_article_id: Option<i64>,
    /// The original publisher when it is a republication: the stored original's outlet, else
    /// the outlet the republication names.
    pub original_outlet: Option<String>,
    /// Why it is in the story (absent for articles stored before clustering).
    pub reason: Option<String>,
}

#[derive(Debug, Clone, serde::Serialize)]
pub struct StoryEntity {
    pub name: String,
    pub slug: String,
    pub kind: EntityKind,
    /// Articles of the story naming it.
    pub articles: i64,
}

impl Store {
    /// One story with page `page` (1-based) of its articles and its entities; None when there is
    /// no such story.
    pub fn story(&self, id: i64, page: usize) -> Result<Option<StoryDetail>, StoreError> {
        self.read(|c| load_story(c, id, page.max(1)))
    }

    /// The story a merged story `id` went into (None when `id` was never merged).
    pub fn story_redirect(&self, id: i64) -> Result<Option<i64>, StoreError> {
        self.read(|c| redirect(c, id))
    }
}

fn load_story(c: &mut dyn Exec, id: i64, page: usize) -> Result<Option<StoryDetail>, StoreError> {
    let Some(s) = c.query_opt(
        "SELECT s.id, s.headline, s.first_seen_at, s.last_updated_at, s.article_count,
                s.outlet_count, o.name, o.slug, p.id, p.headline
         FROM stories s LEFT JOIN outlets o ON o.id = s.first_outlet_id
         LEFT JOIN stories p ON p.id = s.split_from WHERE s.id = ?",
        params![id],
    )?
    else {
        return Ok(None);
    };
    let published = c
        .query(
            "SELECT published_at FROM articles WHERE story_id = ? ORDER BY published_at",
            params![id],
        )?
        .iter()
        .map(|r| r.i64(0))
        .collect::<Result<Vec<_>, StoreError>>()?;
    let offset = i64::try_from((page - 1).saturating_mul(STORY_PAGE_SIZE)).unwrap_or(i64::MAX);
    let articles = c
        .query(
            "SELECT a.id, a.title, a.url, o.name, o.slug, a.published_at, a.original_article_id,
                    COALESCE(oo.name, a.original_outlet), a.story_reason
             FROM articles a JOIN outlets o ON o.id = a.outlet_id
             LEFT JOIN articles oa ON oa.id = a.original_article_id
             LEFT JOIN outlets oo ON oo.id = oa.outlet_id
             WHERE a.story_id = ? ORDER BY a.published_at, a.id LIMIT ? OFFSET ?",
            params![id, STORY_PAGE_SIZE as i64, offset],
        )?
        .iter()
        .map(|r| {
            Ok(StoryArticle {
                id: r.i64(0)?,
                title: r.text(1)?,
                url: r.opt_text(2)?,
                outlet: r.text(3)?,
                outlet_slug: r.text(4)?,
                published_at: r.i64(5)?,
                original_article_id: r.opt_i64(6)?,
                original_outlet: r.opt_text(7)?,
                reason: r.opt_text(8)?,
            })
        })
        .collect::<Result<Vec<_>, StoreError>>()?;
    // Merged entities are shown as the entity they were merged into.
    let entities = c
        .query(
            "SELECT e.name, e.slug, e.kind, COUNT(DISTINCT ae.article_id)
             FROM article_entities ae JOIN articles a ON a.id = ae.article_id
             JOIN entities m ON m.id = ae.entity_id
             JOIN entities e ON e.id = COALESCE(m.merged_into, m.id)
             WHERE a.story_id = ?
             GROUP BY e.id, e.name, e.slug, e.kind
             ORDER BY COUNT(DISTINCT ae.article_id) DESC, e.name LIMIT 40",
            params![id],
        )?
        .iter()
        .map(|r| {
            let kind = r.text(2)?;
            Ok(StoryEntity {
                name: r.text(0)?,
                slug: r.text(1)?,
                kind: EntityKind::parse(&kind)
                    .ok_or_else(|| StoreError::Decode(format!("entity kind {kind:?}")))?,
                articles: r.i64(3)?,
            })
        })
        .collect::<Result<Vec<_>, StoreError>>()?;
    let split_into = c
        .query(
            "SELECT id, headline FROM stories WHERE split_from = ? ORDER BY id",
            params![id],
        )?
        .iter()
        .map(|r| {
            Ok(StoryLink {
                id: r.i64(0)?,
                headline: r.text(1)?,
            })
        })
        .collect::<Result<Vec<_>, StoreError>>()?;
    let split_from = match s.opt_i64(8)? {
        Some(id) => Some(StoryLink {
            id,
            headline: s.text(9)?,
        }),
        None => None,
    };
    Ok(Some(StoryDetail {
        id: s.i64(0)?,
        headline: s.text(1)?,
        first_seen_at: s.i64(2)?,
        last_updated_at: s.i64(3)?,
        article_count: s.i64(4)?,
        outlet_count: s.i64(5)?,
        first_outlet: s.opt_text(6)?,
        first_outlet_slug: s.opt_text(7)?,
        articles,
        page,
        pages: published.len().div_ceil(STORY_PAGE_SIZE).max(1),
        published,
        entities,
        split_from,
        split_into,
    }))
}
