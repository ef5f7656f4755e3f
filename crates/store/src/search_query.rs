//! What a reader types into the search box, made safe: words, "quoted phrases" and prefix*
//! terms, bounded in number and length, rendered for FTS5 or for a PostgreSQL tsquery. Nothing
//! of the input reaches either query language except letters and digits.

/// Longest input considered; the rest is ignored.
const MAX_INPUT_CHARS: usize = 1_000;
const MAX_TERMS: usize = 16;
const MAX_WORD_CHARS: usize = 64;

/// One search term: a single word or a phrase, optionally a prefix (`elect*`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Term {
    pub words: Vec<String>,
    pub prefix: bool,
}

impl Term {
    /// FTS5 MATCH syntax: a quoted string, starred when a prefix.
    pub fn to_fts5(&self) -> String {
        let star = if self.prefix { "*" } else { "" };
        format!("\"{}\"{star}", self.words.join(" "))
    }
}

/// A parsed query: all terms must match.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ParsedQuery {
    pub terms: Vec<Term>,
}

impl ParsedQuery {
    pub fn parse(input: &str) -> Self {
        let input: String = input.chars().take(MAX_INPUT_CHARS).collect();
        let mut terms = Vec::new();
        // Unbalanced quotes: the last phrase runs to the end of the input.
        for (i, chunk) in input.split('"').enumerate() {
            if i % 2 == 1 {
                let words = words_of(chunk);
                if !words.is_empty() {
                    terms.push(Term {
                        words,
                        prefix: false,
                    });
                }
            } else {
                for raw in chunk.split_whitespace() {
                    let words = words_of(raw);
                    let any = !words.is_empty();
                    terms.extend(words.into_iter().map(|w| Term {
                        words: vec![w],
                        prefix: false,
                    }));
                    if any
                        && raw.ends_with('*')
                        && let Some(last) = terms.last_mut()
                    {
                        last.prefix = true;
                    }
                }
            }
        }
        terms.truncate(MAX_TERMS);
        Self { terms }
    }

    pub fn is_empty(&self) -> bool {
        self.terms.is_empty()
    }

    /// FTS5 MATCH syntax: every term a quoted string, prefixes starred.
    pub fn to_fts5(&self) -> String {
        self.terms
            .iter()
            .map(Term::to_fts5)
            .collect::<Vec<_>>()
            .join(" ")
    }

    /// True when a term is a prefix (`elect*`).
    pub fn has_prefix(&self) -> bool {
        self.terms.iter().any(|t| t.prefix)
    }

    /// [`Self::to_fts5`] matched in the title column only.
    pub fn to_fts5_in_title(&self) -> String {
        format!("{{title}} : ({})", self.to_fts5())
    }

    /// `to_tsquery` syntax: phrases with `<->`, prefixes with `:*`, terms joined with `&`.
    pub fn to_tsquery(&self) -> String {
        self.terms
            .iter()
            .map(|t| {
                let phrase = t.words.join(" <-> ");
                if t.prefix {
                    format!("{phrase}:*")
                } else if t.words.len() > 1 {
                    format!("({phrase})")
                } else {
                    phrase
                }
            })
            .collect::<Vec<_>>()
            .join(" & ")
    }

    /// The words, for highlighting.
    pub fn words(&self) -> impl Iterator<Item = &str> {
        self.terms
            .iter()
            .flat_map(|t| t.words.iter().map(String::as_str))
    }
}

/// Letters and digits only, lowercased; apostrophes inside words join ("O'Neil" → "oneil" would
/// lose the match, so they split instead, as both tokenizers do).
fn words_of(s: &str) -> Vec<String> {
    s.split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        // Lower-casing can add combining marks ("İ" → "i̇"); those are dropped after it.
        .map(|w| {
            w.chars()
                .take(MAX_WORD_CHARS)
                .flat_map(char::to_lowercase)
                .filter(|c| c.is_alphanumeric())
                .collect::<String>()
        })
        .filter(|w| !w.is_empty())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn words_phrases_prefixes() {
        let q = ParsedQuery::parse(r#"port "dock workers" elect* OR 1=1; DROP TABLE"#);
        assert_eq!(
            q.to_fts5(),
            r#""port" "dock workers" "elect"* "or" "1" "1" "drop" "table""#
        );
        assert_eq!(
            q.to_tsquery(),
            "port & (dock <-> workers) & elect:* & or & 1 & 1 & drop & table"
        );
    }

    #[test]
    fn hostile_and_odd_input() {
        assert!(ParsedQuery::parse("").is_empty());
        assert!(ParsedQuery::parse("\"\" *** ---").is_empty());
        let q = ParsedQuery::parse("\"unbalanced quote here");
        assert_eq!(q.terms.len(), 1);
        assert_eq!(q.terms[0].words.len(), 3);
        assert!(ParsedQuery::parse(&"a ".repeat(5_000)).terms.len() <= MAX_TERMS);
        assert_eq!(ParsedQuery::parse("Zürich").to_fts5(), "\"zürich\"");
        assert_eq!(
            ParsedQuery::parse("<script>alert(1)</script>").to_tsquery(),
            "script & alert & 1 & script"
        );
    }

    proptest! {
        #[test]
        fn rendered_queries_hold_only_safe_characters(input in "\\PC{0,200}") {
            let q = ParsedQuery::parse(&input);
            for c in q.to_tsquery().chars() {
                prop_assert!(c.is_alphanumeric() || " &<->():*".contains(c), "{c:?}");
            }
            for c in q.to_fts5().chars() {
                prop_assert!(c.is_alphanumeric() || " \"*".contains(c), "{c:?}");
            }
        }
    }
}
