//! Scores the compiled-in NER model on a CoNLL file (what `tidings eval ner` does):
//!
//! ```sh
//! cargo run --release -p tidings-enrich --example eval_ner -- GOLD.txt [PRED_OUT.txt]
//! ```

use std::process::ExitCode;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let Some(input) = args.first() else {
        eprintln!("usage: eval_ner GOLD.conll [PREDICTIONS_OUT]");
        return ExitCode::from(2);
    };
    let text = match std::fs::read_to_string(input) {
        Ok(t) => t,
        Err(e) => {
            eprintln!("reading {input}: {e}");
            return ExitCode::FAILURE;
        }
    };
    match tidings_enrich::ner::eval::evaluate(&text) {
        Ok(r) => {
            print!("{}", r.to_text());
            if let Some(out) = args.get(1)
                && let Err(e) = std::fs::write(out, &r.predictions_conll)
            {
                eprintln!("writing {out}: {e}");
                return ExitCode::FAILURE;
            }
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("{e}");
            ExitCode::FAILURE
        }
    }
}
