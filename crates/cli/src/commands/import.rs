//! `tidings import PATH... [--json]`: store local article pages; one bad file is reported and
//! skipped, the rest go on — except when the database or disk is full, which stops the import
//! (every later file would fail too) keeping what was stored.

use crate::cli::ImportArgs;
use crate::config::Config;
use crate::ingest;
use anyhow::Result;
use std::process::ExitCode;
use tidings_model::{Classify, ErrorClass};

pub fn run(config: &Config, args: ImportArgs) -> Result<ExitCode> {
    let store = super::open_store(config)?;
    let files = ingest::collect_files(&args.paths)?;
    let bar = crate::progress::bar(files.len() as u64, "import");
    let (mut created, mut updated, mut worst) = (0usize, 0usize, None);
    let mut done = 0usize;
    for path in &files {
        done += 1;
        let name = path.display().to_string();
        let result = ingest::read_file(path, config.import.max_file_bytes)
            .and_then(|bytes| ingest::import(&store, &name, &bytes));
        match result {
            Ok(outcomes) => {
                for o in outcomes {
                    if o.created {
                        created += 1;
                    } else {
                        updated += 1;
                    }
                    if args.json
                        && let Some(stored) = store.article(o.id)?
                    {
                        bar.suspend(|| super::print_json(&stored.article))?;
                    }
                }
            }
            Err(e) => {
                bar.suspend(|| eprintln!("error: {e}"));
                let class = e.class();
                worst.get_or_insert(class);
                if class == ErrorClass::StorageFull {
                    worst = Some(class);
                    break;
                }
            }
        }
        bar.inc(1);
    }
    bar.finish_and_clear();
    if worst == Some(ErrorClass::StorageFull) {
        eprintln!(
            "stopped: the database is full; the {} article(s) stored before are kept, {} file(s) not imported — free space (or raise database_max_bytes) and run the import again",
            created + updated,
            files.len() + 1 - done
        );
    }
    let failed = done.saturating_sub(created + updated);
    eprintln!(
        "imported {} article{} ({created} new, {updated} updated){}",
        created + updated,
        if created + updated == 1 { "" } else { "s" },
        match worst {
            Some(_) => format!("; {failed} file(s) refused"),
            None => String::new(),
        }
    );
    Ok(match worst {
        Some(class) => ExitCode::from(class.exit_code()),
        None => ExitCode::SUCCESS,
    })
}
