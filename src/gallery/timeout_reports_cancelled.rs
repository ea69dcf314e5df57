//! Mutant `timeout-reports-cancelled`: a request whose send its timeout
//! cancelled reports `STATUS_CANCELLED` to a status read; `status-mismatch`
//! catches it in six steps (KMDF).

use std::collections::BTreeSet;

use super::framework::{Replied, RequestKey, key};
use super::witness::{
    R0, create, format, read_status, send_with_timeout, target_completes, times_out,
};
use super::{Bug, Faithful, Mutant};
use crate::harness::conformance::Refusal;
use crate::sim::Handle;
use crate::vocab::{Call, Completion, Reply, RuleId, Settings, Status, Step};

/// The completion routine is told of the timeout, the request is not.
///
/// # The bug
///
/// `FxIoTarget::RequestCompletionRoutine`
/// (`src/framework/shared/targets/general/fxiotarget.cpp`) turns a
/// cancelled completion of a send its timer cancelled into
/// `STATUS_IO_TIMEOUT` in the request itself, so the completion routine and
/// any later `WdfRequestGetStatus` agree. Here only the routine's
/// parameters are converted, and the request keeps the target's
/// `STATUS_CANCELLED`: a driver that reads the status after the callback
/// (to retry on a timeout and give up on its own cancel) takes the timeout
/// for a cancel.
///
/// # How it is caught
///
/// `status-mismatch`: the status read after the completion is
/// `STATUS_CANCELLED` where `STATUS_IO_TIMEOUT` is due.
///
/// Shortest sequence (6): `create r0; r0: format; r0: send to t0, with a
/// timeout; r0: its send times out; r0: target completes with
/// STATUS_CANCELLED; r0: read status`.
#[derive(Clone, Debug, Default)]
pub struct TimeoutReportsCancelled {
    /// The requests that report STATUS_CANCELLED instead of the
    /// framework's STATUS_IO_TIMEOUT (with the framework's information),
    /// until another call changes their status.
    reported: BTreeSet<RequestKey>,
}

pub(super) const MUTANT: Mutant = Mutant {
    name: "timeout-reports-cancelled",
    settings: Settings::KMDF,
    description: "A request whose send its timeout cancelled reports STATUS_CANCELLED \
                  instead of STATUS_IO_TIMEOUT to a status read.",
    expected: RuleId::StatusMismatch,
    minimal_len: 6,
    also: &[],
    witness,
    make: || Box::<TimeoutReportsCancelled>::default(),
};

fn witness() -> Vec<Step> {
    vec![
        create(R0),
        format(R0),
        send_with_timeout(R0),
        times_out(R0),
        target_completes(R0, Status::CANCELLED, 0),
        read_status(R0),
    ]
}

impl Bug for TimeoutReportsCancelled {
    fn perform(&mut self, sim: &mut Faithful, request: &Handle, call: &Call) -> Replied {
        let reply = sim.perform(request, call);
        // Only a Reuse or a send changes the status again.
        if matches!(call, Call::Reuse { .. } | Call::Send { .. }) {
            self.reported.remove(&key(request));
        }
        if !matches!(call, Call::ReadStatus) {
            return reply;
        }
        match reply {
            // The bug: the status the framework turned into a timeout.
            Ok(Reply::Status(completion)) if self.reported.contains(&key(request)) => Ok(
                Reply::Status(Completion::new(Status::CANCELLED, completion.information)),
            ),
            reply => reply,
        }
    }

    fn target_complete(
        &mut self,
        sim: &mut Faithful,
        request: &Handle,
        completion: Completion,
    ) -> Result<(), Refusal> {
        let timed_out = sim.request(request).is_some_and(|r| r.timer == Some(true));
        sim.target_complete(request, completion)?;
        if timed_out && completion.status == Status::CANCELLED {
            // The bug: the request keeps the target's status.
            self.reported.insert(key(request));
        }
        Ok(())
    }
}
