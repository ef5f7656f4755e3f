//! Backup, restore, copy between databases, and the integrity check: on SQLite, and on
//! PostgreSQL (and across the two) when `TIDINGS_TEST_POSTGRES_URL` is set.

use chrono::{NaiveDate, TimeZone, Utc};
use tidings_model::{Article, EntityKind, EntityMention, OutletRef, Provenance, Quote};
use tidings_store::testing::TestDatabase;
use tidings_store::{
    BackupSummary, CommentTarget, NewComment, NewFeed, OutletSettings, Role, SearchQuery, Store,
    StoreError,
};

const STRIKE: &str = "Dock workers in Port Avel ended their nine-day strike on Tuesday after the \
    Coastal Workers' Federation accepted a pay offer from the shipping companies, union leaders \
    said.\n\nThe agreement raises wages by six percent over two years and sets up a joint safety \
    committee, according to a copy of the deal seen by reporters in the capital.";

const MILL: &str = "The Brennar paper mill will close in March, its owner Kesta Group announced, \
    leaving four hundred workers in the valley without jobs. Mayor Odile Marchetti said the town \
    would ask the regional government for help. \"We will not let this valley empty,\" she said.";

fn person(name: &str, mentions: u32) -> EntityMention {
    EntityMention {
        name: name.into(),
        kind: EntityKind::Person,
        mentions,
        aliases: Vec::new(),
    }
}

fn article(outlet: &str, title: &str, day: u32, text: &str) -> Article {
    Article {
        title: title.into(),
        authors: vec!["Ada Ferreira".into()],
        outlet: OutletRef {
            name: outlet.into(),
            domain: None,
        },
        url: Some(format!(
            "https://{}.example/{}",
            outlet.to_lowercase().replace(' ', "-"),
            title.to_lowercase().replace(' ', "-")
        )),
        published_at: Utc.with_ymd_and_hms(2026, 11, day, 9, 30, 0).single(),
        section: Some("Politics".into()),
        tags: vec!["Harbour Strike".into(), "Odile Marchetti".into()],
        language: Some("en".into()),
        summary: Some("A summary with 'quotes' & ampersands.".into()),
        text: text.into(),
        html: format!("<p>{text}</p>"),
        entities: vec![person("Odile Marchetti", 2), person("Ada Ferreira", 1)],
        quotes: vec![Quote {
            speaker: Some("Odile Marchetti".into()),
            text: "We will not let this valley empty.".into(),
            verb: Some("said".into()),
        }],
        ..Article::default()
    }
}

/// Articles (a republication stored before its original, so a row points at a later row),
/// entities with a merge, quotes, stories, tags, users, comments with a reply, a report, API
/// tokens (one revoked), a pending sign-up, feeds with a fetch log, views and a digest
/// subscriber.
fn fill(store: &Store) -> Vec<i64> {
    store
        .save_outlet(&OutletSettings {
            name: "Harbour Ledger".into(),
            domain: Some("www.ledger.example".into()),
            ..OutletSettings::default()
        })
        .unwrap();
    let mut copy = article("Valdren Daily Post", "Port strike is over", 18, STRIKE);
    copy.text
        .push_str("\n\nThe Valdren Daily Post republishes this report by arrangement.");
    copy.provenance = Provenance {
        original_outlet: Some("ledger.example".into()),
        original_url: None,
        original_published_at: Utc.with_ymd_and_hms(2026, 11, 17, 0, 0, 0).single(),
    };
    let mut ids = vec![store.upsert_article(&copy, None).unwrap().id];
    ids.push(
        store
            .upsert_article(&article("Harbour Ledger", "Strike ends", 17, STRIKE), None)
            .unwrap()
            .id,
    );
    assert_eq!(
        store.article(ids[0]).unwrap().unwrap().original_article_id,
        Some(ids[1]),
        "the copy points at its later original"
    );
    let mut mill = article("Valley Courier", "Paper mill to close", 19, MILL);
    mill.entities.push(person("O. Marchetti", 1));
    ids.push(store.upsert_article(&mill, None).unwrap().id);
    store
        .merge_entities("o-marchetti", "odile-marchetti")
        .unwrap();

    let ada = store
        .create_user("ada@example.org", "Ada", "h", Role::Reader)
        .unwrap();
    let mo = store
        .create_user("mo@example.org", "Mo", "h", Role::Moderator)
        .unwrap();
    let new = |parent, md: &'static str| NewComment {
        target: CommentTarget::Article(ids[1]),
        user_id: ada.id,
        parent_id: parent,
        body_md: md,
        body_html: md,
        ip_hash: "ip",
    };
    let first = store.add_comment(&new(None, "First!")).unwrap();
    store.add_comment(&new(Some(first.id), "A reply")).unwrap();
    store.report_comment(first.id, mo.id, "spam").unwrap();
    let (token, _) = store.create_api_token(mo.id, "moderation bot").unwrap();
    store.revoke_api_token(token.id, None).unwrap();
    store.create_api_token(mo.id, "still used").unwrap();
    store
        .create_pending_signup("new@example.org", "New", "h", "link", 3600)
        .unwrap();

    store
        .add_feed(&NewFeed {
            url: "https://ledger.example/feed.xml".into(),
            title: Some("Ledger".into()),
            format: Some("rss20".into()),
            section: Some("Business".into()),
            outlet: OutletRef {
                name: "Harbour Ledger".into(),
                domain: Some("ledger.example".into()),
            },
        })
        .unwrap();
    store
        .record_view(ids[1], NaiveDate::from_ymd_opt(2026, 11, 18).unwrap(), "v1")
        .unwrap();
    store.subscribe_digest("reader@example.org", "tok").unwrap();
    // A story merged away, its id (1000) the highest ever given: retired, never given again.
    store
        .execute_raw(
            "INSERT INTO story_redirects (story_id, into_id) \
             SELECT 1000, MAX(id) FROM stories",
        )
        .unwrap();
    ids
}

fn backup(store: &Store) -> (Vec<u8>, BackupSummary) {
    let mut file = Vec::new();
    let summary = store.backup(&mut file).unwrap();
    (file, summary)
}

fn article_json(store: &Store, id: i64) -> serde_json::Value {
    let stored = store.article(id).unwrap().unwrap();
    serde_json::json!({
        "article": stored.article,
        "outlet": stored.outlet.slug,
        "policy": stored.outlet.policy,
        "original": stored.original_article_id,
    })
}

fn search_titles(store: &Store, text: &str) -> Vec<String> {
    let mut titles: Vec<String> = store
        .search(&SearchQuery {
            text: text.into(),
            limit: 10,
            ..SearchQuery::default()
        })
        .unwrap()
        .into_iter()
        .map(|h| h.article.title)
        .collect();
    titles.sort();
    titles
}

/// The restored copy holds the same data, search works, sequences moved on, and it passes
/// its check.
fn assert_same(source: &Store, restored: &Store, ids: &[i64], summary: &BackupSummary, what: &str) {
    for &id in ids {
        assert_eq!(
            article_json(source, id),
            article_json(restored, id),
            "{what}: article {id}"
        );
    }
    let (_, again) = backup(restored);
    assert_eq!(&again.tables, &summary.tables, "{what}: rows per table");
    assert_eq!(
        search_titles(restored, "strike"),
        vec!["Port strike is over", "Strike ends"],
        "{what}: search"
    );
    assert_eq!(
        search_titles(restored, "valley"),
        vec!["Paper mill to close"],
        "{what}"
    );
    let fresh = restored
        .upsert_article(&article("Harbour Ledger", "A new one", 20, STRIKE), None)
        .unwrap_or_else(|e| panic!("{what}: insert after restore: {e}"));
    assert!(
        fresh.id > *ids.iter().max().unwrap(),
        "{what}: fresh id {}",
        fresh.id
    );
    let mut unrelated = article("Halden Arts", "Philharmonic names its director", 20, STRIKE);
    unrelated.text = "The Halden Philharmonic named the conductor Sofia Lind its music \
        director on Friday, ending a two-year search."
        .into();
    let new_story = restored.upsert_article(&unrelated, None).unwrap().story_id;
    assert!(
        new_story > 1000,
        "{what}: new story {new_story}, retired id 1000"
    );
    restored
        .create_user("new@example.org", "New", "h", Role::Reader)
        .unwrap_or_else(|e| panic!("{what}: user after restore: {e}"));
    let report = restored.check().unwrap();
    assert!(report.ok(), "{what}: check after restore:\n{report}");
}

fn targets() -> Vec<TestDatabase> {
    TestDatabase::all()
}

#[test]
fn backup_restores_into_either_database() {
    for source_db in TestDatabase::all() {
        let source = source_db.open().unwrap();
        let ids = fill(&source);
        let (file, summary) = backup(&source);
        assert_eq!(summary.table("articles"), 3, "{}", source_db.name());
        assert!(summary.table("comments") == 2 && summary.table("fetch_log") == 0);
        for target_db in targets() {
            let what = format!("{} -> {}", source_db.name(), target_db.name());
            let target = target_db.open().unwrap();
            let restored = target
                .restore(file.as_slice())
                .unwrap_or_else(|e| panic!("{what}: restore: {e}"));
            assert_eq!(restored, summary, "{what}");
            assert_same(&source, &target, &ids, &summary, &what);
        }
    }
}

#[test]
fn copy_into_streams_one_database_into_another() {
    for source_db in TestDatabase::all() {
        let source = source_db.open().unwrap();
        let ids = fill(&source);
        let (_, summary) = backup(&source);
        for target_db in targets() {
            let what = format!("copy {} -> {}", source_db.name(), target_db.name());
            let target = target_db.open().unwrap();
            let copied = source
                .copy_into(&target)
                .unwrap_or_else(|e| panic!("{what}: {e}"));
            assert_eq!(copied, summary, "{what}");
            assert_same(&source, &target, &ids, &summary, &what);
        }
    }
}

#[test]
fn restore_refuses_a_non_empty_or_broken_target_and_changes_nothing() {
    for db in TestDatabase::all() {
        let store = db.open().unwrap();
        fill(&store);
        let (file, summary) = backup(&store);
        let err = store.restore(file.as_slice()).unwrap_err();
        assert!(
            matches!(
                err,
                tidings_store::BackupError::Store(StoreError::Conflict(_))
            ),
            "{}: {err}",
            db.name()
        );
        assert!(err.to_string().contains("3 articles"), "{err}");
        assert_eq!(backup(&store).1, summary, "{}: unchanged", db.name());

        // A cut-off file into an empty database: refused, nothing half restored.
        let empty = TestDatabase::sqlite();
        let target = empty.open().unwrap();
        let cut = &file[..file.len() / 2];
        let err = target.restore(cut).unwrap_err();
        assert!(
            matches!(
                err,
                tidings_store::BackupError::Store(StoreError::Invalid(_))
            ),
            "{}: {err}",
            db.name()
        );
        assert_eq!(target.article_count().unwrap(), 0);
        let err = target.restore(&b"not a backup"[..]).unwrap_err();
        assert!(err.to_string().contains("backup"), "{err}");
    }
}

#[test]
fn check_finds_broken_invariants() {
    for db in TestDatabase::all() {
        let store = db.open().unwrap();
        let empty = store.check().unwrap();
        assert!(empty.ok(), "{}: empty database:\n{empty}", db.name());
        let ids = fill(&store);
        let report = store.check().unwrap();
        assert!(report.ok(), "{}:\n{report}", db.name());
        if db.name() == "sqlite" {
            assert!(report.get("SQLite integrity_check").is_some_and(|c| c.ok));
        }

        store
            .execute_raw(&format!(
                "UPDATE stories SET article_count = article_count + 5 WHERE id = \
                 (SELECT story_id FROM articles WHERE id = {})",
                ids[2]
            ))
            .unwrap();
        store
            .execute_raw(
                "INSERT INTO entities (name, kind, slug, created_at) \
                 VALUES ('Nobody', 'person', 'nobody', 0)",
            )
            .unwrap();
        // A redirect from a live story's id: links to it would lead elsewhere.
        store
            .execute_raw(&format!(
                "INSERT INTO story_redirects (story_id, into_id) \
                 SELECT story_id, story_id FROM articles WHERE id = {}",
                ids[2]
            ))
            .unwrap();
        let report = store.check().unwrap();
        assert!(!report.ok(), "{}", db.name());
        let failed: Vec<&str> = report.failed().map(|c| c.name).collect();
        assert_eq!(
            failed,
            vec![
                "story article and outlet counts match their articles",
                "a merged story's id names no story and redirects to one",
                "no orphan entities (unmerged and linked to nothing)"
            ],
            "{}:\n{report}",
            db.name()
        );
        let text = report.to_string();
        assert!(text.contains("FAILED"), "{text}");
        assert!(text.contains("nobody"), "{text}");
    }
}
