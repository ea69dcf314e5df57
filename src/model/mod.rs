//! The reference model: the specification of the request lifecycle as a
//! deterministic state machine over many requests at once.
//!
//! [`Model::step`] takes one [`Step`] and says whether it is legal. A legal
//! step returns what the implementation must reply and which completion
//! callback, if any, the framework must invoke during it; an illegal one
//! names the rule it breaks and changes nothing, exactly as the framework's
//! verifier refuses a call. [`Model::judge_deliveries`] and
//! [`Model::judge_status`] turn what an implementation actually did into a
//! verdict on the framework's rules. The harness and the trace checker both
//! call these; there is no second copy of the rules.
//!
//! The model is pure in the sense that matters: its result depends only on
//! its state and the step, it reads no clock, no randomness, no
//! environment, and it iterates only ordered maps. It mutates in place for
//! speed; `let mut next = model.clone(); next.step(s)` is the pure form.
//! It depends on nothing but [`crate::vocab`].

pub mod explore;
mod judge;
mod request;
pub mod rules;

use std::collections::BTreeMap;
use std::fmt;

use crate::vocab::{
    Completion, Delivery, Op, QueueId, RequestId, RuleId, RuleSet, Status, Step, TargetCompletion,
    TargetId,
};

pub use request::{Life, Origin, Request};
pub use rules::{CATALOGUE, Rule, rule};

/// A step breaks a rule: `rule` names which, `request` which request.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Violation {
    pub rule: RuleId,
    pub request: RequestId,
}

impl fmt::Display for Violation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.request, rules::rule(self.rule).says)
    }
}

/// What an implementation must reply to a legal step.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ExpectedReply {
    /// Nothing beyond success.
    Done,
    /// `CancelSentRequest` returns whether a send was outstanding.
    Cancel { was_outstanding: bool },
    /// `ReadStatus` returns this status and information; `None` where the
    /// sources leave the value unspecified (any value conforms).
    Status {
        status: Option<Status>,
        information: Option<u64>,
    },
}

/// The model's answer to a legal step.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Accepted {
    pub reply: ExpectedReply,
    /// The completion callback the framework must invoke during this step,
    /// or `None` when it must invoke none.
    pub delivery: Option<Delivery>,
}

/// The model's judgement of one step.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Judgement {
    /// Legal, with what must follow; or the rule the step breaks (then the
    /// model's state is unchanged).
    pub outcome: Result<Accepted, Violation>,
    /// Warnings: rules of severity warning that the step breaks. A step
    /// with warnings is still legal and takes effect.
    pub warnings: RuleSet,
    /// The framework rules that what the implementation does in this step
    /// can break: the checks [`Model::judge_deliveries`] and
    /// [`Model::judge_status`] make of it. The harness counts them as
    /// exercised.
    pub at_stake: RuleSet,
}

impl Judgement {
    fn accepted(reply: ExpectedReply) -> Self {
        Judgement {
            outcome: Ok(Accepted {
                reply,
                delivery: None,
            }),
            warnings: RuleSet::EMPTY,
            at_stake: RuleSet::of(RuleId::CallbackWithoutSend),
        }
    }

    fn refused(rule: RuleId, request: RequestId) -> Self {
        Judgement {
            outcome: Err(Violation { rule, request }),
            warnings: RuleSet::EMPTY,
            at_stake: RuleSet::of(RuleId::CallbackWithoutSend),
        }
    }
}

/// A step that no judgement applies to: the sequence itself is ill-formed.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum SequenceError {
    /// A step names a request that was never created or presented.
    #[error("{0} was never created or received")]
    UnknownRequest(RequestId),
    /// A create or receive names a request that already exists: a name
    /// stands for one request for the whole sequence.
    #[error("{0} was already created or received")]
    DuplicateRequest(RequestId),
}

/// The state of every request a sequence has named.
///
/// # Invariants
///
/// - Every request named by an accepted `create` or `receive` is in
///   `requests` for good: a dead request stays, so that a stale name is
///   judged (`access-after-*`) and never taken for a new request.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Model {
    requests: BTreeMap<RequestId, Request>,
}

impl Model {
    /// A model with no requests.
    pub fn new() -> Self {
        Model::default()
    }

    /// The request named `id`, if the sequence has created or received it.
    pub fn request(&self, id: RequestId) -> Option<&Request> {
        self.requests.get(&id)
    }

    /// Every request named so far, in name order.
    pub fn requests(&self) -> impl Iterator<Item = (RequestId, &Request)> {
        self.requests.iter().map(|(id, r)| (*id, r))
    }

    /// Judges `step` and, when it is legal, applies it.
    pub fn step(&mut self, step: &Step) -> Result<Judgement, SequenceError> {
        match step {
            Step::Driver(Op::Create { request }) => self.introduce(*request, Origin::Created),
            Step::Driver(Op::Receive { request, queue }) => self.receive(*request, *queue),
            Step::Driver(op) => {
                let id = op.request();
                let request = self
                    .requests
                    .get_mut(&id)
                    .ok_or(SequenceError::UnknownRequest(id))?;
                Ok(driver_call(request, id, op))
            }
            Step::Target(done) => {
                let request = self
                    .requests
                    .get_mut(&done.request)
                    .ok_or(SequenceError::UnknownRequest(done.request))?;
                Ok(target_complete(request, done))
            }
        }
    }

    fn receive(&mut self, id: RequestId, queue: QueueId) -> Result<Judgement, SequenceError> {
        self.introduce(id, Origin::Received { queue })
    }

    fn introduce(&mut self, id: RequestId, origin: Origin) -> Result<Judgement, SequenceError> {
        if self.requests.contains_key(&id) {
            return Err(SequenceError::DuplicateRequest(id));
        }
        self.requests.insert(id, Request::new(origin));
        Ok(Judgement::accepted(ExpectedReply::Done))
    }

    /// The warnings due when the sequence ends here: every queue-presented
    /// request that was never completed (`request-not-completed`).
    pub fn finish(&self) -> Vec<Violation> {
        self.requests()
            .filter(|(_, r)| r.is_received() && !r.is_dead())
            .map(|(request, _)| Violation {
                rule: RuleId::RequestNotCompleted,
                request,
            })
            .collect()
    }
}

/// The rule a call on a dead request breaks.
fn dead_rule(request: &Request) -> Option<RuleId> {
    match request.life {
        Life::Completed => Some(RuleId::AccessAfterComplete),
        Life::Deleted => Some(RuleId::AccessAfterDelete),
        Life::Owned | Life::Outstanding { .. } => None,
    }
}

/// Judges a driver call other than create and receive, and applies it when
/// legal. Checks run in a fixed order: a dead request first, then the
/// request being outstanding, then the call's own conditions.
fn driver_call(request: &mut Request, id: RequestId, op: &Op) -> Judgement {
    if let Some(rule) = dead_rule(request) {
        return Judgement::refused(rule, id);
    }
    match *op {
        Op::Create { .. } | Op::Receive { .. } => {
            unreachable!("create and receive introduce requests; Model::step handles them")
        }
        Op::Format { kind, .. } => modify(request, id, |r| r.formatted = Some(kind)),
        Op::SetCompletionCallback {
            callback, context, ..
        } => modify(request, id, |r| {
            let registration = crate::vocab::Registration { callback, context };
            if let Some(old) = r.registration.replace(registration) {
                r.dropped = Some(old);
            }
        }),
        Op::Send { target, .. } => send(request, id, target),
        Op::Cancel { .. } => cancel(request),
        Op::Reuse { status, .. } => reuse(request, id, status),
        Op::ReadStatus { .. } => read_status(request),
        Op::Complete { .. } => complete(request, id),
        Op::Delete { .. } => delete(request, id),
    }
}

/// Format and SetCompletionCallback: legal only while the driver owns the
/// request (`modify-while-pending`).
fn modify(request: &mut Request, id: RequestId, change: impl FnOnce(&mut Request)) -> Judgement {
    if request.is_outstanding() {
        return Judgement::refused(RuleId::ModifyWhilePending, id);
    }
    change(request);
    Judgement::accepted(ExpectedReply::Done)
}

fn send(request: &mut Request, id: RequestId, target: TargetId) -> Judgement {
    if request.is_outstanding() {
        return Judgement::refused(RuleId::SendWhilePending, id);
    }
    if request.formatted.is_none() {
        return Judgement::refused(RuleId::SendUnformatted, id);
    }
    let mut judgement = Judgement::accepted(ExpectedReply::Done);
    if request.registration.is_none() {
        judgement.warnings.insert(RuleId::SendWithoutCallback);
    }
    if request.sent_since_reuse {
        judgement.warnings.insert(RuleId::ResendWithoutReuse);
    }
    request.life = Life::Outstanding {
        target,
        cancel_requested: false,
    };
    request.sent_since_reuse = true;
    // The status of a request at a target is the target's business until
    // it finishes ("WdfRequestGetStatus" defines no value for it).
    request.status = None;
    request.information = None;
    judgement
}

/// CancelSentRequest never fails on a live request: it returns whether a
/// send was outstanding (WdfRequestCancelSentRequest returns FALSE for a
/// request already completed). The send stays outstanding until its target
/// finishes it.
fn cancel(request: &mut Request) -> Judgement {
    let was_outstanding = match &mut request.life {
        Life::Outstanding {
            cancel_requested, ..
        } => {
            *cancel_requested = true;
            true
        }
        _ => false,
    };
    Judgement::accepted(ExpectedReply::Cancel { was_outstanding })
}

/// Reuse: resets the status to the given one, drops formatting and
/// deregisters the completion callback and its context
/// (`FxRequest::Reuse`, framework 1.9 and later). Information is reset for
/// a driver-created request (its IRP is reinitialised) and left as it was
/// for a queue-presented one, whose reuse resets only status and cancel
/// state.
fn reuse(request: &mut Request, id: RequestId, status: Status) -> Judgement {
    if request.is_outstanding() {
        return Judgement::refused(RuleId::ReuseWhilePending, id);
    }
    request.status = Some(status);
    if !request.is_received() {
        request.information = Some(0);
    }
    request.formatted = None;
    if let Some(old) = request.registration.take() {
        request.dropped = Some(old);
    }
    request.sent_since_reuse = false;
    Judgement::accepted(ExpectedReply::Done)
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

fn complete(request: &mut Request, id: RequestId) -> Judgement {
    if request.is_outstanding() {
        return Judgement::refused(RuleId::CompleteWhilePending, id);
    }
    if !request.is_received() {
        return Judgement::refused(RuleId::CompleteCreated, id);
    }
    request.life = Life::Completed;
    Judgement::accepted(ExpectedReply::Done)
}

fn delete(request: &mut Request, id: RequestId) -> Judgement {
    if request.is_outstanding() {
        return Judgement::refused(RuleId::DeleteWhilePending, id);
    }
    if request.is_received() {
        return Judgement::refused(RuleId::DeleteReceived, id);
    }
    request.life = Life::Deleted;
    Judgement::accepted(ExpectedReply::Done)
}

/// The target finishes the outstanding send: the request is the driver's
/// again, with the target's status and information; the framework fetches
/// and clears the registration and the formatted flag
/// (`FxRequestBase::CompleteSubmitted`), then invokes the callback, if one
/// was registered, exactly once.
fn target_complete(request: &mut Request, done: &TargetCompletion) -> Judgement {
    if !request.is_outstanding() {
        return Judgement::refused(RuleId::TargetCompleteUnsent, done.request);
    }
    let completion: Completion = done.completion();
    request.life = Life::Owned;
    request.status = Some(completion.status);
    request.information = Some(completion.information);
    request.formatted = None;
    let delivery = request.registration.take().map(|registration| Delivery {
        request: done.request,
        registration,
        completion,
    });
    let mut at_stake = RuleSet::of(RuleId::CallbackWithoutSend);
    if delivery.is_some() {
        at_stake.insert(RuleId::CallbackMissing);
        at_stake.insert(RuleId::CallbackTwice);
        at_stake.insert(RuleId::CallbackMismatch);
    }
    if request.dropped.is_some() {
        at_stake.insert(RuleId::CallbackLeak);
    }
    Judgement {
        outcome: Ok(Accepted {
            reply: ExpectedReply::Done,
            delivery,
        }),
        warnings: RuleSet::EMPTY,
        at_stake,
    }
}
