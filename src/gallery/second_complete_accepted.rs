//! Mutant `second-complete-accepted`: a driver-created request reused
//! `MUST_COMPLETE` accepts a second Complete; `complete-created` catches it
//! in four steps (KMDF).

use super::framework::Replied;
use super::witness::{R0, complete, create, reuse_with};
use super::{Bug, Faithful, Mutant, RequestKey, key};
use crate::sim::{Handle, Origin};
use crate::vocab::{Call, Reply, ReuseFlags, RuleId, Settings, Status, Step};

use std::collections::BTreeSet;

/// The request remembers that it may be completed, not that it was.
///
/// # The bug
///
/// A Reuse with `WDF_REQUEST_REUSE_MUST_COMPLETE` lets a driver-created
/// request be completed once: `FxRequest::Reuse` sets `m_CanComplete`, and
/// the completion clears the way again (the reference the flag took is
/// released, and the verifier's `VerifyRequestCanBeCompleted` refuses a
/// second Complete). This framework sets a "may complete" mark at Reuse
/// and never clears it, so a second Complete of the same request is
/// accepted and completes an IRP that is already completed.
///
/// # How it is caught
///
/// `complete-created`: the harness sees the second Complete accepted.
///
/// Shortest sequence (4): `create r0; r0: reuse with a new IRP and
/// MUST_COMPLETE; r0: complete; r0: complete`.
#[derive(Clone, Debug, Default)]
pub struct SecondCompleteAccepted {
    /// Requests a MUST_COMPLETE Reuse marked, for good.
    may_complete: BTreeSet<RequestKey>,
}

pub(super) const MUTANT: Mutant = Mutant {
    name: "second-complete-accepted",
    settings: Settings::KMDF,
    description: "A request reused MUST_COMPLETE keeps its permission to complete: a second \
                  Complete is accepted.",
    expected: RuleId::CompleteCreated,
    minimal_len: 4,
    also: &[],
    witness,
    make: || Box::<SecondCompleteAccepted>::default(),
};

const NEW_IRP_MUST_COMPLETE: ReuseFlags = ReuseFlags {
    set_new_irp: true,
    must_complete: true,
};

fn witness() -> Vec<Step> {
    vec![
        create(R0),
        reuse_with(R0, Status::SUCCESS, NEW_IRP_MUST_COMPLETE),
        complete(R0),
        complete(R0),
    ]
}

impl Bug for SecondCompleteAccepted {
    fn perform(&mut self, sim: &mut Faithful, request: &Handle, call: &Call) -> Replied {
        let created = sim
            .request(request)
            .is_some_and(|r| r.origin == Origin::Created);
        match *call {
            Call::Reuse { flags, .. } => {
                let reply = sim.perform(request, call)?;
                if flags.must_complete && created {
                    self.may_complete.insert(key(request));
                }
                Ok(reply)
            }
            // The bug: the mark outlives the completion.
            Call::Complete { .. }
                if created
                    && self.may_complete.contains(&key(request))
                    && sim.request(request).is_some_and(|r| !r.must_complete) =>
            {
                Ok(Reply::Done)
            }
            _ => sim.perform(request, call),
        }
    }
}
