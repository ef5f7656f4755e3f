//! Who is reading, as far as view counting needs to know: an opaque daily visitor id, and
//! whether the client is an obvious bot.

use chrono::NaiveDate;
use sha2::{Digest, Sha256};

/// A salted hash of address, user agent and day: stable for one visitor for one day, useless
/// for tracing anyone.
pub fn visitor_id(salt: &str, ip: &str, user_agent: &str, day: NaiveDate) -> String {
    let mut h = Sha256::new();
    for part in [salt, ip, user_agent, &day.to_string()] {
        h.update(part.as_bytes());
        h.update([0]);
    }
    hex::encode(&h.finalize()[..16])
}

/// Crawlers, link previews, monitors and scripts announce themselves in the user agent; a
/// missing user agent is a script too.
pub fn is_obvious_bot(user_agent: &str) -> bool {
    const MARKERS: &[&str] = &[
        "bot",
        "crawl",
        "spider",
        "slurp",
        "curl",
        "wget",
        "python",
        "httpclient",
        "http-client",
        "go-http",
        "java/",
        "libwww",
        "okhttp",
        "headless",
        "preview",
        "monitor",
        "scanner",
        "facebookexternalhit",
        "feed",
        "archiver",
        "lighthouse",
    ];
    let ua = user_agent.trim().to_ascii_lowercase();
    ua.is_empty() || MARKERS.iter().any(|m| ua.contains(m))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bots() {
        assert!(is_obvious_bot("Mozilla/5.0 (compatible; Googlebot/2.1)"));
        assert!(is_obvious_bot("curl/8.5.0"));
        assert!(is_obvious_bot(""));
        assert!(is_obvious_bot("Mozilla/5.0 HeadlessChrome/120"));
        assert!(!is_obvious_bot(
            "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120 Safari/537.36"
        ));
    }

    #[test]
    fn visitor_ids_are_daily() {
        let d = NaiveDate::from_ymd_opt(2026, 11, 27).unwrap();
        let a = visitor_id("s", "1.2.3.4", "ua", d);
        assert_eq!(a, visitor_id("s", "1.2.3.4", "ua", d));
        assert_ne!(a, visitor_id("s", "1.2.3.4", "ua", d.succ_opt().unwrap()));
        assert_ne!(a, visitor_id("t", "1.2.3.4", "ua", d));
        assert_eq!(a.len(), 32);
    }
}
