//! Per-host politeness: one request at a time per host, a minimum interval between requests,
//! and longer pauses when a host asks for them (Retry-After). Shared by every fetch in the
//! process.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::sync::{Mutex as AsyncMutex, OwnedMutexGuard};
use tokio::time::Instant;

#[derive(Debug)]
pub struct HostGate {
    hosts: Mutex<HashMap<String, Arc<AsyncMutex<Instant>>>>,
    min_interval: Duration,
}

/// The right to send one request to a host; the next request waits until it is dropped and the
/// interval has passed.
pub struct HostTurn {
    next_allowed: OwnedMutexGuard<Instant>,
    min_interval: Duration,
    pause: Option<Duration>,
}

impl HostTurn {
    /// The host asked us to wait this long before the next request.
    pub fn pause_for(&mut self, d: Duration) {
        self.pause = Some(d);
    }
}

impl Drop for HostTurn {
    fn drop(&mut self) {
        // Only a granted turn reaches here; a refused one never took the slot's time.
        let wait = self
            .pause
            .map_or(self.min_interval, |p| p.max(self.min_interval));
        *self.next_allowed = Instant::now() + wait;
    }
}

impl HostGate {
    pub fn new(min_interval: Duration) -> Self {
        Self {
            hosts: Mutex::new(HashMap::new()),
            min_interval,
        }
    }

    /// Waits for this host's turn: behind requests in flight to it, then out the pause since
    /// the last one. A pause longer than `max_pause` (a Retry-After) is not waited out: the
    /// remaining time comes back as the error, so the caller can reschedule instead of holding
    /// a slot.
    pub async fn acquire(&self, host: &str, max_pause: Duration) -> Result<HostTurn, Duration> {
        let slot = {
            let mut hosts = self.hosts.lock().unwrap_or_else(|e| e.into_inner());
            hosts
                .entry(host.to_ascii_lowercase())
                .or_insert_with(|| Arc::new(AsyncMutex::new(Instant::now())))
                .clone()
        };
        let guard = slot.lock_owned().await;
        let remaining = guard.saturating_duration_since(Instant::now());
        if remaining > max_pause {
            return Err(remaining);
        }
        tokio::time::sleep_until(*guard).await;
        Ok(HostTurn {
            next_allowed: guard,
            min_interval: self.min_interval,
            pause: None,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test(start_paused = true)]
    async fn requests_to_one_host_are_spaced_and_others_are_not() {
        let gate = Arc::new(HostGate::new(Duration::from_secs(2)));
        let long = Duration::from_secs(3600);
        let start = Instant::now();
        drop(gate.acquire("a.example", long).await);
        drop(gate.acquire("b.example", long).await);
        assert!(
            start.elapsed() < Duration::from_millis(10),
            "different hosts do not wait"
        );
        drop(gate.acquire("A.example", long).await);
        assert!(
            start.elapsed() >= Duration::from_secs(2),
            "same host waits the interval"
        );
        let mut turn = gate.acquire("a.example", long).await.unwrap();
        turn.pause_for(Duration::from_secs(60));
        drop(turn);
        let refused = gate.acquire("a.example", Duration::from_secs(10)).await;
        assert!(
            matches!(refused, Err(d) if d > Duration::from_secs(50)),
            "a long pause is not waited out"
        );
        let before = Instant::now();
        drop(gate.acquire("a.example", long).await);
        assert!(
            before.elapsed() >= Duration::from_secs(59),
            "Retry-After is honoured"
        );
    }
}
