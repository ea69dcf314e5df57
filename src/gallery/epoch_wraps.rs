//! Mutant `epoch-wraps`: completion routines are kept in a ring indexed by
//! a 4-bit Reuse counter, so a routine dropped by a Reuse comes back
//! sixteen Reuses later; `callback-leak` catches it in twenty steps.

use std::collections::BTreeMap;

use super::framework::Replied;
use super::witness::{R0, create, format, reuse, send_sync, set_completion};
use super::{Bug, Faithful, Mutant, RequestKey, key};
use crate::harness::conformance::Refusal;
use crate::sim::Handle;
use crate::vocab::{
    Call, Completion, Delivery, Registration, RuleId, SendMode, Settings, Status, Step,
    TargetChange, TargetId,
};

/// The slots of the ring: one per value of the counter.
const EPOCHS: usize = 16;

/// A request's routines live in a ring of sixteen slots, indexed by how
/// many times it was reused.
///
/// # The bug
///
/// After a Reuse the old completion routine and context are gone
/// (`FxRequest::Reuse` clears them). This framework instead files each
/// registration in a per-request ring of sixteen slots indexed by a 4-bit
/// Reuse counter, and a Reuse only moves the counter on (as NVMe command
/// identifiers carry a generation that wraps). A completion with no routine
/// registered since the last Reuse looks in the current slot, and after
/// sixteen Reuses that slot holds a routine deregistered long ago, which
/// is invoked with its stale context.
///
/// # How it is caught
///
/// `callback-leak`: a completion invokes a callback a Reuse deregistered.
///
/// Shortest sequence (20): `create r0; r0: set completion cb0; r0: reuse`
/// sixteen times`; r0: format; r0: send synchronously`. Fewer Reuses leave
/// the counter elsewhere; the completion must find no routine registered
/// since the last Reuse.
#[derive(Clone, Debug, Default)]
pub struct EpochWraps {
    rings: BTreeMap<RequestKey, Ring>,
}

#[derive(Clone, Debug, Default)]
struct Ring {
    epoch: usize,
    slots: [Option<Registration>; EPOCHS],
}

pub(super) const MUTANT: Mutant = Mutant {
    name: "epoch-wraps",
    settings: Settings::DEFAULT,
    description: "Completion routines are filed by a 4-bit Reuse counter: one dropped by a \
                  Reuse comes back sixteen Reuses later.",
    expected: RuleId::CallbackLeak,
    minimal_len: 4 + EPOCHS,
    also: &[],
    witness,
    make: || Box::<EpochWraps>::default(),
};

fn witness() -> Vec<Step> {
    let mut steps = vec![create(R0), set_completion(R0, 0, None)];
    steps.extend(std::iter::repeat_n(reuse(R0, Status::SUCCESS), EPOCHS));
    steps.extend([format(R0), send_sync(R0, Status::SUCCESS, 0)]);
    steps
}

impl EpochWraps {
    /// The routines the framework invoked since `before` were found in
    /// their requests' current slots: those slots are empty now.
    fn consumed(&mut self, sim: &mut Faithful, before: usize) {
        let invoked: Vec<Handle> = sim.invoked_mut()[before..]
            .iter()
            .map(|d| d.request)
            .collect();
        for request in invoked {
            let ring = self.rings.entry(key(&request)).or_default();
            ring.slots[ring.epoch] = None;
        }
    }

    /// After a send of `request` finished: if the framework invoked no
    /// routine for it, the current slot's (stale) one runs.
    fn finished(&mut self, sim: &mut Faithful, request: &Handle, before: usize) {
        let called = sim.invoked_mut()[before..]
            .iter()
            .any(|d| d.request == *request);
        self.consumed(sim, before);
        let ring = self.rings.entry(key(request)).or_default();
        let Some(registration) = ring.slots[ring.epoch].take().filter(|_| !called) else {
            return;
        };
        let completion = sim
            .request(request)
            .map_or(Completion::SUCCESS, |r| r.completion());
        sim.invoked_mut().push(Delivery {
            request: *request,
            registration,
            completion,
        });
    }
}

impl Bug for EpochWraps {
    fn perform(&mut self, sim: &mut Faithful, request: &Handle, call: &Call) -> Replied {
        let before = sim.invoked_mut().len();
        let reply = sim.perform(request, call)?;
        let ring = self.rings.entry(key(request)).or_default();
        match *call {
            Call::SetCompletionCallback { callback, context } => {
                ring.slots[ring.epoch] = Some(Registration { callback, context });
            }
            // The bug: the Reuse moves the counter on and leaves the slot.
            Call::Reuse { .. } => ring.epoch = (ring.epoch + 1) % EPOCHS,
            Call::Send {
                mode: SendMode::Sync(_),
                ..
            } => {
                self.finished(sim, request, before);
                return Ok(reply);
            }
            _ => {}
        }
        self.consumed(sim, before);
        Ok(reply)
    }

    fn target_complete(
        &mut self,
        sim: &mut Faithful,
        request: &Handle,
        completion: Completion,
    ) -> Result<(), Refusal> {
        let before = sim.invoked_mut().len();
        sim.target_complete(request, completion)?;
        self.finished(sim, request, before);
        Ok(())
    }

    fn timed_out(&mut self, sim: &mut Faithful, request: &Handle) -> Result<(), Refusal> {
        let before = sim.invoked_mut().len();
        sim.timed_out(request)?;
        self.consumed(sim, before);
        Ok(())
    }

    fn change_target(
        &mut self,
        sim: &mut Faithful,
        target: TargetId,
        change: TargetChange,
    ) -> Result<(), Refusal> {
        let before = sim.invoked_mut().len();
        sim.change_target(target, change)?;
        self.consumed(sim, before);
        Ok(())
    }
}
