//! The rule catalogue: for every [`RuleId`], whose obligation it is, how
//! serious, one sentence, and the source it comes from. The `rules`
//! command, the README's rule table and the trace checker all read this
//! catalogue; nothing else states a rule.
//!
//! Sources are named by Microsoft's page title (UMDF 1 first, KMDF second)
//! or by the path and function in microsoft/Windows-Driver-Frameworks. Rules
//! the reference notes did not list are marked "added" in their source, with
//! the reason.

use crate::vocab::{Obligation, RuleId, Severity};

/// One rule of the request lifecycle.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
pub struct Rule {
    pub id: RuleId,
    pub obligation: Obligation,
    pub severity: Severity,
    /// One sentence: what must hold.
    pub says: &'static str,
    /// Where it comes from.
    pub source: &'static str,
}

macro_rules! catalogue {
    ($(
        $konst:ident = $id:ident, $obligation:ident, $severity:ident,
        says: $says:literal,
        source: $source:literal;
    )*) => {
        $(
            #[doc = concat!("`", stringify!($id), "` (", stringify!($obligation), ", ",
                stringify!($severity), "): ", $says, "\n\nSource: ", $source)]
            pub const $konst: Rule = Rule {
                id: RuleId::$id,
                obligation: Obligation::$obligation,
                severity: Severity::$severity,
                says: $says,
                source: $source,
            };
        )*

        /// Every rule, in [`RuleId::ALL`] order.
        pub const CATALOGUE: &[Rule] = &[$($konst,)*];
    };
}

catalogue! {
    REUSE_WHILE_PENDING = ReuseWhilePending, Driver, Error,
    says: "A request is reused only when no send of it is outstanding at an I/O target.",
    source: "Reusing Framework Request Objects; IWDFIoRequest2::Reuse; WdfRequestReuse; \
             src/framework/shared/core/fxrequest.cpp FxRequest::Reuse (verifier break)";

    SEND_WHILE_PENDING = SendWhilePending, Driver, Error,
    says: "A request is sent only when no earlier send of it is outstanding.",
    source: "src/framework/shared/targets/general/fxiotarget.cpp \
             FxIoTarget::VerifySubmitLocked (REQUEST_ALREADY_SENT)";

    SEND_UNFORMATTED = SendUnformatted, Driver, Error,
    says: "A request is formatted before every send: after creation, after a Reuse and after each completed send.",
    source: "fxiotarget.cpp FxIoTarget::VerifySubmitLocked (STATUS_REQUEST_NOT_ACCEPTED); \
             fxrequestbase.cpp FxRequestBase::CompleteSubmitted clears the formatted flag; \
             WdfRequestSetCompletionRoutine";

    MODIFY_WHILE_PENDING = ModifyWhilePending, Driver, Error,
    says: "A request is neither formatted nor given a completion callback while it is outstanding.",
    source: "Request Ownership (a sent request is not the driver's to touch); \
             added: the framework has no check, the ownership rule makes both calls races";

    DELETE_WHILE_PENDING = DeleteWhilePending, Driver, Error,
    says: "A request is deleted only when no send of it is outstanding.",
    source: "fxrequestbase.cpp FxRequestBase::VerifyDispose; SDV rule ReqDelete";

    COMPLETE_WHILE_PENDING = CompleteWhilePending, Driver, Error,
    says: "A queue-presented request is completed only when no send of it is outstanding.",
    source: "Request Ownership; Completing I/O Requests";

    ACCESS_AFTER_COMPLETE = AccessAfterComplete, Driver, Error,
    says: "After completing a queue-presented request the driver makes no call on it, not even a second Complete.",
    source: "Completing I/O Requests; SDV rules InvalidReqAccess and DoubleCompletion";

    ACCESS_AFTER_DELETE = AccessAfterDelete, Driver, Error,
    says: "After deleting a request the driver makes no call on it.",
    source: "IWDFObject::DeleteWdfObject; WdfObjectDelete; SDV rule InvalidReqAccessLocal";

    DELETE_RECEIVED = DeleteReceived, Driver, Error,
    says: "A queue-presented request is completed, never deleted: completing it deletes it.",
    source: "Completing I/O Requests; fxrequest.cpp FxRequest::PostProcessCompletion deletes the object";

    COMPLETE_CREATED = CompleteCreated, Driver, Error,
    says: "A driver-created request is deleted, never completed.",
    source: "SDV rule ReqDelete; fxrequest.cpp FxRequest::VerifyRequestCanBeCompleted";

    SEND_WITHOUT_CALLBACK = SendWithoutCallback, Driver, Warning,
    says: "An asynchronous send has a completion callback registered since the last Reuse or completed send.",
    source: "Reusing Framework Request Objects (register again after Reuse); SDV rule ReqCompletionRoutine";

    RESEND_WITHOUT_REUSE = ResendWithoutReuse, Driver, Warning,
    says: "A request that was sent is reused before it is sent again, since only Reuse resets its status and cancel state.",
    source: "fxrequest.cpp FxRequest::Reuse; Reusing Framework Request Objects; \
             added: the framework allows it, every resubmission in the sources reuses first \
             (targets/usb/fxusbpipe.cpp continuous reader, bthecho repeat reader)";

    REQUEST_NOT_COMPLETED = RequestNotCompleted, Driver, Warning,
    says: "Every queue-presented request is completed before the sequence ends.",
    source: "Completing I/O Requests; SDV rule RequestCompleted";

    CALLBACK_LEAK = CallbackLeak, Framework, Error,
    says: "A completion never invokes a callback or context that a Reuse deregistered or a later registration replaced.",
    source: "Reusing Framework Request Objects; IWDFIoRequest2::Reuse; \
             fxrequest.cpp FxRequest::Reuse clears the routine (framework 1.9 and later)";

    CALLBACK_TWICE = CallbackTwice, Framework, Error,
    says: "A completed send invokes its callback at most once.",
    source: "fxrequestbase.cpp FxRequestBase::CompleteSubmitted fetches and clears the routine in one step";

    CALLBACK_WITHOUT_SEND = CallbackWithoutSend, Framework, Error,
    says: "A callback is invoked only for a request whose send a target has just finished.",
    source: "IRequestCallbackRequestCompletion::OnCompletion; EVT_WDF_REQUEST_COMPLETION_ROUTINE";

    CALLBACK_MISSING = CallbackMissing, Framework, Error,
    says: "A completed send invokes the callback registered for it.",
    source: "IWDFIoRequest::SetCompletionCallback; WdfRequestSetCompletionRoutine";

    CALLBACK_MISMATCH = CallbackMismatch, Framework, Error,
    says: "A callback receives the context registered with it and the target's status and information.",
    source: "IRequestCallbackRequestCompletion::OnCompletion; EVT_WDF_REQUEST_COMPLETION_ROUTINE";

    STATUS_MISMATCH = StatusMismatch, Framework, Error,
    says: "A request reports the status set by its latest Reuse or completed send.",
    source: "IWDFIoRequest2::Reuse (hrStatus); WDF_REQUEST_REUSE_PARAMS; WdfRequestGetStatus";

    TARGET_COMPLETE_UNSENT = TargetCompleteUnsent, Target, Error,
    says: "An I/O target finishes only a send that is outstanding at it.",
    source: "fxiotarget.cpp FxIoTarget::RequestCompletionRoutine (only sent requests are on the \
             target's list); added so that a trace or an implementation cannot invent completions";
}

/// The catalogue entry of `id`.
pub fn rule(id: RuleId) -> &'static Rule {
    // INVARIANT: CATALOGUE is in RuleId::ALL order (tested below).
    &CATALOGUE[id.index()]
}

/// The catalogue as a Markdown table (ID, obligation, severity, what it
/// says, source): what `wdfreq rules` prints and the README embeds.
pub fn markdown_table() -> String {
    let mut table =
        String::from("| ID | obligation | severity | rule | source |\n|---|---|---|---|---|\n");
    for rule in CATALOGUE {
        table.push_str(&format!(
            "| `{}` | {} | {} | {} | {} |\n",
            rule.id,
            rule.obligation,
            rule.severity,
            rule.says,
            rule.source.replace('|', "\\|")
        ));
    }
    table
}

#[cfg(test)]
mod tests;
