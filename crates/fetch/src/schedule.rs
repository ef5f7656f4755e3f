//! When to fetch a feed next: feeds that publish often are polled more often, quiet ones less,
//! within configured bounds; failing feeds back off exponentially.

use std::time::Duration;

#[derive(Debug, Clone, Copy)]
pub struct Schedule {
    pub min_interval: Duration,
    pub max_interval: Duration,
    /// Cap of the back-off after repeated failures.
    pub max_backoff: Duration,
}

impl Default for Schedule {
    fn default() -> Self {
        Self {
            min_interval: Duration::from_secs(5 * 60),
            max_interval: Duration::from_secs(24 * 3600),
            max_backoff: Duration::from_secs(24 * 3600),
        }
    }
}

impl Schedule {
    /// The next polling interval after a successful fetch that brought `new_entries`: halve it
    /// when something new came, grow it by half when nothing did.
    pub fn after_success(&self, previous: Duration, new_entries: usize) -> Duration {
        let next = if new_entries > 0 {
            previous / 2
        } else {
            previous + previous / 2
        };
        next.clamp(self.min_interval, self.max_interval)
    }

    /// How long to wait after the `failures`-th failure in a row (1 for the first): the
    /// minimum interval doubled each time, capped; a server's Retry-After wins when longer.
    pub fn after_failure(&self, failures: u32, retry_after: Option<Duration>) -> Duration {
        let exp = failures.saturating_sub(1).min(20);
        let backoff = self
            .min_interval
            .saturating_mul(1u32 << exp)
            .min(self.max_backoff);
        retry_after.map_or(backoff, |r| r.max(backoff).min(self.max_backoff))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const MIN: Duration = Duration::from_secs(300);

    #[test]
    fn busy_feeds_speed_up_and_quiet_ones_slow_down_within_bounds() {
        let s = Schedule::default();
        assert_eq!(
            s.after_success(Duration::from_secs(3600), 3),
            Duration::from_secs(1800)
        );
        assert_eq!(
            s.after_success(Duration::from_secs(3600), 0),
            Duration::from_secs(5400)
        );
        assert_eq!(s.after_success(MIN, 10), MIN);
        assert_eq!(s.after_success(s.max_interval, 0), s.max_interval);
    }

    #[test]
    fn failures_back_off_exponentially_and_honour_retry_after() {
        let s = Schedule::default();
        assert_eq!(s.after_failure(1, None), MIN);
        assert_eq!(s.after_failure(2, None), MIN * 2);
        assert_eq!(s.after_failure(4, None), MIN * 8);
        assert_eq!(s.after_failure(60, None), s.max_backoff);
        assert_eq!(
            s.after_failure(1, Some(Duration::from_secs(7200))),
            Duration::from_secs(7200)
        );
        assert_eq!(s.after_failure(1, Some(Duration::from_secs(10))), MIN);
    }
}
