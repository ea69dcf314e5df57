//! The identifiers and text both writers give a drawing's parts: a phase's
//! node name tells every mark of its phase, so no two phases share a node,
//! and every label is lines short enough for the README's width.

use super::drawing::{Edge, NoteLine};
use crate::model::explore::{Broken, Phase};
use crate::model::{Life, Origin};

/// The prefix of every identifier of an origin's drawing.
pub fn prefix(origin: Origin) -> &'static str {
    match origin {
        Origin::Created => "created",
        Origin::Received { .. } => "received",
    }
}

/// The origin in words.
pub fn title(origin: Origin) -> &'static str {
    match origin {
        Origin::Created => "driver-created request",
        Origin::Received { .. } => "queue-presented request",
    }
}

/// A node name unique within the drawing: `created_owned_formatted`.
pub fn node(prefix: &str, phase: Phase) -> String {
    let mut id = format!("{prefix}_{}", phase.stage.name());
    for (set, _, name) in phase.marks() {
        if set {
            id.push('_');
            id.push_str(name);
        }
    }
    id
}

/// The box of a stage: `created_box_owned` (no mark is named `box`).
pub fn box_id(prefix: &str, stage: Life) -> String {
    format!("{prefix}_box_{}", stage.name())
}

/// The note in the box of a stage: `created_box_owned_note`.
pub fn note_id(prefix: &str, stage: Life) -> String {
    format!("{}_note", box_id(prefix, stage))
}

/// The point a request enters at.
pub fn start_id(prefix: &str) -> String {
    format!("{prefix}_start")
}

/// A phase's lines: what it carries, one mark a line (its box names the
/// stage), or the stage where it carries nothing.
pub fn phase_label(phase: Phase) -> Vec<&'static str> {
    let marks: Vec<&'static str> = phase
        .marks()
        .into_iter()
        .filter_map(|(set, words, _)| set.then_some(words))
        .collect();
    if marks.is_empty() {
        vec![phase.stage.name()]
    } else {
        marks
    }
}

/// A phase in a line of text inside its box: its marks joined by ` + `,
/// or its stage where it carries none.
pub fn phase_in_box(phase: Phase) -> String {
    phase_label(phase).join(" + ")
}

/// An edge's steps in words, and the rule they break that the framework
/// lets through.
pub fn edge_words(edge: &Edge) -> String {
    let steps: Vec<String> = edge.steps.iter().map(|s| format!("`{s}`")).collect();
    let steps = steps.join(", ");
    match edge.let_through {
        Some(rule) => format!("{steps}, breaking `{rule}` (let through)"),
        None => steps,
    }
}

/// Longer, a rule and its calls go on two lines: the note stays narrow
/// enough to sit beside the phases at the README's width.
const NOTE_LINE_CHARS_MAX: usize = 30;

/// A note's lines: `refused:` and `undefined:`, each followed by its rules
/// with their calls, and under a rule that holds in some of the place's
/// phases only, which.
pub fn note_text(lines: &[NoteLine]) -> Vec<String> {
    let mut text = Vec::new();
    let mut heading = None;
    for line in lines {
        let this = match line.broken {
            Broken::Refused(_) => "refused:",
            Broken::Undefined(_) => "undefined:",
        };
        if heading != Some(this) {
            text.push(this.to_string());
            heading = Some(this);
        }
        let rule = line.broken.rule().to_string();
        let calls = if line.calls.is_empty() {
            "(every call)".to_string()
        } else {
            format!("({})", line.calls.join(", "))
        };
        if rule.len() + 1 + calls.len() > NOTE_LINE_CHARS_MAX {
            text.push(rule);
            text.push(calls);
        } else {
            text.push(format!("{rule} {calls}"));
        }
        if !line.only.is_empty() {
            let only: Vec<String> = line.only.iter().map(|&p| phase_in_box(p)).collect();
            text.push(format!("in {}", only.join(", ")));
        }
    }
    text
}
