//! The `starpunk` binary: parse the command line and hand over to `cli`.

use std::process::ExitCode;

use clap::Parser;

#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[tokio::main]
async fn main() -> ExitCode {
    let args = starpunk::cli::Cli::parse();
    starpunk::cli::run(args).await
}
