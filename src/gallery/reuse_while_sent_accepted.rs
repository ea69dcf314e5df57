//! Mutant `reuse-while-sent-accepted`: Reuse of a request still outstanding
//! at its target is accepted; `reuse-while-pending` catches it in four steps.

use super::framework::Replied;
use super::witness::{R0, create, format, reuse, send};
use super::{Bug, Faithful, Mutant};
use crate::harness::conformance::Refusal;
use crate::sim::Handle;
use crate::vocab::{Call, Reply, RuleId, Status, Step};

/// Reuse does not check that the request is back from its target.
///
/// # The bug
///
/// `FxRequest::Reuse` (`src/framework/shared/core/fxrequest.cpp`) looks for
/// `FXREQUEST_FLAG_SENT_TO_TARGET` ("trying to reuse WDFREQUEST ... while it
/// is still active on WDFIOTARGET") only when the verifier is enabled. With
/// it off, the framework reinitialises an IRP the target still owns, and
/// the target's completion later lands on the reinitialised request: the
/// use-after-reuse that blk-mq and NVMe guard against with tag generations.
///
/// # How it is caught
///
/// `reuse-while-pending`: the harness sees the call accepted. (The reset of
/// a request the target holds is not simulated: the harness stops at the
/// acceptance.)
///
/// Shortest sequence (4): `create r0; r0: format; r0: send; r0: reuse`. The
/// send needs the format; the Reuse needs the send outstanding.
#[derive(Clone, Copy, Debug, Default)]
pub struct ReuseWhileSentAccepted;

pub(super) const MUTANT: Mutant = Mutant {
    name: "reuse-while-sent-accepted",
    description: "Reuse of a request still outstanding at its target is accepted, \
                  as with the verifier off.",
    expected: RuleId::ReuseWhilePending,
    minimal_len: 4,
    witness,
    make: || Box::new(ReuseWhileSentAccepted),
};

fn witness() -> Vec<Step> {
    vec![create(R0), format(R0), send(R0), reuse(R0, Status::SUCCESS)]
}

impl Bug for ReuseWhileSentAccepted {
    fn perform(&mut self, sim: &mut Faithful, request: &Handle, call: &Call) -> Replied {
        match sim.perform(request, call) {
            // The bug: the check that the target gave the request back is
            // the verifier's, and the verifier is off; every other check of
            // Reuse still runs.
            Err(Refusal::Rule(RuleId::ReuseWhilePending)) if matches!(call, Call::Reuse { .. }) => {
                Ok(Reply::Done)
            }
            other => other,
        }
    }
}
