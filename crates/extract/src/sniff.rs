//! What kind of file some bytes are — a plain-text page, an HTML page, a feed, OPML, JSON,
//! binary — judged from their first KBs, so importers can route a file (or refuse it with a
//! message that says what it is) without parsing it twice.

/// How much of the input is looked at.
const SNIFF_BYTES: usize = 4 * 1024;

/// The nature of a file, as far as its start tells.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PageKind {
    /// Nothing but whitespace.
    Empty,
    /// NUL bytes or a known binary signature.
    Binary,
    Html,
    /// RSS, Atom or RDF.
    XmlFeed,
    /// JSON Feed (jsonfeed.org).
    JsonFeed,
    Opml,
    /// Other XML.
    Xml,
    /// Other JSON.
    Json,
    /// Plain text: a candidate text page.
    Text,
}

impl PageKind {
    /// Why a text-page importer cannot take this kind, or `None` when it is plain text.
    pub fn refusal(self) -> Option<&'static str> {
        Some(match self {
            PageKind::Empty => "empty file",
            PageKind::Binary => "binary data, not text",
            PageKind::Html => "looks like HTML — import it as an HTML page",
            PageKind::XmlFeed => "looks like a feed (RSS/Atom) — import it as a feed",
            PageKind::JsonFeed => "looks like a JSON Feed — import it as a feed",
            PageKind::Opml => "looks like an OPML subscription list — import it with `opml import`",
            PageKind::Xml => "looks like XML, not a text article page",
            PageKind::Json => "looks like JSON, not a text article page",
            PageKind::Text => return None,
        })
    }
}

/// Judges `bytes` by their start. Text in any ASCII-compatible encoding or UTF-16 with a BOM is
/// recognised; the decision never needs the whole file.
pub fn sniff(bytes: &[u8]) -> PageKind {
    let head = &bytes[..bytes.len().min(SNIFF_BYTES)];
    if let Some(kind) = binary_signature(head) {
        return kind;
    }
    let text = head_as_text(head);
    sniff_text(&text)
}

/// Like [`sniff`] for text that is already decoded.
pub fn sniff_text(text: &str) -> PageKind {
    let start: String = text
        .trim_start_matches(|c: char| c.is_whitespace() || c == '\u{feff}')
        .chars()
        .take(SNIFF_BYTES)
        .collect::<String>()
        .to_ascii_lowercase();
    if start.trim().is_empty() {
        return PageKind::Empty;
    }
    if start.starts_with('{') || start.starts_with('[') {
        return json_kind(&start);
    }
    if start.starts_with('<') {
        return markup_kind(&start);
    }
    if looks_like_html_fragment(&start) {
        return PageKind::Html;
    }
    PageKind::Text
}

fn binary_signature(head: &[u8]) -> Option<PageKind> {
    let utf16_bom = head.starts_with(&[0xff, 0xfe]) || head.starts_with(&[0xfe, 0xff]);
    if !utf16_bom && head.contains(&0) {
        return Some(PageKind::Binary);
    }
    const SIGNATURES: &[&[u8]] = &[
        b"%PDF-",
        b"\x89PNG",
        b"GIF8",
        b"\xff\xd8\xff",
        b"PK\x03\x04",
        b"\x1f\x8b",
    ];
    SIGNATURES
        .iter()
        .any(|sig| head.starts_with(sig))
        .then_some(PageKind::Binary)
}

/// The start decoded loosely: enough to read ASCII markup in any common encoding.
fn head_as_text(head: &[u8]) -> String {
    if let Some((encoding, bom_len)) = encoding_rs::Encoding::for_bom(head) {
        let body = head.get(bom_len..).unwrap_or_default();
        return encoding.decode_without_bom_handling(body).0.into_owned();
    }
    String::from_utf8_lossy(head).into_owned()
}

fn json_kind(start: &str) -> PageKind {
    if start.contains("jsonfeed.org/version") {
        PageKind::JsonFeed
    } else {
        PageKind::Json
    }
}

fn markup_kind(start: &str) -> PageKind {
    let body = skip_xml_prolog(start);
    if body.starts_with("<rss") || body.starts_with("<feed") || body.starts_with("<rdf:rdf") {
        return PageKind::XmlFeed;
    }
    if body.starts_with("<opml") {
        return PageKind::Opml;
    }
    let html_start = [
        "<!doctype html",
        "<html",
        "<head",
        "<body",
        "<meta",
        "<title",
    ];
    if html_start.iter().any(|p| body.starts_with(p)) || looks_like_html_fragment(body) {
        return PageKind::Html;
    }
    if start.starts_with("<?xml") {
        return PageKind::Xml;
    }
    // Starts with a tag we do not know: XML if it never mentions HTML elements.
    PageKind::Xml
}

/// Drops `<?xml …?>`, comments, processing instructions and doctype-less stylesheet lines so
/// the first real element can be read.
fn skip_xml_prolog(mut s: &str) -> &str {
    loop {
        s = s.trim_start();
        let end = if s.starts_with("<?") {
            s.find("?>").map(|i| i + 2)
        } else if s.starts_with("<!--") {
            s.find("-->").map(|i| i + 3)
        } else if s.starts_with("<!doctype") && !s.starts_with("<!doctype html") {
            s.find('>').map(|i| i + 1)
        } else {
            return s;
        };
        match end {
            Some(end) => s = &s[end..],
            None => return s,
        }
    }
}

/// HTML without the document shell: several common element tags near the start.
fn looks_like_html_fragment(start: &str) -> bool {
    const TAGS: &[&str] = &[
        "<p>", "<p ", "<div", "<br", "<a href", "<span", "<h1", "<h2", "<article", "<script",
        "<ul>", "<li>", "<table", "<img ",
    ];
    TAGS.iter().filter(|t| start.contains(*t)).count() >= 2
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds() {
        assert_eq!(sniff(b""), PageKind::Empty);
        assert_eq!(sniff(b" \n\t\n"), PageKind::Empty);
        assert_eq!(sniff(b"\x89PNG\r\n\x1a\n"), PageKind::Binary);
        assert_eq!(sniff(b"%PDF-1.7\n"), PageKind::Binary);
        assert_eq!(sniff(b"ab\0cd"), PageKind::Binary);
        assert_eq!(sniff(b"<!DOCTYPE html><html>"), PageKind::Html);
        assert_eq!(sniff(b"\n  <html lang=en>"), PageKind::Html);
        assert_eq!(sniff(b"<div><p>Hi</p></div>"), PageKind::Html);
        assert_eq!(
            sniff(b"<?xml version=\"1.0\"?>\n<!-- c -->\n<rss version=\"2.0\">"),
            PageKind::XmlFeed
        );
        assert_eq!(
            sniff(b"<?xml version='1.0'?><feed xmlns='http://www.w3.org/2005/Atom'>"),
            PageKind::XmlFeed
        );
        assert_eq!(sniff(b"<?xml version='1.0'?><opml>"), PageKind::Opml);
        assert_eq!(sniff(b"<?xml version='1.0'?><note/>"), PageKind::Xml);
        assert_eq!(
            sniff(b"{\"version\": \"https://jsonfeed.org/version/1.1\"}"),
            PageKind::JsonFeed
        );
        assert_eq!(sniff(b"[1,2]"), PageKind::Json);
        assert_eq!(sniff(b"date 2025-03-20\n\nHeadline\n"), PageKind::Text);
        assert_eq!(sniff(b"Use <b> for bold text.\n"), PageKind::Text);
        assert!(PageKind::Text.refusal().is_none());
        assert!(
            PageKind::Html
                .refusal()
                .unwrap_or_default()
                .contains("HTML")
        );
    }
}
