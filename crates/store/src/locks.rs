//! Cluster-wide mutual exclusion for the few decisions that must be taken one at a time across
//! every node sharing a database: PostgreSQL transaction-level advisory locks, released by the
//! commit or rollback that ends the transaction, so a crashed node never leaves one behind.
//! SQLite needs nothing here: every write transaction already holds its single writer lock
//! from the start (`BEGIN IMMEDIATE`).

use crate::StoreError;
use crate::params;
use crate::sql::{Dialect, Exec};

/// The first key of every tidings advisory lock (the second names what is locked); the
/// migration lock uses a one-key lock of its own.
const LOCK_SPACE: i64 = 741_102;

/// What is being serialised.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum ClusterLock {
    /// Storing an article and choosing its story: the choice reads every recent story, so two
    /// related articles decided at once would each miss the other's and split one story in two.
    Articles,
    /// Keeping the ranking of one finished week (by its week key).
    WeekRanking(i64),
}

impl ClusterLock {
    fn key(self) -> i64 {
        match self {
            ClusterLock::Articles => 1,
            // Week keys (YYYYWW) are far above the fixed keys.
            ClusterLock::WeekRanking(week) => week,
        }
    }
}

/// Waits for `lock` and holds it until the transaction `tx` ends.
pub(crate) fn hold(tx: &mut dyn Exec, lock: ClusterLock) -> Result<(), StoreError> {
    match tx.dialect() {
        Dialect::Sqlite => Ok(()),
        Dialect::Postgres => {
            tx.execute(
                "SELECT pg_advisory_xact_lock(CAST(? AS INTEGER), CAST(? AS INTEGER))",
                params![LOCK_SPACE, lock.key()],
            )?;
            Ok(())
        }
    }
}
