//! Mutant `status-reset-to-success`: Reuse sets `STATUS_SUCCESS` whatever
//! status it is given; `status-mismatch` catches it in three steps.

use super::framework::Replied;
use super::witness::{R0, create, read_status, reuse};
use super::{Bug, Faithful, Mutant};
use crate::sim::Handle;
use crate::vocab::{Call, RuleId, Settings, Status, Step};

/// Reuse resets the status to success instead of the value given.
///
/// # The bug
///
/// A wrapper of `WdfRequestReuse` (a UMDF 1 `IWDFIoRequest2::Reuse(hrStatus)`
/// shim, or a safe-Rust binding) that builds its parameters with
/// `WDF_REQUEST_REUSE_PARAMS_INIT(&params, WDF_REQUEST_REUSE_NO_FLAGS,
/// STATUS_SUCCESS)` and never passes its caller's status on. A driver that
/// reuses with a failure status to mark "not yet done" reads success.
///
/// # How it is caught
///
/// `status-mismatch`: reading the status after the Reuse returns success.
///
/// Shortest sequence (3): `create r0; r0: reuse with STATUS_UNSUCCESSFUL;
/// r0: read status`.
#[derive(Clone, Copy, Debug, Default)]
pub struct StatusResetToSuccess;

pub(super) const MUTANT: Mutant = Mutant {
    name: "status-reset-to-success",
    settings: Settings::DEFAULT,
    description: "Reuse resets the status to STATUS_SUCCESS instead of the status given.",
    expected: RuleId::StatusMismatch,
    minimal_len: 3,
    also: &[],
    witness,
    make: || Box::new(StatusResetToSuccess),
};

fn witness() -> Vec<Step> {
    vec![create(R0), reuse(R0, Status::UNSUCCESSFUL), read_status(R0)]
}

impl Bug for StatusResetToSuccess {
    fn perform(&mut self, sim: &mut Faithful, request: &Handle, call: &Call) -> Replied {
        let mut altered = *call;
        if let Call::Reuse { status, .. } = &mut altered {
            // The bug: the parameters were initialised with the default
            // status and the caller's never copied in.
            *status = Status::SUCCESS;
        }
        sim.perform(request, &altered)
    }
}
