//! `tidings outlet list|policy`: outlets and their republication policies.

use crate::cli::OutletCommand;
use crate::config::Config;
use anyhow::{Result, anyhow};
use std::process::ExitCode;
use tidings_model::RepublicationPolicy;

pub fn run(config: &Config, cmd: OutletCommand) -> Result<ExitCode> {
    let store = super::open_store(config)?;
    match cmd {
        OutletCommand::List { json } => {
            for o in store.outlets()? {
                if json {
                    super::print_json(&o)?;
                } else {
                    println!(
                        "{:<32} {:<8} {:>6} articles  {}",
                        o.slug,
                        o.policy,
                        o.article_count,
                        o.domain.as_deref().unwrap_or("-")
                    );
                }
            }
        }
        OutletCommand::Policy { slug, policy } => {
            let policy: RepublicationPolicy = policy.parse().map_err(|e: String| anyhow!(e))?;
            let o = store.set_outlet_policy(&slug, policy)?;
            eprintln!("{}: republication policy is now {}", o.name, o.policy);
        }
    }
    Ok(ExitCode::SUCCESS)
}
