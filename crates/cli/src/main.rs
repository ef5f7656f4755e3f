//! `tidings`: the single entry point. Parses the command line and the configuration, runs the
//! command, and maps every failure to a message on stderr and a sysexits(3) exit code.

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
    limit_malloc_arenas();
    let args = cli::Args::parse();
    init_logging(args.verbose);
    match commands::run(args) {
        Ok(code) => code,
        Err(e) => exit::report(&e),
    }
}

/// glibc gives each thread that allocates its own heap ("arena"), up to 8 per CPU, and keeps
/// what was freed in it. The week ranking is computed on whichever blocking thread is free, so
/// each recomputation left its ~25 MB in another arena: in the soak test (bench/soak.sh) the
/// server's heap grew by that much every 30 s until every arena held one. Two arenas keep it
/// flat at the cost of some lock contention in malloc. Set before any thread starts;
/// `MALLOC_ARENA_MAX` in the environment still wins.
fn limit_malloc_arenas() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    if std::env::var_os("MALLOC_ARENA_MAX").is_none() {
        // SAFETY: mallopt only sets an allocator parameter; called before other threads exist.
        unsafe {
            libc::mallopt(libc::M_ARENA_MAX, 2);
        }
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
