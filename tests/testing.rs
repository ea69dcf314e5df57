//! `wdfreq::testing`, the test a third party's crate runs: it hunts every
//! setting the implementation declares, writes a regression file on a
//! divergence, replays the files of its own implementation first (and
//! fails while they do not show what they expect), skips the files of
//! others, and reads its budget from `WDFREQ_*` variables.

use std::num::NonZeroUsize;
use std::path::{Path, PathBuf};

use wdfreq::gallery;
use wdfreq::harness::{Implementation, Seed};
use wdfreq::regression::{Expect, Regression};
use wdfreq::sim::Simulated;
use wdfreq::testing::{ConformanceTest, ReplayOutcome, TestConfig};
use wdfreq::vocab::Settings;

/// A scratch directory of its own for each test.
fn scratch(name: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join(name);
    let _ = std::fs::remove_dir_all(&dir);
    dir
}

fn config(cases: u64) -> TestConfig {
    TestConfig {
        cases,
        seed: Seed(1),
        ..TestConfig::default()
    }
}

/// `contexts-swapped`, declared for the one setting it shows in.
struct OneSetting(gallery::Mutant);

impl Implementation for OneSetting {
    type Instance = gallery::GalleryFramework;
    fn name(&self) -> String {
        self.0.name()
    }
    fn settings(&self) -> Vec<Settings> {
        vec![self.0.settings]
    }
    fn build(&self, settings: Settings) -> Self::Instance {
        self.0.build(settings)
    }
}

fn swapped() -> OneSetting {
    OneSetting(gallery::by_name("contexts-swapped").expect("in the gallery"))
}

#[test]
fn a_divergence_fails_the_test_and_is_kept_as_a_file_that_the_next_run_replays_first() {
    let dir = scratch("testing-kept");
    let swapped = swapped();
    let test = ConformanceTest::new(swapped)
        .regressions(&dir)
        .config(config(2000))
        .workers(NonZeroUsize::MIN);
    let first = test.run().expect("configured");
    assert!(!first.conforms(), "{first}");
    let kept = first.hunts[0]
        .kept
        .clone()
        .expect("a file for the divergence")
        .expect("written");
    let regression = Regression::read(&kept).expect("readable");
    assert_eq!(regression.implementation, "contexts-swapped");
    assert_eq!(regression.expect, Expect::Conforms);
    let text = first.to_string();
    assert!(
        text.contains("replay: WDFREQ_SEED=0x0000000000000001 WDFREQ_CASES="),
        "{text}"
    );
    assert!(
        text.contains(&format!("regression file: {}", kept.display())),
        "{text}"
    );

    // The next run replays the file before it hunts, and the replay fails
    // the test as long as the bug is there, whatever the hunt finds.
    let second = test.config(config(0)).run().expect("configured");
    assert!(!second.conforms(), "{second}");
    let [replay] = &second.replays[..] else {
        panic!("one replay: {second}")
    };
    assert!(replay.failed());
    assert!(
        second
            .to_string()
            .contains("expected conforms: NOT as expected"),
        "{second}"
    );
}

#[test]
fn a_conforming_implementation_passes_every_setting_it_declares_and_skips_others_files() {
    let dir = scratch("testing-sim");
    // A file of another implementation in the same directory.
    let found = ConformanceTest::new(swapped())
        .regressions(&dir)
        .config(config(2000))
        .run()
        .expect("configured");
    assert!(!found.conforms());
    let report = ConformanceTest::new(&Simulated)
        .regressions(&dir)
        .config(config(20))
        .run()
        .expect("configured");
    assert!(report.conforms(), "{report}");
    assert_eq!(report.hunts.len(), Simulated.settings().len());
    assert!(report.hunts.iter().all(|h| h.report.cases == 20));
    assert!(matches!(
        &report.replays[0].outcome,
        ReplayOutcome::Skipped(other) if other == "contexts-swapped"
    ));
}

#[test]
fn a_malformed_regression_file_fails_the_test_naming_file_and_line() {
    let dir = scratch("testing-malformed");
    std::fs::create_dir_all(&dir).expect("scratch");
    std::fs::write(dir.join("bad.jsonl"), "{\"wdfreq\":2}\n").expect("written");
    let report = ConformanceTest::new(&Simulated)
        .regressions(&dir)
        .config(config(0))
        .run()
        .expect("configured");
    assert!(!report.conforms());
    let text = report.to_string();
    assert!(
        text.contains("bad.jsonl:1: not a regression file"),
        "{text}"
    );
}

#[test]
fn the_budget_and_seed_come_from_wdfreq_variables_and_a_bad_one_is_named() {
    let vars = |pairs: &'static [(&'static str, &'static str)]| {
        move |name: &str| {
            pairs
                .iter()
                .find(|(n, _)| *n == name)
                .map(|(_, v)| v.to_string())
        }
    };
    let config = TestConfig::from_vars(vars(&[
        ("WDFREQ_CASES", "17"),
        ("WDFREQ_SEED", "0x2a"),
        ("WDFREQ_SECONDS", "1.5"),
        ("WDFREQ_STEPS_MAX", "9"),
    ]))
    .expect("well-formed");
    assert_eq!(
        config,
        TestConfig {
            cases: 17,
            seconds: Some(1.5),
            seed: Seed(42),
            steps_max: 9
        }
    );
    assert_eq!(
        TestConfig::from_vars(vars(&[])).expect("defaults"),
        TestConfig::default()
    );
    for (name, value) in [
        ("WDFREQ_CASES", "many"),
        ("WDFREQ_SEED", "0xzz"),
        ("WDFREQ_SECONDS", "-1"),
        ("WDFREQ_SECONDS", "1e20"),
        ("WDFREQ_STEPS_MAX", "0"),
    ] {
        let pairs: &'static [(&'static str, &'static str)] = Box::leak(Box::new([(name, value)]));
        let error = TestConfig::from_vars(vars(pairs)).expect_err(value);
        assert!(
            error
                .to_string()
                .starts_with(&format!("{name}=\"{value}\": expected ")),
            "{error}"
        );
    }
}
