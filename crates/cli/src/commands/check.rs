//! `tidings check`: prints each integrity check and invariant with ok/FAILED and its details;
//! exits 65 (data error) when one fails.

use crate::cli::CheckArgs;
use crate::config::Config;
use anyhow::Result;
use std::process::ExitCode;
use tidings_model::ErrorClass;

pub fn run(config: &Config, args: CheckArgs) -> Result<ExitCode> {
    let store = super::open_store(config)?;
    let report = store.check()?;
    if args.json {
        super::print_json(&serde_json::json!({"ok": report.ok(), "checks": report.checks}))?;
    } else {
        print!("{report}");
    }
    if report.ok() {
        return Ok(ExitCode::SUCCESS);
    }
    let failed = report.failed().count();
    eprintln!("error: {failed} of {} checks failed", report.checks.len());
    Ok(ExitCode::from(ErrorClass::InvalidInput.exit_code()))
}
