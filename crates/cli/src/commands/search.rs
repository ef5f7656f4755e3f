//! `tidings search QUERY [--offset N] [--json]`: full-text search, best first. As text, the
//! hits of one story are listed together, as the site shows them; as JSON, one line per hit
//! (each names its `story_id`).

use crate::cli::SearchArgs;
use crate::config::Config;
use anyhow::Result;
use std::process::ExitCode;
use tidings_store::{MARK_END, MARK_START, SearchHit, SearchQuery, group_by_story};

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
        offset: args.offset,
    })?;
    if args.json {
        for hit in &hits {
            super::print_json(hit)?;
        }
        return Ok(ExitCode::SUCCESS);
    }
    if hits.is_empty() {
        eprintln!("no matches");
    }
    for story in group_by_story(hits) {
        for (i, hit) in story.hits.iter().enumerate() {
            print_hit(hit, i > 0);
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// One hit as text; a later hit of the same story is indented under the first.
fn print_hit(hit: &SearchHit, same_story: bool) {
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
    let indent = if same_story { "    " } else { "" };
    println!(
        "{indent}{:>7} {} — {} ({})\n{indent}        {snippet}",
        hit.article.id,
        hit.article.title,
        hit.article.outlet_name,
        hit.article.published_at.date_naive()
    );
}
