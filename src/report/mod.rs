//! Results in formats for readers other than a terminal: what `wdfreq
//! check` and `wdfreq hunt` found, for CI systems and code-review tools,
//! and one page for people. The text reports stay with the command line;
//! these formats render the same results, and decide nothing of their own.
//!
//! - [`html`]: one self-contained page of a hunt for people (`hunt
//!   --report FILE.html`): verdict, coverage chart, the failing case as a
//!   sequence diagram.
//! - [`json`]: one JSON document per run, `check --format json` and
//!   `hunt --format json`. Field names are `snake_case`; every field the
//!   module docs list is always present (`null` where it does not apply),
//!   so a reader never mistakes a missing field for a zero. Later
//!   versions may add fields; the changelog names any renamed or removed.
//! - [`sarif`]: a SARIF 2.1.0 log of one trace's findings, `check --format
//!   sarif`, valid against the OASIS schema (a test holds it to that), for
//!   GitHub code scanning and other SARIF viewers: one result per finding,
//!   the rule catalogue as the driver's rules.
//! - [`junit`]: a JUnit XML report of a hunt, `hunt --junit FILE`, for
//!   every CI's test report: one test case per implementation and
//!   settings hunted, failing with the shrunk sequence, the report and the
//!   replay command when they diverge.
//!
//! # What the formats promise
//!
//! - Each holds what the text report holds, minus colour and layout: the
//!   counts agree with the text report and with the library's
//!   [`Summary`] and [`HuntReport`] (`tests/report_formats.rs`).
//! - Deterministic bar the clock: the same trace gives the same document,
//!   byte for byte; the same hunt gives the same document bar its elapsed
//!   time (and the worker count, which is reported, not used).
//! - A check's JSON and SARIF hold every finding in memory until the trace
//!   is judged (the checker reports findings only once a trace has proved
//!   well formed, so little could be streamed sooner), a few hundred
//!   bytes each: a million findings take a few hundred megabytes. The text
//!   format streams them. A trace read once (a pipe) reports only its
//!   first [`FINDINGS_HELD`](crate::check::FINDINGS_HELD) findings in any
//!   format, and counts the rest (`unshown`).
//!
//! # A trace that cannot be judged
//!
//! A malformed or unreadable trace, or settings that do not exist, is
//! reported on standard error, `error: ...`, exit status 2, whatever the
//! format. Standard output then stays empty for `json`: the exit status is
//! the signal, and there is no half-judged document to misread. For
//! `sarif` it holds a log whose invocation says `executionSuccessful:
//! false`, with the error as an `error` notification pointing at the bad
//! line, and no `results` at all ([`sarif::write_failed`]): SARIF has a
//! place for a run that could not analyse its input (the spec's §3.14.23
//! and §3.20.21: `results` absent means the analysis did not happen, an
//! empty array would claim it found nothing), and a CI step that uploads
//! the log whatever the exit status gets a valid file that says what went
//! wrong, rather than an empty one its uploader refuses.

pub mod html;
pub mod json;
pub mod junit;
pub mod sarif;

use std::path::Path;

use crate::check::{Finding, Summary};
use crate::harness::{DivergenceKind, HuntConfig, HuntReport};
use crate::vocab::Settings;

/// The tool's name, as every format names it.
pub const TOOL: &str = "wdfreq";

/// The tool's version, the crate's.
pub const VERSION: &str = env!("CARGO_PKG_VERSION");

/// Where to read about the tool: the crate's homepage or repository when
/// its manifest names one, its documentation otherwise.
pub const INFORMATION_URI: &str = or_else(
    env!("CARGO_PKG_HOMEPAGE"),
    or_else(env!("CARGO_PKG_REPOSITORY"), "https://docs.rs/wdfreq"),
);

/// `text`, unless it is empty (as Cargo leaves a manifest field not set).
const fn or_else(text: &'static str, otherwise: &'static str) -> &'static str {
    if text.is_empty() { otherwise } else { text }
}

/// One judged trace: what [`check`](crate::check) reported for it.
#[derive(Clone, Copy, Debug)]
pub struct Checked<'a> {
    /// The trace's name, as the findings name it (a path, or
    /// [`STDIN_NAME`](crate::check::source::STDIN_NAME)).
    pub file: &'a str,
    /// Every finding, in the order the checker reported them.
    pub findings: &'a [Finding],
    /// The counts, and the settings judged for.
    pub summary: &'a Summary,
}

impl Checked<'_> {
    /// Whether the trace conforms: no finding of error severity (warnings
    /// allowed), as `wdfreq check` exits 0.
    pub fn conforms(&self) -> bool {
        self.summary.errors == 0
    }
}

/// One finished hunt, of one implementation in one setting, and what the
/// command line did around it.
#[derive(Clone, Copy, Debug)]
pub struct Hunted<'a> {
    /// The implementation's name, as `--implementation` and regression
    /// files give it.
    pub implementation: &'a str,
    /// How reports name it ([`Implementation::describe`]).
    ///
    /// [`Implementation::describe`]: crate::harness::Implementation::describe
    pub description: &'a str,
    /// What was asked: seed, budget, settings, longest sequence.
    pub config: &'a HuntConfig,
    /// The worker threads it ran on (the results do not depend on it).
    pub workers: usize,
    /// What the hunt found.
    pub report: &'a HuntReport,
    /// For a divergence, the command that replays it.
    pub replay: Option<&'a str>,
    /// For a divergence, the regression file written, if it was.
    pub regression: Option<&'a Path>,
    /// For a divergence, its trace, when one was asked for and written.
    pub trace: Option<&'a Path>,
}

impl Hunted<'_> {
    /// The settings hunted in.
    pub fn settings(&self) -> Settings {
        self.config.case.settings
    }

    /// The test case's name: the implementation and the settings,
    /// `sim / umdf1 1.11, verifier on`.
    pub fn case_name(&self) -> String {
        format!("{} / {}", self.implementation, self.settings())
    }
}

/// A divergence's kind in kebab-case, as the formats name it where it
/// breaks no rule of its own (a panic, a legal call refused, ...).
pub fn divergence_kind(kind: &DivergenceKind) -> &'static str {
    match kind {
        DivergenceKind::Broke { .. } => "broke",
        DivergenceKind::AcceptedIllegal { .. } => "accepted-illegal",
        DivergenceKind::RefusedLegal { .. } => "refused-legal",
        DivergenceKind::WrongRule { .. } => "wrong-rule",
        DivergenceKind::WrongReply { .. } => "wrong-reply",
        DivergenceKind::DuplicateHandle { .. } => "duplicate-handle",
        DivergenceKind::Panicked { .. } => "panicked",
        DivergenceKind::Hung { .. } => "hung",
        DivergenceKind::NotLinearizable { .. } => "not-linearizable",
        DivergenceKind::Invariant { .. } => "invariant",
    }
}
