//! [`SimError`]: every reason the simulated framework refuses a call, one
//! variant per cause, each naming the rule it enforces.

use super::pool::Handle;
use crate::vocab::{ReuseFlags, RuleId, TargetId};

/// Why the simulated framework refused a call. A refused call changes
/// nothing. Some driver errors are refused only with the verifier on (see
/// [`Framework`](super::Framework)); the variants here are the refusals.
///
/// Every variant names the request (and, where one is involved, the
/// target), so a message says where the driver went wrong.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum SimError {
    /// A driver-created request was used after `DeleteWdfObject` /
    /// `WdfObjectDelete`.
    #[error("{request} is used after it was deleted")]
    AccessAfterDelete {
        /// The deleted request the call is made on (a stale handle).
        request: Handle,
    },
    /// A request was used after `Complete`.
    #[error("{request} is used after it was completed")]
    AccessAfterComplete {
        /// The completed request the call is made on (a stale handle).
        request: Handle,
    },
    /// A queue-presented request was used after a send-and-forget.
    #[error("{request} is used after it was sent and forgotten")]
    AccessAfterForget {
        /// The forgotten request the call is made on (a stale handle).
        request: Handle,
    },
    /// `FormatRequestFor*` on a request outstanding at a target.
    #[error("{request} is formatted while outstanding at {target}")]
    FormatWhilePending {
        /// The request the refused call was made on.
        request: Handle,
        /// The target at which the request is outstanding.
        target: TargetId,
    },
    /// `SetCompletionCallback` on a request outstanding at a target.
    #[error("{request} gets a completion callback while outstanding at {target}")]
    SetCallbackWhilePending {
        /// The request the refused call was made on.
        request: Handle,
        /// The target at which the request is outstanding.
        target: TargetId,
    },
    /// `Send` of a request already outstanding (`REQUEST_ALREADY_SENT`).
    #[error("{request} is sent while already outstanding at {target}")]
    SendWhilePending {
        /// The request the refused call was made on.
        request: Handle,
        /// The target at which the request is already outstanding.
        target: TargetId,
    },
    /// `Send` of a request not formatted since its last reuse or completed
    /// send (`STATUS_REQUEST_NOT_ACCEPTED`).
    #[error("{request} is sent without being formatted")]
    SendUnformatted {
        /// The request the refused call was made on.
        request: Handle,
    },
    /// An asynchronous `WdfRequestSend` of a queue-presented request with
    /// no completion routine (KMDF and UMDF 2).
    #[error("{request} was presented by a queue and is sent to {target} without a callback")]
    SendReceivedWithoutCallback {
        /// The request the refused call was made on.
        request: Handle,
        /// The target the request is sent to.
        target: TargetId,
    },
    /// Send-and-forget of a driver-created request.
    #[error("{request} was created by the driver and cannot be sent and forgotten")]
    ForgetCreated {
        /// The request the refused call was made on.
        request: Handle,
    },
    /// Send-and-forget of a request formatted for an I/O other than its
    /// own (anything but `FormatUsingCurrentType`): under KMDF, ever since
    /// its I/O context was attached; under UMDF 1, while so formatted.
    #[error("{request} is sent and forgotten with a formatted I/O context")]
    ForgetFormatted {
        /// The request the refused call was made on.
        request: Handle,
    },
    /// Send and forget with a timeout (KMDF and UMDF 2:
    /// `STATUS_INVALID_PARAMETER`, the request left alive).
    #[error("{request} is sent and forgotten with a timeout")]
    ForgetWithTimeout {
        /// The request the refused call was made on.
        request: Handle,
    },
    /// A timeout of a request with no timer armed (no send outstanding with
    /// a timeout, or its timer fired already).
    #[error("{request} has no send outstanding with a timer to fire")]
    TimeoutUnarmed {
        /// The request the refused call was made on.
        request: Handle,
    },
    /// A send of a request cancelled since its last Reuse (KMDF and UMDF 2:
    /// `STATUS_CANCELLED`).
    #[error("{request} is sent while cancelled: reuse it first")]
    SendCancelled {
        /// The request the refused call was made on.
        request: Handle,
    },
    /// A send to a target that takes none: purged (unless the send ignores
    /// the state) or closed (`STATUS_INVALID_DEVICE_STATE`).
    #[error("{request} is sent to {target}, which takes no requests now")]
    SendTargetNotAccepting {
        /// The request the refused call was made on.
        request: Handle,
        /// The target the request is sent to: purged or closed.
        target: TargetId,
    },
    /// Formatting with the current type of a request without an IRP (a
    /// bugcheck in KMDF and UMDF 2).
    #[error("{request} is formatted with its current type, but has no IRP")]
    FormatCurrentWithoutIrp {
        /// The request the refused call was made on.
        request: Handle,
    },
    /// A status read of a request without an IRP (a NULL dereference in
    /// KMDF and UMDF 2; the simulation refuses it).
    #[error("{request}'s status is read, but it has no IRP")]
    StatusWithoutIrp {
        /// The request the refused call was made on.
        request: Handle,
    },
    /// A send of a request without an IRP (a NULL dereference in KMDF and
    /// UMDF 2; the simulation refuses it).
    #[error("{request} is sent, but has no IRP")]
    SendWithoutIrp {
        /// The request the refused call was made on.
        request: Handle,
    },
    /// Formatting for a closed target (KMDF and UMDF 2:
    /// `STATUS_INVALID_DEVICE_STATE`; the formatting is released first).
    #[error("{request} is formatted for {target}, which is closed")]
    FormatTargetClosed {
        /// The request the refused call was made on.
        request: Handle,
        /// The closed target the request is formatted for.
        target: TargetId,
    },
    /// Send and forget to a closed target whose device is gone (undefined
    /// in KMDF; the simulation refuses it).
    #[error("{request} is sent and forgotten to {target}, which is closed")]
    ForgetTargetClosed {
        /// The request the refused call was made on.
        request: Handle,
        /// The closed target the request is sent to.
        target: TargetId,
    },
    /// A synchronous send to a stopped target, which would wait for a
    /// start no later call of this caller can make: the simulation refuses
    /// it.
    #[error("{request} is sent synchronously to the stopped {target}")]
    SyncSendWhileStopped {
        /// The request the refused call was made on.
        request: Handle,
        /// The stopped target the request is sent to.
        target: TargetId,
    },
    /// `Reuse` with a flag this framework does not have.
    #[error("{request} is reused with flags {flags:?}, which this framework does not have")]
    ReuseFlagUnavailable {
        /// The request the refused call was made on.
        request: Handle,
        /// The Reuse flags asked for, among them one this framework lacks.
        flags: ReuseFlags,
    },
    /// `Reuse` with `WDF_REQUEST_REUSE_SET_NEW_IRP` of a queue-presented
    /// request.
    #[error("{request} was presented by a queue and cannot take a new IRP")]
    NewIrpReceived {
        /// The request the refused call was made on.
        request: Handle,
    },
    /// `Reuse` with `WDF_REQUEST_REUSE_MUST_COMPLETE` of a created request
    /// that has the framework's internal IRP.
    #[error("{request} has an internal IRP and cannot be marked must-complete")]
    MustCompleteInternalIrp {
        /// The request the refused call was made on.
        request: Handle,
    },
    /// `Reuse` of a request still outstanding at a target.
    #[error("{request} is reused while outstanding at {target}")]
    ReuseWhilePending {
        /// The request the refused call was made on.
        request: Handle,
        /// The target at which the request is outstanding.
        target: TargetId,
    },
    /// `Complete` of a request still outstanding at a target.
    #[error("{request} is completed while outstanding at {target}")]
    CompleteWhilePending {
        /// The request the refused call was made on.
        request: Handle,
        /// The target at which the request is outstanding.
        target: TargetId,
    },
    /// `Complete` of a driver-created request, which has no originator,
    /// unless its latest Reuse marked it must-complete.
    #[error("{request} was created by the driver and cannot be completed")]
    CompleteCreated {
        /// The request the refused call was made on.
        request: Handle,
    },
    /// Delete of a request still outstanding at a target.
    #[error("{request} is deleted while outstanding at {target}")]
    DeleteWhilePending {
        /// The request the refused call was made on.
        request: Handle,
        /// The target at which the request is outstanding.
        target: TargetId,
    },
    /// Delete of a queue-presented request, which must be completed.
    #[error("{request} was presented by a queue and must be completed, not deleted")]
    DeleteReceived {
        /// The request the refused call was made on.
        request: Handle,
    },
    /// A target finished a live request that is not outstanding.
    #[error("a target finishes {request}, which is not outstanding")]
    TargetCompleteUnsent {
        /// The request the target finishes: never sent, already finished, or
        /// still queued at a stopped target that never saw it.
        request: Handle,
    },
    /// A target finished a request that no longer exists.
    #[error("a target finishes {request}, which no longer exists")]
    TargetCompleteDead {
        /// The request the target finishes, which died before (a stale handle).
        request: Handle,
    },
    /// The pool has no slot left for a new request. Not a rule: a limit of
    /// the simulation.
    #[error("no request slot is left")]
    PoolExhausted,
}

impl SimError {
    /// The rule the refused call breaks, or `None` for a limit of the
    /// simulation ([`SimError::PoolExhausted`]).
    pub fn rule(&self) -> Option<RuleId> {
        Some(match self {
            SimError::AccessAfterDelete { .. } => RuleId::AccessAfterDelete,
            SimError::AccessAfterComplete { .. } => RuleId::AccessAfterComplete,
            SimError::AccessAfterForget { .. } => RuleId::AccessAfterForget,
            SimError::FormatWhilePending { .. } | SimError::SetCallbackWhilePending { .. } => {
                RuleId::ModifyWhilePending
            }
            SimError::SendWhilePending { .. } => RuleId::SendWhilePending,
            SimError::SendUnformatted { .. } => RuleId::SendUnformatted,
            SimError::SendReceivedWithoutCallback { .. } => RuleId::SendReceivedWithoutCallback,
            SimError::ForgetCreated { .. } => RuleId::ForgetCreated,
            SimError::ForgetFormatted { .. } => RuleId::ForgetFormatted,
            SimError::SendCancelled { .. } => RuleId::SendCancelled,
            SimError::SendTargetNotAccepting { .. } => RuleId::SendTargetNotAccepting,
            SimError::SyncSendWhileStopped { .. } => RuleId::SyncSendWhileStopped,
            SimError::FormatTargetClosed { .. } => RuleId::FormatTargetClosed,
            SimError::FormatCurrentWithoutIrp { .. } => RuleId::FormatCurrentWithoutIrp,
            SimError::StatusWithoutIrp { .. } => RuleId::StatusWithoutIrp,
            SimError::SendWithoutIrp { .. } => RuleId::SendWithoutIrp,
            SimError::ForgetTargetClosed { .. } => RuleId::ForgetTargetClosed,
            SimError::TimeoutUnarmed { .. } => RuleId::TimeoutUnarmed,
            SimError::ForgetWithTimeout { .. } => RuleId::ForgetWithTimeout,
            SimError::ReuseFlagUnavailable { .. } => RuleId::ReuseFlagUnavailable,
            SimError::NewIrpReceived { .. } => RuleId::NewIrpReceived,
            SimError::MustCompleteInternalIrp { .. } => RuleId::MustCompleteInternalIrp,
            SimError::ReuseWhilePending { .. } => RuleId::ReuseWhilePending,
            SimError::CompleteWhilePending { .. } => RuleId::CompleteWhilePending,
            SimError::CompleteCreated { .. } => RuleId::CompleteCreated,
            SimError::DeleteWhilePending { .. } => RuleId::DeleteWhilePending,
            SimError::DeleteReceived { .. } => RuleId::DeleteReceived,
            SimError::TargetCompleteUnsent { .. } | SimError::TargetCompleteDead { .. } => {
                RuleId::TargetCompleteUnsent
            }
            SimError::PoolExhausted => return None,
        })
    }
}
