//! `tidings opml import FILE` / `opml export`.

use crate::cli::OpmlCommand;
use crate::config::Config;
use crate::follow::{Follower, sources};
use anyhow::{Context, Result};
use std::process::ExitCode;

pub fn run(config: &Config, cmd: OpmlCommand) -> Result<ExitCode> {
    let follower = Follower::new(super::open_store(config)?, &config.fetch)?;
    let rt = super::runtime()?;
    match cmd {
        OpmlCommand::Import { file } => {
            let bytes = crate::ingest::read_file(&file, config.import.max_file_bytes)?;
            let report = rt
                .block_on(sources::import_opml(&follower, &bytes))
                .with_context(|| file.display().to_string())?;
            for (url, e) in &report.failed {
                eprintln!("error: {url}: {e}");
            }
            eprintln!(
                "{} feeds added, {} already followed, {} failed; `tidings fetch --once` fetches them",
                report.added,
                report.already,
                report.failed.len()
            );
        }
        OpmlCommand::Export => print!("{}", rt.block_on(sources::export_opml(&follower))?),
    }
    Ok(ExitCode::SUCCESS)
}
