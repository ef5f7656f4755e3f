//! Versioned schema migrations, run on every start. Each migration is one transaction together
//! with its row in `schema_migrations`, so a crash never leaves a half-applied schema; on
//! PostgreSQL an advisory lock keeps two starting nodes from migrating at once.
//!
//! Why by hand: refinery would do it, but pins driver versions of its own; the whole runner is
//! the loop below.

use crate::StoreError;
use crate::params;
use crate::sql::{Dialect, Exec};

struct Migration {
    version: i64,
    name: &'static str,
    sqlite: &'static str,
    postgres: &'static str,
}

/// One migration, the same file name in both dialects' folders.
macro_rules! migration {
    ($version:expr, $name:literal, $file:literal) => {
        Migration {
            version: $version,
            name: $name,
            sqlite: include_str!(concat!("migrations/sqlite/", $file, ".sql")),
            postgres: include_str!(concat!("migrations/postgres/", $file, ".sql")),
        }
    };
}

const MIGRATIONS: &[Migration] = &[
    migration!(1, "domain", "0001_domain"),
    migration!(2, "search", "0002_search"),
    migration!(3, "fetching", "0003_fetching"),
    migration!(4, "indexes", "0004_indexes"),
    migration!(5, "digest", "0005_digest"),
    migration!(6, "entity redirects", "0006_entity_redirects"),
    migration!(7, "story clustering", "0007_story_clustering"),
    migration!(8, "accounts", "0008_accounts"),
    migration!(9, "entity kind votes", "0009_entity_kind_votes"),
    migration!(10, "api tokens", "0010_api_tokens"),
    migration!(11, "fetch leases", "0011_fetch_leases"),
    migration!(12, "syndication", "0012_syndication"),
    migration!(13, "article fingerprint", "0013_article_fingerprint"),
    migration!(14, "story centroid", "0014_story_centroid"),
    migration!(15, "search recency", "0015_search_recency"),
    migration!(16, "story redirects", "0016_story_redirects"),
    migration!(17, "feed warning", "0017_feed_warning"),
    migration!(18, "article copies", "0018_article_copies"),
    migration!(19, "metadata sources", "0019_metadata_sources"),
    migration!(20, "live rankings", "0020_live_rankings"),
    migration!(21, "article guids", "0021_article_guids"),
    migration!(22, "search buckets", "0022_search_buckets"),
    migration!(23, "story splits", "0023_story_splits"),
];

/// The schema version this binary brings.
pub fn latest_version() -> i64 {
    MIGRATIONS.last().map_or(0, |m| m.version)
}

/// Applies every migration newer than the database's version; returns the versions applied.
/// SQLite takes the write lock up front (`BEGIN IMMEDIATE`) so two processes cannot interleave.
pub(crate) fn run(conn: &mut dyn Exec) -> Result<Vec<i64>, StoreError> {
    run_through(conn, i64::MAX)
}

/// [`run`], stopping after migration `last` (tests migrate data written by an older schema).
fn run_through(conn: &mut dyn Exec, last: i64) -> Result<Vec<i64>, StoreError> {
    conn.batch(
        "CREATE TABLE IF NOT EXISTS schema_migrations (
             version    BIGINT PRIMARY KEY,
             name       TEXT   NOT NULL,
             applied_at BIGINT NOT NULL
         )",
    )?;
    let mut applied = Vec::new();
    for m in MIGRATIONS.iter().take_while(|m| m.version <= last) {
        let begin = match conn.dialect() {
            Dialect::Sqlite => "BEGIN IMMEDIATE",
            Dialect::Postgres => "BEGIN; SELECT pg_advisory_xact_lock(7411020251)",
        };
        conn.batch(begin)?;
        let result = apply_one(conn, m);
        match result {
            Ok(true) => {
                conn.batch("COMMIT")?;
                applied.push(m.version);
            }
            Ok(false) => conn.batch("COMMIT")?,
            Err(e) => {
                // The original error matters more than a failed rollback.
                let _ = conn.batch("ROLLBACK");
                return Err(e);
            }
        }
    }
    let found = conn
        .query_one(
            "SELECT COALESCE(MAX(version), 0) FROM schema_migrations",
            &[],
        )?
        .i64(0)?;
    if found > latest_version() {
        return Err(StoreError::SchemaTooNew {
            found,
            known: latest_version(),
        });
    }
    Ok(applied)
}

fn apply_one(conn: &mut dyn Exec, m: &Migration) -> Result<bool, StoreError> {
    let done = conn
        .query_opt(
            "SELECT version FROM schema_migrations WHERE version = ?",
            params![m.version],
        )?
        .is_some();
    if done {
        return Ok(false);
    }
    let script = match conn.dialect() {
        Dialect::Sqlite => m.sqlite,
        Dialect::Postgres => m.postgres,
    };
    conn.batch(script).map_err(|e| StoreError::Migration {
        version: m.version,
        name: m.name,
        reason: e.to_string(),
    })?;
    conn.execute(
        "INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)",
        params![m.version, m.name, chrono::Utc::now().timestamp()],
    )?;
    Ok(true)
}

#[cfg(test)]
mod tests {
    use super::*;
    use r2d2_sqlite::rusqlite::Connection;

    #[test]
    fn story_centroids_move_from_their_terms_into_the_story_row() {
        let mut c = Connection::open_in_memory().unwrap();
        run_through(&mut c, 13).unwrap();
        c.execute_batch(
            "INSERT INTO stories (id, headline, first_seen_at, last_updated_at) VALUES (1, 'h', 5, 9);
             INSERT INTO story_terms (story_id, term, weight, last_at)
                 VALUES (1, 'quake', 0.5, 9), (1, '@Lima', 1.25, 9);
             INSERT INTO stories (id, headline, first_seen_at, last_updated_at) VALUES (2, 'x', 5, 9);",
        )
        .unwrap();
        assert_eq!(
            run(&mut c).unwrap(),
            (14..=latest_version()).collect::<Vec<_>>()
        );
        let centroid = |id: i64| -> String {
            c.query_row("SELECT centroid FROM stories WHERE id = ?", [id], |r| {
                r.get(0)
            })
            .unwrap()
        };
        assert_eq!(centroid(1), r#"[["@Lima",1.25],["quake",0.5]]"#);
        assert_eq!(centroid(2), "[]");
        let postings: i64 = c
            .query_row(
                "SELECT COUNT(*) FROM story_terms WHERE story_id = 1 AND last_at = 9",
                [],
                |r| r.get(0),
            )
            .unwrap();
        assert_eq!(postings, 2);
    }
}
