//! Builders for the mutants' hand-derived shortest sequences, so that each
//! reads as the calls a driver makes, in WDF order; nothing here is random.

use crate::vocab::{
    CallbackId, Completion, ContextId, FormatKind, Op, QueueId, RequestId, ReuseFlags, SendMode,
    Status, Step, TargetCompletion, TargetId,
};

/// The first request a sequence names.
pub const R0: RequestId = RequestId(0);
/// The second request a sequence names.
pub const R1: RequestId = RequestId(1);
/// The target every witness sends to: one target, so that sends collide.
pub const T0: TargetId = TargetId(0);

/// `WdfRequestCreate`.
pub fn create(request: RequestId) -> Step {
    Op::Create { request }.into()
}

/// A queue presents `request`.
pub fn receive(request: RequestId) -> Step {
    Op::Receive {
        request,
        queue: QueueId(0),
    }
    .into()
}

/// `WdfIoTargetFormatRequestForRead`.
pub fn format(request: RequestId) -> Step {
    Op::Format {
        request,
        kind: FormatKind::Read,
    }
    .into()
}

/// `WdfRequestSetCompletionRoutine(request, cb<callback>, ctx<context>)`.
pub fn set_completion(request: RequestId, callback: u8, context: Option<u8>) -> Step {
    Op::SetCompletionCallback {
        request,
        callback: CallbackId(callback),
        context: context.map(ContextId),
    }
    .into()
}

/// `WdfRequestSend` to [`T0`], asynchronously.
pub fn send(request: RequestId) -> Step {
    Op::Send {
        request,
        target: T0,
        mode: SendMode::Async,
    }
    .into()
}

/// `WdfRequestSend` to [`T0`] with `WDF_REQUEST_SEND_OPTION_SYNCHRONOUS`:
/// the target finishes it with `status` and `information` before the send
/// returns, so one step stands for a send and its completion.
pub fn send_sync(request: RequestId, status: Status, information: u64) -> Step {
    Op::Send {
        request,
        target: T0,
        mode: SendMode::Sync(Completion {
            status,
            information,
        }),
    }
    .into()
}

/// The target finishes the send of `request`.
pub fn target_completes(request: RequestId, status: Status, information: u64) -> Step {
    TargetCompletion {
        request,
        status,
        information,
    }
    .into()
}

/// `WdfRequestCancelSentRequest`.
pub fn cancel(request: RequestId) -> Step {
    Op::Cancel { request }.into()
}

/// `WdfRequestReuse` with `status`.
pub fn reuse(request: RequestId, status: Status) -> Step {
    Op::Reuse {
        request,
        status,
        flags: ReuseFlags::NONE,
    }
    .into()
}

/// `WdfRequestGetStatus` and `WdfRequestGetInformation`.
pub fn read_status(request: RequestId) -> Step {
    Op::ReadStatus { request }.into()
}

/// `WdfRequestCompleteWithInformation` with success and no information.
pub fn complete(request: RequestId) -> Step {
    Op::Complete {
        request,
        status: Status::SUCCESS,
        information: 0,
    }
    .into()
}

/// `WdfObjectDelete`.
pub fn delete(request: RequestId) -> Step {
    Op::Delete { request }.into()
}

/// The shortest sequence around a cancel race: a registered, formatted
/// request is sent, cancelled, and its target completes it cancelled (the
/// witness of every bug in how a cancelled send completes).
pub fn cancelled_send() -> Vec<Step> {
    vec![
        create(R0),
        format(R0),
        set_completion(R0, 0, None),
        send(R0),
        cancel(R0),
        target_completes(R0, Status::CANCELLED, 0),
    ]
}
