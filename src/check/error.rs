//! Why a trace cannot be judged: [`TraceError`] names the file and the
//! 1-based line (0 for the file as a whole), and [`TraceErrorKind`] the
//! cause, naming the field wherever one is at fault. Every kind but
//! [`TraceErrorKind::Read`] and [`TraceErrorKind::Override`] is the
//! trace's fault: a malformed trace.

use std::fmt;
use std::io;

use super::parse::OPS;
use crate::vocab::{Settings, SettingsError};

/// A trace cannot be read, or a line of it is malformed.
///
/// `line` is the 1-based line of the problem; 0 when the file as a whole
/// cannot be opened or judged.
#[derive(Debug, thiserror::Error)]
pub struct TraceError {
    /// The trace, as given (`-` shown as standard input).
    pub file: String,
    /// The 1-based line; 0 for the file as a whole.
    pub line: u64,
    /// What is wrong.
    pub kind: TraceErrorKind,
}

impl fmt::Display for TraceError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let what = if self.kind.is_malformed() {
            "malformed: "
        } else {
            ""
        };
        match self.line {
            0 => write!(f, "{}: {what}{}", self.file, self.kind),
            line => write!(f, "{}:{line}: {what}{}", self.file, self.kind),
        }
    }
}

/// Why a trace could not be read or judged: one variant per cause.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum TraceErrorKind {
    /// The operating system refused to open or read the file.
    #[error("cannot read: {0}")]
    Read(#[source] io::Error),
    /// The settings asked for (the command line's) do not apply over the
    /// ones the trace names: the result is a framework that does not exist.
    #[error("cannot judge for the settings asked for over the trace's ({base}): {source}")]
    Override {
        /// The trace's own settings (its header's, or version 1's defaults).
        base: Settings,
        /// Why the settings asked for do not apply over them.
        #[source]
        source: SettingsError,
    },
    /// A line is longer than the reader's limit.
    #[error("the line is longer than {max} bytes")]
    LineTooLong {
        /// The reader's limit on a line, in bytes.
        max: usize,
    },
    /// The trace is not UTF-8 but another Unicode encoding, as the
    /// byte-order mark or the NUL bytes of its first line show (Windows
    /// tools write UTF-16 with a byte-order mark).
    #[error("the trace is {encoding}, not UTF-8: save it as UTF-8")]
    NotUtf8 {
        /// The encoding, in words: `UTF-16 (little-endian)`, ...
        encoding: &'static str,
    },
    /// A line after the first starts with a byte-order mark (U+FEFF), as
    /// when files that each start with one are joined.
    #[error(
        "the line starts with a byte-order mark (U+FEFF); only the trace's first line may \
         (were files joined?)"
    )]
    ByteOrderMark,
    /// A line is not UTF-8; `column` is the 1-based byte where it stops
    /// being UTF-8.
    #[error("invalid UTF-8 at column {column}")]
    InvalidUtf8 {
        /// The 1-based byte column where the line stops being UTF-8.
        column: usize,
    },
    /// A line is not JSON.
    #[error("invalid JSON at column {column}: {message}")]
    InvalidJson {
        /// The 1-based byte column where the JSON parser stopped.
        column: usize,
        /// The JSON parser's message.
        message: String,
    },
    /// A line is JSON but not an object.
    #[error("expected a JSON object, found {found}")]
    NotAnObject {
        /// The JSON type the line holds instead.
        found: &'static str,
    },
    /// A line gives a key twice (however it spells it): it would mean two
    /// things.
    #[error("field `{field}`: given twice; a key is given once per line")]
    DuplicateField {
        /// The key given twice, its escapes read.
        field: String,
    },
    /// A required field is absent.
    #[error("missing field `{field}`")]
    MissingField {
        /// The field at fault.
        field: &'static str,
    },
    /// A field has the wrong JSON type.
    #[error("field `{field}`: expected {expected}, found {found}")]
    WrongType {
        /// The field at fault.
        field: &'static str,
        /// What the field takes.
        expected: &'static str,
        /// What was found instead.
        found: &'static str,
    },
    /// An item of an array field has the wrong JSON type; `index` counts
    /// from 0.
    #[error("field `{field}`, item {index}: expected {expected}, found {found}")]
    WrongItemType {
        /// The field at fault.
        field: &'static str,
        /// The item's index, from 0.
        index: usize,
        /// What the field takes.
        expected: &'static str,
        /// What was found instead.
        found: &'static str,
    },
    /// A numeric field is outside its type's range.
    #[error("field `{field}`: {value} is out of range ({range})")]
    OutOfRange {
        /// The field at fault.
        field: &'static str,
        /// The value found.
        value: String,
        /// The range the field takes.
        range: &'static str,
    },
    /// `op` names no op of the format.
    #[error("field `op`: unknown op `{op}`; expected one of {}", OPS.join(", "))]
    UnknownOp {
        /// The op named.
        op: String,
    },
    /// A string field with a fixed set of values has another one.
    #[error("field `{field}`: unknown value `{value}`; expected one of {}", expected.join(", "))]
    UnknownValue {
        /// The field at fault.
        field: &'static str,
        /// The value found.
        value: String,
        /// The values the field takes, as the vocabulary names them.
        expected: &'static [&'static str],
    },
    /// `req` is the empty string.
    #[error("field `req`: a request name is a non-empty string")]
    EmptyRequestName,
    /// More names of one kind were given ids than its ids can number:
    /// every request introduced, and every other name each time it is
    /// named after nothing held it (see [`super::names`]).
    #[error("field `{field}`: more than {max} names of this kind in one trace")]
    TooManyNames {
        /// The field at fault.
        field: &'static str,
        /// The most ids the field's kind of name can be given.
        max: usize,
    },
    /// An event names a request that no earlier `create` or `receive`
    /// introduced.
    #[error("field `req`: request `{name}` was never created or received")]
    UnknownRequest {
        /// The request name, as the trace writes it.
        name: String,
    },
    /// An event names a request that no `create` or `receive` the reader
    /// remembers introduced, after the reader forgot the names of requests
    /// retired more than `remembered` retirements ago: the name may be one
    /// of them.
    #[error(
        "field `req`: unknown request `{name}` (it may have died more than {remembered} \
         request deaths ago: the checker remembers only that many)"
    )]
    ForgottenRequest {
        /// The request name.
        name: String,
        /// How many retired requests' names the reader remembers.
        remembered: usize,
    },
    /// A `create` or `receive` names a request that already exists.
    #[error(
        "field `req`: request `{name}` was already created or received; \
         a name stands for one request for the whole trace"
    )]
    DuplicateRequest {
        /// The request name already in use.
        name: String,
    },
    /// An event the framework judged for does not have
    /// (`WdfIoTargetPurge` before KMDF 1.11 or in UMDF 1).
    #[error("field `op`: `{function}` does not exist in the framework this trace is judged for")]
    Unavailable {
        /// The framework function the event stands for.
        function: &'static str,
    },
    /// The trace has no events at all.
    #[error("the trace has no events")]
    NoEvents,
    /// The header names a trace format version this reader does not read.
    #[error(
        "field `wdfreq`: trace format version {found} is not read here; \
         a header line names version 2, or 3 for a concurrent trace (a version 1 trace has no header)"
    )]
    UnsupportedFormat {
        /// The version the header names, as written.
        found: String,
    },
    /// The header names settings that cannot be parsed or do not exist.
    #[error("field `{field}`: {source}")]
    HeaderSettings {
        /// The header field at fault: `flavor` or `version`.
        field: &'static str,
        /// Why its value names no framework.
        #[source]
        source: SettingsError,
    },
    /// A header (a line with `wdfreq` and no `op`) after the first line.
    #[error(
        "field `wdfreq`: the header is the trace's first line; \
         here it comes after an event"
    )]
    HeaderNotFirst,
    /// A concurrent trace's line invoked no later than the line before it.
    #[error(
        "field `call`: {call} is not after {before}, the `call` of line {line}; \
         a concurrent trace's lines come in order of their `call`"
    )]
    CallOutOfOrder {
        /// This line's `call`.
        call: u64,
        /// The `call` of the line before it.
        before: u64,
        /// That line.
        line: u64,
    },
    /// A concurrent trace's event returned no later than it was invoked.
    #[error("field `return`: {returned} is not after the event's `call`, {call}")]
    ReturnNotAfterCall {
        /// The event's `call`.
        call: u64,
        /// Its `return`.
        returned: u64,
    },
    /// A concurrent trace's event uses a request before the event that
    /// introduced it returned its handle.
    #[error(
        "field `call`: request `{name}` is used at {call}, before its `create` or `receive` \
         returned{}", match returned { Some(at) => format!(" (at {at})"), None => " (it never did)".to_owned() }
    )]
    UsedBeforeIntroduced {
        /// The request's name.
        name: String,
        /// The event's `call`.
        call: u64,
        /// When the introduction returned; `None` when it never did.
        returned: Option<u64>,
    },
    /// A concurrent trace's `sync` send had not returned when the
    /// recording ended, and no `target_complete` of its request was invoked
    /// after it: what it did is unknown.
    #[error(
        "field `return`: this `sync` send had not returned when the recording ended, and no \
         `target_complete` of its request was invoked after its `call` to answer it: what \
         it did is unknown (end the recording before it)"
    )]
    SyncSendUnansweredDuring,
    /// A concurrent trace the linearizability checker could not decide.
    #[error("cannot decide whether the trace has an order the framework allows: {why}")]
    Undecided {
        /// Why not.
        why: String,
    },
}

impl TraceErrorKind {
    /// Whether the trace itself is at fault, rather than reading it or the
    /// settings asked for.
    pub fn is_malformed(&self) -> bool {
        !matches!(
            self,
            TraceErrorKind::Read(_)
                | TraceErrorKind::Override { .. }
                | TraceErrorKind::Undecided { .. }
        )
    }
}
