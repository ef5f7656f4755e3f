//! `tidings outlet list|policy`: outlets and their republication policies.

use crate::cli::OutletCommand;
use crate::config::Config;
use crate::follow::{Follower, cycle};
use anyhow::{Result, anyhow};
use std::process::ExitCode;
use tidings_model::{ExtractionMode, RepublicationPolicy};
use tidings_store::Listing;

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
        OutletCommand::Mode { slug, mode } => {
            let mode: ExtractionMode = mode.parse().map_err(|e: String| anyhow!(e))?;
            let o = store.set_outlet_extraction_mode(&slug, mode)?;
            eprintln!(
                "{}: article pages are fetched {}",
                o.name,
                o.extraction_mode.as_str()
            );
        }
        OutletCommand::Reextract { slug } => {
            let follower = Follower::new(store.clone(), &config.fetch)?;
            let (done, failed) = super::runtime()?.block_on(reextract(&follower, &slug))?;
            eprintln!("{slug}: {done} articles extracted again, {failed} pages could not be used");
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// Fetches every stored article page of an outlet again and stores what its extraction adds.
async fn reextract(f: &Follower, slug: &str) -> Result<(usize, usize)> {
    let owned = slug.to_owned();
    if f.db(move |s| s.outlet_by_slug(&owned)).await?.is_none() {
        return Err(anyhow!(tidings_store::StoreError::NotFound(format!(
            "outlet {slug:?}"
        ))));
    }
    let (mut done, mut failed, mut cursor) = (0, 0, None);
    loop {
        let listing = Listing::Outlet(slug.to_owned());
        let page = f.db(move |s| s.list(&listing, cursor, 100)).await?;
        for card in &page.articles {
            let Some(url) = card.url.clone() else {
                continue;
            };
            let id = card.id;
            match cycle::page_article(f, &url).await {
                Ok(page) => {
                    f.db(move |s| s.replace_article_body(id, &page.text, &page.html))
                        .await?;
                    done += 1;
                }
                Err(e) => {
                    tracing::warn!(url = %url, error = %format!("{e:#}"), "page not extracted");
                    failed += 1;
                }
            }
        }
        match page.next {
            Some(next) => cursor = Some(next),
            None => return Ok((done, failed)),
        }
    }
}
