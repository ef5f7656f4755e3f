//! `tidings import PATH... [--json]`: store local article pages; one bad file is reported and
//! skipped, the rest go on.

use crate::cli::ImportArgs;
use crate::config::Config;
use crate::ingest;
use anyhow::Result;
use std::process::ExitCode;
use tidings_model::Classify;

pub fn run(config: &Config, args: ImportArgs) -> Result<ExitCode> {
    let store = super::open_store(config)?;
    let files = ingest::collect_files(&args.paths)?;
    let bar = crate::progress::bar(files.len() as u64, "import");
    let (mut created, mut updated, mut worst) = (0usize, 0usize, None);
    for path in &files {
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
                worst.get_or_insert(e.class());
            }
        }
        bar.inc(1);
    }
    bar.finish_and_clear();
    let failed = files.len().saturating_sub(created + updated);
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
