//! Every driver call on a request ([`Op`]), named as WDF names it, and one
//! entry of an operation sequence ([`Step`]).

use std::fmt;

use serde::{Deserialize, Serialize};

use super::event::{Completion, TargetCompletion};
use super::ids::{CallbackId, ContextId, QueueId, RequestId, Status, TargetId};

/// How a request was formatted for an I/O target.
///
/// `IWDFIoTarget::FormatRequestForRead` and friends in UMDF 1,
/// `WdfIoTargetFormatRequestForRead` and friends in KMDF;
/// [`FormatKind::Current`] is `FormatUsingCurrentType` /
/// `WdfRequestFormatRequestUsingCurrentType` (forward as received).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, arbitrary::Arbitrary)]
#[serde(rename_all = "snake_case")]
pub enum FormatKind {
    Read,
    Write,
    Ioctl,
    InternalIoctl,
    Current,
}

impl FormatKind {
    /// Every kind, in declaration order.
    pub const ALL: [FormatKind; 5] = [
        FormatKind::Read,
        FormatKind::Write,
        FormatKind::Ioctl,
        FormatKind::InternalIoctl,
        FormatKind::Current,
    ];
}

/// How a send asks the framework to treat the request
/// (`WDF_REQUEST_SEND_OPTIONS_FLAGS`).
#[derive(
    Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize, arbitrary::Arbitrary,
)]
#[serde(rename_all = "snake_case")]
pub enum SendMode {
    /// The default: the request is outstanding at the target until the
    /// target finishes it, and then its callback runs.
    #[default]
    Async,
    /// `WDF_REQUEST_SEND_OPTION_SYNCHRONOUS`: the send returns only after
    /// the target has finished the request, here with this completion (the
    /// environment's answer, given with the step so that a sequence fixes
    /// it); a registered callback still runs before the send returns.
    Sync(Completion),
    /// `WDF_REQUEST_SEND_OPTION_SEND_AND_FORGET`: the driver gives the
    /// request up; no callback, and no further call on it.
    Forget,
}

impl SendMode {
    /// The mode's name in the trace format.
    pub fn name(&self) -> &'static str {
        match self {
            SendMode::Async => "async",
            SendMode::Sync(_) => "sync",
            SendMode::Forget => "forget",
        }
    }
}

/// The flags of `WDF_REQUEST_REUSE_PARAMS` (KMDF and UMDF 2 only).
#[derive(
    Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize, arbitrary::Arbitrary,
)]
pub struct ReuseFlags {
    /// `WDF_REQUEST_REUSE_SET_NEW_IRP`: the request takes a driver-supplied
    /// IRP.
    #[serde(default)]
    pub set_new_irp: bool,
    /// `WDF_REQUEST_REUSE_MUST_COMPLETE` (1.11 and later): the request is
    /// to be completed with `WdfRequestComplete`.
    #[serde(default)]
    pub must_complete: bool,
}

impl ReuseFlags {
    /// `WDF_REQUEST_REUSE_NO_FLAGS`.
    pub const NONE: ReuseFlags = ReuseFlags {
        set_new_irp: false,
        must_complete: false,
    };

    /// Whether no flag is set.
    pub fn is_empty(&self) -> bool {
        *self == ReuseFlags::NONE
    }
}

/// A call the driver makes on a request.
///
/// Every variant names the request it acts on. UMDF 1 names come first in
/// each doc, the KMDF / UMDF 2 alias second.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, arbitrary::Arbitrary)]
#[serde(tag = "op", rename_all = "snake_case")]
pub enum Op {
    /// `IWDFDevice::CreateRequest` / `WdfRequestCreate`: the driver creates a
    /// request it owns until it deletes it.
    Create { request: RequestId },
    /// The framework presents a request from an I/O queue
    /// (`IQueueCallbackDefaultIoHandler::OnDefaultIoHandler` and friends /
    /// `EvtIoRead` and friends). The driver owns it until it completes it.
    Receive { request: RequestId, queue: QueueId },
    /// `IWDFIoTarget::FormatRequestFor*` / `WdfIoTargetFormatRequestFor*`.
    Format {
        request: RequestId,
        kind: FormatKind,
    },
    /// `IWDFIoRequest::SetCompletionCallback` /
    /// `WdfRequestSetCompletionRoutine`.
    SetCompletionCallback {
        request: RequestId,
        callback: CallbackId,
        context: Option<ContextId>,
    },
    /// `IWDFIoRequest::Send` / `WdfRequestSend`, in the given mode.
    Send {
        request: RequestId,
        target: TargetId,
        #[serde(default)]
        mode: SendMode,
    },
    /// `IWDFIoRequest::CancelSentRequest` / `WdfRequestCancelSentRequest`.
    Cancel { request: RequestId },
    /// `IWDFIoRequest2::Reuse(hrStatus)` / `WdfRequestReuse` with
    /// `WDF_REQUEST_REUSE_PARAMS` (status and flags).
    Reuse {
        request: RequestId,
        status: Status,
        #[serde(default)]
        flags: ReuseFlags,
    },
    /// `IWDFRequestCompletionParams::GetCompletionStatus` and
    /// `GetInformation` / `WdfRequestGetStatus` and
    /// `WdfRequestGetInformation`: reads the completion status.
    ReadStatus { request: RequestId },
    /// `IWDFIoRequest::CompleteWithInformation` /
    /// `WdfRequestCompleteWithInformation`: completes a queue-presented
    /// request back to its originator.
    Complete {
        request: RequestId,
        status: Status,
        information: u64,
    },
    /// `IWDFObject::DeleteWdfObject` / `WdfObjectDelete`.
    Delete { request: RequestId },
}

impl Op {
    /// The request this call acts on.
    pub fn request(&self) -> RequestId {
        match *self {
            Op::Create { request }
            | Op::Receive { request, .. }
            | Op::Format { request, .. }
            | Op::SetCompletionCallback { request, .. }
            | Op::Send { request, .. }
            | Op::Cancel { request }
            | Op::Reuse { request, .. }
            | Op::ReadStatus { request }
            | Op::Complete { request, .. }
            | Op::Delete { request } => request,
        }
    }

    /// The call's name in the trace format (`create`, `set_completion`, ...).
    pub fn name(&self) -> &'static str {
        match self {
            Op::Create { .. } => "create",
            Op::Receive { .. } => "receive",
            Op::Format { .. } => "format",
            Op::SetCompletionCallback { .. } => "set_completion",
            Op::Send { .. } => "send",
            Op::Cancel { .. } => "cancel",
            Op::Reuse { .. } => "reuse",
            Op::ReadStatus { .. } => "status",
            Op::Complete { .. } => "complete",
            Op::Delete { .. } => "delete",
        }
    }
}

impl fmt::Display for Op {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match *self {
            Op::Create { request } => write!(f, "{request}: create"),
            Op::Receive { request, queue } => write!(f, "{request}: receive from {queue}"),
            Op::Format { request, kind } => write!(f, "{request}: format {kind:?}"),
            Op::SetCompletionCallback {
                request,
                callback,
                context,
            } => match context {
                Some(context) => write!(f, "{request}: set completion {callback} with {context}"),
                None => write!(f, "{request}: set completion {callback}"),
            },
            Op::Send {
                request,
                target,
                mode,
            } => match mode {
                SendMode::Async => write!(f, "{request}: send to {target}"),
                SendMode::Sync(answer) => {
                    write!(
                        f,
                        "{request}: send to {target} synchronously, answered with {answer}"
                    )
                }
                SendMode::Forget => write!(f, "{request}: send to {target} and forget"),
            },
            Op::Cancel { request } => write!(f, "{request}: cancel"),
            Op::Reuse {
                request,
                status,
                flags,
            } => {
                write!(f, "{request}: reuse with {status}")?;
                if flags.set_new_irp {
                    write!(f, ", new IRP")?;
                }
                if flags.must_complete {
                    write!(f, ", must complete")?;
                }
                Ok(())
            }
            Op::ReadStatus { request } => write!(f, "{request}: read status"),
            Op::Complete {
                request,
                status,
                information,
            } => write!(
                f,
                "{request}: complete with {status}, information {information}"
            ),
            Op::Delete { request } => write!(f, "{request}: delete"),
        }
    }
}

/// One entry of an operation sequence: a driver call, or an I/O target
/// finishing an outstanding send (the environment's move).
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, arbitrary::Arbitrary)]
#[serde(untagged)]
pub enum Step {
    Driver(Op),
    Target(TargetCompletion),
}

impl Step {
    /// The request this step acts on.
    pub fn request(&self) -> RequestId {
        match self {
            Step::Driver(op) => op.request(),
            Step::Target(done) => done.request,
        }
    }
}

impl fmt::Display for Step {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Step::Driver(op) => op.fmt(f),
            Step::Target(done) => done.fmt(f),
        }
    }
}

impl From<Op> for Step {
    fn from(op: Op) -> Self {
        Step::Driver(op)
    }
}

impl From<TargetCompletion> for Step {
    fn from(done: TargetCompletion) -> Self {
        Step::Target(done)
    }
}

/// What an implementation returns for a call it accepts.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Reply {
    /// The call took effect and returns nothing.
    Done,
    /// `CancelSentRequest`: whether a send was outstanding to cancel.
    Cancel { was_outstanding: bool },
    /// `ReadStatus`: the request's completion status and information.
    Status(Completion),
}
