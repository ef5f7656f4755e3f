//! Extraction stage: turns the bytes of a page into an [`Article`]. Pure — no I/O; the caller
//! names the source (file or URL) in its error messages.
//!
//! - [`decode`] bytes → clean Unicode text (BOM, declared charset, UTF-8, detection).
//! - [`sniff`] what kind of file some bytes are (text page, HTML, feed, binary…).
//! - [`dates`] loose date parsing and year inference for dates written without a year.
//! - [`provenance`] republication notes ("originally appeared on …") in plain text.
//! - [`text_page`] the plain-text aggregator page (the form of `shared/seed/page.txt`).
//! - [`html_page`] article pages in HTML: metadata and main body.
//! - [`sanitize`] the allow-list HTML sanitizer everything stored goes through.

pub mod dates;
pub mod decode;
pub mod discover;
pub mod eval;
pub mod html_page;
pub mod provenance;
pub mod sanitize;
pub mod sniff;
pub mod text_page;

mod byline;
mod lang;
mod textutil;

#[cfg(test)]
mod test_support;

use tidings_model::{Article, Classify, ErrorClass};

/// Why a page could not be turned into an article. The message says what is wrong; the caller
/// adds where (file or URL).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ExtractError {
    /// The input is readable but is not an article page of the expected kind.
    #[error("not an article page: {0}")]
    NotAnArticle(String),
    /// The bytes cannot be turned into text (binary data, undecodable).
    #[error("cannot decode text: {0}")]
    Encoding(String),
    /// The input is an article page but one line of it holds an impossible value (a negative
    /// counter, an unparseable date). `line` is 1-based, counted in the decoded text.
    #[error("line {line}: {message}")]
    Malformed { line: usize, message: String },
}

impl Classify for ExtractError {
    fn class(&self) -> ErrorClass {
        ErrorClass::InvalidInput
    }
}

/// Extracts an article from a plain-text aggregator page (the form of `shared/seed/page.txt`).
pub fn extract_text_page(bytes: &[u8]) -> Result<Article, ExtractError> {
    text_page::extract(bytes)
}

/// Extracts an article from an HTML page; `url` is where the page came from, used to resolve
/// relative links, to name the outlet's domain and to recognise republications.
pub fn extract_html_page(bytes: &[u8], url: Option<&str>) -> Result<Article, ExtractError> {
    html_page::extract(bytes, url, None)
}

/// Extracts an article from a page of either kind, deciding by content (see [`sniff`]); feeds,
/// OPML and binary files are refused with a message saying what they are.
pub fn extract_page(bytes: &[u8], url: Option<&str>) -> Result<Article, ExtractError> {
    match sniff::sniff(bytes) {
        sniff::PageKind::Html => extract_html_page(bytes, url),
        _ => extract_text_page(bytes),
    }
}

/// The language of article text when it can be told ("en"), for articles whose source did
/// not say.
pub fn detect_language(text: &str) -> Option<String> {
    lang::detect_english(text)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// Inputs that would expose anything worse than linear: they are built, run and dropped; a
    /// quadratic step would make this test run for minutes, not fail an assertion.
    pub(super) fn pathological() -> Vec<String> {
        vec![
            "word ".repeat(400_000),
            "\n".repeat(100_000),
            "\r\n \u{a0}".repeat(100_000),
            "(This article originally appeared on ".repeat(50_000),
            "by\n".repeat(100_000),
            "1\n".repeat(100_000),
            format!("date 2025-03-20\n{}", "Tag\n\n".repeat(50_000)),
            "<p>".repeat(100_000),
            "<div>".repeat(50_000),
            "<".repeat(2_000_000),
        ]
    }

    #[test]
    fn every_entry_point_survives_pathological_input() {
        let reference = chrono::NaiveDate::from_ymd_opt(2025, 3, 20);
        for input in pathological() {
            let bytes = input.as_bytes();
            let _ = decode::decode_text(bytes, None);
            let _ = extract_text_page(bytes);
            let _ = extract_html_page(bytes, Some("https://news.example/a"));
            let _ = extract_page(bytes, None);
            let _ = provenance::find_republication_note(&input, reference);
            let _ = sanitize::sanitize_html(&input, None);
        }
    }

    #[test]
    fn extract_page_routes_by_content() {
        let html = format!(
            "<html><body><article>{}</article></body></html>",
            "<p>A sentence of the article that goes on for a while.</p>".repeat(8)
        );
        assert!(extract_page(html.as_bytes(), None).is_ok());
        let err = extract_page(b"<?xml version='1.0'?><rss/>", None).map(|a| a.title);
        assert!(err.is_err_and(|e| e.to_string().contains("feed")));
        let text = "date 2025-03-20\n\nWorld\n\nHeadline\n\nby\nOutlet\n\nBody text here.\n";
        assert_eq!(
            extract_page(text.as_bytes(), None)
                .map(|a| a.title)
                .ok()
                .as_deref(),
            Some("Headline")
        );
    }

    #[test]
    fn errors_are_invalid_input_and_say_where() {
        let e = ExtractError::Malformed {
            line: 9,
            message: "view count \"-1\" is negative".into(),
        };
        assert_eq!(e.to_string(), "line 9: view count \"-1\" is negative");
        assert_eq!(e.class(), ErrorClass::InvalidInput);
    }

    proptest! {
        #[test]
        fn public_functions_never_panic(s in "\\PC{0,300}", bytes in proptest::collection::vec(any::<u8>(), 0..512)) {
            let _ = extract_page(s.as_bytes(), Some("https://x.example/"));
            let _ = extract_page(&bytes, None);
            let _ = provenance::find_republication_note(&s, None);
            let _ = decode::decode_text(&bytes, Some("utf-8"));
        }
    }
}
