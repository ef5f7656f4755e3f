//! `tidings bench pages`: fills the database with synthetic articles (up to `--articles`) and
//! measures the week page, an entity page and searches through the real router, beside the bare
//! store query each page is built on (the floor).

use crate::cli::BenchArgs;
use crate::config::Config;
use crate::synthetic::Synthetic;
use anyhow::{Context, Result};
use axum::body::Body;
use axum::http::{Request, header};
use chrono::{Duration, Utc};
use std::process::ExitCode;
use std::time::Instant;
use tidings_model::{IsoWeek, slugify};
use tidings_store::{Listing, SearchQuery, Store};
use tidings_web::{AppState, SiteConfig};
use tower::ServiceExt;

const SEED: u64 = 20_251_127;

/// The bare store call a page is built on, returning how many rows it produced.
type FloorQuery = Box<dyn Fn(&Store) -> Result<usize>>;
// Articles per transaction, nearer to the pipeline (which stores one at a time). With 1,000, a
// PostgreSQL fill spent most of its time in the document-frequency upserts, whose rows every
// article updates again inside one long transaction.
const BATCH: usize = 100;

pub fn run(config: &Config, args: BenchArgs) -> Result<ExitCode> {
    let store = super::open_store(config)?;
    let end = Utc::now();
    let mut synth = Synthetic::new(SEED, end, 364);
    // The first article's person: stored by any fill, however small.
    let person_name = synth.article(0).entities[0].name.clone();
    let person = slugify(&person_name);
    let mut synth = Synthetic::new(SEED, end, 364);
    fill(&store, &mut synth, args.articles)?;
    let words: Vec<String> = (0..5).map(|i| synth.word(i * 7).to_owned()).collect();
    eprintln!(
        "measuring: current week {}, finished week {}, entity {person}, words {}",
        IsoWeek::of(end),
        IsoWeek::of(end - Duration::weeks(10)),
        words.join(" ")
    );
    let rt = super::runtime()?;
    let state = AppState::new(
        store.clone(),
        SiteConfig {
            today: Some(end.date_naive()),
            ..SiteConfig::default()
        },
    );
    let current = IsoWeek::of(end);
    let past = IsoWeek::of(end - Duration::weeks(10));
    let mut rows = Vec::new();
    let pages: Vec<(String, String)> = vec![
        (
            "week page (current week)".into(),
            format!("/week/{current}"),
        ),
        ("week page (finished week)".into(), format!("/week/{past}")),
        ("entity page".into(), format!("/entities/{person}")),
        ("search: one word".into(), format!("/search?q={}", words[0])),
        (
            "search: two words".into(),
            format!("/search?q={}+{}", words[1], words[2]),
        ),
        (
            "search: three words".into(),
            format!("/search?q={}+{}+{}", words[1], words[2], words[4]),
        ),
        (
            "search: phrase (a person's name in quotes)".into(),
            format!("/search?q=%22{}%22", person_name.replace(' ', "+")),
        ),
        (
            "search: prefix".into(),
            format!("/search?q={}*", &words[3][..2.min(words[3].len())]),
        ),
    ];
    for (name, path) in &pages {
        let latencies = rt.block_on(measure_page(&state, path, args.requests))?;
        rows.push(Row::new(name, "site (router + store + render)", latencies));
    }
    let floors: Vec<(&str, FloorQuery)> = vec![
        (
            "week page (current week)",
            Box::new(move |s: &Store| Ok(s.week_cards(current)?.len())),
        ),
        ("week ranking, computed without the page cache", {
            let today = end.date_naive();
            Box::new(move |s: &Store| {
                Ok(tidings_web::ranking::week_ranking(s, current, today, 30)?.len())
            })
        }),
        (
            "entity page",
            Box::new(move |s: &Store| {
                Ok(s.list(&Listing::Entity(person.clone()), None, 25)?
                    .articles
                    .len())
            }),
        ),
        ("search: one word", {
            let w = words[0].clone();
            Box::new(move |s: &Store| {
                Ok(s.search(&SearchQuery {
                    text: w.clone(),
                    limit: 21,
                    ..SearchQuery::default()
                })?
                .len())
            })
        }),
    ];
    for (name, query) in floors {
        let mut latencies = Vec::with_capacity(args.requests);
        for i in 0..args.requests + 3 {
            let t = Instant::now();
            std::hint::black_box(query(&store)?);
            if i >= 3 {
                latencies.push(t.elapsed().as_secs_f64() * 1e3);
            }
        }
        rows.push(Row::new(name, "store query alone (floor)", latencies));
    }
    print_rows(&rows, args.json)?;
    Ok(ExitCode::SUCCESS)
}

/// Adds synthetic articles until the database holds `target`.
fn fill(store: &Store, synth: &mut Synthetic, target: usize) -> Result<()> {
    let have = usize::try_from(store.article_count()?).unwrap_or(0);
    if have >= target {
        eprintln!("database holds {have} articles; no filling needed");
        return Ok(());
    }
    // A fill continued later stores what one fill in one go would have: skip what is stored.
    for k in 0..have {
        synth.article(k);
    }
    let bar = crate::progress::bar((target - have) as u64, "fill");
    let started = Instant::now();
    let mut i = have;
    while i < target {
        let n = BATCH.min(target - i);
        let batch: Vec<_> = (i..i + n).map(|k| synth.article(k)).collect();
        store
            .upsert_articles(&batch)
            .context("storing synthetic articles")?;
        i += n;
        bar.inc(n as u64);
    }
    bar.finish_and_clear();
    let secs = started.elapsed().as_secs_f64();
    eprintln!(
        "stored {} synthetic articles in {secs:.0}s ({:.0}/s)",
        target - have,
        (target - have) as f64 / secs
    );
    Ok(())
}

async fn measure_page(state: &AppState, path: &str, requests: usize) -> Result<Vec<f64>> {
    let app = tidings_web::router(state.clone());
    let mut latencies = Vec::with_capacity(requests);
    for i in 0..requests + 3 {
        let req = Request::builder()
            .uri(path)
            .header(header::USER_AGENT, "tidings-bench")
            .body(Body::empty())?;
        let t = Instant::now();
        let res = app.clone().oneshot(req).await?;
        let status = res.status();
        let body = axum::body::to_bytes(res.into_body(), usize::MAX).await?;
        let ms = t.elapsed().as_secs_f64() * 1e3;
        anyhow::ensure!(
            status.is_success(),
            "{path}: HTTP {status}: {}",
            String::from_utf8_lossy(&body[..body.len().min(300)])
        );
        // The first requests warm caches and keep finished weeks' rankings.
        if i >= 3 {
            latencies.push(ms);
        }
    }
    Ok(latencies)
}

#[derive(serde::Serialize)]
struct Row {
    page: String,
    measured: String,
    requests: usize,
    p50_ms: f64,
    p99_ms: f64,
    mean_ms: f64,
}

impl Row {
    fn new(page: &str, measured: &str, mut ms: Vec<f64>) -> Self {
        ms.sort_by(f64::total_cmp);
        let pick = |q: f64| {
            ms.get(((ms.len() as f64 - 1.0) * q).round() as usize)
                .copied()
                .unwrap_or(0.0)
        };
        Row {
            page: page.into(),
            measured: measured.into(),
            requests: ms.len(),
            p50_ms: pick(0.5),
            p99_ms: pick(0.99),
            mean_ms: ms.iter().sum::<f64>() / ms.len().max(1) as f64,
        }
    }
}

fn print_rows(rows: &[Row], json: bool) -> Result<()> {
    if json {
        for r in rows {
            super::print_json(r)?;
        }
        return Ok(());
    }
    println!(
        "| page | measured | requests | p50 ms | p99 ms | mean ms |\n| --- | --- | ---: | ---: | ---: | ---: |"
    );
    for r in rows {
        println!(
            "| {} | {} | {} | {:.2} | {:.2} | {:.2} |",
            r.page, r.measured, r.requests, r.p50_ms, r.p99_ms, r.mean_ms
        );
    }
    Ok(())
}
