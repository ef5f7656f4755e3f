//! Crash safety end to end: `tidings import` and `tidings fetch --once` are killed with SIGKILL
//! at seeded random points (early, middle and late), `tidings check` must pass after every kill,
//! and resuming to completion must give the same content as one uninterrupted run into a fresh
//! database — on SQLite always and on PostgreSQL when `TIDINGS_TEST_POSTGRES_URL` is set.
//!
//! What "the same content" promises, precisely: the same articles (by their identity key: URL,
//! else outlet + day + title), the same partition of articles into stories with the same
//! headlines and article/outlet counts, the same provenance links (republication → original),
//! the same entities with their kinds and the same article–entity links. Row ids are not
//! compared: PostgreSQL spends sequence values on transactions a kill rolled back. Story
//! assignment depends on the order articles arrive in; the promise holds because a resumed run
//! stores the not-yet-stored articles in the order the uninterrupted run did (import walks files
//! in name order; fetch here runs one feed at a time in due order) and an article stored again
//! keeps its story.

use axum::Router;
use axum::extract::Path as UrlPath;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::IntoResponse;
use axum::routing::get;
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};
use tidings_store::testing::{TestDatabase, notice};

mod common;

use common::{stderr, stdout, tidings};

/// Kill rounds per command and database: round r kills within the r-th fifth of the time an
/// uninterrupted run took, so early, middle and late points are all covered.
const ROUNDS: usize = 5;
const SEED: u64 = 0x7157_c0de;

/// One demo page split into the parts the generator recombines.
struct DemoPage {
    stem: String,
    week: String,
    /// Date line, NBSP line, blank line, tag lines and section line, as in the file.
    header: Vec<String>,
    title: String,
    outlet: String,
    date: String,
    paragraphs: Vec<String>,
}

fn demo_pages() -> Vec<DemoPage> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../demo/articles");
    let mut files: Vec<PathBuf> = std::fs::read_dir(&root)
        .unwrap()
        .flat_map(|w| std::fs::read_dir(w.unwrap().path()).unwrap())
        .map(|e| e.unwrap().path())
        .collect();
    files.sort();
    files.iter().filter_map(|f| parse_demo(f)).collect()
}

/// Reads the layout described in demo/README.md: header, headline, `by`, outlet, views,
/// comments, byline, body paragraphs, the outlet as sign-off, perhaps a republication note.
fn parse_demo(file: &Path) -> Option<DemoPage> {
    let text = std::fs::read_to_string(file).ok()?;
    let lines: Vec<&str> = text.lines().collect();
    let by = lines.iter().position(|l| *l == "by")?;
    let outlet = lines.get(by + 1)?.to_string();
    let headline = (0..by).rev().find(|&i| !lines[i].trim().is_empty())?;
    let body_start = by + 6;
    let paragraphs = lines[body_start.min(lines.len())..]
        .split(|l| l.trim().is_empty())
        .map(|p| p.join(" "))
        .take_while(|p| *p != outlet)
        .filter(|p| !p.is_empty())
        .collect();
    Some(DemoPage {
        stem: file.file_stem()?.to_string_lossy().into_owned(),
        week: file.parent()?.file_name()?.to_string_lossy().into_owned(),
        header: lines[..headline].iter().map(|l| l.to_string()).collect(),
        title: lines[headline].to_owned(),
        date: lines[0].split_whitespace().nth(1)?.to_owned(),
        outlet,
        paragraphs,
    })
}

/// Invented outlets that rewrite and republish the demo pages.
const OUTLETS: &[&str] = &[
    "Lirand Evening Star",
    "Korvanne Morning Bell",
    "Saltmere Tide",
    "Ossary Lantern",
    "Brackwater Signal",
    "Estwick Chronicle",
];

fn page_text(p: &DemoPage, title: &str, outlet: &str, body: &[String], note: &str) -> String {
    format!(
        "{}\n{title}\n\nby\n{outlet}\n120\n3\n\nBy Staff Reporter\n\n{}\n\n{outlet}\n{note}",
        p.header.join("\n"),
        body.join("\n\n")
    )
}

/// A few hundred article files: every demo page, a rewrite of each by another outlet (the same
/// event in other words, so stories gather several outlets), and two republications naming the
/// demo outlet as the original — one filed before the original, one after, so both a copy
/// finding its original and an original adopting its earlier copies happen.
fn write_corpus(dir: &Path) -> usize {
    let mut n = 0;
    for (i, p) in demo_pages().iter().enumerate() {
        let week = dir.join(&p.week);
        std::fs::create_dir_all(&week).unwrap();
        let mut write = |name: String, text: String| {
            std::fs::write(week.join(name), text).unwrap();
            n += 1;
        };
        let demo = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../demo/articles");
        let original = std::fs::read_to_string(demo.join(&p.week).join(format!("{}.txt", p.stem)));
        write(format!("{}.txt", p.stem), original.unwrap());
        let outlet = OUTLETS[(i + 1) % OUTLETS.len()];
        let mut body = p.paragraphs.clone();
        if body.len() > 3 {
            body.remove((i + 1) % body.len());
        }
        let title = format!("{} (report)", p.title);
        write(
            format!("{}-rewrite.txt", p.stem),
            page_text(p, &title, outlet, &body, ""),
        );
        let date = chrono::NaiveDate::parse_from_str(&p.date, "%Y-%m-%d").unwrap();
        let note = format!(
            "\n(Originally published by {} on {}.)\n",
            p.outlet,
            date.format("%-d %B")
        );
        for (k, name) in [
            (3, format!("0-{}-copy.txt", p.stem)),
            (4, format!("{}-copy.txt", p.stem)),
        ] {
            let outlet = OUTLETS[(i + k) % OUTLETS.len()];
            write(name, page_text(p, &p.title, outlet, &p.paragraphs, &note));
        }
    }
    n
}

/// What must be the same after a crash and a resumed run as after one uninterrupted run.
#[derive(Debug, PartialEq, Eq)]
struct Content {
    articles: BTreeSet<String>,
    /// Each story: headline, article count, outlet count, member article keys.
    stories: BTreeSet<(String, String, String, BTreeSet<String>)>,
    provenance: BTreeSet<(String, String)>,
    entities: BTreeSet<Vec<String>>,
    article_entities: BTreeSet<Vec<String>>,
    /// Each quote: article, position, speaker as written, the entity it was linked to.
    quotes: BTreeSet<Vec<String>>,
}

fn rows(db: &TestDatabase, sql: &str) -> Vec<Vec<String>> {
    let store = db.open().unwrap();
    store
        .query_raw(sql)
        .unwrap()
        .into_iter()
        .map(|r| r.into_iter().map(Option::unwrap_or_default).collect())
        .collect()
}

fn content(db: &TestDatabase) -> Content {
    let mut members: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for r in rows(
        db,
        "SELECT CAST(story_id AS TEXT), article_key FROM articles",
    ) {
        members
            .entry(r[0].clone())
            .or_default()
            .insert(r[1].clone());
    }
    let stories = rows(
        db,
        "SELECT CAST(id AS TEXT), headline, CAST(article_count AS TEXT), CAST(outlet_count AS TEXT) FROM stories",
    )
    .into_iter()
    .map(|r| {
        let m = members.remove(&r[0]).unwrap_or_default();
        (r[1].clone(), r[2].clone(), r[3].clone(), m)
    })
    .collect();
    Content {
        articles: rows(db, "SELECT article_key FROM articles")
            .into_iter()
            .map(|r| r[0].clone())
            .collect(),
        stories,
        provenance: rows(
            db,
            "SELECT a.article_key, o.article_key FROM articles a JOIN articles o ON o.id = a.original_article_id",
        )
        .into_iter()
        .map(|r| (r[0].clone(), r[1].clone()))
        .collect(),
        entities: rows(
            db,
            "SELECT e.slug, e.name, e.kind, COALESCE(m.slug, '') FROM entities e LEFT JOIN entities m ON m.id = e.merged_into",
        )
        .into_iter()
        .collect(),
        article_entities: rows(
            db,
            "SELECT a.article_key, e.slug, CAST(ae.mentions AS TEXT) FROM article_entities ae
             JOIN articles a ON a.id = ae.article_id JOIN entities e ON e.id = ae.entity_id",
        )
        .into_iter()
        .collect(),
        quotes: rows(
            db,
            "SELECT a.article_key, CAST(q.position AS TEXT), COALESCE(q.speaker, ''), COALESCE(e.slug, '')
             FROM quotes q JOIN articles a ON a.id = q.article_id
             LEFT JOIN entities e ON e.id = q.speaker_entity_id",
        )
        .into_iter()
        .collect(),
    }
}

/// Explains the first difference instead of dumping two large structures.
fn assert_same(name: &str, got: &Content, want: &Content) {
    let diff = |what: &str, a: usize, b: usize, same: bool| {
        assert!(
            same,
            "{name}: {what} differ after crash and resume (resumed {a}, uninterrupted {b})"
        );
    };
    diff(
        "articles",
        got.articles.len(),
        want.articles.len(),
        got.articles == want.articles,
    );
    if got.stories != want.stories {
        let only_got: Vec<_> = got.stories.difference(&want.stories).take(3).collect();
        let only_want: Vec<_> = want.stories.difference(&got.stories).take(3).collect();
        panic!(
            "{name}: stories differ after crash and resume ({} vs {} stories)\nonly resumed: {only_got:#?}\nonly uninterrupted: {only_want:#?}",
            got.stories.len(),
            want.stories.len()
        );
    }
    diff(
        "provenance links",
        got.provenance.len(),
        want.provenance.len(),
        got.provenance == want.provenance,
    );
    diff(
        "entities",
        got.entities.len(),
        want.entities.len(),
        got.entities == want.entities,
    );
    diff(
        "article-entity links",
        got.article_entities.len(),
        want.article_entities.len(),
        got.article_entities == want.article_entities,
    );
    if got.quotes != want.quotes {
        let only_got: Vec<_> = got.quotes.difference(&want.quotes).take(5).collect();
        let only_want: Vec<_> = want.quotes.difference(&got.quotes).take(5).collect();
        panic!(
            "{name}: quotes differ\nonly resumed: {only_got:?}\nonly uninterrupted: {only_want:?}"
        );
    }
}

fn command(db: &str, config: Option<&Path>, args: &[&str]) -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_tidings"));
    c.arg("--database-url").arg(db);
    if let Some(config) = config {
        c.arg("--config").arg(config);
    }
    c.args(args)
        .env_remove("TIDINGS_CONFIG")
        .current_dir(std::env::temp_dir())
        .stdout(Stdio::null())
        .stderr(Stdio::piped());
    c
}

/// Runs to completion; returns how long it took.
fn run_ok(db: &str, config: Option<&Path>, args: &[&str]) -> Duration {
    let started = Instant::now();
    let out = command(db, config, args).output().unwrap();
    assert!(out.status.success(), "{args:?}: {}", stderr(&out));
    started.elapsed()
}

/// Starts the command and SIGKILLs it (std's `Child::kill` is SIGKILL on Unix) once the
/// database holds `at` articles, `jitter` later, so the kill lands anywhere within the writes
/// that follow. Returns whether it was still running then and how many articles were stored.
fn run_killed(
    db: &TestDatabase,
    config: Option<&Path>,
    args: &[&str],
    at: usize,
    jitter: Duration,
) -> (bool, usize) {
    let store = db.open().unwrap();
    let stored = || usize::try_from(store.article_count().unwrap()).unwrap_or(0);
    let mut child = command(db.url(), config, args).spawn().unwrap();
    let deadline = Instant::now() + Duration::from_secs(300);
    while stored() < at {
        if child.try_wait().unwrap().is_some() || Instant::now() > deadline {
            let _ = child.wait();
            return (false, stored());
        }
        std::thread::sleep(Duration::from_millis(2));
    }
    std::thread::sleep(jitter);
    let killed = child.kill().is_ok() && child.wait().unwrap().code().is_none();
    (killed, stored())
}

/// A reference database and one to crash, of each kind available.
fn pairs() -> Vec<(TestDatabase, TestDatabase)> {
    let mut pairs = vec![(TestDatabase::sqlite(), TestDatabase::sqlite())];
    if let (Some(a), Some(b)) = (TestDatabase::postgres(), TestDatabase::postgres()) {
        pairs.push((a, b));
    }
    pairs
}

fn check_passes(db: &TestDatabase, when: &str) {
    let out = tidings(db.url(), &["check"]);
    assert!(
        out.status.success(),
        "{} {when}: tidings check failed:\n{}{}",
        db.name(),
        stdout(&out),
        stderr(&out)
    );
    if db.name() == "sqlite" {
        assert!(
            stdout(&out).contains("ok      SQLite integrity_check"),
            "{}",
            stdout(&out)
        );
    }
}

/// Kills `args` at ROUNDS seeded points, checking after each, then resumes to completion and
/// compares with an uninterrupted run. `prepare` readies each fresh database first.
fn crash_and_converge(
    what: &str,
    config: Option<&Path>,
    args: &[&str],
    expect_min: usize,
    prepare: impl Fn(&TestDatabase),
) {
    let mut rng = fastrand::Rng::with_seed(SEED);
    for (reference, crashed) in pairs() {
        prepare(&reference);
        prepare(&crashed);
        let elapsed = run_ok(reference.url(), config, args);
        let want = content(&reference);
        let total = want.articles.len();
        assert!(total >= expect_min, "{what}: only {total} articles stored");
        let mut kills = Vec::new();
        for round in 0..ROUNDS {
            // Round r stops the run within the r-th fifth of the articles.
            let at = ((round as f64 + rng.f64()) / ROUNDS as f64 * total as f64) as usize;
            let jitter = Duration::from_micros(rng.u64(0..20_000));
            let (killed, stored) = run_killed(&crashed, config, args, at.max(1), jitter);
            check_passes(
                &crashed,
                &format!("after kill {round} at {stored} articles"),
            );
            kills.push(format!(
                "{at}+{}ms → {stored}{}",
                jitter.as_millis(),
                if killed { "" } else { " (finished first)" }
            ));
        }
        run_ok(crashed.url(), config, args);
        check_passes(&crashed, "after the resumed run");
        let got = content(&crashed);
        notice(&format!(
            "{what} on {}: uninterrupted {:.1} s, {total} articles, {} stories, {} provenance links, {} entities, {} quotes; kills (target+jitter → stored) {}",
            reference.name(),
            elapsed.as_secs_f64(),
            want.stories.len(),
            want.provenance.len(),
            want.entities.len(),
            want.quotes.len(),
            kills.join(", ")
        ));
        assert_same(&format!("{what} on {}", reference.name()), &got, &want);
    }
}

#[test]
fn import_killed_at_random_points_converges_to_an_uninterrupted_run() {
    let dir = tempfile::tempdir().unwrap();
    let files = write_corpus(dir.path());
    assert!(files >= 200, "{files} files");
    let corpus = dir.path().to_str().unwrap().to_owned();
    crash_and_converge("import", None, &["import", &corpus], files * 9 / 10, |_| {});
}

/// The fixture outlets: `/feed/N.xml` for N in 0..FEEDS, each with ITEMS entries retelling demo
/// pages (several feeds carry the same event, in slightly different words).
const FEEDS: usize = 16;
const ITEMS: usize = 10;
const FEED_ETAG: &str = "\"v1\"";

fn xml_escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

fn feed_xml(pages: &[DemoPage], n: usize) -> String {
    let items: String = (0..ITEMS)
        .map(|i| {
            let p = &pages[(n * 7 + i * 5) % pages.len()];
            let mut body = p.paragraphs.clone();
            if body.len() > 3 {
                body.remove(n % body.len());
            }
            let html: String = body.iter().map(|b| format!("<p>{b}</p>")).collect();
            format!(
                "<item><title>{}</title><link>https://outlet{n}.example/{}</link><guid>https://outlet{n}.example/{}</guid>\
                 <pubDate>{}</pubDate><description>{}</description></item>",
                xml_escape(&p.title),
                p.stem,
                p.stem,
                rfc822(&p.date, n),
                xml_escape(&html)
            )
        })
        .collect();
    format!(
        "<?xml version=\"1.0\"?><rss version=\"2.0\"><channel><title>Fixture Outlet {n}</title>\
         <link>https://outlet{n}.example/</link>{items}</channel></rss>"
    )
}

fn rfc822(date: &str, hour: usize) -> String {
    chrono::NaiveDate::parse_from_str(date, "%Y-%m-%d")
        .unwrap()
        .and_hms_opt((hour % 24) as u32, 0, 0)
        .unwrap()
        .and_utc()
        .to_rfc2822()
}

/// Serves the fixture feeds on a free loopback port in a background thread; returns its base URL.
fn fixture_outlets() -> String {
    let pages = std::sync::Arc::new(demo_pages());
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    listener.set_nonblocking(true).unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    std::thread::spawn(move || {
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        rt.block_on(async move {
            let app = Router::new().route(
                "/feed/{n}",
                get(move |UrlPath(n): UrlPath<String>, headers: HeaderMap| {
                    let pages = pages.clone();
                    async move {
                        let n: usize = n.trim_end_matches(".xml").parse().unwrap_or(0);
                        // The feeds never change: a client that kept the ETag gets a 304.
                        if headers
                            .get(header::IF_NONE_MATCH)
                            .is_some_and(|v| v.as_bytes() == FEED_ETAG.as_bytes())
                        {
                            return StatusCode::NOT_MODIFIED.into_response();
                        }
                        (
                            [
                                (header::CONTENT_TYPE, "application/rss+xml"),
                                (header::ETAG, FEED_ETAG),
                            ],
                            feed_xml(&pages, n),
                        )
                            .into_response()
                    }
                }),
            );
            let listener = tokio::net::TcpListener::from_std(listener).unwrap();
            axum::serve(listener, app).await.unwrap();
        });
    });
    base
}

/// Starts the fixture outlets and writes, in `dir`, a configuration that may fetch them and an
/// OPML file that follows every feed; returns both paths.
fn fixture_feeds(dir: &Path) -> (PathBuf, String) {
    let base = fixture_outlets();
    let config = dir.join("tidings.toml");
    // One feed at a time: the order articles arrive in is then the due order, in every run.
    // Short timeouts: a killed run's feed leases (twice the total timeout) expire in seconds.
    std::fs::write(
        &config,
        "[fetch]\nallow_private = [\"127.0.0.1/32\"]\nhost_interval_ms = 0\nconcurrency = 1\nconnect_timeout_secs = 2\nread_timeout_secs = 3\ntotal_timeout_secs = 3\n",
    )
    .unwrap();
    let outlines: String = (0..FEEDS)
        .map(|n| {
            format!(
                "<outline type=\"rss\" text=\"Fixture Outlet {n}\" xmlUrl=\"{base}/feed/{n}.xml\"/>"
            )
        })
        .collect();
    let opml = dir.join("feeds.opml");
    std::fs::write(
        &opml,
        format!("<?xml version=\"1.0\"?><opml version=\"2.0\"><body>{outlines}</body></opml>"),
    )
    .unwrap();
    (config, opml.to_str().unwrap().to_owned())
}

#[test]
fn fetch_killed_at_random_points_converges_to_an_uninterrupted_run() {
    let dir = tempfile::tempdir().unwrap();
    let (config, opml) = fixture_feeds(dir.path());
    // Each database gets the same feeds before its first fetch (the OPML import is not what is
    // being crashed here).
    crash_and_converge(
        "fetch",
        Some(&config),
        &["fetch", "--once"],
        FEEDS * ITEMS * 9 / 10,
        |db| {
            run_ok(db.url(), Some(&config), &["opml", "import", &opml]);
        },
    );
}

/// A database that fills up (SQLite capped with `database_max_bytes`, i.e. `PRAGMA
/// max_page_count`, which needs no small disk) stops the import with a message naming the file
/// and "database or disk is full", exit 74 (EX_IOERR), and keeps everything stored before.
#[test]
fn a_full_database_stops_the_import_clearly_and_loses_nothing_stored() {
    let db = TestDatabase::sqlite();
    let demo = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../demo/articles/2026-W45");
    run_ok(db.url(), None, &["import", demo.to_str().unwrap()]);
    let before = content(&db).articles;
    let size = |db: &TestDatabase| -> u64 {
        let page = |sql| rows(db, sql)[0][0].parse::<u64>().unwrap();
        page("PRAGMA page_count") * page("PRAGMA page_size")
    };
    let cap = size(&db) + 256 * 1024;

    let dir = tempfile::tempdir().unwrap();
    let files = write_corpus(dir.path());
    let out = command(db.url(), None, &["import", dir.path().to_str().unwrap()])
        .env("TIDINGS_DATABASE_MAX_BYTES", cap.to_string())
        .output()
        .unwrap();
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(74), "{err}");
    let line = err
        .lines()
        .find(|l| l.contains("database or disk is full: "))
        .unwrap_or_else(|| panic!("no full-disk message: {err}"));
    assert!(
        line.contains(&dir.path().display().to_string()) && line.contains(".txt"),
        "names the file: {line}"
    );
    assert!(err.contains("stopped: the database is full"), "{err}");
    assert_eq!(
        err.matches("database or disk is full: ").count(),
        1,
        "stops at the first full write: {err}"
    );

    check_passes(&db, "after the database filled up");
    let after = content(&db).articles;
    assert!(before.is_subset(&after), "articles stored before are kept");
    assert!(
        after.len() > before.len() && after.len() < before.len() + files,
        "some of the corpus went in before the cap ({} → {})",
        before.len(),
        after.len()
    );
    assert!(size(&db) <= cap, "the cap held");
}

/// A database that fills up during a fetch fails that feed's fetch and keeps none of its
/// validators: once there is room again the next fetch gets the whole feed, not a 304 that
/// would hide the entries that did not fit, and every entry is stored.
#[test]
fn a_database_full_during_a_fetch_loses_no_entry() {
    let dir = tempfile::tempdir().unwrap();
    let (config, opml) = fixture_feeds(dir.path());
    let opml = opml.as_str();
    let reference = TestDatabase::sqlite();
    run_ok(reference.url(), Some(&config), &["opml", "import", opml]);
    run_ok(reference.url(), Some(&config), &["fetch", "--once"]);
    let want = content(&reference).articles;
    assert_eq!(want.len(), FEEDS * ITEMS);

    let db = TestDatabase::sqlite();
    run_ok(db.url(), Some(&config), &["opml", "import", opml]);
    let page = |sql| rows(&db, sql)[0][0].parse::<u64>().unwrap();
    let cap = page("PRAGMA page_count") * page("PRAGMA page_size") + 512 * 1024;
    let full = command(db.url(), Some(&config), &["fetch", "--once"])
        .env("TIDINGS_DATABASE_MAX_BYTES", cap.to_string())
        .output()
        .unwrap();
    let stored = content(&db).articles;
    assert!(
        !stored.is_empty() && stored.len() < want.len(),
        "the cap stopped the fetch part way: {} of {} stored; {}",
        stored.len(),
        want.len(),
        stderr(&full)
    );
    assert!(
        stderr(&full).contains("database or disk is full, articles not stored"),
        "the full database is named: {}",
        stderr(&full)
    );
    check_passes(&db, "after the database filled up during a fetch");
    refetch_stores_every_entry(&db, &config, &want);
}

/// Makes every feed due and fetches once more: now that there is room, every entry is stored.
fn refetch_stores_every_entry(db: &TestDatabase, config: &Path, want: &BTreeSet<String>) {
    let store = db.open().unwrap();
    for feed in store.feeds().unwrap() {
        store.fetch_feed_now(feed.id).unwrap();
    }
    drop(store);
    run_ok(db.url(), Some(config), &["fetch", "--once"]);
    assert_eq!(
        &content(db).articles,
        want,
        "every entry stored once there was room"
    );
}

/// A small disk for PostgreSQL: a tmpfs mounted here and made a tablespace of the server, so a
/// test database can fill up without filling the machine. Dropped after the databases in it.
struct SmallDisk {
    path: PathBuf,
    tablespace: String,
    admin_url: String,
}

impl SmallDisk {
    /// `None`, with a notice, where it cannot be made: no PostgreSQL configured, a server on
    /// another machine (the tablespace must be a folder of the server's), no right to mount.
    fn new(bytes: u64) -> Option<Self> {
        let skip = |why: &str| {
            notice(&format!("skipping the PostgreSQL full-disk test: {why}"));
            None
        };
        let Some(admin_url) = TestDatabase::postgres_url() else {
            return skip("TIDINGS_TEST_POSTGRES_URL is not set");
        };
        if !(admin_url.contains("@127.0.0.1") || admin_url.contains("@localhost")) {
            return skip("the PostgreSQL server is not on this machine");
        }
        let id = |flag: &str| {
            let out = Command::new("id").args([flag, "postgres"]).output().ok()?;
            String::from_utf8(out.stdout)
                .ok()?
                .trim()
                .parse::<u32>()
                .ok()
        };
        let (Some(uid), Some(gid)) = (id("-u"), id("-g")) else {
            return skip("there is no postgres user here");
        };
        let tablespace = format!("tidings_small_disk_{}", std::process::id());
        let path = std::env::temp_dir().join(&tablespace);
        std::fs::create_dir_all(&path).ok()?;
        let mounted = Command::new("mount")
            .args(["-t", "tmpfs", "-o"])
            .arg(format!("size={bytes},uid={uid},gid={gid},mode=0700"))
            .args(["tmpfs"])
            .arg(&path)
            .output()
            .is_ok_and(|o| o.status.success());
        if !mounted {
            let _ = std::fs::remove_dir(&path);
            return skip("cannot mount a tmpfs (needs root)");
        }
        let disk = Self {
            path,
            tablespace,
            admin_url,
        };
        disk.admin(&format!(
            "CREATE TABLESPACE {} LOCATION '{}'",
            disk.tablespace,
            disk.path.display()
        ));
        Some(disk)
    }

    fn admin(&self, sql: &str) -> Vec<r2d2_postgres::postgres::Row> {
        let mut client = r2d2_postgres::postgres::Client::connect(
            &self.admin_url,
            r2d2_postgres::postgres::NoTls,
        )
        .unwrap();
        client
            .query(sql, &[])
            .unwrap_or_else(|e| panic!("{sql}: {e}"))
    }

    /// Bytes the tablespace holds.
    fn used(&self) -> u64 {
        let rows = self.admin(&format!("SELECT pg_tablespace_size('{}')", self.tablespace));
        u64::try_from(rows[0].get::<_, i64>(0)).unwrap()
    }

    fn resize(&self, bytes: u64) {
        let out = Command::new("mount")
            .args(["-o", &format!("remount,size={bytes}")])
            .arg(&self.path)
            .output()
            .unwrap();
        assert!(out.status.success(), "remount: {}", stderr(&out));
    }
}

impl Drop for SmallDisk {
    fn drop(&mut self) {
        let _ = std::panic::catch_unwind(|| {
            self.admin(&format!("DROP TABLESPACE IF EXISTS {}", self.tablespace))
        });
        let _ = Command::new("umount").arg(&self.path).output();
        let _ = std::fs::remove_dir(&self.path);
    }
}

/// Bytes of the tables (with their indexes and TOAST) of a test database's schema.
fn schema_bytes(db: &TestDatabase) -> u64 {
    rows(
        db,
        "SELECT CAST(COALESCE(SUM(pg_total_relation_size(c.oid)), 0) AS TEXT) FROM pg_class c
         JOIN pg_namespace n ON n.oid = c.relnamespace
         WHERE n.nspname = current_schema() AND c.relkind = 'r'",
    )[0][0]
        .parse()
        .unwrap()
}

/// PostgreSQL out of disk space during a fetch: the fetches that fail keep no validators, what
/// was stored stays consistent, and once there is room every entry is stored.
#[test]
fn a_full_disk_on_postgresql_loses_no_entry() {
    const ROOMY: u64 = 64 << 20;
    let Some(disk) = SmallDisk::new(ROOMY) else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let (config, opml) = fixture_feeds(dir.path());
    let opml = opml.as_str();
    let reference = TestDatabase::postgres().expect("configured, as SmallDisk checked");
    run_ok(reference.url(), Some(&config), &["opml", "import", opml]);
    let imported = schema_bytes(&reference);
    run_ok(reference.url(), Some(&config), &["fetch", "--once"]);
    let growth = schema_bytes(&reference) - imported;
    let want = content(&reference).articles;
    assert_eq!(want.len(), FEEDS * ITEMS);

    let db = TestDatabase::postgres_with(&[("default_tablespace", &disk.tablespace)]).unwrap();
    run_ok(db.url(), Some(&config), &["opml", "import", opml]);
    // Room for about half of what the fetch writes (tmpfs sizes are whole pages).
    disk.resize((disk.used() + growth / 2).div_ceil(4096) * 4096);
    let full = command(db.url(), Some(&config), &["fetch", "--once"])
        .output()
        .unwrap();
    disk.resize(ROOMY);
    let stored = content(&db).articles;
    assert!(
        !stored.is_empty() && stored.len() < want.len(),
        "the disk filled part way: {} of {} stored; {}",
        stored.len(),
        want.len(),
        stderr(&full)
    );
    assert!(
        stderr(&full).contains("database or disk is full, articles not stored"),
        "the full disk is named: {}",
        stderr(&full)
    );
    check_passes(&db, "after the disk filled up during a fetch");
    refetch_stores_every_entry(&db, &config, &want);
}
