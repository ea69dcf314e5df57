//! The simulated framework: an independent implementation of the WDF
//! request lifecycle for given [`Settings`] (flavor, version, verifier), in
//! which a refused call changes only what the framework's refusal changes
//! (a refused send writes its status, a refused Reuse has dropped the
//! callback) and every completion callback
//! fires at most once per registration.
//!
//! [`Framework`] owns one implicit device: its request [`Pool`] (a
//! queue-presented request records its queue; a queue presents a request
//! whenever asked, so it keeps no state of its own), the [`IoTarget`]s that
//! hold outstanding sends, and the log of callbacks it invoked. The harness drives it
//! through [`Conformance`](crate::harness::conformance::Conformance)
//! (implemented in `conformance.rs`); the native API below names each call
//! as WDF does.
//!
//! This module never consults the reference model: an implementation that
//! asks the spec what to do could not diverge from it.

mod conformance;
mod error;
mod pool;
mod request;
mod target;

#[cfg(test)]
mod tests;

pub use conformance::{SIM, Simulated};
pub use error::SimError;
pub use pool::{Handle, Pool, PoolExhausted};
pub use request::{Death, Origin, Request};
pub use target::{Changed, IoTarget, OutstandingSend};

use crate::vocab::{
    CallbackId, Completion, ContextId, Delivery, Flavor, FormatKind, QueueId, Registration,
    ReuseFlags, SendMode, Settings, Status, TargetChange, TargetId, TargetState,
};

/// The simulated framework for one device.
///
/// # States
///
/// Each request is live (in the [`Pool`]) or dead (its slot retired,
/// its [`Death`] on record). A live request is owned by the driver, or
/// outstanding at exactly one target (see [`Request`]).
///
/// # Settings
///
/// The framework behaves as `settings` say, fixed for its life. Some
/// driver errors are refused in every setting; some only where the
/// setting has the check (the verifier on, the KMDF flavor), and elsewhere
/// they are let through: accepted, with their effect applied anyway.
///
/// # Check order
///
/// Every call on a request first refuses a stale handle with the way its
/// request died (`AccessAfterDelete`, `AccessAfterComplete`,
/// `AccessAfterForget`), then checks the call's own rules in the order
/// its doc lists them; the first broken rule is the refusal.
///
/// # Invariants
///
/// - A live request has `sent_to == Some(t)` exactly when target `t` holds
///   one outstanding send of it; targets hold sends of live requests only
///   (checked by [`Framework::check_invariants`]).
/// - A refused call returns before its first write, so it changes nothing,
///   but for what the framework's code does before it refuses: the status
///   a refused send writes (KMDF), and what Reuse releases before it looks
///   at its flags.
/// - A registration leaves the request when the target finishes the send,
///   in the same step that invokes it, so it is invoked at most once.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Framework {
    settings: Settings,
    pool: Pool,
    /// Indexed by [`TargetId`]; grown when a target is first sent to.
    targets: Vec<IoTarget>,
    /// Callbacks invoked and not yet drained, oldest first.
    deliveries: Vec<Delivery<Handle>>,
}

impl Framework {
    /// A framework with no requests, nothing outstanding, nothing invoked,
    /// in the default [`Settings`].
    pub fn new() -> Framework {
        Framework::default()
    }

    /// A framework like [`Framework::new`] that behaves as `settings` say.
    pub fn with_settings(settings: Settings) -> Framework {
        Framework {
            settings,
            ..Framework::default()
        }
    }

    /// The settings the framework behaves as.
    pub fn settings(&self) -> Settings {
        self.settings
    }

    /// `IWDFDevice::CreateRequest` / `WdfRequestCreate`: a new request the
    /// driver owns until it deletes it.
    pub fn create_request(&mut self) -> Result<Handle, SimError> {
        self.create_request_with(true)
    }

    /// `WdfRequestCreate`, given an I/O target (`irp`) or not: without one,
    /// under KMDF the request has no IRP until it is formatted for a target
    /// or reused with a new IRP (UMDF 1's requests always have one).
    pub fn create_request_with(&mut self, irp: bool) -> Result<Handle, SimError> {
        let kmdf = self.settings.flavor == Flavor::Kmdf;
        let handle = self
            .pool
            .insert(Origin::Created, None)
            .map_err(|PoolExhausted| SimError::PoolExhausted)?;
        if let Some(body) = self.pool.get_mut(&handle) {
            body.irp = irp || !kmdf;
        }
        Ok(handle)
    }

    /// `queue` presents a new request; the driver owns it until it
    /// completes it.
    pub fn receive_request(&mut self, queue: QueueId) -> Result<Handle, SimError> {
        let handle = self
            .pool
            .insert(Origin::Received, Some(queue))
            .map_err(|PoolExhausted| SimError::PoolExhausted)?;
        Ok(handle)
    }

    /// `IWDFIoTarget::FormatRequestFor*` / `WdfIoTargetFormatRequestFor*`,
    /// for no target in particular (see [`Framework::format_for`]).
    pub fn format(&mut self, request: &Handle, kind: FormatKind) -> Result<(), SimError> {
        self.format_for(request, kind, None)
    }

    /// Formatting for `target`: under KMDF refused for a closed target
    /// (`FormatTargetClosed`), after releasing what the request was
    /// formatted with, as `FxRequestBase::ValidateTarget` does.
    pub fn format_for(
        &mut self,
        request: &Handle,
        kind: FormatKind,
        target: Option<TargetId>,
    ) -> Result<(), SimError> {
        let kmdf = self.settings.flavor == Flavor::Kmdf;
        let closed = target.filter(|t| kind != FormatKind::Current && self.device_gone(*t));
        let body = self.live_mut(request)?;
        if let Some(target) = body.sent_to {
            return Err(SimError::FormatWhilePending {
                request: *request,
                target,
            });
        }
        if kind == FormatKind::Current && !body.irp {
            return Err(SimError::FormatCurrentWithoutIrp { request: *request });
        }
        if let Some(target) = closed.filter(|_| kmdf) {
            // Only an I/O context is released: the current type's
            // formatting attaches none.
            if body.io_context && body.irp {
                body.formatted = None;
                body.format_flag = false;
            }
            return Err(SimError::FormatTargetClosed {
                request: *request,
                target,
            });
        }
        if kind != FormatKind::Current && !body.irp {
            // Validating the target allocates the framework's own IRP.
            body.irp = true;
            body.driver_irp = false;
        }
        body.formatted = Some(kind);
        body.format_flag = true;
        // A target's format call attaches an I/O context for good; the
        // current type's formatting attaches none.
        body.io_context |= kind != FormatKind::Current;
        Ok(())
    }

    /// `IWDFIoRequest::SetCompletionCallback` /
    /// `WdfRequestSetCompletionRoutine`: replaces any earlier registration.
    pub fn set_completion_callback(
        &mut self,
        request: &Handle,
        callback: CallbackId,
        context: Option<ContextId>,
    ) -> Result<(), SimError> {
        let body = self.live_mut(request)?;
        if let Some(target) = body.sent_to {
            return Err(SimError::SetCallbackWhilePending {
                request: *request,
                target,
            });
        }
        body.registration = Some(Registration { callback, context });
        Ok(())
    }

    /// `IWDFIoRequest::Send` / `WdfRequestSend` to `target` in `mode`.
    ///
    /// Refused, in the order `WdfRequestSend` and `FxIoTarget::SubmitLocked`
    /// check. For [`SendMode::Forget`]: an outstanding request
    /// (`SendWhilePending`), a created request (`ForgetCreated`), a request
    /// with an I/O context (`ForgetFormatted`: in UMDF 1, one formatted now
    /// other than with [`FormatKind::Current`]); a registered callback is
    /// let through. For the other modes: an asynchronous send of a received
    /// request with no callback under KMDF (`SendReceivedWithoutCallback`),
    /// an outstanding request (`SendWhilePending`), a request whose
    /// verifier flag says unformatted, with the verifier on
    /// (`SendUnformatted`; off, it goes out unformatted), and under KMDF a
    /// request cancelled since its last Reuse (`SendCancelled`). Under KMDF
    /// a refusal writes its status into the request, as `WdfRequestSend`
    /// does; a send with no callback otherwise, or a resend without reuse,
    /// is allowed.
    ///
    /// - `Async`: the request is outstanding at `target` until the target
    ///   finishes it ([`Framework::target_complete`]).
    /// - `Sync(answer)`: the target finishes it with `answer` before the
    ///   send returns, exactly as `target_complete` would; a registered
    ///   callback is invoked within this call.
    /// - `Forget`: the framework frees the request for the driver; no
    ///   callback ever runs, and its handle is stale from now on
    ///   (`AccessAfterForget`).
    ///
    /// The target's state decides where a send goes: a started target
    /// takes it; a stopped one queues it until the next start, unless it
    /// ignores the state (`ignore_state`); a purged one refuses it
    /// (`SendTargetNotAccepting`) unless it ignores the state, a closed one
    /// always. That check comes after the verifier's and before the cancel
    /// one. A synchronous send to a stopped target is refused
    /// (`SyncSendWhileStopped`): it would wait for ever.
    pub fn send(
        &mut self,
        request: &Handle,
        target: TargetId,
        mode: SendMode,
        timeout: bool,
        ignore_state: bool,
    ) -> Result<(), SimError> {
        let refused = self.send_refusal(request, target, mode, timeout, ignore_state)?;
        if let Some((refusal, status)) = refused {
            if self.settings.flavor == Flavor::Kmdf {
                let body = self.live_mut(request)?;
                // No IRP to write into (undefined in KMDF; the simulation
                // writes nothing).
                if let Some(status) = status.filter(|_| body.irp) {
                    body.status = status;
                }
            }
            return Err(refusal);
        }
        if mode == SendMode::Forget {
            // `ForgetWithCallback` is let through: the registration is
            // freed with the request and never invoked.
            let retired = self.pool.retire(request, Death::Forgotten);
            debug_assert!(retired);
            return Ok(());
        }
        let body = self.live_mut(request)?;
        body.sent_to = Some(target);
        // The timer of an asynchronous send starts once it surely goes.
        body.timer = (timeout && mode == SendMode::Async).then_some(false);
        // INVARIANT (pair): `sent_to` and the target's send are recorded in
        // the same call; `target_complete` removes both together.
        let at = self.target_mut(target);
        if at.state() == TargetState::Stopped && !ignore_state {
            at.queue(*request);
            if let SendMode::Sync(_) = mode {
                // The wait, with its timeout (or it was refused), runs out
                // and cancels the queued send, which then reports a
                // timeout.
                let kmdf = self.settings.flavor == Flavor::Kmdf;
                let body = self.live_mut(request)?;
                body.timer = Some(true);
                body.canceled |= kmdf;
                self.fail_queued(request, target, Completion::new(Status::CANCELLED, 0))?;
            }
            return Ok(());
        }
        at.submit(*request, ignore_state);
        if let SendMode::Sync(answer) = mode {
            if timeout && answer.status == Status::CANCELLED {
                // Answered cancelled, the wait with a timeout ran out: its
                // cancel, as a timer's (KMDF's sticks until Reuse).
                let kmdf = self.settings.flavor == Flavor::Kmdf;
                let body = self.live_mut(request)?;
                body.timer = Some(true);
                body.canceled |= kmdf;
            }
            // The very path of a target finishing the send, so a
            // synchronous send cannot differ from an asynchronous one
            // finished at once.
            self.target_complete(request, answer)
                .expect("the request was submitted a moment ago");
        }
        Ok(())
    }

    /// Why `send` refuses to send `request`, with the status the refusal
    /// writes (`None` for a fatal one); `None` when it sends.
    fn send_refusal(
        &self,
        request: &Handle,
        target: TargetId,
        mode: SendMode,
        timeout: bool,
        ignore_state: bool,
    ) -> Result<Option<(SimError, Option<Status>)>, SimError> {
        let kmdf = self.settings.flavor == Flavor::Kmdf;
        let body = self.live(request)?;
        let request = *request;
        let pending = body.sent_to.map(|at| SimError::SendWhilePending {
            request,
            target: at,
        });
        if mode == SendMode::Forget {
            if timeout && kmdf {
                // The options are validated before anything else.
                let refusal = SimError::ForgetWithTimeout { request };
                return Ok(Some((refusal, Some(Status::INVALID_PARAMETER))));
            }
            if body.origin != Origin::Received {
                let state = Some(Status::INVALID_DEVICE_STATE);
                return Ok(Some((SimError::ForgetCreated { request }, state)));
            }
            let has_io_context = if kmdf {
                body.io_context
            } else {
                body.formatted
                    .is_some_and(|kind| kind != FormatKind::Current)
            };
            if has_io_context {
                let refusal = SimError::ForgetFormatted { request };
                return Ok(Some((refusal, Some(Status::INVALID_DEVICE_REQUEST))));
            }
            // KMDF has no check here (undefined); the simulation refuses.
            if let Some(pending) = pending {
                return Ok(Some((pending, None)));
            }
            // Straight to the target's device, which a close took away
            // (undefined in KMDF; the simulation refuses).
            if kmdf && self.device_gone(target) {
                return Ok(Some((
                    SimError::ForgetTargetClosed { request, target },
                    None,
                )));
            }
            return Ok(None);
        }
        if mode == SendMode::Async
            && body.registration.is_none()
            && body.origin == Origin::Received
            && kmdf
        {
            let refusal = SimError::SendReceivedWithoutCallback { request, target };
            return Ok(Some((refusal, Some(Status::INVALID_DEVICE_REQUEST))));
        }
        if let Some(pending) = pending {
            return Ok(Some((pending, None)));
        }
        if !body.irp {
            // The framework writes into the IRP on every path from here.
            return Ok(Some((SimError::SendWithoutIrp { request }, None)));
        }
        if !body.format_flag && self.settings.verifier {
            let refusal = SimError::SendUnformatted { request };
            return Ok(Some((refusal, Some(Status::REQUEST_NOT_ACCEPTED))));
        }
        let state = self.target_state(target);
        let takes_it = match state {
            TargetState::Started | TargetState::Stopped => true,
            TargetState::Purged => ignore_state,
            // Until its last send comes back a closing target keeps its
            // device, and takes a send that ignores its state.
            TargetState::Closed => ignore_state && !self.device_gone(target),
        };
        if !takes_it {
            let refusal = SimError::SendTargetNotAccepting { request, target };
            return Ok(Some((refusal, Some(Status::INVALID_DEVICE_STATE))));
        }
        if body.canceled && kmdf {
            return Ok(Some((
                SimError::SendCancelled { request },
                Some(Status::CANCELLED),
            )));
        }
        if state == TargetState::Stopped
            && !ignore_state
            && !timeout
            && matches!(mode, SendMode::Sync(_))
        {
            let refusal = SimError::SyncSendWhileStopped { request, target };
            return Ok(Some((refusal, None)));
        }
        Ok(None)
    }

    /// Whether `target` is closed with no send out any more: the close
    /// then took its device away.
    pub fn device_gone(&self, target: TargetId) -> bool {
        self.target_state(target) == TargetState::Closed && self.outstanding(target).is_empty()
    }

    /// The state of `target` (started until changed).
    pub fn target_state(&self, target: TargetId) -> TargetState {
        self.targets
            .get(target.0 as usize)
            .map_or(TargetState::Started, IoTarget::state)
    }

    /// `WdfIoTargetStart`, `WdfIoTargetStop`, `WdfIoTargetPurge`,
    /// `WdfIoTargetClose` on `target`. A start sends the requests queued
    /// there, oldest first; a stop that cancels sent I/O cancels every send
    /// outstanding there (not those that ignored the state), as
    /// `CancelSentRequest` does; a purge does too, and fails every queued
    /// request with `STATUS_WDF_DEVICE_REMOVED_NOT_SENT` and information 0,
    /// invoking its callback; a close is a purge that cancels the sends
    /// that ignored the state as well. Never refused.
    pub fn change_target(
        &mut self,
        target: TargetId,
        change: TargetChange,
    ) -> Result<(), SimError> {
        let kmdf = self.settings.flavor == Flavor::Kmdf;
        let target::Changed {
            dequeued,
            cancelled,
        } = self.target_mut(target).change(change);
        if change == TargetChange::Start {
            // Resubmitted with no options: their timers were stopped.
            for request in &dequeued {
                self.live_mut(request)?.timer = None;
            }
        }
        for request in &cancelled {
            self.live_mut(request)?.canceled |= kmdf;
        }
        if matches!(change, TargetChange::Purge | TargetChange::Close) {
            for request in dequeued {
                let failed = Completion::new(Status::WDF_DEVICE_REMOVED_NOT_SENT, 0);
                self.fail_queued(&request, target, failed)?;
            }
        }
        Ok(())
    }

    /// Fails `request`, queued at `target`, with `completion`, as if the
    /// target had finished it (`FxIoTarget::FailPendedRequest`).
    fn fail_queued(
        &mut self,
        request: &Handle,
        target: TargetId,
        completion: Completion,
    ) -> Result<(), SimError> {
        let at = self.target_mut(target);
        at.unqueue(request);
        at.submit(*request, false);
        self.target_complete(request, completion)
    }

    /// `IWDFIoRequest::CancelSentRequest` / `WdfRequestCancelSentRequest`:
    /// asks the target to cancel the outstanding send. Returns whether one
    /// was outstanding; the send stays outstanding until the target
    /// finishes it. Under KMDF the request stays cancelled until its next
    /// Reuse, sent or not (`FxRequestBase::Cancel` sets `m_Canceled`
    /// first).
    pub fn cancel_sent_request(&mut self, request: &Handle) -> Result<bool, SimError> {
        let kmdf = self.settings.flavor == Flavor::Kmdf;
        let body = self.live_mut(request)?;
        body.canceled |= kmdf;
        let Some(target) = body.sent_to else {
            return Ok(false);
        };
        if self.target_mut(target).is_queued(request) {
            // The queue's cancel routine fails it at once.
            self.fail_queued(request, target, Completion::new(Status::CANCELLED, 0))?;
            return Ok(true);
        }
        let marked = self.target_mut(target).request_cancel(request);
        // INVARIANT: `sent_to == Some(target)` means the target holds it.
        assert!(
            marked,
            "{request} is sent to {target}, which does not hold it"
        );
        Ok(true)
    }

    /// `IWDFIoRequest2::Reuse(status)` / `WdfRequestReuse` with
    /// `WDF_REQUEST_REUSE_PARAMS { status, flags }`: makes a request ready
    /// to format and send again, in place, allocating nothing.
    ///
    /// In the order of `WdfRequestReuse` and `FxRequest::Reuse`: a flag
    /// the framework lacks is refused first, changing nothing
    /// (`ReuseFlagUnavailable`: any flag under UMDF 1, `must_complete`
    /// before 1.11); then an outstanding request with the verifier on
    /// (`ReuseWhilePending`). Then the request is released (the
    /// registration dropped from 1.9 on, the formatting released; UMDF 1
    /// also clears the verifier's formatted flag), and that stays even if
    /// what follows is refused: `set_new_irp` on a received request
    /// (`NewIrpReceived`), or `must_complete` on a created request with no
    /// driver IRP (`MustCompleteInternalIrp`, after its IRP was
    /// reinitialised with `status`, its cancel state kept).
    ///
    /// With the verifier off a Reuse of an outstanding request is let
    /// through: it takes effect on the request, which stays outstanding,
    /// and leaves its status and information alone. Under KMDF a
    /// driver-supplied IRP keeps whatever status it holds.
    pub fn reuse(
        &mut self,
        request: &Handle,
        status: Status,
        flags: ReuseFlags,
    ) -> Result<(), SimError> {
        let settings = self.settings;
        let kmdf = settings.flavor == Flavor::Kmdf;
        let body = self.live(request)?;
        if (!flags.is_empty() && !settings.reuse_takes_flags())
            || (flags.must_complete && !settings.must_complete_exists())
        {
            return Err(SimError::ReuseFlagUnavailable {
                request: *request,
                flags,
            });
        }
        if let Some(target) = body.sent_to.filter(|_| settings.verifier) {
            return Err(SimError::ReuseWhilePending {
                request: *request,
                target,
            });
        }
        let body = self.live_mut(request)?;
        body.release_for_reuse(settings.reuse_clears_callback(), kmdf);
        if flags.set_new_irp && body.origin == Origin::Received {
            return Err(SimError::NewIrpReceived { request: *request });
        }
        body.reinitialise(status, flags, kmdf);
        if body.origin == Origin::Created {
            if flags.must_complete && !(body.driver_irp && body.irp) {
                return Err(SimError::MustCompleteInternalIrp { request: *request });
            }
            body.must_complete = flags.must_complete;
            if flags.must_complete {
                // ClearFieldsForReuse clears every verifier flag.
                body.format_flag = false;
            }
        }
        body.canceled = false;
        Ok(())
    }

    /// `IWDFRequestCompletionParams` / `WdfRequestGetStatus` and
    /// `WdfRequestGetInformation`: the status and information the request
    /// reports now. Allowed for any live request, outstanding or not.
    pub fn completion_params(&self, request: &Handle) -> Result<Completion, SimError> {
        let body = self.live(request)?;
        if !body.irp {
            return Err(SimError::StatusWithoutIrp { request: *request });
        }
        Ok(body.completion())
    }

    /// `IWDFIoRequest::CompleteWithInformation` /
    /// `WdfRequestCompleteWithInformation`: returns a queue-presented
    /// request to its originator, or ends a created request its latest
    /// Reuse marked must-complete. The request is dead afterwards.
    ///
    /// Refused, in this order: an outstanding request
    /// (`CompleteWhilePending`); a created request not marked
    /// must-complete (`CompleteCreated`).
    pub fn complete(
        &mut self,
        request: &Handle,
        status: Status,
        information: u64,
    ) -> Result<(), SimError> {
        let body = self.live(request)?;
        if let Some(target) = body.sent_to {
            return Err(SimError::CompleteWhilePending {
                request: *request,
                target,
            });
        }
        if body.origin == Origin::Created && !body.must_complete {
            return Err(SimError::CompleteCreated { request: *request });
        }
        // The originator receives `status` and `information`; the framework
        // keeps nothing of them.
        let _ = (status, information);
        if body.origin == Origin::Created {
            // A must-complete request completes its IRP and stays the
            // driver's, to delete or reuse (FxRequest::Reuse releases the
            // reference it took at completion; the object lives on).
            // INVARIANT: `live` above found the request, and nothing since
            // retired it.
            if let Some(body) = self.pool.get_mut(request) {
                body.must_complete = false;
                // Its IRP is completed and detached (KMDF).
                body.irp = self.settings.flavor != Flavor::Kmdf;
            }
            return Ok(());
        }
        let retired = self.pool.retire(request, Death::Completed);
        debug_assert!(retired);
        Ok(())
    }

    /// `IWDFObject::DeleteWdfObject` / `WdfObjectDelete`: frees a
    /// driver-created request that is not outstanding (also one marked
    /// must-complete).
    ///
    /// Refused, in this order: an outstanding request
    /// (`DeleteWhilePending`); a received request (`DeleteReceived`).
    pub fn delete(&mut self, request: &Handle) -> Result<(), SimError> {
        let body = self.live(request)?;
        if let Some(target) = body.sent_to {
            return Err(SimError::DeleteWhilePending {
                request: *request,
                target,
            });
        }
        if body.origin == Origin::Received {
            return Err(SimError::DeleteReceived { request: *request });
        }
        let retired = self.pool.retire(request, Death::Deleted);
        debug_assert!(retired);
        Ok(())
    }

    /// The environment's move: the timer of `request`'s outstanding send
    /// fires before its target finishes it, and cancels it as
    /// `CancelSentRequest` would (under KMDF the cancel sticks until
    /// Reuse). Refused for a request with no timer armed
    /// (`TimeoutUnarmed`).
    pub fn timed_out(&mut self, request: &Handle) -> Result<(), SimError> {
        let armed = self
            .pool
            .get(request)
            .is_some_and(|body| body.timer == Some(false));
        if !armed {
            return Err(SimError::TimeoutUnarmed { request: *request });
        }
        // Fired before the cancel, so that a queued send, failed at once,
        // reports the timeout.
        if let Some(body) = self.pool.get_mut(request) {
            body.timer = Some(true);
        }
        self.cancel_sent_request(request)?;
        Ok(())
    }

    /// The environment's move: the target at which `request` is
    /// outstanding finishes it with `completion`.
    ///
    /// The request is owned again and reports `completion`; its formatting
    /// is dropped (a resend must format again). Its registration is taken
    /// out and cleared in one step and, if there was one, invoked once: it
    /// is appended to the delivery log. After invoking it the framework
    /// touches the request no more.
    pub fn target_complete(
        &mut self,
        request: &Handle,
        completion: Completion,
    ) -> Result<(), SimError> {
        let Some(body) = self.pool.get(request) else {
            return Err(SimError::TargetCompleteDead { request: *request });
        };
        let Some(target) = body.sent_to else {
            return Err(SimError::TargetCompleteUnsent { request: *request });
        };
        if self.target_mut(target).is_queued(request) {
            // Queued at a stopped target: the target never saw it.
            return Err(SimError::TargetCompleteUnsent { request: *request });
        }
        let finished = self.target_mut(target).finish(request);
        // INVARIANT (pair with `send`): the target held this send.
        assert!(
            finished.is_some(),
            "{request} is sent to {target}, which does not hold it"
        );
        let body = self
            .pool
            .get_mut(request)
            .expect("the request was live a moment ago");
        // Under KMDF a send its timer cancelled that comes back cancelled
        // reports a timeout (FxIoTarget::RequestCompletionRoutine).
        let timed_out = body.timer == Some(true) && completion.status == Status::CANCELLED;
        let completion = if timed_out && self.settings.flavor == Flavor::Kmdf {
            Completion {
                status: Status::IO_TIMEOUT,
                ..completion
            }
        } else {
            completion
        };
        let registration = body.finish_send(completion);
        if let Some(registration) = registration {
            self.deliveries.push(Delivery {
                request: *request,
                registration,
                completion,
            });
        }
        Ok(())
    }

    /// Moves the callbacks invoked since the last drain into `into`, oldest
    /// first.
    pub fn drain_deliveries(&mut self, into: &mut Vec<Delivery<Handle>>) {
        into.append(&mut self.deliveries);
    }

    /// The live request `request` names, for inspection; `None` if dead.
    pub fn request(&self, request: &Handle) -> Option<&Request> {
        self.pool.get(request)
    }

    /// The sends outstanding at `target`, oldest first.
    pub fn outstanding(&self, target: TargetId) -> &[OutstandingSend] {
        self.targets
            .get(target.0 as usize)
            .map_or(&[], IoTarget::outstanding)
    }

    /// How many requests are live.
    pub fn requests_live_count(&self) -> usize {
        self.pool.live_count()
    }

    /// The request pool, for inspecting its slots and allocations.
    pub fn pool(&self) -> &Pool {
        &self.pool
    }

    /// Checks that every live request's state agrees with the targets, and
    /// the pool's own invariants.
    pub fn check_invariants(&self) -> Result<(), String> {
        self.pool.check_invariants()?;
        let mut outstanding_count = 0;
        for (handle, body) in self.pool.live() {
            let Some(target) = body.sent_to else { continue };
            outstanding_count += 1;
            let queued = self
                .targets
                .get(target.0 as usize)
                .is_some_and(|t| t.is_queued(&handle));
            if !queued && !self.outstanding(target).iter().any(|s| s.request == handle) {
                return Err(format!(
                    "{handle} is sent to {target}, which does not hold it"
                ));
            }
        }
        for (at, target) in self.targets.iter().enumerate() {
            for send in target.outstanding() {
                let sent_to = self.pool.get(&send.request).and_then(|b| b.sent_to);
                if sent_to.map(|t| t.0 as usize) != Some(at) {
                    return Err(format!(
                        "target t{at} holds {}, not sent there",
                        send.request
                    ));
                }
            }
        }
        let held_count: usize = self
            .targets
            .iter()
            .map(|t| t.outstanding().len() + t.queued().len())
            .sum();
        if held_count != outstanding_count {
            return Err(format!(
                "targets hold {held_count} sends, but {outstanding_count} requests are sent"
            ));
        }
        Ok(())
    }

    /// The live request, or the refusal a stale handle earns.
    fn live(&self, request: &Handle) -> Result<&Request, SimError> {
        self.pool.get(request).ok_or_else(|| self.stale(request))
    }

    /// The live request, mutably, or the refusal a stale handle earns.
    fn live_mut(&mut self, request: &Handle) -> Result<&mut Request, SimError> {
        if self.pool.get(request).is_none() {
            return Err(self.stale(request));
        }
        Ok(self
            .pool
            .get_mut(request)
            .expect("the request was live a moment ago"))
    }

    /// The refusal a stale handle earns: the way its request died.
    fn stale(&self, request: &Handle) -> SimError {
        let request = *request;
        match self.pool.death(&request) {
            Some(Death::Deleted) => SimError::AccessAfterDelete { request },
            Some(Death::Completed) => SimError::AccessAfterComplete { request },
            Some(Death::Forgotten) => SimError::AccessAfterForget { request },
            None => unreachable!("{request} is live, not stale"),
        }
    }

    fn target_mut(&mut self, target: TargetId) -> &mut IoTarget {
        let at = target.0 as usize;
        if self.targets.len() <= at {
            self.targets.resize_with(at + 1, IoTarget::new);
        }
        &mut self.targets[at]
    }
}
