//! Mutant `status-kept-by-reuse`: Reuse ignores the status it is given and
//! keeps the previous one; `status-mismatch` catches it in three steps.

use super::framework::Replied;
use super::witness::{R0, create, read_status, reuse};
use super::{Bug, Faithful, Mutant};
use crate::sim::Handle;
use crate::vocab::{Call, RuleId, Settings, Status, Step};

/// Reuse resets everything but the completion status.
///
/// # The bug
///
/// `IWDFIoRequest2::Reuse(hrNewStatus)` and `WDF_REQUEST_REUSE_PARAMS.Status`
/// give the status the request reports after Reuse; the KMDF path sets it
/// with `currentIrp.SetStatus(ReuseParams->Status)` and the UMDF path passes
/// it to the host's `Reuse`. A reuse path that reinitialises the IRP's
/// cancel flag and fields but never copies the new status into its
/// `IoStatus` leaves the previous completion's status in place, and a
/// driver that reads the status after Reuse sees a stale failure (or a
/// stale success).
///
/// # How it is caught
///
/// `status-mismatch`: reading the status after the Reuse returns the old
/// one. The simulation gives a new request `STATUS_SUCCESS`.
///
/// Shortest sequence (3): `create r0; r0: reuse with STATUS_UNSUCCESSFUL;
/// r0: read status`.
#[derive(Clone, Copy, Debug, Default)]
pub struct StatusKeptByReuse;

pub(super) const MUTANT: Mutant = Mutant {
    name: "status-kept-by-reuse",
    settings: Settings::DEFAULT,
    description: "Reuse ignores the status it is given: the request keeps reporting \
                  its previous status.",
    expected: RuleId::StatusMismatch,
    minimal_len: 3,
    also: &[],
    witness,
    make: || Box::new(StatusKeptByReuse),
};

fn witness() -> Vec<Step> {
    vec![create(R0), reuse(R0, Status::UNSUCCESSFUL), read_status(R0)]
}

impl Bug for StatusKeptByReuse {
    fn perform(&mut self, sim: &mut Faithful, request: &Handle, call: &Call) -> Replied {
        let mut altered = *call;
        if let Call::Reuse { status, .. } = &mut altered {
            // The bug: the status that reaches the reset is the old one.
            if let Some(body) = sim.request(request) {
                *status = body.status;
            }
        }
        sim.perform(request, &altered)
    }
}
