//! A [`Drawing`] as a Mermaid flowchart, top to bottom, that reads at
//! GitHub's README width (about 830 pixels): a box per stage, its edges
//! numbered (the legend under the diagram gives their steps: words on
//! fifteen edges crowd each other), dashed notes for broken calls. It uses
//! only `flowchart` syntax GitHub has long rendered: subgraphs and edges
//! from them, `-.->`, `~~~`, `&`, `classDef`, and `<br>` in quoted labels.

use super::drawing::{Drawing, Edge, End, Note, StageBox};
use super::names::{box_id, node, note_id, note_text, phase_label, prefix, start_id};
use crate::model::explore::Phase;

/// Tighter than Mermaid's defaults (50 and 50): the diagram's width is
/// mostly gaps; and wide enough a label that no note line wraps.
const INIT: &str =
    r#"%%{init: {"flowchart": {"nodeSpacing": 15, "rankSpacing": 30, "wrappingWidth": 400}}}%%"#;

/// `drawing` as a Mermaid flowchart.
pub fn mermaid(drawing: &Drawing) -> String {
    let prefix = prefix(drawing.origin);
    let mut text = format!("{INIT}\nflowchart TB\n");
    text.push_str("    classDef broken stroke-dasharray: 5 4\n");
    text.push_str(&format!(
        "    {}(( )) -->|{}| {}\n",
        start_id(prefix),
        drawing.introduced_by,
        node(prefix, drawing.start)
    ));
    for stage_box in &drawing.boxes {
        let id = box_id(prefix, stage_box.stage);
        text.push_str(&format!(
            "    subgraph {id} [\"{}\"]\n",
            stage_box.stage.name()
        ));
        for &phase in &stage_box.phases {
            let label = phase_label(phase).join("<br>");
            text.push_str(&format!("        {}(\"{label}\")\n", node(prefix, phase)));
        }
        if let Some(note) = note_on(drawing, End::Stage(stage_box.stage)) {
            let label = note_text(&note.lines).join("<br>");
            text.push_str(&format!(
                "        {}[\"{label}\"]:::broken\n",
                note_id(prefix, stage_box.stage)
            ));
        }
        text.push_str("    end\n");
    }
    // A dead phase's note is its own label: every call on it breaks a
    // rule, and a note beside it would widen the diagram for nothing.
    for &phase in &drawing.dead {
        let mut label: Vec<String> = phase_label(phase).iter().map(|s| s.to_string()).collect();
        let note = note_on(drawing, End::Phase(phase));
        if let Some(note) = note {
            label.extend(note_text(&note.lines));
        }
        let class = if note.is_some() { ":::broken" } else { "" };
        text.push_str(&format!(
            "    {}[\"{}\"]{class}\n",
            node(prefix, phase),
            label.join("<br>")
        ));
    }
    for (i, edge) in drawing.edges.iter().enumerate() {
        let from = match edge.from {
            End::Phase(phase) => node(prefix, phase),
            End::Stage(stage) => box_id(prefix, stage),
        };
        let arrow = if edge.let_through.is_some() {
            "-.->"
        } else {
            "-->"
        };
        text.push_str(&format!(
            "    {from} {arrow}|{}| {}\n",
            i + 1,
            node(prefix, edge.to)
        ));
    }
    text.push_str(&scaffold(drawing));
    text
}

/// The note drawn at `on`, if any.
pub fn note_on(drawing: &Drawing, on: End) -> Option<&Note> {
    drawing.notes.iter().find(|n| n.on == on)
}

/// Invisible links that rank each box's note below its phases and the
/// next box below that note: left to itself, the layout sets a note beside
/// the phases and the boxes side by side, far wider than the README. Only
/// a box's last phases lead to its note and only the next box's first
/// phases come from it; more links pull the phases into a staircase.
fn scaffold(drawing: &Drawing) -> String {
    let prefix = prefix(drawing.origin);
    let mut text = String::new();
    let mut above: Option<String> = None;
    for stage_box in &drawing.boxes {
        let names = |phases: Vec<Phase>| -> String {
            let names: Vec<String> = phases.iter().map(|&p| node(prefix, p)).collect();
            names.join(" & ")
        };
        if let Some(note) = above.take() {
            let first = names(ends(drawing, stage_box, |e| e.to));
            text.push_str(&format!("    {note} ~~~ {first}\n"));
        }
        if note_on(drawing, End::Stage(stage_box.stage)).is_some() {
            let note = note_id(prefix, stage_box.stage);
            let last = names(ends(drawing, stage_box, |e| match e.from {
                End::Phase(p) => p,
                End::Stage(_) => e.to,
            }));
            text.push_str(&format!("    {last} ~~~ {note}\n"));
            above = Some(note);
        }
    }
    text
}

/// The phases of `stage_box` no forward edge inside the box meets at
/// `end` (its head: the first phases; its tail: the last). An edge is
/// forward when it leads to a phase the exploration reached later.
fn ends(drawing: &Drawing, stage_box: &StageBox, end: impl Fn(&Edge) -> Phase) -> Vec<Phase> {
    let order = |p: Phase| stage_box.phases.iter().position(|&q| q == p);
    let forward: Vec<&Edge> = drawing
        .edges
        .iter()
        .filter(|e| match (e.from, order(e.to)) {
            (End::Phase(from), Some(to)) => order(from).is_some_and(|from| from < to),
            _ => false,
        })
        .collect();
    stage_box
        .phases
        .iter()
        .copied()
        .filter(|&p| !forward.iter().any(|&e| end(e) == p))
        .collect()
}
