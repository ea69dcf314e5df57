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
use super::{Accepted, ExpectedReply, Judgement, Violation};
use crate::vocab::{
    Call, Completion, Delivery, FormatKind, Registration, RequestId, ReuseFlags, RuleId, RuleSet,
    SendMode, Settings, Status,
};

/// The result of a call: accepted (perhaps with a rule let through), or
/// refused.
type CallOutcome = Result<Judgement, Judgement>;

/// Breaking `rule`: a refusal where the catalogue says the framework
/// refuses it in `settings`; otherwise recorded in `judgement` as let
/// through, and the call goes on.
fn breaks(
    settings: &Settings,
    judgement: &mut Judgement,
    rule_id: RuleId,
    id: RequestId,
) -> Result<(), Judgement> {
    if rule(rule_id).refused.in_settings(settings) {
        return Err(Judgement::refused(rule_id, id));
    }
    judgement.let_through.get_or_insert(Violation {
        rule: rule_id,
        request: id,
    });
    Ok(())
}

/// The rule a call on a dead request breaks.
fn dead_rule(request: &Request) -> Option<RuleId> {
    match request.life {
        Life::Completed => Some(RuleId::AccessAfterComplete),
        Life::Deleted => Some(RuleId::AccessAfterDelete),
        Life::Forgotten => Some(RuleId::AccessAfterForget),
        Life::Owned | Life::Outstanding => None,
    }
}

/// Judges `call` on `request` (named `id`) in `settings`, and applies it
/// when the framework accepts it: the model's step for one request.
///
/// Checks run in a fixed order: a dead request first, then the request
/// being outstanding, then the call's own conditions. A refused call
/// leaves `request` as it was.
pub fn call(settings: &Settings, request: &mut Request, id: RequestId, call: &Call) -> Judgement {
    let mut judgement = Judgement::accepted(ExpectedReply::Done);
    if let Some(rule) = dead_rule(request) {
        if let Err(refused) = breaks(settings, &mut judgement, rule, id) {
            return refused;
        }
    }
    let outcome = match *call {
        Call::Format { kind } => modify(settings, request, id, |r| r.formatted = Some(kind)),
        Call::SetCompletionCallback { callback, context } => modify(settings, request, id, |r| {
            r.deregister();
            r.registration = Some(Registration { callback, context });
        }),
        Call::Send { mode, .. } => send(settings, request, id, mode),
        Call::Cancel => Ok(cancel(request)),
        Call::Reuse { status, flags } => reuse(settings, request, id, status, flags),
        Call::ReadStatus => Ok(read_status(request)),
        Call::Complete { .. } => complete(settings, request, id),
        Call::Delete => delete(settings, request, id),
    };
    outcome.unwrap_or_else(|refused| refused)
}

/// Format and SetCompletionCallback: legal only while the driver owns the
/// request (`modify-while-pending`).
fn modify(
    settings: &Settings,
    request: &mut Request,
    id: RequestId,
    change: impl FnOnce(&mut Request),
) -> CallOutcome {
    let mut judgement = Judgement::accepted(ExpectedReply::Done);
    if request.is_outstanding() {
        breaks(settings, &mut judgement, RuleId::ModifyWhilePending, id)?;
    }
    change(request);
    Ok(judgement)
}

fn send(settings: &Settings, request: &mut Request, id: RequestId, mode: SendMode) -> CallOutcome {
    let mut judgement = Judgement::accepted(ExpectedReply::Done);
    if request.is_outstanding() {
        breaks(settings, &mut judgement, RuleId::SendWhilePending, id)?;
    }
    if mode == SendMode::Forget {
        return forget(settings, request, id, judgement);
    }
    if request.formatted.is_none() {
        // FxIoTarget::VerifySubmitLocked: a verifier check.
        breaks(settings, &mut judgement, RuleId::SendUnformatted, id)?;
    }
    if mode == SendMode::Async && request.registration.is_none() {
        if request.is_received()
            && rule(RuleId::SendReceivedWithoutCallback)
                .scope
                .applies(settings)
        {
            breaks(
                settings,
                &mut judgement,
                RuleId::SendReceivedWithoutCallback,
                id,
            )?;
        } else {
            judgement.warnings.insert(RuleId::SendWithoutCallback);
        }
    }
    if request.sent_since_reuse {
        judgement.warnings.insert(RuleId::ResendWithoutReuse);
    }
    request.life = Life::Outstanding;
    request.sent_since_reuse = true;
    // The status of a request at a target is the target's business until
    // it finishes ("WdfRequestGetStatus" defines no value for it).
    request.status = None;
    request.information = None;
    if let SendMode::Sync(answer) = mode {
        // FxIoTarget::SubmitSync: the send returns after the target
        // finished, and the driver's routine, if any, has run.
        let finished = finish(request, id, answer);
        judgement.outcome = finished.outcome;
        judgement.at_stake = finished.at_stake;
    }
    Ok(judgement)
}

/// Send and forget (`WdfRequestSend`, `SEND_AND_FORGET`): only for a
/// queue-presented request without a formatted I/O context; the driver
/// gives the request up, and no callback will run.
fn forget(
    settings: &Settings,
    request: &mut Request,
    id: RequestId,
    mut judgement: Judgement,
) -> CallOutcome {
    if !request.is_received() {
        breaks(settings, &mut judgement, RuleId::ForgetCreated, id)?;
    }
    if request
        .formatted
        .is_some_and(|kind| kind != FormatKind::Current)
    {
        breaks(settings, &mut judgement, RuleId::ForgetFormatted, id)?;
    }
    if request.registration.is_some() {
        breaks(settings, &mut judgement, RuleId::ForgetWithCallback, id)?;
    }
    request.life = Life::Forgotten;
    request.deregister();
    Ok(judgement)
}

/// CancelSentRequest never fails on a live request: it returns whether a
/// send was outstanding (WdfRequestCancelSentRequest returns FALSE for a
/// request already completed). The send stays outstanding until its target
/// finishes it.
fn cancel(request: &Request) -> Judgement {
    let was_outstanding = request.is_outstanding();
    Judgement::accepted(ExpectedReply::Cancel { was_outstanding })
}

/// Reuse: resets the status to the given one, drops formatting and, from
/// framework 1.9 on, deregisters the completion callback and its context
/// (`FxRequest::Reuse`; before 1.9 the callback stays registered, for
/// backward compatibility). Information is reset for a driver-created
/// request (its IRP is reinitialised) and left as it was for a
/// queue-presented one, whose reuse resets only status and cancel state.
///
/// Reuse of an outstanding request is a driver error the verifier breaks
/// on; with the verifier off it takes effect on the outstanding request,
/// which then completes with whatever registration Reuse left.
fn reuse(
    settings: &Settings,
    request: &mut Request,
    id: RequestId,
    status: Status,
    flags: ReuseFlags,
) -> CallOutcome {
    let mut judgement = Judgement::accepted(ExpectedReply::Done);
    if request.is_outstanding() {
        breaks(settings, &mut judgement, RuleId::ReuseWhilePending, id)?;
    }
    check_reuse_flags(settings, request, id, flags, &mut judgement)?;
    if !request.is_outstanding() {
        // An outstanding send's status is the target's until it finishes.
        request.status = Some(status);
        // A queue-presented request's IRP keeps its information; what it
        // holds then is the originator's business, so it is unspecified.
        request.information = if request.is_received() { None } else { Some(0) };
    }
    request.formatted = None;
    if settings.reuse_clears_callback() {
        request.deregister();
    }
    request.sent_since_reuse = false;
    request.driver_irp |= flags.set_new_irp;
    // A queue-presented request's reuse returns before the flag takes
    // effect; it is completed anyway.
    request.must_complete = flags.must_complete && !request.is_received();
    Ok(judgement)
}

/// The flags of `WdfRequestReuse` (`FxRequest::Reuse`).
fn check_reuse_flags(
    settings: &Settings,
    request: &Request,
    id: RequestId,
    flags: ReuseFlags,
    judgement: &mut Judgement,
) -> Result<(), Judgement> {
    let unavailable = (!flags.is_empty() && !settings.reuse_takes_flags())
        || (flags.must_complete && !settings.must_complete_exists());
    if unavailable {
        breaks(settings, judgement, RuleId::ReuseFlagUnavailable, id)?;
    }
    if flags.set_new_irp && request.is_received() {
        breaks(settings, judgement, RuleId::NewIrpReceived, id)?;
    }
    let irp_from_driver = flags.set_new_irp || request.driver_irp;
    if flags.must_complete && !request.is_received() && !irp_from_driver {
        breaks(settings, judgement, RuleId::MustCompleteInternalIrp, id)?;
    }
    Ok(())
}

fn read_status(request: &Request) -> Judgement {
    let mut judgement = Judgement::accepted(ExpectedReply::Status {
        status: request.status,
        information: request.information,
    });
    if request.status.is_some() || request.information.is_some() {
        judgement.at_stake.insert(RuleId::StatusMismatch);
    }
    judgement
}

/// Complete: ends a queue-presented request. A driver-created request
/// reused with `MUST_COMPLETE` completes its IRP and stays the driver's
/// until it deletes it (`FxRequest::Reuse`: the reference taken for
/// MUST_COMPLETE is released at completion; the object lives on).
fn complete(settings: &Settings, request: &mut Request, id: RequestId) -> CallOutcome {
    let mut judgement = Judgement::accepted(ExpectedReply::Done);
    if request.is_outstanding() {
        breaks(settings, &mut judgement, RuleId::CompleteWhilePending, id)?;
    }
    if !request.must_be_completed() {
        breaks(settings, &mut judgement, RuleId::CompleteCreated, id)?;
    }
    if request.is_received() {
        request.life = Life::Completed;
    } else {
        request.must_complete = false;
    }
    Ok(judgement)
}

fn delete(settings: &Settings, request: &mut Request, id: RequestId) -> CallOutcome {
    let mut judgement = Judgement::accepted(ExpectedReply::Done);
    if request.is_outstanding() {
        breaks(settings, &mut judgement, RuleId::DeleteWhilePending, id)?;
    }
    if request.is_received() {
        breaks(settings, &mut judgement, RuleId::DeleteReceived, id)?;
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
    let mut judgement = Judgement::accepted(ExpectedReply::Done);
    if !request.is_outstanding() {
        if let Err(refused) = breaks(settings, &mut judgement, RuleId::TargetCompleteUnsent, id) {
            return refused;
        }
    }
    Judgement {
        let_through: judgement.let_through,
        ..finish(request, id, completion)
    }
}

/// An outstanding send finishes: the request is the driver's again, with
/// the target's status and information; the framework fetches and clears
/// the registration and the formatted flag
/// (`FxRequestBase::CompleteSubmitted`), then invokes the callback, if one
/// was registered, exactly once.
fn finish(request: &mut Request, id: RequestId, completion: Completion) -> Judgement {
    request.life = Life::Owned;
    request.status = Some(completion.status);
    request.information = Some(completion.information);
    request.formatted = None;
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
            delivery,
        }),
        let_through: None,
        warnings: RuleSet::EMPTY,
        at_stake,
    }
}
