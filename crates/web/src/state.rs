//! What every request handler shares: the store and the site's settings.

use crate::error::WebError;
use chrono::{NaiveDate, Utc};
use tidings_store::{Store, StoreError};

/// Settings of the public site.
#[derive(Debug, Clone)]
pub struct SiteConfig {
    pub site_name: String,
    /// Absolute URL the site is reached at (feeds need absolute links), e.g.
    /// `https://news.example.org`.
    pub public_url: String,
    /// Secret mixed into visitor hashes so that counted views cannot be traced back to an
    /// address. Nodes sharing a database must share it for "once a day" to hold across nodes.
    pub view_salt: String,
    /// Pins "today" (tests); `None` uses the clock.
    pub today: Option<NaiveDate>,
    /// Stories on a week page.
    pub top_stories: usize,
    /// Comments one user may post per minute (ten times that per hour), and one client address
    /// per minute.
    pub comments_per_minute: u32,
    pub comments_per_address_minute: u32,
    /// Outgoing mail (digest confirmations and digests).
    pub mail: crate::mail::MailConfig,
}

impl Default for SiteConfig {
    fn default() -> Self {
        Self {
            site_name: "tidings".into(),
            public_url: "http://127.0.0.1:8080".into(),
            view_salt: String::new(),
            today: None,
            top_stories: 30,
            comments_per_minute: 3,
            comments_per_address_minute: 10,
            mail: crate::mail::MailConfig::default(),
        }
    }
}

/// Following a new source needs the fetcher and feed discovery, which live with the fetch loop
/// in the binary; the binary hands the site this hook so the admin page adds sources with the
/// very function `tidings source add` uses.
pub trait SourceAdder: Send + Sync {
    /// Follows `url` (a feed, or a page whose feed is discovered); describes what was added,
    /// or says why not.
    fn add(
        &self,
        url: String,
        section: Option<String>,
    ) -> std::pin::Pin<Box<dyn std::future::Future<Output = Result<String, String>> + Send>>;
}

#[derive(Clone)]
pub struct AppState {
    pub store: Store,
    pub site: std::sync::Arc<SiteConfig>,
    /// Week page data, recomputed at most every [`CURRENT_WEEK_TTL`] for the running week
    /// (ranking a busy week reads all its articles, and the front page is the most requested
    /// page) and every [`FINISHED_WEEK_TTL`] for finished ones (their ranking is kept; only
    /// counters move).
    pub(crate) weeks: std::sync::Arc<
        std::sync::Mutex<std::collections::HashMap<tidings_model::IsoWeek, CachedWeek>>,
    >,
    /// Held while a week ranking is computed, so that requests missing the cache at once wait
    /// for one computation instead of each running its own: a busy week's ranking holds every
    /// article of the week in memory, and eight at once kept the server's heap hundreds of MB
    /// high in the soak test (bench/soak.sh).
    pub(crate) week_compute: std::sync::Arc<tokio::sync::Mutex<()>>,
    /// Digest sign-ups per client address.
    pub(crate) subscribe_limit: std::sync::Arc<crate::ratelimit::RateLimiter<std::net::IpAddr>>,
    /// Sign-in, sign-up and reset attempts per client address, and sign-in attempts per
    /// address typed (known or not, so that a limit reached says nothing about who exists).
    pub(crate) account_limit: std::sync::Arc<crate::ratelimit::RateLimiter<std::net::IpAddr>>,
    pub(crate) login_email_limit: std::sync::Arc<crate::ratelimit::RateLimiter<String>>,
    /// How the admin adds sources; `None` when the site runs without fetching.
    pub(crate) sources: Option<std::sync::Arc<dyn SourceAdder>>,
}

pub(crate) const CURRENT_WEEK_TTL: std::time::Duration = std::time::Duration::from_secs(30);
pub(crate) const FINISHED_WEEK_TTL: std::time::Duration = std::time::Duration::from_secs(600);
/// Weeks kept in the page cache at most.
pub(crate) const CACHED_WEEKS: usize = 64;

pub(crate) struct CachedWeek {
    pub at: std::time::Instant,
    pub ranking: std::sync::Arc<crate::controllers::weeks::show::WeekRanking>,
}

impl AppState {
    pub fn new(store: Store, site: SiteConfig) -> Self {
        Self {
            store,
            site: std::sync::Arc::new(site),
            weeks: Default::default(),
            week_compute: Default::default(),
            subscribe_limit: std::sync::Arc::new(crate::ratelimit::RateLimiter::new(
                5,
                std::time::Duration::from_secs(3600),
            )),
            account_limit: std::sync::Arc::new(crate::ratelimit::RateLimiter::new(
                30,
                std::time::Duration::from_secs(900),
            )),
            login_email_limit: std::sync::Arc::new(crate::ratelimit::RateLimiter::new(
                8,
                std::time::Duration::from_secs(900),
            )),
            sources: None,
        }
    }

    /// Lets the admin pages add sources through `adder`.
    pub fn with_source_adder(mut self, adder: std::sync::Arc<dyn SourceAdder>) -> Self {
        self.sources = Some(adder);
        self
    }

    /// Whether the site is served over HTTPS (cookies are then `Secure`).
    pub fn secure(&self) -> bool {
        self.site.public_url.starts_with("https://")
    }

    pub fn today(&self) -> NaiveDate {
        self.site.today.unwrap_or_else(|| Utc::now().date_naive())
    }

    /// Runs a blocking store call off the async runtime.
    pub async fn db<T: Send + 'static>(
        &self,
        f: impl FnOnce(&Store) -> Result<T, StoreError> + Send + 'static,
    ) -> Result<T, WebError> {
        let store = self.store.clone();
        tokio::task::spawn_blocking(move || f(&store))
            .await
            .map_err(|e| WebError::Internal(format!("store task: {e}")))?
            .map_err(WebError::Store)
    }
}
