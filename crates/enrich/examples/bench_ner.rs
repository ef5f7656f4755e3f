//! Throughput of `recognize` on raw text, one core, release mode:
//!
//! ```sh
//! cargo run --release -p tidings-enrich --example bench_ner -- GOLD.conll
//! ```
//!
//! Joins each CoNLL document's tokens with spaces (sentences separated by newlines),
//! then times `recognize` over all documents and reports whitespace tokens per second.

use std::process::ExitCode;
use std::time::Instant;

fn main() -> ExitCode {
    let Some(path) = std::env::args().nth(1) else {
        eprintln!("usage: bench_ner FILE.conll");
        return ExitCode::from(2);
    };
    let text = match std::fs::read_to_string(&path) {
        Ok(t) => t,
        Err(e) => {
            eprintln!("reading {path}: {e}");
            return ExitCode::FAILURE;
        }
    };
    let docs = match tidings_enrich::ner::eval::parse_conll(&text) {
        Ok(d) => d,
        Err(e) => {
            eprintln!("{e}");
            return ExitCode::FAILURE;
        }
    };
    let texts: Vec<String> = docs
        .iter()
        .map(|d| {
            d.sentences
                .iter()
                .map(|s| s.tokens.join(" "))
                .collect::<Vec<_>>()
                .join("\n")
        })
        .collect();
    let tokens: usize = texts.iter().map(|t| t.split_whitespace().count()).sum();
    // Warm-up loads the model and gazetteers.
    let _ = tidings_enrich::ner::recognize("Warm up in Paris.");
    let started = Instant::now();
    let mut spans = 0;
    for t in &texts {
        spans += tidings_enrich::ner::recognize(t).len();
    }
    let secs = started.elapsed().as_secs_f64();
    println!(
        "{} documents, {tokens} tokens, {spans} spans in {secs:.3}s: {:.0} tokens/s",
        texts.len(),
        tokens as f64 / secs
    );
    ExitCode::SUCCESS
}
