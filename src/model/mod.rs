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
//! The step for one request is public on its own: [`call`] and
//! [`target_complete`] take the settings, one [`Request`]'s state and what
//! happens to it, so a checker that splits a history by request uses the
//! very function [`Model::step`] does.
//!
//! The model is pure in the sense that matters: its result depends only on
//! its state and the step, it reads no clock, no randomness, no
//! environment, and it iterates only ordered maps. It mutates in place for
//! speed; `let mut next = model.clone(); next.step(s)` is the pure form.
//! It depends on nothing but [`crate::vocab`].

pub mod audit;
mod calls;
pub mod differences;
pub mod explore;
mod judge;
mod request;
pub mod rules;
mod targets;

use std::collections::BTreeMap;
use std::fmt;

use crate::vocab::{Delivery, RequestId, RuleId, RuleSet, Settings, Status, Step, TargetState};

pub use calls::{call, target_complete, timed_out};
pub use request::{Gone, Life, Origin, Request};
pub use rules::{CATALOGUE, Rule, rule};
pub use targets::{Targets, target_change};

/// A step breaks a rule: `rule` names which, `request` which request.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Violation {
    /// The rule broken.
    pub rule: RuleId,
    /// The request the step is about.
    pub request: RequestId,
}

impl fmt::Display for Violation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.request, rules::rule(self.rule).says)
    }
}

/// What an implementation must reply to a legal step.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum ExpectedReply {
    /// Nothing beyond success.
    Done,
    /// `CancelSentRequest` returns this; `None` where the lower driver
    /// decides (a send outstanding: TRUE only if it set a cancel routine,
    /// `FxRequestBase::Cancel` returning `IoCancelIrp`'s answer).
    Cancel {
        /// What the cancel returns, where the framework decides it.
        returns: Option<bool>,
    },
    /// `ReadStatus` returns this status and information; `None` where the
    /// sources leave the value unspecified (any value conforms).
    Status {
        /// The status read, where specified.
        status: Option<Status>,
        /// The information read, where specified.
        information: Option<u64>,
    },
    /// Anything: the request's state is undefined ([`Judged`]).
    Any,
}

/// Whether the model judges a step, and what follows it for its request.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Judged {
    /// As usual.
    Yes,
    /// The step breaks this rule, which the framework has no check for:
    /// what follows for the request is undefined. The step is a driver
    /// error; an implementation may do anything there, a refusal included,
    /// and nothing more about the request is judged.
    Undefined(Violation),
    /// The request's state is undefined since an earlier step: this step is
    /// not judged.
    No,
}

/// The model's answer to a legal step.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Accepted {
    /// What the implementation must reply.
    pub reply: ExpectedReply,
    /// The completion callbacks the framework must invoke during this
    /// step, each for another request, in the order the framework invokes
    /// them: at most one for a step on one request; one for each queued
    /// request a purge or close of their target fails.
    pub deliveries: Vec<Delivery>,
}

/// The model's judgement of one step.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Judgement {
    /// Accepted by the framework, with what must follow; or the rule the
    /// step breaks and the framework refuses it for (then the model's state
    /// is unchanged).
    pub outcome: Result<Accepted, Violation>,
    /// A driver rule the step breaks that the framework does not refuse in
    /// these settings (the verifier is off, or the framework has no check):
    /// the driver is still wrong, and `outcome` says what follows: the
    /// step takes effect, or a later check refuses it (the rule let
    /// through stays on the record, for an implementation that refused it
    /// for that one).
    pub let_through: Option<Violation>,
    /// Warnings: rules of severity warning that the step breaks. A step
    /// with warnings is still legal and takes effect.
    pub warnings: RuleSet,
    /// The framework rules that what the implementation does in this step
    /// can break: the checks [`Model::judge_deliveries`] and
    /// [`Model::judge_status`] make of it. The harness counts them as
    /// exercised.
    pub at_stake: RuleSet,
    /// Whether the step is judged at all; when it is not, `outcome` is
    /// accepted with [`ExpectedReply::Any`] and no callback, and the rest
    /// of the judgement is empty.
    pub judged: Judged,
}

impl Judgement {
    fn accepted(reply: ExpectedReply) -> Self {
        Judgement {
            outcome: Ok(Accepted {
                reply,
                deliveries: Vec::new(),
            }),
            let_through: None,
            warnings: RuleSet::EMPTY,
            at_stake: RuleSet::of(RuleId::CallbackWithoutSend),
            judged: Judged::Yes,
        }
    }

    /// A step whose outcome is undefined (`Some(rule broken)`), or on a
    /// request whose state is undefined already (`None`).
    fn unjudged(undefined: Option<Violation>) -> Self {
        Judgement {
            at_stake: RuleSet::EMPTY,
            judged: undefined.map_or(Judged::No, Judged::Undefined),
            ..Judgement::accepted(ExpectedReply::Any)
        }
    }

    /// The callbacks the framework must invoke during the step (none for a
    /// refused one).
    pub fn deliveries(&self) -> &[Delivery] {
        self.outcome.as_ref().map_or(&[], |a| &a.deliveries)
    }

    fn deliveries_mut(&mut self) -> &mut Vec<Delivery> {
        // INVARIANT: only called on an accepted judgement being built.
        &mut self
            .outcome
            .as_mut()
            .expect("deliveries of an accepted step")
            .deliveries
    }

    /// Whether the step leaves its request's state undefined or finds it so.
    pub fn is_unjudged(&self) -> bool {
        self.judged != Judged::Yes
    }

    fn refused(rule: RuleId, request: RequestId) -> Self {
        Judgement {
            outcome: Err(Violation { rule, request }),
            ..Judgement::accepted(ExpectedReply::Done)
        }
    }
}

/// A step that no judgement applies to: the sequence itself is ill-formed.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum SequenceError {
    /// A step names a request that was never created or presented.
    #[error("{0} was never created or received")]
    UnknownRequest(RequestId),
    /// A create or receive names a request that already exists: a name
    /// stands for one request for the whole sequence.
    #[error("{0} was already created or received")]
    DuplicateRequest(RequestId),
    /// A step the framework judged for does not have: `WdfIoTargetPurge`
    /// before KMDF 1.11 or in UMDF 1.
    #[error("`{0}` does not exist in the framework judged for")]
    Unavailable(&'static str),
}

/// The state of every request a sequence has named.
///
/// # Invariants
///
/// - Every request named by an accepted `create` or `receive` is in
///   `requests` for good: a dead request stays, so that a stale name is
///   judged (`access-after-*`) and never taken for a new request.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
pub struct Model {
    settings: Settings,
    requests: BTreeMap<RequestId, Request>,
    targets: Targets,
}

impl Model {
    /// A model with no requests, judging for the default settings (UMDF 1,
    /// its last version, verifier on).
    pub fn new() -> Self {
        Model::default()
    }

    /// A model with no requests, judging for `settings`.
    pub fn with_settings(settings: Settings) -> Self {
        Model {
            settings,
            requests: BTreeMap::new(),
            targets: Targets::default(),
        }
    }

    /// The settings the model judges for.
    pub fn settings(&self) -> Settings {
        self.settings
    }

    /// The request named `id`, if the sequence has created or received it.
    pub fn request(&self, id: RequestId) -> Option<&Request> {
        self.requests.get(&id)
    }

    /// The state of `target` (started until the sequence changes it).
    pub fn target_state(&self, target: crate::vocab::TargetId) -> TargetState {
        self.targets.state(target)
    }

    /// Every request named so far, in name order.
    pub fn requests(&self) -> impl ExactSizeIterator<Item = (RequestId, &Request)> {
        self.requests.iter().map(|(id, r)| (*id, r))
    }

    /// Whether the framework judged for has `step` at all (a purge exists
    /// from KMDF 1.11 and in UMDF 2 only).
    pub fn step_is_available(&self, step: &Step) -> bool {
        !matches!(
            step,
            Step::Target {
                change: crate::vocab::TargetChange::Purge,
                ..
            }
        ) || self.settings.purge_exists()
    }

    /// Judges `step` and, when it is legal, applies it.
    pub fn step(&mut self, step: &Step) -> Result<Judgement, SequenceError> {
        let settings = self.settings;
        match *step {
            Step::Target { target, change } => {
                if !self.step_is_available(step) {
                    return Err(SequenceError::Unavailable(change.op().kmdf()));
                }
                let (targets, requests) = (&mut self.targets, &mut self.requests);
                let judgement = target_change(&settings, targets, requests, target, change);
                #[cfg(debug_assertions)]
                for (id, request) in &self.requests {
                    if let Err(broken) = request.check_invariants() {
                        panic!("model invariant {broken} broken for {id} by {step}: {request:?}");
                    }
                }
                Ok(judgement)
            }
            Step::Create { request, irp } => {
                // UMDF 1's requests always have an IRP.
                let irp = irp || !settings.shared_source();
                let created = Request {
                    irp,
                    ..Request::new(Origin::Created)
                };
                self.introduce(request, created)
            }
            Step::Receive { request, queue } => {
                self.introduce(request, Request::new(Origin::Received { queue }))
            }
            Step::Call {
                request: id,
                ref call,
            } => {
                self.targets.refresh(call, &self.requests);
                let targets = &mut self.targets;
                let request = self
                    .requests
                    .get_mut(&id)
                    .ok_or(SequenceError::UnknownRequest(id))?;
                Ok(checked(request, |r| {
                    calls::call(&settings, targets, r, id, call)
                }))
            }
            Step::TargetComplete {
                request: id,
                completion,
            } => {
                let request = self.known(id)?;
                Ok(checked(request, |r| {
                    calls::target_complete(&settings, r, id, completion)
                }))
            }
            Step::TimedOut { request: id } => {
                let request = self.known(id)?;
                Ok(checked(request, |r| calls::timed_out(&settings, r, id)))
            }
        }
    }

    /// A create or receive: `id` names `request` from now on.
    fn introduce(&mut self, id: RequestId, request: Request) -> Result<Judgement, SequenceError> {
        if self.requests.contains_key(&id) {
            return Err(SequenceError::DuplicateRequest(id));
        }
        self.requests.insert(id, request);
        Ok(Judgement::accepted(ExpectedReply::Done))
    }

    fn known(&mut self, id: RequestId) -> Result<&mut Request, SequenceError> {
        self.requests
            .get_mut(&id)
            .ok_or(SequenceError::UnknownRequest(id))
    }

    /// Stops judging the request named `id`: the sequence lacks what the
    /// model needs to go on (a trace's `sync` send without its answer), so
    /// what follows for it is undefined, as after a step the framework has
    /// no check for. Its later steps are unjudged and the end owes nothing
    /// for it.
    pub fn abandon(&mut self, id: RequestId) -> Result<(), SequenceError> {
        self.known(id)?.life = Life::Undefined;
        Ok(())
    }

    /// Forgets the dead request named `id`, so that a long trace with ever
    /// new names need not keep every request it has seen: afterwards its
    /// name is unknown, as if never introduced. Returns false, and forgets
    /// nothing, when the request is alive or unknown.
    ///
    /// # Invariants
    ///
    /// Only dead requests go: a dead request never changes again and owes
    /// nothing at the end, so forgetting one changes no later judgement of
    /// the other requests.
    pub fn forget(&mut self, id: RequestId) -> bool {
        if !self.requests.get(&id).is_some_and(Request::is_dead) {
            return false;
        }
        self.requests.remove(&id);
        true
    }

    /// The warnings due when the sequence ends here: every request still to
    /// be completed (queue-presented, or reused with MUST_COMPLETE) that
    /// was never completed (`request-not-completed`).
    pub fn finish(&self) -> Vec<Violation> {
        self.requests()
            .filter(|(_, r)| r.must_be_completed() && !r.is_dead())
            .map(|(request, _)| Violation {
                rule: RuleId::RequestNotCompleted,
                request,
            })
            .collect()
    }
}

/// Runs one request's step, and in a debug build asserts what the step
/// must keep: the request's invariants ([`Request::check_invariants`]) and
/// a dead request never changing. (A refused step may change the request:
/// the framework writes a refused send's status, and a refused Reuse has
/// deregistered the callback before its flags are refused.)
fn checked(request: &mut Request, step: impl FnOnce(&mut Request) -> Judgement) -> Judgement {
    #[cfg(debug_assertions)]
    let before = request.clone();
    let judgement = step(request);
    #[cfg(debug_assertions)]
    {
        if let Err(broken) = request.check_invariants() {
            panic!("model invariant {broken} broken by a step on {before:?}: now {request:?}");
        }
        if before.is_dead() && request.life != Life::Undefined {
            assert_eq!(before, *request, "a dead request changed");
        }
    }
    judgement
}
