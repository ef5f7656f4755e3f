//! The fetch queue shared by every worker node: claiming due feeds under a lease, one feed per
//! host at a time and the host's minimum interval kept cluster-wide (`host_slots`), and
//! releasing both when the fetch is recorded. A lease expires, so the feeds and hosts of a node
//! that died are claimed again by the others.
//!
//! The one dialect difference lives in [`Store::claim_due_feeds`]: PostgreSQL reads the
//! candidates `FOR UPDATE SKIP LOCKED`, so concurrent claimers take disjoint feeds without
//! waiting on each other; SQLite has no row locks and needs none, since the claim runs under
//! its single writer (`BEGIN IMMEDIATE`, see [`Store::write`]).

use crate::feeds::{FEED_COLUMNS, feed_from_row};
use crate::sql::{Dialect, Exec, Value};
use crate::{Feed, Store, StoreError, params};
use chrono::{DateTime, Utc};
use std::collections::HashSet;
use std::time::Duration;

/// Due feeds read per claimed feed: feeds of a host that is busy or cooling down are passed
/// over, so a claim looks further than its limit.
const CANDIDATES_PER_CLAIM: usize = 16;

/// The host a feed URL is polite to: its host name (any port), or the URL itself when it has
/// none, so that such a feed still gets a slot of its own.
pub fn host_of(url: &str) -> String {
    url::Url::parse(url)
        .ok()
        .and_then(|u| u.host_str().map(str::to_ascii_lowercase))
        .unwrap_or_else(|| url.to_owned())
}

fn millis(d: Duration) -> i64 {
    i64::try_from(d.as_millis()).unwrap_or(i64::MAX)
}

/// How a node claims feeds: who it is, how long its leases last, and the pause it keeps between
/// two requests to one host.
#[derive(Debug, Clone)]
pub struct Claim {
    /// The node's id (host, process and a random suffix): the lease owner.
    pub owner: String,
    /// How long a claimed feed and its host stay leased (a fetch takes at most half of it).
    pub lease: Duration,
    /// Minimum pause after one request to a host before the next, on any node.
    pub host_gap: Duration,
}

impl Store {
    /// Claims up to `limit` enabled feeds due at `now` that no live lease holds, at most one per
    /// host and only hosts free and out of their pause; leases feed and host to `claim.owner`
    /// until `now + claim.lease`. One transaction: two nodes never claim the same feed or host.
    pub fn claim_due_feeds(
        &self,
        claim: &Claim,
        now: DateTime<Utc>,
        limit: usize,
    ) -> Result<Vec<Feed>, StoreError> {
        if limit == 0 {
            return Ok(Vec::new());
        }
        self.write(|tx| {
            let skip_locked = match tx.dialect() {
                Dialect::Postgres => " FOR UPDATE SKIP LOCKED",
                Dialect::Sqlite => "",
            };
            let now_s = now.timestamp();
            let candidates = tx.query(
                &format!(
                    "SELECT id, url FROM feeds
                     WHERE enabled = 1 AND next_fetch_at <= ? AND (lease_until IS NULL OR lease_until <= ?)
                     ORDER BY next_fetch_at, id LIMIT ?{skip_locked}"
                ),
                params![now_s, now_s, (limit * CANDIDATES_PER_CLAIM) as i64],
            )?;
            let mut firsts: Vec<(String, i64)> = Vec::new();
            let mut seen = HashSet::new();
            for r in &candidates {
                let host = host_of(&r.text(1)?);
                if seen.insert(host.clone()) {
                    firsts.push((host, r.i64(0)?));
                }
            }
            firsts.truncate(limit);
            // Host rows are locked in name order: two claimers then cannot deadlock.
            firsts.sort();
            let mut claimed = Vec::new();
            for (host, feed_id) in firsts {
                if claim_host(tx, claim, &host, now)? {
                    tx.execute(
                        "UPDATE feeds SET lease_owner = ?, lease_until = ? WHERE id = ?",
                        params![
                            claim.owner.as_str(),
                            now_s + i64::try_from(claim.lease.as_secs()).unwrap_or(i64::MAX / 2),
                            feed_id
                        ],
                    )?;
                    claimed.push(Value::from(feed_id));
                }
            }
            if claimed.is_empty() {
                return Ok(Vec::new());
            }
            let marks = vec!["?"; claimed.len()].join(", ");
            tx.query(
                &format!(
                    "SELECT {FEED_COLUMNS} FROM feeds f JOIN outlets o ON o.id = f.outlet_id
                     WHERE f.id IN ({marks}) ORDER BY f.next_fetch_at, f.id"
                ),
                &claimed,
            )?
            .iter()
            .map(feed_from_row)
            .collect()
        })
    }

    /// How many enabled feeds are due at `now` and leased by no one: work a claim may still
    /// find once their hosts are out of their pause.
    pub fn unclaimed_due_count(&self, now: DateTime<Utc>) -> Result<i64, StoreError> {
        let now_s = now.timestamp();
        self.read(|c| {
            c.query_one(
                "SELECT COUNT(*) FROM feeds WHERE enabled = 1 AND next_fetch_at <= ?
                 AND (lease_until IS NULL OR lease_until <= ?)",
                params![now_s, now_s],
            )?
            .i64(0)
        })
    }

    /// Gives back `owner`'s lease of feed `id` (and of its host) without recording a fetch:
    /// the fetch could not be finished for a reason that is not the feed's.
    pub fn release_feed(&self, owner: &str, id: i64) -> Result<(), StoreError> {
        self.write(|tx| release(tx, id, owner))
    }

    /// Gives back every lease `owner` holds (a node stopping cleanly), so other nodes need not
    /// wait for them to expire.
    pub fn release_leases(&self, owner: &str) -> Result<(), StoreError> {
        let now_ms = Utc::now().timestamp_millis();
        self.write(|tx| {
            tx.execute(
                "UPDATE feeds SET lease_owner = NULL, lease_until = NULL WHERE lease_owner = ?",
                params![owner],
            )?;
            tx.execute(
                "UPDATE host_slots SET holder = NULL, lease_until_ms = NULL,
                     next_allowed_ms = ? + gap_ms WHERE holder = ?",
                params![now_ms, owner],
            )?;
            Ok(())
        })
    }
}

/// Takes `host`'s slot for `claim.owner` when no live lease holds it and its pause is over.
fn claim_host(
    tx: &mut dyn Exec,
    claim: &Claim,
    host: &str,
    now: DateTime<Utc>,
) -> Result<bool, StoreError> {
    let now_ms = now.timestamp_millis();
    let until = now_ms.saturating_add(millis(claim.lease));
    // On PostgreSQL the conflicting row is locked before the WHERE is checked, so a concurrent
    // claimer of the same host waits for this transaction and then sees the host held.
    let got = tx.query_opt(
        "INSERT INTO host_slots (host, next_allowed_ms, holder, lease_until_ms, gap_ms)
         VALUES (?, 0, ?, ?, ?)
         ON CONFLICT (host) DO UPDATE SET holder = excluded.holder,
             lease_until_ms = excluded.lease_until_ms, gap_ms = excluded.gap_ms
         WHERE (host_slots.holder IS NULL OR host_slots.lease_until_ms <= ?)
           AND host_slots.next_allowed_ms <= ?
         RETURNING host",
        params![
            host,
            claim.owner.as_str(),
            until,
            millis(claim.host_gap),
            now_ms,
            now_ms
        ],
    )?;
    Ok(got.is_some())
}

/// Ends `owner`'s lease of feed `id` and of its host, starting the host's pause; a lease that
/// expired and was taken by another node is left to that node.
pub(crate) fn release(tx: &mut dyn Exec, id: i64, owner: &str) -> Result<(), StoreError> {
    let Some(row) = tx.query_opt(
        "SELECT url FROM feeds WHERE id = ? AND lease_owner = ?",
        params![id, owner],
    )?
    else {
        return Ok(());
    };
    let host = host_of(&row.text(0)?);
    tx.execute(
        "UPDATE feeds SET lease_owner = NULL, lease_until = NULL WHERE id = ? AND lease_owner = ?",
        params![id, owner],
    )?;
    tx.execute(
        "UPDATE host_slots SET holder = NULL, lease_until_ms = NULL, next_allowed_ms = ? + gap_ms
         WHERE host = ? AND holder = ?",
        params![Utc::now().timestamp_millis(), host, owner],
    )?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::host_of;

    #[test]
    fn hosts_ignore_port_and_case() {
        assert_eq!(host_of("http://127.0.0.2:8080/a.xml"), "127.0.0.2");
        assert_eq!(host_of("https://News.Example/feed"), "news.example");
        assert_eq!(host_of("not a url"), "not a url");
    }
}
