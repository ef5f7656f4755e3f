//! Bytes → text for feeds, following the rules feed readers agree on (RFC 3023 / RFC 7303 as
//! feedparser applies them): the HTTP `Content-Type` charset wins for XML media types, `text/*`
//! without a charset means US-ASCII, `application/*xml` without one falls back to the XML
//! declaration, a byte-order mark or the UTF-16/32 shape of `<?xml` is sniffed, and when the
//! chosen encoding cannot decode the bytes the next candidate is tried (declared, sniffed,
//! detected, UTF-8, windows-1252, ISO-8859-2) — recording that the declaration was overridden.
//!
//! `tidings_extract::decode::decode_text` is built for web pages (HTML meta charset, NFC, binary
//! refusal); feeds need the XML-specific precedence above and must report the encoding used by
//! its codec name, so this module is separate.

use encoding_rs::Encoding;
use std::borrow::Cow;

/// What decoding found.
#[derive(Debug, Clone)]
pub struct Decoded {
    pub text: String,
    /// Lower-case codec name of the encoding actually used (`utf-8`, `us-ascii`, `utf-16le`, …);
    /// empty when nothing could decode the bytes.
    pub encoding: String,
    /// The media type from the `Content-Type` header (lower case), empty without one.
    pub content_type: String,
    /// True when the body should be read as JSON (JSON media type, or no header and a `{`).
    pub json: bool,
    /// A problem worth a bozo flag: `(class, message)`.
    pub error: Option<(&'static str, String)>,
}

/// Splits `text/xml; charset="x"` into the lower-case media type and charset.
pub fn parse_content_type(line: &str) -> (String, String) {
    let mut chunks = line.split(';');
    let mime = chunks.next().unwrap_or("").trim().to_ascii_lowercase();
    let mut charset = String::new();
    for chunk in chunks {
        if let Some((k, v)) = chunk.split_once('=')
            && k.trim().eq_ignore_ascii_case("charset")
        {
            charset = v
                .trim()
                .trim_matches(|c| c == '\'' || c == '"')
                .trim()
                .to_ascii_lowercase();
        }
    }
    (mime, charset)
}

/// Decodes a feed body. `headers` are the HTTP response headers (empty when the bytes did not
/// come over HTTP).
pub fn decode(data: &[u8], headers: &[(String, String)]) -> Decoded {
    let (bom, body) = sniff_bom(data);
    let xml_encoding = declared_encoding(body, bom);

    let header = |name: &str| {
        headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    };
    let (mut mime, http_encoding) = parse_content_type(header("content-type").unwrap_or(""));
    let mut acceptable = false;
    let mut json = false;
    let first_non_space = body.iter().find(|c| !c.is_ascii_whitespace()).copied();
    let rfc3023 = if matches!(
        mime.as_str(),
        "application/xml" | "application/xml-dtd" | "application/xml-external-parsed-entity"
    ) || (mime.starts_with("application/") && mime.ends_with("+xml"))
    {
        acceptable = true;
        first_of(&[&http_encoding, &xml_encoding, "utf-8"])
    } else if matches!(
        mime.as_str(),
        "text/xml" | "text/xml-external-parsed-entity"
    ) || (mime.starts_with("text/") && mime.ends_with("+xml"))
    {
        acceptable = true;
        first_of(&[&http_encoding, "us-ascii"])
    } else if matches!(mime.as_str(), "application/feed+json" | "application/json")
        || (mime.is_empty() && first_non_space == Some(b'{'))
    {
        mime = "application/feed+json".into();
        acceptable = true;
        json = true;
        first_of(&[&http_encoding, "utf-8"])
    } else if mime.starts_with("text/") {
        first_of(&[&http_encoding, "us-ascii"])
    } else if !headers.is_empty() && header("content-type").is_none() {
        first_of(&[&xml_encoding, "iso-8859-1"])
    } else {
        // feedparser would try UTF-8 before the byte-order mark here; a BOM is the stronger hint.
        first_of(&[&xml_encoding, bom, "utf-8"])
    };
    let rfc3023 = gb(rfc3023);
    let xml_encoding = gb(xml_encoding);

    let mut error: Option<(&'static str, String)> = None;
    if !headers.is_empty() && !acceptable {
        let msg = match header("content-type") {
            Some(ct) => format!("{ct} is not an XML media type"),
            None => "no Content-type specified".into(),
        };
        error = Some(("NonXMLContentType", msg));
    }
    // Detection reads the whole body, so it runs only when the declared encodings fail.
    let candidates = [rfc3023.as_str(), xml_encoding.as_str(), bom]
        .into_iter()
        .map(Cow::Borrowed)
        .chain(std::iter::once_with(|| Cow::Owned(detect(body))))
        .chain(["utf-8", "windows-1252", "iso-8859-2"].map(Cow::Borrowed));
    let mut tried: Vec<Cow<'_, str>> = Vec::new();
    for cand in candidates {
        if cand.is_empty() || tried.contains(&cand) {
            continue;
        }
        if let Some(text) = decode_strict(&cand, body) {
            if cand != rfc3023 {
                error = Some((
                    "CharacterEncodingOverride",
                    format!("document declared as {rfc3023}, but parsed as {cand}"),
                ));
            }
            return Decoded {
                text,
                encoding: cand.into_owned(),
                content_type: mime,
                json,
                error,
            };
        }
        tried.push(cand);
    }
    Decoded {
        text: String::from_utf8_lossy(body).into_owned(),
        encoding: String::new(),
        content_type: mime,
        json,
        error: Some((
            "CharacterEncodingUnknown",
            format!(
                "document encoding unknown, I tried {rfc3023}, {xml_encoding}, utf-8, \
                 windows-1252, and iso-8859-2 but nothing worked"
            ),
        )),
    }
}

fn first_of(options: &[&str]) -> String {
    options
        .iter()
        .find(|s| !s.is_empty())
        .map(|s| s.to_string())
        .unwrap_or_default()
}

/// gb18030 is a superset of gb2312; always read the larger one.
fn gb(s: String) -> String {
    if s.eq_ignore_ascii_case("gb2312") {
        "gb18030".into()
    } else {
        s
    }
}

/// A byte-order mark, or `<?` written in UTF-16/32: the encoding it implies and the body after
/// the mark.
fn sniff_bom(data: &[u8]) -> (&'static str, &[u8]) {
    let head = |n: usize| data.get(..n).unwrap_or(&[]);
    let zero2 = data.get(2..4) == Some(&[0, 0][..]);
    if head(4) == [0, 0, 0xFE, 0xFF] {
        ("utf-32be", &data[4..])
    } else if head(4) == [0xFF, 0xFE, 0, 0] {
        ("utf-32le", &data[4..])
    } else if head(2) == [0xFE, 0xFF] && !zero2 {
        ("utf-16be", &data[2..])
    } else if head(2) == [0xFF, 0xFE] && !zero2 {
        ("utf-16le", &data[2..])
    } else if head(3) == [0xEF, 0xBB, 0xBF] {
        ("utf-8", &data[3..])
    } else if head(4) == [0, 0x3C, 0, 0x3F] {
        ("utf-16be", data)
    } else if head(4) == [0x3C, 0, 0x3F, 0] {
        ("utf-16le", data)
    } else if head(4) == [0, 0, 0, 0x3C] {
        ("utf-32be", data)
    } else if head(4) == [0x3C, 0, 0, 0] {
        ("utf-32le", data)
    } else {
        ("", data)
    }
}

/// The `encoding="…"` of the XML declaration, lower case.
fn declared_encoding(body: &[u8], bom: &str) -> String {
    let enc = if bom.is_empty() {
        encoding_in_declaration(&body[..body.len().min(1024)])
    } else {
        match decode_strict(bom, &body[..body.len().min(4096) & !3]) {
            Some(t) => encoding_in_declaration(t.as_bytes()),
            None => return String::new(),
        }
    };
    if !bom.is_empty()
        && matches!(
            enc.as_str(),
            "u16"
                | "utf-16"
                | "utf16"
                | "utf_16"
                | "u32"
                | "utf-32"
                | "utf32"
                | "utf_32"
                | "iso-10646-ucs-2"
                | "iso-10646-ucs-4"
                | "csucs4"
                | "csunicode"
                | "ucs-2"
                | "ucs-4"
        )
    {
        return bom.to_string();
    }
    enc
}

/// The `encoding` pseudo-attribute of an XML declaration on the first line of `head`. Works on
/// bytes: every delimiter is ASCII, and decoding the head first cost a copy per document.
fn encoding_in_declaration(head: &[u8]) -> String {
    let Some(rest) = head.strip_prefix(b"<?") else {
        return String::new();
    };
    let line = rest.split(|&b| b == b'\n').next().unwrap_or(rest);
    let Some(pi_end) = memchr::memmem::rfind(line, b"?>") else {
        return String::new();
    };
    let pi = &line[..pi_end];
    let Some(i) = memchr::memmem::find(pi, b"encoding=") else {
        return String::new();
    };
    let after = &pi[i + 9..];
    let Some(&q) = after.first().filter(|c| **c == b'"' || **c == b'\'') else {
        return String::new();
    };
    let Some(end) = memchr::memchr(q, &after[1..]) else {
        return String::new();
    };
    String::from_utf8_lossy(&after[1..1 + end]).to_ascii_lowercase()
}

/// Names the encoding chardetng guesses for bytes that are not valid UTF-8.
fn detect(body: &[u8]) -> String {
    if std::str::from_utf8(body).is_ok() {
        return String::new();
    }
    let mut d = chardetng::EncodingDetector::new();
    d.feed(&body[..body.len().min(64 * 1024)], body.len() <= 64 * 1024);
    d.guess(None, true).name().to_ascii_lowercase()
}

/// Decodes all of `bytes` as `label`, or `None` when the label is unknown or a byte sequence is
/// invalid in it.
pub fn decode_strict(label: &str, bytes: &[u8]) -> Option<String> {
    let l = label.trim().to_ascii_lowercase().replace('_', "-");
    match l.as_str() {
        "us-ascii" | "ascii" | "646" | "us" => bytes
            .is_ascii()
            .then(|| String::from_utf8_lossy(bytes).into_owned()),
        "utf-8" | "utf8" | "u8" => std::str::from_utf8(bytes).ok().map(str::to_owned),
        "iso-8859-1" | "latin-1" | "latin1" | "l1" | "iso8859-1" | "8859" | "cp819" => {
            Some(bytes.iter().map(|&b| char::from(b)).collect())
        }
        "utf-16be" => utf16(bytes, true),
        "utf-16le" => utf16(bytes, false),
        "utf-16" | "utf16" => match bytes {
            [0xFE, 0xFF, rest @ ..] => utf16(rest, true),
            [0xFF, 0xFE, rest @ ..] => utf16(rest, false),
            _ => utf16(bytes, false),
        },
        "utf-32be" => utf32(bytes, true),
        "utf-32le" => utf32(bytes, false),
        "utf-32" | "utf32" => match bytes {
            [0, 0, 0xFE, 0xFF, rest @ ..] => utf32(rest, true),
            [0xFF, 0xFE, 0, 0, rest @ ..] => utf32(rest, false),
            _ => utf32(bytes, false),
        },
        "windows-1252" | "cp1252" => {
            if bytes
                .iter()
                .any(|b| matches!(b, 0x81 | 0x8D | 0x8F | 0x90 | 0x9D))
            {
                return None;
            }
            with_encoding_rs("windows-1252", bytes)
        }
        other => with_encoding_rs(other, bytes),
    }
}

fn with_encoding_rs(label: &str, bytes: &[u8]) -> Option<String> {
    let enc = Encoding::for_label(label.as_bytes())?;
    if enc == encoding_rs::REPLACEMENT {
        return None;
    }
    enc.decode_without_bom_handling_and_without_replacement(bytes)
        .map(|c| c.into_owned())
}

fn utf16(bytes: &[u8], be: bool) -> Option<String> {
    if !bytes.len().is_multiple_of(2) {
        return None;
    }
    let units = bytes.chunks_exact(2).map(|c| {
        if be {
            u16::from_be_bytes([c[0], c[1]])
        } else {
            u16::from_le_bytes([c[0], c[1]])
        }
    });
    char::decode_utf16(units)
        .collect::<Result<String, _>>()
        .ok()
}

fn utf32(bytes: &[u8], be: bool) -> Option<String> {
    if !bytes.len().is_multiple_of(4) {
        return None;
    }
    bytes
        .chunks_exact(4)
        .map(|c| {
            let n = if be {
                u32::from_be_bytes([c[0], c[1], c[2], c[3]])
            } else {
                u32::from_le_bytes([c[0], c[1], c[2], c[3]])
            };
            char::from_u32(n)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn h(ct: &str) -> Vec<(String, String)> {
        vec![("Content-Type".into(), ct.into())]
    }

    #[test]
    fn rfc3023_precedence() {
        let doc = b"<?xml version='1.0' encoding='iso-8859-1'?><rss/>";
        assert_eq!(decode(doc, &[]).encoding, "iso-8859-1");
        assert_eq!(decode(doc, &h("application/xml")).encoding, "iso-8859-1");
        assert_eq!(decode(doc, &h("text/xml")).encoding, "us-ascii");
        assert_eq!(
            decode(doc, &h("application/rss+xml; charset='us-ascii'")).encoding,
            "us-ascii"
        );
        let d = decode(b"<rss/>", &h("text/plain"));
        assert_eq!(d.error.unwrap().0, "NonXMLContentType");
    }

    #[test]
    fn declaration_encoding_is_read_from_the_first_line_only() {
        let enc = |head: &[u8]| encoding_in_declaration(head);
        assert_eq!(
            enc(b"<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?><rss/>"),
            "iso-8859-1"
        );
        assert_eq!(enc(b"<?xml encoding='koi8-r' ?>\n<rss/>"), "koi8-r");
        assert_eq!(enc(b"<?xml version='1.0'?>\n<?x encoding='koi8-r'?>"), "");
        assert_eq!(enc(b"<?xml encoding=koi8-r?>"), "");
        assert_eq!(enc(b"<?xml encoding='koi8-r"), "");
        assert_eq!(enc(b"<rss encoding='koi8-r'?>"), "");
        assert_eq!(enc(b"<?xml encoding='\xff\xfe'?>"), "\u{fffd}\u{fffd}");
    }

    #[test]
    fn a_latin_1_declaration_that_decodes_needs_no_detection() {
        let d = decode(
            b"<?xml version='1.0' encoding='iso-8859-1'?><rss>\xe9</rss>",
            &[],
        );
        assert_eq!((d.encoding.as_str(), d.error), ("iso-8859-1", None));
        assert_eq!(
            d.text,
            "<?xml version='1.0' encoding='iso-8859-1'?><rss>\u{e9}</rss>"
        );
    }

    #[test]
    fn overrides_and_boms() {
        let d = decode("<rss>\u{e9}</rss>".as_bytes(), &h("text/xml"));
        assert_eq!(d.error.unwrap().0, "CharacterEncodingOverride");
        let mut utf16: Vec<u8> = vec![0xFF, 0xFE];
        for u in "<rss/>".encode_utf16() {
            utf16.extend(u.to_le_bytes());
        }
        let d = decode(&utf16, &[]);
        assert_eq!(d.text, "<rss/>");
        assert_eq!(d.encoding, "utf-16le");
        assert!(d.error.is_none());
    }
}
