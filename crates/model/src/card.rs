//! The short form of an article that lists, rankings and feeds work with.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// What a story card or ranking needs to know about one article — no body text.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ArticleCard {
    pub id: i64,
    pub story_id: i64,
    pub title: String,
    /// The article at its outlet, when known.
    pub url: Option<String>,
    pub authors: Vec<String>,
    pub outlet_name: String,
    pub outlet_slug: String,
    pub section: Option<String>,
    pub published_at: DateTime<Utc>,
    pub summary: Option<String>,
    pub views: i64,
    pub comments: i64,
    /// True when the article carries a republication note (it is someone else's reporting).
    pub is_republication: bool,
}
