//! The one typed configuration: built-in defaults, then a TOML file (`--config`, or
//! `./tidings.toml` when present), then `TIDINGS_*` environment variables (nested keys with
//! `__`, e.g. `TIDINGS_SERVER__ADDR`), then command-line flags. Unknown keys are errors.

use anyhow::{Context, Result};
use figment::Figment;
use figment::providers::{Env, Format, Serialized, Toml};
use serde::{Deserialize, Serialize};
use std::path::Path;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Config {
    /// `sqlite://PATH`, a file path, or `postgres://…`.
    pub database_url: String,
    /// SQLite only: the most bytes the database may grow to; 0 means no cap. Past it writes
    /// fail as "database or disk is full" and nothing stored is lost.
    pub database_max_bytes: u64,
    /// PostgreSQL only: how long `serve` waits for an unreachable database at start (retrying
    /// with back-off) before it gives up; 0 gives up at once.
    pub database_wait_secs: u64,
    pub server: ServerConfig,
    pub import: ImportConfig,
    pub fetch: FetchSettings,
    pub mail: MailSettings,
}

/// Outgoing e-mail: digest confirmations and the Monday digest.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct MailSettings {
    /// Sender, e.g. `tidings <digest@news.example>`.
    pub from: String,
    /// SMTP relay: `smtp://user:pass@host:587` (STARTTLS) or `smtps://host` (TLS).
    pub smtp_url: String,
    /// Write messages into this folder instead of sending them (tests, development).
    pub file_dir: String,
    /// Hour (UTC) on Mondays after which `serve` sends last week's digest.
    pub digest_hour_utc: u32,
}

impl Default for MailSettings {
    fn default() -> Self {
        Self {
            from: "tidings <digest@localhost>".into(),
            smtp_url: String::new(),
            file_dir: String::new(),
            digest_hour_utc: 6,
        }
    }
}

impl MailSettings {
    pub fn mail_config(&self) -> tidings_web::mail::MailConfig {
        use tidings_web::mail::{MailConfig, MailTransport};
        let transport = if !self.smtp_url.is_empty() {
            MailTransport::Smtp(self.smtp_url.clone())
        } else if !self.file_dir.is_empty() {
            MailTransport::Files(self.file_dir.clone().into())
        } else {
            MailTransport::Disabled
        };
        MailConfig {
            from: self.from.clone(),
            transport,
        }
    }
}

impl ServerConfig {
    /// The absolute URL readers reach the site at.
    pub fn public_url(&self) -> String {
        if self.public_url.is_empty() {
            format!("http://{}", self.addr)
        } else {
            self.public_url.clone()
        }
    }
}

/// How tidings fetches feeds and pages.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct FetchSettings {
    /// Private/loopback ranges (CIDR), addresses or host names tidings may connect to anyway.
    pub allow_private: Vec<String>,
    /// Empty: `tidings/VERSION (self-hosted news aggregator; feed fetcher)`.
    pub user_agent: String,
    pub connect_timeout_secs: u64,
    pub read_timeout_secs: u64,
    pub total_timeout_secs: u64,
    pub max_redirects: usize,
    /// Cap on a response body after decompression.
    pub max_body_bytes: u64,
    /// Pause between two requests to one host.
    pub host_interval_ms: u64,
    /// Bounds of the adaptive polling interval.
    pub min_interval_secs: u64,
    pub max_interval_secs: u64,
    /// Feeds fetched at once (each host still one at a time).
    pub concurrency: usize,
    /// Proxy for all fetches; empty means none (environment proxies are never used).
    pub proxy: String,
}

impl Default for FetchSettings {
    fn default() -> Self {
        Self {
            allow_private: Vec::new(),
            user_agent: String::new(),
            connect_timeout_secs: 10,
            read_timeout_secs: 20,
            total_timeout_secs: 60,
            max_redirects: 5,
            max_body_bytes: 10 * 1024 * 1024,
            host_interval_ms: 1_000,
            min_interval_secs: 300,
            max_interval_secs: 86_400,
            concurrency: 8,
            proxy: String::new(),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct ServerConfig {
    pub addr: String,
    pub site_name: String,
    /// Absolute URL readers reach the site at (output feeds link to it); empty means
    /// `http://` + the listen address.
    pub public_url: String,
    /// Secret for hashing visitors when counting views; empty means a fresh random one at every
    /// start. Nodes sharing one database should share it.
    pub view_salt: String,
    /// Stories on a week page.
    pub top_stories: usize,
    /// Comments one user may post per minute (ten times that per hour).
    pub comments_per_minute: u32,
    /// Comments one client address may post per minute, all users together.
    pub comments_per_address_minute: u32,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct ImportConfig {
    /// Files larger than this are refused.
    pub max_file_bytes: u64,
}

impl Default for Config {
    fn default() -> Self {
        Self {
            database_url: "sqlite://tidings.db".into(),
            database_max_bytes: 0,
            database_wait_secs: 60,
            server: ServerConfig::default(),
            import: ImportConfig::default(),
            fetch: FetchSettings::default(),
            mail: MailSettings::default(),
        }
    }
}

impl Default for ServerConfig {
    fn default() -> Self {
        Self {
            addr: "127.0.0.1:8080".into(),
            site_name: "tidings".into(),
            public_url: String::new(),
            view_salt: String::new(),
            top_stories: 30,
            comments_per_minute: 3,
            comments_per_address_minute: 10,
        }
    }
}

impl Default for ImportConfig {
    fn default() -> Self {
        Self {
            max_file_bytes: 20 * 1024 * 1024,
        }
    }
}

/// Environment variables with the prefix that are not configuration keys.
const NOT_CONFIG: &[&str] = &[
    "CONFIG",
    "LOG",
    "TEST_POSTGRES_URL",
    "DATABASE_URL",
    "USER_PASSWORD",
];

impl Config {
    /// Loads defaults < file < environment. `file` is the `--config` path, if given.
    pub fn load(file: Option<&Path>) -> Result<Self> {
        let mut figment = Figment::from(Serialized::defaults(Config::default()));
        match file {
            Some(path) => {
                anyhow::ensure!(
                    path.exists(),
                    "configuration file {} does not exist",
                    path.display()
                );
                figment = figment.merge(Toml::file(path));
            }
            None if Path::new("tidings.toml").exists() => {
                figment = figment.merge(Toml::file("tidings.toml"));
            }
            None => {}
        }
        // TIDINGS_DATABASE_URL is read by the --database-url flag itself (clap's env).
        let env = Env::prefixed("TIDINGS_")
            .filter(|key| {
                !NOT_CONFIG
                    .iter()
                    .any(|n| key.as_str().eq_ignore_ascii_case(n))
            })
            .split("__");
        figment
            .merge(env)
            .extract()
            .context("invalid configuration (see README.md, Configuration)")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    #[allow(clippy::result_large_err)] // figment's Jail API fixes the closure's error type
    fn file_values_and_unknown_keys() {
        figment::Jail::expect_with(|jail| {
            jail.create_file(
                "t.toml",
                "database_url = \"sqlite://x.db\"\n[server]\naddr = \"0.0.0.0:9000\"\n",
            )?;
            let c = Config::load(Some(Path::new("t.toml"))).map_err(|e| e.to_string())?;
            assert_eq!(c.database_url, "sqlite://x.db");
            assert_eq!(c.server.addr, "0.0.0.0:9000");
            assert_eq!(c.server.top_stories, 30);

            jail.set_env("TIDINGS_SERVER__TOP_STORIES", "12");
            let c = Config::load(Some(Path::new("t.toml"))).map_err(|e| e.to_string())?;
            assert_eq!(c.server.top_stories, 12);

            jail.create_file("bad.toml", "[server]\nadress = \"typo\"\n")?;
            let err = Config::load(Some(Path::new("bad.toml"))).unwrap_err();
            assert!(format!("{err:#}").contains("adress"), "{err:#}");

            jail.set_env("TIDINGS_DATABASE_WAIT_SECS", "5");
            let c = Config::load(Some(Path::new("t.toml"))).map_err(|e| e.to_string())?;
            assert_eq!(c.database_wait_secs, 5);
            assert_eq!(Config::default().database_wait_secs, 60);

            jail.set_env("TIDINGS_SERVR__ADDR", "x");
            assert!(Config::load(None).is_err());
            Ok(())
        });
    }
}
