//! Structural place rules from news conventions the training text lacks:
//!
//! - datelines: a line of capitalised names followed only by a date ("OSLO 2024-05-01",
//!   "LAKETOWN , Ruritania 2024-05-01") names places;
//! - "town of X", "province of X", …: X is a place;
//! - results lists give a person's country in parentheses ("Ann Berg ( Norway )").

use super::gazetteer::{DEMONYM, GAZ, ORGCUE};
use super::{Label, chunks, set_chunk};

fn is_name_tok(t: &str) -> bool {
    t.chars().next().is_some_and(char::is_uppercase) && t.chars().any(char::is_alphabetic)
}

fn is_iso_date(t: &str) -> bool {
    let b = t.as_bytes();
    b.len() == 10
        && b[4] == b'-'
        && b[7] == b'-'
        && b.iter()
            .enumerate()
            .all(|(i, c)| i == 4 || i == 7 || c.is_ascii_digit())
}

const SETTLEMENT: [&str; 16] = [
    "town",
    "village",
    "city",
    "province",
    "region",
    "district",
    "capital",
    "outskirts",
    "island",
    "port",
    "suburb",
    "county",
    "municipality",
    "republic",
    "state",
    "enclave",
];

/// Clears chunks overlapping `[a, b)` and labels it.
fn relabel(tags: &mut [u8], a: usize, b: usize, label: Label) {
    for (s, e, _) in chunks(tags) {
        if s < b && e > a {
            set_chunk(tags, s, e, None);
        }
    }
    set_chunk(tags, a, b, Some(label));
}

/// End of the capitalised run from `a` (up to four words, with inner hyphens).
fn run(toks: &[&str], a: usize) -> usize {
    let mut b = a;
    while b < toks.len() && is_name_tok(toks[b]) && b - a < 4 {
        b += 1;
    }
    b
}

pub(crate) fn apply(toks: &[&str], tags: &mut [u8]) {
    let n = toks.len();
    // Dateline.
    if n >= 2 && is_iso_date(toks[n - 1]) {
        let mut groups = Vec::new();
        let mut i = 0;
        let mut ok = true;
        while i < n - 1 {
            let e = run(toks, i);
            if e == i {
                ok = false;
                break;
            }
            groups.push((i, e));
            i = e;
            if i < n - 1 {
                if toks[i] == "," {
                    i += 1;
                } else {
                    ok = false;
                    break;
                }
            }
        }
        if ok && !groups.is_empty() && groups.len() <= 2 {
            for (a, b) in groups {
                relabel(tags, a, b, Label::Loc);
            }
        }
        return;
    }
    for j in 0..n.saturating_sub(2) {
        // "the town of X"
        if SETTLEMENT.contains(&toks[j]) && toks[j + 1] == "of" {
            let a = j + 2;
            let b = if tags[a] != 0 {
                chunks(&tags[a..]).first().map_or(a, |c| a + c.1)
            } else {
                run(toks, a)
            };
            let cue = toks[a..b]
                .iter()
                .any(|t| GAZ.word(&t.to_lowercase()) & ORGCUE != 0);
            if b > a && !cue {
                relabel(tags, a, b, Label::Loc);
            }
        }
    }
    // "Person ( Country )" in results.
    for (a, b, label) in chunks(tags) {
        if label != Label::Per || b + 2 >= n || toks[b] != "(" {
            continue;
        }
        let e = run(toks, b + 1);
        let name = &toks[b + 1..e];
        if e > b + 1
            && e < n
            && toks[e] == ")"
            && name.iter().map(|t| t.len()).sum::<usize>() >= 3
            && name
                .iter()
                .all(|t| GAZ.word(&t.to_lowercase()) & (DEMONYM | ORGCUE) == 0)
        {
            let _ = a;
            relabel(tags, b + 1, e, Label::Loc);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn datelines_and_settlements() {
        let mut t = vec![3, 0, 0, 0];
        apply(&["LAKETOWN", ",", "Ruritania", "2024-05-01"], &mut t);
        assert_eq!(t, vec![5, 0, 5, 0]);
        let mut t = vec![0, 0, 0, 0, 1, 0];
        apply(&["in", "the", "town", "of", "Brell", "."], &mut t);
        assert_eq!(t, vec![0, 0, 0, 0, 5, 0]);
        let mut t = vec![1, 2, 0, 0, 0, 0];
        apply(&["Ann", "Berg", "(", "Norway", ")", "12.3"], &mut t);
        assert_eq!(t, vec![1, 2, 0, 5, 0, 0]);
    }
}
