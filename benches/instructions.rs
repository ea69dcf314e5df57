//! Instructions per step and per event, counted by Callgrind: what the
//! hunt and the checker cost, as ratios that load on a shared machine
//! does not disturb.
//!
//! One batch of work per figure, each the same in every run:
//!
//! - the hunt: the [`CASES`] cases of seeds `0..CASES` with the default
//!   settings, [`STEPS`] steps in all. `model_alone` steps the reference
//!   model through the sequences the cases draw; `execute_on_sim` runs them
//!   on the model and the simulated framework side by side (what a
//!   pre-generated sequence costs, coverage counted); `run_case_on_sim`
//!   draws and runs the cases as a hunt does. Divide by [`STEPS`] for
//!   instructions per step, and by `model_alone`'s count for the ratio to
//!   the model.
//! - the checker: the first [`EVENTS`] events of the continuous reader's
//!   trace (the `check_throughput` bench's). `check` checks them whole;
//!   `parse_fast_path`, `parse_serde_json` and `scan_alone` parse their
//!   lines only. Divide by [`EVENTS`] for instructions per event, and by
//!   `scan_alone`'s count for the ratio to the line scan.
//!
//! Counting needs Valgrind and the runner of the same version as the
//! `gungraun` dev-dependency:
//!
//! ```text
//! apt-get install valgrind
//! cargo install gungraun-runner --version 0.20.0
//! cargo bench --bench instructions
//! ```

use std::hint::black_box;
use std::io::Cursor;

use gungraun::prelude::*;
use wdfreq::check::Names;
use wdfreq::check::parse::{parse_line, parse_line_json};
use wdfreq::check::scan::Flat;
use wdfreq::harness::{CaseConfig, Coverage, Seed, execute, run_case};
use wdfreq::model::Model;
use wdfreq::sim::Framework;
use wdfreq::vocab::Step;

#[path = "workloads/mod.rs"]
mod workloads;

/// Cases in the hunt's batch: seeds `0..CASES`.
const CASES: u64 = 256;
/// Steps the batch's cases draw, in all (each case passes, so it runs
/// every step it draws). The setup asserts it: a change to the generator
/// changes it.
const STEPS: usize = 16_660;
/// Events in the checker's batch.
const EVENTS: usize = 100_040;

/// The hunt's batch, its step count asserted.
fn hunt_batch() -> Vec<Vec<Step>> {
    let batch = workloads::hunt_sequences(CASES);
    let steps: usize = batch.iter().map(Vec::len).sum();
    assert_eq!(steps, STEPS, "the batch's step count changed: set STEPS");
    batch
}

/// The checker's batch: the continuous reader's trace, its event count
/// asserted.
fn trace_batch() -> String {
    let text = workloads::trace(EVENTS);
    assert_eq!(text.lines().count(), EVENTS, "set EVENTS to the trace's");
    text
}

#[library_benchmark]
#[bench::hunt_batch(setup = hunt_batch)]
fn model_alone(batch: Vec<Vec<Step>>) {
    let settings = CaseConfig::default().settings;
    for steps in &batch {
        let mut model = Model::with_settings(settings);
        for step in steps {
            let _ = black_box(model.step(black_box(step)));
        }
        black_box(&model);
    }
}

#[library_benchmark]
#[bench::hunt_batch(setup = hunt_batch)]
fn execute_on_sim(batch: Vec<Vec<Step>>) {
    let settings = CaseConfig::default().settings;
    for steps in &batch {
        let mut coverage = Coverage::default();
        let run = execute(Framework::new(), settings, steps, Some(&mut coverage), None)
            .expect("every case of the batch passes");
        black_box((run, coverage));
    }
}

#[library_benchmark]
fn run_case_on_sim() {
    let config = CaseConfig::default();
    for seed in 0..CASES {
        let outcome = run_case(Seed(seed), &config, &Framework::new);
        assert!(outcome.failure.is_none(), "every case of the batch passes");
        black_box(outcome);
    }
}

#[library_benchmark]
#[bench::trace_batch(setup = trace_batch)]
fn check(text: String) {
    let summary = wdfreq::check::check("bench.jsonl", Cursor::new(text), &mut |_| {})
        .expect("the bench trace is well formed");
    assert_eq!(summary.events as usize, EVENTS);
    black_box(summary);
}

#[library_benchmark]
#[bench::trace_batch(setup = trace_batch)]
fn parse_fast_path(text: String) {
    let mut names = Names::default();
    for line in text.lines() {
        black_box(parse_line(line, &mut names).ok());
    }
}

#[library_benchmark]
#[bench::trace_batch(setup = trace_batch)]
fn parse_serde_json(text: String) {
    let mut names = Names::default();
    for line in text.lines() {
        black_box(parse_line_json(line, &mut names).ok());
    }
}

#[library_benchmark]
#[bench::trace_batch(setup = trace_batch)]
fn scan_alone(text: String) {
    let mut flat = Flat::default();
    for line in text.lines() {
        black_box(flat.scan(line));
    }
}

library_benchmark_group!(
    name = hunt,
    benchmarks = [model_alone, execute_on_sim, run_case_on_sim]
);

library_benchmark_group!(
    name = checker,
    benchmarks = [check, parse_fast_path, parse_serde_json, scan_alone]
);

main!(library_benchmark_groups = hunt, checker);
