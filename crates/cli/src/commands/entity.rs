//! `tidings entity list|merge|rename`: the editor's hold on people, organisations and places.

use crate::cli::EntityCommand;
use crate::config::Config;
use anyhow::{Result, anyhow};
use std::process::ExitCode;
use tidings_model::EntityKind;

pub fn run(config: &Config, cmd: EntityCommand) -> Result<ExitCode> {
    let store = super::open_store(config)?;
    match cmd {
        EntityCommand::List {
            kind,
            search,
            limit,
            json,
        } => {
            let kind = kind
                .map(|k| {
                    EntityKind::parse(&k).ok_or_else(|| {
                        anyhow!(tidings_store::StoreError::Invalid(format!(
                            "kind {k:?}: use person, organization or place"
                        )))
                    })
                })
                .transpose()?;
            for e in store.entities(kind, search.as_deref(), limit)? {
                if json {
                    super::print_json(&e)?;
                } else {
                    println!(
                        "{:<36} {:<12} {:>6} articles  {}",
                        e.slug,
                        e.kind.as_str(),
                        e.articles,
                        e.aliases.join(", ")
                    );
                }
            }
        }
        EntityCommand::Merge { from, into } => {
            let e = store.merge_entities(&from, &into)?;
            eprintln!(
                "{from} merged into {} ({} articles; aliases: {})",
                e.slug,
                e.articles,
                e.aliases.join(", ")
            );
        }
        EntityCommand::Rename { slug, name } => {
            let e = store.rename_entity(&slug, &name)?;
            eprintln!("{slug} is now {} at /entities/{}", e.name, e.slug);
        }
    }
    Ok(ExitCode::SUCCESS)
}
