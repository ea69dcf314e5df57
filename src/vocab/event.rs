//! What the environment and the framework produce: the [`Completion`] an
//! I/O target finishes a send with, and the framework invoking a
//! completion callback ([`Delivery`]); and what a trace records
//! ([`Observation`]).

use std::fmt;

use super::ids::{CallbackId, ContextId, RequestId, Status};
use super::step::Step;

/// A completion status and its information (`IoStatus.Information`: bytes
/// transferred, for reads and writes).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, arbitrary::Arbitrary)]
pub struct Completion {
    /// The completion status (an NTSTATUS or HRESULT).
    pub status: Status,
    /// The information that goes with the status (bytes transferred,
    /// for reads and writes).
    pub information: u64,
}

impl Completion {
    /// Success with no information.
    pub const SUCCESS: Completion = Completion {
        status: Status::SUCCESS,
        information: 0,
    };

    /// `status` with `information`.
    pub const fn new(status: Status, information: u64) -> Self {
        Completion {
            status,
            information,
        }
    }
}

impl fmt::Display for Completion {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "status {}, information {}",
            self.status, self.information
        )
    }
}

/// A completion callback and the context registered with it
/// (`SetCompletionCallback(callback, context)`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, arbitrary::Arbitrary)]
pub struct Registration {
    /// The completion routine.
    pub callback: CallbackId,
    /// Its context, if one was registered.
    pub context: Option<ContextId>,
}

impl fmt::Display for Registration {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.context {
            Some(context) => write!(f, "{} with {}", self.callback, context),
            None => write!(f, "{} without context", self.callback),
        }
    }
}

/// The framework invokes a completion callback
/// (`IRequestCallbackRequestCompletion::OnCompletion` /
/// `EVT_WDF_REQUEST_COMPLETION_ROUTINE`) for `request`, with the context
/// registered for it and the target's status and information.
///
/// `R` names the request: a [`RequestId`] in the model and in traces, an
/// implementation's own handle when it reports what it invoked.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Delivery<R = RequestId> {
    /// The request whose send finished.
    pub request: R,
    /// The routine invoked and the context it was given.
    pub registration: Registration,
    /// The completion it was given.
    pub completion: Completion,
}

impl<R> Delivery<R> {
    /// The same delivery with its request named another way.
    pub fn map_request<S>(self, f: impl FnOnce(R) -> S) -> Delivery<S> {
        Delivery {
            request: f(self.request),
            registration: self.registration,
            completion: self.completion,
        }
    }
}

impl<R: fmt::Display> fmt::Display for Delivery<R> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}: callback {} invoked with {}",
            self.request, self.registration, self.completion
        )
    }
}

/// One thing that happened to a request, as a trace records it: a call the
/// implementation accepted (or a target finishing a send), the value a
/// status read returned, or a callback the framework invoked.
///
/// A call the implementation refused is an observation too: the driver
/// made it, and the refusal may leave an effect (a refused send writes its
/// status), which the rest of the trace shows. A target completion the
/// implementation refused is not: it did not happen.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Observation {
    /// An accepted step. A status read is recorded as [`Observation::Status`]
    /// instead.
    Step(Step),
    /// A driver call the implementation refused: the driver made it, and
    /// what the refusal left (a status written) shows later. A refused
    /// synchronous send returned at once, so its answer never came: a
    /// trace writes its `send` alone.
    Refused(Step),
    /// An accepted synchronous send that the framework answered itself:
    /// queued at a stopped target, its wait timed out and failed it (the
    /// callback it invoked follows). No target completion follows it, and
    /// a trace writes its `send` alone.
    AnsweredByTimeout(Step),
    /// A status read of `request` returned `completion`.
    Status {
        /// The request read.
        request: RequestId,
        /// What the read returned.
        completion: Completion,
    },
    /// The framework invoked a completion callback.
    Callback(Delivery),
}
