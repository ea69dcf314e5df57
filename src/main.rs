//! The `wdfreq` binary: parse, dispatch, map the outcome to the exit code.

use std::io::ErrorKind;
use std::process::ExitCode;

use clap::Parser;
use wdfreq::cli::{Cli, Outcome, run};

fn main() -> ExitCode {
    let cli = Cli::parse();
    let mut stdout = std::io::stdout().lock();
    match run(cli, &mut stdout) {
        Ok(outcome) => ExitCode::from(outcome.code()),
        // The reader went away (`wdfreq rules | head`): nothing to report
        // to anyone, and no failure of ours.
        Err(error) if error.kind() == ErrorKind::BrokenPipe => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("wdfreq: cannot write the report: {error}");
            ExitCode::from(Outcome::BadInput.code())
        }
    }
}
