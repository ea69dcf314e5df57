//! Mutant `delete-while-sent-accepted`: deleting a request still outstanding
//! at its target is accepted; `delete-while-pending` catches it in four
//! steps.

use super::framework::Replied;
use super::witness::{R0, create, delete, format, send};
use super::{Bug, Faithful, Mutant};
use crate::sim::Handle;
use crate::vocab::{Call, Reply, RuleId, Step};

/// Delete does not check that the request is back from its target.
///
/// # The bug
///
/// `FxRequestBase::VerifyDispose`
/// (`src/framework/shared/core/fxrequestbase.cpp`) breaks when a driver
/// "is trying to delete WDFREQUEST ... while it is still active on
/// WDFIOTARGET", but it is a verifier method; without it the object is
/// freed while the target still holds its IRP, and the completion touches
/// freed memory. The SDV rule ReqDelete checks drivers for the same thing.
///
/// # How it is caught
///
/// `delete-while-pending`: the harness sees the delete accepted.
///
/// Shortest sequence (4): `create r0; r0: format; r0: send; r0: delete`.
#[derive(Clone, Copy, Debug, Default)]
pub struct DeleteWhileSentAccepted;

pub(super) const MUTANT: Mutant = Mutant {
    name: "delete-while-sent-accepted",
    description: "Deleting a request still outstanding at its target is accepted \
                  (VerifyDispose is off).",
    expected: RuleId::DeleteWhilePending,
    minimal_len: 4,
    witness,
    make: || Box::new(DeleteWhileSentAccepted),
};

fn witness() -> Vec<Step> {
    vec![create(R0), format(R0), send(R0), delete(R0)]
}

impl Bug for DeleteWhileSentAccepted {
    fn perform(&mut self, sim: &mut Faithful, request: &Handle, call: &Call) -> Replied {
        let outstanding = sim.request(request).is_some_and(|r| r.is_outstanding());
        match call {
            // The bug: no dispose-time check. (Freeing the object under the
            // target is not simulated: the harness stops here.)
            Call::Delete if outstanding => Ok(Reply::Done),
            _ => sim.perform(request, call),
        }
    }
}
