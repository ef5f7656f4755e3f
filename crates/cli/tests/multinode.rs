//! Several nodes on one PostgreSQL database: two `serve --role worker` processes and one
//! `serve --role web` against a fixture of outlets on loopback hosts (127.0.0.2, .3, …, one
//! outlet per host) with hundreds of feeds whose items report shared events. One worker is
//! killed with SIGKILL mid-run; the test then checks that every article is stored exactly once,
//! that no feed (nor host) was ever fetched by two nodes at once, that the stories are the same
//! as a single-node run of the same input, and that the web node served throughout.
//!
//! Runs only when `TIDINGS_TEST_POSTGRES_URL` is set (CI sets it); passes with a notice
//! otherwise.

use axum::Router;
use axum::extract::{Path as UrlPath, State};
use axum::http::{StatusCode, header};
use axum::response::IntoResponse;
use axum::routing::get;
use r2d2_postgres::postgres;
use std::collections::{BTreeSet, HashMap};
use std::io::{BufRead, BufReader, Read, Write};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use tidings_store::testing::TestDatabase;

/// Outlets, each on a loopback host of its own.
const OUTLETS: usize = 10;
/// Feeds per outlet.
const FEEDS: usize = 20;
/// Events reported across outlets; each outlet covers half of them.
const EVENTS: usize = 60;
/// Distinct words of one event's vocabulary.
const VOCABULARY: usize = 40;
/// Words per article: above the extractor's summary threshold, so no article page is fetched.
const WORDS: usize = 170;

const SYLLABLES: [&str; 16] = [
    "ka", "lo", "mi", "ren", "tus", "vo", "zen", "bri", "dal", "fen", "gor", "hul", "jat", "pim",
    "quo", "sel",
];

/// A made-up word, unique to (event, k): events share no vocabulary, so the right partition
/// into stories does not depend on the order articles arrive in.
fn word(event: usize, k: usize) -> String {
    [event / 16, event % 16, k / 16, k % 16]
        .iter()
        .map(|&i| SYLLABLES[i])
        .collect()
}

/// The events outlet `o` reports: every other one, starting at its parity.
fn coverage(o: usize) -> Vec<usize> {
    (0..EVENTS).filter(|e| (e + o).is_multiple_of(2)).collect()
}

/// The events feed `f` of outlet `o` carries: two of the outlet's, so several articles appear
/// in two feeds of one outlet (two nodes may fetch them at once).
fn feed_events(o: usize, f: usize) -> [usize; 2] {
    let c = coverage(o);
    [c[f % c.len()], c[(f + 11) % c.len()]]
}

fn article_text(o: usize, e: usize) -> String {
    let mut state = (o * 7919 + e * 104_729 + 1) as u64;
    (0..WORDS)
        .map(|_| {
            state = state
                .wrapping_mul(6_364_136_223_846_793_005)
                .wrapping_add(1_442_695_040_888_963_407);
            word(e, (state >> 33) as usize % VOCABULARY)
        })
        .collect::<Vec<_>>()
        .join(" ")
}

/// What the fixture saw: requests in flight and the most ever in flight, per path and per host.
#[derive(Default)]
struct Seen {
    in_flight: HashMap<String, usize>,
    max: HashMap<String, usize>,
    feed_requests: usize,
}

struct Outlet {
    index: usize,
    base: String,
    published: String,
    seen: Arc<Mutex<Seen>>,
}

impl Outlet {
    fn enter(&self, keys: &[String]) {
        let mut seen = self.seen.lock().unwrap();
        for k in keys {
            let n = seen.in_flight.entry(k.clone()).or_default();
            *n += 1;
            let n = *n;
            let max = seen.max.entry(k.clone()).or_default();
            *max = (*max).max(n);
        }
    }

    fn leave(&self, keys: &[String]) {
        let mut seen = self.seen.lock().unwrap();
        for k in keys {
            if let Some(n) = seen.in_flight.get_mut(k) {
                *n -= 1;
            }
        }
    }

    fn rss(&self, f: usize) -> String {
        let items: String = feed_events(self.index, f)
            .iter()
            .map(|&e| {
                let title: Vec<String> = (0..4).map(|k| word(e, k)).collect();
                format!(
                    "<item><title>{}</title><link>{base}/a/{e}</link><guid>{base}/a/{e}</guid>\
                     <pubDate>{published}</pubDate><description>&lt;p&gt;{}&lt;/p&gt;</description></item>",
                    title.join(" "),
                    article_text(self.index, e),
                    base = self.base,
                    published = self.published,
                )
            })
            .collect();
        format!(
            "<?xml version=\"1.0\"?><rss version=\"2.0\"><channel><title>Outlet {o}</title>\
             <link>{base}/</link>{items}</channel></rss>",
            o = self.index,
            base = self.base
        )
    }
}

/// Leaves the in-flight count when dropped, however the request ended.
struct InFlight<'a>(&'a Outlet, &'a [String]);

impl Drop for InFlight<'_> {
    fn drop(&mut self) {
        self.0.leave(self.1);
    }
}

async fn feed(
    State(outlet): State<Arc<Outlet>>,
    UrlPath(file): UrlPath<String>,
) -> impl IntoResponse {
    let keys = [
        format!("{}/feeds/{file}", outlet.base),
        format!("host {}", outlet.index),
    ];
    outlet.enter(&keys);
    // A request ends when its handler is dropped too: hyper drops it when the client goes away
    // mid-request (the SIGKILLed worker), and that request is no longer in flight.
    let _in_flight = InFlight(&outlet, &keys);
    outlet.seen.lock().unwrap().feed_requests += 1;
    // Long enough that two overlapping fetches of one feed or host would be seen.
    tokio::time::sleep(Duration::from_millis(25)).await;
    let body = file
        .strip_suffix(".xml")
        .and_then(|n| n.parse::<usize>().ok())
        .filter(|&n| n < FEEDS)
        .map(|n| outlet.rss(n));
    match body {
        Some(b) => ([(header::CONTENT_TYPE, "application/rss+xml")], b).into_response(),
        None => StatusCode::NOT_FOUND.into_response(),
    }
}

/// Starts one outlet per loopback host; returns their base URLs and what they saw.
fn fixture(seen: &Arc<Mutex<Seen>>) -> Vec<String> {
    let published = (chrono::Utc::now() - chrono::Duration::hours(2)).to_rfc2822();
    let mut bases = Vec::new();
    let mut apps = Vec::new();
    for o in 0..OUTLETS {
        let listener = std::net::TcpListener::bind(format!("127.0.0.{}:0", o + 2)).unwrap();
        listener.set_nonblocking(true).unwrap();
        let base = format!("http://{}", listener.local_addr().unwrap());
        let outlet = Arc::new(Outlet {
            index: o,
            base: base.clone(),
            published: published.clone(),
            seen: seen.clone(),
        });
        let app = Router::new()
            .route("/feeds/{file}", get(feed))
            .route("/robots.txt", get(|| async { "User-agent: *\nAllow: /\n" }))
            .with_state(outlet);
        bases.push(base);
        apps.push((listener, app));
    }
    std::thread::spawn(move || {
        let rt = tokio::runtime::Runtime::new().unwrap();
        rt.block_on(async move {
            let mut tasks = Vec::new();
            for (listener, app) in apps {
                let listener = tokio::net::TcpListener::from_std(listener).unwrap();
                tasks.push(tokio::spawn(
                    async move { axum::serve(listener, app).await },
                ));
            }
            for t in tasks {
                let _ = t.await;
            }
        });
    });
    bases
}

fn expected_urls(bases: &[String]) -> BTreeSet<String> {
    let mut urls = BTreeSet::new();
    for (o, base) in bases.iter().enumerate() {
        for f in 0..FEEDS {
            for e in feed_events(o, f) {
                urls.insert(format!("{base}/a/{e}"));
            }
        }
    }
    urls
}

/// The stories as a partition of article URLs (story ids differ between databases).
fn partition(client: &mut postgres::Client) -> BTreeSet<Vec<String>> {
    let mut stories: HashMap<i64, Vec<String>> = HashMap::new();
    for r in client
        .query("SELECT story_id, url FROM articles ORDER BY url", &[])
        .unwrap()
    {
        stories
            .entry(r.get::<_, Option<i64>>(0).unwrap_or(-1))
            .or_default()
            .push(r.get(1));
    }
    stories.into_values().collect()
}

fn client(db: &TestDatabase) -> postgres::Client {
    postgres::Client::connect(db.url(), postgres::NoTls).unwrap()
}

fn add_feeds(db: &TestDatabase, bases: &[String]) {
    let store = db.open().unwrap();
    for (o, base) in bases.iter().enumerate() {
        for f in 0..FEEDS {
            store
                .add_feed(&tidings_store::NewFeed {
                    url: format!("{base}/feeds/{f}.xml"),
                    outlet: tidings_model::OutletRef {
                        name: format!("Outlet {o}"),
                        domain: None,
                    },
                    ..tidings_store::NewFeed::default()
                })
                .unwrap();
        }
    }
}

const CONFIG: &str = "[fetch]\nallow_private = [\"127.0.0.0/8\"]\nhost_interval_ms = 20\n\
    connect_timeout_secs = 2\nread_timeout_secs = 2\ntotal_timeout_secs = 3\nconcurrency = 6\n";

/// The database URL the nodes use: their connections carry an application name, so that the
/// test can cut them (`pg_terminate_backend`) as a database restart would.
fn node_url(db: &TestDatabase) -> String {
    format!("{}&application_name={}", db.url(), app_name())
}

fn app_name() -> String {
    format!("tidings_multinode_{}", std::process::id())
}

fn tidings(db: &TestDatabase, config: &std::path::Path) -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_tidings"));
    c.arg("--database-url")
        .arg(node_url(db))
        .arg("--config")
        .arg(config)
        .env_remove("TIDINGS_CONFIG")
        .env("TIDINGS_LOG", "warn")
        .current_dir(std::env::temp_dir());
    c
}

/// Child processes, killed when the test ends however it ends.
#[derive(Default)]
struct Nodes(Vec<Child>);

impl Drop for Nodes {
    fn drop(&mut self) {
        for c in &mut self.0 {
            let _ = c.kill();
            let _ = c.wait();
        }
    }
}

/// Starts `tidings serve ARGS` and waits for the address it listens on.
fn serve(nodes: &mut Nodes, mut cmd: Command, args: &[&str]) -> (usize, String) {
    let mut child = cmd
        .arg("serve")
        .args(["--addr", "127.0.0.1:0"])
        .args(args)
        .stderr(Stdio::piped())
        .stdout(Stdio::null())
        .spawn()
        .unwrap();
    let stderr = child.stderr.take().unwrap();
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stderr).lines().map_while(Result::ok) {
            if let Some(at) = line.find("http://") {
                let _ = tx.send(line[at + 7..].trim_end_matches('/').to_owned());
            } else {
                eprintln!("node: {line}");
            }
        }
    });
    let addr = rx
        .recv_timeout(Duration::from_secs(30))
        .expect("node printed its address");
    nodes.0.push(child);
    (nodes.0.len() - 1, addr)
}

/// Status code of `GET path` on `addr`, or 0 when there was no answer.
fn get_status(addr: &str, path: &str) -> u16 {
    let Ok(mut s) = std::net::TcpStream::connect(addr) else {
        return 0;
    };
    let _ = s.set_read_timeout(Some(Duration::from_secs(10)));
    let _ = write!(s, "GET {path} HTTP/1.0\r\nHost: {addr}\r\n\r\n");
    let mut head = [0u8; 12];
    if s.read_exact(&mut head).is_err() {
        return 0;
    }
    String::from_utf8_lossy(&head[9..12]).parse().unwrap_or(0)
}

fn wait_until(what: &str, limit: Duration, mut done: impl FnMut() -> bool) {
    let start = Instant::now();
    while !done() {
        assert!(start.elapsed() < limit, "timed out waiting for {what}");
        std::thread::sleep(Duration::from_millis(200));
    }
}

fn unfetched(c: &mut postgres::Client) -> i64 {
    c.query_one(
        "SELECT COUNT(*) FROM feeds WHERE last_success_at IS NULL",
        &[],
    )
    .unwrap()
    .get(0)
}

#[test]
fn two_workers_and_a_web_node_share_one_database() {
    let Some(db) = TestDatabase::postgres() else {
        return;
    };
    let Some(single) = TestDatabase::postgres() else {
        return;
    };
    let started = Instant::now();
    let seen = Arc::new(Mutex::new(Seen::default()));
    let bases = fixture(&seen);
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("tidings.toml");
    std::fs::write(&config, CONFIG).unwrap();
    add_feeds(&db, &bases);

    let mut nodes = Nodes::default();
    let (_, web) = serve(&mut nodes, tidings(&db, &config), &["--role", "web"]);
    let (first, first_addr) = serve(&mut nodes, tidings(&db, &config), &["--role", "worker"]);
    let (_, second_addr) = serve(&mut nodes, tidings(&db, &config), &["--role", "worker"]);
    assert_eq!(
        get_status(&first_addr, "/healthz"),
        200,
        "a worker answers /healthz"
    );
    assert_eq!(
        get_status(&second_addr, "/"),
        404,
        "a worker serves no pages"
    );

    // The web node is polled all along.
    let stop = Arc::new(AtomicBool::new(false));
    let polls = Arc::new(AtomicUsize::new(0));
    let failures = Arc::new(Mutex::new(Vec::new()));
    let poller = {
        let (stop, polls, failures, web) =
            (stop.clone(), polls.clone(), failures.clone(), web.clone());
        std::thread::spawn(move || {
            while !stop.load(Ordering::Relaxed) {
                for path in ["/healthz", "/"] {
                    let status = get_status(&web, path);
                    if status != 200 {
                        failures
                            .lock()
                            .unwrap()
                            .push((Instant::now(), path, status));
                    }
                }
                polls.fetch_add(1, Ordering::Relaxed);
                std::thread::sleep(Duration::from_millis(100));
            }
        })
    };

    let total = (OUTLETS * FEEDS) as i64;
    let mut pg = client(&db);
    wait_until("a third of the feeds", Duration::from_secs(40), || {
        unfetched(&mut pg) <= total * 2 / 3
    });
    nodes.0[first].kill().unwrap();
    nodes.0[first].wait().unwrap();
    let left_at_kill = unfetched(&mut pg);
    // The database "restarts" for the surviving nodes: every connection they hold is cut.
    let cut_at = Instant::now();
    let cut = pg
        .query(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = $1",
            &[&app_name()],
        )
        .unwrap()
        .len();
    assert!(cut > 0, "the nodes' connections were found");
    wait_until("every feed fetched", Duration::from_secs(60), || {
        unfetched(&mut pg) == 0
    });
    stop.store(true, Ordering::Relaxed);
    poller.join().unwrap();
    let multi_secs = started.elapsed().as_secs_f64();
    drop(nodes);

    let expected = expected_urls(&bases);
    let stored: Vec<String> = pg
        .query("SELECT url FROM articles ORDER BY url", &[])
        .unwrap()
        .iter()
        .map(|r| r.get(0))
        .collect();
    assert_eq!(
        stored.len(),
        expected.len(),
        "every article stored exactly once"
    );
    assert_eq!(
        stored.iter().cloned().collect::<BTreeSet<_>>(),
        expected,
        "the articles of the feeds, no other"
    );
    {
        let seen = seen.lock().unwrap();
        let overlapping: Vec<(&String, &usize)> =
            seen.max.iter().filter(|(_, n)| **n > 1).collect();
        assert!(
            overlapping.is_empty(),
            "fetched by two at once: {overlapping:?}"
        );
    }
    let failures = failures.lock().unwrap().clone();
    let polls = polls.load(Ordering::Relaxed);
    assert!(polls >= 5, "the web node was polled ({polls} times)");
    // Only requests caught by the cut may fail, and then as "unavailable", never as a crash.
    let bad: Vec<_> = failures
        .iter()
        .filter(|(at, _, status)| {
            *status != 503 || *at < cut_at || at.duration_since(cut_at) > Duration::from_secs(3)
        })
        .map(|(at, path, status)| (at.saturating_duration_since(cut_at), path, status))
        .collect();
    assert!(
        bad.is_empty(),
        "the web node failed: {bad:?} (since the cut)"
    );

    // The same input through one node.
    add_feeds(&single, &bases);
    let out = tidings(&single, &config)
        .args(["fetch", "--once"])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let mut one = client(&single);
    assert_eq!(unfetched(&mut one), 0, "the single node fetched every feed");
    let multi = partition(&mut pg);
    let reference = partition(&mut one);
    assert_eq!(multi.len(), EVENTS, "one story per event");
    assert_eq!(multi, reference, "stories as a single node makes them");
    let requests = seen.lock().unwrap().feed_requests;
    eprintln!(
        "multinode: {total} feeds, {} articles, {} stories; {left_at_kill} feeds left when a worker \
         was killed; {requests} feed requests in all; {polls} web polls ({} answered 503 after {cut} connections were cut); two-node phase {multi_secs:.1} s, \
         whole test {:.1} s",
        stored.len(),
        multi.len(),
        failures.len(),
        started.elapsed().as_secs_f64()
    );
}
