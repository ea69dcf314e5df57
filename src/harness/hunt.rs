//! [`hunt`] and [`hunt_with`]: many cases, on one worker thread or several,
//! until the budget is spent, a case fails or hangs, or the caller stops
//! the hunt.
//!
//! # Determinism
//!
//! The cases of a run are numbered, and case `i` is a function of
//! `seed.case(i)` alone, run on a fresh implementation. Workers take the
//! numbers in order from one counter, so which worker runs a case, and
//! when, is up to the scheduler; but a final [`HuntReport`] covers a prefix
//! of the numbered cases, never a scattering:
//!
//! - with no failure, cases `0..n`: `n` is the budget of
//!   [`Budget::Cases`], or for [`Budget::Time`] however many consecutive
//!   cases were done when the time ran out;
//! - with a failure, cases `0..=k`, where `k` is the lowest failing index
//!   of the seed's stream: once a case fails, the workers run every case
//!   numbered below it (past a time budget if need be) and none above, so
//!   `k` does not depend on the number of workers or on their speed.
//!
//! Steps, coverage and the failure are summed over exactly that prefix, so
//! the same seed and case count give the same report, bar `elapsed`, on
//! one worker or many, and a time-budget hunt of `n` cases reports what
//! `Budget::Cases(n)` does. The wall clock decides only how many cases
//! run, and whether a slow case counts as hung. Only a hunt stopped from
//! outside ([`Workers::stop`]) may report a failure that is not the
//! stream's first: then its [`Divergent::first`] is false.
//!
//! # Hangs
//!
//! An implementation's call that never returns cannot be interrupted: Rust
//! has no way to stop a thread. So the workers are threads of their own,
//! not scoped to the hunt, and the calling thread is a watchdog (see
//! `watch.rs`): a run of a sequence (a case, or one attempt at shrinking
//! it) that lasts longer than [`Workers::case_timeout`] is a failure of the
//! case, [`DivergenceKind::Hung`] at the step it was on, not shrunk; the
//! hunt ends as for any failure and leaves the stuck thread behind
//! ([`HuntReport::left_behind`]), to end with the process. That is why
//! `make` must be `'static`. When the hunt is stopped from outside, a case
//! whose run makes no progress for [`STOP_GRACE`] is left behind too, so a
//! stop is never held up by a hung call.

use std::collections::BTreeMap;
use std::num::NonZeroUsize;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::thread::Thread;
use std::time::{Duration, Instant};

use super::concurrent::ConcurrentImplementation;
use super::conformance::Conformance;
use super::coverage::Coverage;
use super::divergence::{Activity, Divergence, DivergenceKind};
use super::parallel::{ConcurrentConfig, run_concurrent_case_watched};
use super::run::{CaseConfig, CaseOutcome, Failure, generated_steps, run_case_watched};
use super::seed::Seed;
use super::verdict::{Divergent, Unknown, Verdict};
use super::watch::{Position, Watch};
use crate::vocab::Step;

/// When a hunt stops (besides at the first failure).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Budget {
    /// After this many cases.
    Cases(u64),
    /// When this much time has passed: no case starts after it, unless a
    /// case has failed and a case numbered below it is still to run.
    Time(Duration),
}

/// Settings of a hunt.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct HuntConfig {
    /// The run's seed: case `i` runs with `seed.case(i)`.
    pub seed: Seed,
    /// When the hunt stops.
    pub budget: Budget,
    /// How each case is generated and judged.
    pub case: CaseConfig,
}

/// How long one run of a sequence may take before the hunt calls it hung,
/// unless [`Workers::with_case_timeout`] says otherwise: a minute, where
/// the longest case `wdfreq hunt` draws runs in about a second on the
/// simulated framework.
pub const CASE_TIMEOUT: Duration = Duration::from_secs(60);

/// How long a hunt stopped from outside waits for a case whose run makes
/// no progress before it leaves the case behind.
pub const STOP_GRACE: Duration = Duration::from_secs(1);

/// How a hunt runs: on how many threads, what may stop it early, and how
/// long a case may take. Built from [`Workers::one`] or
/// [`Workers::per_core`] and the `with_` methods.
#[derive(Clone, Debug)]
#[non_exhaustive]
pub struct Workers {
    /// Worker threads; each builds its own implementations, so an
    /// implementation need not be `Send`.
    pub count: NonZeroUsize,
    /// Raised from outside (on Ctrl-C, say) to stop the hunt once the
    /// cases under way are done.
    pub stop: Option<Arc<AtomicBool>>,
    /// The longest one run of a sequence (a case as generated, or one
    /// shrink attempt) may take before the case counts as hung.
    pub case_timeout: Duration,
}

impl Workers {
    /// One worker, not stoppable from outside, [`CASE_TIMEOUT`]: the plain
    /// [`hunt`].
    pub fn one() -> Self {
        Workers {
            count: NonZeroUsize::MIN,
            stop: None,
            case_timeout: CASE_TIMEOUT,
        }
    }

    /// One worker per core (`std::thread::available_parallelism`).
    pub fn per_core() -> Self {
        Workers::one().with_count(std::thread::available_parallelism().unwrap_or(NonZeroUsize::MIN))
    }

    /// The same, on `count` worker threads.
    pub fn with_count(self, count: NonZeroUsize) -> Self {
        Workers { count, ..self }
    }

    /// The same, stopped when `stop` is raised.
    pub fn stopped_by(self, stop: Arc<AtomicBool>) -> Self {
        Workers {
            stop: Some(stop),
            ..self
        }
    }

    /// The same, a run that takes longer than `limit` counting as hung.
    pub fn with_case_timeout(self, limit: Duration) -> Self {
        Workers {
            case_timeout: limit,
            ..self
        }
    }
}

/// A case a hunt ended without waiting for: its worker thread is stuck in
/// a call into the implementation, and was left to end with the process.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct LeftBehind {
    /// The case's number in the run.
    pub case: u64,
    /// What the implementation was asked to do.
    pub activity: Activity,
    /// The step of the run it was on.
    pub step: usize,
    /// How long the run had lasted when the hunt left it.
    pub stuck_for: Duration,
}

/// The state of a hunt, as reported along the way and at the end.
///
/// Along the way (the `progress` callback) the counts cover every case done
/// so far, in any order; at the end they cover the prefix the module docs
/// describe.
#[derive(Clone, Debug)]
#[non_exhaustive]
pub struct HuntReport {
    /// The run's seed.
    pub seed: Seed,
    /// Cases run.
    pub cases: u64,
    /// Steps run, over all cases (as generated, before any shrinking).
    pub steps: u64,
    /// The rules exercised and the depths reached, over all cases.
    pub coverage: Coverage,
    /// What the hunt concludes. Along the way: [`Verdict::Diverges`] with
    /// the lowest-numbered failure found so far, else
    /// [`Verdict::Unknown`].
    pub verdict: Verdict,
    /// Failing cases found, the first included. A progress figure: with
    /// several workers, cases past the first failure may have failed too.
    pub failures: u64,
    /// Rounds of concurrent cases whose history the linearizability
    /// checker could not decide within its budget; with any, a hunt that
    /// found no failure concludes [`Unknown::Undecided`], not that the
    /// implementation conforms.
    pub undecided: u64,
    /// Cases whose worker was stuck when the hunt ended (a hang, or a stop
    /// from outside while a run made no progress), oldest first.
    pub left_behind: Vec<LeftBehind>,
    /// Wall-clock time since the hunt began.
    pub elapsed: Duration,
}

impl HuntReport {
    fn new(seed: Seed) -> Self {
        HuntReport {
            seed,
            cases: 0,
            steps: 0,
            coverage: Coverage::default(),
            verdict: Verdict::Unknown(Unknown::NoCases),
            failures: 0,
            undecided: 0,
            left_behind: Vec::new(),
            elapsed: Duration::ZERO,
        }
    }

    /// The failing case, when the verdict is that the implementation
    /// diverges.
    pub fn failure(&self) -> Option<&Failure> {
        self.verdict.failure()
    }

    /// Whether the hunt was stopped from outside before its verdict was
    /// settled.
    pub fn interrupted(&self) -> bool {
        match &self.verdict {
            Verdict::Unknown(why) => *why == Unknown::Interrupted,
            Verdict::Diverges(divergent) => !divergent.first,
            Verdict::Conforms => false,
        }
    }

    /// Counts case `index`'s outcome; a failure replaces the report's when
    /// it is numbered lower.
    fn count(&mut self, index: u64, outcome: &CaseOutcome) {
        self.cases += 1;
        self.steps += outcome.steps as u64;
        self.undecided += outcome.undecided;
        self.coverage.merge(&outcome.coverage);
        if let Some(failure) = &outcome.failure {
            self.failures += 1;
            let known = self.verdict.divergent().map(|d| d.case);
            if known.is_none_or(|known| index < known) {
                self.verdict = Verdict::Diverges(Box::new(Divergent {
                    failure: failure.clone(),
                    case: index,
                    first: true,
                }));
            }
        }
    }
}

/// Runs cases on fresh implementations from `make` until the budget is
/// spent or one fails, on one worker thread; calls `progress` as cases
/// are done. Equal to [`hunt_with`] with [`Workers::one`].
pub fn hunt<I, F>(config: &HuntConfig, make: F, progress: &mut dyn FnMut(&HuntReport)) -> HuntReport
where
    I: Conformance,
    F: Fn() -> I + Send + Sync + 'static,
{
    hunt_with(config, Workers::one(), make, progress)
}

/// Runs cases on fresh implementations from `make`, on `workers.count`
/// threads (each calls `make` itself), until the budget is spent, a case
/// fails or hangs, or `workers.stop` is raised. `progress` is called on
/// the calling thread with the state so far, after every batch of cases
/// done and at least every [`TICK`].
///
/// `make` is `'static` because a worker stuck in a hung call outlives the
/// hunt (see the module docs); a factory that borrows can hold an `Arc`
/// instead.
pub fn hunt_with<I, F>(
    config: &HuntConfig,
    workers: Workers,
    make: F,
    progress: &mut dyn FnMut(&HuntReport),
) -> HuntReport
where
    I: Conformance,
    F: Fn() -> I + Send + Sync + 'static,
{
    let case = config.case;
    let run =
        move |seed: Seed, watch: &Arc<Watch>| run_case_watched(seed, &case, &make, Some(watch));
    hunt_cases(config, workers, Arc::new(run), progress)
}

/// Hunts for races: runs concurrent cases
/// ([`run_concurrent_case`](super::parallel::run_concurrent_case)) of
/// `concurrent` on fresh shared instances of `implementation`, as
/// [`hunt_with`] runs sequential ones, with the same determinism of which
/// cases a report covers. (Whether a case's rounds meet a race depends on
/// the scheduler: the same seed may find a race on one run and not on
/// another; a race found is reported with its history, shrunk.)
pub fn hunt_concurrent<M: ConcurrentImplementation>(
    seed: Seed,
    budget: Budget,
    concurrent: &ConcurrentConfig,
    workers: Workers,
    implementation: M,
    progress: &mut dyn FnMut(&HuntReport),
) -> HuntReport {
    let config = HuntConfig {
        seed,
        budget,
        case: concurrent.case,
    };
    let concurrent = *concurrent;
    let run = move |seed: Seed, watch: &Arc<Watch>| {
        run_concurrent_case_watched(seed, &concurrent, &implementation, Some(watch))
    };
    hunt_cases(&config, workers, Arc::new(run), progress)
}

/// What a worker runs for one case: its seed, and the watch to mark.
type CaseRunner = Arc<dyn Fn(Seed, &Arc<Watch>) -> CaseOutcome + Send + Sync>;

/// The hunt itself, whatever a case is.
fn hunt_cases(
    config: &HuntConfig,
    workers: Workers,
    run: CaseRunner,
    progress: &mut dyn FnMut(&HuntReport),
) -> HuntReport {
    let count = workers.count.get();
    let shared = Arc::new(Shared {
        config: *config,
        started: Instant::now(),
        stop: workers.stop,
        case_timeout: workers.case_timeout,
        next_case: AtomicU64::new(0),
        failure_floor: AtomicU64::new(NO_FAILURE),
        sealed: AtomicU64::new(0),
        interrupted: AtomicBool::new(false),
        watches: (0..count).map(|_| Arc::new(Watch::new())).collect(),
    });
    let collector = std::thread::current();
    let mut spawned = 0;
    for worker in 0..count {
        let (shared, run, collector) = (Arc::clone(&shared), Arc::clone(&run), collector.clone());
        let started = std::thread::Builder::new()
            .name(format!("wdfreq-worker-{worker}"))
            .spawn(move || work(&shared.watches[worker], &shared, &*run, &collector));
        match started {
            Ok(_) => spawned += 1,
            // The process's thread limit: the cases are shared by those
            // that started, and the report is the same.
            Err(_) => break,
        }
    }
    for watch in &shared.watches[spawned..] {
        watch.end();
    }
    if spawned == 0 {
        // Not one thread: the cases run here, unwatched.
        work(&shared.watches[0], &shared, &*run, &collector);
    }
    collect(&shared, progress)
}

/// How often `progress` is called while no case finishes, and how often
/// the watchdog looks at the workers.
pub const TICK: Duration = Duration::from_millis(100);

/// A worker wakes the collecting thread after this many cases or this
/// much time.
const BATCH_CASES: usize = 64;
const BATCH_TIME: Duration = Duration::from_millis(50);

/// How far past the counted prefix a worker may run before it waits for
/// the others: bounds the results held back for counting in order.
const AHEAD_MAX: u64 = 1 << 16;

const NO_FAILURE: u64 = u64::MAX;

/// What the workers and the collecting thread share.
struct Shared {
    config: HuntConfig,
    started: Instant,
    stop: Option<Arc<AtomicBool>>,
    case_timeout: Duration,
    /// The number of the next case a worker takes.
    next_case: AtomicU64,
    /// The lowest-numbered failing case found so far, or [`NO_FAILURE`].
    failure_floor: AtomicU64,
    /// Every case numbered below this is done and counted.
    sealed: AtomicU64,
    /// A worker stopped because the hunt was stopped from outside, with
    /// its budget not spent, or a case was left behind: the verdict cannot
    /// be settled.
    interrupted: AtomicBool,
    /// One per worker.
    watches: Vec<Arc<Watch>>,
}

/// Whether a worker runs case `index`.
enum Turn {
    Run,
    Wait,
    Stop,
}

impl Shared {
    fn stopped_from_outside(&self) -> bool {
        self.stop
            .as_ref()
            .is_some_and(|stop| stop.load(Ordering::Relaxed))
    }

    fn turn(&self, index: u64) -> Turn {
        let floor = self.failure_floor.load(Ordering::Acquire);
        if index > floor {
            return Turn::Stop;
        }
        let within_budget = match self.config.budget {
            Budget::Cases(cases) => index < cases,
            // Below a known failure, a case runs whatever the time: it may
            // be the stream's first failure.
            Budget::Time(limit) => floor != NO_FAILURE || self.started.elapsed() < limit,
        };
        if !within_budget {
            Turn::Stop
        } else if self.stopped_from_outside() {
            // Only here, with work left, does a stop from outside leave the
            // verdict open: a stop that lands after the budget ran out
            // changes nothing.
            self.interrupted.store(true, Ordering::Release);
            Turn::Stop
        } else if index >= self.sealed.load(Ordering::Acquire) + AHEAD_MAX {
            Turn::Wait
        } else {
            Turn::Run
        }
    }
}

/// A worker's loop: takes the next case number, runs the case, hands the
/// outcome over on its watch, and wakes the collecting thread now and
/// then.
fn work(
    watch: &Arc<Watch>,
    shared: &Shared,
    run: &(dyn Fn(Seed, &Arc<Watch>) -> CaseOutcome + Send + Sync),
    collector: &Thread,
) {
    let mut unannounced = 0;
    let mut last_woken = Instant::now();
    let mut index = shared.next_case.fetch_add(1, Ordering::AcqRel);
    loop {
        match shared.turn(index) {
            Turn::Stop => break,
            Turn::Wait => {
                // The count may be waiting for what this worker holds.
                watch.idle();
                collector.unpark();
                std::thread::sleep(Duration::from_millis(1));
                continue;
            }
            Turn::Run => {}
        }
        watch.begin_case(index);
        let seed = shared.config.seed.case(index);
        let outcome = run(seed, watch);
        let failed = outcome.failure.is_some();
        if failed {
            // At once, so that no worker starts a case it cannot count.
            shared.failure_floor.fetch_min(index, Ordering::AcqRel);
        }
        watch.hand_over(index, outcome);
        unannounced += 1;
        if failed || unannounced >= BATCH_CASES || last_woken.elapsed() >= BATCH_TIME {
            collector.unpark();
            unannounced = 0;
            last_woken = Instant::now();
        }
        index = shared.next_case.fetch_add(1, Ordering::AcqRel);
    }
    watch.end();
    collector.unpark();
}

/// Counts results in case order: the prefix of cases done, up to and
/// including the first failure.
struct Ledger {
    /// Results numbered at or past `next`, held until those before arrive.
    waiting: BTreeMap<u64, CaseOutcome>,
    /// The number of the first case not yet counted.
    next: u64,
    totals: HuntReport,
    /// The prefix ends at a failure: nothing after it counts.
    closed: bool,
}

impl Ledger {
    fn new(seed: Seed) -> Self {
        Ledger {
            waiting: BTreeMap::new(),
            next: 0,
            totals: HuntReport::new(seed),
            closed: false,
        }
    }

    fn add(&mut self, index: u64, outcome: CaseOutcome) {
        if self.closed {
            return;
        }
        self.waiting.insert(index, outcome);
        while let Some(outcome) = self.waiting.remove(&self.next) {
            self.totals.count(self.next, &outcome);
            self.next += 1;
            if outcome.failure.is_some() {
                self.closed = true;
                self.waiting.clear();
                return;
            }
        }
    }
}

/// What the watchdog knows of one worker.
struct Sighting {
    /// The worker's run count when last seen to change.
    runs: u64,
    /// When it was last seen to change.
    since: Instant,
    /// Where the worker's run was when last seen to move.
    at: (Activity, usize),
    /// When its run was last seen to move (a new run, or a new step).
    moved: Instant,
    /// The hunt no longer waits for this worker.
    left: bool,
}

/// The collecting thread's loop: counts outcomes as they come, watches for
/// hung runs, calls `progress`, and builds the final report when every
/// worker has ended or been left behind.
fn collect(shared: &Shared, progress: &mut dyn FnMut(&HuntReport)) -> HuntReport {
    let seed = shared.config.seed;
    let mut live = HuntReport::new(seed);
    let mut ledger = Ledger::new(seed);
    let now = Instant::now();
    let mut sightings: Vec<Sighting> = shared
        .watches
        .iter()
        .map(|_| Sighting {
            runs: 0,
            since: now,
            at: (Activity::Building, 0),
            moved: now,
            left: false,
        })
        .collect();
    loop {
        std::thread::park_timeout(TICK);
        // Read before the outcomes are taken: a worker hands its last
        // outcome over before it ends.
        let all_ended = shared
            .watches
            .iter()
            .zip(&sightings)
            .all(|(watch, sighting)| sighting.left || watch.ended());
        for (watch, sighting) in shared.watches.iter().zip(&sightings) {
            if sighting.left {
                continue;
            }
            for (index, outcome) in watch.take_done() {
                live.count(index, &outcome);
                ledger.add(index, outcome);
            }
        }
        watchdog(shared, &mut sightings, &mut live, &mut ledger);
        shared.sealed.store(ledger.next, Ordering::Release);
        live.elapsed = shared.started.elapsed();
        if shared.stopped_from_outside() && live.failure().is_none() {
            live.verdict = Verdict::Unknown(Unknown::Interrupted);
        }
        progress(&live);
        if all_ended {
            break;
        }
    }
    let closed = ledger.closed;
    let mut report = ledger.totals;
    report.elapsed = shared.started.elapsed();
    report.failures = live.failures;
    report.left_behind = live.left_behind.clone();
    let budget_spent = match shared.config.budget {
        Budget::Cases(cases) => report.cases >= cases,
        Budget::Time(_) => !shared.interrupted.load(Ordering::Acquire),
    };
    report.verdict = match (closed, budget_spent, live.verdict) {
        // The prefix ends at the stream's first failure.
        (true, _, _) => report.verdict,
        (false, true, _) if report.cases == 0 => Verdict::Unknown(Unknown::NoCases),
        (false, true, _) if report.undecided > 0 => Verdict::Unknown(Unknown::Undecided {
            rounds: report.undecided,
        }),
        (false, true, _) => Verdict::Conforms,
        // Stopped from outside: report the lowest failure found, if any,
        // though cases numbered below it may not have run.
        (false, false, Verdict::Diverges(mut divergent)) => {
            divergent.first = false;
            Verdict::Diverges(divergent)
        }
        (false, false, _) => Verdict::Unknown(Unknown::Interrupted),
    };
    report
}

/// Looks at each worker still waited for: a run past the time limit is a
/// hang of its case, counted as the case's failure; with the hunt stopped
/// from outside, a run with no progress for [`STOP_GRACE`] is left behind.
fn watchdog(
    shared: &Shared,
    sightings: &mut [Sighting],
    live: &mut HuntReport,
    ledger: &mut Ledger,
) {
    let now = Instant::now();
    let stopping = shared.stopped_from_outside();
    for (watch, sighting) in shared.watches.iter().zip(sightings.iter_mut()) {
        if sighting.left || watch.ended() {
            continue;
        }
        let position = watch.position();
        let at = (position.activity, position.step);
        if position.runs != sighting.runs || at != sighting.at {
            sighting.at = at;
            sighting.moved = now;
        }
        let Some(case) = position.case.filter(|_| position.runs == sighting.runs) else {
            sighting.runs = position.runs;
            sighting.since = now;
            continue;
        };
        let stuck_for = now - sighting.since;
        let hung = stuck_for >= shared.case_timeout;
        // A stop leaves behind a run that makes no progress, not one that
        // is merely long: one whose step has not moved for the grace.
        let given_up = hung || (stopping && now - sighting.moved >= STOP_GRACE);
        if !given_up {
            continue;
        }
        sighting.left = true;
        live.left_behind.push(LeftBehind {
            case,
            activity: position.activity,
            step: position.step,
            stuck_for,
        });
        if hung {
            let failure = hang(shared, case, &position, watch.attempt());
            shared.failure_floor.fetch_min(case, Ordering::AcqRel);
            // Counted as any failing case is: its steps as generated; its
            // coverage is lost with the worker.
            let outcome = CaseOutcome {
                steps: failure.generated_len,
                coverage: Coverage::default(),
                failure: Some(failure),
                undecided: 0,
            };
            live.count(case, &outcome);
            ledger.add(case, outcome);
        } else {
            shared.interrupted.store(true, Ordering::Release);
        }
    }
}

/// The failure of case `case`, hung at `position`: the sequence the run
/// was given (the case as generated, or the shrink attempt `attempt`) up
/// to the step it hung on.
fn hang(
    shared: &Shared,
    case: u64,
    position: &Position,
    attempt: Option<(Vec<Step>, bool)>,
) -> Failure {
    let seed = shared.config.seed.case(case);
    let generated = generated_steps(seed, &shared.config.case);
    let generated_len = generated.len();
    let (mut steps, shrinking) = attempt.unwrap_or((generated, false));
    let step = match position.activity {
        Activity::Building => {
            steps.clear();
            0
        }
        _ => position.step,
    };
    steps.truncate(step + 1);
    Failure {
        seed,
        generated_len,
        steps,
        divergence: Divergence {
            step,
            kind: DivergenceKind::Hung {
                limit: shared.case_timeout,
                activity: position.activity,
                shrinking,
            },
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::harness::run::Failure;
    use crate::harness::{Divergence, DivergenceKind};

    fn outcome(steps: usize, failing: bool) -> CaseOutcome {
        CaseOutcome {
            steps,
            coverage: Coverage::default(),
            failure: failing.then(|| Failure {
                seed: Seed(steps as u64),
                generated_len: steps,
                steps: Vec::new(),
                divergence: Divergence {
                    step: 0,
                    kind: DivergenceKind::Panicked {
                        message: String::new(),
                        location: None,
                    },
                },
            }),
            undecided: 0,
        }
    }

    #[test]
    fn ledger_counts_a_prefix_whatever_the_arrival_order() {
        let mut ledger = Ledger::new(Seed(0));
        for index in [3, 1, 0, 5, 2] {
            ledger.add(index, outcome(10 + index as usize, false));
        }
        let totals = &ledger.totals;
        // Case 4 has not arrived: 5 waits, 0..=3 are counted.
        assert_eq!((ledger.next, totals.cases, totals.steps), (4, 4, 46));
        assert_eq!(ledger.waiting.len(), 1);
    }

    #[test]
    fn ledger_stops_at_the_lowest_failure_and_drops_what_follows() {
        let mut ledger = Ledger::new(Seed(0));
        ledger.add(4, outcome(4, true));
        ledger.add(2, outcome(2, true));
        for index in [0, 1, 3, 5] {
            ledger.add(index, outcome(1, false));
        }
        let totals = &ledger.totals;
        assert!(ledger.closed);
        assert_eq!((totals.cases, totals.steps), (3, 4));
        assert_eq!(totals.verdict.divergent().map(|d| d.case), Some(2));
    }
}
