//! The site in a real browser: headless Chromium driven over WebDriver (chromedriver). A reader
//! signs up (confirming through the mailed link, read from the file transport), comments on an
//! article and reports the comment; an administrator made with the CLI signs in, hides it from
//! the moderation queue; an anonymous visitor no longer sees it. The administrator then follows
//! a fixture outlet on 127.0.0.1 from the admin sources page (its feed discovered from its home
//! page), asks for a fetch now, and its article shows up in the site's search.
//!
//! Needs `chromium` and `chromedriver` on PATH (Debian: `apt-get install chromium
//! chromium-driver`; `.ci/run` installs them); without them the test prints a notice and passes.
//! Screenshots land in `$CARGO_TARGET_DIR/browser-artefacts/` (default `target/`).

use fantoccini::wd::{Capabilities, TimeoutConfiguration};
use fantoccini::{Client, ClientBuilder, Locator};
use serde_json::json;
use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// How long any single wait may take: a page, an element, a server coming up, a CLI command.
const WAIT: Duration = Duration::from_secs(10);
/// The whole browser session.
const WHOLE: Duration = Duration::from_secs(90);
const PASSWORD: &str = "correct horse battery";
const ADMIN_PASSWORD: &str = "moderator staple 42";

/// A program on PATH, or `None`.
fn which(program: &str) -> Option<PathBuf> {
    std::env::var_os("PATH").and_then(|paths| {
        std::env::split_paths(&paths)
            .map(|dir| dir.join(program))
            .find(|p| p.is_file())
    })
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// The status line of a request to `addr` (e.g. "HTTP/1.1 200 OK"); reads no further, since
/// chromedriver keeps connections open.
fn status_line(addr: &str, method: &str, path: &str) -> Option<String> {
    let mut s = TcpStream::connect(addr).ok()?;
    s.set_read_timeout(Some(Duration::from_secs(2))).ok()?;
    write!(
        s,
        "{method} {path} HTTP/1.1\r\nHost: {addr}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
    )
    .ok()?;
    let mut line = Vec::new();
    let mut byte = [0u8; 1];
    while !line.ends_with(b"\r\n") && line.len() < 200 {
        if s.read(&mut byte).ok()? == 0 {
            break;
        }
        line.push(byte[0]);
    }
    Some(String::from_utf8_lossy(&line).trim_end().to_owned())
}

/// Polls `path` on `addr` until it answers 200, for at most `limit`.
fn wait_http(addr: &str, path: &str, limit: Duration) -> bool {
    let started = Instant::now();
    while started.elapsed() < limit {
        if status_line(addr, "GET", path).is_some_and(|l| l.starts_with("HTTP/1.1 200")) {
            return true;
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    false
}

/// The child processes of the test (chromedriver and the site), each the leader of its own
/// process group. Dropping the guard — also when an assertion fails — ends the browser session
/// (so chromedriver quits Chromium), then kills each group and reaps the children.
struct Processes {
    children: Vec<Child>,
    driver_addr: Option<String>,
    session: Mutex<Option<String>>,
}

impl Processes {
    fn spawn(&mut self, command: &mut Command) -> &Child {
        let child = command
            .process_group(0)
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap_or_else(|e| panic!("start {command:?}: {e}"));
        self.children.push(child);
        self.children.last().unwrap()
    }
}

impl Drop for Processes {
    fn drop(&mut self) {
        let session = self.session.lock().map(|mut s| s.take()).unwrap_or(None);
        if let (Some(addr), Some(id)) = (&self.driver_addr, session) {
            // Ending the session makes chromedriver quit Chromium.
            let _ = status_line(addr, "DELETE", &format!("/session/{id}"));
        }
        for child in &mut self.children {
            // The child's own process group (its pid): Chromium, if still there, goes with
            // chromedriver. `--` so that the negative id is read as a group, not an option.
            let _ = Command::new("kill")
                .args(["-s", "KILL", "--", &format!("-{}", child.id())])
                .stderr(Stdio::null())
                .status();
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}

/// Runs the `tidings` binary with a deadline; returns (success, stderr).
fn tidings(db: &str, config: &Path, args: &[&str], env: &[(&str, &str)]) -> (bool, String) {
    let dir = tempfile::tempdir().unwrap();
    let err_path = dir.path().join("stderr");
    let mut child = Command::new(env!("CARGO_BIN_EXE_tidings"))
        .arg("--database-url")
        .arg(db)
        .arg("--config")
        .arg(config)
        .args(args)
        .envs(env.iter().copied())
        .env_remove("TIDINGS_CONFIG")
        .current_dir(std::env::temp_dir())
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(std::fs::File::create(&err_path).unwrap())
        .spawn()
        .unwrap();
    let started = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break Some(status);
        }
        if started.elapsed() > WAIT {
            let _ = child.kill();
            let _ = child.wait();
            break None;
        }
        std::thread::sleep(Duration::from_millis(50));
    };
    let stderr = std::fs::read_to_string(&err_path).unwrap_or_default();
    match status {
        Some(s) => (s.success(), stderr),
        None => (false, format!("timed out after {WAIT:?}: {stderr}")),
    }
}

/// A one-feed outlet on 127.0.0.1, served by a plain thread: a home page `/` announcing its
/// feed, `/feed.xml` (RSS, one item), the item's page `/quillhaven-lighthouse` and `/robots.txt`. Returns its base URL.
fn fixture_outlet() -> String {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let feed_base = base.clone();
    std::thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            let _ = answer(stream, &feed_base);
        }
    });
    base
}

fn answer(mut stream: TcpStream, base: &str) -> std::io::Result<()> {
    stream.set_read_timeout(Some(WAIT))?;
    let mut request = Vec::new();
    let mut buf = [0u8; 1024];
    while !request.windows(4).any(|w| w == b"\r\n\r\n") {
        let n = stream.read(&mut buf)?;
        if n == 0 {
            break;
        }
        request.extend_from_slice(&buf[..n]);
    }
    let request = String::from_utf8_lossy(&request);
    let path = request.split_whitespace().nth(1).unwrap_or("/");
    let paragraph = "The keepers of the Quillhaven lighthouse voted on Monday to stay on for another \
        winter after the harbour board agreed to repair the lamp room, replace the storm shutters \
        and pay for a second keeper during the gale season, ending a month of uncertainty.";
    let (status, kind, body) = match path {
        "/feed.xml" => (
            "200 OK",
            "application/rss+xml",
            format!(
                "<?xml version=\"1.0\"?><rss version=\"2.0\"><channel><title>Quillhaven Gazette</title>\
                 <link>{base}/</link><item><title>Quillhaven lighthouse keepers vote to stay</title>\
                 <link>{base}/quillhaven-lighthouse</link><guid>{base}/quillhaven-lighthouse</guid>\
                 <pubDate>Tue, 17 Nov 2026 09:30:00 +0000</pubDate>\
                 <description>&lt;p&gt;{paragraph}&lt;/p&gt;</description></item></channel></rss>"
            ),
        ),
        "/quillhaven-lighthouse" => {
            let paragraphs: String = (0..5)
                .map(|i| format!("<p>{paragraph} ({i})</p>"))
                .collect();
            (
                "200 OK",
                "text/html; charset=utf-8",
                format!(
                    "<html><head><title>Quillhaven lighthouse keepers vote to stay</title></head><body>\
                     <article><h1>Quillhaven lighthouse keepers vote to stay</h1>\
                     <p class=\"byline\">By Ines Marlow</p>{paragraphs}</article></body></html>"
                ),
            )
        }
        "/robots.txt" => ("200 OK", "text/plain", "User-agent: *\nAllow: /\n".into()),
        "/" => (
            "200 OK",
            "text/html; charset=utf-8",
            "<html><head><title>Quillhaven Gazette</title>\
             <link rel=\"alternate\" type=\"application/rss+xml\" href=\"/feed.xml\"></head>\
             <body><h1>Quillhaven Gazette</h1></body></html>"
                .into(),
        ),
        _ => ("404 Not Found", "text/plain", "not found".into()),
    };
    write!(
        stream,
        "HTTP/1.1 {status}\r\nContent-Type: {kind}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    )?;
    stream.flush()
}

fn artefacts() -> PathBuf {
    let target = std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("../../target"));
    let dir = target.join("browser-artefacts");
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// The browser window resized so that the page's viewport is `width`×`height`.
async fn viewport(c: &Client, width: u32, height: u32) {
    c.set_window_size(width, height).await.unwrap();
    let inner = c
        .execute("return [window.innerWidth, window.innerHeight];", vec![])
        .await
        .unwrap();
    let (w, h) = (inner[0].as_u64().unwrap(), inner[1].as_u64().unwrap());
    if (w, h) != (u64::from(width), u64::from(height)) {
        c.set_window_size(
            (2 * u64::from(width)).saturating_sub(w) as u32,
            (2 * u64::from(height)).saturating_sub(h) as u32,
        )
        .await
        .unwrap();
    }
}

async fn screenshot(c: &Client, name: &str) {
    let png = c.screenshot().await.unwrap();
    let path = artefacts().join(name);
    std::fs::write(&path, png).unwrap();
    tidings_store::testing::notice(&format!("screenshot {}", path.display()));
}

/// Screenshots of the current page at desktop size (`{name}.png`) and phone size
/// (`{name}-phone.png`), scrolled to `anchor` if given; the window is left at desktop size.
async fn screenshots(c: &Client, name: &str, anchor: Option<&str>) {
    let scroll = async || {
        if let Some(id) = anchor {
            c.execute(
                "document.getElementById(arguments[0]).scrollIntoView();",
                vec![json!(id)],
            )
            .await
            .unwrap();
        }
    };
    scroll().await;
    screenshot(c, &format!("{name}.png")).await;
    viewport(c, 390, 844).await;
    scroll().await;
    screenshot(c, &format!("{name}-phone.png")).await;
    let overflow = c
        .execute(
            "return document.documentElement.scrollWidth - window.innerWidth;",
            vec![],
        )
        .await
        .unwrap();
    viewport(c, 1280, 900).await;
    assert!(
        overflow.as_i64().unwrap() <= 0,
        "{name} scrolls sideways on a phone by {overflow}px"
    );
}

async fn find(c: &Client, css: &str) -> fantoccini::elements::Element {
    match c.wait().at_most(WAIT).for_element(Locator::Css(css)).await {
        Ok(e) => e,
        Err(e) => panic!("{css} on {}: {e}", url(c).await),
    }
}

async fn url(c: &Client) -> String {
    c.current_url()
        .await
        .map(|u| u.to_string())
        .unwrap_or_default()
}

/// Waits until the text of `css` contains `needle`; returns that text.
async fn wait_text(c: &Client, css: &str, needle: &str) -> String {
    let started = Instant::now();
    let mut last = String::new();
    while started.elapsed() < WAIT {
        if let Ok(e) = c.find(Locator::Css(css)).await
            && let Ok(t) = e.text().await
        {
            if t.contains(needle) {
                return t;
            }
            last = t;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!(
        "{css} on {} never contained {needle:?}; last text: {last:?}",
        url(c).await
    )
}

async fn body_text(c: &Client) -> String {
    find(c, "body").await.text().await.unwrap()
}

async fn fill(c: &Client, css: &str, value: &str) {
    let field = find(c, css).await;
    field.clear().await.unwrap();
    field.send_keys(value).await.unwrap();
}

async fn click_button(c: &Client, text: &str) {
    let xpath = format!("//button[normalize-space()='{text}']");
    match c
        .wait()
        .at_most(WAIT)
        .for_element(Locator::XPath(&xpath))
        .await
    {
        Ok(button) => button.click().await.unwrap(),
        Err(e) => panic!("button {text:?} on {}: {e}", url(c).await),
    }
}

/// Waits until the browser is on a URL whose path (and query) starts with `prefix`.
async fn wait_path(c: &Client, base: &str, prefix: &str) {
    let want = format!("{base}{prefix}");
    let started = Instant::now();
    while started.elapsed() < WAIT {
        if url(c).await.starts_with(&want) {
            return;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("never reached {want}; at {}", url(c).await);
}

/// Waits until `marker` (a global set by the test on the old document) is gone: a new
/// document has loaded.
async fn wait_new_document(c: &Client, marker: &str) {
    let started = Instant::now();
    while started.elapsed() < WAIT {
        if let Ok(v) = c
            .execute(&format!("return {marker} === true;"), vec![])
            .await
            && v == serde_json::Value::Bool(false)
        {
            return;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("no new document replaced the one marked {marker}");
}

/// Waits for the redirect to the front page that follows signing out: a `goto` issued while
/// the sign-out form's navigation is still in flight can be overtaken by it.
async fn wait_front_page(c: &Client, base: &str) {
    let want = format!("{base}/");
    let started = Instant::now();
    while started.elapsed() < WAIT {
        if url(c).await == want {
            return;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("sign-out never reached {want}; at {}", url(c).await);
}

#[test]
fn readers_comment_moderators_hide_and_followed_feeds_show_up_in_a_real_browser() {
    let (Some(driver), Some(chromium)) = (which("chromedriver"), which("chromium")) else {
        tidings_store::testing::notice(
            "chromedriver or chromium is not on PATH; skipping the browser test \
             (Debian: apt-get install chromium chromium-driver)",
        );
        return;
    };
    let started = Instant::now();
    let dir = tempfile::tempdir().unwrap();
    let db = format!("sqlite://{}", dir.path().join("site.db").display());
    // Following a feed on 127.0.0.1 needs the SSRF guard opened for loopback.
    let config = dir.path().join("tidings.toml");
    std::fs::write(
        &config,
        format!(
            "[fetch]\nallow_private = [\"127.0.0.1/32\"]\nhost_interval_ms = 0\n\n\
             [mail]\nfile_dir = \"{}\"\n",
            dir.path().join("mail").display()
        ),
    )
    .unwrap();
    std::fs::create_dir_all(dir.path().join("mail")).unwrap();

    let site_addr = format!("127.0.0.1:{}", free_port());
    let driver_addr = format!("127.0.0.1:{}", free_port());
    let mut procs = Processes {
        children: Vec::new(),
        driver_addr: Some(driver_addr.clone()),
        session: Mutex::new(None),
    };
    procs.spawn(
        Command::new(env!("CARGO_BIN_EXE_tidings"))
            .arg("--database-url")
            .arg(&db)
            .arg("--config")
            .arg(&config)
            .args(["serve", "--demo", "--addr", &site_addr])
            .env_remove("TIDINGS_CONFIG")
            .current_dir(dir.path()),
    );
    procs.spawn(
        Command::new(&driver)
            .arg(format!(
                "--port={}",
                driver_addr.rsplit(':').next().unwrap()
            ))
            .current_dir(dir.path()),
    );
    assert!(
        wait_http(&driver_addr, "/status", WAIT),
        "chromedriver answers on {driver_addr}"
    );
    assert!(
        wait_http(&site_addr, "/healthz", Duration::from_secs(30)),
        "tidings serve --demo answers on {site_addr}"
    );

    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let flow = async {
        let mut caps = Capabilities::new();
        caps.insert("browserName".into(), json!("chrome"));
        caps.insert(
            "goog:chromeOptions".into(),
            json!({
                "binary": chromium,
                "args": [
                    "--headless=new", "--no-sandbox", "--disable-gpu",
                    "--disable-background-networking", "--disable-dev-shm-usage",
                    "--no-first-run", "--hide-scrollbars", "--window-size=1280,900",
                ],
            }),
        );
        // chromedriver is on loopback: plain HTTP, no TLS stack needed.
        let connector = hyper_util::client::legacy::connect::HttpConnector::new();
        let c = tokio::time::timeout(
            WAIT,
            ClientBuilder::new(connector)
                .capabilities(caps)
                .connect(&format!("http://{driver_addr}")),
        )
        .await
        .expect("a browser session within the wait")
        .expect("a browser session");
        *procs.session.lock().unwrap() = c.session_id().await.unwrap();
        c.update_timeouts(TimeoutConfiguration::new(
            Some(WAIT),
            Some(WAIT),
            Some(Duration::ZERO),
        ))
        .await
        .unwrap();
        let mail = dir.path().join("mail");
        run(&c, &format!("http://{site_addr}"), &db, &config, &mail).await;
        c.close().await.unwrap();
        *procs.session.lock().unwrap() = None;
    };
    runtime.block_on(async {
        tokio::time::timeout(WHOLE, flow)
            .await
            .expect("the browser flow finishes in time")
    });
    tidings_store::testing::notice(&format!(
        "browser test took {:.1} s",
        started.elapsed().as_secs_f64()
    ));
}

/// The first link in a mail the file transport wrote into `dir` that contains `needle`
/// (waiting for it: mails are sent in the background).
async fn mailed_link(dir: &Path, needle: &str) -> String {
    let started = Instant::now();
    while started.elapsed() < WAIT {
        for entry in std::fs::read_dir(dir).unwrap().flatten() {
            let text = std::fs::read_to_string(entry.path())
                .unwrap_or_default()
                .replace("=\r\n", "")
                .replace("=3D", "=");
            if let Some(at) = text.find(needle) {
                let start = text[..at].rfind("http").unwrap_or(at);
                return text[start..]
                    .chars()
                    .take_while(|c| !c.is_whitespace())
                    .collect();
            }
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("no mail with {needle} in {}", dir.display());
}

async fn run(c: &Client, base: &str, db: &str, config: &Path, mail: &Path) {
    // The front page, at desktop and phone sizes.
    viewport(c, 1280, 900).await;
    c.goto(&format!("{base}/")).await.unwrap();
    wait_text(c, "main", "Top stories").await;
    screenshot(c, "front-desktop.png").await;
    viewport(c, 390, 844).await;
    c.goto(&format!("{base}/")).await.unwrap();
    wait_text(c, "main", "Top stories").await;
    let overflow = c
        .execute(
            "return document.documentElement.scrollWidth - window.innerWidth;",
            vec![],
        )
        .await
        .unwrap();
    screenshot(c, "front-phone.png").await;
    assert!(
        overflow.as_i64().unwrap() <= 0,
        "the front page scrolls sideways on a phone by {overflow}px"
    );
    viewport(c, 1280, 900).await;

    // A reader signs up, confirms through the mailed link and lands on their account, signed in.
    c.goto(&format!("{base}/signup")).await.unwrap();
    screenshots(c, "signup", None).await;
    fill(c, "#display_name", "Rhea Browser").await;
    fill(c, "#email", "rhea@example.org").await;
    fill(c, "#password", PASSWORD).await;
    find(c, "form.account-form button[type=submit]")
        .await
        .click()
        .await
        .unwrap();
    wait_text(c, "main", "Check your mail").await;
    let link = mailed_link(mail, "/signup/confirm/").await;
    assert!(link.starts_with(base), "{link}");
    c.goto(&link).await.unwrap();
    click_button(c, "Finish creating my account").await;
    wait_path(c, base, "/account").await;
    wait_text(c, "main", "Rhea Browser").await;
    find(c, "main form[action='/logout']").await;

    // An article from the demo (linked from the front page, or from its first story).
    c.goto(&format!("{base}/")).await.unwrap();
    let first = find(c, "main a[href^='/articles/'], main a[href^='/stories/']")
        .await
        .attr("href")
        .await
        .unwrap()
        .unwrap();
    let article = if first.starts_with("/articles/") {
        first
    } else {
        c.goto(&format!("{base}{first}")).await.unwrap();
        find(c, "main a[href^='/articles/']")
            .await
            .attr("href")
            .await
            .unwrap()
            .unwrap()
    };
    let article = article.split('#').next().unwrap().to_owned();
    c.goto(&format!("{base}{article}")).await.unwrap();
    wait_text(c, "#comments-heading", "0 comments").await;

    // Comments on it.
    fill(
        c,
        "#comment-body",
        "Browser check: the harbour coverage was *thorough* and fair.",
    )
    .await;
    click_button(c, "Post comment").await;
    wait_text(c, "#comments-heading", "1 comment").await;
    let comment = wait_text(
        c,
        "ol.comments li.comment .comment-body",
        "the harbour coverage was thorough and fair",
    )
    .await;
    assert!(comment.starts_with("Browser check"), "{comment}");
    find(c, "li.comment .comment-body em").await;

    // Reports it.
    c.find(Locator::XPath(
        "//li[contains(@class,'comment')]//details/summary[normalize-space()='Report']",
    ))
    .await
    .unwrap()
    .click()
    .await
    .unwrap();
    fill(
        c,
        "li.comment input[name=reason]",
        "Testing the report button",
    )
    .await;
    // The report answers with a redirect to this same address, so the URL cannot tell
    // whether it has landed: mark this document and wait for one without the mark.
    c.execute("window.tidingsBeforeReport = true;", vec![])
        .await
        .unwrap();
    c.find(Locator::XPath(
        "//li[contains(@class,'comment')]//form[contains(@action,'/report')]//button",
    ))
    .await
    .unwrap()
    .click()
    .await
    .unwrap();
    wait_new_document(c, "window.tidingsBeforeReport").await;
    wait_path(c, base, &article).await;
    screenshots(c, "article-comments", Some("comments")).await;

    // Signs out.
    c.goto(&format!("{base}/account")).await.unwrap();
    click_button(c, "Sign out").await;
    wait_front_page(c, base).await;
    c.goto(&format!("{base}{article}")).await.unwrap();
    wait_text(c, "#comments", "Sign in").await;

    // An administrator, made with the CLI, signs in through the form.
    let (ok, err) = tidings(
        db,
        config,
        &[
            "user",
            "add",
            "--admin",
            "--name",
            "Mod Erator",
            "mod@example.org",
        ],
        &[("TIDINGS_USER_PASSWORD", ADMIN_PASSWORD)],
    );
    assert!(ok, "tidings user add --admin: {err}");
    c.goto(&format!("{base}/login")).await.unwrap();
    fill(c, "#email", "mod@example.org").await;
    fill(c, "#current_password", ADMIN_PASSWORD).await;
    find(c, "form.account-form button[type=submit]")
        .await
        .click()
        .await
        .unwrap();
    wait_path(c, base, "/account").await;
    wait_text(c, "main", "Mod Erator").await;

    // The moderation queue shows the report; the moderator hides the comment.
    c.goto(&format!("{base}/admin/moderation")).await.unwrap();
    let queue = wait_text(c, "main", "the harbour coverage was thorough").await;
    assert!(queue.contains("1 report"), "{queue}");
    screenshots(c, "moderation", None).await;
    click_button(c, "Hide").await;
    wait_text(c, "main", "Nothing is reported.").await;
    wait_text(c, "table.log", "Mod Erator").await;
    screenshots(c, "moderation-log", None).await;

    // An anonymous visitor no longer sees it.
    c.goto(&format!("{base}/account")).await.unwrap();
    click_button(c, "Sign out").await;
    wait_front_page(c, base).await;
    c.delete_all_cookies().await.unwrap();
    c.goto(&format!("{base}{article}")).await.unwrap();
    wait_text(c, "#comments-heading", "0 comments").await;
    let page = body_text(c).await;
    assert!(
        !page.contains("the harbour coverage was thorough"),
        "a hidden comment is not shown to visitors"
    );

    // The administrator follows the fixture outlet from the admin sources page: its home page
    // is given, and the feed it announces is found; then asks for a fetch now.
    let outlet = fixture_outlet();
    c.goto(&format!("{base}/login")).await.unwrap();
    fill(c, "#email", "mod@example.org").await;
    fill(c, "#current_password", ADMIN_PASSWORD).await;
    find(c, "form.account-form button[type=submit]")
        .await
        .click()
        .await
        .unwrap();
    wait_path(c, base, "/account").await;
    c.goto(&format!("{base}/admin/sources")).await.unwrap();
    fill(c, "main form input[name=url]", &format!("{outlet}/")).await;
    click_button(c, "Follow").await;
    wait_text(c, "main .notice", "Quillhaven").await;
    wait_text(c, "main table", &format!("{outlet}/feed.xml")).await;
    click_button(c, "Fetch now").await;
    wait_text(c, "main .notice", "will be fetched").await;
    screenshots(c, "admin-sources", None).await;

    // The administrator makes an API token on the account's token page: shown once.
    c.goto(&format!("{base}/account/tokens")).await.unwrap();
    fill(c, "main form input[name=name]", "Browser test").await;
    click_button(c, "Create token").await;
    let token = find(c, "#new-token")
        .await
        .prop("value")
        .await
        .unwrap()
        .unwrap_or_default();
    assert!(token.starts_with("tdg_"), "{token}");
    screenshots(c, "api-tokens", None).await;
    c.goto(&format!("{base}/search?q=quillhaven"))
        .await
        .unwrap();
    wait_text(c, "main", "Quillhaven lighthouse keepers vote to stay").await;
    screenshots(c, "search-followed-feed", None).await;
}
