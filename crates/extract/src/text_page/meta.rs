//! The meta block of a text page, between the headline and the body: the outlet line(s), the
//! view and comment counters, and the author byline, in any order.

use super::{Line, malformed, split_list};
use crate::ExtractError;
use crate::byline::parse_authors;
use crate::textutil::{collapse_whitespace, re, snippet};
use once_cell::sync::Lazy;
use regex::Regex;

/// Counters above this are not counts of anything a page has seen.
const MAX_COUNT: i64 = 1_000_000_000_000;
/// An outlet or author name is a few words; longer "by …" lines are prose.
const MAX_NAME_WORDS: usize = 12;

/// What one line of the meta block says.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum MetaLine {
    /// "by" alone: the next non-blank line names the outlet.
    BareBy,
    /// "Source: X", "Outlet: X", "Publisher: X".
    Outlet(String),
    /// "by X" — the outlet when lowercase or followed by counters, otherwise the byline.
    By {
        lowercase: bool,
        rest: String,
    },
    /// "Words by X", "Written by X", "Author: X": always the byline.
    Authors(String),
    /// Views and/or comments (possibly malformed: reported when read).
    Counters,
    Section(String),
    Tags(String),
    /// Not a meta line: the body (or, before the meta block, the headline) begins here.
    Other,
}

/// What the meta block gave.
#[derive(Debug, Default)]
pub(super) struct MetaBlock {
    pub outlet: Option<String>,
    pub authors: Vec<String>,
    pub views: Option<i64>,
    pub comments: Option<i64>,
    pub section: Option<String>,
    pub tags: Vec<String>,
    /// Index of the first body line.
    pub body_start: usize,
}

static BARE_BY: Lazy<Regex> = Lazy::new(|| re(r"(?i)^(?:by|from)\s*:?$"));
static OUTLET_LABEL: Lazy<Regex> =
    Lazy::new(|| re(r"(?i)^(?:source|outlet|publisher|publication|published\s+by)\s*:\s*(\S.*)$"));
static BY: Lazy<Regex> = Lazy::new(|| re(r"^(by|By|BY)\s*:?\s+(\S.*)$"));
static AUTHORS: Lazy<Regex> = Lazy::new(|| {
    re(
        r"(?i)^(?:(?:words|written|story|reporting|report|text|interview|photos?\s+and\s+words|words\s+and\s+(?:photos?|pictures))\s+by\s*:?|authors?\s*:|byline\s*:)\s*(\S.*)$",
    )
});
pub(super) static SECTION: Lazy<Regex> =
    Lazy::new(|| re(r"(?i)^(?:section|category|rubric|desk)\s*:\s*(\S.*)$"));
pub(super) static TAGS: Lazy<Regex> =
    Lazy::new(|| re(r"(?i)^(?:tags?|topics?|keywords?|entities)\s*:\s*(\S.*)$"));

const COUNTER_WORDS: &str = r"views?|reads?|visits|page\s*views|comments?|replies|responses";
static BARE_COUNT: Lazy<Regex> = Lazy::new(|| re(r"^[-+−]?\d[\d,.\u{a0}\u{202f}' ]*[kKmMbB]?\+?$"));
static LABEL_FIRST: Lazy<Regex> = Lazy::new(|| {
    re(&format!(
        r"(?i)^({COUNTER_WORDS})\s*(?:[:=]\s*(\S.*)|\s([-+−]?\d\S*))$"
    ))
});
static LABEL_AFTER: Lazy<Regex> = Lazy::new(|| {
    re(&format!(
        r"(?i)^([-+−]?\d[\d,.\u{{a0}}\u{{202f}}']*[kKmMbB]?\+?|no)\s*({COUNTER_WORDS})$"
    ))
});
static COUNTER_SEPARATORS: Lazy<Regex> = Lazy::new(|| re(r"\s*(?:/|·|\||•|;|,\s|\band\b)\s*"));

/// Classifies line `i` of `lines`.
pub(super) fn classify(lines: &[Line<'_>], i: usize) -> MetaLine {
    let Some(line) = lines.get(i) else {
        return MetaLine::Other;
    };
    let text = line.text;
    if BARE_BY.is_match(text) {
        let next = next_non_blank(lines, i + 1).and_then(|j| lines.get(j));
        return match next {
            Some(n) if is_name(n.text) => MetaLine::BareBy,
            _ => MetaLine::Other,
        };
    }
    if let Some(c) = OUTLET_LABEL.captures(text) {
        return MetaLine::Outlet(capture(&c, 1));
    }
    if let Some(c) = AUTHORS.captures(text) {
        return MetaLine::Authors(capture(&c, 1));
    }
    if let Some(c) = BY.captures(text) {
        let rest = capture(&c, 2);
        if !is_name(&rest) {
            return MetaLine::Other;
        }
        let lowercase = c.get(1).is_some_and(|m| m.as_str() == "by");
        return MetaLine::By { lowercase, rest };
    }
    if let Some(c) = SECTION.captures(text) {
        return MetaLine::Section(capture(&c, 1));
    }
    if let Some(c) = TAGS.captures(text) {
        return MetaLine::Tags(capture(&c, 1));
    }
    if counter_parts(text).is_some() {
        return MetaLine::Counters;
    }
    MetaLine::Other
}

fn capture(c: &regex::Captures<'_>, i: usize) -> String {
    collapse_whitespace(c.get(i).map_or("", |m| m.as_str()))
}

fn next_non_blank(lines: &[Line<'_>], from: usize) -> Option<usize> {
    (from..lines.len()).find(|&j| lines.get(j).is_some_and(|l| !l.is_blank()))
}

/// A name of an outlet or person: a few words starting with a capital, a digit, "the" and a
/// capital, or a domain.
fn is_name(s: &str) -> bool {
    let words: Vec<&str> = s.split_whitespace().collect();
    let Some(first) = words.first() else {
        return false;
    };
    if words.len() > MAX_NAME_WORDS {
        return false;
    }
    let capital = |w: &str| {
        w.trim_start_matches(['"', '“', '‘', '\'', '('])
            .chars()
            .next()
            .is_some_and(|c| c.is_uppercase() || c.is_ascii_digit())
    };
    let domain = first.contains('.')
        && first
            .chars()
            .all(|c| c.is_alphanumeric() || ".-".contains(c));
    capital(first)
        || domain
        || (first.eq_ignore_ascii_case("the") && words.get(1).is_some_and(|w| capital(w)))
}

/// Reads the meta block starting at `start` (the first meta line).
pub(super) fn read_meta(lines: &[Line<'_>], start: usize) -> Result<MetaBlock, ExtractError> {
    let mut block = MetaBlock::default();
    let mut bare_counts = 0usize;
    let mut i = start;
    while let Some(line) = lines.get(i) {
        if line.is_blank() {
            i += 1;
            continue;
        }
        let taken = match classify(lines, i) {
            MetaLine::BareBy => match next_non_blank(lines, i + 1) {
                Some(j) if block.outlet.is_none() => {
                    block.outlet = lines.get(j).map(|l| collapse_whitespace(l.text));
                    i = j;
                    true
                }
                _ => false,
            },
            MetaLine::Outlet(name) => set_once(&mut block.outlet, name),
            MetaLine::By { lowercase, rest } => take_by_line(&mut block, lines, i, lowercase, rest),
            MetaLine::Authors(rest) => take_authors(&mut block, &rest),
            MetaLine::Counters => {
                read_counters(&mut block, line, &mut bare_counts)?;
                true
            }
            MetaLine::Section(s) => set_once(&mut block.section, s),
            MetaLine::Tags(t) => {
                block.tags.extend(split_list(&t));
                true
            }
            MetaLine::Other => {
                check_not_a_broken_count(line, bare_counts)?;
                false
            }
        };
        if !taken {
            break;
        }
        i += 1;
    }
    block.body_start = i;
    Ok(block)
}

fn set_once(slot: &mut Option<String>, value: String) -> bool {
    if slot.is_some() {
        return false;
    }
    *slot = Some(value);
    true
}

/// "by X" names the outlet when it is lowercase or when counters or a byline follow it (the
/// aggregator's outlet line); otherwise it is the author byline.
fn take_by_line(
    block: &mut MetaBlock,
    lines: &[Line<'_>],
    i: usize,
    lowercase: bool,
    rest: String,
) -> bool {
    if block.outlet.is_none() {
        let next = next_non_blank(lines, i + 1).map(|j| classify(lines, j));
        let more_meta_follows = matches!(
            next,
            Some(MetaLine::Counters | MetaLine::By { .. } | MetaLine::Authors(_))
        );
        if lowercase || more_meta_follows {
            block.outlet = Some(rest);
            return true;
        }
    }
    take_authors(block, &rest)
}

fn take_authors(block: &mut MetaBlock, byline: &str) -> bool {
    if !block.authors.is_empty() {
        return false;
    }
    block.authors = parse_authors(byline);
    !block.authors.is_empty()
}

// ---------------------------------------------------------------------------------------------
// Counters

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum CounterKind {
    Views,
    Comments,
}

impl CounterKind {
    fn from_word(word: &str) -> Self {
        let w = word.to_ascii_lowercase();
        if w.starts_with("comment") || w.starts_with("repl") || w.starts_with("respon") {
            CounterKind::Comments
        } else {
            CounterKind::Views
        }
    }

    fn name(self) -> &'static str {
        match self {
            CounterKind::Views => "view count",
            CounterKind::Comments => "comment count",
        }
    }
}

/// One counter on a line: its kind when labelled, and its raw value.
struct CounterPart {
    kind: Option<CounterKind>,
    raw: String,
}

/// The counters of a line, or `None` when the line is not a counter line at all.
fn counter_parts(text: &str) -> Option<Vec<CounterPart>> {
    let mut parts = Vec::new();
    for piece in COUNTER_SEPARATORS.split(text) {
        let piece = piece.trim();
        if piece.is_empty() {
            continue;
        }
        parts.push(counter_part(piece)?);
    }
    (!parts.is_empty()).then_some(parts)
}

fn counter_part(piece: &str) -> Option<CounterPart> {
    if BARE_COUNT.is_match(piece) {
        return Some(CounterPart {
            kind: None,
            raw: piece.to_string(),
        });
    }
    if let Some(c) = LABEL_FIRST.captures(piece) {
        let raw = c.get(2).or_else(|| c.get(3))?.as_str().to_string();
        return Some(CounterPart {
            kind: Some(CounterKind::from_word(c.get(1)?.as_str())),
            raw,
        });
    }
    let c = LABEL_AFTER.captures(piece)?;
    Some(CounterPart {
        kind: Some(CounterKind::from_word(c.get(2)?.as_str())),
        raw: c.get(1)?.as_str().to_string(),
    })
}

/// Reads a counter line into the block: labelled values by label, bare ones views first, then
/// comments. Impossible values are errors naming the line.
fn read_counters(
    block: &mut MetaBlock,
    line: &Line<'_>,
    bare_counts: &mut usize,
) -> Result<(), ExtractError> {
    let parts = counter_parts(line.text).unwrap_or_default();
    for part in parts {
        let kind = match part.kind {
            Some(kind) => kind,
            None => {
                *bare_counts += 1;
                match *bare_counts {
                    1 => CounterKind::Views,
                    2 => CounterKind::Comments,
                    _ => {
                        return Err(malformed(
                            line,
                            format!(
                                "unexpected third count {:?} (expected views, then comments)",
                                snippet(&part.raw, 30)
                            ),
                        ));
                    }
                }
            }
        };
        let value = parse_count(&part.raw)
            .map_err(|why| malformed(line, format!("{} {why}", kind.name())))?;
        let slot = match kind {
            CounterKind::Views => &mut block.views,
            CounterKind::Comments => &mut block.comments,
        };
        if slot.is_some() {
            return Err(malformed(line, format!("a second {}", kind.name())));
        }
        *slot = Some(value);
    }
    Ok(())
}

/// After a bare view count, a lone token with digits where the comment count belongs is a
/// broken count ("0x", "12..3"), not the start of the body.
fn check_not_a_broken_count(line: &Line<'_>, bare_counts: usize) -> Result<(), ExtractError> {
    let single_token = !line.text.contains(char::is_whitespace);
    if bare_counts == 1 && single_token && line.text.contains(|c: char| c.is_ascii_digit()) {
        return Err(malformed(
            line,
            format!("comment count {:?} is not a number", snippet(line.text, 30)),
        ));
    }
    Ok(())
}

/// Parses "55", "1,234", "12 500", "1.2k", "3M", "no". The error says what is wrong with the
/// value, to follow the counter's name.
fn parse_count(raw: &str) -> Result<i64, String> {
    let quoted = format!("{:?}", snippet(raw, 30));
    let s = raw.trim().trim_end_matches('+');
    if s.eq_ignore_ascii_case("no") || s.eq_ignore_ascii_case("none") {
        return Ok(0);
    }
    if s.starts_with(['-', '−']) {
        return Err(format!("{quoted} is negative"));
    }
    let s = s.trim_start_matches('+');
    let (number, multiplier) = match s.char_indices().last() {
        Some((i, c)) if "kK".contains(c) => (&s[..i], 1_000i64),
        Some((i, c)) if "mM".contains(c) => (&s[..i], 1_000_000),
        Some((i, c)) if "bB".contains(c) => (&s[..i], 1_000_000_000),
        _ => (s, 1),
    };
    let value = if multiplier > 1 {
        scaled(number.trim(), multiplier)
    } else {
        grouped_integer(number)
    }
    .ok_or_else(|| format!("{quoted} is not a number"))?;
    if value > MAX_COUNT {
        return Err(format!("{quoted} is absurdly large"));
    }
    Ok(value)
}

/// "1.2" × 1000 → 1200; one decimal separator ('.' or ',') allowed.
fn scaled(number: &str, multiplier: i64) -> Option<i64> {
    let (whole, fraction) = match number.split_once(['.', ',']) {
        Some((w, f)) => (w, f),
        None => (number, ""),
    };
    let digits_only = |s: &str| s.chars().all(|c| c.is_ascii_digit());
    if whole.is_empty() || !digits_only(whole) || !digits_only(fraction) || fraction.len() > 3 {
        return None;
    }
    let whole: i64 = whole.parse().ok()?;
    let mut value = whole.checked_mul(multiplier)?;
    if !fraction.is_empty() {
        let scale = 10i64.pow(u32::try_from(fraction.len()).ok()?);
        let fraction: i64 = fraction.parse().ok()?;
        value = value.checked_add(fraction.checked_mul(multiplier)? / scale)?;
    }
    Some(value)
}

/// "1,234,567", "12 500", "12.500": digit groups of three after the first.
fn grouped_integer(number: &str) -> Option<i64> {
    let groups: Vec<&str> = number
        .split([',', '.', '\u{a0}', '\u{202f}', '\'', ' '])
        .collect();
    let first = groups.first()?;
    let well_formed = !first.is_empty()
        && first.chars().all(|c| c.is_ascii_digit())
        && groups
            .iter()
            .skip(1)
            .all(|g| g.len() == 3 && g.chars().all(|c| c.is_ascii_digit()))
        && (groups.len() == 1 || first.len() <= 3);
    if !well_formed {
        return None;
    }
    let digits: String = groups.concat();
    if digits.len() > 15 {
        // Too many digits for any count: report it as absurd rather than unparseable.
        return Some(MAX_COUNT + 1);
    }
    digits.parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts() {
        assert_eq!(parse_count("55"), Ok(55));
        assert_eq!(parse_count("1,234"), Ok(1234));
        assert_eq!(parse_count("12 500"), Ok(12500));
        assert_eq!(parse_count("12.500"), Ok(12500));
        assert_eq!(parse_count("1.2k"), Ok(1200));
        assert_eq!(parse_count("1,5K"), Ok(1500));
        assert_eq!(parse_count("3M"), Ok(3_000_000));
        assert_eq!(parse_count("10k+"), Ok(10_000));
        assert_eq!(parse_count("no"), Ok(0));
        assert!(parse_count("-5").unwrap_err().contains("negative"));
        assert!(parse_count("12.5").unwrap_err().contains("not a number"));
        assert!(
            parse_count("99999999999999")
                .unwrap_err()
                .contains("absurd")
        );
        assert!(
            parse_count("99999999999999999999999")
                .unwrap_err()
                .contains("absurd")
        );
        assert!(parse_count("5000B").unwrap_err().contains("absurd"));
        assert!(parse_count("lots").unwrap_err().contains("not a number"));
    }

    #[test]
    fn counter_lines() {
        let kinds = |s: &str| {
            counter_parts(s).map(|p| p.into_iter().map(|c| (c.kind, c.raw)).collect::<Vec<_>>())
        };
        assert_eq!(kinds("55"), Some(vec![(None, "55".into())]));
        assert_eq!(
            kinds("55 views / 0 comments"),
            Some(vec![
                (Some(CounterKind::Views), "55".into()),
                (Some(CounterKind::Comments), "0".into())
            ])
        );
        assert_eq!(
            kinds("Views: 1.2k · Comments: 3"),
            Some(vec![
                (Some(CounterKind::Views), "1.2k".into()),
                (Some(CounterKind::Comments), "3".into())
            ])
        );
        assert_eq!(
            kinds("No comments"),
            Some(vec![(Some(CounterKind::Comments), "No".into())])
        );
        assert_eq!(
            kinds("Views: lots"),
            Some(vec![(Some(CounterKind::Views), "lots".into())])
        );
        assert!(kinds("Mountain views").is_none());
        assert!(kinds("2025 was a year").is_none());
    }

    #[test]
    fn names() {
        assert!(is_name("The Armenian Mirror-Spectator"));
        assert!(is_name("the Kestrel Review"));
        assert!(is_name("oc-media.org"));
        assert!(!is_name("the numbers: how it went"));
        assert!(!is_name(""));
    }
}
