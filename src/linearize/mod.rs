//! The linearizability checker: whether a concurrent [`History`] has an
//! order of its operations that the model accepts.
//!
//! # What is checked
//!
//! A history is *linearizable* when its operations can be put in one
//! sequential order such that
//!
//! 1. **real time is kept**: an operation that returned before another was
//!    invoked comes before it;
//! 2. **the model agrees with every answer**: stepping the model through
//!    the order, each returned operation answered what the model judges (the
//!    rule it refuses, the reply it accepts with, a handle for a create or
//!    receive), as the sequential harness compares them; an operation that
//!    never returned may be placed anywhere after its invocation or left
//!    out (it may not have taken effect);
//! 3. **every completion routine is explained**: each callback the model
//!    owes for an operation was run after its invocation, and during it or
//!    during another call that can finish the same send and overlaps it (a
//!    cancel, a timeout or a target change racing the target's completion:
//!    whichever holds the send's completion reference last runs the
//!    routine, on its own thread, so the routine may start after the
//!    target's completion returned); every callback run is owed by exactly
//!    one operation; and a callback's start is the moment its operation
//!    had taken effect, so no operation invoked after that moment comes
//!    before it in the order. (Callbacks for a request whose state the
//!    model leaves undefined are not judged, as in the sequential harness.)
//!
//! # How
//!
//! The search is Wing and Gong's, with Lowe's memoization: a depth-first
//! search over orders, that tries next only the operations whose real-time
//! predecessors are placed, and remembers every state (operations placed,
//! callbacks explained, the model) it has already failed from.
//!
//! It first splits the history into independent parts. Every rule acts on
//! one request, and a request's judgement reads nothing of another request
//! but the state of the targets it names; a target's state changes only by
//! a target change. So the operations on one request form a part of their
//! own, except that requests which name a target some operation changes
//! (closes, stops, purges, ...) share a part with those changes. A history
//! is linearizable when each part is, and a part is usually a handful of
//! operations, where the whole history would be too many to search.
//! (`tests/linearize.rs` checks the split against the whole model.)
//!
//! The search has a budget of states: a history it cannot decide within it
//! is [`Verdict::Unknown`], never a pass.

mod search;

#[cfg(test)]
mod tests;

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;

use crate::model::{ExpectedReply, Judgement, Model, SequenceError};
use crate::vocab::{
    Answered, Call, Delivery, History, HistoryError, RequestId, RuleId, Settings, Step, TargetId,
};

pub use search::Budget;

/// The checker's verdict on a history.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Verdict {
    /// Some order of the operations is accepted: one order of each part,
    /// as indices into [`History::operations`] (operations that never
    /// returned and were left out are not in it).
    Linearizable {
        /// An accepted order of each part.
        orders: Vec<Vec<usize>>,
    },
    /// No order of one part is accepted.
    NotLinearizable(Box<Counterexample>),
    /// The budget ran out before every part was decided.
    Unknown {
        /// States explored.
        explored: u64,
    },
}

impl Verdict {
    /// Whether the verdict is that the history is linearizable.
    pub fn is_linearizable(&self) -> bool {
        matches!(self, Verdict::Linearizable { .. })
    }
}

/// A part of a history that no order explains, and how far the search got.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Counterexample {
    /// The part's requests.
    pub requests: Vec<RequestId>,
    /// The part's operations (indices into [`History::operations`]).
    pub operations: Vec<usize>,
    /// The longest order the model accepted, as operation indices.
    pub longest: Vec<usize>,
    /// Why each operation that could come next after `longest` cannot;
    /// empty when every operation is placed and `unexplained` is what is
    /// left.
    pub blocked: Vec<(usize, Blocked)>,
    /// Callbacks run that no operation of `longest` owes (indices into
    /// [`History::callbacks`]).
    pub unexplained: Vec<usize>,
}

/// Why an operation cannot come next in an order.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Blocked {
    /// The model refuses the step for `rule`, and the operation answered
    /// otherwise.
    Refused {
        /// The rule the model refuses it for.
        rule: RuleId,
        /// What the operation answered.
        answered: Answered,
    },
    /// The model accepts the step (replying `expected`), and the operation
    /// answered otherwise.
    Accepted {
        /// What the model expects it to return.
        expected: ExpectedReply,
        /// What it answered.
        answered: Answered,
        /// The rule a wrong reply breaks, where one does.
        rule: Option<RuleId>,
    },
    /// The recorded step breaks this driver (or target) rule here: the
    /// framework refuses it, lets it through, or leaves what follows
    /// undefined. (A concurrent trace's steps, [`Answered::Legal`].)
    Breaks(RuleId),
    /// The model owes this callback for the step, and none was run during
    /// the operation after every operation placed before it was invoked.
    CallbackNotRun(Delivery),
    /// The step is ill-formed here (a request named before it exists).
    IllFormed(SequenceError),
}

impl fmt::Display for Blocked {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Blocked::Refused { rule, answered } => {
                write!(f, "the framework refuses it ({rule}), but it {answered}")
            }
            Blocked::Accepted {
                expected,
                answered,
                rule: Some(rule),
            } => write!(
                f,
                "the framework accepts it, returning {}, but it {answered} ({rule})",
                in_words(expected)
            ),
            Blocked::Accepted {
                expected,
                answered,
                rule: None,
            } => write!(
                f,
                "the framework accepts it, returning {}, but it {answered}",
                in_words(expected)
            ),
            Blocked::Breaks(rule) => write!(f, "it breaks `{rule}` here"),
            Blocked::CallbackNotRun(delivery) => write!(
                f,
                "the framework invokes {delivery} in it, and no such callback ran during it"
            ),
            Blocked::IllFormed(error) => write!(f, "ill-formed here: {error}"),
        }
    }
}

/// What the model expects a step to return, in words: `TRUE`, `status
/// 0xc0000120 and information 0`, `anything`.
pub fn in_words(expected: &ExpectedReply) -> String {
    let bool_word = |b: bool| if b { "TRUE" } else { "FALSE" };
    match *expected {
        ExpectedReply::Done => "success".to_owned(),
        ExpectedReply::Cancel { returns: Some(b) } => bool_word(b).to_owned(),
        ExpectedReply::Cancel { returns: None } => "TRUE or FALSE".to_owned(),
        ExpectedReply::Status {
            status,
            information,
        } => format!(
            "status {} and information {}",
            status.map_or("(any)".to_owned(), |s| s.to_string()),
            information.map_or("(any)".to_owned(), |i| i.to_string())
        ),
        _ => "anything".to_owned(),
    }
}

/// Why a history cannot be checked.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum CheckError {
    /// The history is ill-formed.
    #[error(transparent)]
    History(#[from] HistoryError),
}

/// Checks `history` for `settings` within `budget`.
pub fn check(history: &History, settings: Settings, budget: Budget) -> Result<Verdict, CheckError> {
    history.validate()?;
    let mut explored = 0;
    let mut orders = Vec::new();
    for part in parts(history) {
        match search::Search::new(history, settings, &part).run(budget, &mut explored) {
            search::Outcome::Order(order) => orders.push(order),
            search::Outcome::None(counterexample) => {
                return Ok(Verdict::NotLinearizable(counterexample));
            }
            search::Outcome::OutOfBudget => return Ok(Verdict::Unknown { explored }),
        }
    }
    Ok(Verdict::Linearizable { orders })
}

/// Steps the model through each order of `orders` (an accepted order of
/// each part, as [`Verdict::Linearizable`] gives them, each from a fresh
/// model), calling `each` with every operation's index and judgement:
/// what the order the checker found did, step by step.
pub fn judge_orders(
    history: &History,
    settings: Settings,
    orders: &[Vec<usize>],
    mut each: impl FnMut(usize, &Judgement),
) {
    for order in orders {
        let mut model = Model::with_settings(settings);
        for &index in order {
            // An order the checker accepted is well formed.
            if let Ok(judgement) = model.step(&history.operations[index].step) {
                each(index, &judgement);
            }
        }
    }
}

/// One independent part of a history: its requests, operations and
/// callbacks (indices into the history's lists, in time order).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Part {
    /// Its requests, in order of first appearance.
    pub requests: Vec<RequestId>,
    /// Its operations.
    pub operations: Vec<usize>,
    /// Its callbacks.
    pub callbacks: Vec<usize>,
}

/// What an operation or callback belongs to, for the split.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum Node {
    Request(RequestId),
    Target(TargetId),
}

/// The targets a step names.
fn targets_named(step: &Step) -> Option<TargetId> {
    match step {
        Step::Call {
            call: Call::Send { target, .. },
            ..
        }
        | Step::Call {
            call:
                Call::Format {
                    target: Some(target),
                    ..
                },
            ..
        }
        | Step::Target { target, .. } => Some(*target),
        _ => None,
    }
}

/// Splits `history` into its independent parts (see the module docs), in
/// order of their first operation.
pub fn parts(history: &History) -> Vec<Part> {
    let changed: BTreeSet<TargetId> = history
        .operations
        .iter()
        .filter_map(|op| match op.step {
            Step::Target { target, .. } => Some(target),
            _ => None,
        })
        .collect();
    let mut union = Union::default();
    let node_of = |step: &Step| match (step.request(), step) {
        (Some(request), _) => Node::Request(request),
        (None, Step::Target { target, .. }) => Node::Target(*target),
        // INVARIANT: every step names a request or is a target change.
        (None, _) => unreachable!("a step names a request or a target"),
    };
    for op in &history.operations {
        let node = node_of(&op.step);
        union.add(node);
        if let Some(target) = targets_named(&op.step).filter(|t| changed.contains(t)) {
            union.join(node, Node::Target(target));
        }
    }
    for run in &history.callbacks {
        union.add(Node::Request(run.delivery.request));
    }
    let mut parts: BTreeMap<Node, Part> = BTreeMap::new();
    let mut order: Vec<Node> = Vec::new();
    for (index, op) in history.operations.iter().enumerate() {
        let root = union.root(node_of(&op.step));
        let part = parts.entry(root).or_insert_with(|| {
            order.push(root);
            Part::default()
        });
        part.operations.push(index);
        if let Some(request) = op.step.request()
            && !part.requests.contains(&request)
        {
            part.requests.push(request);
        }
    }
    for (index, run) in history.callbacks.iter().enumerate() {
        let root = union.root(Node::Request(run.delivery.request));
        let part = parts.entry(root).or_insert_with(|| {
            order.push(root);
            Part::default()
        });
        part.callbacks.push(index);
        if !part.requests.contains(&run.delivery.request) {
            part.requests.push(run.delivery.request);
        }
    }
    order
        .into_iter()
        .filter_map(|root| parts.remove(&root))
        .collect()
}

/// A union-find over nodes.
#[derive(Default)]
struct Union {
    parent: BTreeMap<Node, Node>,
}

impl Union {
    fn add(&mut self, node: Node) {
        self.parent.entry(node).or_insert(node);
    }

    fn root(&self, mut node: Node) -> Node {
        while let Some(&parent) = self.parent.get(&node).filter(|&&p| p != node) {
            node = parent;
        }
        node
    }

    fn join(&mut self, a: Node, b: Node) {
        self.add(a);
        self.add(b);
        let (a, b) = (self.root(a), self.root(b));
        if a != b {
            // The smaller node is the root: the split does not depend on
            // the order of joins.
            let (root, child) = if a < b { (a, b) } else { (b, a) };
            self.parent.insert(child, root);
        }
    }
}
