//! Mutant `refused-send-keeps-status`: a refused send leaves the request's
//! status as it was; `status-mismatch` catches it in three steps (KMDF).

use std::collections::BTreeMap;

use super::framework::{Replied, RequestKey, key};
use super::witness::{R0, create, read_status, send};
use super::{Bug, Faithful, Mutant};
use crate::harness::conformance::Refusal;
use crate::sim::Handle;
use crate::vocab::{Call, Completion, Reply, RuleId, Settings, Step};

/// A refused `WdfRequestSend` reports its failure only as its return value.
///
/// # The bug
///
/// The framework's code writes the failure into the request as well:
/// `WdfRequestSend` (`src/framework/shared/core/fxrequestapi.cpp`) sets
/// the status of a send it refuses itself, and `FxIoTarget::SubmitLocked`
/// (`targets/general/fxiotarget.cpp`, its `CheckError` path) of one the
/// target refuses. A driver that reads the status after a failed send (to
/// log it, or to complete a queue-presented request with it) reads
/// whatever the request held before: a success, here.
///
/// # How it is caught
///
/// `status-mismatch`: the status read after the refusal is not the one the
/// refusal wrote.
///
/// Shortest sequence (3): `create r0; r0: send to t0; r0: read status`.
/// The send is refused as unformatted (`STATUS_REQUEST_NOT_ACCEPTED`).
#[derive(Clone, Debug, Default)]
pub struct RefusedSendKeepsStatus {
    /// Per request, the completion it reported before a refused send, for
    /// as long as nothing else changed it.
    before_refusal: BTreeMap<RequestKey, Completion>,
}

pub(super) const MUTANT: Mutant = Mutant {
    name: "refused-send-keeps-status",
    settings: Settings::KMDF,
    description: "A refused send does not write its failure status into the request, \
                  so a status read afterwards returns the old one.",
    expected: RuleId::StatusMismatch,
    minimal_len: 3,
    also: &[],
    witness,
    make: || Box::<RefusedSendKeepsStatus>::default(),
};

fn witness() -> Vec<Step> {
    vec![create(R0), send(R0), read_status(R0)]
}

impl Bug for RefusedSendKeepsStatus {
    fn perform(&mut self, sim: &mut Faithful, request: &Handle, call: &Call) -> Replied {
        let at = key(request);
        match call {
            Call::ReadStatus => match (sim.perform(request, call), self.before_refusal.get(&at)) {
                // The bug: the status the refusal wrote is not reported.
                (Ok(Reply::Status(_)), Some(kept)) => Ok(Reply::Status(*kept)),
                (reply, _) => reply,
            },
            Call::Send { .. } => {
                let before = sim.request(request).map(|r| r.completion());
                let sent = sim.perform(request, call);
                match (&sent, before) {
                    (Err(Refusal::Rule(_)), Some(before)) => {
                        self.before_refusal.entry(at).or_insert(before);
                    }
                    _ => {
                        self.before_refusal.remove(&at);
                    }
                }
                sent
            }
            _ => {
                self.before_refusal.remove(&at);
                sim.perform(request, call)
            }
        }
    }

    fn target_complete(
        &mut self,
        sim: &mut Faithful,
        request: &Handle,
        completion: Completion,
    ) -> Result<(), Refusal> {
        self.before_refusal.remove(&key(request));
        sim.target_complete(request, completion)
    }
}
