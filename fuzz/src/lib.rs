//! Invariants the fuzz targets check on top of "does not panic": byte ranges that must lie on
//! character boundaries, HTML that must hold nothing executable, text that must stay bounded.
//! Each check panics with a message naming the broken invariant, which libFuzzer records as a
//! crash with its input.

use std::ops::Range;

use tidings_extract::eval::xss::active_content;
use tidings_model::Article;

/// How much longer than its input an extracted text may be. Decoding grows a byte to at most
/// three (windows-1252 → UTF-8, e.g. `€`) and a few named entities grow a little (`&nGt;` →
/// `≫⃒`); anything beyond this means text is being duplicated.
pub const TEXT_GROWTH: usize = 4;
/// The same for HTML made from text: escaping grows one byte to at most six (`"` → `&quot;`),
/// and paragraphs gain their tags.
pub const HTML_GROWTH: usize = 8;
/// Slack for short inputs (a line break or an ellipsis added to a tiny page).
const GROWTH_SLACK: usize = 256;

/// `range` lies inside `text`, is not reversed, and both ends are on character boundaries.
pub fn assert_range(text: &str, range: &Range<usize>, what: &str) {
    assert!(
        range.start <= range.end && range.end <= text.len(),
        "{what} {range:?} outside a text of {} bytes",
        text.len()
    );
    assert!(
        text.is_char_boundary(range.start) && text.is_char_boundary(range.end),
        "{what} {range:?} splits a character"
    );
}

/// Sanitized `html` holds no script, event handler, style or unsafe URL, read both by the
/// browser-like parse of [`active_content`] and by a plain look for a `<script` tag. (A plain
/// look for `javascript:` or `on…=` would also match escaped text, which is harmless, so those
/// are left to the parse, which sees only attributes.)
pub fn assert_inert_html(html: &str, what: &str) {
    let problems = active_content(html);
    assert!(problems.is_empty(), "{what}: {problems:?} in {html:?}");
    assert!(
        !html.to_ascii_lowercase().contains("<script"),
        "{what}: <script in {html:?}"
    );
}

/// `output` is no more than `growth` times the input it came from.
pub fn assert_bounded(output: &str, input_len: usize, growth: usize, what: &str) {
    let limit = input_len.saturating_mul(growth) + GROWTH_SLACK;
    assert!(
        output.len() <= limit,
        "{what} is {} bytes from {input_len} bytes of input",
        output.len()
    );
}

/// What every extracted article must satisfy, whatever the page was.
pub fn assert_article(article: &Article, input_len: usize) {
    assert_bounded(&article.text, input_len, TEXT_GROWTH, "text");
    assert_bounded(&article.title, input_len, TEXT_GROWTH, "title");
    assert_bounded(&article.html, input_len, HTML_GROWTH, "html");
    assert!(
        !article.text.contains('\0'),
        "NUL in the extracted text {:?}",
        article.text
    );
    assert_inert_html(&article.html, "article html");
}
