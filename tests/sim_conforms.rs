//! The simulated framework conforms to the reference model, under every
//! generator the harness offers, and a default run exercises every rule.

use proptest::prelude::RngExt;
use proptest::prelude::*;
use proptest::strategy::ValueTree;
use proptest_state_machine::{ReferenceStateMachine, StateMachineTest, prop_state_machine};
use wdfreq::harness::strategy::{GenState, Generator};
use wdfreq::harness::{
    Budget, CaseConfig, Coverage, HuntConfig, Seed, Sequence, SideBySide, Verdict, execute, hunt,
};
use wdfreq::model::rules::Scope;
use wdfreq::sim::Framework;
use wdfreq::vocab::{Flavor, FrameworkVersion, RuleId, Settings, Step};

/// The simulated framework beside the model, as proptest-state-machine's
/// system under test.
struct SimUnderTest;

impl StateMachineTest for SimUnderTest {
    type SystemUnderTest = (SideBySide<Framework>, Vec<Step>);
    type Reference = Generator;

    fn init_test(_: &GenState) -> Self::SystemUnderTest {
        (
            SideBySide::new(Framework::new(), Settings::default()),
            Vec::new(),
        )
    }

    fn apply(
        (mut pair, mut steps): Self::SystemUnderTest,
        _: &GenState,
        step: Step,
    ) -> Self::SystemUnderTest {
        steps.push(step);
        if let Err(divergence) = pair.step(steps.last().expect("just pushed"), None) {
            panic!("{}", divergence.report(&steps));
        }
        (pair, steps)
    }

    fn check_invariants((pair, _): &Self::SystemUnderTest, _: &GenState) {
        assert_eq!(pair.implementation().check_invariants(), Ok(()));
    }
}

prop_state_machine! {
    #![proptest_config(ProptestConfig {
        cases: cases(256),
        ..ProptestConfig::default()
    })]

    /// Property: for every generated sequence, the simulated framework
    /// replies, refuses and invokes callbacks exactly as the model says
    /// (proptest-state-machine drives it; failures persist under
    /// `proptest-regressions/`).
    #[test]
    fn simulated_framework_agrees_with_the_model_on_every_step(
        sequential 1..48 => SimUnderTest
    );
}

/// `PROPTEST_CASES` scales every property here (CI keeps the default).
/// A test that also asserts coverage takes it with a floor of its own
/// ([`COVERAGE_CASES`]): fewer cases would not exercise every rule, and
/// the test would fail for the budget, not for the framework.
fn cases(default: u32) -> u32 {
    std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

/// Property: a default hunt of 2000 cases exercises every rule that
/// applies in the default settings at least once, and the simulated
/// framework conforms; the rules it cannot exercise are exactly those of
/// other flavors.
#[test]
fn default_hunt_exercises_every_applicable_rule_and_conforms() {
    let config = HuntConfig {
        seed: Seed(0x5eed),
        budget: Budget::Cases(2000),
        case: CaseConfig::default(),
    };
    let report = hunt(&config, Framework::new, &mut |_| {});
    assert_eq!(report.verdict, Verdict::Conforms);
    let settings = Settings::default();
    assert_eq!(report.coverage.missing_in(&settings), Vec::<RuleId>::new());
    for rule in report.coverage.missing() {
        assert!(!wdfreq::model::rule(rule).scope.hunted(&settings), "{rule}");
    }
}

/// Property: between them, a default-length hunt in UMDF 1 and one in the
/// current KMDF exercise every rule of the catalogue a hunt can reach: all
/// but those about traces alone.
#[test]
fn hunts_in_both_flavors_exercise_every_rule() {
    let mut coverage = Coverage::default();
    for settings in [
        Settings::default(),
        Settings::new(Flavor::Kmdf, FrameworkVersion::V1_33, true).expect("exists"),
    ] {
        let config = HuntConfig {
            seed: Seed(0x5eed),
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
        assert_eq!(report.verdict, Verdict::Conforms, "{settings}");
        assert_eq!(
            report.coverage.missing_in(&settings),
            Vec::<RuleId>::new(),
            "{settings}"
        );
        coverage.merge(&report.coverage);
    }
    let traces_only: Vec<RuleId> = RuleId::ALL
        .iter()
        .copied()
        .filter(|r| wdfreq::model::rule(*r).scope == Scope::Traces)
        .collect();
    assert_eq!(coverage.missing(), traces_only);
}

/// Property: the same seed gives the same sequences, the same coverage and
/// the same verdict.
#[test]
fn same_seed_gives_same_cases_and_verdict() {
    let run = |seed| {
        let config = HuntConfig {
            seed: Seed(seed),
            budget: Budget::Cases(50),
            case: CaseConfig::default(),
        };
        let report = hunt(&config, Framework::new, &mut |_| {});
        (report.steps, report.coverage, report.verdict)
    };
    assert_eq!(run(11), run(11));
    assert_ne!(run(11).0, run(12).0, "different seeds, different cases");
}

fn conforms(sequence: &Sequence) -> bool {
    let mut framework = Framework::new();
    match execute(
        &mut framework,
        Settings::default(),
        sequence.steps(),
        None,
        None,
    ) {
        Ok(_) => true,
        Err(divergence) => {
            eprintln!("{}", divergence.report(sequence.steps()));
            false
        }
    }
}

/// Property: on blind quickcheck sequences (any call on any request, in any
/// order) the simulated framework agrees with the model.
#[test]
fn quickcheck_sequences_never_diverge_on_the_simulated_framework() {
    quickcheck::QuickCheck::new()
        .tests(u64::from(cases(500)))
        .quickcheck((|sequence: Sequence| conforms(&sequence)) as fn(Sequence) -> bool);
}

/// Property: sequences decoded by `arbitrary` from random bytes (what the
/// fuzz target sees) never diverge on the simulated framework, and the
/// decoding is deterministic.
#[test]
fn arbitrary_sequences_never_diverge_on_the_simulated_framework() {
    use arbitrary::{Arbitrary, Unstructured};
    let mut rng = Seed(3).rng();
    let mut non_trivial = 0;
    for _ in 0..cases(500) {
        let bytes: Vec<u8> = (0..512).map(|_| rng.random()).collect();
        let decode = || Sequence::arbitrary(&mut Unstructured::new(&bytes));
        let Ok(sequence) = decode() else { continue };
        assert_eq!(decode().ok().as_ref(), Some(&sequence));
        non_trivial += usize::from(sequence.steps().len() > 3);
        assert!(conforms(&sequence));
    }
    assert!(
        non_trivial > 0,
        "the decoder produced only trivial sequences"
    );
}

/// Property: stepping the pair by hand gives the same verdict as
/// `execute`, and counts the same rules.
#[test]
fn side_by_side_steps_agree_with_execute() {
    let runner_seed = Seed(99);
    let mut runner =
        proptest::test_runner::TestRunner::new_with_rng(Default::default(), runner_seed.rng());
    let tree = Generator::sequential_strategy(30..=30)
        .new_tree(&mut runner)
        .expect("generation never rejects");
    let (_, steps, _) = tree.current();
    let mut by_hand = Coverage::default();
    let mut framework = Framework::new();
    let mut pair = SideBySide::new(&mut framework, Settings::default());
    for step in &steps {
        pair.step(step, Some(&mut by_hand)).expect("conforms");
    }
    let mut whole = Coverage::default();
    execute(
        &mut Framework::new(),
        Settings::default(),
        &steps,
        Some(&mut whole),
        None,
    )
    .expect("conforms");
    for rule in RuleId::ALL {
        if *rule != RuleId::RequestNotCompleted {
            assert_eq!(by_hand.count(*rule), whole.count(*rule), "{rule}");
        }
    }
}

/// A budget that exercises every rule that applies, in every settings,
/// with the test's seed (0xc0ffee): the floor under `PROPTEST_CASES` for
/// the test that asserts it.
const COVERAGE_CASES: u32 = 1000;

/// Property: in every combination of flavor, framework version and
/// verifier, the simulated framework of those settings conforms to the
/// model of the same settings, and the rules that apply there are
/// exercised.
#[test]
fn simulated_framework_conforms_in_every_combination_of_settings() {
    for settings in Settings::all() {
        let config = HuntConfig {
            seed: Seed(0xc0ffee),
            budget: Budget::Cases(u64::from(cases(1000).max(COVERAGE_CASES))),
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
        if let Some(failure) = report.failure() {
            panic!("{settings}:\n{}", failure.divergence.report(&failure.steps));
        }
        assert_eq!(
            report.coverage.missing_in(&settings),
            Vec::<RuleId>::new(),
            "{settings}"
        );
    }
}
