//! The body of one live request in the simulated framework, and the only
//! code that changes its fields: reuse resets them in place, never by
//! allocating a new body.

use crate::vocab::{Completion, FormatKind, QueueId, Registration, Status, TargetId};

/// Where a request came from, which decides how it dies.
///
/// A driver-created request (`IWDFDevice::CreateRequest` /
/// `WdfRequestCreate`) dies by `DeleteWdfObject` / `WdfObjectDelete`; a
/// request presented by an I/O queue dies by `Complete`. A stale handle
/// remembers its origin, so the framework can say which of the two the
/// driver already did.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Origin {
    /// Created by the driver; it owns the request until it deletes it.
    Created,
    /// Presented by an I/O queue; the driver owns it until it completes it.
    Received,
}

/// One live request object, as the framework keeps it.
///
/// # States
///
/// A live request is in one of two states, encoded by [`Request::sent_to`]:
///
/// - owned by the driver: `sent_to == None`;
/// - outstanding at exactly one I/O target: `sent_to == Some(target)`.
///
/// A dead request has no body at all: the pool freed it when the driver
/// deleted (created origin) or completed (received origin) it.
///
/// # Invariants
///
/// - `sent_to == Some(t)` if and only if target `t` holds exactly one
///   outstanding send of this request, and no other target holds one
///   (checked by `Framework::check_invariants`).
/// - `origin` equals the origin of every handle the pool gave out for this
///   body.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Request {
    /// How the request was born; fixed for its life.
    pub origin: Origin,
    /// The queue that presented it (received requests only).
    pub queue: Option<QueueId>,
    /// How it was last formatted; `None` until formatted, and again after
    /// a reuse or a completed send.
    pub formatted: Option<FormatKind>,
    /// The completion callback and context registered since the last reuse
    /// or completed send.
    pub registration: Option<Registration>,
    /// The target at which a send of it is outstanding.
    pub sent_to: Option<TargetId>,
    /// The completion status it reports.
    pub status: Status,
    /// The completion information it reports.
    pub information: u64,
}

impl Request {
    /// A new request: owned, unformatted, no callback, information 0.
    ///
    /// The status of a new request is unspecified by the framework's
    /// documentation; the simulation says `STATUS_SUCCESS`.
    pub fn new(origin: Origin, queue: Option<QueueId>) -> Request {
        Request {
            origin,
            queue,
            formatted: None,
            registration: None,
            sent_to: None,
            status: Status::SUCCESS,
            information: 0,
        }
    }

    /// Whether a send of the request is outstanding at a target.
    pub fn is_outstanding(&self) -> bool {
        self.sent_to.is_some()
    }

    /// The completion status and information the request reports.
    pub fn completion(&self) -> Completion {
        Completion {
            status: self.status,
            information: self.information,
        }
    }

    /// `IWDFIoRequest2::Reuse` / `WdfRequestReuse` on a request that is not
    /// outstanding: resets the fields in place, allocating nothing.
    ///
    /// The status becomes `status`. A created request's information is
    /// zeroed; a queue-presented request keeps it, because the framework
    /// resets only the status and cancel state of a request it did not
    /// build itself. Formatting, callback and context are all dropped, so a
    /// later send invokes only a callback registered after this reuse.
    pub fn reuse(&mut self, status: Status) {
        // INVARIANT: the caller refused reuse while outstanding, so no
        // target holds a send of this request and there is no cancel state
        // left to clear (it lives with the outstanding send).
        debug_assert!(self.sent_to.is_none(), "reuse of an outstanding request");
        self.status = status;
        if self.origin == Origin::Created {
            self.information = 0;
        }
        self.formatted = None;
        self.registration = None;
    }

    /// The target finished the outstanding send with `completion`: the
    /// request is owned again, reports the target's completion, must be
    /// formatted again before another send, and its registration is taken
    /// out in one step, so it can fire at most once.
    pub fn finish_send(&mut self, completion: Completion) -> Option<Registration> {
        debug_assert!(self.sent_to.is_some(), "finish of a send not outstanding");
        self.sent_to = None;
        self.status = completion.status;
        self.information = completion.information;
        self.formatted = None;
        self.registration.take()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::vocab::{CallbackId, ContextId};

    fn used(origin: Origin) -> Request {
        Request {
            formatted: Some(FormatKind::Read),
            registration: Some(Registration {
                callback: CallbackId(1),
                context: Some(ContextId(2)),
            }),
            status: Status::DEVICE_NOT_READY,
            information: 64,
            ..Request::new(origin, None)
        }
    }

    #[test]
    fn reuse_zeroes_information_of_a_created_request_only() {
        let mut created = used(Origin::Created);
        created.reuse(Status::UNSUCCESSFUL);
        assert_eq!(created.information, 0);

        let mut received = used(Origin::Received);
        received.reuse(Status::UNSUCCESSFUL);
        assert_eq!(received.information, 64);
    }

    #[test]
    fn reuse_sets_status_and_drops_format_callback_and_context() {
        for origin in [Origin::Created, Origin::Received] {
            let mut request = used(origin);
            request.reuse(Status::CANCELLED);
            assert_eq!(request.status, Status::CANCELLED);
            assert_eq!(request.formatted, None);
            assert_eq!(request.registration, None);
        }
    }

    #[test]
    fn finishing_a_send_takes_the_registration_exactly_once() {
        let mut request = used(Origin::Created);
        request.sent_to = Some(TargetId(0));
        let done = Completion {
            status: Status::SUCCESS,
            information: 7,
        };
        assert!(request.finish_send(done).is_some());
        assert_eq!(request.completion(), done);
        assert_eq!(request.formatted, None);
        assert!(!request.is_outstanding());

        request.sent_to = Some(TargetId(0));
        assert_eq!(request.finish_send(done), None);
    }
}
