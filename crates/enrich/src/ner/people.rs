//! Person-name repairs for news conventions:
//!
//! - initials belong to the name after them ("K. Lindqvist", "A.J. Berg");
//! - a known first name right before a person joins it ("Bernd" + "Halvorsen");
//! - a role title inside a longer chunk ends the organisation before it and starts the
//!   person after it ("Northwind Bank Governor Ann Berg");
//! - cricket scorecards: the name after "b", "c" or "st" is a player.

use super::gazetteer::{CITY, COMMON, COUNTRY, DEMONYM, FIRST, GAZ, STATE, TITLE};
use super::{Label, chunks, is_calendar, set_chunk};

fn is_initial(t: &str) -> bool {
    let b = t.as_bytes();
    b.len() >= 2
        && b.len() <= 6
        && b.chunks(2)
            .all(|p| p.len() == 2 && p[0].is_ascii_uppercase() && p[1] == b'.')
}

fn is_word(t: &str) -> bool {
    let mut cs = t.chars();
    cs.next().is_some_and(char::is_uppercase) && cs.any(char::is_lowercase)
}

fn is_particle(t: &str) -> bool {
    matches!(
        t,
        "de" | "del"
            | "della"
            | "di"
            | "da"
            | "van"
            | "von"
            | "den"
            | "der"
            | "du"
            | "dos"
            | "das"
            | "wa"
            | "bin"
            | "ibn"
            | "al"
            | "el"
            | "le"
            | "la"
            | "ter"
            | "ten"
    )
}

/// Capitalised words that come before names without being part of them (ranks and
/// storm kinds the title list lacks).
const NOT_GIVEN_NAMES: [&str; 16] = [
    "emperor",
    "empress",
    "tsar",
    "czar",
    "sultan",
    "shah",
    "khan",
    "pharaoh",
    "saint",
    "hurricane",
    "typhoon",
    "cyclone",
    "storm",
    "tropical",
    "fullback",
    "winger",
];

fn relabel(tags: &mut [u8], a: usize, b: usize, label: Option<Label>) {
    for (s, e, _) in chunks(tags) {
        if s < b && e > a {
            set_chunk(tags, s, e, None);
        }
    }
    set_chunk(tags, a, b, label);
}

/// End of the chunk starting at `a`, or `a + 1` for an untagged word.
fn chunk_end(tags: &[u8], a: usize) -> usize {
    if tags[a] == 0 {
        return a + 1;
    }
    chunks(&tags[a..]).first().map_or(a + 1, |c| a + c.1)
}

pub(crate) fn apply(toks: &[&str], tags: &mut [u8]) {
    let n = toks.len();
    // Scorecards.
    let card = n >= 3
        && toks[n - 1].bytes().all(|b| b.is_ascii_digit())
        && toks.iter().any(|t| matches!(*t, "b" | "lbw" | "c" | "st"));
    if card {
        for i in 0..n - 1 {
            if matches!(toks[i], "b" | "c" | "st") {
                let mut e = i + 1;
                if e < n && is_initial(toks[e]) {
                    e += 1;
                }
                if e < n && is_word(toks[e]) {
                    relabel(tags, i + 1, e + 1, Some(Label::Per));
                }
            }
        }
    }
    // Initials and first names before a person (or before an untagged capitalised word,
    // for initials).
    let mut i = n;
    while i > 0 {
        i -= 1;
        if i + 1 >= n {
            continue;
        }
        let next_label = super::Label::from_tag(tags[i + 1]);
        let next_starts = tags[i + 1] % 2 == 1 || tags[i + 1] == 0;
        if !next_starts {
            continue;
        }
        let person_next = next_label == Some(Label::Per);
        let word_next = tags[i + 1] == 0 && is_word(toks[i + 1]);
        if !person_next && !word_next {
            continue;
        }
        let init = is_initial(toks[i]) && GAZ.word(&toks[i].to_lowercase()) == 0;
        let first = person_next && is_word(toks[i]) && {
            let l = toks[i].to_lowercase();
            let g = GAZ.word(&l);
            g & FIRST != 0 && g & TITLE == 0 && !COMMON.contains(l.as_str())
        };
        if (init && (person_next || word_next))
            || (first && person_next && tags[i] != 1 && tags[i] != 2)
        {
            let e = chunk_end(tags, i + 1);
            let s = if tags[i] != 0 {
                chunks(&tags[..=i]).last().map_or(i, |c| {
                    if c.1 == i + 1 && c.1 - c.0 == 1 {
                        c.0
                    } else {
                        i
                    }
                })
            } else {
                i
            };
            if s == i {
                relabel(tags, i, e, Some(Label::Per));
            }
        }
    }
    // Joins: "Filip" + "De Wilde" (two persons back to back), "Joaquin del Olmo",
    // "Maarten den Bakker", and an unknown capitalised word right before a person.
    let mut changed = true;
    let mut guard = 0;
    while changed && guard < 8 {
        changed = false;
        guard += 1;
        let cs = chunks(tags);
        for (k, &(a, b, label)) in cs.iter().enumerate() {
            if label != Label::Per {
                continue;
            }
            // Back to back with another person.
            if let Some(&(a2, b2, l2)) = cs.get(k + 1)
                && a2 == b
                && l2 == Label::Per
            {
                set_chunk(tags, a, b2, Some(Label::Per));
                changed = true;
                break;
            }
            // Particle and surname after.
            if b + 1 < n && is_particle(toks[b]) && tags[b] == 0 && is_word(toks[b + 1]) {
                let e = chunk_end(tags, b + 1);
                relabel(tags, a, e, Some(Label::Per));
                changed = true;
                break;
            }
            // Given name and particle before.
            if a >= 2 && is_particle(toks[a - 1]) && tags[a - 1] == 0 && is_word(toks[a - 2]) {
                let s = if tags[a - 2] == 0 {
                    a - 2
                } else {
                    chunks(&tags[..a - 1]).last().map_or(a - 2, |c| c.0)
                };
                relabel(tags, s, b, Some(Label::Per));
                changed = true;
                break;
            }
            // An unknown capitalised word before ("Shem Kororia").
            if a >= 1 && tags[a - 1] == 0 && is_word(toks[a - 1]) {
                let l = toks[a - 1].to_lowercase();
                let g = GAZ.word(&l);
                if g & (TITLE | DEMONYM | COUNTRY | STATE | CITY) == 0
                    && !COMMON.contains(l.as_str())
                    && !is_calendar(&l)
                    && !NOT_GIVEN_NAMES.contains(&l.as_str())
                {
                    set_chunk(tags, a - 1, b, Some(Label::Per));
                    changed = true;
                    break;
                }
            }
        }
    }
    // Titles inside other chunks.
    for (a, b, label) in chunks(tags) {
        if label == Label::Per || b - a < 3 {
            continue;
        }
        for k in a + 1..b - 1 {
            let t = toks[k];
            let g = GAZ.word(&t.to_lowercase());
            if g & TITLE != 0
                && t.chars().next().is_some_and(char::is_uppercase)
                && GAZ.word(&toks[k + 1].to_lowercase()) & FIRST != 0
            {
                set_chunk(tags, a, k, Some(label));
                set_chunk(tags, k, k + 1, None);
                set_chunk(tags, k + 1, b, Some(Label::Per));
                break;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn repairs() {
        let mut t = vec![7, 1, 0, 0];
        apply(&["K.", "Lindqvist", "said", "."], &mut t);
        assert_eq!(t, vec![1, 2, 0, 0]);
        let mut t = vec![0, 0, 0, 0, 0];
        apply(&["Brell", "lbw", "b", "Osgood", "12"], &mut t);
        assert_eq!(t, vec![0, 0, 0, 1, 0]);
        let mut t = vec![3, 4, 4, 4, 4, 0];
        apply(
            &["Northwind", "Bank", "Governor", "Ann", "Berg", "said"],
            &mut t,
        );
        assert_eq!(t, vec![3, 4, 0, 1, 2, 0]);
        let mut t = vec![1, 0, 1, 0];
        apply(&["Joaquim", "del", "Osgood", "scored"], &mut t);
        assert_eq!(t, vec![1, 2, 2, 0]);
        let mut t = vec![1, 1, 2, 0];
        apply(&["Filip", "De", "Wolde", "saved"], &mut t);
        assert_eq!(t, vec![1, 2, 2, 0]);
        assert!(is_initial("A.J.") && !is_initial("AJ") && !is_initial("St."));
    }
}
