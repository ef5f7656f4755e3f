//! A small in-memory rate limiter: at most `limit` events per key per window (per process;
//! enough to stop a flood from one address at one node). The keys it remembers are capped, so
//! a flood of distinct keys (addresses, typed e-mail addresses) cannot grow it without bound.

use std::collections::HashMap;
use std::hash::Hash;
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// Keys remembered at most, by default (about 10 MB of IPv6 keys).
pub const MAX_KEYS: usize = 100_000;

#[derive(Debug)]
pub struct RateLimiter<K> {
    limit: u32,
    window: Duration,
    max_keys: usize,
    seen: Mutex<HashMap<K, (Instant, u32)>>,
}

impl<K: Hash + Eq + Clone> RateLimiter<K> {
    pub fn new(limit: u32, window: Duration) -> Self {
        Self::with_max_keys(limit, window, MAX_KEYS)
    }

    pub fn with_max_keys(limit: u32, window: Duration, max_keys: usize) -> Self {
        Self {
            limit,
            window,
            max_keys: max_keys.max(1),
            seen: Mutex::new(HashMap::new()),
        }
    }

    /// Keys remembered now (for tests).
    #[cfg(test)]
    fn len(&self) -> usize {
        self.seen.lock().unwrap_or_else(|e| e.into_inner()).len()
    }

    /// Counts one event for `key`; false when the key is over its limit.
    pub fn allow(&self, key: &K) -> bool {
        let now = Instant::now();
        let mut seen = self.seen.lock().unwrap_or_else(|e| e.into_inner());
        if seen.len() >= self.max_keys && !seen.contains_key(key) {
            self.make_room(&mut seen, now);
        }
        let entry = seen.entry(key.clone()).or_insert((now, 0));
        if now.duration_since(entry.0) >= self.window {
            *entry = (now, 0);
        }
        entry.1 = entry.1.saturating_add(1);
        entry.1 <= self.limit
    }

    /// Bounded memory under a flood of distinct keys: expired windows are forgotten first; if
    /// that is not enough, the tenth of the keys whose windows started longest ago (a key
    /// forgotten early only gets a fresh window: the flood itself is what keeps it busy).
    fn make_room(&self, seen: &mut HashMap<K, (Instant, u32)>, now: Instant) {
        seen.retain(|_, (start, _)| now.duration_since(*start) < self.window);
        if seen.len() < self.max_keys {
            return;
        }
        tidings_model::bounded::drop_oldest_tenth(seen, self.max_keys, |(start, _)| *start);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn limits_per_key() {
        let r = RateLimiter::new(2, Duration::from_secs(60));
        assert!(r.allow(&"a") && r.allow(&"a"));
        assert!(!r.allow(&"a"));
        assert!(r.allow(&"b"));
    }

    #[test]
    fn distinct_keys_are_capped_and_the_oldest_go_first() {
        let r = RateLimiter::with_max_keys(1, Duration::from_secs(3600), 1_000);
        for k in 0..10_000u32 {
            assert!(r.allow(&k), "a new key is allowed");
            assert!(r.len() <= 1_000, "{} keys after {k}", r.len());
        }
        // The most recent keys are still limited; the first ones were forgotten.
        assert!(!r.allow(&9_999));
        assert!(r.allow(&0));
    }

    #[test]
    fn expired_windows_are_forgotten_before_live_ones() {
        let r = RateLimiter::with_max_keys(1, Duration::from_millis(50), 100);
        for k in 0..100u32 {
            r.allow(&k);
        }
        std::thread::sleep(Duration::from_millis(60));
        assert!(r.allow(&1_000));
        assert_eq!(r.len(), 1, "every expired window went at once");
    }
}
