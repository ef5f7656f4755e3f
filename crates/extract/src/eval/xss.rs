//! The XSS evaluation: every attack vector of `datasets/xss-vectors` (the HTML5 Security
//! Cheatsheet's `h5sc/items.jsonl` and its `vectors.txt` blob, DOMPurify's
//! `dompurify/expect.jsonl` payloads) goes through the article sanitizer, and the output is
//! parsed again with html5ever to check that nothing executable survived: no script-capable
//! element, no event handler, no script or non-image data URL, no style, no refresh or base.
//! DOMPurify's expected outputs are not compared: its policy allows more than tidings does.
//! The output is also sanitized a second time and its parsed tree must not change (mutation XSS
//! round-trips through serialization).

use crate::sanitize::sanitize_html;
use scraper::{Html, Node};
use std::io;
use std::path::Path;

/// The base URL articles are sanitized against, so relative URLs are kept (and checked) too.
const BASE: &str = "https://news.example/section/story.html";

/// Elements that run code, load documents, submit data or restyle the page.
const FORBIDDEN_ELEMENTS: &[&str] = &[
    "script", "style", "iframe", "frame", "frameset", "object", "embed", "applet", "base", "meta",
    "link", "form", "svg", "math", "template", "noscript", "xmp", "noembed", "input", "button",
    "isindex",
];

/// Attributes that hold a URL somewhere in some browser.
const URL_ATTRIBUTES: &[&str] = &[
    "href",
    "src",
    "srcset",
    "action",
    "formaction",
    "poster",
    "data",
    "background",
    "dynsrc",
    "lowsrc",
    "cite",
    "longdesc",
    "codebase",
    "ping",
    "xlink:href",
    "xmlns:xlink",
];

/// Attributes that are active whatever their value.
const FORBIDDEN_ATTRIBUTES: &[&str] = &["style", "srcdoc", "formaction", "http-equiv"];

/// One attack string and where it came from.
#[derive(Debug, Clone)]
pub struct Vector {
    pub source: &'static str,
    pub id: String,
    pub title: String,
    pub payload: String,
}

/// A vector whose sanitized output still held something active.
#[derive(Debug, Clone)]
pub struct Failure {
    pub vector: Vector,
    pub problems: Vec<String>,
    pub output: String,
}

#[derive(Debug, Clone, Default)]
pub struct Report {
    pub total: usize,
    pub failures: Vec<Failure>,
}

impl Report {
    pub fn passed(&self) -> usize {
        self.total - self.failures.len()
    }

    pub fn rate(&self) -> f64 {
        if self.total == 0 {
            return 0.0;
        }
        self.passed() as f64 / self.total as f64
    }
}

/// Reads the vectors under `dir` (the `xss-vectors` folder).
pub fn load(dir: &Path) -> io::Result<Vec<Vector>> {
    let mut out = Vec::new();
    for (source, file, id_field, title_field) in [
        ("h5sc", "h5sc/items.jsonl", "id", "name"),
        ("dompurify", "dompurify/expect.jsonl", "n", "title"),
    ] {
        let path = dir.join(file);
        let text = std::fs::read_to_string(&path)
            .map_err(|e| io::Error::new(e.kind(), format!("{}: {e}", path.display())))?;
        for (i, line) in text
            .lines()
            .enumerate()
            .filter(|(_, l)| !l.trim().is_empty())
        {
            let bad = |why: String| {
                io::Error::new(
                    io::ErrorKind::InvalidData,
                    format!("{}, line {}: {why}", path.display(), i + 1),
                )
            };
            let v: serde_json::Value =
                serde_json::from_str(line).map_err(|e| bad(e.to_string()))?;
            let payload = v
                .get("payload")
                .and_then(|p| p.as_str())
                .ok_or_else(|| bad("no payload".into()))?;
            out.push(Vector {
                source,
                id: v
                    .get(id_field)
                    .map_or_else(|| (i + 1).to_string(), |id| id.to_string()),
                title: v
                    .get(title_field)
                    .and_then(|t| t.as_str())
                    .unwrap_or_default()
                    .to_owned(),
                payload: payload.to_owned(),
            });
        }
    }
    let blob = dir.join("h5sc/vectors.txt");
    if let Ok(text) = std::fs::read_to_string(&blob) {
        out.push(Vector {
            source: "h5sc",
            id: "vectors.txt".into(),
            title: "every vector in one document".into(),
            payload: text,
        });
    }
    Ok(out)
}

/// Sanitizes every vector with the article sanitizer and checks each output, and that
/// sanitizing the output again changes nothing.
pub fn evaluate(vectors: &[Vector]) -> Report {
    evaluate_with(vectors, |html| sanitize_html(html, Some(BASE)), true)
}

/// Runs every vector through `sanitize` (any of tidings' HTML producers) and checks each
/// output; `idempotent` also checks that a second pass changes nothing (true of a sanitizer,
/// not of a Markdown renderer, which escapes the HTML it is given).
pub fn evaluate_with(
    vectors: &[Vector],
    sanitize: impl Fn(&str) -> String,
    idempotent: bool,
) -> Report {
    let mut report = Report::default();
    for v in vectors {
        report.total += 1;
        let output = sanitize(&v.payload);
        let mut problems = active_content(&output);
        let again = if idempotent {
            sanitize(&output)
        } else {
            output.clone()
        };
        // Compared as parsed trees: plain text takes a fast path that escapes quotes which
        // ammonia's serializer leaves as they are, the same text either way.
        if again != output && reserialized(&again) != reserialized(&output) {
            problems.push(format!(
                "not idempotent: sanitizing the output again gives {again:?}"
            ));
        }
        if !problems.is_empty() {
            report.failures.push(Failure {
                vector: v.clone(),
                problems,
                output,
            });
        }
    }
    report
}

fn reserialized(html: &str) -> String {
    Html::parse_fragment(html).root_element().inner_html()
}

/// What is still active in sanitized `html`, parsed as a browser would parse a fragment.
pub fn active_content(html: &str) -> Vec<String> {
    let doc = Html::parse_fragment(html);
    let mut problems = Vec::new();
    for node in doc.tree.nodes() {
        let Node::Element(el) = node.value() else {
            continue;
        };
        let name = el.name().to_ascii_lowercase();
        // html5ever wraps a fragment in an <html> element of its own.
        if FORBIDDEN_ELEMENTS.contains(&name.as_str()) {
            problems.push(format!("<{name}> element"));
        }
        for (attr, value) in el.attrs() {
            let attr = attr.to_ascii_lowercase();
            if attr.starts_with("on") {
                problems.push(format!("event handler {attr}= on <{name}>"));
            }
            if FORBIDDEN_ATTRIBUTES.contains(&attr.as_str()) {
                problems.push(format!("{attr}= on <{name}>"));
            }
            if URL_ATTRIBUTES.contains(&attr.as_str()) {
                let urls: Vec<&str> = if attr == "srcset" {
                    value
                        .split(',')
                        .filter_map(|c| c.split_whitespace().next())
                        .collect()
                } else {
                    vec![value]
                };
                for url in urls {
                    if let Some(scheme) = unsafe_scheme(url) {
                        problems.push(format!("{scheme}: URL in {attr}= on <{name}>"));
                    }
                }
            }
        }
    }
    problems
}

/// The scheme of `url` when a browser would run or render it as a document: anything but
/// http, https and mailto (and raster images as data URLs). Browsers drop tabs, newlines and
/// leading control characters and spaces before reading the scheme, so this does too.
fn unsafe_scheme(url: &str) -> Option<String> {
    let cleaned: String = url
        .trim_start_matches(|c: char| c <= ' ')
        .chars()
        .filter(|c| !matches!(c, '\t' | '\n' | '\r'))
        .collect();
    let lower = cleaned.to_ascii_lowercase();
    let end = lower.find([':', '/', '?', '#'])?;
    if lower.as_bytes().get(end) != Some(&b':') {
        return None; // relative
    }
    let scheme = &lower[..end];
    // Per the URL standard a scheme is a letter then letters, digits, `+`, `-` or `.`; with
    // any other character (`java%09script:`, `javascri$pt:`) the URL is relative, not a scheme.
    let mut chars = scheme.chars();
    let valid = chars.next().is_some_and(|c| c.is_ascii_alphabetic())
        && chars.all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'));
    if !valid {
        return None;
    }
    match scheme {
        "http" | "https" | "mailto" => None,
        "data"
            if [
                "data:image/png",
                "data:image/gif",
                "data:image/jpeg",
                "data:image/webp",
            ]
            .iter()
            .any(|p| lower.starts_with(p)) =>
        {
            None
        }
        other => Some(other.to_owned()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_what_is_active() {
        let found = active_content(
            "<a href=\" java\tscript:x\">a</a><img src=x onerror=y><p style=\"x\">p</p>\
             <svg><script>1</script></svg><a href=\"/rel\">r</a><img src=\"data:image/png;base64,AA\">\
             <img src=\"data:text/html,x\">",
        );
        let text = found.join("; ");
        assert!(text.contains("javascript: URL"), "{text}");
        assert!(text.contains("onerror"), "{text}");
        assert!(text.contains("style="), "{text}");
        assert!(text.contains("<svg>"), "{text}");
        assert!(text.contains("<script>"), "{text}");
        assert!(text.contains("data: URL"), "{text}");
        assert_eq!(found.len(), 6, "{text}");
    }

    /// Fuzz regression (`markdown`): the comment renderer percent-encodes a tab written as
    /// `&#x09;`, and `java%09script:` is a relative URL in a browser, not a script.
    #[test]
    fn percent_encoded_scheme_is_relative() {
        assert!(active_content("<a href=\"java%09script:alert(1)\">y</a>").is_empty());
        assert!(active_content("<a href=\"javascri$pt:alert(1)\">y</a>").is_empty());
        assert!(!active_content("<a href=\"java\tscript:alert(1)\">y</a>").is_empty());
    }

    #[test]
    fn clean_markup_passes() {
        assert!(
            active_content("<p><a href=\"https://x.example/\">x</a> <em>y</em></p>").is_empty()
        );
    }

    /// The checker has teeth: on the unsanitized payloads it finds active content in most
    /// (298 of 373; the few with an invalid scheme such as `javascri$pt:` are relative URLs).
    #[test]
    fn raw_payloads_are_mostly_flagged() {
        let dir =
            Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/datasets/xss-vectors");
        let Ok(vectors) = load(&dir) else {
            return; // the shared data sets are not present
        };
        let flagged = vectors
            .iter()
            .filter(|v| !active_content(&v.payload).is_empty())
            .count();
        eprintln!("{flagged} of {} raw payloads flagged", vectors.len());
        assert!(
            flagged * 4 >= vectors.len() * 3,
            "{flagged} of {}",
            vectors.len()
        );
    }
}
