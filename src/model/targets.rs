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
    Completion, RequestId, RuleId, RuleSet, SentIoAction, Settings, Status, TargetChange, TargetId,
    TargetState,
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
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Targets {
    states: BTreeMap<TargetId, TargetState>,
    next_ticket: u64,
}

impl Targets {
    /// The state of `target`.
    pub fn state(&self, target: TargetId) -> TargetState {
        self.states.get(&target).copied().unwrap_or_default()
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
///   (`DrainPendedRequestsLocked`, then `Submit` again; nothing a
///   sequential driver can do between the queueing and the start makes
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
            TargetChange::Start => request.queued = None,
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
