//! `tidings backup`, `restore`, `migrate-db` and `check` end to end: the demo corpus imported
//! into SQLite, backed up and restored (and copied) into SQLite and, when
//! `TIDINGS_TEST_POSTGRES_URL` is set, PostgreSQL; refusals and exit codes.

use std::path::{Path, PathBuf};
use tidings_store::testing::TestDatabase;

mod common;

use common::{stderr, stdout, tidings};

fn ok(db: &str, args: &[&str]) -> String {
    let out = tidings(db, args);
    assert!(
        out.status.success(),
        "{args:?} on {db}: {}\n{}",
        stderr(&out),
        stdout(&out)
    );
    stdout(&out)
}

fn demo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../demo/articles")
}

/// What a reader sees, which must not change in the copy. Search hits are compared without
/// their scores and snippets, which each database's full-text engine computes its own way.
fn views(db: &str) -> Vec<String> {
    let mut hits: Vec<String> = ok(db, &["search", "strike", "--json"])
        .lines()
        .map(|l| {
            let mut hit: serde_json::Value = serde_json::from_str(l).unwrap();
            if let Some(o) = hit.as_object_mut() {
                o.remove("score");
                o.remove("snippet");
            }
            hit.to_string()
        })
        .collect();
    hits.sort();
    vec![
        ok(db, &["top", "--week", "2026-W45", "--json"]),
        hits.join("\n"),
        ok(db, &["entity", "list", "--json"]),
    ]
}

#[test]
fn backup_restore_and_migrate_db_keep_everything_and_refuse_a_filled_target() {
    let source = TestDatabase::sqlite();
    let src = source.url();
    ok(src, &["import", demo().to_str().unwrap()]);
    let check = ok(src, &["check"]);
    assert!(check.contains("ok      story article"), "{check}");
    let expected = views(src);
    assert!(expected[0].contains("\"stories\""), "{}", expected[0]);

    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("tidings.backup.gz");
    let f = file.to_str().unwrap();
    let out = tidings(src, &["backup", f]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(stderr(&out).contains("articles"), "{}", stderr(&out));
    assert!(file.exists());
    assert!(!dir.path().join("tidings.backup.gz.partial").exists());

    for target in TestDatabase::all() {
        let t = target.url();
        ok(t, &["restore", f]);
        assert_eq!(views(t), expected, "{}: restored copy", target.name());
        ok(t, &["check"]);
        let again = tidings(t, &["restore", f]);
        assert_eq!(again.status.code(), Some(77), "{}", target.name());
        assert!(
            stderr(&again).contains("empty database"),
            "{}: {}",
            target.name(),
            stderr(&again)
        );
    }

    for target in TestDatabase::all() {
        let t = target.url();
        let out = tidings(src, &["migrate-db", "--to", t]);
        assert!(out.status.success(), "{}: {}", target.name(), stderr(&out));
        assert_eq!(views(t), expected, "{}: migrated copy", target.name());
        let again = tidings(src, &["migrate-db", "--to", t]);
        assert_eq!(again.status.code(), Some(77), "{}", target.name());
    }
    let to_itself = tidings(src, &["migrate-db", "--to", src]);
    assert_eq!(to_itself.status.code(), Some(65), "{}", stderr(&to_itself));
}

#[test]
fn a_broken_backup_file_is_a_data_error_and_stores_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let bad = dir.path().join("bad.gz");
    std::fs::write(&bad, b"this is not gzip").unwrap();
    let target = TestDatabase::sqlite();
    let out = tidings(target.url(), &["restore", bad.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(65), "{}", stderr(&out));
    assert!(stderr(&out).contains("bad.gz"), "{}", stderr(&out));
    let missing = tidings(target.url(), &["restore", "/nonexistent/backup.gz"]);
    assert_eq!(missing.status.code(), Some(66), "{}", stderr(&missing));
    ok(target.url(), &["check"]);
}

#[test]
fn check_fails_with_65_and_names_the_broken_invariant() {
    for db in TestDatabase::all() {
        ok(db.url(), &["import", demo().to_str().unwrap()]);
        ok(db.url(), &["check"]);
        let store = db.open().unwrap();
        store
            .execute_raw("UPDATE stories SET outlet_count = outlet_count + 1")
            .unwrap();
        let out = tidings(db.url(), &["check"]);
        assert_eq!(
            out.status.code(),
            Some(65),
            "{}: {}",
            db.name(),
            stdout(&out)
        );
        assert!(
            stdout(&out).contains("FAILED  story article and outlet counts"),
            "{}: {}",
            db.name(),
            stdout(&out)
        );
        let json = tidings(db.url(), &["check", "--json"]);
        let report: serde_json::Value = serde_json::from_str(stdout(&json).trim()).unwrap();
        assert_eq!(report["ok"], false, "{}", db.name());
    }
}
