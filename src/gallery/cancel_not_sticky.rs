//! Mutant `cancel-not-sticky`: a cancel with no send outstanding is
//! dropped, so the next send goes out; `send-cancelled` catches it in four
//! steps (KMDF).

use super::framework::Replied;
use super::witness::{R0, cancel, create, format, send};
use super::{Bug, Faithful, Mutant};
use crate::sim::Handle;
use crate::vocab::{Call, Reply, RuleId, Settings, Step};

/// `CancelSentRequest` acts only on a send in flight: with none, it
/// returns FALSE and remembers nothing.
///
/// # The bug
///
/// The cancel is treated as a message to the target, which is how its
/// name reads, rather than as state of the request. But
/// `FxRequestBase::Cancel` (`src/framework/shared/core/fxrequestbase.cpp`)
/// sets `m_Canceled` first, whatever the request's state, and only Reuse
/// clears it; `FxIoTarget::SubmitLocked` then fails every send with
/// `STATUS_CANCELLED`. A driver that cancels a request it is about to send
/// (a teardown racing a resubmit) relies on that send failing.
///
/// # How it is caught
///
/// `send-cancelled`: the harness sees the send accepted.
///
/// Shortest sequence (4): `create r0; r0: format; r0: cancel; r0: send`.
/// The format is needed, or the verifier refuses the send as unformatted
/// first.
#[derive(Clone, Copy, Debug, Default)]
pub struct CancelNotSticky;

pub(super) const MUTANT: Mutant = Mutant {
    name: "cancel-not-sticky",
    settings: Settings::KMDF,
    description: "A cancel with no send outstanding is dropped, so the next send goes \
                  out instead of failing with STATUS_CANCELLED.",
    expected: RuleId::SendCancelled,
    minimal_len: 4,
    also: &[],
    witness,
    make: || Box::new(CancelNotSticky),
};

fn witness() -> Vec<Step> {
    vec![create(R0), format(R0), cancel(R0), send(R0)]
}

impl Bug for CancelNotSticky {
    fn perform(&mut self, sim: &mut Faithful, request: &Handle, call: &Call) -> Replied {
        let outstanding = sim.request(request).is_some_and(|r| r.is_outstanding());
        match call {
            // The bug: nothing in flight, nothing to remember.
            Call::Cancel if !outstanding && sim.request(request).is_some() => Ok(Reply::Cancel {
                was_outstanding: false,
            }),
            _ => sim.perform(request, call),
        }
    }
}
