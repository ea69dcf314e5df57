//! Deterministic schedules: parallel cases under Shuttle's controlled
//! scheduler, so that a race found once replays forever.
//!
//! Run with `cargo test --features shuttle --test schedules`. With the
//! `shuttle` feature, the simulated framework, the racy mutants and the
//! parallel runner take their locks, atomics and threads from Shuttle
//! (`src/sync.rs`): the threads of a case run one at a time, in the order a
//! scheduler draws from a seed, and every lock, atomic access and yield is
//! a point where it may switch. The same seed gives the same schedule, and
//! the schedule the same history.
//!
//! # Replaying a schedule
//!
//! A racy mutant caught here (or `sim`, should the property fail) is
//! reported with its history and a replay line:
//!
//! ```text
//! replay: WDFREQ_SCHEDULE=<name>:<case>:<encoded schedule> cargo test --features shuttle --test schedules replay -- --nocapture
//! ```
//!
//! The encoded schedule is Shuttle's own (what `shuttle::replay` takes);
//! the case is the seed of the parallel case ([`case`]); the name is a
//! racy mutant's or `sim`. A mutant's report also names the scheduler and
//! its seed, which find the schedule again from the start.
//! `WDFREQ_SCHEDULE` may also name a schedule file.
//!
//! # Regression files
//!
//! `tests/schedules/<mutant>.schedule` holds, for each racy mutant, the
//! case and the schedule that caught it, and a fingerprint of the case and
//! of the history it gave; every run replays each file and asserts that
//! the mutant still fails there with that very history. After a change
//! that moves the schedules (the recorder's atomics, the generator, a
//! lock taken more or less often), regenerate them with
//!
//! ```text
//! WDFREQ_SCHEDULES=regenerate cargo test --features shuttle --test schedules
//! ```
//!
//! and commit the new files. A file that cannot be read as one is an
//! error naming the file and the line, never a panic of the parser.
#![cfg(feature = "shuttle")]

use std::collections::HashSet;
use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, OnceLock, PoisonError};
use std::time::Instant;

use shuttle::scheduler::{PctScheduler, RandomScheduler, ReplayScheduler, Scheduler};
use shuttle::{Config, FailurePersistence, Runner};
use wdfreq::gallery::racy::{RACY, RacyMutant, racy_by_name};
use wdfreq::harness::{
    CaseConfig, ConcurrentConfig, ConcurrentImplementation, Divergence, DivergenceKind,
    ParallelCase, Seed, defined_steps, generated_steps, run_parallel, with_readers,
};
use wdfreq::linearize::{self, Budget, Verdict};
use wdfreq::sim::Simulated;
use wdfreq::vocab::{History, Settings};

/// The settings every case here runs in: the framework's defaults.
const SETTINGS: Settings = Settings::DEFAULT;

/// The concurrent hunt's defaults (two driver threads, one continuous
/// reader, cases of up to 24 steps), in [`SETTINGS`].
fn concurrent_config() -> ConcurrentConfig {
    ConcurrentConfig {
        case: CaseConfig {
            settings: SETTINGS,
            ..ConcurrentConfig::default().case
        },
        ..ConcurrentConfig::default()
    }
}

/// The parallel case of seed `seed`, drawn as the concurrent hunt draws
/// it.
fn case(seed: u64) -> ParallelCase {
    let config = concurrent_config();
    let steps = defined_steps(
        config.case.settings,
        &generated_steps(Seed(seed), &config.case),
    );
    ParallelCase::new(with_readers(steps, config.readers), config.drivers)
}

/// A fingerprint of `value`: FNV-1a over its `Debug` text, which for a
/// history or a case is made of ids, steps and logical times only (no
/// address, no hash map), so it is the same on every run and machine.
fn fingerprint(value: &impl fmt::Debug) -> u64 {
    format!("{value:?}")
        .bytes()
        .fold(0xcbf2_9ce4_8422_2325, |hash, byte| {
            (hash ^ u64::from(byte)).wrapping_mul(0x0100_0000_01b3)
        })
}

/// What one execution of a case under a schedule gave.
#[derive(Clone, Debug, PartialEq)]
struct Found {
    history: History,
    verdict: Verdict,
}

/// The panic that ends a Shuttle execution whose history no order
/// explains: Shuttle's runner stops there, and writes the schedule.
const NOT_LINEARIZABLE: &str = "wdfreq: not linearizable under this schedule";

/// A run of one scheduler on one case.
#[derive(Debug)]
struct Run {
    /// Executions (schedules) run.
    executions: usize,
    /// The fingerprints of the distinct histories they gave.
    histories: HashSet<u64>,
    /// The failing execution, when one failed (the last one run).
    failure: Option<Failing>,
}

/// An execution whose history is not linearizable.
#[derive(Clone, Debug, PartialEq)]
struct Failing {
    found: Found,
    /// Shuttle's encoded schedule of the execution, on one line.
    schedule: String,
}

/// Why a run ended neither as a pass nor as a history no order explains:
/// Shuttle found a deadlock, a replayed schedule does not fit, the
/// implementation panicked.
#[derive(Debug)]
struct Broken(String);

impl fmt::Display for Broken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// Where Shuttle writes the schedule of a failing execution. Shuttle's
/// panic hook keeps the configuration of the first execution in the
/// process, so every runner here has the same one ([`shuttle_config`]).
fn schedule_dir() -> &'static Path {
    static DIR: OnceLock<PathBuf> = OnceLock::new();
    DIR.get_or_init(|| {
        let dir = Path::new(env!("CARGO_TARGET_TMPDIR"))
            .join(format!("schedules-{}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("the target's temporary directory is writable");
        dir
    })
}

fn shuttle_config() -> Config {
    let mut config = Config::new();
    config.failure_persistence = FailurePersistence::File(Some(schedule_dir().to_path_buf()));
    // The linearizability checker runs inside the execution, on the test's
    // own task: more stack than Shuttle's default.
    config.stack_size = 1 << 20;
    // Shuttle warns that it runs every atomic as `SeqCst`: it explores
    // interleavings, not weak memory. The README says so; the warning
    // would say it again for every test.
    config.silence_warnings = true;
    config
}

/// One run at a time in this process: the schedule files in
/// [`schedule_dir`] are then the running one's.
fn one_run_at_a_time() -> MutexGuard<'static, ()> {
    static RUNS: Mutex<()> = Mutex::new(());
    RUNS.lock().unwrap_or_else(PoisonError::into_inner)
}

/// Runs `case` of `implementation` under `scheduler`, one execution per
/// schedule it draws, until a history is not linearizable (the runner
/// stops there, and the schedule Shuttle wrote is read back) or the
/// scheduler is done.
fn run_under<M, S>(implementation: M, case: &ParallelCase, scheduler: S) -> Result<Run, Broken>
where
    M: ConcurrentImplementation + Clone,
    S: Scheduler + Send + 'static,
{
    let _one = one_run_at_a_time();
    for entry in std::fs::read_dir(schedule_dir())
        .map_err(|e| Broken(format!("{}: {e}", schedule_dir().display())))?
        .flatten()
    {
        let _ = std::fs::remove_file(entry.path());
    }
    let executions = Arc::new(AtomicUsize::new(0));
    let histories: Arc<Mutex<HashSet<u64>>> = Arc::default();
    let failed: Arc<Mutex<Option<Found>>> = Arc::default();
    let body = {
        let case = Arc::new(case.clone());
        let (executions, histories, failed) = (
            Arc::clone(&executions),
            Arc::clone(&histories),
            Arc::clone(&failed),
        );
        // The test's own bookkeeping is `std`'s: only this task touches
        // it, after the case's threads are joined, so it adds no
        // scheduling point.
        move || {
            executions.fetch_add(1, Ordering::Relaxed);
            let history = match run_parallel(&implementation, SETTINGS, &case) {
                Ok(history) => history,
                Err(divergence) => panic!("{}", divergence.report(&case.steps)),
            };
            lock(&histories).insert(fingerprint(&history));
            let verdict = linearize::check(&history, SETTINGS, Budget::DEFAULT)
                .expect("the recorder records well-formed histories");
            if let Verdict::NotLinearizable(_) = verdict {
                *lock(&failed) = Some(Found { history, verdict });
                panic!("{NOT_LINEARIZABLE}");
            }
        }
    };
    // On a thread of its own: Shuttle writes no schedule of the same
    // length as the last one it wrote on the same thread (it takes it for
    // the same failure reported twice), and a replay is that very
    // schedule again. The thread's panic is the run's failure.
    let ran = std::thread::scope(|scope| {
        scope
            .spawn(|| Runner::new(scheduler, shuttle_config()).run(body))
            .join()
    });
    let executions = executions.load(Ordering::Relaxed);
    let histories = std::mem::take(&mut *lock(&histories));
    let payload = match ran {
        Ok(_) => {
            return Ok(Run {
                executions,
                histories,
                failure: None,
            });
        }
        Err(payload) => payload,
    };
    let Some(found) = lock(&failed).take() else {
        let message = payload
            .downcast_ref::<String>()
            .cloned()
            .or_else(|| payload.downcast_ref::<&str>().map(|s| (*s).to_owned()))
            .unwrap_or_else(|| "a panic with no message".to_owned());
        return Err(Broken(format!("execution {executions}: {message}")));
    };
    Ok(Run {
        executions,
        histories,
        failure: Some(Failing {
            found,
            schedule: written_schedule()?,
        }),
    })
}

fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}

/// The schedule Shuttle wrote for the failing execution, on one line: the
/// last file it wrote in this run (`schedule000.txt`, `schedule001.txt`,
/// ...). It writes one for every panic it sees, a panic the harness
/// catches in the implementation included, and the failing execution's is
/// the run's last panic.
fn written_schedule() -> Result<String, Broken> {
    let last = std::fs::read_dir(schedule_dir())
        .map_err(|e| Broken(format!("{}: {e}", schedule_dir().display())))?
        .flatten()
        .map(|entry| entry.path())
        .filter(|path| {
            path.file_name()
                .and_then(|name| name.to_str())
                .is_some_and(|name| name.starts_with("schedule") && name.ends_with(".txt"))
        })
        .max_by_key(|path| (path.as_os_str().len(), path.clone()));
    let Some(path) = last else {
        return Err(Broken(format!(
            "Shuttle wrote no schedule to {}",
            schedule_dir().display()
        )));
    };
    let text =
        std::fs::read_to_string(&path).map_err(|e| Broken(format!("{}: {e}", path.display())))?;
    Ok(text.split_whitespace().collect())
}

/// Runs `case` of `mutant` once, under the encoded schedule `schedule`:
/// what it gave, or why it could not be replayed. The schedule is checked
/// to be one of Shuttle's first (its parser panics on anything else).
fn replay_schedule<M: ConcurrentImplementation + Clone>(
    implementation: M,
    case: &ParallelCase,
    schedule: &str,
) -> Result<Option<Found>, Broken> {
    encoded_schedule(schedule).map_err(Broken)?;
    let run = run_under(
        implementation,
        case,
        ReplayScheduler::new_from_encoded(schedule),
    )?;
    Ok(run.failure.map(|failing| failing.found))
}

/// `text` as Shuttle's encoded schedule: hexadecimal digits (whitespace
/// aside) in whole bytes, the first Shuttle's format marker, `91`.
fn encoded_schedule(text: &str) -> Result<String, String> {
    let digits: String = text.split_whitespace().collect();
    if let Some(bad) = digits.chars().find(|c| !c.is_ascii_hexdigit()) {
        return Err(format!("`{bad}` in a schedule, which is hexadecimal"));
    }
    if digits.len() < 8 || !digits.len().is_multiple_of(2) {
        return Err(format!(
            "a schedule of {} hexadecimal digits: not a whole encoded schedule",
            digits.len()
        ));
    }
    if !digits.starts_with("91") {
        return Err("not a schedule in Shuttle's encoding (it starts with 91)".to_owned());
    }
    Ok(digits)
}

/// The report of a failing history, as the concurrent hunt prints it.
fn report(case: &ParallelCase, found: &Found) -> String {
    let Verdict::NotLinearizable(counterexample) = &found.verdict else {
        return format!("{:?}", found.verdict);
    };
    Divergence {
        step: case.len().saturating_sub(1),
        kind: DivergenceKind::NotLinearizable {
            history: Box::new(found.history.clone()),
            counterexample: counterexample.clone(),
        },
    }
    .report(&case.steps)
    .to_string()
}

/// How schedules are drawn: one of Shuttle's schedulers, and its seed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Drawn {
    /// Every scheduling point chooses a runnable thread at random.
    Random { seed: u64 },
    /// Probabilistic concurrency testing: threads run by priority, and
    /// `depth - 1` times in an execution the running one is demoted.
    Pct { seed: u64, depth: usize },
}

impl Drawn {
    /// The scheduler, for `schedules` executions.
    fn scheduler(self, schedules: usize) -> Box<dyn Scheduler + Send> {
        match self {
            Drawn::Random { seed } => Box::new(RandomScheduler::new_from_seed(seed, schedules)),
            Drawn::Pct { seed, depth } => {
                Box::new(PctScheduler::new_from_seed(seed, depth, schedules))
            }
        }
    }
}

impl fmt::Display for Drawn {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Drawn::Random { seed } => write!(f, "RandomScheduler::new_from_seed({seed}, n)"),
            Drawn::Pct { seed, depth } => {
                write!(f, "PctScheduler::new_from_seed({seed}, {depth}, n)")
            }
        }
    }
}

/// The seeds of the schedulers the simulated framework is run under.
const PROPERTY_SEEDS: [u64; 2] = [1, 2];

/// The cases (seeds `0..PROPERTY_CASES`) it is run on.
const PROPERTY_CASES: u64 = 48;

/// The schedules of each scheduler on each case.
const PROPERTY_SCHEDULES: usize = 12;

/// Property: the simulated framework shared between threads (one lock,
/// its routines run outside it) is linearizable under every schedule
/// tried: for each seed of [`PROPERTY_SEEDS`] and each of the first
/// [`PROPERTY_CASES`] parallel cases, [`PROPERTY_SCHEDULES`] schedules of
/// Shuttle's random scheduler and as many of its PCT scheduler (depth 3)
/// all give histories some order of the calls explains.
///
/// And the schedules differ: a case's schedules give different histories,
/// which they would not if the threads were not Shuttle's to order.
#[test]
fn the_simulated_framework_is_linearizable_under_every_random_and_pct_schedule_tried() {
    let (mut executions, mut distinct) = (0, 0);
    for seed in PROPERTY_SEEDS {
        for case_seed in 0..PROPERTY_CASES {
            let case = case(case_seed);
            for drawn in [Drawn::Random { seed }, Drawn::Pct { seed, depth: 3 }] {
                let run = run_under(Simulated, &case, drawn.scheduler(PROPERTY_SCHEDULES))
                    .unwrap_or_else(|broken| panic!("case {case_seed}, {drawn}: {broken}"));
                if let Some(failing) = &run.failure {
                    panic!(
                        "case {case_seed}, {drawn}, schedule {}:\n{}\n{}",
                        run.executions,
                        report(&case, &failing.found),
                        replay_line(Subject::Sim, case_seed, &failing.schedule)
                    );
                }
                assert_eq!(run.executions, PROPERTY_SCHEDULES, "case {case_seed}");
                executions += run.executions;
                distinct += run.histories.len();
            }
        }
    }
    println!("{executions} schedules, {distinct} distinct histories");
    // Half the cases or so have threads with work at once; the others (one
    // request, say) have a single history whatever the schedule.
    assert!(
        distinct * 4 > executions,
        "{executions} schedules gave only {distinct} distinct histories"
    );
}

/// The hunt's scheduler seed.
const HUNT_SEED: u64 = 1;

/// The random schedules tried on each case before the next.
const SCHEDULES_PER_CASE: usize = 3;

/// The most schedules a hunt may take to catch a racy mutant.
const HUNT_BOUND: usize = 4_000;

/// A racy mutant caught.
#[derive(Debug)]
struct Caught {
    /// The case's seed.
    case: u64,
    /// The failing schedule's place among the case's schedules (from 1).
    at: usize,
    /// Every schedule the hunt ran, the failing one included.
    schedules: usize,
    failing: Failing,
}

/// Cases from seed 0 up, [`SCHEDULES_PER_CASE`] schedules of the random
/// scheduler seeded with [`HUNT_SEED`] each, until one is not
/// linearizable or [`HUNT_BOUND`] schedules have run.
fn hunt(mutant: RacyMutant) -> Result<Option<Caught>, Broken> {
    let mut schedules = 0;
    for case_seed in 0.. {
        if schedules >= HUNT_BOUND {
            return Ok(None);
        }
        let drawn = Drawn::Random { seed: HUNT_SEED };
        let run = run_under(
            mutant,
            &case(case_seed),
            drawn.scheduler(SCHEDULES_PER_CASE),
        )?;
        schedules += run.executions;
        if let Some(failing) = run.failure {
            return Ok(Some(Caught {
                case: case_seed,
                at: run.executions,
                schedules,
                failing,
            }));
        }
    }
    unreachable!("the loop returns")
}

/// How to run the schedule again: the encoded schedule, or the seed.
fn replay_lines(mutant: RacyMutant, caught: &Caught) -> String {
    format!(
        "{}\nor from the seed: case {} under RandomScheduler::new_from_seed({HUNT_SEED}, {}), its last schedule",
        replay_line(Subject::Racy(mutant), caught.case, &caught.failing.schedule),
        caught.case,
        caught.at
    )
}

/// Whether this run writes the regression files afresh.
fn regenerating() -> bool {
    std::env::var("WDFREQ_SCHEDULES").is_ok_and(|value| value == "regenerate")
}

/// The directory of the committed schedule files.
fn schedules_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/schedules")
}

/// Property: every racy mutant is caught under Shuttle's random scheduler
/// from a fixed seed within [`HUNT_BOUND`] schedules, with a history no
/// order explains; and the schedule is deterministic: the same seed gives
/// the same failing history, verdict and encoded schedule again, and the
/// encoded schedule replayed gives the same history.
#[test]
fn every_racy_mutant_is_caught_under_a_seeded_schedule_deterministically() {
    for mutant in RACY {
        let started = Instant::now();
        let caught = hunt(mutant)
            .unwrap_or_else(|broken| panic!("{}: {broken}", mutant.name))
            .unwrap_or_else(|| panic!("{} not caught in {HUNT_BOUND} schedules", mutant.name));
        let case = case(caught.case);
        println!(
            "{} caught in case {}, schedule {} of the case, {} schedules in all, {:.1?}:\n{}\n{}",
            mutant.name,
            caught.case,
            caught.at,
            caught.schedules,
            started.elapsed(),
            report(&case, &caught.failing.found),
            replay_lines(mutant, &caught)
        );
        assert!(matches!(
            caught.failing.found.verdict,
            Verdict::NotLinearizable(_)
        ));

        let again = run_under(
            mutant,
            &case,
            Drawn::Random { seed: HUNT_SEED }.scheduler(caught.at),
        )
        .unwrap_or_else(|broken| panic!("{}, the seed again: {broken}", mutant.name));
        assert_eq!(again.executions, caught.at, "{}", mutant.name);
        assert_eq!(
            again.failure.as_ref(),
            Some(&caught.failing),
            "{}: the same seed, another history or schedule",
            mutant.name
        );

        let replayed = replay_schedule(mutant, &case, &caught.failing.schedule)
            .unwrap_or_else(|broken| panic!("{}, replayed: {broken}", mutant.name));
        assert_eq!(
            replayed.as_ref(),
            Some(&caught.failing.found),
            "{}: the schedule replayed gave another history",
            mutant.name
        );

        if regenerating() {
            let file = ScheduleFile {
                mutant,
                case: caught.case,
                steps: fingerprint(&case.steps),
                history: fingerprint(&caught.failing.found.history),
                schedule: caught.failing.schedule.clone(),
                found_by: format!(
                    "RandomScheduler::new_from_seed({HUNT_SEED}, {}), schedule {} of case {} ({} schedules into the hunt)",
                    SCHEDULES_PER_CASE, caught.at, caught.case, caught.schedules
                ),
            };
            let path = schedules_dir().join(format!("{}.schedule", mutant.name));
            std::fs::create_dir_all(schedules_dir()).expect("tests/ is writable");
            // Whole or not at all: written aside, then renamed over.
            let aside = path.with_extension("schedule.new");
            std::fs::write(&aside, file.render()).expect("tests/schedules is writable");
            std::fs::rename(&aside, &path).expect("tests/schedules is writable");
            println!("wrote {}", path.display());
        }
    }
}

/// A committed schedule: the racy mutant, the case, and the encoded
/// schedule under which its history is not linearizable, with
/// fingerprints of the case's steps and of that history.
#[derive(Clone, Debug, PartialEq)]
struct ScheduleFile {
    mutant: RacyMutant,
    case: u64,
    steps: u64,
    history: u64,
    schedule: String,
    /// How it was found (a comment: not read back).
    found_by: String,
}

/// A schedule file that cannot be read as one.
#[derive(Debug, PartialEq)]
struct FileError {
    path: PathBuf,
    /// From 1; `None` when what is missing has no line.
    line: Option<usize>,
    message: String,
}

impl fmt::Display for FileError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.line {
            Some(line) => write!(f, "{}:{line}: {}", self.path.display(), self.message),
            None => write!(f, "{}: {}", self.path.display(), self.message),
        }
    }
}

impl ScheduleFile {
    /// The file's text. The schedule goes last, in lines of 76 digits as
    /// Shuttle prints it.
    fn render(&self) -> String {
        let mut text = format!(
            "# A schedule under which the racy mutant's history is not linearizable,\n\
             # replayed by `cargo test --features shuttle --test schedules` (tests/schedules.rs).\n\
             # Regenerate: WDFREQ_SCHEDULES=regenerate cargo test --features shuttle --test schedules\n\
             # Found by {}.\n\
             mutant: {}\n\
             case: {}\n\
             steps: {:016x}\n\
             history: {:016x}\n\
             schedule:\n",
            self.found_by, self.mutant.name, self.case, self.steps, self.history
        );
        for line in self.schedule.as_bytes().chunks(76) {
            text.push_str(&String::from_utf8_lossy(line));
            text.push('\n');
        }
        text
    }

    /// Reads `text`, the contents of `path`: `# ` comments and blank
    /// lines, `key: value` lines (`mutant`, `case`, `steps`, `history`,
    /// each once), then `schedule:` and the schedule's lines to the end.
    fn parse(path: &Path, text: &str) -> Result<ScheduleFile, FileError> {
        let error = |line: Option<usize>, message: String| FileError {
            path: path.to_path_buf(),
            line,
            message,
        };
        let (mut mutant, mut case, mut steps, mut history) = (None, None, None, None);
        let mut schedule: Option<(usize, String)> = None;
        for (index, line) in text.lines().enumerate() {
            let number = index + 1;
            let line = line.trim();
            if let Some((_, digits)) = &mut schedule {
                if !line.is_empty() {
                    digits.push_str(line);
                }
                continue;
            }
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            let Some((key, value)) = line.split_once(':') else {
                return Err(error(Some(number), format!("`{line}` is not `key: value`")));
            };
            let value = value.trim();
            let hex = |value: &str| {
                u64::from_str_radix(value, 16).map_err(|_| {
                    error(
                        Some(number),
                        format!("`{key}: {value}`: not a hexadecimal fingerprint"),
                    )
                })
            };
            let duplicate = || error(Some(number), format!("a second `{key}:` line"));
            match key {
                "mutant" => {
                    let found = racy_by_name(value).ok_or_else(|| {
                        error(Some(number), format!("no racy mutant is called `{value}`"))
                    })?;
                    if mutant.replace(found).is_some() {
                        return Err(duplicate());
                    }
                }
                "case" => {
                    let seed = value.parse::<u64>().map_err(|_| {
                        error(
                            Some(number),
                            format!("`case: {value}`: not a case seed (a number)"),
                        )
                    })?;
                    if case.replace(seed).is_some() {
                        return Err(duplicate());
                    }
                }
                "steps" => {
                    if steps.replace(hex(value)?).is_some() {
                        return Err(duplicate());
                    }
                }
                "history" => {
                    if history.replace(hex(value)?).is_some() {
                        return Err(duplicate());
                    }
                }
                "schedule" => schedule = Some((number, value.to_owned())),
                _ => {
                    return Err(error(
                        Some(number),
                        format!("unknown key `{key}` (mutant, case, steps, history, schedule)"),
                    ));
                }
            }
        }
        let missing = |key: &str| error(None, format!("no `{key}:` line"));
        let (at, digits) = schedule.ok_or_else(|| missing("schedule"))?;
        let schedule = encoded_schedule(&digits).map_err(|message| error(Some(at), message))?;
        Ok(ScheduleFile {
            mutant: mutant.ok_or_else(|| missing("mutant"))?,
            case: case.ok_or_else(|| missing("case"))?,
            steps: steps.ok_or_else(|| missing("steps"))?,
            history: history.ok_or_else(|| missing("history"))?,
            schedule,
            found_by: String::new(),
        })
    }

    /// Reads the file at `path`.
    fn read(path: &Path) -> Result<ScheduleFile, FileError> {
        let text = std::fs::read_to_string(path).map_err(|e| FileError {
            path: path.to_path_buf(),
            line: None,
            message: e.to_string(),
        })?;
        ScheduleFile::parse(path, &text)
    }
}

/// What a replay line names: a racy mutant, or `sim` (a failure of the
/// property test).
#[derive(Clone, Copy, Debug, PartialEq)]
enum Subject {
    Sim,
    Racy(RacyMutant),
}

impl Subject {
    fn named(name: &str) -> Option<Subject> {
        match name {
            "sim" => Some(Subject::Sim),
            _ => racy_by_name(name).map(Subject::Racy),
        }
    }

    fn name(self) -> &'static str {
        match self {
            Subject::Sim => "sim",
            Subject::Racy(mutant) => mutant.name,
        }
    }
}

/// The line that replays `schedule` of case `case` of `subject`.
fn replay_line(subject: Subject, case: u64, schedule: &str) -> String {
    format!(
        "replay: WDFREQ_SCHEDULE={}:{case}:{schedule} cargo test --features shuttle --test schedules replay -- --nocapture",
        subject.name()
    )
}

/// `WDFREQ_SCHEDULE`'s value: a schedule file's path, or
/// `<name>:<case>:<encoded schedule>` as a replay line prints it.
fn schedule_from_env(value: &str) -> Result<(Subject, u64, String), String> {
    let path = Path::new(value);
    if path.is_file() {
        let file = ScheduleFile::read(path).map_err(|e| e.to_string())?;
        return Ok((Subject::Racy(file.mutant), file.case, file.schedule));
    }
    let mut parts = value.splitn(3, ':');
    let (Some(name), Some(case), Some(schedule)) = (parts.next(), parts.next(), parts.next())
    else {
        return Err(format!(
            "WDFREQ_SCHEDULE=`{value}`: neither a file nor <name>:<case>:<schedule>"
        ));
    };
    let subject = Subject::named(name)
        .ok_or_else(|| format!("`{name}`: neither `sim` nor a racy mutant's name"))?;
    let case = case
        .parse()
        .map_err(|_| format!("`{case}`: not a case seed (a number)"))?;
    Ok((subject, case, encoded_schedule(schedule)?))
}

/// Property: every committed schedule (`tests/schedules/*.schedule`, one
/// per racy mutant) still makes its mutant's history not linearizable,
/// and the very history it made when found (same fingerprint), on the
/// very case. With `WDFREQ_SCHEDULE` set, replays that schedule instead
/// and prints what it gives.
#[test]
fn replay() {
    if let Ok(value) = std::env::var("WDFREQ_SCHEDULE") {
        let (subject, case_seed, schedule) =
            schedule_from_env(&value).unwrap_or_else(|message| panic!("{message}"));
        let case = case(case_seed);
        let replayed = match subject {
            Subject::Sim => replay_schedule(Simulated, &case, &schedule),
            Subject::Racy(mutant) => replay_schedule(mutant, &case, &schedule),
        };
        let name = subject.name();
        let found = replayed
            .unwrap_or_else(|broken| panic!("{name}, case {case_seed}: {broken}"))
            .unwrap_or_else(|| {
                panic!("{name}, case {case_seed}: linearizable under this schedule")
            });
        println!(
            "{name}, case {case_seed}, history {:016x}:\n{}",
            fingerprint(&found.history),
            report(&case, &found)
        );
        return;
    }
    if regenerating() {
        // The hunt writes them afresh in this run; the next run replays.
        println!("WDFREQ_SCHEDULES=regenerate: the committed schedules are being rewritten");
        return;
    }
    let mut paths: Vec<PathBuf> = std::fs::read_dir(schedules_dir())
        .unwrap_or_else(|e| panic!("{}: {e}", schedules_dir().display()))
        .flatten()
        .map(|entry| entry.path())
        .filter(|path| path.extension().is_some_and(|e| e == "schedule"))
        .collect();
    paths.sort();
    let mut mutants = Vec::new();
    for path in &paths {
        let file = ScheduleFile::read(path).unwrap_or_else(|error| panic!("{error}"));
        let case = case(file.case);
        assert_eq!(
            fingerprint(&case.steps),
            file.steps,
            "{}: case {} is no longer the case the schedule was found on \
             (the generator changed): regenerate with WDFREQ_SCHEDULES=regenerate",
            path.display(),
            file.case
        );
        let found = replay_schedule(file.mutant, &case, &file.schedule).unwrap_or_else(|broken| {
            panic!(
                "{}: the schedule no longer replays ({broken}): \
                 regenerate with WDFREQ_SCHEDULES=regenerate",
                path.display()
            )
        });
        let found = found.unwrap_or_else(|| {
            panic!(
                "{}: {} is linearizable under its schedule now",
                path.display(),
                file.mutant.name
            )
        });
        assert_eq!(
            fingerprint(&found.history),
            file.history,
            "{}: another failing history than when found:\n{}",
            path.display(),
            report(&case, &found)
        );
        mutants.push(file.mutant.name);
    }
    mutants.sort_unstable();
    let mut expected: Vec<&str> = RACY.iter().map(|mutant| mutant.name).collect();
    expected.sort_unstable();
    assert_eq!(mutants, expected, "one schedule file per racy mutant");
}

/// A schedule file that is not one is an error naming the file and the
/// line (or what is missing), never a panic; a rendered file reads back.
#[test]
fn a_bad_schedule_file_is_an_error_naming_the_file_and_its_line() {
    let path = Path::new("tests/schedules/x.schedule");
    let good = ScheduleFile {
        mutant: RACY[0],
        case: 12,
        steps: 0xabc,
        history: u64::MAX,
        schedule: format!("91{}", "0123456789abcdef".repeat(10)),
        found_by: "hand".to_owned(),
    };
    let text = good.render();
    assert_eq!(
        ScheduleFile::parse(path, &text),
        Ok(ScheduleFile {
            found_by: String::new(),
            ..good.clone()
        })
    );
    let cases: [(String, Option<usize>, &str); 9] = [
        (
            text.replace("mutant: ", "mutant: no-such-"),
            Some(5),
            "no racy mutant",
        ),
        (
            text.replace("case: 12", "case: twelve"),
            Some(6),
            "not a case seed",
        ),
        (
            text.replace("steps: ", "steps: z"),
            Some(7),
            "not a hexadecimal",
        ),
        (
            text.replace("history: ", "colour: "),
            Some(8),
            "unknown key `colour`",
        ),
        (
            text.replace("case: 12\n", "case: 12\ncase: 13\n"),
            Some(7),
            "a second `case:`",
        ),
        (
            text.replace("case: 12\n", "just words\n"),
            Some(6),
            "not `key: value`",
        ),
        (
            text.replace("schedule:\n91", "schedule:\n19"),
            Some(9),
            "Shuttle's encoding",
        ),
        (
            text.replace("schedule:\n91", "schedule:\n9x"),
            Some(9),
            "`x` in a schedule",
        ),
        (
            text.replace("steps: ", "# steps: "),
            None,
            "no `steps:` line",
        ),
    ];
    for (bad, line, message) in cases {
        let error = ScheduleFile::parse(path, &bad).expect_err(message);
        assert_eq!(error.line, line, "{error}");
        assert!(error.message.contains(message), "{error}");
        let shown = error.to_string();
        assert!(shown.starts_with("tests/schedules/x.schedule"), "{shown}");
        if let Some(line) = line {
            assert!(shown.contains(&format!(".schedule:{line}: ")), "{shown}");
        }
    }
    // The replay line's form is checked too, not handed to Shuttle raw.
    assert!(schedule_from_env("completed-twice-race:3:91zz").is_err());
    assert!(schedule_from_env("no-such-mutant:3:91000000").is_err());
    assert_eq!(
        schedule_from_env("sim:3:91 00 00 00"),
        Ok((Subject::Sim, 3, "91000000".to_owned()))
    );
    assert!(schedule_from_env("completed-twice-race").is_err());
}

/// The command line, built with the feature (this test's binary is): a
/// concurrent hunt whose rounds run under Shuttle's schedules seeded by
/// `--schedule-seed`.
mod command_line {
    use std::process::{Command, Output};

    fn wdfreq(args: &[&str]) -> Output {
        let dir = std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join("schedules-cli");
        Command::new(env!("CARGO_BIN_EXE_wdfreq"))
            .args(args)
            .arg("--regressions")
            .arg(&dir)
            .env("NO_COLOR", "1")
            .output()
            .expect("the binary runs")
    }

    /// Standard output without the line of figures that depend on the
    /// machine (`cases: 1  steps: 23  time: 0.06 s ...`).
    fn report(output: &Output) -> String {
        String::from_utf8_lossy(&output.stdout)
            .lines()
            .filter(|line| !line.starts_with("cases: "))
            .map(|line| format!("{line}\n"))
            .collect()
    }

    /// Property: a seeded concurrent hunt is deterministic. A racy mutant
    /// is caught, with `--schedule-seed` in the replay line; the hunt run
    /// again prints the same report, and its replay line, run twice, finds
    /// the same race with the same history both times; on `sim` the same
    /// hunt conforms. (Two of the mutants, those caught in the fewest
    /// cases from seed 1, keep the debug build's run short: the third is
    /// caught in the tests above.)
    #[test]
    fn a_seeded_hunt_prints_the_same_race_again_and_its_replay_line_finds_it() {
        for name in ["completed-twice-race", "resend-in-callback-lost"] {
            let mutant = wdfreq::gallery::racy::racy_by_name(name).expect("a racy mutant");
            let hunt = [
                "hunt",
                "--concurrent",
                "--implementation",
                mutant.name,
                "--cases",
                "3000",
                "--seed",
                "1",
                "--schedule-seed",
                "1",
            ];
            let found = wdfreq(&hunt);
            let out = report(&found);
            assert_eq!(found.status.code(), Some(1), "{}: {out}", mutant.name);
            assert_eq!(
                report(&wdfreq(&hunt)),
                out,
                "{}: the same hunt again",
                mutant.name
            );
            let replay = out
                .lines()
                .find_map(|line| line.strip_prefix("replay: wdfreq "))
                .expect("a replay line");
            assert!(
                replay.ends_with(" --schedule-seed 0x0000000000000001"),
                "{replay}"
            );
            let args: Vec<&str> = replay.split(' ').collect();
            let (first, second) = (wdfreq(&args), wdfreq(&args));
            assert_eq!(first.status.code(), Some(1), "{}", report(&first));
            assert_eq!(report(&first), report(&second), "{replay}: replayed twice");
            let history = |text: &str| {
                text.split_once("history (logical time, thread, event):")
                    .map(|(_, rest)| rest.split("\nreplay:").next().unwrap_or("").to_owned())
                    .expect("a history")
            };
            assert_eq!(
                history(&report(&first)),
                history(&out),
                "{replay}: the replay's history is the hunt's"
            );
        }
        let sim = wdfreq(&[
            "hunt",
            "--concurrent",
            "--cases",
            "100",
            "--seed",
            "1",
            "--schedule-seed",
            "2",
        ]);
        assert_eq!(sim.status.code(), Some(0), "{}", report(&sim));
    }

    /// Property: every race kept in `tests/regressions/` from a seeded
    /// hunt replays as recorded, for certain: `wdfreq replay` of it exits
    /// 1, as the file expects, with the same history both times it runs.
    #[test]
    fn every_committed_race_replays_under_its_schedules() {
        use wdfreq::regression::Regression;
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/regressions");
        let mut races = 0;
        for entry in std::fs::read_dir(dir).expect("tests/regressions/ is readable") {
            let path = entry.expect("entry").path();
            if path.extension().is_none_or(|e| e != "jsonl") {
                continue;
            }
            let regression = Regression::read(&path).unwrap_or_else(|e| panic!("{e}"));
            if regression.concurrent.and_then(|run| run.schedule).is_none() {
                continue;
            }
            races += 1;
            let replay = |_: usize| {
                Command::new(env!("CARGO_BIN_EXE_wdfreq"))
                    .arg("replay")
                    .arg(&path)
                    .env("NO_COLOR", "1")
                    .output()
                    .expect("the binary runs")
            };
            let (first, second) = (replay(1), replay(2));
            let text = report(&first);
            assert_eq!(first.status.code(), Some(1), "{text}");
            assert!(
                text.contains("\nexpected: diverges: as expected\n"),
                "{text}"
            );
            assert!(text.contains("Shuttle's schedules of seed"), "{text}");
            assert_eq!(text, report(&second), "{}: replayed twice", path.display());
        }
        assert!(races >= 3, "only {races} races kept");
    }
}
