//! The `wdfreq` binary: parse, dispatch, map the outcome to the exit code.

use std::process::ExitCode;

use clap::FromArgMatches;
use wdfreq::cli::{Cli, command, main_with, run};

fn main() -> ExitCode {
    let cli = Cli::from_arg_matches(&command().get_matches()).unwrap_or_else(|error| error.exit());
    main_with(cli, run)
}
