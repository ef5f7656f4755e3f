//! The site end to end through the router (no socket): pages, statuses, policies, view counting
//! and the JSON twins — on SQLite, and on PostgreSQL when configured.

use axum::body::Body;
use axum::http::{Method, Request, StatusCode, header};
use chrono::{NaiveDate, TimeZone, Utc};
use http_body_util::BodyExt;
use tidings_model::{Article, Engagement, OutletRef, Provenance, RepublicationPolicy};
use tidings_store::testing::TestDatabase;
use tidings_store::{OutletSettings, Store};
use tidings_web::{AppState, SiteConfig, router};
use tower::ServiceExt;

const BROWSER: &str = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0 Safari/537.36";

fn body_text(paragraphs: usize) -> String {
    (1..=paragraphs)
        .map(|i| format!("Paragraph {i} of the report on the harbour strike, with enough words to read like a real paragraph of news about the dock workers and the port authority."))
        .collect::<Vec<_>>()
        .join("\n\n")
}

fn article(outlet: &str, title: &str, day: u32) -> Article {
    let text = body_text(8);
    Article {
        title: title.into(),
        authors: vec!["Ada Ferreira".into(), "Tomas Vey".into()],
        outlet: OutletRef {
            name: outlet.into(),
            domain: None,
        },
        published_at: Utc.with_ymd_and_hms(2026, 11, day, 8, 0, 0).single(),
        section: Some("Business".into()),
        tags: vec!["Port Avel".into()],
        language: Some("en".into()),
        summary: Some("Dock workers ended their strike.".into()),
        html: text.split("\n\n").map(|p| format!("<p>{p}</p>")).collect(),
        text,
        engagement: Engagement {
            views: 55,
            comments: 0,
        },
        ..Article::default()
    }
}

struct Site {
    _db: TestDatabase,
    store: Store,
    name: &'static str,
    full_id: i64,
    excerpt_id: i64,
    link_id: i64,
}

fn site(db: TestDatabase) -> Site {
    let store = db.open().unwrap();
    for (name, policy) in [
        ("Harbour Ledger", RepublicationPolicy::Full),
        ("Northmark Wire", RepublicationPolicy::Link),
    ] {
        store
            .save_outlet(&OutletSettings {
                name: name.into(),
                policy: Some(policy),
                domain: Some(format!(
                    "{}.example",
                    name.split(' ').next().unwrap().to_lowercase()
                )),
                ..OutletSettings::default()
            })
            .unwrap();
    }
    let full_id = store
        .upsert_article(
            &article("Harbour Ledger", "Strike ends after nine days", 17),
            None,
        )
        .unwrap()
        .id;
    let mut copy = article("Valdren Daily Post", "Port strike over", 18);
    copy.provenance = Provenance {
        original_outlet: Some("oc-media.org".into()),
        original_url: None,
        original_published_at: Utc.with_ymd_and_hms(2026, 11, 16, 0, 0, 0).single(),
    };
    let excerpt_id = store.upsert_article(&copy, None).unwrap().id;
    // Another event, told in other words (identical bodies would rightly cluster into one story).
    let mut ferries = article("Northmark Wire", "Ferries resume", 19);
    ferries.text = "Ferry crossings to the islands resumed on Thursday morning after engineers \
        repaired the damaged ramp at the northern terminal; timetables are back to normal."
        .into();
    ferries.html = format!("<p>{}</p>", ferries.text);
    let link_id = store.upsert_article(&ferries, None).unwrap().id;
    store
        .upsert_article(&article("Harbour Ledger", "Older news", 3), None)
        .unwrap();
    Site {
        name: db.name(),
        _db: db,
        store,
        full_id,
        excerpt_id,
        link_id,
    }
}

fn app(store: &Store, today: (i32, u32, u32)) -> axum::Router {
    router(AppState::new(
        store.clone(),
        SiteConfig {
            view_salt: "test".into(),
            today: NaiveDate::from_ymd_opt(today.0, today.1, today.2),
            ..SiteConfig::default()
        },
    ))
}

async fn get(app: &axum::Router, path: &str, ua: &str) -> (StatusCode, String) {
    request(app, Method::GET, path, ua).await
}

async fn request(app: &axum::Router, method: Method, path: &str, ua: &str) -> (StatusCode, String) {
    let req = Request::builder()
        .method(method)
        .uri(path)
        .header(header::USER_AGENT, ua)
        .body(Body::empty())
        .unwrap();
    let res = app.clone().oneshot(req).await.unwrap();
    let status = res.status();
    let bytes = res.into_body().collect().await.unwrap().to_bytes();
    (status, String::from_utf8_lossy(&bytes).into_owned())
}

/// Runs `test` against a site on each database. The store is built outside the async runtime
/// because the PostgreSQL driver blocks (the server runs store calls on blocking threads).
fn each_site(test: impl AsyncFn(&Site)) {
    for db in TestDatabase::all() {
        let s = site(db);
        let runtime = tokio::runtime::Runtime::new().unwrap();
        runtime.block_on(test(&s));
    }
}

#[test]
fn week_pages_and_statuses() {
    each_site(async |s| {
        let db = s.name;
        let app = app(&s.store, (2026, 11, 20));
        let (status, html) = get(&app, "/", BROWSER).await;
        assert_eq!(status, StatusCode::OK, "{db}");
        assert!(html.contains("Top stories week 47"), "{db}");
        assert!(html.contains("Strike ends after nine days"), "{db}");
        assert!(
            html.contains("href=\"/week/2026-W45\""),
            "{db}: link to the previous week with stories"
        );
        let (status, html) = get(&app, "/week/2026-W45", BROWSER).await;
        assert_eq!(status, StatusCode::OK, "{db}");
        assert!(
            html.contains("Older news") && html.contains("href=\"/week/2026-W47\""),
            "{db}"
        );
        assert_eq!(
            get(&app, "/week/2026-W99", BROWSER).await.0,
            StatusCode::BAD_REQUEST,
            "{db}"
        );
        assert_eq!(
            get(&app, "/week/junk", BROWSER).await.0,
            StatusCode::BAD_REQUEST,
            "{db}"
        );
        assert_eq!(
            get(&app, "/week/2026-W46", BROWSER).await.0,
            StatusCode::NOT_FOUND,
            "{db}: a past week without stories"
        );
        assert_eq!(
            get(&app, "/articles/987654", BROWSER).await.0,
            StatusCode::NOT_FOUND,
            "{db}"
        );
        assert_eq!(
            get(&app, "/articles/abc", BROWSER).await.0,
            StatusCode::NOT_FOUND,
            "{db}"
        );
        assert_eq!(
            get(&app, "/nowhere", BROWSER).await.0,
            StatusCode::NOT_FOUND,
            "{db}"
        );
        let (status, body) = get(&app, "/healthz", BROWSER).await;
        assert_eq!(status, StatusCode::OK, "{db}");
        assert!(body.contains("\"database\":\"ok\""), "{db}");
        let (status, weeks) = get(&app, "/weeks", BROWSER).await;
        assert_eq!(status, StatusCode::OK, "{db}");
        assert!(weeks.contains("href=\"/week/2026-W47\""), "{db}");
        let (status, older) = get(&app, "/weeks?before=2026-W47", BROWSER).await;
        assert_eq!(status, StatusCode::OK, "{db}");
        assert!(
            older.contains("href=\"/week/2026-W45\"")
                && !older.contains("href=\"/week/2026-W47\"")
                && older.contains("href=\"/weeks\""),
            "{db}: {older}"
        );
        assert_eq!(
            get(&app, "/weeks?before=soon", BROWSER).await.0,
            StatusCode::BAD_REQUEST,
            "{db}"
        );
        assert_eq!(
            get(&app, "/about/ranking", BROWSER).await.0,
            StatusCode::OK,
            "{db}"
        );
        assert_eq!(
            get(&app, "/static/site.css", BROWSER).await.0,
            StatusCode::OK,
            "{db}"
        );
    });
}

#[test]
fn an_empty_current_week_falls_back_to_the_latest() {
    each_site(async |s| {
        let app = app(&s.store, (2026, 12, 9));
        let (status, html) = get(&app, "/", BROWSER).await;
        assert_eq!(status, StatusCode::OK, "{}", s.name);
        assert!(html.contains("No stories yet this week"), "{}", s.name);
        assert!(html.contains("Strike ends after nine days"), "{}", s.name);
        assert_eq!(
            get(&app, "/week/2026-W50", BROWSER).await.0,
            StatusCode::OK,
            "{}: the current week exists even when empty",
            s.name
        );
    });
}

#[test]
fn article_pages_honour_the_republication_policy() {
    each_site(async |s| {
        let db = s.name;
        let app = app(&s.store, (2026, 11, 20));
        let (status, full) = get(&app, &format!("/articles/{}", s.full_id), BROWSER).await;
        assert_eq!(status, StatusCode::OK, "{db}");
        for part in [
            "Top stories week 47",
            "Port Avel",
            "Business",
            "Strike ends after nine days",
            "Harbour Ledger",
            "By Ada Ferreira and Tomas Vey",
            "Paragraph 8 of the report",
        ] {
            assert!(full.contains(part), "{db}: full page lacks {part:?}");
        }
        let (_, excerpt) = get(&app, &format!("/articles/{}", s.excerpt_id), BROWSER).await;
        assert!(excerpt.contains("Paragraph 1 of the report"), "{db}");
        assert!(
            !excerpt.contains("Paragraph 8 of the report"),
            "{db}: excerpt shows the whole article"
        );
        assert!(excerpt.contains("This is an excerpt."), "{db}");
        assert!(
            excerpt.contains("Originally published by oc-media.org on 16 November 2026"),
            "{db}"
        );
        let (_, link) = get(&app, &format!("/articles/{}", s.link_id), BROWSER).await;
        assert!(
            !link.contains("Paragraph 1 of the report"),
            "{db}: link-only outlet shows text"
        );
        assert!(
            link.contains("Read the full article at Northmark Wire"),
            "{db}"
        );
        assert!(link.contains("https://northmark.example/"), "{db}");

        let (_, json) = get(&app, &format!("/api/v1/articles/{}", s.excerpt_id), BROWSER).await;
        let v: serde_json::Value = serde_json::from_str(&json).unwrap();
        assert_eq!(v["republication_policy"], "excerpt", "{db}");
        assert!(!v["text"].as_str().unwrap().contains("Paragraph 8"), "{db}");
        assert_eq!(v["provenance"]["original_outlet"], "oc-media.org", "{db}");
        let (status, json) = get(&app, "/api/v1/articles/987654", BROWSER).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{db}");
        assert!(json.contains("\"status\":404"), "{db}");
        let (status, json) = get(&app, "/api/v1/weeks/2026-W47", BROWSER).await;
        assert_eq!(status, StatusCode::OK, "{db}");
        let v: serde_json::Value = serde_json::from_str(&json).unwrap();
        // The copy tells the Ledger's report word for word: clustering puts it in that story.
        assert_eq!(v["stories"].as_array().unwrap().len(), 2, "{db}");
        assert!(v["stories"][0]["parts"]["breadth"].is_number(), "{db}");
    });
}

#[test]
fn a_get_counts_one_view_per_visitor_per_day_and_bots_none() {
    each_site(async |s| {
        let db = s.name;
        let app = app(&s.store, (2026, 11, 20));
        let path = format!("/articles/{}", s.full_id);
        let (_, html) = get(&app, &path, BROWSER).await;
        assert!(
            html.contains("56 views"),
            "{db}: the first visit counts and shows"
        );
        let (_, html) = get(&app, &path, BROWSER).await;
        assert!(
            html.contains("56 views"),
            "{db}: the same visitor again does not count"
        );
        get(&app, &path, "Googlebot/2.1").await;
        get(&app, &path, "curl/8.0").await;
        request(&app, Method::HEAD, &path, "Mozilla/5.0 Firefox/130").await;
        let (_, html) = get(&app, &path, "Mozilla/5.0 (Macintosh) Firefox/130").await;
        assert!(
            html.contains("57 views"),
            "{db}: another visitor counts; bots and HEAD do not"
        );
        let tomorrow = tidings_web::router(AppState::new(
            s.store.clone(),
            SiteConfig {
                view_salt: "test".into(),
                today: NaiveDate::from_ymd_opt(2026, 11, 21),
                ..SiteConfig::default()
            },
        ));
        let (_, html) = get(&tomorrow, &path, BROWSER).await;
        assert!(html.contains("58 views"), "{db}: a new day counts again");
    });
}

#[test]
fn article_page_snapshot() {
    let s = site(TestDatabase::sqlite());
    let app = app(&s.store, (2026, 11, 20));
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let (_, html) = runtime.block_on(get(
        &app,
        &format!("/articles/{}", s.excerpt_id),
        "Googlebot",
    ));
    let html = html.replace(
        &format!("/api/v1/articles/{}", s.excerpt_id),
        "/api/v1/articles/ID",
    );
    insta::assert_snapshot!(html);
}

#[test]
fn search_pages_find_escape_and_never_error() {
    each_site(async |s| {
        let db = s.name;
        let app = app(&s.store, (2026, 11, 20));
        let (status, html) = get(&app, "/search?q=strike", BROWSER).await;
        assert_eq!(status, StatusCode::OK, "{db}");
        // The Ledger's report and its word-for-word copy are one story: either leads it.
        assert!(
            html.contains(&format!("href=\"/articles/{}\"", s.full_id)),
            "{db}"
        );
        assert!(html.contains("<mark>"), "{db}: highlighted snippet");
        for q in [
            "%22unbalanced",
            "%3Cscript%3Ealert(1)%3C%2Fscript%3E",
            "'%20OR%201%3D1%20--",
            "*",
            "",
            "a&page=99999",
            "x&from=junk&to=2026-13-45",
        ] {
            let (status, html) = get(&app, &format!("/search?q={q}"), BROWSER).await;
            assert_eq!(status, StatusCode::OK, "{db}: {q}");
            assert!(
                !html.contains("<script>alert"),
                "{db}: {q} reflected unescaped"
            );
        }
        let long = "x".repeat(10_000);
        assert_eq!(
            get(&app, &format!("/search?q={long}"), BROWSER).await.0,
            StatusCode::OK,
            "{db}"
        );
        let (status, json) = get(
            &app,
            "/api/v1/search?q=strike&outlet=harbour-ledger",
            BROWSER,
        )
        .await;
        assert_eq!(status, StatusCode::OK, "{db}");
        let v: serde_json::Value = serde_json::from_str(&json).unwrap();
        assert_eq!(v["stories"].as_array().unwrap().len(), 2, "{db}: {v}");
        assert_eq!(
            v["stories"][0]["hits"][0]["article"]["outlet_slug"], "harbour-ledger",
            "{db}"
        );
    });
}

#[test]
fn outlet_section_and_tag_pages() {
    each_site(async |s| {
        let db = s.name;
        let app = app(&s.store, (2026, 11, 20));
        let (status, html) = get(&app, "/outlets/harbour-ledger", BROWSER).await;
        assert_eq!(status, StatusCode::OK, "{db}");
        assert!(
            html.contains("We republish this outlet") && html.contains("Older news"),
            "{db}"
        );
        let (status, html) = get(&app, "/sections/business", BROWSER).await;
        assert_eq!(status, StatusCode::OK, "{db}");
        assert!(html.contains("Ferries resume"), "{db}");
        assert_eq!(
            get(&app, "/tags/port-avel", BROWSER).await.0,
            StatusCode::OK,
            "{db}"
        );
        assert_eq!(
            get(&app, "/tags/nothing-here", BROWSER).await.0,
            StatusCode::NOT_FOUND,
            "{db}"
        );
        assert_eq!(
            get(&app, "/outlets/harbour-ledger?after=junk", BROWSER)
                .await
                .0,
            StatusCode::BAD_REQUEST,
            "{db}"
        );
        let (status, json) = get(&app, "/api/v1/sections/business", BROWSER).await;
        assert_eq!(status, StatusCode::OK, "{db}");
        let v: serde_json::Value = serde_json::from_str(&json).unwrap();
        assert_eq!(v["articles"].as_array().unwrap().len(), 4, "{db}");
        let (_, article) = get(&app, &format!("/articles/{}", s.full_id), BROWSER).await;
        assert!(
            article.contains("href=\"/tags/port-avel\"")
                && article.contains("href=\"/sections/business\"")
                && article.contains("href=\"/outlets/harbour-ledger\""),
            "{db}"
        );
    });
}

async fn get_with(
    app: &axum::Router,
    path: &str,
    etag: Option<&str>,
) -> (StatusCode, HeaderMapOwned) {
    let mut req = Request::builder()
        .uri(path)
        .header(header::USER_AGENT, BROWSER);
    if let Some(e) = etag {
        req = req.header(header::IF_NONE_MATCH, e);
    }
    let res = app
        .clone()
        .oneshot(req.body(Body::empty()).unwrap())
        .await
        .unwrap();
    let status = res.status();
    let headers = res.headers().clone();
    let body = res.into_body().collect().await.unwrap().to_bytes().to_vec();
    (status, HeaderMapOwned { headers, body })
}

struct HeaderMapOwned {
    headers: axum::http::HeaderMap,
    body: Vec<u8>,
}

#[test]
fn output_feeds_parse_back_and_answer_conditional_gets() {
    each_site(async |s| {
        let db = s.name;
        let mut tricky = article(
            "Harbour Ledger",
            "Cats & dogs <b>not</b> welcome at “the pier”",
            18,
        );
        tricky.url = Some("https://ledger.example/cats?a=1&b=2".into());
        let store = s.store.clone();
        tokio::task::spawn_blocking(move || store.upsert_article(&tricky, None).unwrap())
            .await
            .unwrap();
        let app = app(&s.store, (2026, 11, 20));
        for ext in ["atom", "rss", "json"] {
            for path in [
                format!("/feeds/top.{ext}"),
                format!("/feeds/outlets/harbour-ledger.{ext}"),
                format!("/feeds/sections/business.{ext}"),
                format!("/feeds/tags/port-avel.{ext}"),
                format!("/feeds/search.{ext}?q=strike"),
            ] {
                let (status, res) = get_with(&app, &path, None).await;
                assert_eq!(status, StatusCode::OK, "{db}: {path}");
                let parsed = tidings_feed::parse(&res.body, Some("http://127.0.0.1:8080/"))
                    .unwrap_or_else(|e| {
                        panic!(
                            "{db}: {path} does not parse back: {e}\n{}",
                            String::from_utf8_lossy(&res.body)
                        )
                    });
                assert!(!parsed.entries.is_empty(), "{db}: {path}");
                for e in &parsed.entries {
                    assert!(
                        e.published_at.is_some(),
                        "{db}: {path}: entry without a date"
                    );
                    assert!(
                        e.url
                            .as_deref()
                            .is_some_and(|u| u.starts_with("http://127.0.0.1:8080/articles/")),
                        "{db}: {path}: {:?}",
                        e.url
                    );
                }
                if path.contains("harbour-ledger") {
                    let body = String::from_utf8_lossy(&res.body);
                    let linked = match ext {
                        "atom" => body.contains(
                            r#"href="https://ledger.example/cats?a=1&amp;b=2" rel="related""#,
                        ),
                        "json" => {
                            body.contains(r#""external_url":"https://ledger.example/cats?a=1&b=2""#)
                        }
                        _ => parsed.entries.iter().any(|e| {
                            e.html
                                .contains(r#"href="https://ledger.example/cats?a=1&amp;b=2""#)
                        }),
                    };
                    assert!(linked, "{db}: {path} links the original: {body}");
                    // Markup in a title may be kept as text or dropped as tags, depending on the
                    // format's rules; the ampersand and quotes must survive unescaped-once.
                    assert!(
                        parsed
                            .entries
                            .iter()
                            .any(|e| e.title.starts_with("Cats & dogs")
                                && e.title.ends_with("welcome at “the pier”")
                                && !e.title.contains("&amp;")),
                        "{db}: {path}: escaping: {:?}",
                        parsed.entries.iter().map(|e| &e.title).collect::<Vec<_>>()
                    );
                }
                let etag = res
                    .headers
                    .get(header::ETAG)
                    .unwrap()
                    .to_str()
                    .unwrap()
                    .to_owned();
                let (status, _) = get_with(&app, &path, Some(&etag)).await;
                assert_eq!(status, StatusCode::NOT_MODIFIED, "{db}: {path}");
            }
        }
        assert_eq!(
            get(&app, "/feeds/top.pdf", BROWSER).await.0,
            StatusCode::NOT_FOUND,
            "{db}"
        );
        assert_eq!(
            get(&app, "/feeds/outlets/nobody.atom", BROWSER).await.0,
            StatusCode::NOT_FOUND,
            "{db}"
        );
        assert_eq!(
            get(&app, "/feeds/planets/x.atom", BROWSER).await.0,
            StatusCode::NOT_FOUND,
            "{db}"
        );
        let (_, html) = get(&app, "/", BROWSER).await;
        assert!(
            html.contains(
                "rel=\"alternate\" type=\"application/atom+xml\" href=\"/feeds/top.atom\""
            ),
            "{db}"
        );
    });
}

#[test]
fn a_finished_week_keeps_its_ranking() {
    each_site(async |s| {
        let db = s.name;
        let app = app(&s.store, (2026, 12, 2));
        let (_, before) = get(&app, "/api/v1/weeks/2026-W47", BROWSER).await;
        let before: serde_json::Value = serde_json::from_str(&before).unwrap();
        let store = s.store.clone();
        tokio::task::spawn_blocking(move || {
            let mut late = article("Northmark Wire", "A late import into a closed week", 19);
            late.engagement.views = 9_000_000;
            store.upsert_article(&late, None).unwrap();
        })
        .await
        .unwrap();
        let (_, after) = get(&app, "/api/v1/weeks/2026-W47", BROWSER).await;
        let after: serde_json::Value = serde_json::from_str(&after).unwrap();
        let ids = |v: &serde_json::Value| {
            v["stories"]
                .as_array()
                .unwrap()
                .iter()
                .map(|s| s["story_id"].as_i64().unwrap())
                .collect::<Vec<_>>()
        };
        assert_eq!(
            ids(&before),
            ids(&after),
            "{db}: history does not reshuffle"
        );
        assert_eq!(
            before["stories"][0]["score"], after["stories"][0]["score"],
            "{db}"
        );
    });
}

#[test]
fn a_finished_week_is_kept_when_it_ends_without_a_visit() {
    each_site(async |s| {
        let db = s.name;
        let store = s.store.clone();
        tokio::task::spawn_blocking(move || {
            let w47: tidings_model::IsoWeek = "2026-W47".parse().unwrap();
            let during = chrono::NaiveDate::from_ymd_opt(2026, 11, 20).unwrap();
            let monday = chrono::NaiveDate::from_ymd_opt(2026, 11, 23).unwrap();
            let keep = |day| tidings_web::ranking::keep_last_week(&store, day).unwrap();
            assert!(!keep(during), "{db}: W46 has no stories");
            assert!(
                store.kept_ranking(w47).unwrap().is_empty(),
                "{db}: still running"
            );
            assert!(keep(monday), "{db}: kept once W47 is over");
            assert!(!store.kept_ranking(w47).unwrap().is_empty(), "{db}");
            assert!(!keep(monday), "{db}: kept once only");
        })
        .await
        .unwrap();
    });
}

#[test]
fn web_nodes_share_the_running_weeks_ranking() {
    use tidings_web::ranking::shared_week_ranking;
    each_site(async |s| {
        let db = s.name;
        let store = s.store.clone();
        tokio::task::spawn_blocking(move || {
            let w47: tidings_model::IsoWeek = "2026-W47".parse().unwrap();
            let today = chrono::NaiveDate::from_ymd_opt(2026, 11, 20).unwrap();
            let ttl = std::time::Duration::from_secs(30);
            let rank = || {
                shared_week_ranking(&store, w47, today, 10, ttl)
                    .unwrap()
                    .iter()
                    .map(|r| r.story_id)
                    .collect::<Vec<_>>()
            };
            let first = rank();
            assert!(first.len() >= 2, "{db}: {first:?}");
            let shared = store.live_ranking(w47).unwrap().expect("shared");
            assert_eq!(
                shared.article_count,
                store.week_article_count(w47).unwrap(),
                "{db}"
            );
            // Another node's ranking, in another order, is read rather than recomputed.
            let mut other: Vec<serde_json::Value> =
                serde_json::from_str(&shared.ranking_json).unwrap();
            other.reverse();
            for (i, r) in other.iter_mut().enumerate() {
                r["rank"] = (i + 1).into();
            }
            let other_json = serde_json::to_string(&other).unwrap();
            store
                .save_live_ranking(w47, shared.computed_at, shared.article_count, &other_json)
                .unwrap();
            let mut reversed = first.clone();
            reversed.reverse();
            assert_eq!(rank(), reversed, "{db}: the shared ranking serves");
            // One node at a time recomputes; a claim ends when it runs out.
            assert!(store.claim_live_ranking(w47, 1_000, 2_000).unwrap(), "{db}");
            assert!(
                !store.claim_live_ranking(w47, 1_500, 2_500).unwrap(),
                "{db}"
            );
            assert!(store.claim_live_ranking(w47, 2_000, 3_000).unwrap(), "{db}");
            // A new article moves the count: the next request recomputes.
            store
                .upsert_article(
                    &article("Northmark Wire", "Ferry timetable changes", 20),
                    None,
                )
                .unwrap();
            let again = rank();
            assert!(
                again.len() > first.len() || again != reversed,
                "{db}: {again:?}"
            );
            assert_eq!(
                store.live_ranking(w47).unwrap().unwrap().article_count,
                store.week_article_count(w47).unwrap(),
                "{db}"
            );
        })
        .await
        .unwrap();
    });
}

#[test]
fn entity_pages_and_trending_entities() {
    each_site(async |s| {
        let db = s.name;
        let store = s.store.clone();
        tokio::task::spawn_blocking(move || {
            let mut a = article("Harbour Ledger", "Marchetti defends the deal", 19);
            a.entities = vec![tidings_model::EntityMention {
                name: "Odile Marchetti".into(),
                kind: tidings_model::EntityKind::Person,
                mentions: 4,
                aliases: vec!["Marchetti".into()],
            }];
            a.quotes = vec![tidings_model::Quote {
                speaker: Some("Odile Marchetti".into()),
                text: "The deal is <fair>.".into(),
                verb: Some("wrote".into()),
            }];
            store.upsert_article(&a, None).unwrap();
            let mut b = article("Harbour Ledger", "Union ballot", 18);
            b.entities = vec![tidings_model::EntityMention {
                name: "O. Marchetti".into(),
                kind: tidings_model::EntityKind::Person,
                mentions: 1,
                aliases: Vec::new(),
            }];
            store.upsert_article(&b, None).unwrap();
            store
                .merge_entities("o-marchetti", "odile-marchetti")
                .unwrap();
        })
        .await
        .unwrap();
        let app = app(&s.store, (2026, 11, 20));
        let (status, html) = get(&app, "/entities/odile-marchetti", BROWSER).await;
        assert_eq!(status, StatusCode::OK, "{db}");
        assert!(html.contains("Marchetti defends the deal"), "{db}");
        assert!(
            html.contains("Union ballot"),
            "{db}: the merged entity's article"
        );
        assert!(html.contains("Also named: Marchetti, O. Marchetti"), "{db}");
        assert!(html.contains("<svg"), "{db}: weekly mentions chart");
        assert!(
            html.contains("href=\"/stories/"),
            "{db}: the entity's stories"
        );
        assert!(
            html.contains("The deal is &#60;fair&#62;."),
            "{db}: quote, escaped"
        );
        let (status, moved) = request(&app, Method::GET, "/entities/o-marchetti", BROWSER).await;
        assert_eq!(status, StatusCode::PERMANENT_REDIRECT, "{db}: {moved}");
        let (status, json) = get(&app, "/api/v1/entities/odile-marchetti", BROWSER).await;
        assert_eq!(status, StatusCode::OK, "{db}");
        let json: serde_json::Value = serde_json::from_str(&json).unwrap();
        assert_eq!(json["entity"]["name"], "Odile Marchetti", "{db}");
        assert_eq!(json["quotes"][0]["verb"], "wrote", "{db}");
        assert_eq!(
            json["weekly_mentions"].as_array().unwrap().len(),
            12,
            "{db}"
        );
        let (_, article) = get(
            &app,
            &format!("/articles/{}", json["articles"][0]["id"]),
            BROWSER,
        )
        .await;
        assert!(
            article.contains("href=\"/entities/odile-marchetti\""),
            "{db}: entity links on the article"
        );
        let (_, week) = get(&app, "/week/2026-W47", BROWSER).await;
        assert!(
            week.contains("href=\"/entities/odile-marchetti\""),
            "{db}: trending entities on the week page"
        );
        assert_eq!(
            get(&app, "/entities/nobody", BROWSER).await.0,
            StatusCode::NOT_FOUND,
            "{db}"
        );
        let (status, _) = get(&app, "/feeds/entities/odile-marchetti.json", BROWSER).await;
        assert_eq!(status, StatusCode::OK, "{db}");
    });
}

fn app_with_mail(store: &Store, dir: &std::path::Path) -> axum::Router {
    router(AppState::new(
        store.clone(),
        SiteConfig {
            view_salt: "test".into(),
            today: NaiveDate::from_ymd_opt(2026, 11, 20),
            public_url: "https://news.example".into(),
            mail: tidings_web::mail::MailConfig {
                from: "tidings <digest@news.example>".into(),
                transport: tidings_web::mail::MailTransport::Files(dir.to_path_buf()),
            },
            ..SiteConfig::default()
        },
    ))
}

async fn post_form(
    app: &axum::Router,
    path: &str,
    cookie: Option<&str>,
    body: &str,
) -> (StatusCode, String) {
    let mut req = Request::builder()
        .method(Method::POST)
        .uri(path)
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .header(header::USER_AGENT, BROWSER);
    if let Some(c) = cookie {
        req = req.header(header::COOKIE, c);
    }
    let res = app
        .clone()
        .oneshot(req.body(Body::from(body.to_owned())).unwrap())
        .await
        .unwrap();
    let status = res.status();
    let bytes = res.into_body().collect().await.unwrap().to_bytes();
    (status, String::from_utf8_lossy(&bytes).into_owned())
}

#[test]
fn digest_sign_up_is_double_opt_in_with_csrf_and_a_honeypot() {
    each_site(async |s| {
        let db = s.name;
        let mail_dir = tempfile::tempdir().unwrap();
        let app = app_with_mail(&s.store, mail_dir.path());
        let res = app
            .clone()
            .oneshot(
                Request::builder()
                    .uri("/digest")
                    .body(Body::empty())
                    .unwrap(),
            )
            .await
            .unwrap();
        assert_eq!(res.status(), StatusCode::OK, "{db}");
        let cookie = res
            .headers()
            .get(header::SET_COOKIE)
            .unwrap()
            .to_str()
            .unwrap()
            .split(';')
            .next()
            .unwrap()
            .to_owned();
        let token = cookie.split('=').nth(1).unwrap().to_owned();
        let (status, _) = post_form(
            &app,
            "/digest/subscribe",
            None,
            &format!("email=reader%40example.org&csrf={token}"),
        )
        .await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{db}: no cookie, no sign-up");
        let (status, _) = post_form(
            &app,
            "/digest/subscribe",
            Some(&cookie),
            "email=reader%40example.org&csrf=00000000000000000000000000000000",
        )
        .await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{db}: forged token");
        let (status, _) = post_form(
            &app,
            "/digest/subscribe",
            Some(&cookie),
            &format!("email=not-an-address&csrf={token}"),
        )
        .await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{db}");
        let (status, _) = post_form(
            &app,
            "/digest/subscribe",
            Some(&cookie),
            &format!("email=bot%40example.org&website=spam&csrf={token}"),
        )
        .await;
        assert_eq!(
            status,
            StatusCode::OK,
            "{db}: the honeypot answers like success"
        );
        assert_eq!(
            std::fs::read_dir(mail_dir.path())
                .map(|d| d.count())
                .unwrap_or(0),
            0,
            "{db}: but sends nothing"
        );
        let (status, body) = post_form(
            &app,
            "/digest/subscribe",
            Some(&cookie),
            &format!("email=reader%40example.org&csrf={token}"),
        )
        .await;
        assert_eq!(status, StatusCode::OK, "{db}: {body}");
        let mails: Vec<_> = std::fs::read_dir(mail_dir.path())
            .unwrap()
            .flatten()
            .collect();
        assert_eq!(mails.len(), 1, "{db}: one confirmation");
        let eml = std::fs::read_to_string(mails[0].path())
            .unwrap()
            .replace("=\r\n", "")
            .replace("=3D", "=");
        let link_start = eml
            .find("https://news.example/digest/confirm?token=")
            .unwrap();
        let path: String = eml[link_start + "https://news.example".len()..]
            .chars()
            .take_while(|c| !c.is_whitespace())
            .collect();
        let store = s.store.clone();
        assert!(
            tokio::task::spawn_blocking(move || store.digest_subscribers().unwrap())
                .await
                .unwrap()
                .is_empty(),
            "{db}"
        );
        assert_eq!(
            get(&app, &path, BROWSER).await.0,
            StatusCode::OK,
            "{db}: confirm {path}"
        );
        let store = s.store.clone();
        let subs = tokio::task::spawn_blocking(move || store.digest_subscribers().unwrap())
            .await
            .unwrap();
        assert_eq!(subs.len(), 1, "{db}");
        assert_eq!(
            get(&app, "/digest/confirm?token=nope", BROWSER).await.0,
            StatusCode::NOT_FOUND,
            "{db}"
        );
        let unsubscribe = format!("/digest/unsubscribe?token={}", subs[0].token);
        assert_eq!(
            get(&app, &unsubscribe, BROWSER).await.0,
            StatusCode::OK,
            "{db}"
        );
        assert_eq!(
            get(&app, &unsubscribe, BROWSER).await.0,
            StatusCode::NOT_FOUND,
            "{db}: once"
        );
        // The same answer for a known address: no enumeration.
        let (status, again) = post_form(
            &app,
            "/digest/subscribe",
            Some(&cookie),
            &format!("email=reader%40example.org&csrf={token}"),
        )
        .await;
        assert_eq!(status, StatusCode::OK, "{db}");
        assert!(
            again.contains("a message asking you to confirm is on its way"),
            "{db}"
        );
    });
}

#[test]
fn split_stories_link_to_each_other() {
    each_site(async |s| {
        let db = s.name;
        let store = s.store.clone();
        let (kept, split) = tokio::task::spawn_blocking(move || {
            tidings_store::testing::drifted_story_reviewed(&store).unwrap()
        })
        .await
        .unwrap();
        assert_ne!(kept, split, "{db}: the review split the story");
        let app = app(&s.store, (2026, 3, 5));
        let (status, html) = get(&app, &format!("/stories/{split}"), BROWSER).await;
        assert_eq!(status, StatusCode::OK, "{db}");
        assert!(
            html.contains(&format!(
                "Split from <a href=\"/stories/{kept}\">Earthquake hits Teralin"
            )),
            "{db}: the split story names the story it left"
        );
        let (status, html) = get(&app, &format!("/stories/{kept}"), BROWSER).await;
        assert_eq!(status, StatusCode::OK, "{db}");
        assert!(
            html.contains("Reviewed and split")
                && html.contains(&format!(
                    "<a href=\"/stories/{split}\">Nordlys adds night ferry"
                )),
            "{db}: the story that was reviewed names where its articles went"
        );
        let (_, json) = get(&app, &format!("/api/v1/stories/{split}"), BROWSER).await;
        let v: serde_json::Value = serde_json::from_str(&json).unwrap();
        assert_eq!(v["split_from"]["id"], kept, "{db}: {json}");
    });
}

#[test]
fn story_pages_gather_every_outlets_report_with_reasons() {
    each_site(async |s| {
        let db = s.name;
        let store = s.store.clone();
        let (first, second) = tokio::task::spawn_blocking(move || {
            let entities = vec![
                tidings_model::EntityMention {
                    name: "Mara Oyelaran".into(),
                    kind: tidings_model::EntityKind::Person,
                    mentions: 1,
                    aliases: Vec::new(),
                },
                tidings_model::EntityMention {
                    name: "Harvik".into(),
                    kind: tidings_model::EntityKind::Place,
                    mentions: 2,
                    aliases: Vec::new(),
                },
            ];
            let mut a = article("Harbour Ledger", "Fire at Harvik paper mill", 19);
            a.text = "A fire broke out overnight at the Lindqvist paper mill in Harvik, forcing \
                the evacuation of 40 night-shift workers. Fire chief Mara Oyelaran said the blaze \
                started in the drying hall and was under control by dawn."
                .into();
            a.entities = entities.clone();
            let mut b = article(
                "Northmark Wire",
                "Harvik mill blaze: night shift evacuated",
                19,
            );
            b.published_at = Utc.with_ymd_and_hms(2026, 11, 19, 11, 0, 0).single();
            b.text = "Firefighters contained a blaze at the Lindqvist paper mill in Harvik, where \
                40 workers on the night shift were evacuated. The fire began in the drying hall, \
                fire chief Mara Oyelaran said."
                .into();
            b.entities = entities;
            (
                store.upsert_article(&a, None).unwrap(),
                store.upsert_article(&b, None).unwrap(),
            )
        })
        .await
        .unwrap();
        assert_eq!(first.story_id, second.story_id, "{db}: one story");
        let app = app(&s.store, (2026, 11, 20));
        let path = format!("/stories/{}", first.story_id);
        let (status, html) = get(&app, &path, BROWSER).await;
        assert_eq!(status, StatusCode::OK, "{db}");
        for part in [
            "Fire at Harvik paper mill",
            "Harvik mill blaze: night shift evacuated",
            "2 articles from 2 outlets",
            "Harbour Ledger",
            "Northmark Wire",
            "<svg",
            "Why here: similarity",
            "href=\"/entities/mara-oyelaran\"",
        ] {
            assert!(html.contains(part), "{db}: story page lacks {part:?}");
        }
        let (status, json) = get(&app, &format!("/api/v1{path}"), BROWSER).await;
        assert_eq!(status, StatusCode::OK, "{db}");
        let v: serde_json::Value = serde_json::from_str(&json).unwrap();
        assert_eq!(v["article_count"], 2, "{db}");
        assert_eq!(v["outlet_count"], 2, "{db}");
        assert_eq!(v["articles"].as_array().unwrap().len(), 2, "{db}");
        assert_eq!(
            (v["page"].clone(), v["pages"].clone()),
            (1.into(), 1.into()),
            "{db}"
        );
        let (status, json) = get(&app, &format!("/api/v1{path}?page=2"), BROWSER).await;
        assert_eq!(status, StatusCode::OK, "{db}");
        let v: serde_json::Value = serde_json::from_str(&json).unwrap();
        assert!(
            v["articles"].as_array().unwrap().is_empty(),
            "{db}: past the last page"
        );
        assert_eq!(
            get(&app, &format!("{path}?page=0"), BROWSER).await.0,
            StatusCode::BAD_REQUEST,
            "{db}"
        );
        for missing in ["/stories/987654", "/stories/x", "/api/v1/stories/987654"] {
            assert_eq!(
                get(&app, missing, BROWSER).await.0,
                StatusCode::NOT_FOUND,
                "{db}: {missing}"
            );
        }
        let (_, week) = get(&app, "/week/2026-W47", BROWSER).await;
        assert!(
            week.contains(&format!("href=\"{path}\"")),
            "{db}: week card links to the story"
        );
        assert!(week.contains("2 outlets"), "{db}");

        // A story merged into another redirects there.
        let store = s.store.clone();
        let stored = tokio::task::spawn_blocking(move || {
            let at = Utc.with_ymd_and_hms(2026, 11, 18, 7, 0, 0).unwrap();
            tidings_store::testing::BRIDGED_REPORTS
                .iter()
                .zip(0..)
                .map(|((outlet, title, text), h)| {
                    let mut a = article(outlet, title, 18);
                    a.published_at = Some(at + chrono::Duration::hours(h));
                    a.text = (*text).into();
                    store.upsert_article(&a, None).unwrap()
                })
                .collect::<Vec<_>>()
        })
        .await
        .unwrap();
        let kept = stored[2].story_id;
        let gone = [stored[0].story_id, stored[1].story_id];
        let gone = gone.iter().find(|&&id| id != kept).unwrap();
        for prefix in ["", "/api/v1"] {
            let mut browser = Browser::new(&app);
            let (status, location, _) = browser.go(&format!("{prefix}/stories/{gone}"), None).await;
            assert_eq!(status, StatusCode::PERMANENT_REDIRECT, "{db}: {prefix}");
            assert_eq!(location, format!("{prefix}/stories/{kept}"), "{db}");
        }
    });
}

/// A browser for form flows: keeps cookies between requests.
struct Browser {
    app: axum::Router,
    cookies: std::collections::BTreeMap<String, String>,
}

impl Browser {
    fn new(app: &axum::Router) -> Self {
        Browser {
            app: app.clone(),
            cookies: Default::default(),
        }
    }

    /// GET, or POST with a form body; returns status, Location and body.
    async fn go(&mut self, path: &str, form: Option<&str>) -> (StatusCode, String, String) {
        let mut req = Request::builder()
            .method(if form.is_some() {
                Method::POST
            } else {
                Method::GET
            })
            .uri(path)
            .header(header::USER_AGENT, BROWSER);
        if form.is_some() {
            req = req.header(header::CONTENT_TYPE, "application/x-www-form-urlencoded");
        }
        let jar: Vec<String> = self
            .cookies
            .iter()
            .map(|(k, v)| format!("{k}={v}"))
            .collect();
        if !jar.is_empty() {
            req = req.header(header::COOKIE, jar.join("; "));
        }
        let res = self
            .app
            .clone()
            .oneshot(req.body(Body::from(form.unwrap_or("").to_owned())).unwrap())
            .await
            .unwrap();
        for c in res.headers().get_all(header::SET_COOKIE) {
            let c = c.to_str().unwrap();
            let (pair, attrs) = c.split_once(';').unwrap_or((c, ""));
            let (k, v) = pair.split_once('=').unwrap();
            if attrs.contains("Max-Age=0") {
                self.cookies.remove(k);
            } else {
                self.cookies.insert(k.to_owned(), v.to_owned());
            }
        }
        let status = res.status();
        let location = res
            .headers()
            .get(header::LOCATION)
            .map(|l| l.to_str().unwrap().to_owned())
            .unwrap_or_default();
        let bytes = res.into_body().collect().await.unwrap().to_bytes();
        (
            status,
            location,
            String::from_utf8_lossy(&bytes).into_owned(),
        )
    }

    fn csrf(&self) -> String {
        self.cookies["tidings_csrf"].clone()
    }
}

fn form(pairs: &[(&str, &str)]) -> String {
    pairs
        .iter()
        .map(|(k, v)| {
            let enc: String = v
                .bytes()
                .map(|b| match b {
                    b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' => (b as char).to_string(),
                    _ => format!("%{b:02X}"),
                })
                .collect();
            format!("{k}={enc}")
        })
        .collect::<Vec<_>>()
        .join("&")
}

/// The mails the file transport wrote into `dir` once there are `count` of them (they are
/// sent in the background), decoded enough to find links in. The file transport writes a
/// file in place, so a mail is read only once two reads 50 ms apart agree (a file seen
/// mid-write is not yet the whole mail).
async fn wait_for_mails(dir: &std::path::Path, count: usize) -> Vec<String> {
    let read_all = || {
        let mut mails: Vec<(std::time::SystemTime, String)> = std::fs::read_dir(dir)
            .unwrap()
            .flatten()
            .map(|e| {
                let text = std::fs::read_to_string(e.path())
                    .unwrap()
                    .replace("=\r\n", "")
                    .replace("=3D", "=");
                (e.metadata().unwrap().modified().unwrap(), text)
            })
            .collect();
        mails.sort_by(|a, b| a.0.cmp(&b.0).then_with(|| a.1.cmp(&b.1)));
        mails
    };
    let mut last = Vec::new();
    for _ in 0..100 {
        let mails = read_all();
        if mails.len() >= count && mails == last {
            return mails.into_iter().map(|(_, m)| m).collect();
        }
        last = mails;
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    panic!("fewer than {count} complete mails in {}", dir.display());
}

/// The site path of the link in `mail` that starts with `prefix`.
fn link_in(mail: &str, prefix: &str) -> String {
    let start = mail
        .find(prefix)
        .unwrap_or_else(|| panic!("no {prefix} in {mail}"));
    let origin = "https://news.example";
    mail[start + origin.len()..]
        .chars()
        .take_while(|c| !c.is_whitespace())
        .collect()
}

#[test]
fn sign_up_answers_alike_for_known_and_new_addresses() {
    each_site(async |s| {
        let db = s.name;
        let mail_dir = tempfile::tempdir().unwrap();
        let app = app_with_mail(&s.store, mail_dir.path());
        let store = s.store.clone();
        tokio::task::spawn_blocking(move || {
            store
                .create_user(
                    "taken@example.org",
                    "Taken",
                    "x",
                    tidings_store::Role::Reader,
                )
                .unwrap()
        })
        .await
        .unwrap();
        let mut answers = Vec::new();
        for email in ["taken@example.org", "fresh@example.org"] {
            let mut b = Browser::new(&app);
            b.go("/signup", None).await;
            let body = form(&[
                ("display_name", "Someone"),
                ("email", email),
                ("password", "a long password"),
                ("csrf", &b.csrf()),
            ]);
            let started = std::time::Instant::now();
            let (status, location, page) = b.go("/signup", Some(&body)).await;
            answers.push((status, location, page, started.elapsed()));
            assert!(
                !b.cookies.contains_key("tidings_session"),
                "{db}: nobody is signed in before confirming"
            );
        }
        assert_eq!(answers[0].0, answers[1].0, "{db}: same status");
        assert_eq!(answers[0].2, answers[1].2, "{db}: same page");
        // Both hash the password (tens of milliseconds): neither answer is instant.
        let (slow, fast) = (
            answers[0].3.max(answers[1].3),
            answers[0].3.min(answers[1].3),
        );
        assert!(
            fast * 4 > slow,
            "{db}: similar timing: {:?} vs {:?}",
            answers[0].3,
            answers[1].3
        );
        let mails = wait_for_mails(mail_dir.path(), 2).await;
        let notice = mails
            .iter()
            .find(|m| m.contains("To: taken@example.org"))
            .expect("the owner is told");
        assert!(
            notice.contains("already has one") && !notice.contains("/signup/confirm/"),
            "{db}: {notice}"
        );
        let invite = mails
            .iter()
            .find(|m| m.contains("To: fresh@example.org"))
            .expect("the new address gets a link");
        assert!(invite.contains("/signup/confirm/"), "{db}");

        // A site that cannot send mail cannot confirm, and says so for every address alike.
        let quiet = self::app(&s.store, (2026, 11, 20));
        let mut b = Browser::new(&quiet);
        b.go("/signup", None).await;
        let body = form(&[
            ("display_name", "Someone"),
            ("email", "taken@example.org"),
            ("password", "a long password"),
            ("csrf", &b.csrf()),
        ]);
        assert_eq!(
            b.go("/signup", Some(&body)).await.0,
            StatusCode::SERVICE_UNAVAILABLE,
            "{db}"
        );
        assert_eq!(
            b.go(&format!("/signup/confirm/{}", "0".repeat(64)), None)
                .await
                .0,
            StatusCode::OK,
            "{db}: the button page does not check the link"
        );
        let confirm = form(&[("csrf", &b.csrf())]);
        assert_eq!(
            b.go(
                &format!("/signup/confirm/{}", "0".repeat(64)),
                Some(&confirm)
            )
            .await
            .0,
            StatusCode::NOT_FOUND,
            "{db}: an unknown link"
        );
    });
}

#[test]
fn readers_sign_up_comment_report_and_moderators_moderate() {
    each_site(async |s| {
        let db = s.name;
        let mail_dir = tempfile::tempdir().unwrap();
        let app = app_with_mail(&s.store, mail_dir.path());
        let article = format!("/articles/{}", s.full_id);
        let mut ada = Browser::new(&app);
        ada.go("/signup", None).await;
        let t = ada.csrf();

        // Forged CSRF, a weak password and a bad address are refused with the right status.
        let forged = form(&[
            ("display_name", "Ada"),
            ("email", "ada@example.org"),
            ("password", "a long password"),
            ("csrf", "0123456789abcdef0123456789abcdef"),
        ]);
        assert_eq!(
            ada.go("/signup", Some(&forged)).await.0,
            StatusCode::FORBIDDEN,
            "{db}"
        );
        let weak = form(&[
            ("display_name", "Ada"),
            ("email", "ada@example.org"),
            ("password", "short"),
            ("csrf", &t),
        ]);
        assert_eq!(
            ada.go("/signup", Some(&weak)).await.0,
            StatusCode::BAD_REQUEST,
            "{db}"
        );
        let signup = form(&[
            ("display_name", "Ada <b>L</b>"),
            ("email", "Ada@Example.org"),
            ("password", "a long password"),
            ("csrf", &t),
        ]);
        let (status, _, body) = ada.go("/signup", Some(&signup)).await;
        assert_eq!(status, StatusCode::OK, "{db}: {body}");
        assert!(body.contains("Check your mail"), "{db}: {body}");
        let mails = wait_for_mails(mail_dir.path(), 1).await;
        let link = link_in(&mails[0], "https://news.example/signup/confirm/");
        let (status, _, _) = ada.go(&link, None).await;
        assert_eq!(status, StatusCode::OK, "{db}: the link shows a button");
        let confirm = form(&[("csrf", &ada.csrf())]);
        let (status, location, _) = ada.go(&link, Some(&confirm)).await;
        assert_eq!(
            (status, location.as_str()),
            (StatusCode::SEE_OTHER, "/account"),
            "{db}"
        );
        assert_eq!(
            ada.go(&link, Some(&confirm)).await.0,
            StatusCode::NOT_FOUND,
            "{db}: a link works once"
        );
        assert!(
            ada.cookies.contains_key("tidings_session"),
            "{db}: signed in"
        );
        let (_, _, account) = ada.go("/account", None).await;
        assert!(
            account.contains("Ada &#60;b&#62;L&#60;/b&#62;"),
            "{db}: name escaped: {account}"
        );

        // The article page shows the form; a comment with hostile markup is stored safe.
        let (_, _, page) = ada.go(&article, None).await;
        assert!(
            page.contains("Post comment") && page.contains("comments-heading\">0 comments"),
            "{db}: {page}"
        );
        let hostile = "Nice **work**. <script>alert(1)</script> <img src=x onerror=alert(1)> [x](javascript:alert(1))";
        let post = form(&[("body", hostile), ("csrf", &ada.csrf())]);
        let (status, location, _) = ada.go(&format!("{article}/comments"), Some(&post)).await;
        assert_eq!(status, StatusCode::SEE_OTHER, "{db}");
        assert!(
            location.starts_with(&format!("{article}#comment-")),
            "{db}: {location}"
        );
        let comment_id: i64 = location.rsplit('-').next().unwrap().parse().unwrap();
        let (_, _, page) = ada.go(&article, None).await;
        assert!(page.contains("<strong>work</strong>"), "{db}");
        assert!(
            page.contains("comments-heading\">1 comment<"),
            "{db}: the count is live"
        );
        // The Markdown source stays in the author's edit box as escaped text; no markup survives.
        for bad in ["<script", "<img", "href=\"javascript", "onerror=alert(1)>"] {
            assert!(!page.contains(bad), "{db}: {bad} survived");
        }
        let empty = form(&[("body", "   "), ("csrf", &ada.csrf())]);
        assert_eq!(
            ada.go(&format!("{article}/comments"), Some(&empty)).await.0,
            StatusCode::BAD_REQUEST
        );
        let reply = form(&[
            ("body", "A reply"),
            ("parent", &comment_id.to_string()),
            ("csrf", &ada.csrf()),
        ]);
        assert_eq!(
            ada.go(&format!("{article}/comments"), Some(&reply)).await.0,
            StatusCode::SEE_OTHER
        );
        let third = form(&[("body", "Third in a minute"), ("csrf", &ada.csrf())]);
        assert_eq!(
            ada.go(&format!("{article}/comments"), Some(&third)).await.0,
            StatusCode::SEE_OTHER
        );
        let fourth = form(&[("body", "Fourth in a minute"), ("csrf", &ada.csrf())]);
        assert_eq!(
            ada.go(&format!("{article}/comments"), Some(&fourth))
                .await
                .0,
            StatusCode::TOO_MANY_REQUESTS,
            "{db}: per-user rate limit"
        );

        // Someone signed out cannot comment; a wrong password says nothing about the address.
        let mut anon = Browser::new(&app);
        anon.go(&article, None).await;
        let (status, location, _) = anon
            .go(
                &format!("{article}/comments"),
                Some(&form(&[("body", "hi"), ("csrf", &anon.csrf())])),
            )
            .await;
        assert_eq!(
            (status, location.starts_with("/login")),
            (StatusCode::SEE_OTHER, true),
            "{db}"
        );
        let (s1, _, b1) = anon
            .go(
                "/login",
                Some(&form(&[
                    ("email", "ada@example.org"),
                    ("current_password", "wrong password!"),
                    ("csrf", &anon.csrf()),
                ])),
            )
            .await;
        let (s2, _, b2) = anon
            .go(
                "/login",
                Some(&form(&[
                    ("email", "nobody@example.org"),
                    ("current_password", "wrong password!"),
                    ("csrf", &anon.csrf()),
                ])),
            )
            .await;
        assert_eq!(
            (s1, s2),
            (StatusCode::UNAUTHORIZED, StatusCode::UNAUTHORIZED),
            "{db}"
        );
        assert!(
            b1.contains("Wrong e-mail address or password.")
                && b2.contains("Wrong e-mail address or password.")
        );

        // Ada's comment is reported, and a moderator hides it; readers no longer see it.
        let (status, _, _) = ada
            .go(
                &format!("/comments/{comment_id}/report"),
                Some(&form(&[("reason", "spam"), ("csrf", &ada.csrf())])),
            )
            .await;
        assert_eq!(status, StatusCode::SEE_OTHER, "{db}");
        let store = s.store.clone();
        tokio::task::spawn_blocking(move || {
            let hash = "$argon2id$v=19$m=19456,t=2,p=1$c29tZXNhbHRzb21lc2FsdA$7y+Q2dHz1hBf3xJVfJq0XQ0x6gkJt0m6m3mW2p8B3fE";
            store.create_user("mo@example.org", "Mo", hash, tidings_store::Role::Moderator).unwrap();
        })
        .await
        .unwrap();
        // Mo signs in with a session made directly (the dummy hash above opens nothing).
        let mo_token = "a".repeat(64);
        let store = s.store.clone();
        let t = mo_token.clone();
        tokio::task::spawn_blocking(move || {
            let mo = store.user_by_email("mo@example.org").unwrap().unwrap();
            store.start_session(mo.id, &t, 3600).unwrap();
        })
        .await
        .unwrap();
        let mut mo = Browser::new(&app);
        mo.cookies.insert("tidings_session".into(), mo_token);
        let (status, _, queue) = mo.go("/admin/moderation", None).await;
        assert_eq!(status, StatusCode::OK, "{db}");
        assert!(queue.contains("1 report"), "{db}: {queue}");
        assert_eq!(
            ada.go("/admin/moderation", None).await.0,
            StatusCode::FORBIDDEN,
            "{db}: readers may not"
        );
        let hide = form(&[
            ("action", "hide"),
            ("note", "spam"),
            ("back", "queue"),
            ("csrf", &mo.csrf()),
        ]);
        assert_eq!(
            mo.go(&format!("/comments/{comment_id}/moderate"), Some(&hide))
                .await
                .0,
            StatusCode::SEE_OTHER
        );
        let (_, _, page) = anon.go(&article, None).await;
        assert!(
            !page.contains("<strong>work</strong>"),
            "{db}: hidden from readers"
        );
        let (_, _, queue) = mo.go("/admin/moderation", None).await;
        assert!(
            queue.contains("<td>hide</td>") && queue.contains("<td>spam</td>"),
            "{db}: logged"
        );

        // Signing out ends the session.
        let (status, _, _) = ada
            .go("/logout", Some(&form(&[("csrf", &ada.csrf())])))
            .await;
        assert_eq!(status, StatusCode::SEE_OTHER);
        let (status, location, _) = ada.go("/account", None).await;
        assert_eq!(
            (status, location.as_str()),
            (StatusCode::SEE_OTHER, "/login?next=/account"),
            "{db}"
        );
    });
}

#[test]
fn metrics_count_requests_by_route_and_responses_carry_request_ids() {
    each_site(async |s| {
        let db = s.name;
        let app = app(&s.store, (2026, 11, 20));
        get(&app, "/week/2026-W47", BROWSER).await;
        let req = Request::builder()
            .uri("/metrics")
            .body(Body::empty())
            .unwrap();
        let res = app.clone().oneshot(req).await.unwrap();
        assert_eq!(res.status(), StatusCode::OK, "{db}");
        assert!(
            res.headers().contains_key("x-request-id"),
            "{db}: request id"
        );
        let body = String::from_utf8(res.into_body().collect().await.unwrap().to_bytes().to_vec())
            .unwrap();
        assert!(
            body.contains(
                r#"tidings_http_requests_total{method="GET",route="/week/{week}",status="200"}"#
            ),
            "{db}: {body}"
        );
        assert!(
            body.contains("tidings_http_request_duration_seconds_bucket"),
            "{db}"
        );
        assert!(body.contains("\ntidings_articles "), "{db}");
        assert!(body.contains("tidings_db_pool_connections"), "{db}");
    });
}

struct FakeAdder;

impl tidings_web::SourceAdder for FakeAdder {
    fn add(
        &self,
        url: String,
        _section: Option<String>,
    ) -> std::pin::Pin<Box<dyn std::future::Future<Output = Result<String, String>> + Send>> {
        Box::pin(async move {
            if url.contains("good") {
                Ok(format!("Following {url}"))
            } else {
                Err("no feed found".into())
            }
        })
    }
}

/// A browser signed in as a new user of `role` (session made directly in the store).
async fn signed_in(
    s: &Site,
    app: &axum::Router,
    email: &str,
    role: tidings_store::Role,
) -> Browser {
    let store = s.store.clone();
    let token: String = format!("{:0>64}", email.len() * 7 + role as usize);
    let t = token.clone();
    let email = email.to_owned();
    tokio::task::spawn_blocking(move || {
        let u = store.create_user(&email, "Someone", "x", role).unwrap();
        store.start_session(u.id, &t, 3600).unwrap();
    })
    .await
    .unwrap();
    let mut b = Browser::new(app);
    b.cookies.insert("tidings_session".into(), token);
    b
}

#[test]
fn administrators_manage_sources_outlets_entities_and_users() {
    use tidings_store::Role;
    each_site(async |s| {
        let db = s.name;
        let app = router(
            AppState::new(
                s.store.clone(),
                SiteConfig {
                    view_salt: "test".into(),
                    today: NaiveDate::from_ymd_opt(2026, 11, 20),
                    ..SiteConfig::default()
                },
            )
            .with_source_adder(std::sync::Arc::new(FakeAdder)),
        );
        let mut reader = signed_in(s, &app, "reader@example.org", Role::Reader).await;
        assert_eq!(
            reader.go("/admin/sources", None).await.0,
            StatusCode::FORBIDDEN,
            "{db}"
        );
        let mut admin = signed_in(s, &app, "admin@example.org", Role::Admin).await;
        for page in [
            "/admin",
            "/admin/sources",
            "/admin/outlets",
            "/admin/entities",
            "/admin/users",
        ] {
            let (status, _, html) = admin.go(page, None).await;
            assert_eq!(status, StatusCode::OK, "{db}: {page}: {html}");
        }
        let csrf = admin.csrf();
        let (status, location, _) = admin
            .go(
                "/admin/sources",
                Some(&form(&[
                    ("url", "https://good.example/feed"),
                    ("csrf", &csrf),
                ])),
            )
            .await;
        assert_eq!(status, StatusCode::SEE_OTHER, "{db}");
        let (_, _, html) = admin.go(&location, None).await;
        assert!(
            html.contains("Following https://good.example/feed"),
            "{db}: {html}"
        );
        let (_, location, _) = admin
            .go(
                "/admin/sources",
                Some(&form(&[("url", "https://bad.example/"), ("csrf", &csrf)])),
            )
            .await;
        let (_, _, html) = admin.go(&location, None).await;
        assert!(html.contains("Not added: no feed found"), "{db}");
        assert_eq!(
            admin
                .go(
                    "/admin/sources",
                    Some(&form(&[
                        ("url", "https://good.example/x"),
                        ("csrf", "0123456789abcdef0123456789abcdef")
                    ]))
                )
                .await
                .0,
            StatusCode::FORBIDDEN,
            "{db}: forged CSRF"
        );

        let (status, _, _) = admin
            .go(
                "/admin/outlets/harbour-ledger/policy",
                Some(&form(&[("value", "link"), ("csrf", &csrf)])),
            )
            .await;
        assert_eq!(status, StatusCode::SEE_OTHER, "{db}");
        let (_, _, html) = admin.go("/admin/outlets", None).await;
        assert!(html.contains("<td>link</td>"), "{db}");
        let (status, _, _) = admin
            .go(
                "/admin/outlets/harbour-ledger/policy",
                Some(&form(&[("value", "everything"), ("csrf", &csrf)])),
            )
            .await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{db}");

        let (status, _, _) = admin
            .go(
                "/admin/users",
                Some(&form(&[
                    ("email", "reader@example.org"),
                    ("role", "moderator"),
                    ("csrf", &csrf),
                ])),
            )
            .await;
        assert_eq!(status, StatusCode::SEE_OTHER, "{db}");
        assert_eq!(
            reader.go("/admin/moderation", None).await.0,
            StatusCode::OK,
            "{db}: now a moderator"
        );
        let (_, location, _) = admin
            .go(
                "/admin/users",
                Some(&form(&[
                    ("email", "admin@example.org"),
                    ("role", "reader"),
                    ("csrf", &csrf),
                ])),
            )
            .await;
        let (_, _, html) = admin.go(&location, None).await;
        assert!(
            html.contains("cannot take away your own admin role"),
            "{db}"
        );
    });
}

#[test]
fn stories_take_comments_too() {
    each_site(async |s| {
        let db = s.name;
        let app = app(&s.store, (2026, 11, 20));
        let (_, json) = get(&app, &format!("/api/v1/articles/{}", s.full_id), BROWSER).await;
        let story: serde_json::Value = serde_json::from_str(&json).unwrap();
        let story = format!("/stories/{}", story["story_id"]);
        let mut reader = signed_in(
            s,
            &app,
            "story-reader@example.org",
            tidings_store::Role::Reader,
        )
        .await;
        let (status, _, page) = reader.go(&story, None).await;
        assert_eq!(status, StatusCode::OK, "{db}");
        assert!(
            page.contains(&format!("action=\"{story}/comments\"")),
            "{db}: the form posts to the story"
        );
        let body = form(&[
            ("body", "Good *coverage* of this one"),
            ("csrf", &reader.csrf()),
        ]);
        let (status, location, _) = reader.go(&format!("{story}/comments"), Some(&body)).await;
        assert_eq!(status, StatusCode::SEE_OTHER, "{db}");
        assert!(
            location.starts_with(&format!("{story}#comment-")),
            "{db}: {location}"
        );
        let (_, _, page) = reader.go(&story, None).await;
        assert!(page.contains("Good <em>coverage</em> of this one"), "{db}");
        assert_eq!(
            reader.go("/stories/999999/comments", Some(&body)).await.0,
            StatusCode::NOT_FOUND,
            "{db}"
        );
    });
}

/// Sends `method path` with an optional JSON body and API token; status, content type, JSON.
async fn call(
    app: &axum::Router,
    method: &str,
    path: &str,
    body: Option<&serde_json::Value>,
    token: Option<&str>,
) -> (u16, String, serde_json::Value) {
    let mut req = Request::builder()
        .method(Method::from_bytes(method.to_uppercase().as_bytes()).unwrap())
        .uri(path)
        .header(header::USER_AGENT, BROWSER);
    if let Some(t) = token {
        req = req.header(header::AUTHORIZATION, format!("Bearer {t}"));
    }
    let req = match body {
        Some(b) => req
            .header(header::CONTENT_TYPE, "application/json")
            .body(Body::from(b.to_string())),
        None => req.body(Body::empty()),
    };
    let res = app.clone().oneshot(req.unwrap()).await.unwrap();
    let status = res.status().as_u16();
    let ctype = res
        .headers()
        .get(header::CONTENT_TYPE)
        .map(|c| c.to_str().unwrap().to_owned())
        .unwrap_or_default();
    let bytes = res.into_body().collect().await.unwrap().to_bytes();
    let json = serde_json::from_slice(&bytes).unwrap_or(serde_json::Value::Null);
    (status, ctype, json)
}

/// One call of the contract test: method, documented path, URL, JSON body, API token.
type Sample<'a> = (
    &'a str,
    &'a str,
    String,
    Option<serde_json::Value>,
    Option<&'a str>,
);

/// An API token for a new user of `role`, made through the store.
async fn token_for(s: &Site, email: &str, role: tidings_store::Role) -> String {
    let store = s.store.clone();
    let email = email.to_owned();
    tokio::task::spawn_blocking(move || {
        let u = store.create_user(&email, "Someone", "x", role).unwrap();
        store.create_api_token(u.id, "tests").unwrap().1
    })
    .await
    .unwrap()
}

/// What the document says `method path` answers with `status`: the top-level keys its schema
/// names (all, and the required ones); `None` when it does not document that status.
fn documented_keys(
    doc: &serde_json::Value,
    op: &serde_json::Value,
    status: u16,
) -> Option<(Vec<String>, Vec<String>)> {
    let response = op["responses"].get(status.to_string())?;
    let mut schema = &response["content"]["application/json"]["schema"];
    if let Some(r) = schema["$ref"].as_str() {
        let name = r.rsplit('/').next().unwrap();
        schema = &doc["components"]["schemas"][name];
    }
    let names = |v: &serde_json::Value| -> Vec<String> {
        match v {
            serde_json::Value::Object(m) => m.keys().cloned().collect(),
            serde_json::Value::Array(a) => a
                .iter()
                .filter_map(|x| x.as_str().map(str::to_owned))
                .collect(),
            _ => Vec::new(),
        }
    };
    Some((names(&schema["properties"]), names(&schema["required"])))
}

/// Checks one answer against the document: a documented status, JSON, and the top-level keys
/// of the documented schema (every required one present, none undocumented).
fn check_answer(
    doc: &serde_json::Value,
    what: &str,
    op: &serde_json::Value,
    (status, ctype, body): &(u16, String, serde_json::Value),
) {
    let Some((keys, required)) = documented_keys(doc, op, *status) else {
        panic!("{what}: answered {status}, which is not documented: {body}");
    };
    assert!(ctype.starts_with("application/json"), "{what}: {ctype}");
    let object = body
        .as_object()
        .unwrap_or_else(|| panic!("{what}: not a JSON object: {body}"));
    for k in &required {
        assert!(object.contains_key(k), "{what}: no {k:?} in {body}");
    }
    if !keys.is_empty() {
        for k in object.keys() {
            assert!(keys.contains(k), "{what}: undocumented key {k:?}");
        }
    }
}

/// Every route the OpenAPI document names — the public twins and the admin operations — is
/// called with sample values and answers with a documented status and the documented top-level
/// keys; admin routes also answer 401 without a token and 403 to a reader's token, with the
/// error body; the reference page lists them all. A documented route without a sample here
/// fails the test, so none goes untested.
#[test]
fn the_openapi_document_matches_the_api() {
    use tidings_store::Role;
    each_site(async |s| {
        let db = s.name;
        let store = s.store.clone();
        let (comment_id, feed_id, reader_id) = tokio::task::spawn_blocking(move || {
            let mut a = article("Harbour Ledger", "Marchetti at the port", 18);
            let mention = |name: &str, kind| tidings_model::EntityMention {
                name: name.into(),
                kind,
                mentions: 2,
                aliases: Vec::new(),
            };
            a.entities = vec![
                mention("Odile Marchetti", tidings_model::EntityKind::Person),
                mention(
                    "Avel Harbour Board",
                    tidings_model::EntityKind::Organization,
                ),
                mention(
                    "Harbour Board of Avel",
                    tidings_model::EntityKind::Organization,
                ),
            ];
            let id = store.upsert_article(&a, None).unwrap().id;
            let author = store
                .create_user("writer@example.org", "Writer", "x", Role::Reader)
                .unwrap();
            let comment = store
                .add_comment(&tidings_store::NewComment {
                    target: tidings_store::CommentTarget::Article(id),
                    user_id: author.id,
                    parent_id: None,
                    body_md: "spam",
                    body_html: "<p>spam</p>",
                    ip_hash: "x",
                })
                .unwrap();
            store.report_comment(comment.id, author.id, "spam").unwrap();
            let feed = store
                .add_feed(&tidings_store::NewFeed {
                    url: "https://harbour.example/feed.xml".into(),
                    title: None,
                    format: None,
                    section: None,
                    outlet: tidings_model::OutletRef {
                        name: "Harbour Ledger".into(),
                        domain: None,
                    },
                })
                .unwrap();
            (comment.id, feed.id, author.id)
        })
        .await
        .unwrap();
        let admin = token_for(s, "ops@example.org", Role::Admin).await;
        let moderator = token_for(s, "mod@example.org", Role::Moderator).await;
        let reader = token_for(s, "reads@example.org", Role::Reader).await;
        let app = router(
            AppState::new(
                s.store.clone(),
                SiteConfig {
                    view_salt: "test".into(),
                    today: NaiveDate::from_ymd_opt(2026, 11, 20),
                    ..SiteConfig::default()
                },
            )
            .with_source_adder(std::sync::Arc::new(FakeAdder)),
        );
        let (status, doc) = get(&app, "/api/v1/openapi.json", BROWSER).await;
        assert_eq!(status, StatusCode::OK, "{db}");
        let doc: serde_json::Value = serde_json::from_str(&doc).unwrap();
        assert!(doc["openapi"].as_str().unwrap().starts_with("3.1"), "{db}");
        assert_eq!(
            doc["components"]["securitySchemes"]["bearer"]["scheme"], "bearer",
            "{db}"
        );
        let (_, article_json) =
            get(&app, &format!("/api/v1/articles/{}", s.full_id), BROWSER).await;
        let story_id =
            serde_json::from_str::<serde_json::Value>(&article_json).unwrap()["story_id"]
                .to_string();

        // (method, documented path, sample URL, body, token) in an order where each call
        // finds what it needs (removal last).
        let samples: Vec<Sample<'_>> = vec![
            (
                "get",
                "/api/v1/weeks/current",
                "/api/v1/weeks/current".into(),
                None,
                None,
            ),
            (
                "get",
                "/api/v1/weeks/{week}",
                "/api/v1/weeks/2026-W47".into(),
                None,
                None,
            ),
            (
                "get",
                "/api/v1/articles/{id}",
                format!("/api/v1/articles/{}", s.full_id),
                None,
                None,
            ),
            (
                "get",
                "/api/v1/stories/{id}",
                format!("/api/v1/stories/{story_id}"),
                None,
                None,
            ),
            (
                "get",
                "/api/v1/entities/{slug}",
                "/api/v1/entities/odile-marchetti".into(),
                None,
                None,
            ),
            (
                "get",
                "/api/v1/search",
                "/api/v1/search?q=strike".into(),
                None,
                None,
            ),
            (
                "get",
                "/api/v1/outlets/{slug}",
                "/api/v1/outlets/harbour-ledger".into(),
                None,
                None,
            ),
            (
                "get",
                "/api/v1/sections/{slug}",
                "/api/v1/sections/business".into(),
                None,
                None,
            ),
            (
                "get",
                "/api/v1/tags/{slug}",
                "/api/v1/tags/port-avel".into(),
                None,
                None,
            ),
            (
                "get",
                "/api/v1/admin/sources",
                "/api/v1/admin/sources?limit=10".into(),
                None,
                Some(&admin),
            ),
            (
                "post",
                "/api/v1/admin/sources",
                "/api/v1/admin/sources".into(),
                Some(serde_json::json!({"url": "https://good.example/feed"})),
                Some(&admin),
            ),
            (
                "post",
                "/api/v1/admin/sources/{id}/{action}",
                format!("/api/v1/admin/sources/{feed_id}/pause"),
                None,
                Some(&admin),
            ),
            (
                "get",
                "/api/v1/admin/outlets",
                "/api/v1/admin/outlets".into(),
                None,
                Some(&admin),
            ),
            (
                "patch",
                "/api/v1/admin/outlets/{slug}",
                "/api/v1/admin/outlets/harbour-ledger".into(),
                Some(serde_json::json!({"policy": "excerpt", "extraction_mode": "never"})),
                Some(&admin),
            ),
            (
                "post",
                "/api/v1/admin/entities/{slug}/rename",
                "/api/v1/admin/entities/odile-marchetti/rename".into(),
                Some(serde_json::json!({"name": "Odile Marchetti-Rossi"})),
                Some(&admin),
            ),
            (
                "post",
                "/api/v1/admin/entities/{slug}/merge",
                "/api/v1/admin/entities/harbour-board-of-avel/merge".into(),
                Some(serde_json::json!({"into": "avel-harbour-board"})),
                Some(&admin),
            ),
            (
                "get",
                "/api/v1/admin/users",
                "/api/v1/admin/users?limit=2".into(),
                None,
                Some(&admin),
            ),
            (
                "post",
                "/api/v1/admin/users/{id}/role",
                format!("/api/v1/admin/users/{reader_id}/role"),
                Some(serde_json::json!({"role": "moderator"})),
                Some(&admin),
            ),
            (
                "get",
                "/api/v1/admin/comments/reports",
                "/api/v1/admin/comments/reports".into(),
                None,
                Some(&moderator),
            ),
            (
                "post",
                "/api/v1/admin/comments/{id}/{action}",
                format!("/api/v1/admin/comments/{comment_id}/hide"),
                Some(serde_json::json!({"note": "spam"})),
                Some(&moderator),
            ),
            (
                "delete",
                "/api/v1/admin/sources/{id}",
                format!("/api/v1/admin/sources/{feed_id}"),
                None,
                Some(&admin),
            ),
        ];
        let mut documented: Vec<(String, String)> = Vec::new();
        for (path, item) in doc["paths"].as_object().unwrap() {
            for method in item.as_object().unwrap().keys() {
                documented.push((method.clone(), path.clone()));
            }
        }
        documented.sort();
        let mut sampled: Vec<(String, String)> = samples
            .iter()
            .map(|(m, p, ..)| ((*m).to_owned(), (*p).to_owned()))
            .collect();
        sampled.sort();
        assert_eq!(
            documented, sampled,
            "{db}: every documented route has a sample here"
        );

        let (_, reference) = get(&app, "/api/v1/docs", BROWSER).await;
        for (method, path, url, body, token) in &samples {
            let op = &doc["paths"][*path][*method];
            let what = format!("{db}: {} {url}", method.to_uppercase());
            let admin_route = path.starts_with("/api/v1/admin/");
            if admin_route {
                assert_eq!(
                    op["security"][0]["bearer"],
                    serde_json::json!([]),
                    "{what}: names its scheme"
                );
                for (who, expected) in [(None, 401), (Some(reader.as_str()), 403)] {
                    let answer = call(&app, method, url, body.as_ref(), who).await;
                    assert_eq!(answer.0, expected, "{what} as {who:?}: {}", answer.2);
                    check_answer(&doc, &what, op, &answer);
                }
            }
            let answer = call(&app, method, url, body.as_ref(), *token).await;
            assert!(
                (200..300).contains(&answer.0),
                "{what} with sample values: {} {}",
                answer.0,
                answer.2
            );
            check_answer(&doc, &what, op, &answer);
            // A missing resource answers with a documented error status and the error body.
            if path.contains("{id}") || (path.contains("{slug}") && *method == "get") {
                let missing = url
                    .split('/')
                    .map(|seg| {
                        if seg.chars().all(|c| c.is_ascii_digit()) && !seg.is_empty() {
                            "999999"
                        } else if seg == "odile-marchetti"
                            || seg == "harbour-ledger"
                            || seg == "business"
                            || seg == "port-avel"
                        {
                            "no-such-thing"
                        } else {
                            seg
                        }
                    })
                    .collect::<Vec<_>>()
                    .join("/");
                if missing != *url {
                    let answer = call(&app, method, &missing, body.as_ref(), *token).await;
                    assert_eq!(answer.0, 404, "{what}: {missing}: {}", answer.2);
                    check_answer(&doc, &format!("{what} (missing)"), op, &answer);
                    assert!(answer.2["error"]["message"].is_string(), "{what}");
                }
            }
            assert!(
                reference.contains(&format!("{} {path}", method.to_uppercase())),
                "{db}: {method} {path} on the reference page"
            );
        }
    });
}

/// Moderators and administrators make API tokens on their account page (CSRF-checked, shown
/// once), programs use them, and revoking one shuts it out; readers have no such page, and
/// session cookies open nothing in the admin API.
#[test]
fn api_tokens_are_made_and_revoked_on_the_account_page() {
    use tidings_store::Role;
    each_site(async |s| {
        let db = s.name;
        let app = app(&s.store, (2026, 11, 20));
        let mut reader = signed_in(s, &app, "r@example.org", Role::Reader).await;
        assert_eq!(
            reader.go("/account/tokens", None).await.0,
            StatusCode::FORBIDDEN,
            "{db}"
        );
        let mut admin = signed_in(s, &app, "boss@example.org", Role::Admin).await;
        let (status, _, page) = admin.go("/account", None).await;
        assert!(
            status == StatusCode::OK && page.contains("/account/tokens"),
            "{db}"
        );
        let (status, _, _) = admin.go("/account/tokens", None).await;
        assert_eq!(status, StatusCode::OK, "{db}");
        let forged = form(&[
            ("name", "bot"),
            ("csrf", "0123456789abcdef0123456789abcdef"),
        ]);
        assert_eq!(
            admin.go("/account/tokens", Some(&forged)).await.0,
            StatusCode::FORBIDDEN,
            "{db}: forged CSRF"
        );
        let create = form(&[("name", "nightly import"), ("csrf", &admin.csrf())]);
        let (status, _, page) = admin.go("/account/tokens", Some(&create)).await;
        assert_eq!(status, StatusCode::OK, "{db}: {page}");
        let start = page.find("value=\"tdg_").expect("the new token is shown") + 7;
        let token: String = page[start..].chars().take_while(|c| *c != '"').collect();
        assert!(tidings_store::well_formed_token(&token), "{db}: {token}");
        let (_, _, again) = admin.go("/account/tokens", None).await;
        assert!(
            !again.contains(&token) && again.contains("nightly import"),
            "{db}: listed, never shown again"
        );

        let (status, _, body) = call(&app, "get", "/api/v1/admin/users", None, Some(&token)).await;
        assert_eq!(status, 200, "{db}: {body}");
        assert_eq!(body["items"].as_array().unwrap().len(), 2, "{db}");
        // The session cookie alone opens nothing: the admin API reads tokens only.
        let req = Request::builder()
            .uri("/api/v1/admin/users")
            .header(
                header::COOKIE,
                format!("tidings_session={}", admin.cookies["tidings_session"]),
            )
            .body(Body::empty())
            .unwrap();
        let res = app.clone().oneshot(req).await.unwrap();
        assert_eq!(res.status(), StatusCode::UNAUTHORIZED, "{db}");
        assert!(res.headers().contains_key(header::WWW_AUTHENTICATE), "{db}");

        // Revoking (with the CSRF token) shuts the token out at once.
        let store = s.store.clone();
        let id = tokio::task::spawn_blocking(move || store.api_tokens(None).unwrap()[0].id)
            .await
            .unwrap();
        let revoke = form(&[("csrf", &admin.csrf())]);
        assert_eq!(
            reader
                .go(&format!("/account/tokens/{id}/revoke"), Some(&revoke))
                .await
                .0,
            StatusCode::FORBIDDEN,
            "{db}: not a reader's to revoke"
        );
        let (status, location, _) = admin
            .go(&format!("/account/tokens/{id}/revoke"), Some(&revoke))
            .await;
        assert_eq!(status, StatusCode::SEE_OTHER, "{db}");
        let (_, _, page) = admin.go(&location, None).await;
        assert!(page.contains("revoked"), "{db}");
        let (status, _, body) = call(&app, "get", "/api/v1/admin/users", None, Some(&token)).await;
        assert_eq!(status, 401, "{db}");
        assert!(body["error"]["message"].is_string(), "{db}: the error body");
        let (status, _, _) = call(
            &app,
            "get",
            "/api/v1/admin/users",
            None,
            Some("tdg_unknown"),
        )
        .await;
        assert_eq!(status, 401, "{db}: unknown token");
    });
}

/// The admin API's lists page with a cursor, and bad input gets the error body, never a 500.
#[test]
fn admin_api_lists_page_and_bad_input_gets_the_error_body() {
    use tidings_store::Role;
    each_site(async |s| {
        let db = s.name;
        let app = app(&s.store, (2026, 11, 20));
        let admin = token_for(s, "root@example.org", Role::Admin).await;
        for n in 0..3 {
            token_for(s, &format!("u{n}@example.org"), Role::Reader).await;
        }
        let mut seen = Vec::new();
        let mut url = "/api/v1/admin/users?limit=2".to_owned();
        for _ in 0..5 {
            let (status, _, page) = call(&app, "get", &url, None, Some(&admin)).await;
            assert_eq!(status, 200, "{db}: {page}");
            for u in page["items"].as_array().unwrap() {
                seen.push(u["email"].as_str().unwrap().to_owned());
            }
            match page["next"].as_str() {
                Some(next) => url = format!("/api/v1/admin/users?limit=2&after={next}"),
                None => break,
            }
        }
        assert_eq!(seen.len(), 4, "{db}: every user once: {seen:?}");
        seen.dedup();
        assert_eq!(seen.len(), 4, "{db}");

        for (method, url, body, expected) in [
            ("get", "/api/v1/admin/users?after=abc", None, 400),
            (
                "post",
                "/api/v1/admin/users/1/role",
                Some(serde_json::json!({"role": "emperor"})),
                400,
            ),
            (
                "post",
                "/api/v1/admin/users/1/role",
                Some(serde_json::json!({"nope": 1})),
                400,
            ),
            (
                "post",
                "/api/v1/admin/users/x/role",
                Some(serde_json::json!({"role": "reader"})),
                404,
            ),
            (
                "patch",
                "/api/v1/admin/outlets/harbour-ledger",
                Some(serde_json::json!({"policy": "everything"})),
                400,
            ),
            (
                "patch",
                "/api/v1/admin/outlets/harbour-ledger",
                Some(serde_json::json!({})),
                400,
            ),
            ("post", "/api/v1/admin/sources/1/explode", None, 404),
            (
                "post",
                "/api/v1/admin/sources",
                Some(serde_json::json!({"url": "https://x.example/"})),
                400,
            ),
            (
                "post",
                "/api/v1/admin/comments/1/burn",
                Some(serde_json::json!({})),
                404,
            ),
        ] {
            let (status, ctype, answer) =
                call(&app, method, url, body.as_ref(), Some(&admin)).await;
            assert_eq!(status, expected, "{db}: {method} {url}: {answer}");
            assert!(ctype.starts_with("application/json"), "{db}: {url}");
            assert!(
                answer["error"]["message"].is_string(),
                "{db}: {url}: {answer}"
            );
        }
        // A body that is not JSON at all.
        let req = Request::builder()
            .method(Method::POST)
            .uri("/api/v1/admin/entities/x/rename")
            .header(header::AUTHORIZATION, format!("Bearer {admin}"))
            .header(header::CONTENT_TYPE, "application/json")
            .body(Body::from("{not json"))
            .unwrap();
        let res = app.clone().oneshot(req).await.unwrap();
        assert_eq!(res.status(), StatusCode::BAD_REQUEST, "{db}");
    });
}

#[test]
fn outlet_pages_show_who_republishes_whom_and_detected_copies_say_so() {
    each_site(async |s| {
        let db = s.name;
        // The ledger's piece again, with boilerplate and no provenance note: found by detection.
        let mut copy = article("Saltmere Herald", "Dockers back at work", 18);
        copy.text = format!(
            "This article first appeared on the Harbour Ledger.\n\n{}\n\nSign up for our newsletter.",
            copy.text
        );
        // The PostgreSQL driver blocks: off the runtime's worker, as the server does.
        let copy_id = tokio::task::block_in_place(|| s.store.upsert_article(&copy, None))
            .unwrap()
            .id;
        let app = app(&s.store, (2026, 11, 20));
        let (status, html) = get(&app, "/outlets/saltmere-herald", BROWSER).await;
        assert_eq!(status, StatusCode::OK, "{db}");
        assert!(
            html.contains("Republishes articles of <a href=\"/outlets/harbour-ledger\">Harbour Ledger</a> (1 article)"),
            "{db}: {html}"
        );
        let (_, html) = get(&app, "/outlets/harbour-ledger", BROWSER).await;
        assert!(
            html.contains("Republished by <a href=\"/outlets/saltmere-herald\">Saltmere Herald</a> (1 article)"),
            "{db}"
        );
        let (_, html) = get(&app, "/outlets/northmark-wire", BROWSER).await;
        assert!(!html.contains("Republish"), "{db}: no syndication to show");
        let (_, json) = get(&app, "/api/v1/outlets/harbour-ledger", BROWSER).await;
        let v: serde_json::Value = serde_json::from_str(&json).unwrap();
        assert_eq!(
            v["syndication"]["republished_by"][0]["slug"], "saltmere-herald",
            "{db}"
        );
        let (_, page) = get(&app, &format!("/articles/{copy_id}"), BROWSER).await;
        assert!(
            page.contains(&format!(
                "<a href=\"/articles/{}\">Republished from Harbour Ledger, detected: ",
                s.full_id
            )) && page.contains("% of the text matches</a>"),
            "{db}"
        );
        let (_, page) = get(&app, &format!("/articles/{}", s.full_id), BROWSER).await;
        assert!(
            page.contains(&format!(
                "Republished by <a href=\"/articles/{copy_id}\">Saltmere Herald</a></p>"
            )),
            "{db}: the original lists its copies"
        );
        // A copy of the copy, whose note names the copy: the chain back to the original shows.
        let mut second = copy.clone();
        second.outlet.name = "Coast Gazette".into();
        second.url = Some("https://gazette.example/dockers".into());
        second.provenance.original_outlet = Some("Saltmere Herald".into());
        let second_id = tokio::task::block_in_place(|| s.store.upsert_article(&second, None))
            .unwrap()
            .id;
        let (_, page) = get(&app, &format!("/articles/{second_id}"), BROWSER).await;
        assert!(
            page.contains(&format!(
                "Originally published by Saltmere Herald</a>, which republished it from <a href=\"/articles/{}\">Harbour Ledger</a>",
                s.full_id
            )),
            "{db}: {page}"
        );
    });
}
