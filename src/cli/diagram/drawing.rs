//! What a lifecycle diagram shows, before it is written as Mermaid or DOT:
//! the phases of one origin in a box per stage they live in, the steps the
//! framework accepts as edges, and every driver call it refuses, or has no
//! check for, in notes naming the rule each breaks. All of it is read from
//! the table the model's exploration derives ([`crate::model::explore`]).
//!
//! A step every phase of a box shares is drawn once, from the box, and the
//! broken calls of a box's phases are written in one note in the box, a
//! call broken in some of them only with those named: six outstanding
//! phases refuse the same calls, and six copies of that list would not fit
//! the README's width.

use crate::model::explore::{Broken, Lifecycle, Phase, tried_steps};
use crate::model::{Life, Origin};
use crate::vocab::{RequestId, RuleId, Step};

/// One origin's lifecycle as drawn.
#[derive(Debug)]
pub struct Drawing {
    /// Created by the driver, or presented by a queue.
    pub origin: Origin,
    /// The step that introduces the request (`create` or `receive`).
    pub introduced_by: &'static str,
    /// The phase it starts in.
    pub start: Phase,
    /// A box for each stage a living request is in (owned, outstanding),
    /// in the order the exploration first reaches them.
    pub boxes: Vec<StageBox>,
    /// The phases of a dead request, outside every box.
    pub dead: Vec<Phase>,
    /// The steps that change the phase, or break a rule the framework lets
    /// through.
    pub edges: Vec<Edge>,
    /// The driver calls that break a rule the framework refuses or has no
    /// check for.
    pub notes: Vec<Note>,
}

/// The phases of one stage, drawn in one box.
#[derive(Debug)]
pub struct StageBox {
    /// The stage every phase in the box is in.
    pub stage: Life,
    /// Its phases, in the order the exploration first reaches them.
    pub phases: Vec<Phase>,
}

/// Where an edge starts or a note is attached: one phase, or every phase
/// of a stage's box.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum End {
    /// One phase.
    Phase(Phase),
    /// Every phase of the box of this stage.
    Stage(Life),
}

/// Steps that lead from one place to one phase, drawn as one edge.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Edge {
    /// Where the steps are taken.
    pub from: End,
    /// The phase they lead to.
    pub to: Phase,
    /// Their names, in the table's order.
    pub steps: Vec<&'static str>,
    /// The driver rule they break that the framework lets through: a
    /// driver error all the same, drawn dashed.
    pub let_through: Option<RuleId>,
}

/// The driver calls the phases of one place break with a rule the
/// framework refuses or has no check for, drawn as one note.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Note {
    /// Where: inside the box of a stage, or in a dead phase's node.
    pub on: End,
    /// What is broken, refusals first, each in the table's order of its
    /// first call.
    pub lines: Vec<NoteLine>,
}

/// One rule a note names, the calls that break it, and where.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NoteLine {
    /// The rule, and whether the framework refuses its calls.
    pub broken: Broken,
    /// The calls, in table order; empty where every driver call breaks it.
    pub calls: Vec<&'static str>,
    /// The phases of the note's place where they break it; empty where
    /// every phase there does.
    pub only: Vec<Phase>,
}

/// The names of the driver calls the table tries, in its order. A target's
/// event (`target_complete`, `timed_out`) is not one: what a target may
/// not invent is the target's rule, not a call the driver can avoid.
pub fn driver_calls() -> Vec<&'static str> {
    tried_steps(RequestId(0))
        .into_iter()
        .filter(|(_, step)| matches!(step, Step::Call { .. }))
        .map(|(name, _)| name)
        .collect()
}

/// What `lifecycle` looks like drawn.
pub fn draw(lifecycle: &Lifecycle) -> Drawing {
    let (boxes, dead) = places(lifecycle);
    let edges = edges(lifecycle, &boxes);
    let notes = notes(lifecycle, &boxes, &dead);
    Drawing {
        origin: lifecycle.origin,
        introduced_by: lifecycle.introduced_by,
        start: lifecycle.start,
        boxes,
        dead,
        edges,
        notes,
    }
}

/// Every phase tried, in table order: the living ones boxed by stage, the
/// dead ones apart.
fn places(lifecycle: &Lifecycle) -> (Vec<StageBox>, Vec<Phase>) {
    let mut boxes: Vec<StageBox> = Vec::new();
    let mut dead = Vec::new();
    for t in &lifecycle.transitions {
        let phase = t.from;
        if phase.is_dead() {
            if !dead.contains(&phase) {
                dead.push(phase);
            }
            continue;
        }
        match boxes.iter_mut().find(|b| b.stage == phase.stage) {
            Some(b) if !b.phases.contains(&phase) => b.phases.push(phase),
            Some(_) => {}
            None => boxes.push(StageBox {
                stage: phase.stage,
                phases: vec![phase],
            }),
        }
    }
    (boxes, dead)
}

/// The edges of each phase, merged by where they lead and what they let
/// through, then those every phase of a box has drawn once from the box.
fn edges(lifecycle: &Lifecycle, boxes: &[StageBox]) -> Vec<Edge> {
    let mut edges: Vec<Edge> = Vec::new();
    for t in &lifecycle.transitions {
        let Ok(to) = t.to else { continue };
        // A step that keeps the phase and breaks nothing would put a loop
        // on every phase (status, cancel, a second format).
        if to == t.from && t.let_through.is_none() {
            continue;
        }
        let from = End::Phase(t.from);
        match edges
            .iter_mut()
            .find(|e| e.from == from && e.to == to && e.let_through == t.let_through)
        {
            Some(edge) => edge.steps.push(t.step),
            None => edges.push(Edge {
                from,
                to,
                steps: vec![t.step],
                let_through: t.let_through,
            }),
        }
    }
    for stage_box in boxes.iter().filter(|b| b.phases.len() > 1) {
        edges = shared(&edges, stage_box);
    }
    edges
}

/// `edges` with those every phase of `stage_box` has replaced by one from
/// the box, where the first of them was.
fn shared(edges: &[Edge], stage_box: &StageBox) -> Vec<Edge> {
    let from_each = |edge: &Edge| {
        stage_box.phases.iter().all(|&phase| {
            edges.contains(&Edge {
                from: End::Phase(phase),
                ..edge.clone()
            })
        })
    };
    let mut out: Vec<Edge> = Vec::new();
    for edge in edges {
        let in_box = matches!(edge.from, End::Phase(p) if p.stage == stage_box.stage);
        if in_box && from_each(edge) {
            let moved = Edge {
                from: End::Stage(stage_box.stage),
                ..edge.clone()
            };
            if !out.contains(&moved) {
                out.push(moved);
            }
        } else {
            out.push(edge.clone());
        }
    }
    out
}

/// What `phase` breaks with each driver call the framework does not let
/// through, in table order.
fn broken_calls(lifecycle: &Lifecycle, phase: Phase) -> Vec<(Broken, &'static str)> {
    let calls = driver_calls();
    lifecycle
        .transitions
        .iter()
        .filter(|t| t.from == phase && calls.contains(&t.step))
        .filter_map(|t| t.to.err().map(|broken| (broken, t.step)))
        .collect()
}

/// A note in each box, and one in each dead phase, for what is broken
/// there.
fn notes(lifecycle: &Lifecycle, boxes: &[StageBox], dead: &[Phase]) -> Vec<Note> {
    let places = boxes
        .iter()
        .map(|b| (End::Stage(b.stage), b.phases.clone()))
        .chain(dead.iter().map(|&p| (End::Phase(p), vec![p])));
    let mut notes = Vec::new();
    for (on, phases) in places {
        let broken: Vec<(Phase, Broken, &'static str)> = phases
            .iter()
            .flat_map(|&p| {
                broken_calls(lifecycle, p)
                    .into_iter()
                    .map(move |(b, call)| (p, b, call))
            })
            .collect();
        let lines = lines(&broken, &phases);
        if !lines.is_empty() {
            notes.push(Note { on, lines });
        }
    }
    notes
}

/// `broken` as note lines: calls that break one rule in the same phases
/// share a line; refusals come first.
fn lines(broken: &[(Phase, Broken, &'static str)], phases: &[Phase]) -> Vec<NoteLine> {
    let mut lines: Vec<NoteLine> = Vec::new();
    for &(_, rule, call) in broken {
        let mut only: Vec<Phase> = broken
            .iter()
            .filter(|&&(_, r, c)| r == rule && c == call)
            .map(|&(p, _, _)| p)
            .collect();
        if only == phases {
            only.clear();
        }
        match lines
            .iter_mut()
            .find(|l| l.broken == rule && l.only == only)
        {
            Some(line) if !line.calls.contains(&call) => line.calls.push(call),
            Some(_) => {}
            None => lines.push(NoteLine {
                broken: rule,
                calls: vec![call],
                only,
            }),
        }
    }
    lines.sort_by_key(|l| matches!(l.broken, Broken::Undefined(_)));
    let every = driver_calls();
    for line in &mut lines {
        if line.calls == every {
            line.calls.clear();
        }
    }
    lines
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::explore::{Transition, lifecycles};
    use crate::vocab::Settings;

    /// Every lifecycle of every setting with its drawing.
    fn all() -> Vec<(Settings, Lifecycle, Drawing)> {
        let mut all = Vec::new();
        for settings in Settings::all() {
            for lifecycle in lifecycles(settings) {
                let drawing = draw(&lifecycle);
                all.push((settings, lifecycle, drawing));
            }
        }
        all
    }

    /// The phases an edge or note at `at` stands for.
    fn phases_at(drawing: &Drawing, at: End) -> Vec<Phase> {
        match at {
            End::Phase(phase) => vec![phase],
            End::Stage(stage) => drawing
                .boxes
                .iter()
                .filter(|b| b.stage == stage)
                .flat_map(|b| b.phases.clone())
                .collect(),
        }
    }

    fn transition<'a>(lifecycle: &'a Lifecycle, from: Phase, step: &str) -> &'a Transition {
        let found = lifecycle
            .transitions
            .iter()
            .find(|t| t.from == from && t.step == step);
        found.unwrap_or_else(|| panic!("{step} in {from} is tried"))
    }

    /// Every step that changes the phase, or that the framework lets
    /// through though it breaks a rule, is on an edge from its phase or
    /// its phase's box.
    #[test]
    fn every_step_that_changes_the_phase_or_breaks_a_rule_is_an_edge() {
        for (settings, lifecycle, drawing) in all() {
            for t in &lifecycle.transitions {
                let Ok(to) = t.to else { continue };
                if to == t.from && t.let_through.is_none() {
                    continue;
                }
                let drawn = drawing.edges.iter().any(|e| {
                    e.to == to
                        && e.let_through == t.let_through
                        && e.steps.contains(&t.step)
                        && phases_at(&drawing, e.from).contains(&t.from)
                });
                assert!(drawn, "{} in {}, {settings}", t.step, t.from);
            }
        }
    }

    /// No edge says more than the model: every phase it starts from takes
    /// each of its steps to where it leads, breaking what it says. An edge
    /// drawn from a box holds for every phase in it.
    #[test]
    fn every_edge_is_the_models() {
        for (settings, lifecycle, drawing) in all() {
            for edge in &drawing.edges {
                for from in phases_at(&drawing, edge.from) {
                    for step in &edge.steps {
                        let t = transition(&lifecycle, from, step);
                        assert_eq!(
                            (t.to, t.let_through),
                            (Ok(edge.to), edge.let_through),
                            "{step} in {from}, {settings}"
                        );
                    }
                }
            }
        }
    }

    /// The note of a phase's place: its box's, or a dead phase's own.
    fn note_of(drawing: &Drawing, phase: Phase) -> Option<&Note> {
        let on = if phase.is_dead() {
            End::Phase(phase)
        } else {
            End::Stage(phase.stage)
        };
        drawing.notes.iter().find(|n| n.on == on)
    }

    /// Every driver call the model refuses, or leaves undefined, in a
    /// phase is in the note of that phase's place, under the rule it
    /// breaks.
    #[test]
    fn every_broken_call_is_in_a_note_under_its_rule() {
        let calls = driver_calls();
        let mut checked = 0;
        for (settings, lifecycle, drawing) in all() {
            for t in lifecycle
                .transitions
                .iter()
                .filter(|t| calls.contains(&t.step))
            {
                let Err(broken) = t.to else { continue };
                let note = note_of(&drawing, t.from);
                let written = note.is_some_and(|note| {
                    note.lines.iter().any(|l| {
                        l.broken == broken
                            && (l.calls.is_empty() || l.calls.contains(&t.step))
                            && (l.only.is_empty() || l.only.contains(&t.from))
                    })
                });
                assert!(written, "{} in {}, {settings}: {broken:?}", t.step, t.from);
                checked += 1;
            }
        }
        assert!(checked > 0);
    }

    /// No note says more than the model: each call it lists breaks the
    /// rule it is under in every phase the line holds for.
    #[test]
    fn every_note_line_is_the_models() {
        for (settings, lifecycle, drawing) in all() {
            for note in &drawing.notes {
                for line in &note.lines {
                    let phases = match line.only.as_slice() {
                        [] => phases_at(&drawing, note.on),
                        only => only.to_vec(),
                    };
                    let calls = match line.calls.as_slice() {
                        [] => driver_calls(),
                        calls => calls.to_vec(),
                    };
                    for &from in &phases {
                        for step in &calls {
                            let t = transition(&lifecycle, from, step);
                            assert_eq!(t.to, Err(line.broken), "{step} in {from}, {settings}");
                        }
                    }
                }
            }
        }
    }

    /// What the README shows of the outstanding phases: a second send is
    /// refused, a Reuse is undefined, in a note every outstanding phase
    /// shares.
    #[test]
    fn the_outstanding_box_lists_the_refused_reuse_and_resend() {
        for lifecycle in lifecycles(Settings::default()) {
            let drawing = draw(&lifecycle);
            let note = drawing
                .notes
                .iter()
                .find(|n| n.on == End::Stage(Life::Outstanding))
                .expect("a note in the outstanding box");
            let shared = |broken: Broken, call: &str| {
                note.lines
                    .iter()
                    .any(|l| l.broken == broken && l.calls.contains(&call) && l.only.is_empty())
            };
            assert!(shared(
                Broken::Undefined(RuleId::ReuseWhilePending),
                "reuse"
            ));
            assert!(shared(Broken::Refused(RuleId::SendWhilePending), "send"));
        }
    }
}
