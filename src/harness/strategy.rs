//! What the generators draw, and the proptest reference state machine
//! ([`Generator`]) over it: operation sequences whose steps are mostly
//! legal yet reach every rule.
//!
//! Each case draws a [`Swarm`] first: weights for every kind of step, some
//! switched off (swarm testing, as TigerBeetle's `random_enum_weights`), so
//! that one case hammers reuse while another is all queue traffic. Legal
//! steps are drawn from the requests they are legal for, which the model
//! knows; a small share of "wild" steps names any request with any call, so
//! every refusal is reached too.
//!
//! The arms themselves are drawn in [`draw`], the hunt's fast
//! generator; the state machine here draws each step there from a `u64`
//! that proptest generates and shrinks, so `prop_state_machine!` tests and
//! the hunt generate from one description.

use proptest::prelude::*;
use proptest_state_machine::ReferenceStateMachine;
use proptest_state_machine::strategy::Sequential;

use super::draw::{self, Draw, Steps};
use super::seed::Seed;
use crate::model::Model;
use crate::vocab::{CallKind, Settings, Step, StepKind};

/// How many I/O targets a sequence sends to. Like the other counts of
/// resources, small, so that steps collide.
pub const TARGETS: u8 = 3;
/// How many I/O queues a sequence receives requests from.
pub const QUEUES: u8 = 2;
/// How many completion callbacks a sequence registers.
pub const CALLBACKS: u8 = 3;
/// How many completion contexts a sequence registers callbacks with.
pub const CONTEXTS: u8 = 3;
/// Requests alive at once beyond which no new one is made, per case: most
/// cases keep few, so that steps collide; some keep many, for depth.
pub const REQUESTS_LIVE_MAX: [usize; 3] = [6, 12, 24];

/// The kinds of step a swarm weighs: one per [`StepKind`], plus the
/// sends that are not asynchronous and two arms of illegal steps.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Kind {
    /// A step of this kind, legal where it is drawn (a send is
    /// asynchronous).
    Step(StepKind),
    /// A synchronous send (`WDF_REQUEST_SEND_OPTION_SYNCHRONOUS`).
    SendSync,
    /// Send and forget, of a request fit for it.
    SendForget,
    /// A call that only a request's owner may make, or only on a request of
    /// the other origin, on a live request: reaches the `*-while-pending`
    /// and `forget-*` rules directly.
    Misuse,
    /// Any call on any request: mostly illegal.
    Wild,
}

const STEP_KINDS: usize = StepKind::ALL.len();

impl Kind {
    /// Every kind: each [`StepKind`] in its order, then the others.
    pub const ALL: [Kind; STEP_KINDS + 4] = {
        let mut all = [Kind::Wild; STEP_KINDS + 4];
        let mut i = 0;
        while i < STEP_KINDS {
            all[i] = Kind::Step(StepKind::ALL[i]);
            i += 1;
        }
        all[STEP_KINDS] = Kind::SendSync;
        all[STEP_KINDS + 1] = Kind::SendForget;
        all[STEP_KINDS + 2] = Kind::Misuse;
        all
    };
}

/// Per-case weights of each [`Kind`] (zero switches a kind off), and the
/// shape of the case: how many targets and live requests it uses, and
/// whether its steps focus on one request.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Swarm {
    /// The weight of each kind of step ([`Kind::ALL`]'s order); 0 leaves
    /// it out of the case.
    pub weights: [u32; Kind::ALL.len()],
    /// Targets the case sends to (1 to [`TARGETS`]): with one, every send
    /// goes to the same target, and several are outstanding there at once.
    pub targets: u8,
    /// Requests alive at once beyond which no new one is made.
    pub live_max: usize,
    /// Whether steps that pick a request pick the oldest fit one seven
    /// times in eight: its Reuses then chain (a long chain of Reuses of one
    /// request is where a wrapping generation counter shows).
    pub focus: bool,
}

impl Swarm {
    fn strategy() -> impl Strategy<Value = Swarm> {
        any::<u64>().prop_map(|seed| draw::swarm(&mut Draw::new(Seed(seed))))
    }
}

/// A kind's weight before the swarm scales it or switches it off.
pub(super) fn base_weight(kind: Kind) -> u32 {
    match kind {
        Kind::Step(StepKind::Create | StepKind::Receive) => 3,
        Kind::Step(StepKind::TargetComplete) => 8,
        Kind::Step(StepKind::TimedOut) => 6,
        // Rare: a stopped or closed target changes what every send to it
        // does, so a change now and then reaches the queue and the
        // failures without starving the sends of a started target.
        Kind::Step(StepKind::Target(_)) => 1,
        Kind::Step(StepKind::Call(call)) => match call {
            CallKind::Format | CallKind::SetCompletionCallback | CallKind::Send => 8,
            CallKind::Reuse => 6,
            CallKind::Cancel | CallKind::ReadStatus => 3,
            CallKind::Complete | CallKind::Delete => 2,
        },
        Kind::SendSync => 2,
        Kind::SendForget => 1,
        Kind::Misuse => 2,
        Kind::Wild => 3,
    }
}

/// The generator's state: the model (to know what is legal in its
/// settings), the next fresh request name, and the case's swarm.
#[derive(Clone, Debug)]
pub struct GenState {
    /// The model, stepped through the sequence so far.
    pub model: Model,
    /// The id of the next fresh request a case introduces.
    pub next_request: u32,
    /// The case's swarm.
    pub swarm: Swarm,
}

impl GenState {
    fn strategy(settings: Settings) -> BoxedStrategy<GenState> {
        Swarm::strategy()
            .prop_map(move |swarm| GenState {
                model: Model::with_settings(settings),
                next_request: 0,
                swarm,
            })
            .boxed()
    }
}

/// The strategy of operation sequences of `steps` steps (a range) for a
/// framework of `settings`: what [`Generator::sequential_strategy`] is for
/// the default settings.
pub fn sequences(
    settings: Settings,
    steps: impl Into<proptest::collection::SizeRange>,
) -> Sequential<GenState, Step, BoxedStrategy<GenState>, BoxedStrategy<Step>> {
    Sequential::new(
        steps.into(),
        move || GenState::strategy(settings),
        Generator::preconditions,
        Generator::transitions,
        Generator::apply,
    )
}

/// The reference state machine that generates sequences (see the module
/// docs), for the default settings; [`sequences`] takes any. Its
/// transitions are [`Step`]s.
pub struct Generator;

impl ReferenceStateMachine for Generator {
    type State = GenState;
    type Transition = Step;

    fn init_state() -> BoxedStrategy<GenState> {
        GenState::strategy(Settings::default())
    }

    fn transitions(state: &GenState) -> BoxedStrategy<Step> {
        let state = state.clone();
        any::<u64>()
            .prop_map(move |seed| {
                let mut steps = Steps::resume(state.swarm.clone(), state.next_request);
                steps.next(&mut Draw::new(Seed(seed)), &state.model)
            })
            .boxed()
    }

    fn apply(mut state: GenState, step: &Step) -> GenState {
        if let Step::Create { request, .. } | Step::Receive { request, .. } = step {
            state.next_request = state.next_request.max(request.0 + 1);
        }
        // A sequence error cannot happen: preconditions exclude it.
        let _ = state.model.step(step);
        state
    }

    /// A step is well-formed when it introduces a fresh request or names
    /// one the sequence introduced before; shrinking keeps that.
    fn preconditions(state: &GenState, step: &Step) -> bool {
        let Some(request) = step.request() else {
            return state.model.step_is_available(step);
        };
        let known = state.model.request(request).is_some();
        match step {
            Step::Create { .. } | Step::Receive { .. } => !known,
            _ => known,
        }
    }
}
