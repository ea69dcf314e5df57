//! A conformance test for your own implementation, in `cargo test`.
//!
//! Implement [`Conformance`](crate::harness::Conformance) for one instance
//! of your framework and [`Implementation`] for the whole (its name and the
//! settings it implements), then:
//!
//! ```no_run
//! # use wdfreq::harness::Implementation;
//! # struct MyFramework;
//! # impl Implementation for MyFramework {
//! #     type Instance = wdfreq::sim::Framework;
//! #     fn name(&self) -> String { "my-framework".into() }
//! #     fn settings(&self) -> Vec<wdfreq::vocab::Settings> { vec![Default::default()] }
//! #     fn build(&self, s: wdfreq::vocab::Settings) -> Self::Instance { wdfreq::sim::Framework::with_settings(s) }
//! # }
//! use wdfreq::testing::ConformanceTest;
//!
//! #[test]
//! fn my_framework_conforms_to_the_request_lifecycle() {
//!     ConformanceTest::new(&MyFramework)
//!         .regressions(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/wdfreq-regressions"))
//!         .assert_conforms();
//! }
//! ```
//!
//! [`ConformanceTest::run`] does, in order:
//!
//! 1. **Replays every regression file** (`*.jsonl`) in the regressions
//!    directory that names this implementation, and requires of each what
//!    it expects (`expect` in its header: `conforms`, or `diverges` for a
//!    bug kept on record). A file naming another implementation is
//!    skipped, and listed; a file that cannot be read fails the test with
//!    its file, line and field.
//! 2. **Hunts every setting the implementation declares**, each with the
//!    same budget and seed, on one worker thread per core (the verdict
//!    does not depend on how many).
//! 3. **On a divergence, writes a regression file** into the directory
//!    (created if need be), expecting `conforms`: commit it, and from then
//!    on the test replays the case first, whatever the seed. The failure
//!    says how to replay it.
//!
//! The test fails ([`TestReport::conforms`] is false) on any divergence,
//! any replay not as its file expects, and any unreadable file.
//!
//! # Races
//!
//! An implementation of
//! [`ConcurrentConformance`](crate::harness::ConcurrentConformance)
//! (with [`ConcurrentImplementation`]) is tested for races with
//! [`ConformanceTest::concurrent`]: the hunts run parallel cases, a race
//! found is kept as a concurrent regression file, and races kept are
//! replayed as races. A test without it lists a race file and does not
//! replay it ([`ReplayOutcome::Race`]): a race replayed from one thread
//! shows nothing. A concurrent round the checker cannot decide fails the
//! test, as a divergence does.
//!
//! # Environment
//!
//! In proptest's manner, [`TestConfig::from_env`] reads:
//!
//! | variable         | meaning                                              | default |
//! |------------------|------------------------------------------------------|---------|
//! | `WDFREQ_CASES`   | cases per setting                                    | 256     |
//! | `WDFREQ_SECONDS` | seconds per setting instead of a count of cases      | unset   |
//! | `WDFREQ_SEED`    | the hunt's seed (decimal, `0x` hex, or `random`)     | 0       |
//! | `WDFREQ_STEPS_MAX` | the most steps of a short case (one in five is up to 8 times longer) | 48 |
//!
//! The default seed is fixed, so that `cargo test` gives the same verdict
//! on every run; a long hunt in CI sets `WDFREQ_SEED=random` and a budget
//! (`WDFREQ_SECONDS=600`), and a failure it finds is printed with the seed
//! that replays it and kept as a regression file.

use std::fmt;
use std::num::NonZeroUsize;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use crate::harness::{
    Budget, CASE_TIMEOUT, CaseConfig, ConcurrentConfig, ConcurrentImplementation, HuntConfig,
    HuntReport, Implementation, NotImplemented, Seed, Unknown, Verdict, Workers, hunt_concurrent,
    hunt_with,
};
use crate::regression::{
    ConcurrentRun, Expect, RACE_REPLAY_ROUNDS, Regression, RegressionError, Replayed,
};
use crate::vocab::Settings;

/// How much a [`ConformanceTest`] hunts.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct TestConfig {
    /// Cases per setting (`WDFREQ_CASES`), unless `seconds` is given.
    pub cases: u64,
    /// Seconds per setting (`WDFREQ_SECONDS`), instead of `cases`.
    pub seconds: Option<f64>,
    /// The hunt's seed (`WDFREQ_SEED`).
    pub seed: Seed,
    /// The most steps of a short case (`WDFREQ_STEPS_MAX`).
    pub steps_max: usize,
}

impl Default for TestConfig {
    /// 256 cases per setting, seed 0, the hunt's default case length.
    fn default() -> Self {
        TestConfig {
            cases: 256,
            seconds: None,
            seed: Seed(0),
            steps_max: CaseConfig::default().steps_max,
        }
    }
}

impl TestConfig {
    /// The defaults, overridden by the `WDFREQ_*` environment variables
    /// (see the [module docs](self)); a variable that is set and does not
    /// parse is an error naming it.
    pub fn from_env() -> Result<TestConfig, ConfigError> {
        TestConfig::from_vars(|name| std::env::var(name).ok())
    }

    /// As [`from_env`](Self::from_env), reading variables through `var`.
    pub fn from_vars(var: impl Fn(&str) -> Option<String>) -> Result<TestConfig, ConfigError> {
        let mut config = TestConfig::default();
        let bad = |variable: &'static str, value: &str, expected: &'static str| ConfigError {
            variable,
            value: value.to_owned(),
            expected,
        };
        if let Some(value) = var("WDFREQ_CASES") {
            config.cases = value
                .trim()
                .parse()
                .map_err(|_| bad("WDFREQ_CASES", &value, "a number of cases"))?;
        }
        if let Some(value) = var("WDFREQ_SECONDS") {
            let seconds: f64 = value
                .trim()
                .parse()
                .map_err(|_| bad("WDFREQ_SECONDS", &value, "a non-negative number of seconds"))?;
            if !(seconds.is_finite() && (0.0..=1e9).contains(&seconds)) {
                return Err(bad(
                    "WDFREQ_SECONDS",
                    &value,
                    "a non-negative number of seconds",
                ));
            }
            config.seconds = Some(seconds);
        }
        if let Some(value) = var("WDFREQ_SEED") {
            config.seed = match value.trim() {
                "random" => Seed::random(),
                text => text.parse().map_err(|_| {
                    bad(
                        "WDFREQ_SEED",
                        &value,
                        "a seed (decimal or 0x-hex) or `random`",
                    )
                })?,
            };
        }
        if let Some(value) = var("WDFREQ_STEPS_MAX") {
            config.steps_max = value
                .trim()
                .parse()
                .ok()
                .filter(|&n: &usize| n > 0)
                .ok_or_else(|| bad("WDFREQ_STEPS_MAX", &value, "a positive number of steps"))?;
        }
        Ok(config)
    }

    fn budget(&self) -> Budget {
        match self.seconds {
            Some(seconds) => Budget::Time(Duration::from_secs_f64(seconds)),
            None => Budget::Cases(self.cases),
        }
    }
}

/// A `WDFREQ_*` variable is set to something that does not parse.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{variable}={value:?}: expected {expected}")]
pub struct ConfigError {
    /// The variable.
    pub variable: &'static str,
    /// Its value.
    pub value: String,
    /// What it should be.
    pub expected: &'static str,
}

/// A conformance test of one implementation: replays, then hunts (see the
/// [module docs](self)).
#[derive(Debug)]
pub struct ConformanceTest<M> {
    implementation: Arc<M>,
    regressions: Option<PathBuf>,
    config: Option<TestConfig>,
    workers: Option<NonZeroUsize>,
    case_timeout: Duration,
    concurrent: Option<Concurrent>,
}

/// The concurrent mode of a test ([`ConformanceTest::concurrent`]): how it
/// hunts one setting and replays one race, for an implementation of the
/// concurrent contract.
struct Concurrent {
    run: ConcurrentRun,
    hunt: HuntOne,
    replay: ReplayRace,
}

/// A concurrent hunt of one setting.
type HuntOne = Box<dyn Fn(&HuntConfig, Workers) -> HuntReport + Send + Sync>;

/// A race's replay.
type ReplayRace = Box<dyn Fn(&Regression) -> Result<Replayed, NotImplemented> + Send + Sync>;

impl fmt::Debug for Concurrent {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Concurrent")
            .field("run", &self.run)
            .finish()
    }
}

impl<M: Implementation + Send + 'static> ConformanceTest<M> {
    /// A test of `implementation`, configured from the environment, with
    /// no regressions directory. `'static` because a hunt's worker stuck
    /// in a hung call outlives the test (see
    /// [`hunt`](mod@crate::harness::hunt)): pass a reference to a
    /// constant (`&MyFramework`) or the implementation itself.
    pub fn new(implementation: M) -> Self {
        ConformanceTest {
            implementation: Arc::new(implementation),
            regressions: None,
            config: None,
            workers: None,
            case_timeout: CASE_TIMEOUT,
            concurrent: None,
        }
    }

    /// Counts a run of a case that takes longer than `limit` as a hang of
    /// the implementation ([`CASE_TIMEOUT`] unless said).
    pub fn case_timeout(mut self, limit: Duration) -> Self {
        self.case_timeout = limit;
        self
    }

    /// Replays the regression files in `dir`, and writes a new one there
    /// on a divergence.
    pub fn regressions(mut self, dir: impl Into<PathBuf>) -> Self {
        self.regressions = Some(dir.into());
        self
    }

    /// Hunts as `config` says, instead of as the environment says.
    pub fn config(mut self, config: TestConfig) -> Self {
        self.config = Some(config);
        self
    }

    /// Hunts on `count` worker threads instead of one per core (the
    /// verdict is the same).
    pub fn workers(mut self, count: NonZeroUsize) -> Self {
        self.workers = Some(count);
        self
    }

    /// Runs the test: replays, hunts, and writes regression files.
    ///
    /// In the concurrent mode ([`ConformanceTest::concurrent`]) each
    /// setting's hunt is a concurrent one, a race it finds is kept as a
    /// concurrent regression file, and races kept are replayed as races;
    /// otherwise a race file is listed and not replayed
    /// ([`ReplayOutcome::Race`]).
    /// `Err` only when the environment's configuration is bad; what the
    /// implementation did is in the report.
    pub fn run(&self) -> Result<TestReport, ConfigError> {
        let config = match self.config {
            Some(config) => config,
            None => TestConfig::from_env()?,
        };
        let mut report = TestReport {
            implementation: self.implementation.name(),
            config,
            replays: Vec::new(),
            hunts: Vec::new(),
        };
        if let Some(dir) = &self.regressions {
            report.replays = self.replay_all(dir);
        }
        let mut workers = Workers::per_core().with_case_timeout(self.case_timeout);
        if let Some(count) = self.workers {
            workers = workers.with_count(count);
        }
        for settings in self.implementation.settings() {
            let hunt_config = HuntConfig {
                seed: config.seed,
                budget: config.budget(),
                case: CaseConfig {
                    settings,
                    steps_max: config.steps_max,
                },
            };
            let make = {
                let implementation = Arc::clone(&self.implementation);
                move || implementation.build(settings)
            };
            let hunted = match &self.concurrent {
                Some(concurrent) => (concurrent.hunt)(&hunt_config, workers.clone()),
                None => hunt_with(&hunt_config, workers.clone(), make, &mut |_| {}),
            };
            let kept = match (&self.regressions, hunted.failure()) {
                (Some(dir), Some(failure)) => {
                    let note = format!(
                        "found by wdfreq::testing, seed {}; shrunk from {} to {} steps; \
                         the implementation must conform on it",
                        hunted.seed,
                        failure.generated_len,
                        failure.steps.len()
                    );
                    let name = &report.implementation;
                    let regression = match &self.concurrent {
                        Some(concurrent) => Regression::of_race(
                            name,
                            settings,
                            failure,
                            concurrent.run,
                            Expect::Conforms,
                            Some(note),
                        ),
                        None => Regression::of_failure(
                            name,
                            settings,
                            failure,
                            Expect::Conforms,
                            Some(note),
                        ),
                    };
                    Some(regression.write_into(dir).map_err(|e| {
                        format!("{}: {e}", dir.join(regression.file_name()).display())
                    }))
                }
                _ => None,
            };
            report.hunts.push(Hunted {
                settings,
                report: hunted,
                kept,
            });
        }
        Ok(report)
    }

    /// Runs the test and panics with its report unless the implementation
    /// conforms; prints the summary either way (shown by `cargo test` on a
    /// failure, or with `--nocapture`).
    #[track_caller]
    pub fn assert_conforms(&self) {
        match self.run() {
            Err(error) => panic!("wdfreq: bad configuration: {error}"),
            Ok(report) if report.conforms() => println!("{report}"),
            Ok(report) => panic!("{report}"),
        }
    }

    fn replay_all(&self, dir: &Path) -> Vec<Replay> {
        let Ok(entries) = std::fs::read_dir(dir) else {
            // No directory yet: nothing kept so far.
            return Vec::new();
        };
        let mut files: Vec<PathBuf> = entries
            .filter_map(|entry| entry.ok().map(|e| e.path()))
            .filter(|path| path.extension().is_some_and(|e| e == "jsonl"))
            .collect();
        files.sort();
        files
            .into_iter()
            .map(|file| {
                let outcome = match Regression::read(&file) {
                    Err(error) => ReplayOutcome::Unreadable(error),
                    Ok(regression) if regression.implementation != self.implementation.name() => {
                        ReplayOutcome::Skipped(regression.implementation)
                    }
                    Ok(regression) if regression.concurrent.is_some() => match &self.concurrent {
                        None => ReplayOutcome::Race,
                        Some(concurrent) => match (concurrent.replay)(&regression) {
                            Err(not_implemented) => ReplayOutcome::Unreplayable(not_implemented),
                            Ok(replayed) => ReplayOutcome::Replayed {
                                regression: Box::new(regression),
                                replayed,
                            },
                        },
                    },
                    Ok(regression) => match regression
                        .replay_within(Arc::clone(&self.implementation), self.case_timeout)
                    {
                        Err(not_implemented) => ReplayOutcome::Unreplayable(not_implemented),
                        Ok(replayed) => ReplayOutcome::Replayed {
                            regression: Box::new(regression),
                            replayed,
                        },
                    },
                };
                Replay { file, outcome }
            })
            .collect()
    }
}

impl<M> ConformanceTest<M>
where
    M: Implementation + ConcurrentImplementation + Send + 'static,
{
    /// Hunts for races instead: every setting's hunt runs concurrent cases
    /// ([`harness::hunt_concurrent`](crate::harness::hunt_concurrent),
    /// `drivers` driver threads, `rounds` rounds a case) on the
    /// implementation shared between threads; a race found is kept as a
    /// concurrent regression file, and races kept are replayed, up to
    /// [`RACE_REPLAY_ROUNDS`] rounds each. The operating system schedules
    /// the threads (a build with the `shuttle` feature: Shuttle, seeded by
    /// [`ConcurrentConfig::schedule`]'s default).
    pub fn concurrent(mut self, drivers: usize, rounds: usize) -> Self {
        let config = ConcurrentConfig {
            drivers,
            rounds,
            ..ConcurrentConfig::default()
        };
        let run = ConcurrentRun {
            drivers,
            rounds: RACE_REPLAY_ROUNDS,
            schedule: cfg!(feature = "shuttle").then_some(config.schedule),
        };
        let (hunted, replayed) = (
            Arc::clone(&self.implementation),
            Arc::clone(&self.implementation),
        );
        self.concurrent = Some(Concurrent {
            run,
            hunt: Box::new(move |hunt: &HuntConfig, workers: Workers| {
                let config = ConcurrentConfig {
                    case: hunt.case,
                    ..config
                };
                hunt_concurrent(
                    hunt.seed,
                    hunt.budget,
                    &config,
                    workers,
                    (*hunted).clone(),
                    &mut |_| {},
                )
            }),
            replay: Box::new(move |regression: &Regression| {
                regression.replay_concurrent(&*replayed, None)
            }),
        });
        self
    }
}

/// What a [`ConformanceTest`] found.
#[derive(Debug)]
pub struct TestReport {
    /// The implementation's name.
    pub implementation: String,
    /// The configuration it ran with.
    pub config: TestConfig,
    /// Every regression file found, in file name order.
    pub replays: Vec<Replay>,
    /// One hunt per setting the implementation declares, in its order.
    pub hunts: Vec<Hunted>,
}

/// One regression file's replay.
#[derive(Debug)]
pub struct Replay {
    /// The file.
    pub file: PathBuf,
    /// What came of it.
    pub outcome: ReplayOutcome,
}

/// What came of replaying one regression file.
#[derive(Debug)]
#[non_exhaustive]
pub enum ReplayOutcome {
    /// Replayed; `replayed.as_expected` says whether it passed.
    Replayed {
        /// The file's contents.
        regression: Box<Regression>,
        /// The replay.
        replayed: crate::regression::Replayed,
    },
    /// The file names another implementation (this one): not replayed.
    Skipped(String),
    /// The file's settings are not among those the implementation
    /// declares.
    Unreplayable(crate::harness::NotImplemented),
    /// The file keeps a race, replayed only by a test in the concurrent
    /// mode ([`ConformanceTest::concurrent`]): listed, not replayed.
    Race,
    /// The file cannot be read or is malformed.
    Unreadable(RegressionError),
}

impl Replay {
    /// Whether the replay fails the test.
    pub fn failed(&self) -> bool {
        match &self.outcome {
            ReplayOutcome::Replayed { replayed, .. } => !replayed.as_expected,
            ReplayOutcome::Skipped(_) | ReplayOutcome::Race => false,
            ReplayOutcome::Unreplayable(_) | ReplayOutcome::Unreadable(_) => true,
        }
    }
}

/// One setting's hunt.
#[derive(Debug)]
pub struct Hunted {
    /// The setting hunted.
    pub settings: Settings,
    /// The hunt's report.
    pub report: HuntReport,
    /// On a divergence with a regressions directory: the regression file
    /// written, or why it could not be.
    pub kept: Option<Result<PathBuf, String>>,
}

impl TestReport {
    /// Whether the implementation conforms: every replay as expected, and
    /// no hunt diverged or left concurrent rounds undecided.
    pub fn conforms(&self) -> bool {
        self.replays.iter().all(|r| !r.failed())
            && self.hunts.iter().all(|h| {
                !matches!(
                    h.report.verdict,
                    Verdict::Diverges(_) | Verdict::Unknown(Unknown::Undecided { .. })
                )
            })
    }
}

impl fmt::Display for TestReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let verdict = if self.conforms() {
            "conforms"
        } else {
            "DIVERGES"
        };
        writeln!(
            f,
            "wdfreq conformance test of {}: {verdict}",
            self.implementation
        )?;
        for replay in &self.replays {
            let file = replay.file.display();
            match &replay.outcome {
                ReplayOutcome::Replayed {
                    regression,
                    replayed,
                } => {
                    let got = match &replayed.divergence {
                        None => "conforms".to_owned(),
                        Some(d) => match d.rule() {
                            Some(rule) => format!("diverges at step {} ({rule})", d.step),
                            None => format!("diverges at step {}", d.step),
                        },
                    };
                    let met = if replayed.as_expected {
                        "as expected"
                    } else {
                        "NOT as expected"
                    };
                    writeln!(
                        f,
                        "replay {file}: {got}; expected {}: {met}",
                        regression.expectation()
                    )?;
                    if let (false, Some(divergence)) = (replayed.as_expected, &replayed.divergence)
                    {
                        write!(f, "{}", divergence.report(&regression.steps))?;
                    }
                }
                ReplayOutcome::Skipped(other) => {
                    writeln!(f, "replay {file}: skipped (found in {other})")?
                }
                ReplayOutcome::Race => writeln!(
                    f,
                    "replay {file}: skipped (a race: a concurrent test replays it)"
                )?,
                ReplayOutcome::Unreplayable(error) => writeln!(f, "replay {file}: {error}")?,
                ReplayOutcome::Unreadable(error) => writeln!(f, "replay: {error}")?,
            }
        }
        let budget = match self.config.seconds {
            Some(seconds) => format!("{seconds} s"),
            None => format!("{} cases", self.config.cases),
        };
        for hunted in &self.hunts {
            let report = &hunted.report;
            write!(
                f,
                "hunt {} ({budget}, seed {}): {} cases, {} steps: ",
                hunted.settings, report.seed, report.cases, report.steps
            )?;
            match &report.verdict {
                Verdict::Diverges(divergent) => {
                    let failure = &divergent.failure;
                    writeln!(
                        f,
                        "DIVERGES in case {} (case seed {}), shrunk from {} to {} steps:",
                        divergent.case,
                        failure.seed,
                        failure.generated_len,
                        failure.steps.len()
                    )?;
                    write!(f, "{}", failure.divergence.report(&failure.steps))?;
                    writeln!(
                        f,
                        "replay: WDFREQ_SEED={} WDFREQ_CASES={} WDFREQ_STEPS_MAX={} cargo test",
                        report.seed,
                        divergent.case + 1,
                        self.config.steps_max
                    )?;
                    match &hunted.kept {
                        Some(Ok(path)) => writeln!(
                            f,
                            "regression file: {} (commit it: the test replays it first from now on)",
                            path.display()
                        )?,
                        Some(Err(error)) => writeln!(f, "regression file: cannot write {error}")?,
                        None => {}
                    }
                }
                verdict => writeln!(f, "{verdict}")?,
            }
        }
        Ok(())
    }
}
