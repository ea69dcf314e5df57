//! `wdfreq hunt`: runs conformance cases against the simulated framework
//! and reports cases, steps, rules exercised and, for a divergence, the
//! shrunk sequence and the command that replays it.

use std::io::Write;
use std::time::{Duration, Instant};

use clap::Args;

use super::Outcome;
use crate::harness::{Budget, CaseConfig, HuntConfig, HuntReport, Seed, hunt};
use crate::sim::Framework;

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
}

const PROGRESS_EVERY: Duration = Duration::from_secs(2);

pub fn run(args: &HuntArgs, out: &mut dyn Write) -> std::io::Result<Outcome> {
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
    let config = HuntConfig {
        seed: args.seed.unwrap_or_else(Seed::random),
        budget,
        case: CaseConfig {
            steps_max: args.steps_max.max(1),
            ..CaseConfig::default()
        },
    };
    writeln!(
        out,
        "wdfreq hunt: seed {}, implementation: simulated framework",
        config.seed
    )?;
    let mut last_progress = Instant::now();
    let report = hunt(&config, &Framework::new, &mut |report| {
        if last_progress.elapsed() >= PROGRESS_EVERY {
            last_progress = Instant::now();
            eprintln!("{}", progress_line(report));
        }
    });
    write_report(&report, args, out)
}

fn progress_line(report: &HuntReport) -> String {
    format!(
        "  ... {} cases, {} steps, {:.0} cases/s, {} of {} rules exercised",
        report.cases,
        report.steps,
        report.cases as f64 / report.elapsed.as_secs_f64().max(1e-9),
        crate::vocab::RuleId::ALL.len() - report.coverage.missing().len(),
        crate::vocab::RuleId::ALL.len(),
    )
}

fn write_report(
    report: &HuntReport,
    args: &HuntArgs,
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
    let missing = report.coverage.missing();
    writeln!(
        out,
        "rules exercised: {} of {}",
        crate::vocab::RuleId::ALL.len() - missing.len(),
        crate::vocab::RuleId::ALL.len()
    )?;
    write!(out, "{}", report.coverage)?;
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
    write!(out, "{}", failure.divergence.report(&failure.steps))?;
    writeln!(
        out,
        "replay: wdfreq hunt --seed {} --cases 1 --steps-max {}",
        failure.seed, args.steps_max
    )?;
    Ok(Outcome::Violation)
}
