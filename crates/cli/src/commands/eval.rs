//! `tidings eval …`: quality evaluations over the shared data sets, with optional floors so CI
//! can hold the line.

use crate::cli::{EvalCommand, Pipeline};
use anyhow::{Context, Result};
use std::process::ExitCode;

/// `verbose` (the global `-v`) lists the failures of `eval feeds` as `--failures` does.
pub fn run(cmd: EvalCommand, verbose: bool) -> Result<ExitCode> {
    match cmd {
        EvalCommand::Feeds {
            dir,
            failures,
            min_rate,
        } => {
            let report = tidings_feed::conformance::run(&dir, failures || verbose)
                .with_context(|| format!("feed conformance in {}", dir.display()))?;
            print!("{report}");
            let overall = report.overall_rate();
            let script = report.sanitize_script_rate();
            println!(
                "overall {:.1}%, script-execution sanitize cases {:.1}%",
                overall * 100.0,
                script * 100.0
            );
            if let Some(floor) = min_rate
                && (overall < floor || script < 1.0)
            {
                eprintln!(
                    "error: below the floor: overall {:.3} (floor {floor}), script sanitize {:.3} (floor 1.0)",
                    overall, script
                );
                return Ok(ExitCode::from(1));
            }
            Ok(ExitCode::SUCCESS)
        }
        EvalCommand::Extraction {
            dir,
            predictions,
            min_f1,
        } => extraction(&dir, predictions.as_deref(), min_f1),
        EvalCommand::Clustering {
            files,
            pipeline,
            predictions,
            seeds,
            min_f1,
        } => clustering(&files, pipeline, predictions.as_deref(), seeds, min_f1),
        EvalCommand::Ner {
            file,
            predictions,
            min_f1,
        } => {
            let text = read(&file)?;
            let report = tidings_enrich::ner::eval::evaluate(&text)
                .with_context(|| format!("CoNLL file {}", file.display()))?;
            print!("{}", report.to_text());
            write_predictions(predictions.as_deref(), &report.predictions_conll)?;
            Ok(floor("NER F1", report.all.overall.f1, min_f1))
        }
        EvalCommand::Quotes {
            file,
            predictions,
            min_f1,
        } => {
            let text = read(&file)?;
            let report = tidings_enrich::quotes::eval::evaluate(&text)
                .with_context(|| format!("quote file {}", file.display()))?;
            print!("{}", report.to_text());
            write_predictions(predictions.as_deref(), &report.predictions_jsonl)?;
            Ok(floor("quote F1", report.overlap.quote_f1, min_f1))
        }
        EvalCommand::Xss {
            dir,
            failures,
            min_rate,
        } => xss(&dir, failures, min_rate),
        EvalCommand::Syndication {
            files,
            seed,
            store_docs,
            min_precision,
            min_recall,
        } => syndication(&files, seed, store_docs, min_precision, min_recall),
    }
}

/// Generated republications through the in-memory detection, then a prefix of the same stream
/// through a real store, whose links must be the same.
fn syndication(
    files: &[std::path::PathBuf],
    seed: u64,
    store_docs: usize,
    min_precision: Option<f64>,
    min_recall: Option<f64>,
) -> Result<ExitCode> {
    use tidings_cluster::syndication::eval;
    let mut sources = Vec::new();
    for f in files {
        sources.extend(eval::read_corpus(f).with_context(|| format!("corpus {}", f.display()))?);
    }
    let (sources, twins) = eval::dedupe_corpus(sources);
    let docs = eval::generate(&sources, seed);
    let (score, _, rate) = eval::evaluate(&docs);
    println!(
        "syndication: {} documents ({} generated copies; {twins} corpus documents left out as \
         copies of others), {} links predicted, {} correct",
        score.docs, score.copies, score.predicted, score.correct
    );
    println!(
        "precision {:.4}  recall {:.4}  ({} links between the corpus's own documents)  {:.0} docs/s",
        score.precision(),
        score.recall(),
        score.corpus_links,
        rate
    );
    let mut code = floor("syndication precision", score.precision(), min_precision);
    if code == ExitCode::SUCCESS {
        code = floor("syndication recall", score.recall(), min_recall);
    }
    if store_docs > 0 {
        let prefix = &docs[..store_docs.min(docs.len())];
        let (same, total) = store_agreement(prefix)?;
        println!("store run: {total} documents, persisted links equal the in-memory ones: {same}");
        if !same {
            eprintln!("error: the store linked differently from the in-memory detection");
            code = ExitCode::from(1);
        }
    }
    Ok(code)
}

/// Stores `docs` in a temporary SQLite database and compares its links with the in-memory
/// stream's over the same documents.
fn store_agreement(docs: &[tidings_cluster::syndication::eval::EvalDoc]) -> Result<(bool, usize)> {
    use tidings_cluster::syndication::eval;
    use tidings_model::{Article, OutletRef};
    let dir = tempfile::tempdir().context("temporary directory")?;
    let store = tidings_store::Store::open(&dir.path().join("eval.db").display().to_string())?;
    let mut key_of = std::collections::HashMap::new();
    for (i, d) in docs.iter().enumerate() {
        let article = Article {
            url: Some(format!("https://eval.invalid/{i}")),
            title: d.title.clone(),
            outlet: OutletRef {
                name: d.outlet.clone(),
                domain: None,
            },
            published_at: eval::time_of(d.published),
            text: d.text.clone(),
            ..Article::default()
        };
        let outcome = store.upsert_article(&article, None)?;
        key_of.insert(outcome.id, i);
    }
    let stored: std::collections::HashMap<usize, usize> = store
        .syndication_links()?
        .into_iter()
        .filter_map(|(copy, (original, _))| Some((*key_of.get(&copy)?, *key_of.get(&original)?)))
        .collect();
    Ok((stored == eval::stream(docs), docs.len()))
}

/// The XSS vectors through both HTML producers that handle outside input: the article
/// sanitizer and the comment renderer (Markdown, whose raw HTML must come out as text).
fn xss(dir: &std::path::Path, list: bool, min_rate: Option<f64>) -> Result<ExitCode> {
    use tidings_extract::eval::xss;
    let vectors = xss::load(dir).with_context(|| format!("XSS vectors in {}", dir.display()))?;
    let mut worst: f64 = 1.0;
    for (name, report) in [
        ("article sanitizer", xss::evaluate(&vectors)),
        (
            "comment renderer",
            xss::evaluate_with(&vectors, tidings_web::markdown::render, false),
        ),
    ] {
        for f in &report.failures {
            println!(
                "FAILED ({name}) {}#{} {}: {}",
                f.vector.source,
                f.vector.id,
                f.vector.title,
                f.problems.join("; ")
            );
            if list {
                println!("  payload: {:?}", f.vector.payload);
                println!("  output:  {:?}", f.output);
            }
        }
        println!(
            "xss, {name}: {} of {} vectors sanitized safely ({:.1}%), {} failed",
            report.passed(),
            report.total,
            report.rate() * 100.0,
            report.failures.len()
        );
        worst = worst.min(report.rate());
    }
    Ok(floor("XSS safe rate", worst, min_rate))
}

fn read(path: &std::path::Path) -> Result<String> {
    std::fs::read_to_string(path).with_context(|| format!("cannot read {}", path.display()))
}

fn write_predictions(path: Option<&std::path::Path>, content: &str) -> Result<()> {
    if let Some(path) = path {
        std::fs::write(path, content)
            .with_context(|| format!("cannot write predictions to {}", path.display()))?;
        eprintln!("predictions written to {}", path.display());
    }
    Ok(())
}

/// Exit status for a score against an optional floor.
fn floor(what: &str, score: f64, min: Option<f64>) -> ExitCode {
    match min {
        Some(min) if score < min => {
            eprintln!("error: {what} {score:.4} is below the floor {min}");
            ExitCode::from(1)
        }
        _ => ExitCode::SUCCESS,
    }
}

fn clustering(
    files: &[std::path::PathBuf],
    pipeline: Pipeline,
    predictions: Option<&std::path::Path>,
    seeds: u64,
    min_f1: Option<f64>,
) -> Result<ExitCode> {
    let mut below = Vec::new();
    use tidings_cluster::{Config, eval};
    let config = Config::default();
    let mut out = match predictions {
        Some(p) => Some(std::io::BufWriter::new(
            std::fs::File::create(p).with_context(|| p.display().to_string())?,
        )),
        None => None,
    };
    println!(
        "{:<28} {:>6} {:>11}  {:>20}  {:>20}  {:>9}",
        "file", "docs", "pred/gold", "pairwise P/R/F1", "B-cubed P/R/F1", "docs/s"
    );
    for (i, path) in files.iter().enumerate() {
        let docs = eval::read_jsonl(path)?;
        let report = match pipeline {
            Pipeline::Memory => eval::evaluate(&docs, &config, seeds, false),
            Pipeline::Store => eval::evaluate_with(&docs, seeds, false, store_run)
                .with_context(|| format!("{}: through the store", path.display()))?,
        };
        let m = &report.mean;
        let name = path.file_name().map_or_else(
            || path.display().to_string(),
            |n| n.to_string_lossy().into_owned(),
        );
        println!(
            "{:<28} {:>6} {:>5}/{:<5}  {:.3}/{:.3}/{:.3}  {:.3}/{:.3}/{:.3}  {:>9.0}",
            name,
            m.n_docs,
            m.n_pred_clusters,
            m.n_gold_clusters,
            m.pairwise.p,
            m.pairwise.r,
            m.pairwise.f1,
            m.bcubed.p,
            m.bcubed.r,
            m.bcubed.f1,
            report.docs_per_second
        );
        if min_f1.is_some_and(|floor| m.pairwise.f1 < floor) {
            below.push(format!("{name} {:.3}", m.pairwise.f1));
        }
        if let (Some(out), Some(first)) = (out.as_mut(), report.runs.first()) {
            // Several files share one predictions file: story numbers get a per-file prefix.
            eval::write_predictions(out, &first.predictions, &format!("f{i}-"))?;
        }
    }
    if !below.is_empty() {
        eprintln!("error: pairwise F1 below the floor: {}", below.join(", "));
        return Ok(ExitCode::from(1));
    }
    Ok(ExitCode::SUCCESS)
}

/// (document id, story) for each (document id, stored article id), read back once all are
/// stored: a later article may have moved an earlier one (a detected republication, a merge).
pub(crate) fn stories_read_back(
    store: &tidings_store::Store,
    stored: Vec<(String, i64)>,
) -> Result<Vec<(String, u64)>> {
    stored
        .into_iter()
        .map(|(doc, article)| {
            let story = store.story_of_article(article)?.unwrap_or(0);
            Ok((doc, u64::try_from(story).unwrap_or(0)))
        })
        .collect()
}

/// A data set's document as an article of one outlet, its entities as people.
pub(crate) fn gold_article(doc: &tidings_cluster::Doc, url: String) -> tidings_model::Article {
    use tidings_model::{Article, EntityKind, EntityMention, OutletRef};
    Article {
        title: doc.title.clone().unwrap_or_else(|| "-".into()),
        url: Some(url),
        outlet: OutletRef {
            name: "Evaluation".into(),
            domain: None,
        },
        published_at: doc.published_at,
        text: doc.text.clone().unwrap_or_default(),
        entities: doc
            .entities
            .iter()
            .map(|name| EntityMention {
                name: name.clone(),
                kind: EntityKind::Person,
                mentions: 1,
                aliases: Vec::new(),
            })
            .collect(),
        ..Article::default()
    }
}

/// Streams `docs` in `order` through the pipeline's story assignment: each becomes an article of
/// one outlet in a fresh SQLite database (a temporary file), stored with
/// `Store::upsert_article`, and its story is the one the store gave it.
fn store_run(
    docs: &[tidings_cluster::eval::GoldDoc],
    order: tidings_cluster::eval::Order,
) -> Result<tidings_cluster::eval::Run> {
    let dir = tempfile::tempdir().context("a temporary directory for the evaluation store")?;
    let store = tidings_store::Store::open(&format!(
        "sqlite://{}",
        dir.path().join("eval.db").display()
    ))?;
    let idx = tidings_cluster::eval::streamed(docs, order);
    let started = std::time::Instant::now();
    let mut predictions = Vec::with_capacity(idx.len());
    for (n, &i) in idx.iter().enumerate() {
        let doc = &docs[i].doc;
        let article = gold_article(doc, format!("https://eval.invalid/{n}"));
        let stored = store
            .upsert_article(&article, None)
            .with_context(|| format!("document {}", doc.id))?;
        predictions.push((doc.id.clone(), stored.id));
    }
    let seconds = started.elapsed().as_secs_f64();
    Ok(tidings_cluster::eval::scored(
        docs,
        &idx,
        order,
        stories_read_back(&store, predictions)?,
        seconds,
        tidings_cluster::Stats::default(),
    ))
}

fn extraction(
    dir: &std::path::Path,
    predictions: Option<&std::path::Path>,
    min_f1: Option<f64>,
) -> Result<ExitCode> {
    use tidings_extract::eval::{overall, score_page};
    let truth_path = dir.join("ground-truth.json");
    let truth: serde_json::Map<String, serde_json::Value> = serde_json::from_slice(
        &std::fs::read(&truth_path).with_context(|| truth_path.display().to_string())?,
    )
    .with_context(|| truth_path.display().to_string())?;
    let mut pages = Vec::with_capacity(truth.len());
    let mut out = serde_json::Map::new();
    let (mut bytes, mut seconds, mut refused) = (0usize, 0f64, 0usize);
    let mut ids: Vec<&String> = truth.keys().collect();
    ids.sort();
    for id in ids {
        let entry = &truth[id];
        let html = std::fs::read(dir.join("html").join(format!("{id}.html")))
            .with_context(|| format!("{}/html/{id}.html", dir.display()))?;
        bytes += html.len();
        let started = std::time::Instant::now();
        let extracted = tidings_extract::extract_html_page(&html, entry["url"].as_str());
        seconds += started.elapsed().as_secs_f64();
        let text = match extracted {
            Ok(a) => a.text,
            Err(_) => {
                refused += 1;
                String::new()
            }
        };
        pages.push(score_page(
            entry["articleBody"].as_str().unwrap_or(""),
            &text,
        ));
        out.insert(id.clone(), serde_json::json!({ "articleBody": text }));
    }
    let o = overall(&pages);
    println!(
        "{} pages ({refused} refused): precision {:.3}, recall {:.3}, F1 {:.3}, accuracy {:.3}; {:.1} pages/s, {:.1} MB/s on one core",
        pages.len(),
        o.precision,
        o.recall,
        o.f1,
        o.accuracy,
        pages.len() as f64 / seconds.max(1e-9),
        bytes as f64 / 1e6 / seconds.max(1e-9)
    );
    if let Some(p) = predictions {
        std::fs::write(p, serde_json::to_vec(&out)?).with_context(|| p.display().to_string())?;
    }
    if min_f1.is_some_and(|floor| o.f1 < floor) {
        eprintln!("error: F1 {:.3} is below the floor", o.f1);
        return Ok(ExitCode::from(1));
    }
    Ok(ExitCode::SUCCESS)
}
