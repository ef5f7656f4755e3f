use super::*;
use crate::test_support::{differences, fixture, normalise};
use proptest::prelude::*;
use std::io::Write;
use std::path::{Path, PathBuf};

fn read(path: &Path) -> Vec<u8> {
    std::fs::read(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn files_with_extension(dir: &Path, ext: &str) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&d) else {
            continue;
        };
        for entry in entries.flatten() {
            let path = entry.path();
            if path.is_dir() {
                stack.push(path);
            } else if path.extension().is_some_and(|e| e == ext) {
                out.push(path);
            }
        }
    }
    out.sort();
    out
}

#[test]
fn seed_page_gives_exactly_what_expected_json_says() {
    let seed = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/seed");
    let (page, expected) = (seed.join("page.txt"), seed.join("expected.json"));
    if !page.exists() || !expected.exists() {
        let _ = writeln!(
            std::io::stderr(),
            "notice: {} not found; seed test skipped",
            seed.display()
        );
        return;
    }
    let expected: serde_json::Value =
        serde_json::from_slice(&read(&expected)).expect("expected.json is JSON");
    let article = extract(&read(&page)).expect("the seed page extracts");
    let diffs = differences(&article, &expected["article"]);
    assert!(diffs.is_empty(), "seed page: {diffs:#?}");
    // Fields expected.json implies without naming them.
    assert_eq!(article.outlet.domain, None);
    assert!(article.provenance.is_republication());
    assert_eq!(article.word_count, Article::count_words(&article.text));
    assert_eq!(article.html.matches("<p>").count(), 11);
    assert!(
        article
            .summary
            .as_deref()
            .is_some_and(|s| s.starts_with("In the past few days"))
    );
    assert_eq!((article.id, article.story_id), (None, None));
}

#[test]
fn accepted_fixtures_match_their_expectations() {
    let pages = files_with_extension(&fixture("text/accept"), "txt");
    assert!(
        pages.len() >= 8,
        "expected the text fixtures, found {}",
        pages.len()
    );
    let mut failures = Vec::new();
    for page in pages {
        let expected_path = page.with_extension("json");
        let expected: serde_json::Value = serde_json::from_slice(&read(&expected_path))
            .unwrap_or_else(|e| panic!("{}: {e}", expected_path.display()));
        match extract(&read(&page)) {
            Ok(article) => {
                for d in differences(&article, &expected) {
                    failures.push(format!("{}: {d}", page.display()));
                }
                assert_eq!(article.word_count, Article::count_words(&article.text));
            }
            Err(e) => failures.push(format!("{}: refused: {e}", page.display())),
        }
    }
    assert!(failures.is_empty(), "{failures:#?}");
}

#[test]
fn refused_fixtures_say_why() {
    let cases: &[(&str, &str)] = &[
        ("empty.txt", "empty file"),
        ("whitespace_only.txt", "empty file"),
        ("binary.png", "binary"),
        ("page.html", "looks like HTML"),
        ("feed.rss", "looks like a feed"),
        ("feed.atom", "looks like a feed"),
        ("feed.json", "JSON Feed"),
        ("header_no_body.txt", "no body paragraphs"),
        (
            "negative_counter.txt",
            "line 9: view count \"-40\" is negative",
        ),
        (
            "absurd_counter.txt",
            "line 9: view count \"98765432109876543\" is absurdly large",
        ),
        (
            "non_numeric_counter.txt",
            "line 9: view count \"plenty\" is not a number",
        ),
        (
            "bad_date.txt",
            "line 1: cannot read the page date \"2025-13-45\"",
        ),
        (
            "february_30.txt",
            "line 1: cannot read the page date \"30 February 2026\"",
        ),
        ("no_date.txt", "no page date in the header"),
        ("week_only.txt", "a week label alone"),
        (
            "week_mismatch.txt",
            "line 1: the header says week 30 but the page date 2025-03-20 is in ISO week 2025-W12",
        ),
        ("no_headline.txt", "no headline found"),
        ("no_outlet.txt", "no outlet line"),
        ("truncated.txt", "truncated: body has no complete paragraph"),
        ("prose.txt", "no page date in the header"),
    ];
    let on_disk = std::fs::read_dir(fixture("text/refuse"))
        .map(|d| d.count())
        .unwrap_or(0);
    assert_eq!(on_disk, cases.len(), "every refusal fixture has a case");
    for (file, reason) in cases {
        let err = extract(&read(&fixture(&format!("text/refuse/{file}"))))
            .map(|a| a.title)
            .expect_err(file);
        assert!(err.to_string().contains(reason), "{file}: {err}");
        assert_eq!(
            tidings_model::Classify::class(&err),
            tidings_model::ErrorClass::InvalidInput
        );
    }
}

#[test]
fn demo_corpus_extracts_cleanly() {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../demo/articles");
    if !dir.exists() {
        let _ = writeln!(
            std::io::stderr(),
            "notice: {} not found; demo corpus test skipped",
            dir.display()
        );
        return;
    }
    let mut failures = Vec::new();
    let pages = files_with_extension(&dir, "txt");
    for page in &pages {
        let bytes = read(page);
        let article = match extract(&bytes) {
            Ok(a) => a,
            Err(e) => {
                failures.push(format!("{}: {e}", page.display()));
                continue;
            }
        };
        let raw = String::from_utf8_lossy(&bytes);
        let note_in_page = [
            "originally appeared",
            "first published",
            "Originally published",
            "Republished",
        ]
        .iter()
        .any(|n| raw.contains(n));
        let mut problems = Vec::new();
        if article.title.is_empty() || article.outlet.name.is_empty() {
            problems.push("missing title or outlet".to_string());
        }
        if article.published_at.is_none() || article.authors.is_empty() {
            problems.push("missing date or authors".to_string());
        }
        if article.paragraphs().count() < 2 {
            problems.push("fewer than two paragraphs".to_string());
        }
        if note_in_page != article.provenance.is_republication() {
            problems.push(format!(
                "note in page: {note_in_page}, provenance: {:?}",
                article.provenance
            ));
        }
        let last = article.paragraphs().last().unwrap_or_default();
        if normalise(last) == normalise(&article.outlet.name) {
            problems.push("the sign-off is still in the body".to_string());
        }
        for leftover in [
            "originally appeared",
            "first published by",
            "Republished with",
            "TOP STORIES",
        ] {
            if article.text.contains(leftover) {
                problems.push(format!("{leftover:?} left in the text"));
            }
        }
        if !problems.is_empty() {
            failures.push(format!("{}: {problems:?}", page.display()));
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} demo pages: {failures:#?}",
        failures.len(),
        pages.len()
    );
}

#[test]
fn snapshot_of_a_wrapped_crlf_page() {
    let article =
        extract(&read(&fixture("text/accept/crlf_several_authors.txt"))).expect("fixture extracts");
    insta::assert_snapshot!("crlf_several_authors_text", article.text);
    insta::assert_snapshot!("crlf_several_authors_html", article.html);
}

// ---------------------------------------------------------------------------------------------
// Layout variations, built in the test

/// A page with the given header, top block and meta block, and a standard body.
fn page(header: &str, top: &str, meta: &str) -> String {
    format!(
        "{header}\n\n{top}\n\nby\nThe Test Outlet\n{meta}\n\nBy Ana Example\n\n\
         The first paragraph of the body is here, and it ends with a full stop.\n\n\
         The second paragraph is shorter.\n"
    )
}

fn parse_ok(text: &str) -> Article {
    parse(text).unwrap_or_else(|e| panic!("{e}\n---\n{text}"))
}

#[test]
fn header_forms() {
    for (header, date) in [
        ("date 2025-03-20", "2025-03-20"),
        ("Date: 20 March 2025", "2025-03-20"),
        ("March 20, 2025", "2025-03-20"),
        ("Published: Mar. 20 2025", "2025-03-20"),
        ("Thursday 20 March 2025 · Top stories week 12", "2025-03-20"),
        ("TOP STORIES WEEK 12\n20/03/2025", "2025-03-20"),
        ("2025-W12 | 2025-03-20", "2025-03-20"),
        ("date 2025-03-24 TOP STORIES WEEK 12", "2025-03-24"),
        ("Published: 20 March 2025, 14:05 CET", "2025-03-20"),
        ("date 2025-03-20 09:30", "2025-03-20"),
    ] {
        let a = parse_ok(&page(header, "Section", "1\n2"));
        let got = a.published_at.map(|t| t.date_naive().to_string());
        assert_eq!(got.as_deref(), Some(date), "{header}");
    }
    // Ambiguous day/month is not a date.
    let err = parse(&page("03/04/2025", "Section", ""))
        .map(|a| a.title)
        .unwrap_err();
    assert!(err.to_string().contains("page date"), "{err}");
    // A tag that looks a little like a date ends the header; it is not a broken date.
    assert!(!looks_like_a_date("9/11"));
    assert!(!looks_like_a_date("2025"));
    assert!(looks_like_a_date("2025-13-45"));
    assert!(looks_like_a_date("31.31.2025"));
    // A broken count where the comment count belongs names its line.
    let err = parse(&page("date 2025-03-20", "S\nA headline", "55\n0x"))
        .map(|a| a.title)
        .unwrap_err();
    assert_eq!(
        err.to_string(),
        "line 9: comment count \"0x\" is not a number"
    );
    // A date in the body is not a page date.
    let err = parse(&page("Politics", "Headline", ""))
        .map(|a| a.title)
        .unwrap_err();
    assert!(err.to_string().contains("no page date"), "{err}");
}

#[test]
fn week_labels_one_week_off_are_tolerated_further_off_refused() {
    assert!(parse(&page("date 2025-03-17 TOP STORIES WEEK 11", "S", "")).is_ok());
    assert!(parse(&page("date 2025-03-17 TOP STORIES WEEK 13", "S", "")).is_ok());
    assert!(parse(&page("date 2027-01-04 TOP STORIES WEEK 53", "S", "")).is_ok());
    assert!(parse(&page("date 2025-03-17 TOP STORIES WEEK 14", "S", "")).is_err());
    assert!(parse(&page("date 2025-03-17 2024-W12", "S", "")).is_err());
}

#[test]
fn tags_section_and_headline_layouts() {
    // Tags and section directly above the headline, no blank line.
    let a = parse_ok(&page(
        "date 2025-03-20",
        "Tag One\nTag Two\nWorld\nThe headline",
        "",
    ));
    assert_eq!(a.title, "The headline");
    assert_eq!(a.section.as_deref(), Some("World"));
    assert_eq!(a.tags, vec!["Tag One", "Tag Two"]);
    // Headline alone: no section, no tags.
    let a = parse_ok(&page("date 2025-03-20", "Only a headline here", ""));
    assert_eq!((a.section, a.tags.len()), (None, 0));
    // Explicit labels.
    let a = parse_ok(&page(
        "date 2025-03-20",
        "Tags: Alpha, Beta; Gamma\nSection: Science\n\nA headline",
        "",
    ));
    assert_eq!(a.section.as_deref(), Some("Science"));
    assert_eq!(a.tags, vec!["Alpha", "Beta", "Gamma"]);
    // A long line where tags should be is refused, naming the line.
    let long = "word ".repeat(20);
    let err = parse(&page("date 2025-03-20", &format!("{long}\n\nHeadline"), ""))
        .map(|a| a.title)
        .unwrap_err();
    assert!(err.to_string().starts_with("line 3:"), "{err}");
}

#[test]
fn outlet_line_forms() {
    let base = "date 2025-03-20\n\nWorld\n\nA headline\n\n";
    let body = "\n\nThe body paragraph is here and it ends properly.\n";
    for (meta, outlet, authors) in [
        (
            "by The Outlet\n10\n2\n\nBy Ana Example",
            "The Outlet",
            vec!["Ana Example"],
        ),
        (
            "By The Outlet\n10 views · 2 comments\nBy Ana Example",
            "The Outlet",
            vec!["Ana Example"],
        ),
        (
            "By The Outlet\nBy Ana Example",
            "The Outlet",
            vec!["Ana Example"],
        ),
        (
            "Source: The Outlet\nWritten by Ana Example",
            "The Outlet",
            vec!["Ana Example"],
        ),
        (
            "From:\nThe Outlet\nViews: 10\nComments: 2",
            "The Outlet",
            vec![],
        ),
        (
            "by\nthe-outlet.example\nBy A. Lind and B. Okafor",
            "the-outlet.example",
            vec!["A. Lind", "B. Okafor"],
        ),
    ] {
        let a = parse_ok(&format!("{base}{meta}{body}"));
        assert_eq!(a.outlet.name, outlet, "{meta}");
        assert_eq!(a.authors, authors, "{meta}");
        assert_eq!(
            a.text, "The body paragraph is here and it ends properly.",
            "{meta}"
        );
    }
    // "By" + a person and nothing else: a byline, and no outlet.
    let err = parse(&format!("{base}By Ana Example{body}"))
        .map(|a| a.title)
        .unwrap_err();
    assert!(err.to_string().contains("no outlet line"), "{err}");
}

#[test]
fn sign_offs_and_notes_are_cut_in_either_order() {
    let head = "date 2025-03-20\n\nWorld\n\nA headline\n\nby\nThe Outlet Daily\n1\n0\n\nBy Ana Example\n\n";
    let body = "Body paragraph one is here.\n\nBody paragraph two is here.\n\n";
    for tail in [
        "The Outlet Daily\n\n(This article originally appeared on www.first.example on March 17.)\n",
        "(This article originally appeared on www.first.example on March 17.)\n\nThe Outlet Daily\n",
        "— Outlet Daily\n\nThis article originally appeared on www.first.example on March 17.\n",
        "© 2025 The Outlet Daily\n\nThis article originally appeared on www.first.example on March 17\n",
    ] {
        let a = parse_ok(&format!("{head}{body}{tail}"));
        assert_eq!(
            a.text, "Body paragraph one is here.\n\nBody paragraph two is here.",
            "{tail}"
        );
        assert_eq!(
            a.provenance.original_outlet.as_deref(),
            Some("first.example")
        );
        let date = a
            .provenance
            .original_published_at
            .map(|t| t.date_naive().to_string());
        assert_eq!(date.as_deref(), Some("2025-03-17"));
    }
    // The outlet's name inside a body sentence stays.
    let a = parse_ok(&format!(
        "{head}The Outlet Daily reported this first.\n\n{body}"
    ));
    assert!(a.text.starts_with("The Outlet Daily reported"));
}

#[test]
fn summary_and_html_escape() {
    let long = "A sentence of exactly eight words, no more. ".repeat(12);
    let a = parse_ok(&format!(
        "date 2025-03-20\n\nWorld\n\nA headline\n\nby\nX Outlet\n\n{long}\n\nUse <b> & \"quotes\".\n"
    ));
    let summary = a.summary.unwrap_or_default();
    assert!(summary.split_whitespace().count() <= 50, "{summary}");
    assert!(summary.ends_with("no more."), "{summary}");
    assert!(
        a.html
            .contains("<p>Use &lt;b&gt; &amp; &quot;quotes&quot;.</p>"),
        "{}",
        a.html
    );
}

#[test]
fn pathological_inputs_stay_linear() {
    // 2 MB on one line.
    let line = "word ".repeat(400_000);
    assert!(extract(line.as_bytes()).is_err());
    let page_with_long_paragraph = page("date 2025-03-20", "S\n\nHeadline", "").replace(
        "The second paragraph is shorter.",
        &format!("{}end.", "word ".repeat(400_000)),
    );
    let a = parse_ok(&page_with_long_paragraph);
    assert!(a.word_count > 400_000);
    // 100k blank lines, before and inside a page.
    let blanks = "\n".repeat(100_000);
    assert!(extract(blanks.as_bytes()).is_err());
    let spaced = page("date 2025-03-20", "S\n\nHeadline", "").replace("\n\n", &blanks);
    assert!(extract(spaced.as_bytes()).is_ok());
    let nbsp_lines = "\u{a0}\n".repeat(100_000);
    assert!(extract(nbsp_lines.as_bytes()).is_err());
    // 100k short lines that all look like tags.
    let tags = "Tag\n".repeat(100_000);
    assert!(extract(format!("date 2025-03-20\n\n{tags}").as_bytes()).is_err());
    // 100k counters.
    let counters = "1\n".repeat(100_000);
    assert!(
        extract(format!("date 2025-03-20\n\nHeadline\n\nby\nX\n{counters}").as_bytes()).is_err()
    );
}

proptest! {
    #[test]
    fn never_panics_on_bytes(bytes in proptest::collection::vec(any::<u8>(), 0..4096)) {
        let _ = extract(&bytes);
    }

    #[test]
    fn never_panics_on_page_like_text(
        header in "(date |Date: |)[0-9]{0,4}-?[0-9]{0,2}-?[0-9]{0,2}( TOP STORIES WEEK [0-9]{1,2})?",
        top in proptest::collection::vec("[A-Za-z ]{0,20}", 0..5),
        meta in proptest::collection::vec("(by|By [A-Z][a-z]+|[0-9,.kK-]{0,8}|Views: [a-z0-9]{0,4}|)", 0..6),
        body in proptest::collection::vec("[A-Za-z ,.()“”’\u{a0}]{0,80}", 0..6),
    ) {
        let text = format!("{header}\n\n{}\n\n{}\n\n{}", top.join("\n"), meta.join("\n"), body.join("\n\n"));
        if let Ok(a) = parse(&text) {
            prop_assert!(!a.title.is_empty());
            prop_assert!(!a.text.is_empty());
            prop_assert!(!a.outlet.name.is_empty());
        }
    }
}
