//! Backup and restore in one portable format for both databases, and with them the move from
//! one database to another (`migrate-db`).
//!
//! The format is gzip'd JSON lines:
//! 1. a header object: `{"format":"tidings-backup","version":1,"schema_version":N,
//!    "dialect":"sqlite","created_at":…,"tables":[…]}`;
//! 2. per table, an object `{"table":"articles","columns":[…],"rows":N}` followed by N rows,
//!    each a JSON array in the order of `columns`;
//! 3. a closing object `{"end":true,"rows":TOTAL}`, so a cut-off file is refused, not half
//!    restored.
//!
//! Values are what both databases share: integers, reals, text and null (times are Unix seconds
//! everywhere). Derived data is not written: SQLite's FTS5 index (`articles_fts*`) and
//! PostgreSQL's `articles.search_vector` are maintained by triggers on `articles` (migrations
//! 0002 and 0004), so inserting the rows on restore rebuilds search as a side effect.
//!
//! Backup reads every table inside one read transaction (SQLite: a deferred `BEGIN` on one
//! connection, whose WAL snapshot is fixed at the first read; PostgreSQL: `REPEATABLE READ READ
//! ONLY`), so it is consistent while the site keeps writing. Restore writes everything in one
//! transaction, in foreign-key order, into an empty database of the same schema version.

use crate::sql::{Dialect, Exec, Value};
use crate::{Store, StoreError, params};
use flate2::Compression;
use flate2::read::GzDecoder;
use flate2::write::GzEncoder;
use serde_json::json;
use std::io::{BufRead, BufReader, BufWriter, Read, Write};
use tidings_model::{Classify, ErrorClass};

/// The format written by this version; restore accepts exactly this one.
pub const FORMAT_VERSION: i64 = 1;
const FORMAT_NAME: &str = "tidings-backup";

/// Rows read per query while backing up: bounded memory on a large table.
const PAGE: i64 = 500;

/// Every table of the schema in foreign-key order (parents first), with its primary key, which
/// orders the rows and pages through them. A table the database has and this list lacks makes
/// backup fail, so a new migration cannot be silently left out of backups.
const TABLES: &[(&str, &[&str])] = &[
    ("outlets", &["id"]),
    ("feeds", &["id"]),
    ("fetch_log", &["id"]),
    ("stories", &["id"]),
    ("articles", &["id"]),
    ("article_tags", &["article_id", "slug"]),
    ("entities", &["id"]),
    ("entity_aliases", &["entity_id", "alias"]),
    ("entity_redirects", &["slug"]),
    ("article_entities", &["article_id", "entity_id"]),
    ("quotes", &["id"]),
    // Copied, not recomputed on restore: a restore stays a plain load in one transaction, and
    // the links they produced (`articles.original_article_id`) are restored as they were.
    ("article_signatures", &["article_id"]),
    ("article_lsh_bands", &["band", "bucket_hash", "article_id"]),
    ("story_terms", &["story_id", "term"]),
    ("story_redirects", &["story_id"]),
    ("term_df", &["term"]),
    ("users", &["id"]),
    ("sessions", &["token_hash"]),
    ("password_resets", &["token_hash"]),
    ("api_tokens", &["id"]),
    ("pending_signups", &["token_hash"]),
    ("comments", &["id"]),
    ("comment_reports", &["comment_id", "user_id"]),
    ("moderation_log", &["id"]),
    ("article_views_daily", &["article_id", "day"]),
    ("article_view_visitors", &["article_id", "day", "visitor"]),
    ("week_rankings", &["week_key", "rank"]),
    ("digest_subscribers", &["id"]),
    ("digest_sends", &["week_key"]),
];

/// Columns that point into their own table. A row may point at a later row (a republication
/// stored before its original), so restore inserts them as NULL and sets them once the whole
/// table is in.
const SELF_REFERENCES: &[(&str, &str)] = &[
    ("articles", "original_article_id"),
    ("stories", "split_from"),
    ("entities", "merged_into"),
    ("comments", "parent_id"),
];

/// Columns computed by the database (search), rebuilt by triggers rather than copied.
const DERIVED_COLUMNS: &[(&str, &str)] = &[("articles", "search_vector")];

/// Tables that are not data: the migration log (the header carries the schema version),
/// SQLite's full-text index with its shadow tables, the fetch nodes' host slots (leases that
/// mean nothing to another cluster; slots are created again on the first claim) and the
/// running week's shared ranking.
fn is_skipped_table(name: &str) -> bool {
    name == "schema_migrations"
        || name == "host_slots"
        // A cache of the running week's ranking, recomputed on the first request.
        || name == "live_rankings"
        // SQLite's narrow copy of publication times for search, filled by a trigger on restore.
        || name == "article_times"
        || name.starts_with("articles_fts")
        || name.starts_with("sqlite_")
}

/// Why a backup or restore failed: the database, or the file.
#[derive(Debug, thiserror::Error)]
pub enum BackupError {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("{what}: {source}")]
    Io {
        what: String,
        #[source]
        source: std::io::Error,
    },
}

impl Classify for BackupError {
    fn class(&self) -> ErrorClass {
        match self {
            BackupError::Store(e) => e.class(),
            BackupError::Io { source, .. } => match source.kind() {
                std::io::ErrorKind::NotFound => ErrorClass::NotFound,
                std::io::ErrorKind::InvalidData | std::io::ErrorKind::UnexpectedEof => {
                    ErrorClass::InvalidInput
                }
                _ => ErrorClass::Unavailable,
            },
        }
    }
}

/// What a backup or restore moved: rows per table, in file order.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct BackupSummary {
    pub schema_version: i64,
    pub tables: Vec<(String, u64)>,
}

impl BackupSummary {
    pub fn rows(&self) -> u64 {
        self.tables.iter().map(|(_, n)| n).sum()
    }

    /// Rows of one table (0 when absent).
    pub fn table(&self, name: &str) -> u64 {
        self.tables
            .iter()
            .find(|(t, _)| t == name)
            .map_or(0, |(_, n)| *n)
    }
}

impl Store {
    /// Writes a consistent snapshot of every table to `writer` as gzip'd JSON lines (see the
    /// module documentation). The site may keep running: everything is read in one read
    /// transaction.
    pub fn backup<W: Write>(&self, writer: W) -> Result<BackupSummary, BackupError> {
        let mut out = BufWriter::new(GzEncoder::new(writer, Compression::fast()));
        // The closure below can only fail with a StoreError; a failed write is kept here and
        // reported as what it is.
        let mut io_error: Option<BackupError> = None;
        let result = self.read(|conn| {
            let begin = match conn.dialect() {
                Dialect::Sqlite => "BEGIN",
                Dialect::Postgres => "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY",
            };
            conn.batch(begin)?;
            let result = write_snapshot(conn, &mut out, &mut io_error);
            // Read-only: ending it either way changes nothing; the first error matters more.
            let end = conn.batch("ROLLBACK");
            let summary = result?;
            end?;
            Ok(summary)
        });
        if let Some(e) = io_error {
            return Err(e);
        }
        let summary = result?;
        let encoder = out
            .into_inner()
            .map_err(|e| io("writing the backup", e.into_error()))?;
        encoder
            .finish()
            .and_then(|mut w| w.flush())
            .map_err(|e| io("writing the backup", e))?;
        Ok(summary)
    }

    /// Loads a backup written by [`Store::backup`] (from either database) into this database,
    /// which must be empty and at the backup's schema version. All of it in one transaction:
    /// a bad or cut-off file leaves the database as it was.
    pub fn restore<R: Read>(&self, reader: R) -> Result<BackupSummary, BackupError> {
        let mut lines = Lines {
            inner: BufReader::new(GzDecoder::new(reader)),
            number: 0,
            io_error: None,
        };
        let header = match lines.next_json() {
            Ok(Some(h)) => h,
            Ok(None) => return Err(invalid(0, "the file is empty").into()),
            Err(e) => return Err(lines.io_error.take().map_or(e.into(), |e| e)),
        };
        let version = self.schema_version()?;
        let result = check_header(&header, version).and_then(|_| {
            self.write(|tx| {
                refuse_non_empty(tx)?;
                let summary = load_tables(tx, &mut lines, version)?;
                if tx.dialect() == Dialect::Postgres {
                    fix_identity_sequences(tx)?;
                }
                Ok(summary)
            })
        });
        match (result, lines.io_error.take()) {
            (Err(_), Some(io_error)) => Err(io_error),
            (result, _) => Ok(result?),
        }
    }

    /// Copies this database into `target` (empty, any kind): a backup streamed through a pipe
    /// into a restore, so nothing is staged on disk. `tidings migrate-db` is this.
    pub fn copy_into(&self, target: &Store) -> Result<BackupSummary, BackupError> {
        let (reader, writer) = std::io::pipe().map_err(|e| io("opening a pipe", e))?;
        std::thread::scope(|scope| {
            // The writer moves into the thread and is dropped when backup ends, which the
            // reader sees as the end of the file.
            let backup = scope.spawn(move || self.backup(writer));
            // A failed restore drops the reader, so a backup still writing fails fast with a
            // broken pipe instead of blocking.
            let restored = target.restore(reader);
            let backed_up = backup.join().map_err(|_| {
                BackupError::Store(StoreError::Invalid("the backup thread panicked".into()))
            })?;
            match (backed_up, restored) {
                // A broken pipe only says that restore stopped reading: its error is the cause.
                (Err(BackupError::Io { source, .. }), Err(e))
                    if source.kind() == std::io::ErrorKind::BrokenPipe =>
                {
                    Err(e)
                }
                // Otherwise the source's error explains a restore that saw a cut-off stream.
                (Err(e), _) => Err(e),
                (Ok(_), Err(e)) => Err(e),
                (Ok(_), Ok(summary)) => Ok(summary),
            }
        })
    }
}

fn io(what: &str, source: std::io::Error) -> BackupError {
    BackupError::Io {
        what: what.to_owned(),
        source,
    }
}

fn invalid(line: u64, reason: impl std::fmt::Display) -> StoreError {
    StoreError::Invalid(format!("backup file, line {line}: {reason}"))
}

/// The tables of the live schema, checked against [`TABLES`].
fn live_tables(conn: &mut dyn Exec) -> Result<Vec<String>, StoreError> {
    let sql = match conn.dialect() {
        Dialect::Sqlite => "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name",
        Dialect::Postgres => {
            "SELECT table_name::text FROM information_schema.tables
             WHERE table_schema = current_schema() AND table_type = 'BASE TABLE'
             ORDER BY table_name"
        }
    };
    let names = conn
        .query(sql, &[])?
        .iter()
        .map(|r| r.text(0))
        .collect::<Result<Vec<_>, _>>()?;
    let names: Vec<String> = names.into_iter().filter(|n| !is_skipped_table(n)).collect();
    if let Some(unknown) = names.iter().find(|n| !TABLES.iter().any(|(t, _)| t == n)) {
        return Err(StoreError::Invalid(format!(
            "table {unknown} is not in the backup's table list (crates/store/src/backup.rs); \
             refusing an incomplete backup"
        )));
    }
    if let Some((missing, _)) = TABLES.iter().find(|(t, _)| !names.iter().any(|n| n == t)) {
        return Err(StoreError::Invalid(format!(
            "table {missing} is missing from the database"
        )));
    }
    Ok(names)
}

/// A column of the live schema with the family of its declared type.
#[derive(Debug, Clone)]
struct Column {
    name: String,
    kind: Kind,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Integer,
    Real,
    Text,
}

fn kind_of(declared: &str) -> Kind {
    let t = declared.to_ascii_lowercase();
    if t.contains("int") {
        Kind::Integer
    } else if t.contains("real") || t.contains("double") || t.contains("float") {
        Kind::Real
    } else {
        Kind::Text
    }
}

/// The data columns of `table` in schema order, derived columns left out.
fn columns(conn: &mut dyn Exec, table: &str) -> Result<Vec<Column>, StoreError> {
    let sql = match conn.dialect() {
        Dialect::Sqlite => "SELECT name, type FROM pragma_table_info(?) ORDER BY cid",
        Dialect::Postgres => {
            "SELECT column_name::text, data_type::text FROM information_schema.columns
             WHERE table_schema = current_schema() AND table_name = ?
             ORDER BY ordinal_position"
        }
    };
    let mut out = Vec::new();
    for row in conn.query(sql, params![table])? {
        let name = row.text(0)?;
        if DERIVED_COLUMNS.contains(&(table, name.as_str())) {
            continue;
        }
        out.push(Column {
            kind: kind_of(&row.text(1)?),
            name,
        });
    }
    if out.is_empty() {
        return Err(StoreError::Invalid(format!("table {table} has no columns")));
    }
    Ok(out)
}

fn quoted(name: &str) -> String {
    format!("\"{name}\"")
}

fn to_json(v: &Value) -> serde_json::Value {
    match v {
        Value::Null => serde_json::Value::Null,
        Value::Int(i) => json!(i),
        Value::Real(r) => json!(r),
        Value::Text(t) => json!(t),
    }
}

/// A JSON value as a parameter for a column of `kind`: numbers that reached a text column
/// (SQLite's loose typing) become text, whole reals in integer columns become integers.
fn from_json(v: &serde_json::Value, kind: Kind) -> Option<Value> {
    Some(match v {
        serde_json::Value::Null => Value::Null,
        serde_json::Value::String(s) => Value::Text(s.clone()),
        serde_json::Value::Number(n) => match (kind, n.as_i64(), n.as_f64()) {
            (Kind::Text, _, _) => Value::Text(n.to_string()),
            (_, Some(i), _) => Value::Int(i),
            (Kind::Integer, None, Some(f)) if f.fract() == 0.0 => Value::Int(f as i64),
            (_, None, Some(f)) => Value::Real(f),
            _ => return None,
        },
        serde_json::Value::Bool(b) => Value::Int(i64::from(*b)),
        _ => return None,
    })
}

fn write_line(
    out: &mut impl Write,
    value: &serde_json::Value,
    io_error: &mut Option<BackupError>,
) -> Result<(), StoreError> {
    let written = serde_json::to_writer(&mut *out, value)
        .map_err(std::io::Error::from)
        .and_then(|()| out.write_all(b"\n"));
    written.map_err(|e| {
        *io_error = Some(io("writing the backup", e));
        StoreError::Invalid("writing the backup failed".into())
    })
}

fn write_snapshot(
    conn: &mut dyn Exec,
    out: &mut impl Write,
    io_error: &mut Option<BackupError>,
) -> Result<BackupSummary, StoreError> {
    let schema_version = conn
        .query_one(
            "SELECT COALESCE(MAX(version), 0) FROM schema_migrations",
            &[],
        )?
        .i64(0)?;
    live_tables(conn)?;
    let dialect = match conn.dialect() {
        Dialect::Sqlite => "sqlite",
        Dialect::Postgres => "postgres",
    };
    let names: Vec<&str> = TABLES.iter().map(|(t, _)| *t).collect();
    write_line(
        out,
        &json!({
            "format": FORMAT_NAME,
            "version": FORMAT_VERSION,
            "schema_version": schema_version,
            "dialect": dialect,
            "created_at": crate::now(),
            "tables": names,
        }),
        io_error,
    )?;
    let mut summary = BackupSummary {
        schema_version,
        tables: Vec::new(),
    };
    for (table, pk) in TABLES {
        let cols = columns(conn, table)?;
        let count = conn
            .query_one(&format!("SELECT COUNT(*) FROM {table}"), &[])?
            .i64(0)?;
        let names: Vec<&str> = cols.iter().map(|c| c.name.as_str()).collect();
        write_line(
            out,
            &json!({"table": table, "columns": names, "rows": count}),
            io_error,
        )?;
        let written = write_table(conn, out, io_error, table, pk, &names)?;
        if written != count as u64 {
            // Cannot happen inside one transaction; a guard against a wrong primary key list.
            return Err(StoreError::Invalid(format!(
                "table {table}: counted {count} rows but read {written}"
            )));
        }
        summary.tables.push(((*table).to_owned(), written));
    }
    write_line(out, &json!({"end": true, "rows": summary.rows()}), io_error)?;
    Ok(summary)
}

/// Writes the rows of one table, a page at a time, ordered and paged by the primary key.
fn write_table(
    conn: &mut dyn Exec,
    out: &mut impl Write,
    io_error: &mut Option<BackupError>,
    table: &str,
    pk: &[&str],
    names: &[&str],
) -> Result<u64, StoreError> {
    let key_at: Vec<usize> = pk
        .iter()
        .map(|k| {
            names.iter().position(|n| n == k).ok_or_else(|| {
                StoreError::Invalid(format!("table {table}: no primary key column {k}"))
            })
        })
        .collect::<Result<_, _>>()?;
    let select = names
        .iter()
        .map(|n| quoted(n))
        .collect::<Vec<_>>()
        .join(", ");
    let keys = pk.iter().map(|k| quoted(k)).collect::<Vec<_>>().join(", ");
    let marks = vec!["?"; pk.len()].join(", ");
    let first = format!("SELECT {select} FROM {table} ORDER BY {keys} LIMIT ?");
    let next =
        format!("SELECT {select} FROM {table} WHERE ({keys}) > ({marks}) ORDER BY {keys} LIMIT ?");
    let mut last: Option<Vec<Value>> = None;
    let mut written = 0u64;
    loop {
        let rows = match &last {
            None => conn.query(&first, params![PAGE])?,
            Some(key) => {
                let mut p = key.clone();
                p.push(Value::Int(PAGE));
                conn.query(&next, &p)?
            }
        };
        for row in &rows {
            let values: Vec<serde_json::Value> = row.0.iter().map(to_json).collect();
            write_line(out, &serde_json::Value::Array(values), io_error)?;
        }
        written += rows.len() as u64;
        match rows.last() {
            Some(row) if rows.len() as i64 == PAGE => {
                last = Some(key_at.iter().map(|&i| row.0[i].clone()).collect());
            }
            _ => return Ok(written),
        }
    }
}

/// Reads JSON lines, counting them for error messages and keeping a read error aside.
struct Lines<R> {
    inner: R,
    number: u64,
    io_error: Option<BackupError>,
}

impl<R: BufRead> Lines<R> {
    fn next_json(&mut self) -> Result<Option<serde_json::Value>, StoreError> {
        let mut line = String::new();
        self.number += 1;
        match self.inner.read_line(&mut line) {
            Ok(0) => Ok(None),
            Ok(_) => serde_json::from_str(&line)
                .map(Some)
                .map_err(|e| invalid(self.number, format!("not JSON: {e}"))),
            Err(e) => {
                let what = format!("reading the backup at line {}", self.number);
                let message = format!("{what}: {e}");
                // An error without an OS error code comes from the gzip decoder or UTF-8
                // decoding: the file is bad input. With one, it is the disk or the pipe.
                if e.raw_os_error().is_none() {
                    return Err(StoreError::Invalid(format!(
                        "{message} (not a tidings backup, or cut off)"
                    )));
                }
                self.io_error = Some(io(&what, e));
                Err(StoreError::Invalid(message))
            }
        }
    }

    fn expect_json(&mut self, what: &str) -> Result<serde_json::Value, StoreError> {
        self.next_json()?
            .ok_or_else(|| invalid(self.number, format!("the file ends where {what} should be")))
    }
}

fn check_header(header: &serde_json::Value, schema_version: i64) -> Result<(), StoreError> {
    if header.get("format").and_then(|f| f.as_str()) != Some(FORMAT_NAME) {
        return Err(invalid(1, "not a tidings backup (no format header)"));
    }
    let version = header.get("version").and_then(|v| v.as_i64());
    if version != Some(FORMAT_VERSION) {
        return Err(invalid(
            1,
            format!("backup format version {version:?}; this tidings reads {FORMAT_VERSION}"),
        ));
    }
    let backup_schema = header
        .get("schema_version")
        .and_then(|v| v.as_i64())
        .ok_or_else(|| invalid(1, "no schema_version"))?;
    if backup_schema != schema_version {
        // Migrations may transform data, so rows of another schema are not loaded as they are.
        return Err(StoreError::Invalid(format!(
            "the backup is at schema version {backup_schema}, this database at {schema_version}; \
             restore with the tidings version that wrote it, then upgrade"
        )));
    }
    Ok(())
}

fn refuse_non_empty(tx: &mut dyn Exec) -> Result<(), StoreError> {
    let articles = tx.query_one("SELECT COUNT(*) FROM articles", &[])?.i64(0)?;
    if articles > 0 {
        return Err(StoreError::Conflict(format!(
            "the target database holds {articles} articles; restore only loads into an empty \
             database"
        )));
    }
    let mut filled = Vec::new();
    for (table, _) in TABLES {
        let found = tx
            .query_opt(&format!("SELECT 1 FROM {table} LIMIT 1"), &[])?
            .is_some();
        if found {
            filled.push(*table);
        }
    }
    if !filled.is_empty() {
        return Err(StoreError::Conflict(format!(
            "the target database is not empty (rows in {}); restore only loads into an empty \
             database",
            filled.join(", ")
        )));
    }
    Ok(())
}

fn load_tables(
    tx: &mut dyn Exec,
    lines: &mut Lines<impl BufRead>,
    schema_version: i64,
) -> Result<BackupSummary, StoreError> {
    let mut summary = BackupSummary {
        schema_version,
        tables: Vec::new(),
    };
    loop {
        let item = lines.expect_json("a table or the end marker")?;
        let line = lines.number;
        if item.get("end").is_some() {
            let total = item.get("rows").and_then(|r| r.as_u64());
            if total != Some(summary.rows()) {
                return Err(invalid(
                    line,
                    format!(
                        "the end marker counts {total:?} rows, the file held {}",
                        summary.rows()
                    ),
                ));
            }
            break;
        }
        let table = item
            .get("table")
            .and_then(|t| t.as_str())
            .ok_or_else(|| invalid(line, "expected a table header"))?;
        // Only known tables, in this order: names go into SQL, and parents must come first.
        let position = TABLES
            .iter()
            .position(|(t, _)| *t == table)
            .ok_or_else(|| invalid(line, format!("unknown table {table:?}")))?;
        if let Some((prev, _)) = summary.tables.last() {
            let prev_at = TABLES.iter().position(|(t, _)| t == prev).unwrap_or(0);
            if position <= prev_at {
                return Err(invalid(line, format!("table {table} is out of order")));
            }
        }
        let names: Vec<String> = item
            .get("columns")
            .and_then(|c| c.as_array())
            .ok_or_else(|| invalid(line, format!("table {table}: no column list")))?
            .iter()
            .map(|c| c.as_str().map(str::to_owned))
            .collect::<Option<_>>()
            .ok_or_else(|| invalid(line, format!("table {table}: column names must be text")))?;
        let rows = item
            .get("rows")
            .and_then(|r| r.as_u64())
            .ok_or_else(|| invalid(line, format!("table {table}: no row count")))?;
        let table_name = TABLES[position].0;
        let loaded = load_table(tx, lines, table_name, &names, rows)?;
        summary.tables.push((table_name.to_owned(), loaded));
    }
    if lines.next_json()?.is_some() {
        return Err(invalid(lines.number, "data after the end marker"));
    }
    Ok(summary)
}

fn load_table(
    tx: &mut dyn Exec,
    lines: &mut Lines<impl BufRead>,
    table: &str,
    names: &[String],
    rows: u64,
) -> Result<u64, StoreError> {
    let live = columns(tx, table)?;
    let kinds: Vec<Kind> = names
        .iter()
        .map(|n| {
            live.iter()
                .find(|c| &c.name == n)
                .map(|c| c.kind)
                .ok_or_else(|| {
                    invalid(
                        lines.number,
                        format!("table {table}: no column {n:?} in this database"),
                    )
                })
        })
        .collect::<Result<_, _>>()?;
    let self_refs: Vec<(usize, &str)> = SELF_REFERENCES
        .iter()
        .filter(|(t, _)| *t == table)
        .filter_map(|(_, c)| names.iter().position(|n| n == c).map(|i| (i, *c)))
        .collect();
    let id_at = names.iter().position(|n| n == "id");
    if !self_refs.is_empty() && id_at.is_none() {
        return Err(invalid(
            lines.number,
            format!("table {table}: no id column"),
        ));
    }
    let insert = format!(
        "INSERT INTO {table} ({}) VALUES ({})",
        names
            .iter()
            .map(|n| quoted(n))
            .collect::<Vec<_>>()
            .join(", "),
        vec!["?"; names.len()].join(", ")
    );
    // (column, id, value) of self-references, set after the whole table is in.
    let mut deferred: Vec<(&str, Value, Value)> = Vec::new();
    for _ in 0..rows {
        let row = lines.expect_json(&format!("a row of {table}"))?;
        let line = lines.number;
        let cells = row
            .as_array()
            .ok_or_else(|| invalid(line, format!("table {table}: a row must be an array")))?;
        if cells.len() != names.len() {
            return Err(invalid(
                line,
                format!(
                    "table {table}: {} values for {} columns",
                    cells.len(),
                    names.len()
                ),
            ));
        }
        let mut values = cells
            .iter()
            .zip(&kinds)
            .map(|(v, &k)| from_json(v, k))
            .collect::<Option<Vec<_>>>()
            .ok_or_else(|| invalid(line, format!("table {table}: a value is not scalar")))?;
        for &(at, column) in &self_refs {
            if values[at] != Value::Null {
                let id = id_at.map_or(Value::Null, |i| values[i].clone());
                deferred.push((column, id, std::mem::replace(&mut values[at], Value::Null)));
            }
        }
        tx.execute(&insert, &values)
            .map_err(|e| invalid(line, format!("table {table}: {e}")))?;
    }
    for (column, id, value) in deferred {
        tx.execute(
            &format!("UPDATE {table} SET {} = ? WHERE id = ?", quoted(column)),
            &[value, id],
        )?;
    }
    Ok(rows)
}

/// Ids no row holds any more that must not be handed out again: (table, where they live on,
/// column). A merged story's id redirects to the story it went into.
const RETIRED_IDS: &[(&str, &str, &str)] = &[("stories", "story_redirects", "story_id")];

/// Rows were inserted with their ids, which PostgreSQL's identity sequences did not see: move
/// each sequence past the largest id (retired ones included), or the next insert would collide.
fn fix_identity_sequences(tx: &mut dyn Exec) -> Result<(), StoreError> {
    let identities = tx.query(
        "SELECT table_name::text, column_name::text FROM information_schema.columns
         WHERE table_schema = current_schema() AND is_identity = 'YES'",
        &[],
    )?;
    for row in identities {
        let (table, column) = (row.text(0)?, row.text(1)?);
        if !TABLES.iter().any(|(t, _)| *t == table) {
            continue;
        }
        let mut largest = format!(
            "COALESCE((SELECT MAX({c}) FROM {table}), 0)",
            c = quoted(&column)
        );
        for (_, elsewhere, c) in RETIRED_IDS.iter().filter(|(t, ..)| *t == table) {
            largest =
                format!("GREATEST({largest}, COALESCE((SELECT MAX({c}) FROM {elsewhere}), 0))");
        }
        tx.query_one(
            &format!("SELECT setval(pg_get_serial_sequence(?, ?), {largest} + 1, false)"),
            params![table.as_str(), column.as_str()],
        )?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_values_take_the_column_type() {
        assert_eq!(
            from_json(&json!(3), Kind::Text),
            Some(Value::Text("3".into()))
        );
        assert_eq!(from_json(&json!(3.0), Kind::Integer), Some(Value::Int(3)));
        assert_eq!(from_json(&json!(2.5), Kind::Real), Some(Value::Real(2.5)));
        assert_eq!(from_json(&json!(7), Kind::Real), Some(Value::Int(7)));
        assert_eq!(from_json(&json!([1]), Kind::Text), None);
    }

    #[test]
    fn every_table_has_a_primary_key_and_self_references_are_listed_tables() {
        for (t, pk) in TABLES {
            assert!(!pk.is_empty(), "{t}");
        }
        for (t, _) in SELF_REFERENCES {
            assert!(TABLES.iter().any(|(n, _)| n == t), "{t}");
        }
    }
}
