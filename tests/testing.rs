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

/// The concurrent mode: `sim` conforms in every setting it declares; a
/// racy mutant that the sequential test passes is caught, its race kept
/// as a concurrent regression file expecting `conforms`, which a
/// concurrent test replays as a race and a sequential test lists as one
/// without replaying it.
#[test]
fn the_concurrent_mode_catches_a_race_the_sequential_test_passes_and_keeps_it() {
    use wdfreq::gallery::racy::racy_by_name;
    use wdfreq::vocab::Settings;
    let report = ConformanceTest::new(&Simulated)
        .concurrent(2, 4)
        .config(config(10))
        .run()
        .expect("configured");
    assert!(report.conforms(), "{report}");
    assert_eq!(report.hunts.len(), Simulated.settings().len());
    assert!(report.hunts.iter().all(|h| h.report.cases == 10));

    let mutant = racy_by_name("completed-twice-race").expect("a racy mutant");
    let one_setting = TestConfig {
        seconds: Some(120.0),
        ..config(0)
    };
    // Hunted in its first declared setting only: the race is the same in all.
    let dir = scratch("testing-race");
    let sequential = ConformanceTest::new(mutant)
        .config(config(300))
        .run()
        .expect("configured");
    assert!(sequential.conforms(), "{sequential}");
    let found = ConformanceTest::new(OnlyDefault(mutant))
        .concurrent(2, 8)
        .regressions(&dir)
        .config(one_setting)
        .run()
        .expect("configured");
    assert!(!found.conforms(), "{found}");
    let kept = std::fs::read_dir(&dir)
        .expect("the race was kept")
        .map(|e| e.expect("entry").path())
        .collect::<Vec<_>>();
    assert_eq!(kept.len(), 1, "{kept:?}");
    let regression = wdfreq::regression::Regression::read(&kept[0]).expect("reads back");
    assert!(regression.concurrent.is_some());
    assert_eq!(regression.expect, wdfreq::regression::Expect::Conforms);
    assert_eq!(regression.settings, Settings::default());

    let listed = ConformanceTest::new(OnlyDefault(mutant))
        .regressions(&dir)
        .config(config(0))
        .run()
        .expect("configured");
    assert!(
        matches!(listed.replays[0].outcome, ReplayOutcome::Race),
        "{listed}"
    );
    assert!(listed.to_string().contains("skipped (a race"), "{listed}");
    let replayed = ConformanceTest::new(OnlyDefault(mutant))
        .concurrent(2, 8)
        .regressions(&dir)
        .config(config(0))
        .run()
        .expect("configured");
    match &replayed.replays[0].outcome {
        // Replayed as a race: its rounds, judged by the checker. (Whether
        // this replay meets the race is the operating system's to say.)
        ReplayOutcome::Replayed { replayed, .. } => assert!(
            replayed.divergence.as_ref().is_none_or(|d| matches!(
                d.kind,
                wdfreq::harness::DivergenceKind::NotLinearizable { .. }
            )),
            "{replayed:?}"
        ),
        other => panic!("not replayed as a race: {other:?}"),
    }
}

/// A racy mutant declared for the default settings only.
#[derive(Clone, Copy)]
struct OnlyDefault(wdfreq::gallery::racy::RacyMutant);

impl Implementation for OnlyDefault {
    type Instance = <wdfreq::gallery::racy::RacyMutant as Implementation>::Instance;

    fn name(&self) -> String {
        Implementation::name(&self.0)
    }

    fn settings(&self) -> Vec<wdfreq::vocab::Settings> {
        vec![wdfreq::vocab::Settings::default()]
    }

    fn build(&self, settings: wdfreq::vocab::Settings) -> Self::Instance {
        Implementation::build(&self.0, settings)
    }
}

impl wdfreq::harness::ConcurrentImplementation for OnlyDefault {
    type Instance =
        <wdfreq::gallery::racy::RacyMutant as wdfreq::harness::ConcurrentImplementation>::Instance;

    fn name(&self) -> String {
        Implementation::name(&self.0)
    }

    fn settings(&self) -> Vec<wdfreq::vocab::Settings> {
        vec![wdfreq::vocab::Settings::default()]
    }

    fn build(
        &self,
        settings: wdfreq::vocab::Settings,
        routine: wdfreq::harness::Routine<wdfreq::sim::Handle>,
    ) -> Self::Instance {
        wdfreq::harness::ConcurrentImplementation::build(&self.0, settings, routine)
    }
}
