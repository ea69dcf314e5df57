//! The I/O targets as the specification sees them: each one's state
//! ([`TargetState`]), which decides what a send to it does, and what a
//! change of that state does to the requests queued at it or sent to it
//! ([`target_change`]).
//!
//! Sources: `FxIoTarget::SubmitLocked` (what a send does in each state),
//! `GotoStartState`, `GotoStopState`, `GotoPurgeState`, `GotoRemoveState`
//! and `FailPendedRequest` in
//! `src/framework/shared/targets/general/fxiotarget.cpp`. A change that
//! waits (a stop that waits for sent I/O, a purge or close waiting for
//! what it cancelled) is taken without the wait: the requests it waits
//! for stay outstanding, and their targets finish them as later steps.

use std::collections::BTreeMap;

use super::Judgement;
use super::calls::{cancelled, finish};
use super::request::{Life, Request};
use crate::vocab::{
    Call, Completion, RequestId, RuleId, RuleSet, SentIoAction, Settings, Status, TargetChange,
    TargetId, TargetState,
};

/// Every I/O target a sequence has named, with its state, and the order
/// in which requests were queued at stopped targets.
///
/// # Invariants
///
/// - A target not in `states` is started: every target starts so, and
///   a sequence names targets only by sending to them or changing them.
/// - `next_ticket` is above every [`Request::queued`] handed out, so a
///   target's queue is the order of the tickets.
/// - `removing` is the target the call being judged names, when that
///   target is closed and still has sends out (set by `Targets::refresh`
///   before every call on a request, which is the only time it is read):
///   the close waits for those sends, and until the last one comes back
///   the target keeps its device (`m_Removing`).
/// - `uncertain` is that target when whether it is still removing is not
///   known: no defined send is out, but a request left undefined while it
///   was out may still be, or one sent there after it was left undefined
///   (`undefined_sent`; set and read as `removing` is).
/// - `undefined_sent` holds every target a request was sent to while its
///   state was undefined: where threads make every call, the send may have
///   gone through, and the request may still be out there.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
pub struct Targets {
    states: BTreeMap<TargetId, TargetState>,
    next_ticket: u64,
    removing: Option<TargetId>,
    uncertain: Option<TargetId>,
    undefined_sent: std::collections::BTreeSet<TargetId>,
}

impl Targets {
    /// The state of `target`.
    pub fn state(&self, target: TargetId) -> TargetState {
        self.states.get(&target).copied().unwrap_or_default()
    }

    /// Whether `target` is closed and has no send out any more: its device
    /// is gone (`GotoRemoveState`, then `ClearTargetPointers` when the last
    /// sent request comes back, fxiotarget.cpp:1049 and 1992-2003). Until
    /// then a closed target still formats requests and takes sends that
    /// ignore its state.
    pub fn closed_for_good(&self, target: TargetId) -> bool {
        self.state(target) == TargetState::Closed && self.removing != Some(target)
    }

    /// Recomputes whether the target `call` names is closed with sends
    /// still out, the one question about other requests a call on a
    /// request asks ([`Targets::closed_for_good`]). The requests are
    /// walked only when the call names a closed target.
    pub(super) fn refresh(&mut self, call: &Call, requests: &BTreeMap<RequestId, Request>) {
        let named = match *call {
            Call::Format { target, .. } => target,
            Call::Send { target, .. } => Some(target),
            _ => None,
        };
        let closed = named.filter(|target| self.state(*target) == TargetState::Closed);
        let at = |target: TargetId, r: &Request| r.target == Some(target);
        let defined = closed.is_some_and(|target| {
            requests
                .values()
                .any(|r| r.life == Life::Outstanding && r.queued.is_none() && at(target, r))
        });
        // Queued or not: a request left undefined while queued at a stopped
        // target may have been sent when it started.
        let undefined = closed.is_some_and(|target| {
            self.undefined_sent.contains(&target)
                || requests
                    .values()
                    .any(|r| r.life == Life::Undefined && at(target, r))
        });
        self.removing = closed.filter(|_| defined);
        // A request left undefined while it was out may have come back or
        // not: nothing says which, whether the step that made it undefined
        // was performed (threads at once make every call) or not (the
        // sequential harness makes none for it). So whether the target
        // still has its device is not known either.
        self.uncertain = closed.filter(|_| !defined && undefined);
    }

    /// A request whose state is undefined was sent to `target`: it may be
    /// out there from now on.
    pub(super) fn sent_undefined(&mut self, target: TargetId) {
        self.undefined_sent.insert(target);
    }

    /// Whether nothing says if `target` is closed for good: it is closed,
    /// with no defined send out, and a request left undefined while it was
    /// out may still be (`Targets::refresh`).
    pub fn uncertain(&self, target: TargetId) -> bool {
        self.uncertain == Some(target)
    }

    /// A place at the end of a stopped target's queue.
    pub(super) fn ticket(&mut self) -> u64 {
        self.next_ticket += 1;
        self.next_ticket
    }
}

/// Judges the driver's `change` of `target` and applies it to the target
/// and to every request queued at it or sent to it. The framework refuses
/// no state change (one that does not apply in the target's state is
/// logged, and its actions are still taken), so the step is always
/// accepted; what it owes is the callbacks of the queued requests it fails,
/// oldest first.
///
/// - Start: the queued requests are sent, oldest first
///   (`DrainPendedRequestsLocked`, which stops their timers, then `Submit`
///   again with no options, so no timeout runs for them any more; nothing
///   a sequential driver can do between the queueing and the start makes
///   that resubmission fail).
/// - Stop: with [`SentIoAction::Cancel`], every request sent to the target
///   (not ignoring its state) is cancelled, as `CancelSentRequest` cancels
///   it: the cancel sticks until Reuse, and the send stays outstanding.
/// - Purge and close: every queued request fails with
///   `STATUS_WDF_DEVICE_REMOVED_NOT_SENT` and information 0, its callback
///   invoked (`CompletePendedRequest` → `FailPendedRequest`); every sent
///   one is cancelled; a close cancels those sent ignoring the state too.
pub fn target_change(
    settings: &Settings,
    targets: &mut Targets,
    requests: &mut BTreeMap<RequestId, Request>,
    target: TargetId,
    change: TargetChange,
) -> Judgement {
    let mut judgement = Judgement::accepted(super::ExpectedReply::Done);
    let mut queued: Vec<(u64, RequestId)> = requests
        .iter()
        .filter(|(_, r)| r.life == Life::Outstanding && r.target == Some(target))
        .filter_map(|(id, r)| r.queued.map(|ticket| (ticket, *id)))
        .collect();
    queued.sort_unstable();
    let cancels = |r: &Request| match change {
        TargetChange::Stop(SentIoAction::Cancel) | TargetChange::Purge => !r.ignores_state,
        TargetChange::Close => true,
        TargetChange::Start | TargetChange::Stop(SentIoAction::Leave) => false,
    };
    for request in requests.values_mut() {
        let sent_here = request.life == Life::Outstanding
            && request.target == Some(target)
            && request.queued.is_none();
        if sent_here && cancels(request) {
            cancelled(settings, request);
        }
    }
    for (_, id) in queued {
        // INVARIANT: collected from `requests` above.
        let request = requests.get_mut(&id).expect("a queued request is known");
        match change {
            // DrainPendedRequestsLocked stops the queued send's timer, and
            // SubmitPendedRequest resubmits it with no options: no timer
            // runs for it any more.
            TargetChange::Start => {
                request.queued = None;
                request.timer_armed = false;
            }
            TargetChange::Purge | TargetChange::Close => {
                let failed = Completion::new(Status::WDF_DEVICE_REMOVED_NOT_SENT, 0);
                let finished = finish(settings, request, id, failed);
                judgement.at_stake.extend(finished.at_stake);
                if let Ok(accepted) = finished.outcome {
                    judgement.deliveries_mut().extend(accepted.deliveries);
                }
            }
            TargetChange::Stop(_) => {}
        }
    }
    // A request left undefined while queued here is still queued in the
    // implementation, which was not asked to perform the undefined step:
    // its place follows the change, so that whether the target still has
    // sends out (`Targets::refresh`) agrees; nothing else of it is judged.
    for request in requests.values_mut() {
        let queued_here = request.life == Life::Undefined
            && request.target == Some(target)
            && request.queued.is_some();
        match change {
            TargetChange::Start if queued_here => request.queued = None,
            TargetChange::Purge | TargetChange::Close if queued_here => {
                request.queued = None;
                request.target = None;
            }
            _ => {}
        }
    }
    targets
        .states
        .insert(target, targets.state(target).after(change));
    if !judgement.deliveries().is_empty() {
        judgement.at_stake.insert(RuleId::CallbackMissing);
    }
    judgement
        .at_stake
        .extend(RuleSet::of(RuleId::CallbackWithoutSend));
    judgement
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{ExpectedReply, Model, SequenceError};
    use crate::vocab::build::*;
    use crate::vocab::{Delivery, Flavor, FrameworkVersion, Step};

    const KMDF: Settings = Settings {
        flavor: Flavor::Kmdf,
        version: FrameworkVersion::V1_33,
        verifier: true,
    };
    const T1: TargetId = TargetId(1);
    const R2: RequestId = RequestId(2);
    const STOP: TargetChange = TargetChange::Stop(SentIoAction::Leave);

    /// A request with callback `callback` and no context, formatted.
    fn ready(request: RequestId, callback: u32) -> [Step; 3] {
        [
            create(request),
            format(request),
            set_completion(request, callback, None),
        ]
    }

    fn run(settings: Settings, steps: &[Step]) -> (Model, Judgement) {
        let mut model = Model::with_settings(settings);
        let mut last = None;
        for step in steps {
            last = Some(model.step(step).expect("well-formed"));
        }
        (model, last.expect("a step"))
    }

    fn to(target: TargetId, request: RequestId) -> Step {
        call(
            request,
            crate::vocab::Call::Send {
                target,
                mode: crate::vocab::SendMode::Async,
                timeout: false,
                ignore_state: false,
            },
        )
    }

    /// Property: a purge fails the requests queued at its target, in the
    /// order they were queued (not their names' order), each with its own
    /// callback, and leaves those queued at another target alone.
    #[test]
    fn purge_fails_its_queue_oldest_first_and_no_other() {
        let mut steps = vec![
            Step::Target {
                target: T0,
                change: STOP,
            },
            Step::Target {
                target: T1,
                change: STOP,
            },
        ];
        steps.extend(ready(R0, 0));
        steps.extend(ready(R1, 1));
        steps.extend(ready(R2, 2));
        steps.extend([
            to(T0, R1),
            to(T0, R0),
            to(T1, R2),
            target(TargetChange::Purge),
        ]);
        let (model, purged) = run(KMDF, &steps);
        let failed = Completion::new(Status::WDF_DEVICE_REMOVED_NOT_SENT, 0);
        let got: Vec<(RequestId, u32, Completion)> = purged
            .deliveries()
            .iter()
            .map(|d: &Delivery| (d.request, d.registration.callback.0, d.completion))
            .collect();
        assert_eq!(got, vec![(R1, 1, failed), (R0, 0, failed)]);
        assert_eq!(model.request(R0).map(|r| r.life), Some(Life::Owned));
        assert!(model.request(R2).and_then(|r| r.queued).is_some());
        assert_eq!(model.target_state(T0), TargetState::Purged);
        assert_eq!(model.target_state(T1), TargetState::Stopped);
    }

    /// A start sends what was queued: the target may then finish it.
    #[test]
    fn start_sends_the_queue() {
        let mut steps = vec![target(STOP)];
        steps.extend(ready(R0, 0));
        steps.extend([send(R0), target(TargetChange::Start)]);
        let (model, started) = run(KMDF, &steps);
        assert!(started.deliveries().is_empty());
        let request = model.request(R0).expect("known");
        assert_eq!((request.life, request.queued), (Life::Outstanding, None));
        steps.push(target_completes(R0, Status::SUCCESS, 4));
        let (_, finished) = run(KMDF, &steps);
        assert_eq!(finished.deliveries().len(), 1);
    }

    /// A cancel of a queued send fails it during the call and returns
    /// TRUE; the cancel sticks (KMDF) so the next send, Reuse-less, fails.
    #[test]
    fn a_queued_send_is_cancelled_at_once() {
        let mut steps = vec![target(STOP)];
        steps.extend(ready(R0, 0));
        steps.extend([send(R0), cancel(R0)]);
        let (model, cancelled) = run(KMDF, &steps);
        let accepted = cancelled.outcome.as_ref().expect("accepted");
        assert_eq!(
            accepted.reply,
            ExpectedReply::Cancel {
                returns: Some(true)
            }
        );
        assert_eq!(
            accepted.deliveries[0].completion,
            Completion::new(Status::CANCELLED, 0)
        );
        assert!(model.request(R0).expect("known").canceled);
    }

    /// Stop with CancelSentIo and purge cancel what was sent, not what was
    /// sent ignoring the state; close cancels both.
    #[test]
    fn which_sent_requests_a_change_cancels() {
        for (change, plain, ignoring) in [
            (TargetChange::Stop(SentIoAction::Cancel), true, false),
            (STOP, false, false),
            (TargetChange::Purge, true, false),
            (TargetChange::Close, true, true),
            (TargetChange::Start, false, false),
        ] {
            let mut steps = Vec::new();
            steps.extend(ready(R0, 0));
            steps.extend(ready(R1, 1));
            steps.extend([send(R0), send_ignoring_state(R1), target(change)]);
            let (model, _) = run(KMDF, &steps);
            let canceled = |r| model.request(r).expect("known").canceled;
            assert_eq!((canceled(R0), canceled(R1)), (plain, ignoring), "{change}");
            // Still sent: the target finishes them.
            assert_eq!(model.request(R0).map(|r| r.life), Some(Life::Outstanding));
        }
    }

    /// UMDF 1 keeps no cancel state, and has no purge.
    #[test]
    fn umdf1_keeps_no_cancel_and_has_no_purge() {
        let umdf1 = Settings::default();
        let mut steps = Vec::new();
        steps.extend(ready(R0, 0));
        steps.extend([send(R0), target(TargetChange::Close)]);
        let (model, _) = run(umdf1, &steps);
        assert!(!model.request(R0).expect("known").canceled);
        let mut model = Model::with_settings(umdf1);
        assert_eq!(
            model.step(&target(TargetChange::Purge)),
            Err(SequenceError::Unavailable("WdfIoTargetPurge"))
        );
    }

    /// KMDF 1.7 without the verifier: a Reuse of a request still out is
    /// undefined there.
    const KMDF_1_7_OFF: Settings = Settings {
        flavor: Flavor::Kmdf,
        version: FrameworkVersion::V1_7,
        verifier: false,
    };

    fn close(target: TargetId) -> Step {
        Step::Target {
            target,
            change: TargetChange::Close,
        }
    }

    fn format_for(request: RequestId, target: TargetId) -> Step {
        call(
            request,
            crate::vocab::Call::Format {
                kind: crate::vocab::FormatKind::Read,
                target: Some(target),
            },
        )
    }

    /// Property: a closed target with no send out refuses a format for it,
    /// but when a request left undefined while it was out there may still
    /// be, whether the target has its device is not known, and the format
    /// is not judged (nor what follows for its request).
    #[test]
    fn a_closed_target_that_an_undefined_request_may_hold_is_not_judged() {
        let mut steps = vec![create(R0), create(R1), format_for(R0, T0), to(T0, R0)];
        steps.extend([
            target_completes(R0, Status::SUCCESS, 0),
            close(T0),
            format_for(R1, T0),
        ]);
        let (_, refused) = run(KMDF_1_7_OFF, &steps);
        assert_eq!(
            refused.outcome.map(|_| ()).map_err(|v| v.rule),
            Err(crate::vocab::RuleId::FormatTargetClosed)
        );
        let undefined = [
            create(R0),
            create(R1),
            format_for(R0, T0),
            to(T0, R0),
            close(T0),
            reuse(R0, Status::SUCCESS),
            format_for(R1, T0),
        ];
        let (model, format) = run(KMDF_1_7_OFF, &undefined);
        assert!(format.is_unjudged(), "{format:?}");
        assert_eq!(model.request(R1).map(|r| r.life), Some(Life::Undefined));
    }

    /// Property: a request already undefined, sent to a target, may be out
    /// there (threads make every call, the harness's included): once that
    /// target is closed, a format for it is not judged.
    #[test]
    fn a_target_an_undefined_request_was_sent_to_is_uncertain_once_closed() {
        let steps = [
            create(R0),
            create(R1),
            format_for(R0, T1),
            to(T1, R0),
            reuse(R0, Status::SUCCESS),
            to(T0, R0),
            close(T0),
            format_for(R1, T0),
        ];
        let (_, format) = run(KMDF_1_7_OFF, &steps);
        assert!(format.is_unjudged(), "{format:?}");
    }
}
