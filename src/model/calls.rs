//! What each driver call and each target completion does to one request:
//! the rules of the lifecycle, in the order they are checked. [`call`] and
//! [`target_complete`] are the model's step for one request, public so that
//! a checker of any shape (one request at a time, or a concurrent history
//! split by request) uses the same one.
//!
//! Every function returns `Err(refusal)` as soon as a rule the framework
//! refuses is broken, before changing anything, so a refused call leaves the
//! request as it was. A broken rule the framework does not refuse in these
//! settings (see [`Refused`](super::rules::Refused)) is recorded as
//! `let_through` and the call takes effect.

use super::request::{Life, Request};
use super::rules::rule;
use super::targets::Targets;
use super::{Accepted, ExpectedReply, Judgement, Violation};
use crate::vocab::{
    Call, Completion, Delivery, FormatKind, Registration, RequestId, ReuseFlags, RuleId, RuleSet,
    SendMode, Settings, Status, TargetId, TargetState,
};

/// The result of a call: accepted (perhaps with a rule let through), or
/// refused.
type CallOutcome = Result<Judgement, Judgement>;

/// Breaking `rule`: nothing where the rule does not apply in `settings`
/// (its catalogue scope); a refusal where the catalogue says the framework
/// refuses it; otherwise recorded in `judgement` as let through, and the
/// call goes on. A refusal writes the status the
/// catalogue names into the request, where the framework's code does
/// ([`Settings::shared_source`]): whatever the call changed before it was
/// refused stays changed too, as in the framework.
fn breaks(
    settings: &Settings,
    judgement: &mut Judgement,
    rule_id: RuleId,
    id: RequestId,
    request: &mut Request,
) -> Result<(), Judgement> {
    let rule = rule(rule_id);
    // A rule outside the settings it applies in is no rule there (the
    // KMDF source's checks, in UMDF 1).
    if !rule.scope.applies(settings) {
        return Ok(());
    }
    let violation = Violation {
        rule: rule_id,
        request: id,
    };
    if rule.refused.undefined_in(settings) {
        return Err(undefined(request, rule_id, id));
    }
    if rule.refused.in_settings(settings) {
        // A refusal that writes its status into a request without an IRP
        // writes through NULL (WdfRequestSend's SetStatus): undefined.
        if settings.shared_source() && rule.fails_with.is_some() && !request.irp {
            return Err(undefined(request, rule_id, id));
        }
        // A status written into a request still at its target is the
        // target's to overwrite: it stays unspecified.
        let written = settings.shared_source() && !request.is_outstanding();
        if let Some(status) = rule.fails_with.filter(|_| written) {
            request.status = Some(status);
        }
        // A rule let through by an earlier check stays on the record: an
        // implementation that refused the call for it diverges on it.
        let mut refused = Judgement::refused(rule_id, id);
        refused.let_through = judgement.let_through;
        return Err(refused);
    }
    judgement.let_through.get_or_insert(violation);
    Ok(())
}

/// A step that breaks `rule` where the framework has no check: what
/// follows for the request is undefined, and nothing more of it is judged.
fn undefined(request: &mut Request, rule: RuleId, id: RequestId) -> Judgement {
    request.life = Life::Undefined;
    Judgement::unjudged(Some(Violation { rule, request: id }))
}

/// The rule a call on a dead request breaks.
fn dead_rule(request: &Request) -> Option<RuleId> {
    match request.life {
        Life::Completed => Some(RuleId::AccessAfterComplete),
        Life::Deleted => Some(RuleId::AccessAfterDelete),
        Life::Forgotten => Some(RuleId::AccessAfterForget),
        Life::Owned | Life::Outstanding | Life::Undefined => None,
    }
}

/// Judges `call` on `request` (named `id`) in `settings`, with the I/O
/// targets in the states `targets` holds, and applies it when the
/// framework accepts it: the model's step for one request (a send queued
/// at a stopped target takes its place in `targets`).
///
/// Checks run in a fixed order: a dead request first, then the request
/// being outstanding, then the call's own conditions. A refused call
/// leaves `request` as it was but for what the refusal writes.
pub fn call(
    settings: &Settings,
    targets: &mut Targets,
    request: &mut Request,
    id: RequestId,
    call: &Call,
) -> Judgement {
    if request.life == Life::Undefined {
        if let Call::Send { target, .. } = *call {
            targets.sent_undefined(target);
        }
        return Judgement::unjudged(None);
    }
    let mut judgement = Judgement::accepted(ExpectedReply::Done);
    if let Some(rule) = dead_rule(request)
        && let Err(refused) = breaks(settings, &mut judgement, rule, id, request)
    {
        return refused;
    }
    // What the framework answers here depends on whether a request left
    // undefined came back: not judged, and what follows for this request
    // is not known either.
    let named = match *call {
        Call::Format { kind, target } if kind != FormatKind::Current => target,
        Call::Send { target, .. } => Some(target),
        _ => None,
    };
    if named.is_some_and(|target| targets.uncertain(target)) {
        request.life = Life::Undefined;
        return Judgement::unjudged(None);
    }
    let outcome = match *call {
        Call::Format { kind, target } => {
            // The current type's formatting takes no target, whatever a
            // trace names.
            let closed =
                kind != FormatKind::Current && target.is_some_and(|t| targets.closed_for_good(t));
            format(settings, request, id, kind, closed)
        }
        Call::SetCompletionCallback { callback, context } => modify(settings, request, id, |r| {
            r.deregister();
            r.registration = Some(Registration { callback, context });
        }),
        Call::Send {
            target,
            mode,
            timeout,
            ignore_state,
        } => {
            let sent = Send {
                target,
                state: targets.state(target),
                device_gone: targets.closed_for_good(target),
                mode,
                timeout,
                ignore_state,
            };
            send(settings, request, id, sent).map(|(judgement, queued)| {
                if queued {
                    request.queued = Some(targets.ticket());
                }
                judgement
            })
        }
        Call::Cancel => Ok(cancel(settings, request, id)),
        Call::Reuse { status, flags } => reuse(settings, request, id, status, flags),
        Call::ReadStatus => read_status(settings, request, id),
        Call::Complete { .. } => complete(settings, request, id),
        Call::Delete => delete(settings, request, id),
    };
    outcome.unwrap_or_else(|refused| refused)
}

/// A change of a request the driver must own (SetCompletionCallback, and
/// the first check of a format): `modify-while-pending` while it is
/// outstanding.
fn modify(
    settings: &Settings,
    request: &mut Request,
    id: RequestId,
    change: impl FnOnce(&mut Request),
) -> CallOutcome {
    let mut judgement = Judgement::accepted(ExpectedReply::Done);
    if request.is_outstanding() {
        breaks(
            settings,
            &mut judgement,
            RuleId::ModifyWhilePending,
            id,
            request,
        )?;
    }
    change(request);
    Ok(judgement)
}

/// A send, with the state of its target when it is made.
struct Send {
    target: TargetId,
    state: TargetState,
    /// The target is closed and no send of it is out any more.
    device_gone: bool,
    mode: SendMode,
    timeout: bool,
    ignore_state: bool,
}

/// Formatting (`WdfIoTargetFormatRequestFor*`,
/// `WdfRequestFormatRequestUsingCurrentType`): legal only while the driver
/// owns the request (`modify-while-pending`); with the current type only
/// for a request with an IRP (`format-current-without-irp`); for a target,
/// in the shared source, only one that is not `closed`
/// (`FxRequestBase::ValidateTarget` releases the formatting first, then
/// fails: `format-target-closed`), and a request without an IRP gets one.
fn format(
    settings: &Settings,
    request: &mut Request,
    id: RequestId,
    kind: FormatKind,
    closed: bool,
) -> CallOutcome {
    let mut judgement = modify(settings, request, id, |_| {})?;
    if kind == FormatKind::Current && !request.irp {
        // WdfRequestFormatRequestUsingCurrentType: a bugcheck.
        breaks(
            settings,
            &mut judgement,
            RuleId::FormatCurrentWithoutIrp,
            id,
            request,
        )?;
    }
    if closed && settings.shared_source() {
        // ContextReleaseAndRestore releases only an I/O context, and only
        // of an IRP: formatting with the current type attaches none, and a
        // request without an IRP has nothing to release; either survives.
        if request.io_context && request.irp {
            request.formatted = None;
            request.verifier_formatted = false;
        }
        breaks(
            settings,
            &mut judgement,
            RuleId::FormatTargetClosed,
            id,
            request,
        )?;
    }
    if kind != FormatKind::Current && !request.irp {
        // FxRequestBase::ValidateTarget allocates one, the framework's own.
        request.irp = true;
        request.driver_irp = false;
    }
    request.formatted = Some(kind);
    request.verifier_formatted = true;
    // FxIoTarget::FormatIoRequest attaches an I/O context; the current
    // type's formatting attaches none. (UMDF 1 keeps no such record.)
    request.io_context |= settings.shared_source() && kind != FormatKind::Current;
    Ok(judgement)
}

/// `WdfRequestSend` / `IWDFIoRequest::Send`, in the order the shared
/// source checks (`WdfRequestSend`, then `FxIoTarget::SubmitLocked` and
/// `VerifySubmitLocked`): the mode's own conditions first (send and
/// forget's, or a queue-presented asynchronous send's callback), then a
/// send still outstanding, the verifier's formatted flag, the target's
/// state, and a cancel since the last Reuse. Every refusal writes its
/// status into the request (see [`breaks`]); none makes the request
/// outstanding or runs a callback. Accepted, the send is outstanding, and
/// queued (the second value) when its target is stopped and it does not
/// ignore that.
fn send(
    settings: &Settings,
    request: &mut Request,
    id: RequestId,
    Send {
        target,
        state,
        device_gone,
        mode,
        timeout,
        ignore_state,
    }: Send,
) -> Result<(Judgement, bool), Judgement> {
    let mut judgement = Judgement::accepted(ExpectedReply::Done);
    if mode == SendMode::Forget {
        if timeout {
            // FxValidateRequestOptions, before anything else.
            breaks(
                settings,
                &mut judgement,
                RuleId::ForgetWithTimeout,
                id,
                request,
            )?;
        }
        // Send and forget skips FxIoTarget::Submit: the target's state is
        // not looked at.
        return forget(settings, request, id, judgement, device_gone).map(|j| (j, false));
    }
    if mode == SendMode::Async && request.registration.is_none() && request.is_received() {
        breaks(
            settings,
            &mut judgement,
            RuleId::SendReceivedWithoutCallback,
            id,
            request,
        )?;
    }
    if request.is_outstanding() {
        breaks(
            settings,
            &mut judgement,
            RuleId::SendWhilePending,
            id,
            request,
        )?;
    }
    if !request.irp {
        // FxIoTarget::SubmitLocked takes the request's IRP next, and every
        // path from there, a refusal's included, writes into it.
        breaks(
            settings,
            &mut judgement,
            RuleId::SendWithoutIrp,
            id,
            request,
        )?;
    }
    if !request.verifier_formatted {
        // FxIoTarget::VerifySubmitLocked: a verifier check.
        breaks(
            settings,
            &mut judgement,
            RuleId::SendUnformatted,
            id,
            request,
        )?;
    } else if request.formatted.is_none() {
        // Formatted, then reused: the verifier's flag survived the Reuse
        // (only in the shared source; UMDF 1 clears both at Reuse).
        breaks(
            settings,
            &mut judgement,
            RuleId::FormatAfterReuse,
            id,
            request,
        )?;
    }
    let takes_it = match state {
        TargetState::Started | TargetState::Stopped => true,
        TargetState::Purged => ignore_state,
        // While the close still waits for sends to come back (m_Removing),
        // a send that ignores the state goes through.
        TargetState::Closed => ignore_state && !device_gone,
    };
    if !takes_it {
        breaks(
            settings,
            &mut judgement,
            RuleId::SendTargetNotAccepting,
            id,
            request,
        )?;
    }
    if request.canceled {
        // FxIoTarget::SubmitLocked, after the target-state checks.
        breaks(settings, &mut judgement, RuleId::SendCancelled, id, request)?;
    }
    let queued = state == TargetState::Stopped && !ignore_state;
    let sync = matches!(mode, SendMode::Sync(_));
    if queued && sync && !timeout {
        breaks(
            settings,
            &mut judgement,
            RuleId::SyncSendWhileStopped,
            id,
            request,
        )?;
    }
    // A queue-presented request that got here without a callback is in
    // settings where the framework sends it anyway.
    if mode == SendMode::Async && request.registration.is_none() {
        judgement.warnings.insert(RuleId::SendWithoutCallback);
    }
    if request.sent_since_reuse {
        judgement.warnings.insert(RuleId::ResendWithoutReuse);
    }
    request.life = Life::Outstanding;
    request.target = Some(target);
    request.ignores_state = ignore_state;
    request.sent_since_reuse = true;
    // FxIoTarget::SubmitLocked starts the timer of an asynchronous send
    // once it is sure to go. A synchronous send's answer is given with it:
    // answered cancelled with a timeout, it was its timeout that cancelled
    // it (FxIoTarget::SubmitSync: nothing else runs in the sequence while
    // the driver waits).
    request.timer_armed = timeout && mode == SendMode::Async;
    request.timed_out = false;
    if let SendMode::Sync(answer) = mode
        && timeout
        && answer.status == Status::CANCELLED
    {
        request.timed_out = true;
        request.canceled |= settings.shared_source();
    }
    // The status of a request at a target is the target's business until
    // it finishes ("WdfRequestGetStatus" defines no value for it).
    request.status = None;
    request.information = None;
    if let SendMode::Sync(answer) = mode {
        // FxIoTarget::SubmitSync: the send returns after the target
        // finished, and the driver's routine, if any, has run. Queued at a
        // stopped target, its wait times out instead: SubmitSync cancels
        // it as its timer would, the queue fails it cancelled, and that
        // reports STATUS_IO_TIMEOUT (fxiotarget.cpp:1839-1853, 2191-2201).
        let answer = if queued {
            request.timed_out = true;
            cancelled(settings, request);
            Completion::new(Status::CANCELLED, 0)
        } else {
            answer
        };
        let finished = finish(settings, request, id, answer);
        judgement.outcome = finished.outcome;
        judgement.at_stake = finished.at_stake;
    }
    Ok((judgement, queued && !sync))
}

/// Send and forget (`WdfRequestSend`, `SEND_AND_FORGET`): only for a
/// queue-presented request without an I/O context (in UMDF 1: not
/// formatted now for a target); the driver gives the request up, and no
/// callback will run.
fn forget(
    settings: &Settings,
    request: &mut Request,
    id: RequestId,
    mut judgement: Judgement,
    device_gone: bool,
) -> CallOutcome {
    if !request.is_received() {
        breaks(settings, &mut judgement, RuleId::ForgetCreated, id, request)?;
    }
    let formatted_for_target = if settings.shared_source() {
        request.io_context
    } else {
        request
            .formatted
            .is_some_and(|kind| kind != FormatKind::Current)
    };
    if formatted_for_target {
        breaks(
            settings,
            &mut judgement,
            RuleId::ForgetFormatted,
            id,
            request,
        )?;
    }
    if request.is_outstanding() {
        // WdfRequestSend sends and forgets without FxIoTarget::Submit,
        // after the two checks above: nothing checks that the previous
        // send came back, so what follows is undefined (the IRP in flight
        // is sent again).
        return Err(undefined(request, RuleId::SendWhilePending, id));
    }
    if device_gone {
        // WdfRequestSend sends and forgets straight to the target's device
        // (FxIoTarget::Send, IoCallDriver), which the close cleared.
        breaks(
            settings,
            &mut judgement,
            RuleId::ForgetTargetClosed,
            id,
            request,
        )?;
    }
    if request.registration.is_some() {
        breaks(
            settings,
            &mut judgement,
            RuleId::ForgetWithCallback,
            id,
            request,
        )?;
    }
    request.life = Life::Forgotten;
    request.deregister();
    Ok(judgement)
}

/// CancelSentRequest never fails on a live request. With no send
/// outstanding it returns FALSE; with one, what the lower driver's cancel
/// answers (`IoCancelIrp`, or UMDF 1's documented "only if the lower driver
/// made it cancelable"), which the model leaves open. The send stays
/// outstanding until its target finishes it. In the shared source the
/// cancel sticks until the next Reuse whatever the request's state
/// (`FxRequestBase::Cancel`).
///
/// A send queued at a stopped target is the framework's own to cancel:
/// the queue's cancel routine (`FxIoTarget::_RequestCancelled`) takes it
/// out and fails it at once with `STATUS_CANCELLED` and information 0
/// (`FailPendedRequest`), its callback invoked during the call, which
/// returns TRUE.
fn cancel(settings: &Settings, request: &mut Request, id: RequestId) -> Judgement {
    cancelled(settings, request);
    if request.queued.is_some() {
        let failed = finish(settings, request, id, Completion::new(Status::CANCELLED, 0));
        return Judgement {
            outcome: failed.outcome.map(|accepted| Accepted {
                reply: ExpectedReply::Cancel {
                    returns: Some(true),
                },
                ..accepted
            }),
            ..failed
        };
    }
    let returns = (!request.is_outstanding()).then_some(false);
    Judgement::accepted(ExpectedReply::Cancel { returns })
}

/// What `FxRequestBase::Cancel` keeps of a cancel, whoever makes it (the
/// driver, a send's timer, a target stopping): `m_Canceled`, until Reuse,
/// in the shared source.
pub(super) fn cancelled(settings: &Settings, request: &mut Request) {
    request.canceled |= settings.shared_source();
}

/// Reuse (`FxRequest::Reuse` in the shared source, in its order): the
/// flags first, changing nothing when refused; then a send still
/// outstanding; then, from framework 1.9 on, the callback and its context
/// are deregistered and the formatting released, which stays so even if
/// the flags refuse the Reuse further on (`SET_NEW_IRP` on a
/// queue-presented request, `MUST_COMPLETE` without a driver-supplied IRP).
/// A queue-presented request gets the status and loses its cancel state;
/// a driver-created one gets a new IRP or has its own reinitialised with
/// the status and no information, and loses its cancel state unless the
/// Reuse is refused. A driver-supplied IRP keeps whatever status it holds.
/// The verifier's formatted flag survives all but a `MUST_COMPLETE` Reuse.
///
/// Before 1.9 the callback stays registered, for backward compatibility.
/// In UMDF 1 (documentation only) Reuse also drops the verifier's flag, and
/// the cancel state is not kept at all.
///
/// Reuse of an outstanding request is a driver error the framework has no
/// check for (from 1.9 a verifier break, after which Reuse goes on): what
/// follows is undefined.
fn reuse(
    settings: &Settings,
    request: &mut Request,
    id: RequestId,
    status: Status,
    flags: ReuseFlags,
) -> CallOutcome {
    let mut judgement = Judgement::accepted(ExpectedReply::Done);
    let unavailable = (!flags.is_empty() && !settings.reuse_takes_flags())
        || (flags.must_complete && !settings.must_complete_exists());
    if unavailable {
        // WdfRequestReuse checks the flag mask before FxRequest::Reuse runs.
        breaks(
            settings,
            &mut judgement,
            RuleId::ReuseFlagUnavailable,
            id,
            request,
        )?;
    }
    let outstanding = request.is_outstanding();
    if outstanding {
        breaks(
            settings,
            &mut judgement,
            RuleId::ReuseWhilePending,
            id,
            request,
        )?;
    }
    if settings.reuse_clears_callback() {
        request.deregister();
    }
    // A queue-presented request's IRP is not reinitialised (its status is
    // set, no more): formatting with its current type, which attaches no
    // I/O context to release, survives in the shared source.
    let kept = settings.shared_source()
        && request.is_received()
        && request.formatted == Some(FormatKind::Current);
    if !kept {
        request.formatted = None;
    }
    if !settings.shared_source() {
        request.verifier_formatted = false;
    }
    if request.is_received() {
        if flags.set_new_irp {
            breaks(
                settings,
                &mut judgement,
                RuleId::NewIrpReceived,
                id,
                request,
            )?;
        }
        if !outstanding {
            request.status = Some(status);
            // A queue-presented request's IRP keeps its information; what
            // it holds then is the originator's business, so unspecified.
            request.information = None;
        }
    } else {
        request.driver_irp |= flags.set_new_irp;
        request.irp |= flags.set_new_irp;
        if !outstanding {
            // An outstanding send's status is the target's until it
            // finishes; a driver-supplied IRP is not reinitialised, and
            // with no IRP there is nothing to write the status into.
            let internal = request.irp && (!request.driver_irp || !settings.shared_source());
            request.status = internal.then_some(status);
            request.information = internal.then_some(0);
        }
        // MUST_COMPLETE needs an IRP (FxRequest::Reuse, fxrequest.cpp:2332)
        // and one the driver supplied (not an internal one).
        if flags.must_complete && !(request.driver_irp && request.irp) {
            breaks(
                settings,
                &mut judgement,
                RuleId::MustCompleteInternalIrp,
                id,
                request,
            )?;
        }
        // ClearFieldsForReuse, on the MUST_COMPLETE path only.
        if flags.must_complete {
            request.verifier_formatted = false;
        }
    }
    request.canceled = false;
    request.sent_since_reuse = false;
    // A queue-presented request's reuse returns before the flag takes
    // effect; it is completed anyway.
    request.must_complete = flags.must_complete && !request.is_received();
    Ok(judgement)
}

/// A status read: `FxRequest::GetStatus` reads the IRP with no check, so
/// a request without one is `status-without-irp`, undefined.
fn read_status(settings: &Settings, request: &mut Request, id: RequestId) -> CallOutcome {
    let mut judgement = Judgement::accepted(ExpectedReply::Status {
        status: request.status,
        information: request.information,
    });
    if !request.irp {
        breaks(
            settings,
            &mut judgement,
            RuleId::StatusWithoutIrp,
            id,
            request,
        )?;
    }
    if request.status.is_some() || request.information.is_some() {
        judgement.at_stake.insert(RuleId::StatusMismatch);
    }
    Ok(judgement)
}

/// Complete: ends a queue-presented request. A driver-created request
/// reused with `MUST_COMPLETE` completes its IRP and stays the driver's
/// until it deletes it (`FxRequest::Reuse`: the reference taken for
/// MUST_COMPLETE is released at completion; the object lives on).
fn complete(settings: &Settings, request: &mut Request, id: RequestId) -> CallOutcome {
    let mut judgement = Judgement::accepted(ExpectedReply::Done);
    if request.is_outstanding() {
        breaks(
            settings,
            &mut judgement,
            RuleId::CompleteWhilePending,
            id,
            request,
        )?;
    }
    if !request.must_be_completed() {
        breaks(
            settings,
            &mut judgement,
            RuleId::CompleteCreated,
            id,
            request,
        )?;
    }
    if request.is_received() {
        request.life = Life::Completed;
    } else {
        request.must_complete = false;
        // The completion completes the driver's IRP, and FxRequest::Release
        // detaches it when the reference MUST_COMPLETE took goes
        // (m_Irp.SetIrp(NULL), fxrequest.cpp:3136-3158).
        request.irp = !settings.shared_source();
    }
    Ok(judgement)
}

fn delete(settings: &Settings, request: &mut Request, id: RequestId) -> CallOutcome {
    let mut judgement = Judgement::accepted(ExpectedReply::Done);
    if request.is_outstanding() {
        breaks(
            settings,
            &mut judgement,
            RuleId::DeleteWhilePending,
            id,
            request,
        )?;
    }
    if request.is_received() {
        breaks(
            settings,
            &mut judgement,
            RuleId::DeleteReceived,
            id,
            request,
        )?;
    }
    request.life = Life::Deleted;
    Ok(judgement)
}

/// Judges the target's completion of the outstanding send of `request`
/// (named `id`) with `completion`, and applies it: the model's step for
/// one request, for the environment's move.
pub fn target_complete(
    settings: &Settings,
    request: &mut Request,
    id: RequestId,
    completion: Completion,
) -> Judgement {
    if request.life == Life::Undefined {
        return Judgement::unjudged(None);
    }
    let mut judgement = Judgement::accepted(ExpectedReply::Done);
    // A queued send has not reached its target.
    if !request.is_outstanding() || request.queued.is_some() {
        let unsent = RuleId::TargetCompleteUnsent;
        if let Err(refused) = breaks(settings, &mut judgement, unsent, id, request) {
            return refused;
        }
    }
    Judgement {
        let_through: judgement.let_through,
        ..finish(settings, request, id, completion)
    }
}

/// Judges the timeout of the outstanding send of `request` (named `id`)
/// elapsing, and applies it: the model's step for one request, for the
/// environment's move. The framework's timer cancels the send
/// (`FxIoTarget::TimerCallback` calls `FxRequestBase::Cancel`, which sticks
/// until Reuse in the shared source); the send stays outstanding until its
/// target finishes it, and a cancelled completion then reports
/// `STATUS_IO_TIMEOUT`. A send still queued at a stopped target fails at
/// once, as a cancel fails it, with the status a timeout reports.
pub fn timed_out(settings: &Settings, request: &mut Request, id: RequestId) -> Judgement {
    if request.life == Life::Undefined {
        return Judgement::unjudged(None);
    }
    let mut judgement = Judgement::accepted(ExpectedReply::Done);
    if !(request.is_outstanding() && request.timer_armed) {
        let unarmed = RuleId::TimeoutUnarmed;
        if let Err(refused) = breaks(settings, &mut judgement, unarmed, id, request) {
            return refused;
        }
    }
    request.timer_armed = false;
    request.timed_out = true;
    cancelled(settings, request);
    if request.queued.is_some() {
        let failed = finish(settings, request, id, Completion::new(Status::CANCELLED, 0));
        return Judgement {
            let_through: judgement.let_through,
            ..failed
        };
    }
    judgement
}

/// An outstanding send finishes: the request is the driver's again, with
/// the target's status and information; the framework fetches and clears
/// the registration and the formatted flag
/// (`FxRequestBase::CompleteSubmitted`), then invokes the callback, if one
/// was registered, exactly once.
pub(super) fn finish(
    settings: &Settings,
    request: &mut Request,
    id: RequestId,
    completion: Completion,
) -> Judgement {
    // FxIoTarget::RequestCompletionRoutine: a send its timer cancelled that
    // comes back cancelled reports a timeout instead.
    let completion = if request.timed_out
        && completion.status == Status::CANCELLED
        && settings.shared_source()
    {
        Completion::new(Status::IO_TIMEOUT, completion.information)
    } else {
        completion
    };
    request.timer_armed = false;
    request.timed_out = false;
    request.target = None;
    request.queued = None;
    request.ignores_state = false;
    request.life = Life::Owned;
    request.status = Some(completion.status);
    request.information = Some(completion.information);
    // FxRequestBase::CompleteSubmitted clears the verifier's flag; the
    // driver formats again for its next send.
    request.formatted = None;
    request.verifier_formatted = false;
    let mut at_stake = RuleSet::of(RuleId::CallbackWithoutSend);
    if !request.gone.is_empty() {
        at_stake.insert(RuleId::CallbackLeak);
    }
    let registration = request.deregister();
    let delivery = registration.map(|registration| Delivery {
        request: id,
        registration,
        completion,
    });
    if delivery.is_some() {
        at_stake.insert(RuleId::CallbackMissing);
        at_stake.insert(RuleId::CallbackTwice);
        at_stake.insert(RuleId::CallbackMismatch);
    }
    Judgement {
        outcome: Ok(Accepted {
            reply: ExpectedReply::Done,
            deliveries: delivery.into_iter().collect(),
        }),
        at_stake,
        ..Judgement::accepted(ExpectedReply::Done)
    }
}
