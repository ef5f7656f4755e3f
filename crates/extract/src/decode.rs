//! Bytes → text. Owns the choice of character encoding (byte-order mark, then the declared
//! charset, then UTF-8, then detection), the refusal of binary data, and the normal form every
//! later stage relies on: `\n` line endings and Unicode NFC.

use crate::ExtractError;
use encoding_rs::{Encoding, UTF_8, UTF_16BE, UTF_16LE};
use unicode_normalization::{IsNormalized, UnicodeNormalization, is_nfc_quick};

/// How much of the input the binary checks look at: enough to see a file's nature, little
/// enough to stay cheap on huge inputs.
const SNIFF_BYTES: usize = 8 * 1024;

/// Share of control characters (or undecodable bytes) above which text is taken for binary.
const MAX_CONTROL_SHARE: f64 = 0.10;

/// Decodes `bytes` into normalised text. `declared` is a charset label from an HTTP header or an
/// HTML `<meta charset>`; unknown labels are ignored rather than trusted.
pub fn decode_text(bytes: &[u8], declared: Option<&str>) -> Result<String, ExtractError> {
    let raw = decode_raw(bytes, declared)?;
    reject_control_heavy(&raw)?;
    Ok(normalise(&raw))
}

/// The encoding step alone: picks the encoding and decodes, without normalising.
fn decode_raw(bytes: &[u8], declared: Option<&str>) -> Result<String, ExtractError> {
    if let Some((encoding, bom_len)) = Encoding::for_bom(bytes) {
        let body = bytes.get(bom_len..).unwrap_or_default();
        if encoding == UTF_8 {
            reject_nul_bytes(body)?;
        }
        return Ok(decode_with(encoding, body));
    }
    let declared = declared.and_then(|label| Encoding::for_label(label.trim().as_bytes()));
    if let Some(encoding) = declared
        && (encoding == UTF_16LE || encoding == UTF_16BE)
    {
        // UTF-16 is full of NUL bytes by nature, so the binary check below would refuse it.
        return Ok(decode_with(encoding, bytes));
    }
    reject_nul_bytes(bytes)?;
    let is_utf8 = std::str::from_utf8(bytes).is_ok();
    match declared {
        // A page that declares a legacy charset but is valid UTF-8 with non-ASCII text was
        // mislabelled: legacy-encoded prose almost never forms valid multi-byte UTF-8.
        Some(encoding) if encoding != UTF_8 && is_utf8 && !bytes.is_ascii() => {
            Ok(decode_with(UTF_8, bytes))
        }
        Some(encoding) if encoding != UTF_8 => Ok(decode_with(encoding, bytes)),
        // Declared UTF-8 (or nothing): trust valid UTF-8, otherwise find out what it really is.
        _ if is_utf8 => Ok(decode_with(UTF_8, bytes)),
        _ if mostly_utf8(bytes) => Ok(decode_with(UTF_8, bytes)),
        _ => Ok(decode_with(detect(bytes), bytes)),
    }
}

fn decode_with(encoding: &'static Encoding, bytes: &[u8]) -> String {
    encoding.decode_without_bom_handling(bytes).0.into_owned()
}

/// Guesses the encoding of text that is not valid UTF-8.
fn detect(bytes: &[u8]) -> &'static Encoding {
    let mut detector = chardetng::EncodingDetector::new();
    detector.feed(bytes, true);
    detector.guess(None, false)
}

/// UTF-8 text with a few corrupt bytes is still UTF-8: decoding it as a legacy charset would
/// turn every correct accented letter into mojibake to save a handful of broken ones.
fn mostly_utf8(bytes: &[u8]) -> bool {
    let mut valid_multibyte = 0usize;
    let mut invalid = 0usize;
    for chunk in bytes.utf8_chunks() {
        valid_multibyte += chunk.valid().chars().filter(|c| !c.is_ascii()).count();
        if !chunk.invalid().is_empty() {
            invalid += 1;
        }
    }
    valid_multibyte >= 4 && invalid * 4 <= valid_multibyte
}

fn reject_nul_bytes(bytes: &[u8]) -> Result<(), ExtractError> {
    let head = &bytes[..bytes.len().min(SNIFF_BYTES)];
    if head.contains(&0) {
        return Err(ExtractError::Encoding(
            "binary data (NUL bytes near the start), not text".into(),
        ));
    }
    Ok(())
}

/// Refuses decoded text whose start is mostly control characters or undecodable bytes: that is
/// binary data that happened to contain no NUL byte (or UTF-16 that was not text).
fn reject_control_heavy(text: &str) -> Result<(), ExtractError> {
    let mut total = 0usize;
    let mut bad = 0usize;
    for c in text.chars().take(SNIFF_BYTES) {
        total += 1;
        let is_layout = matches!(c, '\n' | '\r' | '\t' | '\u{c}');
        if (c.is_control() && !is_layout) || c == '\u{fffd}' {
            bad += 1;
        }
    }
    // Counts are small (≤ 8192), so the float conversion is exact.
    if total >= 8 && (bad as f64) > (total as f64) * MAX_CONTROL_SHARE {
        return Err(ExtractError::Encoding(format!(
            "binary data ({bad} of the first {total} characters are control characters or \
             undecodable bytes), not text"
        )));
    }
    Ok(())
}

/// `\n` line endings, no stray BOM character, Unicode NFC.
fn normalise(text: &str) -> String {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let unified = if text.contains('\r') {
        text.replace("\r\n", "\n").replace('\r', "\n")
    } else {
        text.to_string()
    };
    match is_nfc_quick(unified.chars()) {
        IsNormalized::Yes => unified,
        _ => unified.nfc().collect(),
    }
}

/// Reads the charset an HTML document declares in its first KBs (`<meta charset=…>` or
/// `<meta http-equiv="Content-Type" content="…; charset=…">`), as browsers pre-scan for it.
pub fn html_declared_charset(bytes: &[u8]) -> Option<String> {
    let head = &bytes[..bytes.len().min(SNIFF_BYTES)];
    let head = String::from_utf8_lossy(head).to_ascii_lowercase();
    let mut rest = head.as_str();
    while let Some(pos) = rest.find("<meta") {
        rest = &rest[pos + 5..];
        let tag_end = rest.find('>').unwrap_or(rest.len());
        let tag = &rest[..tag_end];
        if let Some(label) = charset_in_meta(tag) {
            return Some(label);
        }
    }
    None
}

fn charset_in_meta(tag: &str) -> Option<String> {
    let pos = tag.find("charset")?;
    let after = tag[pos + "charset".len()..].trim_start();
    let after = after.strip_prefix('=')?.trim_start();
    let label: String = after
        .trim_start_matches(['"', '\''])
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | ':' | '.'))
        .collect();
    (!label.is_empty()).then_some(label)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn utf8_boms_and_utf16() {
        assert_eq!(decode_text(b"\xef\xbb\xbfhi", None).unwrap(), "hi");
        let le: Vec<u8> = [0xff, 0xfe]
            .into_iter()
            .chain("héllo “x”".encode_utf16().flat_map(u16::to_le_bytes))
            .collect();
        assert_eq!(decode_text(&le, None).unwrap(), "héllo “x”");
        let be: Vec<u8> = [0xfe, 0xff]
            .into_iter()
            .chain("héllo".encode_utf16().flat_map(u16::to_be_bytes))
            .collect();
        assert_eq!(decode_text(&be, None).unwrap(), "héllo");
        let bare_le: Vec<u8> = "plain text"
            .encode_utf16()
            .flat_map(u16::to_le_bytes)
            .collect();
        assert_eq!(
            decode_text(&bare_le, Some("utf-16le")).unwrap(),
            "plain text"
        );
    }

    #[test]
    fn windows_1252_keeps_curly_quotes_and_nbsp() {
        let bytes = b"\x93Quoted\x94 it\x92s 10\xa0km \x96 caf\xe9 and more text here";
        let text = decode_text(bytes, None).unwrap();
        assert_eq!(text, "“Quoted” it’s 10\u{a0}km – café and more text here");
        // Declared labels win when the bytes are not UTF-8.
        assert_eq!(decode_text(b"caf\xe9", Some("iso-8859-1")).unwrap(), "café");
    }

    #[test]
    fn mislabelled_utf8_and_mostly_utf8() {
        assert_eq!(
            decode_text("café “x”".as_bytes(), Some("windows-1252")).unwrap(),
            "café “x”"
        );
        let mut bytes = "naïve café “quoted” résumé".as_bytes().to_vec();
        bytes.push(0xff);
        let text = decode_text(&bytes, None).unwrap();
        assert!(text.starts_with("naïve café “quoted” résumé"), "{text}");
    }

    #[test]
    fn shift_jis_is_detected() {
        let (bytes, _, _) = encoding_rs::SHIFT_JIS.encode(
            "日本語のテキストです。これはニュース記事の本文で、文字コードはシフトJISです。",
        );
        let text = decode_text(&bytes, None).unwrap();
        assert!(text.starts_with("日本語のテキスト"), "{text}");
        assert_eq!(
            decode_text(&bytes, Some("shift_jis")).unwrap(),
            decode_text(&bytes, None).unwrap()
        );
    }

    #[test]
    fn line_endings_and_nfc() {
        assert_eq!(decode_text(b"a\r\nb\rc\n", None).unwrap(), "a\nb\nc\n");
        // "e" + combining acute → "é".
        assert_eq!(decode_text("cafe\u{301}".as_bytes(), None).unwrap(), "café");
        // NFC must not fold compatibility characters such as NBSP.
        assert_eq!(
            decode_text("a\u{a0}b".as_bytes(), None).unwrap(),
            "a\u{a0}b"
        );
    }

    #[test]
    fn refuses_binary() {
        let png = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\x01\0";
        assert!(matches!(
            decode_text(png, None),
            Err(ExtractError::Encoding(_))
        ));
        let controls: Vec<u8> = (1u8..32).cycle().take(400).collect();
        let err = decode_text(&controls, None).unwrap_err();
        assert!(err.to_string().contains("control characters"), "{err}");
        assert_eq!(decode_text(b"", None).unwrap(), "");
    }

    #[test]
    fn finds_html_charsets() {
        assert_eq!(
            html_declared_charset(b"<html><head><meta charset=\"windows-1251\">").as_deref(),
            Some("windows-1251")
        );
        assert_eq!(
            html_declared_charset(
                b"<meta http-equiv='Content-Type' content='text/html; charset=ISO-8859-2'>"
            )
            .as_deref(),
            Some("iso-8859-2")
        );
        assert_eq!(html_declared_charset(b"<meta name=x content=y>"), None);
    }

    proptest! {
        #[test]
        fn never_panics(bytes in proptest::collection::vec(any::<u8>(), 0..2048),
                        label in proptest::option::of("[a-z0-9_-]{0,12}")) {
            let _ = decode_text(&bytes, label.as_deref());
            let _ = html_declared_charset(&bytes);
        }

        #[test]
        fn valid_utf8_round_trips_modulo_normalisation(s in "\\PC{0,200}") {
            let out = decode_text(s.as_bytes(), None);
            if let Ok(out) = out {
                let expected: String = s.replace("\r\n", "\n").replace('\r', "\n").nfc().collect();
                let expected = expected.strip_prefix('\u{feff}').unwrap_or(&expected).to_string();
                prop_assert_eq!(out, expected);
            }
        }
    }
}
