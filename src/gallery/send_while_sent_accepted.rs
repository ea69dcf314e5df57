//! Mutant `send-while-sent-accepted`: a send of a request already
//! outstanding is accepted; `send-while-pending` catches it in four steps.

use super::framework::Replied;
use super::witness::{R0, create, format, send};
use super::{Bug, Faithful, Mutant};
use crate::harness::conformance::Refusal;
use crate::sim::Handle;
use crate::vocab::{Call, Reply, RuleId, Settings, Step};

/// Send does not check that the request is not already at a target.
///
/// # The bug
///
/// `FxIoTarget::VerifySubmitLocked`
/// (`src/framework/shared/targets/general/fxiotarget.cpp`) bugchecks with
/// `WDF_REQUEST_FATAL_ERROR_REQUEST_ALREADY_SENT` for a request already
/// pending on a target, but it runs only with the verifier on. Without the
/// check one IRP is queued twice and completed twice. Linux's
/// `usb_submit_urb` refuses the same mistake ("URB submitted while active",
/// `-EBUSY`), because host controller drivers once did not.
///
/// # How it is caught
///
/// `send-while-pending`: the harness sees the second send accepted.
///
/// Shortest sequence (4): `create r0; r0: format; r0: send; r0: send`.
#[derive(Clone, Copy, Debug, Default)]
pub struct SendWhileSentAccepted;

pub(super) const MUTANT: Mutant = Mutant {
    name: "send-while-sent-accepted",
    settings: Settings::DEFAULT,
    description: "A send of a request already outstanding at a target is accepted \
                  (no REQUEST_ALREADY_SENT check).",
    expected: RuleId::SendWhilePending,
    minimal_len: 4,
    also: &[],
    witness,
    make: || Box::new(SendWhileSentAccepted),
};

fn witness() -> Vec<Step> {
    vec![create(R0), format(R0), send(R0), send(R0)]
}

impl Bug for SendWhileSentAccepted {
    fn perform(&mut self, sim: &mut Faithful, request: &Handle, call: &Call) -> Replied {
        match sim.perform(request, call) {
            // The bug: the already-sent check is missing; every other check
            // of the send still runs. (Queuing the IRP a second time is not
            // simulated: the harness stops here.)
            Err(Refusal::Rule(RuleId::SendWhilePending)) if matches!(call, Call::Send { .. }) => {
                Ok(Reply::Done)
            }
            other => other,
        }
    }
}
