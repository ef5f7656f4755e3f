//! Attribution rules: the speaker phrase and speech verb right after a closing mark
//! (`"…," Smith said`, `"…," said Smith`, `"…", according to Smith`) or in the clause
//! before an opening mark (`Smith said: "…"`, `Smith said the deal was "…"`). Each rule
//! reads a window of bounded size, which keeps the extractor linear.

use std::ops::Range;

use super::lex::{
    Kind, Tok, ceil_boundary, floor_boundary, is_aux_adverb, is_bare_speaker_head, is_cap,
    is_cap_stop, is_determiner, is_double_mark, is_name_connector, is_np_preposition, is_np_stop,
    is_pronoun, lex, verb_at,
};

/// How far after a closing mark an attribution is looked for.
const AFTER_WINDOW: usize = 240;
/// How far before an opening mark the introducing clause is looked for.
const BEFORE_WINDOW: usize = 480;

/// What kind of phrase the speaker is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum NpKind {
    /// he, she, they, I, we …
    Pronoun,
    /// Ends in a capitalised word: "Mike Waltz", "the State Department".
    Name,
    /// A common noun phrase: "a spokesperson for the ministry", "officials".
    Nominal,
}

/// An attribution found next to a quote.
#[derive(Debug, Clone)]
pub(crate) struct Found {
    pub speaker: Option<(Range<usize>, NpKind)>,
    /// The speech verb; `None` for a dash attribution (`"…" — Jane Doe`).
    pub verb: Option<Range<usize>>,
    /// The attribution is a new sentence after a quote that ended its own sentence
    /// (`"…." Smith said …`): weaker than an introducing clause before the quote.
    pub new_sentence: bool,
    /// For attributions after a quote: the byte offset just after the punctuation that
    /// ends the attribution clause (`he said.` / `he said,`), when the clause ends that way
    /// inside the window; a quote opening right after it continues the same quote.
    pub clause_end: Option<usize>,
}

fn word<'a>(text: &'a str, toks: &[Tok], i: usize) -> Option<&'a str> {
    toks.get(i)
        .filter(|t| t.kind == Kind::Word)
        .map(|t| &text[t.range()])
}

fn span(toks: &[Tok], a: usize, b: usize) -> Range<usize> {
    toks[a].start..toks[b - 1].end
}

/// A speaker phrase ending just before token `j` (exclusive), not reaching below `lo`.
/// Returns the token range and kind.
fn np_back(text: &str, toks: &[Tok], j: usize, lo: usize) -> Option<(usize, usize, NpKind)> {
    let mut k = j;
    while k > lo && word(text, toks, k - 1).is_some_and(is_aux_adverb) {
        k -= 1;
    }
    // `Rep. Jane Doe (D-Ohio) said`: look past the parenthesis.
    if k > lo && toks[k - 1].kind == Kind::Punct(')') {
        let open = (lo.max(k.saturating_sub(10))..k - 1)
            .rev()
            .find(|&p| toks[p].kind == Kind::Punct('('));
        if let Some(p) = open {
            k = p;
        }
    }
    if k <= lo {
        return None;
    }
    let w = word(text, toks, k - 1)?;
    if is_pronoun(w) {
        return Some((k - 1, k, NpKind::Pronoun));
    }
    if is_cap(w) && !is_cap_stop(w) && verb_at(text, toks, k - 1).is_none() {
        let mut a = k - 1;
        while a > lo {
            let Some(p) = word(text, toks, a - 1) else {
                break;
            };
            let connector = is_name_connector(p)
                && a - 1 > lo
                && word(text, toks, a - 2).is_some_and(|q| is_cap(q) && !is_cap_stop(q));
            if (is_cap(p) && !is_cap_stop(p)) || connector {
                a -= 1;
            } else {
                break;
            }
        }
        // "the State Department", "The Post": keep the article with an organisation.
        if a > lo && word(text, toks, a - 1).is_some_and(|p| p.eq_ignore_ascii_case("the")) {
            a -= 1;
        }
        return Some((a, k, NpKind::Name));
    }
    if is_cap(w) || is_np_stop(w) || verb_at(text, toks, k - 1).is_some() {
        return None;
    }
    // A common noun phrase: walk back to its determiner, through "for/of" attachments.
    let mut a = k - 1;
    let mut words = 1;
    let mut has_det = is_determiner(w);
    loop {
        if a <= lo || words > 8 {
            break;
        }
        let Some(p) = word(text, toks, a - 1) else {
            break;
        };
        if is_determiner(p) {
            a -= 1;
            words += 1;
            has_det = true;
            // "a spokesperson for the ministry": continue past the preposition.
            if a > lo + 1
                && word(text, toks, a - 1).is_some_and(is_np_preposition)
                && word(text, toks, a - 2)
                    .is_some_and(|q| !is_np_stop(q) && !is_cap_stop(q) && !is_determiner(q))
            {
                a -= 2;
                words += 2;
                continue;
            }
            // "the ministry's spokesperson": the possessor is itself determined.
            if p.ends_with("'s") || p.ends_with("’s") {
                continue;
            }
            break;
        }
        if has_det || is_np_stop(p) || is_cap_stop(p) || verb_at(text, toks, a - 1).is_some() {
            break;
        }
        if is_np_preposition(p) {
            // Only inside a phrase that reaches a determiner further back.
            a -= 1;
            words += 1;
            continue;
        }
        a -= 1;
        words += 1;
    }
    // Trim a dangling preposition at the front (a bare head then a failed walk).
    while a < k - 1 && word(text, toks, a).is_some_and(is_np_preposition) {
        a += 1;
    }
    if !has_det {
        // Bare plurals only, short: "officials", "senior administration officials".
        if k - a > 4 || !is_bare_speaker_head(w) {
            return None;
        }
        // A bare phrase must start a clause or follow a comma, else it is an object
        // ("told reporters").
        if a > lo {
            match toks[a - 1].kind {
                Kind::Punct(_) => {}
                Kind::Word => {
                    let p = &text[toks[a - 1].range()];
                    if !is_cap_stop(p) && !p.eq_ignore_ascii_case("that") {
                        return None;
                    }
                }
            }
        }
    }
    Some((a, k, NpKind::Nominal))
}

/// A speaker phrase starting at token `i`, not reaching `hi`.
fn np_fwd(text: &str, toks: &[Tok], i: usize, hi: usize) -> Option<(usize, usize, NpKind)> {
    let w = word(text, toks, i)?;
    if i >= hi {
        return None;
    }
    if is_pronoun(w) {
        return Some((i, i + 1, NpKind::Pronoun));
    }
    let kind_of = |b: usize| {
        if word(text, toks, b - 1).is_some_and(is_cap) {
            NpKind::Name
        } else {
            NpKind::Nominal
        }
    };
    if is_determiner(w) {
        let mut b = i + 1;
        while b < hi && b - i < 10 {
            let Some(n) = word(text, toks, b) else { break };
            if is_np_stop(n) || verb_at(text, toks, b).is_some() || is_aux_adverb(n) {
                break;
            }
            b += 1;
        }
        while b > i + 1 && word(text, toks, b - 1).is_some_and(is_np_preposition) {
            b -= 1;
        }
        if b == i + 1 && !(w.ends_with("'s") || w.ends_with("’s")) {
            return None;
        }
        return Some((i, b, kind_of(b)));
    }
    if is_cap(w) && !is_cap_stop(w) {
        let mut b = i + 1;
        while b < hi && b - i < 8 {
            let Some(n) = word(text, toks, b) else { break };
            let connector = is_name_connector(n)
                && word(text, toks, b + 1).is_some_and(|q| is_cap(q) && !is_cap_stop(q));
            if (is_cap(n) && !is_cap_stop(n)) || connector {
                b += 1;
            } else {
                break;
            }
        }
        return Some((i, b, NpKind::Name));
    }
    if is_np_stop(w) || is_cap(w) || verb_at(text, toks, i).is_some() {
        return None;
    }
    // Bare plural: "officials said", "senior officials said".
    let mut b = i;
    while b < hi && b - i < 4 {
        let Some(n) = word(text, toks, b) else { break };
        if is_np_stop(n) || verb_at(text, toks, b).is_some() || is_aux_adverb(n) {
            break;
        }
        b += 1;
    }
    let head = word(text, toks, b.checked_sub(1)?)?;
    (b > i && is_bare_speaker_head(head)).then_some((i, b, NpKind::Nominal))
}

/// The window from `from` up to the first newline or double mark, at most `max` bytes.
fn forward_window(text: &str, from: usize, max: usize) -> usize {
    let limit = floor_boundary(text, from.saturating_add(max));
    let Some(w) = text.get(from..limit) else {
        return from;
    };
    match w.find(|c: char| c == '\n' || is_double_mark(c)) {
        Some(k) => from + k,
        None => limit,
    }
}

/// The attribution right after a closing mark at `close_end`. `ends_sentence` says the
/// quote ended with `.`, `!` or `?` inside the marks, so a capitalised phrase after it
/// starts a new sentence.
pub(crate) fn after_close(text: &str, close_end: usize, ends_sentence: bool) -> Option<Found> {
    let end = forward_window(text, close_end, AFTER_WINDOW);
    let toks = lex(text, close_end, end);
    let n = toks.len();
    let stop_mark = text[end..].starts_with(|c: char| is_double_mark(c));
    let mut i = 0;
    let mut dash = false;
    while i < n && i < 2 {
        match toks[i].kind {
            Kind::Punct(c @ (',' | '.' | '!' | '?' | '—' | '–' | '―' | '-' | ';' | '…')) => {
                dash |= matches!(c, '—' | '–' | '―' | '-');
                i += 1;
            }
            _ => break,
        }
    }
    // Inverted: `," said Smith` / `", according to Smith`.
    if let Some(v) = verb_at(text, &toks, i) {
        let (a, b, kind) = np_fwd(text, &toks, v, n).or_else(|| phrase_to_comma(text, &toks, v))?;
        let kind_ok = kind != NpKind::Nominal || !naming_verb(text, &toks, i);
        return kind_ok.then(|| Found {
            speaker: Some((span(&toks, a, b), kind)),
            verb: Some(span(&toks, i, v)),
            clause_end: clause_end(text, &toks, b, stop_mark),
            new_sentence: false,
        });
    }
    let (a, b, kind) = np_fwd(text, &toks, i, n)
        .filter(|&(_, b, _)| {
            let j = skip_parenthesis(&toks, b);
            verb_at(text, &toks, j).is_some()
                || matches!(toks.get(j).map(|t| t.kind), Some(Kind::Punct(',')))
                || j == n
                || dash
        })
        .or_else(|| phrase_before_verb(text, &toks, i))?;
    let mut j = skip_parenthesis(&toks, b);
    // A byline-style dash attribution closing the paragraph: `" — Jane Doe`.
    if dash && kind == NpKind::Name && (j == n || (j + 1 == n && is_sentence_end(&toks[j]))) {
        return Some(Found {
            speaker: Some((span(&toks, a, b), kind)),
            verb: None,
            clause_end: None,
            new_sentence: false,
        });
    }
    // An appositive between speaker and verb: `," Smith, a senator from Ohio, said`.
    // Several commas may sit inside it (`, the attorney general of Ohio, one of the states
    // suing, said`): the verb is the first one right after a comma.
    if matches!(toks.get(j).map(|t| t.kind), Some(Kind::Punct(','))) {
        let close = (j + 1..n.min(j + 30))
            .find(|&k| toks[k].kind == Kind::Punct(',') && verb_at(text, &toks, k + 1).is_some());
        j = close? + 1;
    }
    while word(text, &toks, j).is_some_and(is_aux_adverb) {
        j += 1;
    }
    let v = verb_at(text, &toks, j)?;
    if kind == NpKind::Nominal && naming_verb(text, &toks, j) {
        return None;
    }
    let new_sentence = ends_sentence && is_cap(&text[toks[a].range()]);
    Some(Found {
        speaker: Some((span(&toks, a, b), kind)),
        verb: Some(span(&toks, j, v)),
        clause_end: if new_sentence {
            None
        } else {
            clause_end(text, &toks, v, stop_mark)
        },
        new_sentence,
    })
}

/// Any short run of words up to a speech verb (`," IMF chief economist Jane Roe said`,
/// `," retired Air Force general Jo Dee said`): the speaker phrase when the simple shapes
/// fail. Stops at function words, so a clause cannot pass for a speaker.
fn phrase_before_verb(text: &str, toks: &[Tok], i: usize) -> Option<(usize, usize, NpKind)> {
    let mut b = i;
    while b < toks.len() && b - i < 9 {
        if verb_at(text, toks, b).is_some() {
            break;
        }
        match word(text, toks, b) {
            Some(w) if !is_np_stop(w) && !is_aux_adverb(w) => b += 1,
            _ => break,
        }
    }
    let end = skip_parenthesis(toks, b);
    let v = (end..toks.len().min(end + 4))
        .find(|&k| word(text, toks, k).is_none_or(|w| !is_aux_adverb(w)))?;
    if b == i || verb_at(text, toks, v).is_none() {
        return None;
    }
    let kind = if word(text, toks, b - 1).is_some_and(is_cap) {
        NpKind::Name
    } else {
        NpKind::Nominal
    };
    Some((i, b, kind))
}

/// After an inverted verb, the words up to the next comma or sentence end (`," said 9/11
/// widow Jo Dee.`), when the simple shapes fail.
fn phrase_to_comma(text: &str, toks: &[Tok], i: usize) -> Option<(usize, usize, NpKind)> {
    let mut b = i;
    while b < toks.len() && b - i < 9 {
        match toks[b].kind {
            Kind::Word if !is_np_stop(&text[toks[b].range()]) => b += 1,
            Kind::Punct('/' | '-') => b += 1,
            _ => break,
        }
    }
    let at_end = b == toks.len() || matches!(toks[b].kind, Kind::Punct(',' | '.' | '(' | ';'));
    if b == i || !at_end || !word(text, toks, b - 1).is_some_and(is_cap) {
        return None;
    }
    Some((i, b, NpKind::Name))
}

/// Verbs that name rather than quote (`called it "…"`, `a box labeled "…"`): only a
/// person (a name or pronoun) doing so makes the quote speech.
fn naming_verb(text: &str, toks: &[Tok], i: usize) -> bool {
    toks.get(i).is_some_and(|t| {
        matches!(
            &text[t.range()],
            "called"
                | "calls"
                | "calling"
                | "labeled"
                | "labelled"
                | "dubbed"
                | "described"
                | "describes"
                | "describing"
                | "read"
                | "reads"
        )
    })
}

/// Skips a parenthesis right after a name (`Rep. Jane Doe (D-Ohio) said`).
fn skip_parenthesis(toks: &[Tok], j: usize) -> usize {
    if toks.get(j).map(|t| t.kind) != Some(Kind::Punct('(')) {
        return j;
    }
    (j + 1..toks.len().min(j + 10))
        .find(|&k| toks[k].kind == Kind::Punct(')'))
        .map_or(j, |k| k + 1)
}

/// Where the attribution clause after a quote ends, when a quote opens right after it:
/// the window stopped at a quotation mark (`stop_mark`) and its last token is clause
/// punctuation (`he said. "…` / `he said, "…`), with no sentence end before it, so the
/// next quote continues the same speaker's words. A second speech verb after `from` (`he
/// said, adding: "…"`) introduces a quote of its own instead.
fn clause_end(text: &str, toks: &[Tok], from: usize, stop_mark: bool) -> Option<usize> {
    let last = toks.last()?;
    if !stop_mark
        || !matches!(
            last.kind,
            Kind::Punct('.' | ',' | ':' | ';' | '!' | '?' | '—' | '–')
        )
    {
        return None;
    }
    let inner = from.min(toks.len() - 1)..toks.len() - 1;
    let ends = toks[inner.clone()]
        .iter()
        .filter(|t| is_sentence_end(t))
        .count();
    let verb = inner.into_iter().any(|k| verb_at(text, toks, k).is_some());
    (ends == 0 && !verb).then_some(last.end)
}

fn is_sentence_end(t: &Tok) -> bool {
    matches!(t.kind, Kind::Punct('.' | '!' | '?'))
}

/// The attribution in the clause that ends at `end` (an opening mark, or a colon that
/// closes the previous paragraph), looking no further back than `lo`.
pub(crate) fn before_open(text: &str, lo: usize, end: usize) -> Option<Found> {
    let from = ceil_boundary(text, lo.max(end.saturating_sub(BEFORE_WINDOW)));
    let toks = lex(text, from, end);
    let n = toks.len();
    // The clause starts after the last sentence end; a cut window starts mid-sentence.
    let cs = toks.iter().rposition(is_sentence_end).map_or(0, |k| k + 1);
    let mut k = n;
    while k > cs {
        k -= 1;
        let Some(v) = verb_at(text, &toks, k) else {
            continue;
        };
        let verb = span(&toks, k, v);
        let np = if super::lex::is_according(text, &toks, k) {
            np_fwd(text, &toks, v, n)
        } else {
            np_back(text, &toks, k, cs)
                .or_else(|| {
                    // `said Smith:` – an inverted speaker that closes the clause.
                    // The object of a naming verb is never its speaker.
                    np_fwd(text, &toks, v, n).filter(|&(_, b, _)| {
                        b < n
                            && matches!(toks[b].kind, Kind::Punct(':' | ','))
                            && !naming_verb(text, &toks, k)
                    })
                })
                .or_else(|| {
                    // `Smith tweeted on Monday, saying "…"`: the clause subject.
                    // A common noun is trusted only before a participle, whose subject it
                    // must be; before a finite verb it is more often another clause's.
                    let participle = text[toks[k].range()].ends_with("ing");
                    np_fwd(text, &toks, cs, k)
                        .filter(|&(_, _, kind)| participle || kind != NpKind::Nominal)
                })
        };
        // `a box labeled "…"`: naming by a thing is no speaker; the quote stays, since a
        // naming verb still marks the words as someone's.
        let np = np.filter(|&(_, _, kind)| kind != NpKind::Nominal || !naming_verb(text, &toks, k));
        return Some(Found {
            speaker: np.map(|(a, b, kind)| (span(&toks, a, b), kind)),
            verb: Some(verb),
            clause_end: None,
            new_sentence: false,
        });
    }
    None
}

/// Whether the non-space text before `open` (within its paragraph) ends a sentence, so a
/// quote opening there is a sentence of its own.
pub(crate) fn starts_sentence(text: &str, para_start: usize, open: usize) -> bool {
    let Some(before) = text.get(para_start..open) else {
        return false;
    };
    let mut cs = before.chars().rev().filter(|c| !c.is_whitespace());
    match cs.next() {
        None => true,
        Some('.' | '!' | '?' | ':') => true,
        Some(c) if is_double_mark(c) => matches!(cs.next(), Some('.' | '!' | '?' | ',')),
        _ => false,
    }
}
