//! The JSON documents of `check --format json` and `hunt --format json`:
//! one pretty-printed object per run, ending with a newline.
//!
//! A check ([`write_check`]):
//!
//! ```text
//! { "tool": { "name": "wdfreq", "version": "0.1.0" },
//!   "file": "trace.jsonl",
//!   "findings": [ { "file", "line", "rule", "severity", "request",
//!                   "target", "message" }, ... ],
//!   "summary": { "events", "errors", "warnings", "unshown", "format",
//!                "settings": { "flavor", "version", "verifier" },
//!                "verdict": "conforms" | "violates" } }
//! ```
//!
//! `request` is the trace's name for the request a finding is about, and
//! `target` the target's for the few findings about a target's own event;
//! the other is `null`. `verdict` is `violates` exactly when `errors` is
//! not zero (exit status 1).
//!
//! A hunt ([`write_hunt`]):
//!
//! ```text
//! { "tool", "seed": "0x...", "implementation", "description",
//!   "settings": { ... }, "budget": { "cases": N } | { "seconds": S },
//!   "steps_max", "workers", "cases", "steps", "elapsed_seconds",
//!   "coverage": { "exercised", "reachable", "never_exercised": [rule, ...],
//!                 "rules": [ { "rule", "count", "reachable" }, ... ] },
//!   "depth": { "reuses_before_completion", "outstanding_at_one_target",
//!              "live_requests" },
//!   "verdict": "conforms" | "diverges" | "unknown",
//!   "unknown": null | "interrupted" | "no-cases" | "undecided",
//!   "divergence": null | { "case", "case_seed", "first",
//!                          "generated_steps", "steps": ["r0: create", ...],
//!                          "step", "rule", "kind", "report", "replay",
//!                          "regression_file", "trace_file" } }
//! ```
//!
//! `coverage.rules` lists every rule of the catalogue in its order, with
//! `reachable` false for those no hunt in these settings can exercise.
//! `divergence.steps` is the shrunk sequence, one step a string as the
//! report prints it; `step` is the 0-based index of the divergent one;
//! `rule` the rule it breaks, where it names one (`null` for a panic, say),
//! and `kind` what kind of divergence it is; `report` the text report,
//! without colour; `first` false when the hunt was interrupted before
//! every earlier case ran.

use std::io::{self, Write};

use serde::Serialize;

use super::{Checked, Hunted, TOOL, VERSION, divergence_kind};
use crate::check::Finding;
use crate::harness::{Budget, Failure, Unknown, Verdict};
use crate::model::rule;
use crate::vocab::{RuleId, Settings, Severity};

/// Writes the JSON document of one checked trace to `out`.
pub fn write_check(out: &mut dyn Write, checked: &Checked<'_>) -> io::Result<()> {
    let document = CheckDocument {
        tool: Tool::WDFREQ,
        file: checked.file,
        findings: checked
            .findings
            .iter()
            .map(|finding| FindingJson::new(checked.file, finding))
            .collect(),
        summary: SummaryJson::of(checked),
    };
    write_pretty(out, &document)
}

/// Writes the JSON document of one finished hunt to `out`.
pub fn write_hunt(out: &mut dyn Write, hunted: &Hunted<'_>) -> io::Result<()> {
    let report = hunted.report;
    let settings = hunted.settings();
    let (exercised, reachable) = report.coverage.exercised_in(&settings);
    let (verdict, unknown) = match &report.verdict {
        Verdict::Conforms => ("conforms", None),
        Verdict::Diverges(_) => ("diverges", None),
        Verdict::Unknown(Unknown::Interrupted) => ("unknown", Some("interrupted")),
        Verdict::Unknown(Unknown::NoCases) => ("unknown", Some("no-cases")),
        Verdict::Unknown(Unknown::Undecided { .. }) => ("unknown", Some("undecided")),
    };
    let depth = report.coverage.depth;
    let document = HuntDocument {
        tool: Tool::WDFREQ,
        seed: report.seed.to_string(),
        implementation: hunted.implementation,
        description: hunted.description,
        settings: SettingsJson::from(settings),
        budget: match hunted.config.budget {
            Budget::Cases(cases) => BudgetJson::Cases(cases),
            Budget::Time(time) => BudgetJson::Seconds(time.as_secs_f64()),
        },
        steps_max: hunted.config.case.steps_max,
        workers: hunted.workers,
        cases: report.cases,
        steps: report.steps,
        elapsed_seconds: report.elapsed.as_secs_f64(),
        coverage: CoverageJson {
            exercised,
            reachable,
            never_exercised: report
                .coverage
                .missing_in(&settings)
                .into_iter()
                .map(RuleId::as_str)
                .collect(),
            rules: RuleId::ALL
                .iter()
                .map(|&id| RuleCount {
                    rule: id.as_str(),
                    count: report.coverage.count(id),
                    reachable: rule(id).scope.hunted(&settings),
                })
                .collect(),
        },
        depth: DepthJson {
            reuses_before_completion: depth.reuses_before_completion,
            outstanding_at_one_target: depth.outstanding_at_one_target,
            live_requests: depth.live_requests,
        },
        verdict,
        unknown,
        divergence: report.verdict.divergent().map(|divergent| {
            divergence(hunted, &divergent.failure, divergent.case, divergent.first)
        }),
    };
    write_pretty(out, &document)
}

fn divergence(hunted: &Hunted<'_>, failure: &Failure, case: u64, first: bool) -> DivergenceJson {
    let divergence = &failure.divergence;
    DivergenceJson {
        case,
        case_seed: failure.seed.to_string(),
        first,
        generated_steps: failure.generated_len,
        steps: failure.steps.iter().map(ToString::to_string).collect(),
        step: divergence.step,
        rule: divergence.rule().map(RuleId::as_str),
        kind: divergence_kind(&divergence.kind),
        report: divergence.report(&failure.steps).to_string(),
        replay: hunted.replay.map(str::to_owned),
        regression_file: hunted.regression.map(|p| p.display().to_string()),
        trace_file: hunted.trace.map(|p| p.display().to_string()),
    }
}

fn write_pretty(out: &mut dyn Write, document: &impl Serialize) -> io::Result<()> {
    serde_json::to_writer_pretty(&mut *out, document)?;
    writeln!(out)
}

#[derive(Serialize)]
struct Tool {
    name: &'static str,
    version: &'static str,
}

impl Tool {
    const WDFREQ: Tool = Tool {
        name: TOOL,
        version: VERSION,
    };
}

/// Settings as three fields, each as the command line spells it.
#[derive(Serialize)]
pub(super) struct SettingsJson {
    flavor: String,
    version: String,
    verifier: bool,
}

impl From<Settings> for SettingsJson {
    fn from(settings: Settings) -> Self {
        SettingsJson {
            flavor: settings.flavor.to_string(),
            version: settings.version.to_string(),
            verifier: settings.verifier,
        }
    }
}

#[derive(Serialize)]
struct CheckDocument<'a> {
    tool: Tool,
    file: &'a str,
    findings: Vec<FindingJson<'a>>,
    summary: SummaryJson,
}

#[derive(Serialize)]
struct FindingJson<'a> {
    file: &'a str,
    line: u64,
    rule: RuleId,
    severity: Severity,
    request: Option<&'a str>,
    target: Option<&'a str>,
    message: &'a str,
}

impl<'a> FindingJson<'a> {
    fn new(file: &'a str, finding: &'a Finding) -> Self {
        FindingJson {
            file,
            line: finding.line,
            rule: finding.rule,
            severity: finding.severity(),
            request: finding.subject.request(),
            target: finding.subject.target(),
            message: &finding.message,
        }
    }
}

/// A check's counts, settings and verdict, as the JSON document and the
/// SARIF run's properties both give them.
#[derive(Serialize)]
pub(super) struct SummaryJson {
    events: u64,
    errors: u64,
    warnings: u64,
    unshown: u64,
    format: u32,
    settings: SettingsJson,
    verdict: &'static str,
}

impl SummaryJson {
    /// The summary of `checked`.
    pub(super) fn of(checked: &Checked<'_>) -> Self {
        let summary = checked.summary;
        SummaryJson {
            events: summary.events,
            errors: summary.errors,
            warnings: summary.warnings,
            unshown: summary.unshown,
            format: summary.format,
            settings: SettingsJson::from(summary.settings),
            verdict: if checked.conforms() {
                "conforms"
            } else {
                "violates"
            },
        }
    }
}

#[derive(Serialize)]
struct HuntDocument<'a> {
    tool: Tool,
    seed: String,
    implementation: &'a str,
    description: &'a str,
    settings: SettingsJson,
    budget: BudgetJson,
    steps_max: usize,
    workers: usize,
    cases: u64,
    steps: u64,
    elapsed_seconds: f64,
    coverage: CoverageJson,
    depth: DepthJson,
    verdict: &'static str,
    unknown: Option<&'static str>,
    divergence: Option<DivergenceJson>,
}

#[derive(Serialize)]
#[serde(rename_all = "snake_case")]
enum BudgetJson {
    Cases(u64),
    Seconds(f64),
}

#[derive(Serialize)]
struct CoverageJson {
    exercised: usize,
    reachable: usize,
    never_exercised: Vec<&'static str>,
    rules: Vec<RuleCount>,
}

#[derive(Serialize)]
struct RuleCount {
    rule: &'static str,
    count: u64,
    reachable: bool,
}

#[derive(Serialize)]
struct DepthJson {
    reuses_before_completion: u32,
    outstanding_at_one_target: u32,
    live_requests: u32,
}

#[derive(Serialize)]
struct DivergenceJson {
    case: u64,
    case_seed: String,
    first: bool,
    generated_steps: usize,
    steps: Vec<String>,
    step: usize,
    rule: Option<&'static str>,
    kind: &'static str,
    report: String,
    replay: Option<String>,
    regression_file: Option<String>,
    trace_file: Option<String>,
}
