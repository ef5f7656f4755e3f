//! `tidings extract FILE... [--url URL] [--threads N] --json`: Article JSON lines, nothing
//! stored. With several threads, files are handed out one at a time and the output is put back
//! in the order the files were given, so batch runs compare line for line.

use crate::cli::ExtractArgs;
use crate::config::Config;
use crate::ingest;
use anyhow::Result;
use std::collections::BTreeMap;
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::mpsc;
use tidings_model::{Article, Classify, ErrorClass};

type Extracted = Result<Vec<Article>, ingest::ImportError>;

pub fn run(config: &Config, args: ExtractArgs) -> Result<ExitCode> {
    let max_bytes = config.import.max_file_bytes;
    let url = args.url.as_deref();
    let extract_one = |path: &PathBuf| -> Extracted {
        let name = path.display().to_string();
        ingest::read_file(path, max_bytes).and_then(|bytes| ingest::extract(&name, &bytes, url))
    };
    let mut worst = None;
    let mut report = |result: Extracted| -> Result<()> {
        match result {
            Ok(articles) => {
                for a in &articles {
                    super::print_json(a)?;
                }
            }
            Err(e) => {
                eprintln!("error: {e}");
                worst.get_or_insert(e.class());
            }
        }
        Ok(())
    };
    let threads = usize::from(args.threads).min(args.files.len()).max(1);
    if threads == 1 {
        for path in &args.files {
            report(extract_one(path))?;
        }
    } else {
        in_parallel(&args.files, threads, extract_one, report)?;
    }
    Ok(worst.map_or(ExitCode::SUCCESS, |c: ErrorClass| {
        ExitCode::from(c.exit_code())
    }))
}

/// Runs `work` over `files` on `threads` threads and hands each result to `report` in file
/// order. Workers take the next file as they finish one; results that arrive early wait in a
/// buffer, which holds at most what the slowest file in flight held back.
fn in_parallel(
    files: &[PathBuf],
    threads: usize,
    work: impl Fn(&PathBuf) -> Extracted + Sync,
    mut report: impl FnMut(Extracted) -> Result<()>,
) -> Result<()> {
    let next = AtomicUsize::new(0);
    std::thread::scope(|scope| {
        let (tx, rx) = mpsc::channel::<(usize, Extracted)>();
        for _ in 0..threads {
            let tx = tx.clone();
            let (next, work) = (&next, &work);
            scope.spawn(move || {
                loop {
                    let i = next.fetch_add(1, Ordering::Relaxed);
                    let Some(path) = files.get(i) else { break };
                    if tx.send((i, work(path))).is_err() {
                        break; // the reader stopped (output failed)
                    }
                }
            });
        }
        drop(tx);
        let mut waiting = BTreeMap::new();
        let mut due = 0;
        for (i, result) in rx {
            waiting.insert(i, result);
            while let Some(result) = waiting.remove(&due) {
                due += 1;
                if let Err(e) = report(result) {
                    // Workers stop at their next send; the rest of the files are skipped.
                    next.store(files.len(), Ordering::Relaxed);
                    return Err(e);
                }
            }
        }
        Ok(())
    })
}
