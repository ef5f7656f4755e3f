//! Evaluation: read a clustering data set (JSON Lines with a gold `cluster`), stream it through
//! [`Clusterer`] in time order (or in seeded shuffled orders when dates are missing), and score
//! the result with the pairwise and B-cubed metrics exactly as `shared/tools/clustering_score.py`
//! defines them.

use crate::{Clusterer, Config, Doc, Error};
use chrono::{DateTime, Utc};
use serde::Serialize;
use std::collections::HashMap;
use std::io::Write;
use std::path::Path;
use std::time::Instant;

/// A document with its gold cluster.
#[derive(Debug, Clone)]
pub struct GoldDoc {
    pub doc: Doc,
    pub cluster: String,
}

/// Read the JSONL form: `{"id", "title", "text", "date", "cluster", ...}` per line.
/// Optional `entities` (array of strings) is used when present.
pub fn read_jsonl(path: &Path) -> Result<Vec<GoldDoc>, Error> {
    let raw = std::fs::read_to_string(path)?;
    parse_jsonl(&raw).map_err(|message| Error::Input {
        path: path.display().to_string(),
        message,
    })
}

/// Parse the JSONL form from a string (see [`read_jsonl`]).
pub fn parse_jsonl(raw: &str) -> Result<Vec<GoldDoc>, String> {
    let mut out = Vec::new();
    for (n, line) in raw.lines().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        let v: serde_json::Value =
            serde_json::from_str(line).map_err(|e| format!("line {}: {e}", n + 1))?;
        let s = |k: &str| v.get(k).and_then(|x| x.as_str()).map(str::to_string);
        let scalar = |k: &str| match v.get(k) {
            Some(serde_json::Value::String(s)) => Some(s.clone()),
            Some(serde_json::Value::Number(x)) => Some(x.to_string()),
            _ => None,
        };
        let id = scalar("id").ok_or_else(|| format!("line {}: no id", n + 1))?;
        let cluster = scalar("cluster").ok_or_else(|| format!("line {}: no cluster", n + 1))?;
        let published_at = s("date")
            .and_then(|d| DateTime::parse_from_rfc3339(&d).ok())
            .map(|d| d.with_timezone(&Utc));
        let entities = v
            .get("entities")
            .and_then(|e| e.as_array())
            .map(|a| {
                a.iter()
                    .filter_map(|x| x.as_str().map(str::to_string))
                    .collect()
            })
            .unwrap_or_default();
        out.push(GoldDoc {
            doc: Doc {
                id,
                title: s("title"),
                text: s("text"),
                published_at,
                entities,
            },
            cluster,
        });
    }
    Ok(out)
}

/// FNV-1a 64, for deterministic splits.
pub fn fnv1a(s: &str) -> u64 {
    let mut h: u64 = 0xcbf29ce484222325;
    for b in s.bytes() {
        h ^= b as u64;
        h = h.wrapping_mul(0x100000001b3);
    }
    h
}

/// Deterministic half of a gold cluster: 'A' or 'B' (by a hash of its id).
pub fn half_of(cluster: &str) -> char {
    if fnv1a(cluster) & 1 == 0 { 'A' } else { 'B' }
}

/// Precision, recall, F1 (and pair counts for the pairwise metric).
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize)]
pub struct Prf {
    pub p: f64,
    pub r: f64,
    pub f1: f64,
}

/// Scores of one clustering against gold, as `clustering_score.py` reports them.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize)]
pub struct Scores {
    pub n_docs: usize,
    pub n_gold_clusters: usize,
    pub n_pred_clusters: usize,
    pub pairwise: Prf,
    pub tp: u64,
    pub fp: u64,
    pub fn_: u64,
    pub bcubed: Prf,
}

fn c2(n: u64) -> u64 {
    n * n.saturating_sub(1) / 2
}

fn prf(p: f64, r: f64) -> Prf {
    let f1 = if p + r > 0.0 {
        2.0 * p * r / (p + r)
    } else {
        0.0
    };
    Prf { p, r, f1 }
}

/// Score aligned gold and predicted labels (same length, same documents).
pub fn score<G: AsRef<str>, P: AsRef<str>>(gold: &[G], pred: &[P]) -> Scores {
    assert_eq!(
        gold.len(),
        pred.len(),
        "gold and predictions must be aligned"
    );
    let n = gold.len();
    let mut cells: HashMap<(&str, &str), u64> = HashMap::new();
    let mut gsize: HashMap<&str, u64> = HashMap::new();
    let mut psize: HashMap<&str, u64> = HashMap::new();
    for (g, p) in gold.iter().zip(pred) {
        *cells.entry((g.as_ref(), p.as_ref())).or_insert(0) += 1;
        *gsize.entry(g.as_ref()).or_insert(0) += 1;
        *psize.entry(p.as_ref()).or_insert(0) += 1;
    }
    let tp: u64 = cells.values().map(|&v| c2(v)).sum();
    let tp_fp: u64 = psize.values().map(|&v| c2(v)).sum();
    let tp_fn: u64 = gsize.values().map(|&v| c2(v)).sum();
    let p = if tp_fp > 0 {
        tp as f64 / tp_fp as f64
    } else {
        0.0
    };
    let r = if tp_fn > 0 {
        tp as f64 / tp_fn as f64
    } else {
        0.0
    };
    let (mut bp, mut br) = (0.0, 0.0);
    if n > 0 {
        for (&(g, pc), &v) in &cells {
            bp += (v * v) as f64 / psize[pc] as f64;
            br += (v * v) as f64 / gsize[g] as f64;
        }
        bp /= n as f64;
        br /= n as f64;
    }
    Scores {
        n_docs: n,
        n_gold_clusters: gsize.len(),
        n_pred_clusters: psize.len(),
        pairwise: prf(p, r),
        tp,
        fp: tp_fp - tp,
        fn_: tp_fn - tp,
        bcubed: prf(bp, br),
    }
}

/// The order a data set is streamed in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Order {
    /// By publication date (ties keep file order).
    Time,
    /// A seeded shuffle.
    Shuffled(u64),
}

/// Seeded Fisher-Yates shuffle (splitmix64), the same on every platform.
pub fn shuffle<T>(v: &mut [T], seed: u64) {
    let mut state = seed.wrapping_add(0x9E3779B97F4A7C15);
    let mut next = || {
        state = state.wrapping_add(0x9E3779B97F4A7C15);
        let mut z = state;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58476D1CE4E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D049BB133111EB);
        z ^ (z >> 31)
    };
    for i in (1..v.len()).rev() {
        let j = (next() % (i as u64 + 1)) as usize;
        v.swap(i, j);
    }
}

/// One stream of a data set through the clusterer.
#[derive(Debug, Clone)]
pub struct Run {
    pub order: Order,
    /// (document id, predicted story) in the order streamed.
    pub predictions: Vec<(String, u64)>,
    pub scores: Scores,
    pub seconds: f64,
    pub stats: crate::Stats,
}

/// The indexes of `docs` in the order they are streamed.
pub fn streamed(docs: &[GoldDoc], order: Order) -> Vec<usize> {
    let mut idx: Vec<usize> = (0..docs.len()).collect();
    match order {
        Order::Time => idx.sort_by_key(|&i| docs[i].doc.published_at),
        Order::Shuffled(seed) => shuffle(&mut idx, seed),
    }
    idx
}

/// A run scored: `predictions` are (document id, story) for the documents at `idx`, in order.
pub fn scored(
    docs: &[GoldDoc],
    idx: &[usize],
    order: Order,
    predictions: Vec<(String, u64)>,
    seconds: f64,
    stats: crate::Stats,
) -> Run {
    let gold: Vec<&str> = idx.iter().map(|&i| docs[i].cluster.as_str()).collect();
    let pred: Vec<String> = predictions.iter().map(|p| p.1.to_string()).collect();
    Run {
        order,
        scores: score(&gold, &pred),
        predictions,
        seconds,
        stats,
    }
}

/// Stream `docs` in `order` through a fresh [`Clusterer`] and score it.
pub fn run(docs: &[GoldDoc], config: &Config, order: Order) -> Run {
    let idx = streamed(docs, order);
    let mut c = Clusterer::new(config.clone());
    let start = Instant::now();
    for &i in &idx {
        c.add(&docs[i].doc);
    }
    let seconds = start.elapsed().as_secs_f64();
    // Read back once all are in: a later article may have moved an earlier one (a merge of its
    // story, a review).
    let predictions: Vec<(String, u64)> = idx
        .iter()
        .enumerate()
        .map(|(seq, &i)| (docs[i].doc.id.clone(), c.story_of(seq)))
        .collect();
    scored(docs, &idx, order, predictions, seconds, c.stats())
}

/// Result of evaluating one data set: one run in time order when every document is dated
/// (unless shuffling is forced), otherwise `seeds` shuffled runs; `mean` averages their scores.
#[derive(Debug, Clone)]
pub struct Report {
    pub runs: Vec<Run>,
    pub mean: Scores,
    /// Standard deviation of pairwise F1 over the runs.
    pub pairwise_f1_sd: f64,
    pub docs_per_second: f64,
}

/// Evaluate a data set as its README asks: time order where dates exist, else shuffled and
/// averaged over `seeds` fixed seeds (0, 1, ...).
pub fn evaluate(docs: &[GoldDoc], config: &Config, seeds: u64, force_shuffle: bool) -> Report {
    evaluate_with(docs, seeds, force_shuffle, |docs, order| {
        Ok::<_, std::convert::Infallible>(run(docs, config, order))
    })
    .unwrap_or_else(|never| match never {})
}

/// [`evaluate`] with another streamer than the in-memory clusterer (the store pipeline, say):
/// `run` streams the documents in the order given and scores them (see [`streamed`] and
/// [`scored`]).
pub fn evaluate_with<E>(
    docs: &[GoldDoc],
    seeds: u64,
    force_shuffle: bool,
    mut run: impl FnMut(&[GoldDoc], Order) -> Result<Run, E>,
) -> Result<Report, E> {
    let dated = !docs.is_empty() && docs.iter().all(|d| d.doc.published_at.is_some());
    let orders: Vec<Order> = if dated && !force_shuffle {
        vec![Order::Time]
    } else {
        (0..seeds.max(1)).map(Order::Shuffled).collect()
    };
    let runs: Vec<Run> = orders
        .into_iter()
        .map(|o| run(docs, o))
        .collect::<Result<_, E>>()?;
    let k = runs.len() as f64;
    let avg = |f: &dyn Fn(&Scores) -> f64| runs.iter().map(|r| f(&r.scores)).sum::<f64>() / k;
    let mean_f1 = avg(&|s| s.pairwise.f1);
    let sd = (runs
        .iter()
        .map(|r| (r.scores.pairwise.f1 - mean_f1).powi(2))
        .sum::<f64>()
        / k)
        .sqrt();
    let first = runs[0].scores;
    let mean = Scores {
        n_pred_clusters: avg(&|s| s.n_pred_clusters as f64).round() as usize,
        pairwise: Prf {
            p: avg(&|s| s.pairwise.p),
            r: avg(&|s| s.pairwise.r),
            f1: mean_f1,
        },
        bcubed: Prf {
            p: avg(&|s| s.bcubed.p),
            r: avg(&|s| s.bcubed.r),
            f1: avg(&|s| s.bcubed.f1),
        },
        ..first
    };
    let secs: f64 = runs.iter().map(|r| r.seconds).sum();
    let n: usize = runs.iter().map(|r| r.predictions.len()).sum();
    Ok(Report {
        mean,
        pairwise_f1_sd: sd,
        docs_per_second: if secs > 0.0 { n as f64 / secs } else { 0.0 },
        runs,
    })
}

/// Write predictions as the scorer reads them: `{"id": ..., "cluster": ...}` per line. Story
/// numbers are prefixed with `prefix` so several data sets can share one file.
pub fn write_predictions<W: Write>(
    out: &mut W,
    predictions: &[(String, u64)],
    prefix: &str,
) -> std::io::Result<()> {
    for (id, story) in predictions {
        let line = serde_json::json!({"id": id, "cluster": format!("{prefix}{story}")});
        writeln!(out, "{line}")?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn close(a: f64, b: f64) -> bool {
        (a - b).abs() < 1e-12
    }

    // The scorer's own self-test cases.
    #[test]
    fn matches_python_selftest() {
        let gold = ["X", "X", "X", "Y", "Y", "Z"];
        let s = score(&gold, &["pX", "pX", "pX", "pY", "pY", "pZ"]);
        assert_eq!((s.tp, s.fp, s.fn_), (4, 0, 0));
        assert!(close(s.pairwise.f1, 1.0) && close(s.bcubed.f1, 1.0));
        let s = score(&gold, &["a", "b", "c", "d", "e", "f"]);
        assert_eq!((s.tp, s.fn_), (0, 4));
        assert_eq!(s.pairwise.f1, 0.0);
        assert!(close(s.bcubed.p, 1.0));
        assert!(close(
            s.bcubed.r,
            (3.0 * (1.0 / 3.0) + 2.0 * 0.5 + 1.0) / 6.0
        ));
        let s = score(&gold, &["all"; 6]);
        assert_eq!((s.tp, s.fp), (4, 11));
        assert!(close(s.pairwise.p, 4.0 / 15.0) && close(s.pairwise.r, 1.0));
        assert!(close(s.bcubed.p, (9.0 + 4.0 + 1.0) / 36.0));
        let s = score(&gold, &["1", "1", "2", "2", "3", "3"]);
        assert_eq!((s.tp, s.fp, s.fn_), (1, 2, 3));
        assert!(close(s.bcubed.p, (1.0 + 1.0 + 0.5 * 4.0) / 6.0));
        assert!(close(
            s.bcubed.r,
            (2.0 / 3.0 * 2.0 + 1.0 / 3.0 + 0.5 + 0.5 + 1.0) / 6.0
        ));
    }

    #[test]
    fn shuffle_is_deterministic_permutation() {
        let mut a: Vec<u32> = (0..100).collect();
        let mut b = a.clone();
        shuffle(&mut a, 7);
        shuffle(&mut b, 7);
        assert_eq!(a, b);
        let mut s = a.clone();
        s.sort();
        assert_eq!(s, (0..100).collect::<Vec<_>>());
        assert_ne!(a, (0..100).collect::<Vec<_>>());
    }

    #[test]
    fn parses_dataset_lines() {
        let raw = r#"{"id": "u:1", "title": "Fed official says", "text": null, "date": "2014-03-10T16:52:50.698Z", "cluster": "c1"}
{"id": 2, "title": null, "text": "Tara Reid enters rehab", "date": null, "cluster": "c2", "entities": ["Tara Reid"]}
"#;
        let d = parse_jsonl(raw).unwrap();
        assert_eq!(d.len(), 2);
        assert!(d[0].doc.published_at.is_some());
        assert_eq!(d[1].doc.id, "2");
        assert_eq!(d[1].doc.entities, vec!["Tara Reid"]);
        let r = evaluate(&d, &Config::default(), 3, false);
        assert_eq!(r.runs.len(), 3);
        assert_eq!(r.mean.n_docs, 2);
    }
}
