//! Tokenising: diacritics folded, lowercased, stop words dropped, light stemming; plus cheap
//! capitalised-phrase pseudo-entities and numbers.

/// English stop words (and very common news verbs that say nothing about the event).
const STOP: &[&str] = &[
    "a",
    "about",
    "above",
    "after",
    "again",
    "against",
    "all",
    "also",
    "am",
    "an",
    "and",
    "any",
    "are",
    "as",
    "at",
    "be",
    "because",
    "been",
    "before",
    "being",
    "below",
    "between",
    "both",
    "but",
    "by",
    "can",
    "could",
    "did",
    "do",
    "does",
    "doing",
    "down",
    "during",
    "each",
    "few",
    "for",
    "from",
    "further",
    "had",
    "has",
    "have",
    "having",
    "he",
    "her",
    "here",
    "hers",
    "herself",
    "him",
    "himself",
    "his",
    "how",
    "i",
    "if",
    "in",
    "into",
    "is",
    "it",
    "its",
    "itself",
    "just",
    "me",
    "more",
    "most",
    "my",
    "myself",
    "no",
    "nor",
    "not",
    "now",
    "of",
    "off",
    "on",
    "once",
    "only",
    "or",
    "other",
    "our",
    "ours",
    "ourselves",
    "out",
    "over",
    "own",
    "same",
    "she",
    "should",
    "so",
    "some",
    "such",
    "than",
    "that",
    "the",
    "their",
    "theirs",
    "them",
    "themselves",
    "then",
    "there",
    "these",
    "they",
    "this",
    "those",
    "through",
    "to",
    "too",
    "under",
    "until",
    "up",
    "very",
    "was",
    "we",
    "were",
    "what",
    "when",
    "where",
    "which",
    "while",
    "who",
    "whom",
    "why",
    "will",
    "with",
    "would",
    "you",
    "your",
    "yours",
    "yourself",
    "said",
    "says",
    "say",
    "saying",
    "told",
    "tell",
    "according",
    "new",
    "one",
    "two",
    "three",
    "year",
    "years",
    "day",
    "days",
    "week",
    "weeks",
    "time",
    "may",
    "might",
    "must",
    "get",
    "got",
    "make",
    "made",
    "like",
    "many",
    "much",
    "us",
    "mr",
    "mrs",
    "ms",
    "per",
    "via",
    "yet",
    "still",
    "since",
    "last",
    "first",
    "next",
    "however",
    "though",
    "although",
    "around",
    "another",
    "news",
    "report",
    "reports",
    "reported",
    "update",
    "updated",
    "video",
    "photo",
    "photos",
    "read",
    "click",
    "share",
    "comment",
    "comments",
    "advertisement",
    "copyright",
    "reserved",
    "rights",
    "monday",
    "tuesday",
    "wednesday",
    "thursday",
    "friday",
    "saturday",
    "sunday",
    "today",
    "yesterday",
    "tomorrow",
    "don",
    "t",
    "s",
    "ll",
    "re",
    "ve",
    "d",
    "m",
    "isn",
    "wasn",
    "aren",
    "weren",
    "doesn",
    "didn",
    "won",
    "can't",
    "cannot",
    "let",
    "even",
    "well",
    "back",
    "way",
    "going",
    "go",
    "come",
    "take",
    "see",
    "know",
    "want",
    "need",
    "look",
    "use",
];

/// Sorted copy of the stop list (binary search needs it sorted; sorted once lazily).
fn stop_sorted() -> &'static [&'static str] {
    use std::sync::OnceLock;
    static SORTED: OnceLock<Vec<&'static str>> = OnceLock::new();
    SORTED.get_or_init(|| {
        let mut v = STOP.to_vec();
        v.sort_unstable();
        v.dedup();
        v
    })
}

/// Whether a lowercased, folded word is a stop word.
pub fn stop_word(word: &str) -> bool {
    stop_sorted().binary_search(&word).is_ok()
}

/// Fold to ASCII (diacritics removed) and lowercase.
pub fn fold(s: &str) -> String {
    deunicode::deunicode(s).to_lowercase()
}

/// Very light suffix stripping, enough to join plural/singular and simple verb forms.
pub fn stem(w: &str) -> String {
    let n = w.len();
    if n > 4 && w.ends_with("ies") {
        return format!("{}y", &w[..n - 3]);
    }
    if n > 4 && w.ends_with("sses") {
        return w[..n - 2].to_string();
    }
    if n > 6 && w.ends_with("ing") {
        return w[..n - 3].to_string();
    }
    if n > 5 && w.ends_with("ed") && !w.ends_with("eed") {
        return w[..n - 2].to_string();
    }
    if n > 3 && w.ends_with('s') && !w.ends_with("ss") && !w.ends_with("us") && !w.ends_with("is") {
        return w[..n - 1].to_string();
    }
    w.to_string()
}

/// A raw word of the text with its surface form information.
#[derive(Debug, Clone, PartialEq)]
pub struct Word {
    /// Folded, lowercased form.
    pub lower: String,
    /// Starts with an uppercase letter in the original text.
    pub capitalised: bool,
    /// First word of a sentence or line.
    pub sentence_start: bool,
    /// All ASCII digits (possibly with separators removed).
    pub number: bool,
}

/// Split a text into words (letters/digits; apostrophes end a word), remembering capitalisation
/// and sentence starts.
pub fn words(text: &str) -> Vec<Word> {
    let folded = deunicode::deunicode(text);
    let mut out = Vec::new();
    let mut cur = String::new();
    let mut at_start = true;
    let mut word_start = true;
    let flush = |cur: &mut String, out: &mut Vec<Word>, start: &mut bool, word_start: bool| {
        if cur.is_empty() {
            return;
        }
        let capitalised = cur.chars().next().is_some_and(|c| c.is_ascii_uppercase());
        let number = cur.chars().all(|c| c.is_ascii_digit());
        out.push(Word {
            lower: cur.to_ascii_lowercase(),
            capitalised,
            sentence_start: word_start,
            number,
        });
        cur.clear();
        *start = false;
    };
    let chars: Vec<char> = folded.chars().collect();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if c.is_ascii_alphanumeric() {
            if cur.is_empty() {
                word_start = at_start;
            }
            cur.push(c);
        } else if (c == ',' || c == '.')
            && !cur.is_empty()
            && cur.chars().all(|d| d.is_ascii_digit())
            && chars.get(i + 1).is_some_and(|d| d.is_ascii_digit())
        {
            // 1,000 / 7.5: keep numbers whole
            if c == '.' {
                cur.push('.');
            }
        } else {
            flush(&mut cur, &mut out, &mut at_start, word_start);
            if matches!(c, '.' | '!' | '?' | '\n' | ':' | ';') {
                at_start = true;
            }
        }
        i += 1;
    }
    flush(&mut cur, &mut out, &mut at_start, word_start);
    for w in &mut out {
        if w.lower.contains('.') {
            w.number = true;
        }
    }
    out
}

/// Content terms of a word list: stop words, one-letter words and numbers dropped, stemmed.
pub fn terms(words: &[Word]) -> Vec<String> {
    words
        .iter()
        .filter(|w| !w.number && w.lower.len() > 1 && !stop_word(&w.lower))
        .filter(|w| !w.lower.chars().all(|c| c.is_ascii_digit() || c == '.'))
        .map(|w| stem(&w.lower))
        .collect()
}

/// Numbers of a word list worth matching on (two digits or more, or decimals).
pub fn numbers(words: &[Word]) -> Vec<String> {
    words
        .iter()
        .filter(|w| w.number && (w.lower.len() >= 2))
        .map(|w| w.lower.clone())
        .collect()
}

/// Weekday names, Monday first (the order of [`crate::evidence::Evidence::weekdays`]' bits).
pub const WEEKDAYS: [&str; 7] = [
    "monday",
    "tuesday",
    "wednesday",
    "thursday",
    "friday",
    "saturday",
    "sunday",
];

const MONTHS: [&str; 12] = [
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
];

/// Weekday and month names, which the stop list drops as terms. As event details they tell
/// look-alike events apart ("on Saturday" vs "on Thursday", "in November" vs "in June"); kept
/// only when capitalised so that the verb "may" and similar do not count.
pub fn calendar_words(words: &[Word]) -> Vec<String> {
    words
        .iter()
        .filter(|w| {
            let lower = w.lower.as_str();
            w.capitalised && (WEEKDAYS.contains(&lower) || MONTHS.contains(&lower))
        })
        .map(|w| w.lower.clone())
        .collect()
}

/// Numbers with the noun that follows them ("26 pirate", "95 year"): counts, tolls and ages
/// are the details that differ between two events of one kind, and a bare number is too
/// ambiguous to carry that on its own. The unit is stemmed; stop-word units are skipped.
pub fn unit_numbers(words: &[Word]) -> Vec<String> {
    words
        .windows(2)
        .filter(|p| p[0].number && !p[1].number && p[1].lower.len() > 2)
        .filter(|p| !stop_word(&p[1].lower) || p[1].lower == "year" || p[1].lower == "years")
        .map(|p| format!("{} {}", p[0].lower, stem(&p[1].lower)))
        .collect()
}

/// Share of words that are capitalised (title-case headlines capitalise almost everything).
pub fn capitalised_share(words: &[Word]) -> f32 {
    let alpha: Vec<&Word> = words.iter().filter(|w| !w.number).collect();
    if alpha.is_empty() {
        return 0.0;
    }
    alpha.iter().filter(|w| w.capitalised).count() as f32 / alpha.len() as f32
}

/// Capitalised-phrase pseudo-entities: runs of capitalised non-stop words. A lone capitalised
/// word at a sentence start is skipped (it is usually just the first word). Returns the single
/// words of every run and, for runs of two or more, the whole phrase.
pub fn pseudo_entities(words: &[Word]) -> Vec<String> {
    let mut out = Vec::new();
    let mut run: Vec<&Word> = Vec::new();
    let emit = |run: &mut Vec<&Word>, out: &mut Vec<String>| {
        if run.is_empty() {
            return;
        }
        if run.len() == 1 && run[0].sentence_start {
            run.clear();
            return;
        }
        for w in run.iter() {
            if w.lower.len() > 1 {
                out.push(w.lower.clone());
            }
        }
        if run.len() > 1 {
            out.push(
                run.iter()
                    .map(|w| w.lower.as_str())
                    .collect::<Vec<_>>()
                    .join(" "),
            );
        }
        run.clear();
    };
    for w in words {
        let ok = w.capitalised && !w.number && !stop_word(&w.lower);
        if ok && (!w.sentence_start || run.is_empty()) {
            run.push(w);
        } else {
            emit(&mut run, &mut out);
            if ok {
                run.push(w);
            }
        }
    }
    emit(&mut run, &mut out);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stems_and_stops() {
        assert_eq!(stem("stories"), "story");
        assert_eq!(stem("trials"), "trial");
        assert_eq!(stem("charged"), "charg");
        assert_eq!(stem("charges"), "charge");
        assert_eq!(stem("bus"), "bus");
        assert!(stop_word("the"));
        assert!(stop_word("said"));
        assert!(!stop_word("rehab"));
    }

    #[test]
    fn words_fold_and_mark() {
        let w = words("Café owner José Núñez said 1,000 people came. Then 7.5 quake");
        let lower: Vec<&str> = w.iter().map(|w| w.lower.as_str()).collect();
        assert_eq!(
            lower,
            vec![
                "cafe", "owner", "jose", "nunez", "said", "1000", "people", "came", "then", "7.5",
                "quake"
            ]
        );
        assert!(w[0].sentence_start && w[0].capitalised);
        assert!(w[8].sentence_start);
        assert!(w[5].number && w[9].number);
    }

    #[test]
    fn entities_are_capitalised_runs() {
        let w = words(
            "Another star in rehab. Word comes that Tara Reid entered the Promises Treatment Center in Malibu.",
        );
        let e = pseudo_entities(&w);
        assert!(e.contains(&"tara reid".to_string()));
        assert!(e.contains(&"promises treatment center".to_string()));
        assert!(e.contains(&"malibu".to_string()));
        assert!(!e.contains(&"another".to_string()));
        assert!(!e.contains(&"word".to_string()));
    }

    #[test]
    fn calendar_words_need_capitals() {
        let w = words("It may rain on Saturday, said the May 3 bulletin in november");
        assert_eq!(calendar_words(&w), vec!["saturday", "may"]);
    }

    #[test]
    fn unit_numbers_pair_counts_with_nouns() {
        let w = words("Navy captured 26 pirates; Felt, 95 years old, and 2 of them in 2008");
        assert_eq!(unit_numbers(&w), vec!["26 pirate", "95 year"]);
    }

    #[test]
    fn terms_drop_noise() {
        let t = terms(&words("The trials of the man, said 2008."));
        assert_eq!(t, vec!["trial", "man"]);
        assert_eq!(numbers(&words("in 2008 aged 7")), vec!["2008"]);
    }
}
