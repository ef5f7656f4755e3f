//! `tidings bench stories`: streams story-clustering data sets into the configured database as
//! new articles and times each one's story assignment (`UpsertOutcome::story_decision`) beside
//! the whole upsert, so the same documents can be timed against an empty store and against one
//! that `bench pages` filled with a million articles: the cost per article should not grow with
//! history.

use super::eval::{gold_article, stories_read_back};
use anyhow::{Context, Result};
use chrono::Utc;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::{Duration, Instant};
use tidings_cluster::eval::{self, Order};

use crate::config::Config;

/// One data set streamed.
#[derive(Debug, serde::Serialize)]
struct Row {
    file: String,
    docs: usize,
    /// Articles the store held before this file.
    stored_before: i64,
    /// Documents the store already held (the same text from the same outlet, left by an
    /// earlier run on this database): stored unchanged, so they are not in the timings.
    already_stored: usize,
    upserts_per_second: f64,
    assignments_per_second: f64,
    assignment_p50_ms: f64,
    assignment_p99_ms: f64,
    pairwise_f1: f64,
}

pub fn run(config: &Config, files: &[PathBuf], json: bool) -> Result<ExitCode> {
    let store = super::open_store(config)?;
    // Every run stores new articles: the same URL again would be an update, not an assignment.
    let run_id = Utc::now().timestamp_millis();
    let mut rows = Vec::new();
    for path in files {
        let docs = eval::read_jsonl(path)?;
        let file = path.file_name().map_or_else(
            || path.display().to_string(),
            |n| n.to_string_lossy().into_owned(),
        );
        let dated = docs.iter().all(|d| d.doc.published_at.is_some());
        let order = if dated {
            Order::Time
        } else {
            Order::Shuffled(1)
        };
        let idx = eval::streamed(&docs, order);
        // Moved to end now, spacing kept, so candidates come from the store's recent stories.
        let now = Utc::now();
        let shift = idx
            .last()
            .and_then(|&i| docs[i].doc.published_at)
            .map_or(chrono::Duration::zero(), |last| now - last);
        let stored_before = store.article_count()?;
        let mut decisions = Vec::with_capacity(idx.len());
        let mut predictions = Vec::with_capacity(idx.len());
        let started = Instant::now();
        for (n, &i) in idx.iter().enumerate() {
            let doc = &docs[i].doc;
            let mut article =
                gold_article(doc, format!("https://bench.invalid/{run_id}/{file}/{n}"));
            article.published_at = Some(doc.published_at.map_or(now, |t| t + shift));
            let stored = store
                .upsert_article(&article, None)
                .with_context(|| format!("{file}: document {}", doc.id))?;
            if stored.created {
                decisions.push(stored.story_decision);
            }
            predictions.push((doc.id.clone(), stored.id));
        }
        let seconds = started.elapsed().as_secs_f64();
        let already_stored = idx.len() - decisions.len();
        if already_stored > 0 {
            eprintln!(
                "warning: {file}: {already_stored} of {} documents were already stored (an \
                 earlier run on this database?); they are left out of the assignment timings — \
                 run against a fresh copy of the database to time them all",
                idx.len()
            );
        }
        let predictions = stories_read_back(&store, predictions)?;
        let run = eval::scored(&docs, &idx, order, predictions, seconds, Default::default());
        let total: Duration = decisions.iter().sum();
        decisions.sort_unstable();
        rows.push(Row {
            file,
            docs: idx.len(),
            stored_before,
            already_stored,
            upserts_per_second: idx.len() as f64 / seconds.max(1e-9),
            assignments_per_second: decisions.len() as f64 / total.as_secs_f64().max(1e-9),
            assignment_p50_ms: quantile_ms(&decisions, 0.50),
            assignment_p99_ms: quantile_ms(&decisions, 0.99),
            pairwise_f1: run.scores.pairwise.f1,
        });
    }
    if json {
        println!("{}", serde_json::to_string_pretty(&rows)?);
    } else {
        println!(
            "{:<26} {:>6} {:>12} {:>10} {:>13} {:>9} {:>9} {:>6}",
            "file", "docs", "stored before", "upserts/s", "assignments/s", "p50 ms", "p99 ms", "F1"
        );
        for r in &rows {
            println!(
                "{:<26} {:>6} {:>12} {:>10.0} {:>13.0} {:>9.3} {:>9.3} {:>6.3}",
                r.file,
                r.docs,
                r.stored_before,
                r.upserts_per_second,
                r.assignments_per_second,
                r.assignment_p50_ms,
                r.assignment_p99_ms,
                r.pairwise_f1
            );
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// The `q` quantile of sorted durations, in milliseconds.
fn quantile_ms(sorted: &[Duration], q: f64) -> f64 {
    if sorted.is_empty() {
        return 0.0;
    }
    let i = ((sorted.len() - 1) as f64 * q).round() as usize;
    sorted[i.min(sorted.len() - 1)].as_secs_f64() * 1000.0
}
