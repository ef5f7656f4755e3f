//! Storage stage: the whole tidings domain on embedded SQLite (the default, one machine) or on
//! PostgreSQL (several nodes). One [`Store`] API; underneath, one set of queries in the common SQL
//! of both databases ([`sql`]), one migration set per dialect, and writes that belong together in
//! one transaction.

mod accounts;
mod articles;
mod backup;
mod check;
mod comments;
mod digest;
mod entities;
mod error;
mod feeds;
mod fts_rank;
mod leases;
mod listings;
mod locks;
pub mod migrate;
mod outlets;
mod pg;
mod search;
pub mod search_query;
pub mod snippet;
pub mod sql;
mod stories;
mod subscribers;
mod syndication;
pub mod testing;
mod tokens;
mod views;
mod weeks;

pub use accounts::{Credentials, Role, User, normalize_email, token_hash};
pub use articles::{
    CHAIN_HOPS, COPIES_SHOWN, DetectedOriginal, Republication, StoredArticle, UpsertOutcome,
};
pub use backup::{BackupError, BackupSummary};
pub use check::{Check, CheckReport};
pub use comments::{Comment, CommentTarget, Moderation, ModerationEntry, NewComment};
pub use digest::{EntityTrend, SpeakerCount};
pub use entities::{Entity, EntityLookup, EntityQuote, EntityStory};
pub use error::StoreError;
pub use feeds::{Feed, FetchLogEntry, FetchResult, NewFeed};
pub use leases::{Claim, host_of};
pub use listings::{Cursor, Listing, Page};
pub use outlets::{Outlet, OutletSettings};
pub use search::{
    MARK_END, MARK_START, SearchHit, SearchQuery, StoryGroup, group_by_story, snippet_html,
};
pub use stories::{STORY_PAGE_SIZE, StoryArticle, StoryDetail, StoryEntity, StoryLink};
pub use subscribers::{Subscriber, Subscription};
pub use syndication::{OutletLink, OutletSyndication};
pub use tokens::{ApiToken, TOKEN_PREFIX, well_formed_token};
pub use views::ViewOutcome;
pub use weeks::{KeptRow, LiveRanking};

use r2d2_postgres::postgres;
use r2d2_sqlite::{SqliteConnectionManager, rusqlite};
use sql::{Dialect, Exec};
use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicI64, AtomicU64, Ordering};
use std::time::Duration;

/// Where the data lives, parsed from a database URL.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Location {
    Sqlite(PathBuf),
    Postgres(String),
}

impl Location {
    /// Accepts `sqlite://PATH`, `sqlite:PATH`, a bare file path, and `postgres://` /
    /// `postgresql://` URLs.
    pub fn parse(url: &str) -> Result<Self, StoreError> {
        let url = url.trim();
        if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            return Ok(Location::Postgres(url.to_owned()));
        }
        let path = url
            .strip_prefix("sqlite://")
            .or_else(|| url.strip_prefix("sqlite:"))
            .unwrap_or(url);
        if path.is_empty() || path.contains("://") {
            return Err(StoreError::BadUrl(url.to_owned()));
        }
        Ok(Location::Sqlite(PathBuf::from(path)))
    }
}

/// Tuning for [`Store::open_with`].
#[derive(Debug, Clone)]
pub struct OpenOptions {
    pub pool_size: u32,
    /// SQLite only: the most bytes the database may grow to (`PRAGMA max_page_count`, set on
    /// every connection); 0 means no cap. A write past it fails as "database or disk is full".
    pub sqlite_max_bytes: u64,
}

impl Default for OpenOptions {
    fn default() -> Self {
        Self {
            pool_size: 8,
            sqlite_max_bytes: 0,
        }
    }
}

#[derive(Clone)]
enum Backend {
    Sqlite(r2d2::Pool<SqliteConnectionManager>),
    Postgres(r2d2::Pool<pg::PgManager>),
}

/// The database. Cheap to clone (it is a connection pool); all methods block, so async callers
/// run them on a blocking thread.
#[derive(Clone)]
pub struct Store {
    backend: Backend,
    /// When the database was last seen failing as unreachable (Unix seconds; 0 while it
    /// answers). PostgreSQL only: an SQLite file does not go away.
    down_since: Arc<AtomicI64>,
    /// Failed attempts of the PostgreSQL pool to open a connection (its error handler counts
    /// them): a checkout that sees this grow stops waiting, the database is away.
    connect_failures: Arc<AtomicU64>,
}

/// How long a checkout waits for a connection while the database answers (all connections
/// busy): the pool's own timeout.
const CHECKOUT_TIMEOUT: Duration = Duration::from_secs(15);

/// The steps a checkout waits in, looking in between for failed connection attempts: the first
/// request after the database goes away then fails in about this time, not in
/// [`CHECKOUT_TIMEOUT`].
const CHECKOUT_STEP: Duration = Duration::from_millis(500);

/// How long a checkout waits for a connection while the database is known to be away: a
/// request then fails (503) in about this time instead of the pool's full timeout, and the
/// first checkout that succeeds ends the outage.
const DOWN_CHECKOUT_TIMEOUT: Duration = Duration::from_secs(2);

impl std::fmt::Debug for Store {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self.backend {
            Backend::Sqlite(_) => "Store(sqlite)",
            Backend::Postgres(_) => "Store(postgres)",
        })
    }
}

impl Store {
    /// Opens (creating if needed) the database at `url` and brings its schema up to date.
    pub fn open(url: &str) -> Result<Self, StoreError> {
        Self::open_with(url, &OpenOptions::default())
    }

    pub fn open_with(url: &str, options: &OpenOptions) -> Result<Self, StoreError> {
        match Location::parse(url)? {
            Location::Sqlite(path) => open_sqlite(path, options),
            Location::Postgres(url) => open_postgres(&url, options),
        }
    }

    pub fn dialect(&self) -> Dialect {
        match self.backend {
            Backend::Sqlite(_) => Dialect::Sqlite,
            Backend::Postgres(_) => Dialect::Postgres,
        }
    }

    fn from_backend(backend: Backend, connect_failures: Arc<AtomicU64>) -> Self {
        Self {
            backend,
            down_since: Arc::new(AtomicI64::new(0)),
            connect_failures,
        }
    }

    /// Whether the database answered the last statement (false from the first failure that
    /// says it is unreachable until the next statement that succeeds).
    pub fn database_up(&self) -> bool {
        self.down_since.load(Ordering::Relaxed) == 0
    }

    /// When this node saw the database go away (Unix seconds), while it is away.
    pub fn database_down_since(&self) -> Option<i64> {
        Some(self.down_since.load(Ordering::Relaxed)).filter(|&t| t != 0)
    }

    /// A PostgreSQL connection from the pool: waiting up to the pool's full timeout while the
    /// database answers and connections are only busy, but giving up as soon as the pool fails
    /// to open one (the database went away), and after a short wait while it is known to be
    /// away (so callers fail fast, and retry).
    fn pg_conn(
        &self,
        pool: &r2d2::Pool<pg::PgManager>,
    ) -> Result<r2d2::PooledConnection<pg::PgManager>, StoreError> {
        if !self.database_up() {
            return pool
                .get_timeout(DOWN_CHECKOUT_TIMEOUT)
                .map_err(|e| self.observed(StoreError::Pool(e)));
        }
        let failures = self.connect_failures.load(Ordering::Relaxed);
        let started = std::time::Instant::now();
        loop {
            let left = CHECKOUT_TIMEOUT.saturating_sub(started.elapsed());
            match pool.get_timeout(CHECKOUT_STEP.min(left).max(Duration::from_millis(1))) {
                Ok(conn) => return Ok(conn),
                Err(e)
                    if left <= CHECKOUT_STEP
                        || self.connect_failures.load(Ordering::Relaxed) != failures =>
                {
                    return Err(self.observed(StoreError::Pool(e)));
                }
                Err(_) => {}
            }
        }
    }

    /// Notes what a PostgreSQL statement's outcome says about the database being there.
    fn observe<T>(&self, result: Result<T, StoreError>) -> Result<T, StoreError> {
        match result {
            Ok(v) => {
                if !self.database_up() {
                    self.down_since.store(0, Ordering::Relaxed);
                    tracing::info!("database reachable again");
                }
                Ok(v)
            }
            Err(e) => Err(self.observed(e)),
        }
    }

    fn observed(&self, e: StoreError) -> StoreError {
        if e.is_transient() && self.database_up() {
            self.down_since.store(now().max(1), Ordering::Relaxed);
            tracing::warn!(error = %e, "database unreachable");
        }
        e
    }

    /// Runs `f` on a pooled connection, outside any explicit transaction (reads).
    pub(crate) fn read<T>(
        &self,
        f: impl FnOnce(&mut dyn Exec) -> Result<T, StoreError>,
    ) -> Result<T, StoreError> {
        match &self.backend {
            Backend::Sqlite(pool) => f(&mut *pool.get()?),
            Backend::Postgres(pool) => {
                let mut conn = self.pg_conn(pool)?;
                self.observe(f(&mut *conn))
            }
        }
    }

    /// Runs `f` in one transaction: all of it is stored, or none of it.
    pub(crate) fn write<T>(
        &self,
        f: impl FnOnce(&mut dyn Exec) -> Result<T, StoreError>,
    ) -> Result<T, StoreError> {
        match &self.backend {
            Backend::Sqlite(pool) => {
                let mut conn = pool.get()?;
                // IMMEDIATE takes the write lock now, so busy_timeout applies instead of a
                // deadlock error when two writers upgrade from read to write.
                let mut tx =
                    conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
                let value = f(&mut tx)?;
                tx.commit()?;
                Ok(value)
            }
            Backend::Postgres(pool) => {
                let mut conn = self.pg_conn(pool)?;
                self.observe((|| {
                    let mut tx = conn.transaction()?;
                    let value = f(&mut tx)?;
                    tx.commit()?;
                    Ok(value)
                })())
            }
        }
    }

    /// Connections the pool holds, and how many of them are idle (for `/metrics`).
    pub fn pool_state(&self) -> (u32, u32) {
        let state = match &self.backend {
            Backend::Sqlite(pool) => pool.state(),
            Backend::Postgres(pool) => pool.state(),
        };
        (state.connections, state.idle_connections)
    }

    /// How many articles and stories the database holds.
    pub fn totals(&self) -> Result<(i64, i64), StoreError> {
        self.read(|c| {
            let r = c.query_one(
                "SELECT (SELECT COUNT(*) FROM articles), (SELECT COUNT(*) FROM stories)",
                &[],
            )?;
            Ok((r.i64(0)?, r.i64(1)?))
        })
    }

    /// Cheap liveness check for `/healthz`.
    pub fn ping(&self) -> Result<(), StoreError> {
        self.read(|c| c.query_one("SELECT 1", &[]).map(|_| ()))
    }

    /// The schema version the database is at.
    pub fn schema_version(&self) -> Result<i64, StoreError> {
        self.read(|c| {
            c.query_one(
                "SELECT COALESCE(MAX(version), 0) FROM schema_migrations",
                &[],
            )?
            .i64(0)
        })
    }
}

// A 16 MiB page cache and memory-mapped reads per connection keep a large database's indexes
// out of read() system calls. The map is as large as SQLite allows (its compile-time cap,
// 0x7fff0000): storing an article updates B-trees all over the file, and with 256 MiB a
// 1.4 GB store took 139–155 articles/s, with 2 GiB 171–195/s (docs/BENCHMARKS.md). Mapped
// pages are the OS's file cache, shared by all connections, not memory of ours.
const SQLITE_PRAGMAS: &str = "PRAGMA journal_mode = WAL;
     PRAGMA synchronous = NORMAL;
     PRAGMA foreign_keys = ON;
     PRAGMA busy_timeout = 10000;
     PRAGMA cache_size = -16384;
     PRAGMA mmap_size = 2147418112;
     PRAGMA temp_store = MEMORY;";

/// Prepared statements kept per SQLite connection.
const STATEMENT_CACHE: usize = 256;

/// Settings every SQLite connection gets; the size cap is per connection in SQLite.
fn init_sqlite(c: &rusqlite::Connection, max_bytes: u64) -> rusqlite::Result<()> {
    c.execute_batch(SQLITE_PRAGMAS)?;
    // Storing one article runs ~40 distinct statements (some with a varying number of values);
    // rusqlite's default cache of 16 made most of them parse and plan again every time.
    c.set_prepared_statement_cache_capacity(STATEMENT_CACHE);
    fts_rank::register(c)?;
    if max_bytes > 0 {
        let page_size: i64 = c.query_row("PRAGMA page_size", [], |r| r.get(0))?;
        let pages = max_bytes / u64::try_from(page_size.max(512)).unwrap_or(4096);
        c.execute_batch(&format!("PRAGMA max_page_count = {}", pages.max(1)))?;
    }
    Ok(())
}

fn open_sqlite(path: PathBuf, options: &OpenOptions) -> Result<Store, StoreError> {
    // Open one connection by hand first: it fails fast with SQLite's own message, where the
    // pool would retry until its timeout.
    let max_bytes = options.sqlite_max_bytes;
    let mut first = rusqlite::Connection::open(&path)
        .map_err(|e| StoreError::Open(format!("{}: {e}", path.display())))?;
    init_sqlite(&first, max_bytes)
        .map_err(|e| StoreError::Open(format!("{}: {e}", path.display())))?;
    migrate::run(&mut first)?;
    drop(first);
    let manager =
        SqliteConnectionManager::file(&path).with_init(move |c| init_sqlite(c, max_bytes));
    let pool = r2d2::Pool::builder()
        .max_size(options.pool_size.max(1))
        .connection_timeout(Duration::from_secs(15))
        .build(manager)?;
    Ok(Store::from_backend(
        Backend::Sqlite(pool),
        Arc::new(AtomicU64::new(0)),
    ))
}

fn open_postgres(url: &str, options: &OpenOptions) -> Result<Store, StoreError> {
    let mut config: postgres::Config = url
        .parse()
        .map_err(|e| StoreError::Open(format!("bad PostgreSQL URL: {e}")))?;
    config.connect_timeout(Duration::from_secs(10));
    let mut first = config
        .connect(postgres::NoTls)
        .map_err(|error| StoreError::Connect {
            target: pg_target(&config),
            error,
        })?;
    migrate::run(&mut first)?;
    drop(first);
    let manager = pg::PgManager { config };
    let connect_failures = Arc::new(AtomicU64::new(0));
    let pool = r2d2::Pool::builder()
        .max_size(options.pool_size.max(1))
        .min_idle(Some(1))
        .error_handler(Box::new(pg::CountedErrors(connect_failures.clone())))
        .connection_timeout(CHECKOUT_TIMEOUT)
        .build(manager)?;
    Ok(Store::from_backend(
        Backend::Postgres(pool),
        connect_failures,
    ))
}

/// `host:port/dbname` of a PostgreSQL configuration, for messages (no user, no password).
fn pg_target(config: &postgres::Config) -> String {
    use postgres::config::Host;
    let host = match config.get_hosts().first() {
        Some(Host::Tcp(h)) => h.clone(),
        #[cfg(unix)]
        Some(Host::Unix(p)) => p.display().to_string(),
        None => "localhost".to_owned(),
    };
    let port = config.get_ports().first().copied().unwrap_or(5432);
    format!("{host}:{port}/{}", config.get_dbname().unwrap_or("-"))
}

/// Current time as stored: UTC Unix seconds.
pub(crate) fn now() -> i64 {
    chrono::Utc::now().timestamp()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls() {
        assert_eq!(
            Location::parse("sqlite://data/t.db").unwrap(),
            Location::Sqlite("data/t.db".into())
        );
        assert_eq!(
            Location::parse("t.db").unwrap(),
            Location::Sqlite("t.db".into())
        );
        assert!(matches!(
            Location::parse("postgres://u@h/db").unwrap(),
            Location::Postgres(_)
        ));
        assert!(Location::parse("mysql://x").is_err());
        assert!(Location::parse("").is_err());
    }

    /// A server that is away (or shutting us out for now) is told apart from one that refused
    /// the statement or turned us away for good: only the first is worth waiting for.
    #[test]
    fn postgres_failures_are_transient_or_not() {
        use tidings_model::{Classify, ErrorClass};
        let refused = Store::open("postgres://postgres@127.0.0.1:1/test").unwrap_err();
        assert!(matches!(refused, StoreError::Connect { .. }), "{refused:?}");
        assert!(refused.is_transient(), "{refused}");
        assert_eq!(refused.class(), ErrorClass::Unavailable);
        let text = refused.to_string();
        assert!(
            text.contains("127.0.0.1:1/test") && text.contains("refused"),
            "where and why: {text}"
        );

        let Some(db) = testing::TestDatabase::postgres() else {
            return;
        };
        // No such database: waiting will not make it appear.
        let url = db.url();
        let path = url.find("://").map(|i| i + 3).unwrap_or(0);
        let slash = path + url[path..].find('/').unwrap_or(url.len() - path);
        let end = slash + url[slash..].find('?').unwrap_or(url.len() - slash);
        let missing = format!("{}/tidings_no_such_db{}", &url[..slash], &url[end..]);
        let e = Store::open(&missing).unwrap_err();
        assert!(!e.is_transient(), "{e}");
        assert_eq!(e.class(), ErrorClass::Config, "{e}");

        let store = db.open().unwrap();
        let syntax = store
            .read(|c| c.query_one("SELEC 1", &[]).map(|_| ()))
            .unwrap_err();
        assert!(!syntax.is_transient(), "{syntax}");
        assert_eq!(syntax.class(), ErrorClass::Internal);
        let duplicate = store
            .read(|c| {
                c.batch("CREATE TEMP TABLE dup (x INT PRIMARY KEY); INSERT INTO dup VALUES (1)")?;
                c.execute("INSERT INTO dup VALUES (1)", &[])
            })
            .unwrap_err();
        assert!(!duplicate.is_transient(), "{duplicate}");
        assert!(store.database_up(), "a refused statement is no outage");

        // The server ends the session (as on shutdown or restart): 57P01, admin_shutdown.
        let ended = store
            .read(|c| c.query_one("SELECT pg_terminate_backend(pg_backend_pid())", &[]))
            .unwrap_err();
        assert!(ended.is_transient(), "{ended}");
        assert_eq!(ended.class(), ErrorClass::Unavailable);
        assert!(!store.database_up() && store.database_down_since().is_some());
        // The pool replaces the connection; the first statement that succeeds ends the outage.
        store.ping().unwrap();
        assert!(store.database_up());
    }
}
