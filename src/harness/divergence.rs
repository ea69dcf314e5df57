//! [`Divergence`]: the first place where an implementation and the model
//! disagree, in terms a reader can act on.

use std::fmt;
use std::time::Duration;

use crate::linearize::Counterexample;
use crate::model::{ExpectedReply, Violation};
use crate::vocab::{Delivery, History, Reply, RequestId, RuleId, Step};

use super::conformance::Refusal;

/// How an implementation departed from the model at one step.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum DivergenceKind {
    /// The implementation broke a framework rule: wrong, missing, extra or
    /// leaked callbacks, or a wrong status.
    Broke {
        /// The rule broken, and the request.
        violation: Violation,
        /// The callbacks the model says the step invokes.
        expected: Vec<Delivery>,
        /// The callbacks the implementation invoked.
        actual: Vec<Delivery>,
    },
    /// The implementation accepted a call that breaks a driver rule: its
    /// verifier let the bug through.
    AcceptedIllegal {
        /// The driver rule the call breaks.
        rule: RuleId,
    },
    /// The implementation refused a call the framework accepts: a legal
    /// one, or one that breaks `let_through`, a driver rule the framework
    /// lets through in these settings (then the divergence is about that
    /// rule: the implementation enforces what the framework does not).
    /// Also a call the framework lets `let_through` through and then
    /// refuses for a later rule, which the implementation refused for
    /// another.
    RefusedLegal {
        /// The implementation's refusal.
        refusal: Refusal,
        /// The driver rule the call breaks and the framework lets through,
        /// if any.
        let_through: Option<RuleId>,
    },
    /// The implementation refused an illegal call, naming another rule.
    WrongRule {
        /// The rule the framework refuses the call for.
        expected: RuleId,
        /// The implementation's refusal.
        actual: Refusal,
    },
    /// The implementation accepted a legal call but replied wrongly.
    WrongReply {
        /// The reply the model expects.
        expected: ExpectedReply,
        /// The implementation's reply.
        actual: Reply,
        /// The framework rule a wrong reply breaks, where one does
        /// (`status-mismatch` for a status read).
        rule: Option<RuleId>,
    },
    /// The implementation introduced `request` (create or receive) with a
    /// handle equal to the one it gave `holder`, a request the sequence
    /// introduced earlier (alive or dead): a handle must name one request,
    /// or callbacks and calls cannot be told apart.
    DuplicateHandle {
        /// The request just introduced.
        request: RequestId,
        /// The earlier request the handle was given to.
        holder: RequestId,
    },
    /// The implementation panicked.
    Panicked {
        /// The panic's message.
        message: String,
        /// Where it panicked (`file:line:column`), when known: the harness
        /// keeps it from the panic hook it installs, which prints nothing
        /// for a panic it catches (a program that sets a hook of its own
        /// afterwards gets no location).
        location: Option<String>,
    },
    /// A run of the sequence did not end within the hunt's case time
    /// limit: the implementation hung (or is that slow), at step `step` of
    /// the divergence, doing `activity`. Only a hunt finds this: the call
    /// never returned, so the worker thread running it was left behind.
    Hung {
        /// The time limit the run exceeded.
        limit: Duration,
        /// What the implementation was asked to do when the time ran out.
        activity: Activity,
        /// Whether the run was an attempt at shrinking another failure of
        /// the case: the sequence is then that attempt, and the failure
        /// being shrunk is not known.
        shrinking: bool,
    },
    /// Threads ran at once, and no order of what they did is one the
    /// framework allows ([`crate::linearize`]): a race.
    NotLinearizable {
        /// What happened, thread by thread.
        history: Box<History>,
        /// The part no order explains, and how far the search got.
        counterexample: Box<Counterexample>,
    },
    /// The implementation's own invariant check failed.
    Invariant {
        /// The check's message.
        message: String,
    },
}

/// What a run asks of the implementation at one moment, for a report of
/// where it hung.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Activity {
    /// Building a fresh implementation, before the first step.
    Building,
    /// Performing a step, draining its callbacks or checking the
    /// invariants after it.
    Stepping,
    /// Checking its invariants at the end of the sequence.
    Finishing,
    /// Dropping it after the sequence.
    Dropping,
}

impl fmt::Display for Activity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Activity::Building => "building the implementation",
            Activity::Stepping => "performing the step",
            Activity::Finishing => "checking its invariants at the end",
            Activity::Dropping => "dropping the implementation",
        })
    }
}

/// The first divergence of a sequence: at `step` (0-based index into the
/// sequence), of `kind`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Divergence {
    /// The 0-based index of the step where the two first disagree.
    pub step: usize,
    /// How they disagree.
    pub kind: DivergenceKind,
}

impl Divergence {
    /// The rule the divergence breaks, where it names one.
    pub fn rule(&self) -> Option<RuleId> {
        match &self.kind {
            DivergenceKind::Broke { violation, .. } => Some(violation.rule),
            DivergenceKind::AcceptedIllegal { rule } => Some(*rule),
            DivergenceKind::WrongRule { expected, .. } => Some(*expected),
            DivergenceKind::WrongReply { rule, .. } => *rule,
            DivergenceKind::RefusedLegal { let_through, .. } => *let_through,
            DivergenceKind::Panicked { .. }
            | DivergenceKind::Hung { .. }
            | DivergenceKind::NotLinearizable { .. }
            | DivergenceKind::Invariant { .. }
            | DivergenceKind::DuplicateHandle { .. } => None,
        }
    }

    /// Whether `other` is the same failure, the one shrinking keeps to (as
    /// Hypothesis keeps to one exception type and place): a shorter
    /// sequence that fails another way never replaces the one found, so
    /// the counterexample shows the failure the hunt met.
    ///
    /// Two divergences are the same failure when
    ///
    /// - both name a rule, and it is the same: an illegal call accepted
    ///   ([`DivergenceKind::AcceptedIllegal`]) and refused for another rule
    ///   ([`DivergenceKind::WrongRule`]) are one check mishandled;
    /// - both name none, and are of one kind: a legal call refused, a wrong
    ///   cancel reply, a duplicate handle, a panic, a hang and a failed
    ///   invariant are six failures, not one;
    /// - or the implementation refused both calls with the same refusal
    ///   ([`DivergenceKind::RefusedLegal`], [`DivergenceKind::WrongRule`]):
    ///   one wrong check of its own, met where the call was legal, let
    ///   through, or broke another rule.
    pub fn same_failure(&self, other: &Divergence) -> bool {
        let same_rule = match (self.rule(), other.rule()) {
            (Some(rule), Some(other_rule)) => rule == other_rule,
            (None, None) => {
                std::mem::discriminant(&self.kind) == std::mem::discriminant(&other.kind)
            }
            _ => false,
        };
        same_rule || matches!((self.refusal(), other.refusal()), (Some(a), Some(b)) if a == b)
    }

    /// The implementation's refusal, where the divergence is that it
    /// refused.
    fn refusal(&self) -> Option<&Refusal> {
        match &self.kind {
            DivergenceKind::RefusedLegal { refusal, .. } => Some(refusal),
            DivergenceKind::WrongRule { actual, .. } => Some(actual),
            _ => None,
        }
    }

    /// A report of the divergence within `steps`, with a side-by-side diff
    /// of what the model expected and what the implementation did; plain
    /// text, unless [`Report::coloured`] asks for colour.
    pub fn report<'a>(&'a self, steps: &'a [Step]) -> Report<'a> {
        Report {
            divergence: self,
            steps,
            colour: false,
        }
    }
}

/// A divergence's report, for display ([`Divergence::report`]).
#[derive(Clone, Copy, Debug)]
pub struct Report<'a> {
    divergence: &'a Divergence,
    steps: &'a [Step],
    colour: bool,
}

impl Report<'_> {
    /// The same report, its diffs coloured (ANSI sequences, for a
    /// terminal) or not.
    pub fn coloured(self, colour: bool) -> Self {
        Report { colour, ..self }
    }

    /// `comparison` as the report shows it: pretty_assertions always
    /// colours its diff, so plain text strips the colour.
    fn diff(&self, comparison: impl fmt::Display) -> String {
        let text = comparison.to_string();
        if self.colour {
            text
        } else {
            without_colours(&text)
        }
    }
}

impl fmt::Display for Report<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let DivergenceKind::NotLinearizable {
            history,
            counterexample,
        } = &self.divergence.kind
        {
            return super::history_report::write(f, history, counterexample);
        }
        let at = self.divergence.step;
        for (i, step) in self.steps.iter().enumerate().take(at + 1) {
            let mark = if i == at { "=>" } else { "  " };
            writeln!(f, "{mark} {i:>3}  {step}")?;
        }
        let step = self
            .steps
            .get(at)
            .map(ToString::to_string)
            .unwrap_or_default();
        match &self.divergence.kind {
            DivergenceKind::Broke {
                violation,
                expected,
                actual,
            } => {
                writeln!(f, "error[{}]: {violation}", violation.rule)?;
                writeln!(
                    f,
                    "callbacks invoked during step {at} (left: model, right: implementation):"
                )?;
                let diff = self.diff(pretty_assertions::Comparison::new(expected, actual));
                write!(f, "{diff}")
            }
            DivergenceKind::AcceptedIllegal { rule } => writeln!(
                f,
                "error[{rule}]: the implementation accepted `{step}`, which breaks {rule}: {}",
                crate::model::rule(*rule).says
            ),
            DivergenceKind::RefusedLegal {
                refusal,
                let_through: None,
            } => {
                writeln!(
                    f,
                    "error: the implementation refused the legal call `{step}` ({refusal})"
                )
            }
            DivergenceKind::RefusedLegal {
                refusal,
                let_through: Some(rule),
            } => writeln!(
                f,
                "error[{rule}]: `{step}` breaks {rule}, which the framework lets through in \
                 these settings, but the implementation {refusal}"
            ),
            DivergenceKind::WrongRule { expected, actual } => writeln!(
                f,
                "error[{expected}]: `{step}` breaks {expected}, but the implementation {actual}"
            ),
            DivergenceKind::WrongReply {
                expected,
                actual,
                rule,
            } => {
                match rule {
                    Some(rule) => writeln!(
                        f,
                        "error[{rule}]: wrong reply to `{step}` (left: model, right: implementation):"
                    )?,
                    None => writeln!(
                        f,
                        "error: wrong reply to `{step}` (left: model, right: implementation):"
                    )?,
                }
                let diff = self.diff(pretty_assertions::Comparison::new(expected, actual));
                write!(f, "{diff}")
            }
            DivergenceKind::DuplicateHandle { request, holder } => writeln!(
                f,
                "error: the implementation gave {request} (`{step}`) the handle it gave {holder}: \
                 a handle must name one request for the whole sequence"
            ),
            DivergenceKind::Panicked { message, location } => {
                writeln!(
                    f,
                    "error: the implementation panicked at `{step}`: {message}"
                )?;
                match location {
                    Some(location) => writeln!(f, "  --> {location}"),
                    None => Ok(()),
                }
            }
            DivergenceKind::Hung {
                limit,
                activity,
                shrinking,
            } => {
                let seconds = limit.as_secs_f64();
                match activity {
                    Activity::Building => writeln!(
                        f,
                        "error: the implementation hung: not built after {seconds} s"
                    )?,
                    Activity::Stepping => writeln!(
                        f,
                        "error: the implementation hung at `{step}`: no answer after {seconds} s"
                    )?,
                    _ => writeln!(
                        f,
                        "error: the implementation hung after `{step}`, {activity}: no return after {seconds} s"
                    )?,
                }
                if *shrinking {
                    writeln!(
                        f,
                        "note: it hung while the case's failure was being shrunk; this is the \
                         attempt that hung"
                    )?;
                }
                writeln!(
                    f,
                    "note: the call never returned; its thread was left behind"
                )
            }
            DivergenceKind::Invariant { message } => writeln!(
                f,
                "error: the implementation's invariant failed after `{step}`: {message}"
            ),
            // Written above, whole.
            DivergenceKind::NotLinearizable { .. } => Ok(()),
        }
    }
}

/// `text` without its ANSI colour sequences (`ESC [ ... m`), which
/// pretty_assertions' diff always writes (a [`Report`] strips them unless
/// coloured).
pub fn without_colours(text: &str) -> String {
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
    use super::without_colours;

    #[test]
    fn colours_are_stripped_and_text_kept() {
        assert_eq!(without_colours("\u{1b}[32m>x\u{1b}[0m y"), ">x y");
        assert_eq!(without_colours("plain"), "plain");
    }
}
