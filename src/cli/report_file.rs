//! `hunt --report FILE`: the hunt's HTML page ([`crate::report::html`])
//! written to a file, besides the text report.
//!
//! A path whose directory does not exist is refused before the hunt
//! starts ([`check`]), so a mistyped path costs no hunt. A file that still
//! cannot be written is reported once the verdict is printed, and the
//! command exits 2: the verdict stands on standard output, but what was
//! asked for is missing.

use std::io;
use std::path::Path;

use super::{Console, Outcome};
use crate::harness::HuntReport;
use crate::report::html::{Hunted, render};

/// Whether `path` can name the report: its directory exists and it is not
/// a directory itself; if not, why.
pub fn check(path: &Path) -> Result<(), String> {
    let dir = match path.parent() {
        // A bare file name is in the current directory.
        Some(dir) if dir.as_os_str().is_empty() => Path::new("."),
        Some(dir) => dir,
        None => path,
    };
    if path.is_dir() {
        Err(format!(
            "--report {}: is a directory, not a file",
            path.display()
        ))
    } else if !dir.is_dir() {
        Err(format!(
            "--report {}: no directory {}",
            path.display(),
            dir.display()
        ))
    } else {
        Ok(())
    }
}

/// Writes the page of `report` to `path` and, where `named`, names it on
/// standard output (not after a JSON document, which is the whole of
/// standard output); returns `outcome`, the verdict's, or exit 2 when the
/// file cannot be written (said on standard error).
pub fn write(
    path: &Path,
    (report, hunted): (&HuntReport, &Hunted<'_>),
    outcome: Outcome,
    named: bool,
    console: &mut Console,
) -> io::Result<Outcome> {
    match std::fs::write(path, render(report, hunted)) {
        Ok(()) => {
            if named {
                writeln!(console.out, "report: {}", path.display())?;
            }
            Ok(outcome)
        }
        Err(error) => {
            console.error(format_args!(
                "cannot write the report {}: {error}",
                path.display()
            ))?;
            Ok(Outcome::BadInput)
        }
    }
}
