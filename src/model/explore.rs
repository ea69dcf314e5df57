//! The lifecycle of one request as a finite table, derived by exploring the
//! model: every phase a request of one origin can reach, every kind of step
//! tried in it, and what [`Model::step`] answers. Nothing here restates a
//! rule; the `diagram` command draws this table.

use std::collections::{BTreeSet, VecDeque};
use std::fmt;

use super::{Judged, Judgement, Life, Model, Origin, Request};
use crate::vocab::{
    Call, CallKind, QueueId, RequestId, RuleId, SendMode, Settings, Step, StepKind,
};

/// What a lifecycle diagram tells apart about one request: its stage and,
/// while it lives, whether it is formatted and has a callback registered,
/// and, where the shared source keeps them, whether the verifier's
/// formatted flag outlived a Reuse, whether it was cancelled since its last
/// Reuse, and whether a queue-presented request carries an I/O context;
/// and whether its send's timer is armed or fired ([`Phase::marks`]).
///
/// Everything else the model keeps (status, the callbacks and contexts
/// gone from it, whether it was sent since the last Reuse) decides no step's
/// legality, only warnings and the values delivered; a test below checks
/// that no two requests of one phase are judged differently.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Phase {
    /// Who holds the request ([`Life`]).
    pub stage: Life,
    /// Formatted for its next send.
    pub formatted: bool,
    /// A completion callback is registered.
    pub registered: bool,
    /// Unformatted by a Reuse, with the verifier's flag still set.
    pub flag_kept: bool,
    /// Cancelled since its last Reuse.
    pub cancelled: bool,
    /// A queue-presented request that carries an I/O context (it cannot be
    /// sent and forgotten).
    pub io_context: bool,
    /// Sent with a timeout whose timer has not fired yet.
    pub timer: bool,
    /// Sent with a timeout that fired: the send is cancelled.
    pub timed_out: bool,
}

impl Phase {
    /// The phase in `stage` that carries nothing.
    pub const fn bare(stage: Life) -> Phase {
        Phase {
            stage,
            formatted: false,
            registered: false,
            flag_kept: false,
            cancelled: false,
            io_context: false,
            timer: false,
            timed_out: false,
        }
    }

    /// The phase of `request`.
    pub fn of(request: &Request) -> Phase {
        let stage = request.life;
        // A dead request is never touched again: what it carried no longer
        // tells anything apart.
        if request.is_dead() {
            return Phase::bare(stage);
        }
        Phase {
            stage,
            formatted: request.formatted.is_some(),
            registered: request.registration.is_some(),
            flag_kept: request.formatted.is_none() && request.verifier_formatted,
            cancelled: request.canceled,
            io_context: request.is_received() && request.io_context,
            timer: request.timer_armed,
            timed_out: request.timed_out,
        }
    }

    /// Whether the request is gone (completed, deleted or forgotten), or
    /// its state undefined.
    pub fn is_dead(self) -> bool {
        matches!(
            self.stage,
            Life::Completed | Life::Deleted | Life::Forgotten | Life::Undefined
        )
    }
}

impl Phase {
    /// What the phase carries besides its stage, each with its name in
    /// words and as an identifier, set or not: the one list the phase's
    /// text and a diagram's node names are both made from.
    pub fn marks(self) -> [(bool, &'static str, &'static str); 7] {
        [
            (self.formatted, "formatted", "formatted"),
            (self.registered, "callback set", "callback"),
            (self.flag_kept, "flag kept", "flag_kept"),
            (self.cancelled, "cancelled", "cancelled"),
            (self.io_context, "I/O context", "io_context"),
            (self.timer, "timer", "timer"),
            (self.timed_out, "timed out", "timed_out"),
        ]
    }
}

impl fmt::Display for Phase {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.stage.name())?;
        for (set, words, _) in self.marks() {
            if set {
                write!(f, ", {words}")?;
            }
        }
        Ok(())
    }
}

/// A step that leads nowhere the lifecycle can draw: the rule it breaks,
/// and whether the framework refuses it or has no check for it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Broken {
    /// The framework refuses the step; the request stays as it was.
    Refused(RuleId),
    /// The framework has no check for the rule: what follows for the
    /// request is undefined ([`Judged::Undefined`]).
    Undefined(RuleId),
}

impl Broken {
    /// The rule the step breaks.
    pub fn rule(self) -> RuleId {
        match self {
            Broken::Refused(rule) | Broken::Undefined(rule) => rule,
        }
    }
}

/// One kind of step tried in one phase.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Transition {
    /// The phase the step is tried in.
    pub from: Phase,
    /// The step's name in the trace format (`format`, `target_complete`).
    pub step: &'static str,
    /// The phase the step leads to, or the rule it breaks there.
    pub to: Result<Phase, Broken>,
    /// A driver rule the step breaks that the framework lets through
    /// ([`Judgement::let_through`]): the step is still the driver's error
    /// where it leads to a phase.
    pub let_through: Option<RuleId>,
}

/// The lifecycle of a request of one origin.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Lifecycle {
    /// Created by the driver, or presented by a queue.
    pub origin: Origin,
    /// The step that introduces the request (`create` or `receive`).
    pub introduced_by: &'static str,
    /// The phase it starts in.
    pub start: Phase,
    /// Every kind of step in every reachable phase; phases in the order a
    /// breadth-first exploration first reaches them, steps in
    /// [`tried_steps`] order.
    pub transitions: Vec<Transition>,
}

/// The steps tried in every phase, with their labels: one representative
/// of every kind of step on an existing request ([`StepKind::ALL`] but
/// create and receive), the send once in each mode
/// ([`SendMode::REPRESENTATIVES`]).
///
/// A change of a target's state is no step on a request, and the table is
/// of one request at a target that stays started: what a stopped, purged
/// or closed target does to a send is the model's `targets` module, and
/// its tests, not a phase here.
pub fn tried_steps(request: RequestId) -> Vec<(&'static str, Step)> {
    let mut steps = Vec::new();
    for kind in StepKind::ALL {
        let step = kind.representative(request);
        match step {
            Step::Create { .. } | Step::Receive { .. } | Step::Target { .. } => {}
            Step::Call {
                call: Call::Send { target, .. },
                ..
            } => {
                let timed = (SendMode::Async, true);
                let modes = SendMode::REPRESENTATIVES.map(|mode| (mode, false));
                for (mode, timeout) in modes.into_iter().chain([timed]) {
                    let call = Call::Send {
                        target,
                        mode,
                        timeout,
                        ignore_state: false,
                    };
                    let send = Step::Call { request, call };
                    steps.push((label(&send), send));
                }
            }
            _ => steps.push((label(&step), step)),
        }
    }
    steps
}

/// A step's label in the lifecycle: its trace name, and for a send that is
/// not asynchronous, its mode.
pub fn label(step: &Step) -> &'static str {
    match step {
        Step::Call {
            call:
                Call::Send {
                    mode: SendMode::Async,
                    timeout: true,
                    ..
                },
            ..
        } => "send timeout",
        Step::Call {
            call: Call::Send { mode, .. },
            ..
        } => match mode {
            SendMode::Async => CallKind::Send.name(),
            SendMode::Sync(_) => "send sync",
            SendMode::Forget => "send forget",
        },
        other => other.name(),
    }
}

/// Explores the lifecycle of a request of `origin` in `settings`:
/// introduces one request into a fresh model, then tries every kind of step
/// in every phase reached, breadth first, by calling [`Model::step`] on a
/// copy of the model. A step the framework lets through (verifier off)
/// leads where its effect leads.
pub fn lifecycle(origin: Origin, settings: Settings) -> Lifecycle {
    let request = RequestId(0);
    let introduce = introduction(origin, request);
    let introduced_by = introduce.name();
    let mut model = Model::with_settings(settings);
    // A fresh model accepts any first create or receive.
    let _ = model.step(&introduce);
    let start = phase(&model, request);
    let mut seen = BTreeSet::from([start]);
    let mut queue = VecDeque::from([model]);
    let mut transitions = Vec::new();
    while let Some(model) = queue.pop_front() {
        let from = phase(&model, request);
        for (name, step) in tried_steps(request) {
            let mut next = model.clone();
            let Ok(judgement) = next.step(&step) else {
                // The request was introduced above: never unknown.
                continue;
            };
            let to = transition(&judgement, &next, request);
            if to.is_ok_and(|reached| seen.insert(reached)) {
                queue.push_back(next);
            }
            transitions.push(Transition {
                from,
                step: name,
                to,
                let_through: judgement.let_through.map(|v| v.rule),
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

/// Where a step judged `judgement` leads: the phase reached, or the rule
/// broken where the framework refuses the step or has no check for it (a
/// step whose outcome is undefined leads nowhere the lifecycle can draw).
fn transition(judgement: &Judgement, next: &Model, request: RequestId) -> Result<Phase, Broken> {
    match (judgement.judged, &judgement.outcome) {
        (Judged::Undefined(violation), _) => Err(Broken::Undefined(violation.rule)),
        (_, &Err(violation)) => Err(Broken::Refused(violation.rule)),
        (_, Ok(_)) => Ok(phase(next, request)),
    }
}

/// The step that introduces a request of `origin`.
fn introduction(origin: Origin, request: RequestId) -> Step {
    match origin {
        Origin::Created => Step::Create { request, irp: true },
        Origin::Received { queue } => Step::Receive { request, queue },
    }
}

fn phase(model: &Model, request: RequestId) -> Phase {
    model
        .request(request)
        .map_or(Phase::bare(Life::Deleted), Phase::of)
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
            let table: BTreeMap<(Phase, &str), _> = lifecycle
                .transitions
                .iter()
                .map(|t| ((t.from, t.step), (t.to, t.let_through)))
                .collect();
            let request = RequestId(0);
            let mut model = Model::with_settings(settings);
            model
                .step(&introduction(lifecycle.origin, request))
                .expect("fresh model");
            let key = |m: &Model| m.request(request).cloned();
            let mut seen = HashSet::from([key(&model)]);
            let mut queue = VecDeque::from([model]);
            while let Some(model) = queue.pop_front() {
                let from = phase(&model, request);
                for (name, step) in tried_steps(request) {
                    let mut next = model.clone();
                    let judgement = next.step(&step).expect("known request");
                    let to = transition(&judgement, &next, request);
                    let let_through = judgement.let_through.map(|v| v.rule);
                    assert_eq!(
                        table[&(from, name)],
                        (to, let_through),
                        "{name} in {from}, {settings}"
                    );
                    // A request left undefined is judged no more.
                    if to.is_ok() && seen.insert(key(&next)) {
                        queue.push_back(next);
                    }
                }
            }
            assert!(seen.len() > table.len() / tried_steps(request).len());
        }
    }

    #[test]
    fn reuse_is_refused_only_while_outstanding() {
        for lifecycle in lifecycles(Settings::default()) {
            for t in lifecycle
                .transitions
                .iter()
                .filter(|t| t.step == CallKind::Reuse.name())
            {
                match t.from.stage {
                    Life::Outstanding => {
                        assert_eq!(t.to.map_err(Broken::rule), Err(RuleId::ReuseWhilePending))
                    }
                    Life::Owned => assert!(t.to.is_ok(), "{}", t.from),
                    Life::Completed | Life::Deleted | Life::Forgotten | Life::Undefined => {
                        assert!(t.to.is_err())
                    }
                }
            }
        }
    }

    /// The table tells a refusal from an undefined step as the rule
    /// catalogue's `refused` column does, in every setting: what the
    /// diagram draws as refused is what `wdfreq rules` says is refused.
    #[test]
    fn refused_and_undefined_steps_are_as_the_catalogue_says() {
        for settings in Settings::all() {
            for lifecycle in lifecycles(settings) {
                for t in &lifecycle.transitions {
                    let Err(broken) = t.to else { continue };
                    let refused = crate::model::rule(broken.rule()).refused;
                    let agrees = match broken {
                        Broken::Refused(_) => refused.in_settings(&settings),
                        // The column's "always" is SubmitLocked's check, which
                        // send and forget skips: the rule's source says that
                        // there what follows is undefined.
                        Broken::Undefined(RuleId::SendWhilePending) => t.step == "send forget",
                        Broken::Undefined(_) => refused.undefined_in(&settings),
                    };
                    assert!(agrees, "{} in {}, {settings}: {broken:?}", t.step, t.from);
                }
            }
        }
    }

    #[test]
    fn a_phase_reads_as_its_stage_and_what_it_carries() {
        let bare = Phase::bare(Life::Forgotten);
        assert_eq!(bare.to_string(), "forgotten");
        let phase = Phase {
            stage: Life::Outstanding,
            formatted: true,
            registered: true,
            ..bare
        };
        assert_eq!(phase.to_string(), "outstanding, formatted, callback set");
        let reused = Phase {
            stage: Life::Owned,
            flag_kept: true,
            cancelled: true,
            io_context: true,
            ..bare
        };
        assert_eq!(
            reused.to_string(),
            "owned, flag kept, cancelled, I/O context"
        );
    }

    #[test]
    fn each_origin_ends_only_its_own_way() {
        let [created, received] = lifecycles(Settings::default());
        let ends = |l: &Lifecycle| -> BTreeSet<Life> {
            l.transitions
                .iter()
                .filter_map(|t| t.to.ok())
                .filter(|p| p.is_dead())
                .map(|p| p.stage)
                .collect()
        };
        assert_eq!(ends(&created), BTreeSet::from([Life::Deleted]));
        assert_eq!(
            ends(&received),
            BTreeSet::from([Life::Completed, Life::Forgotten])
        );
    }
}
