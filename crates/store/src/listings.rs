//! Article listings for browsing pages and output feeds: an outlet's, a section's, a tag's or
//! everything, newest first, paged by a cursor so deep pages cost what the first one does.

use crate::sql::Value;
use crate::weeks::{CARD_COLUMNS, card_from_row};
use crate::{Store, StoreError};
use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;
use tidings_model::ArticleCard;

/// Which articles a listing holds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Listing {
    All,
    Outlet(String),
    Section(String),
    Tag(String),
    Entity(String),
}

/// Where a page of a listing starts: strictly older than this (published time, id).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Cursor {
    pub published_at: i64,
    pub id: i64,
}

impl fmt::Display for Cursor {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}.{}", self.published_at, self.id)
    }
}

impl FromStr for Cursor {
    type Err = StoreError;
    fn from_str(s: &str) -> Result<Self, StoreError> {
        let bad = || {
            StoreError::Invalid(format!(
                "bad page cursor {:?}",
                s.chars().take(40).collect::<String>()
            ))
        };
        let (t, id) = s.split_once('.').ok_or_else(bad)?;
        Ok(Cursor {
            published_at: t.parse().map_err(|_| bad())?,
            id: id.parse().map_err(|_| bad())?,
        })
    }
}

/// One page of a listing and the cursor of the next, if there is one.
#[derive(Debug, Clone, Serialize)]
pub struct Page {
    pub articles: Vec<ArticleCard>,
    pub next: Option<Cursor>,
}

pub const MAX_PAGE: usize = 100;

impl Store {
    pub fn list(
        &self,
        listing: &Listing,
        after: Option<Cursor>,
        limit: usize,
    ) -> Result<Page, StoreError> {
        let limit = limit.clamp(1, MAX_PAGE);
        let (filter, mut args): (&str, Vec<Value>) = match listing {
            Listing::All => ("1 = 1", vec![]),
            Listing::Outlet(slug) => ("o.slug = ?", vec![slug.into()]),
            Listing::Section(slug) => ("a.section_slug = ?", vec![slug.into()]),
            Listing::Tag(slug) => (
                "a.id IN (SELECT article_id FROM article_tags WHERE slug = ?)",
                vec![slug.into()],
            ),
            Listing::Entity(slug) => (
                "a.id IN (SELECT ae.article_id FROM article_entities ae JOIN entities e ON e.id = ae.entity_id WHERE e.slug = ?)",
                vec![slug.into()],
            ),
        };
        let page_filter = match after {
            Some(c) => {
                args.push(c.published_at.into());
                args.push(c.published_at.into());
                args.push(c.id.into());
                " AND (a.published_at < ? OR (a.published_at = ? AND a.id < ?))"
            }
            None => "",
        };
        // One more than the page, to know whether another follows (a literal: see `crate::sql`).
        let sql = format!(
            "SELECT {CARD_COLUMNS} FROM articles a JOIN outlets o ON o.id = a.outlet_id
             WHERE {filter}{page_filter}
             ORDER BY a.published_at DESC, a.id DESC LIMIT {}",
            limit + 1
        );
        let mut articles = self.read(|c| {
            c.query(&sql, &args)?
                .iter()
                .map(card_from_row)
                .collect::<Result<Vec<_>, _>>()
        })?;
        let next = if articles.len() > limit {
            articles.truncate(limit);
            articles.last().map(|a| Cursor {
                published_at: a.published_at.timestamp(),
                id: a.id,
            })
        } else {
            None
        };
        Ok(Page { articles, next })
    }

    /// The display name of a section or tag slug, as the newest article writes it.
    pub fn label_of(&self, listing: &Listing) -> Result<Option<String>, StoreError> {
        let (sql, slug) = match listing {
            Listing::Section(s) => (
                "SELECT section FROM articles WHERE section_slug = ? ORDER BY published_at DESC LIMIT 1",
                s,
            ),
            Listing::Tag(s) => ("SELECT tag FROM article_tags WHERE slug = ? LIMIT 1", s),
            Listing::Entity(s) => ("SELECT name FROM entities WHERE slug = ?", s),
            Listing::Outlet(s) => ("SELECT name FROM outlets WHERE slug = ?", s),
            Listing::All => return Ok(None),
        };
        self.read(|c| {
            c.query_opt(sql, &[slug.into()])?
                .map(|r| r.text(0))
                .transpose()
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cursors_round_trip_and_reject_junk() {
        let c = Cursor {
            published_at: 1_700_000_000,
            id: 42,
        };
        assert_eq!(c.to_string().parse::<Cursor>().unwrap(), c);
        for bad in ["", "x", "1.", ".2", "1.2.3", "a.b"] {
            assert!(bad.parse::<Cursor>().is_err(), "{bad}");
        }
    }
}
