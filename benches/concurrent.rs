//! The concurrent hunt's cost: parallel cases per second on the simulated
//! framework, and the linearizability checker's time against the length
//! of a history and the number of threads that made it.
//!
//! Histories are recorded up front from the simulated framework behind one
//! lock (which is linearizable, so the checker searches until it finds an
//! order, as it does for every passing round), for fixed seeds; what the
//! scheduler interleaves varies from run to run, so the figures are for
//! comparing runs of the same build, with the spread criterion reports.

use std::hint::black_box;

use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use wdfreq::harness::{
    CaseConfig, ConcurrentConfig, ParallelCase, Seed, defined_steps, generated_steps,
    run_concurrent_case, run_parallel,
};
use wdfreq::linearize::{Budget, check};
use wdfreq::sim::Simulated;
use wdfreq::vocab::{History, Settings};

/// Histories per batch.
const HISTORIES: u64 = 16;

fn histories(steps_max: usize, drivers: usize) -> Vec<History> {
    let config = CaseConfig {
        steps_max,
        ..CaseConfig::default()
    };
    (0..HISTORIES)
        .map(|seed| {
            let steps = defined_steps(config.settings, &generated_steps(Seed(seed), &config));
            let case = ParallelCase::new(steps, drivers);
            run_parallel(&Simulated, config.settings, &case).expect("the simulation does not panic")
        })
        .collect()
}

fn checker(c: &mut Criterion) {
    let mut group = c.benchmark_group("linearize");
    for (steps_max, drivers) in [(16, 1), (16, 2), (48, 2), (48, 4), (128, 2)] {
        let batch = histories(steps_max, drivers);
        let operations: usize = batch.iter().map(|h| h.operations.len()).sum();
        group.throughput(Throughput::Elements(operations as u64));
        group.bench_with_input(
            BenchmarkId::new("check", format!("{steps_max} steps max, {drivers} drivers")),
            &batch,
            |b, batch| {
                b.iter(|| {
                    for history in batch {
                        let verdict = check(black_box(history), Settings::DEFAULT, Budget::DEFAULT);
                        assert!(verdict.expect("well-formed").is_linearizable());
                    }
                })
            },
        );
    }
    group.finish();
}

fn cases(c: &mut Criterion) {
    let mut group = c.benchmark_group("concurrent");
    let config = ConcurrentConfig {
        rounds: 1,
        ..ConcurrentConfig::default()
    };
    group.throughput(Throughput::Elements(HISTORIES));
    group.bench_function("cases/one round each, sim", |b| {
        b.iter(|| {
            for seed in 0..HISTORIES {
                let outcome = run_concurrent_case(Seed(seed), &config, &Simulated);
                assert!(outcome.failure.is_none());
            }
        })
    });
    group.finish();
}

criterion_group! {
    name = benches;
    config = Criterion::default().sample_size(20);
    targets = checker, cases
}
criterion_main!(benches);
