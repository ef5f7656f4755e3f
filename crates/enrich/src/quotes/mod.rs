//! Direct quotes in news text: the quoted content, the speaker as written, the named
//! mention the speaker refers to, and the speech verb.
//!
//! Rule-based and linear: one pass pairs the quotation marks ([`scan`]), then each quoted
//! segment is attributed from a window of bounded size around it ([`attr`]): first the
//! words after the closing mark (`"…," Smith said`), then the clause before the opening
//! mark (`Smith said: "…"`, `Smith said the deal was "…"`). Segments are then grouped: a
//! quote interrupted by its attribution (`"…," he said. "…"`), a quote continued over
//! paragraphs, and further quoted fragments of the same sentence become pieces of one quote.
//! Pronoun speakers and unattributed full-sentence quotes take the last named speaker,
//! which is how news copy continues a speaker across paragraphs.

mod attr;
pub mod eval;
mod lex;
mod scan;
#[cfg(test)]
mod tests;

use std::ops::Range;

use crate::ner;
use attr::{Found, NpKind};

/// One attributed direct quote. All ranges are byte offsets into the text given to
/// [`extract`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QuoteSpan {
    /// The quoted words without their quotation marks; several pieces when the quote is
    /// interrupted (`"…," he said. "…"`) or runs over paragraphs.
    pub content: Vec<Range<usize>>,
    /// The speaker as written: "Mike Waltz", "he", "a spokesperson", "the ministry".
    pub speaker: Option<Range<usize>>,
    /// The named mention the speaker refers to, when it can be found: the speaker itself
    /// when it is a name, the last named speaker or person for "he"/"she"/"they".
    pub speaker_entity: Option<Range<usize>>,
    /// The speech verb as written ("said", "wrote", "told").
    pub verb: Option<String>,
}

/// A quote being assembled from segments.
struct Draft {
    content: Vec<Range<usize>>,
    speaker: Option<(Range<usize>, NpKind)>,
    verb: Option<Range<usize>>,
    /// Whether a speech verb was found next to the quote (not carried over).
    attributed: bool,
    /// The last segment ran to its paragraph end without a closing mark.
    open_chain: bool,
    /// End of the paragraph of the last segment.
    para_end: usize,
    /// End of the last closing mark.
    last_close: Option<usize>,
    /// Where the attribution clause after the quote ended, if a quote opening right
    /// there would continue this one.
    interrupt_at: Option<usize>,
    /// Unattributed full-sentence quote: takes the last named speaker.
    carried: bool,
    /// Offset of the first opening mark.
    open: usize,
}

impl Draft {
    fn attribute(&mut self, f: Found) {
        self.speaker = f.speaker;
        self.verb = f.verb;
        self.attributed = true;
    }
}

fn only_space(text: &str, a: usize, b: usize) -> bool {
    a <= b && text.get(a..b).is_some_and(|s| s.trim().is_empty())
}

/// Finds the attributed direct quotes in `text`, using the recognised `mentions` to
/// identify speakers.
pub fn extract(text: &str, mentions: &[ner::Span]) -> Vec<QuoteSpan> {
    let segs = scan::segments(text);
    let mut drafts: Vec<Draft> = Vec::new();
    for s in &segs {
        let ends_sentence = text[s.content.clone()]
            .trim_end_matches(|c: char| c == ',' || c.is_whitespace())
            .ends_with(['.', '!', '?']);
        let mut after = s
            .close_end
            .and_then(|e| attr::after_close(text, e, ends_sentence));
        let own = after.as_ref().is_some_and(|f| !f.new_sentence);
        if let Some(d) = drafts.last_mut() {
            // A quote continued from the previous paragraph.
            let continues =
                d.open_chain && s.opens_paragraph && only_space(text, d.para_end, s.open);
            // `"…," he said. "…"`: the attribution interrupts one quote.
            let interrupted = !own
                && d.interrupt_at
                    .is_some_and(|e| s.para_start <= e && only_space(text, e, s.open));
            if continues || interrupted {
                d.content.push(s.content.clone());
                d.open_chain = s.close_end.is_none();
                d.para_end = s.para_end;
                d.last_close = s.close_end;
                d.interrupt_at = None;
                if let Some(f) = after {
                    d.interrupt_at = f.clause_end;
                    if !d.attributed || d.carried {
                        d.carried = false;
                        d.attribute(f);
                    }
                }
                continue;
            }
        }
        // `… was "a surrender" and "a betrayal"`: a further fragment of a sentence whose
        // speaker was found for an earlier fragment is a quote of the same speaker. It stays
        // a quote of its own: fragments are often separate claims.
        let inherited = drafts.last().and_then(|d| {
            let same_sentence = !own
                && d.attributed
                && d.last_close.is_some_and(|c| {
                    c >= s.para_start
                        && c <= s.open
                        && text[c..s.open].len() < 200
                        && !text[c..s.open].contains(['.', '!', '?', ':', ';'])
                        && !text[d.content.last().map_or(c, |r| r.start)..c]
                            .trim_end_matches(|ch: char| lex::is_double_mark(ch) || ch == ',')
                            .ends_with(['.', '!', '?'])
                });
            same_sentence.then(|| (d.speaker.clone(), d.verb.clone()))
        });
        let mut d = Draft {
            content: vec![s.content.clone()],
            speaker: None,
            verb: None,
            attributed: false,
            open_chain: s.close_end.is_none(),
            para_end: s.para_end,
            last_close: s.close_end,
            interrupt_at: None,
            carried: false,
            open: s.open,
        };
        // A new sentence after a full-sentence quote ("…." She says …) yields to a clause
        // that introduced the quote.
        let weak_after = after.as_ref().is_some_and(|f| f.new_sentence);
        if let Some(f) = after.take_if(|_| !weak_after) {
            d.interrupt_at = f.clause_end;
            d.attribute(f);
        } else {
            // The clause before the mark, not reaching back over an earlier quote.
            let lo = drafts
                .last()
                .and_then(|p| p.last_close)
                .filter(|&c| c >= s.para_start && c <= s.open)
                .unwrap_or(s.para_start);
            let mut before = attr::before_open(text, lo, s.open);
            if before.is_none() && s.opens_paragraph && s.para_start > 0 {
                before = colon_paragraph(text, s.para_start);
            }
            // A speech verb between two fragments (`"…," but he said "…"`) names the
            // speaker anew; only without one does the fragment inherit.
            match (before.or(after), inherited) {
                (Some(f), _) => d.attribute(f),
                (None, Some((speaker, verb))) => {
                    d.speaker = speaker;
                    d.verb = verb;
                    d.attributed = true;
                }
                (None, None) => d.carried = attr::starts_sentence(text, s.para_start, s.open),
            }
        }
        drafts.push(d);
    }
    resolve(text, mentions, drafts)
}

/// `Smith said:` closing the previous paragraph introduces a quote that opens this one.
fn colon_paragraph(text: &str, para_start: usize) -> Option<Found> {
    let prev = text.get(..para_start)?.trim_end();
    if !prev.ends_with(':') {
        return None;
    }
    let colon = prev.len() - 1;
    let prev_start = prev.rfind('\n').map_or(0, |k| k + 1);
    attr::before_open(text, prev_start, colon)
}

fn word_count(text: &str, content: &[Range<usize>]) -> usize {
    content
        .iter()
        .filter_map(|r| text.get(r.clone()))
        .flat_map(str::split_whitespace)
        .filter(|w| w.chars().any(char::is_alphanumeric))
        .count()
}

/// A capitalised phrase without sentence punctuation ("The Art of the Deal"): a title or
/// slogan, quoted as a name rather than as speech.
fn looks_like_title(text: &str, content: &[Range<usize>]) -> bool {
    let [r] = content else { return false };
    let Some(s) = text.get(r.clone()) else {
        return false;
    };
    let s = s.trim_end_matches([',', '.']);
    if s.contains(['.', ',', '!', '?', ':', ';']) {
        return false;
    }
    let words: Vec<&str> = s.split_whitespace().collect();
    words.len() <= 10
        && words.iter().all(|w| {
            lex::is_cap(w)
                || !w.chars().next().is_some_and(char::is_alphabetic)
                || matches!(
                    *w,
                    "of" | "the"
                        | "a"
                        | "an"
                        | "and"
                        | "in"
                        | "on"
                        | "for"
                        | "to"
                        | "at"
                        | "by"
                        | "with"
                        | "from"
                        | "or"
                )
        })
}

/// Whether the word before an opening mark makes the quote part of a noun phrase
/// (`on "Face the Nation,"`, `the "Contract with America"`): a name, not speech.
fn in_noun_phrase(text: &str, open: usize) -> bool {
    // Only the last few bytes matter; a bounded look-back keeps a text of marks without
    // spaces linear.
    let from = lex::ceil_boundary(text, open.saturating_sub(64));
    let Some(before) = text.get(from..open) else {
        return false;
    };
    let w = before
        .trim_end()
        .rsplit(|c: char| c.is_whitespace())
        .next()
        .unwrap_or("");
    w.ends_with("'s")
        || w.ends_with("’s")
        || matches!(
            w.to_ascii_lowercase().as_str(),
            "on" | "of"
                | "in"
                | "at"
                | "the"
                | "a"
                | "an"
                | "his"
                | "her"
                | "their"
                | "its"
                | "titled"
                | "entitled"
                | "dubbed"
                | "called"
                | "named"
                | "for"
                | "from"
        )
}

/// Turns drafts into quotes: drops unattributed fragments and titles, and resolves each
/// speaker to a named mention.
fn resolve(text: &str, mentions: &[ner::Span], drafts: Vec<Draft>) -> Vec<QuoteSpan> {
    let mut out = Vec::with_capacity(drafts.len());
    let mut last_named: Option<Range<usize>> = None;
    for d in drafts {
        let words = word_count(text, &d.content);
        let title = looks_like_title(text, &d.content);
        if !d.attributed && (words < 3 || title) || title && in_noun_phrase(text, d.open) {
            continue;
        }
        if d.attributed && words == 0 {
            continue;
        }
        let entity = match &d.speaker {
            Some((r, NpKind::Name)) => name_entity(text, mentions, r.clone()),
            Some((r, NpKind::Pronoun)) => {
                let w = &text[r.clone()];
                // "I"/"we" are the writer or an unnamed group, "it" an organisation or a
                // document: none is the last named person.
                if ["i", "we", "it", "you"]
                    .iter()
                    .any(|p| w.eq_ignore_ascii_case(p))
                {
                    None
                } else {
                    last_named
                        .clone()
                        .or_else(|| last_person_before(text, mentions, r.start))
                }
            }
            Some((_, NpKind::Nominal)) => None,
            None if d.carried => last_named.clone(),
            None => None,
        };
        if matches!(d.speaker, Some((_, NpKind::Name))) && entity.is_some() {
            last_named.clone_from(&entity);
        }
        out.push(QuoteSpan {
            content: d.content,
            speaker: d.speaker.map(|(r, _)| r),
            speaker_entity: entity,
            verb: d.verb.and_then(|v| text.get(v).map(str::to_owned)),
        });
    }
    out
}

/// The named mention for a name speaker: an overlapping recognised mention (a person
/// first), else the phrase without leading titles and article.
fn name_entity(text: &str, mentions: &[ner::Span], r: Range<usize>) -> Option<Range<usize>> {
    let first = mentions.partition_point(|m| m.end <= r.start);
    let overlapping = mentions[first..]
        .iter()
        .take_while(|m| m.start < r.end)
        .filter(|m| m.end > r.start);
    let mut best: Option<&ner::Span> = None;
    for m in overlapping {
        let better = match best {
            None => true,
            Some(b) => b.label != ner::Label::Per && m.label == ner::Label::Per,
        };
        if better {
            best = Some(m);
        }
    }
    if let Some(m) = best.filter(|m| valid_mention(text, m)) {
        return Some(m.start..m.end);
    }
    let toks = lex::lex(text, r.start, r.end);
    let keep = toks.iter().position(|t| {
        let w = &text[t.range()];
        !(lex::is_title(w) || w.eq_ignore_ascii_case("the"))
    });
    let start = match keep {
        Some(k) => toks[k].start,
        // All title words ("the President"): the phrase itself names the speaker.
        None => r.start,
    };
    Some(start..r.end)
}

/// Mentions come from another module; one that is empty or off char boundaries is never
/// returned as a range into the text.
fn valid_mention(text: &str, m: &ner::Span) -> bool {
    m.start < m.end && text.is_char_boundary(m.start) && text.is_char_boundary(m.end)
}

/// The last person mention ending before `pos`.
fn last_person_before(text: &str, mentions: &[ner::Span], pos: usize) -> Option<Range<usize>> {
    let k = mentions.partition_point(|m| m.end <= pos);
    // Bounded, so many pronoun quotes after many non-person mentions stay linear; a person
    // named that far back is no longer the likely referent.
    mentions[..k]
        .iter()
        .rev()
        .take(64)
        .find(|m| m.label == ner::Label::Per)
        .filter(|m| valid_mention(text, m))
        .map(|m| m.start..m.end)
}
