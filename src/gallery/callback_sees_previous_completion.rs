//! Mutant `callback-sees-previous-completion`: the completion callback gets
//! the status and information of the request's previous completion;
//! `callback-mismatch` catches it in five steps.

use super::witness::{R0, create, format, send, set_completion, target_completes};
use super::{Bug, Faithful, Mutant};
use crate::harness::conformance::Refusal;
use crate::sim::Handle;
use crate::vocab::{Completion, RuleId, Settings, Status, Step};

/// The asynchronous completion path fills in the completion parameters
/// after the callback runs.
///
/// # The bug
///
/// `FxRequestBase::CompleteSubmitted`
/// (`src/framework/shared/core/fxrequestbase.cpp`) copies the IRP's
/// `IoStatus` into the request's completion parameters and then calls the
/// routine with them. Doing the copy after the call (it must happen anyway,
/// "because the driver can retrieve the parameters later even if there is
/// no completion routine set") hands the routine the parameters of the
/// request's previous completion: the stale completion a generation counter
/// would have caught. Here only a target's asynchronous completion has the
/// bug; a synchronous send copies the status from the IRP it waited on
/// before it calls the routine, as `FxIoTarget::_SyncCompletionRoutine`
/// receives it.
///
/// # How it is caught
///
/// `callback-mismatch`: the callback's status and information are not the
/// target's.
///
/// Shortest sequence (5): `create r0; r0: set completion cb0; r0: format;
/// r0: send; target completes r0 with STATUS_UNSUCCESSFUL`. The send must
/// be asynchronous, and the target's completion must differ from what the
/// request reported before (success, no information, for a new request in
/// the simulation).
#[derive(Clone, Copy, Debug, Default)]
pub struct CallbackSeesPreviousCompletion;

pub(super) const MUTANT: Mutant = Mutant {
    name: "callback-sees-previous-completion",
    settings: Settings::DEFAULT,
    description: "The callback receives the status and information of the request's \
                  previous completion, copied in only after the call.",
    expected: RuleId::CallbackMismatch,
    minimal_len: 5,
    also: &[],
    witness,
    make: || Box::new(CallbackSeesPreviousCompletion),
};

fn witness() -> Vec<Step> {
    vec![
        create(R0),
        set_completion(R0, 0, None),
        format(R0),
        send(R0),
        target_completes(R0, Status::UNSUCCESSFUL, 0),
    ]
}

impl Bug for CallbackSeesPreviousCompletion {
    fn target_complete(
        &mut self,
        sim: &mut Faithful,
        request: &Handle,
        completion: Completion,
    ) -> Result<(), Refusal> {
        let previous = sim.request(request).map(|r| r.completion());
        sim.target_complete(request, completion)?;
        // The bug: the routine ran before the copy of the new completion.
        if let (Some(previous), Some(delivery)) = (previous, sim.invoked_for(request)) {
            delivery.completion = previous;
        }
        Ok(())
    }
}
