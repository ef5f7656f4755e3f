//! Robustness of the quote extractor: it never panics, returns ranges on char boundaries
//! inside the text, and stays fast on pathological inputs (thousands of marks, unbalanced
//! marks, one huge paragraph). Timing is not asserted; a quadratic path would make these
//! tests hang visibly instead.

use proptest::prelude::*;
use tidings_enrich::ner::{Label, Span};
use tidings_enrich::quotes::{QuoteSpan, extract};

fn assert_well_formed(text: &str, quotes: &[QuoteSpan]) {
    let ok = |r: &std::ops::Range<usize>| {
        r.start <= r.end
            && r.end <= text.len()
            && text.is_char_boundary(r.start)
            && text.is_char_boundary(r.end)
    };
    for q in quotes {
        assert!(!q.content.is_empty());
        assert!(q.content.iter().all(ok), "{q:?}");
        assert!(q.speaker.iter().all(ok), "{q:?}");
        assert!(q.speaker_entity.iter().all(ok), "{q:?}");
    }
}

/// Text made of news-like pieces: words, names, verbs, marks of every kind, newlines and
/// multi-byte characters.
fn newsish() -> impl Strategy<Value = String> {
    let piece = prop_oneof![
        Just("said".to_owned()),
        Just("told".to_owned()),
        Just("according to".to_owned()),
        Just("he".to_owned()),
        Just("Anna Berg".to_owned()),
        Just("Sen.".to_owned()),
        Just("(D-Ore.)".to_owned()),
        Just("the ministry".to_owned()),
        Just("“".to_owned()),
        Just("”".to_owned()),
        Just("\"".to_owned()),
        Just("‘".to_owned()),
        Just("’".to_owned()),
        Just(",".to_owned()),
        Just(".".to_owned()),
        Just(":".to_owned()),
        Just("―".to_owned()),
        Just("\n\n".to_owned()),
        Just("é".to_owned()),
        Just("日本".to_owned()),
        "[a-zA-Z]{1,8}",
        any::<char>().prop_map(String::from),
    ];
    prop::collection::vec(piece, 0..60).prop_map(|v| v.join(" "))
}

proptest! {
    #[test]
    fn never_panics_on_newsish_text(text in newsish()) {
        let quotes = extract(&text, &[]);
        assert_well_formed(&text, &quotes);
    }

    #[test]
    fn never_panics_on_any_text(text in any::<String>()) {
        let quotes = extract(&text, &[]);
        assert_well_formed(&text, &quotes);
    }

    #[test]
    fn never_panics_with_arbitrary_mentions(
        text in newsish(),
        raw in prop::collection::vec((0usize..400, 0usize..20), 0..8),
    ) {
        // Mentions on char boundaries, in order and not overlapping, as the recogniser
        // promises; their labels vary.
        let mut mentions = Vec::new();
        let mut pos = 0;
        for (i, (gap, len)) in raw.into_iter().enumerate() {
            let mut start = pos + gap;
            while start < text.len() && !text.is_char_boundary(start) { start += 1; }
            let mut end = (start + len).min(text.len());
            while end < text.len() && !text.is_char_boundary(end) { end += 1; }
            if start >= text.len() || end <= start { break; }
            let label = [Label::Per, Label::Org, Label::Loc, Label::Misc][i % 4];
            mentions.push(Span { start, end, label });
            pos = end;
        }
        let quotes = extract(&text, &mentions);
        assert_well_formed(&text, &quotes);
    }
}

#[test]
fn thousands_of_marks() {
    let text = "“a b c,” he said. ".repeat(20_000);
    let quotes = extract(&text, &[]);
    assert_well_formed(&text, &quotes);
    assert!(!quotes.is_empty());
    let straight = "\"".repeat(100_000);
    assert_well_formed(&straight, &extract(&straight, &[]));
    let opens = "“".repeat(100_000);
    assert_well_formed(&opens, &extract(&opens, &[]));
    // Short title-like quotes packed without spaces: nothing may look back unboundedly.
    let packed = "“A”".repeat(200_000);
    assert_well_formed(&packed, &extract(&packed, &[]));
    let closes = "” said Smith".repeat(30_000);
    assert_well_formed(&closes, &extract(&closes, &[]));
}

#[test]
fn unbalanced_and_huge_paragraph() {
    // One 5 MB paragraph opened by a mark that never closes, full of speech verbs.
    let mut text = String::from("Smith said: “");
    while text.len() < 5_000_000 {
        text.push_str("the minister said that é the plan, according to officials, ");
    }
    let quotes = extract(&text, &[]);
    assert_well_formed(&text, &quotes);
    // Many paragraphs that each open a quote and never close it: one long chain.
    let chain = "“Words without end and more words\n\n".repeat(50_000);
    assert_well_formed(&chain, &extract(&chain, &[]));
    // Many pronoun quotes after many organisation mentions.
    let unit = "Acme Corp met Beta Inc. “We agree on this,” he said. ";
    let many = unit.repeat(20_000);
    let mut mentions = Vec::new();
    for k in 0..20_000 {
        let base = k * unit.len();
        mentions.push(Span {
            start: base,
            end: base + 9,
            label: Label::Org,
        });
        mentions.push(Span {
            start: base + 14,
            end: base + 22,
            label: Label::Org,
        });
    }
    assert_well_formed(&many, &extract(&many, &mentions));
    // Mixed multi-byte text cut by the window budgets at every offset class.
    let multi = "“日本語の引用です,” 彼は言った。 ".repeat(10_000);
    assert_well_formed(&multi, &extract(&multi, &[]));
}
