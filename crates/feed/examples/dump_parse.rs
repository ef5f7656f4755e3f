//! Prints every feed file's parse as one JSON line (`{"file": …, "doc": …}`), so that the output
//! of two builds can be compared byte for byte when the parser is changed for speed.
//!
//!     cargo run --release -p tidings-feed --example dump_parse -- PATH... > out.jsonl
//!
//! A PATH is a file or a folder (walked recursively for `*.xml` and `*.json`, sorted), as in
//! `bench_parse`. Each file is parsed with `tidings_feed::parse_document(bytes, None, &[])` and
//! dumped with `Document::to_value`.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

fn collect(path: &Path, out: &mut Vec<PathBuf>) -> std::io::Result<()> {
    if !path.is_dir() {
        out.push(path.to_path_buf());
        return Ok(());
    }
    let mut children: Vec<PathBuf> = std::fs::read_dir(path)?
        .map(|e| e.map(|e| e.path()))
        .collect::<Result<_, _>>()?;
    children.sort();
    for child in children {
        if child.is_dir() {
            collect(&child, out)?;
        } else if matches!(
            child.extension().and_then(|e| e.to_str()),
            Some("xml" | "json")
        ) {
            out.push(child);
        }
    }
    Ok(())
}

fn main() -> ExitCode {
    let mut files = Vec::new();
    for arg in std::env::args().skip(1) {
        if let Err(e) = collect(Path::new(&arg), &mut files) {
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
