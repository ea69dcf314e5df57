//! What one line of a trace means: [`parse_line`] turns one non-blank line
//! into a [`Parsed`] event, its names interned to the vocabulary's ids
//! ([`Names`]), or into the [`TraceErrorKind`] that names the field at
//! fault. It accepts exactly the events of the trace format (version 1,
//! and the additions of version 2: a `reuse`'s `flags`, a `send`'s
//! `timeout`, the `timed_out` event, a `status` without its `value`); the
//! header line
//! of version 2 is [`super::header`]'s, and joining a `sync` send with its
//! answer is the reader's ([`super::trace`]).
//!
//! Choices the reference leaves open, made here:
//!
//! - An optional field given as `null` counts as absent.
//! - A key is given once per line, however it is spelt (`"op"` and
//!   `"\u006fp"` are one key): a line giving one twice is malformed
//!   ([`TraceErrorKind::DuplicateField`]), rather than judged by one of
//!   its values.
//! - An integer is written as one: a number with a fraction or an
//!   exponent (`1.0`, `1e3`) is not one, whatever its value, and `-0` is
//!   0. One beyond its field's range, however far, is
//!   [`TraceErrorKind::OutOfRange`], which shows it as written.
//! - Statuses are 32-bit `NTSTATUS`/`HRESULT` values written either signed or
//!   unsigned: any integer from `-2147483648` to `4294967295` (so
//!   `3221225485`, `0xC000000D`, is `STATUS_INVALID_PARAMETER`).
//!   Information is an unsigned 64-bit integer.
//! - `status` events may carry an optional `information`, judged when given,
//!   and may leave out `value`: a read the recorder did not log the result
//!   of (or a regression file's step) is judged for its legality only.
//! - A `receive` without `queue` comes from the unnamed queue (`""`).
//! - `flags` is read in a trace of either version: a version 1 trace
//!   carrying it is more likely a recorder that left out the header than
//!   one meaning the field to be ignored, and ignoring a flag would hide
//!   the rules about flags. A flag named twice counts once.
//! - Names (`req`, `callback`, `context`, `target`, `queue`) are interned to
//!   the vocabulary's ids in order of first appearance and held only while
//!   they can matter ([`super::names`]), so that memory is bounded by the
//!   live requests, not by the trace's length nor by how many names it
//!   uses. A request name must be introduced by `create` or `receive`
//!   before any other event names it, and only once: a name stands for one
//!   request while it is remembered.
//! - Request names are remembered for a bounded window: the first
//!   `complete`, `delete` or `send` with mode `forget` that names a request
//!   retires it ([`Parsed::retires`], by the line's text alone, accepted by
//!   the model or not), and its name is forgotten once [`DEAD_REMEMBERED`]
//!   later requests were retired. Until then a use of the name is judged
//!   (`access-after-complete`, ...); after, it is malformed
//!   ([`TraceErrorKind::ForgottenRequest`]), and a `create` or `receive`
//!   of it introduces a new request. A callback, context, target or queue
//!   name is held as long as a request whose name is held was given it (a
//!   target whose state a line changed, for the whole trace); any number
//!   of them may come and go.
//! - A line with `wdfreq` and no `op` is a header out of place, not an
//!   event missing its `op`.

use serde_json::Value;

use super::error::TraceErrorKind;
use super::json::{JsonValue, Members, json_object};
pub use super::names::{DEAD_REMEMBERED, Names};
use super::scan::{Flat, FlatLine, Scalar};
use crate::vocab::{
    Call, CallKind, Completion, Delivery, FormatKind, Registration, RequestId, ReuseFlags,
    SendMode, SentIoAction, Status, Step, StepKind, TargetChange, TargetId, TargetOp,
};

const STEP_KINDS: usize = StepKind::ALL.len();

/// Every `op` of the trace format: every kind of step
/// ([`StepKind::ALL`]), then `callback`.
pub const OPS: [&str; STEP_KINDS + 1] = {
    let mut ops = ["callback"; STEP_KINDS + 1];
    let mut i = 0;
    while i < STEP_KINDS {
        ops[i] = StepKind::ALL[i].name();
        i += 1;
    }
    ops
};

/// A field an event line reads besides `op`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct EventField {
    /// The field's JSON key.
    pub name: &'static str,
    /// Whether a line without it, or with it `null`, is malformed.
    pub required: bool,
}

/// The fields the event `op` reads besides `op`, each once; `None` for a
/// string that is no op of [`OPS`]. A member the list does not name is
/// ignored on that op's line.
///
/// The one list of the format's fields: `docs/trace-format.md` documents
/// exactly these (`tests/trace_format_doc.rs`), and [`parse_line`] reads
/// exactly these (a test below records what it reads).
pub fn op_fields(op: &str) -> Option<&'static [EventField]> {
    const fn required(name: &'static str) -> EventField {
        EventField {
            name,
            required: true,
        }
    }
    const fn optional(name: &'static str) -> EventField {
        EventField {
            name,
            required: false,
        }
    }
    const REQ: EventField = required("req");
    const TARGET: EventField = required("target");
    const STATUS: EventField = required("status");
    const INFORMATION: EventField = optional("information");
    const CALLBACK: EventField = required("callback");
    const CONTEXT: EventField = optional("context");
    const IRP: EventField = optional("irp");
    const QUEUE: EventField = optional("queue");
    const KIND: EventField = required("kind");
    const FORMAT_TARGET: EventField = optional("target");
    const MODE: EventField = optional("mode");
    const TIMEOUT: EventField = optional("timeout");
    const IGNORE_TARGET_STATE: EventField = optional("ignore_target_state");
    const REUSE_STATUS: EventField = optional("status");
    const FLAGS: EventField = optional("flags");
    const VALUE: EventField = optional("value");
    const ACTION: EventField = optional("action");
    let Some(kind) = StepKind::from_name(op) else {
        return (op == "callback").then_some(&[REQ, CALLBACK, CONTEXT, STATUS, INFORMATION]);
    };
    // Exhaustive, so that a new kind of step cannot come without its list.
    Some(match kind {
        StepKind::Create => &[REQ, IRP],
        StepKind::Receive => &[REQ, QUEUE],
        StepKind::Call(call) => match call {
            CallKind::Format => &[REQ, KIND, FORMAT_TARGET],
            CallKind::SetCompletionCallback => &[REQ, CALLBACK, CONTEXT],
            CallKind::Send => &[REQ, TARGET, MODE, TIMEOUT, IGNORE_TARGET_STATE],
            CallKind::Cancel | CallKind::Delete => &[REQ],
            CallKind::Reuse => &[REQ, REUSE_STATUS, FLAGS],
            CallKind::ReadStatus => &[REQ, VALUE, INFORMATION],
            CallKind::Complete => &[REQ, STATUS, INFORMATION],
        },
        StepKind::TargetComplete => &[REQ, STATUS, INFORMATION],
        StepKind::TimedOut => &[REQ],
        StepKind::Target(TargetOp::Stop) => &[TARGET, ACTION],
        StepKind::Target(TargetOp::Start | TargetOp::Purge | TargetOp::Close) => &[TARGET],
    })
}

/// One event of a trace, its names resolved to ids, as the reader gives
/// it (a `sync` send joined with its answer).
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Event {
    /// A driver call other than `status` and a `sync` send (an `async` or
    /// `forget` send is a [`Call::Send`] in its mode), or `target_complete`.
    Step(Step),
    /// A `send` with mode `sync`, joined with its target's answer: the
    /// `target_complete` of the same request that is its next event, or
    /// `None` when its next event is something else or does not come
    /// within the reader's lookahead. The framework answers only a send it
    /// accepted (a refused one returns at once), so only the model can say
    /// whether an answer was due (`sync-send-unanswered`).
    SyncSend {
        /// The request the event is about.
        request: RequestId,
        /// The I/O target it is sent to.
        target: TargetId,
        /// Whether the send has a timeout
        /// (`WDF_REQUEST_SEND_OPTION_TIMEOUT`).
        timeout: bool,
        /// Whether the send ignores the target's state
        /// (`WDF_REQUEST_SEND_OPTION_IGNORE_TARGET_STATE`).
        ignore_state: bool,
        /// The request's `target_complete` joined to it as its answer;
        /// `None` when the request's next event within the lookahead is
        /// not one.
        answer: Option<SyncAnswer>,
    },
    /// `status`: the driver read the request's status and got `value` (and
    /// `information`), where the trace records them.
    Status {
        /// The request the event is about.
        request: RequestId,
        /// The status read, where recorded.
        value: Option<Status>,
        /// The information read, where recorded.
        information: Option<u64>,
    },
    /// `callback`: the framework invoked a completion callback.
    Callback(Delivery),
}

/// The `target_complete` that answered a `sync` send.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SyncAnswer {
    /// What the target finished the request with.
    pub completion: Completion,
    /// The line of the `target_complete`.
    pub line: u64,
}

impl Event {
    /// The request the event is about; `None` for a change of a target's
    /// state.
    pub fn request(&self) -> Option<RequestId> {
        match self {
            Event::Step(step) => step.request(),
            Event::SyncSend { request, .. } | Event::Status { request, .. } => Some(*request),
            Event::Callback(delivery) => Some(delivery.request),
        }
    }

    /// The event's `op` in the trace format.
    pub fn op_name(&self) -> &'static str {
        match self {
            Event::Step(step) => step.name(),
            Event::SyncSend { .. } => CallKind::Send.name(),
            Event::Status { .. } => CallKind::ReadStatus.name(),
            Event::Callback(_) => "callback",
        }
    }

    /// The step the event stands for in an operation sequence: a `sync`
    /// send with its answer, a status read whatever value it got; `None`
    /// for a `callback`, which is the framework's doing, not a step, and
    /// for a `sync` send without its answer, which no step stands for
    /// (a step's synchronous send carries its answer).
    pub fn step(&self) -> Option<Step> {
        match *self {
            Event::Step(step) => Some(step),
            Event::SyncSend {
                request,
                target,
                timeout,
                ignore_state,
                answer,
            } => answer.map(|answer| Step::Call {
                request,
                call: Call::Send {
                    target,
                    mode: SendMode::Sync(answer.completion),
                    timeout,
                    ignore_state,
                },
            }),
            Event::Status { request, .. } => Some(Step::Call {
                request,
                call: Call::ReadStatus,
            }),
            Event::Callback(_) => None,
        }
    }
}

/// One event line as written, before the reader joins a `sync` send with
/// its answer.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Parsed {
    /// Any event but a `sync` send.
    Event(Event),
    /// A `send` with mode `sync`, still to be joined with the
    /// `target_complete` that must follow it.
    SyncSend {
        /// The request the event is about.
        request: RequestId,
        /// The I/O target it is sent to.
        target: TargetId,
        /// Whether the send has a timeout
        /// (`WDF_REQUEST_SEND_OPTION_TIMEOUT`).
        timeout: bool,
        /// Whether the send ignores the target's state
        /// (`WDF_REQUEST_SEND_OPTION_IGNORE_TARGET_STATE`).
        ignore_state: bool,
    },
}

impl Parsed {
    /// The request the line is about; `None` for a change of a target's
    /// state.
    pub fn request(&self) -> Option<RequestId> {
        match self {
            Parsed::Event(event) => event.request(),
            Parsed::SyncSend { request, .. } => Some(*request),
        }
    }

    /// The line's `op`.
    pub fn op_name(&self) -> &'static str {
        match self {
            Parsed::Event(event) => event.op_name(),
            Parsed::SyncSend { .. } => CallKind::Send.name(),
        }
    }

    /// The request the line retires: a `complete`, a `delete` or a `send`
    /// with mode `forget` ends the request it names, whether or not the
    /// model accepts it. The rule is the line's text alone, so that every
    /// pass over a trace forgets the same names.
    pub fn retires(&self) -> Option<RequestId> {
        match self {
            Parsed::Event(Event::Step(Step::Call {
                request,
                call:
                    Call::Complete { .. }
                    | Call::Delete
                    | Call::Send {
                        mode: SendMode::Forget,
                        ..
                    },
            })) => Some(*request),
            _ => None,
        }
    }
}

/// Parses one non-blank line into an event, interning its names. Retiring
/// the request it ends is the reader's ([`TraceReader`](super::TraceReader)).
/// A flat line a recorder writes is scanned in place ([`super::scan`]);
/// any other goes to serde_json, as [`parse_line_json`] reads every line.
pub fn parse_line(text: &str, names: &mut Names) -> Result<Parsed, TraceErrorKind> {
    let mut flat = Flat::default();
    parse_object(&Object::read(text, &mut flat)?, names)
}

/// Parses one non-blank line as [`parse_line`] does, but always with
/// serde_json: the reference the fast path is held to.
pub fn parse_line_json(text: &str, names: &mut Names) -> Result<Parsed, TraceErrorKind> {
    parse_object(&Object::Json(json_object(text)?), names)
}

/// One line's object: scanned in place where it is flat, else read by
/// serde_json.
pub(super) enum Object<'a> {
    /// Scanned in place ([`super::scan`]).
    Flat(FlatLine<'a>),
    /// Read by serde_json.
    Json(Members<'a>),
}

impl<'a> Object<'a> {
    /// The line's object, on the fast path where it can be, scanned into
    /// `flat`.
    pub(super) fn read(text: &'a str, flat: &'a mut Flat) -> Result<Object<'a>, TraceErrorKind> {
        if flat.scan(text) {
            Ok(Object::Flat(flat.on(text)))
        } else {
            json_object(text).map(Object::Json)
        }
    }

    /// Whether the object has member `key`.
    #[inline(always)]
    pub(super) fn contains(&self, key: &str) -> bool {
        match self {
            Object::Flat(flat) => flat.get(key).is_some(),
            Object::Json(members) => members.contains(key),
        }
    }

    fn fields(&self) -> Fields<'_> {
        match self {
            Object::Flat(flat) => Fields::Flat(*flat),
            Object::Json(members) => Fields::Json(members),
        }
    }
}

/// Where an event of a concurrent trace (format version 3) stands: the
/// thread that made it, and the logical times it was invoked and returned
/// at. For a `callback`, `call` is when the routine started, and `return`
/// is not read.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Timing {
    /// The thread, by the trace's name for it.
    pub thread: String,
    /// When the event was invoked (`call`).
    pub call: u64,
    /// When it returned (`return`); `None` when it had not returned by
    /// the end of the recording.
    pub returned: Option<u64>,
}

/// The fields a concurrent trace's event line reads besides its event's
/// own ([`op_fields`]): `docs/trace-format.md` documents exactly these.
pub const TIMING_FIELDS: [EventField; 3] = [
    EventField {
        name: "thread",
        required: true,
    },
    EventField {
        name: "call",
        required: true,
    },
    EventField {
        name: "return",
        required: false,
    },
];

/// What a logical time takes, for a message.
const TIME_RANGE: &str = "0 to 18446744073709551615";

/// The [`Timing`] of one line's object, in a concurrent trace.
pub(super) fn parse_timing(object: &Object<'_>, callback: bool) -> Result<Timing, TraceErrorKind> {
    let fields = object.fields();
    let time = |field: &'static str, value| {
        let i = integer(field, value, TIME_RANGE)?;
        u64::try_from(i).map_err(|_| TraceErrorKind::OutOfRange {
            field,
            value: i.to_string(),
            range: TIME_RANGE,
        })
    };
    let thread = fields.str("thread")?.to_owned();
    let call = time("call", fields.required("call")?)?;
    let returned = match fields.get("return") {
        Some(value) if !callback => Some(time("return", value)?),
        _ => None,
    };
    Ok(Timing {
        thread,
        call,
        returned,
    })
}

/// Parses one line's object into an event, interning its names.
pub(super) fn parse_object(
    object: &Object<'_>,
    names: &mut Names,
) -> Result<Parsed, TraceErrorKind> {
    if !object.contains("op") && object.contains("wdfreq") {
        return Err(TraceErrorKind::HeaderNotFirst);
    }
    let fields = object.fields();
    let op = fields.str("op")?;
    let kind = match StepKind::from_name(op) {
        Some(kind) => Some(kind),
        None if op == "callback" => None,
        None => return Err(TraceErrorKind::UnknownOp { op: op.to_owned() }),
    };
    if let Some(StepKind::Target(op)) = kind {
        return parse_target_change(op, &fields, names);
    }
    let req = fields.str("req")?;
    if req.is_empty() {
        return Err(TraceErrorKind::EmptyRequestName);
    }
    let Some(kind) = kind else {
        let request = names.known(req)?;
        return Ok(Parsed::Event(Event::Callback(Delivery {
            request,
            registration: registration(request, &fields, names)?,
            completion: Completion::new(
                fields.status("status")?,
                fields.opt_information()?.unwrap_or(0),
            ),
        })));
    };
    let step = |step: Step| Ok(Parsed::Event(Event::Step(step)));
    match kind {
        StepKind::Create => {
            // Optional: a trace that does not say was created with a target.
            let irp = fields.opt_bool("irp")?.unwrap_or(true);
            let request = names.introduce(req)?;
            step(Step::Create { request, irp })
        }
        StepKind::Receive => {
            let queue = fields.opt_str("queue")?.unwrap_or("");
            let request = names.introduce(req)?;
            let queue = names.queue_for(request, queue)?;
            step(Step::Receive { request, queue })
        }
        StepKind::TargetComplete => {
            let request = names.known(req)?;
            step(Step::TargetComplete {
                request,
                completion: Completion::new(
                    fields.status("status")?,
                    fields.opt_information()?.unwrap_or(0),
                ),
            })
        }
        StepKind::TimedOut => step(Step::TimedOut {
            request: names.known(req)?,
        }),
        StepKind::Call(kind) => {
            let request = names.known(req)?;
            parse_call(kind, request, &fields, names)
        }
        // INVARIANT: parsed before the request's name was read.
        StepKind::Target(op) => parse_target_change(op, &fields, names),
    }
}

/// Parses a change of a target's state: `target`, and a stop's `action`
/// (`cancel_sent_io` when absent, the action drivers stop with before a
/// reset).
fn parse_target_change(
    op: TargetOp,
    fields: &Fields<'_>,
    names: &mut Names,
) -> Result<Parsed, TraceErrorKind> {
    let target = names.target_changed(fields.str("target")?)?;
    let change = match op {
        TargetOp::Start => TargetChange::Start,
        TargetOp::Stop => {
            let name = fields
                .opt_str("action")?
                .unwrap_or(SentIoAction::Cancel.name());
            let action =
                SentIoAction::from_name(name).ok_or_else(|| TraceErrorKind::UnknownValue {
                    field: "action",
                    value: name.to_owned(),
                    expected: &SentIoAction::NAMES,
                })?;
            TargetChange::Stop(action)
        }
        TargetOp::Purge => TargetChange::Purge,
        TargetOp::Close => TargetChange::Close,
    };
    Ok(Parsed::Event(Event::Step(Step::Target { target, change })))
}

/// Parses a call on a request that `create` or `receive` introduced.
fn parse_call(
    kind: CallKind,
    request: RequestId,
    fields: &Fields<'_>,
    names: &mut Names,
) -> Result<Parsed, TraceErrorKind> {
    let call = match kind {
        CallKind::Format => {
            let kind = format_kind(fields.str("kind")?)?;
            let target = match fields.opt_str("target")? {
                Some(name) => Some(names.target_for(request, name)?),
                None => None,
            };
            Call::Format { kind, target }
        }
        CallKind::SetCompletionCallback => {
            let registration = registration(request, fields, names)?;
            Call::SetCompletionCallback {
                callback: registration.callback,
                context: registration.context,
            }
        }
        CallKind::Send => {
            let target = names.target_for(request, fields.str("target")?)?;
            let name = fields.opt_str("mode")?.unwrap_or(SendMode::Async.name());
            let mode = SendMode::REPRESENTATIVES
                .into_iter()
                .find(|mode| mode.name() == name)
                .ok_or_else(|| TraceErrorKind::UnknownValue {
                    field: "mode",
                    value: name.to_owned(),
                    expected: &SendMode::NAMES,
                })?;
            let timeout = fields.opt_bool("timeout")?.unwrap_or(false);
            let ignore_state = fields.opt_bool("ignore_target_state")?.unwrap_or(false);
            if let SendMode::Sync(_) = mode {
                // Its answer is the `target_complete` the reader joins to it.
                return Ok(Parsed::SyncSend {
                    request,
                    target,
                    timeout,
                    ignore_state,
                });
            }
            Call::Send {
                target,
                mode,
                timeout,
                ignore_state,
            }
        }
        CallKind::Cancel => Call::Cancel,
        CallKind::Reuse => Call::Reuse {
            status: fields.opt_status("status")?.unwrap_or(Status::SUCCESS),
            flags: reuse_flags(fields)?,
        },
        CallKind::ReadStatus => {
            return Ok(Parsed::Event(Event::Status {
                request,
                value: fields.opt_status("value")?,
                information: fields.opt_information()?,
            }));
        }
        CallKind::Complete => Call::Complete {
            status: fields.status("status")?,
            information: fields.opt_information()?.unwrap_or(0),
        },
        CallKind::Delete => Call::Delete,
    };
    Ok(Parsed::Event(Event::Step(Step::Call { request, call })))
}

/// A registration's `callback` and `context`, which the line gives
/// `request`.
fn registration(
    request: RequestId,
    fields: &Fields<'_>,
    names: &mut Names,
) -> Result<Registration, TraceErrorKind> {
    let callback = names.callback_for(request, fields.str("callback")?)?;
    let context = match fields.opt_str("context")? {
        Some(name) => Some(names.context_for(request, name)?),
        None => None,
    };
    Ok(Registration { callback, context })
}

fn format_kind(text: &str) -> Result<FormatKind, TraceErrorKind> {
    FormatKind::from_name(text).ok_or_else(|| TraceErrorKind::UnknownValue {
        field: "kind",
        value: text.to_owned(),
        expected: &FormatKind::NAMES,
    })
}

/// A `reuse`'s optional `flags`: an array of flag names.
fn reuse_flags(fields: &Fields<'_>) -> Result<ReuseFlags, TraceErrorKind> {
    let field = "flags";
    let mut flags = ReuseFlags::NONE;
    let Some(value) = fields.get(field) else {
        return Ok(flags);
    };
    let FieldValue::Other(Value::Array(items)) = value else {
        return Err(TraceErrorKind::WrongType {
            field,
            expected: "an array of strings",
            found: value.json_type(),
        });
    };
    for (index, item) in items.iter().enumerate() {
        let name = item.as_str().ok_or(TraceErrorKind::WrongItemType {
            field,
            index,
            expected: "a string",
            found: json_type(item),
        })?;
        if !flags.set_named(name) {
            return Err(TraceErrorKind::UnknownValue {
                field,
                value: name.to_owned(),
                expected: &ReuseFlags::NAMES,
            });
        }
    }
    Ok(flags)
}

pub(super) fn json_type(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

const STATUS_RANGE: &str =
    "a status is a 32-bit NTSTATUS or HRESULT, signed or unsigned: -2147483648 to 4294967295";
const INFORMATION_RANGE: &str =
    "information is a 64-bit unsigned integer, 0 to 18446744073709551615";

/// A member's value, from either path.
#[derive(Clone, Copy, Debug)]
pub(super) enum FieldValue<'a> {
    /// A string.
    Str(&'a str),
    /// An integer written as one (no fraction, no exponent) that fits
    /// 128 bits. (The fast path reads those that fit 64.)
    Int(i128),
    /// Any other number, as written: with a fraction or an exponent, or
    /// an integer too large for 128 bits.
    Number(&'a str),
    /// A boolean.
    Bool(bool),
    /// `null`.
    Null,
    /// An array or an object, as serde_json read it.
    Other(&'a Value),
}

/// Whether `written`, a JSON number, is an integer as written: no
/// fraction, no exponent.
fn written_as_integer(written: &str) -> bool {
    let digits = written.strip_prefix('-').unwrap_or(written);
    !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit())
}

impl<'a> FieldValue<'a> {
    fn of_json(value: &'a JsonValue<'_>) -> FieldValue<'a> {
        match value {
            JsonValue::Str(text) => FieldValue::Str(text),
            JsonValue::Bool(b) => FieldValue::Bool(*b),
            JsonValue::Null => FieldValue::Null,
            JsonValue::Number(written) => match written.parse::<i128>() {
                // `-0` reads as 0, as the fast path reads it.
                Ok(i) if written_as_integer(written) => FieldValue::Int(i),
                _ => FieldValue::Number(written),
            },
            JsonValue::Nested(value) => FieldValue::Other(value),
        }
    }

    fn of_scalar(scalar: Scalar<'a>) -> FieldValue<'a> {
        match scalar {
            Scalar::Str(text) => FieldValue::Str(text),
            Scalar::Int(i) => FieldValue::Int(i128::from(i)),
            Scalar::UInt(u) => FieldValue::Int(i128::from(u)),
            Scalar::Bool(b) => FieldValue::Bool(b),
            Scalar::Null => FieldValue::Null,
        }
    }

    /// The JSON type, in words, for an error message.
    pub(super) fn json_type(self) -> &'static str {
        match self {
            FieldValue::Str(_) => "a string",
            FieldValue::Int(_) | FieldValue::Number(_) => "a number",
            FieldValue::Bool(_) => "a boolean",
            FieldValue::Null => "null",
            FieldValue::Other(value) => json_type(value),
        }
    }
}

/// Typed access to the fields of one event, each error naming its field.
#[derive(Clone, Copy)]
pub(super) enum Fields<'a> {
    /// A line scanned in place.
    Flat(FlatLine<'a>),
    /// A line serde_json read.
    Json(&'a Members<'a>),
}

impl<'a> Fields<'a> {
    /// The field's value, `null` included; `None` when absent.
    #[inline(always)]
    fn value(&self, field: &str) -> Option<FieldValue<'a>> {
        #[cfg(test)]
        tests::note_read(field);
        match *self {
            Fields::Flat(flat) => flat.get(field).map(FieldValue::of_scalar),
            Fields::Json(members) => members.get(field).map(FieldValue::of_json),
        }
    }

    /// The field's value; `None` when absent or `null`.
    #[inline(always)]
    pub(super) fn get(&self, field: &'static str) -> Option<FieldValue<'a>> {
        self.value(field).filter(|v| !matches!(v, FieldValue::Null))
    }

    #[inline(always)]
    fn required(&self, field: &'static str) -> Result<FieldValue<'a>, TraceErrorKind> {
        self.value(field)
            .ok_or(TraceErrorKind::MissingField { field })
    }

    #[inline(always)]
    fn str(&self, field: &'static str) -> Result<&'a str, TraceErrorKind> {
        string(field, self.required(field)?)
    }

    #[inline(always)]
    pub(super) fn opt_str(&self, field: &'static str) -> Result<Option<&'a str>, TraceErrorKind> {
        self.get(field).map(|v| string(field, v)).transpose()
    }

    #[inline(always)]
    fn status(&self, field: &'static str) -> Result<Status, TraceErrorKind> {
        status(field, self.required(field)?)
    }

    #[inline(always)]
    fn opt_status(&self, field: &'static str) -> Result<Option<Status>, TraceErrorKind> {
        self.get(field).map(|v| status(field, v)).transpose()
    }

    #[inline(always)]
    fn opt_information(&self) -> Result<Option<u64>, TraceErrorKind> {
        self.get("information").map(information).transpose()
    }

    #[inline(always)]
    pub(super) fn opt_bool(&self, field: &'static str) -> Result<Option<bool>, TraceErrorKind> {
        self.get(field)
            .map(|v| match v {
                FieldValue::Bool(b) => Ok(b),
                other => Err(TraceErrorKind::WrongType {
                    field,
                    expected: "a boolean",
                    found: other.json_type(),
                }),
            })
            .transpose()
    }
}

fn string<'a>(field: &'static str, value: FieldValue<'a>) -> Result<&'a str, TraceErrorKind> {
    match value {
        FieldValue::Str(text) => Ok(text),
        other => Err(TraceErrorKind::WrongType {
            field,
            expected: "a string",
            found: other.json_type(),
        }),
    }
}

/// An integer field's value as i128, which holds every integer either
/// path reads as one; `range` says what the field takes, for a message.
pub(super) fn integer(
    field: &'static str,
    value: FieldValue<'_>,
    range: &'static str,
) -> Result<i128, TraceErrorKind> {
    match value {
        FieldValue::Int(i) => Ok(i),
        // An integer too large to read is out of any field's range; shown
        // as written, not as the float serde_json would make of it.
        FieldValue::Number(written) if written_as_integer(written) => {
            Err(TraceErrorKind::OutOfRange {
                field,
                value: written.to_owned(),
                range,
            })
        }
        FieldValue::Number(_) => Err(TraceErrorKind::WrongType {
            field,
            expected: "an integer",
            found: "a number with a fraction or an exponent",
        }),
        other => Err(TraceErrorKind::WrongType {
            field,
            expected: "an integer",
            found: other.json_type(),
        }),
    }
}

fn status(field: &'static str, value: FieldValue<'_>) -> Result<Status, TraceErrorKind> {
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

fn information(value: FieldValue<'_>) -> Result<u64, TraceErrorKind> {
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

    std::thread_local! {
        /// The fields [`Fields::value`] looked up on this thread, while a
        /// test records them.
        static READS: std::cell::RefCell<Option<Vec<String>>> =
            const { std::cell::RefCell::new(None) };
    }

    pub(super) fn note_read(field: &str) {
        READS.with(|reads| {
            if let Some(reads) = reads.borrow_mut().as_mut() {
                reads.push(field.to_owned());
            }
        });
    }

    /// The fields `parse` looks up while it parses.
    fn reads<T>(parse: impl FnOnce() -> T) -> (T, std::collections::BTreeSet<String>) {
        READS.with(|reads| *reads.borrow_mut() = Some(Vec::new()));
        let parsed = parse();
        let read = READS.with(|reads| reads.borrow_mut().take().unwrap_or_default());
        (parsed, read.into_iter().collect())
    }

    /// Property: `op_fields` is what the parser reads. The writer's line
    /// for each op, parsed on both paths, looks up `op` and the op's
    /// listed fields, and nothing else: an optional field is looked up
    /// whether or not the line has it, so a field the parser came to read
    /// without the list naming it shows here.
    #[test]
    fn op_fields_are_the_fields_the_parser_reads() {
        use crate::check::write::{step_lines, trace_text};
        use crate::vocab::{CallbackId, ContextId, Observation, Settings};

        let r0 = RequestId(0);
        let mut lines: Vec<String> = StepKind::ALL
            .iter()
            .map(|kind| Value::Object(step_lines(&kind.representative(r0)).remove(0)).to_string())
            .collect();
        let delivery = Delivery {
            request: r0,
            registration: Registration {
                callback: CallbackId(0),
                context: Some(ContextId(0)),
            },
            completion: Completion::SUCCESS,
        };
        let observation = [Observation::Callback(delivery)];
        lines.push(trace_text(Settings::default(), &observation));
        assert_eq!(lines.len(), OPS.len());
        for (op, line) in OPS.iter().zip(&lines) {
            let listed = op_fields(op).unwrap_or_else(|| panic!("`{op}` has no fields listed"));
            let mut expected: std::collections::BTreeSet<String> =
                listed.iter().map(|f| f.name.to_owned()).collect();
            assert_eq!(expected.len(), listed.len(), "`{op}` lists a field twice");
            expected.insert("op".to_owned());
            for parse in [parse_line, parse_line_json] {
                let mut names = Names::default();
                if !matches!(*op, "create" | "receive") {
                    parse(r#"{"op":"create","req":"r0"}"#, &mut names).expect("create parses");
                }
                let (parsed, read) = reads(|| parse(line.trim_end(), &mut names));
                let parsed = parsed.unwrap_or_else(|e| panic!("{line}: {e}"));
                assert_eq!(parsed.op_name(), *op, "{line}");
                assert_eq!(read, expected, "the fields `{op}` reads ({line})");
            }
        }
        assert_eq!(op_fields("callbacks"), None);
    }

    /// A line built from JSON-ish pieces: members of the trace's fields and
    /// of others, keys given twice (spelt alike or with an escape), values
    /// of every type (strings with quotes, escapes, control characters and
    /// non-ASCII; integers at and past 64 and 128 bits; floats, huge ones
    /// too; arrays), spacing, and now and then one byte cut or doubled.
    fn json_ish_line() -> impl proptest::strategy::Strategy<Value = String> {
        use proptest::prelude::*;
        // Every member the format reads, one it does not (twice, so that
        // it comes twice in a line as often), and two spelt with an escape.
        let mut keys = super::super::scan::KEYS.to_vec();
        keys.extend(["x", "x", "\\u006fp", "st\\u0061tus"]);
        let key = prop::sample::select(keys);
        let value = prop_oneof![
            prop::sample::select(vec![
                "\"create\"",
                "\"send\"",
                "\"format\"",
                "\"reuse\"",
                "\"complete\"",
                "\"target_complete\"",
                "\"callback\"",
                "\"status\"",
                "\"r\"",
                "\"t0\"",
                "\"read\"",
                "\"sync\"",
                "\"cb0\"",
                "\"\"",
                "\"a\\\"b\"",
                "\"\\u0072\"",
                "\"é\"",
                "true",
                "false",
                "null",
                "0",
                "-1",
                "01",
                "1.5",
                "1e3",
                "-0",
                "4294967295",
                "4294967296",
                "-2147483649",
                "18446744073709551615",
                "18446744073709551616",
                "-9223372036854775808",
                "-9223372036854775809",
                "100000000000000000000000",
                "170141183460469231731687303715884105728",
                "-170141183460469231731687303715884105729",
                "1e400",
                "-1E-400",
                "[\"new_irp\"]",
                "[1]",
                "{}",
            ])
            .prop_map(str::to_owned),
            any::<i64>().prop_map(|i| i.to_string()),
            "[ -~]{0,6}".prop_map(|s| format!("\"{s}\"")),
        ];
        let space = prop::sample::select(vec!["", "", "", " ", "\t"]);
        let member = (key, space.clone(), value, space.clone())
            .prop_map(|(k, s, v, t)| format!("\"{k}\"{s}:{t}{v}"));
        // Half the lines are events of a known op on the known request, so
        // that the values reach the fields that read them.
        let event = prop::option::of(prop::sample::select(vec![
            "complete",
            "reuse",
            "status",
            "target_complete",
            "send",
            "format",
            "callback",
            "set_completion",
            "create",
            "target_stop",
            "cancel",
        ]));
        let line = (event, prop::collection::vec(member, 0..7), space).prop_map(
            |(event, mut members, s)| {
                if let Some(op) = event {
                    members.insert(0, format!("\"op\":\"{op}\",\"req\":\"r\""));
                }
                format!("{s}{{{}}}{s}", members.join(","))
            },
        );
        (line, any::<u16>(), 0u8..4).prop_map(|(line, at, edit)| {
            let at = usize::from(at) % (line.len() + 1);
            let at = (0..=at)
                .rev()
                .find(|i| line.is_char_boundary(*i))
                .unwrap_or(0);
            match edit {
                0 if at < line.len() => {
                    let next = (at + 1..=line.len())
                        .find(|i| line.is_char_boundary(*i))
                        .unwrap_or(line.len());
                    format!("{}{}", &line[..at], &line[next..])
                }
                1 => format!(
                    "{}{}{}",
                    &line[..at],
                    &line[at..]
                        .chars()
                        .next()
                        .map_or(String::new(), |c| c.to_string()),
                    &line[at..]
                ),
                _ => line,
            }
        })
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(2000))]
        /// Property: the fast path and serde_json's read every line alike
        /// (an event line built whole, or any JSON-ish line):
        /// the same event, or the same error.
        #[test]
        fn the_fast_path_and_serde_json_read_every_line_alike(line in json_ish_line()) {
            let (mut fast, mut json) = (Names::default(), Names::default());
            let create = r#"{"op":"create","req":"r"}"#;
            parse_line(create, &mut fast).expect("create parses");
            parse_line_json(create, &mut json).expect("create parses");
            let (a, b) = (parse_line(&line, &mut fast), parse_line_json(&line, &mut json));
            proptest::prop_assert_eq!(format!("{a:?}"), format!("{b:?}"), "{}", line);
        }
    }

    /// The generated lines take the fast path often enough for the
    /// property above to compare both paths.
    #[test]
    fn many_generated_lines_are_flat() {
        use proptest::strategy::{Strategy, ValueTree};
        let mut runner = proptest::test_runner::TestRunner::deterministic();
        let strategy = json_ish_line();
        let flat = (0..1000)
            .filter(|_| {
                let line = strategy.new_tree(&mut runner).expect("a line").current();
                Flat::default().scan(&line)
            })
            .count();
        assert!(flat > 100, "only {flat} of 1000 flat");
    }

    /// Every spelling of a number, in every field that reads one, on every
    /// op that reads it: both paths read it alike (`-0`, for one, is an
    /// integer as written, 0, though serde_json's own reading is a float).
    #[test]
    fn every_number_reads_alike_on_both_paths() {
        let numbers = [
            "0",
            "-0",
            "00",
            "-00",
            "7",
            "-7",
            "07",
            "1.0",
            "1e3",
            "1E3",
            "-1e3",
            "1.",
            "+1",
            "-",
            "4294967295",
            "4294967296",
            "-2147483648",
            "-2147483649",
            "9223372036854775807",
            "9223372036854775808",
            "-9223372036854775808",
            "-9223372036854775809",
            "18446744073709551615",
            "18446744073709551616",
            "100000000000000000000000",
            "170141183460469231731687303715884105727",
            "170141183460469231731687303715884105728",
            "-170141183460469231731687303715884105729",
            "1e400",
            "-1e-400",
            "0.0",
            "null",
            "true",
            "\"1\"",
        ];
        let lines = [
            ("complete", "status"),
            ("complete", "information"),
            ("reuse", "status"),
            ("target_complete", "status"),
            ("target_complete", "information"),
            ("status", "value"),
            ("status", "information"),
            ("callback", "status"),
            ("callback", "information"),
        ];
        for (op, field) in lines {
            for number in numbers {
                let line = format!(
                    r#"{{"op":"{op}","req":"r","callback":"c","status":0,"{field}":{number}}}"#
                );
                let (mut fast, mut json) = (Names::default(), Names::default());
                let create = r#"{"op":"create","req":"r"}"#;
                parse_line(create, &mut fast).expect("create parses");
                parse_line_json(create, &mut json).expect("create parses");
                let (a, b) = (
                    parse_line(&line, &mut fast),
                    parse_line_json(&line, &mut json),
                );
                assert_eq!(format!("{a:?}"), format!("{b:?}"), "{line}");
            }
        }
    }

    fn parse(text: &str) -> Result<Parsed, TraceErrorKind> {
        let mut names = Names::default();
        parse_line(r#"{"op":"create","req":"r"}"#, &mut names).expect("create parses");
        parse_line(text, &mut names)
    }

    fn step(text: &str) -> Option<Call> {
        match parse(text) {
            Ok(Parsed::Event(Event::Step(Step::Call { call, .. }))) => Some(call),
            _ => None,
        }
    }

    #[test]
    fn status_accepts_signed_and_unsigned_32_bit_spellings_alike() {
        let signed = parse(r#"{"op":"complete","req":"r","status":-1073741811}"#);
        let unsigned = parse(r#"{"op":"complete","req":"r","status":3221225485}"#);
        assert_eq!(signed.ok(), unsigned.ok());
        let Some(Call::Complete { status, .. }) =
            step(r#"{"op":"complete","req":"r","status":3221225485}"#)
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
    fn numbers_are_echoed_as_written_and_judged_by_how_they_are_written() {
        let mut names = Names::default();
        parse_line_json(r#"{"op":"create","req":"r"}"#, &mut names).expect("create parses");
        for (number, want) in [
            ("-9223372036854775809", Some("-9223372036854775809")),
            ("18446744073709551616", Some("18446744073709551616")),
            ("100000000000000000000000", Some("100000000000000000000000")),
            (
                "-1000000000000000000000000000000000000000000",
                Some("-1000000000000000000000000000000000000000000"),
            ),
            ("1e23", None),
            ("1.0", None),
            ("1e400", None),
        ] {
            let line = format!(r#"{{"op":"complete","req":"r","status":{number}}}"#);
            for result in [parse(&line), parse_line_json(&line, &mut names)] {
                match (result, want) {
                    (
                        Err(TraceErrorKind::OutOfRange {
                            field: "status",
                            value,
                            ..
                        }),
                        Some(want),
                    ) => assert_eq!(value, want),
                    (
                        Err(TraceErrorKind::WrongType {
                            field: "status",
                            expected: "an integer",
                            found: "a number with a fraction or an exponent",
                        }),
                        None,
                    ) => {}
                    (other, _) => panic!("{line}: {other:?}"),
                }
            }
        }
        let minus_zero = r#"{"op":"complete","req":"r","status":-0}"#;
        assert_eq!(
            step(minus_zero),
            step(r#"{"op":"complete","req":"r","status":0}"#)
        );
    }

    #[test]
    fn a_key_given_twice_is_malformed_on_both_paths_however_it_is_spelt() {
        for (line, key) in [
            (
                r#"{"op":"delete","req":"r","op":"format","kind":"read"}"#,
                "op",
            ),
            (r#"{"op":"delete","req":"r","op":"delete"}"#, "op"),
            (r#"{"op":"delete","req":"r","\u006fp":"delete"}"#, "op"),
            (r#"{"op":"delete","req":"r","x":1,"x":2}"#, "x"),
            (r#"{"wdfreq":2,"wdfreq":2}"#, "wdfreq"),
        ] {
            let mut names = Names::default();
            parse_line_json(r#"{"op":"create","req":"r"}"#, &mut names).expect("create parses");
            for result in [parse(line), parse_line_json(line, &mut names)] {
                assert!(
                    matches!(&result, Err(TraceErrorKind::DuplicateField { field }) if field == key),
                    "{line}: {result:?}"
                );
            }
        }
    }

    #[test]
    fn null_optional_field_counts_as_absent() {
        let with_null = parse(r#"{"op":"reuse","req":"r","status":null,"flags":null}"#);
        let without = parse(r#"{"op":"reuse","req":"r"}"#);
        assert_eq!(with_null.ok(), without.ok());
    }

    #[test]
    fn reuse_flags_are_read_by_name() {
        let Some(Call::Reuse { flags, .. }) = step(
            r#"{"op":"reuse","req":"r","flags":["must_complete","set_new_irp","must_complete"]}"#,
        ) else {
            panic!("reuse parses");
        };
        assert!(flags.set_new_irp && flags.must_complete);
        let Some(Call::Reuse { flags, .. }) = step(r#"{"op":"reuse","req":"r","flags":[]}"#) else {
            panic!("reuse parses");
        };
        assert!(flags.is_empty());
    }

    #[test]
    fn bad_reuse_flags_name_the_field() {
        assert!(matches!(
            parse(r#"{"op":"reuse","req":"r","flags":"set_new_irp"}"#),
            Err(TraceErrorKind::WrongType { field: "flags", .. })
        ));
        assert!(matches!(
            parse(r#"{"op":"reuse","req":"r","flags":["set_new_irp",1]}"#),
            Err(TraceErrorKind::WrongItemType {
                field: "flags",
                index: 1,
                ..
            })
        ));
        assert!(matches!(
            parse(r#"{"op":"reuse","req":"r","flags":["sideways"]}"#),
            Err(TraceErrorKind::UnknownValue { field: "flags", .. })
        ));
    }

    #[test]
    fn sync_send_waits_for_its_answer_and_header_out_of_place_is_named() {
        assert!(matches!(
            parse(r#"{"op":"send","req":"r","target":"t","mode":"sync"}"#),
            Ok(Parsed::SyncSend { .. })
        ));
        assert!(matches!(
            parse(r#"{"wdfreq":2}"#),
            Err(TraceErrorKind::HeaderNotFirst)
        ));
    }
}
