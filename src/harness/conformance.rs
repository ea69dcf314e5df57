//! The public contract between the conformance harness and an
//! implementation under test: [`Conformance`].
//!
//! Implement it for a safe Rust WDF wrapper, a fake framework used in driver
//! unit tests, or anything else that claims to implement the request
//! lifecycle; the harness then drives it side by side with the reference
//! model. The simulated framework (`crate::sim`) is the first implementation.

use std::fmt;

use crate::vocab::{Call, Completion, Delivery, QueueId, Reply, RuleId, TargetChange, TargetId};

/// Why an implementation declined a call.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum Refusal {
    /// The call breaks a driver rule, and the implementation's verifier
    /// refused it. It must have changed only what the framework's refusal
    /// changes (the model says what: a refused send writes its status into
    /// the request; a refused Reuse has dropped the callback first).
    #[error("refused: the call breaks `{0}`")]
    Rule(RuleId),
    /// The call failed for a reason outside the rules (out of memory, a
    /// wrapper's own limit). The harness reports it as a divergence.
    #[error("failed: {0}")]
    Failed(String),
}

impl From<RuleId> for Refusal {
    fn from(rule: RuleId) -> Self {
        Refusal::Rule(rule)
    }
}

/// An implementation of the request lifecycle that the harness can drive.
///
/// # Contract
///
/// Required: [`create_request`](Self::create_request),
/// [`receive_request`](Self::receive_request), [`perform`](Self::perform),
/// [`target_complete`](Self::target_complete),
/// [`timed_out`](Self::timed_out),
/// [`change_target`](Self::change_target) and
/// [`drain_deliveries`](Self::drain_deliveries). Optional, with defaults:
/// [`check_invariants`](Self::check_invariants) and [`name`](Self::name).
///
/// - The harness calls the methods in the order of an operation sequence,
///   one at a time, from one thread. It builds a fresh instance for every
///   case (and for every attempt to shrink a failing one).
/// - Settings: an instance implements one framework setting (flavor,
///   framework version, verifier), the one
///   [`Implementation::build`](super::Implementation::build) was given;
///   the implementation declares which it implements in
///   [`Implementation::settings`](super::Implementation::settings), and the
///   harness judges each instance for the settings it was built for, so
///   the two never disagree.
/// - A call the framework refuses in those settings must return
///   `Err(Refusal::Rule(rule))` with the rule the model names, and change
///   only what that refusal changes in the framework (the model's step
///   says what): the harness goes on with the next step. Not every driver
///   rule is refused: a rule the framework has no check for is undefined
///   (below), and one only the verifier checks is let through with the
///   verifier off: the call takes effect as the model says (the model's
///   judgement says `let_through`), and refusing it is a divergence.
/// - A step whose outcome the framework leaves undefined (it has no check:
///   a Reuse, Complete or Delete of a request still at its target, any call
///   on a completed or deleted request, ...) is not performed: from that
///   step on the harness never calls the implementation for that request
///   again, ignores the callbacks it reports for it, and judges only the
///   other requests. So the harness never hands back a stale handle; a
///   handle must still name one request only for the whole sequence, so
///   that callbacks are told apart: a handle from
///   [`create_request`](Self::create_request) or
///   [`receive_request`](Self::receive_request) equal to one given before,
///   to a request alive or dead, is a divergence
///   ([`DivergenceKind::DuplicateHandle`](super::DivergenceKind::DuplicateHandle))
///   at that step.
/// - Where a call breaks several driver rules, the refusal names the
///   first the framework checks: the model's per-call order, documented on
///   each call in `model::calls` (for a send: its options, the mode's own
///   conditions, a send still out, the IRP, the verifier's formatted flag,
///   the target's state, a cancel since the last Reuse). A rule the
///   framework lets through on the way is not a refusal; refusing for it
///   is a divergence about that rule.
/// - Every completion callback the implementation invokes, during any call,
///   is reported by the next [`drain_deliveries`](Self::drain_deliveries),
///   in the order invoked. The harness drains after every step and compares
///   what was invoked with what the model says must be, so a callback is
///   reported in the step that finished its send (a target's completion, a
///   synchronous send, a cancel or timeout of a send queued at a stopped
///   target, a purge or close of that target), never later. Callbacks for
///   different requests in one step may come in any order.
/// - A panic in any method is caught by the harness and reported as a
///   divergence of the implementation, with the sequence that caused it.
pub trait Conformance {
    /// The implementation's own name for a request object.
    type Handle: Clone + PartialEq + fmt::Debug;

    /// `IWDFDevice::CreateRequest` / `WdfRequestCreate`; `irp` is false
    /// where `WdfRequestCreate` is given no I/O target, so that the request
    /// has no IRP until it is formatted for a target or reused with a new
    /// IRP (KMDF and UMDF 2: UMDF 1's requests always have one, and an
    /// implementation of it ignores `irp`).
    fn create_request(&mut self, irp: bool) -> Result<Self::Handle, Refusal>;

    /// An I/O queue presents a new request (as the framework does when an
    /// originator sends one to the device).
    fn receive_request(&mut self, queue: QueueId) -> Result<Self::Handle, Refusal>;

    /// Makes `call` on `request`: every driver call but creating and
    /// receiving, which have methods of their own.
    fn perform(&mut self, request: &Self::Handle, call: &Call) -> Result<Reply, Refusal>;

    /// The I/O target at which `request` is outstanding finishes it with
    /// `completion`. An implementation refuses a request that is not
    /// outstanding with `target-complete-unsent`.
    fn target_complete(
        &mut self,
        request: &Self::Handle,
        completion: Completion,
    ) -> Result<(), Refusal>;

    /// The timeout of the send outstanding for `request`
    /// (`WDF_REQUEST_SEND_OPTION_TIMEOUT`) elapses before its target
    /// finishes it: the framework's timer cancels the send. An
    /// implementation refuses a request with no such timer armed with
    /// `timeout-unarmed`.
    fn timed_out(&mut self, request: &Self::Handle) -> Result<(), Refusal>;

    /// The driver changes the state of I/O target `target`
    /// (`WdfIoTargetStart`, `WdfIoTargetStop`, `WdfIoTargetPurge`,
    /// `WdfIoTargetClose`). Every target starts started. The framework
    /// refuses no change; what it does to the requests queued at the
    /// target or sent to it is the model's
    /// [`target_change`](crate::model::target_change): a start sends the
    /// queued ones, a purge or close fails them (their callbacks invoked
    /// during this call), a stop that cancels, a purge or a close cancels
    /// the sent ones.
    fn change_target(&mut self, target: TargetId, change: TargetChange) -> Result<(), Refusal>;

    /// Moves the completion callbacks invoked since the last drain into
    /// `into`, oldest first.
    fn drain_deliveries(&mut self, into: &mut Vec<Delivery<Self::Handle>>);

    /// Checks the implementation's own invariants; an `Err` is reported as
    /// a divergence. A hunt calls it after every
    /// [`INVARIANTS_EVERY`](super::run::INVARIANTS_EVERY) steps and at the
    /// end of each sequence, so a full walk of the implementation's state
    /// costs little; a stepwise driver ([`SideBySide`](super::SideBySide))
    /// calls it after every step unless told otherwise. The default checks
    /// nothing.
    fn check_invariants(&self) -> Result<(), String> {
        Ok(())
    }

    /// A short name for reports.
    fn name(&self) -> String {
        std::any::type_name::<Self>().to_owned()
    }
}

/// A borrowed implementation is an implementation: the harness can drive
/// one the caller keeps, to inspect it afterwards.
impl<T: Conformance + ?Sized> Conformance for &mut T {
    type Handle = T::Handle;

    fn create_request(&mut self, irp: bool) -> Result<Self::Handle, Refusal> {
        (**self).create_request(irp)
    }

    fn receive_request(&mut self, queue: QueueId) -> Result<Self::Handle, Refusal> {
        (**self).receive_request(queue)
    }

    fn perform(&mut self, request: &Self::Handle, call: &Call) -> Result<Reply, Refusal> {
        (**self).perform(request, call)
    }

    fn target_complete(
        &mut self,
        request: &Self::Handle,
        completion: Completion,
    ) -> Result<(), Refusal> {
        (**self).target_complete(request, completion)
    }

    fn timed_out(&mut self, request: &Self::Handle) -> Result<(), Refusal> {
        (**self).timed_out(request)
    }

    fn change_target(&mut self, target: TargetId, change: TargetChange) -> Result<(), Refusal> {
        (**self).change_target(target, change)
    }

    fn drain_deliveries(&mut self, into: &mut Vec<Delivery<Self::Handle>>) {
        (**self).drain_deliveries(into)
    }

    fn check_invariants(&self) -> Result<(), String> {
        (**self).check_invariants()
    }

    fn name(&self) -> String {
        (**self).name()
    }
}
