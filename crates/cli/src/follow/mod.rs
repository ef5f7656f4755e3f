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
use tidings_store::Store;

/// Everything following needs: the store, the one HTTP client, the schedule policy.
#[derive(Clone)]
pub struct Follower {
    pub store: Store,
    pub fetcher: Fetcher,
    pub schedule: Schedule,
    pub concurrency: usize,
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
