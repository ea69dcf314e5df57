//! The concurrent hunt: parallel cases on a shared instance, judged by the
//! linearizability checker. The simulated framework behind one lock passes
//! in every setting; what a race breaks is caught.

use wdfreq::harness::{CaseConfig, ConcurrentConfig, ParallelCase, Seed, run_concurrent_case};
use wdfreq::sim::Simulated;
use wdfreq::vocab::{Settings, Step};

fn config(settings: Settings) -> ConcurrentConfig {
    ConcurrentConfig {
        case: CaseConfig {
            settings,
            ..ConcurrentConfig::default().case
        },
        ..ConcurrentConfig::default()
    }
}

/// Property: the simulated framework shared between threads, one lock
/// around it and its routines run outside the lock, is linearizable in
/// every setting, for every case and round tried.
#[test]
fn the_simulated_framework_shared_between_threads_is_linearizable() {
    for settings in Settings::all() {
        for seed in 0..24 {
            let outcome = run_concurrent_case(Seed(seed), &config(settings), &Simulated);
            if let Some(failure) = outcome.failure {
                panic!(
                    "{settings}, seed {seed}:\n{}",
                    failure.divergence.report(&failure.steps)
                );
            }
            assert!(outcome.steps > 0);
        }
    }
}

/// Property: a split keeps every request's calls on one driver thread in
/// their order, the introductions first, and the target's steps on the
/// last thread; flattened, it splits again to itself (so a flattened case
/// is enough to replay it).
#[test]
fn a_split_keeps_each_requests_calls_in_order_and_splits_again_to_itself() {
    for seed in 0..64 {
        let steps = wdfreq::harness::generated_steps(Seed(seed), &CaseConfig::default());
        let case = ParallelCase::split(&steps, 3);
        assert_eq!(case.threads.len(), 4);
        assert_eq!(case.len(), steps.len());
        for step in &case.prefix {
            assert!(matches!(step, Step::Create { .. } | Step::Receive { .. }));
        }
        for step in &case.threads[3] {
            assert!(matches!(
                step,
                Step::TargetComplete { .. } | Step::TimedOut { .. } | Step::Target { .. }
            ));
        }
        for (thread, calls) in case.threads[..3].iter().enumerate() {
            let in_order: Vec<&Step> = steps
                .iter()
                .filter(|s| {
                    matches!(s, Step::Call { request, .. } if request.0 as usize % 3 == thread)
                })
                .collect();
            assert_eq!(calls.iter().collect::<Vec<_>>(), in_order);
        }
        assert_eq!(ParallelCase::split(&case.steps(), 3), case);
    }
}
