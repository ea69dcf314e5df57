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
    Call, CallKind, CallbackId, Completion, ContextId, FormatKind, QueueId, RequestId, ReuseFlags,
    SendMode, SentIoAction, Settings, Status, Step, StepKind, TargetChange, TargetId, TargetOp,
};

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

    /// The kind's place in [`Kind::ALL`].
    fn index(self) -> usize {
        // INVARIANT: ALL lists every kind, so the search always finds it.
        Kind::ALL.iter().position(|k| *k == self).unwrap_or(0)
    }
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
    fn weight(&self, kind: Kind) -> u32 {
        self.weights[kind.index()]
    }

    fn strategy() -> impl Strategy<Value = Swarm> {
        // Each kind is off with probability 1/5, else its base weight scaled
        // by 1..=3; the three kinds every lifecycle needs stay on.
        let shape = (
            prop_oneof![3 => Just(TARGETS), 1 => 1u8..TARGETS],
            prop_oneof![3 => Just(0usize), 1 => Just(1), 1 => Just(2)],
            proptest::bool::weighted(0.15),
        );
        let weights = proptest::collection::vec((0u32..5, 1u32..=3), Kind::ALL.len());
        (weights, shape).prop_map(|(draws, (targets, live, focus))| {
            let mut weights = Kind::ALL.map(base_weight);
            for ((kind, weight), (off, scale)) in Kind::ALL.iter().zip(&mut weights).zip(draws) {
                let essential = matches!(
                    kind,
                    Kind::Step(
                        StepKind::Create | StepKind::Receive | StepKind::Call(CallKind::Send)
                    )
                );
                *weight = if off == 0 && !essential {
                    0
                } else {
                    *weight * scale
                };
                // A focused case runs the reuse cycle (reuse, format,
                // register, send, complete) on one request, over and over.
                let cycle = matches!(
                    kind,
                    Kind::Step(
                        StepKind::TargetComplete
                            | StepKind::Call(
                                CallKind::Reuse
                                    | CallKind::Format
                                    | CallKind::SetCompletionCallback
                            )
                    )
                );
                if focus && cycle {
                    *weight = base_weight(*kind) * 3;
                }
            }
            Swarm {
                weights,
                targets,
                live_max: REQUESTS_LIVE_MAX[live],
                focus,
            }
        })
    }
}

fn base_weight(kind: Kind) -> u32 {
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

fn create(state: &GenState) -> Step {
    Step::Create {
        request: RequestId(state.next_request),
        irp: true,
    }
}

fn call(request: RequestId, call: Call) -> Step {
    Step::Call { request, call }
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
    let live = |r: &Request| !r.is_dead();
    let fresh = RequestId(state.next_request);
    let live_count = requests_where(state, live).len();
    let on = |ids: Vec<RequestId>| on(state, ids);
    let target = || target(state);
    Some(match kind {
        Kind::Step(StepKind::Create | StepKind::Receive) if live_count >= state.swarm.live_max => {
            return None;
        }
        // Now and then without an I/O target, so without an IRP (in KMDF).
        Kind::Step(StepKind::Create) => proptest::bool::weighted(0.85)
            .prop_map(move |irp| Step::Create {
                request: fresh,
                irp,
            })
            .boxed(),
        Kind::Step(StepKind::Receive) => (0..QUEUES)
            .prop_map(move |q| Step::Receive {
                request: fresh,
                queue: QueueId(q),
            })
            .boxed(),
        Kind::Step(StepKind::Call(kind)) => return call_arm(state, kind),
        Kind::SendSync | Kind::SendForget => return send_arm(state, kind),
        Kind::Step(StepKind::TargetComplete) => {
            // A target mostly honours a cancel: what it finishes a send
            // cancelled by the driver or by its timeout with.
            let cancelled = requests_where(state, |r| r.timed_out || r.canceled);
            // A send queued at a stopped target has not reached it.
            let sent = |r: &Request| r.is_outstanding() && r.queued.is_none();
            (
                on(requests_where(state, sent))?,
                status(),
                information(),
                0u8..4,
            )
                .prop_map(move |(request, status, information, honour)| {
                    let status = if honour > 0 && cancelled.contains(&request) {
                        Status::CANCELLED
                    } else {
                        status
                    };
                    Step::TargetComplete {
                        request,
                        completion: Completion::new(status, information),
                    }
                })
                .boxed()
        }
        Kind::Step(StepKind::TimedOut) => on(requests_where(state, |r| r.timer_armed))?
            .prop_map(|request| Step::TimedOut { request })
            .boxed(),
        Kind::Step(StepKind::Target(op)) => {
            let change = match op {
                TargetOp::Start => Just(TargetChange::Start).boxed(),
                TargetOp::Stop => proptest::sample::select(SentIoAction::ALL.to_vec())
                    .prop_map(TargetChange::Stop)
                    .boxed(),
                TargetOp::Purge if !state.model.settings().purge_exists() => return None,
                TargetOp::Purge => Just(TargetChange::Purge).boxed(),
                TargetOp::Close => Just(TargetChange::Close).boxed(),
            };
            (target(), change)
                .prop_map(|(target, change)| Step::Target { target, change })
                .boxed()
        }
        Kind::Misuse => misuse(on(requests_where(state, live))?, target()),
        Kind::Wild => wild(on(requests_where(state, |_| true))?, target()),
    })
}

/// The strategy for a legal call of one kind, on a request fit for it.
fn call_arm(state: &GenState, kind: CallKind) -> Option<BoxedStrategy<Step>> {
    let owned = |r: &Request| r.life == Life::Owned;
    let live = |r: &Request| !r.is_dead();
    let on = |ids: Vec<RequestId>| on(state, ids);
    let target = || target(state);
    Some(match kind {
        CallKind::Format => (
            on(requests_where(state, |r| owned(r) && r.formatted.is_none()))?,
            format_kind(),
            target(),
        )
            .prop_map(|(request, kind, target)| call(request, format_for(kind, target)))
            .boxed(),
        CallKind::SetCompletionCallback => (on(requests_where(state, owned))?, registration())
            .prop_map(|(request, (callback, context))| {
                call(request, Call::SetCompletionCallback { callback, context })
            })
            .boxed(),
        CallKind::Send => (
            on(requests_where(state, |r| owned(r) && r.formatted.is_some()))?,
            target(),
            proptest::bool::weighted(0.35),
            proptest::bool::weighted(0.1),
        )
            .prop_map(|(request, target, timeout, ignore_state)| {
                let send = Call::Send {
                    target,
                    mode: SendMode::Async,
                    timeout,
                    ignore_state,
                };
                call(request, send)
            })
            .boxed(),
        CallKind::Cancel => on(requests_where(state, live))?
            .prop_map(|request| call(request, Call::Cancel))
            .boxed(),
        CallKind::Reuse => (
            on(requests_where(state, owned))?,
            status(),
            legal_flags(state.model.settings()),
        )
            .prop_map(|(request, status, flags)| call(request, Call::Reuse { status, flags }))
            .boxed(),
        CallKind::ReadStatus => on(requests_where(state, live))?
            .prop_map(|request| call(request, Call::ReadStatus))
            .boxed(),
        CallKind::Complete => (
            on(requests_where(state, |r| owned(r) && r.must_be_completed()))?,
            status(),
            information(),
        )
            .prop_map(|(request, status, information)| {
                call(
                    request,
                    Call::Complete {
                        status,
                        information,
                    },
                )
            })
            .boxed(),
        CallKind::Delete => on(requests_where(state, |r| owned(r) && !r.is_received()))?
            .prop_map(|request| call(request, Call::Delete))
            .boxed(),
    })
}

/// The strategy for a send that is not asynchronous, on a request fit for
/// it.
fn send_arm(state: &GenState, kind: Kind) -> Option<BoxedStrategy<Step>> {
    let owned = |r: &Request| r.life == Life::Owned;
    let on = |ids: Vec<RequestId>| on(state, ids);
    let target = || target(state);
    Some(match kind {
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

/// Formatting of `kind`, for `target` unless with the current type (which
/// names no target).
fn format_for(kind: FormatKind, target: TargetId) -> Call {
    let target = (kind != FormatKind::Current).then_some(target);
    Call::Format { kind, target }
}

fn send(request: RequestId, target: TargetId, mode: SendMode) -> Step {
    let send = Call::Send {
        target,
        mode,
        timeout: false,
        ignore_state: false,
    };
    call(request, send)
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

/// The calls the misuse arm draws from: those only the owner of a request
/// may make (illegal while it is outstanding), and those that fit only the
/// other origin.
fn misuses(target: TargetId, status: Status, information: u64) -> [Call; 9] {
    let must_complete = ReuseFlags {
        set_new_irp: false,
        must_complete: true,
    };
    [
        Call::Reuse {
            status,
            flags: ReuseFlags::NONE,
        },
        Call::Send {
            target,
            mode: SendMode::Async,
            timeout: false,
            ignore_state: false,
        },
        format_for(FormatKind::Read, target),
        Call::Delete,
        Call::Complete {
            status,
            information,
        },
        Call::Send {
            target,
            mode: SendMode::Forget,
            timeout: false,
            ignore_state: false,
        },
        Call::Reuse {
            status,
            flags: must_complete,
        },
        Call::SetCompletionCallback {
            callback: CallbackId(0),
            context: None,
        },
        Call::Send {
            target,
            mode: SendMode::Forget,
            timeout: true,
            ignore_state: false,
        },
    ]
}

/// A misuse (see [`misuses`]) of a live request.
fn misuse(
    request: impl Strategy<Value = RequestId> + 'static,
    target: impl Strategy<Value = TargetId> + 'static,
) -> BoxedStrategy<Step> {
    let count = misuses(TargetId(0), Status::SUCCESS, 0).len();
    (request, 0..count, target, status(), information())
        .prop_map(move |(request, which, target, status, information)| {
            call(request, misuses(target, status, information)[which])
        })
        .boxed()
}

/// Any step on any request the sequence knows, dead or alive: every kind
/// of call, or a target's completion, with any arguments.
fn wild(
    request: impl Strategy<Value = RequestId> + 'static,
    target: impl Strategy<Value = TargetId> + 'static,
) -> BoxedStrategy<Step> {
    let kinds: Vec<StepKind> = StepKind::ALL
        .into_iter()
        .filter(|k| {
            !matches!(
                k,
                StepKind::Create | StepKind::Receive | StepKind::Target(_)
            )
        })
        .collect();
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
        (
            request,
            proptest::sample::select(kinds),
            format_kind(),
            registration(),
        ),
        (target, mode, status(), flags, information()),
    )
        .prop_map(
            |(
                (request, kind, format, (callback, context)),
                (target, mode, status, flags, information),
            )| {
                let completion = Completion::new(status, information);
                match kind {
                    // Filtered out above; kept exhaustive so that a new kind
                    // of step is drawn here too.
                    StepKind::Create | StepKind::Receive | StepKind::TargetComplete => {
                        Step::TargetComplete {
                            request,
                            completion,
                        }
                    }
                    StepKind::TimedOut => Step::TimedOut { request },
                    // A target change is no call on a request: the wild
                    // arm cancels the request instead.
                    StepKind::Target(_) => call(request, Call::Cancel),
                    StepKind::Call(kind) => call(
                        request,
                        match kind {
                            CallKind::Format => format_for(format, target),
                            CallKind::SetCompletionCallback => {
                                Call::SetCompletionCallback { callback, context }
                            }
                            CallKind::Send => Call::Send {
                                target,
                                mode,
                                // Often enough to arm a timer now and then.
                                timeout: format == FormatKind::Ioctl,
                                ignore_state: format == FormatKind::Write,
                            },
                            CallKind::Reuse => Call::Reuse { status, flags },
                            CallKind::Complete => Call::Complete {
                                status,
                                information,
                            },
                            CallKind::Delete => Call::Delete,
                            CallKind::Cancel => Call::Cancel,
                            CallKind::ReadStatus => Call::ReadStatus,
                        },
                    ),
                }
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

/// A target of the case (see [`Swarm::targets`]).
fn target(state: &GenState) -> BoxedStrategy<TargetId> {
    (0..state.swarm.targets).prop_map(TargetId).boxed()
}

/// One of `ids`, or `None` when there is none; the first (the oldest fit)
/// seven times in eight where the case focuses ([`Swarm::focus`]).
fn on(state: &GenState, ids: Vec<RequestId>) -> Option<BoxedStrategy<RequestId>> {
    let first = *ids.first()?;
    Some(if state.swarm.focus {
        prop_oneof![7 => Just(first), 1 => proptest::sample::select(ids)].boxed()
    } else {
        proptest::sample::select(ids).boxed()
    })
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
