//! Concurrent traces (format version 3): a recording of a driver whose
//! threads call the framework at once, judged by the linearizability
//! checker ([`crate::linearize`]) instead of one model step per line.
//!
//! Each event line carries, besides its event's fields, the `thread` that
//! made it and the logical times it was invoked (`call`) and returned
//! (`return`) at; a `callback` line's `call` is when the routine started.
//! The trace is good when some order of its events, one that keeps every
//! event that returned before another was invoked ahead of it, is a
//! sequence in which the driver broke no rule and the framework did what
//! the model says, every completion routine run at a moment that order
//! allows (see [`crate::linearize`] for what that means for a routine).
//!
//! Choices made here, beyond the event lines of versions 1 and 2:
//!
//! - Lines come in order of their `call`, each later than the one before
//!   (a recorder writing at return sorts its lines by `call` first): the
//!   request names a line uses are then introduced on earlier lines, as in
//!   every version.
//! - A request is used only after the `create` or `receive` that
//!   introduced it returned: the driver cannot have its handle sooner.
//! - An event with no `return` (the recording ended during it) was made
//!   all the same: it is placed in every order and judged there
//!   ([`RECORDING_ENDED`]), and a routine it owes may not have run yet.
//! - A `sync` send is answered by its request's first `target_complete`
//!   invoked while the send was in progress (not by the next line, as in
//!   versions 1 and 2: another thread's lines come between), and the two
//!   are one step, which had taken effect once the first of them
//!   returned. A `sync` send that returned without an answer must be one
//!   the framework refused (it is judged so: refused, its rule is the
//!   finding; accepted in the order found, `sync-send-unanswered`); one
//!   that never returned and has none is malformed, since what it did is
//!   unknown.
//! - A trace records what the driver called, not what the framework
//!   answered, so every event must be legal where the order places it
//!   ([`Answered::Legal`]): a refused or undefined call, like a target
//!   finishing a send it does not hold, is what makes an order fail. A
//!   status read's recorded `value` (and `information`) is judged.
//! - Only errors are reported: warnings depend on the order, and a
//!   concurrent trace has many. The finding is the first independent part
//!   of the trace ([`crate::linearize::parts`]) that no order explains: one
//!   finding per event that cannot come next after the longest order the
//!   model accepts, or per callback that order leaves unexplained.
//! - The trace is held in memory whole, since the checker needs a part's
//!   every event to decide it; a check the search's budget
//!   ([`TRACE_BUDGET`]) cannot decide, or whose failing part has no event
//!   to blame, is an error ([`TraceErrorKind::Undecided`]), never a pass.
//! - A step the framework judged for lacks (a purge before KMDF 1.11) is
//!   malformed, as in versions 1 and 2.

use std::collections::HashMap;
use std::io::BufRead;

use super::diag::{Finding, Subject, Summary};
use super::error::{TraceError, TraceErrorKind};
use super::trace::TraceReader;
use super::{At, Event, Names, says};
use crate::linearize::{self, Blocked, Budget, Counterexample, Verdict};
use crate::model::Model;
use crate::vocab::{
    Answered, Call, CallbackRun, History, Operation, RECORDING_ENDED, RequestId, RuleId, SendMode,
    Settings, Step, ThreadId,
};

/// A concurrent trace, read: its history, and where each of its events is.
#[derive(Clone, Debug, Default)]
pub struct ConcurrentTrace {
    /// The history the checker judges.
    pub history: History,
    /// The line of each operation of the history (a `sync` send's own).
    pub operation_lines: Vec<u64>,
    /// The line of each callback run of the history.
    pub callback_lines: Vec<u64>,
    /// The trace's name of each thread, by [`ThreadId`].
    pub threads: Vec<String>,
    /// Event lines read (a `sync` send and its answer are two).
    pub events: u64,
    /// The `sync` sends that returned with no answer (operation indices):
    /// the framework must have refused them.
    pub unanswered: Vec<usize>,
}

/// The most events of one independent part of a trace
/// ([`linearize::parts`]) the checker searches: its memory grows with the
/// square of a part's length.
pub const PART_EVENTS_MAX: usize = 10_000;

/// A `sync` send read and not yet joined with its answer.
struct SyncSend {
    /// Its index in the operations.
    index: usize,
    request: RequestId,
    line: u64,
}

/// Reads the rest of a concurrent trace from `reader`, whose header said
/// version 3: every event, checked for the order and introduction rules of
/// the module docs, with each `sync` send joined with its answer.
pub fn read<R: BufRead>(reader: &mut TraceReader<R>) -> Result<ConcurrentTrace, TraceError> {
    let mut trace = ConcurrentTrace::default();
    let mut threads: HashMap<String, ThreadId> = HashMap::new();
    // When each request's introduction returned (`None`: it never did).
    let mut introduced: HashMap<RequestId, Option<u64>> = HashMap::new();
    let mut sync_sends = Vec::new();
    let mut before: Option<(u64, u64)> = None;
    while let Some((line, event)) = reader.next_event()? {
        // Every name is kept: the whole trace is judged at its end.
        reader.keep_forgotten();
        let error = |kind| TraceError {
            file: reader.file().to_owned(),
            line,
            kind,
        };
        // INVARIANT: the reader reads a timing on every line of a
        // version 3 trace.
        let timing = reader
            .timing()
            .cloned()
            .expect("a concurrent trace's timing");
        if let Some((at, line)) = before.filter(|&(at, _)| timing.call <= at) {
            return Err(error(TraceErrorKind::CallOutOfOrder {
                call: timing.call,
                before: at,
                line,
            }));
        }
        before = Some((timing.call, line));
        if let Some(returned) = timing.returned.filter(|&r| r <= timing.call) {
            return Err(error(TraceErrorKind::ReturnNotAfterCall {
                call: timing.call,
                returned,
            }));
        }
        let count = threads.len();
        let thread = *threads.entry(timing.thread.clone()).or_insert_with(|| {
            trace.threads.push(timing.thread.clone());
            ThreadId(u32::try_from(count).unwrap_or(u32::MAX))
        });
        let introduces = matches!(
            event,
            Event::Step(Step::Create { .. } | Step::Receive { .. })
        );
        if let Some(request) = event.request() {
            if introduces {
                introduced.insert(request, timing.returned);
            } else {
                match introduced.get(&request).copied().flatten() {
                    Some(returned) if returned < timing.call => {}
                    returned => {
                        return Err(error(TraceErrorKind::UsedBeforeIntroduced {
                            name: reader.names().request(request).to_owned(),
                            call: timing.call,
                            returned,
                        }));
                    }
                }
            }
        }
        trace.events += 1;
        let (step, answered) = match event {
            Event::Callback(delivery) => {
                trace.history.callbacks.push(CallbackRun {
                    thread,
                    at: timing.call,
                    delivery,
                });
                trace.callback_lines.push(line);
                continue;
            }
            Event::Status {
                request,
                value,
                information,
            } => (
                Step::Call {
                    request,
                    call: Call::ReadStatus,
                },
                Answered::Legal {
                    status: value,
                    information,
                },
            ),
            Event::SyncSend {
                request,
                target,
                timeout,
                ignore_state,
                ..
            } => {
                sync_sends.push(SyncSend {
                    index: trace.history.operations.len(),
                    request,
                    line,
                });
                // The answer is filled in by `join`.
                let step = Step::Call {
                    request,
                    call: Call::Send {
                        target,
                        mode: SendMode::Async,
                        timeout,
                        ignore_state,
                    },
                };
                (step, legal())
            }
            Event::Step(step) => (
                step,
                if introduces {
                    Answered::Introduced
                } else {
                    legal()
                },
            ),
        };
        trace.history.operations.push(Operation {
            thread,
            step,
            invoked: timing.call,
            // The driver made the call: placed and judged, returned or not.
            returned: Some((timing.returned.unwrap_or(RECORDING_ENDED), answered)),
        });
        trace.operation_lines.push(line);
    }
    join(&mut trace, sync_sends).map_err(|(line, kind)| TraceError {
        file: reader.file().to_owned(),
        line,
        kind,
    })?;
    Ok(trace)
}

/// What a recorded step answered: nothing recorded, so it must be legal.
fn legal() -> Answered {
    Answered::Legal {
        status: None,
        information: None,
    }
}

/// Joins each `sync` send with its answer (the module docs say which),
/// taking the answering `target_complete` out of the operations.
fn join(
    trace: &mut ConcurrentTrace,
    sync_sends: Vec<SyncSend>,
) -> Result<(), (u64, TraceErrorKind)> {
    let operations = &mut trace.history.operations;
    let mut dropped: Vec<usize> = Vec::new();
    let mut unanswered: Vec<usize> = Vec::new();
    for send in &sync_sends {
        let op = operations[send.index];
        let end = op.returned.map_or(RECORDING_ENDED, |(at, _)| at);
        let answer = operations
            .iter()
            .enumerate()
            .find_map(|(index, other)| match other.step {
                Step::TargetComplete {
                    request,
                    completion,
                } if request == send.request
                    && other.invoked > op.invoked
                    && other.invoked < end
                    && !dropped.contains(&index) =>
                {
                    Some((index, completion))
                }
                _ => None,
            });
        match answer {
            Some((answer, completion)) => {
                let joined = &mut operations[send.index];
                if let Step::Call {
                    call: Call::Send { mode, .. },
                    ..
                } = &mut joined.step
                {
                    *mode = SendMode::Sync(completion);
                }
                // The send and its answer are one step, which had taken
                // effect once the answer returned.
                let answered = operations[answer].returned.map(|(at, _)| at);
                if let (Some((end, _)), Some(answered)) =
                    (&mut operations[send.index].returned, answered)
                {
                    *end = (*end).min(answered);
                }
                dropped.push(answer);
            }
            // Returned at once, unanswered: the framework must have
            // refused it (judged in the order found, `judge`). Its answer
            // is never read then.
            None if end != RECORDING_ENDED => {
                if let Step::Call {
                    call: Call::Send { mode, .. },
                    ..
                } = &mut operations[send.index].step
                {
                    *mode = SendMode::Sync(crate::vocab::Completion::SUCCESS);
                }
                unanswered.push(send.index);
            }
            None => return Err((send.line, TraceErrorKind::SyncSendUnansweredDuring)),
        }
    }
    dropped.sort_unstable();
    for index in dropped.iter().rev() {
        operations.remove(*index);
        trace.operation_lines.remove(*index);
    }
    // Indices past a removed answer move down.
    trace.unanswered = unanswered
        .into_iter()
        .map(|i| i - dropped.iter().filter(|&&d| d < i).count())
        .collect();
    Ok(())
}

/// Judges a concurrent trace read by [`read`] for `settings`, passing each
/// finding to `sink`; the summary counts them.
pub fn judge(
    file: &str,
    trace: &ConcurrentTrace,
    names: &Names,
    settings: Settings,
    sink: &mut dyn FnMut(&Finding),
) -> Result<Summary, TraceError> {
    let mut summary = Summary {
        settings,
        format: super::header::FORMAT_CONCURRENT,
        events: trace.events,
        ..Summary::default()
    };
    let undecided = |kind| TraceError {
        file: file.to_owned(),
        line: 0,
        kind,
    };
    if let Some(part) = linearize::parts(&trace.history)
        .into_iter()
        .find(|part| part.operations.len() > PART_EVENTS_MAX)
    {
        let first = trace.operation_lines[part.operations[0]];
        return Err(undecided(TraceErrorKind::Undecided {
            why: format!(
                "the {} events of the part starting on line {first} (its requests, and the \
                 targets changed that they name) are more than the {PART_EVENTS_MAX} the \
                 checker searches in one part",
                part.operations.len()
            ),
        }));
    }
    // A step the framework judged for does not have is malformed, as in
    // versions 1 and 2.
    let model = Model::with_settings(settings);
    for (index, op) in trace.history.operations.iter().enumerate() {
        if let Step::Target { change, .. } = op.step
            && !model.step_is_available(&op.step)
        {
            return Err(TraceError {
                file: file.to_owned(),
                line: trace.operation_lines[index],
                kind: TraceErrorKind::Unavailable {
                    function: change.op().kmdf(),
                },
            });
        }
    }
    let verdict = linearize::check(&trace.history, settings, TRACE_BUDGET)
        .map_err(|e| undecided(TraceErrorKind::Undecided { why: e.to_string() }))?;
    let found = match verdict {
        Verdict::Linearizable { orders } => unanswered_accepted(trace, names, settings, &orders),
        Verdict::Unknown { explored } => {
            return Err(undecided(TraceErrorKind::Undecided {
                why: format!(
                    "the search explored {explored} states without deciding (its budget is {})",
                    TRACE_BUDGET.states
                ),
            }));
        }
        Verdict::NotLinearizable(counterexample) => {
            let found = findings(trace, names, &counterexample);
            if found.is_empty() {
                // No order, and no event to blame: never a pass.
                let why: Vec<String> = counterexample
                    .blocked
                    .iter()
                    .map(|(i, blocked)| format!("line {}: {blocked}", trace.operation_lines[*i]))
                    .collect();
                return Err(undecided(TraceErrorKind::Undecided {
                    why: format!("no order explains the trace ({})", why.join("; ")),
                }));
            }
            found
        }
    };
    for finding in found {
        summary.count(&finding);
        sink(&finding);
    }
    Ok(summary)
}

/// The states the checker may explore for a trace: fewer than the
/// harness's [`Budget::DEFAULT`], since a trace's part may be thousands of
/// events long and each state remembered holds a bit per event.
pub const TRACE_BUDGET: Budget = Budget { states: 100_000 };

/// `sync-send-unanswered` for each `sync` send that returned with no
/// answer and that the order found has the framework accept: accepted, it
/// would have returned only after its target finished it.
fn unanswered_accepted(
    trace: &ConcurrentTrace,
    names: &Names,
    settings: Settings,
    orders: &[Vec<usize>],
) -> Vec<Finding> {
    let mut found = Vec::new();
    linearize::judge_orders(&trace.history, settings, orders, |index, judgement| {
        let op = &trace.history.operations[index];
        if trace.unanswered.contains(&index)
            && judgement.outcome.is_ok()
            && !judgement.is_unjudged()
        {
            let rule = RuleId::SyncSendUnanswered;
            let at = At {
                line: trace.operation_lines[index],
                names,
            };
            // INVARIANT: a send names a request.
            let subject = at.subject(op.step.request().expect("a request"));
            found.push(Finding {
                line: at.line,
                rule,
                message: format!(
                    "{subject}, `send`: {} The framework accepts this send where the \
                         order found places it, and no `target_complete` of the request was \
                         invoked while it was in progress.",
                    says(rule)
                ),
                subject,
            });
        }
    });
    found
}

/// The findings of a part no order explains.
fn findings(
    trace: &ConcurrentTrace,
    names: &Names,
    counterexample: &Counterexample,
) -> Vec<Finding> {
    let history = &trace.history;
    let lines = |ops: &[usize]| {
        let lines: Vec<u64> = ops.iter().map(|&i| trace.operation_lines[i]).collect();
        runs(&lines)
    };
    let all = counterexample.longest.len() == counterexample.operations.len();
    let context = format!(
        "No order of the {} events on lines {} explains them: {}",
        counterexample.operations.len(),
        lines(&counterexample.operations),
        if all {
            format!(
                "in the order of lines {}, which the framework accepts,",
                lines(&counterexample.longest)
            )
        } else {
            format!(
                "after lines {} (the longest order the framework accepts),",
                lines(&counterexample.longest)
            )
        }
    );
    let mut found = Vec::new();
    for (index, blocked) in &counterexample.blocked {
        let op = &history.operations[*index];
        let at = At {
            line: trace.operation_lines[*index],
            names,
        };
        let (subject, op_name) = match op.step {
            Step::Target { target, .. } => (
                Subject::Target(names.target(target).to_owned()),
                op.step.name(),
            ),
            step => (
                // INVARIANT: every other step names a request.
                at.subject(step.request().expect("a request")),
                step.name(),
            ),
        };
        let thread = &trace.threads[op.thread.0 as usize];
        let (rule, why) = match blocked {
            Blocked::Breaks(rule) => (*rule, format!("it breaks `{rule}` there")),
            Blocked::Accepted {
                rule: Some(rule),
                expected,
                answered,
            } => (
                *rule,
                format!(
                    "the framework returns {} there, and it {answered}",
                    linearize::in_words(expected)
                ),
            ),
            Blocked::CallbackNotRun(delivery) => (
                RuleId::CallbackMissing,
                format!(
                    "the framework invokes {} there, and no such callback ran while it could",
                    at.delivery(delivery)
                ),
            ),
            // Not a recorded step's answer (those are legal or not), or
            // ill-formed, which the reader's checks rule out.
            _ => continue,
        };
        found.push(Finding {
            line: at.line,
            rule,
            message: format!(
                "{subject}, `{op_name}` on thread `{thread}`: {} {context} {why}.",
                says(rule)
            ),
            subject,
        });
    }
    for &index in &counterexample.unexplained {
        let run = &history.callbacks[index];
        let at = At {
            line: trace.callback_lines[index],
            names,
        };
        let twins: Vec<u64> = history
            .callbacks
            .iter()
            .enumerate()
            .filter(|&(other, o)| other != index && o.delivery == run.delivery)
            .map(|(other, _)| trace.callback_lines[other])
            .collect();
        let rule = if twins.is_empty() {
            RuleId::CallbackWithoutSend
        } else {
            RuleId::CallbackTwice
        };
        let also = if twins.is_empty() {
            String::new()
        } else {
            let s = if twins.len() == 1 { "" } else { "s" };
            format!(
                " (the same routine ran with the same completion on line{s} {})",
                runs(&twins)
            )
        };
        let subject = at.subject(run.delivery.request);
        let thread = &trace.threads[run.thread.0 as usize];
        found.push(Finding {
            line: at.line,
            rule,
            message: format!(
                "{subject}, `callback` on thread `{thread}`: {} {context} no event owes {}{also}.",
                says(rule),
                at.delivery(&run.delivery)
            ),
            subject,
        });
    }
    found.sort_by_key(|f| f.line);
    found
}

/// Line numbers, in their order, with each run of consecutive ones written
/// as a range: `2-7, 9, 12-14`.
fn runs(lines: &[u64]) -> String {
    let mut runs: Vec<(u64, u64)> = Vec::new();
    for &line in lines {
        match runs.last_mut() {
            Some((_, end)) if *end + 1 == line => *end = line,
            _ => runs.push((line, line)),
        }
    }
    if runs.is_empty() {
        return "none".to_owned();
    }
    runs.iter()
        .map(|&(start, end)| {
            if start == end {
                start.to_string()
            } else {
                format!("{start}-{end}")
            }
        })
        .collect::<Vec<_>>()
        .join(", ")
}

#[cfg(test)]
mod tests {
    use super::runs;

    #[test]
    fn runs_of_consecutive_lines_are_ranges_in_their_order() {
        assert_eq!(runs(&[2, 3, 4, 6, 9, 10, 5]), "2-4, 6, 9-10, 5");
        assert_eq!(runs(&[]), "none");
    }
}
