//! `tidings source add|list|remove`.

use crate::cli::SourceCommand;
use crate::config::Config;
use crate::follow::{Follower, sources};
use anyhow::Result;
use chrono::{TimeZone, Utc};
use std::process::ExitCode;

pub fn run(config: &Config, cmd: SourceCommand) -> Result<ExitCode> {
    let store = super::open_store(config)?;
    match cmd {
        SourceCommand::Add { url, section } => {
            let follower = Follower::new(store, &config.fetch)?;
            let added = super::runtime()?.block_on(sources::add(&follower, &url, section))?;
            eprintln!(
                "following feed {} ({}) of {}: {} new article{}",
                added.feed.id,
                added.feed.url,
                added.feed.outlet_name,
                added.new_articles,
                if added.new_articles == 1 { "" } else { "s" }
            );
        }
        SourceCommand::List { json } => {
            for f in store.feeds()? {
                if json {
                    super::print_json(&f)?;
                    continue;
                }
                let when = |t: Option<i64>| {
                    t.and_then(|t| Utc.timestamp_opt(t, 0).single())
                        .map_or("never".to_owned(), |t| {
                            t.format("%Y-%m-%d %H:%M").to_string()
                        })
                };
                println!(
                    "{:>4}  {}  {}\n      outlet {} · {} articles · last fetch {} · next {}{}{}{}",
                    f.id,
                    if f.enabled { "on " } else { "off" },
                    f.url,
                    f.outlet_name,
                    f.article_count,
                    when(f.last_fetch_at),
                    when(Some(f.next_fetch_at)),
                    if f.error_count > 0 {
                        format!(" · {} errors", f.error_count)
                    } else {
                        String::new()
                    },
                    f.last_error
                        .map(|e| format!("\n      last error: {e}"))
                        .unwrap_or_default(),
                    f.last_warning
                        .map(|w| format!("\n      read with a warning: {w}"))
                        .unwrap_or_default()
                );
            }
        }
        SourceCommand::Remove { id } => {
            let f = store.remove_feed(id)?;
            eprintln!(
                "stopped following feed {id} ({}); its {} articles stay",
                f.url, f.article_count
            );
        }
    }
    Ok(ExitCode::SUCCESS)
}
