//! Helpers the CLI integration tests share: running the built binary and reading its output.
// Each test crate uses a different subset of these.
#![allow(dead_code)]

use std::process::{Command, Output};

/// Runs `tidings --database-url DB ARGS…` from the temp directory, without a config file.
pub fn tidings(db: &str, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_tidings"))
        .arg("--database-url")
        .arg(db)
        .args(args)
        .env_remove("TIDINGS_CONFIG")
        .current_dir(std::env::temp_dir())
        .output()
        .expect("run tidings")
}

pub fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

pub fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}
