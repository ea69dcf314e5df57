//! The rule catalogue: for every [`RuleId`], whose obligation it is, how
//! serious, one sentence, and the source it comes from. The `rules`
//! command, the README's rule table and the trace checker all read this
//! catalogue; nothing else states a rule.
//!
//! Sources are named by Microsoft's page title (UMDF 1 first, KMDF second)
//! or by the path and function in microsoft/Windows-Driver-Frameworks. Rules
//! the reference notes did not list are marked "added" in their source, with
//! the reason.

use crate::vocab::{Flavor, Obligation, RuleId, Settings, Severity, Status};

/// The settings in which a rule applies.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
#[non_exhaustive]
pub enum Scope {
    /// Every flavor, every version.
    Always,
    /// KMDF and UMDF 2 (`WdfRequestReuse`, `WdfRequestSend`).
    Kmdf,
    /// Where `WDF_REQUEST_REUSE_MUST_COMPLETE` exists: KMDF and UMDF 2,
    /// 1.11 and later.
    MustComplete,
    /// Where some Reuse flag is missing: UMDF 1 (no flags at all), or
    /// before 1.11 (no `MUST_COMPLETE`).
    FlagsLimited,
    /// Every flavor and version, but only where a trace is judged: the rule
    /// is about what a trace records, which a step of the conformance
    /// harness cannot leave out, so no hunt exercises it.
    Traces,
}

impl Scope {
    /// Whether a rule of this scope applies in `settings`.
    pub fn applies(self, settings: &Settings) -> bool {
        match self {
            Scope::Always => true,
            Scope::Kmdf => settings.flavor == Flavor::Kmdf,
            Scope::MustComplete => settings.must_complete_exists(),
            Scope::FlagsLimited => !settings.must_complete_exists(),
            Scope::Traces => true,
        }
    }

    /// Whether a hunt can exercise a rule of this scope in `settings`: it
    /// applies there and is not about traces alone.
    pub fn hunted(self, settings: &Settings) -> bool {
        self != Scope::Traces && self.applies(settings)
    }

    /// In words, for the rule table.
    pub fn describe(self) -> &'static str {
        match self {
            Scope::Always => "all",
            Scope::Kmdf => "KMDF, UMDF 2",
            Scope::MustComplete => "KMDF, UMDF 2 from 1.11",
            Scope::FlagsLimited => "UMDF 1; KMDF before 1.11",
            Scope::Traces => "all (traces only)",
        }
    }
}

/// Whether the framework refuses a call that breaks a driver rule, and
/// what follows where it does not.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
#[non_exhaustive]
pub enum Refused {
    /// Always: the call fails (leaving only what the refusal writes).
    Always,
    /// Only with the verifier on; with it off the call takes effect.
    WithVerifier,
    /// Only with the verifier on; with it off the framework has no check
    /// and what follows is undefined.
    WithVerifierElseUndefined,
    /// Never: the call takes effect (warnings, driver errors the framework
    /// cannot see, and framework rules, which are not calls).
    Never,
    /// Never, and the framework has no check: what follows for the request
    /// is undefined (a verifier break at most, after which the call goes
    /// on). The model reports the rule and judges nothing more of the
    /// request.
    Undefined,
}

impl Refused {
    /// Whether the framework refuses the call in `settings`.
    pub fn in_settings(self, settings: &Settings) -> bool {
        match self {
            Refused::Always => true,
            Refused::WithVerifier | Refused::WithVerifierElseUndefined => settings.verifier,
            Refused::Never | Refused::Undefined => false,
        }
    }

    /// Whether, not refused in `settings`, what follows is undefined.
    pub fn undefined_in(self, settings: &Settings) -> bool {
        match self {
            Refused::Undefined => true,
            Refused::WithVerifierElseUndefined => !settings.verifier,
            Refused::Always | Refused::WithVerifier | Refused::Never => false,
        }
    }

    /// In words, for the rule table.
    pub fn describe(self) -> &'static str {
        match self {
            Refused::Always => "always",
            Refused::WithVerifier => "verifier on",
            Refused::WithVerifierElseUndefined => "verifier on (off: undefined)",
            Refused::Never => "no",
            Refused::Undefined => "no: undefined",
        }
    }
}

/// One rule of the request lifecycle.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
pub struct Rule {
    /// The rule's stable ID.
    pub id: RuleId,
    /// Whose obligation it is: the driver's, the framework's or the I/O
    /// target's.
    pub obligation: Obligation,
    /// How a trace checker reports a break of it.
    pub severity: Severity,
    /// The settings in which the rule applies.
    pub scope: Scope,
    /// Whether the framework refuses a call that breaks it.
    pub refused: Refused,
    /// The status a refusal writes into the request, where the framework's
    /// code writes one (KMDF and UMDF 2; see [`Settings::shared_source`]):
    /// a status read afterwards returns it.
    #[serde(serialize_with = "status_name")]
    pub fails_with: Option<Status>,
    /// One sentence: what must hold.
    pub says: &'static str,
    /// Where it comes from.
    pub source: &'static str,
}

macro_rules! catalogue {
    ($(
        $konst:ident = $id:ident, $obligation:ident, $severity:ident, $scope:ident, $refused:ident,
        $(fails_with: $status:ident,)?
        says: $says:literal,
        source: $source:literal;
    )*) => {
        $(
            #[doc = concat!("`", stringify!($id), "` (", stringify!($obligation), ", ",
                stringify!($severity), ", applies: ", stringify!($scope), ", refused: ",
                stringify!($refused), "): ", $says, "\n\nSource: ", $source)]
            pub const $konst: Rule = Rule {
                id: RuleId::$id,
                obligation: Obligation::$obligation,
                severity: Severity::$severity,
                scope: Scope::$scope,
                refused: Refused::$refused,
                fails_with: catalogue!(@status $($status)?),
                says: $says,
                source: $source,
            };
        )*

        /// Every rule, in [`RuleId::ALL`] order.
        pub const CATALOGUE: &[Rule] = &[$($konst,)*];
    };
    (@status) => { None };
    (@status $status:ident) => { Some(Status::$status) };
}

fn status_name<S: serde::Serializer>(status: &Option<Status>, s: S) -> Result<S::Ok, S::Error> {
    match status {
        Some(status) => s.serialize_str(status.name().unwrap_or("?")),
        None => s.serialize_none(),
    }
}

catalogue! {
    REUSE_WHILE_PENDING = ReuseWhilePending, Driver, Error, Always, Undefined,
    says: "A request is reused only when no send of it is outstanding at an I/O target.",
    source: "Reusing Framework Request Objects; IWDFIoRequest2::Reuse; WdfRequestReuse; \
             src/framework/shared/core/fxrequest.cpp FxRequest::Reuse (from 1.9 with the \
             verifier on, a verifier break, after which Reuse goes on reinitialising the IRP \
             the target holds: undefined; UMDF 1: documentation only)";

    SEND_WHILE_PENDING = SendWhilePending, Driver, Error, Always, Always,
    says: "A request is sent only when no earlier send of it is outstanding.",
    source: "src/framework/shared/targets/general/fxiotarget.cpp FxIoTarget::SubmitLocked \
             (a bugcheck, REQUEST_ALREADY_SENT, verifier on or off); send and forget skips \
             Submit and has no such check: there what follows is undefined";

    SEND_UNFORMATTED = SendUnformatted, Driver, Error, Always, WithVerifier,
    fails_with: REQUEST_NOT_ACCEPTED,
    says: "A request is formatted before every send: after creation and after each completed send (in UMDF 1, after a Reuse too).",
    source: "fxiotarget.cpp FxIoTarget::VerifySubmitLocked refuses a request whose verifier \
             flag FXREQUEST_FLAG_FORMATTED is clear (STATUS_REQUEST_NOT_ACCEPTED, written by \
             SubmitLocked); fxrequestbase.cpp FxRequestBase::CompleteSubmitted clears the flag, \
             FxRequest::Reuse does not (see format-after-reuse); UMDF 1: Reusing Framework \
             Request Objects (documentation only)";

    MODIFY_WHILE_PENDING = ModifyWhilePending, Driver, Error, Always, Undefined,
    says: "A request is neither formatted nor given a completion callback while it is outstanding.",
    source: "Request Ownership (a sent request is not the driver's to touch); \
             fxrequestapi.cpp WdfRequestSetCompletionRoutine and fxiotargetkm.cpp \
             FxIoTarget::FormatIoRequest have no check (the call races the completion, or \
             frees the IRP in flight): undefined; added";

    DELETE_WHILE_PENDING = DeleteWhilePending, Driver, Error, Always, Undefined,
    says: "A request is deleted only when no send of it is outstanding.",
    source: "fxrequestbase.cpp FxRequestBase::VerifyDispose (from 1.11 with the verifier on, \
             a verifier break, after which the delete goes on and the routine still runs for \
             the deleted request): undefined; SDV rule ReqDelete";

    COMPLETE_WHILE_PENDING = CompleteWhilePending, Driver, Error, Always, Undefined,
    says: "A queue-presented request is completed only when no send of it is outstanding.",
    source: "Request Ownership; Completing I/O Requests; fxrequest.cpp \
             FxRequest::CompleteInternal has no check: the IRP the lower driver holds is \
             completed, undefined";

    ACCESS_AFTER_COMPLETE = AccessAfterComplete, Driver, Error, Always, Undefined,
    says: "After completing a queue-presented request the driver makes no call on it, not even a second Complete.",
    source: "Completing I/O Requests; SDV rules InvalidReqAccess and DoubleCompletion; \
             fxhandle.h FxObjectHandleGetPtr checks only for NULL: a completed request's \
             handle is stale, undefined";

    ACCESS_AFTER_DELETE = AccessAfterDelete, Driver, Error, Always, Undefined,
    says: "After deleting a request the driver makes no call on it.",
    source: "IWDFObject::DeleteWdfObject; WdfObjectDelete; SDV rule InvalidReqAccessLocal; \
             fxhandle.h FxObjectHandleGetPtr: a stale handle, undefined";

    DELETE_RECEIVED = DeleteReceived, Driver, Error, Always, Undefined,
    says: "A queue-presented request is completed, never deleted: completing it deletes it.",
    source: "Completing I/O Requests; fxrequest.cpp FxRequest::PostProcessCompletion deletes \
             the object; fxobjectapi.cpp WdfObjectDelete has no request check: undefined";

    COMPLETE_CREATED = CompleteCreated, Driver, Error, Always, WithVerifierElseUndefined,
    says: "A driver-created request is deleted, never completed (unless its latest Reuse asked MUST_COMPLETE).",
    source: "SDV rule ReqDelete; fxrequest.cpp FxRequest::VerifyRequestIsDriverOwned and \
             VerifyRequestCanBeCompleted (verifier on); with it off CompleteInternal only \
             breaks and releases a reference never taken: undefined";

    SEND_RECEIVED_WITHOUT_CALLBACK = SendReceivedWithoutCallback, Driver, Error, Kmdf, Always,
    fails_with: INVALID_DEVICE_REQUEST,
    says: "An asynchronous send of a queue-presented request has a completion callback registered.",
    source: "src/framework/shared/core/fxrequestapi.cpp WdfRequestSend \
             (STATUS_INVALID_DEVICE_REQUEST, checked before FxIoTarget::SubmitLocked's checks, \
             in every version and verifier setting); added: the KMDF source refuses it";

    SEND_CANCELLED = SendCancelled, Driver, Error, Kmdf, Always,
    fails_with: CANCELLED,
    says: "A request cancelled since its last Reuse is reused before it is sent again: until then every send of it fails with STATUS_CANCELLED.",
    source: "fxrequestbase.cpp FxRequestBase::Cancel sets m_Canceled whether or not a send is \
             outstanding; only FxRequest::Reuse (and ClearFieldsForReuse) clears it; \
             fxiotarget.cpp FxIoTarget::SubmitLocked then fails the send (STATUS_CANCELLED \
             written, no callback); added";

    SEND_TARGET_NOT_ACCEPTING = SendTargetNotAccepting, Driver, Error, Always, Always,
    fails_with: INVALID_DEVICE_STATE,
    says: "A request is sent only to an I/O target that takes requests: started; stopped, where the send is queued until the next start; or purged, with the send ignoring the target's state. A purged or closed target fails the send with STATUS_INVALID_DEVICE_STATE.",
    source: "src/framework/shared/targets/general/fxiotarget.cpp FxIoTarget::SubmitLocked \
             (the state check comes after VerifySubmitLocked and before the m_Canceled one; \
             IGNORE_TARGET_STATE passes every state but closed and deleted; the status is \
             written, no callback runs); UMDF 1: IWDFIoTargetStateManagement (documentation \
             only); added";

    FORMAT_TARGET_CLOSED = FormatTargetClosed, Driver, Error, Kmdf, Always,
    says: "A request is formatted only for an I/O target that is open: formatting it for a closed target fails with STATUS_INVALID_DEVICE_STATE and releases what the request was formatted with.",
    source: "src/framework/shared/core/fxrequestbase.cpp FxRequestBase::ValidateTarget, which \
             FxIoTarget::FormatIoRequest runs first: ContextReleaseAndRestore (the verifier's \
             formatted flag cleared), then STATUS_INVALID_DEVICE_STATE when the target has no \
             stack size, as after GotoRemoveState's ClearTargetPointers \
             (targets/general/fxiotarget.cpp), which happens when no send of it is out any more \
             (m_Removing until then); ContextReleaseAndRestore releases only an I/O context, so \
             formatting with the current type survives. UMDF 2's user-mode target always reports a \
             stack size (um/fxiotargetum.hpp), so there the format succeeds: the model takes UMDF 2 \
             as KMDF 1.33 and does not tell them apart; added";

    FORMAT_CURRENT_WITHOUT_IRP = FormatCurrentWithoutIrp, Driver, Error, Kmdf, Always,
    says: "A request is formatted with its current type only when it has an IRP: one created without an I/O target has none until it is formatted for a target or reused with a new IRP.",
    source: "src/framework/shared/core/fxrequestapi.cpp WdfRequestFormatRequestUsingCurrentType \
             (a bugcheck, WDF_REQUEST_FATAL_ERROR_NULL_IRP); core/fxrequest.cpp FxRequest::_Create \
             allocates no IRP without a target; added";

    STATUS_WITHOUT_IRP = StatusWithoutIrp, Driver, Error, Kmdf, Undefined,
    says: "The status of a request is read only while it has an IRP: not after it was created without an I/O target (until formatted for one or reused with a new IRP), nor after a MUST_COMPLETE request was completed.",
    source: "core/fxrequest.cpp FxRequest::GetStatus reads m_Irp with no check (a NULL \
             dereference: undefined); FxRequest::_Create allocates no IRP without a target, and \
             completing a MUST_COMPLETE request detaches its IRP (m_Irp.SetIrp(NULL)); added";

    SEND_WITHOUT_IRP = SendWithoutIrp, Driver, Error, Kmdf, Undefined,
    says: "A request is sent only while it has an IRP: not after it was created without an I/O target and never formatted for one or given a new IRP, nor after a MUST_COMPLETE request was completed.",
    source: "targets/general/fxiotarget.cpp FxIoTarget::SubmitLocked takes the request's IRP \
             after its sent-to-target check and writes into it on every path, a refusal's \
             included (CheckError): a NULL dereference, undefined; added";

    FORGET_TARGET_CLOSED = ForgetTargetClosed, Driver, Error, Kmdf, Undefined,
    says: "A request is sent and forgotten only to an I/O target that is not closed: the send goes straight to the target's device, which the close took away.",
    source: "core/fxrequestapi.cpp WdfRequestSend sends and forgets through FxIoTarget::Send \
             (IoCallDriver on m_TargetDevice) without SubmitLocked's state check; \
             targets/general/fxiotarget.cpp GotoRemoveState and RemoveCompletedRequestLocked \
             clear the device once no send is out (ClearTargetPointers): undefined. UMDF 2's \
             user-mode target differs and is not told apart here (the model takes UMDF 2 as KMDF \
             1.33); added";

    SYNC_SEND_WHILE_STOPPED = SyncSendWhileStopped, Driver, Error, Always, Undefined,
    says: "A synchronous send without a timeout goes to a started target or ignores the target's state: at a stopped one it is queued, and the caller waits until another thread starts the target and the target finishes the request (the only caller never returns). With a timeout the wait runs out, and the send fails with STATUS_IO_TIMEOUT.",
    source: "fxiotarget.cpp FxIoTarget::SubmitSync waits on its event whether SubmitLocked \
             sent or queued the request; FxIoTarget::GotoStartState resubmits the queued \
             ones; added: a sequence here has one caller, which no step can wake, so the \
             model judges nothing more of the request";

    FORMAT_AFTER_REUSE = FormatAfterReuse, Driver, Error, Kmdf, Never,
    says: "A reused request is formatted again before it is sent: Reuse reinitialises a driver-created request's IRP and releases an I/O context's formatting, so what was formatted is gone, though the verifier's formatted flag is not.",
    source: "fxrequest.cpp FxRequest::Reuse (the request context's ReleaseAndRestore keeps \
             FXREQUEST_FLAG_FORMATTED, so VerifySubmitLocked lets the send through); Reusing \
             Framework Request Objects; the continuous reader in fxusbpipe.cpp formats after \
             every Reuse; added";

    FORGET_CREATED = ForgetCreated, Driver, Error, Always, Always,
    fails_with: INVALID_DEVICE_STATE,
    says: "Only a queue-presented request is sent and forgotten.",
    source: "WDF_REQUEST_SEND_OPTIONS_FLAGS; fxrequestapi.cpp WdfRequestSend \
             (STATUS_INVALID_DEVICE_STATE)";

    FORGET_FORMATTED = ForgetFormatted, Driver, Error, Always, Always,
    fails_with: INVALID_DEVICE_REQUEST,
    says: "A request sent and forgotten carries no I/O context: it was never formatted with an I/O target's format call (in UMDF 1: it is not formatted with one now).",
    source: "fxrequestapi.cpp WdfRequestSend tests HasContext() (STATUS_INVALID_DEVICE_REQUEST); \
             the context FxIoTarget::FormatIoRequest attaches is never detached by completion, \
             Reuse or formatting with the current type; SDV rule \
             RequestSendAndForgetNoFormatting";

    FORGET_WITH_CALLBACK = ForgetWithCallback, Driver, Error, Always, Never,
    says: "A request sent and forgotten has no completion callback registered: none will run.",
    source: "WDF_REQUEST_SEND_OPTIONS_FLAGS (send-and-forget asks for no notification)";

    FORGET_WITH_TIMEOUT = ForgetWithTimeout, Driver, Error, Kmdf, Always,
    fails_with: INVALID_PARAMETER,
    says: "A request sent and forgotten is given no other send option, as a timeout.",
    source: "WDF_REQUEST_SEND_OPTIONS_FLAGS; fxrequestvalidatefunctions.hpp \
             FxValidateRequestOptions, which WdfRequestSend runs before any other check, \
             refuses SEND_AND_FORGET with another flag (STATUS_INVALID_PARAMETER written, \
             the request left alive); added";

    ACCESS_AFTER_FORGET = AccessAfterForget, Driver, Error, Always, Undefined,
    says: "After sending a request and forgetting it the driver makes no call on it.",
    source: "WDF_REQUEST_SEND_OPTIONS_FLAGS; fxrequestapi.cpp WdfRequestSend \
             (FxRequest::PostProcessSendAndForget frees the request: its handle is stale, \
             undefined)";

    REUSE_FLAG_UNAVAILABLE = ReuseFlagUnavailable, Driver, Error, FlagsLimited, Always,
    says: "Reuse flags are given only to WdfRequestReuse, and MUST_COMPLETE only from framework 1.11.",
    source: "IWDFIoRequest2::Reuse takes only a status; fxrequestapi.cpp WdfRequestReuse \
             rejects a flag outside the version's mask (MUST_COMPLETE before 1.11) with \
             STATUS_INVALID_PARAMETER before FxRequest::Reuse runs";

    NEW_IRP_RECEIVED = NewIrpReceived, Driver, Error, Kmdf, Always,
    says: "Reuse is given a new IRP only for a driver-created request.",
    source: "WdfRequestReuse; WDF_REQUEST_REUSE_PARAMS; fxrequest.cpp FxRequest::Reuse \
             (STATUS_WDF_REQUEST_INVALID_STATE)";

    MUST_COMPLETE_INTERNAL_IRP = MustCompleteInternalIrp, Driver, Error, MustComplete, Always,
    says: "Reuse with MUST_COMPLETE is asked only for a request carrying a driver-supplied IRP.",
    source: "fxrequest.cpp FxRequest::Reuse (MUST_COMPLETE refuses an internally allocated IRP)";

    SEND_WITHOUT_CALLBACK = SendWithoutCallback, Driver, Warning, Always, Never,
    says: "An asynchronous send has a completion callback registered since the last Reuse or completed send.",
    source: "Reusing Framework Request Objects (register again after Reuse); SDV rule ReqCompletionRoutine";

    RESEND_WITHOUT_REUSE = ResendWithoutReuse, Driver, Warning, Always, Never,
    says: "A request that was sent is reused before it is sent again, since only Reuse resets its status and cancel state.",
    source: "fxrequest.cpp FxRequest::Reuse; Reusing Framework Request Objects; \
             added: the framework allows it, every resubmission in the sources reuses first \
             (targets/usb/fxusbpipe.cpp continuous reader, bthecho repeat reader)";

    REQUEST_NOT_COMPLETED = RequestNotCompleted, Driver, Warning, Always, Never,
    says: "Every queue-presented request is completed before the sequence ends.",
    source: "Completing I/O Requests; SDV rule RequestCompleted";

    CALLBACK_LEAK = CallbackLeak, Framework, Error, Always, Never,
    says: "A completion never invokes a callback or context that a Reuse deregistered, a later registration replaced or an earlier completion consumed.",
    source: "Reusing Framework Request Objects; IWDFIoRequest2::Reuse; \
             fxrequest.cpp FxRequest::Reuse clears the routine (from 1.9: before it, Reuse \
             deregisters nothing, so a kept callback is due, not leaked); \
             fxrequestbase.cpp CompleteSubmitted consumes it";

    CALLBACK_TWICE = CallbackTwice, Framework, Error, Always, Never,
    says: "A completed send invokes its callback at most once.",
    source: "fxrequestbase.cpp FxRequestBase::CompleteSubmitted fetches and clears the routine in one step";

    CALLBACK_WITHOUT_SEND = CallbackWithoutSend, Framework, Error, Always, Never,
    says: "A callback is invoked only for a request whose send a target has just finished.",
    source: "IRequestCallbackRequestCompletion::OnCompletion; EVT_WDF_REQUEST_COMPLETION_ROUTINE";

    CALLBACK_MISSING = CallbackMissing, Framework, Error, Always, Never,
    says: "A completed send invokes the callback registered for it.",
    source: "IWDFIoRequest::SetCompletionCallback; WdfRequestSetCompletionRoutine";

    CALLBACK_MISMATCH = CallbackMismatch, Framework, Error, Always, Never,
    says: "A callback receives the context registered with it and the target's status and information.",
    source: "IRequestCallbackRequestCompletion::OnCompletion; EVT_WDF_REQUEST_COMPLETION_ROUTINE";

    STATUS_MISMATCH = StatusMismatch, Framework, Error, Always, Never,
    says: "A request reports the status set by its latest Reuse or completed send.",
    source: "IWDFIoRequest2::Reuse (hrStatus); WDF_REQUEST_REUSE_PARAMS; WdfRequestGetStatus";

    TARGET_COMPLETE_UNSENT = TargetCompleteUnsent, Target, Error, Always, Always,
    says: "An I/O target finishes only a send that is outstanding at it.",
    source: "fxiotarget.cpp FxIoTarget::RequestCompletionRoutine (only sent requests are on the \
             target's list); added so that a trace or an implementation cannot invent completions";

    TIMEOUT_UNARMED = TimeoutUnarmed, Target, Error, Always, Always,
    says: "A send times out only while it is outstanding with a timeout, and at most once.",
    source: "fxiotarget.cpp FxIoTarget::SubmitLocked starts the timer only for a send with \
             WDF_REQUEST_SEND_OPTION_TIMEOUT, and RemoveCompletedRequestLocked / CancelTimer \
             stop it at completion; added so that a trace or an implementation cannot invent \
             a timeout";

    SYNC_SEND_UNANSWERED = SyncSendUnanswered, Framework, Error, Traces, Never,
    says: "A synchronous send the framework accepts returns only after its I/O target finished the request: a trace records the target's completion before any later event of the request.",
    source: "src/framework/shared/targets/general/fxiotarget.cpp FxIoTarget::SubmitSync waits \
             for the completion when SubmitLocked sent the request, and returns at once, with \
             the refusal's status and no completion, when it did not (so a refused `sync` send \
             has no `target_complete`); added for traces: the conformance harness performs a \
             synchronous send and its answer as one call";
}

/// The catalogue entry of `id`.
pub fn rule(id: RuleId) -> &'static Rule {
    // INVARIANT: CATALOGUE is in RuleId::ALL order (tested below).
    &CATALOGUE[id.index()]
}

/// The catalogue as a Markdown table (ID, obligation, severity, settings
/// it applies in, whether the framework refuses it, what it says, source):
/// what `wdfreq rules` prints and the README embeds.
pub fn markdown_table() -> String {
    let mut table = String::from(
        "| ID | obligation | severity | applies | refused | fails with | rule | source |\n\
         |---|---|---|---|---|---|---|---|\n",
    );
    for rule in CATALOGUE {
        let fails_with = rule
            .fails_with
            .map_or("", |status| status.name().unwrap_or("?"));
        table.push_str(&format!(
            "| `{}` | {} | {} | {} | {} | {fails_with} | {} | {} |\n",
            rule.id,
            rule.obligation,
            rule.severity,
            rule.scope.describe(),
            rule.refused.describe(),
            rule.says,
            rule.source.replace('|', "\\|")
        ));
    }
    table
}

#[cfg(test)]
mod tests;
