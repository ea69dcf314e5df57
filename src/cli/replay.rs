//! `wdfreq replay FILE`: reruns a regression file's steps on the
//! implementation it names (or `--implementation`), for its settings (the
//! settings flags replace them), beside the model, and prints every step
//! with what the model expected and what the implementation did, up to the
//! first divergence; then the verdict, and whether it is the outcome the
//! file expects. Exit 0 when the implementation conforms, 1 when it
//! diverges, 2 when the file is unreadable or malformed or the
//! implementation or settings asked for do not exist.

use std::io::{IsTerminal, Write};
use std::path::PathBuf;

use clap::Args;

use super::Outcome;
use super::hunt::without_colours;
use super::implementation::Implementation;
use super::regression::{Expect, Regression};
use super::settings::SettingsArgs;
use crate::harness::{Conformance, Divergence, DivergenceKind, SideBySide};
use crate::model::{ExpectedReply, Judgement, Model};
use crate::sim::Framework;
use crate::vocab::{Observation, Op, Reply, SendMode, Settings, Step};

#[derive(Debug, Args)]
pub struct ReplayArgs {
    /// The regression file, as `wdfreq hunt` writes it.
    pub file: PathBuf,
    /// Replay on this implementation instead of the one the file names:
    /// `sim`, or the name of a mutant from the gallery.
    #[arg(long, value_name = "NAME")]
    pub implementation: Option<String>,
    /// Settings flags replace the file's settings.
    #[command(flatten)]
    pub settings: SettingsArgs,
}

pub fn run(args: &ReplayArgs, out: &mut dyn Write) -> std::io::Result<Outcome> {
    let regression = match Regression::read(&args.file) {
        Ok(regression) => regression,
        Err(error) => {
            writeln!(out, "{error}")?;
            return Ok(Outcome::BadInput);
        }
    };
    let implementation = match args.implementation.as_deref().map(Implementation::by_name) {
        None => regression.implementation,
        Some(Ok(implementation)) => implementation,
        Some(Err(error)) => {
            writeln!(out, "error: {error}")?;
            return Ok(Outcome::BadInput);
        }
    };
    let settings = match args.settings.over(regression.settings) {
        Ok(settings) => settings,
        Err(error) => {
            writeln!(out, "error: {error}")?;
            return Ok(Outcome::BadInput);
        }
    };
    writeln!(
        out,
        "wdfreq replay: {}, implementation: {}, framework: {settings}",
        args.file.display(),
        implementation.describe()
    )?;
    let steps = &regression.steps;
    let divergence = match implementation {
        Implementation::Sim => replay(Framework::with_settings(settings), settings, steps, out)?,
        Implementation::Mutant(mutant) => {
            replay(mutant.framework_in(settings), settings, steps, out)?
        }
    };
    write_verdict(&regression, (implementation, settings), divergence, out)
}

/// Steps `implementation` beside the model through `steps`, printing each
/// step's comparison, until the end or the first divergence.
fn replay<I: Conformance>(
    implementation: I,
    settings: Settings,
    steps: &[Step],
    out: &mut dyn Write,
) -> std::io::Result<Option<Divergence>> {
    let mut pair = SideBySide::new(implementation, settings).recording();
    // A copy of the pair's model, stepped alike (the model is pure), for
    // the judgement of each step, which the pair keeps to itself.
    let mut model = Model::with_settings(settings);
    for (index, step) in steps.iter().enumerate() {
        let judgement = model.step(step).ok();
        let result = pair.step(step, None);
        let observed = pair.take_recording();
        let divergence = result.err();
        let mark = if divergence.is_some() { "=>" } else { "  " };
        writeln!(out, "{mark} {index:>3}  {step}")?;
        let mut expected = judgement
            .as_ref()
            .map_or("(ill-formed step: skipped)".to_owned(), expected);
        let mut did = did(&observed, divergence.as_ref(), judgement.as_ref());
        // Where a callback may be due, say so when none is.
        if finishes_a_send(step) {
            for text in [&mut expected, &mut did] {
                if text.starts_with("accepted") && !text.contains("invokes") {
                    text.push_str("; invokes no callback");
                }
            }
        }
        writeln!(out, "        model:          {expected}")?;
        writeln!(out, "        implementation: {did}")?;
        if let Some(divergence) = divergence {
            if index + 1 < steps.len() {
                writeln!(
                    out,
                    "        (steps {} to {} not run: after a divergence the two are out of step)",
                    index + 1,
                    steps.len() - 1
                )?;
            }
            write_divergence(&divergence, steps, out)?;
            return Ok(Some(divergence));
        }
    }
    Ok(None)
}

/// Whether `step` ends a send (a target completion, a synchronous send),
/// the steps in which a callback may be invoked.
fn finishes_a_send(step: &Step) -> bool {
    matches!(
        step,
        Step::Target(_)
            | Step::Driver(Op::Send {
                mode: SendMode::Sync(_),
                ..
            })
    )
}

/// What the model says of a step: refused or accepted, the reply it owes,
/// the callback it must invoke, and its warnings.
fn expected(judgement: &Judgement) -> String {
    let mut text = match &judgement.outcome {
        Err(violation) => format!("refused: breaks {}", violation.rule),
        Ok(accepted) => {
            let mut text = "accepted".to_owned();
            if let Some(violation) = judgement.let_through {
                text += &format!(
                    " though it breaks {} (not refused in these settings)",
                    violation.rule
                );
            }
            text += &match accepted.reply {
                ExpectedReply::Done => String::new(),
                ExpectedReply::Cancel { was_outstanding } => {
                    format!(", cancel returns was_outstanding = {was_outstanding}")
                }
                ExpectedReply::Status {
                    status,
                    information,
                } => format!(
                    ", status read returns status {}, information {}",
                    status.map_or("(any)".to_owned(), |s| s.to_string()),
                    information.map_or("(any)".to_owned(), |i| i.to_string())
                ),
            };
            match accepted.delivery {
                Some(delivery) => text + &format!("; invokes {delivery}"),
                None => text,
            }
        }
    };
    for warning in judgement.warnings.iter() {
        text += &format!(" (warning[{warning}])");
    }
    text
}

/// What the implementation did in a step: from the divergence, when the
/// step diverged, else from what the pair recorded. A refused call is not
/// recorded; when the pair agreed, it was refused for the model's rule.
fn did(
    observed: &[Observation],
    divergence: Option<&Divergence>,
    judgement: Option<&Judgement>,
) -> String {
    if let Some(divergence) = divergence {
        return diverged(&divergence.kind);
    }
    if observed.is_empty() {
        return match judgement.map(|j| &j.outcome) {
            Some(Err(violation)) => format!("refused: breaks {}", violation.rule),
            _ => "nothing".to_owned(),
        };
    }
    let parts: Vec<String> = observed
        .iter()
        .map(|observation| match observation {
            Observation::Step(_) => "accepted".to_owned(),
            Observation::Status { completion, .. } => {
                format!("accepted, status read returns {completion}")
            }
            Observation::Callback(delivery) => format!("invokes {delivery}"),
        })
        .collect();
    parts.join("; ")
}

fn diverged(kind: &DivergenceKind) -> String {
    match kind {
        DivergenceKind::Broke { actual, .. } if actual.is_empty() => {
            "accepted; invokes no callback".to_owned()
        }
        DivergenceKind::Broke { actual, .. } => {
            let invoked: Vec<String> = actual.iter().map(ToString::to_string).collect();
            format!("accepted; invokes {}", invoked.join("; invokes "))
        }
        DivergenceKind::AcceptedIllegal { .. } => "accepted".to_owned(),
        DivergenceKind::RefusedLegal { refusal } => refusal.to_string(),
        DivergenceKind::WrongRule { actual, .. } => actual.to_string(),
        DivergenceKind::WrongReply { actual, .. } => match actual {
            Reply::Done => "accepted".to_owned(),
            Reply::Cancel { was_outstanding } => {
                format!("accepted, cancel returns was_outstanding = {was_outstanding}")
            }
            Reply::Status(completion) => format!("accepted, status read returns {completion}"),
        },
        DivergenceKind::Panicked { message } => format!("panicked: {message}"),
        DivergenceKind::Invariant { message } => {
            format!("accepted, then its own invariant check failed: {message}")
        }
    }
}

/// The divergence's report without the step list, which the comparison
/// above has already shown.
fn write_divergence(
    divergence: &Divergence,
    steps: &[Step],
    out: &mut dyn Write,
) -> std::io::Result<()> {
    let text = divergence.report(steps).to_string();
    let text = if std::io::stdout().is_terminal() {
        text
    } else {
        without_colours(&text)
    };
    // The report opens with one line per step up to the divergent one.
    for line in text.lines().skip(divergence.step + 1) {
        writeln!(out, "{line}")?;
    }
    Ok(())
}

/// The verdict, whether it is what the file expects, and the exit status.
fn write_verdict(
    regression: &Regression,
    replayed: (Implementation, Settings),
    divergence: Option<Divergence>,
    out: &mut dyn Write,
) -> std::io::Result<Outcome> {
    let outcome = match &divergence {
        None => {
            writeln!(out, "verdict: conforms")?;
            Outcome::Conforms
        }
        Some(divergence) => {
            let rule = divergence
                .rule()
                .map_or(String::new(), |r| format!(" ({r})"));
            writeln!(out, "verdict: DIVERGES at step {}{rule}", divergence.step)?;
            Outcome::Violation
        }
    };
    let recorded = match (regression.expect, regression.rule) {
        (Expect::Conforms, _) => "conforms".to_owned(),
        (Expect::Diverges, None) => "diverges".to_owned(),
        (Expect::Diverges, Some(rule)) => format!("diverges ({rule})"),
    };
    if replayed != (regression.implementation, regression.settings) {
        writeln!(
            out,
            "expected: {recorded} in {}, {}: not compared, replayed elsewhere",
            regression.implementation.name(),
            regression.settings
        )?;
        return Ok(outcome);
    }
    let met = match (regression.expect, &divergence) {
        (Expect::Conforms, None) => true,
        (Expect::Diverges, Some(divergence)) => {
            regression.rule.is_none() || regression.rule == divergence.rule()
        }
        _ => false,
    };
    let met = if met {
        "as expected"
    } else {
        "NOT as expected"
    };
    writeln!(out, "expected: {recorded}: {met}")?;
    Ok(outcome)
}
