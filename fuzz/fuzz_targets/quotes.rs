//! Entity recognition and quote extraction on arbitrary text: never panic, and every offset
//! they return lies inside the text on a character boundary (the caller slices with them).
#![no_main]

use libfuzzer_sys::fuzz_target;
use tidings_enrich::{ner, quotes};
use tidings_fuzz::assert_range;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let spans = ner::recognize(&text);
    let mut last_end = 0;
    for s in &spans {
        assert_range(&text, &(s.start..s.end), "entity span");
        assert!(s.start < s.end, "empty entity span at {}", s.start);
        assert!(
            s.start >= last_end,
            "entity spans overlap or are out of order: {spans:?}"
        );
        last_end = s.end;
    }
    for q in quotes::extract(&text, &spans) {
        assert!(!q.content.is_empty(), "a quote without content: {q:?}");
        for piece in &q.content {
            assert_range(&text, piece, "quote content");
        }
        if let Some(r) = &q.speaker {
            assert_range(&text, r, "quote speaker");
        }
        if let Some(r) = &q.speaker_entity {
            assert_range(&text, r, "quote speaker entity");
        }
    }
});
