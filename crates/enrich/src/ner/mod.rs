//! Named-entity recognition: persons, organisations, places (and MISC, used only inside
//! the model and for evaluation) in English text, with byte offsets.
//!
//! This module owns the public API and the pipeline shared by raw text and pre-tokenised
//! input: [`recognize`] splits text into blocks, sentences and tokens and calls the same
//! document tagger ([`tag_document`]) that evaluation runs on CoNLL sentences. The tagger is
//! a two-pass averaged perceptron (`model`, `features`): the second pass sees how the first
//! labelled the same word elsewhere in the document.
//!
//! Rules afterwards encode news conventions the (small, non-news-heavy) training text does
//! not teach, in this order:
//! 1. per sentence (`postprocess`): titles off person names, function words off chunk
//!    edges, known places that the model called persons, "Place + Plurals" teams,
//!    organisation suffixes and cue words ("… Corp", "… Exchange", "… & Co"), unknown
//!    acronyms in prose, acronyms in parentheses;
//! 2. per document (`sports`): teams in score lines, standings, schedules, fixtures and
//!    next to team roles or kind-of-organisation nouns ("striker", "firm X"), then those
//!    names (and companies without their legal form) everywhere in the document;
//! 3. a document-level majority vote on the label of each exact name, and the surname of a
//!    person named in full is that person elsewhere in the document (`vote`);
//! 4. per sentence again: person repairs (`people`), place rules for datelines,
//!    "town of X" and "Name ( Country )" (`places`), and country names are places.

pub mod eval;
mod features;
mod gazetteer;
mod model;
mod people;
mod places;
mod sports;
mod tokenize;
pub mod train;

use features::{DocCtx, DocLabels};
use model::{MODEL, NTAGS, TAG_NAMES, Weights};

/// What a recognised mention names.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Label {
    Per,
    Org,
    Loc,
    Misc,
}

impl Label {
    /// CoNLL name: "PER", "ORG", "LOC", "MISC".
    pub fn as_str(self) -> &'static str {
        match self {
            Label::Per => "PER",
            Label::Org => "ORG",
            Label::Loc => "LOC",
            Label::Misc => "MISC",
        }
    }

    fn from_tag(tag: u8) -> Option<Label> {
        match tag {
            1 | 2 => Some(Label::Per),
            3 | 4 => Some(Label::Org),
            5 | 6 => Some(Label::Loc),
            7 | 8 => Some(Label::Misc),
            _ => None,
        }
    }
}

/// One recognised mention: `text[start..end]` (byte offsets, on char boundaries).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Span {
    pub start: usize,
    pub end: usize,
    pub label: Label,
}

/// Recognises the mentions in `text` (a title, or a body whose paragraphs are separated by
/// blank lines), in order of position, never overlapping.
///
/// The whole text is one document for the document-level features. Lines that do not look
/// like English in Latin script are skipped (no entities rather than guesses).
pub fn recognize(text: &str) -> Vec<Span> {
    let mut sent_toks: Vec<Vec<tokenize::Tok>> = Vec::new();
    let mut toks = Vec::new();
    for (bs, be) in tokenize::blocks(text) {
        toks.clear();
        tokenize::tokenize(text, bs, be, &mut toks);
        if !tokenize::looks_english(&text[bs..be], text, &toks) {
            continue;
        }
        for (a, b) in tokenize::sentences(text, &toks) {
            sent_toks.push(toks[a..b].to_vec());
        }
    }
    let sents: Vec<Vec<&str>> = sent_toks
        .iter()
        .map(|s| s.iter().map(|t| &text[t.start..t.end]).collect())
        .collect();
    let tags = tag_doc(&MODEL.pass1, &MODEL.pass2, &sents);
    let mut out = Vec::new();
    for (toks, tags) in sent_toks.iter().zip(&tags) {
        for (a, b, label) in chunks(tags) {
            out.push(Span {
                start: toks[a].start,
                end: toks[b - 1].end,
                label,
            });
        }
    }
    out
}

/// Tags one document given as sentences of tokens; returns IOB2 tags ("O", "B-PER", …).
/// This is the path evaluation uses; [`recognize`] uses the same model and rules.
pub fn tag_document<S: AsRef<str>>(sentences: &[Vec<S>]) -> Vec<Vec<&'static str>> {
    tag_doc(&MODEL.pass1, &MODEL.pass2, sentences)
        .into_iter()
        .map(|s| s.into_iter().map(|t| TAG_NAMES[usize::from(t)]).collect())
        .collect()
}

/// Tags a single sentence as a document of its own.
pub fn tag_tokens(tokens: &[&str]) -> Vec<&'static str> {
    tag_document(&[tokens.to_vec()])
        .into_iter()
        .next()
        .unwrap_or_default()
}

/// First-pass labels of each capitalised word of a document, for the second pass.
pub(crate) fn doc_labels(ctx_sents: &[features::SentFeats], tags: &[Vec<u8>]) -> DocLabels {
    let mut out = DocLabels::new();
    for (s, t) in ctx_sents.iter().zip(tags) {
        for (i, &tag) in t.iter().enumerate() {
            if !s.capitalised[i] {
                continue;
            }
            let k = match tag {
                0 => 4,
                t => (usize::from(t) - 1) / 2,
            };
            let e = out.entry(s.lower[i].clone()).or_insert([0; 5]);
            e[k] = e[k].saturating_add(1);
        }
    }
    out
}

/// Both passes over one document with the given weights, then the rules.
pub(crate) fn tag_doc<S: AsRef<str>>(
    pass1: &impl Weights,
    pass2: &impl Weights,
    sents: &[Vec<S>],
) -> Vec<Vec<u8>> {
    let ctx = DocCtx::new(sents);
    // First pass: labels of every word, kept per word type only (not the features), so
    // memory does not grow with the document beyond its vocabulary.
    let mut labels = DocLabels::new();
    for i in 0..sents.len() {
        let f = ctx.prepare(i, None);
        let t = model::decode(pass1, &f);
        for (w, n) in doc_labels(std::slice::from_ref(&f), std::slice::from_ref(&t)) {
            let e = labels.entry(w).or_insert([0; 5]);
            for k in 0..5 {
                e[k] = e[k].saturating_add(n[k]);
            }
        }
    }
    let mut tags: Vec<Vec<u8>> = (0..sents.len())
        .map(|i| {
            let f = ctx.prepare(i, Some(&labels));
            let mut t = model::decode(pass2, &f);
            let toks: Vec<&str> = sents[i].iter().map(AsRef::as_ref).collect();
            postprocess(&toks, &mut t);
            t
        })
        .collect();
    sports::apply(sents, &mut tags);
    vote(sents, &mut tags);
    for (s, t) in sents.iter().zip(tags.iter_mut()) {
        let toks: Vec<&str> = s.iter().map(AsRef::as_ref).collect();
        people::apply(&toks, t);
        places::apply(&toks, t);
        countries(s, t);
    }
    tags
}

/// A whole chunk that is a country's name is the place (national teams included, as in
/// news convention), whatever the model or the rules made of it.
fn countries<S: AsRef<str>>(toks: &[S], tags: &mut [u8]) {
    for (a, b, label) in chunks(tags) {
        if label == Label::Loc || label == Label::Misc {
            continue;
        }
        let phrase = toks[a..b]
            .iter()
            .map(|t| t.as_ref().to_lowercase())
            .collect::<Vec<_>>()
            .join(" ");
        if gazetteer::GAZ.word(&phrase) & gazetteer::COUNTRY != 0 {
            set_chunk(tags, a, b, Some(Label::Loc));
        }
    }
}

/// One name, one label per document: a chunk whose exact text has a majority label among
/// its occurrences in the document takes that label.
fn vote<S: AsRef<str>>(sents: &[Vec<S>], tags: &mut [Vec<u8>]) {
    use std::collections::HashMap;
    let mut all: Vec<(usize, usize, usize, String)> = Vec::new();
    let mut counts: HashMap<String, [u32; 4]> = HashMap::new();
    for (k, (s, t)) in sents.iter().zip(tags.iter()).enumerate() {
        for (a, b, label) in chunks(t) {
            let text = s[a..b]
                .iter()
                .map(AsRef::as_ref)
                .collect::<Vec<&str>>()
                .join(" ");
            counts.entry(text.clone()).or_default()[label as usize] += 1;
            all.push((k, a, b, text));
        }
    }
    // Surnames of people named in full elsewhere in the document.
    let mut surnames: std::collections::HashSet<String> = std::collections::HashSet::new();
    for (s, t) in sents.iter().zip(tags.iter()) {
        for (a, b, label) in chunks(t) {
            if label == Label::Per && b - a >= 2 {
                let last = s[b - 1].as_ref();
                if last.chars().count() >= 3 && last.chars().any(char::is_lowercase) {
                    surnames.insert(last.to_string());
                }
            }
        }
    }
    for (s, t) in sents.iter().zip(tags.iter_mut()) {
        for i in 1..s.len() {
            if t[i] == 0
                && surnames.contains(s[i].as_ref())
                && (i + 1 == s.len() || t[i + 1] % 2 == 1 || t[i + 1] == 0)
            {
                t[i] = 1;
            }
        }
    }
    const LABELS: [Label; 4] = [Label::Per, Label::Org, Label::Loc, Label::Misc];
    for (k, a, b, text) in all {
        let c = counts[&text];
        let total: u32 = c.iter().sum();
        if let Some(best) = (0..4).find(|&i| c[i] * 2 > total) {
            set_chunk(&mut tags[k], a, b, Some(LABELS[best]));
        }
        if b - a == 1
            && surnames.contains(&text)
            && gazetteer::GAZ.word(&text.to_lowercase()) & gazetteer::COUNTRY == 0
        {
            set_chunk(&mut tags[k], a, b, Some(Label::Per));
        }
    }
}

/// Entity chunks of a tag sequence as (start, end, label), conlleval-style: an I- tag that
/// does not continue a chunk of its type starts a new one.
fn chunks(tags: &[u8]) -> Vec<(usize, usize, Label)> {
    let mut out = Vec::new();
    let mut cur: Option<(usize, Label)> = None;
    for (i, &t) in tags.iter().enumerate() {
        let label = Label::from_tag(t);
        let begins = t % 2 == 1;
        match (cur, label) {
            (Some((s, l)), Some(nl)) if !begins && l == nl => {
                let _ = s;
            }
            _ => {
                if let Some((s, l)) = cur.take() {
                    out.push((s, i, l));
                }
                cur = label.map(|l| (i, l));
            }
        }
    }
    if let Some((s, l)) = cur {
        out.push((s, tags.len(), l));
    }
    out
}

fn set_chunk(tags: &mut [u8], a: usize, b: usize, label: Option<Label>) {
    let base = match label {
        None => {
            for t in &mut tags[a..b] {
                *t = 0;
            }
            return;
        }
        Some(Label::Per) => 1,
        Some(Label::Org) => 3,
        Some(Label::Loc) => 5,
        Some(Label::Misc) => 7,
    };
    for (k, t) in tags[a..b].iter_mut().enumerate() {
        *t = if k == 0 { base } else { base + 1 };
    }
}

/// Rules after the model, for the conventions news needs:
/// - possessive `'s` is never inside a name;
/// - person names do not include leading titles or roles ("President", "Speaker") or
///   nationality words ("Armenian"); a "person" made only of those is dropped;
/// - an all-capitals acronym in parentheses right after a name gets the name's label
///   ("Armenian National Committee of America (ANCA)").
fn postprocess(toks: &[&str], tags: &mut [u8]) {
    use gazetteer::{COMMON, DEMONYM, FIRST, GAZ, ORGCUE, SURNAME, TITLE};
    debug_assert_eq!(toks.len(), tags.len());
    for (i, t) in toks.iter().enumerate() {
        if matches!(*t, "'s" | "’s" | "'S" | "’S" | "'" | "’") && tags[i] != 0 {
            tags[i] = 0;
        }
    }
    for (a, b, label) in chunks(tags) {
        let mut a2 = a;
        if label == Label::Per {
            while a2 < b && GAZ.word(&toks[a2].to_lowercase()) & (TITLE | DEMONYM) != 0 {
                a2 += 1;
            }
        }
        let mut keep = a2 < b;
        if label == Label::Per && keep {
            let lower: Vec<String> = toks[a2..b].iter().map(|t| t.to_lowercase()).collect();
            let name_like = lower.iter().any(|w| GAZ.word(w) & (FIRST | SURNAME) != 0);
            // After a determiner only a full "First Surname" is believed ("the Golden Age":
            // the census lists even "Golden" as a first name).
            let full_name = lower.len() >= 2
                && GAZ.word(&lower[0]) & FIRST != 0
                && lower.last().is_some_and(|w| GAZ.word(w) & SURNAME != 0);
            let all_common = lower.iter().all(|w| COMMON.contains(w.as_str()));
            let after_det = a2 > 0 && matches!(toks[a2 - 1], "the" | "a" | "an");
            // "Good Morning": ordinary words that are no known name are not people.
            keep = (!all_common || name_like) && (!after_det || full_name);
        }
        // Re-write every chunk so stray I- tags (after the 's rule) become proper B- tags.
        set_chunk(tags, a, a2, None);
        set_chunk(tags, a2, b, if keep { Some(label) } else { None });
        // "Armenian National Committee of America": a nationality word right before a long
        // organisation name belongs to it ("Russian Foreign Ministry" stays apart).
        if label == Label::Org
            && keep
            && b - a2 >= 3
            && a2 > 0
            && tags[a2 - 1] == 0
            && GAZ.word(&toks[a2 - 1].to_lowercase()) & DEMONYM != 0
            && toks[a2 - 1].chars().next().is_some_and(char::is_uppercase)
            && toks[a2..b]
                .iter()
                .any(|t| GAZ.word(&t.to_lowercase()) & ORGCUE != 0)
        {
            set_chunk(tags, a2 - 1, b, Some(label));
        }
    }
    let n = toks.len();
    trim_function_words(toks, tags);
    places_not_people(toks, tags);
    place_teams(toks, tags);
    told(toks, tags);
    org_suffixes(toks, tags);
    org_left(toks, tags);
    ampersands(toks, tags);
    acronyms(toks, tags);
    for i in 1..n.saturating_sub(1) {
        let acronym = toks[i].chars().count() >= 2
            && toks[i]
                .chars()
                .all(|c| c.is_uppercase() || c == '.' || c == '&')
            && toks[i - 1] == "("
            && toks[i + 1] == ")";
        if acronym && i >= 2 && tags[i - 2] != 0 {
            let label = Label::from_tag(tags[i - 2]);
            set_chunk(tags, i, i + 1, label);
        }
    }
}

/// Function words at the edges of a chunk are not part of the name ("After Oslo",
/// "BERGEN IN" on a capitals line, "Lakeside-based Northwind Bank").
fn trim_function_words(toks: &[&str], tags: &mut [u8]) {
    const FUNCTION: [&str; 30] = [
        "after", "but", "and", "or", "if", "when", "while", "as", "at", "in", "on", "for", "from",
        "with", "by", "under", "since", "before", "although", "though", "because", "so", "then",
        "also", "yet", "to", "of", "into", "over", "against",
    ];
    let func = |t: &str| FUNCTION.contains(&t.to_lowercase().as_str());
    for (a, b, label) in chunks(tags) {
        let mut a2 = a;
        let mut b2 = b;
        while a2 < b2 && (func(toks[a2]) || toks[a2].to_lowercase().ends_with("-based")) {
            a2 += 1;
        }
        let letterless = |t: &str| !t.chars().any(char::is_alphabetic);
        while a2 < b2 && letterless(toks[a2]) {
            a2 += 1;
        }
        while b2 > a2 && (func(toks[b2 - 1]) || (label != Label::Misc && letterless(toks[b2 - 1])))
        {
            b2 -= 1;
        }
        if (a2, b2) != (a, b) {
            set_chunk(tags, a, b, None);
            set_chunk(tags, a2, b2, (a2 < b2).then_some(label));
        }
    }
}

/// "Harlow & Co", "Pemberton & Sons": names joined by "&" with a company word after it
/// are one organisation.
fn ampersands(toks: &[&str], tags: &mut [u8]) {
    let n = toks.len();
    for i in 1..n.saturating_sub(1) {
        if toks[i] != "&" || tags[i - 1] == 0 {
            continue;
        }
        let Some(&(a, _, _)) = chunks(&tags[..i]).last() else {
            continue;
        };
        let mut b = i + 1;
        while b < n && b - i <= 3 && toks[b].chars().next().is_some_and(char::is_uppercase) {
            b += 1;
        }
        let company = toks[i + 1..b]
            .iter()
            .any(|t| org_suffix(t) || matches!(*t, "Sons" | "Partners" | "Associates"));
        if b > i + 1 && company && (b == n || tags[b] % 2 == 1 || tags[b] == 0) {
            set_chunk(tags, a, b, Some(Label::Org));
        }
    }
}

/// A "person" that is exactly a known country, state or city and no known first name
/// (nor a surname, for cities) is the place ("talks in Oslo", "Lisbon 's mayor").
fn places_not_people(toks: &[&str], tags: &mut [u8]) {
    use gazetteer::{CITY, COUNTRY, FIRST, GAZ, STATE, SURNAME};
    for (a, b, label) in chunks(tags) {
        if label != Label::Per {
            continue;
        }
        let phrase = toks[a..b]
            .iter()
            .map(|t| t.to_lowercase())
            .collect::<Vec<_>>()
            .join(" ");
        let g = GAZ.word(&phrase);
        let first = GAZ.word(&toks[a].to_lowercase()) & FIRST != 0;
        // A city that is also a surname is the city after a locative word ("in", "north of").
        let prev = |k: usize| (a >= k).then(|| toks[a - k].to_lowercase());
        let locative = match prev(1).as_deref() {
            Some(
                "in" | "at" | "near" | "from" | "into" | "outside" | "inside" | "across" | "around"
                | "via" | "throughout",
            ) => true,
            Some("of") => matches!(
                prev(2).as_deref(),
                Some("north" | "south" | "east" | "west" | "outskirts" | "centre" | "center")
            ),
            _ => false,
        };
        let place = g & (COUNTRY | STATE) != 0
            || (g & CITY != 0 && (g & SURNAME == 0 || (locative && b - a == 1)));
        if place && !first {
            set_chunk(tags, a, b, Some(Label::Loc));
        }
    }
}

/// "… told Xyz ." with an untagged, unknown one-word name: in news that is an outlet
/// (a person the model would have tagged, or would be named in full).
fn told(toks: &[&str], tags: &mut [u8]) {
    use gazetteer::{COMMON, GAZ};
    for i in 1..toks.len().saturating_sub(1) {
        let t = toks[i];
        if toks[i - 1] == "told"
            && tags[i] == 0
            && t.chars().next().is_some_and(char::is_uppercase)
            && t.chars().skip(1).all(char::is_lowercase)
            && matches!(toks[i + 1], "." | "," | "that" | "by" | "on" | "in")
            && GAZ.word(&t.to_lowercase()) == 0
            && !COMMON.contains(t.to_lowercase().as_str())
        {
            tags[i] = 3;
        }
    }
}

/// Landforms and other plurals that end place names ("Cayman Islands").
const PLACE_PLURALS: [&str; 14] = [
    "islands",
    "isles",
    "heights",
    "mountains",
    "hills",
    "falls",
    "springs",
    "lakes",
    "states",
    "emirates",
    "territories",
    "keys",
    "plains",
    "highlands",
];

/// A known place followed by a capitalised plural that is no place ("Northtown Rovers",
/// "the Lakeside Hawks") names a team or club.
fn place_teams(toks: &[&str], tags: &mut [u8]) {
    use gazetteer::{CITY, COUNTRY, GAZ, STATE};
    for (a, b, label) in chunks(tags) {
        if b - a < 2 || label == Label::Org {
            continue;
        }
        let last = toks[b - 1];
        let l = last.to_lowercase();
        let plural = l.len() >= 4
            && l.ends_with('s')
            && !l.ends_with("ss")
            && last.chars().next().is_some_and(char::is_uppercase)
            && last.chars().skip(1).all(char::is_lowercase)
            && GAZ.word(&l) == 0
            && !PLACE_PLURALS.contains(&l.as_str());
        if !plural {
            continue;
        }
        let head = toks[a..b - 1]
            .iter()
            .map(|t| t.to_lowercase())
            .collect::<Vec<_>>()
            .join(" ");
        let whole = format!("{head} {l}");
        let places = CITY | STATE | COUNTRY;
        if GAZ.word(&head) & places != 0 && GAZ.word(&whole) & places == 0 {
            set_chunk(tags, a, b, Some(Label::Org));
        }
    }
}

/// Words that end (or sit inside) organisation names and almost never person or place
/// names: a chunk with one after its first word is an organisation ("Northwind Motor
/// Corp", "Lakeside Savings Bank"); an untagged one right after a chunk joins it. Known
/// places keep their label ("West Bank").
const ORG_SUFFIXES: [&str; 54] = [
    "inc",
    "inc.",
    "corp",
    "corp.",
    "corporation",
    "co",
    "co.",
    "company",
    "ltd",
    "ltd.",
    "plc",
    "llc",
    "ag",
    "sa",
    "nv",
    "gmbh",
    "group",
    "holdings",
    "bank",
    "party",
    "ministry",
    "university",
    "association",
    "federation",
    "club",
    "council",
    "committee",
    "agency",
    "airlines",
    "airways",
    "motors",
    "fc",
    "industries",
    "institute",
    "foundation",
    "spa",
    "s.p.a.",
    "s.a.",
    "a.g.",
    "n.v.",
    "b.v.",
    "bv",
    "ab",
    "asa",
    "oyj",
    "pty",
    "bhd",
    "tbk",
    "srl",
    "sarl",
    "kk",
    "limited",
    "incorporated",
    "bancorp",
];

pub(crate) fn org_suffix(t: &str) -> bool {
    let l = t.to_lowercase();
    t.chars().next().is_some_and(char::is_uppercase) && ORG_SUFFIXES.contains(&l.as_str())
}

fn org_suffixes(toks: &[&str], tags: &mut [u8]) {
    for (a, mut b, _) in chunks(tags) {
        while b < toks.len()
            && tags[b] == 0
            && (org_suffix(toks[b])
                || (toks[b].chars().next().is_some_and(char::is_uppercase)
                    && gazetteer::GAZ.word(&toks[b].to_lowercase()) & gazetteer::ORGCUE != 0))
        {
            b += 1;
        }
        let phrase = toks[a..b]
            .iter()
            .map(|t| t.to_lowercase())
            .collect::<Vec<_>>()
            .join(" ");
        let place = gazetteer::GAZ.word(&phrase)
            & (gazetteer::COUNTRY | gazetteer::STATE | gazetteer::CITY)
            != 0;
        // Weaker cues ("Exchange", "Court", "Times") count at the end of a longer name.
        let last = toks[b - 1].to_lowercase();
        let cue_last = b - a >= 2
            && gazetteer::GAZ.word(&last) & gazetteer::ORGCUE != 0
            && toks[b - 1].chars().next().is_some_and(char::is_uppercase);
        if !place && (cue_last || toks[a + 1..b].iter().any(|t| org_suffix(t))) {
            set_chunk(tags, a, b, Some(Label::Org));
        }
    }
}

/// An organisation ending in a cue word takes in the capitalised words just before it
/// ("Lakeside Stock Exchange", not "Lakeside" + "Stock Exchange").
fn org_left(toks: &[&str], tags: &mut [u8]) {
    use gazetteer::{COMMON, GAZ, ORGCUE};
    for (a, b, label) in chunks(tags) {
        let last = toks[b - 1].to_lowercase();
        if label != Label::Org || GAZ.word(&last) & ORGCUE == 0 && !org_suffix(toks[b - 1]) {
            continue;
        }
        let mut a2 = a;
        while a2 > 0 && b - a2 < 6 {
            let t = toks[a2 - 1];
            let cap = t.chars().next().is_some_and(char::is_uppercase);
            let lower = t.to_lowercase();
            if !cap || (a2 == 1 && COMMON.contains(lower.as_str())) || is_calendar(&lower) {
                break;
            }
            if tags[a2 - 1] != 0 {
                match chunks(&tags[..a2]).last() {
                    Some(&(s, e, _)) if e == a2 && b - s < 6 => a2 = s,
                    _ => break,
                }
            } else {
                a2 -= 1;
            }
        }
        if a2 < a {
            set_chunk(tags, a2, b, Some(Label::Org));
        }
    }
}

/// Day and month names: capitalised, yet never names of people or organisations.
pub(crate) const CALENDAR: [&str; 19] = [
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
    "monday",
    "tuesday",
    "wednesday",
    "thursday",
    "friday",
    "saturday",
    "sunday",
];

pub(crate) fn is_calendar(lower: &str) -> bool {
    CALENDAR.contains(&lower)
}

/// In mixed-case text an untagged acronym of 2-5 capitals that is no known place, name or
/// ordinary word ("the FOO said") is most often an organisation.
fn acronyms(toks: &[&str], tags: &mut [u8]) {
    use gazetteer::{COMMON, GAZ};
    let letters = |t: &str| t.chars().filter(|c| c.is_alphabetic()).count();
    let lower_words = toks
        .iter()
        .filter(|t| t.chars().next().is_some_and(char::is_lowercase))
        .count();
    if lower_words * 3 < toks.len() {
        return;
    }
    for (i, t) in toks.iter().enumerate() {
        let n = t.chars().count();
        // Untagged, or a one-word MISC (the model's guess for unknown acronyms).
        let misc_alone = tags[i] == 7 && tags.get(i + 1) != Some(&8);
        if (tags[i] != 0 && !misc_alone)
            || !(2..=5).contains(&n)
            || !t.chars().all(|c| c.is_ascii_uppercase())
            || letters(t) != n
        {
            continue;
        }
        let lower = t.to_lowercase();
        if GAZ.word(&lower) != 0
            || COMMON.contains(lower.as_str())
            || is_roman(t)
            || NOT_ORG_ACRONYMS.contains(t)
        {
            continue;
        }
        tags[i] = 3;
    }
}

/// Everyday abbreviations that are not organisations (eras, units, media, titles, tech).
const NOT_ORG_ACRONYMS: [&str; 44] = [
    "AD", "BC", "BCE", "CE", "AM", "PM", "GMT", "UTC", "EST", "EDT", "PST", "PDT", "TV", "IQ",
    "PS", "OK", "ID", "PC", "PR", "DNA", "RNA", "HIV", "AIDS", "GDP", "GNP", "CPI", "CEO", "CFO",
    "COO", "MP", "MPS", "QC", "SC", "KC", "PHD", "MD", "USB", "PDF", "URL", "AI", "IT", "WWII",
    "WWI", "VIP",
];

fn is_roman(t: &str) -> bool {
    t.chars()
        .all(|c| matches!(c, 'I' | 'V' | 'X' | 'L' | 'C' | 'D' | 'M'))
}

#[allow(dead_code)]
const _: () = assert!(NTAGS == 9);

#[cfg(test)]
mod tests;
