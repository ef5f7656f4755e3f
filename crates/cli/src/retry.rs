//! Back-off for a database that does not answer: the start-up wait of `serve` and the retries
//! of its background loops share one curve, so an outage looks the same in every log line.

use std::time::Duration;

/// First pause after a failure.
pub const FIRST: Duration = Duration::from_millis(500);
/// Longest pause between two tries of a database that does not answer.
pub const CAP: Duration = Duration::from_secs(30);

/// Pause after the `failures`-th failure in a row: doubling from [`FIRST`], capped at [`CAP`],
/// with jitter (half to all of it) so that nodes which lost the database together do not all
/// come back in the same instant.
pub fn backoff(failures: u32) -> Duration {
    let doublings = failures.saturating_sub(1).min(16);
    let base = FIRST.saturating_mul(1u32 << doublings).min(CAP);
    base.mul_f64(0.5 + fastrand::f64() / 2.0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn doubles_with_jitter_up_to_a_cap() {
        assert!(backoff(0) <= FIRST && backoff(1) >= FIRST / 2);
        assert!(backoff(3) >= FIRST * 2 && backoff(3) <= FIRST * 4);
        for n in [7, 10, 40, u32::MAX] {
            let d = backoff(n);
            assert!(d <= CAP && d >= CAP / 2, "{n}: {d:?}");
        }
    }
}
