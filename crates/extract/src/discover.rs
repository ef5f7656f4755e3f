//! Feed discovery: the feeds an HTML page announces with `<link rel="alternate">`, and the
//! paths where sites commonly keep one when it announces none.

use scraper::{Html, Selector};
use std::sync::LazyLock;
use url::Url;

/// Tried in order when a page announces no feed.
pub const COMMON_FEED_PATHS: &[&str] = &[
    "/feed",
    "/rss",
    "/feed.xml",
    "/rss.xml",
    "/atom.xml",
    "/index.xml",
    "/feed.json",
    "/feeds/posts/default",
    "/?feed=rss2",
];

const FEED_TYPES: &[&str] = &[
    "application/rss+xml",
    "application/atom+xml",
    "application/feed+json",
    "application/json",
    "application/rdf+xml",
    "application/xml",
    "text/xml",
];

static LINKS: LazyLock<Option<Selector>> =
    LazyLock::new(|| Selector::parse("link[href], a[href]").ok());

/// Absolute URLs of the feeds `html` (found at `base`) announces, best first: `<link
/// rel=alternate>` with a feed type, then `<a>` links whose type attribute says feed.
pub fn feed_links(html: &str, base: &str) -> Vec<String> {
    let Ok(base) = Url::parse(base) else {
        return Vec::new();
    };
    let Some(selector) = LINKS.as_ref() else {
        return Vec::new();
    };
    let doc = Html::parse_document(html);
    let mut found: Vec<(u8, String)> = Vec::new();
    for el in doc.select(selector) {
        let v = el.value();
        let kind = v.attr("type").unwrap_or("").trim().to_ascii_lowercase();
        let is_feed_type = FEED_TYPES.iter().any(|t| kind.starts_with(t));
        let rel_alternate = v.attr("rel").is_some_and(|r| {
            r.split_whitespace()
                .any(|w| w.eq_ignore_ascii_case("alternate"))
        });
        let rank = match (v.name(), rel_alternate, is_feed_type) {
            ("link", true, true) => 0,
            ("a", _, true) => 1,
            _ => continue,
        };
        let Some(href) = v.attr("href").and_then(|h| base.join(h.trim()).ok()) else {
            continue;
        };
        if matches!(href.scheme(), "http" | "https")
            && !found.iter().any(|(_, u)| u == href.as_str())
        {
            found.push((rank, href.to_string()));
        }
    }
    found.sort_by_key(|(rank, _)| *rank);
    found.into_iter().map(|(_, u)| u).collect()
}

/// The common feed locations on `base`'s site.
pub fn common_feed_urls(base: &str) -> Vec<String> {
    let Ok(base) = Url::parse(base) else {
        return Vec::new();
    };
    COMMON_FEED_PATHS
        .iter()
        .filter_map(|p| base.join(p).ok())
        .map(|u| u.to_string())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn announced_feeds_are_found_and_made_absolute() {
        let html = r#"<html><head>
            <link rel="stylesheet" href="/s.css">
            <link rel="alternate" type="application/atom+xml" href="/atom.xml" title="Atom">
            <link rel="alternate" type="application/rss+xml" href="https://cdn.example/rss">
            <link rel="alternate" hreflang="fr" href="/fr/">
            <link rel="alternate" type="application/rss+xml" href="javascript:alert(1)">
            </head><body><a type="application/rss+xml" href="feed2.xml">feed</a></body></html>"#;
        assert_eq!(
            feed_links(html, "https://news.example/section/page.html"),
            vec![
                "https://news.example/atom.xml",
                "https://cdn.example/rss",
                "https://news.example/section/feed2.xml"
            ]
        );
        assert!(feed_links("<p>no feeds</p>", "https://x.example/").is_empty());
        assert!(feed_links(html, "not a url").is_empty());
    }

    #[test]
    fn common_paths() {
        let urls = common_feed_urls("https://news.example/a/b");
        assert_eq!(urls[0], "https://news.example/feed");
        assert!(urls.contains(&"https://news.example/atom.xml".to_string()));
    }
}
