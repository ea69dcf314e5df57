//! Mutant `formatted-flag-cleared-by-reuse`: in KMDF, Reuse clears the
//! verifier's formatted flag, so a send the framework lets through is
//! refused; `format-after-reuse` catches it in four steps.

use super::framework::Replied;
use super::witness::{R0, create, format, reuse, send};
use super::{Bug, Faithful, Mutant};
use crate::harness::conformance::Refusal;
use crate::sim::{Handle, Origin};
use crate::vocab::{Call, RuleId, SendMode, Settings, Status, Step};

/// Reuse clears `FXREQUEST_FLAG_FORMATTED` along with the formatting, as
/// UMDF 1's documentation has it, so the verifier refuses a send that is
/// not formatted again: Reuse releases the I/O context through
/// `ContextReleaseAndRestore`, which clears the flag, instead of the
/// context's own `ReleaseAndRestore`, which does not.
///
/// # The bug
///
/// It is the stricter reading, and the one the documentation suggests
/// ("Reusing Framework Request Objects": format again after Reuse). But
/// the shared KMDF and UMDF 2 source keeps the flag: `FxRequest::Reuse`
/// (`src/framework/shared/core/fxrequest.cpp`) releases the I/O context's
/// formatting and never touches the verifier flags (only
/// `ClearFieldsForReuse`, on a MUST_COMPLETE Reuse, clears them), and
/// `FxIoTarget::VerifySubmitLocked` looks only at the flag. A driver that
/// forgets to format after Reuse is a driver bug the framework lets
/// through, and a fake framework that refuses it fails the driver's unit
/// tests on a call that works on Windows, or hides what the driver
/// actually sends.
///
/// # How it is caught
///
/// `format-after-reuse`: the model lets the send through with that rule
/// broken, and the harness sees it refused (as `send-unformatted`).
///
/// Shortest sequence (4): `create r0; r0: format; r0: reuse; r0: send`.
/// The format is needed, or both refuse the send; the Reuse is the bug.
///
/// The mutant's refusal writes no status into the request (KMDF's would
/// write `STATUS_REQUEST_NOT_ACCEPTED`): the harness stops at the refused
/// send, so nothing after it is compared.
#[derive(Clone, Copy, Debug, Default)]
pub struct FormattedFlagClearedByReuse;

pub(super) const MUTANT: Mutant = Mutant {
    name: "formatted-flag-cleared-by-reuse",
    settings: Settings::KMDF,
    description: "Reuse clears the verifier's formatted flag, so a send not formatted \
                  again after Reuse is refused, where KMDF lets it through.",
    expected: RuleId::FormatAfterReuse,
    minimal_len: 4,
    also: &[],
    witness,
    make: || Box::new(FormattedFlagClearedByReuse),
};

fn witness() -> Vec<Step> {
    vec![create(R0), format(R0), reuse(R0, Status::SUCCESS), send(R0)]
}

impl Bug for FormattedFlagClearedByReuse {
    fn perform(&mut self, sim: &mut Faithful, request: &Handle, call: &Call) -> Replied {
        let Call::Send { mode, .. } = *call else {
            return sim.perform(request, call);
        };
        let verifier = sim.framework().settings().verifier;
        // The flag set with no formatting is a request reused since its
        // last format: the flag the bug would have cleared. The checks
        // `WdfRequestSend` makes before the verifier's come first.
        // Only a Reuse that released an I/O context clears it, as
        // `ContextReleaseAndRestore` would (formatting with the current
        // type attaches none).
        let cleared = sim.request(request).is_some_and(|r| {
            r.format_flag
                && r.io_context
                && r.formatted.is_none()
                && !r.is_outstanding()
                && !(r.origin != Origin::Created
                    && mode == SendMode::Async
                    && r.registration.is_none())
        });
        if verifier && cleared && mode != SendMode::Forget {
            return Err(Refusal::Rule(RuleId::SendUnformatted));
        }
        sim.perform(request, call)
    }
}
