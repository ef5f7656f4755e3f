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
        EvalCommand::Clustering {
            files,
            predictions,
            seeds,
            min_f1,
        } => clustering(&files, predictions.as_deref(), seeds, min_f1),
    }
}

fn clustering(
    files: &[std::path::PathBuf],
    predictions: Option<&std::path::Path>,
    seeds: u64,
    min_f1: Option<f64>,
) -> Result<ExitCode> {
    let mut below = Vec::new();
    use tidings_cluster::{Config, eval};
    let config = Config::default();
    let mut out = match predictions {
        Some(p) => Some(std::io::BufWriter::new(
            std::fs::File::create(p).with_context(|| p.display().to_string())?,
        )),
        None => None,
    };
    println!(
        "{:<28} {:>6} {:>11}  {:>20}  {:>20}  {:>9}",
        "file", "docs", "pred/gold", "pairwise P/R/F1", "B-cubed P/R/F1", "docs/s"
    );
    for (i, path) in files.iter().enumerate() {
        let docs = eval::read_jsonl(path)?;
        let report = eval::evaluate(&docs, &config, seeds, false);
        let m = &report.mean;
        let name = path.file_name().map_or_else(
            || path.display().to_string(),
            |n| n.to_string_lossy().into_owned(),
        );
        println!(
            "{:<28} {:>6} {:>5}/{:<5}  {:.3}/{:.3}/{:.3}  {:.3}/{:.3}/{:.3}  {:>9.0}",
            name,
            m.n_docs,
            m.n_pred_clusters,
            m.n_gold_clusters,
            m.pairwise.p,
            m.pairwise.r,
            m.pairwise.f1,
            m.bcubed.p,
            m.bcubed.r,
            m.bcubed.f1,
            report.docs_per_second
        );
        if min_f1.is_some_and(|floor| m.pairwise.f1 < floor) {
            below.push(format!("{name} {:.3}", m.pairwise.f1));
        }
        if let (Some(out), Some(first)) = (out.as_mut(), report.runs.first()) {
            // Several files share one predictions file: story numbers get a per-file prefix.
            eval::write_predictions(out, &first.predictions, &format!("f{i}-"))?;
        }
    }
    if !below.is_empty() {
        eprintln!("error: pairwise F1 below the floor: {}", below.join(", "));
        return Ok(ExitCode::from(1));
    }
    Ok(ExitCode::SUCCESS)
}
