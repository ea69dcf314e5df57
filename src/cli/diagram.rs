//! `wdfreq diagram`: the lifecycle of each origin (driver-created,
//! queue-presented) as a state diagram drawn from the table the model's
//! exploration derives ([`crate::model::explore`]); Mermaid
//! `stateDiagram-v2` by default, Graphviz DOT with `--dot`.
//!
//! Only accepted steps that change the phase are drawn: refused steps are
//! the rules (`wdfreq rules`), and steps that leave the phase as it was
//! (`status`, `cancel`, a second `format`) would put a loop on every state.

use clap::Args;

use super::settings::SettingsArgs;
use super::{Console, Outcome};
use crate::model::Origin;
use crate::model::explore::{Lifecycle, Phase, lifecycles};
use crate::vocab::Settings;

/// The arguments of `diagram`.
#[derive(Debug, Args)]
pub struct DiagramArgs {
    /// Print Graphviz DOT instead of Mermaid.
    #[arg(long)]
    pub dot: bool,
    /// The framework whose lifecycle to draw.
    #[command(flatten)]
    pub settings: SettingsArgs,
}

/// `wdfreq diagram`: prints the lifecycle diagram.
pub fn run(args: &DiagramArgs, console: &mut Console) -> std::io::Result<Outcome> {
    let settings = match args.settings.resolve() {
        Ok(settings) => settings,
        Err(error) => {
            console.error(error)?;
            return Ok(Outcome::BadInput);
        }
    };
    let text = if args.dot {
        dot(settings)
    } else {
        mermaid(settings)
    };
    console.out.write_all(text.as_bytes())?;
    Ok(Outcome::Conforms)
}

/// One drawn edge: from a phase to another (`None`: the end), with the
/// names of every step that makes it, in table order.
struct Edge {
    from: Phase,
    to: Option<Phase>,
    steps: Vec<&'static str>,
}

/// The edges of `lifecycle` and the phases it reaches, in table order; a
/// dead phase also gets an edge to the end.
fn edges(lifecycle: &Lifecycle) -> (Vec<Phase>, Vec<Edge>) {
    let mut phases = vec![lifecycle.start];
    let mut edges: Vec<Edge> = Vec::new();
    for t in &lifecycle.transitions {
        let Ok(to) = t.to else { continue };
        if to == t.from {
            continue;
        }
        if !phases.contains(&to) {
            phases.push(to);
        }
        match edges
            .iter_mut()
            .find(|e| e.from == t.from && e.to == Some(to))
        {
            Some(edge) => edge.steps.push(t.step),
            None => edges.push(Edge {
                from: t.from,
                to: Some(to),
                steps: vec![t.step],
            }),
        }
    }
    for &phase in phases.iter().filter(|p| p.is_dead()) {
        edges.push(Edge {
            from: phase,
            to: None,
            steps: Vec::new(),
        });
    }
    (phases, edges)
}

fn origin_name(origin: Origin) -> (&'static str, &'static str) {
    match origin {
        Origin::Created => ("created", "driver-created request"),
        Origin::Received { .. } => ("received", "queue-presented request"),
    }
}

/// A node name unique within the diagram: `created_owned_formatted`.
fn node(prefix: &str, phase: Phase) -> String {
    let mut id = format!("{prefix}_{}", phase.stage.name());
    for (set, _, name) in phase.marks() {
        if set {
            id.push('_');
            id.push_str(name);
        }
    }
    id
}

fn mermaid(settings: Settings) -> String {
    let mut text = String::from("stateDiagram-v2\n");
    for lifecycle in lifecycles(settings) {
        let (prefix, title) = origin_name(lifecycle.origin);
        let (phases, edges) = edges(&lifecycle);
        text.push_str(&format!("    state \"{title}\" as {prefix} {{\n"));
        for phase in &phases {
            text.push_str(&format!("        {} : {phase}\n", node(prefix, *phase)));
        }
        let start = node(prefix, lifecycle.start);
        text.push_str(&format!(
            "        [*] --> {start} : {}\n",
            lifecycle.introduced_by
        ));
        for edge in &edges {
            let from = node(prefix, edge.from);
            match edge.to {
                Some(to) => text.push_str(&format!(
                    "        {from} --> {} : {}\n",
                    node(prefix, to),
                    edge.steps.join(", ")
                )),
                None => text.push_str(&format!("        {from} --> [*]\n")),
            }
        }
        text.push_str("    }\n");
    }
    text
}

fn dot(settings: Settings) -> String {
    let mut text =
        String::from("digraph wdfreq {\n    rankdir=LR;\n    node [shape=box, style=rounded];\n");
    for lifecycle in lifecycles(settings) {
        let (prefix, title) = origin_name(lifecycle.origin);
        let (phases, edges) = edges(&lifecycle);
        text.push_str(&format!(
            "    subgraph cluster_{prefix} {{\n        label=\"{title}\";\n"
        ));
        text.push_str(&format!("        {prefix}_start [shape=point];\n"));
        text.push_str(&format!(
            "        {prefix}_end [shape=doublecircle, label=\"\", width=0.2];\n"
        ));
        for phase in &phases {
            text.push_str(&format!(
                "        {} [label=\"{phase}\"];\n",
                node(prefix, *phase)
            ));
        }
        text.push_str(&format!(
            "        {prefix}_start -> {} [label=\"{}\"];\n",
            node(prefix, lifecycle.start),
            lifecycle.introduced_by
        ));
        for edge in &edges {
            let from = node(prefix, edge.from);
            match edge.to {
                Some(to) => text.push_str(&format!(
                    "        {from} -> {} [label=\"{}\"];\n",
                    node(prefix, to),
                    edge.steps.join(", ")
                )),
                None => text.push_str(&format!("        {from} -> {prefix}_end;\n")),
            }
        }
        text.push_str("    }\n");
    }
    text.push_str("}\n");
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Two phases never share a node: a node name tells every mark of its
    /// phase.
    #[test]
    fn every_phase_has_a_node_of_its_own() {
        for settings in Settings::all() {
            for lifecycle in lifecycles(settings) {
                let mut nodes = std::collections::BTreeMap::new();
                for phase in lifecycle.transitions.iter().map(|t| t.from) {
                    let name = node("r", phase);
                    let known = nodes.entry(name.clone()).or_insert(phase);
                    assert_eq!(*known, phase, "{name} in {settings}");
                }
            }
        }
    }

    /// Every accepted step that changes the phase, in both origins, is an
    /// edge of both drawings.
    #[test]
    fn both_drawings_show_every_phase_changing_step_of_the_model() {
        for settings in Settings::all() {
            drawings_show_every_phase_changing_step_in(settings);
        }
    }

    fn drawings_show_every_phase_changing_step_in(settings: Settings) {
        let (mermaid, dot) = (mermaid(settings), dot(settings));
        for lifecycle in lifecycles(settings) {
            let (prefix, _) = origin_name(lifecycle.origin);
            for t in &lifecycle.transitions {
                let Ok(to) = t.to else { continue };
                if to == t.from {
                    continue;
                }
                let (from, to) = (node(prefix, t.from), node(prefix, to));
                let in_mermaid = mermaid.lines().any(|l| {
                    l.trim_start().starts_with(&format!("{from} --> {to} : ")) && l.contains(t.step)
                });
                let in_dot = dot.lines().any(|l| {
                    l.trim_start().starts_with(&format!("{from} -> {to} ")) && l.contains(t.step)
                });
                assert!(in_mermaid && in_dot, "{} {from} -> {to}", t.step);
            }
        }
    }

    #[test]
    fn drawings_are_balanced_and_start_with_their_header() {
        let (mermaid, dot) = (mermaid(Settings::default()), dot(Settings::default()));
        assert!(mermaid.starts_with("stateDiagram-v2\n"));
        assert!(dot.starts_with("digraph wdfreq {\n"));
        for text in [mermaid, dot] {
            assert_eq!(text.matches('{').count(), text.matches('}').count());
        }
    }
}
