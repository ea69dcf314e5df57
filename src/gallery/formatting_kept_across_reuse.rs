//! Mutant `formatting-kept-across-reuse`: Reuse leaves the request
//! formatted; `send-unformatted` catches it in four steps.

use super::formatted_flag::StaleFormattedFlag;
use super::framework::Replied;
use super::witness::{R0, create, format, reuse, send};
use super::{Bug, Faithful, Mutant};
use crate::harness::conformance::Refusal;
use crate::sim::Handle;
use crate::vocab::{Call, Completion, RuleId, Settings, Status, Step};

/// Reuse releases the request's formatting but leaves its formatted flag
/// set.
///
/// # The bug
///
/// `FxRequest::Reuse` (`src/framework/shared/core/fxrequest.cpp`) calls
/// `m_RequestContext->ReleaseAndRestore(this)` to "release all outstanding
/// references and restore original fields in the PIRP", which undoes the
/// formatting of the last send. The verifier tracks formatting separately,
/// in `FXREQUEST_FLAG_FORMATTED`, which `FxIoTarget::VerifySubmitLocked`
/// checks before a send; a Reuse that releases the formatting but leaves
/// the flag set lets the driver send without formatting again, and the
/// request goes out with the previous send's buffers and parameters. (A
/// send-and-forget, which looks at the formatting itself, is unaffected.)
///
/// # How it is caught
///
/// `send-unformatted`: the harness sees the send after the Reuse accepted.
///
/// Shortest sequence (4): `create r0; r0: format; r0: reuse; r0: send`.
#[derive(Clone, Debug, Default)]
pub struct FormattingKeptAcrossReuse {
    flag: StaleFormattedFlag,
}

pub(super) const MUTANT: Mutant = Mutant {
    name: "formatting-kept-across-reuse",
    settings: Settings::DEFAULT,
    description: "Reuse leaves the request formatted for its previous I/O, so an \
                  unformatted send is accepted.",
    expected: RuleId::SendUnformatted,
    minimal_len: 4,
    also: &[],
    witness,
    make: || Box::<FormattingKeptAcrossReuse>::default(),
};

fn witness() -> Vec<Step> {
    vec![create(R0), format(R0), reuse(R0, Status::SUCCESS), send(R0)]
}

impl Bug for FormattingKeptAcrossReuse {
    fn perform(&mut self, sim: &mut Faithful, request: &Handle, call: &Call) -> Replied {
        let Call::Reuse { .. } = call else {
            return self.flag.perform(sim, request, call);
        };
        let formatted = sim.request(request).and_then(|r| r.formatted);
        let reply = sim.perform(request, call)?;
        // The bug: the I/O context is released, the flag stays set.
        if let Some(kind) = formatted {
            self.flag.keep(request, kind);
        }
        Ok(reply)
    }

    fn target_complete(
        &mut self,
        sim: &mut Faithful,
        request: &Handle,
        completion: Completion,
    ) -> Result<(), Refusal> {
        sim.target_complete(request, completion)?;
        // Completion clears the flag correctly here.
        self.flag.clear(request);
        Ok(())
    }
}
