//! The search for an accepted order of one part of a history (see the
//! module docs of [`super`]): depth-first, trying next only operations
//! whose real-time predecessors are placed, remembering every state it
//! failed from.

use std::collections::HashSet;

use super::{Blocked, Counterexample, Part};
use crate::model::{ExpectedReply, Judged, Judgement, Life, Model};
use crate::vocab::{
    Answered, Completion, History, Operation, RECORDING_ENDED, RequestId, Settings, Status, Step,
};

/// How many states a check may explore, over all the parts of a history,
/// before it answers [`Verdict::Unknown`](super::Verdict::Unknown).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Budget {
    /// The most states explored.
    pub states: u64,
}

impl Budget {
    /// A million states: far more than a history of a few threads running
    /// a few dozen operations each needs, a few seconds at most.
    pub const DEFAULT: Budget = Budget { states: 1_000_000 };
}

impl Default for Budget {
    fn default() -> Self {
        Budget::DEFAULT
    }
}

/// What the search of one part found.
pub(crate) enum Outcome {
    /// An accepted order, as indices into the history's operations.
    Order(Vec<usize>),
    /// No order.
    None(Box<Counterexample>),
    /// The budget ran out.
    OutOfBudget,
}

/// A set of small indices.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
struct Bits(Vec<u64>);

impl Bits {
    fn with_len(len: usize) -> Self {
        Bits(vec![0; len.div_ceil(64)])
    }

    fn contains(&self, i: usize) -> bool {
        self.0[i / 64] & (1 << (i % 64)) != 0
    }

    fn insert(&mut self, i: usize) {
        self.0[i / 64] |= 1 << (i % 64);
    }

    fn is_subset(&self, of: &Bits) -> bool {
        self.0.iter().zip(&of.0).all(|(a, b)| a & !b == 0)
    }

    #[cfg(test)]
    fn len(&self) -> usize {
        self.0.iter().map(|w| w.count_ones() as usize).sum()
    }
}

/// Where the search stands: the operations placed, the callbacks they
/// explain, and the model after them. (What the search remembers.)
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
struct State {
    done: Bits,
    used: Bits,
    model: Model,
}

/// A state being explored, and the next operation to try from it.
struct Frame {
    state: State,
    next: usize,
    /// States placing the operation last tried, not entered yet: one for
    /// each way of explaining its routines by the runs that match them.
    alternatives: Vec<(usize, State)>,
    blocked: Vec<(usize, Blocked)>,
}

/// The search of one part.
pub(crate) struct Search<'h> {
    history: &'h History,
    settings: Settings,
    part: &'h Part,
    /// For each operation of the part, those that returned before it was
    /// invoked: they come first in any order.
    preceding: Vec<Bits>,
    /// The operations that returned: every order places them all.
    returned: Bits,
    /// For each operation, those during which a routine it owes may run:
    /// itself, and the calls that can also finish its send and overlap it
    /// (see [`holders`]).
    holders: Vec<Vec<usize>>,
}

/// Whether `step` is one of the calls that can finish a send: the target's
/// completion, a cancel, a timeout, a target change.
fn finishes(step: &Step) -> bool {
    matches!(
        step,
        Step::TargetComplete { .. }
            | Step::TimedOut { .. }
            | Step::Target { .. }
            | Step::Call {
                call: crate::vocab::Call::Cancel,
                ..
            }
    )
}

/// The operations during which a routine owed by operation `i` may run:
/// `i` itself and, when `i` can finish a send, every other operation that
/// can finish it too (on the same request, or a target change) and
/// overlaps `i` in time. In the framework a cancel, a timeout or a stop
/// that holds the send's completion reference when the target completes
/// it runs the routine itself, on its own thread, during its own call,
/// after the target's completion has returned
/// (`FxRequestBase::CompleteSubmitted` by whoever drops the last reference;
/// fxiotarget.cpp defers the completion to the holder).
fn holders(ops: &[&Operation]) -> Vec<Vec<usize>> {
    let end = |op: &Operation| op.returned.map_or(u64::MAX, |(at, _)| at);
    (0..ops.len())
        .map(|i| {
            let mut holders = vec![i];
            if finishes(&ops[i].step) {
                for (j, other) in ops.iter().enumerate() {
                    let related = other.step.request().is_none()
                        || ops[i].step.request().is_none()
                        || other.step.request() == ops[i].step.request();
                    let overlaps = other.invoked < end(ops[i]) && ops[i].invoked < end(other);
                    if j != i && finishes(&other.step) && related && overlaps {
                        holders.push(j);
                    }
                }
            }
            holders
        })
        .collect()
}

impl<'h> Search<'h> {
    pub fn new(history: &'h History, settings: Settings, part: &'h Part) -> Self {
        let n = part.operations.len();
        let op = |i: usize| &history.operations[part.operations[i]];
        let mut returned = Bits::with_len(n);
        let preceding = (0..n)
            .map(|i| {
                let mut before = Bits::with_len(n);
                for j in 0..n {
                    if op(j).returned.is_some_and(|(at, _)| at < op(i).invoked) {
                        before.insert(j);
                    }
                }
                before
            })
            .collect();
        for i in 0..n {
            if op(i).returned.is_some() {
                returned.insert(i);
            }
        }
        let ops: Vec<&Operation> = (0..n).map(op).collect();
        Search {
            history,
            settings,
            part,
            preceding,
            returned,
            holders: holders(&ops),
        }
    }

    fn operation(&self, i: usize) -> &Operation {
        &self.history.operations[self.part.operations[i]]
    }

    /// Searches, counting the states it enters in `explored`, until it
    /// finds an order, proves there is none, or `explored` passes the
    /// budget.
    pub fn run(&self, budget: Budget, explored: &mut u64) -> Outcome {
        let n = self.part.operations.len();
        let start = State {
            done: Bits::with_len(n),
            used: Bits::with_len(self.part.callbacks.len()),
            model: Model::with_settings(self.settings),
        };
        let mut failed: HashSet<State> = HashSet::new();
        // The order so far: `order[k]` led from `stack[k]` to `stack[k + 1]`.
        let mut order: Vec<usize> = Vec::new();
        let mut best: Option<Counterexample> = None;
        *explored += 1;
        if self.complete(&start) {
            return Outcome::Order(Vec::new());
        }
        let mut stack = vec![Frame {
            state: start,
            next: 0,
            alternatives: Vec::new(),
            blocked: Vec::new(),
        }];
        while let Some(frame) = stack.last_mut() {
            let mut entered = None;
            while entered.is_none() {
                if let Some((i, state)) = frame.alternatives.pop() {
                    if !failed.contains(&state) {
                        entered = Some((i, state));
                    }
                    continue;
                }
                if frame.next >= n {
                    break;
                }
                let i = frame.next;
                frame.next += 1;
                if frame.state.done.contains(i) || !self.preceding[i].is_subset(&frame.state.done) {
                    continue;
                }
                match self.place(i, &frame.state) {
                    Ok(states) => frame
                        .alternatives
                        .extend(states.into_iter().map(|s| (i, s))),
                    Err(blocked) => frame.blocked.push((self.part.operations[i], blocked)),
                }
            }
            match entered {
                Some((i, state)) => {
                    *explored += 1;
                    if *explored > budget.states {
                        return Outcome::OutOfBudget;
                    }
                    order.push(i);
                    if self.complete(&state) {
                        return Outcome::Order(
                            order.iter().map(|&i| self.part.operations[i]).collect(),
                        );
                    }
                    stack.push(Frame {
                        state,
                        next: 0,
                        alternatives: Vec::new(),
                        blocked: Vec::new(),
                    });
                }
                None => {
                    // INVARIANT: the loop runs while the stack has a frame.
                    let frame = stack.pop().expect("a frame");
                    if best
                        .as_ref()
                        .is_none_or(|best| order.len() > best.longest.len())
                    {
                        best = Some(self.counterexample(&order, &frame));
                    }
                    failed.insert(frame.state);
                    order.pop();
                }
            }
        }
        // INVARIANT: the start state was explored and failed.
        Outcome::None(Box::new(best.expect("the start state failed")))
    }

    /// Whether `state` ends an accepted order: every operation that
    /// returned is placed, and every callback run is explained (or is for a
    /// request the model no longer judges).
    fn complete(&self, state: &State) -> bool {
        self.returned.is_subset(&state.done) && self.unexplained(state).is_empty()
    }

    /// The callbacks `state` leaves unexplained, as history indices.
    fn unexplained(&self, state: &State) -> Vec<usize> {
        (0..self.part.callbacks.len())
            .filter(|&c| !state.used.contains(c))
            .map(|c| self.part.callbacks[c])
            .filter(|&c| {
                let request = self.history.callbacks[c].delivery.request;
                state
                    .model
                    .request(request)
                    .is_none_or(|r| r.life != Life::Undefined)
            })
            .collect()
    }

    fn counterexample(&self, order: &[usize], frame: &Frame) -> Counterexample {
        Counterexample {
            requests: self.part.requests.clone(),
            operations: self.part.operations.clone(),
            longest: order.iter().map(|&i| self.part.operations[i]).collect(),
            blocked: frame.blocked.clone(),
            unexplained: if self.returned.is_subset(&frame.state.done) {
                self.unexplained(&frame.state)
            } else {
                Vec::new()
            },
        }
    }

    /// The states after placing operation `i` next, one for each way the
    /// runs of the history can explain the routines it owes (a run that
    /// matches may be needed by a later operation whose window is
    /// narrower: no choice is made for it here), or why it cannot come
    /// next.
    fn place(&self, i: usize, state: &State) -> Result<Vec<State>, Blocked> {
        let op = self.operation(i);
        let mut model = state.model.clone();
        let judgement = model.step(&op.step).map_err(Blocked::IllFormed)?;
        if let Some((_, answered)) = op.returned {
            agrees(&judgement, &op.step, answered)?;
        }
        let mut choices = vec![state.used.clone()];
        if !judgement.is_unjudged() {
            // No operation placed before this one was invoked after its
            // callbacks started: by then this one had taken effect.
            let frontier = (0..self.part.operations.len())
                .filter(|&j| state.done.contains(j))
                .map(|j| self.operation(j).invoked)
                .max()
                .unwrap_or(0);
            let during = |at: u64| {
                at > op.invoked
                    && at >= frontier
                    && self.holders[i].iter().any(|&h| {
                        let holder = self.operation(h);
                        at > holder.invoked
                            && holder.returned.is_none_or(|(returned, _)| at < returned)
                    })
            };
            // A recorded call the recording ended during: the routines it
            // owes may run after the end.
            let ended = op.returned.is_some_and(|(at, _)| at == RECORDING_ENDED);
            for owed in judgement.deliveries() {
                let matching = |used: &Bits| -> Vec<usize> {
                    (0..self.part.callbacks.len())
                        .filter(|&c| {
                            let run = &self.history.callbacks[self.part.callbacks[c]];
                            !used.contains(c) && run.delivery == *owed && during(run.at)
                        })
                        .collect()
                };
                let matched: Vec<Bits> = choices
                    .iter()
                    .flat_map(|used| {
                        matching(used).into_iter().map(move |c| {
                            let mut used = used.clone();
                            used.insert(c);
                            used
                        })
                    })
                    .collect();
                match (matched.is_empty(), ended) {
                    (true, false) => return Err(Blocked::CallbackNotRun(*owed)),
                    // Not run by the end is a way too: the runs that match
                    // may be other operations'.
                    (_, true) => choices.extend(matched),
                    (false, false) => choices = matched,
                }
            }
        }
        let mut done = state.done.clone();
        done.insert(i);
        // Runs with the same time cannot be told apart: the same set of
        // runs used is one choice.
        choices.sort_by(|a, b| a.0.cmp(&b.0));
        choices.dedup();
        Ok(choices
            .into_iter()
            .map(|used| State {
                done: done.clone(),
                used,
                model: model.clone(),
            })
            .collect())
    }
}

/// Whether `answered` is what the model judges of `step` (as the
/// sequential harness compares an implementation's answer).
fn agrees(judgement: &Judgement, step: &Step, answered: Answered) -> Result<(), Blocked> {
    if let Answered::Legal {
        status,
        information,
    } = answered
    {
        return legal(judgement, step, status, information);
    }
    if judgement.is_unjudged() {
        return Ok(());
    }
    let introduces = matches!(step, Step::Create { .. } | Step::Receive { .. });
    match (&judgement.outcome, answered) {
        (Err(violation), Answered::Refused(Some(rule))) if rule == violation.rule => Ok(()),
        (Err(violation), answered) => Err(Blocked::Refused {
            rule: violation.rule,
            answered,
        }),
        (Ok(_), Answered::Introduced) if introduces => Ok(()),
        (Ok(accepted), Answered::Replied(reply)) if !introduces => {
            let request = step.request().unwrap_or(RequestId(u32::MAX));
            accepted
                .judge_reply(request, reply)
                .map_err(|rule| Blocked::Accepted {
                    expected: accepted.reply,
                    answered,
                    rule,
                })
        }
        (Ok(accepted), answered) => Err(Blocked::Accepted {
            expected: accepted.reply,
            answered,
            rule: None,
        }),
    }
}

/// Whether a recorded step (a concurrent trace's, [`Answered::Legal`]) is
/// legal where it is placed: the framework accepts it, no driver rule is
/// broken (let through by the framework or with what follows undefined),
/// and a status read returned what the model expects, where recorded.
fn legal(
    judgement: &Judgement,
    step: &Step,
    status: Option<Status>,
    information: Option<u64>,
) -> Result<(), Blocked> {
    if let Judged::Undefined(violation) = judgement.judged {
        return Err(Blocked::Breaks(violation.rule));
    }
    if let Some(violation) = judgement.let_through {
        return Err(Blocked::Breaks(violation.rule));
    }
    let accepted = judgement
        .outcome
        .as_ref()
        .map_err(|violation| Blocked::Breaks(violation.rule))?;
    let (
        Some(read),
        ExpectedReply::Status {
            status: expected,
            information: expected_information,
        },
    ) = (status, accepted.reply)
    else {
        return Ok(());
    };
    let request = step.request().unwrap_or(RequestId(u32::MAX));
    // Information not recorded is not judged.
    let expected_information = expected_information.filter(|_| information.is_some());
    let actual = Completion {
        status: read,
        information: information.unwrap_or(0),
    };
    Model::judge_status(request, expected, expected_information, actual).map_err(|violation| {
        Blocked::Accepted {
            expected: accepted.reply,
            answered: Answered::Legal {
                status,
                information,
            },
            rule: Some(violation.rule),
        }
    })
}

#[cfg(test)]
mod tests {
    use super::Bits;

    #[test]
    fn bits_hold_indices_past_one_word() {
        let mut bits = Bits::with_len(130);
        for i in [0, 63, 64, 129] {
            bits.insert(i);
        }
        assert!(bits.contains(129) && bits.contains(64) && !bits.contains(65));
        assert_eq!(bits.len(), 4);
        let mut more = bits.clone();
        more.insert(100);
        assert!(bits.is_subset(&more) && !more.is_subset(&bits));
    }
}
