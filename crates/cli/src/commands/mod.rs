//! One module per command; each takes its arguments and the loaded configuration.

mod backup;
mod bench;
mod bench_stories;
mod check;
mod digest;
mod entity;
mod eval;
mod extract;
mod fetch;
mod import;
mod opml;
mod outlet;
mod search;
mod serve;
mod source;
mod token;
mod top;
mod user;

use crate::cli::{Args, Command};
use crate::config::Config;
use anyhow::{Context, Result};
use std::process::ExitCode;
use std::time::{Duration, Instant};
use tidings_store::Store;

pub fn run(args: Args) -> Result<ExitCode> {
    let mut config = Config::load(args.config.as_deref())?;
    if let Some(url) = args.database_url {
        config.database_url = url;
    }
    match args.command {
        Command::Serve(a) => serve::run(&config, a),
        Command::Import(a) => import::run(&config, a),
        Command::Extract(a) => extract::run(&config, a),
        Command::Top(a) => top::run(&config, a),
        Command::Search(a) => search::run(&config, a),
        Command::Digest(a) => digest::run(&config, a),
        Command::Eval(a) => eval::run(a, args.verbose > 0),
        Command::Bench(crate::cli::BenchCommand::Pages(a)) => bench::run(&config, a),
        Command::Bench(crate::cli::BenchCommand::Stories { files, json }) => {
            bench_stories::run(&config, &files, json)
        }
        Command::Source(a) => source::run(&config, a),
        Command::Opml(a) => opml::run(&config, a),
        Command::Fetch(a) => fetch::run(&config, a),
        Command::Outlet(a) => outlet::run(&config, a),
        Command::Entity(a) => entity::run(&config, a),
        Command::User(a) => user::run(&config, a),
        Command::Token(a) => token::run(&config, a),
        Command::Backup(a) => backup::backup(&config, a),
        Command::Restore(a) => backup::restore(&config, a),
        Command::MigrateDb(a) => backup::migrate_db(&config, a),
        Command::Check(a) => check::run(&config, a),
    }
}

/// Opens the configured database, saying which one failed.
pub fn open_store(config: &Config) -> Result<Store> {
    open_store_waiting(config, Duration::ZERO)
}

/// Opens the configured database like [`open_store`], but while it is unreachable for a reason
/// that may pass (refused, reset, shutting down, out of connection slots) tries again with
/// back-off for up to `wait`, logging each try; with a zero `wait`, or past it, the last
/// error is returned as [`open_store`] would.
pub fn open_store_waiting(config: &Config, wait: Duration) -> Result<Store> {
    let options = tidings_store::OpenOptions {
        sqlite_max_bytes: config.database_max_bytes,
        ..Default::default()
    };
    let started = Instant::now();
    let mut failures = 0u32;
    loop {
        match Store::open_with(&config.database_url, &options) {
            Ok(store) => {
                if failures > 0 {
                    tracing::info!(
                        database = %redact(&config.database_url),
                        tries = failures + 1,
                        waited_ms = started.elapsed().as_millis() as u64,
                        "database reachable; starting"
                    );
                }
                return Ok(store);
            }
            Err(e) if e.is_transient() && started.elapsed() < wait => {
                failures += 1;
                let pause = crate::retry::backoff(failures)
                    .min(wait.saturating_sub(started.elapsed()))
                    .max(Duration::from_millis(50));
                tidings_web::metrics::METRICS.count_db_retry("startup");
                tracing::warn!(
                    database = %redact(&config.database_url),
                    error = %e,
                    try_number = failures,
                    retry_in_ms = pause.as_millis() as u64,
                    gives_up_in_s = wait.saturating_sub(started.elapsed()).as_secs(),
                    "database unreachable; waiting for it"
                );
                std::thread::sleep(pause);
            }
            Err(e) => {
                return Err(anyhow::Error::new(e))
                    .with_context(|| format!("database {}", redact(&config.database_url)));
            }
        }
    }
}

/// Hides a password in a database URL before it is printed.
fn redact(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(scheme), Some(at)) if at > scheme => {
            let userinfo = &url[scheme + 3..at];
            match userinfo.split_once(':') {
                Some((user, _)) => format!("{}{user}:***{}", &url[..scheme + 3], &url[at..]),
                None => url.to_owned(),
            }
        }
        _ => url.to_owned(),
    }
}

/// A runtime for the commands that fetch.
pub fn runtime() -> Result<tokio::runtime::Runtime> {
    tokio::runtime::Runtime::new().context("starting the async runtime")
}

/// Prints one value as a JSON line on stdout.
pub fn print_json<T: serde::Serialize>(value: &T) -> Result<()> {
    println!("{}", serde_json::to_string(value)?);
    Ok(())
}

#[cfg(test)]
mod tests {
    #[test]
    fn passwords_are_redacted() {
        assert_eq!(
            super::redact("postgres://u:secret@h/db"),
            "postgres://u:***@h/db"
        );
        assert_eq!(super::redact("postgres://u@h/db"), "postgres://u@h/db");
        assert_eq!(super::redact("sqlite://x.db"), "sqlite://x.db");
    }
}
