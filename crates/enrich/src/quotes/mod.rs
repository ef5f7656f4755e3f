//! Direct quotes in news text: the quoted content, the speaker as written, the named
//! mention the speaker refers to, and the speech verb.

use std::ops::Range;

use crate::ner;

/// One attributed direct quote. All ranges are byte offsets into the text given to
/// [`extract`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QuoteSpan {
    /// The quoted words without their quotation marks; several pieces when the quote is
    /// interrupted (`"…," he said. "…"`) or runs over paragraphs.
    pub content: Vec<Range<usize>>,
    /// The speaker as written: "Mike Waltz", "he", "a spokesperson", "the ministry".
    pub speaker: Option<Range<usize>>,
    /// The named mention the speaker refers to, when it can be found: the speaker itself
    /// when it is a name, the last named speaker or person for "he"/"she"/"they".
    pub speaker_entity: Option<Range<usize>>,
    /// The speech verb as written ("said", "wrote", "told").
    pub verb: Option<String>,
}

/// Finds the attributed direct quotes in `text`, using the recognised `mentions` to
/// identify speakers.
pub fn extract(text: &str, mentions: &[ner::Span]) -> Vec<QuoteSpan> {
    let _ = (text, mentions);
    Vec::new()
}
