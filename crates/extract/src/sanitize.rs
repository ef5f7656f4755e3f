//! The HTML sanitizer every stored or shown body goes through: an allow-list of article tags
//! and attributes (ammonia), http/https/mailto links only, `rel` set on every link, relative
//! URLs made absolute against the page's URL — and nothing that runs or restyles: no script,
//! style, class, id, event handlers, forms, frames or SVG.

use ammonia::{Builder, UrlRelative};

mod fast;
use std::collections::{HashMap, HashSet};

/// Elements an article body may keep.
const TAGS: &[&str] = &[
    "p",
    "br",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "ul",
    "ol",
    "li",
    "blockquote",
    "figure",
    "figcaption",
    "img",
    "a",
    "em",
    "strong",
    "b",
    "i",
    "code",
    "pre",
    "table",
    "thead",
    "tbody",
    "tfoot",
    "tr",
    "th",
    "td",
    "caption",
    "sub",
    "sup",
    "hr",
];

/// Elements removed together with everything inside them: their content is code, controls or
/// graphics, never article text.
const DROPPED_WITH_CONTENT: &[&str] = &[
    "script", "style", "iframe", "frame", "frameset", "object", "embed", "svg", "math", "form",
    "button", "select", "textarea", "noscript", "template", "canvas", "audio", "video",
];

/// What every link gets: no referrer or opener leaks, no SEO endorsement of third-party content.
const LINK_REL: &str = "noopener noreferrer nofollow ugc";

/// Container elements nested deeper than this make the HTML parser slow (its scope checks walk
/// the stack of open elements, so parsing is quadratic in depth); no real page comes close.
pub(crate) const MAX_NESTING: usize = 1_000;

/// Elements that nest when left open (unlike `p` or `li`, which the parser closes itself).
const NESTING_CONTAINERS: &[&str] = &[
    "div",
    "section",
    "article",
    "aside",
    "main",
    "nav",
    "header",
    "footer",
    "blockquote",
    "ul",
    "ol",
    "dl",
    "form",
    "fieldset",
    "figure",
    "details",
    "table",
    "span",
    "font",
    "center",
];

/// How deep container elements nest at most, counted from tags alone in one linear pass: an
/// upper bound for deciding whether the input is safe to parse.
pub(crate) fn nesting_estimate(html: &str) -> usize {
    let bytes = html.as_bytes();
    let (mut depth, mut deepest) = (0usize, 0usize);
    for (pos, _) in html.match_indices('<') {
        let rest = bytes.get(pos + 1..).unwrap_or_default();
        let closing = rest.first() == Some(&b'/');
        let name: Vec<u8> = rest
            .iter()
            .skip(usize::from(closing))
            .take_while(|b| b.is_ascii_alphanumeric())
            .take(12)
            .map(u8::to_ascii_lowercase)
            .collect();
        let is_container =
            std::str::from_utf8(&name).is_ok_and(|n| NESTING_CONTAINERS.contains(&n));
        if !is_container {
            continue;
        }
        if closing {
            depth = depth.saturating_sub(1);
        } else {
            depth += 1;
            deepest = deepest.max(depth);
        }
    }
    deepest
}

/// Cleans `html` down to the article allow-list. With `base_url` (an absolute http(s) URL)
/// relative links and image sources are made absolute; without one they are dropped, because
/// they would otherwise point into tidings' own site.
pub fn sanitize_html(html: &str, base_url: Option<&str>) -> String {
    if !html.contains(['<', '&']) {
        // Plain text: escaping is all the sanitizer would do.
        return crate::textutil::escape_html(html);
    }
    let base = base_url.and_then(parse_base);
    if let Some(clean) = fast::clean(html, base.as_ref()) {
        debug_assert_eq!(
            clean,
            ammonia_clean(html, base),
            "the fast path must answer as ammonia does for {html:?}"
        );
        return clean;
    }
    if nesting_estimate(html) > MAX_NESTING {
        // Too deep to parse in reasonable time: keep the words, drop every tag.
        return strip_all_tags(html);
    }
    ammonia_clean(html, base)
}

/// The base URL as an http(s) URL. A feed hands every entry the same base, so each thread keeps
/// the last one parsed: parsing it again cost as much as sanitizing a short entry.
fn parse_base(base: &str) -> Option<url::Url> {
    thread_local! {
        static LAST: std::cell::RefCell<Option<(String, Option<url::Url>)>> =
            const { std::cell::RefCell::new(None) };
    }
    LAST.with(|last| {
        let mut last = last.borrow_mut();
        if let Some((text, url)) = last.as_ref()
            && text == base
        {
            return url.clone();
        }
        let url = url::Url::parse(base)
            .ok()
            .filter(|u| matches!(u.scheme(), "http" | "https"));
        *last = Some((base.to_owned(), url.clone()));
        url
    })
}

/// The full sanitizer: html5ever's tree builder and ammonia's allow-list.
fn ammonia_clean(html: &str, base: Option<url::Url>) -> String {
    let relative = match base {
        Some(base) => UrlRelative::RewriteWithBase(base),
        None => UrlRelative::Deny,
    };
    // Building the allow-list costs as much as cleaning a short fragment, so each thread keeps
    // one and only swaps the base URL.
    thread_local! {
        static BUILDER: std::cell::RefCell<Builder<'static>> =
            std::cell::RefCell::new(builder(UrlRelative::Deny));
    }
    BUILDER.with(|b| {
        let mut b = b.borrow_mut();
        b.url_relative(relative);
        b.clean(html).to_string()
    })
}

/// The text of `html` with every tag removed and the rest escaped, in one linear pass.
fn strip_all_tags(html: &str) -> String {
    let mut text = String::with_capacity(html.len() / 2);
    let mut in_tag = false;
    for c in html.chars() {
        match c {
            '<' => in_tag = true,
            '>' if in_tag => {
                in_tag = false;
                text.push(' ');
            }
            _ if !in_tag => text.push(c),
            _ => {}
        }
    }
    crate::textutil::escape_html(&crate::textutil::collapse_whitespace(&text))
}

fn builder(relative: UrlRelative<'static>) -> Builder<'static> {
    let attributes: HashMap<&str, HashSet<&str>> = [
        ("a", ["href", "title"].as_slice()),
        ("img", ["src", "alt", "title", "width", "height"].as_slice()),
        ("td", ["colspan", "rowspan"].as_slice()),
        ("th", ["colspan", "rowspan", "scope"].as_slice()),
        ("ol", ["start"].as_slice()),
    ]
    .into_iter()
    .map(|(tag, attrs)| (tag, attrs.iter().copied().collect()))
    .collect();
    let mut b = Builder::empty();
    b.tags(TAGS.iter().copied().collect())
        .clean_content_tags(DROPPED_WITH_CONTENT.iter().copied().collect())
        .generic_attributes(HashSet::new())
        .tag_attributes(attributes)
        .url_schemes(["http", "https", "mailto"].into_iter().collect())
        .link_rel(Some(LINK_REL))
        .url_relative(relative)
        .strip_comments(true);
    b
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn clean(html: &str) -> String {
        sanitize_html(html, Some("https://news.example/section/story.html"))
    }

    #[test]
    fn each_call_resolves_against_its_own_base() {
        // The last base is cached per thread: a new one, or none, must not reuse it.
        let a = sanitize_html("<a href=\"x\">x</a>", Some("https://a.example/p/"));
        let b = sanitize_html("<a href=\"x\">x</a>", Some("https://b.example/q/"));
        let again = sanitize_html("<a href=\"x\">x</a>", Some("https://a.example/p/"));
        let ftp = sanitize_html("<a href=\"x\">x</a>", Some("ftp://c.example/"));
        assert!(a.contains("https://a.example/p/x"), "{a}");
        assert!(b.contains("https://b.example/q/x"), "{b}");
        assert_eq!(a, again);
        assert!(!ftp.contains("c.example"), "{ftp}");
    }

    #[test]
    fn keeps_article_markup() {
        let out = clean(
            "<h2>Sub</h2><p>One <em>two</em> <strong>three</strong><br>four</p>\
             <ul><li>a</li></ul><blockquote>q</blockquote>\
             <figure><img src=\"/img/x.jpg\" alt=\"X\" width=\"10\"><figcaption>c</figcaption></figure>",
        );
        assert!(out.contains("<h2>Sub</h2>"), "{out}");
        assert!(out.contains("<em>two</em>"), "{out}");
        assert!(out.contains("<br>"), "{out}");
        assert!(
            out.contains("<img src=\"https://news.example/img/x.jpg\" alt=\"X\" width=\"10\">"),
            "{out}"
        );
        assert!(out.contains("<figcaption>c</figcaption>"), "{out}");
    }

    #[test]
    fn links_are_absolute_and_get_rel() {
        let out = clean("<a href=\"other.html\" title=\"t\" target=\"_blank\">x</a>");
        assert_eq!(
            out,
            "<a href=\"https://news.example/section/other.html\" title=\"t\" \
             rel=\"noopener noreferrer nofollow ugc\">x</a>"
        );
        let mail = clean("<a href=\"mailto:desk@news.example\">m</a>");
        assert!(mail.contains("mailto:desk@news.example"), "{mail}");
    }

    #[test]
    fn relative_urls_without_a_base_are_dropped() {
        let out = sanitize_html("<a href=\"/x\">x</a><img src=\"y.png\">", None);
        assert!(!out.contains("href"), "{out}");
        assert!(!out.contains("src"), "{out}");
    }

    #[test]
    fn removes_everything_active() {
        let hostile = r#"<p onclick="x()" class="c" id="i" style="color:red">t</p>
            <script>alert(1)</script><style>p{}</style>
            <a href="javascript:alert(1)">j</a><a href="JaVaScRiPt:alert(1)">j2</a>
            <img src="data:image/png;base64,AAAA"><img src=x onerror=alert(1)>
            <iframe srcdoc="<script>alert(1)</script>" src="https://evil.example"></iframe>
            <form action="/x"><input name=a><button>Send</button></form>
            <svg><script>alert(1)</script><text>svgtext</text></svg>
            <object data="x.swf"></object><embed src="x.swf">
            <a href="vbscript:x">v</a><!-- comment -->"#;
        let out = clean(hostile);
        for bad in [
            "onclick",
            "class=",
            "id=",
            "style",
            "script",
            "alert",
            "javascript",
            "data:",
            "onerror",
            "iframe",
            "srcdoc",
            "form",
            "input",
            "Send",
            "svg",
            "svgtext",
            "object",
            "embed",
            "vbscript",
            "comment",
        ] {
            assert!(
                !out.to_lowercase().contains(&bad.to_lowercase()),
                "{bad} in {out}"
            );
        }
        assert!(out.contains("<p>t</p>"), "{out}");
    }

    #[test]
    fn pathological_nesting_is_flattened_not_parsed() {
        assert_eq!(
            nesting_estimate("<div><p>a</p></div><div><DIV></div></div>"),
            2
        );
        assert_eq!(nesting_estimate("</div></div><section>"), 1);
        let deep = format!(
            "{}<script>x</script>text &{}",
            "<div>".repeat(50_000),
            "</div>".repeat(10)
        );
        assert_eq!(sanitize_html(&deep, None), "x text &amp;");
    }

    proptest! {
        #[test]
        fn output_never_has_scripts_or_handlers(
            s in "(<|>|<script>|<a href=|<img src=x |onerror=|onclick=|javascript:|[a-z =\"'/:;()]){0,60}"
        ) {
            let out = sanitize_html(&s, None).to_lowercase();
            prop_assert!(!out.contains("<script"));
            // Inside tags: no script URLs and no event handlers (as text they are harmless).
            let active = crate::textutil::re(r#"<[^>]*(?:\son[a-z]+\s*=|=\s*"?\s*javascript:)"#);
            prop_assert!(!active.is_match(&out), "{}", out);
        }
    }
}
