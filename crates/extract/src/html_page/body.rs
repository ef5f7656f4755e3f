//! The main body of an HTML article page: which element holds it (`[itemprop=articleBody]`,
//! else the `<article>`, else the densest prose container, widened over an article split into
//! sibling blocks; a root holding too little gives way to the prose container, then the page),
//! and a walk over it that keeps article blocks
//! (paragraphs, headings, lists, quotes, figures, data-table rows) and drops navigation, share
//! bars, related links, boxes of links, comment sections, ads, banners and image captions.
//! Boilerplate class names are only a guess and never hide the page's densest prose.

use super::metadata::Metadata;
use crate::byline::{parse_authors, strip_by};
use crate::textutil::{collapse_whitespace, ends_sentence, escape_html, re};
use ego_tree::NodeId;
use ego_tree::NodeRef;
use once_cell::sync::Lazy;
use regex::Regex;
use scraper::{ElementRef, Html, Node, Selector};
use std::collections::{HashMap, HashSet};
use url::Url;

/// Elements that never hold article text.
const SKIPPED_TAGS: &[&str] = &[
    "nav", "header", "footer", "aside", "form", "script", "style", "noscript", "template",
    "iframe", "svg", "button", "select", "textarea", "input", "label", "object", "embed", "canvas",
    "audio", "video", "map", "dialog", "menu",
];
/// ARIA roles of page furniture.
const SKIPPED_ROLES: &[&str] = &[
    "navigation",
    "banner",
    "contentinfo",
    "complementary",
    "search",
    "dialog",
    "alert",
    "menu",
    "menubar",
    "toolbar",
];
/// With three or more `<article>` elements, the biggest must hold this share of their text to
/// be the page's article; otherwise the page is a list of teasers.
const DOMINANT_ARTICLE_SHARE: f64 = 0.6;
/// A page whose densest container holds less prose than this (characters) and whose
/// `<article>`s are all teasers is a listing; with more, it is an article among teasers.
const LISTING_MAX_PROSE_CHARS: usize = 1500;
/// The densest prose outside likely furniture wins when it is at least 1/this of the densest
/// prose anywhere.
const CLEAN_PROSE_SHARE_INVERSE: usize = 3;

/// A container with at least this many links, and more than 1/[`LINK_BOX_SHARE_INVERSE`] of
/// its text inside them, is a box of links rather than prose (readability's link density).
const MIN_LINKS_OF_LINK_BOX: usize = 2;
const LINK_BOX_SHARE_INVERSE: usize = 2;

/// How far up the densest prose container may widen, and what the wider block must add.
const WIDEN_MAX_LEVELS: usize = 6;
const WIDEN_MIN_EXTRA_PARAGRAPHS: usize = 3;
const WIDEN_LINK_SHARE_INVERSE: usize = 4;
/// A paragraph of at least this many characters is prose, not a label or a line of credits.
const LONG_PARAGRAPH_CHARS: usize = 200;

/// Nesting deeper than this is flattened to its text: the walk recurses, and hostile pages nest
/// tens of thousands of elements.
const MAX_DEPTH: usize = 200;
/// Loose text between blocks shorter than this, without a full stop, is a label, not prose.
const STRAY_LABEL_WORDS: usize = 5;
/// A dateline longer than this is a sentence.
const MAX_DATELINE_WORDS: usize = 12;
/// A byline element longer than this is not a byline.
const MAX_BYLINE_WORDS: usize = 14;

/// class/id words of boilerplate containers.
static BOILERPLATE: Lazy<Regex> = Lazy::new(|| {
    re(
        r"(?i)share|sharing|social|related|comments?\b|newsletter|advert|\bads?\b|promo|cookie|consent|subscribe|signup|sign-up|paywall|banner|breadcrumb|byline|sidebar|widget|popup|modal|masthead|toolbar|sponsor|recommend|most-read|mostread|trending|outbrain|taboola|skip-link|author-bio|\btags\b|tag-list|taglist",
    )
});

/// class/id words of image captions and photo credits, which are not prose.
static CAPTION: Lazy<Regex> = Lazy::new(|| re(r"(?i)caption|\bcredits?\b"));

/// True when `el` is marked as an image caption or credit.
fn is_caption(el: ElementRef<'_>) -> bool {
    let e = el.value();
    let marked = |a: Option<&str>| a.is_some_and(|v| CAPTION.is_match(v));
    marked(e.attr("class")) || marked(e.attr("id"))
}

/// "Published …", "Updated: …", "Posted on …" followed by a date or time.
static DATELINE: Lazy<Regex> = Lazy::new(|| {
    re(concat!(
        r"(?i)^(?:first |last )?(?:published|updated|posted|modified)(?:\s+on)?\s*:?\s*",
        r"(?:\d|(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?",
        r"|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?|mon(?:day)?",
        r"|tue(?:s(?:day)?)?|wed(?:nesday)?|thu(?:rs(?:day)?)?|fri(?:day)?|sat(?:urday)?",
        r"|sun(?:day)?)\b).*\d",
    ))
});

fn selector(css: &str) -> Selector {
    Selector::parse(css).unwrap_or_else(|e| panic!("built-in selector {css:?} is invalid: {e}"))
}

static ARTICLE: Lazy<Selector> = Lazy::new(|| selector("article"));
static ARTICLE_BODY: Lazy<Selector> = Lazy::new(|| selector("[itemprop=articleBody]"));
static PARAGRAPH: Lazy<Selector> = Lazy::new(|| selector("p"));
static BODY: Lazy<Selector> = Lazy::new(|| selector("body"));
static TIME: Lazy<Selector> = Lazy::new(|| selector("time[datetime]"));
static IMG: Lazy<Selector> = Lazy::new(|| selector("img"));
static H1: Lazy<Selector> = Lazy::new(|| selector("h1"));
/// Where pages put their byline, most specific first.
static BYLINE: Lazy<Vec<Selector>> = Lazy::new(|| {
    [
        "[itemprop=author] [itemprop=name]",
        "[itemprop=author]",
        "[rel=author]",
        "[class*=byline]",
        "[class*=author-name]",
        "[class*=author]",
    ]
    .iter()
    .map(|css| selector(css))
    .collect()
});

/// One block of the body: its sanitizable HTML, and its text when it is prose.
#[derive(Debug, Clone)]
pub(super) struct Block {
    pub html: String,
    pub text: Option<String>,
}

/// Why no body element could be chosen.
pub(super) enum RootError {
    /// Several teaser `<article>`s and none dominant: a home or section page.
    Listing(usize),
    /// No `<body>` at all.
    Empty,
}

/// The element holding the article body: the biggest `[itemprop=articleBody]`, else the
/// `<article>` (one of several only when it dominates or holds the page's main prose), else
/// the densest prose container.
pub(super) fn find_root<'a>(
    doc: &'a Html,
    furniture: &Furniture,
) -> Result<ElementRef<'a>, RootError> {
    if let Some(body) = doc
        .select(&ARTICLE_BODY)
        .map(|e| (e, paragraph_chars(e, furniture)))
        .filter(|(_, size)| *size > 0)
        .max_by_key(|(_, size)| *size)
        .map(|(e, _)| e)
    {
        return Ok(body);
    }
    let articles: Vec<ElementRef<'_>> = doc
        .select(&ARTICLE)
        .filter(|a| !inside_other(*a, "article"))
        .collect();
    let sizes: Vec<usize> = articles
        .iter()
        .map(|a| paragraph_chars(*a, furniture))
        .collect();
    let total: usize = sizes.iter().sum();
    let best = sizes
        .iter()
        .enumerate()
        .max_by_key(|(_, s)| **s)
        .map(|(i, s)| (i, *s));
    if let Some((i, size)) = best
        && size > 0
        && let Some(article) = articles.get(i)
    {
        // Sizes are character counts of one page: far below f64's exact-integer range.
        let dominant = articles.len() < 3
            || (size as f64) >= (total as f64) * DOMINANT_ARTICLE_SHARE
            || furniture.holds_main(*article);
        if dominant {
            return Ok(*article);
        }
        // Many teasers, none holding the page's prose: a listing, unless a long text lies
        // outside all of them (an article page with teaser `<article>`s around it). Prose
        // that is the teasers themselves (their common container) does not count.
        let main_is_teasers = furniture.main.is_some_and(|main| {
            articles
                .iter()
                .filter(|a| a.ancestors().any(|x| x.id() == main))
                .count()
                >= 3
        });
        if !articles.iter().any(|a| furniture.holds_main(*a))
            && (main_is_teasers || furniture.main_chars < LISTING_MAX_PROSE_CHARS)
        {
            return Err(RootError::Listing(articles.len()));
        }
    }
    furniture
        .main_element(doc)
        .map(|main| widen(main, furniture))
        .or_else(|| doc.select(&BODY).next())
        .ok_or(RootError::Empty)
}

/// The densest prose container, widened to an ancestor when the article is split over
/// sibling blocks (sections between pictures or pull quotes): the highest of the nearest
/// [`WIDEN_MAX_LEVELS`] ancestors that holds half again as much paragraph text and at least
/// [`WIDEN_MIN_EXTRA_PARAGRAPHS`] more long paragraphs, stopping at one that is link-heavy
/// (more than 1/[`WIDEN_LINK_SHARE_INVERSE`] of its text in links: navigation, teasers).
fn widen<'a>(root: ElementRef<'a>, furniture: &Furniture) -> ElementRef<'a> {
    let own_chars = paragraph_chars(root, furniture);
    let own_long = long_paragraphs(root, furniture);
    let mut best = root;
    for a in root
        .ancestors()
        .filter_map(ElementRef::wrap)
        .take(WIDEN_MAX_LEVELS)
    {
        if matches!(a.value().name(), "body" | "html") {
            break;
        }
        let link_heavy = furniture
            .links
            .get(&a.id())
            .is_some_and(|s| s.link_chars * WIDEN_LINK_SHARE_INVERSE > s.chars);
        if link_heavy {
            break;
        }
        if paragraph_chars(a, furniture) * 2 >= own_chars * 3
            && long_paragraphs(a, furniture) >= own_long + WIDEN_MIN_EXTRA_PARAGRAPHS
        {
            best = a;
        }
    }
    best
}

/// Paragraphs under `el`, outside furniture, of at least [`LONG_PARAGRAPH_CHARS`] characters.
fn long_paragraphs(el: ElementRef<'_>, furniture: &Furniture) -> usize {
    el.select(&PARAGRAPH)
        .filter(|p| !in_boilerplate(*p, el, furniture))
        .filter(|p| p.text().map(str::len).sum::<usize>() >= LONG_PARAGRAPH_CHARS)
        .count()
}

/// Roots to try when the chosen one holds too little: the densest prose container, then
/// `<body>`.
pub(super) fn fallback_roots<'a>(doc: &'a Html, furniture: &Furniture) -> Vec<ElementRef<'a>> {
    furniture
        .main_element(doc)
        .into_iter()
        .chain(doc.select(&BODY).next())
        .collect()
}

/// True when `el` has an ancestor named `tag`.
fn inside_other(el: ElementRef<'_>, tag: &str) -> bool {
    el.ancestors()
        .filter_map(ElementRef::wrap)
        .any(|a| a.value().name() == tag)
}

/// Characters of text in the `<p>` elements under `el`, outside furniture.
fn paragraph_chars(el: ElementRef<'_>, furniture: &Furniture) -> usize {
    el.select(&PARAGRAPH)
        .filter(|p| !in_boilerplate(*p, el, furniture))
        .map(|p| p.text().map(str::len).sum::<usize>())
        .sum()
}

/// True when `el` or an ancestor below `root` is furniture.
fn in_boilerplate(el: ElementRef<'_>, root: ElementRef<'_>, furniture: &Furniture) -> bool {
    let mut node = Some(el);
    while let Some(e) = node {
        if e.id() == root.id() {
            return false;
        }
        if furniture.skipped(e) {
            return true;
        }
        node = e.parent().and_then(ElementRef::wrap);
    }
    false
}

/// Page furniture. Tags, ARIA roles and hidden state are certain ([`is_hard_skipped`]); a
/// boilerplate class/id or a layout table is only a guess ([`is_soft_skipped`]) and gives way
/// for the elements that hold the page's main prose (`protected`): themes name whole content
/// columns "has-sidebar", "widget" or "modal-enabled".
pub(super) struct Furniture {
    protected: HashSet<NodeId>,
    /// The densest prose container and its score.
    main: Option<NodeId>,
    main_chars: usize,
    /// Per element: characters of text and of link text, and links under it.
    links: HashMap<NodeId, LinkStats>,
}

/// Text and link text under one element.
#[derive(Debug, Clone, Copy, Default)]
struct LinkStats {
    chars: usize,
    link_chars: usize,
    links: usize,
}

impl Furniture {
    /// Protects the densest prose container of the page and its ancestors.
    pub(super) fn new(doc: &Html) -> Self {
        let mut protected = HashSet::new();
        let found = densest_text_container(doc);
        if let Some((main, _)) = found {
            protected.insert(main.id());
            protected.extend(main.ancestors().map(|a| a.id()));
        }
        Furniture {
            protected,
            main: found.map(|(m, _)| m.id()),
            main_chars: found.map_or(0, |(_, c)| c),
            links: link_stats(doc),
        }
    }

    /// True when `el` is mostly links: a box of teasers, tags, products or "more stories", not
    /// prose. The page's densest prose container and its ancestors never are.
    fn link_heavy(&self, el: ElementRef<'_>) -> bool {
        if self.protected.contains(&el.id()) {
            return false;
        }
        self.links.get(&el.id()).is_some_and(|s| {
            s.links >= MIN_LINKS_OF_LINK_BOX && s.link_chars * LINK_BOX_SHARE_INVERSE > s.chars
        })
    }

    /// True when `el` is furniture to leave out.
    fn skipped(&self, el: ElementRef<'_>) -> bool {
        is_hard_skipped(el) || (is_soft_skipped(el) && !self.protected.contains(&el.id()))
    }

    /// The page's densest prose container, when it has one.
    fn main_element<'a>(&self, doc: &'a Html) -> Option<ElementRef<'a>> {
        self.main
            .and_then(|id| doc.tree.get(id))
            .and_then(ElementRef::wrap)
    }

    /// True when `el` holds (or is) the page's densest prose container.
    fn holds_main(&self, el: ElementRef<'_>) -> bool {
        self.protected.contains(&el.id())
    }
}

/// Certain furniture: by tag, ARIA role or hidden state.
fn is_hard_skipped(el: ElementRef<'_>) -> bool {
    let e = el.value();
    // Whole-page classes ("single-post has-sidebar") describe the page, not a part of it.
    if matches!(e.name(), "html" | "body") {
        return false;
    }
    if SKIPPED_TAGS.contains(&e.name()) {
        return true;
    }
    if e.attr("hidden").is_some() || e.attr("aria-hidden").is_some_and(|v| v == "true") {
        return true;
    }
    if e.attr("role")
        .is_some_and(|r| SKIPPED_ROLES.contains(&r.trim()))
    {
        return true;
    }
    e.attr("style").is_some_and(|s| {
        let s: String = s.chars().filter(|c| !c.is_whitespace()).collect();
        s.contains("display:none") || s.contains("visibility:hidden")
    })
}

/// Likely furniture: a boilerplate class/id.
fn is_soft_skipped(el: ElementRef<'_>) -> bool {
    let e = el.value();
    if matches!(e.name(), "html" | "body") {
        return false;
    }
    let marked = |a: Option<&str>| a.is_some_and(|v| BOILERPLATE.is_match(v));
    marked(e.attr("class")) || marked(e.attr("id"))
}

/// [`LinkStats`] of every element in one pass: in reverse document order each node comes after
/// all of its descendants, so it adds its finished totals to its parent once.
fn link_stats(doc: &Html) -> HashMap<NodeId, LinkStats> {
    let mut stats: HashMap<NodeId, LinkStats> = HashMap::new();
    let nodes: Vec<NodeRef<'_, Node>> = doc.tree.root().descendants().collect();
    for node in nodes.into_iter().rev() {
        let mut own = stats.get(&node.id()).copied().unwrap_or_default();
        match node.value() {
            Node::Text(t) => own.chars += t.text.trim().chars().count(),
            Node::Element(e) => {
                if e.name() == "a" {
                    own.link_chars = own.chars;
                    own.links += 1;
                }
                stats.insert(node.id(), own);
            }
            _ => continue,
        }
        if let Some(parent) = node.parent() {
            let p = stats.entry(parent.id()).or_default();
            p.chars += own.chars;
            p.link_chars += own.link_chars;
            p.links += own.links;
        }
    }
    stats
}

/// The element holding the most prose of its own: text of `<p>` children, and loose text
/// (blog engines separate paragraphs with `<br>`), outside links, teaser excerpts and certain
/// furniture. A
/// container also gets half the prose of its child containers, so an article split over
/// several `<div>`s beats each of them. Prose outside likely furniture (comment threads,
/// widgets) is preferred unless it is small beside the prose inside it: whole content columns
/// carry such class names too.
fn densest_text_container(doc: &Html) -> Option<(ElementRef<'_>, usize)> {
    // Per container: (all prose, prose outside likely furniture).
    let mut score: HashMap<NodeId, (usize, usize)> = HashMap::new();
    let mut refs: HashMap<NodeId, ElementRef<'_>> = HashMap::new();
    for node in doc.tree.root().descendants() {
        let Node::Text(t) = node.value() else {
            continue;
        };
        let len = t.text.trim().len();
        if len == 0 {
            continue;
        }
        // The nearest block ancestor holds the text; a paragraph's text goes to its container.
        let mut container = None;
        let mut in_paragraph = false;
        let mut rejected = false;
        let mut marked = false;
        for a in node.ancestors().filter_map(ElementRef::wrap) {
            let name = a.value().name();
            if name == "a" || is_hard_skipped(a) {
                rejected = true;
                break;
            }
            marked = marked || is_soft_skipped(a);
            if container.is_none() {
                if name == "p" {
                    in_paragraph = true;
                } else if !is_inline(name)
                    && !matches!(name, "h1" | "h2" | "h3" | "h4" | "h5" | "h6" | "li")
                {
                    container = Some(a);
                }
            }
        }
        let Some(container) = container.filter(|_| !rejected) else {
            continue;
        };
        // Loose text counts only in runs long enough to be prose, not labels; a text cut
        // short with an ellipsis is a teaser's excerpt.
        let trimmed = t.text.trim_end();
        if (!in_paragraph && len < 40) || trimmed.ends_with("...") || trimmed.ends_with('…') {
            continue;
        }
        let clean = if marked { 0 } else { len };
        let entry = score.entry(container.id()).or_default();
        *entry = (entry.0 + len, entry.1 + clean);
        refs.insert(container.id(), container);
        if let Some(parent) = container.parent().and_then(ElementRef::wrap) {
            let entry = score.entry(parent.id()).or_default();
            *entry = (entry.0 + len / 2, entry.1 + clean / 2);
            refs.insert(parent.id(), parent);
        }
    }
    let best = |pick: fn(&(usize, usize)) -> usize| {
        score
            .iter()
            .map(|(id, s)| (*id, pick(s)))
            .max_by_key(|(id, s)| (*s, std::cmp::Reverse(*id)))
    };
    let (raw_id, raw) = best(|s| s.0)?;
    let (id, chars) = match best(|s| s.1) {
        Some((clean_id, clean)) if clean * CLEAN_PROSE_SHARE_INVERSE >= raw => (clean_id, clean),
        _ => (raw_id, raw),
    };
    Some((refs.get(&id).copied()?, chars))
}

// ---------------------------------------------------------------------------------------------
// Walk

/// Walks the body root and returns its blocks. `title` is left out when the body repeats it.
pub(super) fn blocks(
    root: ElementRef<'_>,
    furniture: &Furniture,
    base: Option<&Url>,
    title: &str,
) -> Vec<Block> {
    let mut walker = Walker {
        base,
        furniture,
        title_key: collapse_whitespace(title).to_lowercase(),
        blocks: Vec::new(),
        inline: Inline::default(),
        depth: 0,
        prose_seen: false,
    };
    walker.walk_children(*root);
    walker.flush();
    walker.blocks
}

/// Inline content being gathered into the current paragraph.
#[derive(Default)]
struct Inline {
    html: String,
    text: String,
}

struct Walker<'u> {
    base: Option<&'u Url>,
    furniture: &'u Furniture,
    title_key: String,
    blocks: Vec<Block>,
    inline: Inline,
    /// Elements entered so far on the current path.
    depth: usize,
    /// A block of text has been kept: an `<h1>` from here on is not the headline.
    prose_seen: bool,
}

impl Walker<'_> {
    fn walk_children(&mut self, node: NodeRef<'_, Node>) {
        for child in node.children() {
            match child.value() {
                Node::Text(t) => {
                    self.inline.html.push_str(&escape_html(&t.text));
                    self.inline.text.push_str(&t.text);
                }
                Node::Element(_) => {
                    if let Some(el) = ElementRef::wrap(child) {
                        self.element(el);
                    }
                }
                _ => {}
            }
        }
    }

    fn element(&mut self, el: ElementRef<'_>) {
        if self.furniture.skipped(el) {
            return;
        }
        if self.depth >= MAX_DEPTH {
            let text = flat_text(el);
            self.inline.html.push_str(&escape_html(&text));
            self.inline.text.push_str(&text);
            return;
        }
        self.depth += 1;
        self.element_within_depth(el);
        self.depth -= 1;
    }

    fn element_within_depth(&mut self, el: ElementRef<'_>) {
        // Captions are not prose; a content column whose class happens to say so still is.
        if is_caption(el) && !self.furniture.holds_main(el) {
            self.images_only(el);
            return;
        }
        match el.value().name() {
            "p" => self.paragraph(el),
            "h1" | "h2" | "h3" | "h4" | "h5" | "h6" => self.heading(el),
            "ul" | "ol" => self.list(el),
            "blockquote" => self.quote(el),
            "figure" => self.figure(el),
            "pre" => self.pre(el),
            "tr" => self.table_row(el),
            "hr" => self.flush(),
            // A date standing alone between blocks is the dateline, metadata rather than prose.
            "time" => {}
            "img" => {
                if let Some(img) = image_html(el, self.base) {
                    self.inline.html.push_str(&img);
                }
            }
            name if is_inline(name) => {
                let (html, text) = inline_content(el, self.base, self.furniture);
                self.inline.html.push_str(&html);
                self.inline.text.push_str(&text);
            }
            // A box of links inside the body: teasers, tags, shop widgets.
            _ if self.furniture.link_heavy(el) => self.flush(),
            _ => {
                // A container (div, section, span-like unknowns): its boundaries end a paragraph.
                self.flush();
                self.walk_children(*el);
                self.flush();
            }
        }
    }

    /// Turns gathered inline content into a paragraph.
    fn flush(&mut self) {
        let inline = std::mem::take(&mut self.inline);
        let text = collapse_whitespace(&inline.text);
        if is_stray_label(&text) {
            // Loose words between blocks ("Advertisement", "Photo: …", "Share") are labels.
            if inline.html.contains("<img") {
                self.push(format!("<figure>{}</figure>", inline.html.trim()), None);
            }
            return;
        }
        if !text.is_empty() {
            self.push(format!("<p>{}</p>", inline.html.trim()), Some(text));
        } else if inline.html.contains("<img") {
            self.push(format!("<figure>{}</figure>", inline.html.trim()), None);
        }
    }

    fn push(&mut self, html: String, text: Option<String>) {
        // The headline repeated in the body, as a heading or a plain block, is not body text.
        if text
            .as_deref()
            .is_some_and(|t| !self.title_key.is_empty() && t.to_lowercase() == self.title_key)
        {
            return;
        }
        if text.as_deref().is_some_and(is_dateline) {
            return;
        }
        self.prose_seen |= text.is_some();
        self.blocks.push(Block { html, text });
    }

    fn paragraph(&mut self, el: ElementRef<'_>) {
        self.flush();
        if in_run_of_link_paragraphs(el) {
            return;
        }
        let (html, text) = inline_content(el, self.base, self.furniture);
        let text = collapse_whitespace(&text);
        if !text.is_empty() {
            self.push(format!("<p>{}</p>", html.trim()), Some(text));
        } else if html.contains("<img") {
            self.push(format!("<figure>{}</figure>", html.trim()), None);
        }
    }

    fn heading(&mut self, el: ElementRef<'_>) {
        self.flush();
        let (html, text) = inline_content(el, self.base, self.furniture);
        let text = collapse_whitespace(&text);
        if text.is_empty() || text.to_lowercase() == self.title_key {
            return;
        }
        // An `<h1>` before any prose is the page's headline, however it is worded beside the
        // metadata's title.
        if el.value().name() == "h1" && !self.prose_seen {
            return;
        }
        let level = match el.value().name() {
            "h1" | "h2" => "h2",
            "h3" => "h3",
            _ => "h4",
        };
        self.push(format!("<{level}>{}</{level}>", html.trim()), Some(text));
    }

    /// A list, unless every item is just a link: that is a "related stories" list.
    fn list(&mut self, el: ElementRef<'_>) {
        self.flush();
        let items: Vec<ElementRef<'_>> = el
            .child_elements()
            .filter(|c| c.value().name() == "li" && !self.furniture.skipped(*c))
            .collect();
        let all_links = items.len() >= 2 && items.iter().all(|li| is_link_only(*li));
        if items.is_empty() || all_links {
            return;
        }
        let tag = el.value().name();
        let mut html = format!("<{tag}>");
        let mut texts = Vec::new();
        for li in items {
            let (item_html, item_text) = inline_content(li, self.base, self.furniture);
            let item_text = collapse_whitespace(&item_text);
            if item_text.is_empty() {
                continue;
            }
            html.push_str(&format!("<li>{}</li>", item_html.trim()));
            texts.push(item_text);
        }
        html.push_str(&format!("</{tag}>"));
        if texts.is_empty() {
            return;
        }
        // In plain text each item is a paragraph of its own.
        let last = texts.len() - 1;
        for (i, text) in texts.into_iter().enumerate() {
            let block_html = if i == last {
                std::mem::take(&mut html)
            } else {
                String::new()
            };
            self.push(block_html, Some(text));
        }
    }

    fn quote(&mut self, el: ElementRef<'_>) {
        self.flush();
        let mut inner = Walker {
            base: self.base,
            furniture: self.furniture,
            title_key: String::new(),
            blocks: Vec::new(),
            inline: Inline::default(),
            depth: self.depth,
            prose_seen: true,
        };
        inner.walk_children(*el);
        inner.flush();
        if inner.blocks.is_empty() {
            return;
        }
        let html: String = inner.blocks.iter().map(|b| b.html.as_str()).collect();
        let mut blocks = inner.blocks;
        for b in &mut blocks {
            b.html.clear();
        }
        if let Some(first) = blocks.first_mut() {
            first.html = format!("<blockquote>{html}</blockquote>");
        }
        self.blocks.extend(blocks);
    }

    /// The images under `el`, as HTML.
    fn images(&self, el: ElementRef<'_>) -> String {
        el.select(&IMG)
            .filter_map(|img| image_html(img, self.base))
            .collect()
    }

    /// The images of an element whose text is a caption or credit, without its text.
    fn images_only(&mut self, el: ElementRef<'_>) {
        self.flush();
        let images = self.images(el);
        if !images.is_empty() {
            self.push(format!("<figure>{images}</figure>"), None);
        }
    }

    /// Images with their caption; captions are not prose, so they stay out of the text.
    fn figure(&mut self, el: ElementRef<'_>) {
        self.flush();
        let images = self.images(el);
        if images.is_empty() {
            return;
        }
        let caption = el
            .child_elements()
            .find(|c| c.value().name() == "figcaption")
            .map(|c| inline_content(c, self.base, self.furniture).0)
            .filter(|h| !h.trim().is_empty())
            .map(|h| format!("<figcaption>{}</figcaption>", h.trim()))
            .unwrap_or_default();
        self.push(format!("<figure>{images}{caption}</figure>"), None);
    }

    /// A data-table row is one paragraph of its cells' text (tables of results and figures
    /// are part of the article); a layout-table row holding blocks is walked as a container.
    fn table_row(&mut self, el: ElementRef<'_>) {
        self.flush();
        let holds_blocks = el
            .descendent_elements()
            .any(|d| is_block_name(d.value().name()) || d.value().name() == "table");
        if holds_blocks {
            self.walk_children(*el);
            self.flush();
            return;
        }
        let mut cells_html = Vec::new();
        let mut cells_text = Vec::new();
        for cell in el
            .child_elements()
            .filter(|c| matches!(c.value().name(), "td" | "th") && !self.furniture.skipped(*c))
        {
            let (html, text) = inline_content(cell, self.base, self.furniture);
            let text = collapse_whitespace(&text);
            if !text.is_empty() {
                cells_html.push(html.trim().to_string());
                cells_text.push(text);
            }
        }
        if !cells_text.is_empty() {
            self.push(
                format!("<p>{}</p>", cells_html.join(" ")),
                Some(cells_text.join(" ")),
            );
        }
    }

    fn pre(&mut self, el: ElementRef<'_>) {
        self.flush();
        let raw: String = el.text().collect();
        let text = collapse_whitespace(&raw);
        if !text.is_empty() {
            self.push(
                format!("<pre>{}</pre>", escape_html(raw.trim_matches('\n'))),
                Some(text),
            );
        }
    }
}

/// The text under `el` without walking it recursively, leaving out code and styles.
fn flat_text(el: ElementRef<'_>) -> String {
    el.descendants()
        .filter_map(|n| {
            let parent = n.parent().and_then(ElementRef::wrap)?;
            let code = matches!(
                parent.value().name(),
                "script" | "style" | "noscript" | "template"
            );
            match n.value() {
                Node::Text(t) if !code => Some(t.text.to_string()),
                _ => None,
            }
        })
        .collect()
}

/// A short "Published 4:00 am, November 20, 2019" / "Updated: …" line: page metadata, not prose.
fn is_dateline(text: &str) -> bool {
    text.split_whitespace().count() <= MAX_DATELINE_WORDS && DATELINE.is_match(text)
}

/// Text outside any paragraph that is too short to be prose: a few words without a full stop.
fn is_stray_label(text: &str) -> bool {
    let words = text.split_whitespace().count();
    !text.is_empty()
        && words < STRAY_LABEL_WORDS
        && !text.split_whitespace().last().is_some_and(ends_sentence)
}

/// Phrasing elements: kept inside the paragraph they appear in.
fn is_inline(name: &str) -> bool {
    matches!(
        name,
        "a" | "em"
            | "i"
            | "strong"
            | "b"
            | "span"
            | "code"
            | "sub"
            | "sup"
            | "small"
            | "mark"
            | "abbr"
            | "time"
            | "cite"
            | "q"
            | "u"
            | "s"
            | "del"
            | "ins"
            | "br"
            | "font"
            | "kbd"
            | "var"
            | "bdi"
            | "bdo"
            | "wbr"
            | "data"
            | "dfn"
            | "samp"
    )
}

/// The HTML and text of phrasing content: links made absolute, emphasis kept, anything else
/// unwrapped to its text.
fn inline_content(
    el: ElementRef<'_>,
    base: Option<&Url>,
    furniture: &Furniture,
) -> (String, String) {
    let mut html = String::new();
    let mut text = String::new();
    inline_into(*el, base, furniture, &mut html, &mut text, 0);
    (html, text)
}

fn inline_into(
    node: NodeRef<'_, Node>,
    base: Option<&Url>,
    furniture: &Furniture,
    html: &mut String,
    text: &mut String,
    depth: usize,
) {
    if depth >= MAX_DEPTH {
        let flat = ElementRef::wrap(node).map(flat_text).unwrap_or_default();
        html.push_str(&escape_html(&flat));
        text.push_str(&flat);
        return;
    }
    for child in node.children() {
        match child.value() {
            Node::Text(t) => {
                html.push_str(&escape_html(&t.text));
                text.push_str(&t.text);
            }
            Node::Element(e) => {
                let Some(el) = ElementRef::wrap(child) else {
                    continue;
                };
                if furniture.skipped(el) {
                    continue;
                }
                let (open, close) = inline_tags(el, base);
                html.push_str(&open);
                match e.name() {
                    "br" => text.push(' '),
                    "img" => {}
                    _ => inline_into(child, base, furniture, html, text, depth + 1),
                }
                html.push_str(&close);
                if is_block_name(e.name()) {
                    text.push(' ');
                }
            }
            _ => {}
        }
    }
}

/// Block elements found inside phrasing content still separate words.
fn is_block_name(name: &str) -> bool {
    matches!(
        name,
        "p" | "div"
            | "li"
            | "ul"
            | "ol"
            | "blockquote"
            | "h1"
            | "h2"
            | "h3"
            | "h4"
            | "h5"
            | "h6"
            | "section"
    )
}

/// Opening and closing markup kept for one inline element.
fn inline_tags(el: ElementRef<'_>, base: Option<&Url>) -> (String, String) {
    let pair = |tag: &str| (format!("<{tag}>"), format!("</{tag}>"));
    match el.value().name() {
        "a" => match el.attr("href").and_then(|h| absolute_url(h, base)) {
            Some(href) => (
                format!("<a href=\"{}\">", escape_html(&href)),
                "</a>".into(),
            ),
            None => (String::new(), String::new()),
        },
        "em" | "i" | "cite" => pair("em"),
        "strong" | "b" => pair("strong"),
        "code" | "kbd" | "samp" => pair("code"),
        "sub" => pair("sub"),
        "sup" => pair("sup"),
        "br" => ("<br>".into(), String::new()),
        "img" => (image_html(el, base).unwrap_or_default(), String::new()),
        _ => (String::new(), String::new()),
    }
}

/// An `<img>` with an absolute http(s) source (lazy-loading `data-src` preferred over a
/// placeholder), or `None` for tracking pixels and inline data.
fn image_html(el: ElementRef<'_>, base: Option<&Url>) -> Option<String> {
    let e = el.value();
    let src = ["data-src", "data-lazy-src", "data-original", "src"]
        .iter()
        .filter_map(|a| e.attr(a))
        .find(|s| !s.trim().is_empty() && !s.trim_start().starts_with("data:"))?;
    let src = absolute_url(src, base)?;
    let tiny = |a: &str| {
        e.attr(a)
            .is_some_and(|v| v.trim() == "1" || v.trim() == "0")
    };
    if tiny("width") || tiny("height") {
        return None;
    }
    let alt = e.attr("alt").map(collapse_whitespace).unwrap_or_default();
    Some(format!(
        "<img src=\"{}\" alt=\"{}\">",
        escape_html(&src),
        escape_html(&alt)
    ))
}

/// `href` resolved against `base`; only http(s) and mailto survive.
pub(super) fn absolute_url(href: &str, base: Option<&Url>) -> Option<String> {
    let href = href.trim();
    if href.is_empty() || href.starts_with('#') {
        return None;
    }
    let url = match base {
        Some(b) => b.join(href).ok()?,
        None => Url::parse(href).ok()?,
    };
    matches!(url.scheme(), "http" | "https" | "mailto").then(|| url.to_string())
}

/// True when `p` is all one link and so is the paragraph before or after it: a run of
/// headlines linking elsewhere, the paragraph form of a related-stories list.
fn in_run_of_link_paragraphs(p: ElementRef<'_>) -> bool {
    let link_paragraph =
        |e: Option<ElementRef<'_>>| e.is_some_and(|e| e.value().name() == "p" && is_link_only(e));
    link_paragraph(Some(p))
        && (link_paragraph(nearest_element(p.next_siblings()))
            || link_paragraph(nearest_element(p.prev_siblings())))
}

/// The nearest element among `siblings`, unless non-blank text comes first.
fn nearest_element<'a>(
    mut siblings: impl Iterator<Item = NodeRef<'a, Node>>,
) -> Option<ElementRef<'a>> {
    siblings
        .find_map(|n| match n.value() {
            Node::Element(_) => Some(ElementRef::wrap(n)),
            Node::Text(t) if !t.text.trim().is_empty() => Some(None),
            _ => None,
        })
        .flatten()
}

/// True when an element's text is all inside one link.
fn is_link_only(el: ElementRef<'_>) -> bool {
    let text = collapse_whitespace(&el.text().collect::<String>());
    let link_text: String = el
        .descendent_elements()
        .filter(|d| d.value().name() == "a")
        .map(|a| a.text().collect::<String>())
        .collect::<Vec<_>>()
        .join(" ");
    !text.is_empty() && collapse_whitespace(&link_text).len() >= text.len()
}

// ---------------------------------------------------------------------------------------------
// Fallbacks from the body

/// A `<time datetime>` in the body, for pages that declare no date in their metadata.
pub(super) fn body_time(root: ElementRef<'_>) -> Option<String> {
    root.select(&TIME)
        .find_map(|t| t.attr("datetime"))
        .map(str::to_string)
}

/// Elements that show when a page was published, most specific first.
static DATELINE_ELEMENTS: Lazy<Vec<Selector>> = Lazy::new(|| {
    [
        "time",
        "[class*=dateline]",
        "[class*=publish]",
        "[class*=timestamp]",
        "[class*=date]",
        "[class*=byline]",
    ]
    .iter()
    .map(|css| selector(css))
    .collect()
});
/// Elements of each kind looked at: datelines sit near the top.
const DATELINE_CANDIDATES: usize = 4;

/// The date a page shows as its dateline ("Published 17 March 2026", "Mar 17, 2026 | 09:00"),
/// for pages whose markup declares none. Only full dates (with a year) count, and lines about
/// an update are skipped: they date the revision, not the article.
pub(super) fn dateline(doc: &Html) -> Option<chrono::NaiveDate> {
    for sel in DATELINE_ELEMENTS.iter() {
        for el in doc.select(sel).take(DATELINE_CANDIDATES) {
            let text = collapse_whitespace(&el.text().collect::<String>());
            if text.split_whitespace().count() > MAX_DATELINE_WORDS {
                continue;
            }
            let lower = text.to_lowercase();
            if ["updated", "modified", "edited"]
                .iter()
                .any(|w| lower.contains(w))
            {
                continue;
            }
            if let Some((m, _)) = crate::dates::find_date(&text, None, 200)
                && m.had_year
            {
                return Some(m.date);
            }
        }
    }
    None
}

/// Author names from the page's byline element, for pages whose metadata names none.
pub(super) fn byline_authors(doc: &Html) -> Vec<String> {
    for sel in BYLINE.iter() {
        for el in doc.select(sel) {
            let text = collapse_whitespace(&el.text().collect::<String>());
            let words = text.split_whitespace().count();
            if words == 0 || words > MAX_BYLINE_WORDS {
                continue;
            }
            let authors = parse_authors(strip_by(&text));
            if !authors.is_empty() {
                return authors;
            }
        }
    }
    Vec::new()
}

/// The first `<h1>` of the page, the headline of pages without metadata.
pub(super) fn first_h1(doc: &Html) -> Option<String> {
    doc.select(&H1)
        .map(|h| collapse_whitespace(&h.text().collect::<String>()))
        .find(|t| !t.is_empty())
}

/// Images in a body with too little text to be an article that make it a gallery.
const GALLERY_IMAGES: usize = 4;

/// What a page without enough body text is instead: behind a paywall (its markup says the
/// article is not free to read), a photo gallery (images, few words), or simply without an
/// article body.
pub(super) fn describe(meta: &Metadata, root: ElementRef<'_>) -> String {
    if meta.paywalled {
        return "the article is behind a paywall (the page marks it as not free to read)".into();
    }
    let images = root.select(&IMG).count();
    if images >= GALLERY_IMAGES {
        return format!("looks like a photo gallery ({images} images)");
    }
    if meta.declares_article {
        "the page declares an article but its body holds too little text".into()
    } else {
        "no article body".into()
    }
}

/// Titles of error pages: "404 Not Found", "Error 404", "500 Internal Server Error", "Page not
/// found", "This page does not exist"; a bare "Not Found" or "Access denied". Strict, since a
/// headline may well start with "500" or "Forbidden".
static ERROR_TITLE: Lazy<Regex> = Lazy::new(|| {
    re(concat!(
        r"(?i)^\W*(?:",
        r"error\s*[45]\d\d\b",
        r"|[45]\d\d\W*(?:error|not\s+found|forbidden|gone|bad\s+request|unauthorized|internal|service|page)\b",
        r"|(?:this\s+)?(?:page|file|article|story|content)\s+(?:was\s+)?(?:not\s+found|(?:does\s*n[o']t|no\s+longer)\s+exists?|(?:is\s+)?no\s+longer\s+available|could\s+not\s+be\s+found)",
        r"|(?:not\s+found|access\s+denied|forbidden|server\s+error|service\s+unavailable)\W*$",
        r")"
    ))
});

/// The page is an error page ("Page not found" as its title or first heading), whatever text
/// it also carries (search boxes, lists of popular articles): its title, quoted. Pages that
/// declare an article in their metadata are taken at their word.
pub(super) fn error_page(meta: &Metadata, doc: &Html) -> Option<String> {
    if meta.declares_article {
        return None;
    }
    let head_title = meta
        .document_title
        .as_deref()
        .map(|t| super::split_title(t).0);
    [head_title, first_h1(doc).as_deref()]
        .into_iter()
        .flatten()
        .find(|t| ERROR_TITLE.is_match(t))
        .map(str::to_owned)
}
