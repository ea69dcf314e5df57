//! Model steps per second: how fast the reference model judges and applies
//! one [`Step`].
//!
//! Every conformance case runs the model once per step (and the generator
//! runs it again while drawing), so its speed bounds how many cases a hunt
//! gets through in its budget. This bench isolates it: a fixed batch of
//! 48-step sequences is generated up front, deterministically from
//! `Seed(1)`, and each iteration replays the whole batch through fresh
//! models (`Model::new()` + `model.step(&step)`). Throughput is reported in
//! steps, so the figure reads as model steps per second.

use std::hint::black_box;
use std::time::Duration;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use proptest::strategy::{Strategy, ValueTree};
use proptest::test_runner::{Config, TestRunner};
use proptest_state_machine::ReferenceStateMachine;
use wdfreq::harness::Seed;
use wdfreq::harness::strategy::Generator;
use wdfreq::model::Model;
use wdfreq::vocab::Step;

/// Sequences in the batch.
const SEQUENCES: usize = 64;
/// Steps per generated sequence.
const STEPS: usize = 48;

/// The batch: `SEQUENCES` sequences of `STEPS` steps, the same on every run.
fn batch() -> Vec<Vec<Step>> {
    let mut runner = TestRunner::new_with_rng(Config::default(), Seed(1).rng());
    let strategy = Generator::sequential_strategy(STEPS..=STEPS);
    (0..SEQUENCES)
        .map(|_| {
            let tree = strategy
                .new_tree(&mut runner)
                .expect("the generator's steps always meet its preconditions");
            let (_, steps, _) = tree.current();
            steps
        })
        .collect()
}

fn model_steps(c: &mut Criterion) {
    let batch = batch();
    let steps_count: usize = batch.iter().map(Vec::len).sum();
    let mut group = c.benchmark_group("model");
    group.throughput(Throughput::Elements(steps_count as u64));
    group.bench_function(format!("steps/{SEQUENCES}x{STEPS}-step sequences"), |b| {
        b.iter(|| {
            for steps in &batch {
                let mut model = Model::new();
                for step in steps {
                    let _ = black_box(model.step(black_box(step)));
                }
                black_box(&model);
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
    targets = model_steps
}
criterion_main!(benches);
