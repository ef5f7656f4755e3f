//! Throw-away databases for tests: a temporary SQLite file always, and a fresh PostgreSQL schema
//! when `TIDINGS_TEST_POSTGRES_URL` is set (CI sets it), so every test run is isolated.

use crate::{Store, StoreError};
use chrono::{TimeZone, Utc};
use r2d2_postgres::postgres;
use std::sync::atomic::{AtomicU32, Ordering};
use tidings_model::{Article, OutletRef};

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

// A story that drifted, for the review's tests here and the story page's in tidings-web.

/// Five reports of an earthquake and three of a ferry service, stored, then all put into the
/// first one's story (as a story grown by small steps can end up) and reviewed as the store
/// reviews a story that reaches a review size. Returns that story and the story the last
/// (ferry) report is in afterwards: another one when the review split the ferry reports off.
pub fn drifted_story_reviewed(store: &Store) -> Result<(i64, i64), StoreError> {
    let mut ids = Vec::new();
    for i in 0..8 {
        let (outlet, title, body) = if i < 5 {
            let title = format!("Earthquake hits Teralin ({i})");
            (format!("quake{i}"), title, drift_text(&QUAKE, i))
        } else {
            let title = format!("Nordlys adds night ferry ({i})");
            (format!("ferry{i}"), title, drift_text(&FERRY, i - 5))
        };
        let stored = store.upsert_article(&drift_report(&outlet, &title, i as i64, &body), None)?;
        ids.push(stored.id);
    }
    let story = store
        .story_of_article(ids[0])?
        .ok_or_else(|| StoreError::NotFound(format!("story of article {}", ids[0])))?;
    let moved_to = store.write(|tx| {
        let mut stories = Vec::new();
        for &id in &ids {
            let row = tx.query_one(
                "SELECT story_id FROM articles WHERE id = ?",
                crate::params![id],
            )?;
            stories.push(row.i64(0)?);
            tx.execute(
                "UPDATE articles SET story_id = ? WHERE id = ?",
                crate::params![story, id],
            )?;
        }
        for old in stories {
            crate::articles::refresh_story(tx, old)?;
        }
        let size = crate::articles::refresh_story(tx, story)?;
        crate::stories::review::review_if_due(tx, story, size, ids[7])
    })?;
    Ok((story, moved_to))
}

fn drift_report(outlet: &str, title: &str, hour: i64, text: &str) -> Article {
    let at = Utc
        .with_ymd_and_hms(2026, 3, 4, 7, 0, 0)
        .single()
        .expect("a valid constant date")
        + chrono::Duration::hours(hour);
    Article {
        title: title.into(),
        url: Some(format!("https://{outlet}.example/{hour}")),
        outlet: OutletRef {
            name: outlet.into(),
            domain: Some(format!("{outlet}.example")),
        },
        published_at: Some(at),
        text: text.into(),
        html: format!("<p>{text}</p>"),
        ..Article::default()
    }
}

/// Sentences about one event; each report tells three of them, so that no report is a
/// near-duplicate of another.
const QUAKE: [&str; 6] = [
    "A strong earthquake struck the island of Teralin before dawn on Tuesday.",
    "The Teralin earthquake damaged the harbour wall and cut power to the old town.",
    "Rescue teams searched houses the earthquake brought down near the Teralin lighthouse.",
    "The governor of Teralin closed schools after the earthquake while engineers inspect bridges.",
    "Seismologists measured the Teralin earthquake at magnitude 6.1, ten kilometres offshore.",
    "Hospitals on Teralin treated dozens of people injured in the earthquake by falling glass.",
];
const FERRY: [&str; 6] = [
    "The ferry company Nordlys will add a night ferry between Harvik and Port Avel.",
    "The new Nordlys ferry carries four hundred passengers and sixty cars from Harvik.",
    "Nordlys said ticket prices for the Harvik night ferry stay unchanged this summer.",
    "The Nordlys ferry timetable will be published once Harvik approves the berths.",
    "Hauliers welcomed the Nordlys night ferry from Harvik, which saves a day on deliveries.",
    "The Harvik port expects the Nordlys ferry berths to be ready by the end of May.",
];
/// Which three sentences each report tells: no two share more than two.
const PICKS: [[usize; 3]; 5] = [[0, 1, 2], [2, 3, 4], [4, 5, 0], [1, 3, 5], [0, 2, 4]];

fn drift_text(sentences: &[&str; 6], i: usize) -> String {
    PICKS[i % 5]
        .iter()
        .map(|&k| sentences[k])
        .collect::<Vec<_>>()
        .join(" ")
}
