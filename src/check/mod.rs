//! The trace checker: judges a recorded trace with the reference model, one
//! [`Model::step`] per event, for the settings the trace names, and reports
//! every rule broken at the line that shows it; the checker itself states
//! no rule.
//!
//! - [`trace_format`]: the trace format itself, every event and field
//!   (`docs/trace-format.md`, which a test holds to the parser).
//! - [`trace`]: the reader of trace format versions 1 and 2 (JSON Lines),
//!   one event at a time; [`parse`] says what one line means, [`header`]
//!   what version 2's header line means, [`names`] how long a name is
//!   held and which id it gets, [`error`] why a trace is refused.
//! - [`concurrent`]: trace format version 3, a multi-threaded driver's
//!   trace, each event with its thread and the times it was invoked and
//!   returned at: judged whole by the linearizability checker
//!   ([`crate::linearize`]) rather than one step per line.
//! - [`scan`]: the fast path, a recorder's flat line read in place; any
//!   other line is read by serde_json, keeping every key and every value
//!   as written (`json`).
//! - [`diag`]: findings, printed rustc-style, and the summary line.
//! - [`write`](mod@write): the writer, a run as a trace (version 2, or version 3 for
//!   a concurrent run).
//! - [`source`]: files and standard input, each read once.
//!
//! # Settings
//!
//! A trace is judged for the settings (flavor, framework version,
//! verifier) its version 2 header names, or the defaults for a version 1
//! trace; [`check_with`] lets the caller replace them (the command line's
//! flags), and refuses settings that do not exist. The [`Summary`] says
//! which settings were used.
//!
//! # How a trace is judged
//!
//! Driver ops and `target_complete` are model steps; a send is judged in
//! its mode by the model itself, a `sync` send together with the
//! `target_complete` that answered it (the reader joins them when it is
//! the request's next event). A refused step is an error finding at its
//! line, and the model's state keeps only what the refusal leaves (a
//! refused send's status), so the check goes on; a refused `sync` send
//! never reached its target, so an answer joined to it is not judged
//! apart, and none is needed: the framework returns at once, with no
//! target completion. A `sync` send the model accepts and the trace shows
//! no answer for is `sync-send-unanswered`, and the request's later events
//! are not judged (what the target finished it with is unknown). A rule broken and let through (the framework does not
//! refuse it in these settings, as with the verifier off) is an error
//! finding too, and the step takes effect. A rule the framework has no
//! check for at all (a call on a completed request, say) is an error
//! finding that says what follows is undefined: the request's later
//! events, callbacks included, are not judged.
//! The step's warnings are warning findings. After an accepted
//! `target_complete` or `sync` send the callback the model expects is owed
//! for that request: the next `callback` event for the request is judged
//! against it ([`Model::judge_deliveries`]). A callback with nothing owed
//! is judged against nothing (`callback-without-send`, or `callback-leak`
//! when it carries a deregistered callback or context). A callback owed and
//! not seen before the next event on that request, or before the end of the
//! trace, is `callback-missing`, reported at the line that shows it
//! missing. A second callback for one completed send is `callback-twice`.
//! A `status` event is a status read whose value is judged with
//! [`Model::judge_status`]; its `information` is judged only when the
//! trace records it. At the end, [`Model::finish`] gives the end-of-trace
//! warnings, at the last event's line.
//!
//! # Malformed traces
//!
//! A malformed trace is reported by its first bad line alone, with nothing
//! judged: [`check`] reads the trace once, parsing and judging each line,
//! and holds the findings back until the end shows the trace well formed.
//! At most [`FINDINGS_HELD`] are held: past that, [`check_with`] reads a
//! trace it can seek in a second time, passing each finding on as found,
//! and [`check_once`] (for a pipe) counts the rest without showing them.
//!
//! # Memory
//!
//! Bounded by the live requests, not by the trace's length nor by its
//! distinct names: the reader keeps one line, a bounded lookahead and the
//! names of live requests and of the last [`DEAD_REMEMBERED`] requests to
//! die, with the callbacks, contexts, targets and queues they name (see
//! [`trace`] and [`names`]), and the checker, per request it holds, the
//! model's state and at most one callback owed or answered. A trace of ten
//! million events checks in constant memory when at most a bounded number
//! of its requests are alive at once, whether it reuses a few names or
//! gives every request, and every request's context, a new one. (What
//! grows is what the model keeps for good: the state of each target a
//! line stopped, started, purged or closed, and every callback and context
//! lines gave one request over its life.)
//!
//! The bound is a deliberate limit: a request's name is forgotten a fixed
//! number of retirements after the line that ends it, by the rule
//! [`parse`] states (the one statement of the window's contract). The
//! checker forgets the request's state with its name, unless the model
//! still holds it alive (as after a refused `complete`): then it keeps it,
//! for the end of the trace.
//!
//! # Example
//!
//! ```
//! use std::io::Cursor;
//! use wdfreq::check::check;
//! use wdfreq::vocab::{Flavor, RuleId};
//!
//! let trace = r#"{"wdfreq":2,"flavor":"kmdf","version":"1.9"}
//! {"op":"create","req":"r1"}
//! {"op":"format","req":"r1","kind":"read"}
//! {"op":"send","req":"r1","target":"pipe"}
//! {"op":"reuse","req":"r1"}
//! "#;
//! let mut findings = Vec::new();
//! let summary = check("t.jsonl", Cursor::new(trace), &mut |f| findings.push(f.clone()))?;
//! assert_eq!(summary.settings.flavor, Flavor::Kmdf);
//! assert_eq!(summary.errors, 1);
//! assert_eq!(findings[1].rule, RuleId::ReuseWhilePending);
//! assert_eq!(findings[1].line, 5);
//! # Ok::<(), wdfreq::check::TraceError>(())
//! ```

pub mod concurrent;
pub mod diag;
pub mod error;
pub mod header;
pub(crate) mod json;
pub mod names;
pub mod parse;
pub mod scan;
pub mod source;
pub mod trace;
pub mod write;

/// The trace format, as `docs/trace-format.md` defines it for recorders.
#[doc = include_str!("../../docs/trace-format.md")]
pub mod trace_format {}

use std::collections::HashMap;
use std::io::{BufRead, Seek, SeekFrom};

pub use diag::{Finding, Subject, Summary};
pub use error::{TraceError, TraceErrorKind};
pub use header::Header;
pub use parse::{DEAD_REMEMBERED, Event, Names, OPS, SyncAnswer};
pub use source::{check_path, check_path_with};
pub use trace::TraceReader;

use crate::model::{Accepted, ExpectedReply, Judged, Life, Model, SequenceError, Violation, rule};
use crate::vocab::{
    Call, Completion, Delivery, RequestId, RuleId, SendMode, Settings, SettingsError, Status, Step,
    TargetId, TargetState,
};

/// Chooses the settings to judge for from those the trace's header names
/// (the defaults for a version 1 trace); an error when the choice does not
/// exist.
pub type Resolve<'a> = &'a dyn Fn(Settings) -> Result<Settings, SettingsError>;

/// Checks the trace in `input`, naming it `file`, for the settings its
/// header names: [`check_with`], keeping them.
pub fn check<R: BufRead + Seek>(
    file: &str,
    input: R,
    sink: &mut dyn FnMut(&Finding),
) -> Result<Summary, TraceError> {
    check_with(file, input, &|settings| Ok(settings), sink)
}

/// Checks the trace in `input`, naming it `file`, in one pass, for the
/// settings `resolve` chooses over the header's; calls `sink` with each
/// finding in order once the whole trace has proved well formed.
///
/// The findings wait in memory until then, up to [`FINDINGS_HELD`]; a
/// trace with more is read a second time from where `input` started, with
/// each finding passed on as it is found (it is well formed by then).
///
/// On a malformed or unreadable trace, or settings that do not exist,
/// returns the error (for a malformed trace, of its first bad line) and
/// calls `sink` never.
pub fn check_with<R: BufRead + Seek>(
    file: &str,
    mut input: R,
    resolve: Resolve<'_>,
    sink: &mut dyn FnMut(&Finding),
) -> Result<Summary, TraceError> {
    let read_error = |e| TraceError {
        file: file.to_owned(),
        line: 0,
        kind: TraceErrorKind::Read(e),
    };
    let start = input.stream_position().map_err(read_error)?;
    let held = judge_held(file, &mut input, resolve, FINDINGS_HELD)?;
    if held.summary.unshown == 0 {
        held.findings.iter().for_each(&mut *sink);
        return Ok(held.summary);
    }
    input.seek(SeekFrom::Start(start)).map_err(read_error)?;
    judge(file, input, held.summary.settings, sink)
}

/// Checks a trace that can be read only once (a pipe) as [`check_with`]
/// does, but for a trace with more than [`FINDINGS_HELD`] findings: those
/// past the first [`FINDINGS_HELD`] are counted in the summary
/// ([`Summary::unshown`]) and not passed to `sink`. Memory stays bounded
/// by the live requests and the findings held, whatever the length.
pub fn check_once<R: BufRead>(
    file: &str,
    input: R,
    resolve: Resolve<'_>,
    sink: &mut dyn FnMut(&Finding),
) -> Result<Summary, TraceError> {
    let held = judge_held(file, input, resolve, FINDINGS_HELD)?;
    held.findings.iter().for_each(sink);
    Ok(held.summary)
}

/// How many findings a check holds back until the trace has proved well
/// formed (a malformed trace's findings are never reported). At about a
/// hundred bytes each, a megabyte or so.
pub const FINDINGS_HELD: usize = 10_000;

/// One pass's findings, the first `held` of them, and its summary.
struct Held {
    summary: Summary,
    findings: Vec<Finding>,
}

/// Judges the trace in one pass for the settings `resolve` chooses over
/// its header's, keeping the first `held` findings and counting the rest
/// as [`Summary::unshown`].
fn judge_held<R: BufRead>(
    file: &str,
    input: R,
    resolve: Resolve<'_>,
    held: usize,
) -> Result<Held, TraceError> {
    let mut reader = TraceReader::new(file, input);
    let header = reader.header()?;
    let settings = match resolve(header.settings) {
        Ok(settings) => settings,
        Err(source) => {
            // A malformed trace is reported as such, whatever was asked.
            while reader.next_event()?.is_some() {}
            return Err(TraceError {
                file: file.to_owned(),
                line: 0,
                kind: TraceErrorKind::Override {
                    base: header.settings,
                    source,
                },
            });
        }
    };
    let mut findings = Vec::new();
    let mut unshown = 0;
    let mut summary = judge_reader(reader, settings, &mut |finding| {
        if findings.len() < held {
            findings.push(finding.clone());
        } else {
            unshown += 1;
        }
    })?;
    summary.unshown = unshown;
    Ok(Held { summary, findings })
}

/// Parses the whole trace and judges nothing: its header, or the error of
/// the first bad line.
pub fn validate<R: BufRead>(file: &str, input: R) -> Result<Header, TraceError> {
    let mut reader = TraceReader::new(file, input);
    while reader.next_event()?.is_some() {}
    reader.header()
}

/// Judges the trace in one pass for `settings` (whatever its header
/// says), calling `sink` with each finding as it is found. A malformed
/// line stops the pass with its error, after the findings of the lines
/// before it: [`check_with`] and [`check_once`] report only well-formed
/// traces' findings.
pub fn judge<R: BufRead>(
    file: &str,
    input: R,
    settings: Settings,
    sink: &mut dyn FnMut(&Finding),
) -> Result<Summary, TraceError> {
    judge_reader(TraceReader::new(file, input), settings, sink)
}

fn judge_reader<R: BufRead>(
    mut reader: TraceReader<R>,
    settings: Settings,
    sink: &mut dyn FnMut(&Finding),
) -> Result<Summary, TraceError> {
    if reader.header()?.format == header::FORMAT_CONCURRENT {
        let trace = concurrent::read(&mut reader)?;
        return concurrent::judge(reader.file(), &trace, reader.names(), settings, sink);
    }
    let mut checker = Checker::new(settings);
    let mut summary = Summary {
        settings,
        format: reader.header()?.format,
        ..Summary::default()
    };
    let mut emit = |finding: Finding| {
        summary.count(&finding);
        sink(&finding);
    };
    while judge_next(&mut reader, &mut checker, &mut emit)? {}
    checker.finish(reader.last_event_line(), reader.names(), &mut emit);
    summary.events = reader.events();
    Ok(summary)
}

/// Judges the reader's next event with `checker`, then forgets the
/// request the reader forgot on it; false at the end of the trace.
fn judge_next<R: BufRead>(
    reader: &mut TraceReader<R>,
    checker: &mut Checker,
    sink: &mut dyn FnMut(Finding),
) -> Result<bool, TraceError> {
    let Some((line, event)) = reader.next_event()? else {
        return Ok(false);
    };
    if let Err(error) = checker.event(line, &event, reader.names(), sink) {
        // The reader refuses unknown and duplicate request names, so the
        // model never sees one; if it did, the trace is malformed.
        return Err(TraceError {
            file: reader.file().to_owned(),
            line,
            kind: sequence_error(&error, reader.names()),
        });
    }
    // Every event naming the request the reader forgot came before this
    // one, so the checker forgets it too, or keeps its name.
    if let Some(request) = reader.forgotten()
        && !checker.forget(request)
    {
        reader.keep_forgotten();
    }
    Ok(true)
}

fn sequence_error(error: &SequenceError, names: &Names) -> TraceErrorKind {
    match *error {
        SequenceError::UnknownRequest(id) => TraceErrorKind::UnknownRequest {
            name: names.request(id).to_owned(),
        },
        SequenceError::DuplicateRequest(id) => TraceErrorKind::DuplicateRequest {
            name: names.request(id).to_owned(),
        },
        SequenceError::Unavailable(function) => TraceErrorKind::Unavailable { function },
    }
}

/// What the framework owes, or has done, for a request's latest completed
/// send, until the next event on that request.
#[derive(Clone, Copy, Debug)]
enum Answer {
    /// The target finished the send at `line`; the model expects
    /// `delivery` for it.
    Owed { delivery: Delivery, line: u64 },
    /// The send's callback came; it was due as `expected`. Another one is
    /// a second callback for the same send.
    Answered { expected: Delivery },
}

/// The reference model fed one trace event at a time.
///
/// # Invariants
///
/// - `answers` holds at most one entry per request, and only until the
///   next event on that request: it is what bounds the callbacks held.
/// - The model holds only the requests not forgotten ([`Checker::forget`]):
///   the live ones and the dead the reader still remembers.
#[derive(Debug, Default)]
pub struct Checker {
    model: Model,
    /// Looked up on every event; iterated only at the end, sorted.
    answers: HashMap<RequestId, Answer, foldhash::fast::FixedState>,
}

impl Checker {
    /// A checker that has seen no event, judging for `settings`.
    pub fn new(settings: Settings) -> Self {
        Checker {
            model: Model::with_settings(settings),
            answers: HashMap::default(),
        }
    }

    /// The settings the checker judges for.
    pub fn settings(&self) -> Settings {
        self.model.settings()
    }

    /// Forgets `request`, which no later event names, when it is dead and
    /// owes or awaits no callback: then nothing about it can be reported
    /// any more. Returns false, forgetting nothing, when it is still alive
    /// (the end of the trace may report it) or has a callback pending.
    pub fn forget(&mut self, request: RequestId) -> bool {
        !self.answers.contains_key(&request) && self.model.forget(request)
    }

    /// Judges `event`, found at `line`, calling `sink` with each finding;
    /// `names` gives the trace's names for messages.
    pub fn event(
        &mut self,
        line: u64,
        event: &Event,
        names: &Names,
        sink: &mut dyn FnMut(Finding),
    ) -> Result<(), SequenceError> {
        if let Event::Callback(delivery) = event {
            self.callback(line, delivery, names, sink);
            return Ok(());
        }
        if let Some(request) = event.request() {
            self.settle(request, line, names, sink);
        }
        let at = At { line, names };
        if let Event::SyncSend {
            request,
            target,
            timeout,
            ignore_state,
            answer,
        } = *event
        {
            let send = (target, timeout, ignore_state);
            return self.sync_send(at, request, send, answer, sink);
        }
        // INVARIANT: a callback and a sync send were judged above; every
        // other event is a step.
        let Some(step) = event.step() else {
            return Ok(());
        };
        let accepted = self.step(at, &step, line, sink)?;
        if let Event::Status {
            request,
            value: Some(value),
            information,
        } = *event
            && let Some(reply) = accepted.map(|a| a.reply)
        {
            status_read(at, request, reply, value, information, sink);
        }
        Ok(())
    }

    /// A `sync` send, with the `target_complete` the reader joined to it
    /// as `answer` (the request's next event), if any. The framework
    /// answers only a send it accepted: a refused one returns at once,
    /// with no target completion (FxIoTarget::SubmitSync), and so does one
    /// whose refusal leaves the request undefined. So what follows the
    /// send depends on whether the model accepts it:
    ///
    /// - Accepted and answered: the send and its answer are one step; the
    ///   callback is owed from the answer's line.
    /// - Accepted and unanswered: the send's rules let through and its
    ///   warnings are reported, then `sync-send-unanswered`, and the
    ///   request is judged no further: what the target finished it with is
    ///   not in the trace.
    /// - Refused: the send is judged as any refused step, and an answer
    ///   joined to it is no answer of it: it is judged as the
    ///   `target_complete` it is, at its own line (it may finish an earlier
    ///   asynchronous send, or be one the target invented).
    /// - Accepted at a stopped target with a timeout: the framework answers
    ///   it (the wait times out), so it needs no answer, and one joined to
    ///   it is judged as its own event too.
    fn sync_send(
        &mut self,
        at: At<'_>,
        request: RequestId,
        (target, timeout, ignore_state): (TargetId, bool, bool),
        answer: Option<SyncAnswer>,
        sink: &mut dyn FnMut(Finding),
    ) -> Result<(), SequenceError> {
        // Whether the model accepts a send never depends on its answer, so
        // an unanswered one is judged with a placeholder, never looked at
        // unless the send is accepted, and then abandoned below.
        // Queued at a stopped target with a timeout, the send is answered
        // by the framework itself: its wait times out and fails it
        // (FxIoTarget::SubmitSync), with no target_complete; one joined to
        // it belongs to something else.
        let answers_itself =
            timeout && !ignore_state && self.model.target_state(target) == TargetState::Stopped;
        let answer_for_send = answer.filter(|_| !answers_itself);
        let (completion, finished) =
            answer_for_send.map_or((Completion::SUCCESS, at.line), |a| (a.completion, a.line));
        let send = Step::Call {
            request,
            call: Call::Send {
                target,
                mode: SendMode::Sync(completion),
                timeout,
                ignore_state,
            },
        };
        let accepted = self.step(at, &send, finished, sink)?.is_some();
        let accepted_needing_answer = accepted && !answers_itself;
        match (accepted_needing_answer, answer) {
            (true, Some(_)) => {}
            (true, None) => {
                self.answers.remove(&request);
                self.model.abandon(request)?;
                let subject = at.subject(request);
                sink(Finding {
                    line: at.line,
                    rule: RuleId::SyncSendUnanswered,
                    message: format!(
                        "{subject}, `send`: {} The framework accepts this send, and the \
                         trace shows no `target_complete` as the request's next event (the \
                         checker looks {} events ahead): what follows for the request is \
                         not judged.",
                        says(RuleId::SyncSendUnanswered),
                        trace::SYNC_LOOKAHEAD_EVENTS,
                    ),
                    subject,
                });
            }
            (false, Some(answer)) => {
                let at = At {
                    line: answer.line,
                    names: at.names,
                };
                let finished = Step::TargetComplete {
                    request,
                    completion: answer.completion,
                };
                self.step(at, &finished, answer.line, sink)?;
            }
            (false, None) => {}
        }
        Ok(())
    }

    /// One model step: the refusal, the rule let through or the warnings
    /// become findings; an accepted step that finished a send leaves its
    /// callback owed, the target having finished it on line `finished`.
    fn step(
        &mut self,
        at: At<'_>,
        step: &Step,
        finished: u64,
        sink: &mut dyn FnMut(Finding),
    ) -> Result<Option<Accepted>, SequenceError> {
        let judgement = self.model.step(step)?;
        let op = step.name();
        // Written only for a finding: most steps have none.
        let subject = || match *step {
            Step::Target { target, .. } => Subject::Target(at.names.target(target).to_owned()),
            _ => Subject::Request(
                step.request()
                    .map_or_else(String::new, |r| at.request(r).to_owned()),
            ),
        };
        let report = |rule: RuleId| {
            let subject = subject();
            Finding {
                line: at.line,
                rule,
                message: format!("{subject}, `{op}`: {}", says(rule)),
                subject,
            }
        };
        match judgement.judged {
            Judged::Yes => {}
            Judged::Undefined(violation) => {
                let mut finding = report(violation.rule);
                finding.message.push_str(
                    " The framework has no check for this: what follows for the request is \
                     undefined, and its later events are not judged.",
                );
                sink(finding);
                return Ok(None);
            }
            Judged::No => return Ok(None),
        }
        let accepted = match judgement.outcome {
            Err(violation) => {
                sink(report(violation.rule));
                return Ok(None);
            }
            Ok(accepted) => accepted,
        };
        if let Some(violation) = judgement.let_through {
            let mut finding = report(violation.rule);
            finding
                .message
                .push_str(" Not refused in these settings: the call took effect.");
            sink(finding);
        }
        for warning in judgement.warnings.iter() {
            sink(report(warning));
        }
        for &delivery in &accepted.deliveries {
            let line = finished;
            self.answers
                .insert(delivery.request, Answer::Owed { delivery, line });
        }
        Ok(Some(accepted))
    }

    /// A `callback` event: judged against the callback owed, against the
    /// one already answered (a second callback), or against nothing.
    fn callback(
        &mut self,
        line: u64,
        delivery: &Delivery,
        names: &Names,
        sink: &mut dyn FnMut(Finding),
    ) {
        let request = delivery.request;
        if self
            .model
            .request(request)
            .is_some_and(|r| r.life == Life::Undefined)
        {
            // What follows an undefined step is not judged.
            return;
        }
        let (expected, verdict) = match self.answers.remove(&request) {
            Some(Answer::Owed { delivery: want, .. }) => (
                Some(want),
                self.model.judge_delivery(Some(&want), false, delivery),
            ),
            // The send's due callback already came: this one is judged as
            // a second delivery for the same send.
            Some(Answer::Answered { expected: want }) => (
                Some(want),
                self.model.judge_delivery(Some(&want), true, delivery),
            ),
            None => (None, self.model.judge_delivery(None, false, delivery)),
        };
        if let Some(expected) = expected {
            self.answers.insert(request, Answer::Answered { expected });
        }
        if let Err(Violation { rule, .. }) = verdict {
            let at = At { line, names };
            let due = match (expected, rule) {
                (None, _) => "none was due".to_owned(),
                (Some(want), RuleId::CallbackTwice) => {
                    format!("the one due ({}) already came", at.delivery(&want))
                }
                (Some(want), _) => format!("due: {}", at.delivery(&want)),
            };
            let subject = at.subject(request);
            let message = format!(
                "{subject}, `callback`: {} Got {}; {due}.",
                says(rule),
                at.delivery(delivery)
            );
            sink(Finding {
                line,
                rule,
                subject,
                message,
            });
        }
    }

    /// Before any other event on `request`: a callback still owed for it
    /// never came.
    fn settle(
        &mut self,
        request: RequestId,
        line: u64,
        names: &Names,
        sink: &mut dyn FnMut(Finding),
    ) {
        if let Some(Answer::Owed {
            delivery,
            line: finished,
        }) = self.answers.remove(&request)
        {
            self.missing(At { line, names }, &delivery, finished, sink);
        }
    }

    fn missing(
        &self,
        at: At<'_>,
        delivery: &Delivery,
        finished: u64,
        sink: &mut dyn FnMut(Finding),
    ) {
        if let Err(Violation { rule, request }) = Model::judge_missing(Some(delivery), false) {
            let subject = at.subject(request);
            let message = format!(
                "{subject}: {} The target finished its send on line {finished}; due: {}; none came.",
                says(rule),
                at.delivery(delivery)
            );
            sink(Finding {
                line: at.line,
                rule,
                subject,
                message,
            });
        }
    }

    /// The end of the trace, whose last event is at `line`: callbacks still
    /// owed, then the model's end-of-trace warnings.
    pub fn finish(&mut self, line: u64, names: &Names, sink: &mut dyn FnMut(Finding)) {
        let at = At { line, names };
        let mut owed: Vec<(RequestId, Answer)> =
            std::mem::take(&mut self.answers).into_iter().collect();
        owed.sort_by_key(|(request, _)| *request);
        for (_, answer) in owed {
            if let Answer::Owed {
                delivery,
                line: finished,
            } = answer
            {
                self.missing(at, &delivery, finished, sink);
            }
        }
        for Violation { rule, request } in self.model.finish() {
            let subject = at.subject(request);
            sink(Finding {
                line,
                rule,
                message: format!("{subject}, at the end of the trace: {}", says(rule)),
                subject,
            });
        }
    }
}

/// Judges a `status` event's value against the model's expected reply.
fn status_read(
    at: At<'_>,
    request: RequestId,
    reply: ExpectedReply,
    value: Status,
    information: Option<u64>,
    sink: &mut dyn FnMut(Finding),
) {
    let ExpectedReply::Status {
        status: want_status,
        information: want_information,
    } = reply
    else {
        return;
    };
    // Information the trace does not record is not judged.
    let want_information = want_information.filter(|_| information.is_some());
    let actual = Completion {
        status: value,
        information: information.unwrap_or(0),
    };
    let verdict = Model::judge_status(request, want_status, want_information, actual);
    if let Err(Violation { rule, .. }) = verdict {
        let read = match information {
            Some(i) => format!("status {value}, information {i}"),
            None => format!("status {value}"),
        };
        let due = match (want_status, want_information) {
            (Some(s), Some(i)) => format!("status {s}, information {i}"),
            (Some(s), None) => format!("status {s}"),
            (None, Some(i)) => format!("information {i}"),
            (None, None) => "anything".to_owned(),
        };
        let subject = at.subject(request);
        let message = format!(
            "{subject}, `status`: {} Read {read}; due: {due}.",
            says(rule)
        );
        sink(Finding {
            line: at.line,
            rule,
            subject,
            message,
        });
    }
}

/// The catalogue's sentence for `rule`.
fn says(rule_id: RuleId) -> &'static str {
    rule(rule_id).says
}

/// Where a finding is: its line, and the trace's names to write it with.
#[derive(Clone, Copy)]
struct At<'a> {
    line: u64,
    names: &'a Names,
}

impl At<'_> {
    fn request(&self, request: RequestId) -> &str {
        self.names.request(request)
    }

    fn subject(&self, request: RequestId) -> Subject {
        Subject::Request(self.request(request).to_owned())
    }

    fn delivery(&self, delivery: &Delivery) -> String {
        format!(
            "{}, status {}, information {}",
            self.names.registration(&delivery.registration),
            delivery.completion.status,
            delivery.completion.information
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::fmt::Write as _;

    /// `requests` queue-presented requests, each with a name of its own,
    /// read, answered, called back and completed in turn.
    fn fresh_names(requests: usize) -> String {
        let mut text = String::new();
        for r in 0..requests {
            let _ = write!(
                text,
                "{{\"op\":\"receive\",\"req\":\"q{r}\"}}\n\
                 {{\"op\":\"format\",\"req\":\"q{r}\",\"kind\":\"read\"}}\n\
                 {{\"op\":\"set_completion\",\"req\":\"q{r}\",\"callback\":\"On\"}}\n\
                 {{\"op\":\"send\",\"req\":\"q{r}\",\"target\":\"t\"}}\n\
                 {{\"op\":\"target_complete\",\"req\":\"q{r}\",\"status\":0}}\n\
                 {{\"op\":\"callback\",\"req\":\"q{r}\",\"callback\":\"On\",\"status\":0}}\n\
                 {{\"op\":\"complete\",\"req\":\"q{r}\",\"status\":0}}\n"
            );
        }
        text
    }

    #[test]
    fn fresh_names_are_held_only_for_the_window() {
        let text = fresh_names(2 * DEAD_REMEMBERED + 100);
        let mut reader = TraceReader::new("t", text.as_bytes());
        let mut checker = Checker::new(Settings::default());
        let mut findings = 0;
        let mut sink = |_: Finding| findings += 1;
        let (mut most_requests, mut most_names) = (0, 0);
        let mut events = 0_usize;
        while judge_next(&mut reader, &mut checker, &mut sink).expect("well formed") {
            // Counting the model's requests takes a walk: every so often.
            events += 1;
            if events.is_multiple_of(61) {
                most_requests = most_requests.max(checker.model.requests().count());
            }
            most_names = most_names.max(reader.names().requests_held());
        }
        assert_eq!(findings, 0);
        assert_eq!(reader.names().forgotten(), DEAD_REMEMBERED as u64 + 100);
        // The window of dead requests, and the one alive.
        assert_eq!(most_requests, DEAD_REMEMBERED + 1);
        assert_eq!(most_names, DEAD_REMEMBERED + 1);
    }

    /// Every request with a context of its own, as a recorder logging
    /// context pointers writes them: the contexts held are those of the
    /// requests held, the window of the dead and the one alive, and no
    /// more however long the trace.
    #[test]
    fn fresh_contexts_are_held_only_while_their_requests_are() {
        // Each request's `On` comes with its own context, registered and
        // called back.
        let text = fresh_names(2 * DEAD_REMEMBERED + 100)
            .lines()
            .enumerate()
            .fold(String::new(), |mut all, (n, line)| {
                let context = format!("\"callback\":\"On\",\"context\":\"0x{:x}\"", n / 7);
                let _ = writeln!(all, "{}", line.replace("\"callback\":\"On\"", &context));
                all
            });
        let mut reader = TraceReader::new("t", text.as_bytes());
        let mut checker = Checker::new(Settings::default());
        let mut findings = 0;
        let mut sink = |_: Finding| findings += 1;
        let mut most_held = 0;
        while judge_next(&mut reader, &mut checker, &mut sink).expect("well formed") {
            most_held = most_held.max(reader.names().others_held());
        }
        assert_eq!(findings, 0);
        assert_eq!(reader.names().forgotten(), DEAD_REMEMBERED as u64 + 100);
        // `On`, `t` and the unnamed queue, and a context per request held.
        assert_eq!(most_held, 3 + DEAD_REMEMBERED + 1);
    }

    #[test]
    fn a_request_kept_alive_keeps_its_name_for_the_end_of_the_trace() {
        // Send and forget of a request formatted for a target is refused:
        // the request is retired by the line and forgotten by the reader,
        // but alive.
        let mut text = String::from(
            "{\"op\":\"receive\",\"req\":\"y\"}\n\
             {\"op\":\"format\",\"req\":\"y\",\"kind\":\"read\"}\n\
             {\"op\":\"send\",\"req\":\"y\",\"target\":\"t\",\"mode\":\"forget\"}\n",
        );
        for r in 0..DEAD_REMEMBERED {
            let _ = write!(
                text,
                "{{\"op\":\"create\",\"req\":\"c{r}\"}}\n{{\"op\":\"delete\",\"req\":\"c{r}\"}}\n"
            );
        }
        let mut found = Vec::new();
        check("t", std::io::Cursor::new(text), &mut |f| {
            found.push(f.clone())
        })
        .expect("well formed");
        let rules: Vec<RuleId> = found.iter().map(|f| f.rule).collect();
        assert_eq!(
            rules.last(),
            Some(&RuleId::RequestNotCompleted),
            "{found:#?}"
        );
        assert!(found.iter().all(|f| f.message.contains("request `y`")));
    }

    fn rules_and_lines(text: &str) -> Vec<(RuleId, u64)> {
        let mut found = Vec::new();
        check("t", std::io::Cursor::new(text), &mut |f| {
            found.push((f.rule, f.line))
        })
        .expect("well formed");
        found
    }

    /// An unanswered `sync` send the framework lets through (unformatted,
    /// verifier off) reports the rule let through, then
    /// `sync-send-unanswered`, and nothing more of the request: not its
    /// status read, not the answer that comes too late, not that the
    /// queue-presented request was never completed.
    #[test]
    fn unanswered_sync_send_let_through_is_unanswered_and_ends_the_judging() {
        let text = "{\"wdfreq\":2,\"flavor\":\"kmdf\",\"version\":\"1.33\",\"verifier\":false}\n\
                    {\"op\":\"receive\",\"req\":\"q\"}\n\
                    {\"op\":\"send\",\"req\":\"q\",\"target\":\"t\",\"mode\":\"sync\"}\n\
                    {\"op\":\"status\",\"req\":\"q\",\"value\":5}\n\
                    {\"op\":\"target_complete\",\"req\":\"q\",\"status\":0}\n";
        assert_eq!(
            rules_and_lines(text),
            vec![
                (RuleId::SendUnformatted, 3),
                (RuleId::SyncSendUnanswered, 3)
            ]
        );
    }

    /// A `sync` send refused without a trace of an answer is judged as
    /// refused alone, and the request is judged on: its status read gets
    /// the refusal's status, and a later answered send conforms.
    #[test]
    fn unanswered_sync_send_refused_needs_no_answer() {
        let text = "{\"wdfreq\":2,\"flavor\":\"kmdf\",\"version\":\"1.33\"}\n\
                    {\"op\":\"create\",\"req\":\"r\"}\n\
                    {\"op\":\"format\",\"req\":\"r\",\"kind\":\"read\"}\n\
                    {\"op\":\"cancel\",\"req\":\"r\"}\n\
                    {\"op\":\"send\",\"req\":\"r\",\"target\":\"t\",\"mode\":\"sync\"}\n\
                    {\"op\":\"status\",\"req\":\"r\",\"value\":0}\n";
        assert_eq!(
            rules_and_lines(text),
            vec![(RuleId::SendCancelled, 5), (RuleId::StatusMismatch, 6)],
            "the status read is judged against STATUS_CANCELLED"
        );
        let answered_later = text.replace(
            "\"value\":0}",
            "\"value\":-1073741536}\n\
             {\"op\":\"reuse\",\"req\":\"r\",\"status\":0}\n\
             {\"op\":\"format\",\"req\":\"r\",\"kind\":\"read\"}\n\
             {\"op\":\"send\",\"req\":\"r\",\"target\":\"t\",\"mode\":\"sync\"}\n\
             {\"op\":\"target_complete\",\"req\":\"r\",\"status\":0}\n\
             {\"op\":\"delete\",\"req\":\"r\"}",
        );
        assert_eq!(
            rules_and_lines(&answered_later),
            vec![(RuleId::SendCancelled, 5)]
        );
    }

    /// A `sync` send refused while an asynchronous send of the request is
    /// outstanding: the `target_complete` after it finishes the
    /// asynchronous send, and its callback is due, whether or not a status
    /// read comes between.
    #[test]
    fn target_complete_after_a_refused_sync_send_is_judged_as_its_own() {
        let text = "{\"wdfreq\":2,\"flavor\":\"kmdf\",\"version\":\"1.33\"}\n\
                    {\"op\":\"create\",\"req\":\"r\"}\n\
                    {\"op\":\"format\",\"req\":\"r\",\"kind\":\"read\"}\n\
                    {\"op\":\"set_completion\",\"req\":\"r\",\"callback\":\"cb\"}\n\
                    {\"op\":\"send\",\"req\":\"r\",\"target\":\"t\"}\n\
                    {\"op\":\"send\",\"req\":\"r\",\"target\":\"t\",\"mode\":\"sync\"}\n\
                    {\"op\":\"target_complete\",\"req\":\"r\",\"status\":0}\n\
                    {\"op\":\"callback\",\"req\":\"r\",\"callback\":\"cb\",\"status\":0}\n\
                    {\"op\":\"delete\",\"req\":\"r\"}\n";
        assert_eq!(rules_and_lines(text), vec![(RuleId::SendWhilePending, 6)]);
    }

    /// A `target_complete` after a `sync` send refused as cancelled, with
    /// nothing outstanding, is one the target invented.
    #[test]
    fn target_complete_after_a_refused_sync_send_with_nothing_sent_is_unsent() {
        let text = "{\"wdfreq\":2,\"flavor\":\"kmdf\",\"version\":\"1.33\"}\n\
                    {\"op\":\"create\",\"req\":\"r\"}\n\
                    {\"op\":\"format\",\"req\":\"r\",\"kind\":\"read\"}\n\
                    {\"op\":\"cancel\",\"req\":\"r\"}\n\
                    {\"op\":\"send\",\"req\":\"r\",\"target\":\"t\",\"mode\":\"sync\"}\n\
                    {\"op\":\"target_complete\",\"req\":\"r\",\"status\":0}\n\
                    {\"op\":\"delete\",\"req\":\"r\"}\n";
        assert_eq!(
            rules_and_lines(text),
            vec![
                (RuleId::SendCancelled, 5),
                (RuleId::TargetCompleteUnsent, 6)
            ]
        );
    }
}
