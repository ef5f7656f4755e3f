//! `tidings check`: the database's own integrity (SQLite's `integrity_check` and
//! `foreign_key_check`) and the invariants the rest of tidings relies on but the schema cannot
//! state — story counts that match their articles, no dangling story or speaker, no orphan
//! entity, a search index that covers every article. Each check reports what it found, so a
//! failure names the rows to look at.

use crate::sql::{Dialect, Exec, Row};
use crate::{Store, StoreError};

/// Rows named in a failed check's details at most; the count says how many there are.
const SAMPLE: usize = 10;

/// One check: its name, whether it held, and what was wrong when it did not.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Check {
    pub name: &'static str,
    pub ok: bool,
    pub details: Vec<String>,
}

/// Every check that applies to the database, in order.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize)]
pub struct CheckReport {
    pub checks: Vec<Check>,
}

impl CheckReport {
    pub fn ok(&self) -> bool {
        self.checks.iter().all(|c| c.ok)
    }

    pub fn failed(&self) -> impl Iterator<Item = &Check> {
        self.checks.iter().filter(|c| !c.ok)
    }

    pub fn get(&self, name: &str) -> Option<&Check> {
        self.checks.iter().find(|c| c.name == name)
    }
}

impl std::fmt::Display for CheckReport {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        for c in &self.checks {
            writeln!(f, "{:<7} {}", if c.ok { "ok" } else { "FAILED" }, c.name)?;
            for d in &c.details {
                writeln!(f, "        {d}")?;
            }
        }
        Ok(())
    }
}

/// A query whose rows are the violations: the check holds when it returns none.
struct Invariant {
    name: &'static str,
    /// Counts the violations.
    count: &'static str,
    /// Describes up to [`SAMPLE`] of them; every column is joined into one line.
    sample: &'static str,
}

const INVARIANTS: &[Invariant] = &[
    Invariant {
        name: "every article has its outlet",
        count: "SELECT COUNT(*) FROM articles a LEFT JOIN outlets o ON o.id = a.outlet_id
                WHERE o.id IS NULL",
        sample: "SELECT 'article', a.id, 'names missing outlet', a.outlet_id FROM articles a
                 LEFT JOIN outlets o ON o.id = a.outlet_id WHERE o.id IS NULL
                 ORDER BY a.id LIMIT 10",
    },
    Invariant {
        name: "every article is in an existing story",
        count: "SELECT COUNT(*) FROM articles a LEFT JOIN stories s ON s.id = a.story_id
                WHERE s.id IS NULL",
        sample: "SELECT 'article', a.id, 'story', COALESCE(CAST(a.story_id AS TEXT), 'none')
                 FROM articles a LEFT JOIN stories s ON s.id = a.story_id
                 WHERE s.id IS NULL ORDER BY a.id LIMIT 10",
    },
    Invariant {
        name: "story article and outlet counts match their articles",
        count: "SELECT COUNT(*) FROM (
                    SELECT s.id FROM stories s LEFT JOIN articles a ON a.story_id = s.id
                    GROUP BY s.id, s.article_count, s.outlet_count
                    HAVING s.article_count <> COUNT(a.id)
                        OR s.outlet_count <> COUNT(DISTINCT a.outlet_id)) AS bad",
        sample: "SELECT 'story', s.id, 'stores', s.article_count, 'articles', s.outlet_count,
                        'outlets; has', COUNT(a.id), 'articles', COUNT(DISTINCT a.outlet_id),
                        'outlets'
                 FROM stories s LEFT JOIN articles a ON a.story_id = s.id
                 GROUP BY s.id, s.article_count, s.outlet_count
                 HAVING s.article_count <> COUNT(a.id)
                     OR s.outlet_count <> COUNT(DISTINCT a.outlet_id)
                 ORDER BY s.id LIMIT 10",
    },
    Invariant {
        name: "a merged story's id names no story and redirects to one",
        count: "SELECT COUNT(*) FROM story_redirects r
                LEFT JOIN stories live ON live.id = r.story_id
                LEFT JOIN stories target ON target.id = r.into_id
                WHERE live.id IS NOT NULL OR target.id IS NULL",
        sample: "SELECT 'story redirect', r.story_id, 'into', r.into_id FROM story_redirects r
                 LEFT JOIN stories live ON live.id = r.story_id
                 LEFT JOIN stories target ON target.id = r.into_id
                 WHERE live.id IS NOT NULL OR target.id IS NULL
                 ORDER BY r.story_id LIMIT 10",
    },
    Invariant {
        name: "no orphan entities (unmerged and linked to nothing)",
        count: "SELECT COUNT(*) FROM entities e WHERE e.merged_into IS NULL
                AND NOT EXISTS (SELECT 1 FROM article_entities ae WHERE ae.entity_id = e.id)
                AND NOT EXISTS (SELECT 1 FROM quotes q WHERE q.speaker_entity_id = e.id)
                AND NOT EXISTS (SELECT 1 FROM entities m WHERE m.merged_into = e.id)",
        sample: "SELECT 'entity', e.id, e.slug FROM entities e WHERE e.merged_into IS NULL
                 AND NOT EXISTS (SELECT 1 FROM article_entities ae WHERE ae.entity_id = e.id)
                 AND NOT EXISTS (SELECT 1 FROM quotes q WHERE q.speaker_entity_id = e.id)
                 AND NOT EXISTS (SELECT 1 FROM entities m WHERE m.merged_into = e.id)
                 ORDER BY e.id LIMIT 10",
    },
    Invariant {
        name: "every quote's speaker entity exists",
        count: "SELECT COUNT(*) FROM quotes q LEFT JOIN entities e ON e.id = q.speaker_entity_id
                WHERE q.speaker_entity_id IS NOT NULL AND e.id IS NULL",
        sample: "SELECT 'quote', q.id, 'names missing entity', q.speaker_entity_id
                 FROM quotes q LEFT JOIN entities e ON e.id = q.speaker_entity_id
                 WHERE q.speaker_entity_id IS NOT NULL AND e.id IS NULL
                 ORDER BY q.id LIMIT 10",
    },
];

impl Store {
    /// Runs every check and reports each; a failed check is data, not an error. Errors are
    /// left for a database that cannot be read at all.
    pub fn check(&self) -> Result<CheckReport, StoreError> {
        self.read(|conn| {
            let mut report = CheckReport::default();
            if conn.dialect() == Dialect::Sqlite {
                report.checks.push(pragma_check(
                    conn,
                    "SQLite integrity_check",
                    "PRAGMA integrity_check",
                )?);
                report.checks.push(pragma_check(
                    conn,
                    "SQLite foreign_key_check",
                    "PRAGMA foreign_key_check",
                )?);
            }
            for inv in INVARIANTS {
                report.checks.push(invariant(conn, inv)?);
            }
            report.checks.push(search_index(conn)?);
            Ok(report)
        })
    }

    /// Runs raw SQL outside the store's API. For tests that need a broken database to check
    /// the checks; nothing in tidings calls it.
    #[doc(hidden)]
    pub fn execute_raw(&self, sql: &str) -> Result<(), StoreError> {
        self.write(|tx| tx.batch(sql))
    }

    /// Runs a raw query and returns every row with each column as text (NULL as `None`). For
    /// tests that compare two databases' content; nothing in tidings calls it.
    #[doc(hidden)]
    pub fn query_raw(&self, sql: &str) -> Result<Vec<Vec<Option<String>>>, StoreError> {
        self.read(|c| {
            c.query(sql, &[])?
                .iter()
                .map(|r| (0..r.0.len()).map(|i| r.opt_text(i)).collect())
                .collect()
        })
    }
}

fn line(row: &Row) -> Result<String, StoreError> {
    let parts = (0..row.0.len())
        .map(|i| Ok(row.opt_text(i)?.unwrap_or_else(|| "NULL".into())))
        .collect::<Result<Vec<_>, StoreError>>()?;
    Ok(parts.join(" "))
}

fn pragma_check(conn: &mut dyn Exec, name: &'static str, sql: &str) -> Result<Check, StoreError> {
    let rows = conn.query(sql, &[])?;
    let details = rows
        .iter()
        .map(line)
        .collect::<Result<Vec<_>, _>>()?
        .into_iter()
        .filter(|l| l != "ok")
        .collect::<Vec<_>>();
    let ok = details.is_empty();
    let mut details = details;
    if details.len() > SAMPLE {
        let more = details.len() - SAMPLE;
        details.truncate(SAMPLE);
        details.push(format!("… and {more} more"));
    }
    Ok(Check { name, ok, details })
}

fn invariant(conn: &mut dyn Exec, inv: &Invariant) -> Result<Check, StoreError> {
    let count = conn.query_one(inv.count, &[])?.i64(0)?;
    let mut details = Vec::new();
    if count > 0 {
        details.push(format!("{count} found"));
        for row in conn.query(inv.sample, &[])? {
            details.push(line(&row)?);
        }
        if count as usize > SAMPLE {
            details.push(format!("… and {} more", count as usize - SAMPLE));
        }
    }
    Ok(Check {
        name: inv.name,
        ok: count == 0,
        details,
    })
}

/// The search index covers exactly the articles. SQLite: the FTS5 index keeps one `docsize`
/// row per indexed article (a count on the FTS table itself would read the content table and
/// always agree), FTS5's own integrity check compares the index with `articles`, and
/// `article_times` (search's copy of publication times) agrees with `articles`.
/// PostgreSQL: every article has its tsvector.
fn search_index(conn: &mut dyn Exec) -> Result<Check, StoreError> {
    let name = "search index covers every article";
    let articles = conn
        .query_one("SELECT COUNT(*) FROM articles", &[])?
        .i64(0)?;
    let mut details = Vec::new();
    match conn.dialect() {
        Dialect::Sqlite => {
            let indexed = conn
                .query_one("SELECT COUNT(*) FROM articles_fts_docsize", &[])?
                .i64(0)?;
            if indexed != articles {
                details.push(format!(
                    "{articles} articles, {indexed} in the search index"
                ));
            }
            let stale = conn
                .query_one(
                    "SELECT COUNT(*) FROM articles a LEFT JOIN article_times t ON t.id = a.id
                     WHERE t.published_at IS NOT a.published_at",
                    &[],
                )?
                .i64(0)?;
            if stale > 0 {
                details.push(format!(
                    "{stale} articles without their publication time in article_times"
                ));
            }
            if let Err(e) = conn.execute(
                "INSERT INTO articles_fts (articles_fts, rank) VALUES ('integrity-check', 1)",
                &[],
            ) {
                details.push(format!("FTS5 integrity-check: {e}"));
            }
        }
        Dialect::Postgres => {
            let missing = conn
                .query_one(
                    "SELECT COUNT(*) FROM articles WHERE search_vector IS NULL",
                    &[],
                )?
                .i64(0)?;
            if missing > 0 {
                details.push(format!(
                    "{missing} of {articles} articles have no search vector"
                ));
            }
        }
    }
    Ok(Check {
        name,
        ok: details.is_empty(),
        details,
    })
}
