use super::*;
use proptest::prelude::*;

fn day(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

/// (outlet, url, date) of the note found in `text`.
fn found(
    text: &str,
    reference: Option<NaiveDate>,
) -> Option<(String, Option<String>, Option<NaiveDate>)> {
    let note = find_republication_note(text, reference)?;
    let p = note.provenance;
    Some((
        p.original_outlet.unwrap_or_default(),
        p.original_url,
        p.original_published_at.map(|t| t.date_naive()),
    ))
}

fn outlet_and_date(note: &str, reference: NaiveDate) -> (String, Option<NaiveDate>) {
    let p = parse_republication_note(note, Some(reference))
        .unwrap_or_else(|| panic!("not read as a note: {note}"));
    (
        p.original_outlet.unwrap_or_default(),
        p.original_published_at.map(|t| t.date_naive()),
    )
}

#[test]
fn the_phrasings_the_brief_lists() {
    let page = day(2026, 11, 20);
    let cases: &[(&str, &str, Option<NaiveDate>)] = &[
        (
            "(This article originally appeared on www.x.example on November 12.)",
            "x.example",
            Some(day(2026, 11, 12)),
        ),
        (
            "This story was first published by Valdren Daily Post on November 12, 2026.",
            "Valdren Daily Post",
            Some(day(2026, 11, 12)),
        ),
        (
            "(Originally published by x.example on 12 November.)",
            "x.example",
            Some(day(2026, 11, 12)),
        ),
        (
            "Republished with permission from Some Outlet.",
            "Some Outlet",
            None,
        ),
        (
            "Republished from The Kestrel Review.",
            "The Kestrel Review",
            None,
        ),
        (
            "Reprinted with permission from Harbour Lights Weekly",
            "Harbour Lights Weekly",
            None,
        ),
        (
            "This piece was originally published in The Lantern Gazette (on 3 November 2026).",
            "The Lantern Gazette",
            Some(day(2026, 11, 3)),
        ),
        (
            "It first appeared on Northwind Radio, on 2 Nov 2026.",
            "Northwind Radio",
            Some(day(2026, 11, 2)),
        ),
        (
            "First appeared in The Meridian Ledger.",
            "The Meridian Ledger",
            None,
        ),
        (
            "this article was first published on WWW.Example-News.ORG on nov. 1",
            "example-news.org",
            Some(day(2026, 11, 1)),
        ),
        (
            "[The story originally ran in the Coastal Courier on October 30.]",
            "the Coastal Courier",
            Some(day(2026, 10, 30)),
        ),
        (
            "*This article was originally published on 14 November 2026 by Ridgeway Times.*",
            "Ridgeway Times",
            Some(day(2026, 11, 14)),
        ),
        (
            "This article is republished from The Conversation under a Creative Commons license. Read the original article.",
            "The Conversation",
            None,
        ),
        (
            "Originally published by St. Albans Post-Dispatch and is republished here with permission.",
            "St. Albans Post-Dispatch",
            None,
        ),
        ("Via Reuters", "Reuters", None),
        ("Source: Global Wire Service", "Global Wire Service", None),
    ];
    for (note, outlet, date) in cases {
        assert_eq!(
            outlet_and_date(note, page),
            (outlet.to_string(), *date),
            "{note}"
        );
    }
}

#[test]
fn year_is_inferred_backwards_over_new_year() {
    let (_, date) = outlet_and_date(
        "Originally published by x.example on 30 December.",
        day(2027, 1, 3),
    );
    assert_eq!(date, Some(day(2026, 12, 30)));
    // A yearless date without a page date is unknown, not guessed.
    let p = parse_republication_note("Originally published by x.example on 30 December.", None);
    assert_eq!(p.and_then(|p| p.original_published_at), None);
}

#[test]
fn urls_are_kept() {
    let (outlet, url, _) = found(
        "Body text here.\n\nThis article first appeared on https://www.example.org/news/2026/11/story.html.",
        None,
    )
    .unwrap();
    assert_eq!(outlet, "example.org");
    assert_eq!(
        url.as_deref(),
        Some("https://www.example.org/news/2026/11/story.html")
    );
    let (outlet, url, _) = found(
        "Text.\n\nOriginally published by Eurasia Notes (https://eurasia-notes.example/a/1).",
        None,
    )
    .unwrap();
    assert_eq!(outlet, "Eurasia Notes");
    assert_eq!(url.as_deref(), Some("https://eurasia-notes.example/a/1"));
    let (outlet, url, _) = found(
        "Text.\n\nRepublished from oc-media.example/en/story-1.",
        None,
    )
    .unwrap();
    assert_eq!(outlet, "oc-media.example");
    assert_eq!(url.as_deref(), Some("https://oc-media.example/en/story-1"));
}

#[test]
fn span_covers_the_note_so_it_can_be_cut() {
    let text = "First paragraph.\n\nLast paragraph.\n\nThe Outlet\n\n(This article originally appeared on www.x.example on March 17.)\n";
    let note = find_republication_note(text, Some(day(2025, 3, 20))).unwrap();
    assert!(note.whole_line);
    assert_eq!(
        &text[note.span.clone()],
        "(This article originally appeared on www.x.example on March 17.)"
    );
    assert_eq!(
        note.cut_from(text),
        "First paragraph.\n\nLast paragraph.\n\nThe Outlet\n\n\n"
    );
}

#[test]
fn trailing_sentence_notes_are_found_inside_a_paragraph() {
    let text = "Body.\n\nThe talks ended late. This story was first published by Valdren Daily Post on November 12, 2026.";
    let note = find_republication_note(text, None).unwrap();
    assert!(!note.whole_line);
    assert_eq!(note.cut_from(text), "Body.\n\nThe talks ended late.");
    let text = "Body.\n\nThe talks ended late. (Originally published by x.example on 12 November.)";
    let note = find_republication_note(text, Some(day(2026, 11, 13))).unwrap();
    assert_eq!(note.cut_from(text), "Body.\n\nThe talks ended late.");
}

#[test]
fn notes_at_the_start_are_found() {
    let text = "Originally published by Harbour Lights Weekly.\n\nThe first real paragraph of the story.\n\nThe second one.\n\nThe third.\n\nThe fourth.\n\nThe fifth.";
    let (outlet, _, _) = found(text, None).unwrap();
    assert_eq!(outlet, "Harbour Lights Weekly");
}

#[test]
fn ordinary_sentences_are_not_notes() {
    for text in [
        "The report, first published by Reuters on Monday, said the talks had stalled.",
        "The phrase became popular later. It first appeared in The New Yorker in a 1994 essay by a critic who disliked it.",
        "It was first published in 1922 and has never been out of print since.",
        "It was first published by the government in March.",
        "The book was originally published in Paris.",
        "Via the mountain pass the convoy reached the town two days later, exhausted and hungry.",
        "Source: Reuters\n\nThe minister spoke on Monday.\n\nMore text follows.\n\nAnd more.\n\nAnd the end.",
        "Republished with permission.",
        "This article was first published on March 3.",
        "",
        "\n\n\n",
    ] {
        assert_eq!(found(text, Some(day(2026, 3, 20))), None, "{text}");
    }
}

#[test]
fn sentence_starts_are_found_after_terminators() {
    let line = "One. Two? “Three.” (Four.) five";
    let starts: Vec<&str> = sentence_starts(line)
        .into_iter()
        .map(|i| &line[i..])
        .collect();
    assert_eq!(
        starts,
        vec![
            "Two? “Three.” (Four.) five",
            "“Three.” (Four.) five",
            "(Four.) five",
            "five"
        ]
    );
}

proptest! {
    #[test]
    fn never_panics(s in "\\PC{0,400}") {
        let _ = find_republication_note(&s, NaiveDate::from_ymd_opt(2025, 3, 20));
        let _ = parse_republication_note(&s, None);
    }

    #[test]
    fn never_panics_on_note_like_text(
        lead in "(\\(|\\[|\\*)?(This article |It |)(was |)(originally appeared on |first published by |republished from |reprinted with permission from |Via |Source: )",
        outlet in "[A-Za-z .,()-]{0,40}",
        tail in "( on [0-9]{1,2} [A-Za-z]{3,9}[.]?| on [A-Z][a-z]+ [0-9]{1,2}, [0-9]{4}|)[.)\\]]{0,2}",
    ) {
        let text = format!("Body.\n\n{lead}{outlet}{tail}");
        if let Some(note) = find_republication_note(&text, NaiveDate::from_ymd_opt(2025, 3, 20)) {
            prop_assert!(text.get(note.span.clone()).is_some());
            let _ = note.cut_from(&text);
        }
    }

    #[test]
    fn stays_linear_on_long_lines(n in 1usize..4) {
        let line = "word. ".repeat(50_000 * n);
        prop_assert!(find_republication_note(&line, None).is_none());
    }
}
