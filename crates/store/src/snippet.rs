//! Search result snippets, made in Rust from each hit's text for both databases: the passage of
//! [`SNIPPET_WORDS`] words holding the most query words, those words marked. FTS5's `snippet()`
//! ran the MATCH again for every hit of the page (2.4 ms of an 11 ms two-word search at
//! 1,000,000 articles), and PostgreSQL's `ts_headline` parsed each text again. Words match as
//! the databases match them: diacritics folded, case ignored, English stems compared (Snowball,
//! PostgreSQL's stemmer; FTS5's Porter stems the same in all but rare cases, which then go
//! unmarked), a prefix term by its beginning. Pure: text in, marked text out.

use crate::search::{MARK_END, MARK_START};
use crate::search_query::ParsedQuery;
use rust_stemmers::{Algorithm, Stemmer};

/// Words in a snippet, as FTS5's `snippet(…, 32)` gave.
pub const SNIPPET_WORDS: usize = 32;
/// Text looked at per hit: enough for any lead, and bounded for very long articles.
const MAX_TEXT_BYTES: usize = 32 * 1024;
const ELLIPSIS: &str = "…";
/// Words of context kept before a snippet's first match.
const LEAD_WORDS: usize = 3;

/// The query's words, ready to compare with a text's.
pub struct Highlighter {
    stemmer: Stemmer,
    /// Stems of whole words; a word's index here counts distinct words in a passage.
    stems: Vec<String>,
    prefixes: Vec<String>,
}

impl Highlighter {
    pub fn new(query: &ParsedQuery) -> Self {
        let stemmer = Stemmer::create(Algorithm::English);
        let mut stems = Vec::new();
        let mut prefixes = Vec::new();
        for term in &query.terms {
            for (i, word) in term.words.iter().enumerate() {
                let folded = fold(word);
                if folded.is_empty() {
                    continue;
                }
                if term.prefix && i + 1 == term.words.len() {
                    prefixes.push(folded);
                } else {
                    stems.push(stemmer.stem(&folded).into_owned());
                }
            }
        }
        Highlighter {
            stemmer,
            stems,
            prefixes,
        }
    }

    /// Which query word `word` matches, if any (prefixes first, then stems).
    fn matches(&self, word: &str) -> Option<usize> {
        if !self.could_match(word) {
            return None;
        }
        let folded = fold(word);
        if let Some(p) = self.prefixes.iter().position(|p| folded.starts_with(p)) {
            return Some(self.stems.len() + p);
        }
        let stem = self.stemmer.stem(&folded);
        self.stems.iter().position(|s| *s == stem)
    }

    /// A cheap test that rules out most words before folding and stemming them: an English
    /// stem keeps its word's first two letters (only suffixes change), so an ASCII word whose
    /// first letters begin no query word cannot match.
    fn could_match(&self, word: &str) -> bool {
        if !word.is_ascii() {
            return true;
        }
        let w = word.as_bytes();
        self.stems.iter().chain(&self.prefixes).any(|q| {
            let n = q.len().min(2).min(w.len());
            q.as_bytes()[..n].eq_ignore_ascii_case(&w[..n])
        })
    }

    /// The best passage of `text` with its matching words between [`MARK_START`] and
    /// [`MARK_END`], an ellipsis where it is cut; the opening words when nothing matches.
    pub fn snippet(&self, text: &str) -> String {
        let text = &text[..floor_char_boundary(text, MAX_TEXT_BYTES)];
        let words: Vec<(usize, usize, Option<usize>)> = word_spans(text)
            .map(|(start, end)| (start, end, self.matches(&text[start..end])))
            .collect();
        if words.is_empty() {
            return String::new();
        }
        let first = self.best_window(&words);
        let last = (first + SNIPPET_WORDS).min(words.len());
        let mut out = String::with_capacity(text.len().min(512));
        if first > 0 {
            out.push_str(ELLIPSIS);
        }
        // Punctuation before the first word and after the last belongs to a whole text.
        let mut cursor = if first == 0 { 0 } else { words[first].0 };
        for &(start, end, matched) in &words[first..last] {
            out.push_str(&text[cursor..start]);
            if matched.is_some() {
                out.push(MARK_START);
                out.push_str(&text[start..end]);
                out.push(MARK_END);
            } else {
                out.push_str(&text[start..end]);
            }
            cursor = end;
        }
        if last < words.len() {
            out.push_str(ELLIPSIS);
        } else {
            out.push_str(&text[cursor..]);
        }
        out
    }

    /// The first word of the window holding the most distinct query words, then the most
    /// matches (the earliest on a tie).
    fn best_window(&self, words: &[(usize, usize, Option<usize>)]) -> usize {
        let kinds = self.stems.len() + self.prefixes.len();
        let mut counts = vec![0usize; kinds];
        let (mut distinct, mut hits) = (0usize, 0usize);
        let mut best = (0usize, 0usize, 0usize);
        for (i, w) in words.iter().enumerate() {
            if let Some(k) = w.2 {
                counts[k] += 1;
                hits += 1;
                if counts[k] == 1 {
                    distinct += 1;
                }
            }
            if i >= SNIPPET_WORDS
                && let Some(k) = words[i - SNIPPET_WORDS].2
            {
                counts[k] -= 1;
                hits -= 1;
                if counts[k] == 0 {
                    distinct -= 1;
                }
            }
            let start = (i + 1).saturating_sub(SNIPPET_WORDS);
            if (distinct, hits) > (best.1, best.2) {
                best = (start, distinct, hits);
            }
        }
        if best.2 == 0 {
            return 0;
        }
        // Placed so the first match has a few words before it, keeping every match it held.
        let window = best.0..(best.0 + SNIPPET_WORDS).min(words.len());
        let first_match = window.clone().find(|&i| words[i].2.is_some());
        let last_match = window.rev().find(|&i| words[i].2.is_some());
        let (Some(first_match), Some(last_match)) = (first_match, last_match) else {
            return best.0;
        };
        first_match
            .saturating_sub(LEAD_WORDS)
            .max(last_match.saturating_sub(SNIPPET_WORDS - 1))
            .min(words.len().saturating_sub(SNIPPET_WORDS))
    }
}

fn fold(word: &str) -> String {
    deunicode::deunicode(word).to_lowercase()
}

/// Byte spans of the runs of letters and digits in `text`.
fn word_spans(text: &str) -> impl Iterator<Item = (usize, usize)> + '_ {
    let mut chars = text.char_indices().peekable();
    std::iter::from_fn(move || {
        let (start, _) = chars.find(|(_, c)| c.is_alphanumeric())?;
        let mut end = text.len();
        while let Some(&(i, c)) = chars.peek() {
            if !c.is_alphanumeric() {
                end = i;
                break;
            }
            chars.next();
        }
        Some((start, end))
    })
}

fn floor_char_boundary(s: &str, max: usize) -> usize {
    if s.len() <= max {
        return s.len();
    }
    (0..=max)
        .rev()
        .find(|&i| s.is_char_boundary(i))
        .unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn snip(query: &str, text: &str) -> String {
        Highlighter::new(&ParsedQuery::parse(query))
            .snippet(text)
            .replace(MARK_START, "[")
            .replace(MARK_END, "]")
    }

    #[test]
    fn marks_stems_prefixes_and_folded_words() {
        assert_eq!(
            snip("election", "The Elections were held. Électeurs voted."),
            "The [Elections] were held. Électeurs voted."
        );
        assert_eq!(
            snip("electeur*", "The Elections were held. Électeurs voted."),
            "The Elections were held. [Électeurs] voted."
        );
        assert_eq!(snip("harbour", "No match here."), "No match here.");
    }

    #[test]
    fn picks_the_passage_with_the_most_query_words() {
        let filler = "word ".repeat(60);
        let text = format!("{filler}ferry strike ends {filler}ferry once more {filler}");
        let s = snip("ferry strike", &text);
        assert!(s.starts_with('…') && s.ends_with('…'), "{s}");
        assert!(s.contains("[ferry] [strike] ends"), "{s}");
        assert_eq!(s.matches('[').count(), 2, "{s}");
        // Context before the first match.
        assert!(s.starts_with("…word word word [ferry]"), "{s}");
    }

    #[test]
    fn opening_words_when_nothing_matches() {
        let text = "one two three ".repeat(20);
        let s = snip("absent", &text);
        assert!(s.starts_with("one two three") && s.ends_with('…'), "{s}");
        assert_eq!(s.split_whitespace().count(), SNIPPET_WORDS, "{s}");
    }

    proptest! {
        #[test]
        fn any_text_and_query_give_a_bounded_snippet(text in "\\PC{0,400}", query in "\\PC{0,40}") {
            let s = Highlighter::new(&ParsedQuery::parse(&query)).snippet(&text);
            prop_assert_eq!(s.matches(MARK_START).count(), s.matches(MARK_END).count());
            prop_assert!(s.len() <= text.len() + 2 * ELLIPSIS.len() + 2 * SNIPPET_WORDS);
        }
    }
}
