//! Following outlets: sources (feeds found from any page), OPML in and out, and the fetch
//! cycle that polls due feeds and stores their new articles. The CLI and the server's
//! background loop call these; the web admin will too.

pub mod cycle;
pub mod opml;
pub mod sources;

use crate::config::FetchSettings;
use anyhow::{Context, Result};
use std::time::Duration;
use tidings_fetch::{AddressPolicy, FetchConfig, Fetcher, Schedule};
use tidings_store::{Claim, Store};

/// Everything following needs: the store, the one HTTP client, the schedule policy.
#[derive(Clone)]
pub struct Follower {
    pub store: Store,
    pub fetcher: Fetcher,
    pub schedule: Schedule,
    pub concurrency: usize,
    /// This node's lease on the feeds it fetches (shared with other nodes on one database).
    pub claim: Claim,
}

impl Follower {
    pub fn new(store: Store, settings: &FetchSettings) -> Result<Self> {
        Ok(Self {
            store,
            fetcher: Fetcher::new(fetch_config(settings)?).context("setting up the HTTP client")?,
            schedule: Schedule {
                min_interval: Duration::from_secs(settings.min_interval_secs.max(60)),
                max_interval: Duration::from_secs(
                    settings.max_interval_secs.max(settings.min_interval_secs),
                ),
                max_backoff: Duration::from_secs(
                    settings.max_interval_secs.max(settings.min_interval_secs),
                ),
            },
            concurrency: settings.concurrency.clamp(1, 64),
            claim: Claim {
                owner: node_id(),
                // A fetch is cut off after the total timeout; twice that leaves room to store
                // what it brought before another node may take the feed over.
                lease: Duration::from_secs(settings.total_timeout_secs.max(1) * 2),
                host_gap: Duration::from_millis(settings.host_interval_ms),
            },
        })
    }

    /// Runs a blocking store call off the async runtime.
    pub async fn db<T: Send + 'static>(
        &self,
        f: impl FnOnce(&Store) -> Result<T, tidings_store::StoreError> + Send + 'static,
    ) -> Result<T> {
        let store = self.store.clone();
        Ok(tokio::task::spawn_blocking(move || f(&store)).await??)
    }
}

/// This process's name as a lease owner: host name, process id and a random suffix (a pid
/// alone repeats across containers and restarts).
pub fn node_id() -> String {
    let host = std::fs::read_to_string("/proc/sys/kernel/hostname")
        .ok()
        .or_else(|| std::env::var("HOSTNAME").ok())
        .map(|h| h.trim().to_owned())
        .filter(|h| !h.is_empty())
        .unwrap_or_else(|| "node".to_owned());
    let suffix: String = std::iter::repeat_with(fastrand::alphanumeric)
        .take(6)
        .collect();
    format!("{host}-{}-{suffix}", std::process::id())
}

fn fetch_config(s: &FetchSettings) -> Result<FetchConfig> {
    let mut policy = AddressPolicy::default();
    for entry in &s.allow_private {
        match entry.parse::<ipnet::IpNet>() {
            Ok(net) => policy.allow_ranges.push(net),
            Err(_) => match entry.parse::<std::net::IpAddr>() {
                Ok(ip) => policy.allow_ranges.push(ipnet::IpNet::from(ip)),
                Err(_) => policy.allow_hosts.push(entry.clone()),
            },
        }
    }
    let defaults = FetchConfig::default();
    Ok(FetchConfig {
        user_agent: if s.user_agent.is_empty() {
            defaults.user_agent
        } else {
            s.user_agent.clone()
        },
        connect_timeout: Duration::from_secs(s.connect_timeout_secs.max(1)),
        read_timeout: Duration::from_secs(s.read_timeout_secs.max(1)),
        total_timeout: Duration::from_secs(s.total_timeout_secs.max(1)),
        max_redirects: s.max_redirects,
        max_body_bytes: s.max_body_bytes,
        min_host_interval: Duration::from_millis(s.host_interval_ms),
        policy,
        proxy: Some(s.proxy.clone()).filter(|p| !p.is_empty()),
    })
}
