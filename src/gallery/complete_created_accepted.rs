//! Mutant `complete-created-accepted`: completing a driver-created request
//! is accepted; `complete-created` catches it in two steps.

use super::framework::Replied;
use super::witness::{R0, complete, create};
use super::{Bug, Faithful, Mutant};
use crate::sim::{Handle, Origin};
use crate::vocab::{Call, Reply, RuleId, Settings, Step};

/// Complete accepts a driver-created request, which has no originator.
///
/// # The bug
///
/// `FxRequest::VerifyRequestCanBeCompleted`
/// (`src/framework/shared/core/fxrequest.cpp`) refuses to complete a request
/// the I/O manager did not allocate (`VerifyRequestIsAllocatedFromIo`, and
/// from 1.11 `IsCanComplete()`), but it is a verifier method. Without it
/// the framework completes an IRP that no originator waits for, and frees
/// the driver's own object behind its back.
///
/// # How it is caught
///
/// `complete-created`: the harness sees the completion accepted.
///
/// Shortest sequence (2): `create r0; r0: complete`.
#[derive(Clone, Copy, Debug, Default)]
pub struct CompleteCreatedAccepted;

pub(super) const MUTANT: Mutant = Mutant {
    name: "complete-created-accepted",
    settings: Settings::DEFAULT,
    description: "Completing a driver-created request is accepted and frees it, \
                  as with the verifier off.",
    expected: RuleId::CompleteCreated,
    minimal_len: 2,
    also: &[],
    witness,
    make: || Box::new(CompleteCreatedAccepted),
};

fn witness() -> Vec<Step> {
    vec![create(R0), complete(R0)]
}

impl Bug for CompleteCreatedAccepted {
    fn perform(&mut self, sim: &mut Faithful, request: &Handle, call: &Call) -> Replied {
        let owned_created = sim
            .request(request)
            .is_some_and(|r| r.origin == Origin::Created && !r.is_outstanding());
        match call {
            // The bug: no origin check; completing frees the object, which
            // for a created request is what delete does.
            Call::Complete { .. } if owned_created => {
                sim.framework_mut().delete(request)?;
                Ok(Reply::Done)
            }
            _ => sim.perform(request, call),
        }
    }
}
