//! The trace reader: trace format version 1 (JSON Lines), read one line at a
//! time, never the whole file; every error names the file, the line and,
//! where there is one, the field.
//!
//! What the reader accepts is exactly the reference's "Trace format,
//! version 1": one JSON object per line; blank lines are ignored; every
//! object has `op` and `req`; unknown fields are ignored; an unknown `op`, a
//! missing required field, a field of the wrong type, invalid JSON or
//! invalid UTF-8 is malformed. Choices the reference leaves open, made here:
//!
//! - An optional field given as `null` counts as absent.
//! - Statuses are 32-bit `NTSTATUS`/`HRESULT` values written either signed or
//!   unsigned: any integer from `-2147483648` to `4294967295` (so
//!   `3221225485`, `0xC000000D`, is `STATUS_INVALID_PARAMETER`).
//!   Information is an unsigned 64-bit integer.
//! - `status` events may carry an optional `information`, judged when given.
//! - A `receive` without `queue` comes from the unnamed queue (`""`).
//! - Names (`req`, `callback`, `context`, `target`, `queue`) are interned to
//!   the vocabulary's small ids in order of first appearance. A request
//!   name must be introduced by `create` or `receive` before any other
//!   event names it, and only once: a name stands for one request for the
//!   whole trace. At most 256 distinct names of each other kind fit the
//!   vocabulary's ids.
//! - A trace with no events (an empty file, or only blank lines) is
//!   malformed: there is nothing to judge, which is more likely a broken
//!   recorder than a conforming driver.
//! - A line longer than [`LINE_BYTES_MAX`] is malformed, so that one
//!   newline-free file cannot make the reader hold all of it.
//!
//! # Memory
//!
//! The reader holds one line and the interned names; a trace of any length
//! over a bounded set of names reads in constant memory.

use std::collections::HashMap;
use std::fmt;
use std::io::{self, BufRead, Read};

use serde_json::{Map, Value};

use crate::vocab::{
    CallbackId, Completion, ContextId, Delivery, FormatKind, Op, QueueId, Registration, RequestId,
    Status, Step, TargetCompletion, TargetId,
};

/// The longest line the reader accepts, in bytes (without its newline).
pub const LINE_BYTES_MAX: usize = 1 << 20;

/// Every `op` of trace format version 1, in the reference's table order.
pub const OPS: [&str; 12] = [
    "create",
    "receive",
    "format",
    "set_completion",
    "send",
    "target_complete",
    "callback",
    "cancel",
    "reuse",
    "status",
    "complete",
    "delete",
];

/// How a `send` asks the framework to treat the request
/// (`WDF_REQUEST_SEND_OPTIONS_FLAGS`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum SendMode {
    /// The default: outstanding until the target finishes it.
    Async,
    /// `WDF_REQUEST_SEND_OPTION_SYNCHRONOUS`: returns after the target
    /// finished it.
    Sync,
    /// `WDF_REQUEST_SEND_OPTION_SEND_AND_FORGET`: the driver gives the
    /// request up and asks for no notification.
    Forget,
}

/// One event of a trace, its names resolved to ids.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Event {
    /// A driver call (other than `send` and `status`) or `target_complete`.
    Step(Step),
    /// `send`, with its mode.
    Send {
        request: RequestId,
        target: TargetId,
        mode: SendMode,
    },
    /// `status`: the driver read the request's status and got `value` (and
    /// `information`, when the trace records it).
    Status {
        request: RequestId,
        value: Status,
        information: Option<u64>,
    },
    /// `callback`: the framework invoked a completion callback.
    Callback(Delivery),
}

impl Event {
    /// The request the event is about.
    pub fn request(&self) -> RequestId {
        match self {
            Event::Step(step) => step.request(),
            Event::Send { request, .. } | Event::Status { request, .. } => *request,
            Event::Callback(delivery) => delivery.request,
        }
    }
}

/// A trace cannot be read, or a line of it is malformed.
///
/// `line` is the 1-based line of the problem; 0 when the file as a whole
/// cannot be opened.
#[derive(Debug, thiserror::Error)]
pub struct TraceError {
    pub file: String,
    pub line: u64,
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

/// Why a trace could not be read: one variant per cause.
#[derive(Debug, thiserror::Error)]
pub enum TraceErrorKind {
    /// The operating system refused to open or read the file.
    #[error("cannot read: {0}")]
    Read(#[source] io::Error),
    /// A trace that cannot be read twice (standard input, a pipe) could not
    /// be copied to a temporary file.
    #[error("cannot copy the trace to a temporary file: {0}")]
    Spool(#[source] io::Error),
    /// A line is longer than [`LINE_BYTES_MAX`].
    #[error("the line is longer than {max} bytes")]
    LineTooLong { max: usize },
    /// A line is not UTF-8; `column` is the 1-based byte where it stops
    /// being UTF-8.
    #[error("invalid UTF-8 at column {column}")]
    InvalidUtf8 { column: usize },
    /// A line is not JSON.
    #[error("invalid JSON at column {column}: {message}")]
    InvalidJson { column: usize, message: String },
    /// A line is JSON but not an object.
    #[error("expected a JSON object, found {found}")]
    NotAnObject { found: &'static str },
    /// A required field is absent.
    #[error("missing field `{field}`")]
    MissingField { field: &'static str },
    /// A field has the wrong JSON type.
    #[error("field `{field}`: expected {expected}, found {found}")]
    WrongType {
        field: &'static str,
        expected: &'static str,
        found: &'static str,
    },
    /// A numeric field is outside its type's range.
    #[error("field `{field}`: {value} is out of range ({range})")]
    OutOfRange {
        field: &'static str,
        value: String,
        range: &'static str,
    },
    /// `op` names no op of the format.
    #[error("field `op`: unknown op `{op}`; expected one of {}", OPS.join(", "))]
    UnknownOp { op: String },
    /// A string field with a fixed set of values has another one.
    #[error("field `{field}`: unknown value `{value}`; expected one of {expected}")]
    UnknownValue {
        field: &'static str,
        value: String,
        expected: &'static str,
    },
    /// `req` is the empty string.
    #[error("field `req`: a request name is a non-empty string")]
    EmptyRequestName,
    /// More distinct names of one kind than its ids can hold.
    #[error("field `{field}`: more than {max} distinct names")]
    TooManyNames { field: &'static str, max: usize },
    /// An event names a request that no earlier `create` or `receive`
    /// introduced.
    #[error("field `req`: request `{name}` was never created or received")]
    UnknownRequest { name: String },
    /// A `create` or `receive` names a request that already exists.
    #[error(
        "field `req`: request `{name}` was already created or received; \
         a name stands for one request for the whole trace"
    )]
    DuplicateRequest { name: String },
    /// The trace has no events at all.
    #[error("the trace has no events")]
    NoEvents,
}

impl TraceErrorKind {
    /// Whether the trace itself is at fault, rather than reading it.
    pub fn is_malformed(&self) -> bool {
        !matches!(self, TraceErrorKind::Read(_) | TraceErrorKind::Spool(_))
    }
}

/// Names interned to ids, in order of first appearance, and back.
#[derive(Clone, Debug)]
struct Interner {
    // Looked up only, never iterated: no HashMap order reaches an id.
    ids: HashMap<String, u32>,
    names: Vec<String>,
    field: &'static str,
    max: usize,
}

impl Interner {
    fn new(field: &'static str, max: usize) -> Self {
        Interner {
            ids: HashMap::new(),
            names: Vec::new(),
            field,
            max,
        }
    }

    fn get(&self, name: &str) -> Option<u32> {
        self.ids.get(name).copied()
    }

    fn intern(&mut self, name: &str) -> Result<u32, TraceErrorKind> {
        if let Some(id) = self.get(name) {
            return Ok(id);
        }
        if self.names.len() >= self.max {
            return Err(TraceErrorKind::TooManyNames {
                field: self.field,
                max: self.max,
            });
        }
        // INVARIANT: `max` fits the id type (at most 2^32), so the count
        // below it converts.
        let id = u32::try_from(self.names.len()).unwrap_or(u32::MAX);
        self.ids.insert(name.to_owned(), id);
        self.names.push(name.to_owned());
        Ok(id)
    }

    fn name(&self, id: u32) -> &str {
        self.names.get(id as usize).map_or("?", String::as_str)
    }
}

/// The names of a trace and the ids they were given.
#[derive(Clone, Debug)]
pub struct Names {
    requests: Interner,
    callbacks: Interner,
    contexts: Interner,
    targets: Interner,
    queues: Interner,
}

const U8_NAMES: usize = u8::MAX as usize + 1;

impl Default for Names {
    fn default() -> Self {
        Names {
            requests: Interner::new("req", u32::MAX as usize),
            callbacks: Interner::new("callback", U8_NAMES),
            contexts: Interner::new("context", U8_NAMES),
            targets: Interner::new("target", U8_NAMES),
            queues: Interner::new("queue", U8_NAMES),
        }
    }
}

impl Names {
    /// The trace's name of `request`.
    pub fn request(&self, request: RequestId) -> &str {
        self.requests.name(request.0)
    }

    /// The trace's name of `callback`.
    pub fn callback(&self, callback: CallbackId) -> &str {
        self.callbacks.name(u32::from(callback.0))
    }

    /// The trace's name of `context`.
    pub fn context(&self, context: ContextId) -> &str {
        self.contexts.name(u32::from(context.0))
    }

    /// A registration as the trace names it: `` `OnRead` with `rd` ``.
    pub fn registration(&self, registration: &Registration) -> String {
        match registration.context {
            Some(context) => format!(
                "`{}` with `{}`",
                self.callback(registration.callback),
                self.context(context)
            ),
            None => format!("`{}` without context", self.callback(registration.callback)),
        }
    }

    fn introduce(&mut self, name: &str) -> Result<RequestId, TraceErrorKind> {
        if self.requests.get(name).is_some() {
            return Err(TraceErrorKind::DuplicateRequest {
                name: name.to_owned(),
            });
        }
        self.requests.intern(name).map(RequestId)
    }

    fn known(&self, name: &str) -> Result<RequestId, TraceErrorKind> {
        self.requests
            .get(name)
            .map(RequestId)
            .ok_or_else(|| TraceErrorKind::UnknownRequest {
                name: name.to_owned(),
            })
    }

    fn small(interner: &mut Interner, name: &str) -> Result<u8, TraceErrorKind> {
        // INVARIANT: the interner holds at most 256 names, so ids fit u8.
        interner.intern(name).map(|id| id as u8)
    }
}

/// Reads a trace one event at a time.
///
/// After the first error, [`TraceReader::next_event`] keeps returning that
/// the trace is done: a malformed trace has no events beyond its first bad
/// line.
pub struct TraceReader<R> {
    input: R,
    file: String,
    buffer: Vec<u8>,
    line: u64,
    last_event_line: u64,
    events: u64,
    names: Names,
    failed: bool,
}

impl<R: BufRead> TraceReader<R> {
    /// A reader of `input`, whose errors name `file`.
    pub fn new(file: &str, input: R) -> Self {
        TraceReader {
            input,
            file: file.to_owned(),
            buffer: Vec::new(),
            line: 0,
            last_event_line: 0,
            events: 0,
            names: Names::default(),
            failed: false,
        }
    }

    /// The next event and its line, `None` at the end of the trace, or the
    /// error of the first bad line.
    pub fn next_event(&mut self) -> Result<Option<(u64, Event)>, TraceError> {
        if self.failed {
            return Ok(None);
        }
        let result = self.read_event();
        self.failed = result.is_err();
        result
    }

    fn read_event(&mut self) -> Result<Option<(u64, Event)>, TraceError> {
        loop {
            if !self.read_line()? {
                if self.events == 0 {
                    return Err(self.error(self.line.max(1), TraceErrorKind::NoEvents));
                }
                return Ok(None);
            }
            let text = std::str::from_utf8(&self.buffer).map_err(|e| {
                let kind = TraceErrorKind::InvalidUtf8 {
                    column: e.valid_up_to() + 1,
                };
                self.error(self.line, kind)
            })?;
            if text.trim().is_empty() {
                continue;
            }
            let event = parse_line(text, &mut self.names).map_err(|k| self.error(self.line, k))?;
            self.events += 1;
            self.last_event_line = self.line;
            return Ok(Some((self.line, event)));
        }
    }

    /// Reads the next line into `buffer`, without its line ending; false at
    /// the end of the input.
    fn read_line(&mut self) -> Result<bool, TraceError> {
        self.buffer.clear();
        let limit = LINE_BYTES_MAX as u64 + 2; // the line, "\r\n"
        let read = (&mut self.input)
            .take(limit)
            .read_until(b'\n', &mut self.buffer)
            .map_err(|e| self.error(self.line + 1, TraceErrorKind::Read(e)))?;
        if read == 0 {
            return Ok(false);
        }
        self.line += 1;
        if self.buffer.last() == Some(&b'\n') {
            self.buffer.pop();
            if self.buffer.last() == Some(&b'\r') {
                self.buffer.pop();
            }
        }
        if self.buffer.len() > LINE_BYTES_MAX {
            let kind = TraceErrorKind::LineTooLong {
                max: LINE_BYTES_MAX,
            };
            return Err(self.error(self.line, kind));
        }
        Ok(true)
    }

    fn error(&self, line: u64, kind: TraceErrorKind) -> TraceError {
        TraceError {
            file: self.file.clone(),
            line,
            kind,
        }
    }

    /// The names read so far.
    pub fn names(&self) -> &Names {
        &self.names
    }

    /// The line of the last event read (0 before the first).
    pub fn last_event_line(&self) -> u64 {
        self.last_event_line
    }

    /// The number of events read so far.
    pub fn events(&self) -> u64 {
        self.events
    }
}

/// Parses one non-blank line into an event, interning its names.
pub fn parse_line(text: &str, names: &mut Names) -> Result<Event, TraceErrorKind> {
    let value: Value = serde_json::from_str(text).map_err(json_error)?;
    let Value::Object(object) = value else {
        return Err(TraceErrorKind::NotAnObject {
            found: json_type(&value),
        });
    };
    let fields = Fields(&object);
    let op = fields.str("op")?;
    if !OPS.contains(&op) {
        return Err(TraceErrorKind::UnknownOp { op: op.to_owned() });
    }
    let req = fields.str("req")?;
    if req.is_empty() {
        return Err(TraceErrorKind::EmptyRequestName);
    }
    match op {
        "create" => Ok(Event::Step(
            Op::Create {
                request: names.introduce(req)?,
            }
            .into(),
        )),
        "receive" => {
            let queue = QueueId(Names::small(
                &mut names.queues,
                fields.opt_str("queue")?.unwrap_or(""),
            )?);
            let request = names.introduce(req)?;
            Ok(Event::Step(Op::Receive { request, queue }.into()))
        }
        _ => {
            let request = names.known(req)?;
            parse_event(op, request, &fields, names)
        }
    }
}

/// Parses an event on a request that `create` or `receive` introduced.
fn parse_event(
    op: &str,
    request: RequestId,
    fields: &Fields<'_>,
    names: &mut Names,
) -> Result<Event, TraceErrorKind> {
    let step = |op: Op| Ok(Event::Step(op.into()));
    match op {
        "format" => step(Op::Format {
            request,
            kind: format_kind(fields.str("kind")?)?,
        }),
        "set_completion" => {
            let registration = registration(fields, names)?;
            step(Op::SetCompletionCallback {
                request,
                callback: registration.callback,
                context: registration.context,
            })
        }
        "send" => Ok(Event::Send {
            request,
            target: TargetId(Names::small(&mut names.targets, fields.str("target")?)?),
            mode: send_mode(fields.opt_str("mode")?)?,
        }),
        "target_complete" => Ok(Event::Step(
            TargetCompletion {
                request,
                status: fields.status("status")?,
                information: fields.opt_information()?.unwrap_or(0),
            }
            .into(),
        )),
        "callback" => Ok(Event::Callback(Delivery {
            request,
            registration: registration(fields, names)?,
            completion: Completion {
                status: fields.status("status")?,
                information: fields.opt_information()?.unwrap_or(0),
            },
        })),
        "cancel" => step(Op::Cancel { request }),
        "reuse" => step(Op::Reuse {
            request,
            status: fields.opt_status("status")?.unwrap_or(Status::SUCCESS),
        }),
        "status" => Ok(Event::Status {
            request,
            value: fields.status("value")?,
            information: fields.opt_information()?,
        }),
        "complete" => step(Op::Complete {
            request,
            status: fields.status("status")?,
            information: fields.opt_information()?.unwrap_or(0),
        }),
        // INVARIANT: `parse_line` admitted only ops in OPS; "create" and
        // "receive" it handled itself, so "delete" is all that is left.
        _ => step(Op::Delete { request }),
    }
}

fn registration(fields: &Fields<'_>, names: &mut Names) -> Result<Registration, TraceErrorKind> {
    let callback = CallbackId(Names::small(&mut names.callbacks, fields.str("callback")?)?);
    let context = match fields.opt_str("context")? {
        Some(name) => Some(ContextId(Names::small(&mut names.contexts, name)?)),
        None => None,
    };
    Ok(Registration { callback, context })
}

fn format_kind(text: &str) -> Result<FormatKind, TraceErrorKind> {
    Ok(match text {
        "read" => FormatKind::Read,
        "write" => FormatKind::Write,
        "ioctl" => FormatKind::Ioctl,
        "internal_ioctl" => FormatKind::InternalIoctl,
        "current" => FormatKind::Current,
        _ => {
            return Err(TraceErrorKind::UnknownValue {
                field: "kind",
                value: text.to_owned(),
                expected: "read, write, ioctl, internal_ioctl, current",
            });
        }
    })
}

fn send_mode(text: Option<&str>) -> Result<SendMode, TraceErrorKind> {
    Ok(match text {
        None | Some("async") => SendMode::Async,
        Some("sync") => SendMode::Sync,
        Some("forget") => SendMode::Forget,
        Some(other) => {
            return Err(TraceErrorKind::UnknownValue {
                field: "mode",
                value: other.to_owned(),
                expected: "async, sync, forget",
            });
        }
    })
}

/// serde_json's message without its " at line 1 column N" suffix: the
/// line is always 1 here, the trace's line is named by [`TraceError`].
fn json_error(error: serde_json::Error) -> TraceErrorKind {
    let text = error.to_string();
    let suffix = format!(" at line {} column {}", error.line(), error.column());
    let message = text.strip_suffix(&suffix).unwrap_or(&text).to_owned();
    TraceErrorKind::InvalidJson {
        column: error.column(),
        message,
    }
}

fn json_type(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

const STATUS_RANGE: &str = "a status is a 32-bit integer, -2147483648 to 4294967295";
const INFORMATION_RANGE: &str = "information is an integer, 0 to 18446744073709551615";

/// Typed access to the fields of one event, each error naming its field.
struct Fields<'a>(&'a Map<String, Value>);

impl<'a> Fields<'a> {
    /// The field's value; `None` when absent or `null`.
    fn get(&self, field: &'static str) -> Option<&'a Value> {
        self.0.get(field).filter(|v| !v.is_null())
    }

    fn required(&self, field: &'static str) -> Result<&'a Value, TraceErrorKind> {
        match self.0.get(field) {
            None => Err(TraceErrorKind::MissingField { field }),
            Some(value) => Ok(value),
        }
    }

    fn str(&self, field: &'static str) -> Result<&'a str, TraceErrorKind> {
        string(field, self.required(field)?)
    }

    fn opt_str(&self, field: &'static str) -> Result<Option<&'a str>, TraceErrorKind> {
        self.get(field).map(|v| string(field, v)).transpose()
    }

    fn status(&self, field: &'static str) -> Result<Status, TraceErrorKind> {
        status(field, self.required(field)?)
    }

    fn opt_status(&self, field: &'static str) -> Result<Option<Status>, TraceErrorKind> {
        self.get(field).map(|v| status(field, v)).transpose()
    }

    fn opt_information(&self) -> Result<Option<u64>, TraceErrorKind> {
        self.get("information").map(information).transpose()
    }
}

fn string<'a>(field: &'static str, value: &'a Value) -> Result<&'a str, TraceErrorKind> {
    value.as_str().ok_or(TraceErrorKind::WrongType {
        field,
        expected: "a string",
        found: json_type(value),
    })
}

/// An integer field's value as i128, which holds every JSON integer
/// serde_json reads as one.
fn integer(
    field: &'static str,
    value: &Value,
    range: &'static str,
) -> Result<i128, TraceErrorKind> {
    let wrong = |found| TraceErrorKind::WrongType {
        field,
        expected: "an integer",
        found,
    };
    let Value::Number(number) = value else {
        return Err(wrong(json_type(value)));
    };
    if let Some(i) = number.as_i64() {
        return Ok(i128::from(i));
    }
    if let Some(u) = number.as_u64() {
        return Ok(i128::from(u));
    }
    // Only a float remains. One beyond 64 bits with no fraction is an
    // integer too large to read (serde_json reads it as a float); any
    // other float was written with a fraction or an exponent.
    match number.as_f64() {
        Some(f) if f.fract() == 0.0 && !(-(2f64.powi(63))..2f64.powi(64)).contains(&f) => {
            Err(TraceErrorKind::OutOfRange {
                field,
                value: number.to_string(),
                range,
            })
        }
        _ => Err(wrong("a number with a fraction or an exponent")),
    }
}

fn status(field: &'static str, value: &Value) -> Result<Status, TraceErrorKind> {
    let i = integer(field, value, STATUS_RANGE)?;
    if (i128::from(i32::MIN)..=i128::from(u32::MAX)).contains(&i) {
        // Within this range, keeping the low 32 bits reads a negative value
        // as itself and an unsigned one as its two's-complement status.
        Ok(Status(i as i32))
    } else {
        Err(TraceErrorKind::OutOfRange {
            field,
            value: i.to_string(),
            range: STATUS_RANGE,
        })
    }
}

fn information(value: &Value) -> Result<u64, TraceErrorKind> {
    let field = "information";
    let i = integer(field, value, INFORMATION_RANGE)?;
    u64::try_from(i).map_err(|_| TraceErrorKind::OutOfRange {
        field,
        value: i.to_string(),
        range: INFORMATION_RANGE,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> Result<Event, TraceErrorKind> {
        let mut names = Names::default();
        parse_line(r#"{"op":"create","req":"r"}"#, &mut names).expect("create parses");
        parse_line(text, &mut names)
    }

    #[test]
    fn status_accepts_signed_and_unsigned_32_bit_spellings_alike() {
        let signed = parse(r#"{"op":"complete","req":"r","status":-1073741811}"#);
        let unsigned = parse(r#"{"op":"complete","req":"r","status":3221225485}"#);
        assert_eq!(signed.ok(), unsigned.ok());
        let Ok(Event::Step(Step::Driver(Op::Complete { status, .. }))) =
            parse(r#"{"op":"complete","req":"r","status":3221225485}"#)
        else {
            panic!("complete parses");
        };
        assert_eq!(status, Status(0xC000_000D_u32 as i32));
    }

    #[test]
    fn status_beyond_32_bits_is_out_of_range_in_both_directions() {
        for text in [
            r#"{"op":"complete","req":"r","status":4294967296}"#,
            r#"{"op":"complete","req":"r","status":-2147483649}"#,
            r#"{"op":"complete","req":"r","status":100000000000000000000}"#,
        ] {
            assert!(
                matches!(
                    parse(text),
                    Err(TraceErrorKind::OutOfRange {
                        field: "status",
                        ..
                    })
                ),
                "{text}"
            );
        }
    }

    #[test]
    fn null_optional_field_counts_as_absent() {
        let with_null = parse(r#"{"op":"reuse","req":"r","status":null}"#);
        let without = parse(r#"{"op":"reuse","req":"r"}"#);
        assert_eq!(with_null.ok(), without.ok());
    }

    #[test]
    fn reader_skips_blank_lines_and_strips_crlf() {
        let text = b"\n{\"op\":\"create\",\"req\":\"a\"}\r\n  \n{\"op\":\"delete\",\"req\":\"a\"}";
        let mut reader = TraceReader::new("t", &text[..]);
        let lines: Vec<u64> = std::iter::from_fn(|| reader.next_event().ok().flatten())
            .map(|(line, _)| line)
            .collect();
        assert_eq!(lines, vec![2, 4]);
    }

    #[test]
    fn overlong_line_is_refused_without_reading_the_rest() {
        let mut text = vec![b' '; LINE_BYTES_MAX + 1];
        text.extend_from_slice(b"\n");
        let mut reader = TraceReader::new("t", &text[..]);
        let error = reader.next_event().expect_err("too long");
        assert!(matches!(error.kind, TraceErrorKind::LineTooLong { .. }));
        assert_eq!(error.line, 1);
    }

    #[test]
    fn line_of_exactly_the_maximum_is_read() {
        let mut text = br#"{"op":"create","req":"a"}"#.to_vec();
        text.resize(LINE_BYTES_MAX, b' ');
        text.extend_from_slice(b"\r\n");
        let mut reader = TraceReader::new("t", &text[..]);
        assert!(matches!(reader.next_event(), Ok(Some((1, _)))));
    }
}
