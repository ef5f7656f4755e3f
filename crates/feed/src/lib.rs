//! Feed stage: parses RSS 0.9x/1.0/2.0, Atom and JSON Feed documents (through feed-rs, which
//! never expands XML entities) and turns each entry into an [`Article`] whose HTML has been
//! through the sanitizer. Pure: bytes in, values out.

use tidings_extract::sanitize::sanitize_html;
use tidings_model::{Article, Classify, ErrorClass, OutletRef, Provenance};

#[derive(Debug, thiserror::Error)]
pub enum FeedError {
    #[error("not a readable feed: {0}")]
    Parse(String),
    #[error("feed has no entries")]
    Empty,
}

impl Classify for FeedError {
    fn class(&self) -> ErrorClass {
        ErrorClass::InvalidInput
    }
}

/// A parsed feed: who publishes it and its entries as articles.
#[derive(Debug, Clone)]
pub struct ParsedFeed {
    pub title: Option<String>,
    pub home_url: Option<String>,
    pub language: Option<String>,
    pub entries: Vec<Article>,
}

/// Parses `bytes`; `url` is where the feed came from (resolves relative links, names the outlet
/// when the feed does not).
pub fn parse(bytes: &[u8], url: Option<&str>) -> Result<ParsedFeed, FeedError> {
    let feed = feed_rs::parser::Builder::new()
        .base_uri(url)
        .build()
        .parse(bytes)
        .map_err(|e| FeedError::Parse(e.to_string()))?;
    let title = feed
        .title
        .as_ref()
        .map(|t| plain(&t.content))
        .filter(|t| !t.is_empty());
    let home_url = feed
        .links
        .iter()
        .find(|l| l.rel.as_deref().is_none_or(|r| r == "alternate"))
        .map(|l| l.href.clone())
        .or_else(|| url.map(str::to_owned));
    let domain = home_url.as_deref().and_then(domain_of);
    let outlet = OutletRef {
        name: title
            .clone()
            .or_else(|| domain.clone())
            .unwrap_or_else(|| "Unknown outlet".into()),
        domain,
    };
    let language = feed.language.clone().map(|l| primary_language(&l));
    let entries: Vec<Article> = feed
        .entries
        .iter()
        .filter_map(|e| entry_article(e, &outlet, language.as_deref()))
        .collect();
    if entries.is_empty() {
        return Err(FeedError::Empty);
    }
    Ok(ParsedFeed {
        title,
        home_url,
        language,
        entries,
    })
}

fn entry_article(
    e: &feed_rs::model::Entry,
    outlet: &OutletRef,
    language: Option<&str>,
) -> Option<Article> {
    let link = e
        .links
        .iter()
        .find(|l| l.rel.as_deref().is_none_or(|r| r == "alternate"))
        .map(|l| l.href.clone());
    let body = e
        .content
        .as_ref()
        .and_then(|c| c.body.clone())
        .or_else(|| e.summary.as_ref().map(|s| s.content.clone()))
        .unwrap_or_default();
    let html = sanitize_html(&body, link.as_deref());
    let text = html_to_text(&html);
    let title = e
        .title
        .as_ref()
        .map(|t| plain(&t.content))
        .filter(|t| !t.is_empty())
        .or_else(|| {
            text.split_whitespace()
                .take(12)
                .collect::<Vec<_>>()
                .join(" ")
                .into()
        })
        .filter(|t| !t.is_empty())?;
    let summary = e
        .summary
        .as_ref()
        .map(|s| html_to_text(&sanitize_html(&s.content, None)));
    Some(Article {
        url: link.or_else(|| Some(e.id.clone()).filter(|id| id.starts_with("http"))),
        title,
        authors: e
            .authors
            .iter()
            .filter_map(|p| p.name.as_deref())
            .map(|n| n.trim().to_owned())
            .filter(|n| !n.is_empty())
            .collect(),
        outlet: outlet.clone(),
        published_at: e.published.or(e.updated),
        updated_at: e.updated,
        section: e
            .categories
            .first()
            .map(|c| c.label.clone().unwrap_or_else(|| c.term.clone())),
        tags: e
            .categories
            .iter()
            .skip(1)
            .map(|c| c.label.clone().unwrap_or_else(|| c.term.clone()))
            .collect(),
        language: language.map(str::to_owned),
        summary: summary.filter(|s| !s.is_empty()),
        word_count: Article::count_words(&text),
        text,
        html,
        image_url: e
            .media
            .iter()
            .flat_map(|m| m.thumbnails.iter())
            .map(|t| t.image.uri.clone())
            .next(),
        provenance: Provenance::default(),
        ..Article::default()
    })
}

/// Titles may carry markup; readers want text.
fn plain(s: &str) -> String {
    html_to_text(&sanitize_html(s, None))
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

/// Sanitized HTML to text with paragraphs separated by blank lines.
fn html_to_text(html: &str) -> String {
    let fragment = scraper_free_text(html);
    fragment
        .split("\n\n")
        .map(|p| p.split_whitespace().collect::<Vec<_>>().join(" "))
        .filter(|p| !p.is_empty())
        .collect::<Vec<_>>()
        .join("\n\n")
}

/// Strips tags from already-sanitized HTML, turning block ends into paragraph breaks and
/// decoding the entities the sanitizer leaves.
fn scraper_free_text(html: &str) -> String {
    let mut out = String::with_capacity(html.len());
    let mut in_tag = false;
    let mut tag = String::new();
    for c in html.chars() {
        match (in_tag, c) {
            (false, '<') => {
                in_tag = true;
                tag.clear();
            }
            (true, '>') => {
                in_tag = false;
                let name = tag
                    .trim_start_matches('/')
                    .split_whitespace()
                    .next()
                    .unwrap_or("")
                    .to_ascii_lowercase();
                if matches!(
                    name.as_str(),
                    "p" | "br"
                        | "div"
                        | "li"
                        | "h1"
                        | "h2"
                        | "h3"
                        | "h4"
                        | "h5"
                        | "h6"
                        | "blockquote"
                        | "figcaption"
                        | "tr"
                ) {
                    out.push_str("\n\n");
                }
            }
            (true, c) => tag.push(c),
            (false, c) => out.push(c),
        }
    }
    out.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&nbsp;", "\u{a0}")
        .replace("&amp;", "&")
}

fn domain_of(u: &str) -> Option<String> {
    let host = url::Url::parse(u).ok()?.host_str()?.to_ascii_lowercase();
    Some(host.strip_prefix("www.").map(str::to_owned).unwrap_or(host))
}

fn primary_language(tag: &str) -> String {
    tag.split(['-', '_'])
        .next()
        .unwrap_or(tag)
        .to_ascii_lowercase()
}

#[cfg(test)]
mod tests {
    use super::*;

    const RSS: &str = r#"<?xml version="1.0"?>
<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/"><channel>
<title>Harbour Ledger</title><link>https://www.ledger.example/</link><language>en-GB</language>
<item><title>Strike &amp; talks end</title><link>https://www.ledger.example/strike</link>
<guid>https://www.ledger.example/strike</guid><pubDate>Tue, 17 Nov 2026 09:30:00 +0000</pubDate>
<category>Business</category><category>Port Avel</category>
<description>Short summary.</description>
<content:encoded><![CDATA[<p>First paragraph.</p><script>alert(1)</script><p onclick="x()">Second <a href="javascript:evil()">link</a>.</p>]]></content:encoded>
</item></channel></rss>"#;

    #[test]
    fn rss_entries_become_sanitized_articles() {
        let f = parse(RSS.as_bytes(), None).unwrap();
        assert_eq!(f.title.as_deref(), Some("Harbour Ledger"));
        let a = &f.entries[0];
        assert_eq!(a.title, "Strike & talks end");
        assert_eq!(a.outlet.domain.as_deref(), Some("ledger.example"));
        assert_eq!(a.url.as_deref(), Some("https://www.ledger.example/strike"));
        assert_eq!(a.section.as_deref(), Some("Business"));
        assert_eq!(a.tags, vec!["Port Avel"]);
        assert_eq!(a.language.as_deref(), Some("en"));
        assert_eq!(a.text, "First paragraph.\n\nSecond link.");
        assert!(
            !a.html.contains("script")
                && !a.html.contains("onclick")
                && !a.html.contains("javascript")
        );
        assert_eq!(
            a.published_at.unwrap().to_rfc3339(),
            "2026-11-17T09:30:00+00:00"
        );
    }

    #[test]
    fn json_feed_and_refusals() {
        let json = r#"{"version":"https://jsonfeed.org/version/1.1","title":"T","home_page_url":"https://t.example/",
            "items":[{"id":"1","url":"https://t.example/1","title":"Hello","content_html":"<p>Body</p>"}]}"#;
        let f = parse(json.as_bytes(), None).unwrap();
        assert_eq!(f.entries[0].text, "Body");
        assert!(
            parse(
                b"<rss version=\"2.0\"><channel><title>x</title></channel></rss>",
                None
            )
            .is_err()
        );
        assert!(parse(b"not a feed", None).is_err());
    }

    #[test]
    fn entity_expansion_is_never_performed() {
        let bomb = r#"<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;">]>
<rss version="2.0"><channel><title>x</title><item><title>&lol2;</title><link>https://x.example/a</link></item></channel></rss>"#;
        if let Ok(f) = parse(bomb.as_bytes(), None) {
            assert!(!f.entries.iter().any(|e| e.title.contains("lollol")));
        }
    }

    proptest::proptest! {
        #[test]
        fn never_panics(bytes in proptest::collection::vec(proptest::prelude::any::<u8>(), 0..2000)) {
            let _ = parse(&bytes, None);
        }
    }
}
