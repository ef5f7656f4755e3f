//! Import: routes each local document (text page, HTML page, RSS/Atom/JSON feed) to the parser
//! its content calls for, and stores what
//! comes out — one transaction per article, so a failure never leaves half an article. Used by
//! `tidings import` and by the demo loader.

use std::path::{Path, PathBuf};
use tidings_extract::sniff::{self, PageKind};
use tidings_extract::{ExtractError, extract_html_page, extract_text_page};
use tidings_feed::FeedError;
use tidings_model::{Article, Classify, ErrorClass};
use tidings_store::{Store, StoreError, UpsertOutcome};

/// Why one document was not imported; always names the document.
#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    #[error("{path}: cannot read: {source}")]
    Read {
        path: String,
        source: std::io::Error,
    },
    #[error("{path}: file is {size} bytes, more than the limit of {limit} (import.max_file_bytes)")]
    TooLarge { path: String, size: u64, limit: u64 },
    #[error("{path}: {source}")]
    Extract { path: String, source: ExtractError },
    #[error("{path}: {source}")]
    Feed { path: String, source: FeedError },
    #[error("{path}: {source}")]
    Store { path: String, source: StoreError },
    /// Worth its own message: every later file would fail the same way.
    #[error("database or disk is full: {path} was not stored ({source})")]
    StorageFull { path: String, source: StoreError },
}

impl Classify for ImportError {
    fn class(&self) -> ErrorClass {
        match self {
            ImportError::Read { source, .. } if source.kind() == std::io::ErrorKind::NotFound => {
                ErrorClass::NotFound
            }
            ImportError::Read { .. } => ErrorClass::Unavailable,
            ImportError::TooLarge { .. } => ErrorClass::InvalidInput,
            ImportError::Extract { source, .. } => source.class(),
            ImportError::Feed { source, .. } => source.class(),
            ImportError::Store { source, .. } | ImportError::StorageFull { source, .. } => {
                source.class()
            }
        }
    }
}

/// Extensions a folder walk picks up; files named explicitly are imported whatever their name.
const IMPORTABLE: &[&str] = &[
    "txt", "text", "html", "htm", "xhtml", "xml", "rss", "atom", "rdf", "json",
];

/// Expands folders (recursively, in name order, skipping hidden entries and symlinks) into the
/// files to import.
pub fn collect_files(paths: &[PathBuf]) -> Result<Vec<PathBuf>, ImportError> {
    let mut out = Vec::new();
    for p in paths {
        let meta = std::fs::metadata(p).map_err(|source| ImportError::Read {
            path: p.display().to_string(),
            source,
        })?;
        if meta.is_dir() {
            walk(p, &mut out)?;
        } else {
            out.push(p.clone());
        }
    }
    Ok(out)
}

fn walk(dir: &Path, out: &mut Vec<PathBuf>) -> Result<(), ImportError> {
    let read_err = |source| ImportError::Read {
        path: dir.display().to_string(),
        source,
    };
    let mut entries: Vec<_> = std::fs::read_dir(dir)
        .map_err(read_err)?
        .collect::<Result<_, _>>()
        .map_err(read_err)?;
    entries.sort_by_key(|e| e.file_name());
    for e in entries {
        let path = e.path();
        let hidden = e.file_name().to_string_lossy().starts_with('.');
        let kind = e.file_type().map_err(read_err)?;
        if hidden || kind.is_symlink() {
            continue;
        }
        if kind.is_dir() {
            walk(&path, out)?;
        } else if path
            .extension()
            .and_then(|x| x.to_str())
            .is_some_and(|x| IMPORTABLE.contains(&x.to_ascii_lowercase().as_str()))
        {
            out.push(path);
        }
    }
    Ok(())
}

/// Reads a file, refusing ones over `limit` bytes before reading them whole.
pub fn read_file(path: &Path, limit: u64) -> Result<Vec<u8>, ImportError> {
    let name = path.display().to_string();
    let size = std::fs::metadata(path)
        .map_err(|source| ImportError::Read {
            path: name.clone(),
            source,
        })?
        .len();
    if size > limit {
        return Err(ImportError::TooLarge {
            path: name,
            size,
            limit,
        });
    }
    std::fs::read(path).map_err(|source| ImportError::Read { path: name, source })
}

/// Turns one document into articles, without storing anything.
pub fn extract(name: &str, bytes: &[u8], url: Option<&str>) -> Result<Vec<Article>, ImportError> {
    let mut articles = read_articles(name, bytes, url)?;
    articles.iter_mut().for_each(crate::process::enrich);
    Ok(articles)
}

fn read_articles(name: &str, bytes: &[u8], url: Option<&str>) -> Result<Vec<Article>, ImportError> {
    let wrap = |source| ImportError::Extract {
        path: name.to_owned(),
        source,
    };
    let kind = sniff::sniff(bytes);
    match kind {
        PageKind::Html => Ok(vec![extract_html_page(bytes, url).map_err(wrap)?]),
        PageKind::Text => Ok(vec![extract_text_page(bytes).map_err(wrap)?]),
        PageKind::XmlFeed | PageKind::JsonFeed => tidings_feed::parse(bytes, url)
            .map(|feed| feed.entries)
            .map_err(|source| ImportError::Feed {
                path: name.to_owned(),
                source,
            }),
        other => Err(wrap(ExtractError::NotAnArticle(
            other.refusal().unwrap_or("unsupported file").to_owned(),
        ))),
    }
}

/// Extracts and stores one document; returns what was stored.
pub fn import(store: &Store, name: &str, bytes: &[u8]) -> Result<Vec<UpsertOutcome>, ImportError> {
    extract(name, bytes, None)?
        .iter()
        .map(|a| {
            store
                .upsert_article(a, Some(name))
                .inspect(|o| {
                    if o.created {
                        tidings_web::metrics::METRICS.articles_ingested.inc();
                    }
                })
                .map_err(|source| {
                    let path = name.to_owned();
                    if source.is_storage_full() {
                        ImportError::StorageFull { path, source }
                    } else {
                        ImportError::Store { path, source }
                    }
                })
        })
        .collect()
}
