//! The audit: the framework's own request code, branch by branch, against
//! the model. Each [`Branch`] names a branch of the shared KMDF and UMDF 2
//! source (microsoft/Windows-Driver-Frameworks, `src/framework/shared/`) by
//! file, lines and function, the condition that takes it, the settings it
//! applies in and what the framework then does, in this crate's words; and
//! a sequence whose last step takes it. The model's answer at that step is
//! computed, never typed: a test holds every row's expected answer to it,
//! and `wdfreq rules --audit` prints the table with the computed answers.
//!
//! A row whose `agrees` is `false` is a place where the model does not (yet)
//! follow the code; its `framework` text says what the code does and its
//! `note` why the model answers otherwise. The research behind the rows,
//! with the places not yet modelled, is `docs/fidelity-audit-draft.md`.
//!
//! Line numbers are those of the repository's commit
//! `b6191d9543441329154da32f7ab9bdd97228dd3c`.

use super::{Accepted, ExpectedReply, Judged, Model};
use crate::vocab::build::*;
use crate::vocab::{
    Call, Completion, Flavor, FormatKind, FrameworkVersion, ReuseFlags, RuleId, SendMode,
    SentIoAction, Settings, Status, Step, TargetChange, TargetId,
};

/// What the model answers to the last step of a row's sequence.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Answer {
    /// Accepted, with no rule broken and no warning.
    Accepted,
    /// Refused, breaking the rule.
    Refused(RuleId),
    /// A driver error the framework lets through: the call takes effect.
    LetThrough(RuleId),
    /// A driver error the framework has no check for: what follows for
    /// the request is undefined.
    Undefined(RuleId),
    /// Accepted with a warning.
    Warns(RuleId),
    /// A status read that returns this status (`None`: unspecified).
    Reads(Option<Status>),
    /// A completion that invokes the registered callback (`true`) or none.
    Invokes(bool),
    /// A send that waits, queued at its stopped target.
    Queued,
    /// A step that fails a send queued at a stopped target at once, its
    /// callback invoked with this status (a cancel, a timeout, a purge or
    /// close of the target).
    Fails(Status),
}

impl std::fmt::Display for Answer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Answer::Accepted => f.write_str("accepted"),
            Answer::Refused(rule) => write!(f, "refused (`{rule}`)"),
            Answer::LetThrough(rule) => write!(f, "let through (`{rule}`)"),
            Answer::Undefined(rule) => write!(f, "undefined (`{rule}`)"),
            Answer::Warns(rule) => write!(f, "warning (`{rule}`)"),
            Answer::Reads(Some(status)) => match status.name() {
                Some(name) => write!(f, "status read: {name}"),
                None => write!(f, "status read: {status}"),
            },
            Answer::Reads(None) => f.write_str("status read: unspecified"),
            Answer::Invokes(true) => f.write_str("the callback runs"),
            Answer::Invokes(false) => f.write_str("no callback runs"),
            Answer::Queued => f.write_str("queued until the target starts"),
            Answer::Fails(status) => match status.name() {
                Some(name) => write!(
                    f,
                    "the queued send fails now: the callback runs with {name}"
                ),
                None => write!(
                    f,
                    "the queued send fails now: the callback runs with {status}"
                ),
            },
        }
    }
}

/// One branch of the framework's request code.
pub struct Branch {
    /// File (under `src/framework/shared/`) and lines.
    pub file: &'static str,
    /// The function the branch is in.
    pub function: &'static str,
    /// The condition that takes the branch.
    pub condition: &'static str,
    /// The settings and origins it applies in, in words.
    pub applies: &'static str,
    /// What the framework's code does there.
    pub framework: &'static str,
    /// The settings the row's sequence is judged in.
    pub settings: Settings,
    /// A sequence whose last step takes the branch.
    pub steps: fn() -> Vec<Step>,
    /// What the model answers to that last step (tested).
    pub model: Answer,
    /// Whether the model follows the code there.
    pub agrees: bool,
    /// Why the model answers otherwise, where it does; or a remark.
    pub note: &'static str,
}

const KMDF: Settings = Settings {
    flavor: Flavor::Kmdf,
    version: FrameworkVersion::V1_33,
    verifier: true,
};
const KMDF_OFF: Settings = Settings {
    verifier: false,
    ..KMDF
};
const KMDF_1_7: Settings = Settings {
    version: FrameworkVersion::V1_7,
    ..KMDF
};
const KMDF_1_9: Settings = Settings {
    version: FrameworkVersion::V1_9,
    ..KMDF
};
const OK: Status = Status::SUCCESS;
const T1: TargetId = TargetId(1);
const NEW_IRP: ReuseFlags = ReuseFlags {
    set_new_irp: true,
    must_complete: false,
};
const MUST_COMPLETE: ReuseFlags = ReuseFlags {
    set_new_irp: false,
    must_complete: true,
};

/// A driver-created request formatted, with a callback, sent.
fn sent() -> Vec<Step> {
    vec![
        create(R0),
        format(R0),
        set_completion(R0, 0, None),
        send(R0),
    ]
}

/// A queue-presented request formatted, with a callback, sent.
fn sent_received() -> Vec<Step> {
    vec![
        receive(R0),
        format(R0),
        set_completion(R0, 0, None),
        send(R0),
    ]
}

fn then(mut steps: Vec<Step>, more: &[Step]) -> Vec<Step> {
    steps.extend_from_slice(more);
    steps
}

/// Every audited branch, in the order of the functions' call paths.
pub const BRANCHES: &[Branch] = &[
    // WdfRequestReuse and FxRequest::Reuse.
    Branch {
        file: "core/fxrequestapi.cpp:307-321",
        function: "WdfRequestReuse",
        condition: "a flag outside the version's mask (MUST_COMPLETE before 1.11)",
        applies: "KMDF, UMDF 2; any verifier; before any other check",
        framework: "STATUS_INVALID_PARAMETER; nothing changes, even for a request still sent",
        settings: KMDF_1_9,
        steps: || then(sent(), &[reuse_with(R0, OK, MUST_COMPLETE)]),
        model: Answer::Refused(RuleId::ReuseFlagUnavailable),
        agrees: true,
        note: "",
    },
    Branch {
        file: "core/fxrequest.cpp:2163-2178",
        function: "FxRequest::Reuse",
        condition: "the request is still at a target",
        applies: "KMDF, UMDF 2; verifier on; from 1.9 (or the verifier's down-level option)",
        framework: "a verifier break, then Reuse goes on with the request at its target",
        settings: KMDF,
        steps: || then(sent(), &[reuse(R0, OK)]),
        model: Answer::Undefined(RuleId::ReuseWhilePending),
        agrees: true,
        note: "a driver error; nothing more of the request is judged",
    },
    Branch {
        file: "core/fxrequest.cpp:2163",
        function: "FxRequest::Reuse",
        condition: "the request is still at a target, driver before 1.9",
        applies: "KMDF 1.7 without the down-level option",
        framework: "no check at all",
        settings: KMDF_1_7,
        steps: || then(sent(), &[reuse(R0, OK)]),
        model: Answer::Undefined(RuleId::ReuseWhilePending),
        agrees: true,
        note: "",
    },
    Branch {
        file: "core/fxrequest.cpp:2184-2186",
        function: "FxRequest::Reuse",
        condition: "driver from 1.9, whatever follows",
        applies: "KMDF, UMDF 2 from 1.9",
        framework: "the completion routine and its context are deregistered before any refusal below",
        settings: KMDF,
        steps: || {
            let flags = NEW_IRP;
            vec![
                receive(R0),
                format(R0),
                set_completion(R0, 0, None),
                reuse_with(R0, OK, flags),
                format(R0),
                send(R0),
            ]
        },
        model: Answer::Refused(RuleId::SendReceivedWithoutCallback),
        agrees: true,
        note: "the refused SET_NEW_IRP Reuse already dropped the callback, so the send has none",
    },
    Branch {
        file: "core/fxrequest.cpp:2184",
        function: "FxRequest::Reuse",
        condition: "driver before 1.9",
        applies: "KMDF 1.7",
        framework: "the routine stays registered (backward compatibility): the next completion runs it",
        settings: KMDF_1_7,
        steps: || {
            vec![
                create(R0),
                set_completion(R0, 0, None),
                reuse(R0, OK),
                format(R0),
                send(R0),
                target_completes(R0, OK, 0),
            ]
        },
        model: Answer::Invokes(true),
        agrees: true,
        note: "",
    },
    Branch {
        file: "core/fxrequest.cpp:2196-2198",
        function: "FxRequest::Reuse",
        condition: "the request was formatted for a target",
        applies: "KMDF, UMDF 2",
        framework: "the I/O context is released in place: FXREQUEST_FLAG_FORMATTED stays set, so the verifier lets an unformatted send through",
        settings: KMDF,
        steps: || {
            vec![
                create(R0),
                format(R0),
                reuse(R0, OK),
                set_completion(R0, 0, None),
                send(R0),
            ]
        },
        model: Answer::LetThrough(RuleId::FormatAfterReuse),
        agrees: true,
        note: "the driver still must format again: a driver error the framework lets through",
    },
    Branch {
        file: "core/fxrequest.cpp:2211-2229",
        function: "FxRequest::Reuse",
        condition: "queue-presented, formatted with its current type, reused, sent with no new format",
        applies: "KMDF, UMDF 2",
        framework: "only the status and the cancel state are reset: the copied stack location is still there, and the send goes out formatted",
        settings: KMDF,
        steps: || {
            vec![
                receive(R0),
                format_as(R0, FormatKind::Current),
                reuse(R0, OK),
                set_completion(R0, 0, None),
                send(R0),
            ]
        },
        model: Answer::Accepted,
        agrees: true,
        note: "",
    },
    Branch {
        file: "core/fxrequest.cpp:2200-2209",
        function: "FxRequest::Reuse",
        condition: "queue-presented, SET_NEW_IRP",
        applies: "KMDF, UMDF 2",
        framework: "STATUS_WDF_REQUEST_INVALID_STATE, after the routine was deregistered",
        settings: KMDF,
        steps: || vec![receive(R0), reuse_with(R0, OK, NEW_IRP)],
        model: Answer::Refused(RuleId::NewIrpReceived),
        agrees: true,
        note: "",
    },
    Branch {
        file: "core/fxrequest.cpp:2211-2229",
        function: "FxRequest::Reuse",
        condition: "queue-presented, no SET_NEW_IRP",
        applies: "KMDF, UMDF 2",
        framework: "the IRP's status is set, the cancel state cleared; information is not touched",
        settings: KMDF,
        steps: || {
            vec![
                receive(R0),
                reuse(R0, Status::DEVICE_NOT_READY),
                read_status(R0),
            ]
        },
        model: Answer::Reads(Some(Status::DEVICE_NOT_READY)),
        agrees: true,
        note: "",
    },
    Branch {
        file: "core/fxrequest.cpp:2260-2282",
        function: "FxRequest::Reuse",
        condition: "driver-created, SET_NEW_IRP",
        applies: "KMDF, UMDF 2",
        framework: "the driver's IRP replaces the internal one and is not reinitialised: its status is whatever it holds",
        settings: KMDF,
        steps: || {
            vec![
                create(R0),
                reuse_with(R0, Status::DEVICE_NOT_READY, NEW_IRP),
                read_status(R0),
            ]
        },
        model: Answer::Reads(None),
        agrees: true,
        note: "",
    },
    Branch {
        file: "core/fxrequest.cpp:2288-2305",
        function: "FxRequest::Reuse",
        condition: "driver-created, internal IRP",
        applies: "KMDF, UMDF 2",
        framework: "the IRP is reinitialised with the status (IoReuseIrp), its cancel flag cleared",
        settings: KMDF,
        steps: || {
            vec![
                create(R0),
                reuse(R0, Status::DEVICE_NOT_READY),
                read_status(R0),
            ]
        },
        model: Answer::Reads(Some(Status::DEVICE_NOT_READY)),
        agrees: true,
        note: "IoReuseIrp is outside the repository; information 0 is its documented effect",
    },
    Branch {
        file: "core/fxrequest.cpp:2349-2359",
        function: "FxRequest::Reuse",
        condition: "MUST_COMPLETE on an internal IRP",
        applies: "KMDF, UMDF 2 from 1.11",
        framework: "STATUS_INVALID_DEVICE_REQUEST, after the routine was deregistered and the IRP reinitialised with the status",
        settings: KMDF,
        steps: || {
            vec![
                create(R0),
                reuse_with(R0, Status::DEVICE_NOT_READY, MUST_COMPLETE),
                read_status(R0),
            ]
        },
        model: Answer::Reads(Some(Status::DEVICE_NOT_READY)),
        agrees: true,
        note: "",
    },
    Branch {
        file: "core/fxrequest.cpp:2408-2416",
        function: "FxRequest::Reuse",
        condition: "driver-created, no MUST_COMPLETE",
        applies: "KMDF, UMDF 2",
        framework: "m_Canceled cleared: a send after the Reuse goes",
        settings: KMDF,
        steps: || {
            vec![
                create(R0),
                cancel(R0),
                reuse(R0, OK),
                format(R0),
                set_completion(R0, 0, None),
                send(R0),
            ]
        },
        model: Answer::Accepted,
        agrees: true,
        note: "",
    },
    // WdfRequestSend, FxIoTarget::SubmitLocked and VerifySubmitLocked.
    Branch {
        file: "core/fxrequestapi.cpp:1943-1955",
        function: "WdfRequestSend",
        condition: "send and forget of a request not presented by a queue",
        applies: "KMDF, UMDF 2; any verifier",
        framework: "STATUS_INVALID_DEVICE_STATE written into the request, FALSE",
        settings: KMDF,
        steps: || vec![create(R0), reuse(R0, OK), send_forget(R0), read_status(R0)],
        model: Answer::Reads(Some(Status::INVALID_DEVICE_STATE)),
        agrees: true,
        note: "",
    },
    Branch {
        file: "core/fxrequestapi.cpp:1943-1955",
        function: "WdfRequestSend",
        condition: "send and forget of a driver-created request still at a target",
        applies: "KMDF, UMDF 2; before anything about the send in flight",
        framework: "STATUS_INVALID_DEVICE_STATE, FALSE",
        settings: KMDF,
        steps: || then(sent(), &[send_forget(R0)]),
        model: Answer::Refused(RuleId::ForgetCreated),
        agrees: true,
        note: "",
    },
    Branch {
        file: "core/fxrequestapi.cpp:1956-1976",
        function: "WdfRequestSend",
        condition: "send and forget of a request with an I/O context (ever formatted with a target's format call)",
        applies: "KMDF, UMDF 2; any verifier",
        framework: "STATUS_INVALID_DEVICE_REQUEST, a break, FALSE: neither completion nor Reuse detaches the context",
        settings: KMDF,
        steps: || vec![receive(R0), format(R0), reuse(R0, OK), send_forget(R0)],
        model: Answer::Refused(RuleId::ForgetFormatted),
        agrees: true,
        note: "",
    },
    Branch {
        file: "core/fxrequest.cpp:1071-1093",
        function: "FxRequest::VerifyPreProcessSendAndForget",
        condition: "send and forget with a completion routine registered",
        applies: "KMDF, UMDF 2; verifier on",
        framework: "a verifier break, then the request is sent: the routine never runs",
        settings: KMDF,
        steps: || {
            vec![
                receive(R0),
                format_as(R0, FormatKind::Current),
                set_completion(R0, 0, None),
                send_forget(R0),
            ]
        },
        model: Answer::LetThrough(RuleId::ForgetWithCallback),
        agrees: true,
        note: "",
    },
    Branch {
        file: "core/fxrequestapi.cpp:1977-2003",
        function: "WdfRequestSend",
        condition: "send and forget of a request still at a target",
        applies: "KMDF, UMDF 2",
        framework: "no check: the in-flight IRP is sent again",
        settings: KMDF,
        steps: || {
            vec![
                receive(R0),
                format_as(R0, FormatKind::Current),
                set_completion(R0, 0, None),
                send(R0),
                send_forget(R0),
            ]
        },
        model: Answer::Undefined(RuleId::SendWhilePending),
        agrees: true,
        note: "",
    },
    Branch {
        file: "core/fxrequestapi.cpp:2006-2028",
        function: "WdfRequestSend",
        condition: "asynchronous send of a queue-presented request with no completion routine",
        applies: "KMDF, UMDF 2; every version, any verifier; before SubmitLocked's checks",
        framework: "STATUS_INVALID_DEVICE_REQUEST written into the request, FALSE",
        settings: KMDF_OFF,
        steps: || vec![receive(R0), send(R0)],
        model: Answer::Refused(RuleId::SendReceivedWithoutCallback),
        agrees: true,
        note: "checked before the formatted flag: an unformatted request gets this refusal",
    },
    Branch {
        file: "targets/general/fxiotarget.cpp:1305-1322",
        function: "FxIoTarget::SubmitLocked",
        condition: "the previous send has not come back",
        applies: "KMDF, UMDF 2; any verifier",
        framework: "bugcheck (REQUEST_ALREADY_SENT)",
        settings: KMDF_OFF,
        steps: || then(sent(), &[send(R0)]),
        model: Answer::Refused(RuleId::SendWhilePending),
        agrees: true,
        note: "a fatal refusal: the call never returns",
    },
    Branch {
        file: "targets/general/fxiotarget.cpp:1203-1210",
        function: "FxIoTarget::VerifySubmitLocked",
        condition: "FXREQUEST_FLAG_FORMATTED is not set",
        applies: "KMDF, UMDF 2; verifier on",
        framework: "STATUS_REQUEST_NOT_ACCEPTED written into the request (SubmitLocked 1616-1617), not sent",
        settings: KMDF,
        steps: || {
            vec![
                create(R0),
                reuse(R0, OK),
                set_completion(R0, 0, None),
                send(R0),
                read_status(R0),
            ]
        },
        model: Answer::Reads(Some(Status::REQUEST_NOT_ACCEPTED)),
        agrees: true,
        note: "",
    },
    Branch {
        file: "targets/general/fxiotarget.cpp:1326-1337",
        function: "FxIoTarget::SubmitLocked",
        condition: "the verifier is off",
        applies: "KMDF, UMDF 2; verifier off",
        framework: "VerifySubmitLocked does not run: an unformatted request is sent",
        settings: KMDF_OFF,
        steps: || vec![create(R0), set_completion(R0, 0, None), send(R0)],
        model: Answer::LetThrough(RuleId::SendUnformatted),
        agrees: true,
        note: "",
    },
    Branch {
        file: "targets/general/fxiotarget.cpp:1486-1526",
        function: "FxIoTarget::SubmitLocked",
        condition: "m_Canceled is set: a cancel since the last Reuse, sent or not",
        applies: "KMDF, UMDF 2; any verifier",
        framework: "not sent; STATUS_CANCELLED written into the request; no callback",
        settings: KMDF,
        steps: || {
            vec![
                create(R0),
                format(R0),
                set_completion(R0, 0, None),
                cancel(R0),
                send(R0),
                read_status(R0),
            ]
        },
        model: Answer::Reads(Some(Status::CANCELLED)),
        agrees: true,
        note: "",
    },
    Branch {
        file: "targets/general/fxiotarget.cpp:1486-1526",
        function: "FxIoTarget::SubmitLocked",
        condition: "a send cancelled and completed, sent again with no Reuse",
        applies: "KMDF, UMDF 2",
        framework: "the new send fails with STATUS_CANCELLED",
        settings: KMDF,
        steps: || {
            then(
                sent(),
                &[
                    cancel(R0),
                    target_completes(R0, Status::CANCELLED, 0),
                    format(R0),
                    set_completion(R0, 0, None),
                    send(R0),
                ],
            )
        },
        model: Answer::Refused(RuleId::SendCancelled),
        agrees: true,
        note: "",
    },
    // Send timeouts.
    Branch {
        file: "targets/general/fxiotarget.cpp:2063-2136",
        function: "FxIoTarget::TimerCallback",
        condition: "the timer of a send with WDF_REQUEST_SEND_OPTION_TIMEOUT fires before the target finishes it",
        applies: "KMDF, UMDF 2",
        framework: "marks the send cancelled by the timer and calls FxRequestBase::Cancel: the cancel sticks until Reuse",
        settings: KMDF,
        steps: || {
            vec![
                create(R0),
                format(R0),
                set_completion(R0, 0, None),
                send_with_timeout(R0),
                times_out(R0),
                target_completes(R0, Status::CANCELLED, 0),
                format(R0),
                set_completion(R0, 0, None),
                send(R0),
            ]
        },
        model: Answer::Refused(RuleId::SendCancelled),
        agrees: true,
        note: "",
    },
    Branch {
        file: "targets/general/fxiotarget.cpp:2364-2373",
        function: "FxIoTarget::RequestCompletionRoutine",
        condition: "a send cancelled by its timer completes with STATUS_CANCELLED",
        applies: "KMDF, UMDF 2",
        framework: "the status becomes STATUS_IO_TIMEOUT (information kept); any other status is kept",
        settings: KMDF,
        steps: || {
            vec![
                create(R0),
                format(R0),
                send_with_timeout(R0),
                times_out(R0),
                target_completes(R0, Status::CANCELLED, 0),
                read_status(R0),
            ]
        },
        model: Answer::Reads(Some(Status::IO_TIMEOUT)),
        agrees: true,
        note: "whether the lower driver honours the cancel is its own business: the trace's completion says",
    },
    Branch {
        file: "targets/general/fxiotarget.cpp:1840-1856",
        function: "FxIoTarget::SubmitSync",
        condition: "the wait of a synchronous send with a timeout runs out; the target answers cancelled",
        applies: "KMDF, UMDF 2",
        framework: "marks it cancelled by the timer and cancels it (sticky until Reuse): the cancelled answer reports STATUS_IO_TIMEOUT",
        settings: KMDF,
        steps: || {
            vec![
                create(R0),
                format(R0),
                call(
                    R0,
                    Call::Send {
                        target: T0,
                        mode: SendMode::Sync(Completion::new(Status::CANCELLED, 0)),
                        timeout: true,
                        ignore_state: false,
                    },
                ),
                read_status(R0),
            ]
        },
        model: Answer::Reads(Some(Status::IO_TIMEOUT)),
        agrees: true,
        note: "a cancelled answer to a send with a timeout is taken as the timeout's: nothing else runs in the sequence while the driver waits",
    },
    Branch {
        file: "inc/private/common/fxrequestvalidatefunctions.hpp:91",
        function: "FxValidateRequestOptions",
        condition: "send and forget with another option, as a timeout",
        applies: "KMDF, UMDF 2; before any other check of WdfRequestSend",
        framework: "STATUS_INVALID_PARAMETER written into the request, a break, FALSE: the request stays the driver's",
        settings: KMDF,
        steps: || {
            vec![
                receive(R0),
                call(
                    R0,
                    Call::Send {
                        target: T0,
                        mode: SendMode::Forget,
                        timeout: true,
                        ignore_state: false,
                    },
                ),
            ]
        },
        model: Answer::Refused(RuleId::ForgetWithTimeout),
        agrees: true,
        note: "",
    },
    // The I/O target's state: FxIoTarget::SubmitLocked, the Goto*State
    // functions and the pended queue (targets/general/fxiotarget.cpp).
    Branch {
        file: "targets/general/fxiotarget.cpp:1404-1415",
        function: "FxIoTarget::SubmitLocked",
        condition: "an asynchronous send to a stopped target, not ignoring its state",
        applies: "KMDF, UMDF 2; UMDF 1: documentation only",
        framework: "STATUS_WDF_QUEUED: PendRequestLocked puts it in the target's queue; WdfRequestSend returns TRUE; the timer, if any, starts",
        settings: KMDF,
        steps: || {
            let mut steps = vec![target(TargetChange::Stop(SentIoAction::Leave))];
            steps.extend(sent());
            steps
        },
        model: Answer::Queued,
        agrees: true,
        note: "",
    },
    Branch {
        file: "targets/general/fxiotarget.cpp:1418-1431",
        function: "FxIoTarget::SubmitLocked",
        condition: "a send to a purged target, not ignoring its state",
        applies: "KMDF 1.11 and later, UMDF 2",
        framework: "STATUS_INVALID_DEVICE_STATE written into the request, FALSE, no callback",
        settings: KMDF,
        steps: || {
            let mut steps = vec![target(TargetChange::Purge)];
            steps.extend(sent());
            steps.push(read_status(R0));
            steps
        },
        model: Answer::Reads(Some(Status::INVALID_DEVICE_STATE)),
        agrees: true,
        note: "`send-target-not-accepting` refuses the send; the status read shows what the refusal wrote",
    },
    Branch {
        file: "targets/general/fxiotarget.cpp:1418-1431",
        function: "FxIoTarget::SubmitLocked",
        condition: "a send to a closed target, of a request formatted before the close",
        applies: "KMDF, UMDF 2; UMDF 1 (removed target): documentation only",
        framework: "STATUS_INVALID_DEVICE_STATE written, FALSE, no callback",
        settings: KMDF,
        steps: || {
            let mut steps = sent();
            steps.insert(3, target(TargetChange::Close));
            steps
        },
        model: Answer::Refused(RuleId::SendTargetNotAccepting),
        agrees: true,
        note: "",
    },
    Branch {
        file: "targets/general/fxiotarget.cpp:1360-1389",
        function: "FxIoTarget::SubmitLocked",
        condition: "a send with IGNORE_TARGET_STATE to a stopped or purged target",
        applies: "KMDF, UMDF 2",
        framework: "sent at once, kept on m_IgnoredIoListHead (FX_REQUEST_IGNORE_STATE)",
        settings: KMDF,
        steps: || {
            vec![
                target(TargetChange::Purge),
                create(R0),
                format(R0),
                set_completion(R0, 0, None),
                send_ignoring_state(R0),
                target_completes(R0, OK, 0),
            ]
        },
        model: Answer::Invokes(true),
        agrees: true,
        note: "the target finishes it as any sent request",
    },
    Branch {
        file: "targets/general/fxiotarget.cpp:1364-1381",
        function: "FxIoTarget::SubmitLocked",
        condition: "a send with IGNORE_TARGET_STATE to a closed target with no send out (not removing any more)",
        applies: "KMDF, UMDF 2",
        framework: "STATUS_INVALID_DEVICE_STATE written, FALSE, no callback",
        settings: KMDF,
        steps: || {
            vec![
                create(R0),
                format(R0),
                set_completion(R0, 0, None),
                target(TargetChange::Close),
                send_ignoring_state(R0),
            ]
        },
        model: Answer::Refused(RuleId::SendTargetNotAccepting),
        agrees: true,
        note: "with a send still out the close is still removing, and the send goes through (a row below)",
    },
    Branch {
        file: "core/fxrequestbase.cpp:299-326",
        function: "FxRequestBase::ValidateTarget",
        condition: "WdfIoTargetFormatRequestFor* for a closed target",
        applies: "KMDF (UMDF 2's user-mode target always has a stack size: the model takes UMDF 2 as KMDF 1.33)",
        framework: "ContextReleaseAndRestore first (the verifier's formatted flag cleared), then STATUS_INVALID_DEVICE_STATE: the close cleared the target's stack size",
        settings: KMDF,
        steps: || {
            vec![
                create(R0),
                format(R0),
                target(TargetChange::Close),
                format(R0),
            ]
        },
        model: Answer::Refused(RuleId::FormatTargetClosed),
        agrees: true,
        note: "the earlier formatting is released: a send after it is unformatted",
    },
    Branch {
        file: "targets/general/fxiotarget.cpp:1391-1431, 1486-1526",
        function: "FxIoTarget::SubmitLocked",
        condition: "a request cancelled since its last Reuse, sent to a purged target",
        applies: "KMDF 1.11 and later, UMDF 2",
        framework: "the state check comes first: STATUS_INVALID_DEVICE_STATE, not STATUS_CANCELLED",
        settings: KMDF,
        steps: || {
            vec![
                target(TargetChange::Purge),
                create(R0),
                format(R0),
                set_completion(R0, 0, None),
                cancel(R0),
                send(R0),
            ]
        },
        model: Answer::Refused(RuleId::SendTargetNotAccepting),
        agrees: true,
        note: "",
    },
    Branch {
        file: "targets/general/fxiotarget.cpp:1656-1800",
        function: "FxIoTarget::SubmitSync",
        condition: "a synchronous send to a stopped target, not ignoring its state",
        applies: "KMDF, UMDF 2",
        framework: "queued like any send; the caller waits on its event until another thread starts the target and the target finishes the request (or its timeout fails it)",
        settings: KMDF,
        steps: || {
            vec![
                target(TargetChange::Stop(SentIoAction::Leave)),
                create(R0),
                format(R0),
                send_sync(R0, OK, 0),
            ]
        },
        model: Answer::Undefined(RuleId::SyncSendWhileStopped),
        agrees: false,
        note: "a sequence here has one caller, which no later step can wake: the model reports the wait and judges the request no further",
    },
    Branch {
        file: "targets/general/fxiotarget.cpp:2533-2591, 1879-1918",
        function: "FxIoTarget::_RequestCancelled, FailPendedRequest",
        condition: "WdfRequestCancelSentRequest of a request queued at a stopped target",
        applies: "KMDF, UMDF 2",
        framework: "the queue's cancel routine takes it out and fails it at once: STATUS_CANCELLED, information 0, the completion routine runs; the cancel returns TRUE and sticks until Reuse",
        settings: KMDF,
        steps: || {
            let mut steps = vec![target(TargetChange::Stop(SentIoAction::Leave))];
            steps.extend(sent());
            steps.push(cancel(R0));
            steps
        },
        model: Answer::Fails(Status::CANCELLED),
        agrees: true,
        note: "",
    },
    Branch {
        file: "targets/general/fxiotarget.cpp:2063-2130, 2364-2373",
        function: "FxIoTarget::TimerCallback, RequestCompletionRoutine",
        condition: "the timeout of a send still queued at a stopped target elapses",
        applies: "KMDF, UMDF 2",
        framework: "the timer cancels it (FX_REQUEST_CANCELLED_FROM_TIMER): the queue fails it with STATUS_CANCELLED, which the completion routine turns into STATUS_IO_TIMEOUT",
        settings: KMDF,
        steps: || {
            vec![
                target(TargetChange::Stop(SentIoAction::Leave)),
                create(R0),
                format(R0),
                set_completion(R0, 0, None),
                send_with_timeout(R0),
                times_out(R0),
            ]
        },
        model: Answer::Fails(Status::IO_TIMEOUT),
        agrees: true,
        note: "",
    },
    Branch {
        file: "targets/general/fxiotarget.cpp:2306-2330",
        function: "FxIoTarget::RequestCompletionRoutine",
        condition: "a target finishing a request queued at it, never sent",
        applies: "KMDF, UMDF 2",
        framework: "no path: a queued request is on m_PendedQueue, not sent to the device",
        settings: KMDF,
        steps: || {
            let mut steps = vec![target(TargetChange::Stop(SentIoAction::Leave))];
            steps.extend(sent());
            steps.push(target_completes(R0, OK, 0));
            steps
        },
        model: Answer::Refused(RuleId::TargetCompleteUnsent),
        agrees: true,
        note: "",
    },
    Branch {
        file: "targets/general/fxiotarget.cpp:374-385, 397-507",
        function: "FxIoTarget::GotoStartState, DrainPendedRequestsLocked",
        condition: "a start of a target with requests queued",
        applies: "KMDF, UMDF 2",
        framework: "moves to started and resubmits each queued request through Submit, oldest first: it is sent to the device",
        settings: KMDF,
        steps: || {
            let mut steps = vec![target(TargetChange::Stop(SentIoAction::Leave))];
            steps.extend(sent());
            steps.push(target(TargetChange::Start));
            steps.push(target_completes(R0, OK, 0));
            steps
        },
        model: Answer::Invokes(true),
        agrees: true,
        note: "a resubmission fails only if the request was cancelled while queued, which takes it out of the queue first",
    },
    Branch {
        file: "targets/general/fxiotarget.cpp:324-326",
        function: "FxIoTarget::GotoStartState",
        condition: "a start of a closed target, then a send of a request formatted before the close",
        applies: "KMDF, UMDF 2",
        framework: "only a deleted target refuses to start (STATUS_INVALID_DEVICE_STATE): a closed one moves to started, but its device was cleared at the close (ClearTargetPointers, fxiotarget.cpp:1049), so the send goes to no device",
        settings: KMDF,
        steps: || {
            let mut steps = sent();
            steps.insert(3, target(TargetChange::Close));
            steps.insert(4, target(TargetChange::Start));
            steps
        },
        model: Answer::Refused(RuleId::SendTargetNotAccepting),
        agrees: false,
        note: "the model keeps a closed target closed until it is opened again (WdfIoTargetOpen, not modelled), so a send to it stays refused where the framework would send to no device; deleting a target is not modelled either",
    },
    Branch {
        file: "targets/general/fxiotarget.cpp:676-720",
        function: "FxIoTarget::GotoStopState",
        condition: "WdfIoTargetStop with WdfIoTargetCancelSentIo while a request is sent",
        applies: "KMDF, UMDF 2",
        framework: "each request on m_SentIoListHead is cancelled (FxRequestBase::Cancel: m_Canceled sticks until Reuse); it stays sent until the target finishes it",
        settings: KMDF,
        steps: || {
            let mut steps = sent();
            steps.push(target(TargetChange::Stop(SentIoAction::Cancel)));
            steps.push(target_completes(R0, OK, 0));
            steps.push(target(TargetChange::Start));
            steps.push(format(R0));
            steps.push(send(R0));
            steps
        },
        model: Answer::Refused(RuleId::SendCancelled),
        agrees: true,
        note: "the stop's wait for the cancelled sends is not taken: the target finishes them as later steps",
    },
    Branch {
        file: "targets/general/fxiotarget.cpp:676-720",
        function: "FxIoTarget::GotoStopState",
        condition: "WdfIoTargetStop with WdfIoTargetLeaveSentIoPending while a request is sent",
        applies: "KMDF, UMDF 2",
        framework: "the sent request is left alone",
        settings: KMDF,
        steps: || {
            let mut steps = sent();
            steps.push(target(TargetChange::Stop(SentIoAction::Leave)));
            steps.push(target_completes(R0, OK, 0));
            steps.push(target(TargetChange::Start));
            steps.push(reuse(R0, OK));
            steps.push(format(R0));
            steps.push(send(R0));
            steps
        },
        model: Answer::Warns(RuleId::SendWithoutCallback),
        agrees: true,
        note: "the send goes out (its warning is only that no callback was registered again after the Reuse)",
    },
    Branch {
        file: "targets/general/fxiotarget.cpp:676-720, 1529-1531",
        function: "FxIoTarget::GotoStopState",
        condition: "WdfIoTargetStop with WdfIoTargetCancelSentIo while a request sent ignoring the state is out",
        applies: "KMDF, UMDF 2",
        framework: "only m_SentIoListHead is cancelled; a request on m_IgnoredIoListHead is not",
        settings: KMDF,
        steps: || {
            vec![
                create(R0),
                format(R0),
                set_completion(R0, 0, None),
                send_ignoring_state(R0),
                target(TargetChange::Stop(SentIoAction::Cancel)),
                target_completes(R0, OK, 0),
                target(TargetChange::Start),
                format(R0),
                set_completion(R0, 0, None),
                send(R0),
            ]
        },
        model: Answer::Warns(RuleId::ResendWithoutReuse),
        agrees: true,
        note: "not cancelled: a send without Reuse goes out (with the warning a resend without Reuse earns)",
    },
    Branch {
        file: "targets/general/fxiotarget.cpp:853-858, 510-519",
        function: "FxIoTarget::GotoPurgeState, CompletePendedRequest",
        condition: "WdfIoTargetPurge with requests queued",
        applies: "KMDF 1.11 and later, UMDF 2",
        framework: "each queued request fails with STATUS_WDF_DEVICE_REMOVED_NOT_SENT and information 0 (FailPendedRequest): its completion routine runs",
        settings: KMDF,
        steps: || {
            let mut steps = vec![target(TargetChange::Stop(SentIoAction::Leave))];
            steps.extend(sent());
            steps.push(target(TargetChange::Purge));
            steps
        },
        model: Answer::Fails(Status::WDF_DEVICE_REMOVED_NOT_SENT),
        agrees: true,
        note: "",
    },
    Branch {
        file: "targets/general/fxiotarget.cpp:857-858",
        function: "FxIoTarget::GotoPurgeState",
        condition: "WdfIoTargetPurge while a request is sent",
        applies: "KMDF 1.11 and later, UMDF 2",
        framework: "each request on m_SentIoListHead is cancelled (sticky until Reuse)",
        settings: KMDF,
        steps: || {
            let mut steps = sent();
            steps.push(target(TargetChange::Purge));
            steps.push(target_completes(R0, OK, 0));
            steps.push(target(TargetChange::Start));
            steps.push(format(R0));
            steps.push(send(R0));
            steps
        },
        model: Answer::Refused(RuleId::SendCancelled),
        agrees: true,
        note: "",
    },
    Branch {
        file: "targets/general/fxiotarget.cpp:1006-1030",
        function: "FxIoTarget::GotoRemoveState",
        condition: "WdfIoTargetClose while a request sent ignoring the state is out",
        applies: "KMDF, UMDF 2",
        framework: "queued requests fail as in a purge; the sent and the ignored-state lists are both cancelled",
        settings: KMDF,
        steps: || {
            vec![
                create(R0),
                format(R0),
                set_completion(R0, 0, None),
                send_ignoring_state(R0),
                target(TargetChange::Close),
                target_completes(R0, OK, 0),
                call(
                    R0,
                    Call::Format {
                        kind: FormatKind::Read,
                        target: Some(T1),
                    },
                ),
                call(
                    R0,
                    Call::Send {
                        target: T1,
                        mode: SendMode::Async,
                        timeout: false,
                        ignore_state: false,
                    },
                ),
            ]
        },
        model: Answer::Refused(RuleId::SendCancelled),
        agrees: true,
        note: "",
    },
    Branch {
        file: "targets/general/fxiotarget.cpp:655-668",
        function: "FxIoTarget::GotoStopState",
        condition: "WdfIoTargetStop of a closed target",
        applies: "KMDF, UMDF 2",
        framework: "logged, not fatal: the state stays closed, so sends still fail",
        settings: KMDF,
        steps: || {
            let mut steps = sent();
            steps.insert(3, target(TargetChange::Close));
            steps.insert(4, target(TargetChange::Stop(SentIoAction::Leave)));
            steps
        },
        model: Answer::Refused(RuleId::SendTargetNotAccepting),
        agrees: true,
        note: "",
    },
    // Cancel and completion.
    Branch {
        file: "core/fxrequestbase.cpp:562",
        function: "FxRequestBase::Cancel",
        condition: "any state, sent or not",
        applies: "KMDF, UMDF 2",
        framework: "m_Canceled set; returns FALSE when no send is outstanding",
        settings: KMDF,
        steps: || vec![create(R0), cancel(R0)],
        model: Answer::Accepted,
        agrees: true,
        note: "the cancel sticks: see SubmitLocked 1486-1526",
    },
    Branch {
        file: "core/fxrequestbase.cpp:588",
        function: "FxRequestBase::Cancel",
        condition: "a send is outstanding",
        applies: "KMDF, UMDF 2",
        framework: "returns what IoCancelIrp returns: TRUE only if the lower driver set a cancel routine",
        settings: KMDF,
        steps: || then(sent(), &[cancel(R0)]),
        model: Answer::Accepted,
        agrees: true,
        note: "the model leaves the reply open: the lower driver decides",
    },
    Branch {
        file: "core/fxrequestbase.cpp:478-524",
        function: "FxRequestBase::CompleteSubmitted",
        condition: "the target completes a send with a routine registered",
        applies: "all",
        framework: "FORMATTED cleared; the routine and context fetched and cleared, then called once",
        settings: KMDF,
        steps: || then(sent(), &[target_completes(R0, OK, 8)]),
        model: Answer::Invokes(true),
        agrees: true,
        note: "",
    },
    Branch {
        file: "core/fxrequestbase.cpp:491",
        function: "FxRequestBase::CompleteSubmitted",
        condition: "a request sent again after its completion, not formatted again",
        applies: "KMDF, UMDF 2; verifier on",
        framework: "the cleared FORMATTED flag makes VerifySubmitLocked refuse the send",
        settings: KMDF,
        steps: || {
            then(
                sent(),
                &[
                    target_completes(R0, OK, 0),
                    set_completion(R0, 0, None),
                    send(R0),
                ],
            )
        },
        model: Answer::Refused(RuleId::SendUnformatted),
        agrees: true,
        note: "",
    },
    // Registration and formatting while sent.
    Branch {
        file: "core/fxrequestapi.cpp:2374-2407",
        function: "WdfRequestSetCompletionRoutine",
        condition: "the request is at a target",
        applies: "KMDF, UMDF 2",
        framework: "no check: the new routine is the one the completion calls",
        settings: KMDF,
        steps: || then(sent(), &[set_completion(R0, 1, None)]),
        model: Answer::Undefined(RuleId::ModifyWhilePending),
        agrees: true,
        note: "it races the completion",
    },
    // Complete and delete.
    Branch {
        file: "core/fxrequest.cpp:2786-2822",
        function: "FxRequest::VerifyRequestIsDriverOwned",
        condition: "Complete of a driver-created request not reused MUST_COMPLETE",
        applies: "KMDF, UMDF 2; verifier on",
        framework: "STATUS_INVALID_DEVICE_REQUEST, a break, not completed",
        settings: KMDF,
        steps: || vec![create(R0), complete(R0)],
        model: Answer::Refused(RuleId::CompleteCreated),
        agrees: true,
        note: "",
    },
    Branch {
        file: "core/fxrequest.cpp:522-885",
        function: "FxRequest::CompleteInternal",
        condition: "Complete of a queue-presented request still at a target",
        applies: "KMDF, UMDF 2",
        framework: "no check: the IRP the lower driver holds is completed",
        settings: KMDF,
        steps: || then(sent_received(), &[complete(R0)]),
        model: Answer::Undefined(RuleId::CompleteWhilePending),
        agrees: true,
        note: "",
    },
    Branch {
        file: "core/fxrequestbase.cpp:183-203",
        function: "FxRequestBase::VerifyDispose",
        condition: "delete of a driver-created request still at a target",
        applies: "KMDF, UMDF 2 from 1.11, verifier on (no check before 1.11)",
        framework: "a verifier break, then the delete goes on; the routine still runs",
        settings: KMDF,
        steps: || then(sent(), &[delete(R0)]),
        model: Answer::Undefined(RuleId::DeleteWhilePending),
        agrees: true,
        note: "",
    },
    Branch {
        file: "object/fxobjectapi.cpp:287-319",
        function: "WdfObjectDelete",
        condition: "delete of a queue-presented request",
        applies: "KMDF, UMDF 2",
        framework: "no request-specific check: the object is deleted with its IRP unfinished",
        settings: KMDF,
        steps: || vec![receive(R0), delete(R0)],
        model: Answer::Undefined(RuleId::DeleteReceived),
        agrees: true,
        note: "",
    },
    Branch {
        file: "core/fxrequest.cpp:671-673",
        function: "FxRequest::CompleteInternal",
        condition: "Complete of a driver-created request not reused MUST_COMPLETE, verifier off",
        applies: "KMDF, UMDF 2; verifier off",
        framework: "a break at most, then completion releases a reference it never took",
        settings: KMDF_OFF,
        steps: || vec![create(R0), complete(R0)],
        model: Answer::Undefined(RuleId::CompleteCreated),
        agrees: true,
        note: "",
    },
    Branch {
        file: "inc/private/common/fxhandle.h:300-358",
        function: "FxObjectHandleGetPtr",
        condition: "any call on a request after it was completed (its object deleted)",
        applies: "KMDF, UMDF 2",
        framework: "only a NULL handle is checked: the stale handle is dereferenced",
        settings: KMDF,
        steps: || vec![receive(R0), complete(R0), format(R0)],
        model: Answer::Undefined(RuleId::AccessAfterComplete),
        agrees: true,
        note: "",
    },
    Branch {
        file: "targets/general/fxiotarget.cpp:440-450, 206-220",
        function: "FxIoTarget::DrainPendedRequestsLocked, SubmitPendedRequest",
        condition: "a start of a target with a send queued with a timeout, then the timeout",
        applies: "KMDF, UMDF 2",
        framework: "draining the queue stops the request's timer (CancelTimer), and the resubmission has no options: no timeout runs for the send any more",
        settings: KMDF,
        steps: || {
            vec![
                target(TargetChange::Stop(SentIoAction::Leave)),
                create(R0),
                format(R0),
                set_completion(R0, 0, None),
                send_with_timeout(R0),
                target(TargetChange::Start),
                times_out(R0),
            ]
        },
        model: Answer::Refused(RuleId::TimeoutUnarmed),
        agrees: true,
        note: "a timeout of it is one the environment invents",
    },
    Branch {
        file: "targets/general/fxiotarget.cpp:1656-1860, 2191-2201",
        function: "FxIoTarget::SubmitSync",
        condition: "a synchronous send with a timeout to a stopped target",
        applies: "KMDF, UMDF 2",
        framework: "queued; the wait times out, SubmitSync cancels the request as its timer would, the queue fails it with STATUS_CANCELLED and information 0, which reports STATUS_IO_TIMEOUT; the routine runs; the cancel sticks",
        settings: KMDF,
        steps: || {
            vec![
                target(TargetChange::Stop(SentIoAction::Leave)),
                create(R0),
                format(R0),
                call(
                    R0,
                    Call::Send {
                        target: T0,
                        mode: SendMode::Sync(Completion::new(OK, 0)),
                        timeout: true,
                        ignore_state: false,
                    },
                ),
                read_status(R0),
            ]
        },
        model: Answer::Reads(Some(Status::IO_TIMEOUT)),
        agrees: true,
        note: "the send's answer is not used: the target never saw the request; a trace has no target_complete for it",
    },
    Branch {
        file: "targets/general/fxiotarget.cpp:1030-1046, 1364-1369; core/fxrequestbase.cpp:317",
        function: "FxIoTarget::GotoRemoveState, SubmitLocked, ValidateTarget",
        condition: "a close while a send is still out, then another request formatted for the target and sent ignoring its state",
        applies: "KMDF, UMDF 2",
        framework: "the close waits for the send (m_Removing); until it comes back the target keeps its device: the format succeeds and a send that ignores the state goes through",
        settings: KMDF,
        steps: || {
            let mut steps = sent();
            steps.extend([
                target(TargetChange::Close),
                create(R1),
                format(R1),
                set_completion(R1, 0, None),
                send_ignoring_state(R1),
            ]);
            steps
        },
        model: Answer::Accepted,
        agrees: true,
        note: "the close's wait is not taken, so the steps before the last send comes back are that window",
    },
    Branch {
        file: "core/fxrequestapi.cpp:1990-2000; targets/general/fxiotarget.cpp:1049",
        function: "WdfRequestSend (send and forget)",
        condition: "send and forget to a closed target with no send out",
        applies: "KMDF",
        framework: "sent straight to the target's device (FxIoTarget::Send), which the close cleared: a NULL device",
        settings: KMDF,
        steps: || {
            vec![
                target(TargetChange::Close),
                receive(R0),
                format_as(R0, FormatKind::Current),
                send_forget(R0),
            ]
        },
        model: Answer::Undefined(RuleId::ForgetTargetClosed),
        agrees: true,
        note: "UMDF 2's user-mode target differs; the model takes UMDF 2 as KMDF 1.33",
    },
    Branch {
        file: "core/fxrequestbase.cpp:315; inc/private/common/fxrequestbase.hpp:270-273",
        function: "FxRequestBase::ValidateTarget, ContextReleaseAndRestore",
        condition: "formatting for a closed target a request formatted with its current type",
        applies: "KMDF",
        framework: "the release touches only an I/O context, and the current type attaches none: the earlier formatting survives the failed format, and a send to an open target goes out",
        settings: KMDF,
        steps: || {
            vec![
                receive(R0),
                format_as(R0, FormatKind::Current),
                set_completion(R0, 0, None),
                Step::Target {
                    target: T1,
                    change: TargetChange::Close,
                },
                call(
                    R0,
                    Call::Format {
                        kind: FormatKind::Read,
                        target: Some(T1),
                    },
                ),
                send(R0),
            ]
        },
        model: Answer::Accepted,
        agrees: true,
        note: "",
    },
    Branch {
        file: "core/fxrequest.cpp:2270-2300; targets/general/fxiotarget.cpp:2019-2058, 1556-1580",
        function: "FxRequest::Reuse, FxIoTarget::PendRequestLocked",
        condition: "a driver-supplied IRP cancelled in an earlier send, reused, then sent to a stopped target",
        applies: "KMDF, UMDF 2",
        framework: "Reuse does not reinitialise a driver-supplied IRP, so its Cancel flag may still be set; the pended queue then refuses it: STATUS_CANCELLED, FALSE, no callback",
        settings: KMDF,
        steps: || {
            vec![
                create(R0),
                reuse_with(R0, OK, NEW_IRP),
                format(R0),
                set_completion(R0, 0, None),
                send(R0),
                cancel(R0),
                target_completes(R0, Status::CANCELLED, 0),
                reuse(R0, OK),
                format(R0),
                set_completion(R0, 0, None),
                target(TargetChange::Stop(SentIoAction::Leave)),
                send(R0),
            ]
        },
        model: Answer::Queued,
        agrees: false,
        note: "what a driver-supplied IRP holds is the driver's: it reinitialises its own IRP (IoReuseIrp) or not, which no step records; the model takes the IRP as the driver left it ready",
    },
    // Requests without an IRP (D10).
    Branch {
        file: "core/fxrequest.cpp:168-205; core/fxrequestapi.cpp:108-140",
        function: "WdfRequestCreate, FxRequest::_Create",
        condition: "WdfRequestCreate with no I/O target, then a status read",
        applies: "KMDF, UMDF 2",
        framework: "no IRP is allocated (ValidateTarget runs only for a target); FxRequest::GetStatus (1202-1231) reads m_Irp with no check: a NULL dereference",
        settings: KMDF,
        steps: || vec![create_without_irp(R0), read_status(R0)],
        model: Answer::Undefined(RuleId::StatusWithoutIrp),
        agrees: true,
        note: "a trace says so with `\"irp\": false` on `create`; one that does not say was created with a target",
    },
    Branch {
        file: "core/fxrequest.cpp:2191-2252",
        function: "FxRequest::Reuse",
        condition: "Reuse of a request with no IRP, without a new one",
        applies: "KMDF, UMDF 2",
        framework: "nothing is reinitialised (currentIrp is NULL): the status is written nowhere",
        settings: KMDF,
        steps: || {
            vec![
                create_without_irp(R0),
                reuse(R0, Status::UNSUCCESSFUL),
                format(R0),
                read_status(R0),
            ]
        },
        model: Answer::Reads(None),
        agrees: true,
        note: "formatted for a target afterwards, the request has the framework's new IRP, whose status no call set",
    },
    Branch {
        file: "core/fxrequestapi.cpp:2262-2270",
        function: "WdfRequestFormatRequestUsingCurrentType",
        condition: "a request with no IRP",
        applies: "KMDF, UMDF 2",
        framework: "a bugcheck, WDF_REQUEST_FATAL_ERROR_NULL_IRP",
        settings: KMDF,
        steps: || vec![create_without_irp(R0), format_as(R0, FormatKind::Current)],
        model: Answer::Refused(RuleId::FormatCurrentWithoutIrp),
        agrees: true,
        note: "a fatal refusal: the call never returns",
    },
    Branch {
        file: "core/fxrequestbase.cpp:328-349",
        function: "FxRequestBase::ValidateTarget",
        condition: "WdfIoTargetFormatRequestFor* of a request with no IRP",
        applies: "KMDF, UMDF 2",
        framework: "allocates an IRP sized for the target (REQUEST_ALLOCATED_INTERNAL)",
        settings: KMDF,
        steps: || {
            vec![
                create_without_irp(R0),
                format(R0),
                set_completion(R0, 0, None),
                send(R0),
                target_completes(R0, OK, 0),
            ]
        },
        model: Answer::Invokes(true),
        agrees: true,
        note: "",
    },
    Branch {
        file: "targets/general/fxiotarget.cpp:1324, 1612-1619",
        function: "FxIoTarget::SubmitLocked",
        condition: "a send of a request with no IRP (created without a target, never formatted for one)",
        applies: "KMDF, UMDF 2",
        framework: "takes the request's IRP and writes into it on every path, a refusal's included (CheckError): a NULL dereference",
        settings: KMDF_OFF,
        steps: || {
            vec![
                create_without_irp(R0),
                set_completion(R0, 0, None),
                send(R0),
            ]
        },
        model: Answer::Undefined(RuleId::SendWithoutIrp),
        agrees: true,
        note: "with the verifier on too: VerifySubmitLocked's refusal goes through the same write",
    },
    Branch {
        file: "core/fxrequest.cpp:3136-3158",
        function: "FxRequest::Release",
        condition: "Complete of a driver-created request reused MUST_COMPLETE",
        applies: "KMDF 1.11 and later, UMDF 2",
        framework: "completes the driver's IRP and detaches it (m_Irp.SetIrp(NULL)): the request lives on without one",
        settings: KMDF,
        steps: || {
            vec![
                create(R0),
                reuse_with(R0, OK, NEW_IRP),
                reuse_with(R0, OK, MUST_COMPLETE),
                complete(R0),
                read_status(R0),
            ]
        },
        model: Answer::Undefined(RuleId::StatusWithoutIrp),
        agrees: true,
        note: "",
    },
    Branch {
        file: "core/fxrequest.cpp:2332-2345",
        function: "FxRequest::Reuse",
        condition: "Reuse with MUST_COMPLETE of a request whose IRP a MUST_COMPLETE completion detached",
        applies: "KMDF 1.11 and later, UMDF 2",
        framework: "STATUS_INVALID_PARAMETER (MUST_COMPLETE requires an IRP), after the routine was deregistered",
        settings: KMDF,
        steps: || {
            vec![
                create(R0),
                reuse_with(R0, OK, NEW_IRP),
                reuse_with(R0, OK, MUST_COMPLETE),
                complete(R0),
                reuse_with(R0, OK, MUST_COMPLETE),
            ]
        },
        model: Answer::Refused(RuleId::MustCompleteInternalIrp),
        agrees: true,
        note: "",
    },
    Branch {
        file: "core/fxrequestapi.cpp:1905-1915, 1945-1955",
        function: "WdfRequestSend",
        condition: "send and forget of a request created without a target (no IRP)",
        applies: "KMDF, UMDF 2",
        framework: "the refusal writes its status into the IRP (SetStatus): through NULL",
        settings: KMDF,
        steps: || vec![create_without_irp(R0), send_forget(R0)],
        model: Answer::Undefined(RuleId::ForgetCreated),
        agrees: true,
        note: "any refusal that writes a status into a request without an IRP is undefined",
    },
    // Branches the model does not follow, with the reason.
    Branch {
        file: "core/fxrequest.cpp:482-511",
        function: "FxRequest::VerifyCompleteInternal",
        condition: "Complete of a read, a write or a user-mode IOCTL with success and more information than the request's buffer holds",
        applies: "KMDF, UMDF 2; verifier on",
        framework: "a bugcheck, WDF_REQUEST_FATAL_ERROR_INFORMATION_LENGTH_MISMATCH",
        settings: KMDF,
        steps: || vec![receive(R0), complete_with(R0, OK, u64::MAX)],
        model: Answer::Accepted,
        agrees: false,
        note: "a sequence and a trace carry no buffer lengths (the originator's request is not recorded), so the model cannot tell how long the buffer is; D26",
    },
    Branch {
        file: "core/fxrequest.cpp:775-814",
        function: "FxRequest::CompleteInternal",
        condition: "Complete while a WDFMEMORY retrieved from the request is still referenced",
        applies: "KMDF, UMDF 2; every verifier setting",
        framework: "a bugcheck (m_IrpReferenceCount is not zero)",
        settings: KMDF,
        steps: || vec![receive(R0), complete(R0)],
        model: Answer::Accepted,
        agrees: false,
        note: "the model has no memory objects: retrieving a request's buffers is not a step; D27",
    },
    Branch {
        file: "core/fxrequest.cpp:2314-2316, 2364-2374; core/fxrequestbase.cpp:530",
        function: "FxRequest::Reuse",
        condition: "Reuse with MUST_COMPLETE made inside the completion routine of the request's send",
        applies: "KMDF 1.11 and later, UMDF 2",
        framework: "the comment at 2314 promises success from the completion routine, but the target's reference is released only after the routine returns (fxrequestbase.cpp:530), so the reference-count test at 2364 would refuse it with STATUS_INVALID_DEVICE_REQUEST",
        settings: KMDF,
        steps: || {
            vec![
                create(R0),
                reuse_with(R0, OK, NEW_IRP),
                format(R0),
                set_completion(R0, 0, None),
                send(R0),
                target_completes(R0, OK, 0),
                reuse_with(R0, OK, MUST_COMPLETE),
            ]
        },
        model: Answer::Accepted,
        agrees: false,
        note: "a sequence and a trace cannot say whether a call is made inside the callback or after it: the model takes every call as made after it, where the reference is gone and the code agrees; which the framework does inside is to be confirmed on real WDF; D8",
    },
];

/// The model's answer to the last of `steps` in `settings`.
pub fn answer(settings: Settings, steps: &[Step]) -> Answer {
    let mut model = Model::with_settings(settings);
    let mut last = None;
    for step in steps {
        last = model.step(step).ok();
    }
    let Some(judgement) = last else {
        return Answer::Accepted;
    };
    if let Judged::Undefined(violation) = judgement.judged {
        return Answer::Undefined(violation.rule);
    }
    match &judgement.outcome {
        Err(violation) => Answer::Refused(violation.rule),
        Ok(Accepted { reply, deliveries }) => {
            if let ExpectedReply::Status { status, .. } = reply {
                return Answer::Reads(*status);
            }
            if let Some(violation) = judgement.let_through {
                return Answer::LetThrough(violation.rule);
            }
            if let Some(warning) = judgement.warnings.iter().next() {
                return Answer::Warns(warning);
            }
            let queued = |request| model.request(request).is_some_and(|r| r.queued.is_some());
            match steps.last() {
                Some(Step::TargetComplete { .. }) => Answer::Invokes(!deliveries.is_empty()),
                Some(
                    Step::Target { .. }
                    | Step::TimedOut { .. }
                    | Step::Call {
                        call: Call::Cancel, ..
                    },
                ) if !deliveries.is_empty() => Answer::Fails(deliveries[0].completion.status),
                Some(&Step::Call {
                    request,
                    call: Call::Send { .. },
                }) if queued(request) => Answer::Queued,
                _ => Answer::Accepted,
            }
        }
    }
}

/// The audit as a Markdown table, with the model's answers computed.
pub fn markdown_table() -> String {
    let mut table = String::from(
        "| where | function | condition | applies | the framework | the model | follows |\n\
         |---|---|---|---|---|---|---|\n",
    );
    for branch in BRANCHES {
        let follows = if branch.agrees { "yes" } else { "no" };
        let mut model = format!(
            "{} ({})",
            answer(branch.settings, &(branch.steps)()),
            branch.settings
        );
        if !branch.note.is_empty() {
            model += &format!("; {}", branch.note);
        }
        table.push_str(&format!(
            "| `{}` | {} | {} | {} | {} | {model} | {follows} |\n",
            branch.file, branch.function, branch.condition, branch.applies, branch.framework
        ));
    }
    table
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every row's sequence takes its branch and the model answers as the
    /// row says; a row the model departs from says so.
    #[test]
    fn every_audited_branch_gets_the_answer_its_row_states() {
        let mut wrong = Vec::new();
        for branch in BRANCHES {
            let got = answer(branch.settings, &(branch.steps)());
            if got != branch.model {
                wrong.push(format!(
                    "{} {} ({}): model says {got}, row says {}",
                    branch.file, branch.function, branch.condition, branch.model
                ));
            }
        }
        assert!(wrong.is_empty(), "{}", wrong.join("\n"));
    }

    #[test]
    fn a_row_the_model_departs_from_says_why() {
        for branch in BRANCHES.iter().filter(|b| !b.agrees) {
            assert!(!branch.note.is_empty(), "{}", branch.file);
        }
    }
}
