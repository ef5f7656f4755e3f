//! Feed documents from article cards. Atom and RSS through the rust-syndication crates (they
//! escape and format dates correctly); JSON Feed through serde. Items carry the summary only —
//! the article page decides how much of an outlet's text may be shown.

use chrono::{DateTime, Utc};
use serde_json::json;
use tidings_model::ArticleCard;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Atom,
    Rss,
    Json,
}

impl Format {
    /// From a file name's extension: `top.atom` → Atom.
    pub fn from_file(file: &str) -> Option<(&str, Format)> {
        let (stem, ext) = file.rsplit_once('.')?;
        let format = match ext {
            "atom" => Format::Atom,
            "rss" | "xml" => Format::Rss,
            "json" => Format::Json,
            _ => return None,
        };
        Some((stem, format))
    }

    pub fn content_type(self) -> &'static str {
        match self {
            Format::Atom => "application/atom+xml; charset=utf-8",
            Format::Rss => "application/rss+xml; charset=utf-8",
            Format::Json => "application/feed+json; charset=utf-8",
        }
    }
}

/// What a feed is about and where it lives.
pub struct FeedMeta {
    pub title: String,
    /// Absolute URL of the page the feed follows.
    pub page_url: String,
    /// Absolute URL of the feed itself.
    pub feed_url: String,
    /// Absolute site root, without a trailing slash.
    pub site_url: String,
}

fn article_url(meta: &FeedMeta, a: &ArticleCard) -> String {
    format!("{}/articles/{}", meta.site_url, a.id)
}

fn summary(a: &ArticleCard) -> String {
    let mut s = a.summary.clone().unwrap_or_default();
    if a.is_republication {
        s.push_str(" (Republished.)");
    }
    s.trim().to_owned()
}

fn updated(items: &[ArticleCard]) -> DateTime<Utc> {
    items
        .iter()
        .map(|a| a.published_at)
        .max()
        .unwrap_or(DateTime::UNIX_EPOCH)
}

pub fn render(format: Format, meta: &FeedMeta, items: &[ArticleCard]) -> String {
    match format {
        Format::Atom => atom(meta, items),
        Format::Rss => rss(meta, items),
        Format::Json => json_feed(meta, items),
    }
}

fn atom(meta: &FeedMeta, items: &[ArticleCard]) -> String {
    use atom_syndication::{Entry, Feed, Link, Person, Text};
    let link = |href: &str, rel: &str, mime: Option<&str>| Link {
        href: href.to_owned(),
        rel: rel.to_owned(),
        mime_type: mime.map(str::to_owned),
        ..Link::default()
    };
    let entries = items
        .iter()
        .map(|a| {
            let original = &a.url;
            let url = article_url(meta, a);
            let mut links = vec![link(&url, "alternate", Some("text/html"))];
            if let Some(o) = original {
                links.push(link(o, "related", Some("text/html")));
            }
            Entry {
                id: url,
                title: Text::plain(a.title.clone()),
                updated: a.published_at.into(),
                published: Some(a.published_at.into()),
                authors: authors(a)
                    .into_iter()
                    .map(|name| Person {
                        name,
                        ..Person::default()
                    })
                    .collect(),
                links,
                summary: Some(Text::plain(summary(a))),
                ..Entry::default()
            }
        })
        .collect();
    Feed {
        id: meta.feed_url.clone(),
        title: Text::plain(meta.title.clone()),
        updated: updated(items).into(),
        links: vec![
            link(&meta.page_url, "alternate", Some("text/html")),
            link(&meta.feed_url, "self", Some("application/atom+xml")),
        ],
        entries,
        ..Feed::default()
    }
    .to_string()
}

fn authors(a: &ArticleCard) -> Vec<String> {
    if a.authors.is_empty() {
        vec![a.outlet_name.clone()]
    } else {
        a.authors.clone()
    }
}

fn rss(meta: &FeedMeta, items: &[ArticleCard]) -> String {
    let rss_items: Vec<rss::Item> = items
        .iter()
        .map(|a| {
            let url = article_url(meta, a);
            rss::Item {
                title: Some(a.title.clone()),
                link: Some(url.clone()),
                guid: Some(rss::Guid {
                    value: url,
                    permalink: true,
                }),
                pub_date: Some(a.published_at.to_rfc2822()),
                description: Some(rss_description(a)),
                categories: a
                    .section
                    .iter()
                    .map(|s| rss::Category {
                        name: s.clone(),
                        domain: None,
                    })
                    .collect(),
                ..rss::Item::default()
            }
        })
        .collect();
    rss::Channel {
        title: meta.title.clone(),
        link: meta.page_url.clone(),
        description: format!("{} — from tidings", meta.title),
        last_build_date: Some(updated(items).to_rfc2822()),
        items: rss_items,
        ..rss::Channel::default()
    }
    .to_string()
}

/// An RSS item's description: the summary, then a link to the original. RSS has no element for
/// a related link (`<source>` names the feed an item came from), so the link goes in the HTML.
fn rss_description(a: &ArticleCard) -> String {
    use crate::format::escape_html;
    let mut html = format!("<p>{}</p>", escape_html(&summary(a)));
    if let Some(original) = &a.url {
        html.push_str(&format!(
            "<p><a href=\"{}\">Read the original at {}</a></p>",
            escape_html(original),
            escape_html(&a.outlet_name)
        ));
    }
    html
}

fn json_feed(meta: &FeedMeta, items: &[ArticleCard]) -> String {
    let items: Vec<serde_json::Value> = items
        .iter()
        .map(|a| {
            let original = &a.url;
            json!({
                "id": article_url(meta, a),
                "url": article_url(meta, a),
                "external_url": original,
                "title": a.title,
                "summary": summary(a),
                "content_text": summary(a),
                "date_published": a.published_at.to_rfc3339(),
                "authors": authors(a).into_iter().map(|name| json!({ "name": name })).collect::<Vec<_>>(),
                "tags": a.section.iter().collect::<Vec<_>>(),
            })
        })
        .collect();
    json!({
        "version": "https://jsonfeed.org/version/1.1",
        "title": meta.title,
        "home_page_url": meta.page_url,
        "feed_url": meta.feed_url,
        "items": items,
    })
    .to_string()
}
