//! The trace writer: what a run of an implementation did, as trace format
//! version 2, so that every counterexample can be checked, shared and kept.
//!
//! The writer is the reader's inverse: every line it writes, the reader
//! reads back as the same event (a test below holds it to that). Names are
//! the vocabulary's own: `r0`, `cb1`, `ctx2`, `t0`, `q1`. A synchronous
//! send is written as the trace format wants it, its `send` line followed
//! by its `target_complete`, unless it was refused: then its `send` line
//! alone. A header names the settings, unless they are
//! the defaults, so that a default run's trace is a version 1 trace.

use std::io::{self, Write};

use serde_json::{Map, Value, json};

use crate::vocab::{
    Answered, Call, CallKind, CallbackId, Completion, ContextId, Delivery, History, Observation,
    QueueId, Reply, RequestId, SendMode, Settings, Status, Step, StepKind, TargetChange, TargetId,
    ThreadId,
};

/// Writes `observations`, a run in `settings`, as a trace to `out`.
pub fn write_trace(
    out: &mut dyn Write,
    settings: Settings,
    observations: &[Observation],
) -> io::Result<()> {
    if settings != Settings::default() {
        writeln!(out, "{}", Value::Object(header(settings)))?;
    }
    for observation in observations {
        for line in lines(observation) {
            writeln!(out, "{}", Value::Object(line))?;
        }
    }
    Ok(())
}

/// The trace as a string (see [`write_trace`]).
pub fn trace_text(settings: Settings, observations: &[Observation]) -> String {
    let mut out = Vec::new();
    // Writing to a Vec cannot fail.
    let _ = write_trace(&mut out, settings, observations);
    String::from_utf8_lossy(&out).into_owned()
}

/// The version 2 header line naming `settings`, as an object a caller may
/// add fields to (a regression file adds what it expects).
pub fn header(settings: Settings) -> Map<String, Value> {
    let mut header = Map::new();
    header.insert("wdfreq".into(), json!(2));
    header.insert("flavor".into(), json!(settings.flavor.as_str()));
    header.insert("version".into(), json!(settings.version.to_string()));
    header.insert("verifier".into(), json!(settings.verifier));
    header
}

/// The lines one step is written as: one, or two for a synchronous send
/// (its `send` and its answer's `target_complete`). A status read is
/// written without the value it got, which a step does not know.
pub fn step_lines(step: &Step) -> Vec<Map<String, Value>> {
    let Some(request) = step.request().map(|r| r.to_string()) else {
        return vec![target_line(step)];
    };
    let mut line = event(step.name(), &request);
    let mut more = Vec::new();
    match *step {
        // INVARIANT: a target change names no request, written above.
        Step::Target { .. } => return vec![target_line(step)],
        Step::Create { irp, .. } => {
            if !irp {
                line.insert("irp".into(), json!(false));
            }
        }
        Step::Receive { queue, .. } => {
            line.insert("queue".into(), json!(queue.to_string()));
        }
        Step::TargetComplete { completion, .. } => completion_fields(&mut line, completion),
        Step::TimedOut { .. } => {}
        Step::Call { call, .. } => match call {
            Call::Cancel | Call::ReadStatus | Call::Delete => {}
            Call::Format { kind, target } => {
                line.insert("kind".into(), json!(kind.name()));
                if let Some(target) = target {
                    line.insert("target".into(), json!(target.to_string()));
                }
            }
            Call::SetCompletionCallback { callback, context } => {
                line.insert("callback".into(), json!(callback.to_string()));
                if let Some(context) = context {
                    line.insert("context".into(), json!(context.to_string()));
                }
            }
            Call::Send {
                target,
                mode,
                timeout,
                ignore_state,
            } => {
                line.insert("target".into(), json!(target.to_string()));
                line.insert("mode".into(), json!(mode.name()));
                if timeout {
                    line.insert("timeout".into(), json!(true));
                }
                if ignore_state {
                    line.insert("ignore_target_state".into(), json!(true));
                }
                if let SendMode::Sync(answer) = mode {
                    let mut done = event(StepKind::TargetComplete.name(), &request);
                    completion_fields(&mut done, answer);
                    more.push(done);
                }
            }
            Call::Reuse { status: s, flags } => {
                line.insert("status".into(), status(s));
                if !flags.is_empty() {
                    let names: Vec<&str> = flags
                        .named()
                        .into_iter()
                        .filter_map(|(name, set)| set.then_some(name))
                        .collect();
                    line.insert("flags".into(), json!(names));
                }
            }
            Call::Complete {
                status,
                information,
            } => completion_fields(&mut line, Completion::new(status, information)),
        },
    }
    let mut lines = vec![line];
    lines.extend(more);
    lines
}

/// Writes `history`, a concurrent run in `settings`, as a concurrent trace
/// (format version 3) to `out`: every event with its thread (`thread0`,
/// ...) and its times, in order of `call`. The history's ticks are written
/// times four, so that a synchronous send's answer fits between its own
/// `call` and `return`. A target's completion or timeout the
/// implementation refused did not happen and is left out; a refused driver
/// call is written, since the driver made it.
pub fn write_history(out: &mut dyn Write, settings: Settings, history: &History) -> io::Result<()> {
    let mut header = header(settings);
    header.insert("wdfreq".into(), json!(3));
    writeln!(out, "{}", Value::Object(header))?;
    let time = |tick: u64| tick.saturating_mul(4);
    let timed = |mut line: Map<String, Value>, thread: ThreadId, call: u64, ret: Option<u64>| {
        line.insert("thread".into(), json!(format!("thread{}", thread.0)));
        line.insert("call".into(), json!(call));
        if let Some(ret) = ret {
            line.insert("return".into(), json!(ret));
        }
        line
    };
    let mut lines: Vec<(u64, Map<String, Value>)> = Vec::new();
    for op in &history.operations {
        let refused = matches!(op.returned, Some((_, Answered::Refused(_))));
        if refused && matches!(op.step, Step::TargetComplete { .. } | Step::TimedOut { .. }) {
            continue;
        }
        let call = time(op.invoked);
        let ret = op.returned.map(|(at, _)| time(at));
        let mut step_lines = step_lines(&op.step);
        if refused {
            step_lines.truncate(1);
        }
        let mut step_lines = step_lines.into_iter();
        if let Some(mut line) = step_lines.next() {
            if let Some((_, Answered::Replied(Reply::Status(completion)))) = op.returned {
                line.insert("value".into(), status(completion.status));
                line.insert("information".into(), json!(completion.information));
            }
            lines.push((call, timed(line, op.thread, call, ret)));
        }
        // A synchronous send's answer: the target finished it during the
        // send, before anything the next tick shows.
        if let Some(answer) = step_lines.next().filter(|_| ret.is_some()) {
            lines.push((call + 1, timed(answer, op.thread, call + 1, Some(call + 2))));
        }
    }
    for run in &history.callbacks {
        let at = time(run.at);
        lines.push((at, timed(callback(&run.delivery), run.thread, at, None)));
    }
    lines.sort_by_key(|(call, _)| *call);
    for (_, line) in lines {
        writeln!(out, "{}", Value::Object(line))?;
    }
    Ok(())
}

/// The lines one observation is written as (two for a synchronous send).
fn lines(observation: &Observation) -> Vec<Map<String, Value>> {
    match observation {
        Observation::Step(step) => step_lines(step),
        Observation::Refused(step) | Observation::AnsweredByTimeout(step) => {
            let mut lines = step_lines(step);
            // FxIoTarget::SubmitSync returns at once from a refused send,
            // and from one whose wait timed out at a stopped target: no
            // target completion follows either.
            lines.truncate(1);
            lines
        }
        Observation::Status {
            request,
            completion,
        } => {
            let mut line = event(CallKind::ReadStatus.name(), &request.to_string());
            line.insert("value".into(), status(completion.status));
            line.insert("information".into(), json!(completion.information));
            vec![line]
        }
        Observation::Callback(delivery) => vec![callback(delivery)],
    }
}

/// A change of a target's state: `op`, `target`, and a stop's `action`.
fn target_line(step: &Step) -> Map<String, Value> {
    let mut line = Map::new();
    line.insert("op".into(), json!(step.name()));
    if let Step::Target { target, change } = *step {
        line.insert("target".into(), json!(target.to_string()));
        if let TargetChange::Stop(action) = change {
            line.insert("action".into(), json!(action.name()));
        }
    }
    line
}

fn event(op: &str, request: &str) -> Map<String, Value> {
    let mut line = Map::new();
    line.insert("op".into(), json!(op));
    line.insert("req".into(), json!(request));
    line
}

fn callback(delivery: &Delivery) -> Map<String, Value> {
    let mut line = event("callback", &delivery.request.to_string());
    let registration = delivery.registration;
    line.insert("callback".into(), json!(registration.callback.to_string()));
    if let Some(context) = registration.context {
        line.insert("context".into(), json!(context.to_string()));
    }
    completion_fields(&mut line, delivery.completion);
    line
}

fn completion_fields(line: &mut Map<String, Value>, completion: Completion) {
    line.insert("status".into(), status(completion.status));
    line.insert("information".into(), json!(completion.information));
}

/// Statuses are written signed, as `NTSTATUS` is declared.
fn status(status: Status) -> Value {
    json!(status.0)
}

/// `steps` with every name (request, callback, context, target, queue)
/// renumbered in order of first appearance, as the reader interns them:
/// written with [`step_lines`] and read back, the steps are these exactly.
/// Renaming is a bijection per kind of name, so it changes no judgement.
pub fn renamed_in_order(steps: &[Step]) -> Vec<Step> {
    use std::collections::BTreeMap;

    /// One kind of name: old id to new, new ids given in order.
    struct Renaming<T>(BTreeMap<T, T>);

    impl<T: Ord + Copy> Renaming<T> {
        fn new() -> Self {
            Renaming(BTreeMap::new())
        }

        fn get(&mut self, old: T, make: impl Fn(usize) -> T) -> T {
            let next = make(self.0.len());
            *self.0.entry(old).or_insert(next)
        }
    }

    let mut requests = Renaming::new();
    let (mut callbacks, mut contexts) = (Renaming::new(), Renaming::new());
    let (mut targets, mut queues) = (Renaming::new(), Renaming::new());
    // Ids fit their types: a sequence names no more of a kind than exist.
    let request_id = |n: usize| RequestId(n as u32);
    steps
        .iter()
        .map(|step| match *step {
            Step::Target { target, change } => Step::Target {
                target: targets.get(target, |n| TargetId(n as u32)),
                change,
            },
            Step::Create { request, irp } => Step::Create {
                request: requests.get(request, request_id),
                irp,
            },
            Step::Receive { request, queue } => Step::Receive {
                request: requests.get(request, request_id),
                queue: queues.get(queue, |n| QueueId(n as u32)),
            },
            Step::TargetComplete {
                request,
                completion,
            } => Step::TargetComplete {
                request: requests.get(request, request_id),
                completion,
            },
            Step::TimedOut { request } => Step::TimedOut {
                request: requests.get(request, request_id),
            },
            Step::Call { request, call } => {
                let request = requests.get(request, request_id);
                let call = match call {
                    Call::Format { kind, target } => Call::Format {
                        kind,
                        target: target.map(|t| targets.get(t, |n| TargetId(n as u32))),
                    },
                    Call::SetCompletionCallback { callback, context } => {
                        Call::SetCompletionCallback {
                            callback: callbacks.get(callback, |n| CallbackId(n as u32)),
                            context: context.map(|c| contexts.get(c, |n| ContextId(n as u32))),
                        }
                    }
                    Call::Send {
                        target,
                        mode,
                        timeout,
                        ignore_state,
                    } => Call::Send {
                        target: targets.get(target, |n| TargetId(n as u32)),
                        mode,
                        timeout,
                        ignore_state,
                    },
                    other => other,
                };
                Step::Call { request, call }
            }
        })
        .collect()
}
