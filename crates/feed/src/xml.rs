//! A small, forgiving XML tokenizer.
//!
//! Why our own and not quick-xml or feed-rs: feeds in the wild are often not well-formed (a stray
//! `&` in a URL, an HTML entity such as `&eacute;` that XML does not define, a missing end tag),
//! and an aggregator must still recover what it can *and* record that the document was broken
//! (feedparser's `bozo`). feed-rs gives up on such documents, and quick-xml's recovery knobs
//! (unchecked end names, no entity resolver) would still leave entity decoding, DOCTYPE handling
//! and error bookkeeping to us. Tokenizing ourselves keeps all of it in one place: every
//! irregularity becomes a bozo note, and the text we keep is predictable.
//!
//! Security: DOCTYPE internal subsets are skipped; only "safe" entity declarations whose value is
//! plain text (or a single character reference) are remembered, and they are substituted as text
//! without further expansion — no external entities, no recursion, no billion laughs.

use rustc_hash::FxHashMap as HashMap;
use std::borrow::Cow;

/// One token of the document. Names are slices of the input, and text and attribute values are
/// too unless a reference had to be decoded: most tokens cost no allocation.
#[derive(Debug, Clone, PartialEq)]
pub enum Token<'a> {
    Start {
        name: &'a str,
        attrs: Vec<(&'a str, Cow<'a, str>)>,
        empty: bool,
    },
    End {
        name: &'a str,
    },
    /// Character data with entity and character references decoded.
    Text(Cow<'a, str>),
}

/// Tokenizes decoded text. Well-formedness problems are recorded in `errors` (the first few).
pub struct Tokenizer<'a> {
    s: &'a str,
    b: &'a [u8],
    pos: usize,
    pub errors: Vec<String>,
    entities: HashMap<String, String>,
    /// True once the netscape RSS 0.91 DOCTYPE has been seen.
    pub netscape_doctype: bool,
    pub seen_root: bool,
}

const MAX_ERRORS: usize = 16;

impl<'a> Tokenizer<'a> {
    pub fn new(s: &'a str) -> Self {
        Tokenizer {
            s,
            b: s.as_bytes(),
            pos: 0,
            errors: Vec::new(),
            entities: HashMap::default(),
            netscape_doctype: false,
            seen_root: false,
        }
    }

    fn error(&mut self, msg: impl Into<String>) {
        if self.errors.len() < MAX_ERRORS {
            let line = self.s[..self.pos.min(self.s.len())]
                .bytes()
                .filter(|&c| c == b'\n')
                .count()
                + 1;
            self.errors.push(format!("line {line}: {}", msg.into()));
        }
    }

    fn starts_with(&self, p: &str) -> bool {
        self.b[self.pos..].starts_with(p.as_bytes())
    }

    fn find_from(&self, pat: &str) -> Option<usize> {
        find_seq(&self.b[self.pos..], pat.as_bytes()).map(|i| i + self.pos)
    }

    /// The next token, or `None` at the end of input.
    pub fn next_token(&mut self) -> Option<Token<'a>> {
        loop {
            if self.pos >= self.b.len() {
                return None;
            }
            if self.b[self.pos] != b'<' {
                let end = memchr::memchr(b'<', &self.b[self.pos..])
                    .map(|i| i + self.pos)
                    .unwrap_or(self.b.len());
                let s = self.s;
                let raw = &s[self.pos..end];
                self.pos = end;
                let text = self.decode_text(raw);
                return Some(Token::Text(text));
            }
            // At '<'.
            if self.starts_with("<![CDATA[") {
                let start = self.pos + 9;
                let s = self.s;
                match find_seq(&self.b[start..], b"]]>") {
                    Some(i) => {
                        self.pos = start + i + 3;
                        return Some(Token::Text(Cow::Borrowed(&s[start..start + i])));
                    }
                    None => {
                        self.error("unterminated CDATA section");
                        self.pos = self.b.len();
                        return Some(Token::Text(Cow::Borrowed(&s[start..])));
                    }
                }
            }
            if self.starts_with("<!--") {
                match find_seq(&self.b[self.pos + 4..], b"-->") {
                    Some(i) => self.pos += 4 + i + 3,
                    None => {
                        self.error("unterminated comment");
                        self.pos = self.b.len();
                    }
                }
                continue;
            }
            if self.starts_with("<?") {
                match self.find_from("?>") {
                    Some(i) => self.pos = i + 2,
                    None => {
                        self.error("unterminated processing instruction");
                        self.pos = self.b.len();
                    }
                }
                continue;
            }
            if self.starts_with("<!") {
                self.skip_declaration();
                continue;
            }
            if self.starts_with("</") {
                let start = self.pos + 2;
                let name_end = scan_name(self.b, start);
                let s = self.s;
                let name = &s[start..name_end];
                let close = memchr::memchr(b'>', &self.b[name_end..]).map(|i| i + name_end);
                match close {
                    Some(c) => {
                        if !self.s[name_end..c].trim().is_empty() {
                            self.error("junk in end tag");
                        }
                        self.pos = c + 1;
                    }
                    None => {
                        self.error("unterminated end tag");
                        self.pos = self.b.len();
                    }
                }
                if name.is_empty() {
                    self.error("end tag without a name");
                    continue;
                }
                return Some(Token::End { name });
            }
            let start = self.pos + 1;
            let name_end = scan_name(self.b, start);
            if name_end == start || !is_name_start(self.b[start]) {
                // A '<' that does not open a tag: keep it as text.
                self.error("'<' not starting a tag");
                self.pos += 1;
                return Some(Token::Text(Cow::Borrowed("<")));
            }
            let s = self.s;
            let name = &s[start..name_end];
            self.pos = name_end;
            let (attrs, empty) = self.parse_attrs();
            self.seen_root = true;
            return Some(Token::Start { name, attrs, empty });
        }
    }

    /// Attributes up to and including the closing `>` or `/>`.
    fn parse_attrs(&mut self) -> (Vec<(&'a str, Cow<'a, str>)>, bool) {
        let s = self.s;
        let mut attrs: Vec<(&'a str, Cow<'a, str>)> = Vec::new();
        loop {
            while self.pos < self.b.len() && self.b[self.pos].is_ascii_whitespace() {
                self.pos += 1;
            }
            if self.pos >= self.b.len() {
                self.error("unterminated start tag");
                return (attrs, false);
            }
            match self.b[self.pos] {
                b'>' => {
                    self.pos += 1;
                    return (attrs, false);
                }
                b'/' if self.b.get(self.pos + 1) == Some(&b'>') => {
                    self.pos += 2;
                    return (attrs, true);
                }
                b'<' => {
                    self.error("'<' inside a start tag");
                    return (attrs, false);
                }
                _ => {}
            }
            let name_start = self.pos;
            let name_end = scan_name(self.b, name_start);
            if name_end == name_start {
                self.error("junk in start tag");
                self.pos += self.s[self.pos..].chars().next().map_or(1, char::len_utf8);
                continue;
            }
            let name = &s[name_start..name_end];
            self.pos = name_end;
            while self.pos < self.b.len() && self.b[self.pos].is_ascii_whitespace() {
                self.pos += 1;
            }
            let value = if self.b.get(self.pos) == Some(&b'=') {
                self.pos += 1;
                while self.pos < self.b.len() && self.b[self.pos].is_ascii_whitespace() {
                    self.pos += 1;
                }
                match self.b.get(self.pos) {
                    Some(&q @ (b'"' | b'\'')) => {
                        let vstart = self.pos + 1;
                        match memchr::memchr(q, &self.b[vstart..]) {
                            Some(i) => {
                                let raw = &s[vstart..vstart + i];
                                self.pos = vstart + i + 1;
                                if raw.contains('<') {
                                    self.error("'<' in attribute value");
                                }
                                self.decode_attr(raw)
                            }
                            None => {
                                self.error("unterminated attribute value");
                                let raw = &s[vstart..];
                                self.pos = self.b.len();
                                self.decode_attr(raw)
                            }
                        }
                    }
                    _ => {
                        self.error("unquoted attribute value");
                        let vstart = self.pos;
                        while self.pos < self.b.len()
                            && !self.b[self.pos].is_ascii_whitespace()
                            && self.b[self.pos] != b'>'
                        {
                            self.pos += 1;
                        }
                        let raw = &s[vstart..self.pos];
                        self.decode_attr(raw)
                    }
                }
            } else {
                self.error("attribute without a value");
                Cow::Borrowed(name)
            };
            if attrs.iter().any(|(n, _)| *n == name) {
                self.error("duplicate attribute");
                continue;
            }
            attrs.push((name, value));
        }
    }

    fn decode_attr(&mut self, raw: &'a str) -> Cow<'a, str> {
        // Attribute value normalisation: literal whitespace characters become spaces.
        let v = self.decode_text(raw);
        if v.contains(['\n', '\t', '\r']) {
            Cow::Owned(v.replace(['\n', '\t', '\r'], " "))
        } else {
            v
        }
    }

    /// `<!DOCTYPE …>` (with its internal subset) and other `<!…>` declarations are skipped;
    /// safe entity declarations are remembered.
    fn skip_declaration(&mut self) {
        let start = self.pos;
        let is_doctype = self.b[start..]
            .get(2..9)
            .is_some_and(|w| w.eq_ignore_ascii_case(b"DOCTYPE"));
        if self.seen_root {
            self.error("declaration inside the document");
        }
        let mut i = start + 2;
        let mut depth = 0usize;
        let mut quote: Option<u8> = None;
        while i < self.b.len() {
            let c = self.b[i];
            match quote {
                Some(q) if c == q => quote = None,
                Some(_) => {}
                None => match c {
                    b'"' | b'\'' => quote = Some(c),
                    b'[' => depth += 1,
                    b']' => depth = depth.saturating_sub(1),
                    b'>' if depth == 0 => break,
                    _ => {}
                },
            }
            i += 1;
        }
        let end = i.min(self.b.len());
        let decl = &self.s[start..end];
        if is_doctype {
            if decl.to_ascii_lowercase().contains("netscape") {
                self.netscape_doctype = true;
            }
            self.collect_entities(decl);
        }
        if i >= self.b.len() {
            self.error("unterminated declaration");
        }
        self.pos = (end + 1).min(self.b.len());
    }

    /// Remembers `<!ENTITY name "value">` declarations whose value is literal text or one
    /// character reference. Anything else (external, parameter, nested references) is ignored.
    fn collect_entities(&mut self, decl: &str) {
        let mut rest = decl;
        while let Some(i) = rest.find("<!ENTITY") {
            rest = &rest[i + 8..];
            let body_end = rest.find('>').unwrap_or(rest.len());
            let body = rest[..body_end].trim();
            rest = &rest[body_end..];
            let mut parts = body.splitn(2, char::is_whitespace);
            let name = parts.next().unwrap_or("");
            let value = parts.next().unwrap_or("").trim();
            if name.is_empty() || name == "%" || !name.bytes().all(is_name_byte) {
                continue;
            }
            let Some(value) = value.strip_prefix('"').and_then(|v| v.strip_suffix('"')) else {
                continue;
            };
            let safe = if value.contains('&') {
                value.starts_with("&#")
                    && value.ends_with(';')
                    && value[2..value.len() - 1]
                        .bytes()
                        .all(|c| c.is_ascii_alphanumeric())
            } else {
                true
            };
            if safe && self.entities.len() < 256 {
                let v = if value.starts_with("&#") {
                    decode_charref(&value[2..value.len() - 1])
                        .map(String::from)
                        .unwrap_or_default()
                } else {
                    value.to_string()
                };
                self.entities.insert(name.to_string(), v);
            }
        }
    }

    /// Decodes character and entity references in text. Undefined entities and stray `&` are
    /// kept literally and recorded as errors.
    fn decode_text(&mut self, raw: &'a str) -> Cow<'a, str> {
        let Some(first) = memchr::memchr(b'&', raw.as_bytes()) else {
            if find_seq(raw.as_bytes(), b"]]>").is_some() {
                self.error("']]>' in text");
            }
            return Cow::Borrowed(raw);
        };
        let mut out = String::with_capacity(raw.len());
        out.push_str(&raw[..first]);
        let mut rest = &raw[first..];
        while let Some(i) = memchr::memchr(b'&', rest.as_bytes()) {
            out.push_str(&rest[..i]);
            rest = &rest[i..];
            let semi = rest[1..]
                .bytes()
                .take(40)
                .position(|c| c == b';')
                .map(|p| p + 1);
            let name = semi.map(|s| &rest[1..s]);
            match name {
                Some(n) if n.starts_with('#') => match decode_charref(&n[1..]) {
                    Some(c) => {
                        if n.starts_with("#X") {
                            self.error("uppercase X in character reference");
                        }
                        out.push(c);
                        rest = &rest[n.len() + 2..];
                    }
                    None => {
                        self.error(format!("bad character reference &{n};"));
                        out.push('&');
                        rest = &rest[1..];
                    }
                },
                Some(n) if !n.is_empty() && n.bytes().all(is_name_byte) => {
                    let predefined = match n {
                        "amp" => Some("&"),
                        "lt" => Some("<"),
                        "gt" => Some(">"),
                        "quot" => Some("\""),
                        "apos" => Some("'"),
                        _ => None,
                    };
                    if let Some(p) = predefined {
                        out.push_str(p);
                    } else if let Some(v) = self.entities.get(n) {
                        out.push_str(v);
                    } else if let Some(v) = crate::entities::html_entity(n) {
                        self.error(format!("undefined entity &{n};"));
                        out.push_str(&v);
                    } else {
                        self.error(format!("undefined entity &{n};"));
                        out.push_str(&rest[..n.len() + 2]);
                    }
                    rest = &rest[n.len() + 2..];
                }
                _ => {
                    self.error("unescaped '&'");
                    out.push('&');
                    rest = &rest[1..];
                }
            }
        }
        out.push_str(rest);
        Cow::Owned(out)
    }
}

/// Where `needle` (a short delimiter such as `]]>`) first occurs in `hay`. Jumps between its
/// first byte with memchr: `memmem::find` would build a searcher per call, which costs more
/// than the search on the short texts feeds are made of.
fn find_seq(hay: &[u8], needle: &[u8]) -> Option<usize> {
    let (&first, rest) = needle.split_first()?;
    let mut from = 0;
    while let Some(i) = memchr::memchr(first, &hay[from..]) {
        let at = from + i;
        if hay[at + 1..].starts_with(rest) {
            return Some(at);
        }
        from = at + 1;
    }
    None
}

fn decode_charref(s: &str) -> Option<char> {
    let n = if let Some(h) = s.strip_prefix('x').or_else(|| s.strip_prefix('X')) {
        u32::from_str_radix(h, 16).ok()?
    } else {
        s.parse::<u32>().ok()?
    };
    if n == 0 {
        return None;
    }
    char::from_u32(n)
}

fn is_name_start(c: u8) -> bool {
    c.is_ascii_alphabetic() || c == b'_' || c == b':' || c >= 0x80
}

fn is_name_byte(c: u8) -> bool {
    c.is_ascii_alphanumeric() || matches!(c, b'_' | b':' | b'-' | b'.') || c >= 0x80
}

fn scan_name(b: &[u8], mut i: usize) -> usize {
    while i < b.len() && is_name_byte(b[i]) {
        i += 1;
    }
    i
}

#[cfg(test)]
mod tests {
    use super::*;

    fn all(s: &str) -> (Vec<Token<'_>>, Vec<String>) {
        let mut t = Tokenizer::new(s);
        let mut v = Vec::new();
        while let Some(x) = t.next_token() {
            v.push(x);
        }
        (v, t.errors)
    }

    #[test]
    fn decodes_references_and_flags_html_entities() {
        let (toks, errs) = all("<a x='1 &amp; 2'>&lt;&#65;&#x42;&eacute;&bogus; & z</a>");
        assert_eq!(
            toks[1],
            Token::Text("<AB\u{e9}&bogus; & z".into()),
            "{toks:?}"
        );
        assert_eq!(errs.len(), 3, "{errs:?}");
        match &toks[0] {
            Token::Start { attrs, .. } => assert_eq!(attrs[0].1, "1 & 2"),
            t => panic!("{t:?}"),
        }
    }

    #[test]
    fn doctype_entities_are_never_expanded_recursively() {
        let (toks, _) = all(
            "<!DOCTYPE x [<!ENTITY a \"aa\"><!ENTITY b \"&a;&a;\"><!ENTITY c SYSTEM \"file:///etc/passwd\">]><x>&a;&b;&c;</x>",
        );
        assert_eq!(toks[1], Token::Text("aa&b;&c;".into()));
    }

    #[test]
    fn finds_delimiters() {
        assert_eq!(find_seq(b"a]]b]]>c", b"]]>"), Some(4));
        assert_eq!(find_seq(b"--->", b"-->"), Some(1));
        assert_eq!(find_seq(b"]]", b"]]>"), None);
        assert_eq!(find_seq(b"", b"?>"), None);
    }

    #[test]
    fn cdata_and_truncation() {
        let (toks, errs) = all("<x><![CDATA[<b>&amp;</b>]]><![CDATA[open");
        assert_eq!(toks[1], Token::Text("<b>&amp;</b>".into()));
        assert_eq!(toks[2], Token::Text("open".into()));
        assert!(!errs.is_empty());
    }
}
