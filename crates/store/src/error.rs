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
    #[error("database pool: {0}")]
    Pool(#[from] r2d2::Error),
    #[error("SQLite: {0}")]
    Sqlite(#[from] rusqlite::Error),
    #[error("PostgreSQL: {0}")]
    Postgres(#[from] postgres::Error),
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
            StoreError::Open(_) | StoreError::Pool(_) | StoreError::Postgres(_) => {
                ErrorClass::Unavailable
            }
            StoreError::Sqlite(e) if is_sqlite_unavailable(e) => ErrorClass::Unavailable,
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

fn is_sqlite_unavailable(e: &rusqlite::Error) -> bool {
    use rusqlite::ErrorCode::*;
    matches!(
        e.sqlite_error_code(),
        Some(DatabaseBusy | DatabaseLocked | CannotOpen | ReadOnly | PermissionDenied)
    )
}
