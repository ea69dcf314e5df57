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
    Call, Completion, Flavor, FormatKind, FrameworkVersion, ReuseFlags, RuleId, SendMode, Settings,
    Status, Step,
};

/// What the model answers to the last step of a row's sequence.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
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
        }
    }
}

/// One branch of the framework's request code.
pub struct Branch {
    /// File (under `src/framework/shared/`) and lines.
    pub file: &'static str,
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
            match steps.last() {
                Some(Step::TargetComplete { .. }) => Answer::Invokes(!deliveries.is_empty()),
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
