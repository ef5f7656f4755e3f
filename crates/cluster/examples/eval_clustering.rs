//! Evaluate story clustering on data sets in the form of `shared/datasets/clustering/dev`.
//!
//!     eval_clustering FILE... [--predictions OUT] [--half A|B] [--shuffle] [--seeds N]
//!                     [--set key=value]... [--json]
//!
//! Dated files stream in time order; undated ones (or all, with `--shuffle`) in `--seeds`
//! seeded shuffled orders, scores averaged. `--half` keeps the gold clusters of one
//! deterministic half (hash of the cluster id). `--predictions` writes the first run of every
//! file as JSONL `{"id","cluster"}` (several files: one file, cluster ids prefixed by file
//! number; score each with `clustering_score.py --extra=ignore`).

use std::path::PathBuf;
use tidings_cluster::Config;
use tidings_cluster::eval::{self, GoldDoc};

fn main() {
    if let Err(e) = real_main() {
        eprintln!("error: {e}");
        std::process::exit(2);
    }
}

fn real_main() -> Result<(), Box<dyn std::error::Error>> {
    let mut files: Vec<PathBuf> = Vec::new();
    let mut predictions: Option<PathBuf> = None;
    let mut half: Option<char> = None;
    let mut shuffle = false;
    let mut seeds = 5u64;
    let mut json = false;
    let mut config = Config::default();
    let mut args = std::env::args().skip(1);
    while let Some(a) = args.next() {
        match a.as_str() {
            "--predictions" => predictions = Some(args.next().ok_or("--predictions OUT")?.into()),
            "--half" => {
                let h = args.next().ok_or("--half A|B")?;
                half = Some(match h.as_str() {
                    "A" | "a" => 'A',
                    "B" | "b" => 'B',
                    _ => return Err("--half A|B".into()),
                })
            }
            "--shuffle" => shuffle = true,
            "--seeds" => seeds = args.next().ok_or("--seeds N")?.parse()?,
            "--json" => json = true,
            "--set" => {
                let kv = args.next().ok_or("--set key=value")?;
                let (k, v) = kv.split_once('=').ok_or("--set key=value")?;
                config.set(k, v)?;
            }
            "-h" | "--help" => {
                println!(
                    "eval_clustering FILE... [--predictions OUT] [--half A|B] [--shuffle] [--seeds N] [--set key=value]... [--json]"
                );
                return Ok(());
            }
            _ if a.starts_with("--") => return Err(format!("unknown option {a}").into()),
            _ => files.push(a.into()),
        }
    }
    if files.is_empty() {
        return Err("give one or more data set files".into());
    }
    let mut out = match &predictions {
        Some(p) => Some(std::io::BufWriter::new(std::fs::File::create(p)?)),
        None => None,
    };
    if !json {
        println!(
            "{:<28} {:>5} {:>9} {:>5}  {:>6} {:>6} {:>6} {:>6}  {:>6} {:>6} {:>6} {:>9}",
            "file",
            "docs",
            "pred/gold",
            "runs",
            "pw P",
            "pw R",
            "pw F1",
            "±sd",
            "B3 P",
            "B3 R",
            "B3 F1",
            "docs/s"
        );
    }
    let multi = files.len() > 1;
    for (i, f) in files.iter().enumerate() {
        let mut docs: Vec<GoldDoc> = eval::read_jsonl(f)?;
        if let Some(h) = half {
            docs.retain(|d| eval::half_of(&d.cluster) == h);
        }
        let r = eval::evaluate(&docs, &config, seeds, shuffle);
        let m = r.mean;
        let name = f
            .file_name()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_default();
        if json {
            let v = serde_json::json!({
                "file": f.display().to_string(), "half": half.map(String::from),
                "runs": r.runs.len(), "scores": m, "pairwise_f1_sd": r.pairwise_f1_sd,
                "docs_per_second": r.docs_per_second,
                "max_candidates_scored": r.runs.iter().map(|x| x.stats.max_candidates_scored).max(),
            });
            println!("{v}");
        } else {
            println!(
                "{:<28} {:>5} {:>4}/{:<4} {:>5}  {:>6.3} {:>6.3} {:>6.3} {:>6.3}  {:>6.3} {:>6.3} {:>6.3} {:>9.0}",
                name,
                m.n_docs,
                m.n_pred_clusters,
                m.n_gold_clusters,
                r.runs.len(),
                m.pairwise.p,
                m.pairwise.r,
                m.pairwise.f1,
                r.pairwise_f1_sd,
                m.bcubed.p,
                m.bcubed.r,
                m.bcubed.f1,
                r.docs_per_second
            );
        }
        if let Some(w) = out.as_mut() {
            let prefix = if multi {
                format!("f{i}:")
            } else {
                String::new()
            };
            eval::write_predictions(w, &r.runs[0].predictions, &prefix)?;
        }
    }
    if let Some(mut w) = out {
        use std::io::Write;
        w.flush()?;
    }
    Ok(())
}
