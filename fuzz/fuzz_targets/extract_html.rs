//! The HTML page extractor and the article sanitizer on arbitrary bytes: never panic, the
//! article's text stays bounded by its page, and sanitized HTML holds nothing executable.
#![no_main]

use libfuzzer_sys::fuzz_target;
use tidings_fuzz::{assert_article, assert_inert_html};

const URL: &str = "https://news.example/2025/03/20/harbour-strike.html";

fuzz_target!(|data: &[u8]| {
    if let Ok(article) = tidings_extract::extract_html_page(data, Some(URL)) {
        assert_article(&article, data.len());
    }
    let markup = String::from_utf8_lossy(data);
    let clean = tidings_extract::sanitize::sanitize_html(&markup, Some(URL));
    assert_inert_html(&clean, "sanitize_html output");
});
