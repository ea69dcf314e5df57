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

use std::io::{IsTerminal, Write};
use std::num::NonZeroUsize;
use std::path::{Path, PathBuf};
use std::sync::Once;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use clap::Args;

use super::Outcome;
use super::implementation::Implementation;
use super::progress::Progress;
use super::regression::{Expect, Regression};
use super::settings::SettingsArgs;
use super::trace_out::write_traces;
use crate::harness::{
    Budget, CaseConfig, Divergent, Failure, HuntConfig, HuntReport, Seed, Unknown, Verdict,
    Workers, hunt_with,
};
use crate::sim::Framework;
use crate::vocab::Settings;

pub use super::implementation::SIM;

#[derive(Debug, Args)]
pub struct HuntArgs {
    /// Run this many cases (default 1000 when no --seconds is given).
    #[arg(long, conflicts_with = "seconds")]
    pub cases: Option<u64>,
    /// Run cases for this many seconds instead of a fixed count.
    #[arg(long)]
    pub seconds: Option<f64>,
    /// The run's seed (decimal or 0x-hex); random when not given.
    #[arg(long)]
    pub seed: Option<Seed>,
    /// The most steps one generated sequence has.
    #[arg(long, default_value_t = CaseConfig::default().steps_max)]
    pub steps_max: usize,
    /// The implementation to hunt: `sim`, the simulated framework, or the
    /// name of a mutant from the gallery (a deliberately broken copy).
    #[arg(long, value_name = "NAME", default_value = SIM)]
    pub implementation: String,
    /// Worker threads, each running its share of the cases (default: one
    /// per core). The report does not depend on it.
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
    /// The framework to judge for; the implementation is built for the same
    /// (a mutant's own settings when no flag is given).
    #[command(flatten)]
    pub settings: SettingsArgs,
}

pub fn run(args: &HuntArgs, out: &mut dyn Write) -> std::io::Result<Outcome> {
    let (implementation, config) = match parse(args) {
        Ok(parsed) => parsed,
        Err(message) => {
            writeln!(out, "error: {message}")?;
            return Ok(Outcome::BadInput);
        }
    };
    let settings = config.case.settings;
    writeln!(
        out,
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
    let report = match implementation {
        Implementation::Sim => hunt_with(
            &config,
            workers,
            &|| Framework::with_settings(settings),
            &mut show,
        ),
        Implementation::Mutant(mutant) => hunt_with(
            &config,
            workers,
            &|| mutant.framework_in(settings),
            &mut show,
        ),
    };
    progress.finish();
    let outcome = write_report(
        &report,
        args,
        (implementation, workers.count),
        &settings,
        out,
    )?;
    if let Some(dir) = &args.trace_out {
        match write_traces(dir, implementation, &config, &report, args.trace_passing) {
            Ok(Some(path)) => writeln!(
                out,
                "trace: {} (wdfreq check {})",
                path.display(),
                path.display()
            )?,
            Ok(None) => {}
            Err(error) => {
                writeln!(
                    out,
                    "error: cannot write traces to {}: {error}",
                    dir.display()
                )?;
                return Ok(Outcome::BadInput);
            }
        }
    }
    Ok(outcome)
}

/// The implementation and the hunt the arguments ask for, or why not.
fn parse(args: &HuntArgs) -> Result<(Implementation, HuntConfig), String> {
    let implementation =
        Implementation::by_name(&args.implementation).map_err(|e| e.to_string())?;
    let budget = match (args.cases, args.seconds) {
        (_, Some(seconds)) if !(seconds.is_finite() && seconds >= 0.0) => {
            return Err(format!(
                "--seconds must be a non-negative number, not {seconds}"
            ));
        }
        (_, Some(seconds)) => Budget::Time(Duration::from_secs_f64(seconds)),
        (cases, None) => Budget::Cases(cases.unwrap_or(1000)),
    };
    // A mutant is hunted in the settings it shows in, unless flags say
    // otherwise.
    let base = match implementation {
        Implementation::Mutant(mutant) => mutant.settings,
        Implementation::Sim => Settings::default(),
    };
    let settings = args.settings.over(base).map_err(|e| e.to_string())?;
    let config = HuntConfig {
        seed: args.seed.unwrap_or_else(Seed::random),
        budget,
        case: CaseConfig {
            settings,
            steps_max: args.steps_max.max(1),
            ..CaseConfig::default()
        },
    };
    Ok((implementation, config))
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
    (implementation, workers): (Implementation, NonZeroUsize),
    settings: &Settings,
    out: &mut dyn Write,
) -> std::io::Result<Outcome> {
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
            write_failure(report, divergent, args, implementation, settings, out)?;
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
    implementation: Implementation,
    settings: &Settings,
    out: &mut dyn Write,
) -> std::io::Result<()> {
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
    let report_text = failure.divergence.report(&failure.steps).to_string();
    if std::io::stdout().is_terminal() {
        write!(out, "{report_text}")?;
    } else {
        write!(out, "{}", without_colours(&report_text))?;
    }
    // The replay names the implementation unless it is the default, so
    // that it reproduces the failure rather than hunting `sim`.
    let named = match implementation {
        Implementation::Sim => String::new(),
        other => format!(" --implementation {}", other.name()),
    };
    writeln!(
        out,
        "replay: wdfreq hunt --seed {} --cases 1 --steps-max {}{named}{}",
        failure.seed,
        args.steps_max,
        settings_flags(settings)
    )?;
    write_regression(
        report,
        (failure, *case),
        &args.regressions,
        implementation,
        settings,
        out,
    )
}

/// Keeps the failure as a regression file in `dir` and names it; a file
/// that cannot be written is reported, and the verdict stands.
fn write_regression(
    report: &HuntReport,
    (failure, case): (&Failure, u64),
    dir: &Path,
    implementation: Implementation,
    settings: &Settings,
    out: &mut dyn Write,
) -> std::io::Result<()> {
    let regression = Regression {
        implementation,
        settings: *settings,
        seed: Some(failure.seed),
        expect: Expect::Diverges,
        rule: failure.divergence.rule(),
        note: Some(format!(
            "found by wdfreq hunt --seed {}, case {case}; shrunk from {} to {} steps",
            report.seed,
            failure.generated_len,
            failure.steps.len()
        )),
        steps: failure.steps.clone(),
    };
    let path = dir.join(regression.file_name());
    let written =
        std::fs::create_dir_all(dir).and_then(|()| std::fs::write(&path, regression.to_text()));
    match written {
        Ok(()) => writeln!(
            out,
            "regression file: {0} (wdfreq replay {0})",
            path.display()
        )?,
        Err(error) => writeln!(
            out,
            "regression file: cannot write {}: {error}",
            path.display()
        )?,
    }
    Ok(())
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

/// `text` without its ANSI colour sequences (`ESC [ ... m`), which
/// pretty_assertions always writes, for output that is not a terminal.
pub(super) fn without_colours(text: &str) -> String {
    let mut plain = String::with_capacity(text.len());
    let mut chars = text.chars();
    while let Some(c) = chars.next() {
        if c == '\u{1b}' {
            // Skip to the end of the sequence, its final letter included.
            for c in chars.by_ref() {
                if c.is_ascii_alphabetic() {
                    break;
                }
            }
        } else {
            plain.push(c);
        }
    }
    plain
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn colours_are_stripped_and_text_kept() {
        assert_eq!(without_colours("\u{1b}[32m>x\u{1b}[0m y"), ">x y");
        assert_eq!(without_colours("plain"), "plain");
    }
}
