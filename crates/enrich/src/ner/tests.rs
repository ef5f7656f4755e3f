//! Tests of the recogniser on our own sentences (not from CoNLL or GUM), of robustness on
//! arbitrary and pathological input, and of the evaluation's scoring rules.

use super::*;
use proptest::prelude::*;

fn found(text: &str) -> Vec<(String, Label)> {
    recognize(text)
        .into_iter()
        .map(|s| (text[s.start..s.end].to_string(), s.label))
        .collect()
}

fn has(text: &str, name: &str, label: Label) -> bool {
    found(text).iter().any(|(n, l)| n == name && *l == label)
}

fn check_spans(text: &str, spans: &[Span]) {
    let mut last = 0;
    for s in spans {
        assert!(s.start >= last, "sorted and non-overlapping: {spans:?}");
        assert!(s.start < s.end && s.end <= text.len());
        assert!(text.is_char_boundary(s.start) && text.is_char_boundary(s.end));
        last = s.end;
    }
}

#[test]
fn titles_are_not_part_of_person_names() {
    let t = "US President Donald Trump met Ukrainian President Volodymyr Zelensky in Washington on Friday.";
    assert!(has(t, "Donald Trump", Label::Per), "{:?}", found(t));
    assert!(has(t, "Volodymyr Zelensky", Label::Per), "{:?}", found(t));
    assert!(has(t, "Washington", Label::Loc), "{:?}", found(t));
    let t = "Parliamentary Speaker Alen Simonyan said the vote would take place next week.";
    assert_eq!(found(t), vec![("Alen Simonyan".to_string(), Label::Per)]);
}

#[test]
fn possessive_is_outside_the_name() {
    let t = "Trump's envoy Steve Witkoff flew to Moscow after talks with officials.";
    assert!(has(t, "Trump", Label::Per), "{:?}", found(t));
    assert!(has(t, "Steve Witkoff", Label::Per), "{:?}", found(t));
    assert!(has(t, "Moscow", Label::Loc), "{:?}", found(t));
}

#[test]
fn organisation_and_its_acronym() {
    let t = "The Armenian National Committee of America (ANCA) criticised the decision on Tuesday.";
    assert!(
        has(t, "Armenian National Committee of America", Label::Org),
        "{:?}",
        found(t)
    );
    assert!(has(t, "ANCA", Label::Org), "{:?}", found(t));
}

#[test]
fn ordinary_capitalised_words_are_not_people() {
    let t = "Many remember the years after the war as the Golden Age of the city.";
    assert!(
        !found(t).iter().any(|(_, l)| *l == Label::Per),
        "{:?}",
        found(t)
    );
    let t = "An Armenian Christian community has lived in Jerusalem for centuries.";
    assert!(
        !found(t).iter().any(|(_, l)| *l == Label::Per),
        "{:?}",
        found(t)
    );
    assert!(has(t, "Jerusalem", Label::Loc), "{:?}", found(t));
}

#[test]
fn document_paragraphs_and_titles() {
    let t = "Storms hit Norway\n\nHeavy rain fell across Norway on Monday, the Norwegian \
             Meteorological Institute said.\n\nPrime Minister Jonas Gahr Store visited Bergen.";
    let f = found(t);
    assert!(has(t, "Norway", Label::Loc), "{f:?}");
    assert!(has(t, "Bergen", Label::Loc), "{f:?}");
    assert!(
        f.iter()
            .any(|(n, l)| n.contains("Store") && *l == Label::Per),
        "{f:?}"
    );
    check_spans(t, &recognize(t));
}

#[test]
fn other_scripts_and_languages_give_nothing() {
    assert!(recognize("Владимир Путин встретился с Си Цзиньпином в Москве.").is_empty());
    assert!(recognize("习近平在北京会见了来访的法国总统马克龙。").is_empty());
    let de = "Die Bundesregierung hat am Montag in Berlin beschlossen, dass die neuen Regeln \
              für Unternehmen ab dem nächsten Jahr gelten sollen, sagte Olaf Scholz.";
    assert!(recognize(de).is_empty(), "{:?}", found(de));
}

#[test]
fn pre_tokenised_path_matches_text_path() {
    let t = "Angela Merkel met Emmanuel Macron in Berlin on Monday.";
    let toks: Vec<&str> = t
        .split(' ')
        .flat_map(|w| match w.strip_suffix('.') {
            Some(x) => vec![x, "."],
            None => vec![w],
        })
        .collect();
    let tags = tag_tokens(&toks);
    assert_eq!(tags.len(), toks.len());
    let from_tags: Vec<(String, &str)> = eval::tags_to_spans(&tags)
        .into_iter()
        .map(|(a, b, l)| {
            (
                toks[a..b].join(" "),
                if l == "PER" { "PER" } else { "other" },
            )
        })
        .collect();
    let from_text: Vec<(String, &str)> = found(t)
        .into_iter()
        .map(|(n, l)| (n, if l == Label::Per { "PER" } else { "other" }))
        .collect();
    assert_eq!(from_tags, from_text);
    assert!(has(t, "Angela Merkel", Label::Per), "{:?}", found(t));
    assert!(has(t, "Emmanuel Macron", Label::Per), "{:?}", found(t));
}

#[test]
fn huge_single_paragraph_completes() {
    // 5 MB without a single space or sentence end, full of quotation marks: one token.
    let t: String = "\"a\u{201c}b'".repeat(5 << 20 >> 3);
    check_spans(&t, &recognize(&t));
    // Many short words and quotes but no sentence punctuation: sentences are capped.
    let t: String = "\"Smith\" said \u{201c}Jones of Acme\u{201d} ".repeat(4000);
    check_spans(&t, &recognize(&t));
}

#[test]
fn conlleval_chunking_matches_the_scorer() {
    use eval::tags_to_spans;
    let sp = |t: &[&str]| -> Vec<(usize, usize, String)> { tags_to_spans(t) };
    assert_eq!(
        sp(&["B-PER", "I-PER", "O", "B-LOC"]),
        vec![(0, 2, "PER".into()), (3, 4, "LOC".into())]
    );
    assert_eq!(
        sp(&["I-MISC", "B-MISC", "O"]),
        vec![(0, 1, "MISC".into()), (1, 2, "MISC".into())]
    );
    assert_eq!(
        sp(&["I-PER", "I-ORG", "O"]),
        vec![(0, 1, "PER".into()), (1, 2, "ORG".into())]
    );
    assert_eq!(
        sp(&["O", "I-PER", "B-PER", "I-PER"]),
        vec![(1, 2, "PER".into()), (2, 4, "PER".into())]
    );
}

#[test]
fn evaluation_counts_and_writes_predictions() {
    let gold = "-DOCSTART- -X- -X- O\n\nAngela NNP B-PER\nMerkel NNP I-PER\nvisited VBD O\n\
                Paris NNP B-LOC\n. . O\n\n";
    let r = eval::evaluate(gold).expect("valid input");
    assert_eq!(r.all.sentences, 1);
    assert_eq!(r.all.tokens, 5);
    assert_eq!(r.all.overall.gold, 2);
    assert!(r.predictions_conll.contains("Angela NNP B-PER B-PER\n"));
    assert!(eval::evaluate("lonely\n").is_err());
    assert!(!eval::is_prose(&["A", "b"]));
    assert!(eval::is_prose(&[
        "The", "cat", "sat", "on", "the", "mat", "in", "Paris", "."
    ]));
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]
    #[test]
    fn recognize_never_panics(s in "\\PC{0,200}") {
        check_spans(&s, &recognize(&s));
    }

    #[test]
    fn recognize_on_wordy_text(s in "([A-Z][a-z]{0,8}|[a-z]{1,8}|[.,'\"()’”“]|'s|\\s|\n\n){0,60}") {
        check_spans(&s, &recognize(&s));
    }
}

#[test]
fn unknown_acronym_in_prose_is_an_organisation() {
    let t = "A spokesman for the QWRZ said on Monday that the talks would resume in 300 BC style.";
    assert!(has(t, "QWRZ", Label::Org), "{:?}", found(t));
    assert!(!found(t).iter().any(|(n, _)| n == "BC"), "{:?}", found(t));
}

#[test]
fn teams_in_results_are_organisations() {
    let t = "Northbrook Rovers 2 Eastwick 1\n\nWestvale 10 6 3 1 20 9 21\n\nEastwick manager said the win was deserved.";
    assert!(has(t, "Northbrook Rovers", Label::Org), "{:?}", found(t));
    assert!(has(t, "Westvale", Label::Org), "{:?}", found(t));
    assert_eq!(
        found(t)
            .iter()
            .filter(|(n, l)| n == "Eastwick" && *l == Label::Org)
            .count(),
        2,
        "{:?}",
        found(t)
    );
}

#[test]
fn company_suffix_makes_an_organisation() {
    let t = "Shares of Harlow Pemberton Corp rose after the deal with Quillon Motors Inc.";
    assert!(
        has(t, "Harlow Pemberton Corp", Label::Org),
        "{:?}",
        found(t)
    );
}

#[test]
fn known_places_are_not_people() {
    let t = "Investors in Tokyo waited while officials in Oslo met.";
    assert!(
        !found(t).iter().any(|(_, l)| *l == Label::Per),
        "{:?}",
        found(t)
    );
}

#[test]
fn place_with_plural_nickname_is_a_team() {
    let t = "The Denver Falcons beat the visitors on Sunday, coach Maria Lopez said.";
    assert!(has(t, "Denver Falcons", Label::Org), "{:?}", found(t));
}

#[test]
fn organisation_kind_nouns_and_roles() {
    let t = "Shares in packaging firm Quillonex rose, and Vantrell chairman Piet Ollander said so.";
    assert!(has(t, "Quillonex", Label::Org), "{:?}", found(t));
    assert!(has(t, "Vantrell", Label::Org), "{:?}", found(t));
}

#[test]
fn outlet_after_told() {
    let toks = ["an", "official", "told", "Bravonews", "on", "Friday", "."];
    let mut tags = [0u8; 7];
    told(&toks, &mut tags);
    assert_eq!(tags, [0, 0, 0, 3, 0, 0, 0]);
}
