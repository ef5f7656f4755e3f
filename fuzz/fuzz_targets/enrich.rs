//! The whole enrichment of an article (recognise, resolve, attribute) on arbitrary title and
//! text: never panics, entities are named and counted, and quotes are made of the text's words.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let input = String::from_utf8_lossy(data);
    // The first line is the title, the rest the body, as an article page gives them.
    let (title, text) = input.split_once('\n').unwrap_or(("", &input));
    let found = tidings_enrich::enrich(title, text);
    for e in &found.entities {
        assert!(!e.name.trim().is_empty(), "an entity without a name: {e:?}");
        assert!(e.mentions >= 1, "an entity never mentioned: {e:?}");
    }
    for q in &found.quotes {
        assert!(!q.text.is_empty(), "an empty quote: {q:?}");
        for word in q.text.split_whitespace() {
            assert!(
                title.contains(word) || text.contains(word),
                "quote word {word:?} is not in the article: {q:?}"
            );
        }
        if let Some(speaker) = &q.speaker {
            assert!(!speaker.trim().is_empty(), "an empty speaker: {q:?}");
        }
    }
});
