//! Traces out: what a run did, written as a trace, is judged by `check`
//! exactly as the harness judged the run. A run of the simulated framework
//! passes; a failing run of each gallery mutant fails with its rule.

use std::io::Cursor;

use proptest::strategy::{Strategy, ValueTree};
use proptest::test_runner::TestRunner;
use wdfreq::check::check;
use wdfreq::check::write::trace_text;
use wdfreq::harness::strategy::sequences;
use wdfreq::harness::{Budget, CaseConfig, HuntConfig, Seed, hunt, record};
use wdfreq::model::Model;
use wdfreq::sim::Framework;
use wdfreq::vocab::{RuleId, Settings, Severity, Step};

fn cases(default: u64) -> u64 {
    std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

fn generated(settings: Settings, seed: u64) -> Vec<Step> {
    let mut runner = TestRunner::new_with_rng(Default::default(), Seed(seed).rng());
    let tree = sequences(settings, 1..=48)
        .new_tree(&mut runner)
        .expect("generation never rejects");
    tree.current().1
}

/// The error findings `check` reports for `trace`, by rule, in order.
fn errors(trace: &str) -> Vec<RuleId> {
    let mut found = Vec::new();
    let result = check("run.jsonl", Cursor::new(trace), &mut |f| {
        if f.severity() == Severity::Error {
            found.push(f.rule);
        }
    });
    if let Err(error) = result {
        panic!("the writer wrote a malformed trace: {error}\n{trace}");
    }
    found
}

/// The driver errors of `steps`, refused or let through: the trace shows
/// every call the driver made, refused ones included (but no target
/// completion that was refused: it did not happen).
fn driver_errors(settings: Settings, steps: &[Step]) -> Vec<RuleId> {
    let mut model = Model::with_settings(settings);
    steps
        .iter()
        .filter_map(|s| {
            let judgement = model.step(s).ok()?;
            let refused = judgement
                .outcome
                .err()
                .filter(|_| !matches!(s, Step::TargetComplete { .. } | Step::TimedOut { .. }));
            let undefined = match judgement.judged {
                wdfreq::model::Judged::Undefined(v) => Some(v),
                _ => None,
            };
            refused
                .or(undefined)
                .or(judgement.let_through)
                .map(|v| v.rule)
        })
        .collect()
}

/// Property: for every framework of the settings and generated sequences,
/// the trace of the simulated framework's run is well formed and `check`
/// finds in it exactly the driver errors of the sequence (refused or let
/// through), and no framework error at all.
#[test]
fn trace_of_any_simulated_run_passes_check() {
    for settings in Settings::all() {
        for seed in 0..cases(40) {
            let steps = generated(settings, seed);
            let (observations, divergence) =
                record(Framework::with_settings(settings), settings, &steps);
            assert_eq!(divergence, None, "{settings}, seed {seed}");
            let trace = trace_text(settings, &observations);
            let found = errors(&trace);
            assert_eq!(
                found,
                driver_errors(settings, &steps),
                "{settings}\n{trace}"
            );
        }
    }
}

/// Property: the trace of each gallery mutant's shrunk failure fails
/// `check` with the rule the failure shows (one of the mutant's symptoms).
#[test]
fn trace_of_each_mutants_failure_fails_check_with_its_rule() {
    for mutant in wdfreq::gallery::all() {
        let settings = mutant.settings;
        let config = HuntConfig {
            seed: Seed(1),
            budget: Budget::Cases(2000),
            case: CaseConfig {
                settings,
                ..CaseConfig::default()
            },
        };
        let report = hunt(&config, move || mutant.framework_in(settings), &mut |_| {});
        let failure = report
            .verdict
            .into_failure()
            .expect("the gallery's mutants are caught");
        let (observations, divergence) =
            record(mutant.framework_in(settings), settings, &failure.steps);
        let rule = failure
            .divergence
            .rule()
            .expect("a mutant's failure names a rule");
        assert!(mutant.symptom(rule).is_some(), "{}: {rule}", mutant.name);
        assert_eq!(divergence.and_then(|d| d.rule()), Some(rule));
        let trace = trace_text(settings, &observations);
        assert!(
            errors(&trace).contains(&rule),
            "{}: {rule}\n{trace}",
            mutant.name,
        );
    }
}

/// A synchronous send the framework refuses (cancelled, KMDF) returns at
/// once: its trace has no `target_complete`, and `check` reports the
/// refusal alone, with the status read after it agreeing.
#[test]
fn trace_of_a_refused_sync_send_has_no_target_completion() {
    use wdfreq::vocab::Status;
    use wdfreq::vocab::build::{R0, cancel, create, delete, format, read_status, send_sync};
    let settings = Settings::KMDF;
    let steps = vec![
        create(R0),
        format(R0),
        cancel(R0),
        send_sync(R0, Status::SUCCESS, 0),
        read_status(R0),
        delete(R0),
    ];
    let (observations, divergence) = record(Framework::with_settings(settings), settings, &steps);
    assert_eq!(divergence, None);
    let trace = trace_text(settings, &observations);
    assert!(!trace.contains("target_complete"), "{trace}");
    assert_eq!(errors(&trace), vec![RuleId::SendCancelled], "{trace}");
}
