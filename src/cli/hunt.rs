//! `wdfreq hunt`: runs conformance cases against the simulated framework,
//! or one of the gallery's mutants, on one worker thread per core, and
//! reports cases, steps, rules exercised and, for a divergence, the shrunk
//! sequence, the command that replays it and the regression file that keeps
//! it.
//!
//! Standard output is a function of the arguments alone, bar the timing
//! line: the same seed and `--cases` print the same report on any number of
//! workers (see [`crate::harness::hunt`](mod@crate::harness::hunt)).
//! Progress goes to standard error. Ctrl-C (or SIGTERM, or SIGHUP) stops the hunt once the cases
//! under way are done and prints the report; with no failure found the
//! verdict is unknown, exit 130.
//!
//! `--format json` prints one JSON document instead of the report, and
//! `--junit FILE` writes a JUnit XML report beside either
//! ([`crate::report`] says what each holds). The regression file and the
//! traces are written whatever the format.

use std::io::Write as _;
use std::num::NonZeroUsize;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, LazyLock, Once};
use std::time::Duration;

use clap::Args;

use super::format::HuntFormat;
use super::implementation::{Builtin, only, with_builtin};
use super::progress::Progress;
use super::report_file;
use super::settings::SettingsArgs;
use super::trace_out::write_traces;
use super::{Console, Outcome};
use crate::harness::{
    Activity, Budget, CASE_TIMEOUT, CaseConfig, ConcurrentConfig, ConcurrentImplementation,
    DivergenceKind, Divergent, Failure, HuntConfig, HuntReport, Implementation, Seed, Unknown,
    Verdict, Workers, hunt_concurrent, hunt_with,
};
use crate::regression::{ConcurrentRun, Expect, RACE_REPLAY_ROUNDS, Regression};
use crate::report::{self, Hunted};
use crate::vocab::Settings;

pub use super::implementation::SIM;

/// The arguments of `hunt`.
#[derive(Debug, Args)]
pub struct HuntArgs {
    /// Run this many cases (unless --seconds is given).
    #[arg(long, default_value_t = 1000, conflicts_with = "seconds")]
    pub cases: u64,
    /// Run cases for this many seconds instead of a fixed count.
    #[arg(long)]
    pub seconds: Option<f64>,
    /// The run's seed (decimal or 0x-hex); random when not given.
    #[arg(long)]
    pub seed: Option<Seed>,
    /// The most steps one generated sequence has.
    #[arg(long, default_value_t = CaseConfig::default().steps_max)]
    pub steps_max: usize,
    /// The implementation to hunt: `sim`, the simulated framework, or a
    /// mutant from the gallery (a deliberately broken copy); in a binary
    /// that drives one implementation of its own, that one.
    #[arg(long, value_name = "NAME")]
    pub implementation: Option<String>,
    /// Worker threads, each running its share of the cases; one per core
    /// when not given. The report does not depend on it.
    #[arg(long, value_name = "N")]
    pub workers: Option<NonZeroUsize>,
    /// The longest one run of a case (or of one attempt at shrinking it)
    /// may take, in seconds: a case that takes longer is reported as a hang
    /// of the implementation at the step it was on, and the hunt ends.
    #[arg(long, value_name = "SECONDS", default_value_t = CASE_TIMEOUT.as_secs_f64())]
    pub case_timeout: f64,
    /// The directory a failing case's regression file is written to
    /// (created if need be).
    #[arg(long, value_name = "DIR", default_value = "regressions")]
    pub regressions: PathBuf,
    /// Write the trace of a failing case (trace format version 2, for
    /// `wdfreq check`) into this directory (created if need be).
    #[arg(long, value_name = "DIR")]
    pub trace_out: Option<PathBuf>,
    /// With --trace-out, write the trace of every passing case too.
    #[arg(long, requires = "trace_out")]
    pub trace_passing: bool,
    /// Also write the report as one self-contained HTML page to FILE: the
    /// verdict, the rules exercised and a failing case's sequence diagram.
    #[arg(long, value_name = "FILE")]
    pub report: Option<PathBuf>,
    /// The framework to judge for; the implementation is built for the same
    /// (the first the implementation declares when no flag is given).
    #[command(flatten)]
    pub settings: SettingsArgs,
    /// How to write the results on standard output: the report for people,
    /// or one JSON document.
    #[arg(long, value_enum, default_value_t = HuntFormat::Text)]
    pub format: HuntFormat,
    /// Also write a JUnit XML report to this file (its directory created if
    /// need be), for CI test reports.
    #[arg(long, value_name = "FILE")]
    pub junit: Option<PathBuf>,
    /// Hunt for races: run each case on several threads at once on one
    /// shared instance, and judge what they did by whether some order of it
    /// is one the framework allows.
    #[arg(long, conflicts_with = "trace_out")]
    pub concurrent: bool,
    /// With --concurrent: driver threads (besides one for the targets and
    /// one for the timers).
    #[arg(long, value_name = "N", default_value_t = ConcurrentConfig::default().drivers, requires = "concurrent")]
    pub threads: usize,
    /// With --concurrent: the times each case runs, to meet other
    /// interleavings.
    #[arg(long, value_name = "N", default_value_t = ConcurrentConfig::default().rounds, requires = "concurrent")]
    pub rounds: usize,
    /// With --concurrent, in a build with the `shuttle` feature (`cargo
    /// run --features shuttle -- hunt ...`): the seed (decimal or 0x-hex)
    /// of the schedules each round runs under, Shuttle's random scheduler
    /// instead of the operating system's, so that the same seeds give the
    /// same histories; 1 when not given, and printed in the replay line.
    /// Refused by a build without the feature.
    #[arg(long, value_name = "SEED", requires = "concurrent")]
    pub schedule_seed: Option<Seed>,
}

/// The seed of the schedules a concurrent hunt's rounds run under: the
/// one asked for, or 1; `None` in a build without the `shuttle` feature,
/// where the operating system schedules the threads.
pub fn schedule_seed(args: &HuntArgs) -> Option<u64> {
    cfg!(feature = "shuttle").then(|| args.schedule_seed.map_or(1, |seed| seed.0))
}

/// `wdfreq hunt`: hunts the built-in implementation `--implementation`
/// names.
pub fn run(args: &HuntArgs, console: &mut Console) -> std::io::Result<Outcome> {
    let builtin = match Builtin::by_name(args.implementation.as_deref().unwrap_or(SIM)) {
        Ok(builtin) => builtin,
        Err(error) => {
            console.error(error)?;
            return Ok(Outcome::BadInput);
        }
    };
    let command = builtin.command("hunt");
    if args.concurrent {
        return with_builtin!(builtin, |implementation| run_concurrent_for(
            implementation,
            &command,
            args,
            console
        ));
    }
    with_builtin!(builtin, |implementation| run_for(
        implementation,
        &command,
        args,
        console
    ))
}

/// The most `--threads` takes.
pub const THREADS_LIMIT: usize = 16;
/// The most `--rounds` takes.
pub const ROUNDS_LIMIT: usize = 1024;

/// The rounds a replay line of a race asks for at least: a race shows in
/// some rounds only.
pub const REPLAY_ROUNDS: usize = 64;

/// `hunt --concurrent` for `implementation`, which implements the
/// concurrent contract; `command` starts the replay line.
pub fn run_concurrent_for<M>(
    implementation: &M,
    command: &str,
    args: &HuntArgs,
    console: &mut Console,
) -> std::io::Result<Outcome>
where
    M: Implementation + ConcurrentImplementation + Clone + Send + 'static,
{
    if !(1..=THREADS_LIMIT).contains(&args.threads) || !(1..=ROUNDS_LIMIT).contains(&args.rounds) {
        console.error(format_args!(
            "--threads must be from 1 to {THREADS_LIMIT} and --rounds from 1 to {ROUNDS_LIMIT}, not {} and {}",
            args.threads, args.rounds
        ))?;
        return Ok(Outcome::BadInput);
    }
    if args.schedule_seed.is_some() && schedule_seed(args).is_none() {
        console.error(
            "--schedule-seed: this build schedules threads with the operating system; a build \
             with the `shuttle` feature runs rounds under seeded schedules \
             (cargo run --features shuttle -- hunt ...)",
        )?;
        return Ok(Outcome::BadInput);
    }
    let (drivers, rounds) = (args.threads, args.rounds);
    let schedule = schedule_seed(args).unwrap_or(1);
    let hunted = implementation.clone();
    hunt_and_report(
        implementation,
        command,
        args,
        console,
        move |config, workers, progress| {
            let concurrent = ConcurrentConfig {
                case: config.case,
                drivers,
                rounds,
                schedule,
                ..ConcurrentConfig::default()
            };
            hunt_concurrent(
                config.seed,
                config.budget,
                &concurrent,
                workers,
                hunted,
                progress,
            )
        },
    )
}

/// `hunt` for `implementation`, the one a binary drives; `command` starts
/// the replay line it prints (`wdfreq hunt`, say).
pub fn run_for<M: Implementation + Clone + Send + 'static>(
    implementation: &M,
    command: &str,
    args: &HuntArgs,
    console: &mut Console,
) -> std::io::Result<Outcome> {
    if args.concurrent {
        console.error(format_args!(
            "--concurrent: {} is driven from one thread only here; a concurrent hunt needs an \
             implementation of harness::ConcurrentImplementation",
            implementation.name()
        ))?;
        return Ok(Outcome::BadInput);
    }
    let settings_of = implementation.clone();
    hunt_and_report(
        implementation,
        command,
        args,
        console,
        move |config, workers, progress| {
            let settings = config.case.settings;
            hunt_with(
                config,
                workers,
                move || settings_of.build(settings),
                progress,
            )
        },
    )
}

/// Parses the arguments for `implementation`, runs `hunt` (a sequential or
/// a concurrent hunt) with progress, and writes the results.
fn hunt_and_report<M: Implementation + Clone + Send + 'static>(
    implementation: &M,
    command: &str,
    args: &HuntArgs,
    console: &mut Console,
    hunt: impl FnOnce(&HuntConfig, Workers, &mut dyn FnMut(&HuntReport)) -> HuntReport,
) -> std::io::Result<Outcome> {
    let (config, workers) = match parse(implementation, args) {
        Ok(parsed) => parsed,
        Err(message) => {
            console.error(message)?;
            return Ok(Outcome::BadInput);
        }
    };
    let settings = config.case.settings;
    if args.format == HuntFormat::Text {
        writeln!(
            console.out,
            "wdfreq hunt: seed {}, implementation: {}, framework: {settings}",
            config.seed,
            implementation.describe()
        )?;
    }
    let workers = workers.stopped_by(interrupt_flag());
    let count = workers.count;
    let mut progress = Progress::new(config.budget, settings, console.progress_bar);
    let mut show = |report: &HuntReport| progress.update(report);
    let report = hunt(&config, workers, &mut show);
    progress.finish();
    let ran = Ran {
        config: &config,
        report: &report,
        workers: count,
    };
    write_results(implementation, command, args, ran, console)
}

/// A hunt that ran: what was asked, what it found, on how many workers.
#[derive(Clone, Copy)]
struct Ran<'a> {
    config: &'a HuntConfig,
    report: &'a HuntReport,
    workers: NonZeroUsize,
}

/// Keeps what the hunt found (regression file, traces), then writes the
/// results in the format asked for, and the JUnit report if asked.
fn write_results<M: Implementation>(
    implementation: &M,
    command: &str,
    args: &HuntArgs,
    ran: Ran<'_>,
    console: &mut Console,
) -> std::io::Result<Outcome> {
    let (name, description) = (implementation.name(), implementation.describe());
    let settings = ran.config.case.settings;
    let replay = ran
        .report
        .failure()
        .map(|failure| replay_line(command, failure, args, &settings));
    let race = args.concurrent.then_some(ConcurrentRun {
        drivers: args.threads,
        // At least the hunt's: a seeded race failed in one of them.
        rounds: RACE_REPLAY_ROUNDS.max(args.rounds),
        schedule: schedule_seed(args),
    });
    let regression = match ran.report.verdict.divergent() {
        Some(divergent) => keep_regression(
            ran.report,
            divergent,
            &args.regressions,
            (&name, &settings, race),
            console,
        )?,
        None => None,
    };
    let traces = args.trace_out.as_ref().map(|dir| {
        let written = write_traces(
            dir,
            implementation,
            ran.config,
            ran.report,
            args.trace_passing,
        );
        (dir, written)
    });
    let trace = traces
        .as_ref()
        .and_then(|(_, written)| written.as_ref().ok()?.as_deref());
    let hunted = Hunted {
        implementation: &name,
        description: &description,
        config: ran.config,
        workers: ran.workers.get(),
        report: ran.report,
        replay: replay.as_deref(),
        regression: regression.as_deref(),
        trace,
    };
    let mut outcome = Outcome::from(&ran.report.verdict);
    match args.format {
        HuntFormat::Text => write_report(&hunted, command, console)?,
        HuntFormat::Json => report::json::write_hunt(console.out, &hunted)?,
    }
    if let Some(path) = &args.junit
        && let Err(error) = write_junit(path, &hunted)
    {
        console.error(format_args!(
            "cannot write the JUnit report {}: {error}",
            path.display()
        ))?;
        outcome = Outcome::BadInput;
    }
    if let Some((dir, Err(error))) = &traces {
        console.error(format_args!(
            "cannot write traces to {}: {error}",
            dir.display()
        ))?;
        outcome = Outcome::BadInput;
    }
    if let Some(path) = &args.report {
        let page = crate::report::html::Hunted {
            implementation: &description,
            settings,
            replay: replay.as_deref(),
        };
        let named = args.format == HuntFormat::Text;
        return report_file::write(path, (ran.report, &page), outcome, named, console);
    }
    Ok(outcome)
}

/// Writes the JUnit XML report of `hunted` to `path`, creating its
/// directory if need be.
fn write_junit(path: &Path, hunted: &Hunted<'_>) -> std::io::Result<()> {
    if let Some(dir) = path.parent().filter(|dir| !dir.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir)?;
    }
    let mut file = std::io::BufWriter::new(std::fs::File::create(path)?);
    report::junit::write_hunt(&mut file, hunted)?;
    file.flush()
}

/// The most `--steps-max` takes: a case of that many steps (eight times
/// as many, for a long one) still runs in seconds.
pub const STEPS_MAX_LIMIT: usize = 100_000;

/// Whether a directory can be written at `dir`, which need not exist yet:
/// the nearest part of it that exists must be a directory in which a file
/// can be made. (A probe file is made there and removed; nothing is
/// created when all is well and `dir` does not exist.)
fn writable_dir(dir: &Path) -> Result<(), String> {
    let existing = dir
        .ancestors()
        .find(|a| !a.as_os_str().is_empty() && a.exists())
        .unwrap_or(Path::new("."));
    if !existing.is_dir() {
        return Err(format!(
            "{} cannot be a directory: {} is a file",
            dir.display(),
            existing.display()
        ));
    }
    let probe = existing.join(format!(".wdfreq-probe-{}", std::process::id()));
    std::fs::File::create(&probe)
        .and_then(|_| std::fs::remove_file(&probe))
        .map_err(|e| format!("cannot write in {}: {e}", existing.display()))
}

/// The most `--workers` takes: more threads than a hunt can use on any
/// machine it runs on, and few enough for a process's thread limit (a
/// thread that cannot be started aborts the process).
pub const WORKERS_LIMIT: usize = 256;

/// The most `--seconds` takes: a year.
pub const SECONDS_LIMIT: f64 = 365.0 * 24.0 * 3600.0;

/// `--case-timeout`'s value as a limit, or why it is none.
pub(super) fn case_timeout(seconds: f64) -> Result<Duration, String> {
    if seconds.is_finite() && seconds > 0.0 && seconds <= SECONDS_LIMIT {
        Ok(Duration::from_secs_f64(seconds))
    } else {
        Err(format!(
            "--case-timeout must be a number of seconds above 0 and at most {SECONDS_LIMIT} (a year), not {seconds}"
        ))
    }
}

/// The hunt the arguments ask of `implementation` and the workers it runs
/// on (not yet stoppable), or why not.
fn parse<M: Implementation>(
    implementation: &M,
    args: &HuntArgs,
) -> Result<(HuntConfig, Workers), String> {
    only(implementation, args.implementation.as_deref())?;
    // Where the results go is checked before the hunt, not after it ran:
    // a failure found must not be lost to a path that cannot be written.
    writable_dir(&args.regressions).map_err(|e| format!("--regressions: {e}"))?;
    if let Some(dir) = &args.trace_out {
        writable_dir(dir).map_err(|e| format!("--trace-out: {e}"))?;
    }
    if let Some(file) = &args.junit {
        let dir = file.parent().filter(|d| !d.as_os_str().is_empty());
        writable_dir(dir.unwrap_or(Path::new("."))).map_err(|e| format!("--junit: {e}"))?;
    }
    if let Some(workers) = args.workers.filter(|w| w.get() > WORKERS_LIMIT) {
        return Err(format!(
            "--workers must be at most {WORKERS_LIMIT}, not {workers}"
        ));
    }
    if let Some(path) = &args.report {
        report_file::check(path)?;
    }
    if args.steps_max > STEPS_MAX_LIMIT {
        return Err(format!(
            "--steps-max must be at most {STEPS_MAX_LIMIT}, not {} (one case in five runs up to {} times as many steps)",
            args.steps_max,
            crate::harness::LONG_CASE_FACTOR
        ));
    }
    let mut workers = Workers::per_core().with_case_timeout(case_timeout(args.case_timeout)?);
    if let Some(count) = args.workers {
        workers = workers.with_count(count);
    }
    let budget = match args.seconds {
        Some(seconds) if !(seconds.is_finite() && (0.0..=SECONDS_LIMIT).contains(&seconds)) => {
            return Err(format!(
                "--seconds must be a number from 0 to {SECONDS_LIMIT} (a year), not {seconds}"
            ));
        }
        Some(seconds) => Budget::Time(Duration::from_secs_f64(seconds)),
        None => Budget::Cases(args.cases),
    };
    // Hunted in the first settings the implementation declares (a mutant:
    // the settings it shows in), unless flags say otherwise.
    let base = implementation
        .settings()
        .first()
        .copied()
        .ok_or_else(|| format!("{} declares no settings", implementation.name()))?;
    let settings = args.settings.over(base).map_err(|e| e.to_string())?;
    let settings = implementation
        .check_settings(settings)
        .map_err(|e| e.to_string())?;
    let config = HuntConfig {
        seed: args.seed.unwrap_or_else(Seed::random),
        budget,
        case: CaseConfig {
            settings,
            steps_max: args.steps_max.max(1),
        },
    };
    Ok((config, workers))
}

/// Raised by the first Ctrl-C, SIGTERM or SIGHUP (`ctrlc`'s `termination`
/// feature); a second one ends the process at once.
static INTERRUPTED: LazyLock<Arc<AtomicBool>> = LazyLock::new(Arc::default);

/// The flag Ctrl-C raises, lowered, with the handler installed (once per
/// process: `ctrlc` allows one handler).
fn interrupt_flag() -> Arc<AtomicBool> {
    static INSTALL: Once = Once::new();
    INSTALL.call_once(|| {
        // Should installing fail, Ctrl-C keeps its default, ending the
        // process at once: the hunt itself runs the same.
        let _ = ctrlc::set_handler(|| {
            if INTERRUPTED.swap(true, Ordering::SeqCst) {
                std::process::exit(Outcome::Interrupted.code().into());
            }
        });
    });
    INTERRUPTED.store(false, Ordering::SeqCst);
    Arc::clone(&INTERRUPTED)
}

/// How many rules a hunt can exercise in `settings`, and how many of
/// those `report` exercised.
pub(super) fn exercised(report: &HuntReport, settings: &Settings) -> (usize, usize) {
    report.coverage.exercised_in(settings)
}

/// The report for people: counts, coverage, depth, the verdict and, for a
/// divergence, the shrunk sequence, the replay command, the regression file
/// and the trace.
fn write_report(hunted: &Hunted<'_>, command: &str, console: &mut Console) -> std::io::Result<()> {
    let (report, settings, workers) = (hunted.report, hunted.settings(), hunted.workers);
    let out = &mut *console.out;
    let seconds = report.elapsed.as_secs_f64();
    // Timing and the number of workers share the one line that varies
    // from run to run.
    let plural = if workers == 1 { "" } else { "s" };
    writeln!(
        out,
        "cases: {}  steps: {}  time: {:.2} s  ({:.0} cases/s, {workers} worker{plural})",
        report.cases,
        report.steps,
        seconds,
        report.cases as f64 / seconds.max(1e-9)
    )?;
    let (exercised, applicable) = exercised(report, &settings);
    writeln!(
        out,
        "rules exercised: {exercised} of the {applicable} a hunt can reach in {settings}"
    )?;
    write!(out, "{}", report.coverage)?;
    let missing = report.coverage.missing_in(&settings);
    if !missing.is_empty() {
        let names: Vec<_> = missing.iter().map(|r| r.as_str()).collect();
        writeln!(out, "never exercised: {}", names.join(", "))?;
    }
    writeln!(out, "depth: {}", report.coverage.depth)?;
    match &report.verdict {
        Verdict::Diverges(divergent) => write_failure(hunted, divergent, command, console)?,
        Verdict::Unknown(Unknown::Interrupted) => writeln!(
            out,
            "verdict: unknown (interrupted after {} cases; the cases not run may diverge)",
            report.cases
        )?,
        Verdict::Unknown(Unknown::NoCases) => writeln!(
            out,
            "verdict: unknown (no case ran: the budget allows none)"
        )?,
        Verdict::Unknown(Unknown::Undecided { rounds }) => writeln!(
            out,
            "verdict: unknown (no case diverged, but the checker could not decide {rounds} \
             rounds' histories within its budget of {} states)",
            crate::linearize::Budget::DEFAULT.states
        )?,
        Verdict::Conforms => writeln!(out, "verdict: conforms")?,
    }
    for left in &report.left_behind {
        let at = match left.activity {
            Activity::Stepping => format!("at step {}", left.step),
            other => other.to_string(),
        };
        writeln!(
            console.out,
            "left behind: case {} (seed {}) {at}, stuck for {:.1} s: its thread ends with \
             this process",
            left.case,
            report.seed.case(left.case),
            left.stuck_for.as_secs_f64()
        )?;
    }
    if let Some(path) = hunted.trace {
        writeln!(
            console.out,
            "trace: {} (wdfreq check {})",
            path.display(),
            path.display()
        )?;
    }
    Ok(())
}

fn write_failure(
    hunted: &Hunted<'_>,
    divergent: &Divergent,
    command: &str,
    console: &mut Console,
) -> std::io::Result<()> {
    let out = &mut *console.out;
    let Divergent {
        failure,
        case,
        first,
    } = divergent;
    if let DivergenceKind::Hung { .. } = failure.divergence.kind {
        // A hang is not shrunk: each attempt could hang another thread.
        writeln!(
            out,
            "verdict: DIVERGES in case {case} (seed {}): the implementation hung; not shrunk, \
             the {} of its {} steps run:",
            failure.seed,
            failure.steps.len(),
            failure.generated_len
        )?;
    } else {
        writeln!(
            out,
            "verdict: DIVERGES in case {case} (seed {}), shrunk from {} to {} steps:",
            failure.seed,
            failure.generated_len,
            failure.steps.len()
        )?;
    }
    if !first {
        writeln!(
            out,
            "(interrupted: cases numbered below {case} did not all run, so an earlier case may fail too)"
        )?;
    }
    write!(
        out,
        "{}",
        failure
            .divergence
            .report(&failure.steps)
            .coloured(console.colour)
    )?;
    if let Some(replay) = hunted.replay {
        writeln!(out, "replay: {replay}")?;
    }
    if let Some(path) = hunted.regression {
        // The program that hunted replays too.
        let program = command.split(' ').next().unwrap_or("wdfreq");
        writeln!(
            out,
            "regression file: {0} ({program} replay {0})",
            path.display()
        )?;
    }
    Ok(())
}

/// Keeps the failure as a regression file in `dir` and returns its path;
/// a file that cannot be written is reported, and the verdict stands.
fn keep_regression(
    report: &HuntReport,
    divergent: &Divergent,
    dir: &Path,
    (name, settings, race): (&str, &Settings, Option<ConcurrentRun>),
    console: &mut Console,
) -> std::io::Result<Option<PathBuf>> {
    let Divergent { failure, case, .. } = divergent;
    let shrunk = match failure.divergence.kind {
        DivergenceKind::Hung { .. } => "hung; not shrunk",
        _ => "shrunk",
    };
    let note = format!(
        "found by wdfreq hunt --seed {}, case {case}; {shrunk} from {} to {} steps",
        report.seed,
        failure.generated_len,
        failure.steps.len()
    );
    let regression = match race {
        Some(run) => {
            Regression::of_race(name, *settings, failure, run, Expect::Diverges, Some(note))
        }
        None => Regression::of_failure(name, *settings, failure, Expect::Diverges, Some(note)),
    };
    match regression.write_into(dir) {
        Ok(path) => Ok(Some(path)),
        Err(error) => {
            console.error(format_args!(
                "cannot write the regression file {}: {error}",
                dir.join(regression.file_name()).display()
            ))?;
            Ok(None)
        }
    }
}

/// The command that replays `failure`, which starts with `command`.
fn replay_line(command: &str, failure: &Failure, args: &HuntArgs, settings: &Settings) -> String {
    // A hang replays only under the same limit; any other failure does not
    // depend on it.
    let timeout = match failure.divergence.kind {
        DivergenceKind::Hung { limit, .. } if limit != CASE_TIMEOUT => {
            format!(" --case-timeout {}", limit.as_secs_f64())
        }
        _ => String::new(),
    };
    let concurrent = if args.concurrent {
        let schedule = schedule_seed(args).map_or(String::new(), |seed| {
            format!(" --schedule-seed {}", Seed(seed))
        });
        // Seeded, the rounds are the hunt's own: more would shrink the
        // race differently. Otherwise more rounds meet it more often.
        let rounds = match schedule_seed(args) {
            Some(_) => args.rounds,
            None => args.rounds.max(REPLAY_ROUNDS),
        };
        format!(
            " --concurrent --threads {} --rounds {rounds}{schedule}",
            args.threads
        )
    } else {
        String::new()
    };
    format!(
        "{command} --seed {} --cases 1 --steps-max {}{}{timeout}{concurrent}",
        failure.seed,
        args.steps_max,
        settings_flags(settings)
    )
}

/// The command-line flags that select `settings`, empty for the defaults.
fn settings_flags(settings: &Settings) -> String {
    if *settings == Settings::default() {
        return String::new();
    }
    let mut flags = format!(
        " --flavor {} --framework-version {}",
        settings.flavor, settings.version
    );
    if !settings.verifier {
        flags.push_str(" --no-verifier");
    }
    flags
}
