//! `wdfreq check FILE`: judges a recorded trace (trace format version 1 or
//! 2) with the reference model, for the settings its header names with the
//! settings flags applied over them; one line per finding, then a summary
//! (naming the settings, unless a version 1 trace was judged for the
//! defaults); exit 0 without errors, 1 with one, 2 when the trace is
//! unreadable or malformed or the settings asked for do not exist.

use clap::Args;

use super::settings::SettingsArgs;
use super::{Console, Outcome};
use crate::check::check_path_with;

/// The arguments of `check`.
#[derive(Debug, Args)]
pub struct CheckArgs {
    /// The trace: a JSON Lines file, or `-` for standard input.
    pub file: String,
    /// Settings flags replace what the trace's header (or, without one,
    /// the default) says.
    #[command(flatten)]
    pub settings: SettingsArgs,
}

/// `wdfreq check`: judges the trace and prints each finding as it is
/// found, then a summary.
pub fn run(args: &CheckArgs, console: &mut Console) -> std::io::Result<Outcome> {
    // Findings are printed as they are found; the sink cannot return an
    // error, so the first write failure is kept and reported after.
    let mut write_error = None;
    let file = display_name(&args.file);
    let resolve = |header| args.settings.over(header);
    let out = &mut *console.out;
    let result = check_path_with(&args.file, &resolve, &mut |finding| {
        if write_error.is_none()
            && let Err(e) = writeln!(out, "{}", finding.in_file(file))
        {
            write_error = Some(e);
        }
    });
    if let Some(e) = write_error {
        return Err(e);
    }
    match result {
        Ok(summary) => {
            writeln!(out, "{}", summary.in_file(file))?;
            Ok(if summary.errors == 0 {
                Outcome::Conforms
            } else {
                Outcome::Violation
            })
        }
        Err(error) => {
            console.error(error)?;
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
