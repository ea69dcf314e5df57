//! The `wdfreq` binary: parse, dispatch, map the outcome to the exit code.

use std::process::ExitCode;

use clap::Parser;
use wdfreq::cli::{Cli, exit_status, run};

fn main() -> ExitCode {
    let cli = Cli::parse();
    let mut stdout = std::io::stdout().lock();
    exit_status(run(cli, &mut stdout))
}
