//! How dates, counts and names read on the page.

use chrono::{DateTime, NaiveDate, Utc};
use tidings_model::IsoWeek;

/// Text made safe inside HTML markup and double-quoted attributes (for markup built outside
/// templates: charts, feed item descriptions).
pub fn escape_html(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

pub fn long_date(d: NaiveDate) -> String {
    d.format("%-d %B %Y").to_string()
}

pub fn date_of(t: DateTime<Utc>) -> String {
    long_date(t.date_naive())
}

/// "16–22 March 2026", "30 March – 5 April 2026", "29 December 2025 – 4 January 2026".
pub fn week_range(w: IsoWeek) -> String {
    let (a, b) = (w.monday(), w.sunday());
    if a.format("%Y").to_string() != b.format("%Y").to_string() {
        format!("{} – {}", long_date(a), long_date(b))
    } else if a.format("%m").to_string() != b.format("%m").to_string() {
        format!("{} – {}", a.format("%-d %B"), long_date(b))
    } else {
        format!("{}–{}", a.format("%-d"), long_date(b))
    }
}

/// "By A", "By A and B", "By A, B and C".
pub fn byline(authors: &[String]) -> Option<String> {
    match authors {
        [] => None,
        [one] => Some(format!("By {one}")),
        [init @ .., last] => Some(format!("By {} and {last}", init.join(", "))),
    }
}

/// "1 view", "12,345 views".
pub fn count(n: i64, one: &str, many: &str) -> String {
    let digits = n.abs().to_string();
    let mut grouped = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            grouped.push(',');
        }
        grouped.push(c);
    }
    let sign = if n < 0 { "-" } else { "" };
    format!("{sign}{grouped} {}", if n == 1 { one } else { many })
}

/// The first `words` words of `text`, with an ellipsis when cut.
pub fn clip(text: &str, words: usize) -> String {
    let mut it = text.split_whitespace();
    let head: Vec<&str> = it.by_ref().take(words).collect();
    let mut out = head.join(" ");
    if it.next().is_some() {
        out.push('…');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats() {
        assert_eq!(week_range("2025-W12".parse().unwrap()), "17–23 March 2025");
        assert_eq!(
            week_range("2025-W14".parse().unwrap()),
            "31 March – 6 April 2025"
        );
        assert_eq!(
            week_range("2026-W01".parse().unwrap()),
            "29 December 2025 – 4 January 2026"
        );
        assert_eq!(
            byline(&["A".into(), "B".into(), "C".into()]).unwrap(),
            "By A, B and C"
        );
        assert_eq!(count(12345, "view", "views"), "12,345 views");
        assert_eq!(count(1, "view", "views"), "1 view");
        assert_eq!(count(0, "comment", "comments"), "0 comments");
        assert_eq!(clip("a b c d", 2), "a b…");
    }
}
