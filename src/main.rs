//! The `exact-mcp` binary: parse the command line and run the chosen command.

use clap::Parser;
use exact_mcp::server::cli::{Cli, run};
use std::process::ExitCode;

/// mimalloc rather than glibc's malloc: the call path allocates many small JSON values, where
/// glibc's allocator cost about a third of the CPU and grew the resident set under load.
#[cfg(feature = "ssr")]
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[tokio::main]
async fn main() -> ExitCode {
    let cli = Cli::parse();
    match run(cli).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            // Configuration problems arrive as several lines, one per problem; anything else is
            // one line. Causes stay out of it: they may quote values we must not print.
            eprintln!("{e}");
            ExitCode::FAILURE
        }
    }
}
