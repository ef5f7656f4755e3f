//! Fetch stage: the one HTTP client for everything tidings downloads (feeds, article pages).
//! It asks conditionally (ETag, Last-Modified), accepts gzip/brotli/deflate, names itself in
//! the User-Agent, follows a bounded number of redirects, bounds connect/read/total time and the
//! body size before and after decompression, waits its turn per host (one request at a time, a
//! minimum interval, `Retry-After` honoured), and refuses private addresses (SSRF guard) on
//! every hop, checked on the addresses actually connected to. Article pages are fetched only
//! where the site's robots.txt allows it.

mod client;
mod error;
mod guard;
mod politeness;
mod robots;
mod schedule;

pub use client::{Conditional, FetchConfig, Fetched, Fetcher};
pub use error::FetchError;
pub use guard::AddressPolicy;
pub use schedule::Schedule;
