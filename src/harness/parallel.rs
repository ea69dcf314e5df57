//! Parallel cases: a sequential prefix, then several threads at once, on
//! one shared instance of a [`ConcurrentImplementation`], recorded as a
//! [`History`] and judged by the linearizability checker.
//!
//! # The shape of a case
//!
//! A case is drawn as a sequential case is ([`generated_steps`]), without
//! the steps the framework leaves undefined where they stand
//! ([`defined_steps`]), and kept in that order ([`ParallelCase`]). The
//! steps that introduce requests run first, in order, on one thread; then
//! `drivers` driver threads run the driver's calls, a request's calls all
//! on one thread (request `r` on thread `r mod drivers`), while one more
//! thread, standing for the I/O targets, finishes sends and changes
//! targets, and another, standing for the framework's timers, times sends
//! out.
//!
//! A step waits for the step before it on the same request, when that one
//! is on another thread, to have been *invoked*, not to have returned; and
//! a driver's call (but a cancel) after the target's completions or
//! timeouts of its request waits, further, for the request's routine to
//! start since the first of them (or for all of them to return, when no
//! routine runs): the driver learns of the completion from its routine,
//! and a call before that is its own error
//! (`*-while-pending`, which the framework need not survive: the
//! framework's code reads the routine outside any lock, relying on it). So
//! each request's steps start in the order drawn, and the races are those
//! of a real driver: the tail of the target's completion against the
//! driver's reaction to its routine, a cancel or a timeout against a
//! completion, a purge against both. (The waits point back in the drawn
//! order only, so they cannot deadlock.)
//!
//! A continuous reader ([`with_readers`]) is a request whose routine, on
//! the thread it runs on, reuses it and sends it again: those calls are
//! recorded like any other.
//!
//! Each case runs [`ConcurrentConfig::rounds`] times on fresh instances to
//! meet other interleavings, the threads released together by a barrier.
//! Every call is recorded with the logical time it was invoked and
//! returned, and every completion routine with the thread it ran on and
//! the time it started: the history the checker judges.
//!
//! The schedule is the operating system's: a round that fails may not
//! fail when run again, so a failure is shrunk by keeping what still fails
//! in any of several rounds, and replayed the same way.
//!
//! # Under a controlled scheduler
//!
//! Every lock, atomic, barrier, thread and yield of a round comes from
//! `crate::sync`. With the `shuttle` feature they are Shuttle's, and
//! [`run_parallel`] called inside a Shuttle test runs the round's threads
//! one at a time in the order Shuttle's scheduler draws: the same schedule
//! (a seed, or the encoded schedule Shuttle prints) gives the same
//! history. No wall clock is read inside a round: a step that waits for
//! another spins on `yield_now`, which is a scheduling point, and a round
//! that can never finish is a deadlock Shuttle reports
//! (`tests/schedules.rs`). A seeded hunt (the command line built with the
//! feature) runs each round as one Shuttle execution, its schedule drawn
//! from [`ConcurrentConfig::schedule`] ([`round_schedule`]); the hunt's
//! watchdog, a real thread, still watches the furthest step started.

use std::cell::Cell;
use std::collections::{BTreeMap, HashMap};
use std::sync::OnceLock;

use super::concurrent::{CompletionRoutine, ConcurrentConformance, ConcurrentImplementation};
use super::conformance::Refusal;
use super::coverage::Coverage;
use super::divergence::{Activity, Divergence, DivergenceKind};
use super::guard::guard;
use super::run::{CaseConfig, CaseOutcome, Failure, UNKNOWN_REQUEST, generated_steps};
use super::seed::Seed;
use super::watch::Watch;
use crate::linearize::{self, Budget, Verdict};
use crate::model::Model;
// Every primitive the threads of a case share comes from the facade, so
// that under the `shuttle` feature a schedule drawn from a seed orders
// them. (`OnceLock` above is set before the threads start.)
use crate::sync::{self, Arc, AtomicBool, AtomicU64, Barrier, Mutex, Ordering, lock, thread_local};
use crate::vocab::{
    Answered, Call, CallbackRun, Completion, ContextId, Delivery, FormatKind, History, Operation,
    Registration, Reply, RequestId, ReuseFlags, SendMode, Settings, Status, Step, TargetId,
    ThreadId,
};

/// Settings of a concurrent case.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ConcurrentConfig {
    /// The sequential case it is drawn from.
    pub case: CaseConfig,
    /// Driver threads (besides the one thread that finishes sends).
    pub drivers: usize,
    /// Times each case runs, on a fresh instance each time.
    pub rounds: usize,
    /// The linearizability checker's budget, per round.
    pub budget: Budget,
    /// How many requests of a case act as continuous readers: the first
    /// that many that register a routine register [`READER_CONTEXT`], and
    /// their routine reuses and sends them again from inside itself.
    pub readers: usize,
    /// The seed of the schedules, in a build with the `shuttle` feature:
    /// each round runs under Shuttle's random scheduler, seeded from this,
    /// the case's steps and the round's number, so that the same seeds
    /// give the same histories ([`round_schedule`]). Without the feature
    /// the operating system schedules the threads, and this is not read.
    pub schedule: u64,
}

impl Default for ConcurrentConfig {
    fn default() -> Self {
        ConcurrentConfig {
            case: CaseConfig {
                steps_max: 24,
                ..CaseConfig::default()
            },
            drivers: 2,
            rounds: 8,
            budget: Budget::DEFAULT,
            readers: 1,
            schedule: 1,
        }
    }
}

/// A concurrent case: steps in the order drawn, and how many driver
/// threads share them (see the module docs).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ParallelCase {
    /// Driver threads (at least one).
    pub drivers: usize,
    /// Every step, in the order drawn.
    pub steps: Vec<Step>,
}

/// What a step waits for before it starts: step `before` (on another
/// thread) to have been invoked; and the completions and timeouts in
/// `finished` to have been invoked, and `request`'s routine to have started
/// since the first of them, or every one of them to have returned.
#[derive(Clone, Debug)]
struct Wait {
    before: Option<usize>,
    request: RequestId,
    finished: Vec<usize>,
}

impl ParallelCase {
    /// `steps` for `drivers` driver threads (at least one), the targets'
    /// thread and the timers' thread.
    pub fn new(steps: Vec<Step>, drivers: usize) -> Self {
        ParallelCase {
            drivers: drivers.max(1),
            steps,
        }
    }

    /// The thread that runs `step`: `None` for an introduction (run first,
    /// before the threads start), else a driver thread, the targets'
    /// thread (`drivers`) or the timers' thread (`drivers + 1`).
    pub fn thread_of(&self, step: &Step) -> Option<usize> {
        match *step {
            Step::Create { .. } | Step::Receive { .. } => None,
            Step::Call { request, .. } => Some(request.0 as usize % self.drivers),
            Step::TargetComplete { .. } | Step::Target { .. } => Some(self.drivers),
            Step::TimedOut { .. } => Some(self.drivers + 1),
        }
    }

    /// The number of threads after the introductions.
    pub fn threads(&self) -> usize {
        self.drivers + 2
    }

    /// Each thread's steps, as indices into [`steps`](Self::steps), in
    /// order.
    pub fn split(&self) -> Vec<Vec<usize>> {
        let mut threads = vec![Vec::new(); self.threads()];
        for (index, step) in self.steps.iter().enumerate() {
            if let Some(thread) = self.thread_of(step) {
                threads[thread].push(index);
            }
        }
        threads
    }

    /// For each step, the earlier step on the same request on another
    /// thread that must have been invoked before it starts.
    fn waits(&self) -> Vec<Option<Wait>> {
        let mut last: BTreeMap<RequestId, usize> = BTreeMap::new();
        // The target's completions and timeouts of each request since the
        // driver's last call on it.
        let mut unseen: BTreeMap<RequestId, Vec<usize>> = BTreeMap::new();
        let mut waits = Vec::with_capacity(self.steps.len());
        for (index, step) in self.steps.iter().enumerate() {
            let Some(request) = step.request() else {
                waits.push(None);
                continue;
            };
            let thread = self.thread_of(step);
            let before = last.insert(request, index);
            let finishes = matches!(step, Step::TargetComplete { .. } | Step::TimedOut { .. });
            // The driver learns that a send is finished from its routine:
            // a call of its own (but a cancel, which it may make at any
            // time) after the target's completion or a timeout waits for
            // the routine to start, or, when none runs, for those to
            // return. Before that, the request is still sent as far as the
            // driver knows, and a call on it is the driver's error
            // (`*-while-pending`), which no framework need survive.
            let reacts = matches!(step, Step::Call { call, .. } if *call != Call::Cancel);
            let finished = if reacts {
                unseen.remove(&request).unwrap_or_default()
            } else {
                Vec::new()
            };
            if finishes {
                unseen.entry(request).or_default().push(index);
            }
            // An introduction ran before every thread started.
            let before = before.filter(|&b| {
                let other = self.thread_of(&self.steps[b]);
                other.is_some() && thread.is_some() && other != thread
            });
            waits.push((before.is_some() || !finished.is_empty()).then_some(Wait {
                before,
                request,
                finished,
            }));
        }
        waits
    }

    /// The number of steps.
    pub fn len(&self) -> usize {
        self.steps.len()
    }

    /// Whether it has no step.
    pub fn is_empty(&self) -> bool {
        self.steps.is_empty()
    }
}

thread_local! {
    /// The harness thread running here, for the callbacks it runs.
    static THREAD: Cell<ThreadId> = const { Cell::new(OUTSIDE) };
}

/// The thread a completion routine ran on when it is none of the
/// harness's: one of the implementation's own.
pub const OUTSIDE: ThreadId = ThreadId(u32::MAX);

/// The context a continuous reader registers. Its routine, on the thread
/// it runs on, reuses the request, registers itself again, formats it for
/// [`READER_TARGET`] and sends it there: what a driver that keeps a read
/// outstanding does, from inside the routine.
pub const READER_CONTEXT: ContextId = ContextId(9);

/// The target a continuous reader sends to again.
pub const READER_TARGET: TargetId = TargetId(0);

/// The clock, the completion routines and the calls made from inside them,
/// of one round.
struct Recorder<I: ConcurrentConformance> {
    clock: AtomicU64,
    /// Handles to names, fixed once the prefix has introduced every
    /// request.
    names: OnceLock<HashMap<I::Handle, RequestId>>,
    callbacks: Mutex<Vec<CallbackRun>>,
    /// The instance, for a routine that calls back in; taken out at the end
    /// of the round (the instance holds the recorder too).
    instance: Mutex<Option<Arc<I>>>,
    /// The calls made from inside routines.
    nested: Mutex<Vec<Operation>>,
    /// For each request, the time its latest routine started.
    routine_at: Mutex<BTreeMap<RequestId, u64>>,
}

impl<I: ConcurrentConformance> Recorder<I> {
    fn tick(&self) -> u64 {
        self.clock.fetch_add(1, Ordering::SeqCst) + 1
    }

    /// Whether a routine for `request` started after time `since`.
    fn routine_since(&self, request: RequestId, since: u64) -> bool {
        lock(&self.routine_at)
            .get(&request)
            .is_some_and(|&at| at > since)
    }

    /// A continuous reader's routine for `request` (`handle`): Reuse,
    /// register again, format, send; it stops at the first refusal.
    fn read_again(
        &self,
        instance: &I,
        handle: &I::Handle,
        request: RequestId,
        again: Registration,
    ) {
        let calls = [
            Call::Reuse {
                status: Status::SUCCESS,
                flags: ReuseFlags::NONE,
            },
            Call::SetCompletionCallback {
                callback: again.callback,
                context: again.context,
            },
            Call::Format {
                kind: FormatKind::Read,
                target: Some(READER_TARGET),
            },
            Call::Send {
                target: READER_TARGET,
                mode: SendMode::Async,
                timeout: false,
                ignore_state: false,
            },
        ];
        for call in calls {
            let invoked = self.tick();
            // A panic here is the implementation's, as anywhere: the call
            // is recorded as refused for no rule, which no order explains.
            let called = guard(|| instance.perform(handle, &call).map(Some))
                .unwrap_or(Err(Refusal::Failed("panicked".to_owned())));
            let refused = called.is_err();
            let returned = self.tick();
            lock(&self.nested).push(Operation {
                thread: THREAD.with(Cell::get),
                step: Step::Call { request, call },
                invoked,
                returned: Some((returned, answered(called))),
            });
            if refused {
                break;
            }
        }
    }
}

impl<I: ConcurrentConformance> CompletionRoutine<I::Handle> for Recorder<I> {
    fn run(&self, delivery: Delivery<I::Handle>) {
        let at = self.tick();
        let request = self
            .names
            .get()
            .and_then(|names| names.get(&delivery.request))
            .copied()
            .unwrap_or(UNKNOWN_REQUEST);
        let run = CallbackRun {
            thread: THREAD.with(Cell::get),
            at,
            delivery: delivery.clone().map_request(|_| request),
        };
        lock(&self.callbacks).push(run);
        lock(&self.routine_at).insert(request, at);
        if delivery.registration.context == Some(READER_CONTEXT) && request != UNKNOWN_REQUEST {
            let instance = lock(&self.instance).clone();
            if let Some(instance) = instance {
                self.read_again(&instance, &delivery.request, request, delivery.registration);
            }
        }
    }
}

/// Lets go of the instance a recorder holds, when dropped.
struct Unlink<'a, I>(&'a Mutex<Option<Arc<I>>>);

impl<I> Drop for Unlink<'_, I> {
    fn drop(&mut self) {
        lock(self.0).take();
    }
}

/// The answer to one step, as a history records it.
fn answered(called: Result<Option<Reply>, Refusal>) -> Answered {
    match called {
        Ok(Some(reply)) => Answered::Replied(reply),
        Ok(None) => Answered::Introduced,
        Err(Refusal::Rule(rule)) => Answered::Refused(Some(rule)),
        Err(_) => Answered::Refused(None),
    }
}

/// Performs a step that is not an introduction on `instance`.
fn call<I: ConcurrentConformance>(
    instance: &I,
    handle: &I::Handle,
    step: &Step,
) -> Result<Option<Reply>, Refusal> {
    match *step {
        Step::Call { ref call, .. } => instance.perform(handle, call).map(Some),
        Step::TargetComplete { completion, .. } => instance
            .target_complete(handle, completion)
            .map(|()| Some(Reply::Done)),
        Step::TimedOut { .. } => instance.timed_out(handle).map(|()| Some(Reply::Done)),
        // INVARIANT: `perform` handles target changes and introductions.
        Step::Target { .. } | Step::Create { .. } | Step::Receive { .. } => {
            unreachable!("not a step on a request")
        }
    }
}

/// Runs `case` once on a fresh instance of `implementation` for
/// `settings`, and returns what happened, or the implementation's panic
/// (a divergence at the flattened step that panicked).
pub fn run_parallel<M: ConcurrentImplementation>(
    implementation: &M,
    settings: Settings,
    case: &ParallelCase,
) -> Result<History, Divergence> {
    run_parallel_watched(implementation, settings, case, None)
}

/// [`run_parallel`], its progress marked on `watch` (if given) for a hunt's
/// watchdog: the furthest step any thread has started, in the order drawn,
/// so that a hang is reported with every step started up to it.
fn run_parallel_watched<M: ConcurrentImplementation>(
    implementation: &M,
    settings: Settings,
    case: &ParallelCase,
    watch: Option<&Arc<Watch>>,
) -> Result<History, Divergence> {
    // The watchdog's mark, not part of the case: `std`'s atomic in both
    // builds, so that under Shuttle it adds no scheduling point (a
    // deadlock there is Shuttle's to report; a seeded hunt's watchdog still
    // reads the mark).
    let furthest = std::sync::atomic::AtomicUsize::new(0);
    let mark = |activity: Activity, step: usize| {
        if let Some(watch) = watch {
            let furthest = furthest.fetch_max(step, Ordering::AcqRel).max(step);
            watch.mark(activity, furthest);
        }
    };
    type Handle<M> = <<M as ConcurrentImplementation>::Instance as ConcurrentConformance>::Handle;
    let recorder: Arc<Recorder<M::Instance>> = Arc::new(Recorder {
        clock: AtomicU64::new(0),
        names: OnceLock::new(),
        callbacks: Mutex::new(Vec::new()),
        instance: Mutex::new(None),
        nested: Mutex::new(Vec::new()),
        routine_at: Mutex::new(BTreeMap::new()),
    });
    let routine = Arc::clone(&recorder);
    let instance = guard(|| Arc::new(implementation.build(settings, routine)))
        .map_err(|kind| Divergence { step: 0, kind })?;
    *lock(&recorder.instance) = Some(Arc::clone(&instance));
    // The instance holds the recorder, which holds the instance: on every
    // way out of here, the recorder lets go of it.
    let _unlink = Unlink(&recorder.instance);
    let mut operations = Vec::new();
    let mut handles: BTreeMap<RequestId, Handle<M>> = BTreeMap::new();
    THREAD.with(|t| t.set(ThreadId(0)));
    for (index, step) in case.steps.iter().enumerate() {
        if case.thread_of(step).is_some() {
            continue;
        }
        mark(Activity::Stepping, index);
        let invoked = recorder.tick();
        let introduced = guard(|| match *step {
            Step::Create { irp, .. } => instance.create_request(irp),
            Step::Receive { queue, .. } => instance.receive_request(queue),
            // INVARIANT: only introductions run on no thread.
            _ => unreachable!("only introductions run first"),
        })
        .map_err(|kind| Divergence { step: index, kind })?;
        let returned = recorder.tick();
        let answer = match introduced {
            Ok(handle) => {
                if let Some(request) = step.request() {
                    handles.insert(request, handle);
                }
                Answered::Introduced
            }
            Err(refusal) => answered(Err(refusal)),
        };
        operations.push(Operation {
            thread: ThreadId(0),
            step: *step,
            invoked,
            returned: Some((returned, answer)),
        });
    }
    let names = handles.iter().map(|(id, h)| (h.clone(), *id)).collect();
    // Set once, here: the routines of the parallel part name requests by it.
    let _ = recorder.names.set(names);
    let threads = case.split();
    let waits = case.waits();
    let invoked: Vec<AtomicBool> = case.steps.iter().map(|_| AtomicBool::new(false)).collect();
    let returned: Vec<AtomicBool> = case.steps.iter().map(|_| AtomicBool::new(false)).collect();
    let invoked_at: Vec<AtomicU64> = case.steps.iter().map(|_| AtomicU64::new(0)).collect();
    // Raised by a thread that stops early (a panic): no one waits for it.
    let abandoned = AtomicBool::new(false);
    let start = Barrier::new(threads.len());
    let ran: Vec<Result<Vec<Operation>, Divergence>> = sync::scope(|scope| {
        let spawned: Vec<_> = threads
            .iter()
            .enumerate()
            .map(|(thread, indices)| {
                let shared = (&instance, &handles, &recorder, &start);
                let (instance, handles, recorder, start) = shared;
                let (steps, waits, invoked, abandoned) =
                    (&case.steps, &waits, &invoked, &abandoned);
                let (returned, invoked_at) = (&returned, &invoked_at);
                scope.spawn(move || {
                    let thread = ThreadId(thread as u32);
                    THREAD.with(|t| t.set(thread));
                    start.wait();
                    let mut operations = Vec::with_capacity(indices.len());
                    for &index in indices {
                        let step = &steps[index];
                        if let Some(wait) = &waits[index] {
                            let is =
                                |flags: &[AtomicBool], i: &usize| flags[*i].load(Ordering::Acquire);
                            let ready = || {
                                wait.before.is_none_or(|b| is(invoked, &b))
                                    && wait.finished.iter().all(|f| is(invoked, f))
                                    && (wait.finished.iter().all(|f| is(returned, f))
                                        || wait.finished.first().is_some_and(|&first| {
                                            recorder.routine_since(
                                                wait.request,
                                                invoked_at[first].load(Ordering::Acquire),
                                            )
                                        }))
                            };
                            while !ready() {
                                if abandoned.load(Ordering::Acquire) {
                                    return Ok(operations);
                                }
                                sync::yield_now();
                            }
                        }
                        let handle = step.request().and_then(|r| handles.get(&r));
                        if step.request().is_some() && handle.is_none() {
                            // A request whose introduction was refused: the
                            // step is ill-formed, and not made.
                            invoked[index].store(true, Ordering::Release);
                            returned[index].store(true, Ordering::Release);
                            continue;
                        }
                        mark(Activity::Stepping, index);
                        let at = recorder.tick();
                        invoked_at[index].store(at, Ordering::Release);
                        invoked[index].store(true, Ordering::Release);
                        let called = match (*step, handle) {
                            (Step::Target { target, change }, _) => guard(|| {
                                instance
                                    .change_target(target, change)
                                    .map(|()| Some(Reply::Done))
                            }),
                            (_, Some(handle)) => guard(|| call(&**instance, handle, step)),
                            // INVARIANT: a step with no handle was skipped.
                            (_, None) => unreachable!("a step on a request has its handle"),
                        };
                        let called = match called {
                            Ok(called) => called,
                            Err(kind) => {
                                abandoned.store(true, Ordering::Release);
                                return Err(Divergence { step: index, kind });
                            }
                        };
                        let back = recorder.tick();
                        returned[index].store(true, Ordering::Release);
                        operations.push(Operation {
                            thread,
                            step: *step,
                            invoked: at,
                            returned: Some((back, answered(called))),
                        });
                    }
                    Ok(operations)
                })
            })
            .collect();
        spawned
            .into_iter()
            .map(|handle| {
                handle.join().unwrap_or_else(|_| {
                    // Every call into the implementation is guarded: only
                    // the harness itself can have panicked here.
                    panic!("a harness thread of a parallel case panicked")
                })
            })
            .collect()
    });
    THREAD.with(|t| t.set(OUTSIDE));
    for thread in ran {
        operations.extend(thread?);
    }
    let end = case.len().saturating_sub(1);
    mark(Activity::Finishing, end);
    guard(|| instance.check_invariants())
        .and_then(|checked| checked.map_err(|message| DivergenceKind::Invariant { message }))
        .map_err(|kind| Divergence { step: end, kind })?;
    // The recorder's reference goes first, so that this one is the last.
    lock(&recorder.instance).take();
    mark(Activity::Dropping, end);
    guard(|| drop(instance)).map_err(|kind| Divergence { step: end, kind })?;
    operations.append(&mut lock(&recorder.nested));
    operations.sort_by_key(|op| op.invoked);
    let mut callbacks = std::mem::take(&mut *lock(&recorder.callbacks));
    callbacks.sort_by_key(|run| run.at);
    Ok(History {
        operations,
        callbacks,
    })
}

/// `steps` without those whose outcome the framework leaves undefined
/// where they stand (and those on a request left undefined): a concurrent
/// case is made of calls the framework defines in the order drawn, so that
/// what is undefined comes only from the races. In the sequential harness
/// an undefined step is not made at all, and what it would have done to
/// its target (a request still sent, a close still under way) never shows
/// in another request's answers; threads cannot skip it, so it is left
/// out before they start.
pub fn defined_steps(settings: Settings, steps: &[Step]) -> Vec<Step> {
    let mut model = Model::with_settings(settings);
    let mut defined = Vec::with_capacity(steps.len());
    for step in steps {
        let mut next = model.clone();
        if next
            .step(step)
            .is_ok_and(|judgement| !judgement.is_unjudged())
        {
            model = next;
            defined.push(*step);
        }
    }
    defined
}

/// `steps` with the first `readers` requests that register a routine and
/// whose sends the target finishes made continuous readers: every registration of theirs is with
/// [`READER_CONTEXT`] (a context is only a name to the model, so what the
/// model judges of the steps does not change), the driver's calls on them
/// after their first completion left out but cancels (their routine owns
/// them from then on), and the targets' thread finishes each of them twice
/// more at the end, so that what the reader sent from inside its routine is
/// seen to come back.
pub fn with_readers(mut steps: Vec<Step>, readers: usize) -> Vec<Step> {
    // Requests whose sends the target finishes: a reader's routine runs.
    let finished: Vec<RequestId> = steps
        .iter()
        .filter_map(|step| match step {
            Step::TargetComplete { request, .. } => Some(*request),
            _ => None,
        })
        .collect();
    let mut chosen: Vec<RequestId> = Vec::new();
    for step in &mut steps {
        if let Step::Call {
            request,
            call: Call::SetCompletionCallback { context, .. },
        } = step
        {
            if !chosen.contains(request) && chosen.len() < readers && finished.contains(request) {
                chosen.push(*request);
            }
            if chosen.contains(request) {
                *context = Some(READER_CONTEXT);
            }
        }
    }
    // From its first completion on, a reader's request belongs to its
    // routine: the driver's own calls on it stop there (but a cancel, which
    // a driver makes from another thread while the reader cycles).
    let mut completed: Vec<RequestId> = Vec::new();
    steps.retain(|step| match *step {
        Step::TargetComplete { request, .. } if chosen.contains(&request) => {
            completed.push(request);
            true
        }
        Step::Call { request, call } if completed.contains(&request) => call == Call::Cancel,
        _ => true,
    });
    for request in chosen {
        for information in [1, 2] {
            steps.push(Step::TargetComplete {
                request,
                completion: Completion::new(Status::SUCCESS, information),
            });
        }
    }
    steps
}

/// What one round found.
enum Round {
    /// Linearizable; the rules its order exercised are counted.
    Passed,
    /// The checker's budget ran out.
    Undecided,
    /// Not linearizable, or the implementation panicked.
    Failed(Divergence),
}

/// Runs `case` once and judges its history, counting in `coverage` the
/// rules the accepted order exercised.
fn round<M: ConcurrentImplementation>(
    implementation: &M,
    config: &ConcurrentConfig,
    (case, number): (&ParallelCase, usize),
    coverage: Option<&mut Coverage>,
    watch: Option<&Arc<Watch>>,
) -> Round {
    let settings = config.case.settings;
    #[cfg(not(feature = "shuttle"))]
    let ran = {
        let _ = number;
        run_parallel_watched(implementation, settings, case, watch)
    };
    #[cfg(feature = "shuttle")]
    let ran = scheduled::run(
        implementation,
        settings,
        case,
        watch,
        round_schedule(config.schedule, case, number),
    );
    let history = match ran {
        Ok(history) => history,
        Err(divergence) => return Round::Failed(divergence),
    };
    match linearize::check(&history, settings, config.budget) {
        Ok(Verdict::Linearizable { orders }) => {
            if let Some(coverage) = coverage {
                linearize::judge_orders(&history, settings, &orders, |_, judgement| {
                    coverage.record(judgement);
                });
            }
            Round::Passed
        }
        Ok(Verdict::Unknown { .. }) => Round::Undecided,
        Ok(Verdict::NotLinearizable(counterexample)) => Round::Failed(Divergence {
            step: case.len().saturating_sub(1),
            kind: DivergenceKind::NotLinearizable {
                history: Box::new(history),
                counterexample,
            },
        }),
        // INVARIANT: the recorder lists events in time order, each with a
        // time of its own, and every return after its invocation.
        Err(error) => panic!("the harness recorded an ill-formed history: {error}"),
    }
}

/// The seed of the schedule of round `number` of `case`, under the
/// schedule seed `schedule` (a build with the `shuttle` feature): the
/// three mixed (SplitMix64's finaliser over each, as case seeds are), so
/// that every round and every case meets a schedule of its own, and the
/// same ones the same.
pub fn round_schedule(schedule: u64, case: &ParallelCase, number: usize) -> u64 {
    use super::seed::splitmix64 as mix;
    // The steps' text, not `Hash`: the same on every platform and release.
    let steps = case
        .steps
        .iter()
        .fold(mix(case.drivers as u64), |acc, step| {
            step.to_string()
                .bytes()
                .fold(acc, |acc, b| mix(acc ^ u64::from(b)))
        });
    mix(mix(schedule) ^ steps ^ mix(number as u64))
}

/// Rounds under Shuttle's controlled scheduler (the `shuttle` feature):
/// one execution of the round, its schedule drawn from a seed.
#[cfg(feature = "shuttle")]
mod scheduled {
    use std::sync::Arc;

    use shuttle::scheduler::RandomScheduler;
    use shuttle::{Config, FailurePersistence, Runner};

    use super::{ConcurrentImplementation, Divergence, ParallelCase, Watch};
    use crate::harness::DivergenceKind;
    use crate::vocab::{History, Settings};

    /// Runs `case` once under the random scheduler seeded with `seed`, on a
    /// thread of the caller's (a Shuttle execution runs where its runner
    /// is called), and returns its history; a deadlock Shuttle finds, or
    /// a panic outside the implementation's guarded calls, is the
    /// implementation's failure.
    pub(super) fn run<M: ConcurrentImplementation>(
        implementation: &M,
        settings: Settings,
        case: &ParallelCase,
        watch: Option<&Arc<Watch>>,
        seed: u64,
    ) -> Result<History, Divergence> {
        type Slot = std::sync::Mutex<Option<Result<History, Divergence>>>;
        let slot: Arc<Slot> = Arc::default();
        let body = {
            let (implementation, case, watch, slot) = (
                implementation.clone(),
                case.clone(),
                watch.cloned(),
                Arc::clone(&slot),
            );
            move || {
                let ran =
                    super::run_parallel_watched(&implementation, settings, &case, watch.as_ref());
                *slot
                    .lock()
                    .unwrap_or_else(std::sync::PoisonError::into_inner) = Some(ran);
            }
        };
        let mut config = Config::new();
        config.failure_persistence = FailurePersistence::None;
        // The checker runs outside the execution; the recorder inside.
        config.stack_size = 1 << 20;
        config.silence_warnings = true;
        let ran = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            Runner::new(RandomScheduler::new_from_seed(seed, 1), config).run(body)
        }));
        let taken = slot
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .take();
        match (ran, taken) {
            (Ok(_), Some(result)) => result,
            (ran, _) => {
                let message = match ran {
                    Err(payload) => crate::harness::guard::panic_message(payload.as_ref()),
                    Ok(_) => "the execution ended without a history".to_owned(),
                };
                Err(Divergence {
                    step: case.len().saturating_sub(1),
                    kind: DivergenceKind::Panicked {
                        message: format!("under Shuttle's schedule {seed:#x}: {message}"),
                        location: None,
                    },
                })
            }
        }
    }
}

/// Runs `case` for up to `rounds` rounds, until one fails.
fn first_failure<M: ConcurrentImplementation>(
    implementation: &M,
    config: &ConcurrentConfig,
    case: &ParallelCase,
    coverage: Option<&mut Coverage>,
    (watch, shrinking): (Option<&Arc<Watch>>, bool),
) -> Option<Divergence> {
    first_failure_counting(implementation, config, case, coverage, (watch, shrinking)).0
}

/// [`first_failure`], and the rounds run before it (all of them when none
/// failed) that the checker could not decide.
fn first_failure_counting<M: ConcurrentImplementation>(
    implementation: &M,
    config: &ConcurrentConfig,
    case: &ParallelCase,
    mut coverage: Option<&mut Coverage>,
    (watch, shrinking): (Option<&Arc<Watch>>, bool),
) -> (Option<Divergence>, u64) {
    let mut undecided = 0;
    for number in 0..config.rounds.max(1) {
        if let Some(watch) = watch {
            watch.begin_sequence(&case.steps, shrinking);
        }
        match round(
            implementation,
            config,
            (case, number),
            coverage.as_deref_mut(),
            watch,
        ) {
            Round::Failed(divergence) => return (Some(divergence), undecided),
            Round::Undecided => undecided += 1,
            Round::Passed => {}
        }
    }
    (None, undecided)
}

/// Runs `case` up to `config.rounds` times, each on a fresh instance, and
/// returns the first failing round's divergence: the replay of a race
/// kept as a regression file. The schedule is the operating system's, so
/// a race may take many rounds to show again.
pub fn replay_parallel<M: ConcurrentImplementation>(
    implementation: &M,
    config: &ConcurrentConfig,
    case: &ParallelCase,
) -> Option<Divergence> {
    replay_parallel_watched(implementation, config, case, None)
}

/// [`replay_parallel`], its progress marked on `watch` (if given) for a
/// caller that waits for it with a time limit.
pub(crate) fn replay_parallel_watched<M: ConcurrentImplementation>(
    implementation: &M,
    config: &ConcurrentConfig,
    case: &ParallelCase,
    watch: Option<&Arc<Watch>>,
) -> Option<Divergence> {
    first_failure(implementation, config, case, None, (watch, false))
}

/// The most shrink attempts for one failing case: each runs up to
/// `rounds` rounds, and a race may need them all to show again.
const SHRINK_ATTEMPTS: usize = 400;

/// Runs the concurrent case of `seed` (see the module docs) for
/// `config.rounds` rounds and, when a round fails, shrinks the case:
/// steps are left out while some round of what is left still fails the
/// same way.
pub fn run_concurrent_case<M: ConcurrentImplementation>(
    seed: Seed,
    config: &ConcurrentConfig,
    implementation: &M,
) -> CaseOutcome {
    run_concurrent_case_watched(seed, config, implementation, None)
}

pub(crate) fn run_concurrent_case_watched<M: ConcurrentImplementation>(
    seed: Seed,
    config: &ConcurrentConfig,
    implementation: &M,
    watch: Option<&Arc<Watch>>,
) -> CaseOutcome {
    let steps = defined_steps(config.case.settings, &generated_steps(seed, &config.case));
    let steps = with_readers(steps, config.readers);
    let generated_len = steps.len();
    let mut case = ParallelCase::new(steps, config.drivers);
    let mut coverage = Coverage::default();
    let (first, undecided) = first_failure_counting(
        implementation,
        config,
        &case,
        Some(&mut coverage),
        (watch, false),
    );
    let Some(mut divergence) = first else {
        return CaseOutcome {
            steps: generated_len,
            coverage,
            failure: None,
            undecided,
        };
    };
    let mut attempts = 0;
    loop {
        let before = case.len();
        // From the back: a later step is more often one the race does not
        // need. An introduction goes only with the last step on its
        // request.
        let mut index = case.len();
        while index > 0 && attempts < SHRINK_ATTEMPTS {
            index -= 1;
            let step = case.steps[index];
            let needed = case.thread_of(&step).is_none()
                && case.steps.iter().enumerate().any(|(other, s)| {
                    other != index && s.request().is_some() && s.request() == step.request()
                });
            if needed {
                continue;
            }
            attempts += 1;
            let mut candidate = case.clone();
            candidate.steps.remove(index);
            if let Some(found) =
                first_failure(implementation, config, &candidate, None, (watch, true))
                    .filter(|found| found.same_failure(&divergence))
            {
                (case, divergence) = (candidate, found);
            }
        }
        if case.len() == before || attempts >= SHRINK_ATTEMPTS {
            break;
        }
    }
    CaseOutcome {
        steps: generated_len,
        coverage,
        failure: Some(Failure {
            seed,
            generated_len,
            steps: case.steps,
            divergence,
        }),
        undecided,
    }
}
