//! Article metadata an HTML page declares about itself: JSON-LD (`NewsArticle` and kin, also
//! inside `@graph`, with `@id` references resolved), OpenGraph and `article:` properties,
//! Twitter cards and other `<meta name=…>`, schema.org microdata, `<link rel=canonical>`, the
//! original a republished page names, `<html lang>` and `<title>`.

use crate::byline::{parse_authors, strip_by};
use crate::dates::parse_datetime;
use crate::textutil::collapse_whitespace;
use chrono::{DateTime, Utc};
use once_cell::sync::Lazy;
use scraper::{Html, Selector};
use serde_json::Value;
use std::collections::{BTreeMap, HashMap};

/// JSON-LD types that describe one article.
const ARTICLE_TYPES: &[&str] = &[
    "NewsArticle",
    "Article",
    "ReportageNews",
    "AnalysisNewsArticle",
    "OpinionNewsArticle",
    "BackgroundNewsArticle",
    "ReviewNewsArticle",
    "BlogPosting",
    "LiveBlogPosting",
    "Report",
    "ScholarlyArticle",
    "TechArticle",
];
/// Keywords beyond this many are tag clouds, not tags.
const MAX_TAGS: usize = 30;
const MAX_TAG_CHARS: usize = 60;

/// Everything the page says about itself; all optional.
#[derive(Debug, Default)]
pub(super) struct Metadata {
    pub title: Option<String>,
    /// The `<title>` element, which often carries the site name as a suffix.
    pub document_title: Option<String>,
    pub authors: Vec<String>,
    pub published: Option<DateTime<Utc>>,
    pub modified: Option<DateTime<Utc>>,
    pub section: Option<String>,
    pub tags: Vec<String>,
    pub image: Option<String>,
    pub site_name: Option<String>,
    pub canonical: Option<String>,
    pub og_url: Option<String>,
    pub description: Option<String>,
    pub language: Option<String>,
    /// JSON-LD or `og:type` says the page is an article.
    pub declares_article: bool,
    /// The page says its article is not free to read: JSON-LD `isAccessibleForFree: false`
    /// (Google's paywall markup) or `article:content_tier` "locked" or "metered".
    pub paywalled: bool,
    /// JSON-LD `articleBody`, a fallback when the DOM holds no body.
    pub article_body: Option<String>,
    /// Which source filled each field, keyed by the Article field it feeds (`published_at`).
    pub sources: BTreeMap<&'static str, &'static str>,
    /// Where the page says its text first appeared: JSON-LD `isBasedOn`, `<meta
    /// name=syndication-source|original-source>`, `<link rel=original-source>`.
    pub declared_original: Option<DeclaredOriginal>,
}

/// The original a republished page names in its markup.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct DeclaredOriginal {
    pub url: String,
    /// The original's publisher, when the markup names it.
    pub publisher: Option<String>,
}

fn selector(css: &str) -> Selector {
    Selector::parse(css).unwrap_or_else(|e| panic!("built-in selector {css:?} is invalid: {e}"))
}

static LD_JSON: Lazy<Selector> = Lazy::new(|| selector("script[type]"));
static META: Lazy<Selector> = Lazy::new(|| selector("meta[content]"));
static LINK: Lazy<Selector> = Lazy::new(|| selector("link[rel][href]"));
static HTML_LANG: Lazy<Selector> = Lazy::new(|| selector("html[lang]"));
static TITLE: Lazy<Selector> = Lazy::new(|| selector("title"));
static ITEMSCOPE: Lazy<Selector> = Lazy::new(|| selector("[itemscope][itemtype]"));
static ITEMPROP: Lazy<Selector> = Lazy::new(|| selector("[itemprop]:not(meta)"));
static ITEMPROP_NAME: Lazy<Selector> = Lazy::new(|| selector("[itemprop~=name]"));

/// Reads all metadata of `doc`, the most specific source first: JSON-LD, then OpenGraph, Twitter
/// cards and other `<meta>`, then microdata, each filling only what is still open; records
/// which source filled each field.
pub(super) fn read(doc: &Html) -> Metadata {
    let mut meta = Metadata::default();
    let before = meta.filled();
    read_json_ld(doc, &mut meta);
    meta.credit(before, &BTreeMap::new(), "json-ld");
    let tags = meta_tags(doc);
    let before = meta.filled();
    let picked = fill_from_meta_tags(&mut meta, &tags);
    meta.credit(before, &picked, "meta");
    let before = meta.filled();
    fill_from_microdata(doc, &mut meta);
    meta.credit(before, &BTreeMap::new(), "microdata");
    meta.canonical = link_href(doc, "canonical");
    if meta.declared_original.is_none() {
        meta.declared_original = tags
            .iter()
            .find(|(k, _)| k == "syndication-source" || k == "original-source")
            .map(|(_, v)| v.clone())
            .or_else(|| link_href(doc, "original-source"))
            .map(|url| DeclaredOriginal {
                url,
                publisher: None,
            });
    }
    // The language the document declares for itself beats what its metadata says.
    if let Some(lang) = doc
        .select(&HTML_LANG)
        .next()
        .and_then(|h| h.attr("lang"))
        .and_then(primary_language)
    {
        meta.language = Some(lang);
        meta.sources.insert("language", "html-lang");
    }
    meta.document_title = doc
        .select(&TITLE)
        .next()
        .map(|t| collapse_whitespace(&t.text().collect::<String>()))
        .filter(|t| !t.is_empty());
    meta
}

/// The Article field each [`Metadata`] field feeds, in [`Metadata::filled`]'s order.
const FIELDS: [&str; 11] = [
    "title",
    "authors",
    "published_at",
    "updated_at",
    "section",
    "tags",
    "image_url",
    "outlet",
    "summary",
    "language",
    "url",
];

impl Metadata {
    /// Which of [`FIELDS`] hold a value.
    fn filled(&self) -> [bool; 11] {
        [
            self.title.is_some(),
            !self.authors.is_empty(),
            self.published.is_some(),
            self.modified.is_some(),
            self.section.is_some(),
            !self.tags.is_empty(),
            self.image.is_some(),
            self.site_name.is_some(),
            self.description.is_some(),
            self.language.is_some(),
            self.og_url.is_some(),
        ]
    }

    /// Credits the fields a stage filled (open `before`, set now) to the source `picked` names
    /// for them, else to `stage`.
    fn credit(
        &mut self,
        before: [bool; 11],
        picked: &BTreeMap<&'static str, &'static str>,
        stage: &'static str,
    ) {
        let now = self.filled();
        for (i, field) in FIELDS.iter().enumerate() {
            if now[i] && !before[i] {
                self.sources
                    .insert(field, picked.get(field).copied().unwrap_or(stage));
            }
        }
    }
}

/// The family of a `<meta>` key: `og:title` → "opengraph", `twitter:image` → "twitter".
fn meta_source(key: &str) -> &'static str {
    if key.starts_with("og:") || key.starts_with("article:") {
        "opengraph"
    } else if key.starts_with("twitter:") {
        "twitter"
    } else if key.starts_with("dc.") || key.starts_with("dcterms.") {
        "dublin-core"
    } else {
        "meta"
    }
}

/// The `href` of the first `<link>` whose `rel` holds `rel`.
fn link_href(doc: &Html, rel: &str) -> Option<String> {
    doc.select(&LINK)
        .find(|l| {
            l.attr("rel")
                .is_some_and(|r| r.split_whitespace().any(|t| t.eq_ignore_ascii_case(rel)))
        })
        .and_then(|l| l.attr("href"))
        .map(|h| h.trim().to_string())
        .filter(|h| !h.is_empty())
}

/// "en-GB" → "en"; junk → `None`.
pub(super) fn primary_language(tag: &str) -> Option<String> {
    let primary = tag.trim().split(['-', '_']).next()?.to_ascii_lowercase();
    let valid = (2..=3).contains(&primary.len()) && primary.chars().all(|c| c.is_ascii_lowercase());
    valid.then_some(primary)
}

// ---------------------------------------------------------------------------------------------
// JSON-LD

fn read_json_ld(doc: &Html, meta: &mut Metadata) {
    for script in doc.select(&LD_JSON) {
        let is_ld = script
            .attr("type")
            .is_some_and(|t| t.trim().eq_ignore_ascii_case("application/ld+json"));
        if !is_ld {
            continue;
        }
        let raw: String = script.text().collect();
        let Some(value) = parse_json_ld(&raw) else {
            continue;
        };
        let nodes = flatten(&value);
        let ids: HashMap<&str, &Value> = nodes
            .iter()
            .filter_map(|n| Some((n.get("@id")?.as_str()?, *n)))
            .collect();
        if let Some(article) = nodes.iter().find(|n| has_type(n, ARTICLE_TYPES)) {
            fill_from_article(meta, article, &ids);
            return;
        }
    }
}

/// Parses a JSON-LD block, tolerating the HTML comment and CDATA wrappers some sites add.
fn parse_json_ld(raw: &str) -> Option<Value> {
    let trimmed = raw
        .trim()
        .trim_start_matches("<!--")
        .trim_end_matches("-->")
        .trim()
        .trim_start_matches("//<![CDATA[")
        .trim_end_matches("//]]>")
        .trim();
    serde_json::from_str(trimmed).ok()
}

/// All objects of a JSON-LD value: top-level ones, array items and `@graph` members.
fn flatten(value: &Value) -> Vec<&Value> {
    let mut out = Vec::new();
    let mut stack = vec![value];
    while let Some(v) = stack.pop() {
        match v {
            Value::Array(items) => stack.extend(items.iter().rev()),
            Value::Object(map) => {
                out.push(v);
                if let Some(graph) = map.get("@graph") {
                    stack.push(graph);
                }
            }
            _ => {}
        }
    }
    out
}

fn has_type(node: &Value, types: &[&str]) -> bool {
    let matches = |t: &Value| t.as_str().is_some_and(|t| types.contains(&t));
    match node.get("@type") {
        Some(Value::Array(ts)) => ts.iter().any(matches),
        Some(t) => matches(t),
        None => false,
    }
}

fn fill_from_article(meta: &mut Metadata, node: &Value, ids: &HashMap<&str, &Value>) {
    meta.declares_article = true;
    meta.title = text_of(node.get("headline")).or_else(|| text_of(node.get("name")));
    meta.authors = names_of(node.get("author"), ids)
        .into_iter()
        .flat_map(|n| parse_authors(strip_by(&n)))
        .collect();
    meta.published = text_of(node.get("datePublished")).and_then(|d| parse_datetime(&d));
    meta.modified = text_of(node.get("dateModified")).and_then(|d| parse_datetime(&d));
    meta.section = first_text(node.get("articleSection"));
    meta.tags = keywords_of(node.get("keywords"));
    meta.image = url_of(node.get("image"), ids);
    meta.site_name = names_of(node.get("publisher"), ids).into_iter().next();
    meta.description = text_of(node.get("description"));
    meta.language = text_of(node.get("inLanguage")).and_then(|l| primary_language(&l));
    // Kept raw: its line breaks are the only paragraph boundaries it has.
    meta.article_body = node
        .get("articleBody")
        .and_then(Value::as_str)
        .map(str::to_string);
    if meta.og_url.is_none() {
        meta.og_url =
            url_of(node.get("mainEntityOfPage"), ids).or_else(|| text_of(node.get("url")));
    }
    meta.declared_original = based_on(node.get("isBasedOn").or(node.get("isBasedOnUrl")), ids);
    meta.paywalled = node.get("isAccessibleForFree").is_some_and(|v| {
        v.as_bool() == Some(false) || v.as_str().is_some_and(|s| s.eq_ignore_ascii_case("false"))
    });
}

/// `isBasedOn`: a URL, or a work with a `url` (or `@id`) and perhaps a `publisher`.
fn based_on(value: Option<&Value>, ids: &HashMap<&str, &Value>) -> Option<DeclaredOriginal> {
    let value = value?;
    let work = match value {
        Value::Array(items) => items.first()?,
        v => v,
    };
    let work = work
        .get("@id")
        .and_then(Value::as_str)
        .and_then(|id| ids.get(id).copied())
        .filter(|r| r.get("url").is_some())
        .unwrap_or(work);
    let url = url_of(Some(work), ids)?;
    Some(DeclaredOriginal {
        url,
        publisher: names_of(work.get("publisher"), ids).into_iter().next(),
    })
}

/// A string value, whitespace collapsed; `None` when absent or empty.
fn text_of(value: Option<&Value>) -> Option<String> {
    let s = collapse_whitespace(value?.as_str()?);
    (!s.is_empty()).then_some(s)
}

/// A string, or the first string of an array.
fn first_text(value: Option<&Value>) -> Option<String> {
    match value? {
        Value::Array(items) => items.iter().find_map(|v| text_of(Some(v))),
        v => text_of(Some(v)),
    }
}

/// Names of people or organisations: strings, `{name}` objects, `@id` references, arrays.
fn names_of(value: Option<&Value>, ids: &HashMap<&str, &Value>) -> Vec<String> {
    let Some(value) = value else {
        return Vec::new();
    };
    match value {
        Value::String(_) => text_of(Some(value)).into_iter().collect(),
        Value::Array(items) => items.iter().flat_map(|v| names_of(Some(v), ids)).collect(),
        Value::Object(map) => {
            let resolved = map
                .get("@id")
                .and_then(Value::as_str)
                .and_then(|id| ids.get(id))
                .copied()
                .filter(|r| r.get("name").is_some());
            let node = resolved.unwrap_or(value);
            text_of(node.get("name")).into_iter().collect()
        }
        _ => Vec::new(),
    }
}

/// A URL from a string, an `ImageObject`/`WebPage` object (`url` or `@id`), or an array.
fn url_of(value: Option<&Value>, ids: &HashMap<&str, &Value>) -> Option<String> {
    match value? {
        Value::String(s) => Some(s.trim().to_string()).filter(|s| !s.is_empty()),
        Value::Array(items) => items.iter().find_map(|v| url_of(Some(v), ids)),
        Value::Object(map) => {
            let resolved = map
                .get("@id")
                .and_then(Value::as_str)
                .and_then(|id| ids.get(id))
                .filter(|r| r.get("url").is_some());
            match resolved {
                Some(r) => text_of(r.get("url")),
                None => text_of(map.get("url")).or_else(|| text_of(map.get("@id"))),
            }
        }
        _ => None,
    }
}

/// Keywords as a comma-separated string or an array of strings.
fn keywords_of(value: Option<&Value>) -> Vec<String> {
    let raw: Vec<String> = match value {
        Some(Value::String(s)) => s.split(',').map(str::to_string).collect(),
        Some(Value::Array(items)) => items.iter().filter_map(|v| text_of(Some(v))).collect(),
        _ => Vec::new(),
    };
    clean_tags(raw)
}

/// Trims, drops empties and overlong entries, dedupes, caps the count.
pub(super) fn clean_tags(raw: Vec<String>) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for tag in raw {
        let tag = collapse_whitespace(&tag);
        let fits = !tag.is_empty() && tag.chars().count() <= MAX_TAG_CHARS;
        if fits && !out.iter().any(|t| t.eq_ignore_ascii_case(&tag)) {
            out.push(tag);
        }
        if out.len() >= MAX_TAGS {
            break;
        }
    }
    out
}

// ---------------------------------------------------------------------------------------------
// <meta>

/// `<meta property|name|itemprop=… content=…>` as (lowercased key, content) pairs, in order.
fn meta_tags(doc: &Html) -> Vec<(String, String)> {
    doc.select(&META)
        .filter_map(|m| {
            let key = m
                .attr("property")
                .or_else(|| m.attr("name"))
                .or_else(|| m.attr("itemprop"))?;
            let content = collapse_whitespace(m.attr("content")?);
            (!content.is_empty()).then(|| (key.trim().to_ascii_lowercase(), content))
        })
        .collect()
}

/// Fills open fields from `<meta>` tags; returns, per field it read, the family of the tag
/// that gave the value.
fn fill_from_meta_tags(
    meta: &mut Metadata,
    tags: &[(String, String)],
) -> BTreeMap<&'static str, &'static str> {
    let picked = std::cell::RefCell::new(BTreeMap::new());
    let first_for = |field: &'static str, keys: &[&str]| {
        let (key, value) = keys.iter().find_map(|k| {
            tags.iter()
                .find(|(key, _)| key == k)
                .map(|(_, v)| (*k, v.clone()))
        })?;
        picked.borrow_mut().insert(field, meta_source(key));
        Some(value)
    };
    let all = |key: &str| -> Vec<String> {
        tags.iter()
            .filter(|(k, _)| k == key)
            .map(|(_, v)| v.clone())
            .collect()
    };
    fill(&mut meta.title, || {
        first_for("title", &["og:title", "twitter:title"])
    });
    fill(&mut meta.site_name, || {
        first_for("outlet", &["og:site_name", "application-name", "publisher"])
    });
    fill(&mut meta.og_url, || first_for("url", &["og:url"]));
    fill(&mut meta.image, || {
        first_for(
            "image_url",
            &[
                "og:image",
                "og:image:url",
                "og:image:secure_url",
                "twitter:image",
            ],
        )
    });
    fill(&mut meta.description, || {
        first_for(
            "summary",
            &["description", "og:description", "twitter:description"],
        )
    });
    fill(&mut meta.section, || {
        first_for("section", &["article:section"])
    });
    if meta.published.is_none() {
        meta.published = first_for(
            "published_at",
            &[
                "article:published_time",
                "datepublished",
                "date",
                "pubdate",
                "publishdate",
                "dc.date.issued",
                "dc.date",
                "dcterms.created",
            ],
        )
        .and_then(|d| parse_datetime(&d));
    }
    if meta.modified.is_none() {
        meta.modified = first_for(
            "updated_at",
            &["article:modified_time", "og:updated_time", "datemodified"],
        )
        .and_then(|d| parse_datetime(&d));
    }
    if meta.authors.is_empty() {
        let names = all("author")
            .into_iter()
            .chain(all("article:author"))
            .chain(all("dc.creator"))
            .filter(|a| !a.starts_with("http"));
        for name in names.flat_map(|n| parse_authors(strip_by(&n))) {
            if !meta.authors.contains(&name) {
                meta.authors.push(name);
            }
        }
    }
    if meta.tags.is_empty() {
        let mut raw = all("article:tag");
        if !raw.is_empty() {
            picked.borrow_mut().insert("tags", "opengraph");
        } else {
            raw = first_for("tags", &["news_keywords", "keywords"])
                .map(|k| k.split(',').map(str::to_string).collect())
                .unwrap_or_default();
        }
        meta.tags = clean_tags(raw);
    }
    if meta.language.is_none() {
        meta.language = first_for("language", &["og:locale", "language", "content-language"])
            .and_then(|l| primary_language(&l));
    }
    meta.paywalled |= first_for("paywall", &["article:content_tier"])
        .is_some_and(|t| t.eq_ignore_ascii_case("locked") || t.eq_ignore_ascii_case("metered"));
    let og_type = first_for("type", &["og:type"])
        .unwrap_or_default()
        .to_ascii_lowercase();
    meta.declares_article |= og_type == "article" || og_type.ends_with(".article");
    picked.into_inner()
}

// ---------------------------------------------------------------------------------------------
// Microdata (`itemprop` on elements other than `<meta>`, which `meta_tags` reads)

/// Fills what JSON-LD and `<meta>` left open from schema.org microdata of the page's article
/// item: headline, author names, dates (`datetime` or `content`, else the text) and section.
/// Properties of items nested in it (a comment, a related article) are not the article's.
fn fill_from_microdata(doc: &Html, meta: &mut Metadata) {
    let Some(scope) = doc.select(&ITEMSCOPE).find(|s| {
        s.attr("itemtype")
            .and_then(|t| t.trim().rsplit('/').next())
            .is_some_and(|t| ARTICLE_TYPES.contains(&t))
    }) else {
        return;
    };
    let had_authors = !meta.authors.is_empty();
    for el in scope.select(&ITEMPROP) {
        let Some(props) = el.attr("itemprop") else {
            continue;
        };
        let owner = el
            .ancestors()
            .filter_map(scraper::ElementRef::wrap)
            .find(|a| a.attr("itemscope").is_some());
        if owner.map(|o| o.id()) != Some(scope.id()) {
            continue;
        }
        let text = || collapse_whitespace(&el.text().collect::<String>());
        let value = || {
            el.attr("datetime")
                .or_else(|| el.attr("content"))
                .map(collapse_whitespace)
                .unwrap_or_else(text)
        };
        for prop in props.split_whitespace() {
            match prop {
                "headline" => fill(&mut meta.title, || Some(text()).filter(|t| !t.is_empty())),
                "datePublished" if meta.published.is_none() => {
                    meta.published = parse_datetime(&value());
                }
                "dateModified" if meta.modified.is_none() => {
                    meta.modified = parse_datetime(&value());
                }
                "articleSection" => {
                    fill(&mut meta.section, || Some(text()).filter(|t| !t.is_empty()))
                }
                "author" | "creator" if !had_authors => {
                    // A Person item names itself in a nested itemprop=name; a plain element is
                    // the name.
                    let name = el
                        .select(&ITEMPROP_NAME)
                        .next()
                        .map(|n| collapse_whitespace(&n.text().collect::<String>()))
                        .unwrap_or_else(text);
                    for author in parse_authors(strip_by(&name)) {
                        if !meta.authors.contains(&author) {
                            meta.authors.push(author);
                        }
                    }
                }
                _ => {}
            }
        }
    }
}

fn fill(slot: &mut Option<String>, value: impl FnOnce() -> Option<String>) {
    if slot.is_none() {
        *slot = value();
    }
}
