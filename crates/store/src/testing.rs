//! Throw-away databases for tests: a temporary SQLite file always, and a fresh PostgreSQL schema
//! when `TIDINGS_TEST_POSTGRES_URL` is set (CI sets it), so every test run is isolated.

use crate::{Store, StoreError};
use r2d2_postgres::postgres;
use std::sync::atomic::{AtomicU32, Ordering};

/// Prints a notice that the test harness does not swallow: it captures `eprintln!`, not
/// writes to the stderr handle, so skipped checks stay visible in a passing run.
pub fn notice(message: &str) {
    use std::io::Write;
    let _ = writeln!(std::io::stderr(), "notice: {message}");
}

/// The variable that points tests at a PostgreSQL server.
pub const POSTGRES_ENV: &str = "TIDINGS_TEST_POSTGRES_URL";

/// Two reports of one eruption in words they do not share (outlet, title, text), then one
/// telling both sides: stored in this order an hour apart, the third merges the first two's
/// stories.
pub const BRIDGED_REPORTS: [(&str, &str, &str); 3] = [
    (
        "Teralin Times",
        "Volcano erupts on Teralin island",
        "Lava from the Mount Kessra volcano poured down slopes toward Vashti village, and ash \
         clouds grounded flights across the Teralin archipelago overnight.",
    ),
    (
        "Brenvik Post",
        "Thousands flee Brenvik harbour towns",
        "Ferries carried residents of Brenvik and Oskarby to the mainland while coastguard \
         crews searched abandoned farms along the harbour road.",
    ),
    (
        "North Wire",
        "Teralin volcano: Brenvik harbour towns flee",
        "Lava from Mount Kessra poured toward Vashti village as ferries carried residents of \
         Brenvik and Oskarby to the mainland; ash clouds grounded flights and coastguard crews \
         searched farms.",
    ),
];

/// A database that exists for one test and is removed afterwards.
pub struct TestDatabase {
    url: String,
    name: &'static str,
    cleanup: Cleanup,
}

enum Cleanup {
    // Held for its Drop, which removes the folder.
    Sqlite(#[allow(dead_code)] tempfile::TempDir),
    Postgres { base_url: String, schema: String },
}

impl TestDatabase {
    /// A fresh SQLite file in a temporary folder.
    pub fn sqlite() -> Self {
        let dir = tempfile::tempdir().expect("temporary folder for a test database");
        let url = format!("sqlite://{}", dir.path().join("test.db").display());
        Self {
            url,
            name: "sqlite",
            cleanup: Cleanup::Sqlite(dir),
        }
    }

    /// A fresh schema on the PostgreSQL server named by `TIDINGS_TEST_POSTGRES_URL`, or `None`
    /// (with a notice on stderr) when the variable is not set.
    pub fn postgres() -> Option<Self> {
        Self::postgres_with(&[])
    }

    /// [`TestDatabase::postgres`] whose connections also set these run-time parameters
    /// (`default_tablespace`, say).
    pub fn postgres_with(settings: &[(&str, &str)]) -> Option<Self> {
        let Ok(base_url) = std::env::var(POSTGRES_ENV) else {
            notice(&format!(
                "{POSTGRES_ENV} is not set; skipping the PostgreSQL run of this test"
            ));
            return None;
        };
        static COUNTER: AtomicU32 = AtomicU32::new(0);
        let schema = format!(
            "tidings_test_{}_{}_{}",
            std::process::id(),
            COUNTER.fetch_add(1, Ordering::Relaxed),
            chrono::Utc::now().timestamp_subsec_nanos()
        );
        let mut client = postgres::Client::connect(&base_url, postgres::NoTls)
            .unwrap_or_else(|e| panic!("{POSTGRES_ENV}={base_url} is set but unreachable: {e}"));
        client
            .batch_execute(&format!("CREATE SCHEMA {schema}"))
            .expect("create test schema");
        let sep = if base_url.contains('?') { '&' } else { '?' };
        let extra: String = settings
            .iter()
            .map(|(k, v)| format!("%20-c%20{k}%3D{v}"))
            .collect();
        let url = format!("{base_url}{sep}options=-c%20search_path%3D{schema}{extra}");
        Some(Self {
            url,
            name: "postgres",
            cleanup: Cleanup::Postgres { base_url, schema },
        })
    }

    /// The PostgreSQL server tests use (`TIDINGS_TEST_POSTGRES_URL`), when configured.
    pub fn postgres_url() -> Option<String> {
        std::env::var(POSTGRES_ENV).ok()
    }

    /// SQLite, plus PostgreSQL when configured: run a test body against each.
    pub fn all() -> Vec<Self> {
        let mut dbs = vec![Self::sqlite()];
        dbs.extend(Self::postgres());
        dbs
    }

    /// The database URL, as `--database-url` takes it.
    pub fn url(&self) -> &str {
        &self.url
    }

    /// "sqlite" or "postgres", for assertion messages.
    pub fn name(&self) -> &'static str {
        self.name
    }

    pub fn open(&self) -> Result<Store, StoreError> {
        Store::open(&self.url)
    }
}

impl Drop for TestDatabase {
    fn drop(&mut self) {
        if let Cleanup::Postgres { base_url, schema } = &self.cleanup
            && let Ok(mut client) = postgres::Client::connect(base_url, postgres::NoTls)
        {
            let _ = client.batch_execute(&format!("DROP SCHEMA IF EXISTS {schema} CASCADE"));
        }
    }
}
