//! Further passes over a shrunk failure, until none shortens it.
//!
//! proptest-state-machine deletes steps in a single pass from the back, and
//! a deletion that breaks a later step's precondition is not tried again
//! once that later step is gone. Six passes finish the job:
//!
//! - whole requests: leave out one request and every step naming it;
//! - deletion: repeat single-step deletion until no step can go;
//! - simpler values: a request created with an IRP, a send without its
//!   options, completions and Reuse statuses at success with no
//!   information, Reuse without flags, a callback without a context,
//!   where the failure stays;
//! - unqueueing: an asynchronous send failed by the cancel or timeout that
//!   follows it (queued at a stopped target) is one synchronous send
//!   answered cancelled, without the stop;
//! - transplanting: a Reuse left out, its status given to a later
//!   completion of its request;
//! - merging: an asynchronous send followed, on its request, by its
//!   target's completion is one synchronous send with that answer, in the
//!   send's place or the completion's; the merged sequence has one step
//!   fewer for the same events. Shrinking only deletes, so it can never
//!   find this spelling by itself.
//!
//! A candidate is kept only when it is well-formed and still fails the same
//! way: the same kind of divergence, breaking the same rule
//! ([`Divergence::same_failure`]).

use super::conformance::Conformance;
use super::divergence::Divergence;
use super::run::execute_watched;
use super::watch::Watch;
use crate::model::Model;
use crate::vocab::{
    Call, Completion, RequestId, ReuseFlags, SendMode, Settings, Status, Step, TargetId,
};
use std::sync::Arc;

/// Shortens `failing` while it still diverges the same way.
pub fn delete_steps<I: Conformance>(
    failing: (Vec<Step>, Divergence),
    settings: Settings,
    make: &dyn Fn() -> I,
) -> (Vec<Step>, Divergence) {
    shrink(failing, settings, make, None)
}

/// [`delete_steps`], each attempt marked on `watch` (if given) for a
/// hunt's watchdog.
pub(crate) fn shrink<I: Conformance>(
    failing: (Vec<Step>, Divergence),
    settings: Settings,
    make: &dyn Fn() -> I,
    watch: Option<&Arc<Watch>>,
) -> (Vec<Step>, Divergence) {
    let (mut steps, mut divergence) = failing;
    // Steps after the divergence never matter.
    steps.truncate(divergence.step + 1);
    let still_fails = |candidate: Vec<Step>, divergence: &Divergence| {
        if !well_formed(settings, &candidate) {
            return None;
        }
        // A build that panics here fails differently (before any step):
        // the candidate does not keep the failure.
        if let Some(watch) = watch {
            watch.begin_attempt(&candidate);
        }
        let implementation = super::run::build(make).ok()?;
        let found =
            execute_watched(implementation, settings, &candidate, None, None, watch).err()?;
        found.same_failure(divergence).then(|| {
            let mut candidate = candidate;
            candidate.truncate(found.step + 1);
            (candidate, found)
        })
    };
    loop {
        let before = steps.len();
        // Whole requests first: a long sequence sheds the requests that
        // play no part in one try each.
        for candidate in without_each_request(&steps) {
            if candidate.len() < steps.len()
                && let Some(shorter) = still_fails(candidate, &divergence)
            {
                (steps, divergence) = shorter;
            }
        }
        let mut index = steps.len();
        while index > 0 {
            index -= 1;
            let mut candidate = steps.clone();
            candidate.remove(index);
            if let Some(shorter) = still_fails(candidate, &divergence) {
                (steps, divergence) = shorter;
                index = index.min(steps.len());
            }
        }
        for candidate in merged_sends(&steps)
            .into_iter()
            .chain(unqueued_sends(&steps))
            .chain(transplanted_statuses(&steps))
        {
            if let Some(shorter) = still_fails(candidate, &divergence) {
                (steps, divergence) = shorter;
                break;
            }
        }
        // Simpler values shorten nothing themselves, but may let a step go
        // on the next round: each only ever moves one way, so the rounds
        // end.
        let mut simplified = false;
        for candidate in simpler_values(&steps) {
            if let Some(simpler) = still_fails(candidate, &divergence) {
                (steps, divergence) = simpler;
                simplified = true;
                break;
            }
        }
        if steps.len() == before && !simplified {
            return (steps, divergence);
        }
    }
}

/// Every sequence made from `steps` by reading an asynchronous send and
/// the cancel or timeout that is the next step on its request as one
/// synchronous send answered cancelled (with the send's timeout): what a
/// send queued at a stopped target and failed there by a cancel or its
/// timeout amounts to. Each comes twice: as it is, and without the changes
/// of the send's target before it (the stop that queued it), which a
/// synchronous send must not meet.
fn unqueued_sends(steps: &[Step]) -> Vec<Vec<Step>> {
    let mut candidates = Vec::new();
    for send in async_sends(steps) {
        let failed = matches!(
            steps[send.next],
            Step::TimedOut { .. }
                | Step::Call {
                    call: Call::Cancel,
                    ..
                }
        );
        if !failed {
            continue;
        }
        let mut candidate = steps.to_vec();
        candidate[send.at] = send.answered(Completion::new(Status::CANCELLED, 0));
        candidate.remove(send.next);
        let unstopped: Vec<Step> = candidate
            .iter()
            .enumerate()
            .filter(|(i, s)| {
                *i > send.at || !matches!(s, Step::Target { target: t, .. } if *t == send.target)
            })
            .map(|(_, s)| *s)
            .collect();
        candidates.push(candidate);
        candidates.push(unstopped);
    }
    candidates
}

/// An asynchronous send in a sequence, at `at`, whose request's next step
/// is at `next`.
struct AsyncSend {
    at: usize,
    next: usize,
    request: RequestId,
    target: TargetId,
    timeout: bool,
    ignore_state: bool,
}

impl AsyncSend {
    /// The same send, synchronous and answered with `answer`.
    fn answered(&self, answer: Completion) -> Step {
        Step::Call {
            request: self.request,
            call: Call::Send {
                target: self.target,
                mode: SendMode::Sync(answer),
                timeout: self.timeout,
                ignore_state: self.ignore_state,
            },
        }
    }
}

/// Every asynchronous send of `steps` that its request has a later step
/// after.
fn async_sends(steps: &[Step]) -> Vec<AsyncSend> {
    let mut sends = Vec::new();
    for (at, step) in steps.iter().enumerate() {
        let Step::Call {
            request,
            call:
                Call::Send {
                    target,
                    mode: SendMode::Async,
                    timeout,
                    ignore_state,
                },
        } = *step
        else {
            continue;
        };
        let next = steps[at + 1..]
            .iter()
            .position(|s| s.request() == Some(request))
            .map(|offset| at + 1 + offset);
        if let Some(next) = next {
            sends.push(AsyncSend {
                at,
                next,
                request,
                target,
                timeout,
                ignore_state,
            });
        }
    }
    sends
}

/// Every sequence made from `steps` by making one step's arguments
/// simpler, one way only, toward the simplest value: a request created
/// (with an IRP) rather than received, or created without one; a send without a timeout or without
/// ignoring the target's state; a completion (a target's, a synchronous
/// send's answer, a Complete) with success and no information, or else
/// with no information; a Reuse with success and no flags; a callback
/// registered without a context.
fn simpler_values(steps: &[Step]) -> Vec<Vec<Step>> {
    let mut candidates = Vec::new();
    for (at, step) in steps.iter().enumerate() {
        for simpler in simpler_step(step) {
            let mut candidate = steps.to_vec();
            candidate[at] = simpler;
            candidates.push(candidate);
        }
    }
    candidates
}

/// The simpler spellings of `step`, simplest first.
fn simpler_step(step: &Step) -> Vec<Step> {
    match *step {
        Step::Create {
            request,
            irp: false,
        } => vec![Step::Create { request, irp: true }],
        // A request the driver creates needs less than one a queue
        // presents (no callback before an asynchronous send).
        Step::Receive { request, .. } => vec![Step::Create { request, irp: true }],
        Step::TargetComplete {
            request,
            completion,
        } => simpler_completions(completion)
            .into_iter()
            .map(|completion| Step::TargetComplete {
                request,
                completion,
            })
            .collect(),
        Step::Call { request, call } => {
            let calls = match call {
                Call::Send {
                    target,
                    mode,
                    timeout,
                    ignore_state,
                } => {
                    let mut calls = Vec::new();
                    if timeout || ignore_state {
                        calls.push(Call::Send {
                            target,
                            mode,
                            timeout: false,
                            ignore_state: false,
                        });
                    }
                    if let SendMode::Sync(answer) = mode {
                        calls.extend(simpler_completions(answer).into_iter().map(|answer| {
                            Call::Send {
                                target,
                                mode: SendMode::Sync(answer),
                                timeout,
                                ignore_state,
                            }
                        }));
                    }
                    calls
                }
                Call::Complete {
                    status,
                    information,
                } => simpler_completions(Completion::new(status, information))
                    .into_iter()
                    .map(|c| Call::Complete {
                        status: c.status,
                        information: c.information,
                    })
                    .collect(),
                Call::Reuse { status, flags }
                    if status != Status::SUCCESS || flags != ReuseFlags::NONE =>
                {
                    vec![Call::Reuse {
                        status: Status::SUCCESS,
                        flags: ReuseFlags::NONE,
                    }]
                }
                Call::SetCompletionCallback {
                    callback,
                    context: Some(_),
                } => vec![Call::SetCompletionCallback {
                    callback,
                    context: None,
                }],
                _ => Vec::new(),
            };
            calls
                .into_iter()
                .map(|call| Step::Call { request, call })
                .collect()
        }
        _ => Vec::new(),
    }
}

/// Simpler completions than `completion`: success with no information,
/// then the same status with no information.
fn simpler_completions(completion: Completion) -> Vec<Completion> {
    let mut simpler = Vec::new();
    if completion != Completion::SUCCESS {
        simpler.push(Completion::SUCCESS);
    }
    if completion.information != 0 && completion.status != Status::SUCCESS {
        simpler.push(Completion::new(completion.status, 0));
    }
    simpler
}

/// Every sequence made from `steps` by leaving out a Reuse and giving its
/// status to a later completion of the same request (a target's, a
/// synchronous send's answer): where a failure needs the status a
/// completion reports to differ from the one before it, the Reuse that set
/// the one before can go once the completion carries it, which neither a
/// deletion nor a simpler value finds alone. Every candidate is one step
/// shorter, so the passes still end.
fn transplanted_statuses(steps: &[Step]) -> Vec<Vec<Step>> {
    let mut candidates = Vec::new();
    for (at, step) in steps.iter().enumerate() {
        let Step::Call {
            request,
            call: Call::Reuse { status, .. },
        } = *step
        else {
            continue;
        };
        for later in at + 1..steps.len() {
            let with_status =
                |completion: Completion| Completion::new(status, completion.information);
            let carried = match steps[later] {
                Step::TargetComplete {
                    request: r,
                    completion,
                } if r == request => Step::TargetComplete {
                    request,
                    completion: with_status(completion),
                },
                Step::Call {
                    request: r,
                    call:
                        Call::Send {
                            target,
                            mode: SendMode::Sync(answer),
                            timeout,
                            ignore_state,
                        },
                } if r == request => Step::Call {
                    request,
                    call: Call::Send {
                        target,
                        mode: SendMode::Sync(with_status(answer)),
                        timeout,
                        ignore_state,
                    },
                },
                _ => continue,
            };
            let mut candidate = steps.to_vec();
            candidate[later] = carried;
            candidate.remove(at);
            candidates.push(candidate);
        }
    }
    candidates
}

/// Every sequence made from `steps` by leaving out one request and every
/// step that names it, in the order the requests first appear.
fn without_each_request(steps: &[Step]) -> Vec<Vec<Step>> {
    let mut requests = Vec::new();
    for request in steps.iter().filter_map(Step::request) {
        if !requests.contains(&request) {
            requests.push(request);
        }
    }
    requests
        .into_iter()
        .map(|gone| {
            steps
                .iter()
                .filter(|s| s.request() != Some(gone))
                .copied()
                .collect()
        })
        .collect()
}

/// Every sequence made from `steps` by merging one asynchronous send with
/// the completion that is the next step on its request into a synchronous
/// send answered with that completion, in the send's place or in the
/// completion's (what happens between them may need the send before it, or
/// the completion after it).
fn merged_sends(steps: &[Step]) -> Vec<Vec<Step>> {
    let mut candidates = Vec::new();
    for send in async_sends(steps) {
        let Step::TargetComplete { completion, .. } = steps[send.next] else {
            continue;
        };
        let merged = send.answered(completion);
        let mut at_send = steps.to_vec();
        at_send[send.at] = merged;
        at_send.remove(send.next);
        candidates.push(at_send);
        let mut at_completion = steps.to_vec();
        at_completion[send.next] = merged;
        at_completion.remove(send.at);
        candidates.push(at_completion);
    }
    candidates
}

/// Whether every step names a request introduced earlier, no request is
/// introduced twice, and the framework of `settings` has every step (a
/// purge exists from KMDF 1.11 only).
pub fn well_formed(settings: Settings, steps: &[Step]) -> bool {
    let mut model = Model::with_settings(settings);
    steps.iter().all(|step| model.step(step).is_ok())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::vocab::build::{
        R0, R1, cancel, create, reuse, send, send_sync, set_completion, target_completes,
    };
    use crate::vocab::{RequestId, Status};

    #[test]
    fn an_async_send_and_its_completion_merge_into_one_sync_send() {
        let done = target_completes(R0, Status::CANCELLED, 3);
        let steps = vec![create(R0), create(R1), send(R0), create(RequestId(2)), done];
        let merged = merged_sends(&steps);
        let sync = send_sync(R0, Status::CANCELLED, 3);
        // In the send's place, and in the completion's.
        assert_eq!(merged.len(), 2);
        assert_eq!(merged[0], vec![steps[0], steps[1], sync, steps[3]]);
        assert_eq!(merged[1], vec![steps[0], steps[1], steps[3], sync]);
        // A send whose next step on its request is no completion stays.
        let interrupted = [steps[0], steps[2], cancel(R0), done];
        assert!(merged_sends(&interrupted).is_empty());
    }

    #[test]
    fn each_request_can_be_left_out_with_all_its_steps() {
        let steps = vec![create(R0), create(R1), send(R0), cancel(R1), cancel(R0)];
        let without = without_each_request(&steps);
        assert_eq!(without.len(), 2);
        assert_eq!(without[0], vec![create(R1), cancel(R1)]);
        assert_eq!(without[1], vec![create(R0), send(R0), cancel(R0)]);
    }

    #[test]
    fn a_reuse_gives_its_status_to_a_later_completion_of_its_request_and_goes() {
        let steps = vec![
            create(R0),
            reuse(R0, Status::CANCELLED),
            create(R1),
            send(R0),
            target_completes(R1, Status::SUCCESS, 0),
            target_completes(R0, Status::SUCCESS, 7),
        ];
        assert_eq!(
            transplanted_statuses(&steps),
            vec![vec![
                steps[0],
                steps[2],
                steps[3],
                steps[4],
                target_completes(R0, Status::CANCELLED, 7),
            ]]
        );
    }

    #[test]
    fn values_simplify_one_way_toward_success_no_information_no_flags_no_context() {
        let done = target_completes(R0, Status::CANCELLED, 3);
        let steps = vec![create(R0), set_completion(R0, 1, Some(2)), done];
        let simpler = simpler_values(&steps);
        assert_eq!(
            simpler,
            vec![
                vec![steps[0], set_completion(R0, 1, None), done],
                vec![steps[0], steps[1], target_completes(R0, Status::SUCCESS, 0)],
                vec![
                    steps[0],
                    steps[1],
                    target_completes(R0, Status::CANCELLED, 0)
                ],
            ]
        );
        // The simplest values have nothing simpler: the rounds end.
        let simplest = vec![
            create(R0),
            set_completion(R0, 1, None),
            reuse(R0, Status::SUCCESS),
            send_sync(R0, Status::SUCCESS, 0),
            target_completes(R0, Status::SUCCESS, 0),
        ];
        assert!(simpler_values(&simplest).is_empty());
        assert_eq!(
            simpler_step(&reuse(R0, Status::CANCELLED)),
            vec![reuse(R0, Status::SUCCESS)]
        );
    }
}
