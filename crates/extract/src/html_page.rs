//! Article pages in HTML: metadata from JSON-LD, OpenGraph, `<meta>` and microdata (module
//! `metadata`), the body from the article element with page furniture dropped (module `body`),
//! sanitized HTML and plain text out, the outlet from the site name and the URL's domain, and
//! provenance from a republication note at the end of the body, an original the markup declares
//! (`isBasedOn`, `syndication-source`, `original-source`) or a canonical URL on another site.
//! Pages without ~40 words of body text are refused.

mod body;
mod metadata;
#[cfg(test)]
mod tests;

use crate::dates::parse_datetime;
use crate::lang::detect_english;
use crate::provenance::find_republication_note;
use crate::sanitize::{MAX_NESTING, nesting_estimate, sanitize_html};
use crate::sniff::{self, PageKind};
use crate::textutil::{collapse_whitespace, host_of, summary_of};
use crate::{ExtractError, decode};
use body::{Block, RootError};
use chrono::{DateTime, Utc};
use metadata::Metadata;
use scraper::Html;
use std::collections::BTreeMap;
use tidings_model::{Article, OutletRef, Provenance};
use url::Url;

/// Below this many words of body text a page is not an article (a home page, an index, a
/// paywall stub).
const MIN_BODY_WORDS: usize = 40;
/// Summary length when the page gives no description.
const SUMMARY_WORDS: usize = 50;
/// Characters of Chinese or Japanese text per word, roughly (a word is one to three
/// characters; two is the usual estimate for reading-length counts).
const UNSPACED_CHARS_PER_WORD: usize = 2;

/// Reads an HTML article page from raw bytes. `url` is where it came from; `http_charset` the
/// charset of the HTTP `Content-Type` header, which wins over the page's own declaration.
pub fn extract(
    bytes: &[u8],
    url: Option<&str>,
    http_charset: Option<&str>,
) -> Result<Article, ExtractError> {
    match sniff::sniff(bytes) {
        PageKind::Binary => return Err(ExtractError::Encoding("binary data, not HTML".into())),
        PageKind::Empty => return Err(ExtractError::NotAnArticle("empty file".into())),
        kind @ (PageKind::XmlFeed | PageKind::JsonFeed | PageKind::Opml) => {
            let reason = kind.refusal().unwrap_or("not HTML");
            return Err(ExtractError::NotAnArticle(reason.into()));
        }
        _ => {}
    }
    let declared = http_charset
        .map(str::to_string)
        .or_else(|| decode::html_declared_charset(bytes));
    let text = decode::decode_text(bytes, declared.as_deref())?;
    parse(&text, url)
}

/// Extracts an article from decoded HTML.
pub fn parse(html: &str, url: Option<&str>) -> Result<Article, ExtractError> {
    let depth = nesting_estimate(html);
    if depth > MAX_NESTING {
        return Err(ExtractError::NotAnArticle(format!(
            "HTML nested too deeply to be a page ({depth} levels of open elements)"
        )));
    }
    let doc = Html::parse_document(html);
    let mut meta = metadata::read(&doc);
    // Which source gave each field; filled further below where the page itself stands in.
    let mut sources = std::mem::take(&mut meta.sources);
    let page_url = url.and_then(|u| Url::parse(u).ok()).filter(is_web_url);
    let canonical = absolute(meta.canonical.as_deref(), page_url.as_ref());
    let og_url = absolute(meta.og_url.as_deref(), page_url.as_ref());
    // Relative links resolve against where the page was fetched from, as a browser does; the
    // canonical URL stands in when the caller does not know.
    let base = page_url
        .clone()
        .or_else(|| canonical.as_deref().and_then(|c| Url::parse(c).ok()));

    let furniture = body::Furniture::new(&doc);
    let root = body::find_root(&doc, &furniture).map_err(|e| match e {
        RootError::Listing(n) => ExtractError::NotAnArticle(format!(
            "looks like a listing or home page ({n} article teasers, none of them dominant)"
        )),
        RootError::Empty => ExtractError::NotAnArticle("no article body (empty page)".into()),
    })?;
    if let Some(title) = body::error_page(&meta, &doc) {
        return Err(ExtractError::NotAnArticle(format!(
            "an error page (“{title}”)"
        )));
    }
    let title = pick_title(&meta, &doc, &mut sources);
    let mut blocks = body::blocks(root, &furniture, base.as_ref(), &title);
    // A marked-up body that holds too little (a summary box, a teaser) gives way to the page's
    // densest prose container, then to the whole page.
    let mut root = root;
    for fallback in body::fallback_roots(&doc, &furniture) {
        if blocks_words(&blocks) >= MIN_BODY_WORDS {
            break;
        }
        if fallback.id() == root.id() {
            continue;
        }
        let candidate = body::blocks(fallback, &furniture, base.as_ref(), &title);
        if blocks_words(&candidate) > blocks_words(&blocks) {
            (root, blocks) = (fallback, candidate);
        }
    }
    let published_at = match meta.published {
        Some(t) => Some(t),
        None => published_from_page(&doc, root, &mut sources),
    };
    let page_date = published_at.map(|t| t.date_naive());
    let mut provenance = note_provenance(&mut blocks, page_date);
    let (html, mut text) = render(&blocks, base.as_ref());
    let mut html = html;
    if word_count(&text) < MIN_BODY_WORDS {
        match meta
            .article_body
            .as_deref()
            .filter(|b| word_count(b) >= MIN_BODY_WORDS)
        {
            Some(fallback) => (html, text) = from_plain_text(fallback),
            None => {
                return Err(ExtractError::NotAnArticle(format!(
                    "{} (only {} words of body text)",
                    body::describe(&meta, root),
                    word_count(&text)
                )));
            }
        }
    }

    let page_host = page_url.as_ref().and_then(|u| host_of(u.as_str()));
    if let Some(original) = &meta.declared_original {
        let url = absolute(Some(&original.url), base.as_ref());
        cross_site_provenance(&mut provenance, page_host.as_deref(), url.as_deref());
        if let Some(publisher) = &original.publisher
            && provenance.original_url == url
        {
            provenance.original_outlet = Some(publisher.clone());
        }
    }
    let declared_url = canonical.clone().or(og_url);
    cross_site_provenance(
        &mut provenance,
        page_host.as_deref(),
        declared_url.as_deref(),
    );
    let republished_elsewhere = provenance.original_url.is_some()
        && provenance.original_url.as_deref() == declared_url.as_deref();
    let article_url = if republished_elsewhere || declared_url.is_none() {
        sources.insert("url", "fetched-url");
        page_url.as_ref().map(Url::to_string)
    } else {
        if canonical.is_some() {
            sources.insert("url", "canonical-link");
        }
        declared_url.clone()
    };
    let domain = page_host.or_else(|| declared_url.as_deref().and_then(host_of));

    let summary = meta.description.clone().or_else(|| {
        sources.insert("summary", "first-paragraph");
        text.split("\n\n")
            .next()
            .and_then(|p| summary_of(p, SUMMARY_WORDS))
    });
    let image_url = absolute(meta.image.as_deref(), base.as_ref()).or_else(|| {
        sources.insert("image_url", "body-image");
        first_image(&html)
    });
    let language = meta.language.clone().or_else(|| {
        sources.insert("language", "detected");
        detect_english(&text)
    });
    let outlet_name = outlet_name(&meta, &title, domain.as_deref(), &mut sources);
    let authors = if meta.authors.is_empty() {
        sources.insert("authors", "byline");
        body::byline_authors(&doc)
    } else {
        meta.authors
    };
    // A source is named only for what was found.
    let found = |field: &&str| match *field {
        "summary" => summary.is_some(),
        "image_url" => image_url.is_some(),
        "language" => language.is_some(),
        "authors" => !authors.is_empty(),
        "url" => article_url.is_some(),
        _ => true,
    };
    let metadata_sources = sources
        .into_iter()
        .filter(|(field, _)| found(field))
        .map(|(field, source)| (field.to_owned(), source.to_owned()))
        .collect();
    Ok(Article {
        url: article_url,
        title,
        authors,
        outlet: OutletRef {
            name: outlet_name,
            domain,
        },
        published_at,
        updated_at: meta.modified,
        section: meta.section,
        tags: meta.tags,
        language,
        summary,
        word_count: Article::count_words(&text),
        text,
        html,
        image_url,
        provenance,
        metadata_sources,
        ..Article::default()
    })
}

/// When the page shows it was published, for pages whose metadata does not say: a `<time
/// datetime>` in the body, else a visible dateline.
fn published_from_page(
    doc: &Html,
    root: scraper::ElementRef<'_>,
    sources: &mut BTreeMap<&'static str, &'static str>,
) -> Option<DateTime<Utc>> {
    if let Some(t) = body::body_time(root).as_deref().and_then(parse_datetime) {
        sources.insert("published_at", "time-element");
        return Some(t);
    }
    let date = body::dateline(doc)?;
    sources.insert("published_at", "dateline");
    Some(crate::dates::midnight_utc(date))
}

fn is_web_url(u: &Url) -> bool {
    matches!(u.scheme(), "http" | "https")
}

/// `href` made absolute against `base`, http(s) only.
fn absolute(href: Option<&str>, base: Option<&Url>) -> Option<String> {
    let href = href?.trim();
    let url = match base {
        Some(b) => b.join(href).ok()?,
        None => Url::parse(href).ok()?,
    };
    is_web_url(&url).then(|| url.to_string())
}

fn blocks_words(blocks: &[Block]) -> usize {
    blocks
        .iter()
        .filter_map(|b| b.text.as_deref())
        .map(word_count)
        .sum()
}

/// Words in `text`. Chinese and Japanese are written without spaces, so a run of their
/// characters counts one word per [`UNSPACED_CHARS_PER_WORD`] characters rather than one word
/// in all: a short Japanese article is otherwise a handful of "words" and refused.
fn word_count(text: &str) -> usize {
    text.split_whitespace()
        .map(|w| {
            let unspaced = w.chars().filter(|c| is_unspaced_script(*c)).count();
            1 + unspaced / UNSPACED_CHARS_PER_WORD
        })
        .sum()
}

/// Han ideographs and Japanese kana: scripts whose words are not separated by spaces.
fn is_unspaced_script(c: char) -> bool {
    matches!(c,
        '\u{3040}'..='\u{30FF}'   // hiragana, katakana
        | '\u{3400}'..='\u{4DBF}' // CJK extension A
        | '\u{4E00}'..='\u{9FFF}' // CJK unified ideographs
        | '\u{F900}'..='\u{FAFF}' // CJK compatibility ideographs
        | '\u{FF66}'..='\u{FF9F}' // half-width katakana
    )
}

/// JSON-LD headline, OpenGraph title, the first `<h1>`, then `<title>` without its site suffix.
fn pick_title(
    meta: &Metadata,
    doc: &Html,
    sources: &mut BTreeMap<&'static str, &'static str>,
) -> String {
    if let Some(title) = &meta.title {
        return title.clone();
    }
    if let Some(h1) = body::first_h1(doc) {
        sources.insert("title", "h1");
        return h1;
    }
    match meta.document_title.as_deref() {
        Some(t) => {
            sources.insert("title", "title-element");
            split_title(t).0.to_string()
        }
        None => String::new(),
    }
}

/// "Headline | Site" → ("Headline", Some("Site")).
fn split_title(title: &str) -> (&str, Option<&str>) {
    for sep in [" | ", " – ", " — ", " - ", " :: ", " · "] {
        if let Some((head, site)) = title.rsplit_once(sep) {
            return (head.trim(), Some(site.trim()));
        }
    }
    (title, None)
}

/// og:site_name or the JSON-LD publisher; else the site part of `<title>`; else the domain.
fn outlet_name(
    meta: &Metadata,
    title: &str,
    domain: Option<&str>,
    sources: &mut BTreeMap<&'static str, &'static str>,
) -> String {
    if let Some(site) = &meta.site_name {
        return site.clone();
    }
    let from_title = meta.document_title.as_deref().and_then(|t| {
        let (head, site) = split_title(t);
        let same_headline = !title.is_empty()
            && (head.eq_ignore_ascii_case(title)
                || title.starts_with(head)
                || head.starts_with(title));
        site.filter(|_| same_headline)
    });
    let (name, source) = match (from_title, domain) {
        (Some(site), _) => (site, "title-element"),
        (None, Some(domain)) => (domain, "domain"),
        (None, None) => return String::new(),
    };
    sources.insert("outlet", source);
    name.to_string()
}

/// Reads a republication note from the last (or first) blocks; a note that is a block of its
/// own is removed from the body.
fn note_provenance(blocks: &mut Vec<Block>, page_date: Option<chrono::NaiveDate>) -> Provenance {
    let texts: Vec<(usize, &str)> = blocks
        .iter()
        .enumerate()
        .filter_map(|(i, b)| b.text.as_deref().map(|t| (i, t)))
        .collect();
    let joined = texts.iter().map(|(_, t)| *t).collect::<Vec<_>>().join("\n");
    let Some(note) = find_republication_note(&joined, page_date) else {
        return Provenance::default();
    };
    if note.whole_line {
        // Map the note's line back to its block.
        let line_index = joined
            .get(..note.span.start)
            .map_or(0, |before| before.matches('\n').count());
        if let Some(&(block_index, _)) = texts.get(line_index) {
            blocks.remove(block_index);
        }
    }
    note.provenance
}

/// A canonical URL (or a declared original) on another site than the page's marks the page as
/// a republication of it.
fn cross_site_provenance(
    provenance: &mut Provenance,
    page_host: Option<&str>,
    declared_url: Option<&str>,
) {
    let (Some(page_host), Some(declared)) = (page_host, declared_url) else {
        return;
    };
    let Some(declared_host) = host_of(declared) else {
        return;
    };
    if site_key(&declared_host) == site_key(page_host) {
        return;
    }
    provenance
        .original_url
        .get_or_insert_with(|| declared.to_string());
    provenance.original_outlet.get_or_insert(declared_host);
}

/// The registrable part of a host, roughly: the last two labels, or three under a
/// second-level public suffix like `co.uk` — enough to tell `amp.example.com` is `example.com`.
fn site_key(host: &str) -> String {
    let labels: Vec<&str> = host.split('.').collect();
    let n = labels.len();
    let second_level = n >= 3
        && labels.get(n - 1).is_some_and(|tld| tld.len() == 2)
        && labels.get(n - 2).is_some_and(|l| {
            [
                "co", "com", "org", "net", "gov", "ac", "edu", "or", "ne", "go",
            ]
            .contains(l)
        });
    let keep = if second_level { 3 } else { 2 };
    labels[n.saturating_sub(keep)..].join(".")
}

/// Final HTML (sanitized) and text of the blocks.
fn render(blocks: &[Block], base: Option<&Url>) -> (String, String) {
    let html: Vec<&str> = blocks
        .iter()
        .map(|b| b.html.as_str())
        .filter(|h| !h.is_empty())
        .collect();
    let text: Vec<&str> = blocks.iter().filter_map(|b| b.text.as_deref()).collect();
    (
        sanitize_html(&html.join("\n"), base.map(Url::as_str)),
        text.join("\n\n"),
    )
}

/// HTML and text from JSON-LD `articleBody`, whose paragraphs are separated by newlines.
fn from_plain_text(body: &str) -> (String, String) {
    let paragraphs: Vec<String> = body
        .split('\n')
        .map(collapse_whitespace)
        .filter(|p| !p.is_empty())
        .collect();
    (
        crate::textutil::paragraphs_to_html(&paragraphs),
        paragraphs.join("\n\n"),
    )
}

/// The first image source in sanitized HTML.
fn first_image(html: &str) -> Option<String> {
    let start = html.find("<img src=\"")? + "<img src=\"".len();
    let rest = html.get(start..)?;
    let end = rest.find('"')?;
    Some(rest.get(..end)?.replace("&amp;", "&"))
}
