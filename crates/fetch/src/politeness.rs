//! Per-host politeness: one request at a time per host, a minimum interval between requests,
//! and longer pauses when a host asks for them (Retry-After). Shared by every fetch in the
//! process. Hosts are remembered up to a cap: idle ones (nothing in flight, no pause pending)
//! are forgotten first, since forgetting them changes nothing.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::sync::{Mutex as AsyncMutex, OwnedMutexGuard};
use tokio::time::Instant;

/// Hosts remembered at most, by default.
pub const MAX_HOSTS: usize = 10_000;

#[derive(Debug)]
pub struct HostGate {
    hosts: Mutex<HashMap<String, Arc<AsyncMutex<Instant>>>>,
    min_interval: Duration,
    max_hosts: usize,
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
        Self::with_max_hosts(min_interval, MAX_HOSTS)
    }

    pub fn with_max_hosts(min_interval: Duration, max_hosts: usize) -> Self {
        Self {
            hosts: Mutex::new(HashMap::new()),
            min_interval,
            max_hosts: max_hosts.max(1),
        }
    }

    /// Hosts remembered now (for tests).
    #[cfg(test)]
    fn len(&self) -> usize {
        self.hosts.lock().unwrap_or_else(|e| e.into_inner()).len()
    }

    /// Makes room for one more host: forgets idle hosts (no request in flight or waiting, the
    /// interval since the last one over); if every host is busy or pausing, forgets the pausing
    /// ones too — a host's Retry-After is also kept in its feed's schedule, so this costs at
    /// most an early request to a host that asked for quiet. Hosts with requests in flight are
    /// always kept: their turns hold the slot.
    fn make_room(hosts: &mut HashMap<String, Arc<AsyncMutex<Instant>>>, max: usize) {
        let now = Instant::now();
        hosts.retain(|_, slot| {
            Arc::strong_count(slot) > 1 || slot.try_lock().map_or(true, |next| *next > now)
        });
        if hosts.len() >= max {
            hosts.retain(|_, slot| Arc::strong_count(slot) > 1);
        }
    }

    /// Waits for this host's turn: behind requests in flight to it, then out the pause since
    /// the last one. A pause longer than `max_pause` (a Retry-After) is not waited out: the
    /// remaining time comes back as the error, so the caller can reschedule instead of holding
    /// a slot.
    pub async fn acquire(&self, host: &str, max_pause: Duration) -> Result<HostTurn, Duration> {
        let slot = {
            let mut hosts = self.hosts.lock().unwrap_or_else(|e| e.into_inner());
            let host = host.to_ascii_lowercase();
            if hosts.len() >= self.max_hosts && !hosts.contains_key(&host) {
                Self::make_room(&mut hosts, self.max_hosts);
            }
            hosts
                .entry(host)
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

    #[tokio::test(start_paused = true)]
    async fn hosts_are_capped_idle_ones_first() {
        let gate = HostGate::with_max_hosts(Duration::from_secs(1), 100);
        let long = Duration::from_secs(3600);
        // A host that asked for a pause, and one with a request in flight.
        let mut paused = gate.acquire("paused.example", long).await.unwrap();
        paused.pause_for(Duration::from_secs(600));
        drop(paused);
        let busy = gate.acquire("busy.example", long).await.unwrap();
        tokio::time::advance(Duration::from_secs(2)).await;
        for i in 0..1_000 {
            drop(gate.acquire(&format!("h{i}.example"), long).await.unwrap());
            assert!(gate.len() <= 100, "{} hosts after {i}", gate.len());
            // Hosts fall idle as time passes.
            tokio::time::advance(Duration::from_millis(50)).await;
        }
        // The pause and the request in flight survived the sweeps.
        let refused = gate.acquire("paused.example", Duration::from_secs(1)).await;
        assert!(matches!(refused, Err(d) if d > Duration::from_secs(500)));
        let hosts = gate.hosts.lock().unwrap().len();
        assert!(hosts <= 100, "{hosts}");
        drop(busy);

        // Every host pausing: the pausing ones go, the busy one stays.
        let gate = HostGate::with_max_hosts(Duration::from_secs(3600), 10);
        let busy = gate.acquire("busy.example", long).await.unwrap();
        for i in 0..50 {
            drop(gate.acquire(&format!("p{i}.example"), long).await.unwrap());
            assert!(gate.len() <= 10);
        }
        assert!(gate.hosts.lock().unwrap().contains_key("busy.example"));
        drop(busy);
    }
}
