//! The bundled demo corpus (`demo/` in the repository, compiled into the binary): original
//! fiction about invented events, loaded through the normal import path.

use crate::ingest;
use anyhow::{Context, Result};
use include_dir::{Dir, File, include_dir};
use serde::Deserialize;
use tidings_model::RepublicationPolicy;
use tidings_store::{OutletSettings, Store};

static DEMO: Dir<'static> = include_dir!("$CARGO_MANIFEST_DIR/../../demo");

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct DemoOutlet {
    name: String,
    domain: String,
    language: String,
    policy: RepublicationPolicy,
    description: String,
}

/// What loading the demo did.
#[derive(Debug, Default)]
pub struct DemoReport {
    pub outlets: usize,
    pub articles: usize,
}

fn article_files() -> Vec<&'static File<'static>> {
    fn walk(dir: &'static Dir<'static>, out: &mut Vec<&'static File<'static>>) {
        out.extend(
            dir.files()
                .filter(|f| f.path().extension().is_some_and(|x| x == "txt")),
        );
        for d in dir.dirs() {
            walk(d, out);
        }
    }
    let mut files = Vec::new();
    if let Some(articles) = DEMO.get_dir("articles") {
        walk(articles, &mut files);
    }
    files.sort_by_key(|f| f.path());
    files
}

/// Loads the outlets (with their republication policies) and then every article page.
pub fn load(store: &Store) -> Result<DemoReport> {
    let outlets: Vec<DemoOutlet> = DEMO
        .get_file("outlets.json")
        .context("demo corpus has no outlets.json")
        .and_then(|f| serde_json::from_slice(f.contents()).context("demo outlets.json"))?;
    let mut report = DemoReport::default();
    for o in outlets {
        store.save_outlet(&OutletSettings {
            name: o.name,
            domain: Some(o.domain),
            language: Some(o.language),
            description: Some(o.description),
            policy: Some(o.policy),
            extraction_mode: None,
        })?;
        report.outlets += 1;
    }
    let files = article_files();
    let bar = crate::progress::bar(files.len() as u64, "demo");
    for f in files {
        let name = format!("demo/{}", f.path().display());
        report.articles += ingest::import(store, &name, f.contents())?.len();
        bar.inc(1);
    }
    bar.finish_and_clear();
    Ok(report)
}

#[cfg(test)]
mod tests {
    use super::*;
    use tidings_store::testing::TestDatabase;

    #[test]
    fn the_demo_corpus_loads_completely() {
        let db = TestDatabase::sqlite();
        let store = db.open().unwrap();
        let report = load(&store).unwrap();
        assert!(report.outlets >= 6, "{report:?}");
        assert!(report.articles >= 40, "{report:?}");
        assert_eq!(store.article_count().unwrap() as usize, report.articles);
        assert!(store.weeks(None, 10).unwrap().len() >= 3);
        // Loading again updates in place.
        load(&store).unwrap();
        assert_eq!(store.article_count().unwrap() as usize, report.articles);
    }
}
