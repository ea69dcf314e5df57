//! [`hunt`] and [`hunt_with`]: many cases, on one worker thread or several,
//! until the budget is spent, a case fails, or the caller stops the hunt.
//!
//! # Determinism
//!
//! The cases of a run are numbered, and case `i` is a function of
//! `seed.case(i)` alone. With `W` workers, worker `w` runs cases `w`,
//! `w + W`, `w + 2W`, ... in that order, each on a fresh implementation it
//! builds itself. A final [`HuntReport`] covers a prefix of the numbered
//! cases, never a scattering:
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
//! run. Only a hunt stopped from outside ([`Workers::stop`]) may report a
//! failure that is not the stream's first: then its [`Divergent::first`]
//! is false.

use std::collections::BTreeMap;
use std::num::NonZeroUsize;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::mpsc::{self, Receiver, RecvTimeoutError, Sender};
use std::time::{Duration, Instant};

use super::conformance::Conformance;
use super::coverage::Coverage;
use super::run::{CaseConfig, CaseOutcome, Failure, run_case};
use super::seed::Seed;
use super::verdict::{Divergent, Unknown, Verdict};

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

/// How a hunt runs: on how many threads, and what may stop it early.
#[derive(Clone, Copy, Debug)]
pub struct Workers<'a> {
    /// Worker threads; each builds its own implementations, so an
    /// implementation need not be `Send`.
    pub count: NonZeroUsize,
    /// Raised from outside (on Ctrl-C, say) to stop the hunt once the
    /// cases under way are done.
    pub stop: Option<&'a AtomicBool>,
}

impl Workers<'static> {
    /// One worker, not stoppable from outside: the plain [`hunt`].
    pub fn one() -> Self {
        Workers {
            count: NonZeroUsize::MIN,
            stop: None,
        }
    }

    /// One worker per core (`std::thread::available_parallelism`).
    pub fn per_core() -> Self {
        Workers {
            count: std::thread::available_parallelism().unwrap_or(NonZeroUsize::MIN),
            stop: None,
        }
    }
}

/// The state of a hunt, as reported along the way and at the end.
///
/// Along the way (the `progress` callback) the counts cover every case done
/// so far, in any order; at the end they cover the prefix the module docs
/// describe.
#[derive(Clone, Debug)]
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
pub fn hunt<I: Conformance>(
    config: &HuntConfig,
    make: &(dyn Fn() -> I + Sync),
    progress: &mut dyn FnMut(&HuntReport),
) -> HuntReport {
    hunt_with(config, Workers::one(), make, progress)
}

/// Runs cases on fresh implementations from `make`, on `workers.count`
/// threads (each calls `make` itself), until the budget is spent, a case
/// fails, or `workers.stop` is raised. `progress` is called on the
/// calling thread with the state so far, after every batch of cases done
/// and at least every [`TICK`].
pub fn hunt_with<I: Conformance>(
    config: &HuntConfig,
    workers: Workers<'_>,
    make: &(dyn Fn() -> I + Sync),
    progress: &mut dyn FnMut(&HuntReport),
) -> HuntReport {
    let shared = Shared {
        config,
        workers: workers.count.get() as u64,
        started: Instant::now(),
        stop: workers.stop,
        failure_floor: AtomicU64::new(NO_FAILURE),
        sealed: AtomicU64::new(0),
        interrupted: AtomicBool::new(false),
    };
    std::thread::scope(|scope| {
        let (sender, receiver) = mpsc::channel();
        for worker in 0..shared.workers {
            let (shared, sender) = (&shared, sender.clone());
            scope.spawn(move || work(worker, shared, make, sender));
        }
        // The workers hold the only senders left: when the last one ends,
        // the channel closes and the collection below ends.
        drop(sender);
        collect(&shared, receiver, progress)
    })
}

/// How often `progress` is called while no case finishes.
pub const TICK: Duration = Duration::from_millis(100);

/// A worker sends its results after this many cases or this much time.
const BATCH_CASES: usize = 64;
const BATCH_TIME: Duration = Duration::from_millis(50);

/// How far past the counted prefix a worker may run before it waits for
/// the others: bounds the results held back for counting in order.
const AHEAD_MAX: u64 = 1 << 16;

const NO_FAILURE: u64 = u64::MAX;

/// What the workers and the collecting thread share.
struct Shared<'a> {
    config: &'a HuntConfig,
    workers: u64,
    started: Instant,
    stop: Option<&'a AtomicBool>,
    /// The lowest-numbered failing case found so far, or [`NO_FAILURE`].
    failure_floor: AtomicU64,
    /// Every case numbered below this is done and counted.
    sealed: AtomicU64,
    /// A worker stopped because the hunt was stopped from outside, with
    /// its budget not spent: the verdict cannot be settled.
    interrupted: AtomicBool,
}

/// Whether a worker runs case `index`.
enum Turn {
    Run,
    Wait,
    Stop,
}

impl Shared<'_> {
    fn stopped_from_outside(&self) -> bool {
        self.stop.is_some_and(|stop| stop.load(Ordering::Relaxed))
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

type Batch = Vec<(u64, CaseOutcome)>;

/// Worker `worker`'s loop: its cases in order, results sent in batches.
fn work<I: Conformance>(
    worker: u64,
    shared: &Shared<'_>,
    make: &(dyn Fn() -> I + Sync),
    sender: Sender<Batch>,
) {
    let mut batch = Vec::with_capacity(BATCH_CASES);
    let mut last_sent = Instant::now();
    let mut index = worker;
    loop {
        match shared.turn(index) {
            Turn::Stop => break,
            Turn::Wait => {
                // Results held here could be what the count waits for:
                // with none held by a waiting worker, some worker can run.
                if !batch.is_empty() && sender.send(std::mem::take(&mut batch)).is_err() {
                    return;
                }
                std::thread::sleep(Duration::from_millis(1));
                continue;
            }
            Turn::Run => {}
        }
        let outcome = run_case(shared.config.seed.case(index), &shared.config.case, make);
        let failed = outcome.failure.is_some();
        if failed {
            // At once, so that no worker starts a case it cannot count.
            shared.failure_floor.fetch_min(index, Ordering::AcqRel);
        }
        batch.push((index, outcome));
        if failed || batch.len() >= BATCH_CASES || last_sent.elapsed() >= BATCH_TIME {
            if sender.send(std::mem::take(&mut batch)).is_err() {
                return;
            }
            last_sent = Instant::now();
        }
        index += shared.workers;
    }
    if !batch.is_empty() {
        // A closed channel means the hunt is over: nothing left to report.
        let _ = sender.send(batch);
    }
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

/// The collecting thread's loop: counts results as they come, calls
/// `progress`, and builds the final report when every worker has ended.
fn collect(
    shared: &Shared<'_>,
    receiver: Receiver<Batch>,
    progress: &mut dyn FnMut(&HuntReport),
) -> HuntReport {
    let seed = shared.config.seed;
    let mut live = HuntReport::new(seed);
    let mut ledger = Ledger::new(seed);
    loop {
        match receiver.recv_timeout(TICK) {
            Ok(batch) => {
                for (index, outcome) in batch {
                    live.count(index, &outcome);
                    ledger.add(index, outcome);
                }
                shared.sealed.store(ledger.next, Ordering::Release);
            }
            Err(RecvTimeoutError::Timeout) => {}
            Err(RecvTimeoutError::Disconnected) => break,
        }
        live.elapsed = shared.started.elapsed();
        if shared.stopped_from_outside() && live.failure().is_none() {
            live.verdict = Verdict::Unknown(Unknown::Interrupted);
        }
        progress(&live);
    }
    let closed = ledger.closed;
    let mut report = ledger.totals;
    report.elapsed = shared.started.elapsed();
    report.failures = live.failures;
    let budget_spent = match shared.config.budget {
        Budget::Cases(cases) => report.cases >= cases,
        Budget::Time(_) => !shared.interrupted.load(Ordering::Acquire),
    };
    report.verdict = match (closed, budget_spent, live.verdict) {
        // The prefix ends at the stream's first failure.
        (true, _, _) => report.verdict,
        (false, true, _) if report.cases == 0 => Verdict::Unknown(Unknown::NoCases),
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
                    },
                },
            }),
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
