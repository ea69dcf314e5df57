//! The [`Drawing`]s of both origins as one Graphviz DOT graph, top to
//! bottom, one under the other: the same boxes, notes and edges as the
//! Mermaid diagrams, with the steps written on the edges (Graphviz keeps
//! its labels apart) and dashed edges for steps the framework lets
//! through.

use super::drawing::{Drawing, End};
use super::mermaid::note_on;
use super::names::{
    box_id, edge_words, node, note_id, note_text, phase_label, prefix, start_id, title,
};

/// `drawings` as one DOT graph.
pub fn dot(drawings: &[Drawing]) -> String {
    let mut text = String::from(
        "digraph wdfreq {\n    rankdir=TB;\n    compound=true;\n    node [shape=box, style=rounded];\n",
    );
    let mut last: Vec<String> = Vec::new();
    for drawing in drawings {
        let prefix = prefix(drawing.origin);
        // Graphviz sets unlinked clusters side by side: these invisible
        // edges put each origin under the one before.
        for above in &last {
            text.push_str(&format!(
                "    {above} -> {} [style=invis];\n",
                start_id(prefix)
            ));
        }
        text.push_str(&cluster(drawing));
        last = drawing.dead.iter().map(|&p| node(prefix, p)).collect();
        if let Some(stage_box) = drawing.boxes.last() {
            last.extend(stage_box.phases.iter().map(|&p| node(prefix, p)));
        }
    }
    text.push_str("}\n");
    text
}

/// One origin's drawing as a cluster.
fn cluster(drawing: &Drawing) -> String {
    let prefix = prefix(drawing.origin);
    let start = start_id(prefix);
    let mut text = format!(
        "    subgraph cluster_{prefix} {{\n        label=\"{}\";\n        {start} [shape=point];\n",
        title(drawing.origin)
    );
    for stage_box in &drawing.boxes {
        let id = box_id(prefix, stage_box.stage);
        text.push_str(&format!(
            "        subgraph cluster_{id} {{\n            label=\"{}\";\n",
            stage_box.stage.name()
        ));
        for &phase in &stage_box.phases {
            text.push_str(&format!(
                "            {} [label=\"{}\"];\n",
                node(prefix, phase),
                phase_label(phase).join("\\n")
            ));
        }
        if let Some(note) = note_on(drawing, End::Stage(stage_box.stage)) {
            text.push_str(&format!(
                "            {} [shape=note, style=dashed, label=\"{}\"];\n",
                note_id(prefix, stage_box.stage),
                note_text(&note.lines).join("\\n")
            ));
        }
        text.push_str("        }\n");
    }
    for &phase in &drawing.dead {
        let mut label: Vec<String> = phase_label(phase).iter().map(|s| s.to_string()).collect();
        if let Some(note) = note_on(drawing, End::Phase(phase)) {
            label.extend(note_text(&note.lines));
        }
        text.push_str(&format!(
            "        {} [style=\"rounded,dashed\", label=\"{}\"];\n",
            node(prefix, phase),
            label.join("\\n")
        ));
    }
    text.push_str(&format!(
        "        {start} -> {} [label=\"{}\"];\n",
        node(prefix, drawing.start),
        drawing.introduced_by
    ));
    for edge in &drawing.edges {
        let (from, tail) = match edge.from {
            End::Phase(phase) => (node(prefix, phase), String::new()),
            End::Stage(stage) => {
                let first = drawing.boxes.iter().find(|b| b.stage == stage);
                let first = first.map_or(drawing.start, |b| b.phases[0]);
                (
                    node(prefix, first),
                    format!(", ltail=cluster_{}", box_id(prefix, stage)),
                )
            }
        };
        let style = if edge.let_through.is_some() {
            ", style=dashed"
        } else {
            ""
        };
        text.push_str(&format!(
            "        {from} -> {} [label=\"{}\"{tail}{style}];\n",
            node(prefix, edge.to),
            edge_words(edge).replace('`', "")
        ));
    }
    text.push_str("    }\n");
    text
}
