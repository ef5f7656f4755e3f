//! Bounded in-memory caches: the one eviction rule that the fetcher's robots.txt cache and the
//! site's rate limiter share when a flood of distinct keys fills them.

use std::collections::HashMap;
use std::hash::Hash;
use std::time::Instant;

/// Removes the tenth of `max` (at least one) entries whose instant `at` is oldest, exactly that
/// many even when several share an instant, so that the next sweep is a tenth of the cap away.
/// Callers forget expired entries first; this is for when that is not enough.
pub fn drop_oldest_tenth<K: Clone + Eq + Hash, V>(
    map: &mut HashMap<K, V>,
    max: usize,
    at: impl Fn(&V) -> Instant,
) {
    let cut = (max / 10).max(1);
    if cut >= map.len() {
        map.clear();
        return;
    }
    let mut ages: Vec<(Instant, K)> = map.iter().map(|(k, v)| (at(v), k.clone())).collect();
    ages.select_nth_unstable_by(cut - 1, |a, b| a.0.cmp(&b.0));
    for (_, k) in &ages[..cut] {
        map.remove(k);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[test]
    fn drops_exactly_the_oldest_tenth_even_on_ties() {
        let t0 = Instant::now();
        let mut map: HashMap<u32, Instant> = (0..20).map(|i| (i, t0)).collect();
        for i in 20..30 {
            map.insert(i, t0 + Duration::from_secs(1));
        }
        drop_oldest_tenth(&mut map, 30, |t| *t);
        assert_eq!(map.len(), 27);
        assert!((20..30).all(|i| map.contains_key(&i)));
        drop_oldest_tenth(&mut map, 300, |t| *t);
        assert!(map.is_empty());
    }
}
