//! The `tidings` binary end to end: import, extract, top, outlet, serve — on SQLite, and on
//! PostgreSQL when `TIDINGS_TEST_POSTGRES_URL` is set.

use serde_json::Value;
use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};
use tidings_store::testing::TestDatabase;
use unicode_normalization::UnicodeNormalization;

mod common;

use common::{stderr, stdout, tidings};

fn json_lines(o: &Output) -> Vec<Value> {
    stdout(o)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("bad JSON line {l:?}: {e}")))
        .collect()
}

fn shared() -> Option<PathBuf> {
    let p = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared");
    if p.join("seed/page.txt").exists() {
        Some(p)
    } else {
        tidings_store::testing::notice("../shared/seed is not present; skipping the seed checks");
        None
    }
}

fn norm(s: &str) -> String {
    s.nfc()
        .collect::<String>()
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

fn write(dir: &Path, name: &str, content: &[u8]) -> PathBuf {
    let p = dir.join(name);
    std::fs::write(&p, content).unwrap();
    p
}

/// Every field of `expected.json`'s "article" section, checked on the imported seed page.
fn check_seed_article(a: &Value, expected: &Value, db: &str) {
    let e = &expected["article"];
    assert_eq!(
        norm(a["title"].as_str().unwrap()),
        norm(e["title"].as_str().unwrap()),
        "{db}"
    );
    assert_eq!(a["authors"], e["authors"], "{db}");
    assert_eq!(a["outlet"]["name"], e["outlet"]["name"], "{db}");
    let published = a["published_at"].as_str().unwrap();
    assert!(
        published.starts_with(e["published_at_date"].as_str().unwrap()),
        "{db}: {published}"
    );
    let week = chrono::DateTime::parse_from_rfc3339(published).unwrap();
    let iso = chrono::Datelike::iso_week(&week);
    assert_eq!(
        format!("{}-W{:02}", iso.year(), iso.week()),
        e["iso_week"],
        "{db}"
    );
    assert_eq!(a["section"], e["section"], "{db}");
    assert_eq!(a["tags"], e["tags"], "{db}");
    assert_eq!(a["language"], e["language"], "{db}");
    assert_eq!(a["engagement"], e["engagement"], "{db}");
    let original = a["provenance"]["original_outlet"].as_str().unwrap();
    assert_eq!(original, e["provenance"]["original_outlet_domain"], "{db}");
    let original_date = a["provenance"]["original_published_at"].as_str().unwrap();
    assert!(
        original_date.starts_with(
            e["provenance"]["original_published_at_date"]
                .as_str()
                .unwrap()
        ),
        "{db}"
    );
    let text = a["text"].as_str().unwrap();
    assert!(
        norm(text).starts_with(&norm(e["text_starts_with"].as_str().unwrap())),
        "{db}"
    );
    assert!(
        norm(text).ends_with(&norm(e["text_ends_with"].as_str().unwrap())),
        "{db}"
    );
    for banned in e["text_excludes"].as_array().unwrap() {
        let banned = banned.as_str().unwrap();
        assert!(
            !text
                .nfc()
                .collect::<String>()
                .contains(&banned.nfc().collect::<String>()),
            "{db}: text contains {banned:?}"
        );
    }
    let paragraphs = text.split("\n\n").filter(|p| !p.trim().is_empty()).count();
    assert_eq!(paragraphs as u64, e["paragraphs"].as_u64().unwrap(), "{db}");
    assert!(a["id"].is_i64() && a["story_id"].is_i64(), "{db}");
}

#[test]
fn importing_the_seed_yields_every_expected_field() {
    let Some(shared) = shared() else { return };
    let expected: Value =
        serde_json::from_slice(&std::fs::read(shared.join("seed/expected.json")).unwrap()).unwrap();
    let page = shared.join("seed/page.txt");
    for db in TestDatabase::all() {
        let out = tidings(db.url(), &["import", "--json", page.to_str().unwrap()]);
        assert!(out.status.success(), "{}: {}", db.name(), stderr(&out));
        let lines = json_lines(&out);
        assert_eq!(lines.len(), 1, "{}", db.name());
        check_seed_article(&lines[0], &expected, db.name());

        // Importing again updates the same article.
        let again = tidings(db.url(), &["import", "--json", page.to_str().unwrap()]);
        assert!(again.status.success(), "{}", db.name());
        assert_eq!(json_lines(&again)[0]["id"], lines[0]["id"], "{}", db.name());
        assert!(
            stderr(&again).contains("0 new, 1 updated"),
            "{}: {}",
            db.name(),
            stderr(&again)
        );

        let top = tidings(db.url(), &["top", "--week", "2025-W12", "--json"]);
        assert!(top.status.success(), "{}", db.name());
        let ranking = &json_lines(&top)[0];
        assert_eq!(ranking["week"], "2025-W12");
        assert_eq!(
            ranking["stories"][0]["lead"]["id"],
            lines[0]["id"],
            "{}",
            db.name()
        );
        assert!(ranking["stories"][0]["parts"]["breadth"].as_f64().unwrap() > 0.0);

        check_seed_entities(&lines[0], &expected["entities"], db.name());
        let people = tidings(db.url(), &["entity", "list", "--kind", "person", "--json"]);
        assert!(
            people.status.success(),
            "{}: {}",
            db.name(),
            stderr(&people)
        );
        let witkoff = json_lines(&people)
            .into_iter()
            .find(|e| e["slug"] == "steve-witkoff")
            .unwrap_or_else(|| panic!("{}: Steve Witkoff listed", db.name()));
        assert!(
            witkoff["aliases"]
                .as_array()
                .unwrap()
                .contains(&"Witkoff".into())
        );
        let renamed = tidings(
            db.url(),
            &["entity", "rename", "steve-witkoff", "Steven Witkoff"],
        );
        assert!(
            renamed.status.success(),
            "{}: {}",
            db.name(),
            stderr(&renamed)
        );
        let missing = tidings(db.url(), &["entity", "merge", "nobody", "steven-witkoff"]);
        assert_eq!(
            missing.status.code(),
            Some(66),
            "{}: {}",
            db.name(),
            stderr(&missing)
        );
        let bad_kind = tidings(db.url(), &["entity", "list", "--kind", "animal"]);
        assert_eq!(bad_kind.status.code(), Some(65), "{}", db.name());
    }
}

/// The seed's persons, organisations and places, its `never_person` strings, its aliases and
/// its quotes' speakers (expected.json's "entities" and "quotes").
fn check_seed_entities(a: &Value, expected: &Value, db: &str) {
    let entities = a["entities"].as_array().unwrap();
    let has = |name: &str, kind: &str| {
        entities
            .iter()
            .any(|e| e["name"] == name && e["kind"] == kind)
    };
    for kind in ["person", "organization", "place"] {
        for name in expected[kind].as_array().unwrap() {
            let name = name.as_str().unwrap();
            assert!(has(name, kind), "{db}: {kind} {name:?} in {entities:?}");
        }
    }
    for name in expected["never_person"].as_array().unwrap() {
        assert!(
            !has(name.as_str().unwrap(), "person"),
            "{db}: {name} is no person"
        );
    }
    for (name, alias) in expected["aliases"].as_object().unwrap() {
        let entity = entities.iter().find(|e| e["name"] == name.as_str());
        assert!(
            entity.is_some_and(|e| e["aliases"].as_array().is_some_and(|a| a.contains(alias))),
            "{db}: {alias} is an alias of {name}"
        );
    }
}

#[test]
fn extract_prints_article_json_without_storing() {
    let Some(shared) = shared() else { return };
    let dir = tempfile::tempdir().unwrap();
    let db = format!("sqlite://{}", dir.path().join("t.db").display());
    let out = tidings(
        &db,
        &[
            "extract",
            "--json",
            shared.join("seed/page.txt").to_str().unwrap(),
        ],
    );
    assert!(out.status.success(), "{}", stderr(&out));
    let a = &json_lines(&out)[0];
    assert_eq!(a["id"], Value::Null);
    assert_eq!(a["engagement"]["views"], 55);
    assert!(
        !dir.path().join("t.db").exists(),
        "extract must not create a database"
    );
}

#[test]
fn extract_on_several_threads_prints_in_file_order() {
    let dir = tempfile::tempdir().unwrap();
    let para = "The council met on Tuesday evening to debate the harbour budget, and members \
                argued for hours about dredging, ferries and the new sea wall. ";
    let mut files: Vec<String> = (0..9)
        .map(|i| {
            let body = format!("<p>{}</p>", para.repeat(3 + i % 4)).repeat(4);
            let html = format!(
                "<html><head><title>Harbour story {i}</title></head><body><article>\
                 <h1>Harbour story {i}</h1>{body}</article></body></html>"
            );
            let path = write(dir.path(), &format!("page{i}.html"), html.as_bytes());
            path.to_str().unwrap().to_owned()
        })
        .collect();
    let bad = write(dir.path(), "empty.txt", b"");
    files.insert(4, bad.to_str().unwrap().to_owned());
    let db = format!("sqlite://{}", dir.path().join("t.db").display());
    let run = |threads: &str| {
        let mut args = vec!["extract", "--json", "--threads", threads];
        args.extend(files.iter().map(String::as_str));
        tidings(&db, &args)
    };
    let (one, three) = (run("1"), run("3"));
    for out in [&one, &three] {
        assert_eq!(out.status.code(), Some(65), "{}", stderr(out));
        assert!(stderr(out).contains("empty.txt"), "{}", stderr(out));
    }
    let titles: Vec<String> = json_lines(&three)
        .iter()
        .map(|a| a["title"].as_str().unwrap_or_default().to_owned())
        .collect();
    let expected: Vec<String> = (0..9).map(|i| format!("Harbour story {i}")).collect();
    assert_eq!(titles, expected);
    assert_eq!(one.stdout, three.stdout, "the same lines in the same order");
}

#[test]
fn files_that_are_not_article_pages_are_refused_by_name_and_store_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let bad = [
        write(dir.path(), "empty.txt", b""),
        write(dir.path(), "binary.txt", &[0u8, 159, 146, 150, 0, 1, 2]),
        write(
            dir.path(),
            "opml.xml",
            b"<?xml version=\"1.0\"?><opml version=\"2.0\"><body/></opml>",
        ),
        write(dir.path(), "list.txt", b"milk\neggs\nbread\n"),
    ];
    for db in TestDatabase::all() {
        for path in &bad {
            let out = tidings(db.url(), &["import", path.to_str().unwrap()]);
            assert_eq!(
                out.status.code(),
                Some(65),
                "{}: {} should be refused: {}",
                db.name(),
                path.display(),
                stderr(&out)
            );
            assert!(
                stderr(&out).contains(path.file_name().unwrap().to_str().unwrap()),
                "{}: error names the file: {}",
                db.name(),
                stderr(&out)
            );
        }
        let missing = tidings(db.url(), &["import", "/nonexistent/page.txt"]);
        assert_eq!(missing.status.code(), Some(66), "{}", db.name());
        let top = tidings(db.url(), &["top", "--week", "2025-W12", "--json"]);
        assert_eq!(
            json_lines(&top)[0]["stories"].as_array().unwrap().len(),
            0,
            "{}: nothing stored",
            db.name()
        );
    }
}

#[test]
fn a_folder_imports_recursively_and_one_bad_file_does_not_stop_the_rest() {
    let Some(shared) = shared() else { return };
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(dir.path().join("a/b")).unwrap();
    std::fs::copy(
        shared.join("seed/page.txt"),
        dir.path().join("a/b/seed.txt"),
    )
    .unwrap();
    write(&dir.path().join("a"), "broken.txt", b"\n\n\n");
    write(
        dir.path(),
        "notes.md",
        b"# not imported: folder walks take known extensions only",
    );
    let db = TestDatabase::sqlite();
    let out = tidings(
        db.url(),
        &["import", "--json", dir.path().to_str().unwrap()],
    );
    assert_eq!(out.status.code(), Some(65), "{}", stderr(&out));
    assert_eq!(json_lines(&out).len(), 1);
    assert!(stderr(&out).contains("broken.txt"), "{}", stderr(&out));
}

#[test]
fn bad_arguments_and_databases_get_clear_errors() {
    let dir = tempfile::tempdir().unwrap();
    let db = format!("sqlite://{}", dir.path().join("t.db").display());
    let out = tidings(&db, &["top", "--week", "2025-W99"]);
    assert_eq!(out.status.code(), Some(65), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("2025 has no ISO week 99"),
        "{}",
        stderr(&out)
    );
    let out = tidings("sqlite:///nonexistent-folder/t.db", &["top"]);
    assert_ne!(out.status.code(), Some(0));
    assert!(
        stderr(&out).contains("nonexistent-folder"),
        "{}",
        stderr(&out)
    );
    let out = tidings("mysql://nowhere", &["top"]);
    assert_eq!(out.status.code(), Some(78), "{}", stderr(&out));
    let out = tidings(&db, &["outlet", "policy", "nobody", "full"]);
    assert_eq!(out.status.code(), Some(66), "{}", stderr(&out));
    let out = tidings(&db, &["outlet", "policy", "nobody", "everything"]);
    assert_ne!(out.status.code(), Some(0));
}

fn http_get(addr: &str, path: &str) -> Option<String> {
    let mut s = TcpStream::connect(addr).ok()?;
    s.set_read_timeout(Some(Duration::from_secs(10))).ok()?;
    write!(s, "GET {path} HTTP/1.1\r\nHost: {addr}\r\nUser-Agent: Mozilla/5.0 test\r\nConnection: close\r\n\r\n").ok()?;
    let mut out = String::new();
    s.read_to_string(&mut out).ok()?;
    Some(out)
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

#[test]
fn serve_demo_serves_the_site_and_a_taken_port_is_a_clear_error() {
    let dir = tempfile::tempdir().unwrap();
    let db = format!("sqlite://{}", dir.path().join("t.db").display());
    let addr = format!("127.0.0.1:{}", free_port());
    let mut child = Command::new(env!("CARGO_BIN_EXE_tidings"))
        .args([
            "--database-url",
            &db,
            "serve",
            "--demo",
            "--no-fetch",
            "--addr",
            &addr,
        ])
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let started = Instant::now();
    let mut health = None;
    while started.elapsed() < Duration::from_secs(60) {
        if let Some(r) = http_get(&addr, "/healthz") {
            health = Some(r);
            break;
        }
        std::thread::sleep(Duration::from_millis(200));
    }
    let health = health.expect("server came up");
    assert!(health.starts_with("HTTP/1.1 200"), "{health}");
    let front = http_get(&addr, "/").unwrap();
    assert!(
        front.starts_with("HTTP/1.1 200"),
        "{}",
        &front[..200.min(front.len())]
    );
    assert!(
        front.contains("Top stories week"),
        "front page shows a week"
    );
    assert!(
        front.matches("<li class=\"story").count() >= 5,
        "front page lists the demo's stories"
    );

    let taken = tidings(&db, &["serve", "--no-fetch", "--addr", &addr]);
    assert_eq!(taken.status.code(), Some(69), "{}", stderr(&taken));
    assert!(
        stderr(&taken).contains(&format!("cannot listen on {addr}")),
        "{}",
        stderr(&taken)
    );

    child.kill().ok();
    child.wait().ok();
}

/// A fresh SQLite database holding the imported seed page.
fn seeded_sqlite(shared: &Path) -> TestDatabase {
    let db = TestDatabase::sqlite();
    let out = tidings(
        db.url(),
        &["import", shared.join("seed/page.txt").to_str().unwrap()],
    );
    assert!(out.status.success(), "{}", stderr(&out));
    db
}

#[test]
fn search_and_digest_commands() {
    let Some(shared) = shared() else { return };
    let db = seeded_sqlite(&shared);
    let out = tidings(
        db.url(),
        &["search", "--json", "\"peace treaty\" azerbaij*"],
    );
    assert!(out.status.success(), "{}", stderr(&out));
    let hits = json_lines(&out);
    assert_eq!(hits.len(), 1);
    assert!(hits[0]["snippet"].as_str().unwrap().contains('\u{2}'));
    let next_page = tidings(
        db.url(),
        &[
            "search",
            "--json",
            "--offset",
            "1",
            "\"peace treaty\" azerbaij*",
        ],
    );
    assert!(json_lines(&next_page).is_empty(), "{}", stderr(&next_page));
    let out = tidings(db.url(), &["search", "' OR 1=1 --"]);
    assert!(out.status.success(), "{}", stderr(&out));
    for format in ["text", "markdown", "html"] {
        let out = tidings(
            db.url(),
            &["digest", "--week", "2025-W12", "--format", format],
        );
        assert!(out.status.success(), "{format}: {}", stderr(&out));
        assert!(
            stdout(&out).contains("Azerbaijan"),
            "{format}: {}",
            stdout(&out)
        );
    }
    let out = tidings(db.url(), &["digest", "--format", "pdf"]);
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn the_digest_is_mailed_once_per_week_to_confirmed_subscribers() {
    let Some(shared) = shared() else { return };
    let db = seeded_sqlite(&shared);
    let store = db.open().unwrap();
    store
        .subscribe_digest("reader@example.org", "0123456789abcdef0123456789abcdef")
        .unwrap();
    store
        .confirm_digest("0123456789abcdef0123456789abcdef")
        .unwrap();
    store
        .subscribe_digest("pending@example.org", "fedcba9876543210fedcba9876543210")
        .unwrap();
    let mail = tempfile::tempdir().unwrap();
    let config = mail.path().join("t.toml");
    std::fs::write(
        &config,
        format!(
            "[mail]\nfile_dir = \"{}\"\n[server]\npublic_url = \"https://news.example\"\n",
            mail.path().join("out").display()
        ),
    )
    .unwrap();
    let send = |extra: &[&str]| {
        let mut args = vec![
            "--config",
            config.to_str().unwrap(),
            "digest",
            "--week",
            "2025-W12",
            "--send",
        ];
        args.extend_from_slice(extra);
        tidings(db.url(), &args)
    };
    let first = send(&[]);
    assert!(first.status.success(), "{}", stderr(&first));
    assert!(
        stderr(&first).contains("sent to 1, failed for 0"),
        "{}",
        stderr(&first)
    );
    let second = send(&[]);
    assert!(
        stderr(&second).contains("already sent"),
        "{}",
        stderr(&second)
    );
    let files: Vec<_> = std::fs::read_dir(mail.path().join("out"))
        .unwrap()
        .flatten()
        .collect();
    assert_eq!(files.len(), 1, "one confirmed subscriber, one message");
    let eml = std::fs::read_to_string(files[0].path()).unwrap();
    assert!(eml.contains("To: reader@example.org"));
    assert!(eml.contains("List-Unsubscribe: <https://news.example/digest/unsubscribe?token=0123456789abcdef0123456789abcdef>"));
    assert!(send(&["--force"]).status.success());
    assert_eq!(
        std::fs::read_dir(mail.path().join("out")).unwrap().count(),
        2
    );
}

#[test]
fn the_first_admin_is_added_from_the_command_line() {
    for db in TestDatabase::all() {
        let add = |args: &[&str], password: &str| {
            Command::new(env!("CARGO_BIN_EXE_tidings"))
                .arg("--database-url")
                .arg(db.url())
                .args(args)
                .env_remove("TIDINGS_CONFIG")
                .env("TIDINGS_USER_PASSWORD", password)
                .output()
                .unwrap()
        };
        let out = add(
            &[
                "user",
                "add",
                "--admin",
                "--name",
                "Root",
                "root@example.org",
            ],
            "a long password",
        );
        assert!(out.status.success(), "{}: {}", db.name(), stderr(&out));
        let again = add(&["user", "add", "root@example.org"], "a long password");
        assert_eq!(
            again.status.code(),
            Some(77),
            "{}: an existing address is a conflict",
            db.name()
        );
        let weak = add(&["user", "add", "weak@example.org"], "short");
        assert_eq!(
            weak.status.code(),
            Some(65),
            "{}: {}",
            db.name(),
            stderr(&weak)
        );
        let list = tidings(db.url(), &["user", "list", "--json"]);
        let users = json_lines(&list);
        assert_eq!(
            (users.len(), users[0]["role"].as_str()),
            (1, Some("admin")),
            "{}",
            db.name()
        );
        assert!(
            !stdout(&list).contains("argon2"),
            "{}: no hashes printed",
            db.name()
        );
        let role = tidings(db.url(), &["user", "role", "root@example.org", "moderator"]);
        assert!(role.status.success(), "{}", db.name());
    }
}

#[test]
fn api_tokens_are_printed_once_listed_without_the_secret_and_revoked() {
    for db in TestDatabase::all() {
        let name = db.name();
        let store = db.open().unwrap();
        store
            .create_user("ops@example.org", "Ops", "h", tidings_store::Role::Admin)
            .unwrap();
        let add = tidings(
            db.url(),
            &["token", "add", "ops@example.org", "--name", "deploy bot"],
        );
        assert!(add.status.success(), "{name}: {}", stderr(&add));
        let token = stdout(&add).trim().to_owned();
        assert!(tidings_store::well_formed_token(&token), "{name}: {token}");
        assert_eq!(
            store.api_token_user(&token).unwrap().unwrap().email,
            "ops@example.org",
            "{name}: the printed token works"
        );
        let unknown = tidings(
            db.url(),
            &["token", "add", "nobody@example.org", "--name", "x"],
        );
        assert_eq!(
            unknown.status.code(),
            Some(66),
            "{name}: {}",
            stderr(&unknown)
        );

        let list = tidings(db.url(), &["token", "list", "ops@example.org", "--json"]);
        assert!(list.status.success(), "{name}: {}", stderr(&list));
        let tokens = json_lines(&list);
        assert_eq!(tokens.len(), 1, "{name}");
        assert_eq!(tokens[0]["name"], "deploy bot", "{name}");
        let text = tidings(db.url(), &["token", "list"]);
        for out in [&list, &text] {
            assert!(
                !stdout(out).contains(&token[4..]),
                "{name}: the token is never listed"
            );
        }
        assert!(
            stdout(&text).contains("active"),
            "{name}: {}",
            stdout(&text)
        );

        let id = tokens[0]["id"].to_string();
        let revoke = tidings(db.url(), &["token", "revoke", &id]);
        assert!(revoke.status.success(), "{name}: {}", stderr(&revoke));
        assert!(store.api_token_user(&token).unwrap().is_none(), "{name}");
        assert!(stdout(&tidings(db.url(), &["token", "list"])).contains("revoked"));
        assert_eq!(
            tidings(db.url(), &["token", "revoke", "999999"])
                .status
                .code(),
            Some(66),
            "{name}"
        );
    }
}

/// Two events, three dated reports each, as a clustering data set (`events.jsonl` in `dir`).
fn clustering_fixture(dir: &std::path::Path) -> std::path::PathBuf {
    clustering_fixture_of(dir, 1)
}

/// The same events with each text said `repeat` times (long texts are compared whole when
/// the store looks for the same text from the same outlet).
fn clustering_fixture_of(dir: &std::path::Path, repeat: usize) -> std::path::PathBuf {
    let quake = "A magnitude 6.1 earthquake struck the coast of Lumeria on Tuesday, \
        collapsing houses in Port Vessa and cutting power to the harbour district.";
    let budget = "The Valdren parliament passed the 2031 budget after a night session, \
        raising school spending and cutting the defence allowance by four percent.";
    let mut lines = String::new();
    for (i, (cluster, text)) in [("q", quake), ("b", budget)]
        .iter()
        .flat_map(|x| std::iter::repeat_n(*x, 3))
        .enumerate()
    {
        let day = 10 + i / 2;
        lines.push_str(
            &serde_json::json!({
                "id": format!("d{i}"),
                "title": format!("Report {i}"),
                "text": format!("{} Update {i}.", vec![text; repeat].join(" ")),
                "date": format!("2031-03-{day:02}T08:00:00Z"),
                "cluster": cluster,
            })
            .to_string(),
        );
        lines.push('\n');
    }
    write(dir, "events.jsonl", lines.as_bytes())
}

/// `eval clustering` streams a data set through the store pipeline (the default) and through
/// the in-memory clusterer, prints scores, and writes predictions the scorer reads.
#[test]
fn eval_clustering_scores_both_pipelines_and_writes_predictions() {
    let dir = tempfile::tempdir().unwrap();
    let data = clustering_fixture(dir.path());
    let db = format!("sqlite://{}", dir.path().join("unused.db").display());
    for pipeline in ["store", "memory"] {
        let predictions = dir.path().join(format!("{pipeline}.jsonl"));
        let out = tidings(
            &db,
            &[
                "eval",
                "clustering",
                "--pipeline",
                pipeline,
                "--predictions",
                predictions.to_str().unwrap(),
                "--min-f1",
                "0.99",
                data.to_str().unwrap(),
            ],
        );
        assert!(out.status.success(), "{pipeline}: {}", stderr(&out));
        assert!(stdout(&out).contains("events.jsonl"), "{}", stdout(&out));
        let written = std::fs::read_to_string(&predictions).unwrap();
        assert_eq!(written.lines().count(), 6, "{pipeline}: {written}");
    }
}

#[test]
fn bench_stories_times_assignment_and_says_when_a_rerun_finds_its_articles_stored() {
    let dir = tempfile::tempdir().unwrap();
    let data = clustering_fixture_of(dir.path(), 4);
    let db = format!("sqlite://{}", dir.path().join("bench.db").display());
    let run = || {
        let out = tidings(&db, &["bench", "stories", "--json", data.to_str().unwrap()]);
        assert!(out.status.success(), "{}", stderr(&out));
        let rows: serde_json::Value = serde_json::from_str(&stdout(&out)).unwrap();
        (rows[0].clone(), stderr(&out))
    };
    let (first, warnings) = run();
    assert_eq!(first["docs"], 6, "{first}");
    assert_eq!(first["stored_before"], 0, "{first}");
    assert_eq!(first["already_stored"], 0, "{first}");
    assert!(
        first["assignments_per_second"].as_f64().unwrap() > 0.0,
        "{first}"
    );
    assert!(first["pairwise_f1"].as_f64().unwrap() > 0.99, "{first}");
    assert!(!warnings.contains("already stored"), "{warnings}");
    // The same texts from the same outlet again are stored once: nothing new to time, and
    // the run says so instead of reporting the cost of no work.
    let (second, warnings) = run();
    assert_eq!(second["stored_before"], 6, "{second}");
    assert_eq!(second["already_stored"], 6, "{second}");
    assert_eq!(second["assignments_per_second"], 0.0, "{second}");
    assert!(
        warnings.contains("6 of 6 documents were already stored"),
        "{warnings}"
    );
}
