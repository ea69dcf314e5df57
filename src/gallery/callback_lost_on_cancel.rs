//! Mutant `callback-lost-on-cancel`: when a cancelled send finishes, neither
//! the cancel path nor the completion path invokes the callback;
//! `callback-missing` catches it in six steps.

use super::witness::cancelled_send;
use super::{Bug, Faithful, Mutant};
use crate::harness::conformance::Refusal;
use crate::sim::Handle;
use crate::vocab::{Completion, RuleId, Settings};

/// A cancelled send finishes without its callback.
///
/// # The bug
///
/// The mirror image of `callback-twice-on-cancel`: each of the two racing
/// paths leaves the completion to the other. In WDF's completion routine a
/// path that does not own the request assumes "some other thread is
/// responsible for canceling this request ... the other thread will
/// complete it" (`src/framework/shared/targets/general/fxiotarget.cpp`); if
/// the cancel path, having found the send already finished by the target,
/// also backs off, the registered routine is dropped and never runs. The
/// driver waits forever for a request that came back.
///
/// # How it is caught
///
/// `callback-missing`: the completion of the cancelled send invokes no
/// callback.
///
/// Shortest sequence (6): `create r0; r0: format; r0: set completion cb0;
/// r0: send; r0: cancel; target completes r0 with STATUS_CANCELLED`.
#[derive(Clone, Copy, Debug, Default)]
pub struct CallbackLostOnCancel;

pub(super) const MUTANT: Mutant = Mutant {
    name: "callback-lost-on-cancel",
    settings: Settings::DEFAULT,
    description: "A cancelled send finishes without invoking its callback: each racing \
                  path leaves the completion to the other.",
    expected: RuleId::CallbackMissing,
    minimal_len: 6,
    also: &[],
    witness: cancelled_send,
    make: || Box::new(CallbackLostOnCancel),
};

impl Bug for CallbackLostOnCancel {
    fn target_complete(
        &mut self,
        sim: &mut Faithful,
        request: &Handle,
        completion: Completion,
    ) -> Result<(), Refusal> {
        let cancelled = sim.cancel_requested(request);
        sim.target_complete(request, completion)?;
        if cancelled {
            // The bug: the routine was fetched and cleared, then not called.
            let invoked = sim.invoked_mut();
            if let Some(at) = invoked.iter().rposition(|d| d.request == *request) {
                invoked.remove(at);
            }
        }
        Ok(())
    }
}
