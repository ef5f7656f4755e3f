//! The plain-text aggregator page (the form of `shared/seed/page.txt`), read top to bottom:
//!
//! 1. a header with the page date (`date 2025-03-20`, `Date: 20 March 2025`, `March 20, 2025`)
//!    and optionally the top-stories week (`TOP STORIES WEEK 12`);
//! 2. short lines: entity tags, then the section as the last of them (or explicit `Section:` /
//!    `Tags:` lines);
//! 3. the headline (optionally followed by a one-sentence standfirst);
//! 4. the meta block: the outlet (`by` + a line with its name, `by Outlet`, `Source: Outlet`),
//!    the counters (views then comments, bare or labelled), the byline (`By A and B`);
//! 5. the body paragraphs, blank-line separated, lines of a paragraph joined;
//! 6. the outlet's sign-off and a republication note, which are cut from the body.
//!
//! The date wins over the week label: the week of an article is the ISO week of its date. A
//! label one week off is accepted (a page can sit on the list of the week after it appeared),
//! a label further off means the header is wrong and the page is refused.

use crate::dates::{self, midnight_utc};
use crate::lang::detect_english;
use crate::provenance::find_republication_note;
use crate::sniff::{self, PageKind};
use crate::textutil::{
    collapse_whitespace, ends_sentence, paragraphs_to_html, re, snippet, strip_www, summary_of,
    trim,
};
use crate::{ExtractError, decode};
use chrono::NaiveDate;
use once_cell::sync::Lazy;
use regex::Regex;
use tidings_model::{Article, Engagement, IsoWeek, OutletRef, Provenance};

mod meta;
#[cfg(test)]
mod tests;

use meta::{MetaBlock, MetaLine};

/// The header is the first few non-blank lines; a date further down is not the page's date.
const MAX_HEADER_LINES: usize = 3;
/// The meta block (outlet line) must come within this many lines of the header.
const MAX_LINES_BEFORE_META: usize = 40;
/// Longer than this a line is prose, not a headline.
const MAX_HEADLINE_WORDS: usize = 40;
/// Tags and sections are names: a few words each.
const MAX_TAG_WORDS: usize = 8;
/// A standfirst under the headline is one long-ish sentence.
const MIN_STANDFIRST_WORDS: usize = 12;
/// Sign-offs and notes are at the end: only the last paragraphs are checked for a sign-off.
const SIGN_OFF_SEARCH_PARAGRAPHS: usize = 5;
/// Summary length when the first paragraph is long.
const SUMMARY_WORDS: usize = 50;

/// One line of the decoded page: its 1-based number and its text without surrounding
/// whitespace (no-break spaces included).
#[derive(Debug, Clone, Copy)]
pub(crate) struct Line<'a> {
    pub no: usize,
    pub text: &'a str,
}

impl Line<'_> {
    fn is_blank(&self) -> bool {
        self.text.is_empty()
    }
}

/// Reads a text page from raw bytes: decodes, refuses what is not a text page, parses.
pub fn extract(bytes: &[u8]) -> Result<Article, ExtractError> {
    match sniff::sniff(bytes) {
        PageKind::Binary => {
            return Err(ExtractError::Encoding("binary data, not text".into()));
        }
        PageKind::Empty => return Err(not_article("empty file")),
        _ => {}
    }
    let text = decode::decode_text(bytes, None)?;
    parse(&text)
}

/// Parses an already decoded text page.
pub fn parse(text: &str) -> Result<Article, ExtractError> {
    if let Some(reason) = sniff::sniff_text(text).refusal() {
        return Err(not_article(reason));
    }
    let lines: Vec<Line<'_>> = text
        .split('\n')
        .enumerate()
        .map(|(i, l)| Line {
            no: i + 1,
            text: trim(l),
        })
        .collect();
    let header = read_header(&lines)?;
    let meta_start = find_meta_start(&lines, header.next)?;
    let top = read_top(lines.get(header.next..meta_start).unwrap_or_default())?;
    let meta = meta::read_meta(&lines, meta_start)?;
    let outlet = meta.outlet.clone().ok_or_else(|| {
        not_article("no outlet line after the headline (expected `by` and the outlet name)")
    })?;
    let body_lines = lines.get(meta.body_start..).unwrap_or_default();
    let body = read_body(body_lines, &outlet, header.date)?;
    Ok(build_article(header.date, top, meta, outlet, body))
}

fn not_article(reason: &str) -> ExtractError {
    ExtractError::NotAnArticle(reason.to_string())
}

fn malformed(line: &Line<'_>, message: String) -> ExtractError {
    ExtractError::Malformed {
        line: line.no,
        message,
    }
}

// ---------------------------------------------------------------------------------------------
// Header

struct Header {
    date: NaiveDate,
    /// Index of the first line after the header.
    next: usize,
}

/// A week label: `TOP STORIES WEEK 12`, `Week 12, 2025`, `2025-W12`.
static WEEK_LABEL: Lazy<Regex> = Lazy::new(|| {
    re(
        r"(?i)(?:top\s+stories\s*[-–—:|·,]?\s*)?(?:\b(\d{4})-?W(\d{1,2})\b|\bweek\s*(?:no\.?|number|#)?\s*(\d{1,2})\b(?:\s*(?:of|,)?\s*(\d{4})\b)?)",
    )
});
static TOP_STORIES: Lazy<Regex> = Lazy::new(|| re(r"(?i)\btop\s+stories\b"));
static DATE_LABEL: Lazy<Regex> = Lazy::new(|| {
    re(r"(?i)^(?:page\s+)?(?:date|dated|published|posted|updated)\b\s*(?:on\s+)?[:\-–—]?\s*")
});

#[derive(Debug, Clone, Copy)]
struct WeekLabel {
    year: Option<i32>,
    week: u32,
}

/// What one header line holds.
#[derive(Default)]
struct HeaderLine {
    date: Option<NaiveDate>,
    week: Option<WeekLabel>,
}

fn read_header(lines: &[Line<'_>]) -> Result<Header, ExtractError> {
    let mut date = None;
    let mut week: Option<(WeekLabel, Line<'_>)> = None;
    let mut next = 0;
    let mut seen = 0;
    for (i, line) in lines.iter().enumerate() {
        if line.is_blank() {
            continue;
        }
        seen += 1;
        if seen > MAX_HEADER_LINES {
            break;
        }
        let Some(parsed) = read_header_line(line)? else {
            break;
        };
        date = date.or(parsed.date);
        if let Some(w) = parsed.week {
            week.get_or_insert((w, *line));
        }
        next = i + 1;
    }
    let Some(date) = date else {
        let reason = if week.is_some() {
            "no page date in the header (a week label alone does not give a date)"
        } else {
            "no page date in the header"
        };
        return Err(not_article(reason));
    };
    if let Some((label, line)) = week {
        check_week(date, label, &line)?;
    }
    Ok(Header { date, next })
}

/// Reads a header line; `Ok(None)` when the line is not part of the header.
fn read_header_line(line: &Line<'_>) -> Result<Option<HeaderLine>, ExtractError> {
    let mut rest = line.text.to_string();
    let mut out = HeaderLine::default();
    if let Some(caps) = WEEK_LABEL.captures(&rest) {
        out.week = week_from_captures(&caps);
        let range = caps.get(0).map(|m| m.range()).unwrap_or_default();
        rest.replace_range(range, " ");
    }
    rest = TOP_STORIES.replace_all(&rest, " ").into_owned();
    let unlabelled = strip_separators(&rest);
    let labelled = DATE_LABEL.find(unlabelled).map(|m| m.end());
    let date_text = strip_separators(labelled.map_or(unlabelled, |end| &unlabelled[end..]));
    if date_text.is_empty() {
        return Ok(out.week.is_some().then_some(out));
    }
    if let Some(date) = page_date(date_text) {
        out.date = Some(date);
        return Ok(Some(out));
    }
    if labelled.is_some() || looks_like_a_date(date_text) {
        return Err(malformed(
            line,
            format!("cannot read the page date {:?}", snippet(date_text, 60)),
        ));
    }
    Ok(None)
}

/// A time of day after the page date ("14:05", "2.30 pm", "09:00 CET"), which is ignored: the
/// page date is a calendar day.
static TIME_OF_DAY: Lazy<Regex> = Lazy::new(|| {
    re(
        r"(?i)^(?:at\s+)?\d{1,2}[:.]\d{2}(?::\d{2})?(?:\s*[ap]\.?m\.?)?(?:\s*[a-z]{2,5}|\s*[+-]\d{2}:?\d{2})?$",
    )
});

/// The whole of `text` as a date, optionally followed by a time of day.
fn page_date(text: &str) -> Option<NaiveDate> {
    if let Some(date) = dates::parse_date(text) {
        return Some(date);
    }
    let m = dates::parse_date_prefix(text, None)?;
    let rest = strip_separators(text.get(m.len..)?);
    TIME_OF_DAY.is_match(rest).then_some(m.date)
}

/// Three groups of digits and date punctuation only ("2025-13-45", "31/31/2025"): meant as a
/// date, but wrong. Two groups ("9/11") may be a tag.
fn looks_like_a_date(s: &str) -> bool {
    let groups = s
        .split(['-', '.', '/', ' '])
        .filter(|g| !g.is_empty())
        .count();
    s.len() <= 20 && groups == 3 && s.chars().all(|c| c.is_ascii_digit() || "-./ ".contains(c))
}

fn strip_separators(s: &str) -> &str {
    s.trim_matches(|c: char| c.is_whitespace() || "|·•—–-:,;".contains(c))
}

fn week_from_captures(caps: &regex::Captures<'_>) -> Option<WeekLabel> {
    let num = |i: usize| caps.get(i).and_then(|m| m.as_str().parse::<i64>().ok());
    let (year, week) = match (num(1), num(2)) {
        (Some(y), Some(w)) => (Some(y), w),
        _ => (num(4), num(3)?),
    };
    Some(WeekLabel {
        year: year.and_then(|y| i32::try_from(y).ok()),
        week: u32::try_from(week).ok()?,
    })
}

/// Accepts a week label within one week of the date's ISO week; refuses one further off.
fn check_week(date: NaiveDate, label: WeekLabel, line: &Line<'_>) -> Result<(), ExtractError> {
    let actual = IsoWeek::of_date(date);
    let years = match label.year {
        Some(y) => vec![y],
        None => vec![actual.year() - 1, actual.year(), actual.year() + 1],
    };
    let close = years
        .into_iter()
        .filter_map(|y| IsoWeek::new(y, label.week).ok())
        .any(|w| (w.monday() - actual.monday()).num_days().abs() <= 7);
    if close {
        return Ok(());
    }
    Err(malformed(
        line,
        format!(
            "the header says week {} but the page date {date} is in ISO week {actual}",
            label.week
        ),
    ))
}

// ---------------------------------------------------------------------------------------------
// Tags, section, headline

/// What sits between the header and the meta block.
#[derive(Debug, Default)]
struct Top {
    title: String,
    standfirst: Option<String>,
    section: Option<String>,
    tags: Vec<String>,
}

/// The index of the first meta line (outlet, counters, byline) after the header.
fn find_meta_start(lines: &[Line<'_>], from: usize) -> Result<usize, ExtractError> {
    let mut seen_text = false;
    let mut non_blank = 0usize;
    for (i, line) in lines.iter().enumerate().skip(from) {
        if line.is_blank() {
            continue;
        }
        non_blank += 1;
        // Section and tag labels belong before the headline as much as after it.
        let is_meta = !matches!(
            meta::classify(lines, i),
            MetaLine::Other | MetaLine::Section(_) | MetaLine::Tags(_)
        );
        if is_meta && seen_text {
            return Ok(i);
        }
        if is_meta {
            return Err(not_article(
                "no headline found (the outlet line follows the header)",
            ));
        }
        let long = line.text.split_whitespace().count() > MAX_HEADLINE_WORDS;
        if long || non_blank > MAX_LINES_BEFORE_META {
            break;
        }
        seen_text = true;
    }
    if seen_text {
        Err(not_article(
            "no outlet line after the headline (expected `by` and the outlet name)",
        ))
    } else {
        Err(not_article("no headline found"))
    }
}

/// Splits the lines before the meta block into tags, section, headline and standfirst.
fn read_top(lines: &[Line<'_>]) -> Result<Top, ExtractError> {
    let mut top = Top::default();
    let mut explicit_section = None;
    let mut blocks: Vec<Vec<Line<'_>>> = vec![Vec::new()];
    for line in lines {
        if let Some(c) = meta::SECTION.captures(line.text) {
            explicit_section = c.get(1).map(|m| collapse_whitespace(m.as_str()));
        } else if let Some(c) = meta::TAGS.captures(line.text) {
            top.tags
                .extend(split_list(c.get(1).map_or("", |m| m.as_str())));
        } else if line.is_blank() {
            blocks.push(Vec::new());
        } else if let Some(block) = blocks.last_mut() {
            block.push(*line);
        }
    }
    blocks.retain(|b| !b.is_empty());
    let (title_lines, standfirst, positional) = split_headline(blocks)?;
    top.title = collapse_whitespace(&join_lines(&title_lines));
    top.standfirst = standfirst;
    check_headline(&top.title, title_lines.first())?;
    assign_tags(&mut top, positional, explicit_section)?;
    Ok(top)
}

/// (headline lines, standfirst, lines before the headline).
type HeadlineSplit<'a> = (Vec<Line<'a>>, Option<String>, Vec<Line<'a>>);

fn split_headline(mut blocks: Vec<Vec<Line<'_>>>) -> Result<HeadlineSplit<'_>, ExtractError> {
    let mut last = blocks
        .pop()
        .ok_or_else(|| not_article("no headline found"))?;
    let mut standfirst = None;
    if let Some(previous) = blocks.last()
        && is_standfirst(&last, previous)
    {
        standfirst = Some(collapse_whitespace(&join_lines(&last)));
        last = blocks.pop().unwrap_or_default();
    }
    if !blocks.is_empty() {
        // The headline has a block of its own: all of it is the headline (wrapped lines).
        return Ok((last, standfirst, blocks.concat()));
    }
    // One block: the headline is its last line, with any lowercase continuation lines above.
    let mut split = last.len().saturating_sub(1);
    while split > 0 && last.get(split).is_some_and(|l| starts_lowercase(l.text)) {
        split -= 1;
    }
    let title = last.split_off(split);
    Ok((title, standfirst, last))
}

/// A standfirst is a full sentence (ends with a period) under a headline-like block.
fn is_standfirst(block: &[Line<'_>], previous: &[Line<'_>]) -> bool {
    let text = join_lines(block);
    let words = text.split_whitespace().count();
    let headline_words = previous
        .last()
        .map_or(0, |l| l.text.split_whitespace().count());
    text.ends_with('.')
        && (MIN_STANDFIRST_WORDS..=MAX_HEADLINE_WORDS * 2).contains(&words)
        && headline_words >= 4
        && previous.last().is_some_and(|l| !l.text.ends_with('.'))
}

fn starts_lowercase(s: &str) -> bool {
    s.chars().next().is_some_and(char::is_lowercase)
}

fn join_lines(lines: &[Line<'_>]) -> String {
    lines.iter().map(|l| l.text).collect::<Vec<_>>().join(" ")
}

fn check_headline(title: &str, first: Option<&Line<'_>>) -> Result<(), ExtractError> {
    let words = title.split_whitespace().count();
    if words == 0 {
        return Err(not_article("no headline found"));
    }
    if words > MAX_HEADLINE_WORDS {
        let line = first.map_or(0, |l| l.no);
        return Err(not_article(&format!(
            "no headline found (line {line} is too long to be a headline)"
        )));
    }
    Ok(())
}

/// The last short line before the headline is the section, earlier ones are tags — unless a
/// `Section:` line said which the section is.
fn assign_tags(
    top: &mut Top,
    positional: Vec<Line<'_>>,
    explicit_section: Option<String>,
) -> Result<(), ExtractError> {
    for line in &positional {
        if line.text.split_whitespace().count() > MAX_TAG_WORDS {
            return Err(malformed(
                line,
                "expected a tag or section name before the headline, found a long line".into(),
            ));
        }
    }
    let mut names: Vec<String> = positional
        .iter()
        .map(|l| collapse_whitespace(l.text))
        .collect();
    top.section = match explicit_section {
        Some(s) => Some(s),
        None => names.pop(),
    };
    let mut tags = std::mem::take(&mut top.tags);
    tags.splice(0..0, names);
    top.tags = dedupe(tags);
    Ok(())
}

/// Splits "a, b; c" into items.
fn split_list(s: &str) -> Vec<String> {
    s.split([',', ';', '|'])
        .map(collapse_whitespace)
        .filter(|t| !t.is_empty())
        .collect()
}

fn dedupe(items: Vec<String>) -> Vec<String> {
    let mut out: Vec<String> = Vec::with_capacity(items.len());
    for item in items {
        if !out.iter().any(|o| o.eq_ignore_ascii_case(&item)) {
            out.push(item);
        }
    }
    out
}

// ---------------------------------------------------------------------------------------------
// Body

struct Body {
    paragraphs: Vec<String>,
    provenance: Provenance,
}

fn read_body(lines: &[Line<'_>], outlet: &str, date: NaiveDate) -> Result<Body, ExtractError> {
    let mut paragraphs = split_paragraphs(lines);
    let mut provenance = Provenance::default();
    let joined = paragraphs.join("\n\n");
    if let Some(note) = find_republication_note(&joined, Some(date)) {
        provenance = note.provenance.clone();
        paragraphs = note
            .cut_from(&joined)
            .split("\n\n")
            .map(str::trim)
            .filter(|p| !p.is_empty())
            .map(str::to_string)
            .collect();
    }
    cut_sign_off(&mut paragraphs, outlet);
    if paragraphs.is_empty() {
        return Err(not_article("no body paragraphs"));
    }
    let complete = paragraphs
        .iter()
        .any(|p| p.split_whitespace().last().is_some_and(ends_sentence));
    if !complete {
        return Err(not_article("truncated: body has no complete paragraph"));
    }
    Ok(Body {
        paragraphs,
        provenance,
    })
}

/// Blank-line separated paragraphs, the lines of each joined with a space.
fn split_paragraphs(lines: &[Line<'_>]) -> Vec<String> {
    let mut paragraphs = Vec::new();
    let mut current: Vec<&str> = Vec::new();
    for line in lines {
        if line.is_blank() {
            flush_paragraph(&mut paragraphs, &mut current);
        } else {
            current.push(line.text);
        }
    }
    flush_paragraph(&mut paragraphs, &mut current);
    paragraphs
}

fn flush_paragraph(paragraphs: &mut Vec<String>, current: &mut Vec<&str>) {
    if current.is_empty() {
        return;
    }
    let text = collapse_whitespace(&current.join(" "));
    if !text.is_empty() {
        paragraphs.push(text);
    }
    current.clear();
}

/// Ends the body at the outlet's sign-off ("The Armenian Mirror-Spectator", "— The Outlet",
/// "© 2025 The Outlet") when one stands among the last paragraphs.
fn cut_sign_off(paragraphs: &mut Vec<String>, outlet: &str) {
    let first_candidate = paragraphs
        .len()
        .saturating_sub(SIGN_OFF_SEARCH_PARAGRAPHS)
        .max(1);
    let position = (first_candidate..paragraphs.len())
        .find(|&i| paragraphs.get(i).is_some_and(|p| is_sign_off(p, outlet)));
    if let Some(i) = position {
        paragraphs.truncate(i);
    }
}

fn is_sign_off(paragraph: &str, outlet: &str) -> bool {
    let wanted = outlet_key(outlet);
    !wanted.is_empty() && outlet_key(paragraph) == wanted
}

/// An outlet name reduced to what identifies it: lowercase words without "the", copyright
/// marks, years, dashes and punctuation.
fn outlet_key(s: &str) -> String {
    let lower = s.to_lowercase();
    let lower = lower
        .replace("all rights reserved", " ")
        .replace("copyright", " ")
        .replace("(c)", " ");
    lower
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty() && *w != "the" && !w.chars().all(|c| c.is_ascii_digit()))
        .collect::<Vec<_>>()
        .join(" ")
}

// ---------------------------------------------------------------------------------------------
// Article

fn build_article(
    date: NaiveDate,
    top: Top,
    meta: MetaBlock,
    outlet: String,
    body: Body,
) -> Article {
    let text = body.paragraphs.join("\n\n");
    let summary = top.standfirst.clone().or_else(|| {
        body.paragraphs
            .first()
            .and_then(|p| summary_of(p, SUMMARY_WORDS))
    });
    let domain = looks_like_domain(&outlet).then(|| strip_www(&outlet));
    Article {
        title: top.title,
        authors: meta.authors,
        outlet: OutletRef {
            name: outlet,
            domain,
        },
        published_at: Some(midnight_utc(date)),
        section: meta.section.or(top.section),
        tags: dedupe([top.tags, meta.tags].concat()),
        language: detect_english(&text),
        summary,
        html: paragraphs_to_html(&body.paragraphs),
        word_count: Article::count_words(&text),
        text,
        provenance: body.provenance,
        engagement: Engagement {
            views: meta.views.unwrap_or(0),
            comments: meta.comments.unwrap_or(0),
        },
        ..Article::default()
    }
}

/// "oc-media.org" names an outlet by its domain; "The Armenian Mirror-Spectator" does not.
fn looks_like_domain(s: &str) -> bool {
    static DOMAIN: Lazy<Regex> =
        Lazy::new(|| re(r"(?i)^(?:www\.)?(?:[a-z0-9](?:[a-z0-9-]*[a-z0-9])?\.)+[a-z]{2,24}$"));
    DOMAIN.is_match(s)
}
