//! Evaluation harness for the quote extractor on a gold JSONL file (PolNeAR format), run
//! by hand because the data set lives outside the repository:
//!
//! `QUOTES_GOLD=…/polnear-dev.jsonl QUOTES_PRED=/tmp/pred.jsonl cargo test --release -p
//! tidings-enrich --test quotes_eval -- --ignored --nocapture`
//!
//! It prints the report, writes the predictions for `quote_score.py`, checks the Rust
//! scorer against the predictions it wrote, and times extraction alone.

use std::time::Instant;

use tidings_enrich::quotes::eval::{self, MatchMode};
use tidings_enrich::{ner, quotes};

#[test]
#[ignore = "needs the PolNeAR file; run by hand"]
fn evaluate_gold_file() {
    let gold_path = std::env::var("QUOTES_GOLD")
        .unwrap_or_else(|_| "/work/shared/datasets/quotes/polnear-dev.jsonl".into());
    let gold = std::fs::read_to_string(&gold_path).expect("read gold");
    let report = eval::evaluate(&gold).expect("evaluate");
    print!("{}", report.to_text());
    if let Ok(out) = std::env::var("QUOTES_PRED") {
        std::fs::write(&out, &report.predictions_jsonl).expect("write predictions");
    }
    // Re-reading the written predictions must give the same scores.
    let again =
        eval::score_files(&gold, &report.predictions_jsonl, MatchMode::Overlap).expect("rescore");
    assert_eq!(again, report.overlap);
    if let Ok(other) = std::env::var("QUOTES_SCORE_PRED") {
        let p = std::fs::read_to_string(other).expect("read other predictions");
        for mode in [MatchMode::Overlap, MatchMode::Contain] {
            let s = eval::score_files(&gold, &p, mode).expect("score");
            println!("{mode:?} of QUOTES_SCORE_PRED: {s:?}");
        }
    }

    // Speed of extraction alone, mentions recognised beforehand.
    let texts: Vec<String> = gold
        .lines()
        .filter_map(|l| serde_json::from_str::<serde_json::Value>(l).ok())
        .filter_map(|v| v["text"].as_str().map(str::to_owned))
        .collect();
    let t0 = Instant::now();
    let mentions: Vec<_> = texts.iter().map(|t| ner::recognize(t)).collect();
    let ner_secs = t0.elapsed().as_secs_f64();
    let tokens: usize = texts.iter().map(|t| t.split_whitespace().count()).sum();
    let bytes: usize = texts.iter().map(String::len).sum();
    let rounds = 50;
    let t0 = Instant::now();
    let mut n = 0;
    for _ in 0..rounds {
        for (t, m) in texts.iter().zip(&mentions) {
            n += quotes::extract(t, m).len();
        }
    }
    let secs = t0.elapsed().as_secs_f64();
    let per_round = secs / rounds as f64;
    println!(
        "recognition + extraction: {:.0} tokens/s (recognition {:.3}s, extraction {:.4}s per pass)",
        tokens as f64 / (ner_secs + per_round),
        ner_secs,
        per_round
    );
    println!(
        "extract: {} quotes/round, {:.0} tokens/s, {:.1} MB/s ({} tokens, {} bytes, {} rounds, {:.3}s)",
        n / rounds,
        (tokens * rounds) as f64 / secs,
        (bytes * rounds) as f64 / secs / 1e6,
        tokens,
        bytes,
        rounds,
        secs
    );
}

/// Prints what the extractor finds in `QUOTES_TEXT`, for looking at one case by hand.
#[test]
#[ignore = "debugging aid; run by hand"]
fn show_text() {
    let text = std::env::var("QUOTES_TEXT").unwrap_or_default();
    for q in quotes::extract(&text, &ner::recognize(&text)) {
        let pieces: Vec<&str> = q.content.iter().map(|r| &text[r.clone()]).collect();
        println!(
            "{pieces:?} speaker={:?} entity={:?} verb={:?}",
            q.speaker.map(|r| &text[r]),
            q.speaker_entity.map(|r| &text[r]),
            q.verb
        );
    }
}
