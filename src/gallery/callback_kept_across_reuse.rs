//! Mutant `callback-kept-across-reuse`: Reuse leaves the completion callback
//! registered; `callback-leak` catches it in five steps.

use super::framework::Replied;
use super::witness::{R0, create, format, reuse, send_sync, set_completion};
use super::{Bug, Faithful, Mutant};
use crate::sim::Handle;
use crate::vocab::{Call, Registration, RuleId, Settings, Status, Step};

/// Reuse does not deregister the completion callback and its context.
///
/// # The bug
///
/// `FxRequest::Reuse` (microsoft/Windows-Driver-Frameworks,
/// `src/framework/shared/core/fxrequest.cpp`) calls
/// `SetCompletionRoutine(NULL, NULL)` only for drivers built against
/// framework 1.9 or later, "for maintaining backwards compatibility". Before
/// 1.9 the routine registered before Reuse stayed and ran at the next
/// completion, although the driver, as "Reusing Framework Request Objects"
/// tells it, registered nothing after the Reuse. A framework that applies
/// the old behaviour to a newer driver, or a wrapper that forgets the
/// deregistration, has this bug.
///
/// # How it is caught
///
/// `callback-leak`: the next completed send invokes the callback the Reuse
/// deregistered.
///
/// Shortest sequence (5): `create r0; r0: set completion cb0; r0: reuse;
/// r0: format; r0: send synchronously`. Each step is needed: the
/// registration must precede the Reuse, and only a format and a finished
/// send after it make any callback run. With an asynchronous send the
/// completion is a step of its own: six steps, the same events.
#[derive(Clone, Copy, Debug, Default)]
pub struct CallbackKeptAcrossReuse;

pub(super) const MUTANT: Mutant = Mutant {
    name: "callback-kept-across-reuse",
    settings: Settings::DEFAULT,
    description: "Reuse leaves the completion callback and its context registered, \
                  as frameworks before 1.9 did.",
    expected: RuleId::CallbackLeak,
    minimal_len: 5,
    also: &[],
    witness,
    make: || Box::new(CallbackKeptAcrossReuse),
};

fn witness() -> Vec<Step> {
    vec![
        create(R0),
        set_completion(R0, 0, None),
        reuse(R0, Status::SUCCESS),
        format(R0),
        send_sync(R0, Status::SUCCESS, 0),
    ]
}

impl Bug for CallbackKeptAcrossReuse {
    fn perform(&mut self, sim: &mut Faithful, request: &Handle, call: &Call) -> Replied {
        let Call::Reuse { .. } = call else {
            return sim.perform(request, call);
        };
        let registered = sim.request(request).and_then(|r| r.registration);
        let reply = sim.perform(request, call)?;
        // The bug: what the Reuse deregistered is registered again, as if
        // the deregistration had never happened.
        if let Some(Registration { callback, context }) = registered {
            sim.framework_mut()
                .set_completion_callback(request, callback, context)?;
        }
        Ok(reply)
    }
}
