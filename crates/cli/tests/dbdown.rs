//! A node whose PostgreSQL goes away: the node reaches the database through a TCP proxy the
//! test closes (connections refused), cuts (every open connection reset) and reopens, as a
//! database restart or a network partition would.
//!
//! - At start, with the database unreachable, `serve` waits (logging each try) instead of
//!   exiting, and comes up once the database answers; with `database_wait_secs = 0` it exits at
//!   once with EX_UNAVAILABLE (69), as before.
//! - Mid-run, the site answers 503 (not 500) while the database is away, the node does not
//!   exit, and once the database is back the site answers again and the fetch loop fetches a
//!   feed added during the outage.
//!
//! Runs only when `TIDINGS_TEST_POSTGRES_URL` is set (CI sets it); passes with a notice
//! otherwise.

use axum::Router;
use axum::extract::Path as UrlPath;
use axum::http::header;
use axum::response::IntoResponse;
use axum::routing::get;
use r2d2_postgres::postgres;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{Shutdown, SocketAddr, TcpListener, TcpStream};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use tidings_store::testing::TestDatabase;

// ---- The proxy ----------------------------------------------------------------------------

/// A TCP proxy to PostgreSQL that can stop listening (new connections are refused) and cut
/// every connection it carries.
struct Proxy {
    addr: SocketAddr,
    open: Arc<AtomicBool>,
    conns: Arc<Mutex<Vec<TcpStream>>>,
    stop: Arc<AtomicBool>,
}

impl Proxy {
    /// A proxy to `upstream`, closed: its port is chosen but nothing listens on it yet.
    fn closed(upstream: SocketAddr) -> Proxy {
        let addr = TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap();
        let proxy = Proxy {
            addr,
            open: Arc::new(AtomicBool::new(false)),
            conns: Arc::default(),
            stop: Arc::default(),
        };
        let (open, conns, stop) = (proxy.open.clone(), proxy.conns.clone(), proxy.stop.clone());
        std::thread::spawn(move || {
            let mut listener: Option<TcpListener> = None;
            while !stop.load(Ordering::Relaxed) {
                if !open.load(Ordering::Relaxed) {
                    // Nothing listens: the kernel refuses connections (ECONNREFUSED).
                    listener = None;
                    std::thread::sleep(Duration::from_millis(10));
                    continue;
                }
                let l = listener.get_or_insert_with(|| {
                    let l = TcpListener::bind(addr).expect("proxy port free again");
                    l.set_nonblocking(true).unwrap();
                    l
                });
                match l.accept() {
                    Ok((client, _)) => relay(client, upstream, &conns),
                    Err(_) => std::thread::sleep(Duration::from_millis(10)),
                }
            }
        });
        proxy
    }

    fn url(&self, db_url: &str) -> String {
        db_url.replacen(&upstream_of(db_url).to_string(), &self.addr.to_string(), 1)
    }

    fn open(&self) {
        self.open.store(true, Ordering::Relaxed);
    }

    /// Stops listening and resets every connection: the database is gone.
    fn cut(&self) {
        self.open.store(false, Ordering::Relaxed);
        for c in self.conns.lock().unwrap().drain(..) {
            let _ = c.shutdown(Shutdown::Both);
        }
    }
}

impl Drop for Proxy {
    fn drop(&mut self) {
        self.cut();
        self.stop.store(true, Ordering::Relaxed);
    }
}

/// Copies bytes both ways between `client` and a new connection to `upstream`.
fn relay(client: TcpStream, upstream: SocketAddr, conns: &Mutex<Vec<TcpStream>>) {
    let _ = client.set_nonblocking(false);
    let Ok(server) = TcpStream::connect(upstream) else {
        return;
    };
    {
        let mut conns = conns.lock().unwrap();
        conns.push(client.try_clone().unwrap());
        conns.push(server.try_clone().unwrap());
    }
    for (mut from, mut to) in [
        (client.try_clone().unwrap(), server.try_clone().unwrap()),
        (server, client),
    ] {
        std::thread::spawn(move || {
            let _ = std::io::copy(&mut from, &mut to);
            let _ = to.shutdown(Shutdown::Both);
            let _ = from.shutdown(Shutdown::Both);
        });
    }
}

/// `host:port` of a `postgres://user@host:port/db?…` URL.
fn upstream_of(url: &str) -> SocketAddr {
    let rest = &url[url.find("://").unwrap() + 3..];
    let authority = &rest[..rest.find(['/', '?']).unwrap_or(rest.len())];
    let hostport = authority.rsplit('@').next().unwrap();
    let hostport = if hostport.contains(':') {
        hostport.to_owned()
    } else {
        format!("{hostport}:5432")
    };
    std::net::ToSocketAddrs::to_socket_addrs(&hostport)
        .unwrap()
        .next()
        .unwrap()
}

// ---- A feed to fetch ------------------------------------------------------------------------

/// One article per feed, long enough that its page is not fetched.
fn rss(base: &str, n: usize) -> String {
    let words: Vec<String> = (0..170).map(|i| format!("word{n}x{i}")).collect();
    let published = (chrono::Utc::now() - chrono::Duration::hours(1)).to_rfc2822();
    format!(
        "<?xml version=\"1.0\"?><rss version=\"2.0\"><channel><title>Feed {n}</title>\
         <link>{base}/</link><item><title>Story number {n}</title><link>{base}/a/{n}</link>\
         <guid>{base}/a/{n}</guid><pubDate>{published}</pubDate>\
         <description>&lt;p&gt;{}&lt;/p&gt;</description></item></channel></rss>",
        words.join(" ")
    )
}

/// The feed that answers only when the test says so (or after 5 s): the database is cut while
/// it is being fetched, so its articles arrive with no database to store them in.
const SLOW_FEED: usize = 2;
static SLOW_FEED_ASKED: AtomicBool = AtomicBool::new(false);
static SLOW_FEED_GO: AtomicBool = AtomicBool::new(false);

/// Serves `/feeds/N.xml` on `ip`; returns the base URL.
fn fixture(ip: &str) -> String {
    let listener = std::net::TcpListener::bind((ip, 0)).unwrap();
    listener.set_nonblocking(true).unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let b = base.clone();
    let app = Router::new()
        .route(
            "/feeds/{file}",
            get(move |UrlPath(file): UrlPath<String>| {
                let b = b.clone();
                async move {
                    let n: usize = file.trim_end_matches(".xml").parse().unwrap_or(0);
                    if n == SLOW_FEED {
                        SLOW_FEED_ASKED.store(true, Ordering::Relaxed);
                        let asked = Instant::now();
                        while !SLOW_FEED_GO.load(Ordering::Relaxed)
                            && asked.elapsed() < Duration::from_secs(5)
                        {
                            tokio::time::sleep(Duration::from_millis(10)).await;
                        }
                    }
                    ([(header::CONTENT_TYPE, "application/rss+xml")], rss(&b, n)).into_response()
                }
            }),
        )
        .route("/robots.txt", get(|| async { "User-agent: *\nAllow: /\n" }));
    std::thread::spawn(move || {
        let rt = tokio::runtime::Runtime::new().unwrap();
        rt.block_on(async move {
            let listener = tokio::net::TcpListener::from_std(listener).unwrap();
            let _ = axum::serve(listener, app).await;
        });
    });
    base
}

fn add_feed(db: &TestDatabase, base: &str, n: usize) {
    db.open()
        .unwrap()
        .add_feed(&tidings_store::NewFeed {
            url: format!("{base}/feeds/{n}.xml"),
            outlet: tidings_model::OutletRef {
                name: format!("Outlet {n}"),
                domain: None,
            },
            ..tidings_store::NewFeed::default()
        })
        .unwrap();
}

fn stored(pg: &mut postgres::Client, base: &str, n: usize) -> bool {
    pg.query_one(
        "SELECT COUNT(*) FROM articles WHERE url = $1",
        &[&format!("{base}/a/{n}")],
    )
    .unwrap()
    .get::<_, i64>(0)
        == 1
}

// ---- The node -------------------------------------------------------------------------------

const CONFIG: &str = "[fetch]\nallow_private = [\"127.0.0.0/8\"]\nhost_interval_ms = 20\n\
    connect_timeout_secs = 2\nread_timeout_secs = 6\ntotal_timeout_secs = 8\n";

/// A running `tidings serve`, killed when dropped; its stderr is kept line by line.
struct Node {
    child: Child,
    log: Arc<Mutex<Vec<String>>>,
    addr: std::sync::mpsc::Receiver<String>,
}

impl Node {
    fn start(url: &str, config: &std::path::Path, wait_secs: u64) -> Node {
        let mut child = Command::new(env!("CARGO_BIN_EXE_tidings"))
            .args(["--database-url", url, "--config"])
            .arg(config)
            .args(["serve", "--addr", "127.0.0.1:0"])
            .env_remove("TIDINGS_CONFIG")
            .env("TIDINGS_DATABASE_WAIT_SECS", wait_secs.to_string())
            .env("TIDINGS_LOG", "warn,tidings=info,tidings_store=info")
            .current_dir(std::env::temp_dir())
            .stderr(Stdio::piped())
            .stdout(Stdio::null())
            .spawn()
            .unwrap();
        let stderr = child.stderr.take().unwrap();
        let log = Arc::new(Mutex::new(Vec::new()));
        let (tx, addr) = std::sync::mpsc::channel();
        let lines = log.clone();
        std::thread::spawn(move || {
            for line in BufReader::new(stderr).lines().map_while(Result::ok) {
                if line.contains("is serving on http://") {
                    let at = line.find("http://").unwrap();
                    let _ = tx.send(line[at + 7..].trim_end_matches('/').to_owned());
                }
                lines.lock().unwrap().push(line);
            }
        });
        Node { child, log, addr }
    }

    fn running(&mut self) -> bool {
        self.child.try_wait().unwrap().is_none()
    }

    fn logged(&self, what: &str) -> usize {
        self.log
            .lock()
            .unwrap()
            .iter()
            .filter(|l| l.contains(what))
            .count()
    }

    fn log_text(&self) -> String {
        self.log.lock().unwrap().join("\n")
    }
}

impl Drop for Node {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Status of `GET path` on `addr` and its body, or 0 when there was no answer.
fn http_get(addr: &str, path: &str) -> (u16, String) {
    let Ok(mut s) = TcpStream::connect(addr) else {
        return (0, String::new());
    };
    let _ = s.set_read_timeout(Some(Duration::from_secs(40)));
    let _ = write!(s, "GET {path} HTTP/1.0\r\nHost: {addr}\r\n\r\n");
    let mut res = Vec::new();
    let _ = s.read_to_end(&mut res);
    let res = String::from_utf8_lossy(&res).into_owned();
    let status = res.get(9..12).and_then(|s| s.parse().ok()).unwrap_or(0);
    (status, res)
}

fn wait_until(what: &str, limit: Duration, mut done: impl FnMut() -> bool) -> Duration {
    let start = Instant::now();
    while !done() {
        assert!(start.elapsed() < limit, "timed out waiting for {what}");
        std::thread::sleep(Duration::from_millis(200));
    }
    start.elapsed()
}

#[test]
fn a_node_waits_for_its_database_and_rides_out_an_outage() {
    let Some(db) = TestDatabase::postgres() else {
        return;
    };
    let started = Instant::now();
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("tidings.toml");
    std::fs::write(&config, CONFIG).unwrap();
    // The schema exists (made straight on the database), the first feed is due.
    // The slow feed has a host of its own, so that it holds up no other feed.
    let (base, slow_base) = (fixture("127.0.0.1"), fixture("127.0.0.2"));
    add_feed(&db, &base, 1);
    add_feed(&db, &slow_base, SLOW_FEED);
    let mut pg = postgres::Client::connect(db.url(), postgres::NoTls).unwrap();
    let proxy = Proxy::closed(upstream_of(db.url()));
    let url = proxy.url(db.url());

    // Fail-fast as before when told not to wait.
    let t = Instant::now();
    let out = Command::new(env!("CARGO_BIN_EXE_tidings"))
        .args(["--database-url", &url, "serve", "--addr", "127.0.0.1:0"])
        .env("TIDINGS_DATABASE_WAIT_SECS", "0")
        .current_dir(std::env::temp_dir())
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(69), "{stderr}");
    assert!(stderr.contains("cannot connect to PostgreSQL"), "{stderr}");
    assert!(t.elapsed() < Duration::from_secs(10), "{:?}", t.elapsed());

    // At start: the database is unreachable, the node waits for it.
    let mut node = Node::start(&url, &config, 120);
    wait_until("a logged wait", Duration::from_secs(20), || {
        node.logged("waiting for it") >= 2
    });
    assert!(node.running(), "the node waits:\n{}", node.log_text());
    proxy.open();
    let addr = node
        .addr
        .recv_timeout(Duration::from_secs(60))
        .unwrap_or_else(|_| panic!("node came up:\n{}", node.log_text()));
    assert_eq!(http_get(&addr, "/healthz").0, 200);
    let took = wait_until("the first feeds", Duration::from_secs(60), || {
        stored(&mut pg, &base, 1) && SLOW_FEED_ASKED.load(Ordering::Relaxed)
    });
    eprintln!("dbdown: first feed stored {took:?} after start");

    // Mid-run: the database goes away while a feed is being fetched.
    assert!(SLOW_FEED_ASKED.load(Ordering::Relaxed) && !stored(&mut pg, &slow_base, SLOW_FEED));
    proxy.cut();
    SLOW_FEED_GO.store(true, Ordering::Relaxed);
    let cut_at = Instant::now();
    let mut statuses = Vec::new();
    let mut saw_503 = false;
    while cut_at.elapsed() < Duration::from_secs(60) && !saw_503 {
        let (status, body) = http_get(&addr, "/");
        statuses.push((cut_at.elapsed().as_millis(), status));
        assert_ne!(status, 500, "no 500 while the database is away: {body}");
        saw_503 = status == 503;
    }
    assert!(saw_503, "the site says 503: {statuses:?}");
    let first_503 = cut_at.elapsed();
    // A checkout gives up once the pool fails to reconnect, not after its whole timeout (15 s).
    assert!(
        first_503 < Duration::from_secs(8),
        "first 503 after {first_503:?}: {statuses:?}"
    );
    // Once the outage is known, pages fail fast instead of holding a request for the pool's
    // whole timeout.
    let t = Instant::now();
    let (health, _) = http_get(&addr, "/healthz");
    assert_eq!(health, 503);
    let health_took = t.elapsed();
    assert!(
        health_took < Duration::from_secs(5),
        "known outage answered in {health_took:?}"
    );
    // A feed added meanwhile (straight on the database) waits for the node.
    add_feed(&db, &base, 3);
    std::thread::sleep(Duration::from_secs(4));
    assert!(node.running(), "the node lives on:\n{}", node.log_text());
    assert!(!stored(&mut pg, &slow_base, SLOW_FEED) && !stored(&mut pg, &base, 3));
    assert!(
        node.logged("articles not stored: database unavailable") >= 1
            && node.logged("cannot claim feeds; retrying") >= 1,
        "the fetch loop saw the outage:\n{}",
        node.log_text()
    );
    let (_, metrics) = http_get(&addr, "/metrics");
    assert!(
        metrics.contains("tidings_database_up 0"),
        "{}",
        metrics
            .lines()
            .filter(|l| l.contains("database"))
            .collect::<Vec<_>>()
            .join("\n")
    );

    // The database comes back: the site answers, the fetch loop resumes.
    proxy.open();
    let site_back = wait_until("the site", Duration::from_secs(30), || {
        http_get(&addr, "/").0 == 200
    });
    let feed_back = wait_until("the feeds of the outage", Duration::from_secs(90), || {
        stored(&mut pg, &slow_base, SLOW_FEED) && stored(&mut pg, &base, 3)
    });
    assert!(node.running(), "{}", node.log_text());
    let (_, metrics) = http_get(&addr, "/metrics");
    assert!(metrics.contains("tidings_database_up 1"), "{metrics}");
    assert!(
        metrics.contains("tidings_db_retries_total{kind=\"startup\"}")
            && metrics.contains("tidings_db_retries_total{kind=\"claim\"}"),
        "{metrics}"
    );
    assert!(
        node.logged("database reachable again") >= 1,
        "{}",
        node.log_text()
    );
    eprintln!(
        "dbdown: waited {} start-up tries; after the cut the first 503 came in {first_503:?} \
         ({} requests), a known outage in {health_took:?}; after reopening the site answered in \
         {site_back:?}, the fetch loop stored the outage's feeds {:?} after reopening; whole test \
         {:.1} s",
        node.logged("waiting for it"),
        statuses.len(),
        site_back + feed_back,
        started.elapsed().as_secs_f64()
    );
}
