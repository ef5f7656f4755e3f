//! Small text helpers shared by the extractors: whitespace, HTML escaping, summaries, hosts.

use regex::Regex;

/// Compiles one of this crate's built-in patterns. They are constants checked by the tests, so a
/// failure here is a bug in this crate, never a property of the input.
pub(crate) fn re(pattern: &str) -> Regex {
    Regex::new(pattern).expect("built-in regex pattern is valid")
}

/// Collapses every run of whitespace into one space and trims the ends. A lone non-breaking
/// space between words is kept (it is often deliberate: "10\u{a0}km"), but a run that mixes it
/// with ordinary whitespace is layout noise and becomes one plain space.
pub(crate) fn collapse_whitespace(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut run = String::new();
    for c in s.chars() {
        if c.is_whitespace() || is_invisible(c) {
            run.push(c);
            continue;
        }
        flush_run(&mut out, &mut run);
        out.push(c);
    }
    // A trailing run is dropped: the result is trimmed.
    out
}

fn flush_run(out: &mut String, run: &mut String) {
    if run.is_empty() {
        return;
    }
    if !out.is_empty() {
        let only_invisible = run.chars().all(is_invisible);
        if run == "\u{a0}" || run == "\u{202f}" {
            out.push_str(run);
        } else if !only_invisible {
            out.push(' ');
        }
    }
    run.clear();
}

/// Zero-width characters that pages leave between words; they are neither text nor spacing.
fn is_invisible(c: char) -> bool {
    matches!(
        c,
        '\u{200b}' | '\u{200c}' | '\u{200d}' | '\u{2060}' | '\u{feff}'
    )
}

/// Trims whitespace, including no-break and zero-width spaces, from both ends.
pub(crate) fn trim(s: &str) -> &str {
    s.trim_matches(|c: char| c.is_whitespace() || is_invisible(c))
}

/// Escapes text for use inside HTML elements and double-quoted attributes.
pub(crate) fn escape_html(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + s.len() / 16);
    // Runs between the special bytes are copied whole; all five are ASCII, so every cut falls
    // on a character boundary.
    let mut start = 0;
    for (i, b) in s.bytes().enumerate() {
        let entity = match b {
            b'&' => "&amp;",
            b'<' => "&lt;",
            b'>' => "&gt;",
            b'"' => "&quot;",
            b'\'' => "&#39;",
            _ => continue,
        };
        out.push_str(&s[start..i]);
        out.push_str(entity);
        start = i + 1;
    }
    out.push_str(&s[start..]);
    out
}

/// Paragraphs as `<p>` elements, text escaped.
pub(crate) fn paragraphs_to_html(paragraphs: &[String]) -> String {
    let mut html = String::new();
    for p in paragraphs {
        html.push_str("<p>");
        html.push_str(&escape_html(p));
        html.push_str("</p>\n");
    }
    html
}

/// A short teaser for lists and feeds: the first paragraph when it is short enough, else its
/// leading sentences up to about `max_words` words, else the first `max_words` words and "…".
pub(crate) fn summary_of(first_paragraph: &str, max_words: usize) -> Option<String> {
    let words: Vec<&str> = first_paragraph.split_whitespace().collect();
    if words.is_empty() {
        return None;
    }
    if words.len() <= max_words + max_words / 2 {
        return Some(first_paragraph.to_string());
    }
    let mut out = String::new();
    let mut last_sentence_end = 0;
    for (i, w) in words.iter().take(max_words).enumerate() {
        if i > 0 {
            out.push(' ');
        }
        out.push_str(w);
        if ends_sentence(w) {
            last_sentence_end = out.len();
        }
    }
    if last_sentence_end > 0 {
        out.truncate(last_sentence_end);
    } else {
        out.push('…');
    }
    Some(out)
}

/// True when a word closes a sentence ("done.", "asked?", "said.”").
pub(crate) fn ends_sentence(word: &str) -> bool {
    let w = word.trim_end_matches(['"', '\'', '”', '’', ')', ']', '»']);
    w.ends_with(['.', '!', '?', '…'])
}

/// The host of an absolute http(s) URL, lowercased and without a leading `www.`.
pub(crate) fn host_of(url: &str) -> Option<String> {
    let parsed = url::Url::parse(url).ok()?;
    if !matches!(parsed.scheme(), "http" | "https") {
        return None;
    }
    parsed.host_str().map(strip_www)
}

/// Lowercases a domain and drops a leading `www.` so that `www.oc-media.org` and `oc-media.org`
/// name the same outlet.
pub(crate) fn strip_www(host: &str) -> String {
    let host = host.trim_end_matches('.').to_ascii_lowercase();
    match host.strip_prefix("www.") {
        Some(rest) if rest.contains('.') => rest.to_string(),
        _ => host,
    }
}

/// Truncates a string for an error message without splitting a character.
pub(crate) fn snippet(s: &str, max_chars: usize) -> String {
    let mut out: String = s.chars().take(max_chars).collect();
    if s.chars().nth(max_chars).is_some() {
        out.push('…');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn collapses_runs_but_keeps_lone_nbsp() {
        assert_eq!(collapse_whitespace("  a \t b\n c  "), "a b c");
        assert_eq!(
            collapse_whitespace("lawyer\u{a0} representing"),
            "lawyer representing"
        );
        assert_eq!(collapse_whitespace("10\u{a0}km"), "10\u{a0}km");
        assert_eq!(collapse_whitespace("zero\u{200b}width"), "zerowidth");
        assert_eq!(collapse_whitespace("\u{a0}"), "");
    }

    #[test]
    fn escapes_markup() {
        assert_eq!(escape_html("a<b & \"c\""), "a&lt;b &amp; &quot;c&quot;");
        assert_eq!(escape_html("é<ü>'ß"), "é&lt;ü&gt;&#39;ß");
        assert_eq!(escape_html("naïve"), "naïve");
        assert_eq!(escape_html(""), "");
    }

    #[test]
    fn summaries_cut_at_sentences() {
        assert_eq!(summary_of("Short one.", 50).as_deref(), Some("Short one."));
        let long = "One two three. ".repeat(40);
        let s = summary_of(&long, 10).unwrap_or_default();
        assert!(s.ends_with("three."), "{s}");
        assert!(s.split_whitespace().count() <= 10);
        let run_on = "word ".repeat(200);
        assert!(summary_of(&run_on, 10).unwrap_or_default().ends_with('…'));
        assert_eq!(summary_of("   ", 10), None);
    }

    #[test]
    fn hosts_lose_www() {
        assert_eq!(
            host_of("https://www.OC-Media.org/x").as_deref(),
            Some("oc-media.org")
        );
        assert_eq!(host_of("javascript:alert(1)"), None);
        assert_eq!(strip_www("www.com"), "www.com");
    }
}
