//! `wdfreq check FILE`: judges a recorded trace (trace format version 1)
//! with the reference model; one line per finding, then a summary; exit 0
//! without errors, 1 with one, 2 when the trace is unreadable or malformed.

use std::io::Write;

use clap::Args;

use super::Outcome;
use crate::check::check_path;

#[derive(Debug, Args)]
pub struct CheckArgs {
    /// The trace: a JSON Lines file, or `-` for standard input.
    pub file: String,
}

pub fn run(args: &CheckArgs, out: &mut dyn Write) -> std::io::Result<Outcome> {
    // Findings are printed as they are found; the sink cannot return an
    // error, so the first write failure is kept and reported after.
    let mut write_error = None;
    let result = check_path(&args.file, &mut |finding| {
        if write_error.is_none() {
            let file = display_name(&args.file);
            if let Err(e) = writeln!(out, "{}", finding.in_file(file)) {
                write_error = Some(e);
            }
        }
    });
    if let Some(e) = write_error {
        return Err(e);
    }
    match result {
        Ok(summary) => {
            writeln!(out, "{}", summary.in_file(display_name(&args.file)))?;
            Ok(if summary.errors == 0 {
                Outcome::Conforms
            } else {
                Outcome::Violation
            })
        }
        Err(error) => {
            writeln!(out, "{error}")?;
            Ok(Outcome::BadInput)
        }
    }
}

fn display_name(file: &str) -> &str {
    if file == "-" {
        crate::check::source::STDIN_NAME
    } else {
        file
    }
}
