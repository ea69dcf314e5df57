//! Mutant `complete-while-sent-accepted`: completing a queue-presented
//! request still outstanding at a target is accepted;
//! `complete-while-pending` catches it in four steps.

use super::framework::Replied;
use super::witness::{R0, complete, format, receive, send};
use super::{Bug, Faithful, Mutant};
use crate::sim::Handle;
use crate::vocab::{Call, Reply, RuleId, Step};

/// Complete does not check that the request is back from its target.
///
/// # The bug
///
/// A forwarded request belongs to the target until the target completes it
/// ("Request Ownership"); completing it to the originator meanwhile hands
/// back an IRP the lower driver still works on, and the two completions
/// race (the double-completion class the SDV rule DoubleCompletion targets).
/// `FxRequest::VerifyRequestCanBeCompleted` checks `IsCanComplete()` only as
/// a verifier method, so with the verifier off nothing stops it.
///
/// # How it is caught
///
/// `complete-while-pending`: the harness sees the completion accepted.
///
/// Shortest sequence (4): `r0: received; r0: format; r0: send; r0:
/// complete`. Only a queue-presented request can be completed.
#[derive(Clone, Copy, Debug, Default)]
pub struct CompleteWhileSentAccepted;

pub(super) const MUTANT: Mutant = Mutant {
    name: "complete-while-sent-accepted",
    description: "Completing a queue-presented request still outstanding at a target \
                  is accepted.",
    expected: RuleId::CompleteWhilePending,
    minimal_len: 4,
    witness,
    make: || Box::new(CompleteWhileSentAccepted),
};

fn witness() -> Vec<Step> {
    vec![receive(R0), format(R0), send(R0), complete(R0)]
}

impl Bug for CompleteWhileSentAccepted {
    fn perform(&mut self, sim: &mut Faithful, request: &Handle, call: &Call) -> Replied {
        let outstanding = sim.request(request).is_some_and(|r| r.is_outstanding());
        match call {
            // The bug: no ownership check. (The race with the target's
            // completion is not simulated: the harness stops here.)
            Call::Complete { .. } if outstanding => Ok(Reply::Done),
            _ => sim.perform(request, call),
        }
    }
}
