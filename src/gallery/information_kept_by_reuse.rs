//! Mutant `information-kept-by-reuse`: Reuse of a driver-created request
//! leaves the previous completion's information; `status-mismatch` catches
//! it in five steps.

use std::collections::BTreeMap;

use super::framework::Replied;
use super::witness::{R0, create, format, read_status, reuse, send_sync};
use super::{Bug, Faithful, Mutant, RequestKey, key};
use crate::sim::{Handle, Origin};
use crate::vocab::{Call, Reply, RuleId, Settings, Status, Step};

/// Reuse of a driver-created request resets the status but not the
/// information.
///
/// # The bug
///
/// `FxRequest::Reuse` (`src/framework/shared/core/fxrequest.cpp`) has two
/// paths: a queue-presented request "can only reset a limited state"
/// (status and cancel flag), while a driver-created one has its IRP
/// reinitialised, information included; toastmon (`general/toaster/
/// toastDrv/kmdf/toastmon/toastmon.c`) relies on Reuse zeroing the
/// completion parameters. A framework that sends created requests down the
/// limited path leaves `IoStatus.Information` of the previous completion,
/// so a driver that reads it after Reuse sees a byte count from the
/// previous transfer.
///
/// # How it is caught
///
/// `status-mismatch`: reading the status after the Reuse returns the old
/// information.
///
/// Shortest sequence (5): `create r0; r0: format; r0: send synchronously,
/// answered with information 64; r0: reuse; r0: read status`. Only a
/// finished send sets a non-zero information, and only a created request's
/// information is specified after Reuse. With an asynchronous send the
/// completion is a step of its own: six steps, the same events.
#[derive(Clone, Debug, Default)]
pub struct InformationKeptByReuse {
    /// The information each created request still reports since its
    /// latest Reuse, until its next send.
    kept: BTreeMap<RequestKey, u64>,
}

pub(super) const MUTANT: Mutant = Mutant {
    name: "information-kept-by-reuse",
    settings: Settings::DEFAULT,
    description: "Reuse of a driver-created request resets the status but leaves the \
                  previous completion's information.",
    expected: RuleId::StatusMismatch,
    minimal_len: 5,
    also: &[],
    witness,
    make: || Box::<InformationKeptByReuse>::default(),
};

fn witness() -> Vec<Step> {
    vec![
        create(R0),
        format(R0),
        send_sync(R0, Status::SUCCESS, 64),
        reuse(R0, Status::SUCCESS),
        read_status(R0),
    ]
}

impl Bug for InformationKeptByReuse {
    fn perform(&mut self, sim: &mut Faithful, request: &Handle, call: &Call) -> Replied {
        let before = sim.request(request).map(|r| (r.origin, r.information));
        let reply = sim.perform(request, call)?;
        match (call, before, reply) {
            // The bug: the limited reset path, for a created request.
            (Call::Reuse { .. }, Some((Origin::Created, information)), _) => {
                self.kept.insert(key(request), information);
                Ok(reply)
            }
            (Call::ReadStatus, _, Reply::Status(mut completion)) => {
                if let Some(&information) = self.kept.get(&key(request)) {
                    completion.information = information;
                }
                Ok(Reply::Status(completion))
            }
            // A send hands the IRP's status block to the target.
            (Call::Send { .. }, _, _) => {
                self.kept.remove(&key(request));
                Ok(reply)
            }
            _ => Ok(reply),
        }
    }
}
