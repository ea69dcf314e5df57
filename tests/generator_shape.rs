//! The proptest generator makes sequences worth running: mostly legal
//! steps, both origins, several requests and targets in one sequence.

use std::collections::BTreeSet;

use proptest::strategy::{Strategy, ValueTree};
use proptest::test_runner::TestRunner;
use proptest_state_machine::ReferenceStateMachine;
use wdfreq::harness::Seed;
use wdfreq::harness::strategy::Generator;
use wdfreq::model::Model;
use wdfreq::vocab::{Call, Step};

fn sequences(count: u64) -> Vec<Vec<Step>> {
    (0..count)
        .map(|i| {
            let mut runner = TestRunner::new_with_rng(Default::default(), Seed(i).rng());
            let tree = Generator::sequential_strategy(48..=48)
                .new_tree(&mut runner)
                .expect("generation never rejects");
            tree.current().1
        })
        .collect()
}

/// Property: at least 70% of generated steps are legal (the model accepts
/// and judges them), and at least 3% are not (refused, or of undefined
/// outcome), so both spaces are explored.
#[test]
fn most_generated_steps_are_legal_but_not_all() {
    let (mut legal, mut total) = (0usize, 0usize);
    for steps in sequences(200) {
        let mut model = Model::new();
        for step in &steps {
            let judgement = model.step(step).expect("well-formed");
            legal += usize::from(judgement.outcome.is_ok() && !judgement.is_unjudged());
            total += 1;
        }
    }
    let share = legal as f64 / total as f64;
    assert!((0.70..0.97).contains(&share), "legal share {share:.3}");
}

/// Property: most sequences mix both origins, several requests and
/// several targets.
#[test]
fn sequences_mix_origins_requests_and_targets() {
    let all = sequences(200);
    let mixed = all
        .iter()
        .filter(|steps| {
            let created = steps.iter().any(|s| matches!(s, Step::Create { .. }));
            let received = steps.iter().any(|s| matches!(s, Step::Receive { .. }));
            let requests: BTreeSet<_> = steps.iter().map(Step::request).collect();
            let targets: BTreeSet<_> = steps
                .iter()
                .filter_map(|s| match s {
                    Step::Call {
                        call: Call::Send { target, .. },
                        ..
                    } => Some(*target),
                    _ => None,
                })
                .collect();
            created && received && requests.len() >= 3 && targets.len() >= 2
        })
        .count();
    assert!(mixed * 2 > all.len(), "only {mixed} of {} mixed", all.len());
}

/// Property: a default hunt of 2,000 cases (the README's) goes deep, in the
/// default settings and in KMDF: at least 20 Reuses of one request before
/// a completion reaches its callback, at least 4 sends outstanding at one
/// target at once, at least 8 requests alive at once (the figures a
/// wrapping generation counter, a target that holds few sends and a small
/// request table need).
#[test]
fn a_default_hunt_reaches_the_stated_depths() {
    use wdfreq::harness::{Budget, CaseConfig, HuntConfig, hunt};
    use wdfreq::sim::Framework;
    use wdfreq::vocab::Settings;
    for settings in [Settings::DEFAULT, Settings::KMDF] {
        let config = HuntConfig {
            seed: Seed(1),
            budget: Budget::Cases(2000),
            case: CaseConfig {
                settings,
                ..CaseConfig::default()
            },
        };
        let report = hunt(
            &config,
            move || Framework::with_settings(settings),
            &mut |_| {},
        );
        let depth = report.coverage.depth;
        assert!(depth.reuses_before_completion >= 20, "{settings}: {depth}");
        assert!(depth.outstanding_at_one_target >= 4, "{settings}: {depth}");
        assert!(depth.live_requests >= 8, "{settings}: {depth}");
    }
}
