//! Fetch failures, worded for the admin who reads them on a feed's status line.

use std::time::Duration;
use tidings_model::{Classify, ErrorClass};

#[derive(Debug, Clone, thiserror::Error)]
pub enum FetchError {
    #[error("invalid URL {0:?}: {1}")]
    InvalidUrl(String, String),
    #[error("only http and https URLs can be fetched, not {0:?}")]
    Scheme(String),
    #[error(
        "refused to connect to {addr} ({host}): {reason}; allow it with fetch.allow_private if intended"
    )]
    Forbidden {
        host: String,
        addr: String,
        reason: &'static str,
    },
    #[error("cannot resolve {0}: {1}")]
    Dns(String, String),
    #[error("HTTP {status}{after}")]
    Status { status: u16, after: String },
    #[error("the server asks to wait {secs}s before the next request (HTTP {status})", secs = .0.as_secs(), status = .1)]
    RetryAfter(Duration, u16),
    #[error("the host asked for a pause; its next request is due in {}s", .0.as_secs())]
    HostPaused(Duration),
    #[error("robots.txt of {0} does not allow fetching this page")]
    RobotsDisallowed(String),
    #[error("more than {0} redirects")]
    TooManyRedirects(usize),
    #[error("response larger than {limit} bytes{what}")]
    TooLarge { limit: u64, what: &'static str },
    #[error("timed out: {0}")]
    Timeout(String),
    #[error("TLS: {0}")]
    Tls(String),
    #[error("connection failed: {0}")]
    Connect(String),
    #[error("{0}")]
    Other(String),
}

impl FetchError {
    /// Whether trying again later may help (the feed backs off rather than being disabled).
    pub fn is_transient(&self) -> bool {
        match self {
            FetchError::Status { status, .. } => *status >= 500 || *status == 429 || *status == 408,
            FetchError::RetryAfter(..)
            | FetchError::Timeout(_)
            | FetchError::Connect(_)
            | FetchError::Dns(..) => true,
            _ => false,
        }
    }

    /// A short, stable name of the failure's kind, for metrics labels.
    pub fn kind(&self) -> &'static str {
        match self {
            FetchError::InvalidUrl(..) | FetchError::Scheme(_) => "invalid-url",
            FetchError::Forbidden { .. } => "forbidden-address",
            FetchError::Dns(..) => "dns",
            FetchError::Status { .. } => "http-status",
            FetchError::RetryAfter(..) | FetchError::HostPaused(_) => "rate-limited",
            FetchError::RobotsDisallowed(_) => "robots",
            FetchError::TooManyRedirects(_) => "redirects",
            FetchError::TooLarge { .. } => "too-large",
            FetchError::Timeout(_) => "timeout",
            FetchError::Tls(_) => "tls",
            FetchError::Connect(_) => "connect",
            FetchError::Other(_) => "other",
        }
    }
}

impl Classify for FetchError {
    fn class(&self) -> ErrorClass {
        match self {
            FetchError::InvalidUrl(..) | FetchError::Scheme(_) => ErrorClass::InvalidInput,
            FetchError::Forbidden { .. } | FetchError::RobotsDisallowed(_) => ErrorClass::Forbidden,
            FetchError::Status {
                status: 404 | 410, ..
            } => ErrorClass::NotFound,
            FetchError::RetryAfter(..) | FetchError::HostPaused(_) => ErrorClass::RateLimited,
            FetchError::TooLarge { .. } => ErrorClass::InvalidInput,
            _ => ErrorClass::Unavailable,
        }
    }
}
