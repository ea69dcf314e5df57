//! Findings and how they print: rustc-style
//! `FILE:LINE: error[RULE-ID]: message` and `warning[RULE-ID]`, then one
//! summary line; the severity always comes from the rule catalogue. The
//! summary line names the settings judged for, except for a version 1
//! trace judged for the defaults, whose summary is as it always was.

use std::fmt;

use crate::model::rule;
use crate::vocab::{RuleId, Settings, Severity};

/// One rule broken at one line of a trace.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Finding {
    /// The 1-based line of the event that shows the problem.
    pub line: u64,
    /// The rule broken.
    pub rule: RuleId,
    /// The request (or target) the finding is about, as the message's
    /// prefix names it.
    pub subject: Subject,
    /// The catalogue's sentence, prefixed with the subject and op, and
    /// followed by what was seen where that helps.
    pub message: String,
}

/// What a finding is about, by the trace's own name for it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Subject {
    /// A request (`"req"` in the trace): nearly every finding.
    Request(String),
    /// An I/O target, for a finding about a target's own event (its
    /// start, stop or purge) rather than a request's.
    Target(String),
}

impl Subject {
    /// The request's name, when the subject is a request.
    pub fn request(&self) -> Option<&str> {
        match self {
            Subject::Request(name) => Some(name),
            Subject::Target(_) => None,
        }
    }

    /// The target's name, when the subject is a target.
    pub fn target(&self) -> Option<&str> {
        match self {
            Subject::Target(name) => Some(name),
            Subject::Request(_) => None,
        }
    }
}

/// As a message's prefix: ``request `r1` `` or ``target `pipe` ``.
impl fmt::Display for Subject {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Subject::Request(name) => write!(f, "request `{name}`"),
            Subject::Target(name) => write!(f, "target `{name}`"),
        }
    }
}

impl Finding {
    /// The rule's severity, as the catalogue gives it.
    pub fn severity(&self) -> Severity {
        rule(self.rule).severity
    }

    /// The finding as one line naming `file`.
    pub fn in_file<'a>(&'a self, file: &'a str) -> impl fmt::Display + 'a {
        InFile(file, self)
    }
}

struct InFile<'a>(&'a str, &'a Finding);

impl fmt::Display for InFile<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let InFile(file, finding) = self;
        write!(
            f,
            "{file}:{}: {}[{}]: {}",
            finding.line,
            finding.severity(),
            finding.rule,
            finding.message
        )
    }
}

/// The counts of one checked trace, and what it was judged for.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Summary {
    /// Findings of rules whose severity is error.
    pub errors: u64,
    /// Findings of rules whose severity is warning.
    pub warnings: u64,
    /// Event lines read, the header not counted (a `sync` send and its
    /// answer are two).
    pub events: u64,
    /// The settings the trace was judged for.
    pub settings: Settings,
    /// The trace's format version: 1 without a header line, 2 with one.
    pub format: u32,
    /// Findings counted and not reported: a trace read once (a pipe) with
    /// more than [`FINDINGS_HELD`](super::FINDINGS_HELD) findings reports
    /// the first that many.
    pub unshown: u64,
}

impl Summary {
    /// Counts `finding`.
    pub fn count(&mut self, finding: &Finding) {
        match finding.severity() {
            Severity::Error => self.errors += 1,
            Severity::Warning => self.warnings += 1,
        }
    }

    /// The summary line naming `file`: `FILE: 2 errors, 1 warning, 14 events`,
    /// then ` (kmdf 1.9, verifier on)` unless a version 1 trace was judged
    /// for the default settings.
    pub fn in_file<'a>(&'a self, file: &'a str) -> impl fmt::Display + 'a {
        SummaryLine(file, self)
    }
}

struct SummaryLine<'a>(&'a str, &'a Summary);

impl fmt::Display for SummaryLine<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let SummaryLine(file, summary) = self;
        write!(
            f,
            "{file}: {}, {}, {}",
            Plural(summary.errors, "error"),
            Plural(summary.warnings, "warning"),
            Plural(summary.events, "event")
        )?;
        if summary.format > 1 || summary.settings != Settings::default() {
            write!(f, " ({})", summary.settings)?;
        }
        if summary.unshown > 0 {
            write!(
                f,
                "; {} not shown (only the first {} of a trace read once are)",
                Plural(summary.unshown, "finding"),
                super::FINDINGS_HELD
            )?;
        }
        Ok(())
    }
}

struct Plural(u64, &'static str);

impl fmt::Display for Plural {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let Plural(count, noun) = *self;
        let s = if count == 1 { "" } else { "s" };
        write!(f, "{count} {noun}{s}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finding_prints_rustc_style_with_the_catalogue_severity() {
        let finding = Finding {
            line: 7,
            rule: RuleId::ReuseWhilePending,
            subject: Subject::Request("r".into()),
            message: "m".into(),
        };
        assert_eq!(
            finding.in_file("t.jsonl").to_string(),
            "t.jsonl:7: error[reuse-while-pending]: m"
        );
        let warning = Finding {
            rule: RuleId::SendWithoutCallback,
            ..finding
        };
        assert_eq!(
            warning.in_file("t.jsonl").to_string(),
            "t.jsonl:7: warning[send-without-callback]: m"
        );
    }

    #[test]
    fn summary_counts_in_singular_and_plural() {
        let summary = Summary {
            errors: 2,
            warnings: 1,
            events: 0,
            settings: Settings::default(),
            format: 1,
            unshown: 0,
        };
        assert_eq!(
            summary.in_file("f").to_string(),
            "f: 2 errors, 1 warning, 0 events"
        );
        let unshown = Summary {
            unshown: 1,
            ..summary
        };
        assert_eq!(
            unshown.in_file("f").to_string(),
            format!(
                "f: 2 errors, 1 warning, 0 events; 1 finding not shown \
                 (only the first {} of a trace read once are)",
                super::super::FINDINGS_HELD
            )
        );
    }

    #[test]
    fn summary_names_the_settings_of_a_header_or_other_than_the_defaults() {
        let v2 = Summary {
            events: 1,
            format: 2,
            ..Summary::default()
        };
        assert_eq!(
            v2.in_file("f").to_string(),
            "f: 0 errors, 0 warnings, 1 event (umdf1 1.11, verifier on)"
        );
        let v1_verifier_off = Summary {
            settings: Settings {
                verifier: false,
                ..Settings::default()
            },
            format: 1,
            ..Summary::default()
        };
        assert!(
            v1_verifier_off
                .in_file("f")
                .to_string()
                .ends_with("(umdf1 1.11, verifier off)")
        );
    }
}
