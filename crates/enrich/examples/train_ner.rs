//! Trains the NER model shipped in `crates/enrich/data/ner-model.bin`:
//!
//! ```sh
//! cargo run --release -p tidings-enrich --example train_ner -- \
//!     /work/shared/datasets/gum/gum-train-by-only.txt crates/enrich/data/ner-model.bin
//! ```
//!
//! Deterministic: the same input gives the same file.

use std::process::ExitCode;

use tidings_enrich::ner::train::{TrainOptions, train};

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [input, output] = args.as_slice() else {
        eprintln!("usage: train_ner TRAIN.conll OUT.bin");
        return ExitCode::from(2);
    };
    let text = match std::fs::read_to_string(input) {
        Ok(t) => t,
        Err(e) => {
            eprintln!("reading {input}: {e}");
            return ExitCode::FAILURE;
        }
    };
    // Overrides for experiments; the shipped model uses the defaults.
    let mut opts = TrainOptions::default();
    if let Some(v) = std::env::var("NER_EPOCHS")
        .ok()
        .and_then(|v| v.parse().ok())
    {
        opts.epochs = v;
    }
    if let Some(v) = std::env::var("NER_PRUNE").ok().and_then(|v| v.parse().ok()) {
        opts.prune = v;
    }
    let started = std::time::Instant::now();
    match train(&text, &opts) {
        Ok(bytes) => {
            if let Err(e) = std::fs::write(output, &bytes) {
                eprintln!("writing {output}: {e}");
                return ExitCode::FAILURE;
            }
            eprintln!(
                "wrote {output}: {} bytes in {:.1}s",
                bytes.len(),
                started.elapsed().as_secs_f64()
            );
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("training failed: {e}");
            ExitCode::FAILURE
        }
    }
}
