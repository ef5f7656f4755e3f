//! The article as every stage sees it, serialised exactly as SPEC.md's Article JSON: absent values
//! are `null` or `[]`, never missing keys.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// One published piece at one URL (or one imported page), with everything the pipeline learnt.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Article {
    /// Store id; `None` until stored (e.g. `tidings extract`).
    pub id: Option<i64>,
    /// Canonical URL of the article, when it has one.
    pub url: Option<String>,
    /// The feed's own identifier for the entry (RSS `guid`, Atom `id`), unique within its
    /// outlet: the same entry under a changed link is still the same article.
    #[serde(default)]
    pub guid: Option<String>,
    pub title: String,
    pub authors: Vec<String>,
    pub outlet: OutletRef,
    pub published_at: Option<DateTime<Utc>>,
    pub updated_at: Option<DateTime<Utc>>,
    pub section: Option<String>,
    pub tags: Vec<String>,
    /// BCP 47 primary language tag ("en"), when known.
    pub language: Option<String>,
    pub summary: Option<String>,
    /// Plain text; paragraphs separated by one blank line.
    pub text: String,
    /// Sanitized HTML of the body.
    pub html: String,
    pub word_count: u32,
    pub image_url: Option<String>,
    pub provenance: Provenance,
    pub engagement: Engagement,
    pub story_id: Option<i64>,
    pub entities: Vec<EntityMention>,
    pub quotes: Vec<Quote>,
    /// For an article extracted from a page: where each metadata field came from (`"title":
    /// "json-ld"`, `"published_at": "dateline"`, …). Sources are tried most specific first
    /// (JSON-LD, microdata, OpenGraph, Twitter card, other `<meta>`, then what the page shows),
    /// so when they disagree this names the one that won. Empty for feed entries.
    #[serde(default)]
    pub metadata_sources: std::collections::BTreeMap<String, String>,
}

impl Article {
    /// The body paragraphs of [`Article::text`].
    pub fn paragraphs(&self) -> impl Iterator<Item = &str> {
        self.text
            .split("\n\n")
            .map(str::trim)
            .filter(|p| !p.is_empty())
    }

    /// Counts words the way readers do: runs of characters separated by whitespace.
    pub fn count_words(text: &str) -> u32 {
        u32::try_from(text.split_whitespace().count()).unwrap_or(u32::MAX)
    }

    /// The first paragraphs of the body up to roughly `max_words` words, cut at a paragraph edge.
    pub fn excerpt(&self, max_words: usize) -> Vec<&str> {
        let mut out = Vec::new();
        let mut words = 0;
        for p in self.paragraphs() {
            if words >= max_words && !out.is_empty() {
                break;
            }
            words += p.split_whitespace().count();
            out.push(p);
        }
        out
    }
}

/// The publisher an article belongs to, as the article names it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct OutletRef {
    pub name: String,
    /// Home domain without `www.`, when known.
    pub domain: Option<String>,
}

/// Where a republished article first appeared.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Provenance {
    /// Name or domain of the original publisher, as the republication note gives it.
    pub original_outlet: Option<String>,
    pub original_url: Option<String>,
    pub original_published_at: Option<DateTime<Utc>>,
}

impl Provenance {
    pub fn is_republication(&self) -> bool {
        self.original_outlet.is_some() || self.original_url.is_some()
    }
}

/// Reader engagement: imported counters plus what tidings counted itself.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Engagement {
    pub views: i64,
    pub comments: i64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum EntityKind {
    Person,
    Organization,
    Place,
}

impl EntityKind {
    pub fn as_str(self) -> &'static str {
        match self {
            EntityKind::Person => "person",
            EntityKind::Organization => "organization",
            EntityKind::Place => "place",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "person" => Some(EntityKind::Person),
            "organization" => Some(EntityKind::Organization),
            "place" => Some(EntityKind::Place),
            _ => None,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EntityMention {
    pub name: String,
    pub kind: EntityKind,
    pub mentions: u32,
    /// Other names the article uses for it ("Waltz", "ANCA"); stored as the entity's aliases.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub aliases: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Quote {
    pub speaker: Option<String>,
    pub text: String,
    pub verb: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_has_every_contract_key_even_when_empty() {
        let json = serde_json::to_value(Article::default()).unwrap();
        for key in [
            "id",
            "url",
            "title",
            "authors",
            "outlet",
            "published_at",
            "section",
            "tags",
            "language",
            "summary",
            "text",
            "word_count",
            "image_url",
            "provenance",
            "engagement",
            "story_id",
            "entities",
            "quotes",
        ] {
            assert!(json.get(key).is_some(), "missing key {key}");
        }
        for key in ["original_outlet", "original_url", "original_published_at"] {
            assert!(
                json["provenance"].get(key).is_some(),
                "missing provenance.{key}"
            );
        }
        assert!(json["outlet"].get("domain").is_some());
        assert_eq!(json["authors"], serde_json::json!([]));
        assert_eq!(json["published_at"], serde_json::Value::Null);
    }

    #[test]
    fn excerpt_stops_at_a_paragraph_edge() {
        let a = Article {
            text: "one two three\n\nfour five\n\nsix".into(),
            ..Article::default()
        };
        assert_eq!(a.excerpt(3), vec!["one two three"]);
        assert_eq!(a.excerpt(4), vec!["one two three", "four five"]);
        assert_eq!(a.paragraphs().count(), 3);
    }
}
