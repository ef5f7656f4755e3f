//! Throughput of the whole enrichment step (recognition, resolution and quotes), one core,
//! release mode, on CoNLL documents and/or PolNeAR articles given on the command line:
//!
//! ```sh
//! cargo run --release -p tidings-enrich --example bench_enrich -- FILE.conll FILE.jsonl
//! ```
//!
//! Prints whitespace tokens per wall-clock second and per CPU second of this process (the
//! steadier figure when other jobs share the machine), as `tools/spacy_speed.py` does.

use std::process::ExitCode;
use std::time::Instant;

fn main() -> ExitCode {
    let mut texts = Vec::new();
    for path in std::env::args().skip(1) {
        let raw = match std::fs::read_to_string(&path) {
            Ok(t) => t,
            Err(e) => {
                eprintln!("reading {path}: {e}");
                return ExitCode::FAILURE;
            }
        };
        if path.ends_with(".jsonl") {
            texts.extend(raw.lines().filter_map(|l| {
                serde_json::from_str::<serde_json::Value>(l).ok()?["text"]
                    .as_str()
                    .map(str::to_owned)
            }));
        } else {
            match tidings_enrich::ner::eval::parse_conll(&raw) {
                Ok(docs) => texts.extend(docs.iter().map(|d| {
                    d.sentences
                        .iter()
                        .map(|s| s.tokens.join(" "))
                        .collect::<Vec<_>>()
                        .join("\n")
                })),
                Err(e) => {
                    eprintln!("{path}: {e}");
                    return ExitCode::FAILURE;
                }
            }
        }
    }
    if texts.is_empty() {
        eprintln!("usage: bench_enrich FILE.conll|FILE.jsonl...");
        return ExitCode::from(2);
    }
    let tokens: usize = texts.iter().map(|t| t.split_whitespace().count()).sum();
    let _ = tidings_enrich::enrich("Warm up", "Warm up in Paris, said Ada Lund.");
    let mut best = (f64::MAX, f64::MAX);
    let (mut entities, mut quotes) = (0, 0);
    for _ in 0..3 {
        let (wall, cpu) = (Instant::now(), cpu_seconds());
        (entities, quotes) = (0, 0);
        for t in &texts {
            let e = tidings_enrich::enrich("", t);
            entities += e.entities.len();
            quotes += e.quotes.len();
        }
        let cpu = cpu_seconds().zip(cpu).map(|(b, a)| b - a);
        best.0 = best.0.min(wall.elapsed().as_secs_f64());
        best.1 = best.1.min(cpu.unwrap_or(f64::MAX));
    }
    println!(
        "{} documents, {tokens} tokens, {entities} entities, {quotes} quotes: {:.0} tokens/s wall, {:.0} tokens per CPU-second (best of 3)",
        texts.len(),
        tokens as f64 / best.0,
        tokens as f64 / best.1
    );
    ExitCode::SUCCESS
}

/// User + system CPU time of this process, from /proc (Linux); `None` elsewhere.
fn cpu_seconds() -> Option<f64> {
    let stat = std::fs::read_to_string("/proc/self/stat").ok()?;
    // Fields after the command name (which may hold spaces) start after the last ')'.
    let fields: Vec<&str> = stat.rsplit_once(')')?.1.split_whitespace().collect();
    let ticks: f64 = fields.get(11)?.parse::<f64>().ok()? + fields.get(12)?.parse::<f64>().ok()?;
    Some(ticks / 100.0)
}
