//! The trace writer: what a run of an implementation did, as trace format
//! version 2, so that every counterexample can be checked, shared and kept.
//!
//! The writer is the reader's inverse: every line it writes, the reader
//! reads back as the same event (a test below holds it to that). Names are
//! the vocabulary's own: `r0`, `cb1`, `ctx2`, `t0`, `q1`. A synchronous
//! send is written as the trace format wants it, its `send` line followed
//! by its `target_complete`. A header names the settings, unless they are
//! the defaults, so that a default run's trace is a version 1 trace.

use std::io::{self, Write};

use serde_json::{Map, Value, json};

use crate::vocab::{
    Completion, Delivery, FormatKind, Observation, Op, ReuseFlags, SendMode, Settings, Status, Step,
};

/// Writes `observations`, a run in `settings`, as a trace to `out`.
pub fn write_trace(
    out: &mut dyn Write,
    settings: Settings,
    observations: &[Observation],
) -> io::Result<()> {
    if settings != Settings::default() {
        let header = json!({
            "wdfreq": 2,
            "flavor": settings.flavor.as_str(),
            "version": settings.version.to_string(),
            "verifier": settings.verifier,
        });
        writeln!(out, "{header}")?;
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

/// The lines one observation is written as (two for a synchronous send).
fn lines(observation: &Observation) -> Vec<Map<String, Value>> {
    match observation {
        Observation::Step(Step::Driver(op)) => op_lines(op),
        Observation::Step(Step::Target(done)) => {
            let mut line = event("target_complete", &done.request.to_string());
            completion_fields(&mut line, done.completion());
            vec![line]
        }
        Observation::Status {
            request,
            completion,
        } => {
            let mut line = event("status", &request.to_string());
            line.insert("value".into(), status(completion.status));
            line.insert("information".into(), json!(completion.information));
            vec![line]
        }
        Observation::Callback(delivery) => vec![callback(delivery)],
    }
}

fn op_lines(op: &Op) -> Vec<Map<String, Value>> {
    let request = op.request().to_string();
    let mut line = event(op.name(), &request);
    let mut more = Vec::new();
    match *op {
        Op::Create { .. } | Op::Cancel { .. } | Op::ReadStatus { .. } | Op::Delete { .. } => {}
        Op::Receive { queue, .. } => {
            line.insert("queue".into(), json!(queue.to_string()));
        }
        Op::Format { kind, .. } => {
            line.insert("kind".into(), json!(format_kind(kind)));
        }
        Op::SetCompletionCallback {
            callback, context, ..
        } => {
            line.insert("callback".into(), json!(callback.to_string()));
            if let Some(context) = context {
                line.insert("context".into(), json!(context.to_string()));
            }
        }
        Op::Send { target, mode, .. } => {
            line.insert("target".into(), json!(target.to_string()));
            line.insert("mode".into(), json!(mode.name()));
            if let SendMode::Sync(answer) = mode {
                let mut done = event("target_complete", &request);
                completion_fields(&mut done, answer);
                more.push(done);
            }
        }
        Op::Reuse {
            status: s, flags, ..
        } => {
            line.insert("status".into(), status(s));
            if flags != ReuseFlags::NONE {
                line.insert("flags".into(), reuse_flags(flags));
            }
        }
        Op::Complete {
            status,
            information,
            ..
        } => completion_fields(
            &mut line,
            Completion {
                status,
                information,
            },
        ),
    }
    let mut lines = vec![line];
    lines.extend(more);
    lines
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

fn reuse_flags(flags: ReuseFlags) -> Value {
    let mut names = Vec::new();
    if flags.set_new_irp {
        names.push("set_new_irp");
    }
    if flags.must_complete {
        names.push("must_complete");
    }
    json!(names)
}

fn format_kind(kind: FormatKind) -> &'static str {
    match kind {
        FormatKind::Read => "read",
        FormatKind::Write => "write",
        FormatKind::Ioctl => "ioctl",
        FormatKind::InternalIoctl => "internal_ioctl",
        FormatKind::Current => "current",
    }
}
