//! The sanitizer's fast path: one linear pass over markup that is already tidy — only tags
//! from a small known set, properly nested, tables only in their plain shape, no comments or
//! unusual scripts — producing exactly what ammonia would, or `None` so the caller falls back
//! to ammonia.
//!
//! Why hand-written: ammonia builds a full html5ever DOM per fragment, and for feed bodies that
//! are ordinary paragraphs, links and figures that tree costs more than the rest of feed parsing
//! together. For such input the HTML tree builder adds nothing: every end tag closes the current
//! element, no start tag implicitly closes another (one exception is made here: a table row
//! gets the `tbody` the tree builder would add, and `</table>` closes it), nothing is
//! re-parented. This module accepts only input where that holds (checked, not assumed:
//! anything else returns `None`) and then serializes the token stream the way html5ever's
//! serializer does. Output is rebuilt from scratch — allowed tags, allowed attributes with
//! escaped values, escaped text — so nothing it emits can execute, and debug builds compare
//! every result with ammonia's.

use url::Url;

/// Deeper than this the input goes to the slow path (which has its own depth guard).
const MAX_DEPTH: usize = 256;

/// What the fast path knows about an element.
#[derive(Clone, Copy)]
struct Tag {
    /// The canonical (lower-case) name.
    name: &'static str,
    /// Kept in the output (on the allow-list); otherwise unwrapped: dropped, content kept.
    keep: bool,
    /// A void element: no content, no end tag.
    void: bool,
    /// Its start tag closes an open `p` (HTML's "close a p element in button scope").
    closes_p: bool,
    /// HTML's "special" category, which stops the search for an open `li`.
    special: bool,
    /// Attributes kept on it.
    attrs: &'static [&'static str],
}

const fn tag(name: &'static str, keep: bool, closes_p: bool, special: bool) -> Tag {
    Tag {
        name,
        keep,
        void: false,
        closes_p,
        special,
        attrs: &[],
    }
}

/// The elements the fast path handles; everything else (forms, unknown tags, scripts and styles
/// other than plain blocks, see [`raw_text_len`]) goes to ammonia. Allowed ones mirror
/// `super::TAGS` and `super::builder`'s attributes.
fn lookup(name: &str) -> Option<Tag> {
    Some(match name {
        "p" => tag("p", true, true, true),
        "h1" => tag("h1", true, true, true),
        "h2" => tag("h2", true, true, true),
        "h3" => tag("h3", true, true, true),
        "h4" => tag("h4", true, true, true),
        "h5" => tag("h5", true, true, true),
        "h6" => tag("h6", true, true, true),
        "ul" => tag("ul", true, true, true),
        "ol" => Tag {
            attrs: &["start"],
            ..tag("ol", true, true, true)
        },
        "li" => tag("li", true, true, true),
        "blockquote" => tag("blockquote", true, true, true),
        "figure" => tag("figure", true, true, true),
        "figcaption" => tag("figcaption", true, true, true),
        "pre" => tag("pre", true, true, true),
        "hr" => Tag {
            void: true,
            ..tag("hr", true, true, true)
        },
        "br" => Tag {
            void: true,
            ..tag("br", true, false, true)
        },
        // Void elements the allow-list drops: nothing to keep, no content to lose, and none of
        // them closes a `p`.
        "meta" => dropped_void("meta"),
        "link" => dropped_void("link"),
        "embed" => dropped_void("embed"),
        "img" => Tag {
            void: true,
            attrs: &["src", "alt", "title", "width", "height"],
            ..tag("img", true, false, true)
        },
        "a" => Tag {
            attrs: &["href", "title"],
            ..tag("a", true, false, false)
        },
        "em" => tag("em", true, false, false),
        "strong" => tag("strong", true, false, false),
        "b" => tag("b", true, false, false),
        "i" => tag("i", true, false, false),
        "code" => tag("code", true, false, false),
        "sub" => tag("sub", true, false, false),
        "sup" => tag("sup", true, false, false),
        // Tables only in their plain shape (see `table_misplaced`): anything the tree builder
        // would move (foster parenting) or add (a missing row) goes to ammonia.
        "table" => tag("table", true, true, true),
        "caption" => tag("caption", true, false, true),
        "thead" => tag("thead", true, false, true),
        "tbody" => tag("tbody", true, false, true),
        "tfoot" => tag("tfoot", true, false, true),
        "tr" => tag("tr", true, false, true),
        "td" => Tag {
            attrs: &["colspan", "rowspan"],
            ..tag("td", true, false, true)
        },
        "th" => Tag {
            attrs: &["colspan", "rowspan", "scope"],
            ..tag("th", true, false, true)
        },
        "div" => tag("div", false, true, true),
        "section" => tag("section", false, true, true),
        "article" => tag("article", false, true, true),
        "aside" => tag("aside", false, true, true),
        "header" => tag("header", false, true, true),
        "footer" => tag("footer", false, true, true),
        "span" => tag("span", false, false, false),
        "u" => tag("u", false, false, false),
        "s" => tag("s", false, false, false),
        "small" => tag("small", false, false, false),
        // Formatting elements like `u` and `s`: unwrapped, and like them only when properly
        // nested (a misnested one goes to the adoption agency, in ammonia).
        "font" => tag("font", false, false, false),
        "big" => tag("big", false, false, false),
        "strike" => tag("strike", false, false, false),
        "tt" => tag("tt", false, false, false),
        "abbr" => tag("abbr", false, false, false),
        "cite" => tag("cite", false, false, false),
        "q" => tag("q", false, false, false),
        "time" => tag("time", false, false, false),
        "mark" => tag("mark", false, false, false),
        _ => return None,
    })
}

/// A void element the allow-list removes.
const fn dropped_void(name: &'static str) -> Tag {
    Tag {
        void: true,
        ..tag(name, false, false, true)
    }
}

/// [`lookup`] for a tag name as written (HTML tag names are case-insensitive).
fn lookup_any_case(name: &str) -> Option<Tag> {
    if name.bytes().all(|b| !b.is_ascii_uppercase()) {
        return lookup(name);
    }
    let mut buf = [0u8; 16];
    let lower = buf.get_mut(..name.len())?;
    lower.copy_from_slice(name.as_bytes());
    lower.make_ascii_lowercase();
    lookup(std::str::from_utf8(lower).ok()?)
}

/// A URL-valued attribute (ammonia's `is_url_attr` for the attributes kept here).
fn is_url_attr(attr: &str) -> bool {
    matches!(attr, "href" | "src")
}

/// Named character references decoded here (with their `;`); any other name goes to the slow
/// path, since HTML's rules for names without `;` and for prefixes are intricate.
fn named_reference(name: &str) -> Option<char> {
    Some(match name {
        "amp" => '&',
        "lt" => '<',
        "gt" => '>',
        "quot" => '"',
        "apos" => '\'',
        "nbsp" => '\u{a0}',
        "mdash" => '\u{2014}',
        "ndash" => '\u{2013}',
        "hellip" => '\u{2026}',
        "lsquo" => '\u{2018}',
        "rsquo" => '\u{2019}',
        "ldquo" => '\u{201c}',
        "rdquo" => '\u{201d}',
        "laquo" => '\u{ab}',
        "raquo" => '\u{bb}',
        "copy" => '\u{a9}',
        "reg" => '\u{ae}',
        "trade" => '\u{2122}',
        "euro" => '\u{20ac}',
        "pound" => '\u{a3}',
        "middot" => '\u{b7}',
        "bull" => '\u{2022}',
        _ => return None,
    })
}

/// A numeric reference's character, when HTML decodes it to itself: the ranges where
/// html5ever neither substitutes (NUL, C1 → windows-1252, surrogates, out of range) nor
/// reports a control or non-character.
fn numeric_reference(digits: &str, hex: bool) -> Option<char> {
    if digits.is_empty() || digits.len() > 8 {
        return None;
    }
    let v = u32::from_str_radix(digits, if hex { 16 } else { 10 }).ok()?;
    let plain = matches!(v, 0x09 | 0x0a | 0x20..=0x7e | 0xa0..=0xd7ff | 0xe000..=0xfdcf | 0xfdf0..=0xfffd)
        || ((0x1_0000..=0x10_ffff).contains(&v) && v & 0xfffe != 0xfffe);
    if plain { char::from_u32(v) } else { None }
}

/// Bytes that end a run of text copied as it is: markup, references, what the serializer
/// escapes (NBSP starts with 0xC2) and controls the HTML parser rewrites or reports.
static TEXT_SPECIAL: [bool; 256] = {
    let mut t = [false; 256];
    let mut b = 0;
    while b < 0x20 {
        t[b] = !matches!(b, 0x09 | 0x0a | 0x0c);
        b += 1;
    }
    t[b'<' as usize] = true;
    t[b'&' as usize] = true;
    t[b'>' as usize] = true;
    t[0x7f] = true;
    t[0xc2] = true;
    t
};

/// Bytes looked at together by [`push_decoded`] before it goes byte by byte.
const CHUNK: usize = 32;

/// Whether `chunk` holds a [`TEXT_SPECIAL`] byte. Written with comparisons, not the table, so
/// that it compiles to vector compares: most text is long runs with nothing to escape.
fn has_special(chunk: &[u8; CHUNK]) -> bool {
    chunk.iter().fold(false, |found, &b| {
        let control = (b < 0x20) & (b != b'\t') & (b != b'\n') & (b != 0x0c);
        found | control | (b == b'<') | (b == b'&') | (b == b'>') | (b == 0x7f) | (b == 0xc2)
    })
}

/// HTML whitespace inside tags (CR never gets here: it is rejected up front).
fn is_space(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\n' | 0x0c)
}

/// Appends `c` escaped the way html5ever's serializer does (`"` only inside attributes).
fn push_escaped_char(out: &mut String, c: char, attr: bool) {
    match c {
        '&' => out.push_str("&amp;"),
        '<' => out.push_str("&lt;"),
        '>' => out.push_str("&gt;"),
        '"' if attr => out.push_str("&quot;"),
        '\u{a0}' => out.push_str("&nbsp;"),
        _ => out.push(c),
    }
}

/// Decodes the text or attribute value `raw` (no tags in it) and appends it escaped to `out`.
/// `None` when it holds something only the full parser handles.
fn push_decoded(out: &mut String, raw: &str, attr: bool) -> Option<()> {
    let bytes = raw.as_bytes();
    let mut start = 0;
    let mut i = 0;
    while i < bytes.len() {
        if let Some(chunk) = bytes
            .get(i..i + CHUNK)
            .and_then(|c| <&[u8; CHUNK]>::try_from(c).ok())
            && !has_special(chunk)
        {
            i += CHUNK;
            continue;
        }
        let b = bytes[i];
        if !TEXT_SPECIAL[usize::from(b)] {
            i += 1;
            continue;
        }
        out.push_str(&raw[start..i]);
        match b {
            b'&' => {
                let (c, used) = reference(&raw[i..])?;
                push_escaped_char(out, c, attr);
                i += used;
            }
            b'<' | b'>' => {
                push_escaped_char(out, char::from(b), attr);
                i += 1;
            }
            0xc2 if bytes.get(i + 1) == Some(&0xa0) => {
                out.push_str("&nbsp;");
                i += 2;
            }
            0xc2 => {
                out.push_str(&raw[i..i + 2]);
                i += 2;
            }
            _ => return None,
        }
        start = i;
    }
    out.push_str(&raw[start..]);
    Some(())
}

/// The character an `&` at the start of `s` stands for and how many bytes it takes.
fn reference(s: &str) -> Option<(char, usize)> {
    let rest = &s[1..];
    match rest.as_bytes().first() {
        // HTML keeps an `&` that starts no reference as it is.
        None => Some(('&', 1)),
        Some(c) if !c.is_ascii_alphanumeric() && *c != b'#' => Some(('&', 1)),
        Some(b'#') => {
            let body = &rest[1..];
            let (hex, digits_from) = match body.as_bytes().first() {
                Some(b'x' | b'X') => (true, 1),
                _ => (false, 0),
            };
            let digits = &body[digits_from..];
            let end = digits.find(';')?;
            let c = numeric_reference(&digits[..end], hex)?;
            if !digits[..end].bytes().all(|b| b.is_ascii_hexdigit()) {
                return None;
            }
            Some((c, 2 + digits_from + end + 1))
        }
        Some(_) => {
            let end = rest.find(';')?;
            let name = &rest[..end];
            if name.len() > 8 {
                return None;
            }
            Some((named_reference(name)?, 1 + end + 1))
        }
    }
}

/// One parsed start or end tag; its name is a slice of the input, in the case written.
struct RawTag<'a> {
    name: &'a str,
    end: bool,
    self_closing: bool,
    /// Bytes of input the tag took.
    len: usize,
}

/// Parses the tag at the start of `s` (which begins with `<` and an ASCII letter or `/`),
/// collecting its attributes (the first of any duplicates, as HTML keeps) into `attrs`.
fn parse_tag<'a>(s: &'a str, attrs: &mut Vec<(&'a str, &'a str)>) -> Option<RawTag<'a>> {
    attrs.clear();
    let b = s.as_bytes();
    let end = b.get(1) == Some(&b'/');
    let mut i = 1 + usize::from(end);
    let name_start = i;
    while i < b.len() && !is_space(b[i]) && b[i] != b'/' && b[i] != b'>' {
        if !b[i].is_ascii_alphanumeric() {
            return None;
        }
        i += 1;
    }
    let name = &s[name_start..i];
    loop {
        while i < b.len() && is_space(b[i]) {
            i += 1;
        }
        match b.get(i)? {
            b'>' => break,
            b'/' if !end && b.get(i + 1) == Some(&b'>') => {
                return Some(RawTag {
                    name,
                    end,
                    self_closing: true,
                    len: i + 2,
                });
            }
            _ if end => return None,
            _ => {}
        }
        let attr_start = i;
        while i < b.len() && !is_space(b[i]) && !matches!(b[i], b'/' | b'>' | b'=') {
            if !(b[i].is_ascii_alphanumeric() || matches!(b[i], b'-' | b'_' | b':' | b'.')) {
                return None;
            }
            i += 1;
        }
        if i == attr_start {
            return None;
        }
        let attr = &s[attr_start..i];
        while i < b.len() && is_space(b[i]) {
            i += 1;
        }
        let mut value = "";
        if b.get(i) == Some(&b'=') {
            i += 1;
            while i < b.len() && is_space(b[i]) {
                i += 1;
            }
            match *b.get(i)? {
                q @ (b'"' | b'\'') => {
                    let close = s[i + 1..].find(char::from(q))? + i + 1;
                    value = &s[i + 1..close];
                    i = close + 1;
                    // A value glued to the next attribute is a parse error HTML recovers from
                    // in its own way.
                    if !matches!(b.get(i), Some(c) if is_space(*c) || *c == b'>' || *c == b'/') {
                        return None;
                    }
                }
                _ => {
                    let v_start = i;
                    while i < b.len() && !is_space(b[i]) && b[i] != b'>' {
                        if matches!(b[i], b'"' | b'\'' | b'<' | b'=' | b'`') {
                            return None;
                        }
                        i += 1;
                    }
                    value = &s[v_start..i];
                }
            }
        }
        if !attrs.iter().any(|(a, _)| a.eq_ignore_ascii_case(attr)) {
            attrs.push((attr, value));
        }
    }
    Some(RawTag {
        name,
        end,
        self_closing: false,
        len: i + 1,
    })
}

/// Where ammonia's URL policy leaves a URL attribute's decoded value: kept as written
/// (absolute, allowed scheme: `Some(None)` means keep `value`), rewritten against the base
/// (relative), or dropped. `None` when ammonia would reorder attributes (a relative URL the
/// base cannot join).
fn url_value(value: &str, base: Option<&Url>) -> Option<UrlPolicy> {
    match Url::parse(value) {
        Ok(u) if matches!(u.scheme(), "http" | "https" | "mailto") => Some(UrlPolicy::Keep),
        Ok(_) => Some(UrlPolicy::Drop),
        Err(url::ParseError::RelativeUrlWithoutBase) => match base {
            Some(base) => base.join(value).ok().map(|u| UrlPolicy::Rewrite(u.into())),
            None => Some(UrlPolicy::Drop),
        },
        Err(_) => Some(UrlPolicy::Drop),
    }
}

/// What happens to a URL attribute.
enum UrlPolicy {
    Keep,
    Rewrite(String),
    Drop,
}

/// Appends the kept attributes of an allowed start tag, serialized.
fn push_attrs(
    out: &mut String,
    tag: &Tag,
    attrs: &[(&str, &str)],
    base: Option<&Url>,
    scratch: &mut String,
) -> Option<()> {
    for (written, value) in attrs {
        let Some(name) = tag.attrs.iter().find(|a| a.eq_ignore_ascii_case(written)) else {
            continue;
        };
        scratch.clear();
        decode(scratch, value)?;
        let policy = if is_url_attr(name) {
            url_value(scratch, base)?
        } else {
            UrlPolicy::Keep
        };
        let kept = match &policy {
            UrlPolicy::Keep => scratch.as_str(),
            UrlPolicy::Rewrite(v) => v.as_str(),
            UrlPolicy::Drop => continue,
        };
        out.push(' ');
        out.push_str(name);
        out.push_str("=\"");
        push_escaped_attr(out, kept);
        out.push('"');
    }
    if tag.name == "a" {
        out.push_str(" rel=\"");
        out.push_str(super::LINK_REL);
        out.push('"');
    }
    Some(())
}

/// Appends an attribute value escaped as html5ever's serializer does.
fn push_escaped_attr(out: &mut String, value: &str) {
    let mut start = 0;
    for (i, c) in value.char_indices() {
        if matches!(c, '&' | '<' | '>' | '"' | '\u{a0}') {
            out.push_str(&value[start..i]);
            push_escaped_char(out, c, true);
            start = i + c.len_utf8();
        }
    }
    out.push_str(&value[start..]);
}

/// Decodes references in an attribute value, unescaped.
fn decode(out: &mut String, raw: &str) -> Option<()> {
    let mut i = 0;
    while let Some(pos) = raw[i..].find(['&', '\r', '\0']) {
        let at = i + pos;
        out.push_str(&raw[i..at]);
        if raw.as_bytes()[at] != b'&' {
            return None;
        }
        let (c, used) = reference(&raw[at..])?;
        out.push(c);
        i = at + used;
    }
    out.push_str(&raw[i..]);
    Some(())
}

/// Whether the start tag `tag` would make the HTML tree builder close or move an open element
/// (so the token stream would no longer be the tree).
fn restructures(tag: &Tag, open: &[Tag]) -> bool {
    if tag.closes_p && open.iter().any(|t| t.name == "p") {
        return true;
    }
    let heading = |t: &Tag| matches!(t.name.as_bytes(), [b'h', b'1'..=b'6']);
    if heading(tag) && open.last().is_some_and(heading) {
        return true;
    }
    match tag.name {
        // An open `a` would be closed by the adoption agency.
        "a" => open.iter().any(|t| t.name == "a"),
        // An open `li` is closed unless a special element other than div or p intervenes.
        "li" => {
            for t in open.iter().rev() {
                if t.name == "li" {
                    return true;
                }
                if t.special && !matches!(t.name, "div" | "p") {
                    return false;
                }
            }
            false
        }
        _ => false,
    }
}

/// Elements whose content is table structure, where text and other elements would be moved
/// out of the table by the tree builder (foster parenting).
fn holds_rows(tag: &Tag) -> bool {
    matches!(tag.name, "table" | "thead" | "tbody" | "tfoot" | "tr")
}

/// Whether start tag `tag` under `parent` is outside the plain table shape this path handles:
/// caption and row groups directly in a table, rows in a row group (a row directly in a table
/// gets its `tbody` from the caller), cells in a row, and nothing else directly in any of them.
fn table_misplaced(tag: &Tag, parent: Option<&Tag>) -> bool {
    let parent = parent.map(|p| p.name);
    match tag.name {
        "caption" | "thead" | "tbody" | "tfoot" => parent != Some("table"),
        "tr" => !matches!(parent, Some("thead" | "tbody" | "tfoot")),
        "td" | "th" => parent != Some("tr"),
        _ => matches!(parent, Some("table" | "thead" | "tbody" | "tfoot" | "tr")),
    }
}

/// For a `<script>` or `<style>` start tag named `name`, the length of its content and end tag
/// at the start of `rest`, when the tokenizer is sure to end the element at the first
/// `</script>` (`</style>`): no `<!--` before it (which would switch a script to its escaped
/// states) and a plain end tag. `None` for any other element or anything less plain.
fn raw_text_len(name: &str, rest: &str) -> Option<usize> {
    let end_tag: &[u8] = if name.eq_ignore_ascii_case("script") {
        b"</script"
    } else if name.eq_ignore_ascii_case("style") {
        b"</style"
    } else {
        return None;
    };
    let b = rest.as_bytes();
    let mut from = 0;
    let at = loop {
        let lt = from + memchr::memmem::find(&b[from..], b"</")?;
        if b.get(lt..lt + end_tag.len())?.eq_ignore_ascii_case(end_tag) {
            break lt;
        }
        from = lt + 2;
    };
    if memchr::memmem::find(&b[..at], b"<!--").is_some() || b.get(at + end_tag.len()) != Some(&b'>')
    {
        return None;
    }
    Some(at + end_tag.len() + 1)
}

/// Sanitizes `html` as ammonia with `super::builder` would, or `None` when the input needs the
/// full HTML parser.
pub(super) fn clean(html: &str, base: Option<&Url>) -> Option<String> {
    let mut out = String::with_capacity(html.len() + html.len() / 8);
    let mut open: Vec<Tag> = Vec::new();
    let mut attrs = Vec::new();
    let mut scratch = String::new();
    let mut i = 0;
    let bytes = html.as_bytes();
    while i < bytes.len() {
        let text_end = memchr::memchr(b'<', &bytes[i..]).map_or(bytes.len(), |p| i + p);
        if text_end > i {
            let text = &html[i..text_end];
            // Between a table's rows only whitespace stays where it is.
            if open.last().is_some_and(holds_rows)
                && !text
                    .bytes()
                    .all(|b| matches!(b, b' ' | b'\t' | b'\n' | 0x0c))
            {
                return None;
            }
            push_decoded(&mut out, text, false)?;
            i = text_end;
            continue;
        }
        match bytes.get(i + 1) {
            Some(c) if c.is_ascii_alphabetic() => {}
            Some(b'/') if bytes.get(i + 2).is_some_and(u8::is_ascii_alphabetic) => {}
            // A `<` that starts no tag is text (which a table would move out of itself).
            Some(c)
                if (c.is_ascii_digit() || *c == b' ') && !open.last().is_some_and(holds_rows) =>
            {
                out.push_str("&lt;");
                i += 1;
                continue;
            }
            _ => return None,
        }
        let raw = parse_tag(&html[i..], &mut attrs)?;
        i += raw.len;
        if !raw.end
            && !raw.self_closing
            && let Some(skip) = raw_text_len(raw.name, &html[i..])
        {
            // A script or style block: ammonia drops it with everything inside.
            i += skip;
            continue;
        }
        let tag = lookup_any_case(raw.name)?;
        if raw.end {
            // `</table>` closes an open row group, as the tree builder does.
            if tag.name == "table"
                && let Some(group) = open
                    .last()
                    .filter(|t| matches!(t.name, "thead" | "tbody" | "tfoot"))
            {
                out.push_str("</");
                out.push_str(group.name);
                out.push('>');
                open.pop();
            }
            // An end tag of a void element (`</img>`) is ignored by the tree builder; `</br>`,
            // which it reads as `<br>`, is left to it.
            if tag.void && tag.name != "br" {
                continue;
            }
            if tag.void || open.last().map(|t| t.name) != Some(tag.name) {
                return None;
            }
            open.pop();
            if tag.keep {
                out.push_str("</");
                out.push_str(tag.name);
                out.push('>');
            }
            continue;
        }
        if (raw.self_closing && !tag.void) || restructures(&tag, &open) {
            return None;
        }
        // A row directly in a table is put in a `tbody`, as the tree builder does.
        if tag.name == "tr"
            && open.last().is_some_and(|t| t.name == "table")
            && let Some(tbody) = lookup("tbody")
        {
            out.push_str("<tbody>");
            open.push(tbody);
        }
        if table_misplaced(&tag, open.last()) {
            return None;
        }
        // The tree builder drops a newline right after `<pre>`, written or as a reference
        // (`&#10;`); leave that to it.
        if tag.name == "pre" && matches!(bytes.get(i), Some(b'\n' | b'&')) {
            return None;
        }
        if tag.keep {
            out.push('<');
            out.push_str(tag.name);
            push_attrs(&mut out, &tag, &attrs, base, &mut scratch)?;
            out.push('>');
        }
        if !tag.void {
            if open.len() >= MAX_DEPTH {
                return None;
            }
            open.push(tag);
        }
    }
    // The parser closes whatever is still open at the end.
    while let Some(tag) = open.pop() {
        if tag.keep {
            out.push_str("</");
            out.push_str(tag.name);
            out.push('>');
        }
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn base() -> Url {
        Url::parse("https://news.example/section/story.html").expect("valid base")
    }

    fn slow(html: &str, base: Option<&str>) -> String {
        super::super::ammonia_clean(html, base.and_then(|b| Url::parse(b).ok()))
    }

    #[test]
    fn tidy_markup_is_handled_here() {
        let html = "<p>One <a href=\"/x?a=1&amp;b=2\" title='T &quot;q&quot;'>two</a> &amp; \
                    three&nbsp;&mdash; &#8220;x&#x201D; a < b</p>\n<figure><img src=\"y.jpg\" \
                    alt=\"A\" onclick=\"z()\"><figcaption>c</figcaption></figure><div>d</div>";
        let out = clean(html, Some(&base())).expect("fast path");
        assert_eq!(out, slow(html, Some(base().as_str())));
        assert!(
            out.contains("href=\"https://news.example/x?a=1&amp;b=2\""),
            "{out}"
        );
    }

    #[test]
    fn plain_scripts_and_styles_are_dropped_here() {
        for html in [
            "<p>a<script>x</script></p>",
            "<p style=\"color:red\" onclick=\"t()\">Read</p><script>a.page(\"s\")</script>\n<p>b</p>",
            "<p>a<SCRIPT type=\"text/javascript\">if (a < b && c) { d('</p>') }</ScRiPt>b</p>",
            "<div><style>p { color: red }</style><p>x</p></div>",
            "<script></script>",
        ] {
            let fast = clean(html, Some(&base())).expect("fast path");
            assert_eq!(fast, slow(html, Some(base().as_str())), "{html}");
        }
    }

    #[test]
    fn anything_unusual_goes_to_the_full_parser() {
        for html in [
            "<p>a<script>x<!--</script>-->y</script></p>",
            "<p>a<script>x</script </p>",
            "<p>a<script>x",
            "<p>a<script/>x</p>",
            "<p>a<p>b",
            "<b>x<i>y</b></i>",
            "<!-- c --><p>x</p>",
            "<table><tr><td>x</td></tr></table>",
            "<ul><li>a<li>b</ul>",
            "<a href=x><a href=y>z</a></a>",
            "<p>a<div>b</div></p>",
            "<pre>\nx</pre>",
            "<pre>&#10;x</pre>",
            "<pre>&#x0A;x</pre>",
            "<p>&copy x</p>",
            "<p>&#128;</p>",
            "<p>a\r\nb</p>",
            "<p title=\"a\"title=\"b\">x</p>",
            "<svg><p>x</p></svg>",
            "<a href=\"http://[::1\">x</a>",
        ] {
            let fast = clean(html, Some(&base()));
            if let Some(out) = fast {
                assert_eq!(out, slow(html, Some(base().as_str())), "{html}");
            }
        }
        assert_eq!(
            clean("<p>a<script>x<!--</script>-->y</script></p>", None),
            None
        );
        assert_eq!(clean("<ul><li>a<li>b</ul>", None), None);
    }

    /// Pieces the property test strings together: tidy and untidy markup, references, quotes.
    const PIECES: &[&str] = &[
        "<table>",
        "</table>",
        "<tbody>",
        "</tbody>",
        "<thead>",
        "<tr>",
        "</tr>",
        "<td colspan=2 class=x>",
        "</td>",
        "<th scope=col>",
        "</th>",
        "<caption>",
        "</caption>",
        " ",
        "<font color=red>",
        "</img>",
        "</br>",
        "<meta http-equiv=refresh content=0>",
        "<link rel=stylesheet href=x.css>",
        "</embed>",
        "</font>",
        "<p>",
        "</p>",
        "<a href=\"/r\">",
        "<a href=\"javascript:x\">",
        "<a href='https://e.example/'>",
        "</a>",
        "<em>",
        "</em>",
        "<ul>",
        "</ul>",
        "<li>",
        "</li>",
        "<img src=\"i.png\" alt=\"&amp;\">",
        "<br>",
        "<br/>",
        "<hr>",
        "<div>",
        "</div>",
        "<span title=x>",
        "</span>",
        "<h2>",
        "</h2>",
        "<h3>",
        "<blockquote>",
        "</blockquote>",
        "<pre>",
        "</pre>",
        "<b>",
        "</b>",
        "<i>",
        "</i>",
        "<code>",
        "</code>",
        "<figure>",
        "</figure>",
        "<img src=//cdn.example/x.jpg width=3>",
        "text",
        "&amp;",
        "&lt;",
        "& ",
        "&nbsp;",
        "\u{a0}",
        "&#233;",
        "&#x2014;",
        "&#10;",
        "\"",
        "'",
        ">",
        "< 3",
        "\n",
        "  ",
        "é",
        "<script>",
        "</script>",
        "<style>",
        "</STYLE>",
        "<!--c-->",
        "<table>",
        "<td>",
        "<ol start=2>",
        "</ol>",
        "<sub>",
        "</sub>",
    ];

    #[test]
    fn plain_tables_and_void_elements_are_handled_here_and_odd_ones_by_ammonia() {
        for html in [
            "<table><tbody><tr><td>a</td><td colspan=\"2\" style=x>b</td></tr></tbody></table>",
            "<table>\n <tr>\n  <th scope=\"col\">h</th>\n </tr>\n <tr><td><p>x</p></td></tr>\n</table>",
            "<table><caption>Prices</caption><thead><tr><th>a</th></tr></thead><tbody><tr><td>1</td></tr></table>",
            "<div><font color=\"red\">a</font><table><tr><td><b>x</b></td></tr></table></div>",
            "<p>a<img src=\"x.png\" onclick=\"y()\"></img>b</p>",
            "<div>safe<meta http-equiv=\"Refresh\" content=\"0\"> <link rel=stylesheet href=x.css>text</div>",
            "<p><embed src=\"x.swf\"></embed>after</p>",
        ] {
            let fast = clean(html, Some(&base())).unwrap_or_else(|| panic!("fast path: {html}"));
            assert_eq!(fast, slow(html, Some(base().as_str())), "{html}");
        }
        for html in [
            "<p>a</br>b</p>",
            "<table>loose text<tr><td>a</td></tr></table>",
            "<table><tr><div>moved</div></tr></table>",
            "<p>open<table><tr><td>a</td></tr></table>",
            "<td>cell alone</td>",
            "<table><tr><td>a<td>b</tr></table>",
            "<table>\n< ",
            "<table><tr>< 3</tr></table>",
        ] {
            assert!(clean(html, None).is_none(), "{html}");
        }
    }

    #[test]
    fn the_chunk_test_agrees_with_the_byte_table() {
        for b in 0..=255u8 {
            for at in [0, 13, CHUNK - 1] {
                let mut chunk = [b'a'; CHUNK];
                chunk[at] = b;
                assert_eq!(
                    has_special(&chunk),
                    TEXT_SPECIAL[usize::from(b)],
                    "byte {b:#x} at {at}"
                );
            }
        }
        let long = "Harbour workers voted on Tuesday to accept the offer".repeat(3);
        for special in [
            "&amp;",
            "<b>x</b>",
            "a > b",
            "\u{a0}",
            "caf\u{e9}",
            "\u{7f}",
        ] {
            for at in [0, 31, 32, 33, 70] {
                let html = format!("<p>{}{special}{}</p>", &long[..at], &long[at..]);
                if let Some(fast) = clean(&html, None) {
                    assert_eq!(fast, slow(&html, None), "{html:?}");
                }
            }
        }
    }

    proptest! {
        // Whenever the fast path answers, its answer is ammonia's.
        #[test]
        fn agrees_with_ammonia(
            parts in proptest::collection::vec(proptest::sample::select(PIECES), 0..24),
            with_base in any::<bool>(),
        ) {
            let html = parts.concat();
            let b = base();
            let base_opt = with_base.then_some(&b);
            if let Some(out) = clean(&html, base_opt) {
                prop_assert_eq!(out, slow(&html, base_opt.map(Url::as_str)), "{}", html);
            }
        }
    }
}
