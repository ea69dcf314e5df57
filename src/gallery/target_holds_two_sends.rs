//! Mutant `target-holds-two-sends`: a target keeps only its two newest
//! sends, so the oldest of three outstanding completes without its
//! callback; `callback-missing` catches it in eleven steps.

use std::collections::BTreeSet;

use super::framework::Replied;
use super::witness::{R0, R1, create, format, send, set_completion, target_completes};
use super::{Bug, Faithful, Mutant, RequestKey, key};
use crate::harness::conformance::Refusal;
use crate::sim::Handle;
use crate::vocab::{Call, Completion, RequestId, RuleId, Settings, Status, Step};

/// The target tracks its sends in a ring of two.
///
/// # The bug
///
/// A target must find every send it holds when that send completes: WDF
/// keeps them on a list (`FxIoTarget::m_SentIoListHead`) with no limit. This
/// framework keeps the sends of a target in a fixed ring of two slots; a
/// third send overwrites the oldest slot, and when that oldest send comes
/// back its completion finds no entry, so the driver's routine is never
/// called. Drivers that keep one or two reads pending never see it; a
/// driver that keeps three or more in flight at one target (a continuous
/// reader with several buffers) loses completions.
///
/// # How it is caught
///
/// `callback-missing`: the oldest send completes and its callback is not
/// invoked.
///
/// Shortest sequence (11): three requests created, formatted and sent to
/// one target, the oldest with a callback registered, and the target
/// finishing the oldest: `create r0; r0: format; r0: set completion cb0;
/// r0: send; create r1; r1: format; r1: send; create r2; r2: format; r2:
/// send; target completes r0`.
#[derive(Clone, Debug, Default)]
pub struct TargetHoldsTwoSends {
    /// Sends overwritten in their target's ring.
    lost: BTreeSet<RequestKey>,
}

pub(super) const MUTANT: Mutant = Mutant {
    name: "target-holds-two-sends",
    settings: Settings::DEFAULT,
    description: "A target keeps only its two newest sends: the oldest of three outstanding \
                  completes without its callback.",
    expected: RuleId::CallbackMissing,
    minimal_len: 11,
    also: &[],
    witness,
    make: || Box::<TargetHoldsTwoSends>::default(),
};

const R2: RequestId = RequestId(2);

fn witness() -> Vec<Step> {
    vec![
        create(R0),
        format(R0),
        set_completion(R0, 0, None),
        send(R0),
        create(R1),
        format(R1),
        send(R1),
        create(R2),
        format(R2),
        send(R2),
        target_completes(R0, Status::SUCCESS, 0),
    ]
}

impl Bug for TargetHoldsTwoSends {
    fn perform(&mut self, sim: &mut Faithful, request: &Handle, call: &Call) -> Replied {
        let reply = sim.perform(request, call)?;
        if let Call::Send { target, .. } = *call {
            let sends = sim.framework().outstanding(target);
            // The bug: the third send takes the oldest's slot.
            if sends.len() > 2 && sends.last().is_some_and(|s| s.request == *request) {
                self.lost.insert(key(&sends[sends.len() - 3].request));
            }
        }
        Ok(reply)
    }

    fn target_complete(
        &mut self,
        sim: &mut Faithful,
        request: &Handle,
        completion: Completion,
    ) -> Result<(), Refusal> {
        let before = sim.invoked_mut().len();
        sim.target_complete(request, completion)?;
        if self.lost.remove(&key(request)) {
            // Its completion finds no slot: no routine is called.
            let invoked = sim.invoked_mut();
            let mut at = before;
            while at < invoked.len() {
                if invoked[at].request == *request {
                    invoked.remove(at);
                } else {
                    at += 1;
                }
            }
        }
        Ok(())
    }
}
