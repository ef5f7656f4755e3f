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

/// feedparser's text constructs — the objects under `*_detail` keys and in `content` lists,
/// `{type, value, …}` — carry sanitized markup when typed as HTML. (Other objects are not
/// text: a `<link type="text/html" value="…">` keeps its attributes as written, and `type` is
/// then the linked document's type.)
fn check_html_values(value: &Value) {
    match value {
        Value::Object(map) => {
            for (key, child) in map {
                match child {
                    Value::Object(detail) if key.ends_with("_detail") => check_detail(detail),
                    Value::Array(items) if key == "content" => items
                        .iter()
                        .filter_map(Value::as_object)
                        .for_each(check_detail),
                    _ => {}
                }
                check_html_values(child);
            }
        }
        Value::Array(items) => items.iter().for_each(check_html_values),
        _ => {}
    }
}

fn check_detail(detail: &serde_json::Map<String, Value>) {
    let html = detail
        .get("type")
        .and_then(Value::as_str)
        .is_some_and(|t| t == "text/html" || t == "application/xhtml+xml");
    if let (true, Some(Value::String(markup))) = (html, detail.get("value")) {
        assert_inert_html(markup, "feed value typed as HTML");
    }
}
