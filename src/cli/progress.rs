//! How a running hunt shows its progress, on standard error only: a
//! progress bar when standard error is a terminal that may carry escape
//! sequences ([`super::ColorChoice::for_stderr`]: not with `NO_COLOR` or
//! `--color never`), otherwise one plain line every two seconds. Standard
//! output, the report, is the same either way.

use std::time::{Duration, Instant};

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

use super::hunt::exercised;
use crate::harness::{Budget, HuntReport};
use crate::vocab::Settings;

/// How often a plain progress line is printed.
pub const LINE_EVERY: Duration = Duration::from_secs(2);

/// The progress display of one hunt.
#[non_exhaustive]
pub enum Progress {
    /// On a terminal: a bar over the cases, or over the time budget.
    Bar {
        /// The bar, on standard error.
        bar: ProgressBar,
        /// What the bar measures against.
        budget: Budget,
        /// The settings the hunt judges for, for the rules it can reach.
        settings: Settings,
    },
    /// Off a terminal: a line now and then.
    Lines {
        /// When the last line was written.
        last: Instant,
        /// The settings the hunt judges for, for the rules it can reach.
        settings: Settings,
    },
}

impl Progress {
    /// The display for a hunt of `budget` judged for `settings`: a `bar`,
    /// or plain lines.
    pub fn new(budget: Budget, settings: Settings, bar: bool) -> Progress {
        if !bar {
            return Progress::Lines {
                last: Instant::now(),
                settings,
            };
        }
        let length = match budget {
            Budget::Cases(cases) => cases,
            Budget::Time(limit) => limit.as_millis().try_into().unwrap_or(u64::MAX),
        };
        let template = match budget {
            Budget::Cases(_) => "{elapsed_precise} [{wide_bar}] {percent:>3}% of the cases\n{msg}",
            Budget::Time(_) => "{elapsed_precise} [{wide_bar}] {percent:>3}% of the time\n{msg}",
        };
        let style = ProgressStyle::with_template(template)
            .unwrap_or_else(|_| ProgressStyle::default_bar())
            .progress_chars("=> ");
        let bar = ProgressBar::with_draw_target(Some(length), ProgressDrawTarget::stderr())
            .with_style(style);
        Progress::Bar {
            bar,
            budget,
            settings,
        }
    }

    /// Shows `report`, the hunt so far.
    pub fn update(&mut self, report: &HuntReport) {
        match self {
            Progress::Bar {
                bar,
                budget,
                settings,
            } => {
                let position = match budget {
                    Budget::Cases(_) => report.cases,
                    Budget::Time(_) => report.elapsed.as_millis().try_into().unwrap_or(u64::MAX),
                };
                bar.set_position(position);
                bar.set_message(summary(report, settings));
            }
            Progress::Lines { last, settings } => {
                if last.elapsed() >= LINE_EVERY {
                    *last = Instant::now();
                    eprintln!("  ... {}", summary(report, settings));
                }
            }
        }
    }

    /// Takes the bar off the terminal, before the report is printed.
    pub fn finish(self) {
        if let Progress::Bar { bar, .. } = self {
            bar.finish_and_clear();
        }
    }
}

/// One line: cases, steps, rate, rules exercised, failures so far.
fn summary(report: &HuntReport, settings: &Settings) -> String {
    let (exercised, applicable) = exercised(report, settings);
    let mut line = format!(
        "{} cases, {} steps, {:.0} cases/s, {exercised} of {applicable} rules exercised, {} failures so far",
        report.cases,
        report.steps,
        report.cases as f64 / report.elapsed.as_secs_f64().max(1e-9),
        report.failures,
    );
    if report.interrupted() {
        line += "; interrupted: finishing the cases under way (Ctrl-C again to quit at once)";
    }
    line
}
