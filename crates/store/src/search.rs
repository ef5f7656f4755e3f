//! Full-text search, the same results shape on both databases: SQLite FTS5 (bm25, computed by
//! [`crate::fts_rank`]) and PostgreSQL tsvector (ts_rank), the title weighing 4 to 1 on both,
//! each weighted by recency, filtered, with a snippet made from the text in Rust
//! ([`crate::snippet`]).

use crate::search_query::ParsedQuery;
use crate::snippet::Highlighter;
use crate::sql::{Dialect, Exec, Value};
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
/// Matches scored per search: the newest ones (ids grow with ingestion).
pub const CANDIDATES: usize = 2_000;

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
    ///
    /// Two steps keep the cost bounded however common the words are: the newest
    /// [`CANDIDATES`] matches are scored (relevance × recency), then only the page's hits get
    /// their cards and snippets.
    pub fn search(&self, q: &SearchQuery) -> Result<Vec<SearchHit>, StoreError> {
        let parsed = ParsedQuery::parse(&q.text);
        if parsed.is_empty() {
            return Ok(Vec::new());
        }
        let limit = q.limit.clamp(1, MAX_LIMIT);
        let offset = q.offset.min(CANDIDATES);
        let (filters, args) = filters(q);
        let query_text: Value = match self.dialect() {
            Dialect::Sqlite => parsed.to_fts5(),
            Dialect::Postgres => parsed.to_tsquery(),
        }
        .into();
        let dialect = self.dialect();
        self.read(|c| {
            let mut scored = match dialect {
                Dialect::Sqlite if parsed.has_prefix() => {
                    score_by_field(c, &filters, &query_text, &parsed.to_fts5_in_title(), &args)?
                }
                Dialect::Sqlite => {
                    let idfs = sqlite_idfs(c, &parsed)?;
                    let score_sql = self.search_sql(&filters, idfs.len());
                    score(c, &score_sql, &idfs, &query_text, &args)?
                }
                Dialect::Postgres if parsed.has_prefix() => {
                    score_prefix_on_postgres(c, &filters, &query_text, &args)?
                }
                Dialect::Postgres => self.score_newest_first(c, &filters, &query_text, &args)?,
            };
            scored.sort_by(|a, b| b.1.total_cmp(&a.1).then(b.0.cmp(&a.0)));
            let page: Vec<(i64, f64)> = scored.into_iter().skip(offset).take(limit).collect();
            if page.is_empty() {
                return Ok(Vec::new());
            }
            let marks = vec!["?"; page.len()].join(", ");
            let ids: Vec<Value> = page.iter().map(|(id, _)| Value::from(*id)).collect();
            let rows = c.query(
                &format!(
                    "SELECT {CARD_COLUMNS}, a.text FROM articles a
                     JOIN outlets o ON o.id = a.outlet_id WHERE a.id IN ({marks})"
                ),
                &ids,
            )?;
            let highlighter = Highlighter::new(&parsed);
            let mut hits: Vec<SearchHit> = Vec::with_capacity(page.len());
            for (id, score) in &page {
                if let Some(r) = rows.iter().find(|r| r.i64(0).ok() == Some(*id)) {
                    let text = r.opt_text(CARD_COLUMN_COUNT)?.unwrap_or_default();
                    hits.push(SearchHit {
                        article: card_from_row(r)?,
                        snippet: clean_snippet(&highlighter.snippet(&text)),
                        score: *score,
                    });
                }
            }
            Ok(hits)
        })
    }

    /// PostgreSQL's scoring, in windows of the newest ids that widen until [`CANDIDATES`]
    /// matches are found or the window holds every article. Its GIN index gives matches in no
    /// order, so a single query reads every match's row before keeping the newest: a word in
    /// most articles read the whole table. A window is a range of the primary key and of the
    /// search index's id buckets (migration 0022), which the index intersects with the words
    /// inside one scan. Each next window is sized from the density of matches found so far, so
    /// a rare query reaches the whole table in two steps.
    fn score_newest_first(
        &self,
        c: &mut dyn Exec,
        filters: &str,
        query_text: &Value,
        args: &[Value],
    ) -> Result<Vec<(i64, f64)>, StoreError> {
        let newest = c
            .query_one("SELECT COALESCE(MAX(id), 0) FROM articles", &[])?
            .i64(0)?;
        let mut window = FIRST_WINDOW;
        loop {
            let oldest = newest.saturating_sub(window);
            let mut windowed_args = args.to_vec();
            // Bounded below only: the index would expand `bucket <= n` into every article up
            // to n before intersecting, and the last, unbounded query is the index alone.
            let windowed = if oldest > 0 {
                windowed_args.extend([oldest, oldest / SEARCH_BUCKET_IDS].map(Value::from));
                format!("{filters} AND a.id > ? AND a.id / {SEARCH_BUCKET_IDS} >= ?")
            } else {
                filters.to_owned()
            };
            let score_sql = self.search_sql(&windowed, 0);
            let scored = score(c, &score_sql, &[], query_text, &windowed_args)?;
            if oldest <= 0 || scored.len() >= CANDIDATES {
                return Ok(scored);
            }
            // The window that would hold CANDIDATES at the density found, with a margin.
            window = match scored.len() as i64 {
                0 => window.saturating_mul(8),
                have => (CANDIDATES as i64).saturating_mul(window) / have * 5 / 4,
            }
            .max(window.saturating_mul(2));
        }
    }

    /// The scoring query: the newest matches first, bounded. Limits are literals (see
    /// [`crate::sql`]). On SQLite, `idfs` parameters come first, one per term
    /// ([`sqlite_idfs`]).
    fn search_sql(&self, filters: &str, idfs: usize) -> String {
        let rank = || format!("tidings_rank(articles_fts{})", ", ?".repeat(idfs));
        match self.dialect() {
            // Without filters, publication times come from the narrow `article_times` (see
            // migration 0015): joining the wide `articles` rows cost most of the scoring time.
            Dialect::Sqlite if filters.is_empty() => format!(
                "SELECT t.id, {} / (1.0 + (? - t.published_at) / 86400.0 / {RECENCY_HALF_LIFE_DAYS})
                 FROM articles_fts JOIN article_times t ON t.id = articles_fts.rowid
                 WHERE articles_fts MATCH ?
                 ORDER BY articles_fts.rowid DESC LIMIT {CANDIDATES}"
            ,
                rank()
            ),
            Dialect::Sqlite => format!(
                "SELECT a.id, {} / (1.0 + (? - a.published_at) / 86400.0 / {RECENCY_HALF_LIFE_DAYS})
                 FROM articles_fts JOIN articles a ON a.id = articles_fts.rowid
                 WHERE articles_fts MATCH ? {filters}
                 ORDER BY articles_fts.rowid DESC LIMIT {CANDIDATES}"
            ,
                rank()
            ),
            // The newest matches first, ranked after the limit: ranking every match read (and
            // decompressed) each one's tsvector, two thirds of the query's time for a common
            // word at 50,000 articles.
            Dialect::Postgres => format!(
                "SELECT m.id, {PG_RANK} / (1.0 + (? - m.published_at) / 86400.0 / {RECENCY_HALF_LIFE_DAYS})
                 FROM (SELECT a.id, a.search_vector, a.published_at, q
                       FROM articles a, to_tsquery('english', tidings_fold(?)) q
                       WHERE a.search_vector @@ q {filters}
                       ORDER BY a.id DESC LIMIT {CANDIDATES}) m"
            ),
        }
    }
}

/// Hits of one story together, in the order of the story's best hit.
#[derive(Debug, Serialize)]
pub struct StoryGroup {
    pub story_id: i64,
    pub hits: Vec<SearchHit>,
}

pub fn group_by_story(hits: Vec<SearchHit>) -> Vec<StoryGroup> {
    let mut groups: Vec<StoryGroup> = Vec::new();
    for hit in hits {
        match groups
            .iter_mut()
            .find(|g| g.story_id == hit.article.story_id)
        {
            Some(g) => g.hits.push(hit),
            None => groups.push(StoryGroup {
                story_id: hit.article.story_id,
                hits: vec![hit],
            }),
        }
    }
    groups
}

/// Article ids per bucket of PostgreSQL's search index: the divisor of its first key
/// (`id / 4096` in migration 0022; a query must spell the same expression to use it).
const SEARCH_BUCKET_IDS: i64 = 4096;

/// PostgreSQL's ranking: `ts_rank` weighing the title (A) to the text (B) 4 to 1, as bm25 does
/// on SQLite; `ts_rank_cd`'s cover density cost 16 ms for 2,000 matches at 20,000 articles
/// where `ts_rank` cost under 1 ms.
const PG_RANK: &str = "ts_rank('{0.1, 0.2, 0.25, 1.0}', m.search_vector, m.q)";

/// PostgreSQL's scoring of a query with a prefix term (`elect*`). GIN expands a prefix into
/// every lexeme it begins and reads all their matches before any window applies: 329,000 for
/// a two-letter prefix at 1,000,000 articles, 180 ms. Planned for its actual words, PostgreSQL
/// knows from its statistics how many articles hold the prefix: for a common one it walks the
/// newest articles backwards and stops at the [`CANDIDATES`]th match (16 ms there), for a rare
/// one it reads the index. So the query is made a tsquery first (the walk would otherwise
/// fold and parse it again on every row), and the statement, which is cached and would get a
/// generic plan blind to the words, is planned afresh.
fn score_prefix_on_postgres(
    c: &mut dyn Exec,
    filters: &str,
    query_text: &Value,
    args: &[Value],
) -> Result<Vec<(i64, f64)>, StoreError> {
    let tsquery = c
        .query_one(
            "SELECT CAST(to_tsquery('english', tidings_fold(?)) AS TEXT)",
            std::slice::from_ref(query_text),
        )?
        .text(0)?;
    let sql = format!(
        "SELECT m.id, {PG_RANK} / (1.0 + (? - m.published_at) / 86400.0 / {RECENCY_HALF_LIFE_DAYS})
         FROM (SELECT a.id, a.search_vector, a.published_at, CAST(CAST(? AS TEXT) AS tsquery) AS q
               FROM articles a
               WHERE a.search_vector @@ CAST(CAST(? AS TEXT) AS tsquery) {filters}
               ORDER BY a.id DESC LIMIT {CANDIDATES}) m"
    );
    let tsquery = Value::from(tsquery);
    // The tsquery twice: for the rank, then for the match.
    let mut then_filters = vec![tsquery.clone()];
    then_filters.extend(args.iter().cloned());
    c.execute("SET plan_cache_mode = force_custom_plan", &[])?;
    let scored = score(c, &sql, &[], &tsquery, &then_filters);
    // Reset whatever the query did: the connection goes back to the pool.
    c.execute("RESET plan_cache_mode", &[])?;
    scored
}

/// The first id window of PostgreSQL's scoring (see `Store::score_newest_first`), and the
/// smallest: a word in a tenth of the articles fills [`CANDIDATES`] in it at once.
const FIRST_WINDOW: i64 = 8 * CANDIDATES as i64;

/// Runs a scoring query: (article id, score) of the newest [`CANDIDATES`] matches.
fn score(
    c: &mut dyn Exec,
    sql: &str,
    idfs: &[f64],
    query_text: &Value,
    args: &[Value],
) -> Result<Vec<(i64, f64)>, StoreError> {
    let mut values: Vec<Value> = idfs.iter().map(|&idf| Value::from(idf)).collect();
    values.extend([Value::from(crate::now() as f64), query_text.clone()]);
    values.extend(args.iter().cloned());
    c.query(sql, &values)?
        .iter()
        .map(|r| Ok((r.i64(0)?, r.f64(1)?)))
        .collect()
}

/// Ids of the newest articles SQLite estimates each term's idf from: a common word's count
/// in them takes a fraction of a millisecond, where counting it in the whole index (as FTS5's
/// `bm25()` does on every query) took milliseconds at 1,000,000 articles. Recent news is also
/// the right reference for how rare a word is in the news.
const IDF_WINDOW_IDS: i64 = 65_536;

/// Each term's idf for `tidings_rank` ([`crate::fts_rank`]), from its share of the newest
/// [`IDF_WINDOW_IDS`] articles. A single term needs none: its idf scales every score alike.
fn sqlite_idfs(c: &mut dyn Exec, parsed: &ParsedQuery) -> Result<Vec<f64>, StoreError> {
    if parsed.terms.len() < 2 {
        return Ok(Vec::new());
    }
    let newest = c
        .query_one("SELECT COALESCE(MAX(id), 0) FROM articles", &[])?
        .i64(0)?;
    let oldest = newest.saturating_sub(IDF_WINDOW_IDS).max(0);
    let span = (newest - oldest).max(1) as f64;
    parsed
        .terms
        .iter()
        .map(|term| {
            let holding = c
                .query_one(
                    "SELECT count(*) FROM articles_fts WHERE articles_fts MATCH ? AND rowid > ?",
                    &[term.to_fts5().into(), oldest.into()],
                )?
                .i64(0)?;
            Ok(crate::fts_rank::idf(holding as f64, span))
        })
        .collect()
}

/// SQLite's scoring of a query with a prefix term (`elect*`): an idf needs the articles holding
/// each term counted, which for a short prefix means reading every word it begins (FTS5's
/// `bm25()` did so over the whole index: 19 ms of a 21 ms search at 1,000,000 articles), and a
/// prefix's article count says little about relevance anyway. So the newest [`CANDIDATES`] matches are scored by where they match — the
/// title weighs as much as in bm25 (4 to 1) — and by recency, from two index reads bounded by
/// the same id range. PostgreSQL's `ts_rank` never counts articles; its prefix problem is
/// another ([`score_prefix_on_postgres`]).
fn score_by_field(
    c: &mut dyn Exec,
    filters: &str,
    query_text: &Value,
    title_query: &str,
    args: &[Value],
) -> Result<Vec<(i64, f64)>, StoreError> {
    let mut values = vec![query_text.clone()];
    values.extend(args.iter().cloned());
    let newest: Vec<(i64, i64)> = c
        .query(&sqlite_newest_sql(filters, ""), &values)?
        .iter()
        .map(|r| Ok((r.i64(0)?, r.i64(1)?)))
        .collect::<Result<_, StoreError>>()?;
    let Some(&(oldest, _)) = newest.last() else {
        return Ok(Vec::new());
    };
    values[0] = title_query.into();
    values.push(oldest.into());
    let in_title: std::collections::HashSet<i64> = c
        .query(
            &sqlite_newest_sql(filters, "AND articles_fts.rowid >= ?"),
            &values,
        )?
        .iter()
        .map(|r| r.i64(0))
        .collect::<Result<_, StoreError>>()?;
    let now = crate::now() as f64;
    Ok(newest
        .into_iter()
        .map(|(id, published)| {
            let weight = if in_title.contains(&id) { 4.0 } else { 1.0 };
            let age_days = (now - published as f64) / 86_400.0;
            (id, weight / (1.0 + age_days / RECENCY_HALF_LIFE_DAYS))
        })
        .collect())
}

/// SQLite: id and publication time of the newest [`CANDIDATES`] matches, optionally within a
/// rowid `range` condition (its value goes after the filters' values).
fn sqlite_newest_sql(filters: &str, range: &str) -> String {
    if filters.is_empty() {
        format!(
            "SELECT t.id, t.published_at
             FROM articles_fts JOIN article_times t ON t.id = articles_fts.rowid
             WHERE articles_fts MATCH ? {range}
             ORDER BY articles_fts.rowid DESC LIMIT {CANDIDATES}"
        )
    } else {
        format!(
            "SELECT a.id, a.published_at
             FROM articles_fts JOIN articles a ON a.id = articles_fts.rowid
             WHERE articles_fts MATCH ? {filters} {range}
             ORDER BY articles_fts.rowid DESC LIMIT {CANDIDATES}"
        )
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
        // A subquery, not a join: an unfiltered search then never touches `outlets`, whose
        // per-match lookup cost PostgreSQL a tenth of a common word's scoring.
        add(
            "a.outlet_id = (SELECT id FROM outlets WHERE slug = ?)",
            o.into(),
        );
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
