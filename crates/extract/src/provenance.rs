//! Republication notes in plain text — "(This article originally appeared on www.oc-media.org on
//! March 17.)", "This story was first published by Valdren Daily Post on November 12, 2026.",
//! "Republished with permission from Some Outlet.", "Via X", a closing "Source: X" — read into a
//! [`Provenance`] (original outlet as given, URL when given, date with the year inferred from
//! the page's date) together with where the note sits, so importers can cut it from the body.
//! Works on plain text so that both the text-page and the HTML extractor can use it.

use crate::dates::{self, DateMatch};
use crate::textutil::{host_of, re, strip_www};
use chrono::NaiveDate;
use once_cell::sync::Lazy;
use regex::Regex;
use std::ops::Range;
use tidings_model::Provenance;

/// Notes sit at the end of an article (sometimes at its start); only these many non-blank
/// lines from each end are examined.
const LINES_FROM_END: usize = 4;
const LINES_FROM_START: usize = 2;
/// A note is one or two sentences; longer lines are only searched for a trailing note sentence
/// within this many bytes of their end.
const MAX_NOTE_BYTES: usize = 600;
/// Words a note may carry after the outlet and date ("and is republished here under a Creative
/// Commons licence. Read the original article.").
const MAX_TAIL_WORDS_LINE: usize = 16;
/// A note trailing a body paragraph must be tight, or a sentence like "It first appeared in The
/// New Yorker in a 1994 essay by …" would be taken for one.
const MAX_TAIL_WORDS_INLINE: usize = 6;
/// An outlet name longer than this is a sentence, not a name.
const MAX_NAME_WORDS: usize = 10;

/// A republication note found in a text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RepublicationNote {
    pub provenance: Provenance,
    /// Byte range of the note in the searched text, brackets and final period included, so that
    /// cutting it leaves the body clean.
    pub span: Range<usize>,
    /// True when the note fills its whole line; false when it is the last sentence of a longer
    /// paragraph.
    pub whole_line: bool,
}

impl RepublicationNote {
    /// `text` without the note: a whole-line note goes with its line, a trailing sentence with
    /// the space before it.
    pub fn cut_from(&self, text: &str) -> String {
        let (Some(before), Some(after)) = (text.get(..self.span.start), text.get(self.span.end..))
        else {
            return text.to_string();
        };
        let before = if self.whole_line {
            before
        } else {
            before.trim_end_matches([' ', '\t', '\u{a0}'])
        };
        let mut out = String::with_capacity(text.len());
        out.push_str(before);
        out.push_str(after);
        out
    }
}

static NOTE_LEAD: Lazy<Regex> = Lazy::new(|| {
    re(r"(?xi)^
        (?P<subject>
            (?:an?\s+(?:(?:earlier|shorter|longer|different|previous|original)\s+)?version\s+of\s+)?
            (?:this|the)\s+(?:article|story|piece|post|report|column|commentary|essay|op-?ed|
                interview|analysis|feature|item|text|content|blog\s+post|investigation)\s+
          | it\s+ )?
        (?:(?:was|is|has\s+been|had\s+been|were|are)\s+)?
        (?P<verb>
            (?P<originally>originally|first)\s+(?:appeared|published|posted|ran|printed|aired)
                (?:\s+online)?\s+(?:on|in|by|at|with|for)
          | (?:appeared|published|posted|ran)\s+(?:originally|first)\s+(?:on|in|by|at|with|for)
          | (?P<republished>re-?published|re-?printed|reproduced|re-?posted|cross-?posted|syndicated)
                (?:\s+here)?\s+(?:with\s+(?:the\s+)?(?:kind\s+|express\s+)?permission\s+(?:of|from)
                    |by\s+(?:kind\s+)?permission\s+of|by\s+arrangement\s+with|courtesy\s+of|from|via)
          | (?:published|shared)(?:\s+here)?\s+(?:with\s+(?:the\s+)?(?:kind\s+)?permission\s+(?:of|from)
                |by\s+arrangement\s+with|courtesy\s+of)
        )\s+")
});
static VIA: Lazy<Regex> = Lazy::new(|| re(r"(?i)^via\s*:?\s+"));
static SOURCE: Lazy<Regex> = Lazy::new(|| re(r"(?i)^source\s*:\s*"));
static URL_START: Lazy<Regex> = Lazy::new(|| re(r#"(?i)^<?(https?://[^\s<>()\[\]"“”]+)"#));
static URL_ANYWHERE: Lazy<Regex> = Lazy::new(|| re(r#"(?i)https?://[^\s<>()\[\]"“”]+"#));
static DOMAIN_START: Lazy<Regex> = Lazy::new(|| {
    re(r"(?i)^((?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,24})(/[^\s()<>\[\]]*)?")
});
static LINK_WORD: Lazy<Regex> = Lazy::new(|| re(r"(?i)^\s*,?\s*(?:by|in|on|at)\s+"));

/// Where a candidate note stands, which decides how strict the reading is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Placement {
    /// The note fills its line, and the line is the last non-blank one.
    LastLine,
    /// The note fills its line.
    Line,
    /// The note is the last sentence of a longer line.
    Inline,
}

/// Finds a republication note near the end (or the start) of `text`. `reference_date` is the
/// date of the page, used to give yearless note dates ("on March 17") their year.
pub fn find_republication_note(
    text: &str,
    reference_date: Option<NaiveDate>,
) -> Option<RepublicationNote> {
    let lines = non_blank_lines(text);
    let last = lines.len().checked_sub(1)?;
    let from_end = (0..lines.len()).rev().take(LINES_FROM_END);
    let from_start = (0..lines.len()).take(LINES_FROM_START);
    for i in from_end.chain(from_start) {
        let line = lines.get(i)?.clone();
        if let Some(note) = note_in_line(text, line, i == last, reference_date) {
            return Some(note);
        }
    }
    None
}

/// Reads one string that is entirely a note (brackets and final period allowed). `None` when it
/// is not a note or names no outlet or URL.
pub fn parse_republication_note(
    note: &str,
    reference_date: Option<NaiveDate>,
) -> Option<Provenance> {
    parse_note(note, Placement::LastLine, reference_date)
}

/// Byte ranges of the non-blank lines of `text`, trimmed.
fn non_blank_lines(text: &str) -> Vec<Range<usize>> {
    let mut out = Vec::new();
    let mut start = 0;
    for line in text.split('\n') {
        let end = start + line.len();
        let lead = line.len() - line.trim_start().len();
        let trimmed = line.trim();
        if !trimmed.is_empty() {
            out.push(start + lead..start + lead + trimmed.len());
        }
        start = end + 1;
    }
    out
}

fn note_in_line(
    text: &str,
    line: Range<usize>,
    is_last: bool,
    reference: Option<NaiveDate>,
) -> Option<RepublicationNote> {
    let line_text = text.get(line.clone())?;
    if line_text.len() <= MAX_NOTE_BYTES {
        let placement = if is_last {
            Placement::LastLine
        } else {
            Placement::Line
        };
        if let Some(provenance) = parse_note(line_text, placement, reference) {
            return Some(RepublicationNote {
                provenance,
                span: line,
                whole_line: true,
            });
        }
    }
    for start in sentence_starts(line_text) {
        let candidate = line_text.get(start..)?;
        if let Some(provenance) = parse_note(candidate, Placement::Inline, reference) {
            return Some(RepublicationNote {
                provenance,
                span: line.start + start..line.end,
                whole_line: false,
            });
        }
    }
    None
}

/// Byte offsets where a sentence begins within the last [`MAX_NOTE_BYTES`] of a line (never 0:
/// the whole line was tried already).
fn sentence_starts(line: &str) -> Vec<usize> {
    let window_start = line.len().saturating_sub(MAX_NOTE_BYTES);
    let mut starts = Vec::new();
    let mut after_terminator = false;
    let mut in_gap = false;
    for (i, c) in line.char_indices() {
        if c.is_whitespace() {
            in_gap = after_terminator;
            continue;
        }
        if in_gap && i >= window_start {
            starts.push(i);
        }
        in_gap = false;
        after_terminator = matches!(c, '.' | '!' | '?' | '…' | '"' | '”' | '’' | ')' | ']')
            && (after_terminator || matches!(c, '.' | '!' | '?' | '…'));
    }
    starts
}

/// Reads a note: the lead ("This article originally appeared on"), the origin (URL, domain or
/// outlet name), an optional date, and a short tail.
fn parse_note(s: &str, placement: Placement, reference: Option<NaiveDate>) -> Option<Provenance> {
    let s = strip_decoration(s);
    if let Some(lead) = NOTE_LEAD.captures(s) {
        let strong = lead.name("subject").is_some_and(|m| !is_it(m.as_str()))
            || lead.name("originally").is_some_and(|m| m.start() == 0)
            || lead.name("republished").is_some();
        if placement == Placement::Inline && !strong {
            return None;
        }
        let rest = s.get(lead.get(0)?.end()..)?;
        let max_tail = if placement == Placement::Inline {
            MAX_TAIL_WORDS_INLINE
        } else {
            MAX_TAIL_WORDS_LINE
        };
        return read_origin(rest, reference, max_tail);
    }
    if placement == Placement::Inline {
        return None;
    }
    // "Via X" and "Source: X" say nothing but the origin, so they only count alone on a line
    // ("Source:" only as the very last line, where it cannot be a field of a header).
    let lead = VIA
        .find(s)
        .or_else(|| SOURCE.find(s).filter(|_| placement == Placement::LastLine))?;
    let rest = s.get(lead.end()..)?;
    read_origin(rest, reference, 0)
}

fn is_it(subject: &str) -> bool {
    subject.trim().eq_ignore_ascii_case("it")
}

/// Drops the wrapping a note often has: parentheses or brackets, emphasis marks, a leading dash.
fn strip_decoration(s: &str) -> &str {
    let s = s.trim_matches(|c: char| c.is_whitespace() || matches!(c, '*' | '_'));
    let s = s.trim_start_matches(['—', '–', '-', ' ']);
    for (open, close) in [('(', ')'), ('[', ']')] {
        if let Some(inner) = s.strip_prefix(open) {
            let inner = inner.trim_end();
            let inner = inner
                .strip_suffix(close)
                .or_else(|| inner.strip_suffix(&format!("{close}.")))
                .unwrap_or(inner);
            return inner.trim();
        }
    }
    s
}

/// The origin named at the start of `rest` and the date near it; `None` unless an outlet or URL
/// is found and what follows is at most `max_tail` words.
fn read_origin(rest: &str, reference: Option<NaiveDate>, max_tail: usize) -> Option<Provenance> {
    let mut date = None;
    let mut rest = rest;
    // "originally published on 12 November 2026 by The Outlet": the date comes first.
    if let Some(m) = dates::parse_date_prefix(rest, reference) {
        date = Some(m);
        let after = rest.get(m.len..)?;
        rest = after.get(LINK_WORD.find(after)?.end()..)?;
    }
    let origin = read_outlet(rest)?;
    let tail = rest.get(origin.len..)?;
    let mut tail_words = count_tail_words(tail);
    if date.is_none()
        && let Some((m, range)) = dates::find_date(tail, reference, 160)
    {
        date = Some(m);
        tail_words = count_tail_words(tail.get(..range.start).unwrap_or_default())
            + count_tail_words(tail.get(range.end..).unwrap_or_default());
    }
    if tail_words > max_tail {
        return None;
    }
    let url = origin.url.or_else(|| {
        URL_ANYWHERE
            .find(tail)
            .map(|m| trim_url(m.as_str()).to_string())
    });
    Some(Provenance {
        original_outlet: Some(origin.outlet),
        original_url: url,
        original_published_at: date.map(|m: DateMatch| dates::midnight_utc(m.date)),
    })
}

/// Words of a note's tail, not counting punctuation or the link words that introduce a date.
fn count_tail_words(tail: &str) -> usize {
    tail.split_whitespace()
        .filter(|w| w.chars().any(char::is_alphanumeric))
        .filter(|w| !matches!(w.to_lowercase().trim_end_matches(','), "on" | "in" | "at"))
        .count()
}

/// An origin as the note gives it.
struct Origin {
    outlet: String,
    url: Option<String>,
    /// Bytes of the note it took.
    len: usize,
}

fn read_outlet(s: &str) -> Option<Origin> {
    read_url(s)
        .or_else(|| read_domain(s))
        .or_else(|| read_name(s))
}

fn read_url(s: &str) -> Option<Origin> {
    let caps = URL_START.captures(s)?;
    let raw = caps.get(1)?;
    let url = trim_url(raw.as_str());
    let outlet = host_of(url)?;
    Some(Origin {
        outlet,
        url: Some(url.to_string()),
        len: raw.start() + url.len(),
    })
}

/// A URL without the sentence punctuation that follows it in prose.
fn trim_url(url: &str) -> &str {
    url.trim_end_matches(['.', ',', ';', ':', ')', ']', '>', '!', '?', '\'', '’'])
}

fn read_domain(s: &str) -> Option<Origin> {
    let caps = DOMAIN_START.captures(s)?;
    let whole = caps.get(0)?;
    let next = s.get(whole.end()..)?.chars().next();
    let at_boundary = next.is_none_or(|c| c.is_whitespace() || ",;:)]!?'\"”’.".contains(c));
    if !at_boundary {
        return None;
    }
    let domain = strip_www(caps.get(1)?.as_str());
    let path = caps
        .get(2)
        .map(|m| trim_url(m.as_str()))
        .unwrap_or_default();
    let url = (path.len() > 1)
        .then(|| format!("https://{}{path}", caps.get(1).map_or("", |m| m.as_str())));
    let len = caps.get(1)?.end() + path.len();
    Some(Origin {
        outlet: domain,
        url,
        len,
    })
}

/// Lowercase words that end an outlet name: what follows is the rest of the sentence.
const NAME_STOP_WORDS: &[&str] = &[
    "on", "in", "at", "under", "with", "as", "via", "which", "where", "who", "before", "after",
    "last", "this", "earlier", "here", "by", "from", "to", "and", "since", "during", "when",
];
/// Abbreviations whose period does not end a name ("St. Louis Post-Dispatch").
const NAME_ABBREVIATIONS: &[&str] = &[
    "st", "mt", "ft", "dr", "jr", "sr", "inc", "co", "ltd", "corp", "no",
];

/// An outlet name: capitalised words up to the end of the sentence, a comma, a bracket, a date
/// or a lowercase link word.
fn read_name(s: &str) -> Option<Origin> {
    let mut end = 0usize;
    let mut words = 0usize;
    for (start, token) in tokens(s) {
        if words > 0 && ends_name_before(s, start, token) {
            break;
        }
        if token.starts_with(['(', '[', '—', '–', '|']) || token == "-" {
            break;
        }
        let core = token.trim_end_matches([',', ';', ':', ')', ']', '.', '!', '?']);
        words += 1;
        if words > MAX_NAME_WORDS {
            return None;
        }
        end = start + core.len();
        if core.len() < token.len() && ends_name_after(token, core) {
            break;
        }
    }
    let name = s
        .get(..end)?
        .trim_matches(['"', '“', '”', '\'', '‘', '’', '«', '»']);
    valid_name(name).then(|| Origin {
        outlet: name.to_string(),
        url: None,
        len: end,
    })
}

/// Whitespace-separated tokens with their byte offsets.
fn tokens(s: &str) -> impl Iterator<Item = (usize, &str)> {
    s.split_whitespace()
        .map(move |t| (t.as_ptr() as usize - s.as_ptr() as usize, t))
}

/// True when the token at `start` no longer belongs to the name.
fn ends_name_before(s: &str, start: usize, token: &str) -> bool {
    let rest = s.get(start..).unwrap_or_default();
    if dates::parse_date_prefix(rest, None).is_some() || starts_with_month_day(rest) {
        return true;
    }
    let lower = token.to_lowercase();
    let is_link_word = matches!(lower.as_str(), "on" | "in" | "at");
    if is_link_word {
        let after = rest.get(token.len()..).unwrap_or_default().trim_start();
        if starts_with_month_day(after) || dates::parse_date_prefix(after, None).is_some() {
            return true;
        }
    }
    let lowercase = token.chars().next().is_some_and(char::is_lowercase);
    lowercase && NAME_STOP_WORDS.contains(&lower.as_str())
}

/// "March 17" / "17 March" without a year still ends a name ("… by X on 12 November.").
fn starts_with_month_day(s: &str) -> bool {
    let anchor = NaiveDate::from_ymd_opt(2000, 12, 31);
    dates::parse_date_prefix(s, anchor).is_some()
}

/// True when the punctuation after `core` closes the name.
fn ends_name_after(token: &str, core: &str) -> bool {
    let punct = &token[core.len()..];
    if !punct.starts_with('.') {
        return true;
    }
    // "U.S." and "St." are abbreviations, not the end of the sentence.
    let lower = core.to_lowercase();
    let is_initialism = core.contains('.') || core.chars().count() == 1;
    !(is_initialism || NAME_ABBREVIATIONS.contains(&lower.as_str()))
}

/// An outlet name starts with a capital (or "the" and a capital, or a digit and a capital word)
/// and is not a bare number.
fn valid_name(name: &str) -> bool {
    let mut words = name.split_whitespace();
    let Some(first) = words.next() else {
        return false;
    };
    let first_char = first.chars().next();
    if first_char.is_some_and(char::is_uppercase) {
        return true;
    }
    let second_capital = || {
        name.split_whitespace()
            .nth(1)
            .and_then(|w| w.chars().next())
            .is_some_and(char::is_uppercase)
    };
    let leading_the = first == "the";
    let leading_number = first_char.is_some_and(|c| c.is_ascii_digit());
    (leading_the || leading_number) && second_capital()
}

#[cfg(test)]
mod tests;
