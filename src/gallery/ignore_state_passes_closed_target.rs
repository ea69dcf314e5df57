//! Mutant `ignore-state-passes-closed-target`: a send that ignores the
//! target's state goes out to a closed target; `send-target-not-accepting`
//! catches it in four steps (KMDF).

use super::framework::Replied;
use super::witness::{R0, create, format, send_ignoring_state, target};
use super::{Bug, Faithful, Mutant};
use crate::sim::Handle;
use crate::vocab::{Call, RuleId, Settings, Step, TargetChange, TargetId, TargetState};

/// The ignore-state check trusts the flag alone.
///
/// # The bug
///
/// `WDF_REQUEST_SEND_OPTION_IGNORE_TARGET_STATE` lets a send through a
/// stopped or purged target: `FxIoTarget::SubmitLocked` sends it at once.
/// It does not let one through a closed or deleted target: there the
/// device is gone, and SubmitLocked fails the send with
/// `STATUS_INVALID_DEVICE_STATE` (only a target in the middle of being
/// removed, `m_Removing`, still lets one through). This framework checks
/// the flag and skips the state altogether, so the send goes to a target
/// whose device is gone.
///
/// # How it is caught
///
/// `send-target-not-accepting`: the harness sees the send to the closed
/// target accepted.
///
/// Shortest sequence (4): `create r0; r0: format for t0; t0: close; r0:
/// send to t0, ignoring its state`. The format comes before the close (a
/// format for a closed target fails), since the verifier refuses an
/// unformatted send; without the flag the send is refused here too.
#[derive(Clone, Copy, Debug, Default)]
pub struct IgnoreStatePassesClosedTarget;

pub(super) const MUTANT: Mutant = Mutant {
    name: "ignore-state-passes-closed-target",
    settings: Settings::KMDF,
    description: "A send that ignores the target's state goes out to a closed target, \
                  whose device is gone.",
    expected: RuleId::SendTargetNotAccepting,
    minimal_len: 4,
    also: &[],
    witness,
    make: || Box::new(IgnoreStatePassesClosedTarget),
};

fn witness() -> Vec<Step> {
    vec![
        create(R0),
        format(R0),
        target(TargetChange::Close),
        send_ignoring_state(R0),
    ]
}

impl Bug for IgnoreStatePassesClosedTarget {
    fn perform(&mut self, sim: &mut Faithful, request: &Handle, call: &Call) -> Replied {
        let Call::Send {
            target,
            mode,
            timeout,
            ignore_state: true,
        } = *call
        else {
            return sim.perform(request, call);
        };
        if sim.framework().target_state(target) != TargetState::Closed {
            return sim.perform(request, call);
        }
        // The bug: every other check of the send runs, as for a started
        // target. (Simulated as a send to a target the sequence never
        // names: the harness stops at the acceptance, and a closed target
        // has no device to send to anyway.)
        let elsewhere = Call::Send {
            target: TargetId(u32::from(u8::MAX)),
            mode,
            timeout,
            ignore_state: true,
        };
        sim.perform(request, &elsewhere)
    }
}
