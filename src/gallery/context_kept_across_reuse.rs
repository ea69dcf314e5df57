//! Mutant `context-kept-across-reuse`: Reuse clears the completion callback
//! but not its context; `callback-leak` catches it in six steps.

use std::collections::BTreeMap;

use super::framework::Replied;
use super::witness::{R0, create, format, reuse, send_sync, set_completion};
use super::{Bug, Faithful, Mutant, RequestKey, key};
use crate::harness::conformance::Refusal;
use crate::sim::Handle;
use crate::vocab::{
    Call, Completion, ContextId, Registration, Reply, RuleId, SendMode, Settings, Status, Step,
};

/// Reuse deregisters the completion routine but leaves its context.
///
/// # The bug
///
/// The framework keeps the routine and its context in two fields with two
/// clear operations (`FxRequestBase::ClearCompletionRoutine` and
/// `ClearCompletionContext`, `src/framework/shared/inc/private/common/
/// fxrequestbase.hpp`); this Reuse calls only the first. The stale context
/// surfaces at the next registration made without one: SetCompletionCallback
/// skips writing a null context when no routine is registered, trusting
/// that the field is already clear then, which creation and completion
/// (`CompleteSubmitted` clears both fields) guarantee and this Reuse breaks.
/// Replacing a registration writes both fields, so only Reuse leaks.
///
/// # How it is caught
///
/// `callback-leak`: the callback runs with the context the Reuse
/// deregistered.
///
/// Shortest sequence (6): `create r0; r0: set completion cb0 with ctx0;
/// r0: reuse; r0: set completion cb0 (no context); r0: format; r0: send
/// synchronously`. The context must be registered before the Reuse and a
/// registration without context must follow it, and only a format and a
/// finished send after that make the callback run. With an asynchronous
/// send the completion is a step of its own: seven steps, the same events.
#[derive(Clone, Debug, Default)]
pub struct ContextKeptAcrossReuse {
    /// The context field of each request whose routine a Reuse cleared and
    /// whose context it left behind.
    stale: BTreeMap<RequestKey, ContextId>,
}

pub(super) const MUTANT: Mutant = Mutant {
    name: "context-kept-across-reuse",
    settings: Settings::DEFAULT,
    description: "Reuse clears the completion routine but not its context, which the next \
                  registration without a context inherits.",
    expected: RuleId::CallbackLeak,
    minimal_len: 6,
    also: &[],
    witness,
    make: || Box::<ContextKeptAcrossReuse>::default(),
};

fn witness() -> Vec<Step> {
    vec![
        create(R0),
        set_completion(R0, 0, Some(0)),
        reuse(R0, Status::SUCCESS),
        set_completion(R0, 0, None),
        format(R0),
        send_sync(R0, Status::SUCCESS, 0),
    ]
}

impl ContextKeptAcrossReuse {
    fn reuse(
        &mut self,
        sim: &mut Faithful,
        request: &Handle,
        call: &Call,
    ) -> Result<Reply, Refusal> {
        let registered = sim.request(request).and_then(|r| r.registration);
        let reply = sim.perform(request, call)?;
        match registered {
            // The bug: the routine is cleared, the context field is not.
            Some(Registration {
                context: Some(context),
                ..
            }) => {
                self.stale.insert(key(request), context);
            }
            Some(Registration { context: None, .. }) => {
                self.stale.remove(&key(request));
            }
            // Nothing registered: the field keeps what an earlier Reuse
            // left in it.
            None => {}
        }
        Ok(reply)
    }

    fn register(
        &mut self,
        sim: &mut Faithful,
        request: &Handle,
        call: &Call,
    ) -> Result<Reply, Refusal> {
        let unregistered = sim
            .request(request)
            .is_some_and(|r| r.registration.is_none());
        let stale = self.stale.get(&key(request)).copied();
        match *call {
            // The skipped write: no routine and no new context, so the
            // field is taken to be clear already.
            Call::SetCompletionCallback {
                callback,
                context: None,
                ..
            } if unregistered && stale.is_some() => {
                sim.framework_mut()
                    .set_completion_callback(request, callback, stale)?;
            }
            _ => {
                sim.perform(request, call)?;
            }
        }
        self.stale.remove(&key(request));
        Ok(Reply::Done)
    }
}

impl Bug for ContextKeptAcrossReuse {
    fn perform(&mut self, sim: &mut Faithful, request: &Handle, call: &Call) -> Replied {
        match call {
            Call::Reuse { .. } => self.reuse(sim, request, call),
            Call::SetCompletionCallback { .. } => self.register(sim, request, call),
            Call::Send {
                mode: SendMode::Sync(_),
                ..
            } => {
                let reply = sim.perform(request, call)?;
                // The synchronous completion clears both fields.
                self.stale.remove(&key(request));
                Ok(reply)
            }
            _ => sim.perform(request, call),
        }
    }

    fn target_complete(
        &mut self,
        sim: &mut Faithful,
        request: &Handle,
        completion: Completion,
    ) -> Result<(), Refusal> {
        sim.target_complete(request, completion)?;
        // Completion fetches and clears both fields.
        self.stale.remove(&key(request));
        Ok(())
    }
}
