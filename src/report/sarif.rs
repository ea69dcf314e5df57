//! SARIF 2.1.0 (OASIS, <https://docs.oasis-open.org/sarif/sarif/v2.1.0/>)
//! logs of checked traces, as GitHub code scanning and SARIF viewers read
//! them; every log this module writes validates against the OASIS JSON
//! schema (`tests/schemas/sarif-2.1.0.json`, held to it by a test).
//!
//! One log, one run, one invocation:
//!
//! - `tool.driver`: `wdfreq`, its version, where to read about it, and the
//!   whole rule catalogue as `rules`, in [`RuleId::ALL`] order: each rule's
//!   ID, its sentence (`shortDescription`; `fullDescription` adds where it
//!   applies and whether the framework refuses it), its source citation
//!   (`help` and `properties.source`), its severity as
//!   `defaultConfiguration.level`, and whose obligation it is as a tag.
//! - `results`: one per finding, in the checker's order: `ruleId` and
//!   `ruleIndex` into the driver's rules, `level` (`error` or `warning`:
//!   the catalogue's severity; no rule is a `note`), `message.text` (the
//!   text report's message), and one physical location, the trace as
//!   `artifactLocation.uri` (see [`artifact_uri`]) and the finding's line
//!   as `region.startLine`. `properties.request` (or `properties.target`)
//!   names what the finding is about.
//! - `invocations[0].executionSuccessful`: true when the trace was judged,
//!   whatever it was found to break (SARIF separates a tool that failed
//!   from an artifact with results). A warning notification says when a
//!   trace read once had findings past those reported (`unshown`).
//! - `properties` of the run: the summary (events, errors, warnings, the
//!   settings judged for, the verdict), as the JSON format gives it.
//!
//! A trace that could not be judged gives [`write_failed`]'s log: see the
//! [module docs above](super) for why a log rather than nothing.

use std::io::{self, Write};

use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};
use serde::Serialize;

use super::json::SummaryJson;
use super::{Checked, INFORMATION_URI, TOOL, VERSION};
use crate::check::{Finding, TraceError};
use crate::model::rules::{CATALOGUE, Rule};
use crate::vocab::{RuleId, Severity};

/// The schema a log names as its `$schema`: the OASIS standard's, with its
/// errata (the file `tests/schemas/sarif-2.1.0.json` is).
pub const SCHEMA_URI: &str =
    "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json";

/// Writes the SARIF log of one judged trace to `out`.
pub fn write_check(out: &mut dyn Write, checked: &Checked<'_>) -> io::Result<()> {
    let summary = checked.summary;
    let uri = artifact_uri(checked.file);
    let mut notifications = Vec::new();
    if summary.unshown > 0 {
        notifications.push(Notification {
            level: "warning",
            message: Message::new(format!(
                "{} more findings were counted and not reported: a trace read once (a pipe) \
                 reports only its first {}.",
                summary.unshown,
                crate::check::FINDINGS_HELD
            )),
            locations: vec![Location::new(&uri, None)],
        });
    }
    let results = checked
        .findings
        .iter()
        .map(|finding| SarifResult::new(&uri, finding))
        .collect();
    let properties = RunProperties {
        file: checked.file,
        summary: SummaryJson::of(checked),
    };
    let run = Run {
        tool: Tool::wdfreq(),
        invocations: [Invocation {
            execution_successful: true,
            tool_execution_notifications: notifications,
        }],
        results: Some(results),
        properties: Some(properties),
    };
    write_log(out, run)
}

/// Writes the SARIF log of a trace that could not be judged (malformed,
/// unreadable, or settings that do not exist): `executionSuccessful:
/// false`, the error as an `error` notification at the trace's bad line
/// (its file alone when the error has no line), and no `results`, which
/// SARIF reads as "the analysis did not happen" (§3.14.23).
pub fn write_failed(out: &mut dyn Write, error: &TraceError) -> io::Result<()> {
    let uri = artifact_uri(&error.file);
    let run = Run {
        tool: Tool::wdfreq(),
        invocations: [Invocation {
            execution_successful: false,
            tool_execution_notifications: vec![Notification {
                level: "error",
                message: Message::new(error.to_string()),
                locations: vec![Location::new(&uri, Some(error.line))],
            }],
        }],
        results: None,
        properties: None,
    };
    write_log(out, run)
}

fn write_log(out: &mut dyn Write, run: Run<'_>) -> io::Result<()> {
    let log = Log {
        schema: SCHEMA_URI,
        version: "2.1.0",
        runs: [run],
    };
    serde_json::to_writer_pretty(&mut *out, &log)?;
    writeln!(out)
}

/// What a path keeps as it is in a URI: letters, digits, the unreserved
/// `-._~`, and `/` between segments. Everything else is percent-encoded,
/// which RFC 3986 always allows: a `:` that would make a relative path's
/// first segment read as a scheme, a space, the `<` `>` of `<stdin>`.
const PATH: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~')
    .remove(b'/');

/// A trace's name as SARIF's `artifactLocation.uri`, a URI reference: a
/// relative path stays relative (code scanning resolves it against the
/// repository's root, where CI runs), an absolute one becomes a `file:`
/// URI, each percent-encoded where a URI needs it. On Windows, `\`
/// separates segments and `C:\...` is absolute.
pub fn artifact_uri(file: &str) -> String {
    let path = if cfg!(windows) {
        file.replace('\\', "/")
    } else {
        file.to_owned()
    };
    let drive =
        path.len() >= 3 && path.as_bytes()[0].is_ascii_alphabetic() && path[1..].starts_with(":/");
    if drive && cfg!(windows) {
        // The drive's colon is part of the path (RFC 8089 appendix E).
        let (drive, rest) = path.split_at(2);
        format!("file:///{drive}{}", utf8_percent_encode(rest, PATH))
    } else if path.starts_with('/') {
        format!("file://{}", utf8_percent_encode(&path, PATH))
    } else {
        utf8_percent_encode(&path, PATH).to_string()
    }
}

fn level(severity: Severity) -> &'static str {
    match severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
    }
}

#[derive(Serialize)]
struct Log<'a> {
    #[serde(rename = "$schema")]
    schema: &'static str,
    version: &'static str,
    runs: [Run<'a>; 1],
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Run<'a> {
    tool: Tool,
    invocations: [Invocation; 1],
    #[serde(skip_serializing_if = "Option::is_none")]
    results: Option<Vec<SarifResult<'a>>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    properties: Option<RunProperties<'a>>,
}

#[derive(Serialize)]
struct Tool {
    driver: Driver,
}

impl Tool {
    fn wdfreq() -> Self {
        Tool {
            driver: Driver {
                name: TOOL,
                version: VERSION,
                semantic_version: VERSION,
                information_uri: INFORMATION_URI,
                rules: CATALOGUE.iter().map(Descriptor::new).collect(),
            },
        }
    }
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Driver {
    name: &'static str,
    version: &'static str,
    semantic_version: &'static str,
    information_uri: &'static str,
    rules: Vec<Descriptor>,
}

/// A rule of the catalogue as SARIF's `reportingDescriptor`.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Descriptor {
    id: RuleId,
    short_description: Message,
    full_description: Message,
    help: Message,
    default_configuration: Configuration,
    properties: DescriptorProperties,
}

impl Descriptor {
    fn new(rule: &Rule) -> Self {
        Descriptor {
            id: rule.id,
            short_description: Message::new(rule.says.to_owned()),
            full_description: Message::new(format!(
                "{} Applies: {}. Refused by the framework: {}.",
                rule.says,
                rule.scope.describe(),
                rule.refused.describe()
            )),
            help: Message::new(format!("Source: {}", rule.source)),
            default_configuration: Configuration {
                level: level(rule.severity),
            },
            properties: DescriptorProperties {
                tags: [rule.obligation.to_string()],
                obligation: rule.obligation.to_string(),
                source: rule.source,
            },
        }
    }
}

#[derive(Serialize)]
struct Configuration {
    level: &'static str,
}

#[derive(Serialize)]
struct DescriptorProperties {
    tags: [String; 1],
    obligation: String,
    source: &'static str,
}

#[derive(Serialize)]
struct Message {
    text: String,
}

impl Message {
    fn new(text: String) -> Self {
        Message { text }
    }
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Invocation {
    execution_successful: bool,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    tool_execution_notifications: Vec<Notification>,
}

#[derive(Serialize)]
struct Notification {
    level: &'static str,
    message: Message,
    locations: Vec<Location>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct SarifResult<'a> {
    rule_id: RuleId,
    rule_index: usize,
    level: &'static str,
    message: Message,
    locations: [Location; 1],
    properties: ResultProperties<'a>,
}

impl<'a> SarifResult<'a> {
    fn new(uri: &str, finding: &'a Finding) -> Self {
        SarifResult {
            rule_id: finding.rule,
            rule_index: finding.rule.index(),
            level: level(finding.severity()),
            message: Message::new(finding.message.clone()),
            locations: [Location::new(uri, Some(finding.line))],
            properties: ResultProperties {
                request: finding.subject.request(),
                target: finding.subject.target(),
            },
        }
    }
}

#[derive(Serialize)]
struct ResultProperties<'a> {
    #[serde(skip_serializing_if = "Option::is_none")]
    request: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    target: Option<&'a str>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Location {
    physical_location: PhysicalLocation,
}

impl Location {
    /// The trace at `uri`, at `line` when there is one (1-based: a line 0,
    /// the checker's "no line", gives the file alone).
    fn new(uri: &str, line: Option<u64>) -> Self {
        Location {
            physical_location: PhysicalLocation {
                artifact_location: ArtifactLocation {
                    uri: uri.to_owned(),
                },
                region: line
                    .filter(|line| *line > 0)
                    .map(|start_line| Region { start_line }),
            },
        }
    }
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct PhysicalLocation {
    artifact_location: ArtifactLocation,
    #[serde(skip_serializing_if = "Option::is_none")]
    region: Option<Region>,
}

#[derive(Serialize)]
struct ArtifactLocation {
    uri: String,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Region {
    start_line: u64,
}

#[derive(Serialize)]
struct RunProperties<'a> {
    file: &'a str,
    #[serde(flatten)]
    summary: SummaryJson,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_relative_path_stays_relative_and_is_encoded_where_a_uri_needs_it() {
        assert_eq!(
            artifact_uri("tests/traces/ok/a-b_c.jsonl"),
            "tests/traces/ok/a-b_c.jsonl"
        );
        assert_eq!(artifact_uri("my trace.jsonl"), "my%20trace.jsonl");
        // A colon in the first segment would read as a scheme.
        assert_eq!(artifact_uri("c:trace.jsonl"), "c%3Atrace.jsonl");
        assert_eq!(artifact_uri("<stdin>"), "%3Cstdin%3E");
        assert_eq!(artifact_uri("é.jsonl"), "%C3%A9.jsonl");
    }

    #[cfg(unix)]
    #[test]
    fn an_absolute_path_is_a_file_uri() {
        assert_eq!(artifact_uri("/tmp/a b.jsonl"), "file:///tmp/a%20b.jsonl");
    }

    #[cfg(windows)]
    #[test]
    fn a_windows_path_is_a_file_uri_with_forward_slashes() {
        assert_eq!(
            artifact_uri(r"C:\traces\a b.jsonl"),
            "file:///C:/traces/a%20b.jsonl"
        );
        assert_eq!(artifact_uri(r"traces\a.jsonl"), "traces/a.jsonl");
    }
}
