//! Mutant `contexts-swapped`: two sends outstanding at one target complete
//! with each other's completion contexts; `callback-mismatch` catches it in
//! nine steps.

use super::framework::Replied;
use super::witness::{R0, R1, create, format, send, set_completion, target_completes};
use super::{Bug, Faithful, Mutant, Symptom};
use crate::harness::conformance::Refusal;
use crate::sim::Handle;
use crate::vocab::{
    Call, Completion, ContextId, RuleId, SendMode, Settings, Status, Step, TargetId,
};

/// The target keeps completion contexts on a stack instead of with each
/// send.
///
/// # The bug
///
/// When a request with a completion routine is sent, its context is pushed
/// on a per-target stack; when a send with a routine completes there, the
/// top context is popped and handed to the routine. That is right for
/// nested synchronous sends, which complete in reverse order, and for a
/// target with one send at a time; two asynchronous sends at one target
/// that complete in the order sent get each other's contexts. A completion
/// context is the driver's only way back to its per-I/O state, so each
/// completion then works on the other request's buffers. WDF keeps the
/// context in the request itself (`FxRequestBase::m_TargetCompletionContext`)
/// and, like this framework, touches it only when a routine is set
/// (`FxRequestBase::CompleteSubmitted`).
///
/// # How it is caught
///
/// `callback-mismatch`: the callback runs with a context that was not
/// registered with it.
///
/// Shortest sequence (9): `create r0; r0: set completion cb0 with ctx0;
/// r0: format; r0: send to t0; create r1; r1: set completion cb0; r1:
/// format; r1: send to t0; target completes r0`. r0's routine gets r1's
/// context (none). Both sends need a routine, since only those use the
/// stack, and their contexts must differ; the one completed first must be
/// the one sent first.
///
/// # Also: `callback-leak`
///
/// Where the context r0's routine gets is one r0 registered before and
/// replaced, the model names `callback-leak` first (a replaced context
/// reached a routine), and a hunt that meets the bug that way reports and
/// shrinks it that way. Shortest sequence (10): `create r0; r0: set
/// completion cb0 with ctx0; r0: set completion cb0; r0: format; r0: send
/// to t0; create r1; r1: set completion cb0 with ctx0; r1: format; r1:
/// send to t0; target completes r0`: the nine above and the one
/// registration that r0's current one replaced (a Reuse in its place
/// would need a registration after it too, one step more).
#[derive(Clone, Debug, Default)]
pub struct ContextsSwapped {
    /// Per target, the context of each outstanding send that has a
    /// routine, latest on top.
    stacks: Vec<Vec<Option<ContextId>>>,
}

pub(super) const MUTANT: Mutant = Mutant {
    name: "contexts-swapped",
    settings: Settings::DEFAULT,
    description: "Completion contexts are kept on a per-target stack, so two sends at one \
                  target completing in send order swap contexts.",
    expected: RuleId::CallbackMismatch,
    minimal_len: 9,
    also: &[Symptom {
        rule: RuleId::CallbackLeak,
        minimal_len: 10,
        witness: leak_witness,
    }],
    witness,
    make: || Box::<ContextsSwapped>::default(),
};

fn witness() -> Vec<Step> {
    vec![
        create(R0),
        set_completion(R0, 0, Some(0)),
        format(R0),
        send(R0),
        create(R1),
        set_completion(R1, 0, None),
        format(R1),
        send(R1),
        target_completes(R0, Status::SUCCESS, 0),
    ]
}

fn leak_witness() -> Vec<Step> {
    vec![
        create(R0),
        set_completion(R0, 0, Some(0)),
        set_completion(R0, 0, None),
        format(R0),
        send(R0),
        create(R1),
        set_completion(R1, 0, Some(0)),
        format(R1),
        send(R1),
        target_completes(R0, Status::SUCCESS, 0),
    ]
}

impl ContextsSwapped {
    fn stack(&mut self, target: TargetId) -> &mut Vec<Option<ContextId>> {
        let at = target.0 as usize;
        if self.stacks.len() <= at {
            self.stacks.resize_with(at + 1, Vec::new);
        }
        &mut self.stacks[at]
    }
}

impl Bug for ContextsSwapped {
    fn perform(&mut self, sim: &mut Faithful, request: &Handle, call: &Call) -> Replied {
        // A synchronous send pushes and pops within the call, which the
        // stack gets right; only an asynchronous one stays pushed.
        let Call::Send {
            target,
            mode: SendMode::Async,
            ..
        } = *call
        else {
            return sim.perform(request, call);
        };
        // A routine with no context pushes `None`; no routine pushes nothing.
        let registration = sim.request(request).and_then(|r| r.registration);
        let reply = sim.perform(request, call)?;
        if let Some(registration) = registration {
            self.stack(target).push(registration.context);
        }
        Ok(reply)
    }

    fn target_complete(
        &mut self,
        sim: &mut Faithful,
        request: &Handle,
        completion: Completion,
    ) -> Result<(), Refusal> {
        let target = sim.request(request).and_then(|r| r.sent_to);
        sim.target_complete(request, completion)?;
        let (Some(target), Some(delivery)) = (target, sim.invoked_for(request)) else {
            return Ok(());
        };
        // INVARIANT: the send had a routine (it was invoked), so its send
        // pushed a context that no completion has popped yet.
        let popped = self.stacks.get_mut(target.0 as usize).and_then(Vec::pop);
        // The bug: the context on top belongs to the latest send with a
        // routine at this target, not necessarily to the one that finished.
        if let Some(context) = popped {
            delivery.registration.context = context;
        }
        Ok(())
    }
}
