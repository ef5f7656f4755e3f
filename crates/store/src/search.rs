//! Full-text search, the same results shape on both databases: SQLite FTS5 (bm25) and
//! PostgreSQL tsvector (ts_rank_cd), each weighted by recency, filtered, with a snippet.

use crate::search_query::ParsedQuery;
use crate::sql::{Dialect, Value};
use crate::weeks::{CARD_COLUMN_COUNT, CARD_COLUMNS, card_from_row};
use crate::{Store, StoreError};
use chrono::NaiveDate;
use serde::Serialize;
use tidings_model::ArticleCard;

/// Marks around highlighted words in [`SearchHit::snippet`]; control characters never occur
/// in stored text, so they cannot be forged by an article.
pub const MARK_START: char = '\u{2}';
pub const MARK_END: char = '\u{3}';

/// How many days halve the weight of an old article.
const RECENCY_HALF_LIFE_DAYS: f64 = 60.0;
pub const MAX_LIMIT: usize = 100;

#[derive(Debug, Clone, Default)]
pub struct SearchQuery {
    pub text: String,
    pub outlet: Option<String>,
    pub section: Option<String>,
    pub entity: Option<String>,
    pub language: Option<String>,
    pub from: Option<NaiveDate>,
    pub to: Option<NaiveDate>,
    pub limit: usize,
    pub offset: usize,
}

#[derive(Debug, Clone, Serialize)]
pub struct SearchHit {
    pub article: ArticleCard,
    /// Plain text with highlighted words between [`MARK_START`] and [`MARK_END`].
    pub snippet: String,
    pub score: f64,
}

impl Store {
    /// Articles matching `q`, best first. Malformed input never errors: it is reduced to the
    /// words it contains, and an empty query finds nothing.
    pub fn search(&self, q: &SearchQuery) -> Result<Vec<SearchHit>, StoreError> {
        let parsed = ParsedQuery::parse(&q.text);
        if parsed.is_empty() {
            return Ok(Vec::new());
        }
        let limit = q.limit.clamp(1, MAX_LIMIT) as i64;
        let offset = q.offset.min(10_000) as i64;
        let now = crate::now() as f64;
        let (filters, mut args) = filters(q);
        let sql = match self.dialect() {
            Dialect::Sqlite => format!(
                "SELECT {CARD_COLUMNS},
                    snippet(articles_fts, 1, char(2), char(3), '…', 32),
                    -bm25(articles_fts, 4.0, 1.0) / (1.0 + (? - a.published_at) / 86400.0 / {RECENCY_HALF_LIFE_DAYS}) AS score
                 FROM articles_fts JOIN articles a ON a.id = articles_fts.rowid
                 JOIN outlets o ON o.id = a.outlet_id
                 WHERE articles_fts MATCH ? {filters}
                 ORDER BY score DESC, a.id DESC LIMIT ? OFFSET ?"
            ),
            Dialect::Postgres => format!(
                "SELECT {CARD_COLUMNS},
                    ts_headline('english', a.text, q, 'StartSel=\"' || chr(2) || '\", StopSel=\"' || chr(3) || '\", MaxWords=32, MinWords=12, ShortWord=2, MaxFragments=1, FragmentDelimiter=\" … \"'),
                    ts_rank_cd(a.search_vector, q) / (1.0 + (? - a.published_at) / 86400.0 / {RECENCY_HALF_LIFE_DAYS}) AS score
                 FROM articles a JOIN outlets o ON o.id = a.outlet_id,
                      to_tsquery('english', tidings_fold(?)) q
                 WHERE a.search_vector @@ q {filters}
                 ORDER BY score DESC, a.id DESC LIMIT ? OFFSET ?"
            ),
        };
        let query_text = match self.dialect() {
            Dialect::Sqlite => parsed.to_fts5(),
            Dialect::Postgres => parsed.to_tsquery(),
        };
        let mut all: Vec<Value> = vec![now.into(), query_text.into()];
        all.append(&mut args);
        all.push(limit.into());
        all.push(offset.into());
        let n = CARD_COLUMN_COUNT;
        self.read(|c| {
            c.query(&sql, &all)?
                .iter()
                .map(|r| {
                    Ok(SearchHit {
                        article: card_from_row(r)?,
                        snippet: clean_snippet(&r.opt_text(n)?.unwrap_or_default()),
                        score: r.f64(n + 1)?,
                    })
                })
                .collect()
        })
    }
}

fn filters(q: &SearchQuery) -> (String, Vec<Value>) {
    let mut sql = String::new();
    let mut args: Vec<Value> = Vec::new();
    let mut add = |clause: &str, v: Value| {
        sql.push_str(" AND ");
        sql.push_str(clause);
        args.push(v);
    };
    if let Some(o) = &q.outlet {
        add("o.slug = ?", o.into());
    }
    if let Some(s) = &q.section {
        add("a.section_slug = ?", s.into());
    }
    if let Some(l) = &q.language {
        add("a.language = ?", l.into());
    }
    if let Some(e) = &q.entity {
        add(
            "a.id IN (SELECT ae.article_id FROM article_entities ae JOIN entities e ON e.id = ae.entity_id WHERE e.slug = ?)",
            e.into(),
        );
    }
    if let Some(from) = q.from.and_then(|d| d.and_hms_opt(0, 0, 0)) {
        add("a.published_at >= ?", from.and_utc().timestamp().into());
    }
    if let Some(to) =
        q.to.and_then(|d| d.succ_opt())
            .and_then(|d| d.and_hms_opt(0, 0, 0))
    {
        add("a.published_at < ?", to.and_utc().timestamp().into());
    }
    (sql, args)
}

/// Collapses whitespace in a snippet; paragraphs read as one run of text in a result list.
fn clean_snippet(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Renders a snippet as HTML: text escaped, highlights in `<mark>`.
pub fn snippet_html(snippet: &str) -> String {
    let mut out = String::with_capacity(snippet.len() + 32);
    for c in snippet.chars() {
        match c {
            MARK_START => out.push_str("<mark>"),
            MARK_END => out.push_str("</mark>"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '&' => out.push_str("&amp;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}
