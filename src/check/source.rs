//! Where a trace comes from: a regular file is read twice in place; standard
//! input, a pipe or any other file that cannot be read twice is first
//! copied to a temporary file, so that memory stays bounded whatever the
//! trace's length.

use std::fs::{self, File, OpenOptions};
use std::io::{self, BufReader, Read, Seek, Write};
use std::path::PathBuf;

use super::Resolve;
use super::diag::{Finding, Summary};
use super::error::{TraceError, TraceErrorKind};

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
    let (name, spooled) = if path == "-" {
        (STDIN_NAME, spool(STDIN_NAME, io::stdin().lock())?)
    } else {
        let file = File::open(path).map_err(|e| read_error(path, 0, e))?;
        let regular = file
            .metadata()
            .map_err(|e| read_error(path, 0, e))?
            .is_file();
        if regular {
            return super::check_with(path, BufReader::new(file), resolve, sink);
        }
        (path, spool(path, file)?)
    };
    super::check_with(name, BufReader::new(&spooled.file), resolve, sink)
}

fn read_error(file: &str, line: u64, error: io::Error) -> TraceError {
    TraceError {
        file: file.to_owned(),
        line,
        kind: TraceErrorKind::Read(error),
    }
}

fn spool_error(file: &str, error: io::Error) -> TraceError {
    TraceError {
        file: file.to_owned(),
        line: 0,
        kind: TraceErrorKind::Spool(error),
    }
}

/// A temporary copy of a trace, gone when dropped.
struct Spooled {
    file: File,
    /// The copy's path while it still has one (see [`spool`]).
    path: Option<PathBuf>,
}

impl Drop for Spooled {
    fn drop(&mut self) {
        if let Some(path) = self.path.take() {
            // Nothing to do about a failure here: the OS cleans its
            // temporary directory.
            let _ = fs::remove_file(path);
        }
    }
}

/// Copies `input` to a new temporary file, positioned at its start.
fn spool(name: &str, mut input: impl Read) -> Result<Spooled, TraceError> {
    let mut spooled = create_temporary().map_err(|e| spool_error(name, e))?;
    let mut buffer = vec![0; 64 * 1024];
    loop {
        let read = match input.read(&mut buffer) {
            Ok(0) => break,
            Ok(read) => read,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(read_error(name, 0, e)),
        };
        spooled
            .file
            .write_all(&buffer[..read])
            .map_err(|e| spool_error(name, e))?;
    }
    spooled.file.rewind().map_err(|e| spool_error(name, e))?;
    Ok(spooled)
}

fn create_temporary() -> io::Result<Spooled> {
    let directory = std::env::temp_dir();
    let pid = std::process::id();
    let mut attempt = 0_u32;
    loop {
        let path = directory.join(format!("wdfreq-check-{pid}-{attempt}.jsonl"));
        match OpenOptions::new()
            .read(true)
            .write(true)
            .create_new(true)
            .open(&path)
        {
            Ok(file) => {
                // Where the OS lets an open file lose its name (Unix), do it
                // now: nothing is left behind even if the process is killed.
                // Elsewhere the name goes when the copy is dropped.
                let path = fs::remove_file(&path).is_err().then_some(path);
                return Ok(Spooled { file, path });
            }
            Err(e) if e.kind() == io::ErrorKind::AlreadyExists && attempt < 1000 => attempt += 1,
            Err(e) => return Err(e),
        }
    }
}
