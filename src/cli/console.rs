//! Where a command writes, and whether it colours.
//!
//! The conventions of command-line tools, which CI logs and shell pipes
//! rely on: results (reports, findings, tables) go to standard output;
//! errors and usage problems go to standard error, each line starting with
//! `error:`; progress goes to standard error too ([`super::progress`]).
//! Colour is used only where asked: `--color always`, or `--color auto`
//! (the default) with standard output a terminal and `NO_COLOR` unset or
//! empty (<https://no-color.org>).

use std::ffi::OsStr;
use std::fmt;
use std::io::{self, Write};

/// `--color`: when to colour the report.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, clap::ValueEnum)]
#[non_exhaustive]
pub enum ColorChoice {
    /// Where standard output is a terminal and `NO_COLOR` is unset or
    /// empty.
    #[default]
    Auto,
    /// Always, even into a file or a pipe.
    Always,
    /// Never.
    Never,
}

impl ColorChoice {
    /// Whether to colour, for a standard output that is a `terminal` or not
    /// and the value of `NO_COLOR`, if set.
    pub fn colours(self, terminal: bool, no_color: Option<&OsStr>) -> bool {
        match self {
            ColorChoice::Always => true,
            ColorChoice::Never => false,
            ColorChoice::Auto => terminal && no_color.is_none_or(OsStr::is_empty),
        }
    }

    /// Whether to colour this process's standard output.
    pub fn for_stdout(self) -> bool {
        use std::io::IsTerminal;
        self.colours(
            io::stdout().is_terminal(),
            std::env::var_os("NO_COLOR").as_deref(),
        )
    }

    /// Whether this process's standard error may carry escape sequences
    /// (a progress bar redrawn in place): the same choice, for standard
    /// error. `NO_COLOR` turns the bar into plain lines, so that no escape
    /// sequence is written anywhere.
    pub fn for_stderr(self) -> bool {
        use std::io::IsTerminal;
        self.colours(
            io::stderr().is_terminal(),
            std::env::var_os("NO_COLOR").as_deref(),
        )
    }
}

/// The streams a command writes to, and whether its report is coloured.
pub struct Console<'a> {
    /// Results: standard output.
    pub out: &'a mut dyn Write,
    /// Errors and usage problems: standard error.
    pub err: &'a mut dyn Write,
    /// Whether the report may carry colour (ANSI sequences).
    pub colour: bool,
    /// Whether progress on standard error may be drawn with escape
    /// sequences (a bar redrawn in place) rather than as plain lines.
    pub progress_bar: bool,
}

impl<'a> Console<'a> {
    /// A console writing results to `out` and errors to `err`, without
    /// colour.
    pub fn new(out: &'a mut dyn Write, err: &'a mut dyn Write) -> Self {
        Console {
            out,
            err,
            colour: false,
            progress_bar: false,
        }
    }

    /// The same, coloured or not.
    pub fn coloured(self, colour: bool) -> Self {
        Console { colour, ..self }
    }

    /// The same, with progress drawn as a bar or not.
    pub fn with_progress_bar(self, progress_bar: bool) -> Self {
        Console {
            progress_bar,
            ..self
        }
    }

    /// Writes `message` to the error stream as `error: message`.
    pub fn error(&mut self, message: impl fmt::Display) -> io::Result<()> {
        writeln!(self.err, "error: {message}")
    }
}

/// A writer that takes a reader going away (a broken pipe, as in
/// `wdfreq check trace | head -1`) as the end of printing, not of the
/// command: every later write is dropped and reported as done, so the
/// command runs to its verdict and exits with the verdict's status. Any
/// other write error is returned as it is.
#[derive(Debug)]
pub struct UntilClosed<W> {
    inner: W,
    closed: bool,
}

impl<W> UntilClosed<W> {
    /// Writes to `inner` until its reader goes away.
    pub fn new(inner: W) -> Self {
        UntilClosed {
            inner,
            closed: false,
        }
    }

    /// Whether the reader went away.
    pub fn closed(&self) -> bool {
        self.closed
    }
}

impl<W: Write> Write for UntilClosed<W> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        if self.closed {
            return Ok(buf.len());
        }
        match self.inner.write(buf) {
            Err(error) if error.kind() == io::ErrorKind::BrokenPipe => {
                self.closed = true;
                Ok(buf.len())
            }
            other => other,
        }
    }

    fn flush(&mut self) -> io::Result<()> {
        if self.closed {
            return Ok(());
        }
        match self.inner.flush() {
            Err(error) if error.kind() == io::ErrorKind::BrokenPipe => {
                self.closed = true;
                Ok(())
            }
            other => other,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn auto_colours_a_terminal_only_without_no_color() {
        let auto = ColorChoice::Auto;
        assert!(auto.colours(true, None));
        assert!(auto.colours(true, Some(OsStr::new(""))));
        assert!(!auto.colours(true, Some(OsStr::new("1"))));
        assert!(!auto.colours(false, None));
        assert!(ColorChoice::Always.colours(false, Some(OsStr::new("1"))));
        assert!(!ColorChoice::Never.colours(true, None));
    }

    /// A writer whose reader is gone after `room` bytes.
    struct Pipe {
        room: usize,
        written: Vec<u8>,
    }

    impl Write for Pipe {
        fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
            if self.written.len() + buf.len() > self.room {
                return Err(io::ErrorKind::BrokenPipe.into());
            }
            self.written.extend_from_slice(buf);
            Ok(buf.len())
        }
        fn flush(&mut self) -> io::Result<()> {
            Ok(())
        }
    }

    #[test]
    fn a_closed_reader_ends_printing_and_nothing_else() {
        let mut out = UntilClosed::new(Pipe {
            room: 8,
            written: Vec::new(),
        });
        writeln!(out, "first").expect("fits");
        assert!(!out.closed());
        writeln!(out, "second line").expect("dropped, not an error");
        writeln!(out, "third").expect("dropped too");
        assert!(out.closed());
        assert_eq!(out.inner.written, b"first\n");
    }

    #[test]
    fn an_error_goes_to_the_error_stream_with_its_prefix() {
        let (mut out, mut err) = (Vec::new(), Vec::new());
        let mut console = Console::new(&mut out, &mut err);
        console.error("no such file").expect("a vector takes it");
        assert!(out.is_empty());
        assert_eq!(String::from_utf8_lossy(&err), "error: no such file\n");
    }
}
