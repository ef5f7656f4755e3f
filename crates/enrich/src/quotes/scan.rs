//! One left-to-right pass that pairs double quotation marks into quoted segments within
//! each paragraph (a line of text). Pairing never looks back, so unbalanced marks cost
//! nothing extra: an unmatched opening mark runs to the end of its paragraph, where news
//! style continues a quote into the next paragraph that opens with a mark.

use std::ops::Range;

/// One quoted stretch of one paragraph.
#[derive(Debug, Clone)]
pub(crate) struct Segment {
    /// Byte offset of the opening mark.
    pub open: usize,
    /// The quoted text without marks, trimmed of white space (never empty).
    pub content: Range<usize>,
    /// Byte offset just after the closing mark; `None` when the paragraph ended first.
    pub close_end: Option<usize>,
    /// Start of the paragraph (line) holding the segment.
    pub para_start: usize,
    /// End of that paragraph (the newline's offset, or the text length).
    pub para_end: usize,
    /// Whether the opening mark is the first non-space character of its paragraph.
    pub opens_paragraph: bool,
}

/// Finds the quoted segments of `text` in order.
pub(crate) fn segments(text: &str) -> Vec<Segment> {
    let mut out = Vec::new();
    let mut para_start = 0usize;
    // Offset of the pending opening mark and of the content after it.
    let mut open: Option<(usize, usize, bool)> = None;
    let mut seen_nonspace = false;
    // Segments of the current paragraph get its end once the paragraph is closed.
    let mut para_first_seg = 0usize;
    for (i, c) in text.char_indices() {
        if c == '\n' {
            if let Some((o, cs, first)) = open.take() {
                push(&mut out, text, o, cs..i, None, para_start, first);
            }
            for s in &mut out[para_first_seg..] {
                s.para_end = i;
            }
            para_first_seg = out.len();
            para_start = i + 1;
            seen_nonspace = false;
            continue;
        }
        let first_here = !seen_nonspace;
        if !c.is_whitespace() {
            seen_nonspace = true;
        }
        if !super::lex::is_double_mark(c) {
            continue;
        }
        let after = i + c.len_utf8();
        let opening_only = matches!(c, '“' | '„' | '«' | '‟');
        let closing_only = matches!(c, '”' | '»');
        match open {
            Some((o, cs, first)) if !opening_only => {
                push(&mut out, text, o, cs..i, Some(after), para_start, first);
                open = None;
            }
            // A second opening mark while one is pending: the first was never closed
            // (a typo), so the quote restarts here.
            Some(_) => open = Some((i, after, first_here)),
            // A closing mark opening a paragraph is a typo for an opening one.
            None if closing_only && !first_here => {}
            None => {
                // A straight mark glued to a word on its left and followed by space
                // ("12" screen") closes nothing and opens nothing worth keeping, but
                // treating it as an opening is the safer reading for news text.
                open = Some((i, after, first_here));
            }
        }
    }
    if let Some((o, cs, first)) = open.take() {
        push(&mut out, text, o, cs..text.len(), None, para_start, first);
    }
    for s in &mut out[para_first_seg..] {
        s.para_end = text.len();
    }
    out
}

fn push(
    out: &mut Vec<Segment>,
    text: &str,
    open: usize,
    raw: Range<usize>,
    close_end: Option<usize>,
    para_start: usize,
    opens_paragraph: bool,
) {
    let Some(s) = text.get(raw.clone()) else {
        return;
    };
    let lead = s.len() - s.trim_start().len();
    let trimmed = s.trim();
    if trimmed.is_empty() {
        return;
    }
    let start = raw.start + lead;
    out.push(Segment {
        open,
        content: start..start + trimmed.len(),
        close_end,
        para_start,
        para_end: raw.end,
        opens_paragraph,
    });
}
