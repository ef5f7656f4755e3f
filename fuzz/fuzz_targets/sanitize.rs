//! The HTML sanitizer on arbitrary markup: never panics, leaves nothing executable, and (in this
//! build, which has debug assertions) its linear fast path answers exactly as ammonia does
//! whenever it answers at all — the check `sanitize_html` makes in debug builds.
#![no_main]

use libfuzzer_sys::fuzz_target;
use tidings_fuzz::assert_inert_html;

fuzz_target!(|data: &[u8]| {
    // The first byte picks the base URL, so relative links are rewritten in half the runs
    // and dropped in the other half.
    let (base, markup) = match data.split_first() {
        Some((b, rest)) if b % 2 == 0 => (Some("https://news.example/world/story.html"), rest),
        Some((_, rest)) => (None, rest),
        None => (None, data),
    };
    let html = String::from_utf8_lossy(markup);
    let clean = tidings_extract::sanitize::sanitize_html(&html, base);
    assert_inert_html(&clean, "sanitized html");
});
