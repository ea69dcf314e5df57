//! Mutant `purge-drops-queued-callbacks`: a purge or close of a target fails
//! the requests queued at it without running their completion routines;
//! `callback-missing` catches it in six steps (KMDF).

use super::witness::{R0, create, format, send, set_completion, target};
use super::{Bug, Faithful, Mutant};
use crate::harness::conformance::Refusal;
use crate::vocab::{RuleId, SentIoAction, Settings, Step, TargetChange, TargetId};

/// The queue of a stopped target is emptied the short way.
///
/// # The bug
///
/// A request sent to a stopped target waits in the target's queue
/// (`FxIoTarget::PendRequestLocked`). When the target is purged or closed,
/// `FxIoTarget::CompletePendedRequest` fails each one through
/// `FailPendedRequest`, which sets `STATUS_WDF_DEVICE_REMOVED_NOT_SENT` and
/// runs the request through `RequestCompletionRoutine` as if its target had
/// finished it: the driver's routine runs. This framework completes the
/// queued IRPs directly instead, so the requests are the driver's again
/// with their failure status, and no routine is told: a driver that
/// resubmits or frees its buffers from the routine waits for ever.
///
/// # How it is caught
///
/// `callback-missing`: the purge fails a request whose callback was
/// registered and none is invoked.
///
/// Shortest sequence (6): `t0: stop; create r0; r0: format; r0: set
/// completion cb0; r0: send to t0; t0: purge`. The stop must come before
/// the send, or the send goes to the device; the callback must be
/// registered, or none is owed; the verifier refuses an unformatted send.
#[derive(Clone, Copy, Debug, Default)]
pub struct PurgeDropsQueuedCallbacks;

pub(super) const MUTANT: Mutant = Mutant {
    name: "purge-drops-queued-callbacks",
    settings: Settings::KMDF,
    description: "A purge or close of a target fails the requests queued at it without \
                  running their completion routines.",
    expected: RuleId::CallbackMissing,
    minimal_len: 6,
    also: &[],
    witness,
    make: || Box::new(PurgeDropsQueuedCallbacks),
};

fn witness() -> Vec<Step> {
    vec![
        target(TargetChange::Stop(SentIoAction::Leave)),
        create(R0),
        format(R0),
        set_completion(R0, 0, None),
        send(R0),
        target(TargetChange::Purge),
    ]
}

impl Bug for PurgeDropsQueuedCallbacks {
    fn change_target(
        &mut self,
        sim: &mut Faithful,
        target: TargetId,
        change: TargetChange,
    ) -> Result<(), Refusal> {
        let before = sim.invoked_mut().len();
        sim.change_target(target, change)?;
        if matches!(change, TargetChange::Purge | TargetChange::Close) {
            // The bug: what the purge failed is not called back.
            sim.invoked_mut().truncate(before);
        }
        Ok(())
    }
}
