//! `wdfreq diagram`: the lifecycle of each origin (driver-created,
//! queue-presented), one diagram after the other, drawn from the table the
//! model's exploration derives ([`crate::model::explore`]): Markdown with a
//! Mermaid flowchart for each by default (what the README embeds),
//! Graphviz DOT with `--dot`.
//!
//! Solid edges are the steps the framework accepts that change the phase;
//! dashed notes name, for the phases of their box or the phases linked to
//! them, each driver call the framework refuses or has no check for and
//! the rule it breaks; a dashed edge is a step the framework lets through
//! though it breaks the rule it names. Steps that keep the phase and
//! break nothing (`status`, `cancel`, a second `format`) would put a loop
//! on every phase and are left out.

mod dot;
mod drawing;
mod mermaid;
mod names;

use clap::Args;

use super::settings::SettingsArgs;
use super::{Console, Outcome};
use crate::model::explore::lifecycles;
use crate::vocab::Settings;
use drawing::{Drawing, End, draw};

/// The arguments of `diagram`.
#[derive(Debug, Args)]
pub struct DiagramArgs {
    /// Print Graphviz DOT instead of Markdown with Mermaid.
    #[arg(long)]
    pub dot: bool,
    /// The framework whose lifecycle to draw.
    #[command(flatten)]
    pub settings: SettingsArgs,
}

/// `wdfreq diagram`: prints the lifecycle diagrams.
pub fn run(args: &DiagramArgs, console: &mut Console) -> std::io::Result<Outcome> {
    let settings = match args.settings.resolve() {
        Ok(settings) => settings,
        Err(error) => {
            console.error(error)?;
            return Ok(Outcome::BadInput);
        }
    };
    let text = if args.dot {
        dot::dot(&drawings(settings))
    } else {
        markdown(&drawings(settings))
    };
    console.out.write_all(text.as_bytes())?;
    Ok(Outcome::Conforms)
}

/// The drawing of each origin's lifecycle in `settings`: driver-created,
/// then queue-presented.
fn drawings(settings: Settings) -> Vec<Drawing> {
    lifecycles(settings).iter().map(draw).collect()
}

/// How to read the diagrams, under them.
const KEY: &str = "Each diagram is derived from the model (`wdfreq diagram` prints \
this section). A solid arrow is a step the framework accepts that changes \
the phase; from a box's edge, every phase in the box takes it. A dashed \
box lists each driver call that breaks a rule in the phases of the box it \
sits in (in those named under the rule only, where it says `in`), with the \
rule: under `refused:` the framework refuses the call and the request \
stays as it was; under `undefined:` the framework has no check and what \
follows is undefined. A dashed arrow is a step the framework lets through \
though it breaks the rule named in the legend. Steps that keep the phase \
and break nothing (`status`, `cancel`) are not drawn, nor what a target \
may not do.\n";

/// Each drawing as a Mermaid block under its title with its legend, then
/// the key.
fn markdown(drawings: &[Drawing]) -> String {
    let mut text = String::new();
    for drawing in drawings {
        text.push_str(&format!(
            "**The {}** (`{}`):\n\n```mermaid\n{}```\n\n{}\n",
            names::title(drawing.origin),
            drawing.introduced_by,
            mermaid::mermaid(drawing),
            legend(drawing)
        ));
    }
    text.push_str(KEY);
    text
}

/// The table of a drawing's numbered edges: where from, which steps, where
/// to.
fn legend(drawing: &Drawing) -> String {
    let mut text = String::from("| edge | from | steps | to |\n|---|---|---|---|\n");
    for (i, edge) in drawing.edges.iter().enumerate() {
        let from = match edge.from {
            End::Phase(phase) => phase.to_string(),
            End::Stage(stage) => format!("any {} phase", stage.name()),
        };
        text.push_str(&format!(
            "| {} | {from} | {} | {} |\n",
            i + 1,
            names::edge_words(edge),
            edge.to
        ));
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::explore::{Broken, Lifecycle, Phase};
    use drawing::driver_calls;
    use names::{box_id, node, note_id, phase_in_box, prefix};

    /// One setting's lifecycles, their drawings, the Mermaid of each and
    /// the DOT of both.
    struct Case {
        settings: Settings,
        lifecycles: [Lifecycle; 2],
        drawings: Vec<Drawing>,
        mermaids: Vec<String>,
        dot: String,
    }

    fn all() -> Vec<Case> {
        Settings::all()
            .into_iter()
            .map(|settings| {
                let lifecycles = lifecycles(settings);
                let drawings: Vec<Drawing> = lifecycles.iter().map(draw).collect();
                let mermaids = drawings.iter().map(mermaid::mermaid).collect();
                let dot = dot::dot(&drawings);
                Case {
                    settings,
                    lifecycles,
                    drawings,
                    mermaids,
                    dot,
                }
            })
            .collect()
    }

    /// The lines of the label of node `id` in Mermaid or DOT `text`.
    fn label(text: &str, id: &str) -> Option<Vec<String>> {
        let line = text.lines().map(str::trim_start).find(|l| {
            l.strip_prefix(id)
                .is_some_and(|rest| rest.starts_with('[') || rest.starts_with(" ["))
        })?;
        let (start, end) = (line.find('"')? + 1, line.rfind('"')?);
        let lines = line[start..end].split("<br>").flat_map(|l| l.split("\\n"));
        Some(lines.map(String::from).collect())
    }

    /// One rule in a note's text: under which heading, its calls and the
    /// phases it is limited to, as written.
    #[derive(Debug, Default)]
    struct Written {
        refused: bool,
        rule: String,
        calls: String,
        only: Option<String>,
    }

    /// The rules a note's lines name; lines before the first heading (a
    /// dead phase's name) are none.
    fn written(lines: &[String]) -> Vec<Written> {
        let mut heading = None;
        let mut rules: Vec<Written> = Vec::new();
        for line in lines {
            match (line.as_str(), rules.last_mut()) {
                ("refused:", _) => heading = Some(true),
                ("undefined:", _) => heading = Some(false),
                (calls, Some(last)) if calls.starts_with('(') => last.calls = calls.to_string(),
                (only, Some(last)) if only.starts_with("in ") => {
                    last.only = Some(only["in ".len()..].to_string())
                }
                (rule, _) => {
                    let Some(refused) = heading else { continue };
                    let (rule, calls) = rule.split_once(' ').unwrap_or((rule, ""));
                    rules.push(Written {
                        refused,
                        rule: rule.to_string(),
                        calls: calls.to_string(),
                        only: None,
                    });
                }
            }
        }
        rules
    }

    /// Whether `written` says that `call` breaks `broken` in `phase`.
    fn says(written: &Written, broken: Broken, call: &str, phase: Phase) -> bool {
        let calls = written.calls.trim_start_matches('(').trim_end_matches(')');
        written.refused == matches!(broken, Broken::Refused(_))
            && written.rule == broken.rule().to_string()
            && (calls == "every call" || calls.split(", ").any(|c| c == call))
            && written
                .only
                .as_ref()
                .is_none_or(|only| only.split(", ").any(|p| p == phase_in_box(phase)))
    }

    /// Mermaid `text` draws `id` inside the box of `stage`.
    fn in_box(text: &str, stage_box: &str, id: &str) -> bool {
        let open = format!("    subgraph {stage_box} ");
        let Some(start) = text.find(&open) else {
            return false;
        };
        let end = text[start..]
            .find("\n    end\n")
            .map_or(text.len(), |e| start + e);
        text[start..end].contains(&format!("\n        {id}["))
    }

    /// Every driver call the model refuses, or leaves undefined, in a
    /// phase is written in both diagrams, Mermaid and DOT, with the rule it
    /// breaks: in the note of the phase's box (which a Mermaid diagram
    /// draws inside the box), or in a dead phase's own node, and, where
    /// the rule holds in some phases of the box only, with the phase named.
    #[test]
    fn every_refused_call_is_in_the_diagram_with_its_rule() {
        let calls = driver_calls();
        for Case {
            settings,
            lifecycles,
            mermaids,
            dot,
            ..
        } in all()
        {
            for (lifecycle, mermaid) in lifecycles.iter().zip(&mermaids) {
                let prefix = prefix(lifecycle.origin);
                for t in lifecycle
                    .transitions
                    .iter()
                    .filter(|t| calls.contains(&t.step))
                {
                    let Err(broken) = t.to else { continue };
                    let id = match t.from.is_dead() {
                        true => node(prefix, t.from),
                        false => note_id(prefix, t.from.stage),
                    };
                    let at = format!("{} in {}, {settings}: {broken:?}", t.step, t.from);
                    for text in [mermaid, &dot] {
                        let lines = label(text, &id).unwrap_or_else(|| panic!("{id}: {at}"));
                        let rules = written(&lines);
                        assert!(
                            rules.iter().any(|w| says(w, broken, t.step, t.from)),
                            "{at}"
                        );
                    }
                    if !t.from.is_dead() {
                        assert!(in_box(mermaid, &box_id(prefix, t.from.stage), &id), "{at}");
                    }
                }
            }
        }
    }

    /// No note in either diagram says more than the model: every call it
    /// lists breaks the rule it is under, as refused or undefined, in every
    /// phase of its place the line holds for.
    #[test]
    fn no_note_in_the_diagram_says_more_than_the_model() {
        let calls = driver_calls();
        for Case {
            settings,
            lifecycles,
            drawings,
            mermaids,
            dot,
        } in all()
        {
            for ((lifecycle, drawing), mermaid) in lifecycles.iter().zip(&drawings).zip(&mermaids) {
                let prefix = prefix(lifecycle.origin);
                let boxes = drawing
                    .boxes
                    .iter()
                    .map(|b| (note_id(prefix, b.stage), b.phases.clone()));
                let dead = drawing.dead.iter().map(|&p| (node(prefix, p), vec![p]));
                for (id, phases) in boxes.chain(dead) {
                    for text in [mermaid, &dot] {
                        let Some(lines) = label(text, &id) else {
                            continue;
                        };
                        for w in written(&lines) {
                            let listed = w.calls.trim_start_matches('(').trim_end_matches(')');
                            let listed: Vec<&str> = match listed {
                                "every call" => calls.clone(),
                                listed => listed.split(", ").collect(),
                            };
                            let held = phases.iter().filter(|&&phase| {
                                w.only.as_ref().is_none_or(|only| {
                                    only.split(", ").any(|p| p == phase_in_box(phase))
                                })
                            });
                            for &phase in held {
                                for &call in &listed {
                                    let t = lifecycle
                                        .transitions
                                        .iter()
                                        .find(|t| t.from == phase && t.step == call);
                                    let broken = t.and_then(|t| t.to.err());
                                    let at =
                                        format!("{id}: {} {call} in {phase}, {settings}", w.rule);
                                    assert!(
                                        broken.is_some_and(|b| says(&w, b, call, phase)),
                                        "{at}"
                                    );
                                }
                            }
                        }
                    }
                }
            }
        }
    }

    /// Every step the model accepts that changes the phase or breaks a rule
    /// it lets through is an edge of both diagrams, from its phase or its
    /// phase's box, solid or (let through) dashed: a numbered Mermaid edge
    /// whose legend row names the step, and a DOT edge labelled with it.
    #[test]
    fn both_diagrams_show_every_drawn_step_of_the_model() {
        for Case {
            settings,
            lifecycles,
            drawings,
            mermaids,
            dot,
        } in all()
        {
            for ((lifecycle, drawing), mermaid) in lifecycles.iter().zip(&drawings).zip(&mermaids) {
                let prefix = prefix(lifecycle.origin);
                let legend = legend(drawing);
                for t in &lifecycle.transitions {
                    let Ok(to) = t.to else { continue };
                    if to == t.from && t.let_through.is_none() {
                        continue;
                    }
                    let to = node(prefix, to);
                    let froms = [node(prefix, t.from), box_id(prefix, t.from.stage)];
                    let arrow = if t.let_through.is_some() {
                        "-.->"
                    } else {
                        "-->"
                    };
                    let step = format!("`{}`", t.step);
                    let rule = t.let_through.map(|r| format!("`{r}`")).unwrap_or_default();
                    let in_mermaid = mermaid.lines().map(str::trim_start).any(|l| {
                        froms.iter().any(|from| {
                            let Some(rest) = l.strip_prefix(&format!("{from} {arrow}|")) else {
                                return false;
                            };
                            let Some((n, head)) = rest.split_once("| ") else {
                                return false;
                            };
                            head == to
                                && legend.lines().any(|row| {
                                    row.starts_with(&format!("| {n} |"))
                                        && row.contains(&step)
                                        && row.contains(&rule)
                                })
                        })
                    });
                    let box_tail = format!("ltail=cluster_{}", froms[1]);
                    let in_dot = dot.lines().map(str::trim_start).any(|l| {
                        l.contains(&format!(" -> {to} [label=\""))
                            && l.contains(t.step)
                            && (l.starts_with(&format!("{} -> ", froms[0]))
                                || l.contains(&box_tail))
                            && l.contains("style=dashed") == t.let_through.is_some()
                    });
                    assert!(in_mermaid && in_dot, "{} in {}, {settings}", t.step, t.from);
                }
            }
        }
    }

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

    #[test]
    fn output_is_two_mermaid_blocks_or_one_balanced_dot_graph() {
        let drawings = drawings(Settings::default());
        let markdown = markdown(&drawings);
        assert_eq!(markdown.matches("```mermaid\n").count(), 2);
        assert_eq!(markdown.matches("\nflowchart TB\n").count(), 2);
        let dot = dot::dot(&drawings);
        assert!(dot.starts_with("digraph wdfreq {\n"));
        assert_eq!(dot.matches('{').count(), dot.matches('}').count());
        for text in drawings.iter().map(mermaid::mermaid) {
            assert_eq!(
                text.matches("subgraph ").count(),
                text.matches("\n    end\n").count()
            );
        }
    }
}
