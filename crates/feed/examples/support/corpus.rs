//! Finding the feed files of a corpus, shared by the examples (`bench_parse`, `dump_parse`).

use std::path::{Path, PathBuf};

/// Feed files under `path`: the path itself when it is a file, else every `*.xml`/`*.json`
/// below it.
pub fn collect(path: &Path, out: &mut Vec<PathBuf>) -> std::io::Result<()> {
    if !path.is_dir() {
        out.push(path.to_path_buf());
        return Ok(());
    }
    let mut children: Vec<PathBuf> = std::fs::read_dir(path)?
        .map(|e| e.map(|e| e.path()))
        .collect::<Result<_, _>>()?;
    children.sort();
    for child in children {
        if child.is_dir() {
            collect(&child, out)?;
        } else if matches!(
            child.extension().and_then(|e| e.to_str()),
            Some("xml" | "json")
        ) {
            out.push(child);
        }
    }
    Ok(())
}
