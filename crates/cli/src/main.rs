//! `tidings`: the single entry point. Parses the command line and the configuration, runs the
//! command, and maps every failure to a message on stderr and a sysexits(3) exit code.

mod allocator;
mod cli;
mod commands;
mod config;
mod demo;
mod exit;
mod follow;
mod ingest;
mod process;
mod progress;
mod retry;
mod synthetic;

use clap::Parser;
use std::process::ExitCode;

fn main() -> ExitCode {
    allocator::configure();
    let args = cli::Args::parse();
    init_logging(args.verbose);
    match commands::run(args) {
        Ok(code) => code,
        Err(e) => exit::report(&e),
    }
}

fn init_logging(verbose: u8) {
    let default = match verbose {
        // html5ever reports every unusual tree construction; pages are full of them.
        0 => "warn,tidings=info,html5ever=error",
        1 => "info",
        _ => "debug",
    };
    let filter = tracing_subscriber::EnvFilter::try_from_env("TIDINGS_LOG")
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new(default));
    tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()))
        .with_writer(std::io::stderr)
        .init();
}
