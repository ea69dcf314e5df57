//! [`History`]: what happened when several threads drove one framework at
//! once, as a linearizability checker reads it.
//!
//! Each [`Operation`] is one step (a driver call, a create or receive, a
//! target finishing a send, a target change) made by one thread, with the
//! logical time it was invoked and, unless it never returned, the time it
//! returned and what it answered. Each [`CallbackRun`] is the framework
//! invoking a completion routine, on some thread, at some time. Times come
//! from one logical clock over the whole history: every event has its own
//! tick, so "A returned before B was invoked" is `A.returned < B.invoked`.
//!
//! The history knows no rule: whether some order of its operations is one
//! the framework allows is the checker's question (`crate::linearize`).

use std::fmt;

use super::call::Reply;
use super::event::Delivery;
use super::ids::Status;
use super::rule::RuleId;
use super::step::Step;

/// A thread, as a history names it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct ThreadId(pub u32);

impl fmt::Display for ThreadId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "thread {}", self.0)
    }
}

/// What an operation answered when it returned.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Answered {
    /// A create or receive: the framework gave the request a handle.
    Introduced,
    /// The call took effect and returned this.
    Replied(Reply),
    /// The framework refused the call, for this rule when it named one.
    Refused(Option<RuleId>),
    /// A driver's recording of the step (a concurrent trace): it holds the
    /// driver's calls, not what the framework returned, so the step must
    /// be one the framework accepts with no driver rule broken (warnings
    /// allowed). For a status read, the status and information it
    /// returned, where recorded; `None` for every other step.
    Legal {
        /// The status a status read returned, where recorded.
        status: Option<Status>,
        /// The information a status read returned, where recorded.
        information: Option<u64>,
    },
}

impl fmt::Display for Answered {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Answered::Introduced => f.write_str("introduced"),
            Answered::Replied(Reply::Done) => f.write_str("returned"),
            Answered::Replied(Reply::Cancel { was_outstanding }) => {
                write!(
                    f,
                    "returned {}",
                    if *was_outstanding { "TRUE" } else { "FALSE" }
                )
            }
            Answered::Replied(Reply::Status(completion)) => write!(f, "returned {completion}"),
            Answered::Refused(Some(rule)) => write!(f, "refused ({rule})"),
            Answered::Refused(None) => f.write_str("refused"),
            Answered::Legal {
                status: Some(status),
                information: Some(information),
            } => write!(f, "returned {status} and information {information}"),
            Answered::Legal {
                status: Some(status),
                information: None,
            } => write!(f, "returned {status}"),
            Answered::Legal { .. } => f.write_str("returned"),
        }
    }
}

/// One step made by one thread, from its invocation to its return.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Operation {
    /// The thread that made it.
    pub thread: ThreadId,
    /// The step.
    pub step: Step,
    /// When it was invoked.
    pub invoked: u64,
    /// When it returned and what it answered; `None` when it had not
    /// returned by the end of the history (it may or may not have taken
    /// effect).
    pub returned: Option<(u64, Answered)>,
}

/// The return time of an operation of a driver's recording (a concurrent
/// trace) that had not returned when the recording ended. Unlike an
/// operation that never returned (`returned: None`, which may or may not
/// have taken effect), the driver made this call, so it must be placed in
/// every order and be legal there; a routine it owes need not have run
/// yet.
pub const RECORDING_ENDED: u64 = u64::MAX;

/// The framework invoking a completion routine.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct CallbackRun {
    /// The thread it ran on.
    pub thread: ThreadId,
    /// When it started: the operation that delivered it had taken effect
    /// by then.
    pub at: u64,
    /// What was invoked, for which request.
    pub delivery: Delivery,
}

/// A concurrent history: the operations in order of invocation, and the
/// completion routines run.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct History {
    /// Every operation, in order of `invoked`.
    pub operations: Vec<Operation>,
    /// Every completion routine run, in order of `at`.
    pub callbacks: Vec<CallbackRun>,
}

/// What makes a history ill-formed, with the operation or callback it is
/// about (its index).
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum HistoryError {
    /// An operation returned before, or when, it was invoked.
    #[error("operation {index} returns at {returned}, not after its invocation at {invoked}")]
    ReturnsBeforeInvoked {
        /// The operation's index.
        index: usize,
        /// When it was invoked.
        invoked: u64,
        /// When it returned.
        returned: u64,
    },
    /// Operations or callbacks are not in time order.
    #[error("{what} {index} at {at} comes after one at {before}: events are listed in time order")]
    OutOfOrder {
        /// `operation` or `callback`.
        what: &'static str,
        /// Its index.
        index: usize,
        /// Its time.
        at: u64,
        /// The time of the one listed before it.
        before: u64,
    },
}

impl History {
    /// The history, or why it cannot be judged: every operation returns
    /// after its invocation, and both lists are in time order.
    pub fn validate(&self) -> Result<(), HistoryError> {
        let mut before = None;
        for (index, operation) in self.operations.iter().enumerate() {
            if let Some((returned, _)) = operation.returned
                && returned <= operation.invoked
            {
                return Err(HistoryError::ReturnsBeforeInvoked {
                    index,
                    invoked: operation.invoked,
                    returned,
                });
            }
            if let Some(before) = before.filter(|&b| operation.invoked < b) {
                return Err(HistoryError::OutOfOrder {
                    what: "operation",
                    index,
                    at: operation.invoked,
                    before,
                });
            }
            before = Some(operation.invoked);
        }
        let mut before = None;
        for (index, run) in self.callbacks.iter().enumerate() {
            if let Some(before) = before.filter(|&b| run.at < b) {
                return Err(HistoryError::OutOfOrder {
                    what: "callback",
                    index,
                    at: run.at,
                    before,
                });
            }
            before = Some(run.at);
        }
        Ok(())
    }
}
