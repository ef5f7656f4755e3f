//! `tidings extract FILE... [--url URL] --json`: Article JSON lines, nothing stored.

use crate::cli::ExtractArgs;
use crate::config::Config;
use crate::ingest;
use anyhow::Result;
use std::process::ExitCode;
use tidings_model::Classify;

pub fn run(config: &Config, args: ExtractArgs) -> Result<ExitCode> {
    let mut worst = None;
    for path in &args.files {
        let name = path.display().to_string();
        let result = ingest::read_file(path, config.import.max_file_bytes)
            .and_then(|bytes| ingest::extract(&name, &bytes, args.url.as_deref()));
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
    }
    Ok(worst.map_or(ExitCode::SUCCESS, |c| ExitCode::from(c.exit_code())))
}
