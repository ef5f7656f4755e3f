//! The extraction benchmark's metric (Zyte's article-extraction-benchmark, as
//! `shared/tools/extraction_score.py` implements it): word tokens, 4-token shingles as
//! multisets, per-page precision and recall, macro-averaged, F1 of the averages, and exact
//! token-sequence accuracy.

pub mod xss;

use std::collections::HashMap;

/// Word tokens: maximal runs of alphanumeric characters or `_` (Python's `\w+`).
pub fn tokens(text: &str) -> Vec<&str> {
    text.split(|c: char| !(c.is_alphanumeric() || c == '_'))
        .filter(|t| !t.is_empty())
        .collect()
}

/// The multiset of contiguous `n`-token windows; a shorter non-empty text is one shingle.
fn shingles<'a>(tokens: &[&'a str], n: usize) -> HashMap<Vec<&'a str>, usize> {
    let mut out = HashMap::new();
    if tokens.is_empty() {
        return out;
    }
    if tokens.len() < n {
        out.insert(tokens.to_vec(), 1);
        return out;
    }
    for w in tokens.windows(n) {
        *out.entry(w.to_vec()).or_insert(0) += 1;
    }
    out
}

/// One page's scores.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct PageScore {
    /// `None` when the prediction has no shingle (not counted in overall precision).
    pub precision: Option<f64>,
    pub recall: f64,
    pub exact: bool,
}

pub fn score_page(truth: &str, predicted: &str) -> PageScore {
    let (t, p) = (tokens(truth), tokens(predicted));
    let (ts, ps) = (shingles(&t, 4), shingles(&p, 4));
    let tp: usize = ps
        .iter()
        .map(|(k, n)| (*n).min(ts.get(k).copied().unwrap_or(0)))
        .sum();
    let predicted_total: usize = ps.values().sum();
    let truth_total: usize = ts.values().sum();
    PageScore {
        precision: (predicted_total > 0).then(|| tp as f64 / predicted_total as f64),
        recall: if truth_total == 0 {
            0.0
        } else {
            tp as f64 / truth_total as f64
        },
        exact: t == p,
    }
}

/// Overall precision, recall, F1 and accuracy over pages.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Overall {
    pub precision: f64,
    pub recall: f64,
    pub f1: f64,
    pub accuracy: f64,
}

pub fn overall(pages: &[PageScore]) -> Overall {
    let with_prediction: Vec<f64> = pages.iter().filter_map(|p| p.precision).collect();
    let mean = |v: &[f64]| {
        if v.is_empty() {
            0.0
        } else {
            v.iter().sum::<f64>() / v.len() as f64
        }
    };
    let precision = mean(&with_prediction);
    let recall = mean(&pages.iter().map(|p| p.recall).collect::<Vec<_>>());
    let f1 = if precision + recall > 0.0 {
        2.0 * precision * recall / (precision + recall)
    } else {
        0.0
    };
    let accuracy = if pages.is_empty() {
        0.0
    } else {
        pages.iter().filter(|p| p.exact).count() as f64 / pages.len() as f64
    };
    Overall {
        precision,
        recall,
        f1,
        accuracy,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn metric_follows_the_benchmark_definition() {
        let exact = score_page("one two three four five", "one, two three four five!");
        assert_eq!(
            (exact.precision, exact.recall, exact.exact),
            (Some(1.0), 1.0, true)
        );
        let half = score_page("a b c d e", "a b c d x");
        assert_eq!(half.precision, Some(0.5));
        assert_eq!(half.recall, 0.5);
        let empty = score_page("a b c d", "");
        assert_eq!((empty.precision, empty.recall), (None, 0.0));
        let short = score_page("a b", "a b");
        assert_eq!(short.recall, 1.0);
        let o = overall(&[exact, empty]);
        assert_eq!(
            o.precision, 1.0,
            "empty predictions do not count against precision"
        );
        assert_eq!(o.recall, 0.5);
        assert_eq!(o.accuracy, 0.5);
        assert_eq!(
            tokens("l'été_2 日本語 x"),
            vec!["l", "été_2", "日本語", "x"]
        );
    }
}
