//! One request object as the specification sees it: where it came from,
//! who owns it, and what the framework holds for it.

use crate::vocab::{FormatKind, QueueId, Registration, Status, TargetId};

/// Where a request came from. It decides how the request's life ends.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Origin {
    /// `IWDFDevice::CreateRequest` / `WdfRequestCreate`: the driver deletes
    /// it when done.
    Created,
    /// Presented by an I/O queue: the driver completes it to its originator
    /// when done.
    Received { queue: QueueId },
}

/// Who holds a request, and whether it still exists.
///
/// ```text
///            send                    target completes
///   Owned ─────────────▶ Outstanding ─────────────────▶ Owned
///     │ complete (received)
///     ├──────────────────▶ Completed   (dead: every later call is refused)
///     │ delete (created)
///     ├──────────────────▶ Deleted     (dead: every later call is refused)
///     │ send and forget (received)
///     └──────────────────▶ Forgotten   (dead: every later call is refused)
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Life {
    /// The driver owns the request: it was just created or presented, or
    /// its last send came back. This is the "completed" of "reuse only
    /// after completion": not outstanding.
    Owned,
    /// Sent and not yet finished by `target`; the framework and the target
    /// own it ("Request Ownership"). `cancel_requested` records a
    /// `CancelSentRequest` that has not yet taken effect.
    Outstanding {
        target: TargetId,
        cancel_requested: bool,
    },
    /// A queue-presented request completed to its originator. Dead.
    Completed,
    /// A driver-created request deleted. Dead.
    Deleted,
    /// A queue-presented request sent and forgotten: the framework owns it
    /// now. Dead, for the driver.
    Forgotten,
}

/// The specification's view of one request.
///
/// # Invariants
///
/// - `Life::Outstanding` implies `formatted.is_some()` was true at the send
///   (the send is refused otherwise); the completion clears it.
/// - A dead request (`Completed`, `Deleted`) never changes again: every
///   call on it is refused.
/// - `Completed` only when [`Request::must_be_completed`], `Deleted` and
///   `Forgotten` only for one origin each (the other endings are refused).
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Request {
    pub origin: Origin,
    pub life: Life,
    /// How the request is formatted for its next send; `None` after
    /// creation, a Reuse, or a completed send.
    pub formatted: Option<FormatKind>,
    /// The completion callback and context registered since the last
    /// Reuse or completed send; the next completed send consumes it.
    pub registration: Option<Registration>,
    /// The registration that the latest Reuse deregistered (or that a new
    /// registration replaced): a delivery carrying it is a leak.
    pub dropped: Option<Registration>,
    /// The registration the latest completed send consumed: invoked once,
    /// it is gone, and a later delivery carrying it is a leak too.
    pub consumed: Option<Registration>,
    /// The completion status, where the sources specify it: `None` until a
    /// Reuse or a completed send sets it, and while outstanding.
    pub status: Option<Status>,
    /// The completion information, where specified (see `status`).
    pub information: Option<u64>,
    /// Whether the request was sent since it was created or last reused
    /// (for `resend-without-reuse`).
    pub sent_since_reuse: bool,
    /// Whether the request carries a driver-supplied IRP (Reuse with
    /// `SET_NEW_IRP`); only such a request may be reused `MUST_COMPLETE`.
    pub driver_irp: bool,
    /// Whether the latest Reuse asked `MUST_COMPLETE`: the driver-created
    /// request is then completed, not only deleted.
    pub must_complete: bool,
}

impl Request {
    /// A request just created or presented: owned, unformatted, with no
    /// callback and no specified status.
    pub fn new(origin: Origin) -> Self {
        Request {
            origin,
            life: Life::Owned,
            formatted: None,
            registration: None,
            dropped: None,
            consumed: None,
            status: None,
            information: None,
            sent_since_reuse: false,
            driver_irp: false,
            must_complete: false,
        }
    }

    /// Whether the request is gone for the driver (completed, deleted, or
    /// sent and forgotten).
    pub fn is_dead(&self) -> bool {
        matches!(self.life, Life::Completed | Life::Deleted | Life::Forgotten)
    }

    /// Whether the driver owes the request a Complete: it came from a queue,
    /// or its latest Reuse asked `MUST_COMPLETE`.
    pub fn must_be_completed(&self) -> bool {
        self.is_received() || self.must_complete
    }

    /// Whether a send of the request is outstanding at a target.
    pub fn is_outstanding(&self) -> bool {
        matches!(self.life, Life::Outstanding { .. })
    }

    /// Whether the request came from an I/O queue.
    pub fn is_received(&self) -> bool {
        matches!(self.origin, Origin::Received { .. })
    }
}
