//! Mutant `delete-received-accepted`: deleting a queue-presented request is
//! accepted; `delete-received` catches it in two steps.

use super::framework::Replied;
use super::witness::{R0, delete, receive};
use super::{Bug, Faithful, Mutant};
use crate::sim::{Handle, Origin};
use crate::vocab::{Call, Reply, RuleId, Status, Step};

/// Delete frees a queue-presented request as if the driver had created it.
///
/// # The bug
///
/// A request an I/O queue presented dies by being completed: completion
/// returns it to its originator and `FxRequest::PostProcessCompletion`
/// deletes the object ("Completing I/O Requests"). A framework whose delete
/// path does not look at where the request came from frees it without ever
/// completing it, and the originator's I/O hangs forever.
///
/// # How it is caught
///
/// `delete-received`: the harness sees the delete accepted.
///
/// Shortest sequence (2): `r0: received; r0: delete`.
#[derive(Clone, Copy, Debug, Default)]
pub struct DeleteReceivedAccepted;

pub(super) const MUTANT: Mutant = Mutant {
    name: "delete-received-accepted",
    description: "Deleting a queue-presented request frees it without completing it \
                  to its originator.",
    expected: RuleId::DeleteReceived,
    minimal_len: 2,
    witness,
    make: || Box::new(DeleteReceivedAccepted),
};

fn witness() -> Vec<Step> {
    vec![receive(R0), delete(R0)]
}

impl Bug for DeleteReceivedAccepted {
    fn perform(&mut self, sim: &mut Faithful, request: &Handle, call: &Call) -> Replied {
        let owned_received = sim
            .request(request)
            .is_some_and(|r| r.origin == Origin::Received && !r.is_outstanding());
        match call {
            // The bug: the object is freed, whatever its origin. Completing
            // is the simulation's only way to free a queue-presented
            // request; the status it carries reaches no originator here.
            Call::Delete if owned_received => {
                sim.framework_mut()
                    .complete(request, Status::CANCELLED, 0)?;
                Ok(Reply::Done)
            }
            _ => sim.perform(request, call),
        }
    }
}
