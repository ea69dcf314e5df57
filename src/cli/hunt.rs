//! `wdfreq hunt`: runs conformance cases against the simulated framework,
//! or one of the gallery's mutants, and reports cases, steps, rules
//! exercised and, for a divergence, the shrunk sequence and the command
//! that replays it.

use std::io::{IsTerminal, Write};
use std::time::{Duration, Instant};

use clap::Args;

use super::Outcome;
use super::settings::SettingsArgs;
use crate::gallery::{self, Mutant};
use crate::harness::{Budget, CaseConfig, HuntConfig, HuntReport, Seed, hunt};
use crate::sim::Framework;
use crate::vocab::Settings;

/// The name of the unmodified simulated framework for `--implementation`.
pub const SIM: &str = "sim";

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
    /// The framework to judge for; the implementation is built for the same.
    #[command(flatten)]
    pub settings: SettingsArgs,
}

/// The implementation a hunt drives.
#[derive(Clone, Copy, Debug)]
enum Implementation {
    Sim,
    Mutant(Mutant),
}

impl Implementation {
    fn by_name(name: &str) -> Option<Implementation> {
        match name {
            SIM => Some(Implementation::Sim),
            _ => gallery::by_name(name).map(Implementation::Mutant),
        }
    }

    /// How the report's first line names it.
    fn describe(&self) -> String {
        match self {
            Implementation::Sim => format!("{SIM} (simulated framework)"),
            Implementation::Mutant(mutant) => format!(
                "{} (gallery mutant, expected to break {})",
                mutant.name, mutant.expected
            ),
        }
    }
}

const PROGRESS_EVERY: Duration = Duration::from_secs(2);

pub fn run(args: &HuntArgs, out: &mut dyn Write) -> std::io::Result<Outcome> {
    let Some(implementation) = Implementation::by_name(&args.implementation) else {
        let names: Vec<&str> = std::iter::once(SIM).chain(gallery::names()).collect();
        writeln!(
            out,
            "error: unknown implementation `{}`; known: {}",
            args.implementation,
            names.join(", ")
        )?;
        return Ok(Outcome::BadInput);
    };
    let budget = match (args.cases, args.seconds) {
        (_, Some(seconds)) if !(seconds.is_finite() && seconds >= 0.0) => {
            writeln!(
                out,
                "error: --seconds must be a non-negative number, not {seconds}"
            )?;
            return Ok(Outcome::BadInput);
        }
        (_, Some(seconds)) => Budget::Time(Duration::from_secs_f64(seconds)),
        (cases, None) => Budget::Cases(cases.unwrap_or(1000)),
    };
    let settings = match args.settings.resolve() {
        Ok(settings) => settings,
        Err(error) => {
            writeln!(out, "error: {error}")?;
            return Ok(Outcome::BadInput);
        }
    };
    let config = HuntConfig {
        seed: args.seed.unwrap_or_else(Seed::random),
        budget,
        case: CaseConfig {
            settings,
            steps_max: args.steps_max.max(1),
            ..CaseConfig::default()
        },
    };
    writeln!(
        out,
        "wdfreq hunt: seed {}, implementation: {}, framework: {settings}",
        config.seed,
        implementation.describe()
    )?;
    let mut last_progress = Instant::now();
    let mut progress = |report: &HuntReport| {
        if last_progress.elapsed() >= PROGRESS_EVERY {
            last_progress = Instant::now();
            eprintln!("{}", progress_line(report, &settings));
        }
    };
    let report = match implementation {
        Implementation::Sim => hunt(
            &config,
            &|| Framework::with_settings(settings),
            &mut progress,
        ),
        Implementation::Mutant(mutant) => {
            hunt(&config, &|| mutant.framework_in(settings), &mut progress)
        }
    };
    write_report(&report, args, &settings, out)
}

/// How many rules apply in `settings`, and how many of those `report`
/// exercised.
fn exercised(report: &HuntReport, settings: &Settings) -> (usize, usize) {
    let applicable = crate::vocab::RuleId::ALL
        .iter()
        .filter(|r| crate::model::rule(**r).scope.applies(settings))
        .count();
    (
        applicable - report.coverage.missing_in(settings).len(),
        applicable,
    )
}

fn progress_line(report: &HuntReport, settings: &Settings) -> String {
    let (exercised, applicable) = exercised(report, settings);
    format!(
        "  ... {} cases, {} steps, {:.0} cases/s, {exercised} of {applicable} rules exercised",
        report.cases,
        report.steps,
        report.cases as f64 / report.elapsed.as_secs_f64().max(1e-9),
    )
}

fn write_report(
    report: &HuntReport,
    args: &HuntArgs,
    settings: &Settings,
    out: &mut dyn Write,
) -> std::io::Result<Outcome> {
    let seconds = report.elapsed.as_secs_f64();
    writeln!(
        out,
        "cases: {}  steps: {}  time: {:.2} s  ({:.0} cases/s)",
        report.cases,
        report.steps,
        seconds,
        report.cases as f64 / seconds.max(1e-9)
    )?;
    let (exercised, applicable) = exercised(report, settings);
    writeln!(
        out,
        "rules exercised: {exercised} of the {applicable} that apply in {settings}"
    )?;
    write!(out, "{}", report.coverage)?;
    let missing = report.coverage.missing_in(settings);
    if !missing.is_empty() {
        let names: Vec<_> = missing.iter().map(|r| r.as_str()).collect();
        writeln!(out, "never exercised: {}", names.join(", "))?;
    }
    let Some(failure) = &report.failure else {
        writeln!(out, "verdict: conforms")?;
        return Ok(Outcome::Conforms);
    };
    writeln!(
        out,
        "verdict: DIVERGES in case {} (seed {}), shrunk from {} to {} steps:",
        report.cases - 1,
        failure.seed,
        failure.generated_len,
        failure.steps.len()
    )?;
    let report_text = failure.divergence.report(&failure.steps).to_string();
    if std::io::stdout().is_terminal() {
        write!(out, "{report_text}")?;
    } else {
        write!(out, "{}", without_colours(&report_text))?;
    }
    // The replay names the implementation unless it is the default, so
    // that it reproduces the failure rather than hunting `sim`.
    let implementation = match args.implementation.as_str() {
        SIM => String::new(),
        name => format!(" --implementation {name}"),
    };
    writeln!(
        out,
        "replay: wdfreq hunt --seed {} --cases 1 --steps-max {}{implementation}{}",
        failure.seed,
        args.steps_max,
        settings_flags(settings)
    )?;
    Ok(Outcome::Violation)
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
fn without_colours(text: &str) -> String {
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
