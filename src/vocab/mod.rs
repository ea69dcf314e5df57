//! The shared vocabulary: one definition of every name the other modules
//! speak in.
//!
//! - [`ids`]: the small identifiers (request, target, queue, callback,
//!   context) and the completion [`Status`].
//! - [`op`]: [`Op`], every driver call on a request, and [`Step`], one entry
//!   of an operation sequence (a driver call or a target finishing a send).
//! - [`event`]: what the environment and the framework produce: a target
//!   finishing a send ([`TargetCompletion`]) and the framework invoking a
//!   completion callback ([`Delivery`]).
//! - [`rule`]: [`RuleId`], the stable ID of every rule of the lifecycle.
//!
//! Nothing here knows the rules' semantics; that is the model's job. The
//! vocabulary depends on nothing else in the crate, and everything else
//! depends on it.

pub mod event;
pub mod ids;
pub mod op;
pub mod rule;
pub mod settings;

pub use event::{Completion, Delivery, Observation, Registration, TargetCompletion};
pub use ids::{CallbackId, ContextId, QueueId, RequestId, Status, TargetId};
pub use op::{FormatKind, Op, Reply, ReuseFlags, SendMode, Step};
pub use rule::{Obligation, RuleId, RuleSet, Severity};
pub use settings::{Flavor, FrameworkVersion, Settings, SettingsError};
