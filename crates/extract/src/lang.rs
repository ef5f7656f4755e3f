//! A cheap English detector: the share of words that are common English function words. It
//! answers "en" or nothing — a wrong language is worse than none, so other languages are left to
//! page metadata or a later stage.

/// Function words frequent in English prose and rare as words of other European languages
/// ("in", "a", "die", "was" are left out on purpose: they are words elsewhere too).
const ENGLISH_MARKERS: &[&str] = &[
    "the", "and", "of", "to", "is", "that", "for", "with", "on", "are", "as", "by", "it", "this",
    "from", "have", "has", "be", "were", "which", "at", "or", "but", "not", "his", "her", "their",
    "they", "he", "she", "we", "you", "would", "been", "had", "an", "said", "its", "after", "who",
    "about", "what", "when", "there", "more", "than", "also", "into", "could", "should", "our",
    "these", "those", "them", "over", "between",
];

/// Words needed before the share means anything.
const MIN_WORDS: usize = 12;
/// English news prose runs at 35–50 % marker words; other languages stay far below 10 %.
const MIN_SHARE: f64 = 0.2;
/// Enough words to decide; the rest of a long text would not change the answer.
const SAMPLE_WORDS: usize = 2000;

/// "en" when `text` reads as English, else `None`.
pub(crate) fn detect_english(text: &str) -> Option<String> {
    let mut words = 0usize;
    let mut markers = 0usize;
    for word in text
        .split(|c: char| !c.is_alphabetic() && c != '\'' && c != '’')
        .filter(|w| !w.is_empty())
        .take(SAMPLE_WORDS)
    {
        words += 1;
        let lower = word.to_lowercase();
        if ENGLISH_MARKERS.contains(&lower.as_str()) {
            markers += 1;
        }
    }
    // Counts are at most SAMPLE_WORDS, so the conversions are exact.
    let english = words >= MIN_WORDS && (markers as f64) >= (words as f64) * MIN_SHARE;
    english.then(|| "en".to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn english_and_not() {
        assert_eq!(
            detect_english(
                "The minister said on Monday that the talks with the delegation had been \
                 productive and that a deal could be signed within weeks."
            )
            .as_deref(),
            Some("en")
        );
        for other in [
            "Der Minister sagte am Montag, die Gespräche mit der Delegation seien produktiv \
             gewesen und ein Abkommen könne in wenigen Wochen unterzeichnet werden.",
            "Le ministre a déclaré lundi que les discussions avec la délégation avaient été \
             productives et qu'un accord pourrait être signé dans quelques semaines.",
            "El ministro dijo el lunes que las conversaciones con la delegación habían sido \
             productivas y que un acuerdo podría firmarse en pocas semanas.",
            "Министр заявил в понедельник, что переговоры с делегацией были продуктивными и \
             соглашение может быть подписано в течение нескольких недель.",
            "short English text",
        ] {
            assert_eq!(detect_english(other), None, "{other}");
        }
    }
}
