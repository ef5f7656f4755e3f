//! Pattern tests with invented news sentences, one or more per attribution pattern the
//! extractor promises to handle, with and without recognised mentions.

use super::extract;
use crate::ner::{Label, Span};

/// A quote as strings: content pieces, speaker as written, named entity, verb.
#[derive(Debug, PartialEq)]
struct Q {
    content: Vec<String>,
    speaker: Option<String>,
    entity: Option<String>,
    verb: Option<String>,
}

fn run_with(text: &str, mentions: &[Span]) -> Vec<Q> {
    extract(text, mentions)
        .into_iter()
        .map(|q| Q {
            content: q
                .content
                .iter()
                .map(|r| text[r.clone()].to_owned())
                .collect(),
            speaker: q.speaker.map(|r| text[r].to_owned()),
            entity: q.speaker_entity.map(|r| text[r].to_owned()),
            verb: q.verb,
        })
        .collect()
}

fn run(text: &str) -> Vec<Q> {
    run_with(text, &[])
}

fn one(text: &str) -> Q {
    let mut qs = run(text);
    assert_eq!(qs.len(), 1, "{text}: {qs:?}");
    qs.remove(0)
}

fn check(q: &Q, content: &[&str], speaker: Option<&str>, entity: Option<&str>, verb: Option<&str>) {
    assert_eq!(q.content, content, "{q:?}");
    assert_eq!(q.speaker.as_deref(), speaker, "{q:?}");
    assert_eq!(q.entity.as_deref(), entity, "{q:?}");
    assert_eq!(q.verb.as_deref(), verb, "{q:?}");
}

#[test]
fn quote_then_name_said() {
    let q = one("“The bridge will reopen in March,” Mayor Lena Ortiz said on Tuesday.");
    check(
        &q,
        &["The bridge will reopen in March,"],
        Some("Mayor Lena Ortiz"),
        Some("Lena Ortiz"),
        Some("said"),
    );
}

#[test]
fn quote_then_said_name_apposition() {
    let q = one(
        "\"We expect higher rates through the winter,\" said Tom Becker, the bank's chief economist.",
    );
    check(
        &q,
        &["We expect higher rates through the winter,"],
        Some("Tom Becker"),
        Some("Tom Becker"),
        Some("said"),
    );
}

#[test]
fn name_said_colon_quote() {
    let q =
        one("In a post on X, Waltz wrote: “We are pleased the two governments signed the accord.”");
    check(
        &q,
        &["We are pleased the two governments signed the accord."],
        Some("Waltz"),
        Some("Waltz"),
        Some("wrote"),
    );
}

#[test]
fn name_said_that_quote() {
    let q = one("Garcia said that “no decision has been taken on the merger.”");
    check(
        &q,
        &["no decision has been taken on the merger."],
        Some("Garcia"),
        Some("Garcia"),
        Some("said"),
    );
}

#[test]
fn partial_quote_inside_sentence() {
    let q = one(
        "The advocacy group said the agreement was “a one-sided surrender of coastal fishing rights” and urged a vote.",
    );
    check(
        &q,
        &["a one-sided surrender of coastal fishing rights"],
        Some("The advocacy group"),
        None,
        Some("said"),
    );
}

#[test]
fn according_to() {
    let q = one("“The shipment left the port on Friday”, according to the harbour authority.");
    check(
        &q,
        &["The shipment left the port on Friday"],
        Some("the harbour authority"),
        None,
        Some("according to"),
    );
}

#[test]
fn told_outlet_colon() {
    let q = one("Nadia Kurz told Reuters: “We have not received any offer.”");
    check(
        &q,
        &["We have not received any offer."],
        Some("Nadia Kurz"),
        Some("Nadia Kurz"),
        Some("told"),
    );
}

#[test]
fn quote_then_wrote_on_platform() {
    let q =
        one("“Thank you to every volunteer who came out today” Senator Paula Hines wrote on X.");
    check(
        &q,
        &["Thank you to every volunteer who came out today"],
        Some("Senator Paula Hines"),
        Some("Paula Hines"),
        Some("wrote"),
    );
}

#[test]
fn interrupted_quote_is_one_quote() {
    let q =
        one("“The first phase is finished,” he said. “The second will start after the elections.”");
    check(
        &q,
        &[
            "The first phase is finished,",
            "The second will start after the elections.",
        ],
        Some("he"),
        None,
        Some("said"),
    );
}

#[test]
fn interrupted_with_comma() {
    let q = one("\"It is too early,\" Diaz said, \"to say who will win the seat.\"");
    check(
        &q,
        &["It is too early,", "to say who will win the seat."],
        Some("Diaz"),
        Some("Diaz"),
        Some("said"),
    );
}

#[test]
fn multi_paragraph_quote() {
    let text = "Chen said: “The plan has three parts. The first is housing.\n\n“The second is transport, and the third is schools.”";
    let q = one(text);
    check(
        &q,
        &[
            "The plan has three parts. The first is housing.",
            "The second is transport, and the third is schools.",
        ],
        Some("Chen"),
        Some("Chen"),
        Some("said"),
    );
}

#[test]
fn pronoun_resolves_to_last_named_speaker() {
    let text = "“Prices will fall next year,” Ana Silva said.\n\nThe ministry disagreed.\n\n“We have the data to prove it,” she added.";
    let qs = run(text);
    assert_eq!(qs.len(), 2, "{qs:?}");
    check(
        &qs[1],
        &["We have the data to prove it,"],
        Some("she"),
        Some("Ana Silva"),
        Some("added"),
    );
}

#[test]
fn concluded_resolves_to_last_named_speaker() {
    let text = "Rivera said: “The talks went well.”\n\n“We will meet again in May,” he concluded.";
    let qs = run(text);
    assert_eq!(qs.len(), 2, "{qs:?}");
    check(
        &qs[1],
        &["We will meet again in May,"],
        Some("he"),
        Some("Rivera"),
        Some("concluded"),
    );
}

#[test]
fn pronoun_falls_back_to_person_mention() {
    let text = "Officials met Omar Haddad on Monday. “This is a good start,” he said.";
    let start = text.find("Omar").unwrap_or(0);
    let mentions = [Span {
        start,
        end: start + "Omar Haddad".len(),
        label: Label::Per,
    }];
    let qs = run_with(text, &mentions);
    assert_eq!(qs.len(), 1, "{qs:?}");
    check(
        &qs[0],
        &["This is a good start,"],
        Some("he"),
        Some("Omar Haddad"),
        Some("said"),
    );
}

#[test]
fn mention_is_preferred_for_the_entity() {
    let text = "“We will appeal,” Gov. Maria Lund said.";
    let start = text.find("Maria").unwrap_or(0);
    let mentions = [Span {
        start,
        end: start + "Maria Lund".len(),
        label: Label::Per,
    }];
    let qs = run_with(text, &mentions);
    assert_eq!(qs.len(), 1, "{qs:?}");
    assert_eq!(qs[0].speaker.as_deref(), Some("Gov. Maria Lund"));
    assert_eq!(qs[0].entity.as_deref(), Some("Maria Lund"));
}

#[test]
fn spokesperson_and_officials() {
    let q = one("“The report is being reviewed,” a spokesperson for the ministry said.");
    assert_eq!(
        q.speaker.as_deref(),
        Some("a spokesperson for the ministry")
    );
    assert_eq!(q.entity, None);
    let q = one("“No injuries were reported,” officials said.");
    assert_eq!(q.speaker.as_deref(), Some("officials"));
}

#[test]
fn party_tag_between_name_and_verb() {
    let q = one("“This bill will not pass the Senate,” Sen. Rob Carter (R-Idaho) said Friday.");
    assert_eq!(q.speaker.as_deref(), Some("Sen. Rob Carter"));
    assert_eq!(q.entity.as_deref(), Some("Rob Carter"));
}

#[test]
fn dash_byline() {
    let q = one("“The city needs more bus lanes and fewer parking garages.” ― Jo Park");
    check(
        &q,
        &["The city needs more bus lanes and fewer parking garages."],
        Some("Jo Park"),
        Some("Jo Park"),
        None,
    );
}

#[test]
fn scare_quotes_are_not_quotes() {
    // A naming verb keeps a short quote, but a thing naming it is no speaker.
    let q = one("The report called the plan a “reset” of its strategy.");
    assert_eq!((q.speaker, q.verb.as_deref()), (None, Some("called")));
    assert!(run("Investors feared a “perfect storm” this autumn.").is_empty());
}

#[test]
fn short_quote_with_speech_verb_is_kept() {
    let q = one("“Unacceptable,” the minister said.");
    check(
        &q,
        &["Unacceptable,"],
        Some("the minister"),
        None,
        Some("said"),
    );
}

#[test]
fn titles_are_not_quotes() {
    assert!(run("She appeared on “Meet the Press” last week.").is_empty());
    assert!(run("The film “The Long Road Home” opens in May.").is_empty());
}

#[test]
fn unattributed_paragraph_carries_last_speaker() {
    let text = "“We will rebuild the school,” Mayor Ruth Ames said.\n\n“The children deserve nothing less.”";
    let qs = run(text);
    assert_eq!(qs.len(), 2, "{qs:?}");
    check(
        &qs[1],
        &["The children deserve nothing less."],
        None,
        Some("Ruth Ames"),
        None,
    );
}

#[test]
fn new_sentence_yields_to_introducing_clause() {
    let text = "Kato says the ruling is “a victory for every tenant in the city.” She says the landlord will appeal.";
    let q = one(text);
    assert_eq!(q.speaker.as_deref(), Some("Kato"));
}

#[test]
fn same_sentence_fragments_share_speaker() {
    let qs = run("Lopez said the budget was “a disgrace” and “a gift to donors.”");
    assert_eq!(qs.len(), 2, "{qs:?}");
    assert!(
        qs.iter().all(|q| q.speaker.as_deref() == Some("Lopez")),
        "{qs:?}"
    );
}

#[test]
fn second_verb_starts_new_quote() {
    let qs = run("“The vote is final,” Ngata said, adding, “We will respect it.”");
    assert_eq!(qs.len(), 2, "{qs:?}");
    assert_eq!(qs[1].speaker.as_deref(), Some("Ngata"));
}

#[test]
fn unbalanced_marks_do_not_swallow_the_text() {
    let text = "He said “this never ends\n\nA new paragraph without marks.\n\n“Done,” she said.";
    let qs = run(text);
    assert!(
        qs.iter()
            .all(|q| q.content.iter().all(|c| !c.contains('\n'))),
        "{qs:?}"
    );
}

#[test]
fn object_of_naming_verb_is_not_the_speaker() {
    let q = one(
        "Jane Roe, an adviser to the campaign, called the mayor's plan on Sunday “a real turning point” for the city.",
    );
    assert_eq!(q.speaker.as_deref(), Some("Jane Roe"));
}

#[test]
fn participle_takes_the_clause_subject() {
    let qs =
        run("“Prices are too high,” the shop owner said, arguing for a “common-sense” tax cut.");
    assert_eq!(qs.len(), 2, "{qs:?}");
    assert_eq!(qs[1].speaker.as_deref(), Some("the shop owner"));
    assert_eq!(qs[1].verb.as_deref(), Some("arguing"));
}

#[test]
fn long_appositive_with_commas() {
    let q = one(
        "“The rule oversteps federal power,” Dana Ruiz, the attorney general of Ohio, one of the states suing, said on Monday.",
    );
    assert_eq!(q.speaker.as_deref(), Some("Dana Ruiz"));
    assert_eq!(q.verb.as_deref(), Some("said"));
}
