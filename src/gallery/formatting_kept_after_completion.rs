//! Mutant `formatting-kept-after-completion`: a completed send leaves the
//! request formatted; `send-unformatted` catches it in five steps.

use super::formatted_flag::StaleFormattedFlag;
use super::framework::Replied;
use super::witness::{R0, create, format, send, target_completes};
use super::{Bug, Faithful, Mutant};
use crate::harness::conformance::Refusal;
use crate::sim::Handle;
use crate::vocab::{Call, Completion, RuleId, Settings, Status, Step};

/// The asynchronous completion path does not clear the formatted flag.
///
/// # The bug
///
/// `FxRequestBase::CompleteSubmitted`
/// (`src/framework/shared/core/fxrequestbase.cpp`) calls
/// `VerifierClearFormatted()`, so a request sent again must be formatted
/// again, and `FxIoTarget::VerifySubmitLocked` refuses an unformatted send
/// with `STATUS_REQUEST_NOT_ACCEPTED` (the flag is
/// `FXREQUEST_FLAG_FORMATTED`). A target's completion routine that forgets
/// the clear lets a driver resend a request that still carries the previous
/// send's formatting, against buffers it may already have released. (A
/// send-and-forget, which looks at the formatting itself, is unaffected.) Here only the asynchronous path has the bug: a synchronous
/// send waits for its completion and clears the flag after the wait.
///
/// # How it is caught
///
/// `send-unformatted`: the harness sees the resend without a format
/// accepted.
///
/// Shortest sequence (5): `create r0; r0: format; r0: send; target completes
/// r0; r0: send`. The first send must be asynchronous, so its completion is
/// a step of its own.
#[derive(Clone, Debug, Default)]
pub struct FormattingKeptAfterCompletion {
    flag: StaleFormattedFlag,
}

pub(super) const MUTANT: Mutant = Mutant {
    name: "formatting-kept-after-completion",
    settings: Settings::DEFAULT,
    description: "A completed send leaves the request formatted, so a resend without \
                  a new format is accepted.",
    expected: RuleId::SendUnformatted,
    minimal_len: 5,
    also: &[],
    witness,
    make: || Box::<FormattingKeptAfterCompletion>::default(),
};

fn witness() -> Vec<Step> {
    vec![
        create(R0),
        format(R0),
        send(R0),
        target_completes(R0, Status::SUCCESS, 0),
        send(R0),
    ]
}

impl Bug for FormattingKeptAfterCompletion {
    fn perform(&mut self, sim: &mut Faithful, request: &Handle, call: &Call) -> Replied {
        let Call::Reuse { .. } = call else {
            return self.flag.perform(sim, request, call);
        };
        let reply = sim.perform(request, call)?;
        // Reuse clears the flag correctly here.
        self.flag.clear(request);
        Ok(reply)
    }

    fn target_complete(
        &mut self,
        sim: &mut Faithful,
        request: &Handle,
        completion: Completion,
    ) -> Result<(), Refusal> {
        let formatted = sim.request(request).and_then(|r| r.formatted);
        sim.target_complete(request, completion)?;
        // The bug: the formatting is released, the flag survives.
        if let Some(kind) = formatted {
            self.flag.keep(request, kind);
        }
        Ok(())
    }
}
