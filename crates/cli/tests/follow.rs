//! Following outlets end to end: discovery from a page, OPML in and out, a fetch cycle against a
//! fixture outlet on 127.0.0.1 that misbehaves in places, and the SSRF guard.

use axum::Router;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{Html, IntoResponse};
use axum::routing::get;
use serde_json::Value;
use std::path::Path;
use std::process::{Command, Output};

fn rss(title: &str, items: &[(&str, &str)]) -> String {
    let items: String = items
        .iter()
        .map(|(slug, t)| {
            format!(
                "<item><title>{t}</title><link>https://outlet.example/{slug}</link><guid>https://outlet.example/{slug}</guid>\
                 <pubDate>Tue, 17 Nov 2026 09:30:00 +0000</pubDate><description>&lt;p&gt;{t}: a report with enough words to be an article.&lt;/p&gt;</description></item>"
            )
        })
        .collect();
    format!(
        "<?xml version=\"1.0\"?><rss version=\"2.0\"><channel><title>{title}</title><link>https://outlet.example/</link>{items}</channel></rss>"
    )
}

async fn feed(headers: HeaderMap) -> impl IntoResponse {
    if headers
        .get(header::IF_NONE_MATCH)
        .is_some_and(|v| v == "\"v1\"")
    {
        return StatusCode::NOT_MODIFIED.into_response();
    }
    (
        [
            (header::CONTENT_TYPE, "application/rss+xml"),
            (header::ETAG, "\"v1\""),
        ],
        rss(
            "Fixture Outlet",
            &[("strike", "Strike ends"), ("flood", "Flood recedes")],
        ),
    )
        .into_response()
}

/// A feed whose server says UTF-8 but whose bytes are ISO-8859-1, as its declaration says.
fn latin1_feed() -> Vec<u8> {
    let mut body = b"<?xml version=\"1.0\" encoding=\"iso-8859-1\"?><rss version=\"2.0\"><channel><title>Le Monde d\xe9mo</title>".to_vec();
    body.extend_from_slice(b"<item><title>Caf\xe9 society reopens</title><link>https://outlet.example/cafe</link><description>The caf\xe9s of the old town reopened on Monday.</description></item></channel></rss>");
    body
}

/// Requests served so far by the feeds that change on every request.
static SERVED: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);

/// An RSS feed of two items whose links and GUIDs `identity(n, slug)` gives for request `n`.
fn changing_feed(
    title: &str,
    slugs: [&str; 2],
    identity: fn(usize, &str) -> (String, String),
) -> impl IntoResponse {
    let n = SERVED.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let items: String = slugs
        .iter()
        .map(|slug| {
            let (link, guid) = identity(n, slug);
            format!(
                "<item><title>The {slug} story</title><link>{link}</link>\
                 <guid isPermaLink=\"false\">{guid}</guid><description>The {slug} report.</description></item>"
            )
        })
        .collect();
    (
        [(header::CONTENT_TYPE, "application/rss+xml")],
        format!("<rss version=\"2.0\"><channel><title>{title}</title>{items}</channel></rss>"),
    )
}

/// A feed that gives its items new GUIDs on every request (a CMS migration, a buggy plugin).
async fn renumbered_feed() -> impl IntoResponse {
    changing_feed("Renumbering Outlet", ["harbour", "museum"], |n, slug| {
        (
            format!("https://outlet.example/{slug}"),
            format!("run-{n}-{slug}"),
        )
    })
}

/// A feed whose links change on every request (a session id in them) while its GUIDs stay.
async fn relinked_feed() -> impl IntoResponse {
    changing_feed("Relinking Outlet", ["tram", "bridge"], |n, slug| {
        (
            format!("https://relinked.example/{slug}?session={n}"),
            format!("relinked-{slug}"),
        )
    })
}

fn article_page() -> String {
    let paragraph = "Dock workers in Port Avel ended their nine-day strike on Tuesday after the union accepted a pay offer from the shipping companies, which raises wages over two years and sets up a joint safety committee for the container terminals.";
    let body: String = (0..6)
        .map(|i| format!("<p>{paragraph} Paragraph {i}.</p>"))
        .collect();
    format!(
        "<html><head><title>Harbour strike ends</title></head><body><nav>Home</nav><article><h1>Harbour strike ends</h1><p class=\"byline\">By Ada Ferreira</p>{body}</article><footer>Footer</footer></body></html>"
    )
}

/// Starts the fixture outlet on a free port in a background thread; returns its base URL.
fn fixture_outlet() -> String {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    listener.set_nonblocking(true).unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    std::thread::spawn(move || {
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        rt.block_on(async move {
            let app = Router::new()
                .route("/", get(|| async { Html(r#"<html><head><link rel="alternate" type="application/rss+xml" href="/feed.xml"></head><body>Home</body></html>"#) }))
                .route("/feed.xml", get(feed))
                .route("/second.xml", get(|| async { ([(header::CONTENT_TYPE, "text/xml")], rss("Second Outlet", &[("museum", "Museum reopens")]).replace("<channel>", "<channel><copyright>Fish & Chips</copyright>")) }))
                .route("/page-as-feed", get(|| async { Html(r#"<html><head><link rel="alternate" type="application/atom+xml" href="/real.atom"></head></html>"#) }))
                .route("/broken", get(|| async { StatusCode::INTERNAL_SERVER_ERROR }))
                .route("/summaries.xml", get(|| async {
                    ([(header::CONTENT_TYPE, "application/rss+xml")],
                     "<?xml version=\"1.0\"?><rss version=\"2.0\"><channel><title>Summary Outlet</title><link>/</link>\
                      <item><title>Harbour strike ends</title><link>/story</link><pubDate>Tue, 17 Nov 2026 09:30:00 +0000</pubDate>\
                      <description>Dock workers ended their strike.</description></item>\
                      <item><title>Closed page</title><link>/private/story</link><pubDate>Tue, 17 Nov 2026 10:30:00 +0000</pubDate>\
                      <description>Only a summary here.</description></item></channel></rss>")
                }))
                .route("/latin1.xml", get(|| async { ([(header::CONTENT_TYPE, "application/rss+xml; charset=utf-8")], latin1_feed()) }))
                .route("/renumbered.xml", get(renumbered_feed))
                .route("/relinked.xml", get(relinked_feed))
                .route("/story", get(|| async { Html(article_page()) }))
                .route("/private/story", get(|| async { Html(article_page()) }))
                .route("/robots.txt", get(|| async { "User-agent: *\nDisallow: /private\n" }));
            let listener = tokio::net::TcpListener::from_std(listener).unwrap();
            axum::serve(listener, app).await.unwrap();
        });
    });
    base
}

fn tidings(dir: &Path, allow: bool, args: &[&str]) -> Output {
    let config = dir.join(if allow { "allow.toml" } else { "deny.toml" });
    let body = if allow {
        "[fetch]\nallow_private = [\"127.0.0.1/32\"]\nhost_interval_ms = 0\n"
    } else {
        ""
    };
    std::fs::write(&config, body).unwrap();
    Command::new(env!("CARGO_BIN_EXE_tidings"))
        .arg("--database-url")
        .arg(format!("sqlite://{}", dir.join("t.db").display()))
        .arg("--config")
        .arg(&config)
        .args(args)
        .output()
        .unwrap()
}

fn err(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

#[test]
fn follow_an_outlet_from_its_home_page_then_fetch_and_export() {
    let base = fixture_outlet();
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();

    let refused = tidings(d, false, &["source", "add", &format!("{base}/")]);
    assert_eq!(
        refused.status.code(),
        Some(77),
        "SSRF guard: {}",
        err(&refused)
    );
    assert!(
        err(&refused).contains("loopback address"),
        "{}",
        err(&refused)
    );

    let added = tidings(
        d,
        true,
        &[
            "source",
            "add",
            &format!("{base}/"),
            "--section",
            "Business",
        ],
    );
    assert!(added.status.success(), "{}", err(&added));
    assert!(err(&added).contains("2 new articles"), "{}", err(&added));
    assert!(
        err(&added).contains("/feed.xml"),
        "discovered the announced feed: {}",
        err(&added)
    );

    let twice = tidings(d, true, &["source", "add", &format!("{base}/feed.xml")]);
    assert_eq!(
        twice.status.code(),
        Some(77),
        "following twice is a conflict: {}",
        err(&twice)
    );

    let opml = format!(
        r#"<?xml version="1.0"?><opml version="2.0"><body><outline text="Culture">
           <outline type="rss" text="Second" xmlUrl="{base}/second.xml"/>
           <outline type="rss" text="Page" xmlUrl="{base}/page-as-feed"/>
           <outline type="rss" text="Broken" xmlUrl="{base}/broken"/></outline></body></opml>"#
    );
    std::fs::write(d.join("subs.opml"), opml).unwrap();
    let imported = tidings(
        d,
        true,
        &["opml", "import", d.join("subs.opml").to_str().unwrap()],
    );
    assert!(imported.status.success(), "{}", err(&imported));
    assert!(
        err(&imported).contains("3 feeds added"),
        "{}",
        err(&imported)
    );

    let fetched = tidings(d, true, &["fetch", "--once"]);
    assert!(fetched.status.success(), "{}", err(&fetched));
    assert!(
        err(&fetched).contains("3 feeds due: 1 fetched, 0 not modified, 2 failed; 1 new articles"),
        "{}",
        err(&fetched)
    );

    let list = tidings(d, true, &["source", "list", "--json"]);
    let feeds: Vec<Value> = String::from_utf8_lossy(&list.stdout)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(feeds.len(), 4);
    let by_url = |suffix: &str| {
        feeds
            .iter()
            .find(|f| f["url"].as_str().unwrap().ends_with(suffix))
            .unwrap()
            .clone()
    };
    assert_eq!(by_url("/feed.xml")["article_count"], 2);
    assert_eq!(by_url("/feed.xml")["etag"], "\"v1\"");
    assert_eq!(
        by_url("/second.xml")["article_count"],
        1,
        "a stray & loses nothing"
    );
    let warning = by_url("/second.xml")["last_warning"].clone();
    assert!(
        warning.as_str().is_some_and(|w| !w.is_empty()),
        "the stray & is recorded against its feed: {warning}"
    );
    assert_eq!(by_url("/feed.xml")["last_warning"], Value::Null);
    let page = by_url("/page-as-feed");
    let message = page["last_error"].as_str().unwrap();
    assert!(
        message.contains("not a feed: got text/html") && message.contains("/real.atom — use that?"),
        "{message}"
    );
    assert_eq!(by_url("/broken")["last_error"], "HTTP 500");
    assert!(
        by_url("/broken")["next_fetch_at"].as_i64().unwrap() > chrono::Utc::now().timestamp(),
        "backs off"
    );

    let export = tidings(d, true, &["opml", "export"]);
    let text = String::from_utf8_lossy(&export.stdout);
    assert!(
        text.contains(&format!("xmlUrl=\"{base}/second.xml\""))
            && text.contains("<outline text=\"Culture\""),
        "{text}"
    );

    let removed = tidings(
        d,
        true,
        &["source", "remove", &by_url("/broken")["id"].to_string()],
    );
    assert!(removed.status.success(), "{}", err(&removed));
    let missing = tidings(d, true, &["source", "remove", "9999"]);
    assert_eq!(missing.status.code(), Some(66));
}

#[test]
fn summary_entries_get_their_article_page_where_robots_txt_allows() {
    let base = fixture_outlet();
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let added = tidings(
        d,
        true,
        &["source", "add", &format!("{base}/summaries.xml")],
    );
    assert!(added.status.success(), "{}", err(&added));
    let search = tidings(d, true, &["search", "--json", "joint safety committee"]);
    let hits: Vec<Value> = String::from_utf8_lossy(&search.stdout)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(
        hits.len(),
        1,
        "the full text of /story was stored: {}",
        err(&added)
    );
    assert_eq!(hits[0]["article"]["title"], "Harbour strike ends");
    let closed = tidings(d, true, &["search", "--json", "summary here"]);
    assert_eq!(
        String::from_utf8_lossy(&closed.stdout).lines().count(),
        1,
        "the disallowed page keeps its summary"
    );
}

#[test]
fn a_wrong_charset_renumbered_guids_and_changing_links_are_survived() {
    let base = fixture_outlet();
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    for path in ["latin1.xml", "renumbered.xml", "relinked.xml"] {
        let added = tidings(d, true, &["source", "add", &format!("{base}/{path}")]);
        assert!(added.status.success(), "{path}: {}", err(&added));
    }
    let search = tidings(d, true, &["search", "--json", "society"]);
    let hits: Vec<Value> = String::from_utf8_lossy(&search.stdout)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(hits.len(), 1, "{}", err(&search));
    assert_eq!(
        hits[0]["article"]["title"], "Café society reopens",
        "decoded as the declaration says, not as the wrong header says"
    );

    // Fetch the renumbering feed twice more: its items keep their links, so nothing doubles;
    // and the relinking one, whose items keep their GUIDs.
    let store =
        tidings_store::Store::open(&format!("sqlite://{}", d.join("t.db").display())).unwrap();
    for _ in 0..2 {
        for feed in store.feeds().unwrap() {
            store.fetch_feed_now(feed.id).unwrap();
        }
        let fetched = tidings(d, true, &["fetch", "--once"]);
        assert!(fetched.status.success(), "{}", err(&fetched));
    }
    let list = tidings(d, true, &["source", "list", "--json"]);
    let feeds: Vec<Value> = String::from_utf8_lossy(&list.stdout)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let renumbered = feeds
        .iter()
        .find(|f| f["url"].as_str().unwrap().ends_with("/renumbered.xml"))
        .unwrap();
    assert_eq!(renumbered["article_count"], 2, "{renumbered}");
    let relinked = feeds
        .iter()
        .find(|f| f["url"].as_str().unwrap().ends_with("/relinked.xml"))
        .unwrap();
    assert_eq!(relinked["article_count"], 2, "{relinked}");
    assert_eq!(store.article_count().unwrap(), 5);
    let latin1 = feeds
        .iter()
        .find(|f| f["url"].as_str().unwrap().ends_with("/latin1.xml"))
        .unwrap();
    assert!(
        latin1["last_warning"]
            .as_str()
            .is_some_and(|w| w.contains("utf-8") || w.contains("encoding")),
        "the overridden charset is recorded against the feed: {latin1}"
    );
}
