//! The plain-text page importer on arbitrary bytes: never panics, a refusal names a line that
//! exists, and an accepted page gives bounded text and inert HTML.
#![no_main]

use libfuzzer_sys::fuzz_target;
use tidings_extract::ExtractError;
use tidings_fuzz::assert_article;

fuzz_target!(|data: &[u8]| {
    match tidings_extract::extract_text_page(data) {
        Ok(article) => {
            assert_article(&article, data.len());
            assert!(
                !article.title.trim().is_empty(),
                "an accepted page has a title"
            );
        }
        Err(ExtractError::Malformed { line, .. }) => {
            // Lines are counted in the decoded text; every line break there (a lone `\r`
            // may become one) holds a byte 0x0A or 0x0D in any encoding the decoder reads.
            let lines = data.iter().filter(|b| matches!(b, b'\n' | b'\r')).count() + 1;
            assert!(
                (1..=lines).contains(&line),
                "error on line {line} of {lines}"
            );
        }
        Err(_) => {}
    }
});
