//! One way to run SQL on either database. Queries are written once with `?` placeholders in the
//! common subset of SQLite and PostgreSQL; this module binds [`Value`]s, rewrites placeholders
//! for PostgreSQL and reads rows back into [`Row`]s.
//!
//! Why by hand: sqlx's `Any` driver would do this but forces async through every stage and
//! compile-time query checking against a live database; rusqlite and postgres are the plain,
//! well-kept drivers, and the glue between them is this small file.
//!
//! Statements that run often write their limit as an integer literal (`LIMIT {n}`) rather than
//! binding it: SQLite prepares a statement again on the first step after a new value is bound
//! to `LIMIT ?`, which cost a tenth of storing an article (its 58 band and posting lookups).

use crate::StoreError;
use r2d2_postgres::postgres;
use r2d2_postgres::postgres::types::{IsNull, ToSql, Type, to_sql_checked};
use r2d2_sqlite::rusqlite;
use std::error::Error as StdError;

/// A parameter or a column value. Integers are 64-bit on both databases.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    Null,
    Int(i64),
    Real(f64),
    Text(String),
}

impl From<i64> for Value {
    fn from(v: i64) -> Self {
        Value::Int(v)
    }
}
impl From<u32> for Value {
    fn from(v: u32) -> Self {
        Value::Int(i64::from(v))
    }
}
impl From<bool> for Value {
    fn from(v: bool) -> Self {
        Value::Int(i64::from(v))
    }
}
impl From<f64> for Value {
    fn from(v: f64) -> Self {
        Value::Real(v)
    }
}
impl From<&str> for Value {
    fn from(v: &str) -> Self {
        Value::Text(v.to_owned())
    }
}
impl From<String> for Value {
    fn from(v: String) -> Self {
        Value::Text(v)
    }
}
impl From<&String> for Value {
    fn from(v: &String) -> Self {
        Value::Text(v.clone())
    }
}
impl<T: Into<Value>> From<Option<T>> for Value {
    fn from(v: Option<T>) -> Self {
        v.map_or(Value::Null, Into::into)
    }
}

/// Builds a `&[Value]` parameter list: `params![a, b, c]`.
#[macro_export]
macro_rules! params {
    ($($v:expr),* $(,)?) => { &[$($crate::sql::Value::from($v)),*][..] };
}

/// One result row; accessors fail with a clear error instead of panicking on a schema mismatch.
#[derive(Debug, Clone)]
pub struct Row(pub Vec<Value>);

impl Row {
    fn get(&self, i: usize) -> Result<&Value, StoreError> {
        self.0
            .get(i)
            .ok_or_else(|| StoreError::Decode(format!("no column {i}")))
    }

    pub fn i64(&self, i: usize) -> Result<i64, StoreError> {
        self.opt_i64(i)?
            .ok_or_else(|| StoreError::Decode(format!("column {i} is NULL")))
    }

    pub fn opt_i64(&self, i: usize) -> Result<Option<i64>, StoreError> {
        match self.get(i)? {
            Value::Null => Ok(None),
            Value::Int(v) => Ok(Some(*v)),
            // SQLite hands back whole REALs for SUM/AVG over integers.
            Value::Real(v) => Ok(Some(*v as i64)),
            Value::Text(t) => Err(StoreError::Decode(format!(
                "column {i}: expected integer, got text {t:?}"
            ))),
        }
    }

    pub fn f64(&self, i: usize) -> Result<f64, StoreError> {
        match self.get(i)? {
            Value::Int(v) => Ok(*v as f64),
            Value::Real(v) => Ok(*v),
            other => Err(StoreError::Decode(format!(
                "column {i}: expected number, got {other:?}"
            ))),
        }
    }

    pub fn text(&self, i: usize) -> Result<String, StoreError> {
        self.opt_text(i)?
            .ok_or_else(|| StoreError::Decode(format!("column {i} is NULL")))
    }

    pub fn opt_text(&self, i: usize) -> Result<Option<String>, StoreError> {
        match self.get(i)? {
            Value::Null => Ok(None),
            Value::Text(t) => Ok(Some(t.clone())),
            Value::Int(v) => Ok(Some(v.to_string())),
            Value::Real(v) => Ok(Some(v.to_string())),
        }
    }

    pub fn bool(&self, i: usize) -> Result<bool, StoreError> {
        Ok(self.i64(i)? != 0)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Dialect {
    Sqlite,
    Postgres,
}

/// Something that runs SQL: a connection or a transaction on either database.
pub trait Exec {
    fn dialect(&self) -> Dialect;
    /// Runs one statement; returns the number of rows changed.
    fn execute(&mut self, sql: &str, params: &[Value]) -> Result<u64, StoreError>;
    fn query(&mut self, sql: &str, params: &[Value]) -> Result<Vec<Row>, StoreError>;
    /// Runs a script of several statements without parameters (migrations).
    fn batch(&mut self, sql: &str) -> Result<(), StoreError>;

    fn query_opt(&mut self, sql: &str, params: &[Value]) -> Result<Option<Row>, StoreError> {
        Ok(self.query(sql, params)?.into_iter().next())
    }

    fn query_one(&mut self, sql: &str, params: &[Value]) -> Result<Row, StoreError> {
        self.query_opt(sql, params)?
            .ok_or_else(|| StoreError::Decode("query returned no row".into()))
    }
}

// ---- SQLite ----------------------------------------------------------------------------------

impl rusqlite::ToSql for Value {
    fn to_sql(&self) -> rusqlite::Result<rusqlite::types::ToSqlOutput<'_>> {
        use rusqlite::types::{ToSqlOutput, ValueRef};
        Ok(match self {
            Value::Null => ToSqlOutput::Borrowed(ValueRef::Null),
            Value::Int(v) => ToSqlOutput::Borrowed(ValueRef::Integer(*v)),
            Value::Real(v) => ToSqlOutput::Borrowed(ValueRef::Real(*v)),
            Value::Text(t) => ToSqlOutput::Borrowed(ValueRef::Text(t.as_bytes())),
        })
    }
}

fn sqlite_row(row: &rusqlite::Row<'_>, n: usize) -> rusqlite::Result<Row> {
    use rusqlite::types::ValueRef;
    let mut out = Vec::with_capacity(n);
    for i in 0..n {
        out.push(match row.get_ref(i)? {
            ValueRef::Null => Value::Null,
            ValueRef::Integer(v) => Value::Int(v),
            ValueRef::Real(v) => Value::Real(v),
            ValueRef::Text(t) | ValueRef::Blob(t) => {
                Value::Text(String::from_utf8_lossy(t).into_owned())
            }
        });
    }
    Ok(Row(out))
}

fn sqlite_query(
    conn: &rusqlite::Connection,
    sql: &str,
    params: &[Value],
) -> Result<Vec<Row>, StoreError> {
    let mut stmt = conn.prepare_cached(sql)?;
    let n = stmt.column_count();
    let rows = stmt.query_map(rusqlite::params_from_iter(params.iter()), |r| {
        sqlite_row(r, n)
    })?;
    Ok(rows.collect::<Result<Vec<_>, _>>()?)
}

fn sqlite_execute(
    conn: &rusqlite::Connection,
    sql: &str,
    params: &[Value],
) -> Result<u64, StoreError> {
    let mut stmt = conn.prepare_cached(sql)?;
    Ok(stmt.execute(rusqlite::params_from_iter(params.iter()))? as u64)
}

/// A transaction derefs to its connection, so one body serves both.
macro_rules! impl_sqlite_exec {
    ($t:ty) => {
        impl Exec for $t {
            fn dialect(&self) -> Dialect {
                Dialect::Sqlite
            }
            fn execute(&mut self, sql: &str, params: &[Value]) -> Result<u64, StoreError> {
                sqlite_execute(self, sql, params)
            }
            fn query(&mut self, sql: &str, params: &[Value]) -> Result<Vec<Row>, StoreError> {
                sqlite_query(self, sql, params)
            }
            fn batch(&mut self, sql: &str) -> Result<(), StoreError> {
                Ok(self.execute_batch(sql)?)
            }
        }
    };
}

impl_sqlite_exec!(rusqlite::Connection);
impl_sqlite_exec!(rusqlite::Transaction<'_>);

// ---- PostgreSQL ------------------------------------------------------------------------------

impl ToSql for Value {
    fn to_sql(
        &self,
        ty: &Type,
        out: &mut bytes::BytesMut,
    ) -> Result<IsNull, Box<dyn StdError + Sync + Send>> {
        match self {
            Value::Null => Ok(IsNull::Yes),
            Value::Int(v) => match *ty {
                Type::INT2 => i16::try_from(*v)?.to_sql(ty, out),
                Type::INT4 => i32::try_from(*v)?.to_sql(ty, out),
                Type::BOOL => (*v != 0).to_sql(ty, out),
                Type::FLOAT8 => (*v as f64).to_sql(ty, out),
                _ => v.to_sql(ty, out),
            },
            Value::Real(v) => match *ty {
                Type::FLOAT4 => (*v as f32).to_sql(ty, out),
                _ => v.to_sql(ty, out),
            },
            Value::Text(t) => t.to_sql(ty, out),
        }
    }

    fn accepts(_: &Type) -> bool {
        true
    }

    to_sql_checked!();
}

/// Runs bounded lookups of one shape: `each` (a SELECT with its own ORDER BY and literal
/// LIMIT, `per_lookup` placeholders) once for every `per_lookup` of `values`. Rows come back
/// tagged in column 0 with their lookup's index, in lookup order, then in `order` (column
/// numbers of the tagged row, matching `each`'s ORDER BY). On PostgreSQL all lookups go in one
/// statement, one round trip where a loop took one each; in process, SQLite runs the plain
/// statements faster than their union.
pub(crate) fn lookups(
    tx: &mut dyn Exec,
    each: &str,
    per_lookup: usize,
    values: &[Value],
    order: &str,
) -> Result<Vec<Row>, StoreError> {
    let per_lookup = per_lookup.max(1);
    match tx.dialect() {
        Dialect::Sqlite => {
            let mut rows = Vec::new();
            for (i, chunk) in values.chunks(per_lookup).enumerate() {
                for r in tx.query(each, chunk)? {
                    let mut tagged = Vec::with_capacity(r.0.len() + 1);
                    tagged.push(Value::Int(i as i64));
                    tagged.extend(r.0);
                    rows.push(Row(tagged));
                }
            }
            Ok(rows)
        }
        Dialect::Postgres => {
            let count = values.len() / per_lookup;
            if count == 0 {
                return Ok(Vec::new());
            }
            let mut sql = String::with_capacity((each.len() + 48) * count + 16);
            for i in 0..count {
                if i > 0 {
                    sql.push_str(" UNION ALL ");
                }
                sql.push_str(&format!(
                    "SELECT CAST({i} AS BIGINT), l{i}.* FROM ({each}) AS l{i}"
                ));
            }
            sql.push_str(" ORDER BY ");
            sql.push_str(order);
            tx.query(&sql, values)
        }
    }
}

pub(crate) fn pg_row(row: &postgres::Row) -> Result<Row, StoreError> {
    let mut out = Vec::with_capacity(row.len());
    for (i, col) in row.columns().iter().enumerate() {
        let v = match *col.type_() {
            Type::INT8 => row.try_get::<_, Option<i64>>(i)?.map(Value::Int),
            Type::INT4 => row
                .try_get::<_, Option<i32>>(i)?
                .map(|v| Value::Int(v.into())),
            Type::INT2 => row
                .try_get::<_, Option<i16>>(i)?
                .map(|v| Value::Int(v.into())),
            Type::BOOL => row
                .try_get::<_, Option<bool>>(i)?
                .map(|v| Value::Int(v.into())),
            Type::FLOAT8 => row.try_get::<_, Option<f64>>(i)?.map(Value::Real),
            Type::FLOAT4 => row
                .try_get::<_, Option<f32>>(i)?
                .map(|v| Value::Real(v.into())),
            _ => row.try_get::<_, Option<String>>(i)?.map(Value::Text),
        };
        out.push(v.unwrap_or(Value::Null));
    }
    Ok(Row(out))
}

/// Rewrites `?` placeholders to `$1, $2, …`, leaving string literals and quoted names alone.
pub fn to_postgres_placeholders(sql: &str) -> String {
    let mut out = String::with_capacity(sql.len() + 16);
    let mut n = 0;
    let mut quote: Option<char> = None;
    for c in sql.chars() {
        match (quote, c) {
            (Some(q), c) if c == q => {
                quote = None;
                out.push(c);
            }
            (Some(_), c) => out.push(c),
            (None, '\'' | '"') => {
                quote = Some(c);
                out.push(c);
            }
            (None, '?') => {
                n += 1;
                out.push('$');
                out.push_str(&n.to_string());
            }
            (None, c) => out.push(c),
        }
    }
    out
}

pub(crate) fn pg_params(params: &[Value]) -> Vec<&(dyn ToSql + Sync)> {
    params.iter().map(|p| p as &(dyn ToSql + Sync)).collect()
}

macro_rules! impl_pg_exec {
    ($t:ty) => {
        impl Exec for $t {
            fn dialect(&self) -> Dialect {
                Dialect::Postgres
            }
            fn execute(&mut self, sql: &str, params: &[Value]) -> Result<u64, StoreError> {
                let sql = to_postgres_placeholders(sql);
                Ok(postgres::GenericClient::execute(
                    self,
                    sql.as_str(),
                    &pg_params(params),
                )?)
            }
            fn query(&mut self, sql: &str, params: &[Value]) -> Result<Vec<Row>, StoreError> {
                let sql = to_postgres_placeholders(sql);
                postgres::GenericClient::query(self, sql.as_str(), &pg_params(params))?
                    .iter()
                    .map(pg_row)
                    .collect()
            }
            fn batch(&mut self, sql: &str) -> Result<(), StoreError> {
                Ok(postgres::GenericClient::batch_execute(self, sql)?)
            }
        }
    };
}

// Plain clients run the migrations; pooled connections use `crate::pg` (prepared statements).
impl_pg_exec!(postgres::Client);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn placeholders_skip_literals() {
        assert_eq!(
            to_postgres_placeholders("SELECT ? , '?' , \"a?\" FROM t WHERE x = ? AND y = ?"),
            "SELECT $1 , '?' , \"a?\" FROM t WHERE x = $2 AND y = $3"
        );
    }

    #[test]
    fn sqlite_round_trip() {
        let mut c = rusqlite::Connection::open_in_memory().unwrap();
        c.batch("CREATE TABLE t (a INTEGER, b TEXT, c REAL)")
            .unwrap();
        Exec::execute(
            &mut c,
            "INSERT INTO t VALUES (?, ?, ?)",
            params![7i64, "x", Some(1.5f64)],
        )
        .unwrap();
        Exec::execute(
            &mut c,
            "INSERT INTO t VALUES (?, ?, ?)",
            params![None::<i64>, None::<String>, None::<f64>],
        )
        .unwrap();
        let rows = Exec::query(&mut c, "SELECT a, b, c FROM t ORDER BY a", &[]).unwrap();
        assert_eq!(rows[0].opt_i64(0).unwrap(), None);
        assert_eq!(rows[1].i64(0).unwrap(), 7);
        assert_eq!(rows[1].text(1).unwrap(), "x");
        assert!(rows[0].i64(0).is_err());
    }
}
