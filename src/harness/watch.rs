//! [`Watch`]: what one hunt worker is doing, published for the collecting
//! thread, which is the hunt's watchdog.
//!
//! A worker marks every run of a sequence (a case as generated, or one
//! shrink attempt) as it starts, and each step, with relaxed stores to
//! atomics it alone writes: no clock is read on the worker's side. The
//! collecting thread samples the marks every tick and notes when the run
//! count last changed; a run that has not ended within the case time limit
//! is a hang, reported from the marks alone (the worker cannot answer: it
//! is inside the implementation's call).
//!
//! The worker also hands over each case's outcome here as soon as the case
//! is done, so that a worker stuck in a later case loses nothing the
//! count needs.

use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};

use super::divergence::Activity;
use super::run::CaseOutcome;
use crate::vocab::Step;

/// `case` when the worker runs no case.
const IDLE: u64 = u64::MAX;

/// The bits of `at` that hold the step index; the activity is above.
const STEP_BITS: u32 = 48;

/// One worker's published state.
#[derive(Debug)]
pub(crate) struct Watch {
    /// Runs started by this worker: a change means the last one ended.
    runs: AtomicU64,
    /// The case the worker is on, or [`IDLE`].
    case: AtomicU64,
    /// The activity (above [`STEP_BITS`]) and the step index of the run.
    at: AtomicU64,
    /// The sequence of the run under way when it is not the case as
    /// generated, and whether it is a shrink attempt; `None` while the case
    /// runs as generated.
    attempt: Mutex<Option<(Vec<Step>, bool)>>,
    /// Outcomes of cases done and not yet collected.
    done: Mutex<Vec<(u64, CaseOutcome)>>,
    /// The worker has ended: it runs nothing more.
    ended: AtomicBool,
}

/// Where a worker's run is, as sampled by the watchdog.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Position {
    pub runs: u64,
    /// The case, or `None` when idle.
    pub case: Option<u64>,
    pub activity: Activity,
    pub step: usize,
}

impl Watch {
    pub fn new() -> Self {
        Watch {
            runs: AtomicU64::new(0),
            case: AtomicU64::new(IDLE),
            at: AtomicU64::new(0),
            attempt: Mutex::new(None),
            done: Mutex::new(Vec::new()),
            ended: AtomicBool::new(false),
        }
    }

    /// The worker starts case `case`, which it first runs as generated.
    pub fn begin_case(&self, case: u64) {
        *lock(&self.attempt) = None;
        self.case.store(case, Ordering::Release);
    }

    /// The worker waits, running no case.
    pub fn idle(&self) {
        self.case.store(IDLE, Ordering::Release);
    }

    /// A run starts: a fresh implementation is being built.
    pub fn begin_run(&self) {
        self.mark(Activity::Building, 0);
        self.runs.fetch_add(1, Ordering::Release);
    }

    /// A shrink attempt starts, running `steps`.
    pub fn begin_attempt(&self, steps: &[Step]) {
        self.begin_sequence(steps, true);
    }

    /// A run of `steps` starts (a shrink attempt, or not: a concurrent
    /// case's round).
    pub fn begin_sequence(&self, steps: &[Step], shrinking: bool) {
        *lock(&self.attempt) = Some((steps.to_vec(), shrinking));
        self.begin_run();
    }

    /// The run is `activity`, at step `step`.
    pub fn mark(&self, activity: Activity, step: usize) {
        let code = match activity {
            Activity::Building => 0,
            Activity::Stepping => 1,
            Activity::Finishing => 2,
            Activity::Dropping => 3,
        };
        self.at
            .store((code << STEP_BITS) | step as u64, Ordering::Release);
    }

    /// Case `case` is done with `outcome`.
    pub fn hand_over(&self, case: u64, outcome: CaseOutcome) {
        lock(&self.done).push((case, outcome));
    }

    /// The outcomes handed over since the last take.
    pub fn take_done(&self) -> Vec<(u64, CaseOutcome)> {
        std::mem::take(&mut *lock(&self.done))
    }

    /// The worker ends.
    pub fn end(&self) {
        self.idle();
        self.ended.store(true, Ordering::Release);
    }

    pub fn ended(&self) -> bool {
        self.ended.load(Ordering::Acquire)
    }

    /// Where the worker is now.
    pub fn position(&self) -> Position {
        let runs = self.runs.load(Ordering::Acquire);
        let case = self.case.load(Ordering::Acquire);
        let at = self.at.load(Ordering::Acquire);
        let activity = match at >> STEP_BITS {
            0 => Activity::Building,
            1 => Activity::Stepping,
            2 => Activity::Finishing,
            _ => Activity::Dropping,
        };
        Position {
            runs,
            case: (case != IDLE).then_some(case),
            activity,
            step: (at & ((1 << STEP_BITS) - 1)) as usize,
        }
    }

    /// The sequence under way when it is not the case as generated, and
    /// whether it is a shrink attempt.
    pub fn attempt(&self) -> Option<(Vec<Step>, bool)> {
        lock(&self.attempt).clone()
    }
}

/// A poisoned lock still holds good data: each holder only pushes, takes
/// or replaces a whole value.
fn lock<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    mutex
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_position_reads_back_the_marks_a_worker_made() {
        let watch = Watch::new();
        assert_eq!(watch.position().case, None);
        watch.begin_case(41);
        watch.begin_run();
        watch.mark(Activity::Stepping, 17);
        let position = watch.position();
        assert_eq!(
            position,
            Position {
                runs: 1,
                case: Some(41),
                activity: Activity::Stepping,
                step: 17
            }
        );
        assert_eq!(watch.attempt(), None);
        watch.begin_attempt(&[]);
        assert_eq!(watch.attempt(), Some((Vec::new(), true)));
        assert_eq!(watch.position().runs, 2);
        watch.end();
        assert!(watch.ended());
        assert_eq!(watch.position().case, None);
    }
}
