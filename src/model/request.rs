//! One request object as the specification sees it: where it came from,
//! who owns it, and what the framework holds for it.

use crate::vocab::{CallbackId, ContextId, FormatKind, QueueId, Registration, Status, TargetId};

/// Where a request came from. It decides how the request's life ends.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Origin {
    /// `IWDFDevice::CreateRequest` / `WdfRequestCreate`: the driver deletes
    /// it when done.
    Created,
    /// Presented by an I/O queue: the driver completes it to its originator
    /// when done.
    Received {
        /// The queue that presented it.
        queue: QueueId,
    },
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
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[non_exhaustive]
pub enum Life {
    /// The driver owns the request: it was just created or presented, or
    /// its last send came back. This is the "completed" of "reuse only
    /// after completion": not outstanding.
    Owned,
    /// Sent and not yet finished by its target, or queued at a stopped
    /// target until it starts ([`Request::queued`]); the framework and the
    /// target own it ("Request Ownership").
    Outstanding,
    /// A queue-presented request completed to its originator. Dead.
    Completed,
    /// A driver-created request deleted. Dead.
    Deleted,
    /// A queue-presented request sent and forgotten: the framework owns it
    /// now. Dead, for the driver.
    Forgotten,
    /// A step broke a rule the framework has no check for: what the
    /// request is now is undefined, and nothing more about it is judged.
    Undefined,
}

/// The specification's view of one request.
///
/// # Invariants
///
/// Checked by [`Request::check_invariants`] after every step of a debug
/// build ([`super::Model::step`]), beside the one that holds across a
/// step: a dead request never changes again (every call on it is
/// refused).
///
/// 1. `Completed` only for a queue-presented request: Complete ends only
///    those; a driver-created one reused `MUST_COMPLETE` lives on after it.
/// 2. `Forgotten` only with no registration: send and forget drops it.
/// 3. `must_complete` only for a driver-created request: a queue-presented
///    one owes its Complete by origin.
/// 4. While `Outstanding`, no status or information is specified: the
///    target's, until it finishes.
/// 5. Only an outstanding request has a timer armed or fired (or one whose
///    state is undefined: nothing of it is kept up to date).
/// 6. An outstanding request has a target, and only an outstanding one is
///    queued or ignores its target's state (again but for an undefined
///    one). A queued request's send has not reached its target, so its
///    timer cannot have fired.
/// 7. An outstanding request has an IRP: a send without one is undefined.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Request {
    /// Created by the driver, or presented by a queue.
    pub origin: Origin,
    /// Where the request is in its life.
    pub life: Life,
    /// How the request is formatted for its next send; `None` after
    /// creation, a Reuse, or a completed send.
    pub formatted: Option<FormatKind>,
    /// The completion callback and context registered since the last
    /// Reuse or completed send; the next completed send consumes it.
    pub registration: Option<Registration>,
    /// Every callback and context that was registered for this request and
    /// is gone: deregistered by a Reuse, replaced by a later registration,
    /// or consumed by a completed send. A delivery carrying one, where it
    /// is not what was wanted, is a leak.
    pub gone: Gone,
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
    /// The request was cancelled since its last Reuse (`m_Canceled`):
    /// `FxRequestBase::Cancel` sets it whatever the request's state, only
    /// Reuse clears it, and a send fails while it is set. Kept in the shared
    /// source's settings only
    /// ([`Settings::shared_source`](crate::vocab::Settings::shared_source)).
    pub canceled: bool,
    /// The verifier's formatted flag (`FXREQUEST_FLAG_FORMATTED`): set by
    /// formatting, cleared by a completed send and by a `MUST_COMPLETE`
    /// Reuse, but not by a plain Reuse (in the shared source; UMDF 1 clears
    /// it at Reuse with `formatted`). The verifier refuses a send without
    /// it.
    pub verifier_formatted: bool,
    /// Whether the request was ever formatted with an I/O target's format
    /// call: the I/O context that attaches stays for good, and a request
    /// carrying one cannot be sent and forgotten.
    pub io_context: bool,
    /// The outstanding send has a timeout whose timer has not fired.
    pub timer_armed: bool,
    /// The outstanding send's timer fired and cancelled it: in the shared
    /// source, a completion with `STATUS_CANCELLED` then reports
    /// `STATUS_IO_TIMEOUT`.
    pub timed_out: bool,
    /// The target of the outstanding send.
    pub target: Option<TargetId>,
    /// The outstanding send waits at its stopped target
    /// (`FxIoTarget::PendRequestLocked`): it holds its place in the target's
    /// queue (lower goes first) until a start sends it, a cancel, timeout,
    /// purge or close fails it.
    pub queued: Option<u64>,
    /// Whether the request has an IRP: false after `WdfRequestCreate`
    /// without an I/O target (until a format for a target allocates one,
    /// or a Reuse gives a new one) and after a `MUST_COMPLETE` request's
    /// completion detached its IRP. Kept in the shared source only; UMDF
    /// 1's requests always have one.
    pub irp: bool,
    /// The outstanding send ignored the target's state
    /// (`WDF_REQUEST_SEND_OPTION_IGNORE_TARGET_STATE`: the target's
    /// `m_IgnoredIoListHead`): a stop or purge leaves it alone, a close
    /// cancels it.
    pub ignores_state: bool,
}

impl Life {
    /// The stage's name in a lifecycle diagram (`owned`, `outstanding`, ...).
    pub const fn name(self) -> &'static str {
        match self {
            Life::Owned => "owned",
            Life::Outstanding => "outstanding",
            Life::Completed => "completed",
            Life::Deleted => "deleted",
            Life::Forgotten => "forgotten",
            Life::Undefined => "undefined",
        }
    }
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
            gone: Gone::default(),
            status: None,
            information: None,
            sent_since_reuse: false,
            driver_irp: false,
            must_complete: false,
            canceled: false,
            verifier_formatted: false,
            io_context: false,
            timer_armed: false,
            timed_out: false,
            target: None,
            queued: None,
            ignores_state: false,
            irp: true,
        }
    }

    /// Whether the request is gone for the driver (completed, deleted, or
    /// sent and forgotten), or its state is undefined.
    pub fn is_dead(&self) -> bool {
        matches!(
            self.life,
            Life::Completed | Life::Deleted | Life::Forgotten | Life::Undefined
        )
    }

    /// Whether the driver owes the request a Complete: it came from a queue,
    /// or its latest Reuse asked `MUST_COMPLETE`.
    pub fn must_be_completed(&self) -> bool {
        self.is_received() || self.must_complete
    }

    /// Whether a send of the request is outstanding at a target.
    pub fn is_outstanding(&self) -> bool {
        matches!(self.life, Life::Outstanding)
    }

    /// Whether the request came from an I/O queue.
    pub fn is_received(&self) -> bool {
        matches!(self.origin, Origin::Received { .. })
    }

    /// Drops the registration, if any, into `gone`.
    pub(super) fn deregister(&mut self) -> Option<Registration> {
        let registration = self.registration.take();
        if let Some(registration) = registration {
            self.gone.insert(registration);
        }
        registration
    }

    /// The invariants the type's docs number, or the first one broken.
    pub fn check_invariants(&self) -> Result<(), &'static str> {
        let checks = [
            (
                self.life != Life::Completed || self.is_received(),
                "1: only a queue-presented request is completed",
            ),
            (
                self.life != Life::Forgotten || self.registration.is_none(),
                "2: a forgotten request has no registration",
            ),
            (
                !self.must_complete || !self.is_received(),
                "3: only a driver-created request is reused MUST_COMPLETE",
            ),
            (
                !self.is_outstanding() || (self.status.is_none() && self.information.is_none()),
                "4: an outstanding request's status is unspecified",
            ),
            (
                self.is_outstanding()
                    || self.life == Life::Undefined
                    || !(self.timer_armed || self.timed_out),
                "5: only an outstanding send has a timer",
            ),
            (
                self.life == Life::Undefined
                    || (self.is_outstanding() == self.target.is_some()
                        && (self.is_outstanding()
                            || (self.queued.is_none() && !self.ignores_state))
                        && (self.queued.is_none() || !self.timed_out)),
                "6: an outstanding request has a target; only it is queued",
            ),
            (
                self.irp || !self.is_outstanding(),
                "7: an outstanding request has an IRP",
            ),
        ];
        match checks.into_iter().find(|(holds, _)| !holds) {
            Some((_, broken)) => Err(broken),
            None => Ok(()),
        }
    }
}

/// A set of callbacks and a set of contexts: every one registered for a
/// request and gone from it since, however long ago.
///
/// Exact, whatever the ids: a trace's ids are 32 bits wide (its reader
/// gives each new name a new one), and `callback-leak` is judged against
/// the request's whole history. A request of a generated sequence, whose
/// ids are small, keeps them in bit sets and allocates nothing.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
pub struct Gone {
    callbacks: IdSet,
    contexts: IdSet,
}

impl Gone {
    /// Adds what `registration` carries.
    pub fn insert(&mut self, registration: Registration) {
        self.callbacks.insert(registration.callback.0);
        if let Some(context) = registration.context {
            self.contexts.insert(context.0);
        }
    }

    /// Whether `callback` is gone.
    pub fn has_callback(&self, callback: CallbackId) -> bool {
        self.callbacks.contains(callback.0)
    }

    /// Whether `context` is gone.
    pub fn has_context(&self, context: ContextId) -> bool {
        self.contexts.contains(context.0)
    }

    /// Whether nothing is gone.
    pub fn is_empty(&self) -> bool {
        self.callbacks.is_empty() && self.contexts.is_empty()
    }
}

/// A set of ids.
///
/// # Invariants
///
/// Ids below 64 are bits of `low`, never in `high`; `high` is sorted and
/// holds each id once. So one set has one representation, and the derived
/// equality and hash are the set's.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
struct IdSet {
    low: u64,
    high: Vec<u32>,
}

impl IdSet {
    fn insert(&mut self, id: u32) {
        if id < u64::BITS {
            self.low |= 1 << id;
        } else if let Err(at) = self.high.binary_search(&id) {
            self.high.insert(at, id);
        }
    }

    fn contains(&self, id: u32) -> bool {
        if id < u64::BITS {
            self.low & (1 << id) != 0
        } else {
            self.high.binary_search(&id).is_ok()
        }
    }

    fn is_empty(&self) -> bool {
        self.low == 0 && self.high.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn gone_holds_small_and_large_ids_alike_and_equal_sets_are_equal() {
        let registration = |callback, context| Registration {
            callback: CallbackId(callback),
            context: Some(ContextId(context)),
        };
        let (mut a, mut b) = (Gone::default(), Gone::default());
        assert!(a.is_empty());
        for (callback, context) in [(3, 70_000), (63, 64), (u32::MAX, 0), (3, 64)] {
            a.insert(registration(callback, context));
        }
        for (callback, context) in [(u32::MAX, 0), (3, 64), (63, 70_000)] {
            b.insert(registration(callback, context));
        }
        assert_eq!(a, b);
        for id in [3, 63, u32::MAX] {
            assert!(a.has_callback(CallbackId(id)), "{id}");
        }
        for id in [0, 64, 70_000] {
            assert!(a.has_context(ContextId(id)), "{id}");
        }
        assert!(!a.has_callback(CallbackId(64)) && !a.has_context(ContextId(63)));
        assert!(!a.is_empty());
    }
}
