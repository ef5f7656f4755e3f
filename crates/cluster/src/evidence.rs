//! Event-discriminating evidence: the details that tell two look-alike events apart (two
//! earthquakes on one island, two trials of one man) when their vocabulary is the same.
//!
//! Cosine similarity counts shared topical words and is blind to disagreement: "26 pirates on
//! Thursday, November 2011" and "23 pirates on Saturday" share "pirates", "Gulf of Aden" and
//! "Indian Navy" and look alike. Three kinds of evidence are compared separately and added to
//! the similarity as a small bonus or malus (see [`agreement`]):
//!
//! * years mentioned: the latest year an article mentions is usually the year it was written
//!   in. Two articles disagree when neither's latest year appears in the other at all;
//! * numbers (tolls, ages, counts, magnitudes): the cosine of the number features alone;
//! * the weekday named most often (the day of the event): two articles disagree when neither's
//!   main weekday is named by the other.
//!
//! Evidence is read from an article's weighted feature vector (names as [`crate::raw_features`]
//! makes them), so it costs one pass over at most `doc_features` entries.

use crate::text::WEEKDAYS;
use crate::{Config, Kind};

/// The evidence of one article (or one remembered story member). Serialisable: the store keeps
/// a story's recent members' evidence in the database.
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Evidence {
    /// Years mentioned (1900–2099), sorted, distinct.
    pub years: Vec<u16>,
    /// Number features (name, weight), L2-normalised among themselves, sorted by name.
    pub numbers: Vec<(String, f32)>,
    /// Bit i set when weekday i ([`WEEKDAYS`], Monday first) is named.
    pub weekdays: u8,
    /// The weekday with the largest weight, if any is named.
    pub main_weekday: Option<u8>,
}

/// The year a number feature name (`#2011`) stands for, when it is one.
fn year_of(number: &str) -> Option<u16> {
    if number.len() != 4 || !number.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let y: u16 = number.parse().ok()?;
    (1900..=2099).contains(&y).then_some(y)
}

impl Evidence {
    /// Names no year, number or weekday: agrees and conflicts with nothing.
    pub fn is_empty(&self) -> bool {
        self.years.is_empty() && self.numbers.is_empty() && self.weekdays == 0
    }

    /// Evidence of a weighted feature vector given as (name, weight) pairs.
    pub fn from_features<'a>(features: impl IntoIterator<Item = (&'a str, f32)>) -> Evidence {
        let mut ev = Evidence::default();
        let mut best_day: Option<(u8, f32)> = None;
        for (name, w) in features {
            match Kind::of(name) {
                Kind::Number => {
                    let n = &name[1..];
                    if let Some(y) = year_of(n) {
                        ev.years.push(y);
                    }
                    ev.numbers.push((n.to_string(), w));
                }
                Kind::Detail => {
                    if let Some(i) = WEEKDAYS.iter().position(|d| *d == &name[1..]) {
                        let i = i as u8;
                        ev.weekdays |= 1 << i;
                        if best_day.is_none_or(|(_, bw)| w > bw) {
                            best_day = Some((i, w));
                        }
                    }
                }
                Kind::Term | Kind::Entity => {}
            }
        }
        ev.years.sort_unstable();
        ev.years.dedup();
        ev.numbers.sort_by(|a, b| a.0.cmp(&b.0));
        let norm = ev.numbers.iter().map(|x| x.1 * x.1).sum::<f32>().sqrt();
        if norm > 0.0 {
            for x in &mut ev.numbers {
                x.1 /= norm;
            }
        }
        ev.main_weekday = best_day.map(|d| d.0);
        ev
    }
}

/// +1 when two articles' years agree, -1 when they conflict, 0 when either names none.
/// They conflict when neither's latest year is mentioned by the other: background years
/// ("Watergate, 1972") are often shared, the year of writing is what differs.
pub fn year_agreement(a: &Evidence, b: &Evidence) -> f32 {
    match (a.years.last(), b.years.last()) {
        (Some(la), Some(lb)) => {
            if b.years.binary_search(la).is_ok() || a.years.binary_search(lb).is_ok() {
                1.0
            } else {
                -1.0
            }
        }
        _ => 0.0,
    }
}

/// Cosine of the number features alone (0 when either has none).
pub fn number_agreement(a: &Evidence, b: &Evidence) -> f32 {
    let (x, y) = (&a.numbers, &b.numbers);
    let (mut i, mut j, mut s) = (0, 0, 0.0);
    while i < x.len() && j < y.len() {
        match x[i].0.cmp(&y[j].0) {
            std::cmp::Ordering::Less => i += 1,
            std::cmp::Ordering::Greater => j += 1,
            std::cmp::Ordering::Equal => {
                s += x[i].1 * y[j].1;
                i += 1;
                j += 1;
            }
        }
    }
    s
}

/// +1 when one's main weekday is named by the other, -1 when neither's is, 0 when either names
/// no weekday.
pub fn weekday_agreement(a: &Evidence, b: &Evidence) -> f32 {
    match (a.main_weekday, b.main_weekday) {
        (Some(da), Some(db)) => {
            if b.weekdays & (1 << da) != 0 || a.weekdays & (1 << db) != 0 {
                1.0
            } else {
                -1.0
            }
        }
        _ => 0.0,
    }
}

/// The similarity bonus (or malus, when negative) of two articles' evidence, weighted by
/// [`Config::year_weight`], [`Config::number_weight`] and [`Config::weekday_weight`].
pub fn agreement(c: &Config, a: &Evidence, b: &Evidence) -> f32 {
    c.year_weight * year_agreement(a, b)
        + c.number_weight * number_agreement(a, b)
        + c.weekday_weight * weekday_agreement(a, b)
}

/// Mean agreement of an article of `n` features with a story's recent members (0 without
/// any), on the scale of the article's threshold: short vectors have low cosines, so the same
/// bonus would weigh far more for a headline than for a full text.
pub fn mean_agreement<'a>(
    c: &Config,
    n: usize,
    ev: &Evidence,
    members: impl ExactSizeIterator<Item = &'a Evidence>,
) -> f32 {
    let count = members.len();
    if count == 0 || c.threshold <= 0.0 {
        return 0.0;
    }
    let scale = c.threshold_for(n) / c.threshold;
    let sum: f32 = members.map(|m| agreement(c, ev, m)).sum();
    scale * sum / count as f32
}

/// Mean evidence agreement between the recent members of two stories (0 when either has
/// none remembered).
pub fn stories_agreement<'a>(
    c: &Config,
    a: impl IntoIterator<Item = &'a Evidence>,
    b: impl IntoIterator<Item = &'a Evidence>,
) -> f32 {
    let b: Vec<&Evidence> = b.into_iter().collect();
    let (mut sum, mut n) = (0.0f32, 0usize);
    for x in a {
        for y in &b {
            sum += agreement(c, x, y);
            n += 1;
        }
    }
    if n == 0 { 0.0 } else { sum / n as f32 }
}

/// The reason an evidence agreement adds to a decision, when it weighed noticeably.
pub fn describe(agreement: f32) -> Option<String> {
    let verb = if agreement >= 0.01 {
        "agree with"
    } else if agreement <= -0.01 {
        "differ from"
    } else {
        return None;
    };
    Some(format!(
        "its dates, numbers and weekdays {verb} the story's latest articles ({agreement:+.2})"
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ev(names: &[&str]) -> Evidence {
        Evidence::from_features(names.iter().map(|n| (*n, 1.0)))
    }

    #[test]
    fn reads_years_numbers_and_weekdays() {
        let e = ev(&[
            "pirate",
            "#2011",
            "#26",
            "%thursday",
            "%26 pirate",
            "@aden",
            "#1991",
        ]);
        assert_eq!(e.years, vec![1991, 2011]);
        assert_eq!(e.numbers.len(), 3);
        assert_eq!(e.main_weekday, Some(3));
        assert_eq!(e.weekdays, 1 << 3);
        assert!((number_agreement(&e, &e) - 1.0).abs() < 1e-6);
    }

    #[test]
    fn years_conflict_only_when_neither_latest_is_shared() {
        let felt = ev(&["#1972", "#2005"]);
        let felt2 = ev(&["#1972", "#1974", "#2005", "#2006"]);
        let larue = ev(&["#1972", "#2004"]);
        assert_eq!(year_agreement(&felt, &felt2), 1.0);
        assert_eq!(year_agreement(&felt, &larue), -1.0);
        assert_eq!(year_agreement(&felt, &ev(&["#26"])), 0.0);
        assert_eq!(year_of("1850"), None);
        assert_eq!(year_of("20.5"), None);
    }

    #[test]
    fn weekdays_and_numbers_compare() {
        let sat = ev(&["%saturday", "#23"]);
        let thu = ev(&["%thursday", "#26"]);
        let both = ev(&["%thursday", "%saturday", "#23"]);
        assert_eq!(weekday_agreement(&sat, &thu), -1.0);
        assert_eq!(weekday_agreement(&sat, &both), 1.0);
        assert_eq!(weekday_agreement(&sat, &ev(&["x"])), 0.0);
        assert_eq!(number_agreement(&sat, &thu), 0.0);
        assert!(number_agreement(&sat, &both) > 0.9);
        let c = Config::default();
        assert!(agreement(&c, &sat, &thu) <= 0.0);
        assert!(agreement(&c, &sat, &both) >= 0.0);
        assert_eq!(describe(0.0), None);
        assert!(describe(-0.2).is_some_and(|r| r.contains("differ from") && r.contains("-0.20")));
    }
}
