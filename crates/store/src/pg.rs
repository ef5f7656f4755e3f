//! PostgreSQL connections that keep their prepared statements: every statement of an article's
//! transaction would otherwise be parsed and planned again on its own round trip, which made
//! bulk writes crawl. Prepared statements live as long as the connection, across transactions.

use crate::StoreError;
use crate::sql::{Dialect, Exec, Row, Value, pg_params, pg_row, to_postgres_placeholders};
use r2d2_postgres::postgres::{self, GenericClient, Statement};
use std::collections::HashMap;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

/// Distinct statements kept per connection; beyond this the cache starts over (the SQL of
/// tidings is a bounded set, this only guards against a leak).
const MAX_STATEMENTS: usize = 512;

type Statements = HashMap<String, Statement>;

pub struct PgConn {
    client: postgres::Client,
    statements: Statements,
}

impl PgConn {
    /// A transaction that shares this connection's statement cache.
    pub fn transaction(&mut self) -> Result<PgTx<'_>, StoreError> {
        Ok(PgTx {
            tx: self.client.transaction()?,
            statements: &mut self.statements,
        })
    }
}

pub struct PgTx<'a> {
    tx: postgres::Transaction<'a>,
    statements: &'a mut Statements,
}

impl PgTx<'_> {
    pub fn commit(self) -> Result<(), StoreError> {
        Ok(self.tx.commit()?)
    }
}

fn prepared(
    client: &mut impl GenericClient,
    cache: &mut Statements,
    sql: &str,
) -> Result<Statement, StoreError> {
    let sql = to_postgres_placeholders(sql);
    if let Some(st) = cache.get(&sql) {
        return Ok(st.clone());
    }
    let st = client.prepare(&sql)?;
    if cache.len() >= MAX_STATEMENTS {
        cache.clear();
    }
    cache.insert(sql, st.clone());
    Ok(st)
}

fn run_execute(
    client: &mut impl GenericClient,
    cache: &mut Statements,
    sql: &str,
    params: &[Value],
) -> Result<u64, StoreError> {
    let st = prepared(client, cache, sql)?;
    Ok(client.execute(&st, &pg_params(params))?)
}

fn run_query(
    client: &mut impl GenericClient,
    cache: &mut Statements,
    sql: &str,
    params: &[Value],
) -> Result<Vec<Row>, StoreError> {
    let st = prepared(client, cache, sql)?;
    client
        .query(&st, &pg_params(params))?
        .iter()
        .map(pg_row)
        .collect()
}

impl Exec for PgConn {
    fn dialect(&self) -> Dialect {
        Dialect::Postgres
    }
    fn execute(&mut self, sql: &str, params: &[Value]) -> Result<u64, StoreError> {
        run_execute(&mut self.client, &mut self.statements, sql, params)
    }
    fn query(&mut self, sql: &str, params: &[Value]) -> Result<Vec<Row>, StoreError> {
        run_query(&mut self.client, &mut self.statements, sql, params)
    }
    fn batch(&mut self, sql: &str) -> Result<(), StoreError> {
        Ok(self.client.batch_execute(sql)?)
    }
}

impl Exec for PgTx<'_> {
    fn dialect(&self) -> Dialect {
        Dialect::Postgres
    }
    fn execute(&mut self, sql: &str, params: &[Value]) -> Result<u64, StoreError> {
        run_execute(&mut self.tx, self.statements, sql, params)
    }
    fn query(&mut self, sql: &str, params: &[Value]) -> Result<Vec<Row>, StoreError> {
        run_query(&mut self.tx, self.statements, sql, params)
    }
    fn batch(&mut self, sql: &str) -> Result<(), StoreError> {
        Ok(self.tx.batch_execute(sql)?)
    }
}

/// r2d2 manager for [`PgConn`].
#[derive(Debug)]
pub struct PgManager {
    pub config: postgres::Config,
}

/// A connection failure as the pool reports it. r2d2 keeps only the message of the last
/// failure (in its timeout error), so the message carries the causes: "error connecting to
/// server: Connection refused", not just the first half.
#[derive(Debug)]
pub struct PgPoolError(postgres::Error);

impl std::fmt::Display for PgPoolError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&crate::error::chain(&self.0))
    }
}

impl std::error::Error for PgPoolError {}

/// The pool's own report of each failed connection attempt: counted, so that a waiting
/// checkout learns the database went away (see `Store::pg_conn`), and logged at debug level
/// only: while the database is away the pool tries many times a second, and the store's
/// "database unreachable" warning and the callers' retry lines already say what is going on.
#[derive(Debug)]
pub struct CountedErrors(pub Arc<AtomicU64>);

impl r2d2::HandleError<PgPoolError> for CountedErrors {
    fn handle_error(&self, error: PgPoolError) {
        self.0.fetch_add(1, Ordering::Relaxed);
        tracing::debug!(%error, "database pool: connection attempt failed");
    }
}

impl r2d2::ManageConnection for PgManager {
    type Connection = PgConn;
    type Error = PgPoolError;

    fn connect(&self) -> Result<PgConn, PgPoolError> {
        Ok(PgConn {
            client: self.config.connect(postgres::NoTls).map_err(PgPoolError)?,
            statements: HashMap::new(),
        })
    }

    fn is_valid(&self, conn: &mut PgConn) -> Result<(), PgPoolError> {
        conn.client
            .simple_query("")
            .map(|_| ())
            .map_err(PgPoolError)
    }

    fn has_broken(&self, conn: &mut PgConn) -> bool {
        conn.client.is_closed()
    }
}
