//! Prints every feed file's parse as one JSON line (`{"file": …, "doc": …}`), so that the output
//! of two builds can be compared byte for byte when the parser is changed for speed.
//!
//!     cargo run --release -p tidings-feed --example dump_parse -- PATH... > out.jsonl
//!
//! A PATH is a file or a folder (walked recursively for `*.xml` and `*.json`, sorted), as in
//! `bench_parse`. Each file is parsed with `tidings_feed::parse_document(bytes, None, &[])` and
//! dumped with `Document::to_value`.

#[path = "support/corpus.rs"]
mod corpus;

use std::path::Path;
use std::process::ExitCode;

fn main() -> ExitCode {
    let mut files = Vec::new();
    for arg in std::env::args().skip(1) {
        if let Err(e) = corpus::collect(Path::new(&arg), &mut files) {
            eprintln!("{arg}: {e}");
            return ExitCode::from(66);
        }
    }
    if files.is_empty() {
        eprintln!("usage: dump_parse PATH...");
        return ExitCode::from(64);
    }
    for f in &files {
        let bytes = match std::fs::read(f) {
            Ok(b) => b,
            Err(e) => {
                eprintln!("{}: {e}", f.display());
                return ExitCode::from(66);
            }
        };
        let doc = tidings_feed::parse_document(&bytes, None, &[]);
        let line = serde_json::json!({"file": f.display().to_string(), "doc": doc.to_value()});
        println!("{line}");
    }
    ExitCode::SUCCESS
}
