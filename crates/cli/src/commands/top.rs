//! `tidings top [--week 2025-W12] [--limit N] [--json]`: the ranked top stories with each
//! score's parts.

use crate::cli::TopArgs;
use crate::config::Config;
use anyhow::{Context, Result};
use std::process::ExitCode;
use tidings_model::IsoWeek;

pub fn run(config: &Config, args: TopArgs) -> Result<ExitCode> {
    let week = match &args.week {
        Some(w) => w
            .parse::<IsoWeek>()
            .with_context(|| format!("--week {w}"))?,
        None => IsoWeek::current(),
    };
    let store = super::open_store(config)?;
    let today = chrono::Utc::now().date_naive();
    let ranked = tidings_web::ranking::week_ranking(&store, week, today, args.limit)?;
    if args.json {
        super::print_json(&serde_json::json!({ "week": week, "stories": ranked }))?;
        return Ok(ExitCode::SUCCESS);
    }
    println!(
        "Top stories of {week} ({} – {})",
        week.monday(),
        week.sunday()
    );
    if ranked.is_empty() {
        println!("  no stories");
    }
    for r in &ranked {
        println!(
            "{:>3}. {:<6.3} {} — {} ({} outlet{}; breadth {:.2}, engagement {:.2}, freshness {:.2}, diversity ×{:.2})",
            r.rank,
            r.score,
            r.lead.title,
            r.lead.outlet_name,
            r.outlet_count,
            if r.outlet_count == 1 { "" } else { "s" },
            r.parts.breadth,
            r.parts.engagement,
            r.parts.freshness,
            r.parts.diversity,
        );
    }
    Ok(ExitCode::SUCCESS)
}
