//! Comment bodies: Markdown to HTML, then through a strict allow-list. Raw HTML in the source is
//! shown as text, links get `rel="nofollow ugc noopener"`, and only http(s) and mailto links
//! survive — no images, iframes, SVG, styles, scripts or data URLs.

use pulldown_cmark::{Event, Options, Parser, html};
use std::collections::HashSet;
use std::sync::LazyLock;

/// Longest comment accepted, in characters.
pub const MAX_CHARS: usize = 10_000;

/// The only elements a rendered comment may contain.
pub const ALLOWED_TAGS: &[&str] = &[
    "p",
    "br",
    "em",
    "strong",
    "code",
    "pre",
    "blockquote",
    "ul",
    "ol",
    "li",
    "a",
    "del",
];

static CLEANER: LazyLock<ammonia::Builder<'static>> = LazyLock::new(|| {
    let mut b = ammonia::Builder::empty();
    b.tags(HashSet::from_iter(ALLOWED_TAGS.iter().copied()))
        .tag_attributes(std::collections::HashMap::from([(
            "a",
            HashSet::from(["href"]),
        )]))
        .url_schemes(HashSet::from(["http", "https", "mailto"]))
        .link_rel(Some("nofollow ugc noopener"));
    b
});

/// Renders a comment's Markdown to safe HTML.
pub fn render(source: &str) -> String {
    let parser = Parser::new_ext(source, Options::ENABLE_STRIKETHROUGH).map(|e| match e {
        // HTML written in a comment is shown, not interpreted.
        Event::Html(t) | Event::InlineHtml(t) => Event::Text(t),
        other => other,
    });
    let mut out = String::new();
    html::push_html(&mut out, parser);
    CLEANER.clean(&out).to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The opening tags of `html` with their attributes (enough for the sanitizer's output,
    /// which always quotes attribute values; escaped text has no `<`).
    fn tags(html: &str) -> Vec<(String, Vec<(String, String)>)> {
        html.split('<')
            .skip(1)
            .filter(|t| !t.starts_with('/'))
            .filter_map(|t| t.split_once('>').map(|(inside, _)| inside))
            .map(|inside| {
                let (name, rest) = inside.split_once(' ').unwrap_or((inside, ""));
                let parts: Vec<&str> = rest.split('"').collect();
                let attrs = parts
                    .chunks(2)
                    .filter_map(|c| {
                        let name = c.first()?.trim().trim_end_matches('=');
                        let value = c.get(1).copied().unwrap_or("");
                        (!name.is_empty()).then(|| (name.to_owned(), value.to_owned()))
                    })
                    .collect();
                (name.to_owned(), attrs)
            })
            .collect()
    }

    #[test]
    fn markdown_renders_and_hostile_markup_does_not() {
        assert_eq!(
            render("*hi* **there**"),
            "<p><em>hi</em> <strong>there</strong></p>\n"
        );
        let link = render("[site](https://example.org)");
        assert!(link.contains(r#"href="https://example.org""#) && link.contains("nofollow ugc"));
        for hostile in [
            "<script>alert(1)</script>",
            "<img src=x onerror=alert(1)>",
            "<iframe src=https://evil.example></iframe>",
            "<svg onload=alert(1)>",
            "[x](javascript:alert(1))",
            "[x](data:text/html;base64,PHNjcmlwdD4=)",
            "![img](https://example.org/a.png)",
            "<a href=\"https://e.example\" onclick=\"x()\">y</a>",
        ] {
            let html = render(hostile);
            for (tag, attrs) in tags(&html) {
                let allowed = ["p", "a", "em", "strong", "code"];
                assert!(allowed.contains(&tag.as_str()), "{hostile} → {html}");
                for (name, value) in attrs {
                    assert!(
                        ["href", "rel"].contains(&name.as_str()),
                        "{hostile} → {html}"
                    );
                    assert!(
                        !value.starts_with("javascript") && !value.starts_with("data"),
                        "{hostile} → {html}"
                    );
                }
            }
        }
        assert!(
            render("<b>bold</b>").contains("&lt;b&gt;"),
            "raw HTML shown as text"
        );
    }
}
