//! `tidings_rank(articles_fts, idf, …)`: the SQLite search ranking, an FTS5 auxiliary function
//! registered on every connection. It is FTS5's own bm25 (k1 = 1.2, the title weighed 4 to 1
//! against the text) with two differences that make its cost per query independent of the
//! index's size:
//!
//! * the inverse document frequency of each term comes from the caller (estimated from the
//!   newest articles, see `search::sqlite_idfs`): the built-in `bm25()` counts every article
//!   holding each term on each query, a walk of the term's whole posting list;
//! * no document-length normalisation (bm25's b = 0): the built-in reads each candidate's
//!   length from the `%_docsize` table, one B-tree lookup per scored row.
//!
//! At 1,000,000 articles those two were most of a two-word search's time (docs/BENCHMARKS.md).
//! FTS5's ranking hooks are only reachable through its C API (`fts5_api`), which rusqlite does
//! not wrap, hence the `unsafe` here; everything the callbacks touch is checked for null and
//! bounds before use.

use r2d2_sqlite::rusqlite::{self, ffi};
use std::ffi::{c_int, c_void};
use std::ptr;

/// bm25's term-frequency saturation.
const K1: f64 = 1.2;
/// Weight of an occurrence per FTS5 column: title, text.
const COLUMN_WEIGHTS: [f64; 2] = [4.0, 1.0];
/// Phrases scored per query; the query parser allows fewer (`search_query::MAX_TERMS`).
const MAX_PHRASES: usize = 32;

/// Registers `tidings_rank` on a connection.
pub(crate) fn register(c: &rusqlite::Connection) -> rusqlite::Result<()> {
    // SAFETY: the handle is live for the duration of this call (borrowed from `c`), and
    // `fts5_api` follows SQLite's documented protocol for obtaining the FTS5 API pointer.
    unsafe {
        let db = c.handle();
        let api = fts5_api(db)?;
        let Some(create) = (*api).xCreateFunction else {
            return Err(failure(ffi::SQLITE_ERROR, "FTS5 cannot register functions"));
        };
        let rc = create(
            api,
            c"tidings_rank".as_ptr(),
            ptr::null_mut(),
            Some(rank),
            None,
        );
        if rc != ffi::SQLITE_OK {
            return Err(failure(rc, "registering tidings_rank"));
        }
    }
    Ok(())
}

fn failure(rc: c_int, message: &str) -> rusqlite::Error {
    rusqlite::Error::SqliteFailure(ffi::Error::new(rc), Some(message.to_owned()))
}

/// The connection's `fts5_api`, obtained as SQLite documents: `SELECT fts5(?1)` with a pointer
/// bound under the type name "fts5_api_ptr", which FTS5 fills in.
unsafe fn fts5_api(db: *mut ffi::sqlite3) -> rusqlite::Result<*mut ffi::fts5_api> {
    let mut stmt: *mut ffi::sqlite3_stmt = ptr::null_mut();
    let mut api: *mut ffi::fts5_api = ptr::null_mut();
    // SAFETY: `db` is a live connection; `stmt` is finalized on every path below; `api`
    // outlives the statement's execution.
    unsafe {
        let rc = ffi::sqlite3_prepare_v2(
            db,
            c"SELECT fts5(?1)".as_ptr(),
            -1,
            &mut stmt,
            ptr::null_mut(),
        );
        if rc != ffi::SQLITE_OK {
            return Err(failure(rc, "FTS5 is not available"));
        }
        ffi::sqlite3_bind_pointer(
            stmt,
            1,
            (&mut api as *mut *mut ffi::fts5_api).cast::<c_void>(),
            c"fts5_api_ptr".as_ptr(),
            None,
        );
        ffi::sqlite3_step(stmt);
        ffi::sqlite3_finalize(stmt);
    }
    if api.is_null() {
        return Err(failure(ffi::SQLITE_ERROR, "FTS5 gave no API pointer"));
    }
    Ok(api)
}

/// The function's body: the score of the current row, higher is better. Arguments after the
/// table are the idf of each phrase in query order; a missing one counts as 1.
unsafe extern "C" fn rank(
    api: *const ffi::Fts5ExtensionApi,
    fts: *mut ffi::Fts5Context,
    ctx: *mut ffi::sqlite3_context,
    n_val: c_int,
    values: *mut *mut ffi::sqlite3_value,
) {
    // SAFETY: FTS5 calls this with its own live API table and context, and `values` holding
    // `n_val` arguments, for the duration of the call.
    unsafe {
        match frequencies(&*api, fts) {
            Ok(freq) => {
                let n_idf = usize::try_from(n_val).unwrap_or(0);
                let score: f64 = freq
                    .iter()
                    .enumerate()
                    .map(|(i, &f)| {
                        let idf = if i < n_idf && !values.is_null() {
                            ffi::sqlite3_value_double(*values.add(i))
                        } else {
                            1.0
                        };
                        bm25_term(idf, f)
                    })
                    .sum();
                ffi::sqlite3_result_double(ctx, score);
            }
            Err(rc) => ffi::sqlite3_result_error_code(ctx, rc),
        }
    }
}

/// One phrase's part of the score: its idf times its weighted frequency, saturated.
fn bm25_term(idf: f64, weighted_frequency: f64) -> f64 {
    idf * weighted_frequency * (K1 + 1.0) / (weighted_frequency + K1)
}

/// Each phrase's occurrences in the current row, weighted by column.
unsafe fn frequencies(
    api: &ffi::Fts5ExtensionApi,
    fts: *mut ffi::Fts5Context,
) -> Result<Vec<f64>, c_int> {
    let (Some(phrase_count), Some(inst_count), Some(inst)) =
        (api.xPhraseCount, api.xInstCount, api.xInst)
    else {
        return Err(ffi::SQLITE_ERROR);
    };
    // SAFETY: `fts` is the context FTS5 passed to `rank` and is live during this call; every
    // out-parameter is a local.
    unsafe {
        let phrases = usize::try_from(phrase_count(fts))
            .unwrap_or(0)
            .min(MAX_PHRASES);
        let mut freq = vec![0.0; phrases];
        let mut n: c_int = 0;
        let rc = inst_count(fts, &mut n);
        if rc != ffi::SQLITE_OK {
            return Err(rc);
        }
        for i in 0..n {
            let (mut phrase, mut column, mut offset): (c_int, c_int, c_int) = (0, 0, 0);
            let rc = inst(fts, i, &mut phrase, &mut column, &mut offset);
            if rc != ffi::SQLITE_OK {
                return Err(rc);
            }
            let weight = usize::try_from(column)
                .ok()
                .and_then(|c| COLUMN_WEIGHTS.get(c))
                .copied()
                .unwrap_or(1.0);
            if let Some(f) = usize::try_from(phrase).ok().and_then(|p| freq.get_mut(p)) {
                *f += weight;
            }
        }
        Ok(freq)
    }
}

/// bm25's inverse document frequency of a term found in `holding` of `total` articles.
pub(crate) fn idf(holding: f64, total: f64) -> f64 {
    let holding = holding.clamp(0.0, total);
    (((total - holding + 0.5) / (holding + 0.5)).ln()).max(1e-6)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn db() -> rusqlite::Connection {
        let c = rusqlite::Connection::open_in_memory().unwrap();
        register(&c).unwrap();
        c.execute_batch(
            "CREATE VIRTUAL TABLE t USING fts5(title, text);
             INSERT INTO t (rowid, title, text) VALUES
               (1, 'storm', 'rain rain rain'),
               (2, 'rain', 'storm'),
               (3, 'other', 'storm rain'),
               (4, 'other', 'storm storm storm rain');",
        )
        .unwrap();
        c
    }

    fn ranked(c: &rusqlite::Connection, query: &str, idfs: &str) -> Vec<(i64, f64)> {
        let sql = format!(
            "SELECT rowid, tidings_rank(t{idfs}) FROM t WHERE t MATCH ?1 ORDER BY 2 DESC, 1"
        );
        let mut stmt = c.prepare(&sql).unwrap();
        stmt.query_map([query], |r| Ok((r.get(0)?, r.get(1)?)))
            .unwrap()
            .collect::<Result<_, _>>()
            .unwrap()
    }

    #[test]
    fn title_occurrences_weigh_four_times_the_text() {
        let c = db();
        // storm: row 1 in the title (4), row 4 three times in the text (3), row 2 once (1).
        let ids: Vec<i64> = ranked(&c, "storm", "").iter().map(|r| r.0).collect();
        assert_eq!(ids, vec![1, 4, 2, 3]);
    }

    #[test]
    fn the_rarer_term_decides_between_rows() {
        let c = db();
        // Row 1 has more rain, row 4 more storm: the term with the larger idf wins.
        let storm_rare = ranked(&c, "storm rain", ", 3.0, 0.1");
        let rain_rare = ranked(&c, "storm rain", ", 0.1, 3.0");
        assert_eq!(storm_rare[0].0, 1, "{storm_rare:?}");
        assert_eq!(rain_rare[0].0, 2, "{rain_rare:?}");
        let score = |rows: &[(i64, f64)], id| rows.iter().find(|r| r.0 == id).unwrap().1;
        assert!(score(&storm_rare, 4) > score(&rain_rare, 4));
    }

    #[test]
    fn scores_follow_bm25_without_length_normalisation() {
        let c = db();
        let rows = ranked(&c, "rain", ", 2.0");
        let row3 = rows.iter().find(|r| r.0 == 3).unwrap().1;
        assert!((row3 - 2.0 * 1.0 * 2.2 / 2.2).abs() < 1e-9, "{row3}");
    }

    #[test]
    fn idf_is_bm25s() {
        assert!((idf(10.0, 1000.0) - (990.5f64 / 10.5).ln()).abs() < 1e-12);
        assert_eq!(idf(1000.0, 1000.0), 1e-6);
        assert!(idf(-5.0, 10.0) > idf(0.0, 10.0) - 1e-12);
    }
}
