//! `tidings fetch [--once]`: fetch cycles without the web server.

use crate::cli::FetchArgs;
use crate::config::Config;
use crate::follow::{Follower, cycle};
use anyhow::Result;
use std::process::ExitCode;

pub fn run(config: &Config, args: FetchArgs) -> Result<ExitCode> {
    let follower = Follower::new(super::open_store(config)?, &config.fetch)?;
    let rt = super::runtime()?;
    if args.once {
        let bar = crate::progress::bar(0, "fetch");
        let report = rt.block_on(cycle::run_once(&follower, &bar))?;
        bar.finish_and_clear();
        eprintln!(
            "{} feeds due: {} fetched, {} not modified, {} failed; {} new articles",
            report.feeds, report.fetched, report.not_modified, report.failed, report.new_articles
        );
        return Ok(ExitCode::SUCCESS);
    }
    rt.block_on(cycle::run_until(&follower, super::serve::shutdown_signal()))?;
    Ok(ExitCode::SUCCESS)
}
