//! [`hunt`]: many cases, one after another, until the budget is spent or a
//! case fails.
//!
//! Determinism: the cases of a run are a function of the run seed alone
//! (case `i` uses `seed.case(i)`); the wall clock only decides how many are
//! run under a time budget, never what they contain or their verdict.

use std::time::{Duration, Instant};

use super::conformance::Conformance;
use super::coverage::Coverage;
use super::run::{CaseConfig, Failure, run_case};
use super::seed::Seed;

/// When a hunt stops (besides at the first failure).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Budget {
    /// After this many cases.
    Cases(u64),
    /// After the first case that ends past this much time.
    Time(Duration),
}

/// Settings of a hunt.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct HuntConfig {
    pub seed: Seed,
    pub budget: Budget,
    pub case: CaseConfig,
}

/// The state of a hunt, as reported along the way and at the end.
#[derive(Clone, Debug)]
pub struct HuntReport {
    pub seed: Seed,
    /// Cases run.
    pub cases: u64,
    /// Steps run, over all cases (as generated, before any shrinking).
    pub steps: u64,
    pub coverage: Coverage,
    /// The first failing case, shrunk.
    pub failure: Option<Failure>,
    pub elapsed: Duration,
}

/// Runs cases on fresh implementations from `make` until the budget is
/// spent or one fails; calls `progress` after every case.
pub fn hunt<I: Conformance>(
    config: &HuntConfig,
    make: &dyn Fn() -> I,
    progress: &mut dyn FnMut(&HuntReport),
) -> HuntReport {
    let started = Instant::now();
    let mut report = HuntReport {
        seed: config.seed,
        cases: 0,
        steps: 0,
        coverage: Coverage::default(),
        failure: None,
        elapsed: Duration::ZERO,
    };
    while !spent(config.budget, &report, started) {
        let outcome = run_case(config.seed.case(report.cases), &config.case, make);
        report.cases += 1;
        report.steps += outcome.steps as u64;
        report.coverage.merge(&outcome.coverage);
        report.failure = outcome.failure;
        report.elapsed = started.elapsed();
        progress(&report);
        if report.failure.is_some() {
            break;
        }
    }
    report
}

fn spent(budget: Budget, report: &HuntReport, started: Instant) -> bool {
    match budget {
        Budget::Cases(cases) => report.cases >= cases,
        Budget::Time(limit) => started.elapsed() >= limit,
    }
}
