//! The JUnit XML report of hunts, `hunt --junit FILE`, in the shape every
//! CI's test report reads (Jenkins, GitLab, Azure Pipelines, the GitHub
//! Actions reporters):
//!
//! ```xml
//! <?xml version="1.0" encoding="UTF-8"?>
//! <testsuites name="wdfreq" tests="1" failures="1" errors="0" skipped="0" time="0.363">
//!   <testsuite name="wdfreq hunt" tests="1" failures="1" errors="0" skipped="0" time="0.363">
//!     <properties>
//!       <property name="seed" value="0x0000000000000003"/> ...
//!     </properties>
//!     <testcase name="contexts-swapped / umdf1 1.11, verifier on" classname="wdfreq hunt" time="0.363">
//!       <failure message="case 148 diverges at step 8 (steps 0 to 8): callback-mismatch" type="callback-mismatch">
//!         the shrunk sequence and the report, the replay command, the regression file
//!       </failure>
//!       <system-out>seed, cases, steps, rules exercised, depth</system-out>
//!     </testcase>
//!   </testsuite>
//! </testsuites>
//! ```
//!
//! One `testcase` per implementation and settings hunted (one hunt is one
//! of each today), named `IMPLEMENTATION / SETTINGS`; `time` in seconds;
//! the suite's `properties` say what was asked (seed, implementation,
//! settings, `--steps-max`, the wdfreq version). A divergence is a
//! `failure` whose `type` is the rule it breaks, or its kind where it names
//! none (`panicked`, `refused-legal`, ...; see
//! [`divergence_kind`]). A hunt with no verdict, one
//! interrupted or one whose budget allowed no case, is an `error` (`type`
//! `interrupted` or `no-cases`), never `skipped`: dashboards count a
//! skipped test as no failure, and an unknown verdict is never a pass (the
//! command exits 130 or 2).
//!
//! Written with `quick-xml`, which escapes markup in text and attributes;
//! characters XML 1.0 cannot hold at all, escaped or not (control
//! characters a panic message might carry), are written as U+FFFD.

use std::borrow::Cow;
use std::io::{self, Write};

use quick_xml::Writer;
use quick_xml::events::{BytesDecl, BytesText, Event};

use super::{Hunted, divergence_kind};
use crate::harness::{Divergent, Unknown, Verdict};
use crate::vocab::RuleId;

/// Writes the JUnit XML report of one hunt, one test case, to `out`.
pub fn write_hunt(out: &mut dyn Write, hunted: &Hunted<'_>) -> io::Result<()> {
    let case = Case::new(hunted);
    let failures = u8::from(matches!(case.outcome, Outcome::Failure { .. })).to_string();
    let errors = u8::from(matches!(case.outcome, Outcome::Error { .. })).to_string();
    let totals = [
        ("tests", "1"),
        ("failures", failures.as_str()),
        ("errors", errors.as_str()),
        ("skipped", "0"),
        ("time", case.time.as_str()),
    ];
    let mut xml = Writer::new_with_indent(out, b' ', 2);
    xml.write_event(Event::Decl(BytesDecl::new("1.0", Some("UTF-8"), None)))?;
    xml.create_element("testsuites")
        .with_attribute(("name", "wdfreq"))
        .with_attributes(totals)
        .write_inner_content(|xml| {
            xml.create_element("testsuite")
                .with_attribute(("name", "wdfreq hunt"))
                .with_attributes(totals)
                .write_inner_content(|xml| {
                    write_properties(xml, hunted)?;
                    case.write(xml)
                })?;
            Ok(())
        })?;
    // A final newline, as text files have.
    writeln!(xml.get_mut())
}

/// The suite's properties: what the hunt was asked.
fn write_properties<W: Write>(xml: &mut Writer<W>, hunted: &Hunted<'_>) -> io::Result<()> {
    let properties = [
        ("seed", hunted.report.seed.to_string()),
        ("implementation", hunted.implementation.to_owned()),
        ("settings", hunted.settings().to_string()),
        ("steps-max", hunted.config.case.steps_max.to_string()),
        ("wdfreq-version", super::VERSION.to_owned()),
    ];
    xml.create_element("properties")
        .write_inner_content(|xml| {
            for (name, value) in &properties {
                xml.create_element("property")
                    .with_attribute(("name", *name))
                    .with_attribute(("value", xml_chars(value).as_ref()))
                    .write_empty()?;
            }
            Ok(())
        })
        .map(|_| ())
}

/// One test case, ready to write.
struct Case {
    name: String,
    time: String,
    outcome: Outcome,
    summary: String,
}

enum Outcome {
    Passed,
    Failure {
        message: String,
        kind: &'static str,
        text: String,
    },
    Error {
        message: String,
        kind: &'static str,
    },
}

impl Case {
    fn new(hunted: &Hunted<'_>) -> Self {
        let report = hunted.report;
        let outcome = match &report.verdict {
            Verdict::Conforms => Outcome::Passed,
            Verdict::Diverges(divergent) => failure(hunted, divergent),
            Verdict::Unknown(Unknown::Interrupted) => Outcome::Error {
                message: format!(
                    "interrupted after {} cases; the cases not run may diverge",
                    report.cases
                ),
                kind: "interrupted",
            },
            Verdict::Unknown(Unknown::NoCases) => Outcome::Error {
                message: "no case ran: the budget allows none".to_owned(),
                kind: "no-cases",
            },
            Verdict::Unknown(Unknown::Undecided { rounds }) => Outcome::Error {
                message: format!(
                    "no case diverged, but the checker could not decide {rounds} rounds' \
                     histories within its budget"
                ),
                kind: "undecided",
            },
        };
        Case {
            name: hunted.case_name(),
            time: seconds(report.elapsed.as_secs_f64()),
            outcome,
            summary: summary(hunted),
        }
    }

    fn write<W: Write>(&self, xml: &mut Writer<W>) -> io::Result<()> {
        xml.create_element("testcase")
            .with_attribute(("name", xml_chars(&self.name).as_ref()))
            .with_attribute(("classname", "wdfreq hunt"))
            .with_attribute(("time", self.time.as_str()))
            .write_inner_content(|xml| {
                match &self.outcome {
                    Outcome::Passed => {}
                    Outcome::Failure {
                        message,
                        kind,
                        text,
                    } => {
                        xml.create_element("failure")
                            .with_attribute(("message", xml_chars(message).as_ref()))
                            .with_attribute(("type", *kind))
                            .write_text_content(BytesText::new(&xml_chars(text)))?;
                    }
                    Outcome::Error { message, kind } => {
                        xml.create_element("error")
                            .with_attribute(("message", xml_chars(message).as_ref()))
                            .with_attribute(("type", *kind))
                            .write_empty()?;
                    }
                }
                xml.create_element("system-out")
                    .write_text_content(BytesText::new(&xml_chars(&self.summary)))?;
                Ok(())
            })?;
        Ok(())
    }
}

/// A divergence as a failure: a one-line message, the rule (or kind) as
/// its type, and the text a reader needs to act on it.
fn failure(hunted: &Hunted<'_>, divergent: &Divergent) -> Outcome {
    let Divergent {
        failure,
        case,
        first,
    } = divergent;
    let divergence = &failure.divergence;
    let kind = divergence
        .rule()
        .map_or_else(|| divergence_kind(&divergence.kind), RuleId::as_str);
    let message = format!(
        "case {case} diverges at step {} (steps 0 to {}): {kind}",
        divergence.step,
        failure.steps.len().saturating_sub(1)
    );
    let mut text = format!(
        "case {case} (seed {}), shrunk from {} to {} steps:\n",
        failure.seed,
        failure.generated_len,
        failure.steps.len()
    );
    if !first {
        text += &format!(
            "(interrupted: cases numbered below {case} did not all run, so an earlier case may fail too)\n"
        );
    }
    text += &divergence.report(&failure.steps).to_string();
    if let Some(replay) = hunted.replay {
        text += &format!("replay: {replay}\n");
    }
    if let Some(path) = hunted.regression {
        text += &format!("regression file: {}\n", path.display());
    }
    if let Some(path) = hunted.trace {
        text += &format!("trace: {}\n", path.display());
    }
    Outcome::Failure {
        message,
        kind,
        text,
    }
}

/// The hunt's figures, as the text report gives them.
fn summary(hunted: &Hunted<'_>) -> String {
    let report = hunted.report;
    let settings = hunted.settings();
    let (exercised, reachable) = report.coverage.exercised_in(&settings);
    let mut text = format!(
        "seed: {}\ncases: {}  steps: {}\nrules exercised: {exercised} of the {reachable} a hunt can reach in {settings}\n",
        report.seed, report.cases, report.steps
    );
    let missing = report.coverage.missing_in(&settings);
    if !missing.is_empty() {
        let names: Vec<_> = missing.iter().map(|r| r.as_str()).collect();
        text += &format!("never exercised: {}\n", names.join(", "));
    }
    text += &format!("depth: {}\n", report.coverage.depth);
    text
}

fn seconds(seconds: f64) -> String {
    format!("{seconds:.3}")
}

/// `text` with every character XML 1.0 cannot hold (C0 controls bar tab,
/// line feed and carriage return; U+FFFE, U+FFFF) replaced by U+FFFD.
fn xml_chars(text: &str) -> Cow<'_, str> {
    let allowed = |c: char| {
        matches!(c, '\t' | '\n' | '\r') || (c >= ' ' && c != '\u{FFFE}' && c != '\u{FFFF}')
    };
    if text.chars().all(allowed) {
        Cow::Borrowed(text)
    } else {
        Cow::Owned(
            text.chars()
                .map(|c| if allowed(c) { c } else { '\u{FFFD}' })
                .collect(),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::harness::{Budget, CaseConfig, Coverage, HuntConfig, HuntReport, Seed};

    /// An interrupted hunt (Ctrl-C, which a test cannot send the binary
    /// reliably) is an error of its own type, never a skip nor a pass.
    #[test]
    fn an_interrupted_hunt_is_an_error_not_a_skip() {
        let config = HuntConfig {
            seed: Seed(9),
            budget: Budget::Cases(1000),
            case: CaseConfig::default(),
        };
        let report = HuntReport {
            seed: config.seed,
            cases: 12,
            steps: 345,
            coverage: Coverage::default(),
            verdict: Verdict::Unknown(Unknown::Interrupted),
            failures: 0,
            undecided: 0,
            left_behind: Vec::new(),
            elapsed: std::time::Duration::from_millis(1500),
        };
        let hunted = Hunted {
            implementation: "sim",
            description: "sim",
            config: &config,
            workers: 1,
            report: &report,
            replay: None,
            regression: None,
            trace: None,
        };
        let mut out = Vec::new();
        write_hunt(&mut out, &hunted).expect("a vector takes it");
        let xml = String::from_utf8(out).expect("UTF-8");
        assert!(
            xml.contains(r#"tests="1" failures="0" errors="1" skipped="0" time="1.500""#),
            "{xml}"
        );
        assert!(
            xml.contains(
                r#"<error message="interrupted after 12 cases; the cases not run may diverge" type="interrupted"/>"#
            ),
            "{xml}"
        );
        assert!(!xml.contains("<skipped"), "{xml}");
    }

    #[test]
    fn characters_xml_cannot_hold_become_replacement_characters() {
        assert_eq!(xml_chars("a\tb\nc"), "a\tb\nc");
        assert_eq!(xml_chars("bell\u{7} esc\u{1b}"), "bell\u{FFFD} esc\u{FFFD}");
        assert_eq!(xml_chars("<&>"), "<&>", "markup is the writer's to escape");
    }
}
