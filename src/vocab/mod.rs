//! The shared vocabulary: one definition of every name the other modules
//! speak in.
//!
//! - [`ids`]: the small identifiers (request, target, queue, callback,
//!   context) and the completion [`Status`].
//! - [`call`]: [`Call`], every driver call on a request it has, and its
//!   fieldless [`CallKind`], the one list of calls every other list is
//!   derived from.
//! - [`step`]: [`Step`], one entry of an operation sequence (introduce a
//!   request, make a call, or a target finishing a send), and [`StepKind`].
//! - [`event`]: what the environment and the framework produce: a
//!   [`Completion`] and the framework invoking a completion callback
//!   ([`Delivery`]); what a trace records ([`Observation`]).
//! - [`target`]: [`TargetChange`], what a driver does to an I/O target as
//!   a whole, and the [`TargetState`] that decides what a send does.
//! - [`history`]: a concurrent [`History`], operations with their
//!   invocation and return times and the completion routines run, as the
//!   linearizability checker reads it.
//! - [`rule`]: [`RuleId`], the stable ID of every rule of the lifecycle.
//! - [`settings`]: [`Settings`], the framework judged for.
//! - [`build`]: shorthands for writing sequences by hand.
//!
//! Nothing here knows the rules' semantics; that is the model's job. The
//! vocabulary depends on nothing else in the crate, and everything else
//! depends on it.
//!
//! Which enums may grow without a breaking change: [`RuleId`],
//! [`Observation`], [`Flavor`] and the error kinds are
//! `#[non_exhaustive]`, so a match on them needs a `_` arm and a new rule
//! breaks no one's build. [`Step`], [`Call`], their kinds and the target
//! vocabulary ([`TargetChange`], [`SendMode`], [`FormatKind`], [`Reply`])
//! are exhaustive on purpose: an implementation under test
//! ([`Conformance`](crate::harness::Conformance)) must perform every call,
//! and a new one should stop its build until it does.

pub mod build;
pub mod call;
pub mod event;
pub mod history;
pub mod ids;
pub mod rule;
pub mod settings;
pub mod step;
pub mod target;

pub use call::{Call, CallKind, FormatKind, Reply, ReuseFlags, SendMode};
pub use event::{Completion, Delivery, Observation, Registration};
pub use history::{
    Answered, CallbackRun, History, HistoryError, Operation, RECORDING_ENDED, ThreadId,
};
pub use ids::{CallbackId, ContextId, QueueId, RequestId, Status, TargetId};
pub use rule::{Obligation, RuleId, RuleSet, Severity};
pub use settings::{Flavor, FrameworkVersion, Settings, SettingsError};
pub use step::{Step, StepKind};
pub use target::{SentIoAction, TargetChange, TargetOp, TargetState};
