//! Conformance cases per second: the throughput of `wdfreq hunt` against
//! the simulated framework.
//!
//! `run_case` is what a hunt does per case: draw each step from the seed's
//! stream and the model's state (`harness::draw`) and run it on the
//! reference model and the simulated framework side by side. A passing case
//! never shrinks, so for a fixed set of passing seeds the cost is
//! generation + execution. The second benchmark runs `execute` alone on the
//! very sequences `run_case` draws for those seeds (regenerated up front
//! the same way, coverage recorded as `run_case` records it), so the gap
//! between the two is the generator's share. Both report throughput in
//! cases (sequences).

use std::hint::black_box;
use std::time::Duration;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use wdfreq::harness::{CaseConfig, Coverage, Seed, execute, generated_steps, run_case};
use wdfreq::sim::Framework;
use wdfreq::vocab::Step;

/// Cases per iteration: seeds `0..CASES`.
const CASES: u64 = 32;

fn seeds() -> impl Iterator<Item = Seed> {
    (0..CASES).map(Seed)
}

/// The sequence `run_case` generates for `seed` under `config`.
fn sequence_of(seed: Seed, config: &CaseConfig) -> Vec<Step> {
    generated_steps(seed, config)
}

fn conformance_cases(c: &mut Criterion) {
    let config = CaseConfig::default();
    // A failing seed would shrink, and the bench would time the shrinker.
    for seed in seeds() {
        let outcome = run_case(seed, &config, &Framework::new);
        assert!(
            outcome.failure.is_none(),
            "seed {seed} fails against the simulated framework: {:?}",
            outcome.failure
        );
    }
    let sequences: Vec<Vec<Step>> = seeds().map(|seed| sequence_of(seed, &config)).collect();
    let steps_count: usize = sequences.iter().map(Vec::len).sum();
    println!("{CASES} cases, {steps_count} steps in all");

    let mut group = c.benchmark_group("conformance");
    group.throughput(Throughput::Elements(CASES));
    group.bench_function("run_case (generate + execute)", |b| {
        b.iter(|| {
            for seed in seeds() {
                black_box(run_case(black_box(seed), &config, &Framework::new));
            }
        });
    });
    group.bench_function("execute (model + sim, pre-generated)", |b| {
        b.iter(|| {
            for steps in &sequences {
                let mut coverage = Coverage::default();
                let mut framework = Framework::new();
                let steps_run = execute(
                    &mut framework,
                    config.settings,
                    black_box(steps),
                    Some(&mut coverage),
                    None,
                )
                .expect("every seed passed above");
                black_box((steps_run, coverage));
            }
        });
    });
    group.finish();
}

criterion_group! {
    name = benches;
    config = Criterion::default()
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(3))
        .sample_size(20);
    targets = conformance_cases
}
criterion_main!(benches);
