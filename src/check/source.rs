//! Where a trace comes from: a regular file is read in place, and so is
//! standard input when it is one (`wdfreq check - < trace.jsonl`); a pipe,
//! or any other file that cannot seek, is read once as it comes
//! ([`super::check_once`]), never copied, so that neither memory nor disk
//! grows with the trace's length.

use std::fs::File;
use std::io::{self, BufReader};

use super::Resolve;
use super::diag::{Finding, Summary};
use super::error::{TraceError, TraceErrorKind};

/// The read buffer: large enough that refilling it is rare next to
/// parsing what it holds.
const READ_BUFFER: usize = 256 * 1024;

/// The name findings give standard input.
pub const STDIN_NAME: &str = "<stdin>";

/// Checks the trace at `path` (`-` for standard input) as [`super::check`]
/// does, naming it `path` (or [`STDIN_NAME`]) in every line.
pub fn check_path(path: &str, sink: &mut dyn FnMut(&Finding)) -> Result<Summary, TraceError> {
    check_path_with(path, &|settings| Ok(settings), sink)
}

/// Checks the trace at `path` (`-` for standard input) as
/// [`super::check_with`] does, for the settings `resolve` chooses over the
/// trace's.
pub fn check_path_with(
    path: &str,
    resolve: Resolve<'_>,
    sink: &mut dyn FnMut(&Finding),
) -> Result<Summary, TraceError> {
    if path == "-" {
        return match seekable_stdin() {
            Some(file) => check_file(STDIN_NAME, file, true, resolve, sink),
            None => super::check_once(
                STDIN_NAME,
                BufReader::with_capacity(READ_BUFFER, io::stdin().lock()),
                resolve,
                sink,
            ),
        };
    }
    let file = File::open(path).map_err(|e| read_error(path, 0, e))?;
    let regular = file
        .metadata()
        .map_err(|e| read_error(path, 0, e))?
        .is_file();
    check_file(path, file, regular, resolve, sink)
}

/// Checks `file`, named `name`: in place where it is `regular` (it can be
/// read again), once otherwise.
fn check_file(
    name: &str,
    file: File,
    regular: bool,
    resolve: Resolve<'_>,
    sink: &mut dyn FnMut(&Finding),
) -> Result<Summary, TraceError> {
    let input = BufReader::with_capacity(READ_BUFFER, file);
    if regular {
        super::check_with(name, input, resolve, sink)
    } else {
        super::check_once(name, input, resolve, sink)
    }
}

/// Standard input as a file it can seek in, when it is a regular file.
#[cfg(unix)]
fn seekable_stdin() -> Option<File> {
    use std::os::fd::AsFd;
    let file = File::from(io::stdin().as_fd().try_clone_to_owned().ok()?);
    file.metadata().ok()?.is_file().then_some(file)
}

/// Standard input as a file it can seek in: never, where the platform
/// gives no portable way to tell.
#[cfg(not(unix))]
fn seekable_stdin() -> Option<File> {
    None
}

fn read_error(file: &str, line: u64, error: io::Error) -> TraceError {
    TraceError {
        file: file.to_owned(),
        line,
        kind: TraceErrorKind::Read(error),
    }
}
