//! Mutant `stale-queue-handle-accepted`: the handle of a completed
//! queue-presented request reaches the request that now lives in its slot;
//! `access-after-complete` catches it in four steps.

use super::framework::Replied;
use super::witness::{R0, R1, complete, create, read_status, receive};
use super::{Bug, Faithful, Mutant};
use crate::sim::{Death, Handle};
use crate::vocab::{Call, RuleId, Step};

/// Handles of completed queue-presented requests are validated by slot
/// alone.
///
/// # The bug
///
/// Queue-presented request objects are recycled (a lookaside list, a
/// preallocated pool), so once one is completed its slot soon holds another
/// request. The simulated framework stamps each handle with the slot's
/// generation and refuses a stale one (`sim::Handle`); a framework that
/// validates the handle of a completed request by its slot index alone
/// (the completion path returns the object to the queue's list, which
/// skips the generation bump the delete path does) lets a driver
/// that touches a request after completing it act on an unrelated request,
/// the use-after-free NVMe closed with a generation counter in its command
/// IDs (Linux e7006de6c238).
///
/// # How it is caught
///
/// `access-after-complete`: the harness sees a call through the stale
/// handle accepted, or refused for a reason about the other request.
///
/// Shortest sequence (4): `r0: received; r0: complete; create r1 (takes r0's
/// slot); r0: read status`.
#[derive(Clone, Copy, Debug, Default)]
pub struct StaleQueueHandleAccepted;

pub(super) const MUTANT: Mutant = Mutant {
    name: "stale-queue-handle-accepted",
    description: "The handle of a completed queue-presented request is checked by slot \
                  alone and acts on the request now in that slot.",
    expected: RuleId::AccessAfterComplete,
    minimal_len: 4,
    witness,
    make: || Box::new(StaleQueueHandleAccepted),
};

fn witness() -> Vec<Step> {
    vec![receive(R0), complete(R0), create(R1), read_status(R0)]
}

impl Bug for StaleQueueHandleAccepted {
    fn perform(&mut self, sim: &mut Faithful, request: &Handle, call: &Call) -> Replied {
        // The bug: no generation check for a completed request, so its
        // handle resolves to whatever lives in its slot now.
        let completed = sim.framework().pool().death(request) == Some(Death::Completed);
        match sim.occupant(request) {
            Some(occupant) if completed => sim.perform(&occupant, call),
            _ => sim.perform(request, call),
        }
    }
}
