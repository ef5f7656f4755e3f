//! The comment renderer on arbitrary Markdown: never panics, and its HTML holds only the
//! allowed tags, no script, event handler or unsafe URL, and every link carries `rel=nofollow`.
#![no_main]

use libfuzzer_sys::fuzz_target;
use scraper::{Html, Node};
use tidings_fuzz::assert_inert_html;

/// tidings-web's own renderer, compiled from its file: the same code the site runs, without
/// building the web crate's server and database dependencies for fuzzing.
#[path = "../../crates/web/src/markdown.rs"]
mod markdown;

fuzz_target!(|data: &[u8]| {
    let source = String::from_utf8_lossy(data);
    // Longer comments are refused before rendering.
    let source: String = source.chars().take(markdown::MAX_CHARS).collect();
    let html = markdown::render(&source);
    assert_inert_html(&html, "comment html");
    let doc = Html::parse_fragment(&html);
    for node in doc.tree.nodes() {
        let Node::Element(el) = node.value() else {
            continue;
        };
        let name = el.name();
        // The fragment parser adds `<html>`, and `<body>` around an empty fragment.
        let allowed = markdown::ALLOWED_TAGS.contains(&name) || matches!(name, "html" | "body");
        assert!(allowed, "<{name}> in comment html {html:?}");
        if name == "a" {
            let rel = el.attr("rel").unwrap_or_default();
            assert!(
                rel.contains("nofollow"),
                "a link without nofollow: {html:?}"
            );
        }
    }
});
