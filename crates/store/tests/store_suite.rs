//! The store test-suite: every test runs against SQLite, and against PostgreSQL when
//! `TIDINGS_TEST_POSTGRES_URL` is set.

use chrono::{NaiveDate, TimeZone, Utc};
use tidings_model::{
    Article, Engagement, EntityKind, EntityMention, IsoWeek, OutletRef, Provenance, Quote,
    RepublicationPolicy,
};
use tidings_store::testing::TestDatabase;
use tidings_store::{OutletSettings, Store, StoreError, ViewOutcome, migrate};

fn article(outlet: &str, title: &str, day: u32, text: &str) -> Article {
    Article {
        title: title.into(),
        authors: vec!["Ada Ferreira".into()],
        outlet: OutletRef {
            name: outlet.into(),
            domain: None,
        },
        published_at: Utc.with_ymd_and_hms(2026, 11, day, 9, 30, 0).single(),
        section: Some("Politics".into()),
        tags: vec![
            "Harbour Strike".into(),
            "harbour strike".into(),
            "Odile Marchetti".into(),
        ],
        language: Some("en".into()),
        summary: Some("A summary.".into()),
        text: text.into(),
        html: format!("<p>{text}</p>"),
        engagement: Engagement {
            views: 40,
            comments: 2,
        },
        ..Article::default()
    }
}

const STRIKE: &str = "Dock workers in Port Avel ended their nine-day strike on Tuesday after the \
    Coastal Workers' Federation accepted a pay offer from the shipping companies, union leaders said.\n\n\
    The agreement raises wages by six percent over two years and sets up a joint safety committee, \
    according to a copy of the deal seen by reporters in the capital.";

fn each_db(test: impl Fn(&Store, &str)) {
    for db in TestDatabase::all() {
        let store = db
            .open()
            .unwrap_or_else(|e| panic!("{}: open: {e}", db.name()));
        test(&store, db.name());
    }
}

#[test]
fn migrations_are_versioned_and_idempotent() {
    for db in TestDatabase::all() {
        let first = db.open().unwrap();
        assert_eq!(first.schema_version().unwrap(), migrate::latest_version());
        drop(first);
        let again = db.open().unwrap();
        assert_eq!(
            again.schema_version().unwrap(),
            migrate::latest_version(),
            "{}",
            db.name()
        );
        again.ping().unwrap();
    }
}

#[test]
fn reimport_updates_instead_of_duplicating() {
    each_db(|store, db| {
        let a = article("Harbour Ledger", "Strike ends", 17, STRIKE);
        let first = store.upsert_article(&a, Some("a.txt")).unwrap();
        assert!(first.created, "{db}");
        let mut changed = a.clone();
        changed.engagement.views = 99;
        let second = store.upsert_article(&changed, Some("a.txt")).unwrap();
        assert!(!second.created, "{db}");
        assert_eq!(first.id, second.id, "{db}");
        assert_eq!(first.story_id, second.story_id, "{db}");
        assert_eq!(store.article_count().unwrap(), 1, "{db}");
        let stored = store.article(first.id).unwrap().unwrap();
        assert_eq!(stored.article.engagement.views, 99, "{db}");
    });
}

/// A rerun after a crash stores the same articles again: that must change nothing, not even
/// the modification time, so the rerun converges to one uninterrupted run.
#[test]
fn storing_the_same_article_again_changes_nothing() {
    each_db(|store, db| {
        let a = article("Harbour Ledger", "Strike ends", 17, STRIKE);
        let first = store.upsert_article(&a, Some("a.txt")).unwrap();
        let state = || {
            store
                .query_raw("SELECT id, modified_at, story_id, fingerprint FROM articles")
                .unwrap()
        };
        let before = state();
        store
            .execute_raw("UPDATE articles SET modified_at = 1")
            .unwrap();
        let again = store.upsert_article(&a, Some("a.txt")).unwrap();
        assert_eq!(
            (again.id, again.story_id, again.created),
            (first.id, first.story_id, false),
            "{db}"
        );
        let after = state();
        assert_eq!(after[0][1].as_deref(), Some("1"), "{db}: not rewritten");
        assert_eq!(after[0][3], before[0][3], "{db}");
        assert!(before[0][3].is_some(), "{db}: fingerprint stored");
    });
}

#[test]
fn articles_round_trip_every_field() {
    each_db(|store, db| {
        let mut a = article("Harbour Ledger", "Strike ends", 17, STRIKE);
        a.url = Some("https://ledger.example/strike-ends".into());
        a.image_url = Some("https://ledger.example/dock.jpg".into());
        a.provenance = Provenance {
            original_outlet: Some("wire.example".into()),
            original_url: None,
            original_published_at: Utc.with_ymd_and_hms(2026, 11, 16, 0, 0, 0).single(),
        };
        a.entities = vec![EntityMention {
            name: "Odile Marchetti".into(),
            kind: EntityKind::Person,
            mentions: 3,
            aliases: Vec::new(),
        }];
        a.quotes = vec![Quote {
            speaker: Some("Odile Marchetti".into()),
            text: "It is a fair deal.".into(),
            verb: Some("said".into()),
        }];
        a.metadata_sources = [("title", "json-ld"), ("published_at", "dateline")]
            .into_iter()
            .map(|(k, v)| (k.to_owned(), v.to_owned()))
            .collect();
        let out = store.upsert_article(&a, None).unwrap();
        let got = store.article(out.id).unwrap().unwrap();
        let g = &got.article;
        assert_eq!(g.id, Some(out.id), "{db}");
        assert_eq!(g.story_id, Some(out.story_id), "{db}");
        assert_eq!(g.title, a.title, "{db}");
        assert_eq!(g.authors, a.authors, "{db}");
        assert_eq!(g.url, a.url, "{db}");
        assert_eq!(g.published_at, a.published_at, "{db}");
        assert_eq!(g.section, a.section, "{db}");
        assert_eq!(
            g.tags,
            vec!["Harbour Strike", "Odile Marchetti"],
            "{db}: tags deduplicated by slug"
        );
        assert_eq!(g.text, a.text, "{db}");
        assert_eq!(g.word_count, Article::count_words(STRIKE), "{db}");
        assert_eq!(g.provenance, a.provenance, "{db}");
        assert_eq!(g.engagement, a.engagement, "{db}");
        assert_eq!(g.entities, a.entities, "{db}");
        assert_eq!(g.quotes, a.quotes, "{db}");
        assert_eq!(g.metadata_sources, a.metadata_sources, "{db}");
        assert_eq!(
            got.outlet.policy,
            RepublicationPolicy::Excerpt,
            "{db}: default policy"
        );
        assert_eq!(got.outlet.slug, "harbour-ledger", "{db}");
        assert!(store.article(out.id + 1000).unwrap().is_none(), "{db}");
    });
}

fn republication(day: u32) -> Article {
    let mut copy = article("Valdren Daily Post", "Port strike is over", day, STRIKE);
    copy.text
        .push_str("\n\nThe Valdren Daily Post republishes this report by arrangement.");
    copy.provenance = Provenance {
        original_outlet: Some("ledger.example".into()),
        original_url: None,
        original_published_at: Utc.with_ymd_and_hms(2026, 11, 17, 0, 0, 0).single(),
    };
    copy
}

fn ledger() -> OutletSettings {
    OutletSettings {
        name: "Harbour Ledger".into(),
        domain: Some("www.ledger.example".into()),
        ..OutletSettings::default()
    }
}

#[test]
fn republication_joins_its_originals_story_in_either_order() {
    each_db(|store, db| {
        store.save_outlet(&ledger()).unwrap();
        let original = store
            .upsert_article(&article("Harbour Ledger", "Strike ends", 17, STRIKE), None)
            .unwrap();
        let copy = store.upsert_article(&republication(18), None).unwrap();
        assert_eq!(
            copy.story_id, original.story_id,
            "{db}: copy after original"
        );
        let stored = store.article(copy.id).unwrap().unwrap();
        assert_eq!(stored.original_article_id, Some(original.id), "{db}");
        let cards = store
            .week_cards(IsoWeek::of_date(
                NaiveDate::from_ymd_opt(2026, 11, 17).unwrap(),
            ))
            .unwrap();
        assert_eq!(cards.len(), 2, "{db}");
        assert!(cards.iter().any(|c| c.is_republication), "{db}");
    });
    each_db(|store, db| {
        store.save_outlet(&ledger()).unwrap();
        let copy = store.upsert_article(&republication(18), None).unwrap();
        let original = store
            .upsert_article(&article("Harbour Ledger", "Strike ends", 17, STRIKE), None)
            .unwrap();
        let stored = store.article(copy.id).unwrap().unwrap();
        assert_eq!(
            stored.article.story_id,
            Some(original.story_id),
            "{db}: copy before original"
        );
        assert_eq!(stored.original_article_id, Some(original.id), "{db}");
    });
}

#[test]
fn a_copy_of_a_copy_knows_the_whole_chain() {
    each_db(|store, db| {
        store.save_outlet(&ledger()).unwrap();
        let original = store
            .upsert_article(&article("Harbour Ledger", "Strike ends", 17, STRIKE), None)
            .unwrap();
        let first_copy = store.upsert_article(&republication(18), None).unwrap();
        let mut second = republication(19);
        second.outlet.name = "Coast Gazette".into();
        second.text.push_str("\n\nFrom the Valdren Daily Post.");
        second.provenance.original_outlet = Some("Valdren Daily Post".into());
        let second_copy = store.upsert_article(&second, None).unwrap();
        let stored = store.article(second_copy.id).unwrap().unwrap();
        assert_eq!(stored.original_article_id, Some(first_copy.id), "{db}");
        let chain: Vec<(i64, &str)> = stored
            .chain
            .iter()
            .map(|l| (l.id, l.outlet.as_str()))
            .collect();
        assert_eq!(chain, [(original.id, "Harbour Ledger")], "{db}");
        assert!(
            store
                .article(original.id)
                .unwrap()
                .unwrap()
                .chain
                .is_empty(),
            "{db}"
        );
    });
}

#[test]
fn unrelated_article_from_the_cited_outlet_is_not_taken_for_the_original() {
    each_db(|store, db| {
        store.save_outlet(&ledger()).unwrap();
        let other = store
            .upsert_article(
                &article(
                    "Harbour Ledger",
                    "Museum reopens",
                    17,
                    "The national museum in Port Avel reopened its east wing on Monday after \
                     three years of restoration work on the roof and the old mosaic floors.",
                ),
                None,
            )
            .unwrap();
        let copy = store.upsert_article(&republication(18), None).unwrap();
        assert_ne!(copy.story_id, other.story_id, "{db}");
    });
}

#[test]
fn weeks_and_neighbours() {
    each_db(|store, db| {
        for (day, title) in [(3, "One"), (17, "Two"), (18, "Three")] {
            store
                .upsert_article(
                    &article("Harbour Ledger", title, day, &format!("{title} body text.")),
                    None,
                )
                .unwrap();
        }
        let w47: IsoWeek = "2026-W47".parse().unwrap();
        assert_eq!(store.week_cards(w47).unwrap().len(), 2, "{db}");
        let (prev, next) = store.neighbour_weeks(w47).unwrap();
        assert_eq!(
            prev.map(|w| w.to_string()).as_deref(),
            Some("2026-W45"),
            "{db}"
        );
        assert_eq!(next, None, "{db}");
        assert_eq!(store.latest_week().unwrap(), Some(w47), "{db}");
        let weeks = store.weeks(None, 10).unwrap();
        assert_eq!(weeks.len(), 2, "{db}");
        assert_eq!(weeks[0], (w47, 2), "{db}");
        assert_eq!(store.weeks(None, 1).unwrap(), [weeks[0]], "{db}");
        assert_eq!(store.weeks(Some(w47), 10).unwrap(), [weeks[1]], "{db}");
        assert!(
            store
                .week_cards("2026-W46".parse().unwrap())
                .unwrap()
                .is_empty(),
            "{db}"
        );
    });
}

#[test]
fn a_visitor_counts_once_a_day() {
    each_db(|store, db| {
        let id = store
            .upsert_article(&article("Harbour Ledger", "Strike ends", 17, STRIKE), None)
            .unwrap()
            .id;
        let day = NaiveDate::from_ymd_opt(2026, 11, 20).unwrap();
        assert_eq!(
            store.record_view(id, day, "v1").unwrap(),
            ViewOutcome::Counted,
            "{db}"
        );
        assert_eq!(
            store.record_view(id, day, "v1").unwrap(),
            ViewOutcome::AlreadyCounted,
            "{db}"
        );
        assert_eq!(
            store.record_view(id, day, "v2").unwrap(),
            ViewOutcome::Counted,
            "{db}"
        );
        assert_eq!(
            store
                .record_view(id, day.succ_opt().unwrap(), "v1")
                .unwrap(),
            ViewOutcome::Counted,
            "{db}"
        );
        let a = store.article(id).unwrap().unwrap().article;
        assert_eq!(a.engagement.views, 40 + 3, "{db}: imported plus counted");
        assert_eq!(store.daily_views(id).unwrap().len(), 2, "{db}");
        assert_eq!(
            store
                .prune_view_visitors(day + chrono::Duration::days(10))
                .unwrap(),
            3,
            "{db}"
        );
    });
}

#[test]
fn outlet_settings_and_policy() {
    each_db(|store, db| {
        let saved = store
            .save_outlet(&OutletSettings {
                policy: Some(RepublicationPolicy::Full),
                ..ledger()
            })
            .unwrap();
        assert_eq!(saved.domain.as_deref(), Some("ledger.example"), "{db}");
        assert_eq!(saved.policy, RepublicationPolicy::Full, "{db}");
        let changed = store
            .set_outlet_policy("harbour-ledger", RepublicationPolicy::Link)
            .unwrap();
        assert_eq!(changed.policy, RepublicationPolicy::Link, "{db}");
        assert!(
            matches!(
                store.set_outlet_policy("nobody", RepublicationPolicy::Full),
                Err(StoreError::NotFound(_))
            ),
            "{db}"
        );
        assert!(
            matches!(
                store.save_outlet(&OutletSettings::default()),
                Err(StoreError::Invalid(_))
            ),
            "{db}"
        );
        assert_eq!(store.outlets().unwrap().len(), 1, "{db}");
    });
}

#[test]
fn invalid_articles_are_refused_and_store_nothing() {
    each_db(|store, db| {
        let mut a = article("Harbour Ledger", " ", 17, STRIKE);
        assert!(
            matches!(store.upsert_article(&a, None), Err(StoreError::Invalid(_))),
            "{db}"
        );
        a.title = "Fine".into();
        a.engagement.views = -1;
        assert!(
            matches!(store.upsert_article(&a, None), Err(StoreError::Invalid(_))),
            "{db}"
        );
        assert_eq!(store.article_count().unwrap(), 0, "{db}");
        assert!(store.outlets().unwrap().is_empty(), "{db}");
    });
}

#[test]
fn a_bad_database_url_is_a_clear_error() {
    let err = Store::open("sqlite:///nonexistent-dir/x/y.db").unwrap_err();
    assert!(err.to_string().contains("nonexistent-dir"), "{err}");
    assert!(matches!(
        Store::open("mysql://x"),
        Err(StoreError::BadUrl(_))
    ));
}

#[test]
fn the_same_article_by_another_link_or_feed_is_stored_once() {
    each_db(|store, db| {
        let long = "The harbour board voted to extend the night ferry timetable through the \
                    winter months after a petition signed by dock workers and residents. "
            .repeat(4);
        let mut a = article("Harbour Ledger", "Night ferries stay", 17, &long);
        a.url = Some("https://ledger.example/ferries".into());
        let first = store.upsert_article(&a, None).unwrap();
        assert!(first.created, "{db}");
        for url in [
            "https://ledger.example/ferries?utm_source=rss&utm_medium=feed",
            "https://ledger.example/ferries#comments",
            "https://ledger.example/2026/11/17/ferries",
        ] {
            a.url = Some(url.into());
            let again = store.upsert_article(&a, None).unwrap();
            assert_eq!((again.id, again.created), (first.id, false), "{db}: {url}");
        }
        assert!(
            store
                .has_article_url("https://ledger.example/ferries?fbclid=x")
                .unwrap(),
            "{db}"
        );
        let mut copy = a.clone();
        copy.outlet.name = "Valley Courier".into();
        copy.url = Some("https://courier.example/ferries".into());
        assert!(
            store.upsert_article(&copy, None).unwrap().created,
            "{db}: another outlet's copy is its own article (a republication)"
        );
        let mut teaser = article("Harbour Ledger", "Ferries", 18, "Read more.");
        teaser.url = Some("https://ledger.example/teaser-1".into());
        store.upsert_article(&teaser, None).unwrap();
        teaser.url = Some("https://ledger.example/teaser-2".into());
        assert!(
            store.upsert_article(&teaser, None).unwrap().created,
            "{db}: short texts are not compared whole"
        );
        assert_eq!(store.article_count().unwrap(), 4, "{db}");

        // A feed entry keeps its GUID when its link changes, even when its text changed too.
        let mut entry = article("Harbour Ledger", "Tram line opens", 19, "Trams run.");
        entry.guid = Some("ledger-4711".into());
        entry.url = Some("https://ledger.example/tram?session=1".into());
        let first = store.upsert_article(&entry, None).unwrap();
        entry.url = Some("https://ledger.example/tram?session=2".into());
        entry.text = "Trams run from Monday.".into();
        let again = store.upsert_article(&entry, None).unwrap();
        assert_eq!((again.id, again.created), (first.id, false), "{db}");
        let stored = store.article(first.id).unwrap().unwrap().article;
        assert_eq!(stored.url, entry.url, "{db}: the newest link");
        assert_eq!(stored.guid.as_deref(), Some("ledger-4711"), "{db}");
        let mut elsewhere = entry.clone();
        elsewhere.outlet.name = "Valley Courier".into();
        elsewhere.url = Some("https://courier.example/tram".into());
        assert!(
            store.upsert_article(&elsewhere, None).unwrap().created,
            "{db}: GUIDs are unique within an outlet only"
        );
        assert_eq!(store.article_count().unwrap(), 6, "{db}");

        // Two feeds of one outlet that both number their items from 1: a GUID is the feed's.
        let feed = |path: &str| follow(store, &format!("https://ledger.example/{path}.xml"));
        let (sport, arts) = (feed("sport"), feed("arts"));
        let mut item = article("Harbour Ledger", "Regatta postponed", 20, "Wind.");
        item.guid = Some("1".into());
        item.url = Some("https://ledger.example/sport/regatta".into());
        store.upsert_feed_article(&item, sport).unwrap();
        let mut other = article("Harbour Ledger", "Museum reopens", 20, "Paint.");
        other.guid = Some("1".into());
        other.url = Some("https://ledger.example/arts/museum".into());
        assert!(
            store.upsert_feed_article(&other, arts).unwrap().created,
            "{db}"
        );
        item.url = Some("https://ledger.example/sport/regatta?from=rss".into());
        assert!(
            !store.upsert_feed_article(&item, sport).unwrap().created,
            "{db}"
        );
        assert_eq!(store.article_count().unwrap(), 8, "{db}");
    });
}

#[test]
fn prefix_searches_rank_title_matches_and_newer_articles_first() {
    each_db(|store, db| {
        for (outlet, title, day, text) in [
            (
                "Harbour Ledger",
                "Ferry timetable changes",
                10,
                "Electricians finished the new quay lights.",
            ),
            (
                "Northmark Wire",
                "Election night in the port",
                10,
                "Counting went on until dawn.",
            ),
            (
                "Valley Courier",
                "Quay lights repaired",
                20,
                "Electricians worked through the night.",
            ),
            (
                "Coast Gazette",
                "Electors queue at dawn",
                20,
                "Turnout was high in every ward.",
            ),
        ] {
            store
                .upsert_article(&article(outlet, title, day, text), None)
                .unwrap();
        }
        assert_eq!(
            search_titles(store, "elect*"),
            vec![
                "Electors queue at dawn",
                "Election night in the port",
                "Quay lights repaired",
                "Ferry timetable changes",
            ],
            "{db}: title matches first, then the newer of each kind"
        );
        assert_eq!(
            search_titles(store, "night elect*"),
            vec!["Election night in the port", "Quay lights repaired"],
            "{db}: every term must match"
        );
    });
}

#[test]
fn sqlite_search_weighs_the_rarer_word_more() {
    each_db(|store, db| {
        let stories = [
            (
                "Quay report",
                "The quay, the quay and the quay were busy at the port.",
            ),
            (
                "Port report",
                "The port, the port and the port were busy at the quay.",
            ),
        ];
        for (i, (title, text)) in stories.iter().enumerate() {
            store
                .upsert_article(&article("Harbour Ledger", title, 10 + i as u32, text), None)
                .unwrap();
        }
        for day in 12..18 {
            let title = format!("Port notes {day}");
            let text = format!("Ships left the port on day {day} of the month, as they do.");
            store
                .upsert_article(&article("Valley Courier", &title, day, &text), None)
                .unwrap();
        }
        let found = search_titles(store, "port quay");
        assert_eq!(found.len(), 2, "{db}: {found:?}");
        // PostgreSQL's ts_rank has no document frequencies; there the two tie.
        if db == "sqlite" {
            assert_eq!(found, vec!["Quay report", "Port report"], "{db}");
        }
    });
}

#[test]
fn search_finds_stems_phrases_prefixes_and_folds_diacritics() {
    use tidings_store::{MARK_START, SearchQuery, snippet_html};
    each_db(|store, db| {
        store
            .upsert_article(&article("Harbour Ledger", "Strike ends", 17, STRIKE), None)
            .unwrap();
        let mut museum = article(
            "Northmark Wire",
            "Astrolabe stolen from Zürich museum",
            18,
            "Thieves took a brass astrolabe from the Zürich collection overnight, curators said.",
        );
        museum.section = Some("Culture".into());
        museum.tags.clear();
        store.upsert_article(&museum, None).unwrap();
        let find = |text: &str| search_titles(store, text);
        assert_eq!(find("strike"), vec!["Strike ends"], "{db}");
        assert_eq!(find("strikes"), vec!["Strike ends"], "{db}: stemming");
        assert_eq!(
            find("ZURICH"),
            vec!["Astrolabe stolen from Zürich museum"],
            "{db}: case and diacritics"
        );
        assert_eq!(find("\"pay offer\""), vec!["Strike ends"], "{db}: phrase");
        assert!(find("\"offer pay\"").is_empty(), "{db}: phrase order");
        assert_eq!(
            find("astro*"),
            vec!["Astrolabe stolen from Zürich museum"],
            "{db}: prefix"
        );
        assert!(
            find("strike museum").is_empty(),
            "{db}: all terms must match"
        );
        for hostile in [
            "",
            "\"",
            "' OR 1=1 --",
            "NEAR(",
            "a AND OR NOT",
            "*",
            "%_",
            &"x".repeat(10_000),
            "<script>alert(1)</script>",
            "число",
            "日本語",
        ] {
            find(hostile);
        }
        let hits = store
            .search(&SearchQuery {
                text: "astrolabe".into(),
                limit: 10,
                ..SearchQuery::default()
            })
            .unwrap();
        assert!(
            hits[0].snippet.contains(MARK_START),
            "{db}: {:?}",
            hits[0].snippet
        );
        assert!(snippet_html(&hits[0].snippet).contains("<mark>"), "{db}");
        let only = |q: SearchQuery| store.search(&q).unwrap().len();
        let base = SearchQuery {
            text: "said".into(),
            limit: 10,
            ..SearchQuery::default()
        };
        assert_eq!(only(base.clone()), 2, "{db}");
        assert_eq!(
            only(SearchQuery {
                outlet: Some("northmark-wire".into()),
                ..base.clone()
            }),
            1,
            "{db}"
        );
        assert_eq!(
            only(SearchQuery {
                section: Some("culture".into()),
                ..base.clone()
            }),
            1,
            "{db}"
        );
        assert_eq!(
            only(SearchQuery {
                language: Some("fr".into()),
                ..base.clone()
            }),
            0,
            "{db}"
        );
        assert_eq!(
            only(SearchQuery {
                from: NaiveDate::from_ymd_opt(2026, 11, 18),
                ..base.clone()
            }),
            1,
            "{db}"
        );
        assert_eq!(
            only(SearchQuery {
                to: NaiveDate::from_ymd_opt(2026, 11, 17),
                ..base.clone()
            }),
            1,
            "{db}"
        );
        assert_eq!(
            only(SearchQuery {
                offset: 1,
                ..base.clone()
            }),
            1,
            "{db}"
        );
        // Re-import keeps the index in step: the old title no longer matches.
        let mut renamed = article("Harbour Ledger", "Strike ends", 17, STRIKE);
        renamed.text = renamed.text.replace("pay offer", "wage deal");
        store.upsert_article(&renamed, None).unwrap();
        assert!(
            find("\"pay offer\"").is_empty(),
            "{db}: index follows updates"
        );
        assert_eq!(find("wage deal"), vec!["Strike ends"], "{db}");
    });
}

#[test]
fn listings_page_by_cursor() {
    use tidings_store::Listing;
    each_db(|store, db| {
        for day in 1..=7 {
            let mut a = article(
                if day % 2 == 0 {
                    "Northmark Wire"
                } else {
                    "Harbour Ledger"
                },
                &format!("Day {day}"),
                day,
                &format!("Text of day {day}."),
            );
            a.section = Some(if day <= 3 { "Politics" } else { "Culture" }.into());
            store.upsert_article(&a, None).unwrap();
        }
        let first = store.list(&Listing::All, None, 3).unwrap();
        assert_eq!(
            first
                .articles
                .iter()
                .map(|a| a.title.as_str())
                .collect::<Vec<_>>(),
            vec!["Day 7", "Day 6", "Day 5"],
            "{db}"
        );
        let second = store.list(&Listing::All, first.next, 3).unwrap();
        assert_eq!(second.articles[0].title, "Day 4", "{db}");
        let third = store.list(&Listing::All, second.next, 3).unwrap();
        assert_eq!(third.articles.len(), 1, "{db}");
        assert!(third.next.is_none(), "{db}");
        assert_eq!(
            store
                .list(&Listing::Outlet("northmark-wire".into()), None, 10)
                .unwrap()
                .articles
                .len(),
            3,
            "{db}"
        );
        assert_eq!(
            store
                .list(&Listing::Section("culture".into()), None, 10)
                .unwrap()
                .articles
                .len(),
            4,
            "{db}"
        );
        assert_eq!(
            store
                .list(&Listing::Tag("odile-marchetti".into()), None, 10)
                .unwrap()
                .articles
                .len(),
            7,
            "{db}"
        );
        assert_eq!(
            store
                .label_of(&Listing::Section("culture".into()))
                .unwrap()
                .as_deref(),
            Some("Culture"),
            "{db}"
        );
        assert_eq!(
            store.label_of(&Listing::Tag("nothing".into())).unwrap(),
            None,
            "{db}"
        );
    });
}

#[test]
fn week_figures_for_the_digest() {
    each_db(|store, db| {
        let mut a = article("Harbour Ledger", "Strike ends", 17, STRIKE);
        a.entities = vec![EntityMention {
            name: "Odile Marchetti".into(),
            kind: EntityKind::Person,
            mentions: 3,
            aliases: Vec::new(),
        }];
        a.quotes = vec![
            Quote {
                speaker: Some("Odile Marchetti".into()),
                text: "A fair deal.".into(),
                verb: Some("said".into()),
            },
            Quote {
                speaker: Some("a spokesperson".into()),
                text: "No comment.".into(),
                verb: None,
            },
            Quote {
                speaker: Some("Odile Marchetti".into()),
                text: "Back to work.".into(),
                verb: None,
            },
        ];
        store.upsert_article(&a, None).unwrap();
        let mut before = article(
            "Harbour Ledger",
            "Talks begin",
            10,
            "Talks began between the union and the port.",
        );
        before.entities = vec![EntityMention {
            name: "Odile Marchetti".into(),
            kind: EntityKind::Person,
            mentions: 1,
            aliases: Vec::new(),
        }];
        store.upsert_article(&before, None).unwrap();
        let w: IsoWeek = "2026-W47".parse().unwrap();
        let speakers = store.week_speakers(w, 5).unwrap();
        assert_eq!(speakers[0].speaker, "Odile Marchetti", "{db}");
        assert_eq!(speakers[0].quotes, 2, "{db}");
        assert_eq!(speakers[0].slug.as_deref(), Some("odile-marchetti"), "{db}");
        let trends = store.week_entities(w, 5).unwrap();
        assert_eq!(trends.len(), 1, "{db}");
        assert_eq!(
            (trends[0].mentions, trends[0].previous_mentions),
            (3, 1),
            "{db}"
        );
        assert_eq!(
            store.week_daily_counts(w).unwrap(),
            [0, 1, 0, 0, 0, 0, 0],
            "{db}"
        );
    });
}

#[test]
fn feeds_are_followed_scheduled_and_logged() {
    use tidings_store::{FetchResult, NewFeed};
    each_db(|store, db| {
        let new = NewFeed {
            url: "https://ledger.example/feed.xml".into(),
            title: Some("Ledger".into()),
            format: Some("rss20".into()),
            section: Some("Business".into()),
            outlet: OutletRef {
                name: "Harbour Ledger".into(),
                domain: Some("ledger.example".into()),
            },
        };
        let feed = store.add_feed(&new).unwrap();
        assert_eq!(feed.outlet_slug, "harbour-ledger", "{db}");
        assert!(
            matches!(store.add_feed(&new), Err(StoreError::Conflict(_))),
            "{db}: following twice"
        );
        let now = chrono::Utc::now().timestamp();
        assert_eq!(store.due_feeds(now + 1, 10).unwrap().len(), 1, "{db}");
        store
            .record_fetch(
                feed.id,
                &FetchResult::Fetched {
                    etag: Some("\"v1\"".into()),
                    last_modified: None,
                    new_articles: 2,
                    warning: Some("not well-formed: stray & at line 3".into()),
                },
                now + 600,
                600,
                12,
            )
            .unwrap();
        let f = store.feed(feed.id).unwrap().unwrap();
        assert_eq!(
            f.last_warning.as_deref(),
            Some("not well-formed: stray & at line 3"),
            "{db}: a feed read with a warning keeps it"
        );
        assert!(
            store.due_feeds(now + 1, 10).unwrap().is_empty(),
            "{db}: not due until its next time"
        );
        assert_eq!(store.next_due_at().unwrap(), Some(now + 600), "{db}");
        store
            .record_fetch(
                feed.id,
                &FetchResult::Failed {
                    error: "HTTP 500".into(),
                },
                now + 1200,
                600,
                5,
            )
            .unwrap();
        let f = store.feed(feed.id).unwrap().unwrap();
        assert_eq!(
            (f.error_count, f.last_error.as_deref(), f.etag.as_deref()),
            (1, Some("HTTP 500"), Some("\"v1\"")),
            "{db}"
        );
        store
            .record_fetch(feed.id, &FetchResult::NotModified, now + 1800, 900, 3)
            .unwrap();
        let f = store.feed(feed.id).unwrap().unwrap();
        assert_eq!(
            (f.error_count, f.interval_secs),
            (0, 900),
            "{db}: success clears errors"
        );
        let log = store.fetch_log(feed.id, 10).unwrap();
        assert_eq!(
            log.iter().map(|l| l.status.as_str()).collect::<Vec<_>>(),
            vec!["not-modified", "error", "ok"],
            "{db}"
        );
        let a = article("Harbour Ledger", "From the feed", 17, STRIKE);
        store.upsert_feed_article(&a, feed.id).unwrap();
        assert_eq!(
            store.feed(feed.id).unwrap().unwrap().article_count,
            1,
            "{db}"
        );
        store.set_feed_enabled(feed.id, false).unwrap();
        assert!(
            store.due_feeds(now + 10_000, 10).unwrap().is_empty(),
            "{db}: paused"
        );
        assert_eq!(store.remove_feed(feed.id).unwrap().id, feed.id, "{db}");
        assert!(
            matches!(store.remove_feed(feed.id), Err(StoreError::NotFound(_))),
            "{db}"
        );
        assert_eq!(
            store.article_count().unwrap(),
            1,
            "{db}: articles outlive their feed"
        );
    });
}

#[test]
fn digest_subscriptions_are_double_opt_in_and_sent_once_a_week() {
    use tidings_store::Subscription;
    each_db(|store, db| {
        assert_eq!(
            store.subscribe_digest(" Ada@Example.org ", "t1").unwrap(),
            Subscription::Pending { token: "t1".into() },
            "{db}"
        );
        assert!(
            store.digest_subscribers().unwrap().is_empty(),
            "{db}: not before confirming"
        );
        assert!(!store.confirm_digest("wrong").unwrap(), "{db}");
        assert!(store.confirm_digest("t1").unwrap(), "{db}");
        let subs = store.digest_subscribers().unwrap();
        assert_eq!(subs.len(), 1, "{db}");
        assert_eq!(subs[0].email, "ada@example.org", "{db}");
        assert_eq!(
            store.subscribe_digest("ada@example.org", "t2").unwrap(),
            Subscription::AlreadyConfirmed,
            "{db}"
        );
        assert!(store.unsubscribe_digest("t1").unwrap(), "{db}");
        assert!(store.digest_subscribers().unwrap().is_empty(), "{db}");
        assert!(
            matches!(
                store.subscribe_digest("ada@example.org", "t3").unwrap(),
                Subscription::Pending { .. }
            ),
            "{db}: resubscribing asks again"
        );
        let w: IsoWeek = "2026-W47".parse().unwrap();
        assert!(store.claim_digest_send(w).unwrap(), "{db}");
        assert!(!store.claim_digest_send(w).unwrap(), "{db}: once per week");
        store.record_digest_recipients(w, 3).unwrap();
    });
}

fn person(name: &str, mentions: u32, aliases: &[&str]) -> EntityMention {
    EntityMention {
        name: name.into(),
        kind: EntityKind::Person,
        mentions,
        aliases: aliases.iter().map(|a| a.to_string()).collect(),
    }
}

#[test]
fn entities_gather_aliases_quotes_and_survive_merge_and_rename() {
    use tidings_store::EntityLookup;
    each_db(|store, db| {
        let found = |slug: &str| match store.entity_by_slug(slug).unwrap() {
            EntityLookup::Found(e) => e,
            other => panic!("{db}: {slug}: {other:?}"),
        };
        let mut first = article("Harbour Ledger", "Strike ends", 17, STRIKE);
        first.entities = vec![person(
            "Odile Marchetti",
            3,
            &["Marchetti", "Union Leader Odile Marchetti"],
        )];
        first.quotes = vec![Quote {
            speaker: Some("Odile Marchetti".into()),
            text: "A fair deal.".into(),
            verb: Some("said".into()),
        }];
        store.upsert_article(&first, None).unwrap();
        // A later article that only says "Marchetti" joins her, through the alias.
        let mut second = article(
            "Harbour Ledger",
            "Talks begin",
            10,
            "Talks began at the port.",
        );
        second.entities = vec![person("Marchetti", 1, &[])];
        second.quotes = vec![Quote {
            speaker: Some("Marchetti".into()),
            text: "We start today.".into(),
            verb: None,
        }];
        store.upsert_article(&second, None).unwrap();
        let odile = found("odile-marchetti");
        assert_eq!(odile.articles, 2, "{db}");
        assert_eq!(
            odile.aliases,
            vec!["Marchetti", "Union Leader Odile Marchetti"],
            "{db}"
        );
        assert_eq!(store.entity_quotes(odile.id, 10).unwrap().len(), 2, "{db}");
        let weeks = store
            .entity_weekly_mentions(odile.id, "2026-W47".parse().unwrap(), 3)
            .unwrap();
        assert_eq!(
            weeks.iter().map(|w| w.1).collect::<Vec<_>>(),
            vec![0, 1, 3],
            "{db}"
        );

        // An entity created separately is merged, links and quotes included.
        let mut third = article("Port Gazette", "Dock pay", 18, "Pay rose.");
        third.entities = vec![person("O. Marchetti", 2, &[])];
        third.quotes = vec![Quote {
            speaker: Some("O. Marchetti".into()),
            text: "Good news.".into(),
            verb: None,
        }];
        store.upsert_article(&third, None).unwrap();
        let merged = store
            .merge_entities("o-marchetti", "odile-marchetti")
            .unwrap();
        assert_eq!(merged.articles, 3, "{db}");
        assert!(merged.aliases.contains(&"O. Marchetti".to_owned()), "{db}");
        assert_eq!(store.entity_quotes(merged.id, 10).unwrap().len(), 3, "{db}");
        assert_eq!(
            store.entity_by_slug("o-marchetti").unwrap(),
            EntityLookup::MovedTo("odile-marchetti".into()),
            "{db}"
        );
        assert!(matches!(
            store.merge_entities("odile-marchetti", "odile-marchetti"),
            Err(StoreError::Invalid(_))
        ));

        // Renaming keeps the old name as an alias and the old slug as a redirect.
        let renamed = store
            .rename_entity("odile-marchetti", "Odile M. Marchetti")
            .unwrap();
        assert_eq!(renamed.slug, "odile-m-marchetti", "{db}");
        assert!(
            renamed.aliases.contains(&"Odile Marchetti".to_owned()),
            "{db}"
        );
        assert_eq!(
            store.entity_by_slug("odile-marchetti").unwrap(),
            EntityLookup::MovedTo("odile-m-marchetti".into()),
            "{db}"
        );
        assert_eq!(
            store.entity_by_slug("nobody").unwrap(),
            EntityLookup::Missing
        );
        let listed = store
            .entities(Some(EntityKind::Person), Some("marchetti"), 10)
            .unwrap();
        assert_eq!(listed.len(), 1, "{db}");
        assert!(matches!(
            store.rename_entity("nobody", "X"),
            Err(StoreError::NotFound(_))
        ));
    });
}

// ---- Stories: independent reports of one event cluster into one story -------------------------

fn report(outlet: &str, title: &str, at: chrono::DateTime<Utc>, text: &str) -> Article {
    Article {
        title: title.into(),
        url: Some(format!(
            "https://{}.example/{}",
            tidings_model::slugify(outlet),
            tidings_model::slugify(title)
        )),
        outlet: OutletRef {
            name: outlet.into(),
            domain: Some(format!("{}.example", tidings_model::slugify(outlet))),
        },
        published_at: Some(at),
        text: text.into(),
        html: format!("<p>{text}</p>"),
        ..Article::default()
    }
}

fn mill_entities() -> Vec<EntityMention> {
    vec![
        person("Mara Oyelaran", 1, &[]),
        EntityMention {
            name: "Lindqvist Group".into(),
            kind: EntityKind::Organization,
            mentions: 1,
            aliases: Vec::new(),
        },
        EntityMention {
            name: "Harvik".into(),
            kind: EntityKind::Place,
            mentions: 2,
            aliases: Vec::new(),
        },
    ]
}

const MILL_A: &str = "A fire broke out overnight at the Lindqvist paper mill in Harvik, forcing the \
    evacuation of 40 night-shift workers. Fire chief Mara Oyelaran said the blaze started in the \
    drying hall and was brought under control by dawn. Nobody was injured, but the mill owner, \
    Lindqvist Group, said paper production would stop for several weeks while engineers inspect \
    the damaged roof.";

const MILL_B: &str = "Firefighters fought for six hours to contain a blaze at the Lindqvist paper \
    mill in Harvik, where 40 workers on the night shift were evacuated. The fire began in the \
    mill's drying hall, fire chief Mara Oyelaran told reporters. Lindqvist Group expects the mill \
    to stay closed for weeks; no injuries were reported among the evacuated workers.";

fn background(store: &Store) {
    let at = Utc.with_ymd_and_hms(2026, 3, 2, 8, 0, 0).unwrap();
    for (outlet, title, text) in [
        ("Harbour Ledger", "Strike ends", STRIKE),
        (
            "Valdren Sport",
            "Rovers win the cup",
            "Valdren Rovers beat Port Avel United three goals to one in the cup final on \
             Saturday evening in front of thirty thousand supporters at the national stadium.",
        ),
        (
            "Valdren Sport",
            "Museum reopens",
            "The national museum in Port Avel reopened its east wing on Monday after three years \
             of restoration work on the roof and the old mosaic floors.",
        ),
    ] {
        store
            .upsert_article(&report(outlet, title, at, text), None)
            .unwrap();
    }
}

#[test]
fn independent_reports_of_one_event_join_one_story() {
    each_db(|store, db| {
        background(store);
        let day = Utc.with_ymd_and_hms(2026, 3, 4, 7, 0, 0).unwrap();
        let mut a = report(
            "Harvik Courier",
            "Fire destroys part of Harvik paper mill, 40 workers evacuated",
            day,
            MILL_A,
        );
        a.entities = mill_entities();
        let mut b = report(
            "North Wire",
            "Blaze at Lindqvist mill: night shift evacuated",
            day + chrono::Duration::hours(3),
            MILL_B,
        );
        b.entities = mill_entities();
        let first = store.upsert_article(&a, None).unwrap();
        let second = store.upsert_article(&b, None).unwrap();
        assert_eq!(first.story_id, second.story_id, "{db}: same event");

        // Same place, different event, same day: its own story.
        let mut council = report(
            "Harvik Courier",
            "Harvik council approves tram line to the harbour",
            day + chrono::Duration::hours(5),
            "The Harvik city council voted 21 to 9 on Wednesday to build a tram line from the \
             railway station to the harbour. Mayor Ilse Brandt said construction of the line \
             would begin next spring and cost about 90 million crowns.",
        );
        council.entities = vec![
            person("Ilse Brandt", 1, &[]),
            EntityMention {
                name: "Harvik".into(),
                kind: EntityKind::Place,
                mentions: 1,
                aliases: Vec::new(),
            },
        ];
        let unrelated = store.upsert_article(&council, None).unwrap();
        assert_ne!(unrelated.story_id, first.story_id, "{db}: unrelated");

        // Re-importing is idempotent.
        let again = store.upsert_article(&b, None).unwrap();
        assert!(!again.created, "{db}");
        assert_eq!(again.story_id, first.story_id, "{db}: re-import");

        // A republication still joins its original's story, and says so.
        let mut copy = report(
            "Valdren Daily Post",
            "Paper mill fire in Harvik",
            day + chrono::Duration::hours(6),
            MILL_A,
        );
        copy.provenance = Provenance {
            original_outlet: Some("harvik-courier.example".into()),
            original_url: None,
            original_published_at: Some(day),
        };
        let copied = store.upsert_article(&copy, None).unwrap();
        assert_eq!(copied.story_id, first.story_id, "{db}: republication");

        // The same people and place a year later: another event, another story.
        let mut later = report(
            "Harvik Courier",
            "Fire again at Harvik paper mill, workers evacuated",
            day + chrono::Duration::days(365),
            MILL_A,
        );
        later.entities = mill_entities();
        let year_later = store.upsert_article(&later, None).unwrap();
        assert_ne!(year_later.story_id, first.story_id, "{db}: a year later");

        let story = store.story(first.story_id, 1).unwrap().unwrap();
        assert_eq!(story.article_count, 3, "{db}");
        assert_eq!(story.outlet_count, 3, "{db}");
        assert_eq!(
            story.first_outlet.as_deref(),
            Some("Harvik Courier"),
            "{db}"
        );
        assert_eq!(story.headline, a.title, "{db}");
        let joined = story.articles.iter().find(|x| x.id == second.id).unwrap();
        let why = joined.reason.as_deref().unwrap_or("");
        assert!(why.starts_with("similarity"), "{db}: {why}");
        assert!(why.contains("Mara Oyelaran"), "{db}: {why}");
        let republished = story.articles.iter().find(|x| x.id == copied.id).unwrap();
        assert_eq!(republished.original_article_id, Some(first.id), "{db}");
        assert_eq!(
            republished.original_outlet.as_deref(),
            Some("Harvik Courier"),
            "{db}: the stored original's outlet"
        );
        assert_eq!(
            (story.page, story.pages, story.published.len()),
            (1, 1, 3),
            "{db}"
        );
        let beyond = store.story(first.story_id, 2).unwrap().unwrap();
        assert!(
            beyond.articles.is_empty() && beyond.published.len() == 3,
            "{db}"
        );
        assert!(
            republished
                .reason
                .as_deref()
                .is_some_and(|r| r.starts_with("republication of")),
            "{db}: {republished:?}"
        );
        assert!(
            story.entities.iter().any(|e| e.slug == "mara-oyelaran"),
            "{db}: {:?}",
            story.entities
        );
        assert!(store.story(999_999, 1).unwrap().is_none(), "{db}");
    });
}

/// The two first reports start two stories; the third joins one and the two become one. The
/// other story's articles and comments move, and its id redirects.
#[test]
fn an_article_bridging_two_stories_merges_them() {
    use tidings_store::{CommentTarget, NewComment, Role};
    each_db(|store, db| {
        background(store);
        let at = Utc.with_ymd_and_hms(2026, 3, 4, 7, 0, 0).unwrap();
        let store_one = |i: usize| {
            let (outlet, title, text) = tidings_store::testing::BRIDGED_REPORTS[i];
            let when = at + chrono::Duration::hours(i as i64);
            store
                .upsert_article(&report(outlet, title, when, text), None)
                .unwrap()
        };
        let (first, second) = (store_one(0), store_one(1));
        let (a, b) = (first.story_id, second.story_id);
        assert_ne!(a, b, "{db}: two stories before the bridge");
        let ada = store
            .create_user("ada@example.org", "Ada", "h", Role::Reader)
            .unwrap();
        for story in [a, b] {
            let comment = NewComment {
                target: CommentTarget::Story(story),
                user_id: ada.id,
                parent_id: None,
                body_md: "Stay safe",
                body_html: "Stay safe",
                ip_hash: "ip",
            };
            store.add_comment(&comment).unwrap();
        }

        let bridge = store_one(2);
        let kept = bridge.story_id;
        assert!(kept == a || kept == b, "{db}: {bridge:?}");
        let gone = if kept == a { b } else { a };
        let story = store.story(kept, 1).unwrap().unwrap();
        assert_eq!(story.article_count, 3, "{db}");
        assert_eq!(story.outlet_count, 3, "{db}");
        assert_eq!(story.first_outlet.as_deref(), Some("Teralin Times"), "{db}");
        let why = story.articles.iter().find(|x| x.id == bridge.id);
        let why = why.and_then(|x| x.reason.as_deref()).unwrap_or("");
        assert!(
            why.ends_with("; bridged and merged 1 similar story"),
            "{db}: {why}"
        );
        assert!(store.story(gone, 1).unwrap().is_none(), "{db}");
        assert_eq!(store.story_redirect(gone).unwrap(), Some(kept), "{db}");
        assert_eq!(store.story_redirect(kept).unwrap(), None, "{db}");
        let comments = store.comments_on(CommentTarget::Story(kept), false);
        assert_eq!(
            comments.unwrap().len(),
            2,
            "{db}: comments move with their story"
        );
        assert!(store.check().unwrap().ok(), "{db}");

        // A merged story's id is never given to a new story (SQLite would reuse the highest).
        let later = report(
            "Halden Arts",
            "Philharmonic names its music director",
            at,
            "The Halden Philharmonic named the conductor Sofia Lind its music director on \
             Friday, ending a two-year search that drew applicants from eleven countries.",
        );
        let new_story = store.upsert_article(&later, None).unwrap().story_id;
        assert!(new_story > gone.max(kept), "{db}: {new_story} after {gone}");
        assert_eq!(store.story_redirect(gone).unwrap(), Some(kept), "{db}");
    });
}

#[test]
fn tiny_texts_never_glue_stories_together() {
    each_db(|store, db| {
        background(store);
        let at = Utc.with_ymd_and_hms(2026, 3, 4, 7, 0, 0).unwrap();
        let mut stories = std::collections::HashSet::new();
        for (i, title) in ["Update", "Live", "Update", "Breaking"].iter().enumerate() {
            let mut a = report(&format!("Outlet {i}"), title, at, "");
            a.url = Some(format!("https://example.org/{i}"));
            let out = store.upsert_article(&a, None).unwrap();
            assert!(stories.insert(out.story_id), "{db}: {title}");
        }
    });
}

#[test]
fn accounts_sessions_lockout_and_password_resets() {
    use tidings_store::Role;
    each_db(|store, db| {
        let ada = store
            .create_user("Ada@Example.org", "Ada", "hash-1", Role::Reader)
            .unwrap();
        assert_eq!(ada.email, "ada@example.org", "{db}");
        assert!(matches!(
            store.create_user("ada@example.org ", "Other", "h", Role::Reader),
            Err(StoreError::Conflict(_))
        ));
        let creds = store.credentials("ADA@example.org").unwrap().unwrap();
        assert_eq!(creds.password_hash, "hash-1", "{db}");
        assert!(store.credentials("nobody@example.org").unwrap().is_none());

        assert!(!store.record_failed_login(ada.id, 3, 900).unwrap());
        assert!(!store.record_failed_login(ada.id, 3, 900).unwrap());
        assert!(
            store.record_failed_login(ada.id, 3, 900).unwrap(),
            "{db}: third locks"
        );
        assert!(
            store
                .credentials("ada@example.org")
                .unwrap()
                .unwrap()
                .locked_until
                .is_some()
        );

        store.start_session(ada.id, "token-a", 3600).unwrap();
        store.start_session(ada.id, "token-b", 3600).unwrap();
        assert_eq!(
            store.session_user("token-a").unwrap().unwrap().id,
            ada.id,
            "{db}"
        );
        assert!(store.session_user("token-c").unwrap().is_none());
        assert!(
            store
                .credentials("ada@example.org")
                .unwrap()
                .unwrap()
                .locked_until
                .is_none(),
            "{db}: a successful sign-in unlocks"
        );
        store
            .set_password(ada.id, "hash-2", Some("token-a"))
            .unwrap();
        assert!(
            store.session_user("token-a").unwrap().is_some(),
            "{db}: kept"
        );
        assert!(
            store.session_user("token-b").unwrap().is_none(),
            "{db}: ended"
        );
        store.end_session("token-a").unwrap();
        assert!(store.session_user("token-a").unwrap().is_none());

        store
            .create_password_reset(ada.id, "reset-1", 3600)
            .unwrap();
        store.start_session(ada.id, "token-d", 3600).unwrap();
        assert_eq!(
            store.reset_password("reset-1", "hash-3").unwrap().id,
            ada.id
        );
        assert!(store.session_user("token-d").unwrap().is_none(), "{db}");
        assert!(
            matches!(
                store.reset_password("reset-1", "hash-4"),
                Err(StoreError::NotFound(_))
            ),
            "{db}: once only"
        );
        store
            .create_password_reset(ada.id, "reset-old", -1)
            .unwrap();
        assert!(
            store.reset_password("reset-old", "h").is_err(),
            "{db}: expired"
        );
        assert_eq!(
            store
                .set_role("ada@example.org", Role::Moderator)
                .unwrap()
                .role,
            Role::Moderator
        );
    });
}

#[test]
fn api_tokens_keep_only_a_hash_act_as_their_owner_and_revoke() {
    use tidings_store::Role;
    each_db(|store, db| {
        let ada = store
            .create_user("ada@example.org", "Ada", "h", Role::Moderator)
            .unwrap();
        let bo = store
            .create_user("bo@example.org", "Bo", "h", Role::Reader)
            .unwrap();
        let (listed, token) = store.create_api_token(ada.id, " import script ").unwrap();
        assert!(tidings_store::well_formed_token(&token), "{db}: {token}");
        assert_eq!(
            (listed.name.as_str(), listed.owner_email.as_str()),
            ("import script", "ada@example.org"),
            "{db}"
        );
        assert!(
            store.create_api_token(ada.id, "  ").is_err(),
            "{db}: a name"
        );
        let (other, _) = store.create_api_token(bo.id, "bo's").unwrap();

        // The token is its owner as they are now; its use is noted.
        assert_eq!(store.api_token_user(&token).unwrap().unwrap().id, ada.id);
        store.set_role("ada@example.org", Role::Reader).unwrap();
        assert_eq!(
            store.api_token_user(&token).unwrap().unwrap().role,
            Role::Reader,
            "{db}: the owner's current role"
        );
        let mine = store.api_tokens(Some(ada.id)).unwrap();
        assert_eq!(mine.len(), 1, "{db}");
        assert!(mine[0].last_used_at.is_some(), "{db}");
        assert_eq!(store.api_tokens(None).unwrap().len(), 2, "{db}");
        assert!(store.api_token_user("tdg_nonsense").unwrap().is_none());

        // Nobody revokes another's token through the owner check; a revoked token opens nothing.
        assert!(matches!(
            store.revoke_api_token(other.id, Some(ada.id)),
            Err(StoreError::NotFound(_))
        ));
        let revoked = store.revoke_api_token(listed.id, Some(ada.id)).unwrap();
        assert!(revoked.revoked_at.is_some(), "{db}");
        assert!(store.api_token_user(&token).unwrap().is_none(), "{db}");
        assert!(store.revoke_api_token(999_999, None).is_err());
    });
}

#[test]
fn sign_ups_wait_for_their_mailed_link() {
    use tidings_store::Role;
    each_db(|store, db| {
        store
            .create_pending_signup("New@Example.org", "New", "hash", "link-1", 3600)
            .unwrap();
        store
            .create_pending_signup("new@example.org", "Again", "hash-2", "link-2", 3600)
            .unwrap();
        assert!(store.user_by_email("new@example.org").unwrap().is_none());
        let user = store.confirm_signup("link-1").unwrap();
        assert_eq!(
            (user.email.as_str(), user.role),
            ("new@example.org", Role::Reader),
            "{db}"
        );
        assert!(matches!(
            store.confirm_signup("link-1"),
            Err(StoreError::NotFound(_))
        ));
        assert!(
            matches!(store.confirm_signup("link-2"), Err(StoreError::Conflict(_))),
            "{db}: the address was taken meanwhile"
        );
        store
            .create_pending_signup("late@example.org", "Late", "h", "link-3", -1)
            .unwrap();
        assert!(store.confirm_signup("link-3").is_err(), "{db}: expired");
    });
}

#[test]
fn comments_replies_edits_reports_and_moderation() {
    use tidings_store::{CommentTarget, Moderation, NewComment, Role};
    each_db(|store, db| {
        let id = store
            .upsert_article(&article("Harbour Ledger", "Strike ends", 17, STRIKE), None)
            .unwrap()
            .id;
        let ada = store
            .create_user("ada@example.org", "Ada", "h", Role::Reader)
            .unwrap();
        let mod_ = store
            .create_user("mo@example.org", "Mo", "h", Role::Moderator)
            .unwrap();
        let new = |parent, md: &'static str| NewComment {
            target: CommentTarget::Article(id),
            user_id: ada.id,
            parent_id: parent,
            body_md: md,
            body_html: md,
            ip_hash: "ip",
        };
        let first = store.add_comment(&new(None, "First!")).unwrap();
        let reply = store.add_comment(&new(Some(first.id), "A reply")).unwrap();
        assert!(
            matches!(
                store.add_comment(&new(Some(reply.id), "Too deep")),
                Err(StoreError::Invalid(_))
            ),
            "{db}: one level of replies"
        );
        assert!(matches!(
            store.add_comment(&NewComment {
                target: CommentTarget::Article(999_999),
                ..new(None, "x")
            }),
            Err(StoreError::NotFound(_))
        ));
        assert_eq!(
            store
                .article(id)
                .unwrap()
                .unwrap()
                .article
                .engagement
                .comments,
            4,
            "{db}: 2 imported + 2"
        );
        assert_eq!(
            store.recent_comments(ada.id, "ip", 0).unwrap(),
            (2, 2),
            "{db}"
        );

        let edited = store
            .edit_comment(first.id, ada.id, "First, edited", "First, edited", 900)
            .unwrap();
        assert!(edited.edited_at.is_some(), "{db}");
        assert!(matches!(
            store.edit_comment(first.id, mod_.id, "x", "x", 900),
            Err(StoreError::Forbidden(_))
        ));
        assert!(
            matches!(
                store.edit_comment(first.id, ada.id, "x", "x", -1),
                Err(StoreError::Forbidden(_))
            ),
            "{db}: past the window"
        );

        store.report_comment(reply.id, mod_.id, "spam").unwrap();
        store
            .report_comment(reply.id, mod_.id, "spam again")
            .unwrap();
        let queue = store.reported_comments(10).unwrap();
        assert_eq!((queue.len(), queue[0].reports), (1, 1), "{db}");
        assert!(matches!(
            store.moderate_comment(reply.id, ada.id, Role::Reader, Moderation::Hide, None),
            Err(StoreError::Forbidden(_))
        ));
        store
            .moderate_comment(
                reply.id,
                mod_.id,
                Role::Moderator,
                Moderation::Hide,
                Some("spam"),
            )
            .unwrap();
        assert_eq!(
            store
                .comments_on(CommentTarget::Article(id), false)
                .unwrap()
                .len(),
            1,
            "{db}: hidden from readers"
        );
        assert_eq!(
            store
                .comments_on(CommentTarget::Article(id), true)
                .unwrap()
                .len(),
            2,
            "{db}: shown to moderators"
        );
        assert_eq!(
            store
                .article(id)
                .unwrap()
                .unwrap()
                .article
                .engagement
                .comments,
            3,
            "{db}"
        );
        store.delete_own_comment(first.id, ada.id, 900).unwrap();
        assert_eq!(
            store
                .comments_on(CommentTarget::Article(id), false)
                .unwrap()
                .len(),
            0,
            "{db}"
        );
        let log = store.moderation_log(10).unwrap();
        assert_eq!(
            (log[0].action.as_str(), log[0].moderator.as_deref()),
            ("hide", Some("Mo")),
            "{db}"
        );

        // Stories take comments too, and replies stay on their page.
        let story = CommentTarget::Story(
            store
                .article(id)
                .unwrap()
                .unwrap()
                .article
                .story_id
                .unwrap(),
        );
        let on_story = store
            .add_comment(&NewComment {
                target: story,
                ..new(None, "On the whole story")
            })
            .unwrap();
        assert_eq!(on_story.target, story, "{db}");
        assert_eq!(store.comments_on(story, false).unwrap().len(), 1, "{db}");
        assert!(
            matches!(
                store.add_comment(&NewComment {
                    target: story,
                    ..new(Some(first.id), "cross-page reply")
                }),
                Err(StoreError::Invalid(_))
            ),
            "{db}: a reply on another page"
        );
        assert!(matches!(
            store.add_comment(&NewComment {
                target: CommentTarget::Story(999_999),
                ..new(None, "x")
            }),
            Err(StoreError::NotFound(_))
        ));
    });
}

/// The persistent clustering of the pipeline against the in-memory clusterer on the clustering
/// dev sets: `TIDINGS_CLUSTERING_DEV=/path/to/dev cargo test -p tidings-store --test store_suite
/// -- --ignored --nocapture store_clustering`. Prints both pairwise F1s.
#[test]
#[ignore = "needs the clustering dev sets"]
fn store_clustering_on_the_dev_sets() {
    let Ok(dir) = std::env::var("TIDINGS_CLUSTERING_DEV") else {
        return;
    };
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "jsonl"))
        .collect();
    files.sort();
    for path in files {
        let mut docs = tidings_cluster::eval::read_jsonl(&path).unwrap();
        docs.sort_by_key(|d| d.doc.published_at);
        let db = TestDatabase::sqlite();
        let store = db.open().unwrap();
        let started = std::time::Instant::now();
        let mut pred = Vec::new();
        for (i, d) in docs.iter().enumerate() {
            let a = Article {
                title: d.doc.title.clone().unwrap_or_else(|| "-".into()),
                url: Some(format!("https://eval.example/{i}")),
                outlet: OutletRef {
                    name: "Eval".into(),
                    domain: None,
                },
                published_at: d.doc.published_at,
                text: d.doc.text.clone().unwrap_or_default(),
                entities: d.doc.entities.iter().map(|e| person(e, 1, &[])).collect(),
                ..Article::default()
            };
            pred.push(store.upsert_article(&a, None).unwrap().story_id.to_string());
        }
        let secs = started.elapsed().as_secs_f64();
        let gold: Vec<&str> = docs.iter().map(|d| d.cluster.as_str()).collect();
        let stored = tidings_cluster::eval::score(&gold, &pred);
        let memory = tidings_cluster::eval::run(
            &docs,
            &tidings_cluster::Config::default(),
            tidings_cluster::eval::Order::Time,
        );
        println!(
            "{}: store pairwise F1 {:.3} ({} stories, {:.0} articles/s), in-memory {:.3} ({} stories)",
            path.display(),
            stored.pairwise.f1,
            stored.n_pred_clusters,
            docs.len() as f64 / secs,
            memory.scores.pairwise.f1,
            memory.scores.n_pred_clusters
        );
    }
}

#[test]
fn an_entity_takes_the_kind_most_of_its_mentions_have() {
    use tidings_store::EntityLookup;
    each_db(|store, db| {
        let named = |title: &str, day: u32, kind: EntityKind, mentions: u32| {
            let mut a = article("Harbour Ledger", title, day, STRIKE);
            a.entities = vec![EntityMention {
                name: "Valdren".into(),
                kind,
                mentions,
                aliases: Vec::new(),
            }];
            store.upsert_article(&a, None).unwrap();
        };
        let kind = || match store.entity_by_slug("valdren").unwrap() {
            EntityLookup::Found(e) => e.kind,
            other => panic!("{db}: {other:?}"),
        };
        named("First", 10, EntityKind::Person, 1);
        assert_eq!(
            kind(),
            EntityKind::Person,
            "{db}: the first article decides at first"
        );
        named("Second", 11, EntityKind::Place, 2);
        assert_eq!(
            kind(),
            EntityKind::Place,
            "{db}: then the majority of mentions"
        );
        // Re-importing an article does not count its votes twice.
        named("Second", 11, EntityKind::Place, 2);
        named("Third", 12, EntityKind::Person, 1);
        assert_eq!(
            kind(),
            EntityKind::Place,
            "{db}: 2 against 2 keeps the current kind"
        );
    });
}

// ---- Several nodes on one database ---------------------------------------------------------

fn claim(owner: &str, lease_secs: u64, gap_ms: u64) -> tidings_store::Claim {
    tidings_store::Claim {
        owner: owner.into(),
        lease: std::time::Duration::from_secs(lease_secs),
        host_gap: std::time::Duration::from_millis(gap_ms),
    }
}

fn follow(store: &Store, url: &str) -> i64 {
    store
        .add_feed(&tidings_store::NewFeed {
            url: url.into(),
            outlet: OutletRef {
                name: "Harbour Ledger".into(),
                domain: None,
            },
            ..tidings_store::NewFeed::default()
        })
        .unwrap()
        .id
}

fn urls(feeds: &[tidings_store::Feed]) -> Vec<&str> {
    feeds.iter().map(|f| f.url.as_str()).collect()
}

#[test]
fn claims_lease_one_feed_per_host_keep_the_host_pause_and_expire() {
    use tidings_store::FetchResult;
    each_db(|store, db| {
        let a1 = follow(store, "https://a.example/1.xml");
        follow(store, "https://a.example:8443/2.xml");
        follow(store, "https://b.example/1.xml");
        let t0 = Utc::now();
        let first = store
            .claim_due_feeds(&claim("n1", 60, 1000), t0, 10)
            .unwrap();
        assert_eq!(
            urls(&first),
            ["https://a.example/1.xml", "https://b.example/1.xml"],
            "{db}: one feed per host"
        );
        assert!(
            store
                .claim_due_feeds(&claim("n2", 60, 1000), t0, 10)
                .unwrap()
                .is_empty(),
            "{db}: the second feed of a.example waits while the host is held"
        );
        let later = Utc::now().timestamp() + 3600;
        store
            .record_fetch_as("n1", a1, &FetchResult::NotModified, later, 3600, 5)
            .unwrap();
        assert!(
            store
                .claim_due_feeds(&claim("n2", 60, 1000), Utc::now(), 10)
                .unwrap()
                .is_empty(),
            "{db}: released, but within the host's pause"
        );
        let paused = Utc::now() + chrono::Duration::milliseconds(1500);
        assert_eq!(
            urls(
                &store
                    .claim_due_feeds(&claim("n2", 60, 1000), paused, 10)
                    .unwrap()
            ),
            ["https://a.example:8443/2.xml"],
            "{db}: after the pause the host is free"
        );
        let expired = t0 + chrono::Duration::seconds(65);
        let taken = store
            .claim_due_feeds(&claim("n3", 60, 0), expired, 10)
            .unwrap();
        assert_eq!(
            urls(&taken),
            ["https://a.example:8443/2.xml", "https://b.example/1.xml"],
            "{db}: expired leases are claimed again"
        );
        // n1 comes back late: its record must not free n3's lease.
        store
            .record_fetch_as("n1", taken[1].id, &FetchResult::NotModified, 0, 3600, 5)
            .unwrap();
        assert!(
            store
                .claim_due_feeds(&claim("n4", 60, 0), expired, 10)
                .unwrap()
                .is_empty(),
            "{db}: n3 still holds both"
        );
        assert_eq!(store.unclaimed_due_count(expired).unwrap(), 0, "{db}");
        store.release_leases("n3").unwrap();
        assert_eq!(store.unclaimed_due_count(expired).unwrap(), 2, "{db}");
    });
}

#[test]
fn concurrent_claimers_never_share_a_feed() {
    use tidings_store::FetchResult;
    each_db(|store, db| {
        for host in 0..6 {
            for n in 0..5 {
                follow(store, &format!("https://h{host}.example/{n}.xml"));
            }
        }
        let claims = std::sync::Mutex::new(Vec::new());
        std::thread::scope(|s| {
            for node in 0..4 {
                let (store, claims) = (store.clone(), &claims);
                s.spawn(move || {
                    let me = claim(&format!("node{node}"), 60, 0);
                    // Until every feed was claimed (a duplicate claim would show in the count),
                    // not a fixed number of rounds: on a loaded machine one node can spin
                    // through its rounds while the others hold every host.
                    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(30);
                    while claims.lock().unwrap().len() < 30 && std::time::Instant::now() < deadline
                    {
                        let got = store.claim_due_feeds(&me, Utc::now(), 3).unwrap();
                        for f in &got {
                            claims.lock().unwrap().push(f.id);
                            let next = Utc::now().timestamp() + 3600;
                            store
                                .record_fetch_as(
                                    &me.owner,
                                    f.id,
                                    &FetchResult::NotModified,
                                    next,
                                    3600,
                                    1,
                                )
                                .unwrap();
                        }
                    }
                });
            }
        });
        let mut claims = claims.into_inner().unwrap();
        claims.sort_unstable();
        let total = claims.len();
        claims.dedup();
        assert_eq!(
            (total, claims.len()),
            (30, 30),
            "{db}: each feed claimed once"
        );
    });
}

#[test]
fn related_articles_stored_at_once_join_one_story() {
    each_db(|store, db| {
        let outcomes = std::sync::Mutex::new(Vec::new());
        std::thread::scope(|s| {
            for i in 0..6 {
                let (store, outcomes) = (store.clone(), &outcomes);
                s.spawn(move || {
                    let mut a = article(&format!("Outlet {i}"), "Harbour strike ends", 17, STRIKE);
                    a.url = Some(format!("https://outlet{i}.example/strike"));
                    outcomes
                        .lock()
                        .unwrap()
                        .push(store.upsert_article(&a, None).unwrap());
                });
            }
        });
        let mut stories: Vec<i64> = outcomes
            .into_inner()
            .unwrap()
            .iter()
            .map(|o| o.story_id)
            .collect();
        stories.dedup();
        assert_eq!(stories.len(), 1, "{db}: one story, not {stories:?}");
    });
}

#[test]
fn a_week_ranking_is_kept_once_when_nodes_race() {
    use tidings_store::KeptRow;
    each_db(|store, db| {
        let ids: Vec<i64> = (0..4)
            .map(|i| {
                let mut a = article(&format!("Outlet {i}"), &format!("Story {i}"), 17, STRIKE);
                a.url = Some(format!("https://outlet{i}.example/{i}"));
                a.text = format!("{i} {}", "word ".repeat(i * 7 + 1));
                store.upsert_article(&a, None).unwrap().story_id
            })
            .collect();
        let week = IsoWeek::from_key(202647).unwrap();
        let kept = std::sync::Mutex::new(0);
        std::thread::scope(|s| {
            for node in 0..4usize {
                let (store, kept, ids) = (store.clone(), &kept, &ids);
                s.spawn(move || {
                    // Every node ranks differently: interleaved rows would show.
                    let rows: Vec<KeptRow> = (0..ids.len())
                        .map(|r| KeptRow {
                            story_id: ids[(r + node) % ids.len()],
                            rank: r as i64 + 1,
                            score: node as f64,
                            parts: "{}".into(),
                        })
                        .collect();
                    if store.keep_ranking(week, &rows).unwrap() {
                        *kept.lock().unwrap() += 1;
                    }
                });
            }
        });
        assert_eq!(*kept.lock().unwrap(), 1, "{db}: one node keeps the week");
        let rows = store.kept_ranking(week).unwrap();
        let scores: std::collections::HashSet<u64> = rows.iter().map(|r| r.score as u64).collect();
        assert_eq!(
            (rows.len(), scores.len()),
            (4, 1),
            "{db}: one node's ranking"
        );
    });
}

/// A database restart as a node sees it: every connection cut at once. The pool replaces them;
/// what fails meanwhile is "unavailable" (503 on the web, a retry in the fetch loop).
#[test]
fn cut_connections_are_replaced_and_failures_say_unavailable() {
    use r2d2_postgres::postgres;
    use tidings_model::{Classify, ErrorClass};
    let closed = Store::open("postgres://postgres@127.0.0.1:1/test").unwrap_err();
    assert_eq!(closed.class(), ErrorClass::Unavailable, "{closed}");
    let Some(db) = TestDatabase::postgres() else {
        return;
    };
    let app = format!("tidings_cut_{}", std::process::id());
    let store = Store::open(&format!("{}&application_name={app}", db.url())).unwrap();
    store.ping().unwrap();
    let mut admin = postgres::Client::connect(db.url(), postgres::NoTls).unwrap();
    let cut = admin
        .query(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = $1",
            &[&app],
        )
        .unwrap()
        .len();
    assert!(cut > 0, "the store's connections were found");
    let mut answered = false;
    for _ in 0..3 {
        match store.ping() {
            Ok(()) => answered = true,
            Err(e) => assert_eq!(e.class(), ErrorClass::Unavailable, "{e}"),
        }
    }
    assert!(answered, "the pool reconnected");
    assert_eq!(store.article_count().unwrap(), 0);
}

// ---- Syndication (near-duplicate detection) ---------------------------------------------------

const WIRE_PIECE: &str = "Dock workers in Port Avel ended their nine-day strike on Tuesday after the \
    Coastal Workers' Federation accepted a pay offer from the shipping companies, union leaders said.\n\n\
    The agreement raises wages by six percent over two years and sets up a joint safety committee, \
    according to a copy of the deal seen by reporters in the capital.\n\n\
    Ships that waited at anchor off the coast for more than a week will begin to unload on Wednesday \
    morning, starting with fruit, vegetables and medicines, the port authority said.\n\n\
    Importers had warned of empty shelves before the holidays, and the chamber of commerce put the \
    cost of the stoppage to exporters at two hundred million crowns.\n\n\
    The labour ministry brokered the final round of talks after the prime minister called the \
    strike a threat to the whole economy of the coast.";

/// The piece as another outlet republishes it: boilerplate around it, one paragraph dropped,
/// two swapped, curly quotes.
fn detected_copy(outlet: &str, day: u32) -> Article {
    let paragraphs: Vec<&str> = WIRE_PIECE.split("\n\n").collect();
    let text = format!(
        "This article first appeared on the Harbour Ledger.\n\n{}\n\n{}\n\n{}\n\n{}\n\nSign up for our newsletter.",
        paragraphs[1],
        paragraphs[0].replace('\'', "’"),
        paragraphs[2],
        paragraphs[4]
    );
    article(outlet, "Port Avel dockers back at work", day, &text)
}

/// The same event in other words: same people, places and numbers, different wording.
const SAME_EVENT: &str = "The nine-day walkout at Port Avel is over: the Coastal Workers' Federation \
    voted on Tuesday to take the shipping companies' offer.\n\n\
    Wages go up six percent across two years, and a committee of both sides will look at safety.\n\n\
    Port officials said unloading of the ships anchored offshore starts on Wednesday, fresh \
    produce and medicines first.\n\n\
    Exporters lost some two hundred million crowns, by the chamber of commerce's count, and \
    importers feared bare shelves at the holidays.";

#[test]
fn a_copy_with_a_new_headline_is_linked_to_the_earlier_original() {
    each_db(|store, db| {
        let original = store
            .upsert_article(
                &article("Harbour Ledger", "Strike ends", 17, WIRE_PIECE),
                None,
            )
            .unwrap();
        let other = store
            .upsert_article(
                &article("Coast Weekly", "Dockers accept offer", 17, SAME_EVENT),
                None,
            )
            .unwrap();
        let copy = store
            .upsert_article(&detected_copy("Valdren Daily Post", 18), None)
            .unwrap();
        let stored = store.article(copy.id).unwrap().unwrap();
        assert_eq!(stored.original_article_id, Some(original.id), "{db}");
        assert_eq!(copy.story_id, original.story_id, "{db}");
        let detected = stored.detected_original.expect("detected");
        assert_eq!(detected.outlet, "Harbour Ledger", "{db}");
        assert!(detected.similarity >= 0.6, "{db}: {detected:?}");
        let same_event = store.article(other.id).unwrap().unwrap();
        assert_eq!(same_event.original_article_id, None, "{db}: not a copy");
        let first = store.article(original.id).unwrap().unwrap();
        assert_eq!(
            (first.copies.len(), first.copy_count, first.copies[0].id),
            (1, 1, copy.id),
            "{db}: the original lists its copy"
        );
        assert_eq!(first.copies[0].outlet_slug, "valdren-daily-post", "{db}");
        assert!(same_event.copies.is_empty(), "{db}");
        let ledger = store.outlet_syndication("harbour-ledger").unwrap();
        assert_eq!(ledger.republished_by.len(), 1, "{db}");
        assert_eq!(ledger.republished_by[0].slug, "valdren-daily-post", "{db}");
        assert_eq!(ledger.republished_by[0].articles, 1, "{db}");
        let post = store.outlet_syndication("valdren-daily-post").unwrap();
        assert_eq!(post.republishes[0].name, "Harbour Ledger", "{db}");
        assert!(store.check().unwrap().ok(), "{db}");
    });
}

#[test]
fn an_original_stored_after_its_copies_adopts_them() {
    each_db(|store, db| {
        let copy = store
            .upsert_article(&detected_copy("Valdren Daily Post", 18), None)
            .unwrap();
        let later = store
            .upsert_article(&detected_copy("Saltmere Herald", 19), None)
            .unwrap();
        // The later copy first takes the earlier one for the original …
        let stored = store.article(later.id).unwrap().unwrap();
        assert_eq!(stored.original_article_id, Some(copy.id), "{db}");
        // … until the real original, published before both, arrives.
        let original = store
            .upsert_article(
                &article("Harbour Ledger", "Strike ends", 17, WIRE_PIECE),
                None,
            )
            .unwrap();
        for id in [copy.id, later.id] {
            let stored = store.article(id).unwrap().unwrap();
            assert_eq!(stored.original_article_id, Some(original.id), "{db}: {id}");
            assert_eq!(
                stored.article.story_id,
                Some(original.story_id),
                "{db}: {id}"
            );
        }
        assert!(store.check().unwrap().ok(), "{db}");
    });
}

#[test]
fn an_explicit_note_wins_over_detection() {
    each_db(|store, db| {
        store.save_outlet(&ledger()).unwrap();
        // An earlier copy elsewhere: detection alone would call it the original.
        let earliest = store
            .upsert_article(&article("Early Bird", "Strike over", 16, WIRE_PIECE), None)
            .unwrap();
        let ledger_piece = store
            .upsert_article(
                &article("Harbour Ledger", "Strike ends", 17, WIRE_PIECE),
                None,
            )
            .unwrap();
        let mut noted = detected_copy("Valdren Daily Post", 18);
        noted.provenance = Provenance {
            original_outlet: Some("ledger.example".into()),
            original_url: None,
            original_published_at: Utc.with_ymd_and_hms(2026, 11, 17, 0, 0, 0).single(),
        };
        let copy = store.upsert_article(&noted, None).unwrap();
        let stored = store.article(copy.id).unwrap().unwrap();
        assert_eq!(stored.original_article_id, Some(ledger_piece.id), "{db}");
        assert!(
            stored.detected_original.is_none(),
            "{db}: a note, not a detection"
        );
        // Without a note, the ledger's piece is a copy of the earliest publication.
        let ledger_stored = store.article(ledger_piece.id).unwrap().unwrap();
        assert_eq!(ledger_stored.original_article_id, Some(earliest.id), "{db}");
    });
}

#[test]
fn syndication_reimport_is_idempotent_and_bands_go_with_their_article() {
    each_db(|store, db| {
        // The backup's row counts: the tables as they are, through the public API.
        let count = |table: &str| store.backup(Vec::new()).unwrap().table(table);
        let original = article("Harbour Ledger", "Strike ends", 17, WIRE_PIECE);
        let copy = detected_copy("Valdren Daily Post", 18);
        let tiny = article("Harbour Ledger", "Brief", 17, "Port strike over.");
        let first = store.upsert_article(&original, None).unwrap();
        let second = store.upsert_article(&copy, None).unwrap();
        store.upsert_article(&tiny, None).unwrap();
        let bands = count("article_lsh_bands");
        let each = tidings_cluster::syndication::BANDS as u64;
        assert_eq!(
            bands,
            2 * each,
            "{db}: bands for each, none for the tiny text"
        );
        for a in [&copy, &original, &copy] {
            store.upsert_article(a, None).unwrap();
        }
        assert_eq!(count("article_lsh_bands"), bands, "{db}");
        assert_eq!(count("article_signatures"), 2, "{db}");
        let stored = store.article(second.id).unwrap().unwrap();
        assert_eq!(stored.original_article_id, Some(first.id), "{db}");
        store
            .execute_raw(&format!("DELETE FROM articles WHERE id = {}", second.id))
            .unwrap();
        assert_eq!(count("article_lsh_bands"), each, "{db}");
        assert_eq!(count("article_signatures"), 1, "{db}");
    });
}

/// PostgreSQL scores the newest matches in id windows that widen (see `search.rs`): a match
/// older than the first window is still found, and a newer one is too.
#[test]
fn search_on_postgres_finds_matches_older_than_its_first_window() {
    use r2d2_postgres::postgres;
    let Some(db) = TestDatabase::postgres() else {
        return;
    };
    let store = db.open().unwrap();
    let old = "An astrolabe was pulled from the harbour mud by divers on Tuesday.";
    store
        .upsert_article(&article("Harbour Ledger", "Astrolabe found", 1, old), None)
        .unwrap();
    let mut admin = postgres::Client::connect(db.url(), postgres::NoTls).unwrap();
    admin
        .batch_execute("ALTER TABLE articles ALTER COLUMN id RESTART WITH 1000000")
        .unwrap();
    store
        .upsert_article(&article("Northmark Wire", "Strike ends", 2, STRIKE), None)
        .unwrap();
    assert_eq!(search_titles(&store, "astrolabe"), vec!["Astrolabe found"]);
    assert_eq!(search_titles(&store, "strike"), vec!["Strike ends"]);
}

/// Titles of the first ten hits of a search, best first.
fn search_titles(store: &Store, text: &str) -> Vec<String> {
    store
        .search(&tidings_store::SearchQuery {
            text: text.into(),
            limit: 10,
            ..tidings_store::SearchQuery::default()
        })
        .unwrap_or_else(|e| panic!("{text:?}: {e}"))
        .into_iter()
        .map(|h| h.article.title)
        .collect()
}
