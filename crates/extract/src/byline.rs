//! Bylines into author names: "By A and B", "A, B and C", "Ana Lima, Staff Reporter" — roles,
//! places and affiliations dropped. Shared by the text-page and HTML extractors.

use crate::textutil::{collapse_whitespace, re};
use once_cell::sync::Lazy;
use regex::Regex;

/// A name in a byline is at most this many words ("Maria de la Cruz Fernández").
const MAX_AUTHOR_WORDS: usize = 6;

/// Strips a leading "By" / "Words by" / "Written by" from a byline.
pub(crate) fn strip_by(byline: &str) -> &str {
    static BY: Lazy<Regex> = Lazy::new(|| {
        re(r"(?i)^\s*(?:(?:words|written|story|reporting|report|text)\s+)?by\s*:?\s+")
    });
    match BY.find(byline) {
        Some(m) => &byline[m.end()..],
        None => byline,
    }
}

/// Words that describe a role, not a person ("Staff Reporter", "Senior Correspondent").
const ROLE_WORDS: &[&str] = &[
    "reporter",
    "reporters",
    "correspondent",
    "correspondents",
    "editor",
    "editors",
    "writer",
    "writers",
    "staff",
    "contributor",
    "contributors",
    "columnist",
    "journalist",
    "journalists",
    "photographer",
    "producer",
    "analyst",
    "bureau",
    "desk",
    "team",
    "newsroom",
    "intern",
    "special",
    "senior",
    "chief",
    "contributing",
    "freelance",
    "agencies",
    "agency",
];

/// Splits a byline (without its "By") into author names: "A and B", "A, B and C", "A & B";
/// roles ("Staff Reporter"), places ("in Kyiv") and affiliations ("for The Outlet") are dropped.
pub(crate) fn parse_authors(byline: &str) -> Vec<String> {
    static SPLIT: Lazy<Regex> = Lazy::new(|| re(r"\s*(?:,|;|&|\band\b|\|)\s*"));
    static AFFILIATION: Lazy<Regex> =
        Lazy::new(|| re(r"\s+(?:in|for|at|from)\s+\p{Lu}.*$|\s+[-–—(].*$|\s*[·•].*$"));
    let mut authors = Vec::new();
    for piece in SPLIT.split(byline) {
        let name = AFFILIATION.replace(piece.trim(), "");
        let name = collapse_whitespace(name.trim_end_matches(['.', ')']));
        if is_author_name(&name) && !authors.contains(&name) {
            authors.push(name);
        }
    }
    authors
}

fn is_author_name(name: &str) -> bool {
    let words: Vec<&str> = name.split_whitespace().collect();
    let starts_capital = name.chars().next().is_some_and(char::is_uppercase);
    let has_role = words
        .iter()
        .any(|w| ROLE_WORDS.contains(&w.to_lowercase().as_str()));
    starts_capital && !has_role && (1..=MAX_AUTHOR_WORDS).contains(&words.len())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bylines() {
        assert_eq!(parse_authors("Nate Ostiller"), vec!["Nate Ostiller"]);
        assert_eq!(
            parse_authors("Ana Lima and Tom Berg"),
            vec!["Ana Lima", "Tom Berg"]
        );
        assert_eq!(
            parse_authors("Ana Lima, Tom Berg and Sara Oz"),
            vec!["Ana Lima", "Tom Berg", "Sara Oz"]
        );
        assert_eq!(parse_authors("Ana Lima, Staff Reporter"), vec!["Ana Lima"]);
        assert_eq!(
            parse_authors("Ana Lima & Tom Berg, Senior Correspondents"),
            vec!["Ana Lima", "Tom Berg"]
        );
        assert_eq!(parse_authors("Ana Lima in Kyiv"), vec!["Ana Lima"]);
        assert_eq!(parse_authors("Ana Lima for The Daily"), vec!["Ana Lima"]);
        assert_eq!(parse_authors("Ana Lima (Reuters)"), vec!["Ana Lima"]);
        assert!(parse_authors("the staff").is_empty());
        assert_eq!(
            parse_authors("Ana Lima · 16 November 2026"),
            vec!["Ana Lima"]
        );
    }

    #[test]
    fn strips_by() {
        assert_eq!(strip_by("By Ana Lima"), "Ana Lima");
        assert_eq!(strip_by("Words by: Ana Lima"), "Ana Lima");
        assert_eq!(strip_by("Ana Lima"), "Ana Lima");
    }
}
