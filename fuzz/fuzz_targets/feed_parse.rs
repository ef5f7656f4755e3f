//! The feed parser on arbitrary bytes: never panics, and every value it marks as HTML, and the
//! HTML of every article it makes, holds nothing executable.
#![no_main]

use libfuzzer_sys::fuzz_target;
use serde_json::Value;
use tidings_fuzz::{assert_article, assert_inert_html};

const URL: &str = "https://feeds.example/news/rss.xml";

fuzz_target!(|data: &[u8]| {
    let doc = tidings_feed::parse_document(data, Some(URL), &[]);
    check_html_values(&doc.to_value());
    for article in doc.articles(Some(URL)) {
        assert_article(&article, data.len());
    }
});

/// feedparser's detail objects (`{type, value, …}`) typed as HTML carry sanitized markup.
fn check_html_values(value: &Value) {
    match value {
        Value::Object(map) => {
            let html = map
                .get("type")
                .and_then(Value::as_str)
                .is_some_and(|t| t == "text/html" || t == "application/xhtml+xml");
            if let (true, Some(Value::String(markup))) = (html, map.get("value")) {
                assert_inert_html(markup, "feed value typed as HTML");
            }
            map.values().for_each(check_html_values);
        }
        Value::Array(items) => items.iter().for_each(check_html_values),
        _ => {}
    }
}
