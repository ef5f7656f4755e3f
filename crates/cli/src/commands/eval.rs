//! `tidings eval …`: quality evaluations over the shared data sets, with optional floors so CI
//! can hold the line.

use crate::cli::EvalCommand;
use anyhow::{Context, Result};
use std::process::ExitCode;

pub fn run(cmd: EvalCommand) -> Result<ExitCode> {
    match cmd {
        EvalCommand::Feeds {
            dir,
            failures,
            min_rate,
        } => {
            let report = tidings_feed::conformance::run(&dir, failures)
                .with_context(|| format!("feed conformance in {}", dir.display()))?;
            print!("{report}");
            let overall = report.overall_rate();
            let script = report.sanitize_script_rate();
            println!(
                "overall {:.1}%, script-execution sanitize cases {:.1}%",
                overall * 100.0,
                script * 100.0
            );
            if let Some(floor) = min_rate
                && (overall < floor || script < 1.0)
            {
                eprintln!(
                    "error: below the floor: overall {:.3} (floor {floor}), script sanitize {:.3} (floor 1.0)",
                    overall, script
                );
                return Ok(ExitCode::from(1));
            }
            Ok(ExitCode::SUCCESS)
        }
    }
}
