//! Test helpers shared by the extractor tests: fixture paths, and a checker for expectations
//! written in the form of `shared/seed/expected.json`'s "article" section.

use serde_json::Value;
use std::path::PathBuf;
use tidings_model::{Article, IsoWeek};
use unicode_normalization::UnicodeNormalization;

/// A path under this crate's `tests/fixtures`.
pub(crate) fn fixture(rel: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(rel)
}

/// NFC and every whitespace run (no-break spaces included) as one space: how expectations
/// compare text.
pub(crate) fn normalise(s: &str) -> String {
    let nfc: String = s.nfc().collect();
    nfc.split(char::is_whitespace)
        .filter(|w| !w.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
}

fn as_set(v: &Value) -> Vec<String> {
    let mut items: Vec<String> = v
        .as_array()
        .map(|a| a.iter().filter_map(Value::as_str).map(normalise).collect())
        .unwrap_or_default();
    items.sort();
    items
}

fn sorted(items: &[String]) -> Vec<String> {
    let mut items: Vec<String> = items.iter().map(|s| normalise(s)).collect();
    items.sort();
    items
}

fn opt_str(v: &Value) -> Option<String> {
    v.as_str().map(normalise)
}

/// Every difference between `article` and `expected`; keys absent from `expected` are not
/// checked, `null` means "must be absent".
pub(crate) fn differences(article: &Article, expected: &Value) -> Vec<String> {
    let mut out = Vec::new();
    let mut check = |what: &str, ok: bool, got: String| {
        if !ok {
            out.push(format!("{what}: got {got}"));
        }
    };
    let text = normalise(&article.text);
    if let Some(v) = expected.get("title") {
        check(
            "title",
            opt_str(v) == Some(normalise(&article.title)),
            article.title.clone(),
        );
    }
    if let Some(v) = expected.get("summary") {
        check(
            "summary",
            opt_str(v) == article.summary.as_deref().map(normalise),
            format!("{:?}", article.summary),
        );
    }
    if let Some(v) = expected.get("authors") {
        check(
            "authors",
            as_set(v) == sorted(&article.authors),
            format!("{:?}", article.authors),
        );
    }
    if let Some(v) = expected.pointer("/outlet/name") {
        check(
            "outlet.name",
            opt_str(v) == Some(normalise(&article.outlet.name)),
            article.outlet.name.clone(),
        );
    }
    if let Some(v) = expected.pointer("/outlet/domain") {
        check(
            "outlet.domain",
            opt_str(v) == article.outlet.domain,
            format!("{:?}", article.outlet.domain),
        );
    }
    let date = article.published_at.map(|t| t.date_naive());
    if let Some(v) = expected.get("published_at_date") {
        check(
            "published_at_date",
            opt_str(v) == date.map(|d| d.to_string()),
            format!("{date:?}"),
        );
    }
    if let Some(v) = expected.get("iso_week") {
        let week = date.map(|d| IsoWeek::of_date(d).to_string());
        check("iso_week", opt_str(v) == week, format!("{week:?}"));
    }
    if let Some(v) = expected.get("section") {
        check(
            "section",
            opt_str(v) == article.section.as_deref().map(normalise),
            format!("{:?}", article.section),
        );
    }
    if let Some(v) = expected.get("tags") {
        check(
            "tags",
            as_set(v) == sorted(&article.tags),
            format!("{:?}", article.tags),
        );
    }
    if let Some(v) = expected.get("language") {
        check(
            "language",
            opt_str(v) == article.language,
            format!("{:?}", article.language),
        );
    }
    if let Some(v) = expected.pointer("/engagement/views") {
        check(
            "views",
            v.as_i64() == Some(article.engagement.views),
            article.engagement.views.to_string(),
        );
    }
    if let Some(v) = expected.pointer("/engagement/comments") {
        check(
            "comments",
            v.as_i64() == Some(article.engagement.comments),
            article.engagement.comments.to_string(),
        );
    }
    let p = &article.provenance;
    if let Some(v) = expected.pointer("/provenance/original_outlet") {
        check(
            "provenance.original_outlet",
            opt_str(v) == p.original_outlet.as_deref().map(normalise),
            format!("{:?}", p.original_outlet),
        );
    }
    if let Some(v) = expected.pointer("/provenance/original_outlet_domain") {
        let domain = p
            .original_outlet
            .as_deref()
            .map(|o| o.trim_start_matches("www.").to_lowercase());
        check(
            "provenance.original_outlet_domain",
            opt_str(v) == domain,
            format!("{:?}", p.original_outlet),
        );
    }
    if let Some(v) = expected.pointer("/provenance/original_url") {
        check(
            "provenance.original_url",
            opt_str(v) == p.original_url,
            format!("{:?}", p.original_url),
        );
    }
    if let Some(v) = expected.pointer("/provenance/original_published_at_date") {
        let d = p.original_published_at.map(|t| t.date_naive().to_string());
        check(
            "provenance.original_published_at_date",
            opt_str(v) == d,
            format!("{d:?}"),
        );
    }
    if let Some(v) = expected.get("text_starts_with").and_then(Value::as_str) {
        check(
            "text_starts_with",
            text.starts_with(&normalise(v)),
            crate::textutil::snippet(&text, 120),
        );
    }
    if let Some(v) = expected.get("text_ends_with").and_then(Value::as_str) {
        let tail: String = text
            .chars()
            .rev()
            .take(120)
            .collect::<Vec<_>>()
            .into_iter()
            .rev()
            .collect();
        check("text_ends_with", text.ends_with(&normalise(v)), tail);
    }
    for v in expected
        .get("text_includes")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
    {
        let needle = v.as_str().unwrap_or_default();
        check(
            &format!("text_includes {needle:?}"),
            article.text.contains(needle),
            "missing".into(),
        );
    }
    for v in expected
        .get("text_excludes")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
    {
        // Raw check (so "Name\n" means a line of its own) and normalised check (for phrases).
        let needle = v.as_str().unwrap_or_default();
        let normalised = normalise(needle);
        let raw_hit = article.text.contains(needle);
        let phrase_hit =
            !needle.ends_with('\n') && !normalised.is_empty() && text.contains(&normalised);
        check(
            &format!("text_excludes {needle:?}"),
            !raw_hit && !phrase_hit,
            "present".into(),
        );
    }
    if let Some(v) = expected.get("url") {
        check(
            "url",
            opt_str(v) == article.url,
            format!("{:?}", article.url),
        );
    }
    if let Some(v) = expected.get("image_url") {
        check(
            "image_url",
            opt_str(v) == article.image_url,
            format!("{:?}", article.image_url),
        );
    }
    for v in expected
        .get("html_includes")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
    {
        let needle = v.as_str().unwrap_or_default();
        check(
            &format!("html_includes {needle:?}"),
            article.html.contains(needle),
            "missing".into(),
        );
    }
    for v in expected
        .get("html_excludes")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
    {
        let needle = v.as_str().unwrap_or_default();
        check(
            &format!("html_excludes {needle:?}"),
            !article.html.contains(needle),
            "present".into(),
        );
    }
    if let Some(v) = expected.get("paragraphs") {
        let n = article.paragraphs().count();
        check(
            "paragraphs",
            v.as_u64() == u64::try_from(n).ok(),
            n.to_string(),
        );
    }
    out
}
