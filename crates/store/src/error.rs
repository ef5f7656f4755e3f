//! Store errors, classified for the HTTP and CLI edges.

use r2d2_postgres::postgres;
use r2d2_sqlite::rusqlite;
use tidings_model::{Classify, ErrorClass};

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("unsupported database URL {0:?}: use sqlite://PATH, a file path, or postgres://…")]
    BadUrl(String),
    #[error("cannot open the database: {0}")]
    Open(String),
    /// The database server could not be reached or refused the session (refused, reset, shut
    /// down, too many clients, bad credentials): `target` is `host:port/dbname`, never a
    /// password. [`StoreError::is_transient`] tells a server that may come back from one that
    /// turned us away for good.
    #[error("cannot connect to PostgreSQL at {target}: {}", chain(.error))]
    Connect {
        target: String,
        /// Not a `#[source]`: the message already carries its causes ("error connecting to
        /// server" alone says nothing), and a source would print them twice.
        error: postgres::Error,
    },
    #[error("database pool: {0}")]
    Pool(#[from] r2d2::Error),
    #[error("SQLite: {0}")]
    Sqlite(#[from] rusqlite::Error),
    /// Not a `#[source]`: the server's own message is shown once, without the driver's
    /// "db error" wrapping around it twice.
    #[error("PostgreSQL: {}", postgres_message(.0))]
    Postgres(postgres::Error),
    #[error("migration {version} ({name}) failed: {reason}")]
    Migration {
        version: i64,
        name: &'static str,
        reason: String,
    },
    #[error(
        "database schema is at version {found}, newer than this binary knows ({known}); upgrade tidings"
    )]
    SchemaTooNew { found: i64, known: i64 },
    #[error("unexpected data in the database: {0}")]
    Decode(String),
    #[error("{0} not found")]
    NotFound(String),
    #[error("invalid: {0}")]
    Invalid(String),
    #[error("{0}")]
    Conflict(String),
    #[error("{0}")]
    Forbidden(String),
}

impl Classify for StoreError {
    fn class(&self) -> ErrorClass {
        match self {
            StoreError::BadUrl(_) | StoreError::SchemaTooNew { .. } => ErrorClass::Config,
            StoreError::NotFound(_) => ErrorClass::NotFound,
            StoreError::Invalid(_) => ErrorClass::InvalidInput,
            StoreError::Conflict(_) => ErrorClass::Conflict,
            StoreError::Forbidden(_) => ErrorClass::Forbidden,
            _ if self.is_storage_full() => ErrorClass::StorageFull,
            _ if self.is_transient() => ErrorClass::Unavailable,
            // Turned away for good (bad password, no such database): the setup is wrong.
            StoreError::Connect { .. } => ErrorClass::Config,
            StoreError::Open(_) => ErrorClass::Unavailable,
            StoreError::Sqlite(e) if is_sqlite_unavailable(e) => ErrorClass::Unavailable,
            // A statement the server refused (syntax, constraint, type): a bug, not an outage.
            _ => ErrorClass::Internal,
        }
    }
}

impl StoreError {
    /// SQLite's SQLITE_FULL (the disk, or the `max_page_count` cap) or PostgreSQL's disk_full:
    /// no write can succeed until space is freed.
    pub fn is_storage_full(&self) -> bool {
        match self {
            StoreError::Sqlite(e) => e.sqlite_error_code() == Some(rusqlite::ErrorCode::DiskFull),
            StoreError::Postgres(e) => e.code() == Some(&postgres::error::SqlState::DISK_FULL),
            _ => false,
        }
    }
}

impl StoreError {
    /// Whether trying again later may succeed: the database is unreachable, restarting, shutting
    /// down or out of connection slots, or a lock could not be had in time. Statements the
    /// server refused (syntax, constraints, types), bad credentials and a missing database are
    /// not: retrying them only repeats the failure.
    pub fn is_transient(&self) -> bool {
        match self {
            StoreError::Connect { error, .. } => postgres_transient(error),
            StoreError::Postgres(e) => postgres_transient(e),
            // The pool found no working connection in time; it keeps trying to open new ones.
            StoreError::Pool(_) => true,
            StoreError::Sqlite(e) => matches!(
                e.sqlite_error_code(),
                Some(rusqlite::ErrorCode::DatabaseBusy | rusqlite::ErrorCode::DatabaseLocked)
            ),
            _ => false,
        }
    }
}

/// SQLSTATEs that mean "the server, not the statement": class 08 (connection exception), 57P01
/// to 57P03 (admin/crash shutdown, cannot connect now), 53300 (too many connections), and what a
/// retry resolves (serialization failure, deadlock, a statement or lock timeout).
fn postgres_transient(e: &postgres::Error) -> bool {
    use postgres::error::SqlState;
    if let Some(code) = e.code() {
        return code.code().starts_with("08")
            || [
                SqlState::ADMIN_SHUTDOWN,
                SqlState::CRASH_SHUTDOWN,
                SqlState::CANNOT_CONNECT_NOW,
                SqlState::TOO_MANY_CONNECTIONS,
                SqlState::T_R_SERIALIZATION_FAILURE,
                SqlState::T_R_DEADLOCK_DETECTED,
                SqlState::QUERY_CANCELED,
                SqlState::LOCK_NOT_AVAILABLE,
            ]
            .contains(code);
    }
    // No SQLSTATE: the connection itself failed (refused, reset, closed, timed out) — or a
    // value could not be converted, which is ours to fix.
    if e.is_closed() {
        return true;
    }
    let mut cause = std::error::Error::source(e);
    while let Some(c) = cause {
        if c.is::<std::io::Error>() {
            return true;
        }
        cause = c.source();
    }
    // A connect timeout carries no io::Error; its message says so.
    let text = e.to_string();
    text.contains("timeout") || text.contains("timed out") || text.contains("connection closed")
}

/// An error and its causes, one after the other: `a: b: c`.
pub(crate) fn chain(e: &dyn std::error::Error) -> String {
    let mut text = e.to_string();
    let mut cause = e.source();
    while let Some(c) = cause {
        let more = c.to_string();
        if !text.ends_with(&more) {
            text.push_str(": ");
            text.push_str(&more);
        }
        cause = c.source();
    }
    text
}

fn is_sqlite_unavailable(e: &rusqlite::Error) -> bool {
    use rusqlite::ErrorCode::*;
    matches!(
        e.sqlite_error_code(),
        Some(DatabaseBusy | DatabaseLocked | CannotOpen | ReadOnly | PermissionDenied)
    )
}

impl From<postgres::Error> for StoreError {
    fn from(e: postgres::Error) -> Self {
        StoreError::Postgres(e)
    }
}

/// The server's message with its severity and hint ("ERROR: could not extend file …: No space
/// left on device (hint: Check free disk space.)"), else the driver's.
fn postgres_message(e: &postgres::Error) -> String {
    match e.as_db_error() {
        Some(db) => match db.hint() {
            Some(hint) => format!("{}: {} (hint: {hint})", db.severity(), db.message()),
            None => format!("{}: {}", db.severity(), db.message()),
        },
        None => e.to_string(),
    }
}
