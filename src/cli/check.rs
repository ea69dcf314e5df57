//! `wdfreq check FILE`: judges a recorded trace (trace format version 1 or
//! 2; version 3, a concurrent trace, by the linearizability checker) with
//! the reference model, for the settings its header names with the
//! settings flags applied over them; one line per finding, then a summary
//! (naming the settings, unless a version 1 trace was judged for the
//! defaults); exit 0 without errors, 1 with one, 2 when the trace is
//! unreadable or malformed, a concurrent one cannot be decided, or the
//! settings asked for do not exist.
//! `--format json` and `--format sarif` write the same results as one
//! document instead ([`crate::report`] says what each holds, and what a
//! trace that cannot be judged gives).

use std::io::{self, Write};

use clap::Args;

use super::format::CheckFormat;
use super::settings::SettingsArgs;
use super::{Console, Outcome};
use crate::check::{TraceError, check_path_with};
use crate::report::{self, Checked};

/// The arguments of `check`.
#[derive(Debug, Args)]
pub struct CheckArgs {
    /// The trace: a JSON Lines file, or `-` for standard input.
    pub file: String,
    /// Settings flags replace what the trace's header (or, without one,
    /// the default) says.
    #[command(flatten)]
    pub settings: SettingsArgs,
    /// How to write the results: text for people; json or sarif (SARIF
    /// 2.1.0) for CI and code review, one document holding every finding.
    #[arg(long, value_enum, default_value_t = CheckFormat::Text)]
    pub format: CheckFormat,
}

/// `wdfreq check`: judges the trace and prints each finding as it is
/// found, then a summary; or the document `--format` asks for.
pub fn run(args: &CheckArgs, console: &mut Console) -> std::io::Result<Outcome> {
    use report::{json, sarif};
    match args.format {
        CheckFormat::Text => {}
        CheckFormat::Json => return run_document(args, console, json::write_check, None),
        CheckFormat::Sarif => {
            let failed: WriteFailed = sarif::write_failed;
            return run_document(args, console, sarif::write_check, Some(failed));
        }
    }
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

/// Writes the document of a judged trace.
type WriteChecked = fn(&mut dyn Write, &Checked<'_>) -> io::Result<()>;

/// Writes the document of a trace that could not be judged.
type WriteFailed = fn(&mut dyn Write, &TraceError) -> io::Result<()>;

/// `check --format json|sarif`: every finding collected, then one
/// document written by `write`; for a trace that cannot be judged, the
/// error and, where the format has one, `failed`'s document.
fn run_document(
    args: &CheckArgs,
    console: &mut Console,
    write: WriteChecked,
    failed: Option<WriteFailed>,
) -> io::Result<Outcome> {
    let file = display_name(&args.file);
    let resolve = |header| args.settings.over(header);
    let mut findings = Vec::new();
    let result = check_path_with(&args.file, &resolve, &mut |finding| {
        findings.push(finding.clone());
    });
    let out = &mut *console.out;
    match result {
        Ok(summary) => {
            let checked = Checked {
                file,
                findings: &findings,
                summary: &summary,
            };
            write(out, &checked)?;
            Ok(if checked.conforms() {
                Outcome::Conforms
            } else {
                Outcome::Violation
            })
        }
        Err(error) => {
            if let Some(failed) = failed {
                failed(out, &error)?;
            }
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
