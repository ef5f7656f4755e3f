//! The feed state machine: XML tokens in, a feedparser-shaped [`Document`] out.
//!
//! The rules (which element fills which key, how RSS `guid` becomes a link, when `description`
//! is really the content, how `xml:base` and `xml:lang` scope, how Atom text constructs are typed
//! and when embedded markup is sanitized) follow Python feedparser, the de-facto reference whose
//! conformance suite we measure against, so that results are comparable key for key. Content
//! HTML goes through tidings' allow-list sanitizer, not feedparser's.

use crate::dates;
use crate::urls::{join, make_safe_absolute_uri};
use crate::xml::{Token, Tokenizer};
use crate::{Dict, Document};
use rustc_hash::FxHashMap;
use serde_json::{Value, json};
use std::borrow::Cow;
use std::collections::HashMap;
use std::rc::Rc;
use std::sync::LazyLock;

/// Deeper nesting than this is ignored (and flagged): bounds work on hostile input.
const MAX_DEPTH: usize = 256;
/// Per-context cap on repeated collections (tags, links, authors…).
const MAX_ITEMS: usize = 10_000;

/// Namespace URIs (lower case) and the prefix feedparser names their elements with.
fn known_prefix(uri: &str) -> Option<&'static str> {
    Some(match uri {
        ""
        | "http://backend.userland.com/rss"
        | "http://blogs.law.harvard.edu/tech/rss"
        | "http://purl.org/rss/1.0/"
        | "http://my.netscape.com/rdf/simple/0.9/"
        | "http://example.com/newformat#"
        | "http://example.com/necho"
        | "http://purl.org/echo/"
        | "uri/of/echo/namespace#"
        | "http://purl.org/pie/"
        | "http://purl.org/atom/ns#"
        | "http://www.w3.org/2005/atom"
        | "http://purl.org/rss/1.0/modules/rss091#" => "",
        "http://webns.net/mvcb/" => "admin",
        "http://purl.org/rss/1.0/modules/aggregation/" => "ag",
        "http://purl.org/rss/1.0/modules/annotate/" => "annotate",
        "http://media.tangent.org/rss/1.0/" => "audio",
        "http://backend.userland.com/blogchannelmodule" => "blogChannel",
        "http://creativecommons.org/ns#license" | "http://web.resource.org/cc/" => "cc",
        "http://cyber.law.harvard.edu/rss/creativecommonsrssmodule.html"
        | "http://backend.userland.com/creativecommonsrssmodule" => "creativeCommons",
        "http://purl.org/rss/1.0/modules/company" => "co",
        "http://purl.org/rss/1.0/modules/content/" => "content",
        "http://my.theinfo.org/changed/1.0/rss/" => "cp",
        "http://purl.org/dc/elements/1.1/" => "dc",
        "http://purl.org/dc/terms/" => "dcterms",
        "http://purl.org/rss/1.0/modules/email/" => "email",
        "http://purl.org/rss/1.0/modules/event/" => "ev",
        "http://rssnamespace.org/feedburner/ext/1.0" => "feedburner",
        "http://freshmeat.net/rss/fm/" => "fm",
        "http://xmlns.com/foaf/0.1/" => "foaf",
        "http://www.w3.org/2003/01/geo/wgs84_pos#" => "geo",
        "http://www.georss.org/georss" => "georss",
        "http://www.opengis.net/gml" => "gml",
        "http://postneo.com/icbm/" => "icbm",
        "http://purl.org/rss/1.0/modules/image/" => "image",
        "http://www.itunes.com/dtds/podcast-1.0.dtd"
        | "http://example.com/dtds/podcast-1.0.dtd" => "itunes",
        "http://purl.org/rss/1.0/modules/link/" => "l",
        "http://search.yahoo.com/mrss" | "http://search.yahoo.com/mrss/" => "media",
        "http://madskills.com/public/xml/rss/module/pingback/" => "pingback",
        "http://prismstandard.org/namespaces/1.2/basic/" => "prism",
        "http://www.w3.org/1999/02/22-rdf-syntax-ns#" => "rdf",
        "http://www.w3.org/2000/01/rdf-schema#" => "rdfs",
        "http://purl.org/rss/1.0/modules/reference/" => "ref",
        "http://purl.org/rss/1.0/modules/richequiv/" => "reqv",
        "http://purl.org/rss/1.0/modules/search/" => "search",
        "http://purl.org/rss/1.0/modules/slash/" => "slash",
        "http://schemas.xmlsoap.org/soap/envelope/" => "soap",
        "http://purl.org/rss/1.0/modules/servicestatus/" => "ss",
        "http://hacks.benhammersley.com/rss/streaming/" => "str",
        "http://purl.org/rss/1.0/modules/subscription/" => "sub",
        "http://purl.org/rss/1.0/modules/syndication/" => "sy",
        "http://schemas.pocketsoap.com/rss/mydescmodule/" => "szf",
        "http://purl.org/rss/1.0/modules/taxonomy/" => "taxo",
        "http://purl.org/rss/1.0/modules/threading/" | "http://purl.org/syndication/thread/1.0" => {
            "thr"
        }
        "http://purl.org/rss/1.0/modules/textinput/" => "ti",
        "http://madskills.com/public/xml/rss/module/trackback/" => "trackback",
        "http://wellformedweb.org/commentapi/" => "wfw",
        "http://purl.org/rss/1.0/modules/wiki/" => "wiki",
        "http://www.w3.org/1999/xhtml" => "xhtml",
        "http://www.w3.org/1999/xlink" => "xlink",
        "http://www.w3.org/xml/1998/namespace" => "xml",
        "http://podlove.org/simple-chapters" => "psc",
        _ => return None,
    })
}

const HTML_TYPES: [&str; 2] = ["application/xhtml+xml", "text/html"];
const CAN_BE_RELATIVE_URI: &[&str] = &[
    "comments",
    "docs",
    "href",
    "icon",
    "id",
    "link",
    "logo",
    "url",
    "wfw_comment",
    "wfw_commentrss",
];
const CAN_CONTAIN_MARKUP: &[&str] = &[
    "content",
    "copyright",
    "description",
    "info",
    "rights",
    "subtitle",
    "summary",
    "tagline",
    "title",
];

/// Elements a text/plain value may contain and still be taken for HTML.
const HTML_ELEMENTS: &[&str] = &[
    "a",
    "abbr",
    "acronym",
    "address",
    "area",
    "article",
    "aside",
    "audio",
    "b",
    "big",
    "blockquote",
    "br",
    "button",
    "canvas",
    "caption",
    "center",
    "cite",
    "code",
    "col",
    "colgroup",
    "command",
    "datagrid",
    "datalist",
    "dd",
    "del",
    "details",
    "dfn",
    "dialog",
    "dir",
    "div",
    "dl",
    "dt",
    "em",
    "event-source",
    "fieldset",
    "figcaption",
    "figure",
    "font",
    "footer",
    "form",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "header",
    "hr",
    "i",
    "img",
    "input",
    "ins",
    "kbd",
    "keygen",
    "label",
    "legend",
    "li",
    "m",
    "map",
    "menu",
    "meter",
    "multicol",
    "nav",
    "nextid",
    "noscript",
    "ol",
    "optgroup",
    "option",
    "output",
    "p",
    "pre",
    "progress",
    "q",
    "s",
    "samp",
    "section",
    "select",
    "small",
    "sound",
    "source",
    "spacer",
    "span",
    "strike",
    "strong",
    "sub",
    "sup",
    "table",
    "tbody",
    "td",
    "textarea",
    "tfoot",
    "th",
    "thead",
    "time",
    "tr",
    "tt",
    "u",
    "ul",
    "var",
    "video",
];

fn map_content_type(t: &str) -> Cow<'_, str> {
    let t = if t.bytes().any(|c| c.is_ascii_uppercase() || !c.is_ascii()) {
        Cow::Owned(lowercase(t))
    } else {
        Cow::Borrowed(t)
    };
    match &*t {
        "text" | "plain" => "text/plain".into(),
        "html" => "text/html".into(),
        "xhtml" => "application/xhtml+xml".into(),
        _ => t,
    }
}

/// `{key}_detail`, without formatting for the keys that have one most of the time.
fn detail_key(key: &str) -> String {
    match key {
        "title" => "title_detail".into(),
        "summary" => "summary_detail".into(),
        "subtitle" => "subtitle_detail".into(),
        "rights" => "rights_detail".into(),
        "info" => "info_detail".into(),
        "author" => "author_detail".into(),
        "publisher" => "publisher_detail".into(),
        _ => format!("{key}_detail"),
    }
}

#[derive(Debug, Clone, Default)]
struct ContentParams {
    ty: Option<String>,
    language: Option<String>,
    base: String,
    base64: bool,
    src: Option<String>,
}

impl ContentParams {
    fn ty_or<'s>(&'s self, default: &'s str) -> &'s str {
        self.ty.as_deref().unwrap_or(default)
    }
    fn detail(&self, value: &str) -> Value {
        let text = |s: &str| Value::String(s.to_owned());
        let mut d = Dict::new();
        d.insert("type".into(), text(self.ty.as_deref().unwrap_or_default()));
        d.insert(
            "language".into(),
            self.language.as_deref().map_or(Value::Null, text),
        );
        d.insert("base".into(), text(&self.base));
        if let Some(src) = &self.src {
            d.insert("src".into(), text(src));
        }
        d.insert("value".into(), text(value));
        Value::Object(d)
    }
}

/// An element name on the parser's stack: most are the handlers' literals, the rest shared
/// with the name cache, so pushing one does not allocate.
#[derive(Clone)]
enum Name {
    Static(&'static str),
    Shared(Rc<str>),
}

impl std::ops::Deref for Name {
    type Target = str;
    fn deref(&self) -> &str {
        match self {
            Name::Static(s) => s,
            Name::Shared(s) => s,
        }
    }
}

impl From<&'static str> for Name {
    fn from(s: &'static str) -> Self {
        Name::Static(s)
    }
}

impl From<Rc<str>> for Name {
    fn from(s: Rc<str>) -> Self {
        Name::Shared(s)
    }
}

struct Elem<'a> {
    name: Name,
    expecting_text: bool,
    pieces: Vec<Cow<'a, str>>,
}

#[derive(Clone, Copy, PartialEq)]
enum Ctx {
    Source,
    Image,
    TextInput,
    Entry,
    Feed,
}

struct Parser<'a> {
    feed: Dict,
    entries: Vec<Dict>,
    source: Dict,
    version: String,
    stack: Vec<Elem<'a>>,
    cp: ContentParams,
    incontent: u32,
    infeed: bool,
    inentry: bool,
    insource: bool,
    inimage: bool,
    intextinput: bool,
    inauthor: bool,
    incontributor: bool,
    inpublisher: bool,
    has_content: bool,
    summary_key: Option<&'static str>,
    guidislink: bool,
    title_depth: i64,
    depth: i64,
    /// Shared (`Rc`) because every element saves its parent's base and language and restores
    /// them at its end: a pointer copy instead of a string copy per element.
    baseuri: Rc<str>,
    lang: Option<Rc<str>>,
    basestack: Vec<Rc<str>>,
    /// The last base resolution: (parent base, `xml:base` or parent base, result).
    base_memo: Option<(Rc<str>, String, Rc<str>)>,
    langstack: Vec<Option<Rc<str>>>,
    namespaces_in_use: HashMap<String, String>,
    svg_ok: u32,
    property_depth: HashMap<String, i64>,
    encoding: String,
    errors: Vec<String>,
}

/// Parses decoded XML text into `doc` (which carries encoding, bozo and HTTP metadata already).
pub fn parse_xml(text: &str, base: &str, lang: Option<&str>, doc: &mut Document) {
    let mut p = Parser {
        feed: Dict::new(),
        entries: Vec::new(),
        source: Dict::new(),
        version: String::new(),
        stack: Vec::new(),
        cp: ContentParams::default(),
        incontent: 0,
        infeed: false,
        inentry: false,
        insource: false,
        inimage: false,
        intextinput: false,
        inauthor: false,
        incontributor: false,
        inpublisher: false,
        has_content: false,
        summary_key: None,
        guidislink: false,
        title_depth: -1,
        depth: 0,
        baseuri: Rc::from(base),
        lang: lang.map(Rc::from),
        basestack: Vec::new(),
        base_memo: None,
        langstack: Vec::new(),
        namespaces_in_use: HashMap::new(),
        svg_ok: 0,
        property_depth: HashMap::new(),
        encoding: doc.encoding.clone(),
        errors: Vec::new(),
    };
    let mut tok = Tokenizer::new(text);
    // Open elements: (qname, mapped tag, namespace declarations made here).
    let mut open: Vec<OpenElement> = Vec::new();
    let mut scopes: Scopes = HashMap::new();
    let mut names = NameCache::default();
    let mut root_closed = false;
    let mut saw_element = false;
    while let Some(t) = tok.next_token() {
        if tok.netscape_doctype && p.version.is_empty() {
            p.version = "rss091n".into();
        }
        match t {
            Token::Text(s) => {
                if open.is_empty() {
                    if !s.trim().is_empty() {
                        p.errors.push("text outside the root element".into());
                    }
                    continue;
                }
                p.handle_data(s, true);
            }
            Token::Start { name, attrs, empty } => {
                if root_closed {
                    p.errors.push("element after the root element".into());
                }
                saw_element = true;
                if open.len() >= MAX_DEPTH {
                    if p.errors.len() < 32 {
                        p.errors.push("elements nested too deeply; ignored".into());
                    }
                    continue;
                }
                // Namespace declarations.
                let is_xmlns = |k: &str| k == "xmlns" || k.starts_with("xmlns:");
                let mut declared = Vec::new();
                for (k, v) in attrs.iter().filter(|(k, _)| is_xmlns(k)) {
                    let prefix = k.strip_prefix("xmlns:").map(str::to_owned);
                    declared.push((prefix.clone(), scopes.get(&prefix).cloned()));
                    if !v.is_empty() {
                        p.track_namespace(prefix.as_deref(), v);
                    }
                    scopes.insert(prefix, v.to_string());
                }
                if !declared.is_empty() {
                    names.clear();
                }
                let mapped = names.element(name, &scopes);
                if mapped.undeclared {
                    p.errors
                        .push(format!("undeclared namespace prefix in <{name}>"));
                }
                // Same element size: collected in place, in the tokenizer's allocation.
                let out_attrs: Vec<Attr<'_>> = attrs
                    .into_iter()
                    .filter(|(k, _)| !is_xmlns(k))
                    .map(|(k, v)| (names.attribute(k, &scopes), v))
                    .collect();
                p.unknown_starttag(&mapped.tag, &mapped.method, out_attrs);
                open.push((name, mapped, declared));
                if empty && let Some((_, mapped, declared)) = open.pop() {
                    p.unknown_endtag(&mapped.tag, &mapped.method);
                    if !declared.is_empty() {
                        names.clear();
                    }
                    restore(&mut scopes, declared);
                    if open.is_empty() {
                        root_closed = true;
                    }
                }
            }
            Token::End { name } => {
                let Some(pos) = open.iter().rposition(|(q, _, _)| *q == name) else {
                    p.errors.push(format!("unexpected end tag </{name}>"));
                    continue;
                };
                if pos != open.len() - 1 {
                    p.errors.push(format!("mismatched end tag </{name}>"));
                }
                while open.len() > pos {
                    let Some((_, mapped, declared)) = open.pop() else {
                        break;
                    };
                    p.unknown_endtag(&mapped.tag, &mapped.method);
                    if !declared.is_empty() {
                        names.clear();
                    }
                    restore(&mut scopes, declared);
                }
                if open.is_empty() {
                    root_closed = true;
                }
            }
        }
    }
    if !open.is_empty() {
        p.errors.push("document ended inside an element".into());
        while let Some((_, mapped, _)) = open.pop() {
            p.unknown_endtag(&mapped.tag, &mapped.method);
        }
    }
    if !saw_element {
        p.errors.push("no elements found".into());
    }
    let mut errors = tok.errors;
    errors.extend(p.errors);
    if let Some(first) = errors.first()
        && !doc.bozo
    {
        doc.bozo = true;
        doc.bozo_exception = Some(("SAXParseException".into(), first.clone()));
    }
    let mut namespaces = Dict::new();
    for (k, v) in &p.namespaces_in_use {
        namespaces.insert(k.clone(), json!(v));
    }
    doc.namespaces = namespaces;
    doc.version = p.version;
    doc.feed = p.feed;
    doc.entries = p.entries;
}

/// A namespace prefix declared on an element and the URI it shadowed.
type Declared = Vec<(Option<String>, Option<String>)>;
/// An open element: its qualified name, what it maps to, and its declarations.
type OpenElement<'a> = (&'a str, Rc<ElementName>, Declared);
/// An attribute: feedparser's name for it (lower case, known namespaces prefixed) and its value.
type Attr<'a> = (Rc<str>, Cow<'a, str>);
/// Namespace prefix → URI, as declared by the open elements.
type Scopes = HashMap<Option<String>, String>;

/// What an element's qualified name maps to under the namespace declarations in scope.
struct ElementName {
    /// feedparser's tag name: `title`, `dc:creator`.
    tag: Rc<str>,
    /// The handler name: `title`, `dc_creator`.
    method: Rc<str>,
    /// The name has a prefix no open element declares.
    undeclared: bool,
}

/// Element and attribute names already mapped, by qualified name. A document uses a few dozen
/// names thousands of times, and mapping one (namespace lookup, lower-casing, prefixing) costs
/// several allocations; the answers hold until a namespace declaration comes into or goes out
/// of scope, when the cache is cleared.
#[derive(Default)]
struct NameCache<'a> {
    elements: FxHashMap<&'a str, Rc<ElementName>>,
    attributes: FxHashMap<&'a str, Rc<str>>,
}

impl<'a> NameCache<'a> {
    fn clear(&mut self) {
        self.elements.clear();
        self.attributes.clear();
    }

    fn element(&mut self, name: &'a str, scopes: &Scopes) -> Rc<ElementName> {
        if let Some(m) = self.elements.get(name) {
            return m.clone();
        }
        let m = Rc::new(map_element(name, scopes));
        if self.elements.len() < 1024 {
            self.elements.insert(name, m.clone());
        }
        m
    }

    fn attribute(&mut self, name: &'a str, scopes: &Scopes) -> Rc<str> {
        if let Some(m) = self.attributes.get(name) {
            return m.clone();
        }
        let m: Rc<str> = Rc::from(map_attribute(name, scopes));
        if self.attributes.len() < 1024 {
            self.attributes.insert(name, m.clone());
        }
        m
    }
}

/// feedparser's tag and handler names for the element `name`.
fn map_element(name: &str, scopes: &Scopes) -> ElementName {
    let (given, local) = match name.split_once(':') {
        Some((pfx, l)) => (Some(pfx.to_string()), l),
        None => (None, name),
    };
    let mut undeclared = false;
    let uri = if given.as_deref() == Some("xml") {
        "http://www.w3.org/XML/1998/namespace".to_string()
    } else {
        match scopes.get(&given) {
            Some(u) => u.clone(),
            None => {
                undeclared = given.is_some();
                String::new()
            }
        }
    };
    let mut lower = lowercase(&uri);
    if lower.contains("backend.userland.com/rss") {
        lower = "http://backend.userland.com/rss".into();
    }
    let prefix: Option<String> = match known_prefix(&lower) {
        Some(pfx) => Some(pfx.to_string()),
        None => given.clone(),
    };
    let mut tag = lowercase(local);
    if let Some(pfx) = prefix.as_deref().filter(|x| !x.is_empty()) {
        tag = format!("{}:{}", lowercase(pfx), tag);
    }
    let method = match tag.split_once(':') {
        Some((prefix, suffix)) if !prefix.is_empty() => format!("{prefix}_{suffix}"),
        Some((_, suffix)) => suffix.to_string(),
        None => tag.clone(),
    };
    ElementName {
        tag: Rc::from(tag),
        method: Rc::from(method),
        undeclared,
    }
}

/// feedparser's name for the attribute `k`.
fn map_attribute(k: &str, scopes: &Scopes) -> String {
    let key = match k.split_once(':') {
        Some((ap, al)) => {
            let auri = if ap == "xml" {
                "http://www.w3.org/xml/1998/namespace".to_string()
            } else {
                scopes
                    .get(&Some(ap.to_string()))
                    .map(|u| lowercase(u))
                    .unwrap_or_default()
            };
            match known_prefix(&auri).filter(|x| !x.is_empty()) {
                Some(kp) => format!("{kp}:{al}"),
                None if auri.is_empty() => k.to_string(),
                None => al.to_string(),
            }
        }
        None => k.to_string(),
    };
    lowercase(&key)
}

/// `name.split_once(':')` for the short names of elements: every start and end tag asks, and
/// the general character searcher's set-up cost more than the search.
fn split_prefix(name: &str) -> Option<(&str, &str)> {
    let colon = name.bytes().position(|b| b == b':')?;
    Some((&name[..colon], &name[colon + 1..]))
}

fn restore(scopes: &mut Scopes, declared: Declared) {
    for (prefix, old) in declared.into_iter().rev() {
        match old {
            Some(o) => scopes.insert(prefix, o),
            None => scopes.remove(&prefix),
        };
    }
}

/// `str::to_lowercase`, with the usual all-ASCII case done without Unicode tables.
fn lowercase(s: &str) -> String {
    if s.is_ascii() {
        s.to_ascii_lowercase()
    } else {
        s.to_lowercase()
    }
}

/// The value at `key`, inserted by `init` when absent. Unlike `Map::entry`, a present key costs
/// no allocation of the key string (most calls find the list already there).
fn slot<'d>(c: &'d mut Dict, key: &str, init: impl FnOnce() -> Value) -> &'d mut Value {
    if !c.contains_key(key) {
        c.insert(key.to_string(), init());
    }
    c.get_mut(key).expect("present or just inserted")
}

fn attr<'a>(attrs: &'a [Attr<'_>], k: &str) -> Option<&'a str> {
    attrs.iter().find(|(n, _)| **n == *k).map(|(_, v)| &**v)
}

fn to_dict(attrs: &[Attr<'_>]) -> Dict {
    attrs
        .iter()
        .map(|(k, v)| (String::from(&**k), Value::String(String::from(&**v))))
        .collect()
}

fn xml_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    push_xml_escaped(&mut out, s, false);
    out
}

/// Appends `s` with `&`, `<`, `>` (and with `quote` also `"`) escaped, in one pass.
fn push_xml_escaped(out: &mut String, s: &str, quote: bool) {
    let mut rest = s;
    while let Some(i) = rest
        .bytes()
        .position(|c| matches!(c, b'&' | b'<' | b'>') || (quote && c == b'"'))
    {
        out.push_str(&rest[..i]);
        out.push_str(match rest.as_bytes()[i] {
            b'&' => "&amp;",
            b'<' => "&lt;",
            b'>' => "&gt;",
            _ => "&quot;",
        });
        rest = &rest[i + 1..];
    }
    out.push_str(rest);
}

static EMAIL: LazyLock<regex::Regex> = LazyLock::new(|| {
    regex::Regex::new(
        r"(([a-zA-Z0-9_\-.+]+)@((\[[0-9]{1,3}\.[0-9]{1,3}\.[0-9]{1,3}\.)|(([a-zA-Z0-9\-]+\.)+))([a-zA-Z]{2,4}|[0-9]{1,3})(\]?))(\?subject=\S+)?",
    )
    .expect("valid regex")
});

fn looks_like_html(s: &str) -> bool {
    static CLOSE: LazyLock<regex::Regex> =
        LazyLock::new(|| regex::Regex::new(r"</(\w+)>").expect("valid regex"));
    static ENTITY: LazyLock<regex::Regex> =
        LazyLock::new(|| regex::Regex::new(r"&#?\w+;").expect("valid regex"));
    static TAG: LazyLock<regex::Regex> =
        LazyLock::new(|| regex::Regex::new(r"</?(\w+)").expect("valid regex"));
    static NAMED: LazyLock<regex::Regex> =
        LazyLock::new(|| regex::Regex::new(r"&(\w+);").expect("valid regex"));
    if !(CLOSE.is_match(s) || ENTITY.is_match(s)) {
        return false;
    }
    if TAG
        .captures_iter(s)
        .any(|c| !HTML_ELEMENTS.contains(&c[1].to_lowercase().as_str()))
    {
        return false;
    }
    !NAMED
        .captures_iter(s)
        .any(|c| !crate::entities::is_html_entity(&c[1]))
}

/// Maps the C1 control range to the windows-1252 characters feeds meant by it.
fn cp1252_fix(s: String) -> String {
    // U+0080–U+009F are 0xC2 0x80–0x9F in UTF-8: a byte scan beats decoding every char.
    let b = s.as_bytes();
    let has_c1 = memchr::memchr_iter(0xc2, b)
        .any(|i| b.get(i + 1).is_some_and(|c| (0x80..=0x9f).contains(c)));
    if !has_c1 {
        return s;
    }
    s.chars()
        .map(|c| {
            if ('\u{80}'..='\u{9f}').contains(&c) {
                let b = [c as u32 as u8];
                let (d, _, _) = encoding_rs::WINDOWS_1252.decode(&b);
                d.chars().next().unwrap_or(c)
            } else {
                c
            }
        })
        .collect()
}

impl<'a> Parser<'a> {
    fn ctx_kind(&self) -> Ctx {
        if self.insource {
            Ctx::Source
        } else if self.inimage && self.feed.get("image").is_some_and(Value::is_object) {
            Ctx::Image
        } else if self.intextinput && self.feed.get("textinput").is_some_and(Value::is_object) {
            Ctx::TextInput
        } else if self.inentry && !self.entries.is_empty() {
            Ctx::Entry
        } else {
            Ctx::Feed
        }
    }

    /// Sets `field` of the object at `key` in the current context, when there is one.
    fn set_in_object(&mut self, key: &str, field: &str, value: Value) {
        if let Some(d) = self.ctx().get_mut(key).and_then(Value::as_object_mut) {
            d.insert(field.into(), value);
        }
    }

    /// The last object of the list at `key` in the current context, if any.
    fn last_in_list(&mut self, key: &str) -> Option<&mut Dict> {
        self.ctx()
            .get_mut(key)
            .and_then(Value::as_array_mut)
            .and_then(|a| a.last_mut())
            .and_then(Value::as_object_mut)
    }

    fn ctx(&mut self) -> &mut Dict {
        match self.ctx_kind() {
            Ctx::Source => &mut self.source,
            Ctx::Image => self
                .feed
                .get_mut("image")
                .and_then(Value::as_object_mut)
                .expect("image"),
            Ctx::TextInput => self
                .feed
                .get_mut("textinput")
                .and_then(Value::as_object_mut)
                .expect("textinput"),
            Ctx::Entry => self.entries.last_mut().expect("entry"),
            Ctx::Feed => &mut self.feed,
        }
    }

    fn save(&mut self, key: &str, value: Value, overwrite: bool) {
        let c = self.ctx();
        if overwrite || !c.contains_key(key) {
            c.insert(key.to_string(), value);
        }
    }

    fn track_namespace(&mut self, prefix: Option<&str>, uri: &str) {
        let mut lower = lowercase(uri);
        if self.version.is_empty() {
            if prefix.is_none() && lower == "http://my.netscape.com/rdf/simple/0.9/" {
                self.version = "rss090".into();
            } else if lower == "http://purl.org/rss/1.0/" {
                self.version = "rss10".into();
            } else if lower == "http://www.w3.org/2005/atom" {
                self.version = "atom10".into();
            }
        }
        let mut uri = uri.to_string();
        if lower.contains("backend.userland.com/rss") {
            uri = "http://backend.userland.com/rss".into();
            lower = uri.clone();
        }
        if self.namespaces_in_use.len() > 256 {
            return;
        }
        match known_prefix(&lower) {
            Some(k) => {
                self.namespaces_in_use
                    .insert(k.to_string(), json!(uri).as_str().unwrap_or("").to_string());
            }
            None => {
                self.namespaces_in_use
                    .insert(prefix.unwrap_or("").to_string(), uri);
            }
        }
    }

    fn handle_data(&mut self, text: impl Into<Cow<'a, str>>, escape: bool) {
        let xhtml = self.cp.ty.as_deref() == Some("application/xhtml+xml");
        let Some(top) = self.stack.last_mut() else {
            return;
        };
        let text = text.into();
        if escape && xhtml && text.contains(['&', '<', '>']) {
            top.pieces.push(Cow::Owned(xml_escape(&text)));
        } else {
            top.pieces.push(text);
        }
    }

    fn push(&mut self, name: impl Into<Name>, expecting_text: bool) {
        self.stack.push(Elem {
            name: name.into(),
            expecting_text,
            pieces: Vec::new(),
        });
    }

    fn push_content(
        &mut self,
        tag: &'static str,
        attrs: &[Attr<'_>],
        default: &str,
        expecting: bool,
    ) {
        self.incontent += 1;
        if let Some(l) = &self.lang
            && l.contains('_')
        {
            self.lang = Some(Rc::from(l.replace('_', "-")));
        }
        let ty = map_content_type(attr(attrs, "type").unwrap_or(default)).into_owned();
        let base64 = attr(attrs, "mode") == Some("base64")
            || !(ty.starts_with("text/") || ty.ends_with("+xml") || ty.ends_with("/xml"));
        self.cp = ContentParams {
            ty: Some(ty),
            language: self.lang.as_deref().map(str::to_owned),
            base: self.baseuri.to_string(),
            base64,
            src: None,
        };
        self.push(tag, expecting);
    }

    fn pop_content(&mut self, tag: &str) -> Option<String> {
        let v = self.pop(tag, true);
        self.incontent = self.incontent.saturating_sub(1);
        self.cp = ContentParams::default();
        v
    }

    fn resolve_uri(&self, uri: &str) -> String {
        join(&self.baseuri, uri)
    }

    fn pop(&mut self, element: &str, strip: bool) -> Option<String> {
        if self.stack.last().is_none_or(|e| *e.name != *element) {
            return None;
        }
        let Elem {
            name: element,
            expecting_text,
            mut pieces,
        } = self.stack.pop()?;
        let element: &str = &element;
        if self.version == "atom10" && self.cp.ty.as_deref() == Some("application/xhtml+xml") {
            while pieces.len() > 1 && pieces.last().is_some_and(|p| p.trim().is_empty()) {
                pieces.pop();
            }
            while pieces.len() > 1 && pieces.first().is_some_and(|p| p.trim().is_empty()) {
                pieces.remove(0);
            }
            if pieces.len() >= 2
                && (pieces[0] == "<div>" || pieces[0].starts_with("<div "))
                && pieces.last().is_some_and(|p| p == "</div>")
            {
                let mut depth = 0i64;
                let mut closed_early = false;
                for piece in &pieces[..pieces.len() - 1] {
                    if piece.starts_with("</") {
                        depth -= 1;
                        if depth == 0 {
                            closed_early = true;
                            break;
                        }
                    } else if piece.starts_with('<') && !piece.ends_with("/>") {
                        depth += 1;
                    }
                }
                if !closed_early {
                    let n = pieces.len();
                    pieces = pieces[1..n - 1].to_vec();
                }
            }
        }
        // Text straight from the input (one CDATA section or unescaped run) stays borrowed
        // until it is stored or cleaned, so a body is not copied only to be sanitized.
        let mut output: Cow<'a, str> = if pieces.len() == 1 {
            pieces.pop().unwrap_or_default()
        } else {
            Cow::Owned(pieces.concat())
        };
        if strip && output.trim().len() != output.len() {
            output = match output {
                Cow::Borrowed(b) => Cow::Borrowed(b.trim()),
                Cow::Owned(o) => Cow::Owned(o.trim().to_string()),
            };
        }
        if !expecting_text {
            return Some(output.into_owned());
        }
        if self.cp.base64 {
            use base64::Engine;
            let compact: String = output.chars().filter(|c| !c.is_whitespace()).collect();
            if let Ok(bytes) = base64::engine::general_purpose::STANDARD.decode(compact.as_bytes())
                && let Ok(s) = String::from_utf8(bytes)
            {
                output = Cow::Owned(s);
            }
        }
        if CAN_BE_RELATIVE_URI.contains(&element)
            && !output.is_empty()
            && (element != "id" || self.guidislink)
        {
            output = Cow::Owned(self.resolve_uri(&output));
        }
        if !self.version.starts_with("atom")
            && self.cp.ty.as_deref() == Some("text/plain")
            && looks_like_html(&output)
        {
            self.cp.ty = Some("text/html".into());
        }
        self.cp.base64 = false;
        let is_htmlish = HTML_TYPES.contains(&&*map_content_type(self.cp.ty_or("text/html")));
        // Inside content every element's value also gets a `*_detail` typed as that content,
        // so one typed HTML there is sanitized whatever its name (feedparser sanitizes only
        // the elements that can hold markup, and so leaves `<x onclick>` typed HTML in the
        // detail of an unknown element in a broken feed; found by the `feed_parse` fuzz target).
        if is_htmlish && (CAN_CONTAIN_MARKUP.contains(&element) || self.incontent > 0) {
            let base = Some(self.cp.base.as_str()).filter(|b| !b.is_empty());
            output = Cow::Owned(crate::clean_html(&output, base));
        }
        let mut output = output.into_owned();
        // Every character below U+0100 means UTF-8 read as Latin-1 and encoded again. A lead
        // byte of 0xC4 or more starts a character from U+0100 up, and a byte test vectorizes.
        if self.encoding == "utf-8" && !output.is_ascii() && output.bytes().all(|b| b < 0xc4) {
            let bytes: Vec<u8> = output.chars().map(|c| c as u32 as u8).collect();
            if let Ok(s) = String::from_utf8(bytes) {
                output = s;
            }
        }
        output = cp1252_fix(output);
        if matches!(
            element,
            "category" | "tags" | "itunes_keywords" | "media_keywords"
        ) {
            return Some(output);
        }
        if element == "title" && self.title_depth > -1 && self.title_depth <= self.depth {
            return Some(output);
        }
        if self.inentry && !self.insource && !self.entries.is_empty() {
            let incontent = self.incontent > 0;
            let cp = &self.cp;
            // Built only where it is stored: it copies the whole value.
            let detail = || cp.detail(&output);
            let depth = self.depth;
            let inimage = self.inimage;
            let entry = self.entries.last_mut().expect("entry");
            if element == "content" {
                let list = slot(entry, "content", || json!([]));
                if let Some(a) = list.as_array_mut()
                    && a.len() < MAX_ITEMS
                {
                    a.push(detail());
                }
            } else if element == "link" {
                if !inimage {
                    let fixed = fix_query_entities(&output.replace("&amp;", "&"));
                    let rel = entry
                        .get("links")
                        .and_then(Value::as_array)
                        .and_then(|a| a.last())
                        .and_then(|l| l.get("rel"))
                        .and_then(Value::as_str)
                        .unwrap_or("alternate")
                        .to_string();
                    // The alternate link is the entry's link; another rel only stands in.
                    if rel == "alternate" || !entry.contains_key("link") {
                        entry.insert("link".into(), json!(fixed));
                    }
                    if !fixed.is_empty()
                        && let Some(l) = entry
                            .get_mut("links")
                            .and_then(Value::as_array_mut)
                            .and_then(|a| a.last_mut())
                            .and_then(Value::as_object_mut)
                    {
                        l.insert("href".into(), json!(fixed));
                    }
                }
            } else {
                let key = if element == "description" {
                    "summary"
                } else {
                    element
                };
                let old = self.property_depth.get(key).copied();
                if old.is_none_or(|o| depth <= o) {
                    self.property_depth.insert(key.to_string(), depth);
                    entry.insert(key.to_string(), json!(output));
                }
                if incontent {
                    entry.insert(detail_key(key), detail());
                }
            }
        } else if self.infeed || self.insource {
            let incontent = self.incontent > 0;
            let detail = incontent.then(|| self.cp.detail(&output));
            let key = if element == "description" {
                "subtitle"
            } else {
                element
            };
            let c = self.ctx();
            if key == "link" {
                let fixed = fix_query_entities(&output);
                c.insert("link".into(), json!(fixed));
                if let Some(l) = c
                    .get_mut("links")
                    .and_then(Value::as_array_mut)
                    .and_then(|a| a.last_mut())
                    .and_then(Value::as_object_mut)
                {
                    l.insert("href".into(), json!(fixed));
                }
            } else {
                c.insert(key.to_string(), json!(output));
                if let Some(detail) = detail {
                    c.insert(detail_key(key), detail);
                }
            }
        }
        Some(output)
    }

    fn unknown_starttag(&mut self, tag: &str, method: &Rc<str>, mut attrs: Vec<Attr<'_>>) {
        self.depth += 1;
        // Names arrive lower-cased; `rel` and `type` values are compared lower-cased too.
        for (k, v) in attrs.iter_mut() {
            if matches!(&**k, "rel" | "type")
                && v.bytes().any(|c| c.is_ascii_uppercase() || !c.is_ascii())
            {
                *v = Cow::Owned(lowercase(v));
            }
        }
        let given = attr(&attrs, "xml:base")
            .or_else(|| attr(&attrs, "base"))
            .filter(|b| !b.is_empty());
        self.enter_base(given);
        let lang = match attr(&attrs, "xml:lang").or_else(|| attr(&attrs, "lang")) {
            Some("") => None,
            Some(l) if self.lang.as_deref() == Some(l) => self.lang.clone(),
            Some(l) => Some(Rc::from(l)),
            None => self.lang.clone(),
        };
        if let Some(l) = &lang
            && matches!(tag, "feed" | "rss" | "rdf:rdf")
        {
            self.feed
                .insert("language".into(), json!(l.replace('_', "-")));
        }
        self.lang = lang.clone();
        self.basestack.push(self.baseuri.clone());
        self.langstack.push(lang);

        if self.incontent > 0 && !self.cp.ty_or("xml").ends_with("xml") {
            if tag == "xhtml:div" || tag == "div" {
                return;
            }
            self.cp.ty = Some("application/xhtml+xml".into());
        }
        if self.incontent > 0 && self.cp.ty.as_deref() == Some("application/xhtml+xml") {
            let mut local = tag;
            if let Some((prefix, l)) = split_prefix(tag) {
                local = l;
                let ns = self
                    .namespaces_in_use
                    .get(prefix)
                    .map_or("", String::as_str);
                if (l == "math" && ns == "http://www.w3.org/1998/Math/MathML")
                    || (l == "svg" && ns == "http://www.w3.org/2000/svg")
                {
                    attrs.push(("xmlns".into(), Cow::Owned(ns.to_string())));
                }
            }
            if local == "svg" {
                self.svg_ok += 1;
            }
            let mut markup = String::with_capacity(local.len() + 2);
            markup.push('<');
            markup.push_str(local);
            for (k, v) in &attrs {
                markup.push(' ');
                markup.push_str(k);
                markup.push_str("=\"");
                push_xml_escaped(&mut markup, v, true);
                markup.push('"');
            }
            markup.push('>');
            self.handle_data(markup, false);
            return;
        }
        let prefix = split_prefix(tag).map_or("", |(p, _)| p);
        if prefix.is_empty() && !matches!(tag, "title" | "link" | "description" | "name") {
            self.intextinput = false;
        }
        if prefix.is_empty()
            && !matches!(
                tag,
                "title" | "link" | "description" | "url" | "href" | "width" | "height"
            )
        {
            self.inimage = false;
        }
        if !self.start_handler(method, &attrs) {
            if attrs.is_empty() {
                self.push(method.clone(), true);
            } else {
                let d = to_dict(&attrs);
                self.ctx().insert(method.to_string(), Value::Object(d));
            }
        }
    }

    fn unknown_endtag(&mut self, tag: &str, method: &str) {
        let suffix = split_prefix(tag).map_or(tag, |(_, s)| s);
        if suffix == "svg" && self.svg_ok > 0 {
            self.svg_ok -= 1;
        }
        let handled = self.svg_ok == 0 && self.end_handler(method);
        if !handled {
            self.pop(method, true);
        }
        if self.incontent > 0 && !self.cp.ty_or("xml").ends_with("xml") {
            if tag == "xhtml:div" || tag == "div" {
                self.pop_scopes();
                return;
            }
            self.cp.ty = Some("application/xhtml+xml".into());
        }
        if self.incontent > 0 && self.cp.ty.as_deref() == Some("application/xhtml+xml") {
            let local = tag.rsplit(':').next().unwrap_or(tag);
            let mut markup = String::with_capacity(local.len() + 3);
            markup.push_str("</");
            markup.push_str(local);
            markup.push('>');
            self.handle_data(markup, false);
        }
        self.pop_scopes();
    }

    /// Sets the base URI of an element whose `xml:base` is `given` (none: it inherits).
    fn enter_base(&mut self, given: Option<&str>) {
        let rel = given.unwrap_or(&self.baseuri);
        // Every element re-resolves its parent's base, almost always to the same answer; the
        // last resolution is kept so that only a new `xml:base` or a new parent base costs a join.
        if let Some((base, r, out)) = &self.base_memo
            && (Rc::ptr_eq(base, &self.baseuri) || *base == self.baseuri)
            && r == rel
        {
            if !Rc::ptr_eq(out, &self.baseuri) && *out != self.baseuri {
                self.baseuri = out.clone();
            }
            return;
        }
        let resolved: Rc<str> = if self.baseuri.is_empty() {
            Rc::from(join(&self.baseuri, rel))
        } else {
            let safe = make_safe_absolute_uri(&self.baseuri, rel);
            if safe.is_empty() {
                self.baseuri.clone()
            } else if *safe == *self.baseuri {
                // Keep sharing the parent's string, so the next memo check is a pointer test.
                self.baseuri.clone()
            } else {
                Rc::from(safe)
            }
        };
        self.base_memo = Some((self.baseuri.clone(), rel.to_string(), resolved.clone()));
        self.baseuri = resolved;
    }

    fn pop_scopes(&mut self) {
        if self.basestack.pop().is_some()
            && let Some(b) = self.basestack.last()
            && !b.is_empty()
        {
            self.baseuri = b.clone();
        }
        if self.langstack.pop().is_some()
            && let Some(l) = self.langstack.last()
        {
            self.lang = l.clone();
        }
        self.depth -= 1;
    }

    fn add_tag(&mut self, term: Option<&str>, scheme: Option<&str>, label: Option<&str>) {
        let c = self.ctx();
        let tags = slot(c, "tags", || json!([]));
        if term.is_none() && scheme.is_none() && label.is_none() {
            return;
        }
        // Compared in place: building the dictionary first, only to find it is already there,
        // cost more than the rest of a category (a feed repeats its sections). A map iterates
        // in key order (label, scheme, term); the values, which usually differ, are compared
        // before the keys.
        let wanted = [("label", label), ("scheme", scheme), ("term", term)];
        let same = |t: &Value| {
            t.as_object().is_some_and(|o| {
                let is = |x: &Value, want: Option<&str>| match want {
                    Some(w) => x.as_str() == Some(w),
                    None => x.is_null(),
                };
                o.len() == 3
                    && o.values().zip(wanted).all(|(x, (_, want))| is(x, want))
                    && o.keys().zip(wanted).all(|(k, (name, _))| k == name)
            })
        };
        if let Some(a) = tags.as_array_mut()
            && a.len() < MAX_ITEMS
            && !a.iter().any(same)
        {
            a.push(json!({"term": term, "scheme": scheme, "label": label}));
        }
    }

    fn sync_author_detail(&mut self, key: &str) {
        let c = self.ctx();
        let dkey = detail_key(key);
        if let Some(detail) = c
            .get(&dkey)
            .and_then(Value::as_object)
            .filter(|d| !d.is_empty())
        {
            let name = detail
                .get("name")
                .and_then(Value::as_str)
                .filter(|s| !s.is_empty());
            let email = detail
                .get("email")
                .and_then(Value::as_str)
                .filter(|s| !s.is_empty());
            let v = match (name, email) {
                (Some(n), Some(e)) => Some(format!("{n} ({e})")),
                (Some(n), None) => Some(n.to_string()),
                (None, Some(e)) => Some(e.to_string()),
                _ => None,
            };
            if let Some(v) = v {
                c.insert(key.to_string(), json!(v));
            }
            return;
        }
        let Some(author) = c.get(key).and_then(Value::as_str).map(str::to_owned) else {
            return;
        };
        let (name, email) = split_author(&author);
        if name.is_none() && email.is_none() {
            return;
        }
        let mut d = Dict::new();
        if let Some(n) = name {
            d.insert("name".into(), json!(n));
        }
        if let Some(e) = email {
            d.insert("email".into(), json!(e));
        }
        if key == "author"
            && let Some(last) = c
                .get_mut("authors")
                .and_then(Value::as_array_mut)
                .and_then(|a| a.last_mut())
                .and_then(Value::as_object_mut)
        {
            for (k, v) in &d {
                last.insert(k.clone(), v.clone());
            }
        }
        c.insert(dkey, Value::Object(d));
    }

    fn save_author(&mut self, key: &str, value: &str, prefix: &str) {
        let c = self.ctx();
        let d = c.entry(detail_key(prefix)).or_insert_with(|| json!({}));
        if let Some(d) = d.as_object_mut() {
            d.insert(key.into(), json!(value));
        }
        self.sync_author_detail(prefix);
        if prefix == "author" {
            let c = self.ctx();
            let a = slot(c, "authors", || json!([{}]));
            if let Some(arr) = a.as_array_mut() {
                if arr.is_empty() {
                    arr.push(json!({}));
                }
                if let Some(last) = arr.last_mut().and_then(Value::as_object_mut) {
                    last.insert(key.into(), json!(value));
                }
            }
        }
    }

    fn save_contributor(&mut self, key: &str, value: &str) {
        let c = self.ctx();
        let a = slot(c, "contributors", || json!([{}]));
        if let Some(arr) = a.as_array_mut() {
            if arr.is_empty() {
                arr.push(json!({}));
            }
            if let Some(last) = arr.last_mut().and_then(Value::as_object_mut) {
                last.insert(key.into(), json!(value));
            }
        }
    }

    fn append(&mut self, key: &str, v: Value) {
        let c = self.ctx();
        let list = slot(c, key, || json!([]));
        if !list.is_array() {
            *list = json!([]);
        }
        if let Some(a) = list.as_array_mut()
            && a.len() < MAX_ITEMS
        {
            a.push(v);
        }
    }

    fn enforce_href(attrs: &mut Vec<Attr<'_>>) {
        let href = attr(attrs, "url")
            .or_else(|| attr(attrs, "uri"))
            .or_else(|| attr(attrs, "href"))
            .map(str::to_owned);
        if let Some(h) = href.filter(|h| !h.is_empty()) {
            attrs.retain(|(k, _)| !matches!(&**k, "url" | "uri" | "href"));
            attrs.push(("href".into(), Cow::Owned(h)));
        }
    }

    fn start_date(&mut self, key: &'static str) {
        self.push(key, true);
    }

    fn end_date(&mut self, key: &str, parsed_key: &str) {
        let value = self.pop(key, true).unwrap_or_default();
        let parsed = dates::parse_date(&value)
            .map(|d| json!(dates::time_tuple(&d)))
            .unwrap_or(Value::Null);
        self.save(parsed_key, parsed, true);
    }

    fn cdf_common(&mut self, attrs: &[Attr<'_>]) {
        if let Some(v) = attr(attrs, "lastmod").map(str::to_owned) {
            self.start_date("updated");
            if let Some(top) = self.stack.last_mut() {
                top.pieces = vec![Cow::Owned(v)];
            }
            self.end_date("updated", "updated_parsed");
        }
        if let Some(v) = attr(attrs, "href").map(str::to_owned) {
            self.start_link(Vec::new());
            if let Some(top) = self.stack.last_mut() {
                top.pieces = vec![Cow::Owned(v)];
            }
            self.pop("link", true);
        }
    }

    fn start_link(&mut self, mut attrs: Vec<Attr<'_>>) {
        if attr(&attrs, "rel").is_none() {
            attrs.push(("rel".into(), "alternate".into()));
        }
        if attr(&attrs, "type").is_none() {
            let t = if attr(&attrs, "rel") == Some("self") {
                "application/atom+xml"
            } else {
                "text/html"
            };
            attrs.push(("type".into(), t.into()));
        }
        Self::enforce_href(&mut attrs);
        if let Some(h) = attr(&attrs, "href").map(str::to_owned) {
            let r = self.resolve_uri(&h);
            for (k, v) in attrs.iter_mut() {
                if **k == *"href" {
                    *v = Cow::Owned(r.clone());
                }
            }
        }
        let expecting = self.infeed || self.inentry || self.insource;
        if !(self.inentry && self.inimage) {
            self.append("links", Value::Object(to_dict(&attrs)));
        } else {
            slot(self.ctx(), "links", || json!([]));
        }
        match attr(&attrs, "href") {
            Some(h) => {
                if attr(&attrs, "rel") == Some("alternate")
                    && HTML_TYPES.contains(&&*map_content_type(attr(&attrs, "type").unwrap_or("")))
                {
                    let h = h.to_string();
                    self.ctx().insert("link".into(), json!(h));
                }
            }
            None => self.push("link", expecting),
        }
    }

    fn start_category(&mut self, attrs: &[Attr<'_>]) {
        let term = attr(attrs, "term");
        let scheme = attr(attrs, "scheme").or_else(|| attr(attrs, "domain"));
        let label = attr(attrs, "label");
        self.add_tag(term, scheme, label);
        self.push("category", true);
    }

    fn start_description(&mut self, attrs: &[Attr<'_>], default: &str, key: &'static str) {
        let has_summary = self.ctx().contains_key("summary");
        if has_summary && !self.has_content {
            self.summary_key = Some("content");
            self.start_content(attrs);
        } else {
            if key == "summary" {
                self.summary_key = Some("summary");
            }
            let expecting = key == "summary" || self.infeed || self.inentry || self.insource;
            self.push_content(key, attrs, default, expecting);
        }
    }

    fn start_content(&mut self, attrs: &[Attr<'_>]) {
        self.has_content = true;
        self.push_content("content", attrs, "text/plain", true);
        if let Some(src) = attr(attrs, "src") {
            let src = self.resolve_uri(src);
            self.cp.src = Some(src);
        }
    }

    fn end_content(&mut self) {
        let ty = map_content_type(self.cp.ty_or(""));
        let copy = ty == "text/plain" || HTML_TYPES.contains(&&*ty);
        let value = self.pop_content("content");
        if copy && let Some(v) = value {
            self.save("summary", json!(v), false);
        }
    }

    /// Runs the `_start_…` handler for `m`; false when there is none.
    fn start_handler(&mut self, m: &str, attrs: &[Attr<'_>]) -> bool {
        let expecting = self.infeed || self.inentry || self.insource;
        match m {
            "rss" => {
                if self.version.is_empty() || !self.version.starts_with("rss") {
                    let v = attr(attrs, "version").unwrap_or("");
                    self.version = match v {
                        "0.91" => "rss091u".into(),
                        "0.92" => "rss092".into(),
                        "0.93" => "rss093".into(),
                        "0.94" => "rss094".into(),
                        v if v.starts_with("2.") => "rss20".into(),
                        _ => "rss".into(),
                    };
                }
            }
            "channel" => {
                self.infeed = true;
                self.cdf_common(attrs);
            }
            "feed" => {
                self.infeed = true;
                if self.version.is_empty() {
                    self.version = match attr(attrs, "version") {
                        Some("0.1") => "atom01".into(),
                        Some("0.2") => "atom02".into(),
                        Some("0.3") => "atom03".into(),
                        _ => "atom".into(),
                    };
                }
            }
            "image" => {
                if !self.inentry {
                    self.ctx().entry("image").or_insert_with(|| json!({}));
                }
                self.inimage = true;
                self.title_depth = -1;
                self.push("image", false);
            }
            "textinput" => {
                self.ctx().entry("textinput").or_insert_with(|| json!({}));
                self.intextinput = true;
                self.title_depth = -1;
                self.push("textinput", false);
            }
            "author" | "managingeditor" | "dc_author" | "dc_creator" | "itunes_author" => {
                self.inauthor = true;
                self.push("author", true);
                self.append("authors", json!({}));
            }
            "contributor" => {
                self.incontributor = true;
                self.append("contributors", json!({}));
                self.push("contributor", false);
            }
            "dc_contributor" => {
                self.incontributor = true;
                self.append("contributors", json!({}));
                self.push("name", false);
            }
            "name" | "itunes_name" => self.push("name", false),
            "width" => self.push("width", false),
            "height" => self.push("height", false),
            "url" | "homepage" | "uri" => self.push("href", true),
            "email" | "itunes_email" => self.push("email", false),
            "language" | "dc_language" => self.push("language", true),
            "webmaster" | "dc_publisher" => self.push("publisher", true),
            "itunes_owner" => {
                self.inpublisher = true;
                self.push("publisher", false);
            }
            "dcterms_valid" => self.push("validity", true),
            "published" | "dcterms_issued" | "issued" | "pubdate" => self.start_date("published"),
            "updated" | "modified" | "dcterms_modified" | "dc_date" | "lastbuilddate" => {
                self.start_date("updated")
            }
            "created" | "dcterms_created" => self.start_date("created"),
            "expirationdate" => self.start_date("expired"),
            "category" | "dc_subject" | "keywords" => self.start_category(attrs),
            "media_category" => {
                let mut a = attrs.to_vec();
                if attr(&a, "scheme").is_none() {
                    a.push((
                        "scheme".into(),
                        "http://search.yahoo.com/mrss/category_schema".into(),
                    ));
                }
                self.start_category(&a);
            }
            "itunes_category" => {
                self.add_tag(attr(attrs, "text"), Some("http://www.itunes.com/"), None);
                self.push("category", true);
            }
            "itunes_keywords" => self.push("itunes_keywords", true),
            "media_keywords" => self.push("media_keywords", true),
            "tags" => self.push("tags", true),
            "creativecommons_license" | "cc_license" => {
                self.push("license", true);
                if let Some(r) = attr(attrs, "rdf:resource").map(str::to_owned)
                    && let Some(t) = self.stack.last_mut()
                {
                    t.pieces.push(Cow::Owned(r));
                }
            }
            "cloud" => {
                let d = to_dict(attrs);
                self.ctx().insert("cloud".into(), Value::Object(d));
            }
            "link" => self.start_link(attrs.to_vec()),
            "guid" | "id" => {
                self.guidislink = attr(attrs, "ispermalink").unwrap_or("true") == "true";
                self.push("id", true);
            }
            "title" | "dc_title" | "media_title" => {
                if self.svg_ok > 0 {
                    return false;
                }
                self.push_content("title", attrs, "text/plain", expecting);
            }
            "description" | "dc_description" | "media_description" => {
                self.start_description(attrs, "text/html", "description")
            }
            "abstract" => self.push_content("description", attrs, "text/plain", expecting),
            "info" | "feedburner_browserfriendly" => {
                self.push_content("info", attrs, "text/plain", true)
            }
            "generator" => {
                let mut a = attrs.to_vec();
                Self::enforce_href(&mut a);
                if let Some(h) = attr(&a, "href").map(str::to_owned) {
                    let r = self.resolve_uri(&h);
                    a.retain(|(k, _)| **k != *"href");
                    a.push(("href".into(), Cow::Owned(r)));
                }
                let d = to_dict(&a);
                self.ctx()
                    .insert("generator_detail".into(), Value::Object(d));
                self.push("generator", true);
            }
            "admin_generatoragent" => {
                let v = attr(attrs, "rdf:resource").unwrap_or("").to_string();
                self.push("generator", true);
                if !v.is_empty()
                    && let Some(t) = self.stack.last_mut()
                {
                    t.pieces.push(Cow::Owned(v.clone()));
                }
                self.pop("generator", true);
                self.ctx()
                    .insert("generator_detail".into(), json!({"href": v}));
            }
            "admin_errorreportsto" => {
                let v = attr(attrs, "rdf:resource").unwrap_or("").to_string();
                self.push("errorreportsto", true);
                if !v.is_empty()
                    && let Some(t) = self.stack.last_mut()
                {
                    t.pieces.push(Cow::Owned(v));
                }
                self.pop("errorreportsto", true);
            }
            "summary" | "itunes_summary" => self.start_description(attrs, "text/plain", "summary"),
            "enclosure" => {
                let mut a = attrs.to_vec();
                Self::enforce_href(&mut a);
                a.retain(|(k, _)| **k != *"rel");
                a.push(("rel".into(), "enclosure".into()));
                self.append("links", Value::Object(to_dict(&a)));
            }
            "source" => {
                if let Some(u) = attr(attrs, "url") {
                    self.source.insert("href".into(), json!(u));
                }
                self.push("source", true);
                self.insource = true;
                self.title_depth = -1;
            }
            "content" => self.start_content(attrs),
            "body" | "xhtml_body" => {
                self.push_content("content", attrs, "application/xhtml+xml", true)
            }
            "content_encoded" | "fullitem" => {
                self.has_content = true;
                self.push_content("content", attrs, "text/html", true);
            }
            "newlocation" => self.push("newlocation", true),
            "item" | "entry" => {
                self.entries.push(Dict::new());
                self.property_depth.clear();
                self.push("item", false);
                self.inentry = true;
                self.guidislink = false;
                self.title_depth = -1;
                if let Some(id) = attr(attrs, "rdf:about") {
                    let id = id.to_string();
                    self.ctx().insert("id".into(), json!(id));
                }
                self.cdf_common(attrs);
            }
            "rights" | "copyright" | "dc_rights" => {
                self.push_content("rights", attrs, "text/plain", true)
            }
            "tagline" | "subtitle" | "itunes_subtitle" => {
                self.push_content("subtitle", attrs, "text/plain", true)
            }
            "itunes_image" | "itunes_link" => {
                self.push("itunes_image", false);
                if let Some(h) = attr(attrs, "href")
                    .or_else(|| attr(attrs, "url"))
                    .filter(|h| !h.is_empty())
                {
                    let h = h.to_string();
                    self.ctx().insert("image".into(), json!({"href": h}));
                }
            }
            "itunes_block" => self.push("itunes_block", false),
            "itunes_explicit" => self.push("itunes_explicit", false),
            "media_thumbnail" => {
                self.append("media_thumbnail", Value::Object(to_dict(attrs)));
                self.push("url", true);
            }
            "media_content" => self.append("media_content", Value::Object(to_dict(attrs))),
            "media_player" => {
                self.push("media_player", false);
                let d = to_dict(attrs);
                self.ctx().insert("media_player".into(), Value::Object(d));
            }
            "media_credit" => {
                self.append("media_credit", Value::Object(to_dict(attrs)));
                self.push("credit", true);
            }
            "media_rating" | "media_restriction" | "media_license" => {
                let d = to_dict(attrs);
                self.ctx().entry(m).or_insert(Value::Object(d));
                let name: Rc<str> = Rc::from(&m["media_".len()..]);
                self.push(name, true);
            }
            _ => return false,
        }
        true
    }

    /// Runs the `_end_…` handler for `m`; false when there is none.
    fn end_handler(&mut self, m: &str) -> bool {
        match m {
            "channel" | "feed" => self.infeed = false,
            "image" => {
                self.pop("image", true);
                self.inimage = false;
            }
            "textinput" => {
                self.pop("textinput", true);
                self.intextinput = false;
            }
            "author" | "managingeditor" | "dc_author" | "dc_creator" | "itunes_author" => {
                let text = self.pop("author", true).unwrap_or_default();
                self.inauthor = false;
                self.sync_author_detail("author");
                if !text.is_empty() {
                    self.fill_last_author(&text);
                }
            }
            "contributor" => {
                self.pop("contributor", true);
                self.incontributor = false;
            }
            "dc_contributor" => {
                self.end_name();
                self.incontributor = false;
            }
            "name" | "itunes_name" => self.end_name(),
            "width" | "height" => {
                let v = self.pop(m, true).unwrap_or_default();
                let n: i64 = v.trim().parse().unwrap_or(0);
                if self.inimage {
                    self.ctx().insert(m.into(), json!(n));
                }
            }
            "url" | "homepage" | "uri" => {
                let v = self.pop("href", true).unwrap_or_default();
                if self.inauthor {
                    self.save_author("href", &v, "author");
                } else if self.incontributor {
                    self.save_contributor("href", &v);
                }
            }
            "email" | "itunes_email" => {
                let v = self.pop("email", true).unwrap_or_default();
                if self.inpublisher {
                    self.save_author("email", &v, "publisher");
                } else if self.inauthor {
                    self.save_author("email", &v, "author");
                } else if self.incontributor {
                    self.save_contributor("email", &v);
                }
            }
            "language" | "dc_language" => {
                let v = self.pop("language", true);
                self.lang = v.map(Rc::from);
            }
            "webmaster" | "dc_publisher" => {
                self.pop("publisher", true);
                self.sync_author_detail("publisher");
            }
            "itunes_owner" => {
                self.pop("publisher", true);
                self.inpublisher = false;
                self.sync_author_detail("publisher");
            }
            "dcterms_valid" => {
                let v = self.pop("validity", true).unwrap_or_default();
                for part in v.split(';') {
                    if let Some((k, val)) = part.split_once('=') {
                        let k = k.trim();
                        if k == "start" || k == "end" {
                            let parsed = dates::parse_date(val)
                                .map(|d| json!(dates::time_tuple(&d)))
                                .unwrap_or(Value::Null);
                            self.save(&format!("validity_{k}"), json!(val), true);
                            self.save(&format!("validity_{k}_parsed"), parsed, true);
                        }
                    }
                }
            }
            "published" | "dcterms_issued" | "issued" | "pubdate" => {
                self.end_date("published", "published_parsed")
            }
            "updated" | "modified" | "dcterms_modified" | "dc_date" | "lastbuilddate" => {
                self.end_date("updated", "updated_parsed")
            }
            "created" | "dcterms_created" => self.end_date("created", "created_parsed"),
            "expirationdate" => self.end_date("expired", "expired_parsed"),
            "category" | "dc_subject" | "keywords" | "itunes_category" | "media_category" => {
                let Some(v) = self.pop("category", true) else {
                    return true;
                };
                if v.is_empty() {
                    return true;
                }
                let c = self.ctx();
                let last_empty = c
                    .get_mut("tags")
                    .and_then(Value::as_array_mut)
                    .and_then(|a| a.last_mut())
                    .and_then(Value::as_object_mut)
                    .filter(|t| {
                        t.get("term")
                            .is_none_or(|x| x.as_str().is_none_or(str::is_empty))
                    });
                match last_empty {
                    Some(t) => {
                        t.insert("term".into(), json!(v));
                    }
                    None => self.add_tag(Some(&v), None, None),
                }
            }
            "creativecommons_license" | "cc_license" => {
                let v = self.pop("license", true).unwrap_or_default();
                if !v.is_empty() {
                    self.append("links", json!({"rel": "license", "href": v}));
                }
            }
            "itunes_keywords" | "media_keywords" | "tags" => {
                let v = self.pop(m, true).unwrap_or_default();
                let scheme = (m == "itunes_keywords").then_some("http://www.itunes.com/");
                for term in v.split(',') {
                    let t = term.trim();
                    if !t.is_empty() {
                        self.add_tag(Some(t), scheme, None);
                    }
                }
            }
            "link" => {
                self.pop("link", true);
            }
            "guid" | "id" => {
                let v = self.pop("id", true).unwrap_or_default();
                let has_link = self.ctx().contains_key("link");
                let gil = self.guidislink && !has_link;
                self.save("guidislink", json!(gil), false);
                if self.guidislink {
                    self.save("link", json!(v), false);
                }
            }
            "title" | "dc_title" => {
                if self.svg_ok > 0 {
                    return false;
                }
                let v = self.pop_content("title");
                if v.is_some_and(|v| !v.is_empty()) {
                    self.title_depth = self.depth;
                }
            }
            "media_title" => {
                let d = self.title_depth;
                self.pop_content("title");
                self.title_depth = d;
            }
            "description" | "dc_description" | "media_description" | "abstract" | "summary"
            | "itunes_summary" => {
                if self.summary_key == Some("content") {
                    self.end_content();
                } else {
                    let key = if m.ends_with("summary") {
                        "summary"
                    } else {
                        "description"
                    };
                    self.pop_content(key);
                }
                self.summary_key = None;
            }
            "info" | "feedburner_browserfriendly" => {
                self.pop_content("info");
            }
            "generator" => {
                let v = self.pop("generator", true).unwrap_or_default();
                self.set_in_object("generator_detail", "name", json!(v));
            }
            "source" => {
                self.insource = false;
                let v = self.pop("source", true).unwrap_or_default();
                if !v.is_empty() {
                    self.source.insert("title".into(), json!(v));
                }
                let s = std::mem::take(&mut self.source);
                self.ctx().insert("source".into(), Value::Object(s));
            }
            "content" | "body" | "xhtml_body" | "content_encoded" | "fullitem" => {
                self.end_content()
            }
            "newlocation" => {
                let v = self.pop("newlocation", true).unwrap_or_default();
                if self.ctx_kind() == Ctx::Feed {
                    let u = make_safe_absolute_uri(&self.baseuri, v.trim());
                    self.feed.insert("newlocation".into(), json!(u));
                }
            }
            "item" | "entry" => {
                self.pop("item", true);
                self.inentry = false;
                self.has_content = false;
            }
            "rights" | "copyright" | "dc_rights" => {
                self.pop_content("rights");
            }
            "tagline" | "subtitle" | "itunes_subtitle" => {
                self.pop_content("subtitle");
            }
            "itunes_image" | "itunes_link" => {
                self.pop("itunes_image", true);
            }
            "itunes_block" => {
                let v = self.pop(m, false).unwrap_or_default();
                let b = i64::from(v == "yes" || v == "Yes");
                self.ctx().insert("itunes_block".into(), json!(b));
            }
            "itunes_explicit" => {
                // Exact values only, as iTunes documents them: " yes " and "YES" are neither.
                let v = self.pop(m, false).unwrap_or_default();
                let e = match v.as_str() {
                    "yes" | "true" => json!(true),
                    "clean" | "no" | "false" => json!(false),
                    _ => Value::Null,
                };
                self.ctx().insert("itunes_explicit".into(), e);
            }
            "media_thumbnail" => {
                let url = self.pop("url", true).unwrap_or_default();
                if !url.trim().is_empty()
                    && let Some(t) = self.last_in_list("media_thumbnail")
                    && !t.contains_key("url")
                {
                    t.insert("url".into(), json!(url));
                }
            }
            "media_player" => {
                let v = self.pop("media_player", true).unwrap_or_default();
                self.set_in_object("media_player", "content", json!(v));
            }
            "media_credit" => {
                let v = self.pop("credit", true).unwrap_or_default();
                if !v.trim().is_empty()
                    && let Some(t) = self.last_in_list("media_credit")
                {
                    t.insert("content".into(), json!(v));
                }
            }
            "media_rating" | "media_restriction" | "media_license" => {
                let v = self.pop(&m["media_".len()..], true).unwrap_or_default();
                if !v.trim().is_empty() {
                    let content = if m == "media_restriction" {
                        json!(
                            v.split(' ')
                                .map(|c| c.trim().to_lowercase())
                                .collect::<Vec<_>>()
                        )
                    } else {
                        json!(v)
                    };
                    self.set_in_object(m, "content", content);
                }
            }
            _ => return false,
        }
        true
    }

    /// An author given as text (`Name (email)`) fills the author it opened when that one got
    /// no `name`/`email` children.
    fn fill_last_author(&mut self, text: &str) {
        let (name, email) = split_author(text);
        let c = self.ctx();
        if let Some(last) = c
            .get_mut("authors")
            .and_then(Value::as_array_mut)
            .and_then(|a| a.last_mut())
            .and_then(Value::as_object_mut)
            && last.is_empty()
        {
            if let Some(n) = name {
                last.insert("name".into(), json!(n));
            }
            if let Some(e) = email {
                last.insert("email".into(), json!(e));
            }
        }
    }

    fn end_name(&mut self) {
        let v = self.pop("name", true).unwrap_or_default();
        if self.inpublisher {
            self.save_author("name", &v, "publisher");
        } else if self.inauthor {
            self.save_author("name", &v, "author");
        } else if self.incontributor {
            self.save_contributor("name", &v);
        } else if self.intextinput {
            self.ctx().insert("name".into(), json!(v));
        }
    }
}

/// Splits `Name (email)` / `email (Name)` / `Name <email>` into name and email.
fn split_author(text: &str) -> (Option<String>, Option<String>) {
    let mut author = text.to_string();
    let mut email = None;
    if let Some(m) = EMAIL.find(&author) {
        let e = m.as_str().to_string();
        author = author
            .replace(&e, "")
            .replace("()", "")
            .replace("<>", "")
            .replace("&lt;&gt;", "");
        author = author.trim().to_string();
        if author.starts_with('(') {
            author.remove(0);
        }
        if author.ends_with(')') {
            author.pop();
        }
        author = author.trim().to_string();
        email = Some(e);
    }
    ((!author.is_empty()).then_some(author), email)
}

/// `?a=1&b;=2` (an unescaped query string read as entity references) back to `?a=1&b=2`.
fn fix_query_entities(s: &str) -> String {
    static RE: LazyLock<regex::Regex> =
        LazyLock::new(|| regex::Regex::new(r"&([A-Za-z0-9_]+);").expect("valid regex"));
    RE.replace_all(s, "&$1").into_owned()
}
