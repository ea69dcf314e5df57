//! `wdfreq hunt`: runs conformance cases against the simulated framework,
//! or one of the gallery's mutants, on one worker thread per core, and
//! reports cases, steps, rules exercised and, for a divergence, the shrunk
//! sequence, the command that replays it and the regression file that keeps
//! it.
//!
//! Standard output is a function of the arguments alone, bar the timing
//! line: the same seed and `--cases` print the same report on any number of
//! workers (see [`crate::harness::hunt`](mod@crate::harness::hunt)).
//! Progress goes to standard error. Ctrl-C stops the hunt once the cases
//! under way are done and prints the report; with no failure found the
//! verdict is unknown, exit 130.

use std::num::NonZeroUsize;
use std::path::{Path, PathBuf};
use std::sync::Once;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use clap::Args;

use super::implementation::{Builtin, only, with_builtin};
use super::progress::Progress;
use super::report_file;
use super::settings::SettingsArgs;
use super::trace_out::write_traces;
use super::{Console, Outcome};
use crate::harness::{
    Budget, CaseConfig, Divergent, Failure, HuntConfig, HuntReport, Implementation, Seed, Unknown,
    Verdict, Workers, hunt_with,
};
use crate::regression::{Expect, Regression};
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
    with_builtin!(builtin, |implementation| run_for(
        implementation,
        &command,
        args,
        console
    ))
}

/// `hunt` for `implementation`, the one a binary drives; `command` starts
/// the replay line it prints (`wdfreq hunt`, say).
pub fn run_for<M: Implementation>(
    implementation: &M,
    command: &str,
    args: &HuntArgs,
    console: &mut Console,
) -> std::io::Result<Outcome> {
    let config = match parse(implementation, args) {
        Ok(config) => config,
        Err(message) => {
            console.error(message)?;
            return Ok(Outcome::BadInput);
        }
    };
    let settings = config.case.settings;
    writeln!(
        console.out,
        "wdfreq hunt: seed {}, implementation: {}, framework: {settings}",
        config.seed,
        implementation.describe()
    )?;
    let workers = Workers {
        count: args.workers.unwrap_or(Workers::per_core().count),
        stop: Some(interrupt_flag()),
    };
    let mut progress = Progress::new(config.budget, settings);
    let mut show = |report: &HuntReport| progress.update(report);
    let report = hunt_with(
        &config,
        workers,
        &|| implementation.build(settings),
        &mut show,
    );
    progress.finish();
    let outcome = write_report(
        &report,
        args,
        (&implementation.name(), command, workers.count),
        &settings,
        console,
    )?;
    if let Some(dir) = &args.trace_out {
        match write_traces(dir, implementation, &config, &report, args.trace_passing) {
            Ok(Some(path)) => writeln!(
                console.out,
                "trace: {} (wdfreq check {})",
                path.display(),
                path.display()
            )?,
            Ok(None) => {}
            Err(error) => {
                console.error(format_args!(
                    "cannot write traces to {}: {error}",
                    dir.display()
                ))?;
                return Ok(Outcome::BadInput);
            }
        }
    }
    if let Some(path) = &args.report {
        let replay = report
            .failure()
            .map(|failure| replay_line(command, failure, args, &settings));
        let hunted = crate::report::html::Hunted {
            implementation: &implementation.describe(),
            settings,
            replay: replay.as_deref(),
        };
        return report_file::write(path, &report, &hunted, outcome, console);
    }
    Ok(outcome)
}

/// The most `--steps-max` takes: a case of that many steps (eight times
/// as many, for a long one) still runs in seconds.
pub const STEPS_MAX_LIMIT: usize = 100_000;

/// The hunt the arguments ask of `implementation`, or why not.
fn parse<M: Implementation>(implementation: &M, args: &HuntArgs) -> Result<HuntConfig, String> {
    only(implementation, args.implementation.as_deref())?;
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
    let budget = match args.seconds {
        Some(seconds) if !(seconds.is_finite() && seconds >= 0.0) => {
            return Err(format!(
                "--seconds must be a non-negative number, not {seconds}"
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
    Ok(HuntConfig {
        seed: args.seed.unwrap_or_else(Seed::random),
        budget,
        case: CaseConfig {
            settings,
            steps_max: args.steps_max.max(1),
        },
    })
}

/// Raised by the first Ctrl-C; a second one ends the process at once.
static INTERRUPTED: AtomicBool = AtomicBool::new(false);

/// The flag Ctrl-C raises, lowered, with the handler installed (once per
/// process: `ctrlc` allows one handler).
fn interrupt_flag() -> &'static AtomicBool {
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
    &INTERRUPTED
}

/// How many rules a hunt can exercise in `settings`, and how many of
/// those `report` exercised.
pub(super) fn exercised(report: &HuntReport, settings: &Settings) -> (usize, usize) {
    let applicable = crate::vocab::RuleId::ALL
        .iter()
        .filter(|r| crate::model::rule(**r).scope.hunted(settings))
        .count();
    (
        applicable - report.coverage.missing_in(settings).len(),
        applicable,
    )
}

fn write_report(
    report: &HuntReport,
    args: &HuntArgs,
    (name, command, workers): (&str, &str, NonZeroUsize),
    settings: &Settings,
    console: &mut Console,
) -> std::io::Result<Outcome> {
    let out = &mut *console.out;
    let seconds = report.elapsed.as_secs_f64();
    // Timing and the number of workers share the one line that varies
    // from run to run.
    let plural = if workers.get() == 1 { "" } else { "s" };
    writeln!(
        out,
        "cases: {}  steps: {}  time: {:.2} s  ({:.0} cases/s, {workers} worker{plural})",
        report.cases,
        report.steps,
        seconds,
        report.cases as f64 / seconds.max(1e-9)
    )?;
    let (exercised, applicable) = exercised(report, settings);
    writeln!(
        out,
        "rules exercised: {exercised} of the {applicable} a hunt can reach in {settings}"
    )?;
    write!(out, "{}", report.coverage)?;
    let missing = report.coverage.missing_in(settings);
    if !missing.is_empty() {
        let names: Vec<_> = missing.iter().map(|r| r.as_str()).collect();
        writeln!(out, "never exercised: {}", names.join(", "))?;
    }
    writeln!(out, "depth: {}", report.coverage.depth)?;
    match &report.verdict {
        Verdict::Diverges(divergent) => {
            write_failure(report, divergent, args, (name, command), settings, console)?;
        }
        Verdict::Unknown(Unknown::Interrupted) => writeln!(
            out,
            "verdict: unknown (interrupted after {} cases; the cases not run may diverge)",
            report.cases
        )?,
        Verdict::Unknown(Unknown::NoCases) => writeln!(
            out,
            "verdict: unknown (no case ran: the budget allows none)"
        )?,
        Verdict::Conforms => writeln!(out, "verdict: conforms")?,
    }
    Ok(Outcome::from(&report.verdict))
}

fn write_failure(
    report: &HuntReport,
    divergent: &Divergent,
    args: &HuntArgs,
    (name, command): (&str, &str),
    settings: &Settings,
    console: &mut Console,
) -> std::io::Result<()> {
    let out = &mut *console.out;
    let Divergent {
        failure,
        case,
        first,
    } = divergent;
    writeln!(
        out,
        "verdict: DIVERGES in case {case} (seed {}), shrunk from {} to {} steps:",
        failure.seed,
        failure.generated_len,
        failure.steps.len()
    )?;
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
    writeln!(
        out,
        "replay: {}",
        replay_line(command, failure, args, settings)
    )?;
    write_regression(
        report,
        (failure, *case),
        &args.regressions,
        (name, command),
        settings,
        console,
    )
}

/// Keeps the failure as a regression file in `dir` and names it; a file
/// that cannot be written is reported, and the verdict stands.
fn write_regression(
    report: &HuntReport,
    (failure, case): (&Failure, u64),
    dir: &Path,
    (name, command): (&str, &str),
    settings: &Settings,
    console: &mut Console,
) -> std::io::Result<()> {
    let note = format!(
        "found by wdfreq hunt --seed {}, case {case}; shrunk from {} to {} steps",
        report.seed,
        failure.generated_len,
        failure.steps.len()
    );
    let regression = Regression::of_failure(name, *settings, failure, Expect::Diverges, Some(note));
    match regression.write_into(dir) {
        Ok(path) => {
            // The program that hunted replays too.
            let program = command.split(' ').next().unwrap_or("wdfreq");
            writeln!(
                console.out,
                "regression file: {0} ({program} replay {0})",
                path.display()
            )?
        }
        Err(error) => console.error(format_args!(
            "cannot write the regression file {}: {error}",
            dir.join(regression.file_name()).display()
        ))?,
    }
    Ok(())
}

/// The command that replays `failure`, which starts with `command`.
fn replay_line(command: &str, failure: &Failure, args: &HuntArgs, settings: &Settings) -> String {
    format!(
        "{command} --seed {} --cases 1 --steps-max {}{}",
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
