//! The `wdfreq` binary: parse, dispatch, map the outcome to the exit code.

use std::process::ExitCode;

use clap::Parser;
use wdfreq::cli::{Cli, Outcome, run};

fn main() -> ExitCode {
    let cli = Cli::parse();
    let mut stdout = std::io::stdout().lock();
    match run(cli, &mut stdout) {
        Ok(outcome) => ExitCode::from(outcome.code()),
        Err(error) => {
            eprintln!("wdfreq: cannot write the report: {error}");
            ExitCode::from(Outcome::BadInput.code())
        }
    }
}
