//! `tidings search QUERY [--json]`: full-text search, best first.

use crate::cli::SearchArgs;
use crate::config::Config;
use anyhow::Result;
use std::process::ExitCode;
use tidings_store::{MARK_END, MARK_START, SearchQuery};

pub fn run(config: &Config, args: SearchArgs) -> Result<ExitCode> {
    let store = super::open_store(config)?;
    let hits = store.search(&SearchQuery {
        text: args.query,
        outlet: args.outlet,
        section: args.section,
        entity: args.entity,
        language: args.language,
        from: args.from,
        to: args.to,
        limit: args.limit,
        offset: 0,
    })?;
    for hit in &hits {
        if args.json {
            super::print_json(hit)?;
        } else {
            let snippet: String = hit
                .snippet
                .chars()
                .map(|c| {
                    if c == MARK_START || c == MARK_END {
                        '*'
                    } else {
                        c
                    }
                })
                .collect();
            println!(
                "{:>7} {} — {} ({})\n        {snippet}",
                hit.article.id,
                hit.article.title,
                hit.article.outlet_name,
                hit.article.published_at.date_naive()
            );
        }
    }
    if !args.json && hits.is_empty() {
        eprintln!("no matches");
    }
    Ok(ExitCode::SUCCESS)
}
