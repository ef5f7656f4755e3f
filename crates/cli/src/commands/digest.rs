//! `tidings digest [--week] [--format html|text|markdown]`: the weekly digest on stdout.

use crate::cli::DigestArgs;
use crate::config::Config;
use anyhow::{Context, Result, anyhow};
use std::process::ExitCode;
use tidings_model::IsoWeek;
use tidings_web::digest::{self, DigestFormat};

pub fn run(config: &Config, args: DigestArgs) -> Result<ExitCode> {
    let format: DigestFormat = args.format.parse().map_err(|e: String| anyhow!(e))?;
    let today = chrono::Utc::now().date_naive();
    // The digest goes out on Mondays, about the week that just ended.
    let week = match &args.week {
        Some(w) => w
            .parse::<IsoWeek>()
            .with_context(|| format!("--week {w}"))?,
        None => IsoWeek::of_date(today).previous(),
    };
    let store = super::open_store(config)?;
    let public_url = config.server.public_url();
    if args.send {
        let report = digest::send_week(
            &store,
            &config.mail.mail_config(),
            week,
            today,
            &config.server.site_name,
            &public_url,
            args.force,
        )
        .map_err(|e| anyhow!("sending the digest of {week}: {e}"))?;
        if report.claimed || args.force {
            eprintln!(
                "digest of {week}: sent to {}, failed for {}",
                report.sent, report.failed
            );
        } else {
            eprintln!("digest of {week} was already sent (use --force to send again)");
        }
        return Ok(ExitCode::SUCCESS);
    }
    let d = digest::build(&store, week, today, &config.server.site_name, &public_url)?;
    print!("{}", d.render(format).context("rendering the digest")?);
    Ok(ExitCode::SUCCESS)
}
