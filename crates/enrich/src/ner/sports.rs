//! Structural rules for sports results, which the model never saw in training (GUM has no
//! results tables): in news convention a club or team in a score line, a standings row or a
//! fixture ("v Name") is an organisation, even when it is named after a place; national
//! teams (country names) stay places, and full person names stay persons.
//!
//! - score line: `Name N Name N` (optionally followed by a parenthesis, e.g. half-time);
//! - standings row: `Name N N N …` (three or more numbers to the end of the line);
//! - fixture: `v Name` / `vs Name` (and the name just before `v`).
//!
//! Names found this way are then labelled ORG wherever else they occur in the document as
//! a whole chunk (or untagged), so a club named in a table is a club in the report too.

use std::collections::HashSet;

use super::gazetteer::{COMMON, COUNTRY, DEMONYM, FIRST, GAZ, SURNAME};
use super::{CALENDAR, Label, chunks, set_chunk};

/// Longest team name we accept, in tokens.
const MAX_NAME: usize = 5;

fn is_int(t: &str) -> bool {
    !t.is_empty() && t.len() <= 4 && t.bytes().all(|b| b.is_ascii_digit())
}

/// Integers, decimals (".471", "12.5") and signs, as in standings columns.
fn is_stat(t: &str) -> bool {
    if is_int(t) || t == "-" {
        return true;
    }
    if let Some((a, b)) = t.split_once('/') {
        return is_int(a) && is_int(b);
    }
    let s = t.strip_prefix(['-', '+']).unwrap_or(t);
    let mut dot = false;
    let mut digits = 0;
    for b in s.bytes() {
        match b {
            b'0'..=b'9' => digits += 1,
            b'.' if !dot => dot = true,
            _ => return false,
        }
    }
    digits > 0 && digits <= 6
}

fn is_name_tok(t: &str) -> bool {
    let mut cs = t.chars();
    cs.next().is_some_and(char::is_uppercase)
        && t.chars().any(char::is_alphabetic)
        && !is_calendar_or_short(t)
}

/// Month and weekday names (and their short forms) start dates, not teams.
fn is_calendar_or_short(t: &str) -> bool {
    if !(3..=10).contains(&t.len()) {
        return false;
    }
    let l = t.to_lowercase();
    let l = l.trim_end_matches('.');
    CALENDAR
        .iter()
        .any(|c| *c == l || (l.len() >= 3 && c.starts_with(l) && l.len() < c.len() && l.len() <= 4))
}

/// A cricket-style total: "296", "218-9".
fn is_total(t: &str) -> bool {
    let runs = |a: &str| is_int(a) && a.len() <= 3;
    runs(t)
        || t.split_once('-')
            .is_some_and(|(a, b)| runs(a) && is_int(b) && b.len() <= 2)
}

/// A one-word "name" that is an ordinary word ("In 2015 ,", "Tab 3 .").
fn ordinary(toks: &[&str]) -> bool {
    toks.len() == 1 && COMMON.contains(toks[0].to_lowercase().as_str())
}

fn is_connector(t: &str) -> bool {
    matches!(t, "&" | "de" | "of" | "and" | "del" | "la" | "le")
}

/// End of the name run starting at `a` (exclusive), or `a` if there is none.
fn name_run(toks: &[&str], a: usize) -> usize {
    if a >= toks.len() || !is_name_tok(toks[a]) {
        return a;
    }
    let mut b = a + 1;
    while b < toks.len() && b - a < MAX_NAME {
        if toks[b] == "AT" {
            break;
        }
        if is_name_tok(toks[b]) {
            b += 1;
        } else if is_connector(toks[b]) && b + 1 < toks.len() && is_name_tok(toks[b + 1]) {
            b += 2;
        } else {
            break;
        }
    }
    if b - a > MAX_NAME { a } else { b }
}

/// Name runs in team position in this sentence.
fn team_runs(toks: &[&str]) -> Vec<(usize, usize)> {
    let n = toks.len();
    let mut out = Vec::new();
    let b = name_run(toks, 0);
    if b > 0 && b < n {
        // Standings row: numbers to the end.
        // (Mostly whole numbers: rows of decimals are financial tables.)
        if n - b >= 3
            && toks[b..].iter().all(|t| is_stat(t))
            && toks[b..].iter().filter(|t| is_int(t)).count() >= 2
        {
            out.push((0, b));
            return out;
        }
        // Score line: Name N Name N [( …].
        if is_int(toks[b]) {
            let c = b + 1;
            let d = name_run(toks, c);
            if d > c && d < n && is_int(toks[d]) && (d + 1 == n || toks[d + 1] == "(") {
                out.push((0, b));
                out.push((c, d));
                return out;
            }
        }
    }
    // Schedule line: "NAME AT NAME".
    if b > 0 && b + 1 < n && matches!(toks[b], "AT" | "at" | "@") {
        let d = name_run(toks, b + 1);
        if d == n {
            out.push((0, b));
            out.push((b + 1, d));
            return out;
        }
    }
    // Innings totals: "Name 296 and 218-9", "…, Name 2 ." after a comma, colon or at the
    // start.
    let mut i = 0;
    while i < n {
        let e = name_run(toks, i);
        if e > i && (i == 0 || matches!(toks[i - 1], "," | ":" | ";")) && e + 1 < n + 1 {
            if e < n
                && is_total(toks[e])
                && (e + 1 == n
                    || matches!(
                        toks[e + 1],
                        "and" | "(" | "," | "." | ";" | "points" | "pts"
                    ))
                && !is_country(&key(&toks[i..e]))
                && !ordinary(&toks[i..e])
            {
                out.push((i, e));
            }
            i = e;
        } else {
            i += 1;
        }
    }
    if !out.is_empty() {
        return out;
    }
    // Fixtures: "v Name", and "Name v Name".
    for i in 0..n {
        if matches!(toks[i], "v" | "vs" | "vs.") {
            let e = name_run(toks, i + 1);
            if e > i + 1 {
                out.push((i + 1, e));
                // The name just before "v", when it starts the sentence or follows a comma.
                let mut s = i;
                while s > 0 && is_name_tok(toks[s - 1]) && i - s < MAX_NAME {
                    s -= 1;
                }
                if s < i && (s == 0 || matches!(toks[s - 1], "," | ":" | "-")) {
                    out.push((s, i));
                }
            }
        }
    }
    out
}

/// Roles in a club or team: "Northtown striker", "Eastshire 's Welsh captain".
const ROLES: [&str; 28] = [
    "striker",
    "midfielder",
    "defender",
    "goalkeeper",
    "keeper",
    "forward",
    "winger",
    "playmaker",
    "captain",
    "coach",
    "batsman",
    "bowler",
    "all-rounder",
    "opener",
    "spinner",
    "pitcher",
    "quarterback",
    "fullback",
    "full-back",
    "sweeper",
    "skipper",
    "paceman",
    "side",
    "squad",
    "team-mate",
    "teammate",
    "supporters",
    "fans",
];

/// Words after an organisation's name: "Northwind chairman", "Quillon shares", "the
/// Morning Clarion newspaper".
const ORG_ROLES: [&str; 12] = [
    "chairman",
    "chairwoman",
    "shares",
    "shareholders",
    "stock",
    "newspaper",
    "daily",
    "weekly",
    "agency",
    "subsidiary",
    "unit",
    "spokesman",
];

/// Nouns in apposition before an organisation's name: "mineral water firm Northwind",
/// "first division team Eastvale", "Lakeside-based Quillon".
const ORG_KINDS: [&str; 22] = [
    "team",
    "club",
    "side",
    "firm",
    "company",
    "group",
    "giant",
    "chain",
    "maker",
    "carrier",
    "airline",
    "broadcaster",
    "insurer",
    "publisher",
    "producer",
    "manufacturer",
    "retailer",
    "distributor",
    "operator",
    "newspaper",
    "daily",
    "agency",
];

/// Start of the name ending at `e` (a chunk, or up to three untagged capitalised words),
/// if there is one.
fn name_before(toks: &[&str], tags: &[u8], e: usize) -> Option<usize> {
    if e == 0 || !is_name_tok(toks[e - 1]) || GAZ.word(&toks[e - 1].to_lowercase()) & DEMONYM != 0 {
        return None;
    }
    let a = if tags[e - 1] != 0 {
        match chunks(&tags[..e]).last() {
            Some(&(a, b, _)) if b == e => a,
            _ => return None,
        }
    } else {
        let mut a = e - 1;
        while a > 0 && tags[a - 1] == 0 && is_name_tok(toks[a - 1]) && e - a < 3 {
            a -= 1;
        }
        // "The Northtown striker": a leading ordinary word is not part of the name.
        while a + 1 < e && COMMON.contains(toks[a].to_lowercase().as_str()) {
            a += 1;
        }
        a
    };
    (e - a <= MAX_NAME).then_some(a)
}

/// End of the name starting at `a` (a chunk, or an untagged capitalised run).
fn name_after(toks: &[&str], tags: &[u8], a: usize) -> Option<usize> {
    if a >= toks.len() || !is_name_tok(toks[a]) {
        return None;
    }
    let b = if tags[a] != 0 {
        chunks(&tags[a..]).first().map(|c| a + c.1)?
    } else {
        let mut b = a + 1;
        while b < toks.len() && tags[b] == 0 && is_name_tok(toks[b]) && b - a < 3 {
            b += 1;
        }
        b
    };
    (b - a <= MAX_NAME).then_some(b)
}

/// Names right before a role word of `roles` (after an optional "'s" and nationality word).
fn role_runs(toks: &[&str], tags: &[u8], roles: &[&str]) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    for j in 1..toks.len() {
        if !roles.iter().any(|r| r.eq_ignore_ascii_case(toks[j])) {
            continue;
        }
        let mut e = j;
        if e > 1 && matches!(toks[e - 1], "news" | "state" | "official") {
            e -= 1;
        }
        if e > 1 && GAZ.word(&toks[e - 1].to_lowercase()) & DEMONYM != 0 {
            e -= 1;
        }
        if e > 1 && matches!(toks[e - 1], "'s" | "’s") {
            e -= 1;
        }
        if let Some(a) = name_before(toks, tags, e) {
            out.push((a, e));
        }
    }
    out
}

/// Names right after a kind-of-organisation noun (or an "X-based" adjective).
fn kind_runs(toks: &[&str], tags: &[u8]) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    for j in 0..toks.len().saturating_sub(1) {
        let l = toks[j];
        if l.chars().next().is_some_and(char::is_lowercase)
            && (ORG_KINDS.contains(&l) || (l.len() > 6 && l.ends_with("-based")))
            && let Some(b) = name_after(toks, tags, j + 1)
        {
            out.push((j + 1, b));
        }
    }
    out
}

/// Does the name contain a known first name or surname (a person, not a company)?
fn has_person_name(toks: &[&str]) -> bool {
    toks.iter()
        .any(|t| GAZ.word(&t.to_lowercase()) & (FIRST | SURNAME) != 0)
}

fn key(toks: &[&str]) -> String {
    toks.iter()
        .map(|t| t.to_lowercase())
        .collect::<Vec<_>>()
        .join(" ")
}

fn is_country(k: &str) -> bool {
    GAZ.word(k) & COUNTRY != 0
}

/// A full person name the model already found ("First … Surname").
fn is_person(toks: &[&str], tags: &[u8], a: usize, b: usize) -> bool {
    b - a >= 2
        && chunks(&tags[a..b]) == [(0, b - a, Label::Per)]
        && GAZ.word(&toks[a].to_lowercase()) & FIRST != 0
}

/// Applies the rules to a whole document (tags as produced by the model and `postprocess`).
pub(crate) fn apply<S: AsRef<str>>(sents: &[Vec<S>], tags: &mut [Vec<u8>]) {
    let mut teams: HashSet<String> = HashSet::new();
    for (s, t) in sents.iter().zip(tags.iter_mut()) {
        let toks: Vec<&str> = s.iter().map(AsRef::as_ref).collect();
        for (a, b) in team_runs(&toks) {
            let k = key(&toks[a..b]);
            if is_person(&toks, t, a, b) {
                continue;
            }
            if is_country(&k) {
                clear_overlaps(t, a, b);
                set_chunk(t, a, b, Some(Label::Loc));
                continue;
            }
            clear_overlaps(t, a, b);
            set_chunk(t, a, b, Some(Label::Org));
            teams.insert(k);
        }
        let mut found = role_runs(&toks, t, &ROLES);
        for (a, b) in role_runs(&toks, t, &ORG_ROLES) {
            if !has_person_name(&toks[a..b]) {
                found.push((a, b));
            }
        }
        found.extend(kind_runs(&toks, t));
        for (a, b) in found {
            let k = key(&toks[a..b]);
            if is_person(&toks, t, a, b) || is_country(&k) || ordinary(&toks[a..b]) {
                continue;
            }
            clear_overlaps(t, a, b);
            set_chunk(t, a, b, Some(Label::Org));
            teams.insert(k);
        }
    }
    // "Northwind Corp" is "Northwind" later in the report.
    for (s, t) in sents.iter().zip(tags.iter()) {
        let toks: Vec<&str> = s.iter().map(AsRef::as_ref).collect();
        for (a, b, label) in chunks(t) {
            if label == Label::Org && b - a >= 2 && super::org_suffix(toks[b - 1]) {
                let name = &toks[a..b - 1];
                let k = key(name);
                if !is_country(&k) && !ordinary(name) && !has_person_name(name) {
                    teams.insert(k);
                }
            }
        }
    }
    if teams.is_empty() {
        return;
    }
    let max_len = teams
        .iter()
        .map(|k| k.split(' ').count())
        .max()
        .unwrap_or(1);
    for (s, t) in sents.iter().zip(tags.iter_mut()) {
        let toks: Vec<&str> = s.iter().map(AsRef::as_ref).collect();
        let n = toks.len();
        let mut i = 0;
        while i < n {
            let mut matched = 0;
            if is_name_tok(toks[i]) {
                for len in (1..=max_len.min(n - i)).rev() {
                    if teams.contains(&key(&toks[i..i + len])) && whole(t, i, i + len) {
                        matched = len;
                        break;
                    }
                }
            }
            if matched > 0 {
                set_chunk(t, i, i + matched, Some(Label::Org));
                i += matched;
            } else {
                i += 1;
            }
        }
    }
}

/// Is `[a, b)` untagged, or exactly one chunk, with no chunk running across its edges?
fn whole(tags: &[u8], a: usize, b: usize) -> bool {
    let cs = chunks(tags);
    let inside: Vec<_> = cs.iter().filter(|c| c.0 < b && c.1 > a).collect();
    match inside.as_slice() {
        [] => true,
        [c] => c.0 == a && c.1 == b,
        _ => false,
    }
}

/// Clears chunks that overlap `[a, b)` but stick out of it, so no half-chunk is left behind.
fn clear_overlaps(tags: &mut [u8], a: usize, b: usize) {
    for (s, e, _) in chunks(tags) {
        if s < b && e > a && (s < a || e > b) {
            set_chunk(tags, s, e, None);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn runs() {
        assert_eq!(
            team_runs(&["Northtown", "Rovers", "2", "Southville", "1"]),
            vec![(0, 2), (3, 4)]
        );
        assert_eq!(
            team_runs(&["Eastham", "10", "6", "3", "1", "20", "9", "21"]),
            vec![(0, 1)]
        );
        assert_eq!(
            team_runs(&["July", "3", "v", "Westshire", "(", "three", "days", ")"]),
            vec![(3, 4)]
        );
        assert!(team_runs(&["He", "scored", "2", "goals", "in", "3", "games"]).is_empty());
        assert_eq!(
            role_runs(
                &["The", "Northtown", "striker", "scored"],
                &[0, 0, 0, 0],
                &ROLES
            ),
            vec![(1, 2)]
        );
        assert!(is_stat(".471") && is_stat("12") && !is_stat("6-3") && !is_stat("2:03.4"));
    }
}
