//! Loose date parsing for dates as people and pages write them: ISO `2025-03-20`, `20 March
//! 2025`, `March 20, 2025`, `Mar. 20 2025`, dotted European `20.03.2025`, unambiguous slashed
//! dates, RFC 3339 and RFC 2822 datetimes — and dates written without a year ("March 17"),
//! whose year is inferred from a reference date. Nothing here panics on junk: impossible dates
//! ("February 30") are `None`.

use crate::textutil::re;
use chrono::{DateTime, Datelike, Duration, NaiveDate, NaiveDateTime, NaiveTime, TimeZone, Utc};
use once_cell::sync::Lazy;
use regex::Regex;

/// How far after the reference date a yearless date may fall and still be taken in the
/// reference year: pages are dated in their own time zone and clocks disagree by a day or two.
const YEAR_INFERENCE_SLACK_DAYS: i64 = 2;

/// Month names and their usual abbreviations, longest first so the regex prefers "June" to "Jun".
const MONTH_PATTERN: &str = r"(?:january|february|march|april|may|june|july|august|september|october|november|december|sept|jan|feb|mar|apr|jun|jul|aug|sep|oct|nov|dec)";
const WEEKDAY_PATTERN: &str =
    r"(?:(?:mon|tues?|wed(?:nes)?|thu(?:rs)?|fri|sat(?:ur)?|sun)(?:day)?\.?,?\s+)?";

static ISO: Lazy<Regex> = Lazy::new(|| re(r"^(\d{4})-(\d{1,2})-(\d{1,2})(?:$|[^\d])"));
static YMD_SLASH: Lazy<Regex> = Lazy::new(|| re(r"^(\d{4})/(\d{1,2})/(\d{1,2})(?:$|[^\d])"));
static DOTTED: Lazy<Regex> = Lazy::new(|| re(r"^(\d{1,2})\.\s?(\d{1,2})\.\s?(\d{4})(?:$|[^\d])"));
static SLASHED: Lazy<Regex> = Lazy::new(|| re(r"^(\d{1,2})/(\d{1,2})/(\d{4})(?:$|[^\d])"));
static DAY_MONTH: Lazy<Regex> = Lazy::new(|| {
    re(&format!(
        r"(?i)^{WEEKDAY_PATTERN}(\d{{1,2}})(?:st|nd|rd|th)?\.?(?:\s+of)?\s+({MONTH_PATTERN})\b(?:\.?,?\s+(\d{{4}})\b)?"
    ))
});
static MONTH_DAY: Lazy<Regex> = Lazy::new(|| {
    re(&format!(
        r"(?i)^{WEEKDAY_PATTERN}({MONTH_PATTERN})\b\.?\s+(\d{{1,2}})(?:st|nd|rd|th)?\b(?:,?\s+(\d{{4}})\b)?"
    ))
});

/// A calendar date and how many bytes of the input it took.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DateMatch {
    pub date: NaiveDate,
    /// Byte length of the date text at the start of the input.
    pub len: usize,
    /// False when the text gave no year and it was inferred from the reference date.
    pub had_year: bool,
}

/// Parses a whole string as a date (surrounding whitespace and a trailing period allowed).
/// Needs a year; see [`parse_date_with_reference`] for yearless dates.
pub fn parse_date(s: &str) -> Option<NaiveDate> {
    let s = trim_date_text(s);
    let m = parse_date_prefix(s, None)?;
    (m.len == s.len()).then_some(m.date)
}

/// Like [`parse_date`], but a date without a year ("17 March") takes its year from
/// `reference` by [`infer_year`].
pub fn parse_date_with_reference(s: &str, reference: Option<NaiveDate>) -> Option<NaiveDate> {
    let s = trim_date_text(s);
    let m = parse_date_prefix(s, reference)?;
    (m.len == s.len()).then_some(m.date)
}

fn trim_date_text(s: &str) -> &str {
    s.trim_matches(|c: char| c.is_whitespace() || matches!(c, '.' | ',' | '(' | ')'))
}

/// Parses a date at the start of `s` and says how much of `s` it used, so callers can find
/// dates inside sentences ("… on March 17, 2025, and …"). Without a year in the text the date
/// needs `reference` to be inferred.
pub fn parse_date_prefix(s: &str, reference: Option<NaiveDate>) -> Option<DateMatch> {
    numeric_date(s).or_else(|| worded_date(s, reference))
}

fn numeric_date(s: &str) -> Option<DateMatch> {
    let first = s.as_bytes().first()?;
    if !first.is_ascii_digit() {
        return None;
    }
    if let Some(c) = ISO.captures(s).or_else(|| YMD_SLASH.captures(s)) {
        let date = ymd(num(&c, 1)?, num(&c, 2)?, num(&c, 3)?)?;
        return Some(full_match(date, c.get(3)?.end()));
    }
    if let Some(c) = DOTTED.captures(s) {
        let date = ymd(num(&c, 3)?, num(&c, 2)?, num(&c, 1)?)?;
        return Some(full_match(date, c.get(3)?.end()));
    }
    let c = SLASHED.captures(s)?;
    let (a, b, year) = (num(&c, 1)?, num(&c, 2)?, num(&c, 3)?);
    // 03/04/2025 could be 3 April or March 4: accept only what one reading alone allows.
    let date = match (a > 12, b > 12) {
        (true, false) => ymd(year, b, a)?,
        (false, true) => ymd(year, a, b)?,
        _ if a == b => ymd(year, a, b)?,
        _ => return None,
    };
    Some(full_match(date, c.get(3)?.end()))
}

fn full_match(date: NaiveDate, len: usize) -> DateMatch {
    DateMatch {
        date,
        len,
        had_year: true,
    }
}

fn worded_date(s: &str, reference: Option<NaiveDate>) -> Option<DateMatch> {
    let (c, day_group, month_group) = if let Some(c) = DAY_MONTH.captures(s) {
        (c, 1, 2)
    } else {
        (MONTH_DAY.captures(s)?, 2, 1)
    };
    let month = month_number(c.get(month_group)?.as_str())?;
    let day = u32::try_from(num(&c, day_group)?).ok()?;
    let len = c.get(0)?.end();
    match c.get(3) {
        Some(year) => {
            let year: i64 = year.as_str().parse().ok()?;
            Some(full_match(
                ymd(year, i64::from(month), i64::from(day))?,
                len,
            ))
        }
        None => Some(DateMatch {
            date: infer_year(month, day, reference?)?,
            len,
            had_year: false,
        }),
    }
}

fn num(c: &regex::Captures<'_>, i: usize) -> Option<i64> {
    c.get(i)?.as_str().parse().ok()
}

fn ymd(year: i64, month: i64, day: i64) -> Option<NaiveDate> {
    NaiveDate::from_ymd_opt(
        i32::try_from(year).ok()?,
        u32::try_from(month).ok()?,
        u32::try_from(day).ok()?,
    )
}

/// The month number (1–12) of an English month name or abbreviation ("Sept", "mar.").
pub fn month_number(name: &str) -> Option<u32> {
    let lower = name.trim_end_matches('.').to_ascii_lowercase();
    let prefix = lower.get(..3)?;
    let n = match prefix {
        "jan" => 1,
        "feb" => 2,
        "mar" => 3,
        "apr" => 4,
        "may" => 5,
        "jun" => 6,
        "jul" => 7,
        "aug" => 8,
        "sep" => 9,
        "oct" => 10,
        "nov" => 11,
        "dec" => 12,
        _ => return None,
    };
    Some(n)
}

/// The year of a date written without one, seen from `reference` (the date of the page that
/// mentions it): the reference year, or the year before when the date would otherwise fall more
/// than a couple of days after the reference — an original publication cannot come after its
/// republication. `None` for impossible dates ("February 30", or 29 February in neither year).
pub fn infer_year(month: u32, day: u32, reference: NaiveDate) -> Option<NaiveDate> {
    let latest = reference.checked_add_signed(Duration::days(YEAR_INFERENCE_SLACK_DAYS))?;
    // A year back at most: "29 February" read in March 2005 is not 2004's (a leap year
    // further back than the page can mean).
    let earliest = reference.checked_sub_signed(Duration::days(370))?;
    [reference.year(), reference.year().checked_sub(1)?]
        .into_iter()
        .filter_map(|year| NaiveDate::from_ymd_opt(year, month, day))
        .find(|date| *date <= latest && *date > earliest)
}

/// Parses a datetime as feeds and metadata write it: RFC 3339 / ISO 8601 (with or without
/// offset or seconds; no offset means UTC), RFC 2822, or any date [`parse_date`] reads, taken
/// at 00:00 UTC.
pub fn parse_datetime(s: &str) -> Option<DateTime<Utc>> {
    let s = s.trim();
    if s.is_empty() || s.len() > 100 {
        return None;
    }
    if let Ok(t) = DateTime::parse_from_rfc3339(s) {
        return Some(t.with_timezone(&Utc));
    }
    if let Ok(t) = DateTime::parse_from_rfc2822(s) {
        return Some(t.with_timezone(&Utc));
    }
    iso_like(s).or_else(|| parse_date(s).map(midnight_utc))
}

/// ISO 8601 shapes that RFC 3339 rejects: a space instead of `T`, `+0100` offsets, no seconds,
/// no offset at all.
fn iso_like(s: &str) -> Option<DateTime<Utc>> {
    const WITH_OFFSET: [&str; 4] = [
        "%Y-%m-%dT%H:%M:%S%.f%z",
        "%Y-%m-%d %H:%M:%S%.f%z",
        "%Y-%m-%dT%H:%M%z",
        "%Y-%m-%d %H:%M%z",
    ];
    const NAIVE: [&str; 4] = [
        "%Y-%m-%dT%H:%M:%S%.f",
        "%Y-%m-%d %H:%M:%S%.f",
        "%Y-%m-%dT%H:%M",
        "%Y-%m-%d %H:%M",
    ];
    let zulu = s.strip_suffix(['Z', 'z']).map(str::trim_end);
    for fmt in WITH_OFFSET {
        if let Ok(t) = DateTime::parse_from_str(s, fmt) {
            return Some(t.with_timezone(&Utc));
        }
    }
    let naive = zulu.unwrap_or(s);
    NAIVE
        .iter()
        .find_map(|fmt| NaiveDateTime::parse_from_str(naive, fmt).ok())
        .map(|t| Utc.from_utc_datetime(&t))
}

/// A calendar date as the instant it began in UTC.
pub fn midnight_utc(date: NaiveDate) -> DateTime<Utc> {
    Utc.from_utc_datetime(&date.and_time(NaiveTime::MIN))
}

/// Finds the first date in `s` that starts at a word boundary; returns it with its byte range.
/// Scans at most `max_bytes` of `s` so long texts stay cheap.
pub fn find_date(
    s: &str,
    reference: Option<NaiveDate>,
    max_bytes: usize,
) -> Option<(DateMatch, std::ops::Range<usize>)> {
    let mut prev: Option<char> = None;
    for (i, c) in s.char_indices() {
        if i > max_bytes {
            break;
        }
        let at_word_start = prev.is_none_or(|p| !p.is_alphanumeric());
        prev = Some(c);
        if !at_word_start || !c.is_alphanumeric() {
            continue;
        }
        if let Some(m) = parse_date_prefix(&s[i..], reference) {
            return Some((m, i..i + m.len));
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn full_dates_in_many_shapes() {
        let want = Some(d(2025, 3, 20));
        for s in [
            "2025-03-20",
            "2025/03/20",
            "20 March 2025",
            "20th March 2025",
            "20 of March, 2025",
            "March 20, 2025",
            "March 20th 2025",
            "Mar. 20 2025",
            "mar 20, 2025",
            "Thursday, March 20, 2025",
            "Thu 20 Mar 2025",
            "20.03.2025",
            "20. 3. 2025",
            "20/03/2025",
            "03/20/2025",
            "  20 March 2025. ",
        ] {
            assert_eq!(parse_date(s), want, "{s}");
        }
    }

    #[test]
    fn ambiguous_and_impossible_dates_are_refused() {
        for s in [
            "03/04/2025",
            "February 30, 2025",
            "2025-02-29",
            "31.04.2025",
            "2025-13-01",
            "March 2025",
            "20 Marchy 2025",
            "",
            "junk",
            "99999999999-01-01",
        ] {
            assert_eq!(parse_date(s), None, "{s}");
        }
        assert_eq!(parse_date("04/04/2025"), Some(d(2025, 4, 4)));
    }

    #[test]
    fn yearless_dates_take_the_reference_year_or_the_one_before() {
        let page = d(2025, 3, 20);
        assert_eq!(infer_year(3, 17, page), Some(d(2025, 3, 17)));
        assert_eq!(infer_year(3, 22, page), Some(d(2025, 3, 22)));
        assert_eq!(infer_year(3, 23, page), Some(d(2024, 3, 23)));
        assert_eq!(infer_year(12, 30, d(2026, 1, 2)), Some(d(2025, 12, 30)));
        assert_eq!(infer_year(2, 30, page), None);
        assert_eq!(infer_year(2, 29, d(2025, 3, 1)), Some(d(2024, 2, 29)));
        assert_eq!(infer_year(2, 29, d(2026, 3, 1)), None);
        assert_eq!(infer_year(13, 1, page), None);
        assert_eq!(infer_year(1, 1, NaiveDate::MAX), None);
        assert_eq!(
            parse_date_with_reference("17 March", Some(page)),
            Some(d(2025, 3, 17))
        );
        assert_eq!(
            parse_date_with_reference("November 12", Some(d(2026, 11, 20))),
            Some(d(2026, 11, 12))
        );
        assert_eq!(parse_date_with_reference("17 March", None), None);
    }

    #[test]
    fn prefixes_report_their_length() {
        let m = parse_date_prefix("March 17.) rest", Some(d(2025, 3, 20))).unwrap();
        assert_eq!((m.date, m.len, m.had_year), (d(2025, 3, 17), 8, false));
        let m = parse_date_prefix("November 12, 2026. More", None).unwrap();
        assert_eq!(m.len, "November 12, 2026".len());
        // "March 2025" must not read as 20 March.
        assert_eq!(parse_date_prefix("March 2025", Some(d(2025, 3, 20))), None);
        let (m, range) =
            find_date("published on 12 November.", Some(d(2026, 11, 14)), 100).unwrap();
        assert_eq!(m.date, d(2026, 11, 12));
        assert_eq!(range, 13..24);
    }

    #[test]
    fn datetimes() {
        let t = |s: &str| parse_datetime(s).map(|t| t.to_rfc3339());
        assert_eq!(
            t("2025-03-20T10:15:00Z").as_deref(),
            Some("2025-03-20T10:15:00+00:00")
        );
        assert_eq!(
            t("2025-03-20T12:15:00+02:00").as_deref(),
            Some("2025-03-20T10:15:00+00:00")
        );
        assert_eq!(
            t("2025-03-20T12:15:00+0200").as_deref(),
            Some("2025-03-20T10:15:00+00:00")
        );
        assert_eq!(
            t("2025-03-20 10:15").as_deref(),
            Some("2025-03-20T10:15:00+00:00")
        );
        assert_eq!(
            t("2025-03-20T10:15:00.123").as_deref(),
            Some("2025-03-20T10:15:00.123+00:00")
        );
        assert_eq!(
            t("Thu, 20 Mar 2025 10:15:00 GMT").as_deref(),
            Some("2025-03-20T10:15:00+00:00")
        );
        assert_eq!(
            t("Thu, 20 Mar 2025 10:15:00 +0000").as_deref(),
            Some("2025-03-20T10:15:00+00:00")
        );
        assert_eq!(
            t("March 20, 2025").as_deref(),
            Some("2025-03-20T00:00:00+00:00")
        );
        assert_eq!(t("not a date"), None);
        assert_eq!(t("2025-02-30T10:00:00Z"), None);
    }

    proptest! {
        #[test]
        fn never_panics(s in "\\PC{0,80}", y in 1i32..4000, m in 1u32..13, day in 1u32..32) {
            let reference = NaiveDate::from_ymd_opt(y, m, 1);
            let _ = parse_date(&s);
            let _ = parse_datetime(&s);
            let _ = find_date(&s, reference, 1000);
            if let Some(r) = reference {
                let _ = infer_year(m, day, r);
            }
        }

        #[test]
        fn inferred_dates_are_never_after_the_slack(m in 1u32..13, day in 1u32..32, offset in 0i64..100_000) {
            let reference = d(1800, 1, 1) + Duration::days(offset);
            if let Some(date) = infer_year(m, day, reference) {
                prop_assert!(date <= reference + Duration::days(YEAR_INFERENCE_SLACK_DAYS));
                prop_assert!(date > reference - Duration::days(370));
            }
        }
    }
}
