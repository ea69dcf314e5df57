//! Generators of operation sequences: a proptest reference state machine
//! ([`Generator`]) whose steps are mostly legal yet reach every rule.
//!
//! Each case draws a [`Swarm`] first: weights for every kind of step, some
//! switched off (swarm testing, as TigerBeetle's `random_enum_weights`), so
//! that one case hammers reuse while another is all queue traffic. Legal
//! steps are drawn from the requests they are legal for, which the model
//! knows; a small share of "wild" steps names any request with any call, so
//! every refusal is reached too.

use proptest::prelude::*;
use proptest::strategy::Union;
use proptest_state_machine::ReferenceStateMachine;
use proptest_state_machine::strategy::Sequential;

use crate::model::{Life, Model, Request};
use crate::vocab::{
    CallbackId, Completion, ContextId, FormatKind, Op, QueueId, RequestId, ReuseFlags, SendMode,
    Settings, Status, Step, TargetCompletion, TargetId,
};

/// How many of each resource a sequence uses: small, so that steps collide.
pub const TARGETS: u8 = 3;
pub const QUEUES: u8 = 2;
pub const CALLBACKS: u8 = 3;
pub const CONTEXTS: u8 = 3;
/// Requests alive at once beyond which no new one is made.
pub const REQUESTS_LIVE_MAX: usize = 6;

/// The kinds of step a swarm weighs.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    Create,
    Receive,
    Format,
    SetCompletionCallback,
    Send,
    /// A synchronous send (`WDF_REQUEST_SEND_OPTION_SYNCHRONOUS`).
    SendSync,
    /// Send and forget, of a request fit for it.
    SendForget,
    TargetComplete,
    Cancel,
    Reuse,
    ReadStatus,
    Complete,
    Delete,
    /// A call that only a request's owner may make, or only on a request of
    /// the other origin, on a live request: reaches the `*-while-pending`
    /// and `forget-*` rules directly.
    Misuse,
    /// Any call on any request: mostly illegal.
    Wild,
}

impl Kind {
    pub const ALL: [Kind; 15] = [
        Kind::Create,
        Kind::Receive,
        Kind::Format,
        Kind::SetCompletionCallback,
        Kind::Send,
        Kind::SendSync,
        Kind::SendForget,
        Kind::TargetComplete,
        Kind::Cancel,
        Kind::Reuse,
        Kind::ReadStatus,
        Kind::Complete,
        Kind::Delete,
        Kind::Misuse,
        Kind::Wild,
    ];
}

/// Per-case weights of each [`Kind`]; zero switches a kind off.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Swarm {
    pub weights: [u32; Kind::ALL.len()],
}

impl Swarm {
    /// Every kind at its base weight.
    pub fn uniform() -> Self {
        Swarm {
            weights: Kind::ALL.map(base_weight),
        }
    }

    fn weight(&self, kind: Kind) -> u32 {
        self.weights[kind as usize]
    }

    fn strategy() -> impl Strategy<Value = Swarm> {
        // Each kind is off with probability 1/5, else its base weight scaled
        // by 1..=3; the three kinds every lifecycle needs stay on.
        proptest::collection::vec((0u32..5, 1u32..=3), Kind::ALL.len()).prop_map(|draws| {
            let mut weights = Kind::ALL.map(base_weight);
            for ((kind, weight), (off, scale)) in Kind::ALL.iter().zip(&mut weights).zip(draws) {
                let essential = matches!(kind, Kind::Create | Kind::Receive | Kind::Send);
                *weight = if off == 0 && !essential {
                    0
                } else {
                    *weight * scale
                };
            }
            Swarm { weights }
        })
    }
}

fn base_weight(kind: Kind) -> u32 {
    match kind {
        Kind::Create | Kind::Receive => 3,
        Kind::Format | Kind::SetCompletionCallback | Kind::Send => 8,
        Kind::TargetComplete => 8,
        Kind::SendSync => 2,
        Kind::SendForget => 1,
        Kind::Reuse => 6,
        Kind::Cancel | Kind::ReadStatus => 3,
        Kind::Complete | Kind::Delete => 2,
        Kind::Misuse => 2,
        Kind::Wild => 3,
    }
}

/// The generator's state: the model (to know what is legal in its
/// settings), the next fresh request name, and the case's swarm.
#[derive(Clone, Debug)]
pub struct GenState {
    pub model: Model,
    pub next_request: u32,
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
        let mut arms: Vec<(u32, BoxedStrategy<Step>)> = Vec::new();
        for kind in Kind::ALL {
            let weight = state.swarm.weight(kind);
            if weight == 0 {
                continue;
            }
            if let Some(arm) = arm(state, kind) {
                arms.push((weight, arm));
            }
        }
        if arms.is_empty() {
            // Every applicable kind is off: a new request always applies.
            return Just(create(state)).boxed();
        }
        Union::new_weighted(arms).boxed()
    }

    fn apply(mut state: GenState, step: &Step) -> GenState {
        if let Step::Driver(Op::Create { request } | Op::Receive { request, .. }) = step {
            state.next_request = state.next_request.max(request.0 + 1);
        }
        // A sequence error cannot happen: preconditions exclude it.
        let _ = state.model.step(step);
        state
    }

    /// A step is well-formed when it introduces a fresh request or names
    /// one the sequence introduced before; shrinking keeps that.
    fn preconditions(state: &GenState, step: &Step) -> bool {
        let known = state.model.request(step.request()).is_some();
        match step {
            Step::Driver(Op::Create { .. } | Op::Receive { .. }) => !known,
            _ => known,
        }
    }
}

fn create(state: &GenState) -> Step {
    Op::Create {
        request: RequestId(state.next_request),
    }
    .into()
}

/// The requests of `state` whose life satisfies `pick`.
fn requests_where(state: &GenState, pick: impl Fn(&Request) -> bool) -> Vec<RequestId> {
    state
        .model
        .requests()
        .filter(|(_, r)| pick(r))
        .map(|(id, _)| id)
        .collect()
}

/// The strategy for one kind of step in `state`, or `None` when no request
/// is fit for it.
fn arm(state: &GenState, kind: Kind) -> Option<BoxedStrategy<Step>> {
    let owned = |r: &Request| r.life == Life::Owned;
    let live = |r: &Request| !r.is_dead();
    let settings = state.model.settings();
    let fresh = RequestId(state.next_request);
    let live_count = requests_where(state, live).len();
    let on = |ids: Vec<RequestId>| (!ids.is_empty()).then(|| proptest::sample::select(ids));
    Some(match kind {
        Kind::Create | Kind::Receive if live_count >= REQUESTS_LIVE_MAX => return None,
        Kind::Create => Just(Op::Create { request: fresh }.into()).boxed(),
        Kind::Receive => (0..QUEUES)
            .prop_map(move |q| {
                Op::Receive {
                    request: fresh,
                    queue: QueueId(q),
                }
                .into()
            })
            .boxed(),
        Kind::Format => (
            on(requests_where(state, |r| owned(r) && r.formatted.is_none()))?,
            format_kind(),
        )
            .prop_map(|(request, kind)| Op::Format { request, kind }.into())
            .boxed(),
        Kind::SetCompletionCallback => (on(requests_where(state, owned))?, registration())
            .prop_map(|(request, (callback, context))| {
                Op::SetCompletionCallback {
                    request,
                    callback,
                    context,
                }
                .into()
            })
            .boxed(),
        Kind::Send | Kind::SendSync | Kind::SendForget => return send_arm(state, kind),
        Kind::TargetComplete | Kind::Complete => return completion_arm(state, kind),
        Kind::Cancel => on(requests_where(state, live))?
            .prop_map(|request| Op::Cancel { request }.into())
            .boxed(),
        Kind::Reuse => (
            on(requests_where(state, owned))?,
            status(),
            legal_flags(settings),
        )
            .prop_map(|(request, status, flags)| {
                Op::Reuse {
                    request,
                    status,
                    flags,
                }
                .into()
            })
            .boxed(),
        Kind::ReadStatus => on(requests_where(state, live))?
            .prop_map(|request| Op::ReadStatus { request }.into())
            .boxed(),
        Kind::Delete => on(requests_where(state, |r| owned(r) && !r.is_received()))?
            .prop_map(|request| Op::Delete { request }.into())
            .boxed(),
        Kind::Misuse => misuse(on(requests_where(state, live))?),
        Kind::Wild => wild(on(requests_where(state, |_| true))?),
    })
}

/// The strategy for a send of one mode, on a request fit for it.
fn send_arm(state: &GenState, kind: Kind) -> Option<BoxedStrategy<Step>> {
    let owned = |r: &Request| r.life == Life::Owned;
    let on = |ids: Vec<RequestId>| (!ids.is_empty()).then(|| proptest::sample::select(ids));
    Some(match kind {
        Kind::Send => (
            on(requests_where(state, |r| owned(r) && r.formatted.is_some()))?,
            target(),
        )
            .prop_map(|(request, target)| send(request, target, SendMode::Async))
            .boxed(),
        Kind::SendSync => (
            on(requests_where(state, |r| owned(r) && r.formatted.is_some()))?,
            target(),
            completion(),
        )
            .prop_map(|(request, target, answer)| send(request, target, SendMode::Sync(answer)))
            .boxed(),
        Kind::SendForget => (
            on(requests_where(state, |r| {
                // A registration left in place is the driver error
                // `forget-with-callback`, which the framework lets through.
                owned(r) && r.is_received() && r.formatted.is_none_or(|k| k == FormatKind::Current)
            }))?,
            target(),
        )
            .prop_map(|(request, target)| send(request, target, SendMode::Forget))
            .boxed(),
        _ => return None,
    })
}

/// The strategy for a target's completion of an outstanding send, or the
/// driver's Complete of a request that owes one.
fn completion_arm(state: &GenState, kind: Kind) -> Option<BoxedStrategy<Step>> {
    let owned = |r: &Request| r.life == Life::Owned;
    let on = |ids: Vec<RequestId>| (!ids.is_empty()).then(|| proptest::sample::select(ids));
    Some(match kind {
        Kind::TargetComplete => (
            on(requests_where(state, |r| r.is_outstanding()))?,
            status(),
            information(),
        )
            .prop_map(|(request, status, information)| {
                TargetCompletion {
                    request,
                    status,
                    information,
                }
                .into()
            })
            .boxed(),
        Kind::Complete => (
            on(requests_where(state, |r| owned(r) && r.must_be_completed()))?,
            status(),
            information(),
        )
            .prop_map(|(request, status, information)| {
                Op::Complete {
                    request,
                    status,
                    information,
                }
                .into()
            })
            .boxed(),
        _ => return None,
    })
}

fn send(request: RequestId, target: TargetId, mode: SendMode) -> Step {
    Op::Send {
        request,
        target,
        mode,
    }
    .into()
}

/// Reuse flags a driver of `settings` may give: none in UMDF 1; in KMDF a
/// new IRP now and then, and MUST_COMPLETE with it where it exists.
/// (Flags on a queue-presented request come from wild steps.)
fn legal_flags(settings: Settings) -> BoxedStrategy<ReuseFlags> {
    if !settings.reuse_takes_flags() {
        return Just(ReuseFlags::NONE).boxed();
    }
    let must_complete = settings.must_complete_exists();
    prop_oneof![
        6 => Just(ReuseFlags::NONE),
        1 => any::<bool>().prop_map(move |complete| ReuseFlags {
            set_new_irp: true,
            must_complete: complete && must_complete,
        }),
    ]
    .boxed()
}

/// A call that only the owner of a request may make (illegal while it is
/// outstanding), or one that fits only the other origin.
fn misuse(request: impl Strategy<Value = RequestId> + 'static) -> BoxedStrategy<Step> {
    (request, 0u8..8, target(), status(), information())
        .prop_map(
            |(request, which, target, status, information)| match which {
                0 => Op::Reuse {
                    request,
                    status,
                    flags: ReuseFlags::NONE,
                }
                .into(),
                1 => send(request, target, SendMode::Async),
                2 => Op::Format {
                    request,
                    kind: FormatKind::Read,
                }
                .into(),
                3 => Op::Delete { request }.into(),
                4 => Op::Complete {
                    request,
                    status,
                    information,
                }
                .into(),
                5 => send(request, target, SendMode::Forget),
                6 => Op::Reuse {
                    request,
                    status,
                    flags: ReuseFlags {
                        set_new_irp: false,
                        must_complete: true,
                    },
                }
                .into(),
                _ => Op::SetCompletionCallback {
                    request,
                    callback: CallbackId(0),
                    context: None,
                }
                .into(),
            },
        )
        .boxed()
}

/// Any call, on any request the sequence knows, dead or alive.
fn wild(request: impl Strategy<Value = RequestId> + 'static) -> BoxedStrategy<Step> {
    let mode = prop_oneof![
        2 => Just(SendMode::Async),
        1 => completion().prop_map(SendMode::Sync),
        1 => Just(SendMode::Forget),
    ];
    let flags = prop_oneof![
        2 => Just(ReuseFlags::NONE),
        1 => any::<(bool, bool)>().prop_map(|(set_new_irp, must_complete)| ReuseFlags {
            set_new_irp,
            must_complete,
        }),
    ];
    (
        (request, 0u8..9, format_kind(), registration()),
        (target(), mode, status(), flags, information()),
    )
        .prop_map(
            |(
                (request, which, kind, (callback, context)),
                (target, mode, status, flags, information),
            )| match which {
                0 => Op::Format { request, kind }.into(),
                1 => Op::SetCompletionCallback {
                    request,
                    callback,
                    context,
                }
                .into(),
                2 => send(request, target, mode),
                3 => Op::Reuse {
                    request,
                    status,
                    flags,
                }
                .into(),
                4 => Op::Complete {
                    request,
                    status,
                    information,
                }
                .into(),
                5 => Op::Delete { request }.into(),
                6 => Op::Cancel { request }.into(),
                7 => Op::ReadStatus { request }.into(),
                _ => TargetCompletion {
                    request,
                    status,
                    information,
                }
                .into(),
            },
        )
        .boxed()
}

fn format_kind() -> impl Strategy<Value = FormatKind> {
    proptest::sample::select(FormatKind::ALL.to_vec())
}

fn registration() -> impl Strategy<Value = (CallbackId, Option<ContextId>)> {
    (0..CALLBACKS, proptest::option::weighted(0.8, 0..CONTEXTS))
        .prop_map(|(callback, context)| (CallbackId(callback), context.map(ContextId)))
}

fn target() -> impl Strategy<Value = TargetId> {
    (0..TARGETS).prop_map(TargetId)
}

fn status() -> impl Strategy<Value = Status> {
    prop_oneof![
        4 => Just(Status::SUCCESS),
        1 => Just(Status::UNSUCCESSFUL),
        1 => Just(Status::CANCELLED),
        1 => Just(Status::DEVICE_NOT_READY),
        1 => any::<i32>().prop_map(Status),
    ]
}

fn completion() -> impl Strategy<Value = Completion> {
    (status(), information()).prop_map(|(status, information)| Completion {
        status,
        information,
    })
}

fn information() -> impl Strategy<Value = u64> {
    prop_oneof![2 => Just(0u64), 3 => 1u64..4096, 1 => any::<u64>()]
}
