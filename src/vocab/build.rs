//! Shorthands for writing operation sequences by hand, so that a sequence
//! reads as the calls a driver makes, in WDF order: the rule tests, the
//! differences table, the lifecycle explorer and the gallery's witnesses
//! all write theirs with these. Nothing here is random.
//!
//! Each shorthand picks plain arguments where the sequence does not care:
//! read formatting, target [`T0`], queue 0, success with no information.
//!
//! ```
//! use wdfreq::vocab::build::*;
//! use wdfreq::vocab::Status;
//!
//! let continuous_reader = [
//!     create(R0),
//!     format(R0),
//!     set_completion(R0, 0, Some(0)),
//!     send(R0),
//!     target_completes(R0, Status::SUCCESS, 64),
//!     reuse(R0, Status::SUCCESS),
//! ];
//! assert_eq!(continuous_reader[3].to_string(), "r0: send to t0");
//! ```

use super::call::{Call, FormatKind, ReuseFlags, SendMode};
use super::event::{Completion, Registration};
use super::ids::{CallbackId, ContextId, QueueId, RequestId, Status, TargetId};
use super::step::Step;
use super::target::TargetChange;

/// The first request a sequence names.
pub const R0: RequestId = RequestId(0);
/// The second request a sequence names.
pub const R1: RequestId = RequestId(1);
/// The target the shorthands send to: one target, so that sends collide.
pub const T0: TargetId = TargetId(0);

/// `request` makes `call`.
pub const fn call(request: RequestId, call: Call) -> Step {
    Step::Call { request, call }
}

/// `WdfRequestCreate` with an I/O target: the request has an IRP.
pub const fn create(request: RequestId) -> Step {
    Step::Create { request, irp: true }
}

/// `WdfRequestCreate` with no I/O target: the request has no IRP yet.
pub const fn create_without_irp(request: RequestId) -> Step {
    Step::Create {
        request,
        irp: false,
    }
}

/// Queue 0 presents `request`.
pub const fn receive(request: RequestId) -> Step {
    receive_from(request, QueueId(0))
}

/// `queue` presents `request`.
pub const fn receive_from(request: RequestId, queue: QueueId) -> Step {
    Step::Receive { request, queue }
}

/// `WdfIoTargetFormatRequestForRead` for [`T0`].
pub const fn format(request: RequestId) -> Step {
    format_as(request, FormatKind::Read)
}

/// Formatting of `kind` for [`T0`] (`WdfIoTargetFormatRequestFor*`), or
/// with the current type (`WdfRequestFormatRequestUsingCurrentType`, which
/// names no target).
pub const fn format_as(request: RequestId, kind: FormatKind) -> Step {
    let target = match kind {
        FormatKind::Current => None,
        _ => Some(T0),
    };
    call(request, Call::Format { kind, target })
}

/// `WdfRequestSetCompletionRoutine(request, cb<callback>, ctx<context>)`.
pub const fn set_completion(request: RequestId, callback: u32, context: Option<u32>) -> Step {
    let context = match context {
        Some(context) => Some(ContextId(context)),
        None => None,
    };
    register(
        request,
        Registration {
            callback: CallbackId(callback),
            context,
        },
    )
}

/// `WdfRequestSetCompletionRoutine` with `registration`.
pub const fn register(request: RequestId, registration: Registration) -> Step {
    call(
        request,
        Call::SetCompletionCallback {
            callback: registration.callback,
            context: registration.context,
        },
    )
}

/// `WdfRequestSend` to [`T0`], asynchronously.
pub const fn send(request: RequestId) -> Step {
    send_in(request, SendMode::Async)
}

/// `WdfRequestSend` to [`T0`] in `mode`.
pub const fn send_in(request: RequestId, mode: SendMode) -> Step {
    call(
        request,
        Call::Send {
            target: T0,
            mode,
            timeout: false,
            ignore_state: false,
        },
    )
}

/// `WdfRequestSend` to [`T0`], asynchronously, with
/// `WDF_REQUEST_SEND_OPTION_TIMEOUT`.
pub const fn send_with_timeout(request: RequestId) -> Step {
    call(
        request,
        Call::Send {
            target: T0,
            mode: SendMode::Async,
            timeout: true,
            ignore_state: false,
        },
    )
}

/// `WdfRequestSend` to [`T0`], asynchronously, with
/// `WDF_REQUEST_SEND_OPTION_IGNORE_TARGET_STATE`.
pub const fn send_ignoring_state(request: RequestId) -> Step {
    call(
        request,
        Call::Send {
            target: T0,
            mode: SendMode::Async,
            timeout: false,
            ignore_state: true,
        },
    )
}

/// The driver changes the state of [`T0`].
pub const fn target(change: TargetChange) -> Step {
    Step::Target { target: T0, change }
}

/// The timeout of the outstanding send of `request` elapses.
pub const fn times_out(request: RequestId) -> Step {
    Step::TimedOut { request }
}

/// `WdfRequestSend` to [`T0`] with `WDF_REQUEST_SEND_OPTION_SYNCHRONOUS`:
/// the target finishes it with `status` and `information` before the send
/// returns, so one step stands for a send and its completion.
pub const fn send_sync(request: RequestId, status: Status, information: u64) -> Step {
    send_in(
        request,
        SendMode::Sync(Completion::new(status, information)),
    )
}

/// `WdfRequestSend` to [`T0`] with `WDF_REQUEST_SEND_OPTION_SEND_AND_FORGET`.
pub const fn send_forget(request: RequestId) -> Step {
    send_in(request, SendMode::Forget)
}

/// The target finishes the send of `request`.
pub const fn target_completes(request: RequestId, status: Status, information: u64) -> Step {
    Step::TargetComplete {
        request,
        completion: Completion::new(status, information),
    }
}

/// `WdfRequestCancelSentRequest`.
pub const fn cancel(request: RequestId) -> Step {
    call(request, Call::Cancel)
}

/// `WdfRequestReuse` with `status` and no flags.
pub const fn reuse(request: RequestId, status: Status) -> Step {
    reuse_with(request, status, ReuseFlags::NONE)
}

/// `WdfRequestReuse` with `status` and `flags`.
pub const fn reuse_with(request: RequestId, status: Status, flags: ReuseFlags) -> Step {
    call(request, Call::Reuse { status, flags })
}

/// `WdfRequestGetStatus` and `WdfRequestGetInformation`.
pub const fn read_status(request: RequestId) -> Step {
    call(request, Call::ReadStatus)
}

/// `WdfRequestCompleteWithInformation` with success and no information.
pub const fn complete(request: RequestId) -> Step {
    complete_with(request, Status::SUCCESS, 0)
}

/// `WdfRequestCompleteWithInformation` with `status` and `information`.
pub const fn complete_with(request: RequestId, status: Status, information: u64) -> Step {
    call(
        request,
        Call::Complete {
            status,
            information,
        },
    )
}

/// `WdfObjectDelete`.
pub const fn delete(request: RequestId) -> Step {
    call(request, Call::Delete)
}
