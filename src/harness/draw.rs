//! The hunt's generator: operation sequences drawn straight from a seeded
//! random number generator, a step at a time, from the model's own state.
//!
//! It draws what [`strategy`](super::strategy) describes (the same
//! [`Swarm`], the same arms and weights, the same legal-mostly steps), but
//! builds no proptest value tree: a case costs one pass over its steps, and
//! only a failing case is shrunk, by [`minimize`](super::minimize). Which
//! requests fit each arm is kept a step at a time (`draw::fits`), not found by
//! a walk over the model's requests per draw. The
//! proptest state machine ([`strategy::Generator`](super::strategy::Generator))
//! draws its steps here too, so both generate from one description.
//!
//! Determinism: a [`Seed`] fixes the random stream
//! ([`Xoshiro256PlusPlus`], an algorithm that does not change between
//! `rand` releases), and every draw depends only on that stream and on the
//! model's state, so one seed gives one sequence whoever steps the model.

mod fits;

use rand::rngs::Xoshiro256PlusPlus;
use rand::{RngExt, SeedableRng};

use super::seed::Seed;
use super::strategy::{
    CALLBACKS, CONTEXTS, Kind, QUEUES, REQUESTS_LIVE_MAX, Swarm, TARGETS, base_weight,
};
use crate::model::Model;
use crate::vocab::{
    Call, CallKind, CallbackId, Completion, ContextId, FormatKind, QueueId, RequestId, ReuseFlags,
    SendMode, SentIoAction, Settings, Status, Step, StepKind, TargetChange, TargetId, TargetOp,
};
use fits::{Fit, Fits};

/// How much longer than `steps_max` a long case may be.
pub const LONG_CASE_FACTOR: usize = 8;

/// A seeded stream of random choices.
#[derive(Clone, Debug)]
pub struct Draw {
    rng: Xoshiro256PlusPlus,
}

impl Draw {
    /// The stream of `seed`.
    pub fn new(seed: Seed) -> Draw {
        Draw {
            rng: Xoshiro256PlusPlus::seed_from_u64(seed.0),
        }
    }

    /// A number in `0..n` (`n` > 0).
    fn below(&mut self, n: u32) -> u32 {
        self.rng.random_range(0..n)
    }

    /// True with probability `p`.
    fn chance(&mut self, p: f64) -> bool {
        self.rng.random_bool(p)
    }

    /// An index into `weights`, each drawn in proportion to its weight
    /// (some weight is positive).
    fn weighted(&mut self, weights: &[u32]) -> usize {
        let total: u32 = weights.iter().sum();
        let mut at = self.below(total);
        for (index, weight) in weights.iter().enumerate() {
            if at < *weight {
                return index;
            }
            at -= weight;
        }
        weights.len() - 1
    }

    /// Any value of a type the generator draws whole.
    fn any<T>(&mut self) -> T
    where
        rand::distr::StandardUniform: rand::distr::Distribution<T>,
    {
        self.rng.random()
    }
}

/// A case's swarm: each kind is off with probability 1/5, else its base
/// weight scaled by 1 to 3; the three kinds every lifecycle needs stay on;
/// the case's targets, live-request limit and focus.
pub fn swarm(draw: &mut Draw) -> Swarm {
    let targets = if draw.weighted(&[3, 1]) == 0 {
        TARGETS
    } else {
        1 + draw.below(u32::from(TARGETS) - 1) as u8
    };
    let live = draw.weighted(&[3, 1, 1]);
    let focus = draw.chance(0.15);
    let mut weights = Kind::ALL.map(base_weight);
    for (kind, weight) in Kind::ALL.iter().zip(&mut weights) {
        let (off, scale) = (draw.below(5), 1 + draw.below(3));
        let essential = matches!(
            kind,
            Kind::Step(StepKind::Create | StepKind::Receive | StepKind::Call(CallKind::Send))
        );
        *weight = if off == 0 && !essential {
            0
        } else {
            *weight * scale
        };
        // A focused case runs the reuse cycle (reuse, format, register,
        // send, complete) on one request, over and over.
        let cycle = matches!(
            kind,
            Kind::Step(
                StepKind::TargetComplete
                    | StepKind::Call(
                        CallKind::Reuse | CallKind::Format | CallKind::SetCompletionCallback
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
}

/// A case's length: four cases in five up to `steps_max` steps, the fifth
/// longer, up to [`LONG_CASE_FACTOR`] times that (deep cases: long Reuse
/// chains, many requests alive, many sends at one target).
pub fn length(draw: &mut Draw, steps_max: usize) -> usize {
    let short = steps_max.max(1);
    let long = short.saturating_mul(LONG_CASE_FACTOR);
    if draw.weighted(&[4, 1]) == 0 || long == short {
        1 + draw.rng.random_range(0..short)
    } else {
        short + 1 + draw.rng.random_range(0..long - short)
    }
}

/// A generator for one case: its swarm, the name of the next request, and
/// which requests fit which arm (`draw::fits`).
#[derive(Clone, Debug)]
pub struct Steps {
    swarm: Swarm,
    next_request: u32,
    fits: Fits,
}

impl Steps {
    /// A generator drawing with `swarm`.
    pub fn new(swarm: Swarm) -> Steps {
        Steps::resume(swarm, 0)
    }

    /// A generator drawing with `swarm` for a sequence that has
    /// introduced the requests numbered below `next_request`.
    pub fn resume(swarm: Swarm, next_request: u32) -> Steps {
        Steps {
            swarm,
            next_request,
            fits: Fits::default(),
        }
    }

    /// The case's swarm.
    pub fn swarm(&self) -> &Swarm {
        &self.swarm
    }

    /// The next step for a sequence whose model is now `model`: a kind
    /// drawn by the swarm's weights among those that apply (a request fits
    /// them), then its arguments. The step is well-formed: it names a
    /// request the sequence introduced, or introduces a fresh one.
    ///
    /// `model` is the model the previous step was drawn from, stepped with
    /// that step (or left as it was), as a case steps it; a generator
    /// keeps track of it a step at a time (`draw::fits`). A model it did not
    /// follow (the first call, or another model) is read whole.
    pub fn next(&mut self, draw: &mut Draw, model: &Model) -> Step {
        self.fits.sync(model);
        let mut weights = self.swarm.weights;
        let step = loop {
            if weights.iter().all(|w| *w == 0) {
                // Every applicable kind is off: a new request always applies.
                break self.create(true);
            }
            let pick = draw.weighted(&weights);
            match self.arm(draw, model, Kind::ALL[pick]) {
                Some(step) => break step,
                // No request fits: as if the kind were off in this state.
                None => weights[pick] = 0,
            }
        };
        if let Step::Create { request, .. } | Step::Receive { request, .. } = step {
            self.next_request = self.next_request.max(request.0 + 1);
        }
        self.fits.drawn(&step);
        step
    }

    fn create(&self, irp: bool) -> Step {
        Step::Create {
            request: RequestId(self.next_request),
            irp,
        }
    }

    /// One of the requests of class `fit`: the oldest seven times in eight
    /// where the case focuses ([`Swarm::focus`]), else any; `None` when no
    /// request is of it.
    fn pick(&self, draw: &mut Draw, fit: Fit) -> Option<RequestId> {
        let count = self.fits.count(fit);
        if count == 0 {
            return None;
        }
        if self.swarm.focus && draw.weighted(&[7, 1]) == 0 {
            return Some(self.fits.nth(fit, 0));
        }
        Some(self.fits.nth(fit, draw.below(count)))
    }

    /// One of the requests of class `fit`, for a call that ends a
    /// request's life (Complete, Delete): where the case focuses, another
    /// than the oldest whenever another fits, so that the focused
    /// request's chain of Reuses goes on.
    fn ending(&self, draw: &mut Draw, fit: Fit) -> Option<RequestId> {
        let n = match self.fits.count(fit) {
            0 => return None,
            1 => 0,
            count if self.swarm.focus => 1 + draw.below(count - 1),
            count => draw.below(count),
        };
        Some(self.fits.nth(fit, n))
    }

    fn target(&self, draw: &mut Draw) -> TargetId {
        TargetId(draw.below(u32::from(self.swarm.targets)))
    }

    /// A step of `kind` in `model`, or `None` when no request fits it.
    fn arm(&mut self, draw: &mut Draw, model: &Model, kind: Kind) -> Option<Step> {
        Some(match kind {
            Kind::Step(StepKind::Create | StepKind::Receive)
                if self.fits.count(Fit::Live) as usize >= self.swarm.live_max =>
            {
                return None;
            }
            // Now and then without an I/O target, so without an IRP (in
            // KMDF).
            Kind::Step(StepKind::Create) => self.create(draw.chance(0.85)),
            Kind::Step(StepKind::Receive) => Step::Receive {
                request: RequestId(self.next_request),
                queue: QueueId(draw.below(u32::from(QUEUES))),
            },
            Kind::Step(StepKind::Call(kind)) => return self.call_arm(draw, model, kind),
            Kind::SendSync => {
                let request = self.pick(draw, Fit::Formatted)?;
                let answer = completion(draw);
                send(request, self.target(draw), SendMode::Sync(answer))
            }
            Kind::SendForget => {
                // A registration left in place is the driver error
                // `forget-with-callback`, which the framework lets through.
                let request = self.pick(draw, Fit::Forgettable)?;
                send(request, self.target(draw), SendMode::Forget)
            }
            Kind::Step(StepKind::TargetComplete) => {
                // A send queued at a stopped target has not reached it.
                let request = self.pick(draw, Fit::AtTarget)?;
                // A target mostly honours a cancel: what it finishes a send
                // cancelled by the driver or by its timeout with.
                let cancelled = model
                    .request(request)
                    .is_some_and(|r| r.timed_out || r.canceled);
                let (status, information) = (status(draw), information(draw));
                let honour = draw.below(4) > 0;
                let status = if honour && cancelled {
                    Status::CANCELLED
                } else {
                    status
                };
                Step::TargetComplete {
                    request,
                    completion: Completion::new(status, information),
                }
            }
            Kind::Step(StepKind::TimedOut) => {
                let request = self.pick(draw, Fit::TimerArmed)?;
                Step::TimedOut { request }
            }
            Kind::Step(StepKind::Target(op)) => {
                let change = match op {
                    TargetOp::Start => TargetChange::Start,
                    TargetOp::Stop => TargetChange::Stop(
                        SentIoAction::ALL[draw.below(SentIoAction::ALL.len() as u32) as usize],
                    ),
                    TargetOp::Purge if !model.settings().purge_exists() => return None,
                    TargetOp::Purge => TargetChange::Purge,
                    TargetOp::Close => TargetChange::Close,
                };
                Step::Target {
                    target: self.target(draw),
                    change,
                }
            }
            Kind::Misuse => {
                let request = self.pick(draw, Fit::Live)?;
                let which = draw.below(MISUSES as u32) as usize;
                let target = self.target(draw);
                let (status, information) = (status(draw), information(draw));
                call(request, misuses(target, status, information)[which])
            }
            Kind::Wild => {
                let request = self.pick(draw, Fit::Any)?;
                let target = self.target(draw);
                wild(draw, request, target)
            }
        })
    }

    /// A legal call of `kind`, on a request fit for it.
    fn call_arm(&mut self, draw: &mut Draw, model: &Model, kind: CallKind) -> Option<Step> {
        let settings = model.settings();
        Some(match kind {
            CallKind::Format => {
                let request = self.pick(draw, Fit::Unformatted)?;
                let kind = format_kind(draw);
                call(request, format_for(kind, self.target(draw)))
            }
            CallKind::SetCompletionCallback => {
                let request = self.pick(draw, Fit::Owned)?;
                let (callback, context) = registration(draw);
                call(request, Call::SetCompletionCallback { callback, context })
            }
            CallKind::Send => {
                let request = self.pick(draw, Fit::Formatted)?;
                let target = self.target(draw);
                let (timeout, ignore_state) = (draw.chance(0.35), draw.chance(0.1));
                call(
                    request,
                    Call::Send {
                        target,
                        mode: SendMode::Async,
                        timeout,
                        ignore_state,
                    },
                )
            }
            CallKind::Cancel => call(self.pick(draw, Fit::Live)?, Call::Cancel),
            CallKind::Reuse => {
                let request = self.pick(draw, Fit::Owned)?;
                let status = status(draw);
                let flags = legal_flags(draw, settings);
                call(request, Call::Reuse { status, flags })
            }
            CallKind::ReadStatus => call(self.pick(draw, Fit::Live)?, Call::ReadStatus),
            CallKind::Complete => {
                let request = self.ending(draw, Fit::MustComplete)?;
                let (status, information) = (status(draw), information(draw));
                call(
                    request,
                    Call::Complete {
                        status,
                        information,
                    },
                )
            }
            CallKind::Delete => call(self.ending(draw, Fit::Deletable)?, Call::Delete),
        })
    }
}

/// The sequence of `length` steps for a framework of `settings` that
/// `draw` gives with `swarm`, the model stepped alongside.
pub fn sequence(draw: &mut Draw, swarm: Swarm, settings: Settings, length: usize) -> Vec<Step> {
    let mut model = Model::with_settings(settings);
    let mut steps = Steps::new(swarm);
    (0..length)
        .map(|_| {
            let step = steps.next(draw, &model);
            // A sequence error cannot happen: every step is well-formed.
            let _ = model.step(&step);
            step
        })
        .collect()
}

fn call(request: RequestId, call: Call) -> Step {
    Step::Call { request, call }
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
fn legal_flags(draw: &mut Draw, settings: Settings) -> ReuseFlags {
    if !settings.reuse_takes_flags() || draw.weighted(&[6, 1]) == 0 {
        return ReuseFlags::NONE;
    }
    ReuseFlags {
        set_new_irp: true,
        must_complete: draw.any::<bool>() && settings.must_complete_exists(),
    }
}

/// How many calls [`misuses`] lists.
const MISUSES: usize = 9;

/// The calls the misuse arm draws from: those only the owner of a request
/// may make (illegal while it is outstanding), and those that fit only the
/// other origin.
fn misuses(target: TargetId, status: Status, information: u64) -> [Call; MISUSES] {
    let must_complete = ReuseFlags {
        set_new_irp: false,
        must_complete: true,
    };
    let send = |mode, timeout| Call::Send {
        target,
        mode,
        timeout,
        ignore_state: false,
    };
    [
        Call::Reuse {
            status,
            flags: ReuseFlags::NONE,
        },
        send(SendMode::Async, false),
        format_for(FormatKind::Read, target),
        Call::Delete,
        Call::Complete {
            status,
            information,
        },
        send(SendMode::Forget, false),
        Call::Reuse {
            status,
            flags: must_complete,
        },
        Call::SetCompletionCallback {
            callback: CallbackId(0),
            context: None,
        },
        send(SendMode::Forget, true),
    ]
}

/// Whether the wild arm draws steps of `kind`: every call, a target's
/// completion and a timeout; no introduction and no target change.
fn wild_kind(kind: &StepKind) -> bool {
    !matches!(
        kind,
        StepKind::Create | StepKind::Receive | StepKind::Target(_)
    )
}

/// Any step on `request`, dead or alive: every kind of call, or a target's
/// completion or timeout, with any arguments.
fn wild(draw: &mut Draw, request: RequestId, target: TargetId) -> Step {
    let count = StepKind::ALL.iter().filter(|k| wild_kind(k)).count();
    let kind = StepKind::ALL
        .iter()
        .filter(|k| wild_kind(k))
        .nth(draw.below(count as u32) as usize)
        .copied()
        .unwrap_or(StepKind::TargetComplete);
    let format = format_kind(draw);
    let (callback, context) = registration(draw);
    let mode = match draw.weighted(&[2, 1, 1]) {
        0 => SendMode::Async,
        1 => SendMode::Sync(completion(draw)),
        _ => SendMode::Forget,
    };
    let status = status(draw);
    let flags = if draw.weighted(&[2, 1]) == 0 {
        ReuseFlags::NONE
    } else {
        ReuseFlags {
            set_new_irp: draw.any(),
            must_complete: draw.any(),
        }
    };
    let information = information(draw);
    let completion = Completion::new(status, information);
    match kind {
        // Filtered out above; kept exhaustive so that a new kind of step
        // is drawn here too.
        StepKind::Create | StepKind::Receive | StepKind::TargetComplete => Step::TargetComplete {
            request,
            completion,
        },
        StepKind::TimedOut => Step::TimedOut { request },
        // A target change is no call on a request: the wild arm cancels
        // the request instead.
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
}

fn format_kind(draw: &mut Draw) -> FormatKind {
    FormatKind::ALL[draw.below(FormatKind::ALL.len() as u32) as usize]
}

fn registration(draw: &mut Draw) -> (CallbackId, Option<ContextId>) {
    let callback = CallbackId(draw.below(u32::from(CALLBACKS)));
    let context = draw
        .chance(0.8)
        .then(|| ContextId(draw.below(u32::from(CONTEXTS))));
    (callback, context)
}

fn status(draw: &mut Draw) -> Status {
    match draw.weighted(&[4, 1, 1, 1, 1]) {
        0 => Status::SUCCESS,
        1 => Status::UNSUCCESSFUL,
        2 => Status::CANCELLED,
        3 => Status::DEVICE_NOT_READY,
        _ => Status(draw.any()),
    }
}

fn completion(draw: &mut Draw) -> Completion {
    let status = status(draw);
    Completion::new(status, information(draw))
}

fn information(draw: &mut Draw) -> u64 {
    match draw.weighted(&[2, 3, 1]) {
        0 => 0,
        1 => u64::from(1 + draw.below(4095)),
        _ => draw.any(),
    }
}
