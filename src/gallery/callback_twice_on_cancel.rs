//! Mutant `callback-twice-on-cancel`: when a cancelled send finishes, both
//! the cancel path and the completion path invoke the callback;
//! `callback-twice` catches it in six steps.

use super::witness::cancelled_send;
use super::{Bug, Faithful, Mutant};
use crate::harness::conformance::Refusal;
use crate::sim::Handle;
use crate::vocab::{Completion, RuleId, Settings};

/// The cancel path and the completion path both complete a cancelled send.
///
/// # The bug
///
/// When the driver cancels a sent request, the framework's cancel path and
/// the target's completion race to finish it. WDF settles the race with
/// `m_IrpCompletionReferenceCount`: each path calls
/// `FxRequestBase::CanComplete()`, and only the one that drops the count to
/// zero calls `CompleteSubmitted` (`src/framework/shared/targets/general/
/// fxiotarget.cpp`). Without that handshake both paths complete the
/// request, and the driver's completion routine runs twice for one send.
///
/// # How it is caught
///
/// `callback-twice`: the completion of the cancelled send invokes the
/// callback twice.
///
/// Shortest sequence (6): `create r0; r0: format; r0: set completion cb0;
/// r0: send; r0: cancel; target completes r0 with STATUS_CANCELLED`.
#[derive(Clone, Copy, Debug, Default)]
pub struct CallbackTwiceOnCancel;

pub(super) const MUTANT: Mutant = Mutant {
    name: "callback-twice-on-cancel",
    settings: Settings::DEFAULT,
    description: "A cancelled send is completed by both the cancel path and the target's \
                  completion, so its callback runs twice.",
    expected: RuleId::CallbackTwice,
    minimal_len: 6,
    also: &[],
    witness: cancelled_send,
    make: || Box::new(CallbackTwiceOnCancel),
};

impl Bug for CallbackTwiceOnCancel {
    fn target_complete(
        &mut self,
        sim: &mut Faithful,
        request: &Handle,
        completion: Completion,
    ) -> Result<(), Refusal> {
        let cancelled = sim.cancel_requested(request);
        sim.target_complete(request, completion)?;
        // The bug: the cancel path completes the request as well.
        if let Some(delivery) = sim.invoked_for(request).copied().filter(|_| cancelled) {
            sim.invoked_mut().push(delivery);
        }
        Ok(())
    }
}
