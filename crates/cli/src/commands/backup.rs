//! `tidings backup FILE`, `tidings restore FILE` and `tidings migrate-db --to URL`: the file and
//! terminal side of `tidings_store`'s backup format (the store owns the format and the
//! transactions).

use crate::cli::{BackupArgs, MigrateDbArgs, RestoreArgs};
use crate::config::Config;
use anyhow::{Context, Result, anyhow};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use tidings_store::{BackupError, BackupSummary, Store, StoreError};

pub fn backup(config: &Config, args: BackupArgs) -> Result<ExitCode> {
    let store = super::open_store(config)?;
    if args.file == Path::new("-") {
        let summary = store.backup(std::io::stdout().lock()).map_err(lift)?;
        report("backed up", &summary);
        return Ok(ExitCode::SUCCESS);
    }
    // Written beside the target and renamed when complete, so FILE is never a cut-off backup
    // (and an older backup there survives a failed run).
    let partial = partial_path(&args.file);
    let file =
        create_private(&partial).with_context(|| format!("cannot create {}", partial.display()))?;
    let result = store.backup(&file).map_err(lift).and_then(|summary| {
        file.sync_all()
            .with_context(|| format!("writing {}", partial.display()))?;
        Ok(summary)
    });
    let summary = match result {
        Ok(summary) => summary,
        Err(e) => {
            // The partial file is worthless; a failure to remove it changes nothing.
            let _ = std::fs::remove_file(&partial);
            return Err(e.context(format!("backup to {}", args.file.display())));
        }
    };
    std::fs::rename(&partial, &args.file).with_context(|| {
        format!(
            "cannot rename {} to {}",
            partial.display(),
            args.file.display()
        )
    })?;
    report(&format!("backed up to {}:", args.file.display()), &summary);
    Ok(ExitCode::SUCCESS)
}

pub fn restore(config: &Config, args: RestoreArgs) -> Result<ExitCode> {
    let store = super::open_store(config)?;
    let summary = if args.file == Path::new("-") {
        store.restore(std::io::stdin().lock())
    } else {
        let file = std::fs::File::open(&args.file)
            .with_context(|| format!("cannot open the backup {}", args.file.display()))?;
        store.restore(std::io::BufReader::new(file))
    }
    .map_err(lift)
    .with_context(|| format!("restore from {}", args.file.display()))?;
    report("restored", &summary);
    Ok(ExitCode::SUCCESS)
}

pub fn migrate_db(config: &Config, args: MigrateDbArgs) -> Result<ExitCode> {
    if same_database(&config.database_url, &args.to) {
        return Err(anyhow!(StoreError::Invalid(
            "--to names the database being copied".into()
        )));
    }
    let source = super::open_store(config)?;
    let target = Store::open(&args.to)
        .with_context(|| format!("target database {}", super::redact(&args.to)))?;
    let summary = source
        .copy_into(&target)
        .map_err(lift)
        .with_context(|| format!("copy into {}", super::redact(&args.to)))?;
    report(
        &format!("copied into {}:", super::redact(&args.to)),
        &summary,
    );
    Ok(ExitCode::SUCCESS)
}

/// The store's error as the CLI classifies it: store errors keep their class, file errors are
/// I/O errors with what was being done.
fn lift(e: BackupError) -> anyhow::Error {
    match e {
        BackupError::Store(e) => anyhow!(e),
        BackupError::Io { what, source } => anyhow::Error::new(source).context(what),
    }
}

/// The backup holds password hashes and session tokens' hashes: readable by its owner only.
fn create_private(path: &Path) -> std::io::Result<std::fs::File> {
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create(true).truncate(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    options.open(path)
}

fn partial_path(file: &Path) -> PathBuf {
    let mut name = file.file_name().unwrap_or_default().to_os_string();
    name.push(".partial");
    file.with_file_name(name)
}

fn same_database(a: &str, b: &str) -> bool {
    match (
        tidings_store::Location::parse(a),
        tidings_store::Location::parse(b),
    ) {
        (Ok(x), Ok(y)) => x == y,
        _ => false,
    }
}

/// Totals on stderr, so `backup -` can stream the file on stdout.
fn report(what: &str, summary: &BackupSummary) {
    let mut err = std::io::stderr().lock();
    let _ = writeln!(
        err,
        "{what} {} rows in {} tables (schema version {})",
        summary.rows(),
        summary.tables.len(),
        summary.schema_version
    );
    for (table, rows) in summary.tables.iter().filter(|(_, n)| *n > 0) {
        let _ = writeln!(err, "  {table:<24} {rows:>9}");
    }
}
