//! The lifecycle of one request as a finite table, derived by exploring the
//! model: every phase a request of one origin can reach, every kind of step
//! tried in it, and what [`Model::step`] answers. Nothing here restates a
//! rule; the `diagram` command draws this table.

use std::collections::{BTreeSet, VecDeque};
use std::fmt;

use super::{Life, Model, Origin, Request};
use crate::vocab::{
    CallbackId, Completion, ContextId, FormatKind, Op, QueueId, RequestId, ReuseFlags, RuleId,
    SendMode, Settings, Status, Step, TargetCompletion, TargetId,
};

/// Who holds a request, as a diagram tells it apart.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Stage {
    Owned,
    Outstanding,
    Completed,
    Deleted,
    Forgotten,
}

/// What a lifecycle diagram tells apart about one request: its stage and,
/// while it lives, whether it is formatted and has a callback registered.
///
/// Everything else the model keeps (status, the registration a Reuse
/// dropped, whether it was sent since the last Reuse) decides no step's
/// legality, only warnings and the values delivered; a test below checks
/// that no two requests of one phase are judged differently.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Phase {
    pub stage: Stage,
    pub formatted: bool,
    pub registered: bool,
}

impl Phase {
    /// The phase of `request`.
    pub fn of(request: &Request) -> Phase {
        let stage = match request.life {
            Life::Owned => Stage::Owned,
            Life::Outstanding { .. } => Stage::Outstanding,
            Life::Completed => Stage::Completed,
            Life::Deleted => Stage::Deleted,
            Life::Forgotten => Stage::Forgotten,
        };
        // A dead request is never touched again: what it carried no longer
        // tells anything apart.
        let live = !request.is_dead();
        Phase {
            stage,
            formatted: live && request.formatted.is_some(),
            registered: live && request.registration.is_some(),
        }
    }

    /// Whether the request is gone (completed, deleted or forgotten).
    pub fn is_dead(self) -> bool {
        matches!(
            self.stage,
            Stage::Completed | Stage::Deleted | Stage::Forgotten
        )
    }
}

impl fmt::Display for Phase {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self.stage {
            Stage::Owned => "owned",
            Stage::Outstanding => "outstanding",
            Stage::Completed => "completed",
            Stage::Deleted => "deleted",
            Stage::Forgotten => "forgotten",
        })?;
        if self.formatted {
            f.write_str(", formatted")?;
        }
        if self.registered {
            f.write_str(", callback set")?;
        }
        Ok(())
    }
}

/// One kind of step tried in one phase.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Transition {
    pub from: Phase,
    /// The step's name in the trace format (`format`, `target_complete`).
    pub step: &'static str,
    /// The phase the step leads to, or the rule that refuses it.
    pub to: Result<Phase, RuleId>,
}

/// The lifecycle of a request of one origin.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Lifecycle {
    pub origin: Origin,
    /// The step that introduces the request (`create` or `receive`).
    pub introduced_by: &'static str,
    /// The phase it starts in.
    pub start: Phase,
    /// Every kind of step in every reachable phase; phases in the order a
    /// breadth-first exploration first reaches them, steps in
    /// [`STEP_KINDS`] order.
    pub transitions: Vec<Transition>,
}

/// The kinds of step explored in every phase, by trace-format name (and
/// send mode, for the sends that are not asynchronous).
pub const STEP_KINDS: [&str; 11] = [
    "format",
    "set_completion",
    "send",
    "send sync",
    "send forget",
    "target_complete",
    "cancel",
    "reuse",
    "status",
    "complete",
    "delete",
];

/// One representative step of each kind in [`STEP_KINDS`], on `request`.
fn representative(request: RequestId) -> [Step; 11] {
    [
        Op::Format {
            request,
            kind: FormatKind::Read,
        }
        .into(),
        Op::SetCompletionCallback {
            request,
            callback: CallbackId(0),
            context: Some(ContextId(0)),
        }
        .into(),
        Op::Send {
            request,
            target: TargetId(0),
            mode: SendMode::Async,
        }
        .into(),
        Op::Send {
            request,
            target: TargetId(0),
            mode: SendMode::Sync(Completion {
                status: Status::SUCCESS,
                information: 0,
            }),
        }
        .into(),
        Op::Send {
            request,
            target: TargetId(0),
            mode: SendMode::Forget,
        }
        .into(),
        TargetCompletion {
            request,
            status: Status::SUCCESS,
            information: 0,
        }
        .into(),
        Op::Cancel { request }.into(),
        Op::Reuse {
            request,
            status: Status::SUCCESS,
            flags: ReuseFlags::NONE,
        }
        .into(),
        Op::ReadStatus { request }.into(),
        Op::Complete {
            request,
            status: Status::SUCCESS,
            information: 0,
        }
        .into(),
        Op::Delete { request }.into(),
    ]
}

/// Explores the lifecycle of a request of `origin` in `settings`:
/// introduces one request into a fresh model, then tries every kind of step
/// in every phase reached, breadth first, by calling [`Model::step`] on a
/// copy of the model. A step the framework lets through (verifier off)
/// leads where its effect leads.
pub fn lifecycle(origin: Origin, settings: Settings) -> Lifecycle {
    let request = RequestId(0);
    let (introduced_by, introduce): (_, Step) = match origin {
        Origin::Created => ("create", Op::Create { request }.into()),
        Origin::Received { queue } => ("receive", Op::Receive { request, queue }.into()),
    };
    let mut model = Model::with_settings(settings);
    // A fresh model accepts any first create or receive.
    let _ = model.step(&introduce);
    let start = phase(&model, request);
    let mut seen = BTreeSet::from([start]);
    let mut queue = VecDeque::from([model]);
    let mut transitions = Vec::new();
    while let Some(model) = queue.pop_front() {
        let from = phase(&model, request);
        for (step, name) in representative(request).iter().zip(STEP_KINDS) {
            let mut next = model.clone();
            let to = match next.step(step).map(|j| j.outcome) {
                Ok(Ok(_)) => Ok(phase(&next, request)),
                Ok(Err(violation)) => Err(violation.rule),
                // The request was introduced above: never unknown.
                Err(_) => continue,
            };
            if to.is_ok_and(|reached| seen.insert(reached)) {
                queue.push_back(next);
            }
            transitions.push(Transition {
                from,
                step: name,
                to,
            });
        }
    }
    Lifecycle {
        origin,
        introduced_by,
        start,
        transitions,
    }
}

/// The lifecycles of both origins in `settings`: driver-created, then
/// queue-presented.
pub fn lifecycles(settings: Settings) -> [Lifecycle; 2] {
    [
        lifecycle(Origin::Created, settings),
        lifecycle(Origin::Received { queue: QueueId(0) }, settings),
    ]
}

fn phase(model: &Model, request: RequestId) -> Phase {
    model.request(request).map_or(
        Phase {
            stage: Stage::Deleted,
            formatted: false,
            registered: false,
        },
        Phase::of,
    )
}

#[cfg(test)]
mod tests {
    use std::collections::{BTreeMap, HashSet};

    use super::*;

    /// Explores every concrete request state reachable with the
    /// representative steps and checks that each is judged as its phase is
    /// in the table: the abstraction loses no verdict.
    #[test]
    fn every_request_of_one_phase_is_judged_alike() {
        for settings in Settings::all() {
            every_request_of_one_phase_is_judged_alike_in(settings);
        }
    }

    fn every_request_of_one_phase_is_judged_alike_in(settings: Settings) {
        for lifecycle in lifecycles(settings) {
            let table: BTreeMap<(Phase, &str), Result<Phase, RuleId>> = lifecycle
                .transitions
                .iter()
                .map(|t| ((t.from, t.step), t.to))
                .collect();
            let request = RequestId(0);
            let mut model = Model::with_settings(settings);
            let introduce: Step = match lifecycle.origin {
                Origin::Created => Op::Create { request }.into(),
                Origin::Received { queue } => Op::Receive { request, queue }.into(),
            };
            model.step(&introduce).expect("fresh model");
            let key = |m: &Model| m.request(request).cloned();
            let mut seen = HashSet::from([key(&model)]);
            let mut queue = VecDeque::from([model]);
            while let Some(model) = queue.pop_front() {
                let from = phase(&model, request);
                for (step, name) in representative(request).iter().zip(STEP_KINDS) {
                    let mut next = model.clone();
                    let outcome = next.step(step).expect("known request").outcome;
                    let to = outcome.map(|_| phase(&next, request)).map_err(|v| v.rule);
                    assert_eq!(table[&(from, name)], to, "{name} in {from}, {settings}");
                    if seen.insert(key(&next)) {
                        queue.push_back(next);
                    }
                }
            }
            assert!(seen.len() > table.len() / STEP_KINDS.len());
        }
    }

    #[test]
    fn reuse_is_refused_only_while_outstanding() {
        for lifecycle in lifecycles(Settings::default()) {
            for t in lifecycle.transitions.iter().filter(|t| t.step == "reuse") {
                match t.from.stage {
                    Stage::Outstanding => assert_eq!(t.to, Err(RuleId::ReuseWhilePending)),
                    Stage::Owned => assert!(t.to.is_ok(), "{}", t.from),
                    Stage::Completed | Stage::Deleted | Stage::Forgotten => {
                        assert!(t.to.is_err())
                    }
                }
            }
        }
    }

    #[test]
    fn a_phase_reads_as_its_stage_and_what_it_carries() {
        let phase = Phase {
            stage: Stage::Outstanding,
            formatted: true,
            registered: true,
        };
        assert_eq!(phase.to_string(), "outstanding, formatted, callback set");
        let bare = Phase {
            stage: Stage::Forgotten,
            formatted: false,
            registered: false,
        };
        assert_eq!(bare.to_string(), "forgotten");
    }

    #[test]
    fn each_origin_ends_only_its_own_way() {
        let [created, received] = lifecycles(Settings::default());
        let ends = |l: &Lifecycle| -> BTreeSet<Stage> {
            l.transitions
                .iter()
                .filter_map(|t| t.to.ok())
                .filter(|p| p.is_dead())
                .map(|p| p.stage)
                .collect()
        };
        assert_eq!(ends(&created), BTreeSet::from([Stage::Deleted]));
        assert_eq!(
            ends(&received),
            BTreeSet::from([Stage::Completed, Stage::Forgotten])
        );
    }
}
