//! Mutant `late-completion-accepted`: a target's late or duplicate
//! completion of a send that already finished is accepted and delivered to
//! the request as it is now; `target-complete-unsent` catches it in four
//! steps.

use std::collections::BTreeSet;

use super::framework::Replied;
use super::witness::{R0, create, format, send_sync, target_completes};
use super::{Bug, Faithful, Mutant, RequestKey, key};
use crate::harness::conformance::Refusal;
use crate::sim::Handle;
use crate::vocab::{Call, Completion, Delivery, RuleId, Settings, Status, Step};

/// The completion path checks that the request was sent, not that this
/// send is still outstanding.
///
/// # The bug
///
/// A target may report a completion for a send that already finished: a
/// controller "sending us a completion for a request that was already
/// completed (for example sending a completion twice)", as NVMe devices
/// were seen to do (Linux e7006de6c238, which tags every command with a
/// generation counter to refuse it; blk-mq fixed a stale lookup of the same
/// kind in bd63141d585b). This framework validates a completion against the
/// request's target pointer, which Send sets and completion leaves set
/// (`FxRequestBase::m_Target`), instead of against an outstanding send, so
/// the late completion is accepted and applied to the request as it is
/// now: after the driver's Reuse it fires the callback registered for the
/// next send, with the previous send's status. A completion of the previous
/// generation, delivered to the reused request.
///
/// # How it is caught
///
/// `target-complete-unsent`: the harness sees the second completion
/// accepted instead of refused.
///
/// Shortest sequence (4): `create r0; r0: format; r0: send synchronously;
/// target completes r0`. With an asynchronous send its own completion is a
/// step too: five steps, the same events. A Reuse and a new registration
/// before the late completion show the damage, but the refusal is already
/// due without them.
#[derive(Clone, Debug, Default)]
pub struct LateCompletionAccepted {
    /// Every request sent at least once: what the stale target pointer
    /// amounts to.
    sent_before: BTreeSet<RequestKey>,
}

pub(super) const MUTANT: Mutant = Mutant {
    name: "late-completion-accepted",
    settings: Settings::DEFAULT,
    description: "A late or duplicate completion of a send that already finished is \
                  accepted and fires the callback registered now (no send generation).",
    expected: RuleId::TargetCompleteUnsent,
    minimal_len: 4,
    also: &[],
    witness,
    make: || Box::<LateCompletionAccepted>::default(),
};

fn witness() -> Vec<Step> {
    vec![
        create(R0),
        format(R0),
        send_sync(R0, Status::SUCCESS, 0),
        target_completes(R0, Status::SUCCESS, 0),
    ]
}

impl Bug for LateCompletionAccepted {
    fn perform(&mut self, sim: &mut Faithful, request: &Handle, call: &Call) -> Replied {
        let reply = sim.perform(request, call)?;
        if let Call::Send { .. } = call {
            self.sent_before.insert(key(request));
        }
        Ok(reply)
    }

    fn target_complete(
        &mut self,
        sim: &mut Faithful,
        request: &Handle,
        completion: Completion,
    ) -> Result<(), Refusal> {
        let finished_before = sim.request(request).is_some_and(|r| !r.is_outstanding())
            && self.sent_before.contains(&key(request));
        if !finished_before {
            return sim.target_complete(request, completion);
        }
        // The bug: the late completion passes the check and fires whatever
        // is registered now. (Only the invocation is simulated: the harness
        // stops at the acceptance.)
        let registration = sim.request(request).and_then(|r| r.registration);
        if let Some(registration) = registration {
            sim.invoked_mut().push(Delivery {
                request: *request,
                registration,
                completion,
            });
        }
        Ok(())
    }
}
