//! Feed parsing throughput: loads every feed file under the given paths into memory, then parses
//! each with [`tidings_feed::parse_document`] (the rich parse the conformance runner and the
//! importer use) on one thread, and prints one JSON line with the totals.
//!
//!     cargo run --release -p tidings-feed --example bench_parse -- [--reps N] [--min-seconds S] PATH...
//!
//! A PATH is a file (read whatever its name) or a folder (walked recursively for `*.xml` and
//! `*.json`, in sorted order). One untimed warm-up pass comes first; then `--reps` timed passes,
//! or without it as many whole passes as it takes to reach `--min-seconds` (default 2). MB are
//! 10^6 bytes. `peak_rss_kb` is the process's VmHWM from `/proc/self/status` (absent where that
//! file is not readable); it includes the preloaded input.
//!
//! `bench/feeds.py` runs this next to Python feedparser on the same files.

#[path = "support/corpus.rs"]
mod corpus;

/// The allocator the shipped binary uses, configured as it does, so that the figures are its.
#[path = "../../cli/src/allocator.rs"]
mod allocator;

use std::hint::black_box;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Instant;

struct Options {
    reps: Option<u64>,
    min_seconds: f64,
    label: Option<String>,
    paths: Vec<PathBuf>,
}

fn usage() -> &'static str {
    "usage: bench_parse [--reps N] [--min-seconds S] [--label NAME] PATH..."
}

fn options() -> Result<Options, String> {
    let mut opts = Options {
        reps: None,
        min_seconds: 2.0,
        label: None,
        paths: Vec::new(),
    };
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        let mut value = |name: &str| args.next().ok_or_else(|| format!("{name} needs a value"));
        match arg.as_str() {
            "--reps" => {
                let n: u64 = value("--reps")?
                    .parse()
                    .map_err(|e| format!("--reps: {e}"))?;
                opts.reps = Some(n.max(1));
            }
            "--min-seconds" => {
                opts.min_seconds = value("--min-seconds")?
                    .parse()
                    .map_err(|e| format!("--min-seconds: {e}"))?;
            }
            "--label" => opts.label = Some(value("--label")?),
            "-h" | "--help" => return Err(usage().into()),
            s if s.starts_with("--") => return Err(format!("unknown option {s}\n{}", usage())),
            _ => opts.paths.push(PathBuf::from(arg)),
        }
    }
    if opts.paths.is_empty() {
        return Err(usage().into());
    }
    Ok(opts)
}

/// One pass over the corpus: (entries, bozo documents).
fn pass(docs: &[Vec<u8>]) -> (u64, u64) {
    let mut entries = 0u64;
    let mut bozo = 0u64;
    for bytes in docs {
        let doc = tidings_feed::parse_document(black_box(bytes), None, &[]);
        entries += doc.entries.len() as u64;
        bozo += u64::from(doc.bozo);
        black_box(&doc);
    }
    (entries, bozo)
}

fn peak_rss_kb() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

fn main() -> ExitCode {
    allocator::configure();
    let opts = match options() {
        Ok(o) => o,
        Err(e) => {
            eprintln!("{e}");
            return ExitCode::from(64);
        }
    };
    let mut files = Vec::new();
    for p in &opts.paths {
        if let Err(e) = corpus::collect(p, &mut files) {
            eprintln!("{}: {e}", p.display());
            return ExitCode::from(66);
        }
    }
    let mut docs = Vec::with_capacity(files.len());
    for f in &files {
        match std::fs::read(f) {
            Ok(b) => docs.push(b),
            Err(e) => {
                eprintln!("{}: {e}", f.display());
                return ExitCode::from(66);
            }
        }
    }
    let bytes: u64 = docs.iter().map(|d| d.len() as u64).sum();

    // Warm-up pass: faults in code and allocator arenas, and counts entries.
    let (entries, bozo) = pass(&docs);

    // Timed passes: exactly `--reps`, else as many whole passes as fit in `--min-seconds`
    // (at least one).
    let started = Instant::now();
    let mut reps = 0u64;
    loop {
        black_box(pass(&docs));
        reps += 1;
        let done = match opts.reps {
            Some(n) => reps >= n,
            None => started.elapsed().as_secs_f64() >= opts.min_seconds,
        };
        if done {
            break;
        }
    }
    let seconds = started.elapsed().as_secs_f64();

    let total_bytes = bytes as f64 * reps as f64;
    let total_entries = entries as f64 * reps as f64;
    let mut out = serde_json::json!({
        "parser": "tidings-feed",
        "files": files.len(),
        "bytes": bytes,
        "entries": entries,
        "bozo": bozo,
        "reps": reps,
        "seconds": seconds,
        "seconds_per_pass": seconds / reps as f64,
        "mb_per_s": total_bytes / seconds / 1e6,
        "entries_per_s": total_entries / seconds,
        "files_per_s": files.len() as f64 * reps as f64 / seconds,
    });
    if let Some(label) = opts.label {
        out["label"] = label.into();
    }
    if let Some(kb) = peak_rss_kb() {
        out["peak_rss_kb"] = kb.into();
    }
    println!("{out}");
    ExitCode::SUCCESS
}
