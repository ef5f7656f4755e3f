//! Feed stage: parses RSS 0.9x/1.0 (RDF)/2.0, Atom 0.3/1.0 and JSON Feed 1.0/1.1 documents into
//! a feedparser-shaped [`Document`] (the de-facto reference model: `bozo`, `encoding`,
//! `version`, `feed{…}`, `entries[…]` with `*_detail` text constructs) and turns its entries into
//! [`Article`]s. Pure: bytes in, values out.
//!
//! Layers, bottom up:
//! * [`encoding`] — bytes to text (HTTP charset per RFC 3023/7303, BOM, XML declaration,
//!   detection), recording overrides;
//! * `xml` — a forgiving tokenizer of our own (see its docs for why not quick-xml/feed-rs): it
//!   never expands DTD entities, decodes HTML named entities, and turns every well-formedness
//!   problem into a `bozo` note instead of losing the feed;
//! * `parser` — the element rules (which element fills which key), following feedparser;
//! * [`conformance`] — the runner for feedparser's own test fixtures.
//!
//! All HTML that leaves this crate (text constructs typed `html`/`xhtml`, content, and every
//! article body) has been through `tidings_extract::sanitize::sanitize_html`.

pub mod conformance;
pub mod dates;
pub mod encoding;
mod entities;
mod jsonfeed;
mod parser;
pub mod urls;
mod xml;

use chrono::{DateTime, NaiveDateTime, TimeZone, Utc};
use serde_json::{Map, Value, json};
use tidings_model::{Article, Classify, ErrorClass, OutletRef, Provenance};

/// A feedparser-style dictionary: string keys, JSON values.
pub type Dict = Map<String, Value>;

/// Inputs larger than this are refused outright (the fetcher bounds responses well below it).
pub const MAX_FEED_BYTES: usize = 64 * 1024 * 1024;

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

/// Everything a feed document said, shaped like Python feedparser's result so that keys and
/// semantics are familiar and conformance can be checked key for key.
///
/// `feed` and each entry are dictionaries with feedparser's key names: `title`, `title_detail`
/// (`{type, language, base, value}`), `link`, `links` (`[{rel, type, href, …}]`), `id`,
/// `guidislink`, `author`, `author_detail`, `authors`, `contributors`, `published`,
/// `published_parsed` (`[Y, M, D, h, m, s, wday, yday, 0]`, UTC), `updated`, `updated_parsed`,
/// `summary`, `summary_detail`, `content` (`[{type, language, base, value}]`), `tags`
/// (`[{term, scheme, label}]`), `media_content`, `media_thumbnail`, `image`, `language`,
/// `rights`, `subtitle`, `generator`, `generator_detail`, `itunes_*`, … Values typed `text/html`
/// or `application/xhtml+xml` are sanitized HTML; `text/plain` values are plain text.
#[derive(Debug, Clone, Default)]
pub struct Document {
    /// True when the document was not well-formed or its encoding had to be guessed; what could
    /// be recovered is still here.
    pub bozo: bool,
    /// The first problem: `(kind, message)`, kind as feedparser names it
    /// (`CharacterEncodingOverride`, `NonXMLContentType`, `SAXParseException`, …).
    pub bozo_exception: Option<(String, String)>,
    /// Codec name of the encoding used (`utf-8`, `iso-8859-1`, `utf-16le`, …).
    pub encoding: String,
    /// `rss20`, `rss10`, `rss090`, `rss091u`, `rss091n`, `rss092`…, `atom10`, `atom03`, `json1`,
    /// `json11`; empty when unknown.
    pub version: String,
    /// Media type from the HTTP header, when there was one.
    pub content_type: String,
    /// Namespace prefixes in use → URIs.
    pub namespaces: Dict,
    pub feed: Dict,
    pub entries: Vec<Dict>,
    /// The document URL, when known.
    pub href: Option<String>,
    /// HTTP response headers, when the document came over HTTP.
    pub headers: Vec<(String, String)>,
}

impl Document {
    /// The message of the first problem, if any.
    pub fn bozo_message(&self) -> Option<&str> {
        self.bozo_exception.as_ref().map(|(_, m)| m.as_str())
    }

    fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    /// The whole document as one JSON value with feedparser's top-level keys.
    pub fn to_value(&self) -> Value {
        let mut top = Dict::new();
        top.insert("bozo".into(), json!(self.bozo));
        if let Some((class, message)) = &self.bozo_exception {
            top.insert(
                "bozo_exception".into(),
                json!({"class": class, "message": message}),
            );
        }
        top.insert("encoding".into(), json!(self.encoding));
        top.insert("version".into(), json!(self.version));
        top.insert("namespaces".into(), Value::Object(self.namespaces.clone()));
        top.insert("feed".into(), Value::Object(self.feed.clone()));
        top.insert(
            "entries".into(),
            Value::Array(self.entries.iter().cloned().map(Value::Object).collect()),
        );
        if let Some(h) = &self.href {
            top.insert("href".into(), json!(h));
        }
        if !self.headers.is_empty() {
            let h: Dict = self
                .headers
                .iter()
                .map(|(k, v)| (k.to_ascii_lowercase(), json!(v)))
                .collect();
            top.insert("headers".into(), Value::Object(h));
            if let Some(etag) = self.header("etag") {
                top.insert("etag".into(), json!(etag));
            }
            if let Some(m) = self
                .header("last-modified")
                .filter(|m| !m.trim().is_empty())
            {
                top.insert("modified".into(), json!(m));
                if let Some(p) = dates::parse_date(m) {
                    top.insert("modified_parsed".into(), json!(dates::time_tuple(&p)));
                }
            }
        }
        Value::Object(top)
    }

    /// The feed's title as plain text.
    pub fn title(&self) -> Option<String> {
        text_of(&self.feed, "title")
    }

    /// The entries as articles. `url` is where the feed came from (names the outlet when the
    /// feed does not link its site).
    pub fn articles(&self, url: Option<&str>) -> Vec<Article> {
        let title = self.title();
        let home_url = self.home_url(url);
        let domain = home_url.as_deref().and_then(domain_of);
        let outlet = OutletRef {
            name: title
                .clone()
                .or_else(|| domain.clone())
                .unwrap_or_else(|| "Unknown outlet".into()),
            domain,
        };
        let language = self.language();
        let mut articles: Vec<Article> = self
            .entries
            .iter()
            .filter_map(|e| entry_article(e, &outlet, language.as_deref()))
            .collect();
        forget_shared_guids(&mut articles);
        articles
    }

    /// The feed's site (its alternate link), else `url`.
    pub fn home_url(&self, url: Option<&str>) -> Option<String> {
        str_of(&self.feed, "link")
            .filter(|l| l.starts_with("http"))
            .map(str::to_owned)
            .or_else(|| url.map(str::to_owned))
    }

    /// Primary language subtag of the feed (`en`).
    pub fn language(&self) -> Option<String> {
        str_of(&self.feed, "language")
            .filter(|l| !l.trim().is_empty())
            .map(primary_language)
    }
}

/// Parses a feed from `bytes` fetched from `url`, as a rich [`Document`]. Never fails: broken
/// input gives what could be recovered, with `bozo` set.
pub fn parse_document(bytes: &[u8], url: Option<&str>, headers: &[(String, String)]) -> Document {
    let mut doc = Document {
        href: url.map(str::to_owned),
        headers: headers.to_vec(),
        ..Document::default()
    };
    if bytes.len() > MAX_FEED_BYTES {
        doc.bozo = true;
        doc.bozo_exception = Some(("TooLarge".into(), format!("{} bytes", bytes.len())));
        return doc;
    }
    let mut decoded = encoding::decode(bytes, headers);
    // XML cannot carry NUL and PostgreSQL refuses it in text columns; a broken feed's stray NUL
    // bytes would otherwise reach the article (found by the `feed_parse` fuzz target).
    // (memchr: the standard library's byte search here cost 2 % of parsing a large feed.)
    if memchr::memchr(0, decoded.text.as_bytes()).is_some() {
        decoded.text.retain(|c| c != '\0');
    }
    doc.encoding = decoded.encoding.clone();
    doc.content_type = decoded.content_type.clone();
    if let Some((class, msg)) = &decoded.error {
        doc.bozo = true;
        doc.bozo_exception = Some((class.to_string(), msg.clone()));
    }
    let header = |n: &str| {
        headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(n))
            .map(|(_, v)| v.trim().to_string())
    };
    let href = url.unwrap_or("");
    let base = match header("content-location") {
        Some(loc) => {
            let a = urls::make_safe_absolute_uri(href, &loc);
            if !a.is_empty() {
                a
            } else {
                let b = urls::make_safe_absolute_uri(&loc, "");
                if b.is_empty() { href.to_string() } else { b }
            }
        }
        None => href.to_string(),
    };
    let lang = header("content-language");
    if decoded.json {
        jsonfeed::parse_json(&decoded.text, &base, &mut doc);
    } else {
        parser::parse_xml(&decoded.text, &base, lang.as_deref(), &mut doc);
    }
    doc
}

/// Parses `bytes`; `url` is where the feed came from (resolves relative links, names the outlet
/// when the feed does not).
pub fn parse(bytes: &[u8], url: Option<&str>) -> Result<ParsedFeed, FeedError> {
    parse_with_headers(bytes, url, &[])
}

/// [`parse`] for a document fetched over HTTP: the response headers take part in choosing the
/// character encoding (`Content-Type` charset) and the base URL (`Content-Location`).
pub fn parse_with_headers(
    bytes: &[u8],
    url: Option<&str>,
    headers: &[(String, String)],
) -> Result<ParsedFeed, FeedError> {
    let doc = parse_document(bytes, url, headers);
    if doc.version.is_empty() && doc.entries.is_empty() {
        return Err(FeedError::Parse(
            doc.bozo_message()
                .unwrap_or("no RSS, Atom or JSON Feed document found")
                .to_string(),
        ));
    }
    let entries = doc.articles(url);
    if entries.is_empty() {
        return Err(FeedError::Empty);
    }
    Ok(ParsedFeed {
        title: doc.title(),
        home_url: doc.home_url(url),
        language: doc.language(),
        entries,
    })
}

fn str_of<'a>(d: &'a Dict, key: &str) -> Option<&'a str> {
    d.get(key).and_then(Value::as_str)
}

fn is_html_type(t: &str) -> bool {
    t == "text/html" || t == "application/xhtml+xml"
}

/// A text construct as plain text (HTML ones are stripped of markup).
fn text_of(d: &Dict, key: &str) -> Option<String> {
    let v = str_of(d, key)?;
    let ty = d
        .get(&format!("{key}_detail"))
        .and_then(|x| x.get("type"))
        .and_then(Value::as_str)
        .unwrap_or("text/plain");
    let t = if is_html_type(ty) {
        html_to_text(v)
    } else {
        v.to_string()
    };
    let t = t.split_whitespace().collect::<Vec<_>>().join(" ");
    (!t.is_empty()).then_some(t)
}

fn parsed_time(d: &Dict, key: &str) -> Option<DateTime<Utc>> {
    let a = d.get(key)?.as_array()?;
    let n: Vec<i64> = a.iter().filter_map(Value::as_i64).collect();
    if n.len() < 6 {
        return None;
    }
    let date = chrono::NaiveDate::from_ymd_opt(
        i32::try_from(n[0]).ok()?,
        u32::try_from(n[1]).ok()?,
        u32::try_from(n[2]).ok()?,
    )?;
    let t: NaiveDateTime = date.and_hms_opt(
        u32::try_from(n[3]).ok()?,
        u32::try_from(n[4]).ok()?,
        u32::try_from(n[5]).ok()?,
    )?;
    Some(Utc.from_utc_datetime(&t))
}

fn escape_text(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

/// A body value as sanitized HTML: HTML constructs were sanitized when parsed (and are
/// sanitized again here against the article's URL), text ones are escaped into paragraphs.
fn body_html(value: &str, ty: &str, base: Option<&str>) -> String {
    if is_html_type(ty) {
        clean_html(value, base)
    } else {
        value
            .split("\n\n")
            .map(str::trim)
            .filter(|p| !p.is_empty())
            .map(|p| format!("<p>{}</p>", escape_text(p)))
            .collect()
    }
}

/// A GUID that several entries of one feed share identifies none of them (a CMS that gives every
/// item the feed's URL, or "1"): it is dropped, and those entries are known by their links.
fn forget_shared_guids(articles: &mut [Article]) {
    let mut seen: std::collections::HashMap<String, usize> = std::collections::HashMap::new();
    for a in articles.iter() {
        if let Some(g) = &a.guid {
            *seen.entry(g.clone()).or_default() += 1;
        }
    }
    for a in articles.iter_mut() {
        if a.guid
            .as_ref()
            .is_some_and(|g| seen.get(g).copied().unwrap_or(0) > 1)
        {
            a.guid = None;
        }
    }
}

/// Longest GUID kept: identifiers are short; anything longer is content, not an identity.
const MAX_GUID_CHARS: usize = 512;

fn entry_article(e: &Dict, outlet: &OutletRef, language: Option<&str>) -> Option<Article> {
    let link = str_of(e, "link")
        .filter(|l| !l.is_empty())
        .map(str::to_owned)
        .or_else(|| {
            str_of(e, "id")
                .filter(|id| id.starts_with("http://") || id.starts_with("https://"))
                .map(str::to_owned)
        });
    let base = link.as_deref();
    let content = e
        .get("content")
        .and_then(Value::as_array)
        .and_then(|a| {
            a.iter()
                .find(|c| {
                    c.get("type")
                        .and_then(Value::as_str)
                        .is_some_and(is_html_type)
                })
                .or_else(|| a.first())
        })
        .and_then(|c| {
            Some((
                c.get("value")?.as_str()?.to_string(),
                c.get("type")
                    .and_then(Value::as_str)
                    .unwrap_or("text/plain")
                    .to_string(),
            ))
        });
    let summary_ty = e
        .get("summary_detail")
        .and_then(|d| d.get("type"))
        .and_then(Value::as_str)
        .unwrap_or("text/html")
        .to_string();
    let (body, ty) = content
        .or_else(|| str_of(e, "summary").map(|s| (s.to_string(), summary_ty.clone())))
        .unwrap_or_default();
    let html = body_html(&body, &ty, base);
    let text = html_to_text(&html);
    let title = text_of(e, "title")
        .or_else(|| {
            Some(
                text.split_whitespace()
                    .take(12)
                    .collect::<Vec<_>>()
                    .join(" "),
            )
        })
        .filter(|t| !t.is_empty())?;
    let summary = str_of(e, "summary").map(|s| {
        if is_html_type(&summary_ty) {
            html_to_text(s)
        } else {
            s.split_whitespace().collect::<Vec<_>>().join(" ")
        }
    });
    let mut authors: Vec<String> = e
        .get("authors")
        .and_then(Value::as_array)
        .map(|a| {
            a.iter()
                .filter_map(|p| p.get("name").and_then(Value::as_str))
                .map(|n| n.trim().to_owned())
                .filter(|n| !n.is_empty())
                .collect()
        })
        .unwrap_or_default();
    if authors.is_empty()
        && let Some(a) = e
            .get("author_detail")
            .and_then(|d| d.get("name"))
            .and_then(Value::as_str)
            .or_else(|| str_of(e, "author"))
            .filter(|a| !a.trim().is_empty())
    {
        authors.push(a.trim().to_string());
    }
    let terms: Vec<String> = e
        .get("tags")
        .and_then(Value::as_array)
        .map(|a| {
            a.iter()
                .filter_map(|t| {
                    t.get("label")
                        .and_then(Value::as_str)
                        .filter(|l| !l.is_empty())
                        .or_else(|| t.get("term").and_then(Value::as_str))
                })
                .map(|t| t.trim().to_string())
                .filter(|t| !t.is_empty())
                .collect()
        })
        .unwrap_or_default();
    let published = parsed_time(e, "published_parsed").or_else(|| parsed_time(e, "updated_parsed"));
    let updated = parsed_time(e, "updated_parsed");
    let entry_lang = e
        .get("content")
        .and_then(Value::as_array)
        .and_then(|a| a.first())
        .or_else(|| e.get("summary_detail"))
        .or_else(|| e.get("title_detail"))
        .and_then(|d| d.get("language"))
        .and_then(Value::as_str)
        .filter(|l| !l.is_empty())
        .map(primary_language);
    let guid = str_of(e, "id")
        .map(str::trim)
        .filter(|g| !g.is_empty() && g.chars().count() <= MAX_GUID_CHARS)
        .map(str::to_owned);
    Some(Article {
        url: link.clone(),
        guid,
        title,
        authors,
        outlet: outlet.clone(),
        published_at: published,
        updated_at: updated,
        section: terms.first().cloned(),
        tags: terms.iter().skip(1).cloned().collect(),
        language: entry_lang.or_else(|| language.map(str::to_owned)),
        summary: summary.filter(|s| !s.is_empty()),
        word_count: Article::count_words(&text),
        text,
        html,
        image_url: image_of(e),
        provenance: Provenance::default(),
        ..Article::default()
    })
}

/// The lead image: a media thumbnail, image media content, an image enclosure or the entry's
/// image.
fn image_of(e: &Dict) -> Option<String> {
    let http = |s: &str| s.starts_with("http://") || s.starts_with("https://");
    if let Some(u) = e
        .get("media_thumbnail")
        .and_then(Value::as_array)
        .and_then(|a| a.iter().find_map(|t| t.get("url").and_then(Value::as_str)))
        .filter(|u| http(u))
    {
        return Some(u.to_string());
    }
    if let Some(u) = e
        .get("media_content")
        .and_then(Value::as_array)
        .and_then(|a| {
            a.iter().find_map(|m| {
                let is_image = m.get("medium").and_then(Value::as_str) == Some("image")
                    || m.get("type")
                        .and_then(Value::as_str)
                        .is_some_and(|t| t.starts_with("image/"));
                is_image
                    .then(|| m.get("url").and_then(Value::as_str))
                    .flatten()
            })
        })
        && http(u)
    {
        return Some(u.to_string());
    }
    if let Some(u) = e.get("links").and_then(Value::as_array).and_then(|a| {
        a.iter().find_map(|l| {
            (l.get("rel").and_then(Value::as_str) == Some("enclosure")
                && l.get("type")
                    .and_then(Value::as_str)
                    .is_some_and(|t| t.starts_with("image/")))
            .then(|| l.get("href").and_then(Value::as_str))
            .flatten()
        })
    }) && http(u)
    {
        return Some(u.to_string());
    }
    e.get("image")
        .and_then(|i| i.get("href"))
        .and_then(Value::as_str)
        .filter(|u| http(u))
        .map(str::to_owned)
}

/// Sanitizes feed HTML with the allow-list. The tags of `<iframe>` and `<object>` are removed
/// first so that their fallback content (text meant for readers who cannot see the embed)
/// survives as ordinary markup; the sanitizer still sees — and cleans — all of it.
pub fn clean_html(html: &str, base: Option<&str>) -> String {
    static EMBED: std::sync::LazyLock<regex::Regex> = std::sync::LazyLock::new(|| {
        regex::Regex::new(r"(?i)</?(?:iframe|object)\b[^>]*>").expect("valid regex")
    });
    let unwrapped = if has_embed_tag(html) {
        EMBED.replace_all(html, "")
    } else {
        // The regex cannot use a literal prefilter for a case-insensitive `<`-led pattern, and
        // most bodies have no embeds: one scan of the `<`s is much cheaper.
        std::borrow::Cow::Borrowed(html)
    };
    tidings_extract::sanitize::sanitize_html(&unwrapped, base)
}

/// Whether `html` may have an `<iframe` or `<object` tag (or end tag), in any case: a cheap
/// superset test that decides whether the exact regex needs to run.
fn has_embed_tag(html: &str) -> bool {
    memchr::memchr_iter(b'<', html.as_bytes()).any(|i| {
        let rest = html.as_bytes().get(i + 1..).unwrap_or_default();
        let name = rest.strip_prefix(b"/").unwrap_or(rest);
        name.get(..6)
            .is_some_and(|n| n.eq_ignore_ascii_case(b"iframe") || n.eq_ignore_ascii_case(b"object"))
    })
}

/// Sanitized HTML to text with paragraphs separated by blank lines.
pub(crate) fn html_to_text(html: &str) -> String {
    let fragment = strip_tags(html);
    fragment
        .split("\n\n")
        .map(|p| p.split_whitespace().collect::<Vec<_>>().join(" "))
        .filter(|p| !p.is_empty())
        .collect::<Vec<_>>()
        .join("\n\n")
}

/// Strips tags from HTML, turning block ends into paragraph breaks and decoding entities.
fn strip_tags(html: &str) -> String {
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
    decode_html_entities(&out)
}

/// Decodes character and named references in HTML text.
fn decode_html_entities(s: &str) -> String {
    if !s.contains('&') {
        return s.to_string();
    }
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(i) = rest.find('&') {
        out.push_str(&rest[..i]);
        rest = &rest[i..];
        let end = rest[1..]
            .bytes()
            .take(32)
            .position(|c| c == b';')
            .map(|p| p + 1);
        let decoded = end.and_then(|e| {
            let name = &rest[1..e];
            let v = if let Some(num) = name.strip_prefix('#') {
                let n = match num.strip_prefix(['x', 'X']) {
                    Some(h) => u32::from_str_radix(h, 16).ok(),
                    None => num.parse().ok(),
                };
                n.and_then(char::from_u32).map(String::from)
            } else {
                entities::html_entity(name)
            };
            v.map(|v| (v, e + 1))
        });
        match decoded {
            Some((v, len)) => {
                out.push_str(&v);
                rest = &rest[len..];
            }
            None => {
                out.push('&');
                rest = &rest[1..];
            }
        }
    }
    out.push_str(rest);
    out
}

/// Entries with fewer words than this are summaries: their article page is worth fetching.
const SUMMARY_WORDS: u32 = 150;

/// How feeds end an entry they cut short (compared in lower case with the end of its text).
const TRUNCATION_MARKS: &[&str] = &[
    "…",
    "...",
    "[…]",
    "[...]",
    "(more)",
    "(more…)",
    "read more",
    "read more »",
    "read more →",
    "continue reading",
    "continue reading »",
    "continue reading →",
    "read the full story",
    "read the full article",
    "read full story",
    "read full article",
];

/// True when a feed entry carries only a summary of its article: it is short, or its last
/// paragraph ends with a truncation mark ("…", "[…]", "Read more", "Continue reading").
pub fn is_summary(entry: &Article) -> bool {
    entry.word_count < SUMMARY_WORDS || ends_truncated(&entry.text)
}

fn ends_truncated(text: &str) -> bool {
    let text = text.trim_end();
    let last = text.rsplit('\n').next().unwrap_or(text);
    let start = last.char_indices().rev().nth(40).map_or(0, |(i, _)| i);
    let tail = last[start..].to_lowercase();
    TRUNCATION_MARKS.iter().any(|m| tail.ends_with(m))
}

/// The host of a URL without `www.`, lowercased: how outlets are recognised by domain.
pub fn domain_of(u: &str) -> Option<String> {
    let host = url::Url::parse(u).ok()?.host_str()?.to_ascii_lowercase();
    Some(host.strip_prefix("www.").map(str::to_owned).unwrap_or(host))
}

fn primary_language(tag: &str) -> String {
    tag.trim()
        .split(['-', '_'])
        .next()
        .unwrap_or(tag)
        .to_ascii_lowercase()
}

#[cfg(test)]
mod tests;
