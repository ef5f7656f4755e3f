//! robots.txt for page fetches (feeds are fetched because the site offers them): one cached
//! copy per origin, read as RFC 9309 says — missing (4xx) allows everything, a server error
//! (5xx) or an unreachable file disallows everything for now. At most [`MAX_ORIGINS`] origins
//! are cached: expired answers go first, then the oldest (asked again when next needed).

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use texting_robots::Robot;

/// How long a robots.txt answer is trusted.
const TTL: Duration = Duration::from_secs(24 * 3600);
/// How long an unreachable or failing robots.txt blocks the site before it is asked again.
const FAILURE_TTL: Duration = Duration::from_secs(3600);
/// robots.txt larger than this is cut (RFC 9309 asks crawlers to read at least 500 KiB).
pub const MAX_ROBOTS_BYTES: usize = 512 * 1024;
/// Origins whose robots.txt is cached at most, by default.
pub const MAX_ORIGINS: usize = 10_000;

pub enum Rules {
    AllowAll,
    DisallowAll,
    Parsed(Box<Robot>),
}

impl Rules {
    pub fn from_response(status: Option<u16>, body: &[u8], agent: &str) -> Rules {
        match status {
            Some(200..=299) => {
                let body = &body[..body.len().min(MAX_ROBOTS_BYTES)];
                match Robot::new(agent, body) {
                    Ok(robot) => Rules::Parsed(Box::new(robot)),
                    // Unparseable rules are treated like no rules, as major crawlers do.
                    Err(_) => Rules::AllowAll,
                }
            }
            Some(400..=499) => Rules::AllowAll,
            _ => Rules::DisallowAll,
        }
    }

    pub fn allows(&self, url: &str) -> bool {
        match self {
            Rules::AllowAll => true,
            Rules::DisallowAll => false,
            Rules::Parsed(robot) => robot.allowed(url),
        }
    }

    fn ttl(&self) -> Duration {
        match self {
            Rules::DisallowAll => FAILURE_TTL,
            _ => TTL,
        }
    }
}

pub struct RobotsCache {
    by_origin: Mutex<HashMap<String, (Instant, Arc<Rules>)>>,
    max_origins: usize,
}

impl Default for RobotsCache {
    fn default() -> Self {
        Self::with_max_origins(MAX_ORIGINS)
    }
}

impl RobotsCache {
    pub fn with_max_origins(max_origins: usize) -> Self {
        Self {
            by_origin: Mutex::default(),
            max_origins: max_origins.max(1),
        }
    }

    /// Origins cached now (for tests).
    #[cfg(test)]
    fn len(&self) -> usize {
        self.by_origin
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .len()
    }

    pub fn get(&self, origin: &str) -> Option<Arc<Rules>> {
        let map = self.by_origin.lock().unwrap_or_else(|e| e.into_inner());
        map.get(origin)
            .filter(|(at, rules)| at.elapsed() < rules.ttl())
            .map(|(_, r)| r.clone())
    }

    pub fn put(&self, origin: String, rules: Rules) -> Arc<Rules> {
        let rules = Arc::new(rules);
        let mut map = self.by_origin.lock().unwrap_or_else(|e| e.into_inner());
        if map.len() >= self.max_origins && !map.contains_key(&origin) {
            make_room(&mut map, self.max_origins);
        }
        map.insert(origin, (Instant::now(), rules.clone()));
        rules
    }
}

/// Forgets expired answers; if that is not enough, the oldest tenth of the cache.
fn make_room(map: &mut HashMap<String, (Instant, Arc<Rules>)>, max: usize) {
    map.retain(|_, (at, rules)| at.elapsed() < rules.ttl());
    if map.len() < max {
        return;
    }
    tidings_model::bounded::drop_oldest_tenth(map, max, |(at, _)| *at);
}

impl std::fmt::Debug for RobotsCache {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("RobotsCache")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rules_follow_rfc_9309() {
        let txt =
            b"User-agent: *\nDisallow: /private\n\nUser-agent: tidings\nDisallow: /no-tidings\n";
        let rules = Rules::from_response(Some(200), txt, "tidings");
        assert!(rules.allows("https://x.example/news/1"));
        assert!(!rules.allows("https://x.example/no-tidings/a"));
        let others = Rules::from_response(Some(200), txt, "otherbot");
        assert!(!others.allows("https://x.example/private/a"));
        assert!(Rules::from_response(Some(404), b"", "tidings").allows("https://x.example/a"));
        assert!(!Rules::from_response(Some(503), b"", "tidings").allows("https://x.example/a"));
        assert!(!Rules::from_response(None, b"", "tidings").allows("https://x.example/a"));
    }

    #[test]
    fn the_cache_is_capped_and_the_oldest_go_first() {
        let cache = RobotsCache::with_max_origins(100);
        for i in 0..1_000 {
            cache.put(format!("https://h{i}.example"), Rules::AllowAll);
            assert!(cache.len() <= 100, "{} after {i}", cache.len());
        }
        assert!(
            cache.get("https://h999.example").is_some(),
            "the newest stay"
        );
        assert!(cache.get("https://h0.example").is_none(), "the oldest went");
    }
}
