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
