//! One entry of an operation sequence ([`Step`]) and its fieldless kind
//! ([`StepKind`]): a step introduces a request (create, receive), makes a
//! [`Call`] on one the sequence has, or is an I/O target finishing a send
//! (the environment's move).

use std::fmt;

use super::call::{Call, CallKind};
use super::event::Completion;
use super::ids::{QueueId, RequestId, TargetId};
use super::target::{TargetChange, TargetOp};

/// One entry of an operation sequence.
///
/// The three shapes are kept apart so that code taking one of them cannot
/// be handed another: an implementation's
/// [`perform`](crate::harness::Conformance::perform) takes only a
/// [`Call`], and the model's per-request step ([`crate::model::call`])
/// never sees a request being introduced.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, arbitrary::Arbitrary)]
pub enum Step {
    /// `IWDFDevice::CreateRequest` / `WdfRequestCreate`: the driver creates
    /// a request it owns until it deletes it. `irp` is false where
    /// `WdfRequestCreate` was given no I/O target: the request then has no
    /// IRP until it is formatted for a target or reused with a new IRP
    /// (KMDF and UMDF 2; UMDF 1's requests always have one).
    Create {
        /// The new request.
        request: RequestId,
        /// Whether it has an IRP from the start.
        irp: bool,
    },
    /// The framework presents a request from an I/O queue
    /// (`IQueueCallbackDefaultIoHandler::OnDefaultIoHandler` and friends /
    /// `EvtIoRead` and friends). The driver owns it until it completes it.
    Receive {
        /// The new request.
        request: RequestId,
        /// The queue that presents it.
        queue: QueueId,
    },
    /// The driver makes `call` on `request`.
    Call {
        /// The request the call is made on.
        request: RequestId,
        /// The call, with its arguments.
        call: Call,
    },
    /// The I/O target at which `request` is outstanding finishes it with
    /// `completion` (the device or lower driver decides the status and
    /// information). The framework answers it with at most one
    /// [`Delivery`](super::Delivery).
    TargetComplete {
        /// The request the target finishes.
        request: RequestId,
        /// The status and information the target finishes it with.
        completion: Completion,
    },
    /// The timeout of the outstanding send of `request`
    /// (`WDF_REQUEST_SEND_OPTION_TIMEOUT`) elapses before its target
    /// finishes it: the framework's timer cancels the send (the
    /// environment's move, like a target's completion).
    TimedOut {
        /// The request whose send's timer fires.
        request: RequestId,
    },
    /// The driver changes the state of `target` (start, stop, purge,
    /// close): the one step that names no request, since it acts on every
    /// request queued at the target or sent to it.
    Target {
        /// The I/O target changed.
        target: TargetId,
        /// How its state changes.
        change: TargetChange,
    },
}

impl Step {
    /// The request this step acts on; `None` for a [`Step::Target`].
    pub const fn request(&self) -> Option<RequestId> {
        match *self {
            Step::Create { request, .. }
            | Step::Receive { request, .. }
            | Step::Call { request, .. }
            | Step::TargetComplete { request, .. }
            | Step::TimedOut { request } => Some(request),
            Step::Target { .. } => None,
        }
    }

    /// The step's kind.
    pub const fn kind(&self) -> StepKind {
        match self {
            Step::Create { .. } => StepKind::Create,
            Step::Receive { .. } => StepKind::Receive,
            Step::Call { call, .. } => StepKind::Call(call.kind()),
            Step::TargetComplete { .. } => StepKind::TargetComplete,
            Step::TimedOut { .. } => StepKind::TimedOut,
            Step::Target { change, .. } => StepKind::Target(change.op()),
        }
    }

    /// The step's `op` in the trace format.
    pub const fn name(&self) -> &'static str {
        self.kind().name()
    }

    /// The call this step makes, if it is one.
    pub const fn call(&self) -> Option<&Call> {
        match self {
            Step::Call { call, .. } => Some(call),
            _ => None,
        }
    }
}

impl fmt::Display for Step {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Step::Create { request, irp: true } => write!(f, "{request}: create"),
            Step::Create {
                request,
                irp: false,
            } => write!(f, "{request}: create without a target (no IRP)"),
            Step::Receive { request, queue } => write!(f, "{request}: receive from {queue}"),
            Step::Call { request, call } => write!(f, "{request}: {call}"),
            Step::TargetComplete {
                request,
                completion,
            } => write!(
                f,
                "{request}: target completes with {}, information {}",
                completion.status, completion.information
            ),
            Step::TimedOut { request } => write!(f, "{request}: its send times out"),
            Step::Target { target, change } => write!(f, "{target}: {change}"),
        }
    }
}

/// The kind of a [`Step`], without its arguments.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum StepKind {
    /// [`Step::Create`].
    Create,
    /// [`Step::Receive`].
    Receive,
    /// [`Step::Call`] of one kind of call.
    Call(CallKind),
    /// [`Step::TargetComplete`].
    TargetComplete,
    /// [`Step::TimedOut`].
    TimedOut,
    /// [`Step::Target`] of one kind of change.
    Target(TargetOp),
}

const CALLS: usize = CallKind::ALL.len();
const TARGET_OPS: usize = TargetOp::ALL.len();

impl StepKind {
    /// Every kind, in the trace format's table order: create, receive,
    /// every [`CallKind`], target_complete, timed_out, every [`TargetOp`].
    pub const ALL: [StepKind; CALLS + 4 + TARGET_OPS] = {
        let mut all = [StepKind::Create; CALLS + 4 + TARGET_OPS];
        all[1] = StepKind::Receive;
        let mut i = 0;
        while i < CALLS {
            all[2 + i] = StepKind::Call(CallKind::ALL[i]);
            i += 1;
        }
        all[CALLS + 2] = StepKind::TargetComplete;
        all[CALLS + 3] = StepKind::TimedOut;
        let mut j = 0;
        while j < TARGET_OPS {
            all[CALLS + 4 + j] = StepKind::Target(TargetOp::ALL[j]);
            j += 1;
        }
        all
    };

    /// The kind's `op` in the trace format.
    pub const fn name(self) -> &'static str {
        match self {
            StepKind::Create => "create",
            StepKind::Receive => "receive",
            StepKind::Call(kind) => kind.name(),
            StepKind::TargetComplete => "target_complete",
            StepKind::TimedOut => "timed_out",
            StepKind::Target(op) => op.name(),
        }
    }

    /// The kind whose trace name is `name`.
    pub fn from_name(name: &str) -> Option<StepKind> {
        match name {
            "create" => Some(StepKind::Create),
            "receive" => Some(StepKind::Receive),
            "target_complete" => Some(StepKind::TargetComplete),
            "timed_out" => Some(StepKind::TimedOut),
            other => CallKind::from_name(other)
                .map(StepKind::Call)
                .or_else(|| TargetOp::from_name(other).map(StepKind::Target)),
        }
    }

    /// One step of this kind on `request`, with plain arguments (see
    /// [`CallKind::representative`]; a target completes with success; a
    /// target change is made to the first target and names no request).
    pub const fn representative(self, request: RequestId) -> Step {
        match self {
            StepKind::Create => Step::Create { request, irp: true },
            StepKind::Receive => Step::Receive {
                request,
                queue: QueueId(0),
            },
            StepKind::Call(kind) => Step::Call {
                request,
                call: kind.representative(),
            },
            StepKind::TargetComplete => Step::TargetComplete {
                request,
                completion: Completion::SUCCESS,
            },
            StepKind::TimedOut => Step::TimedOut { request },
            StepKind::Target(op) => Step::Target {
                target: TargetId(0),
                change: op.representative(),
            },
        }
    }

    /// Whether a step of this kind names a request (all but target changes).
    pub const fn names_request(self) -> bool {
        !matches!(self, StepKind::Target(_))
    }
}

impl fmt::Display for StepKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_step_kind_is_listed_once_and_named_once() {
        let mut names = std::collections::BTreeSet::new();
        for kind in StepKind::ALL {
            assert!(names.insert(kind.name()), "{kind:?} listed twice");
            assert_eq!(StepKind::from_name(kind.name()), Some(kind));
            let step = kind.representative(RequestId(3));
            let request = kind.names_request().then_some(RequestId(3));
            assert_eq!((step.kind(), step.request()), (kind, request));
        }
        assert_eq!(names.len(), CallKind::ALL.len() + 4 + TargetOp::ALL.len());
        assert_eq!(StepKind::from_name("callback"), None);
    }
}
