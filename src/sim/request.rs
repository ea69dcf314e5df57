//! The body of one live request in the simulated framework, and the only
//! code that changes its fields: reuse resets them in place, never by
//! allocating a new body.

use crate::vocab::{Completion, FormatKind, QueueId, Registration, ReuseFlags, Status, TargetId};

/// Where a request came from, which decides how it ordinarily dies.
///
/// A driver-created request (`IWDFDevice::CreateRequest` /
/// `WdfRequestCreate`) dies by `DeleteWdfObject` / `WdfObjectDelete`; a
/// request presented by an I/O queue dies by `Complete`. A stale handle
/// remembers its origin, so the framework can say which of the two the
/// driver already did (the pool records the rarer deaths, see [`Death`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Origin {
    /// Created by the driver; it owns the request until it deletes it (or
    /// completes it, after a Reuse with `MUST_COMPLETE`).
    Created,
    /// Presented by an I/O queue; the driver owns it until it completes it
    /// (or sends it and forgets it).
    Received,
}

/// How a request died, which decides the refusal a stale handle earns.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Death {
    /// `DeleteWdfObject` / `WdfObjectDelete` (created requests only).
    Deleted,
    /// `Complete`: a queue-presented request, or a created one marked
    /// must-complete by its latest Reuse.
    Completed,
    /// `Send` with `WDF_REQUEST_SEND_OPTION_SEND_AND_FORGET` (queue-presented
    /// requests only): the framework freed it for the driver.
    Forgotten,
}

impl Death {
    /// The way a request of `origin` usually dies: created requests by
    /// delete, queue-presented ones by complete. The pool records only
    /// deaths that differ from this.
    pub fn ordinary(origin: Origin) -> Death {
        match origin {
            Origin::Created => Death::Deleted,
            Origin::Received => Death::Completed,
        }
    }
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
/// deleted it, completed it, or sent it and forgot it ([`Death`]).
///
/// # Invariants
///
/// - `sent_to == Some(t)` if and only if target `t` holds exactly one
///   outstanding send of this request, and no other target holds one
///   (checked by `Framework::check_invariants`).
/// - `origin` equals the origin of every handle the pool gave out for this
///   body.
/// - `driver_irp` and `must_complete` are false for a received request:
///   only a created request takes a driver IRP, and `MUST_COMPLETE` on a
///   received request has no effect.
/// - `must_complete` implies `driver_irp` (Reuse refuses `MUST_COMPLETE`
///   on an internal IRP).
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
    /// Whether a Reuse gave it a driver-supplied IRP
    /// (`WDF_REQUEST_REUSE_SET_NEW_IRP`); sticky for the request's life.
    pub driver_irp: bool,
    /// Whether its latest Reuse asked for `WDF_REQUEST_REUSE_MUST_COMPLETE`
    /// (created requests only): `Complete` is then the way it ends.
    pub must_complete: bool,
    /// `m_Canceled`: a cancel was asked since the last Reuse, whether or not
    /// a send was outstanding then. A send fails while it is set (KMDF and
    /// UMDF 2; UMDF 1 never sets it).
    pub canceled: bool,
    /// The verifier's `FXREQUEST_FLAG_FORMATTED`: set by every format,
    /// cleared when a send comes back and by a `MUST_COMPLETE` Reuse. A
    /// plain Reuse keeps it in KMDF and UMDF 2 (it releases the I/O context
    /// directly) and clears it in UMDF 1.
    pub format_flag: bool,
    /// Whether a target's format call ever attached an I/O context
    /// (`HasContext()`): nothing detaches it, and send-and-forget refuses a
    /// request that has one (KMDF and UMDF 2).
    pub io_context: bool,
    /// The outstanding send's timer: `Some(false)` armed, `Some(true)`
    /// fired (the send was cancelled by it); `None` without a timeout.
    pub timer: Option<bool>,
    /// Whether it has an IRP (KMDF and UMDF 2): not when created without a
    /// target, until formatted for one or given a new IRP; not after a
    /// `MUST_COMPLETE` completion detached it.
    pub irp: bool,
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
            driver_irp: false,
            must_complete: false,
            canceled: false,
            format_flag: false,
            io_context: false,
            timer: None,
            irp: true,
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

    /// `IWDFIoRequest2::Reuse` / `WdfRequestReuse` with flags the
    /// framework already accepted, as UMDF 1 does it: resets the fields in
    /// place, allocating nothing. (`Framework::reuse` runs the same two
    /// phases with its checks between them; the unit tests below use this.)
    ///
    /// On an owned request the status becomes `status`; a created
    /// request's information is zeroed, a queue-presented request keeps
    /// it, because the framework resets only the status and cancel state
    /// of a request it did not build itself. On an outstanding request (a
    /// Reuse the verifier, off, let through) status and information are
    /// left alone: they belong to the send in flight.
    ///
    /// Either way the formatting is dropped, and the registration too when
    /// `clears_callback` (framework 1.9 and later); before 1.9 it stays,
    /// and the next finished send invokes it. On a created request
    /// `set_new_irp` marks a driver IRP for good and `must_complete` is
    /// set to what this Reuse asked; on a received request neither flag
    /// changes anything (the framework refused `set_new_irp` already).
    /// The cancel state is cleared.
    #[cfg(test)]
    pub(crate) fn reuse(&mut self, status: Status, flags: ReuseFlags, clears_callback: bool) {
        self.release_for_reuse(clears_callback, false);
        self.reinitialise(status, flags, false);
        if self.origin == Origin::Created {
            // INVARIANT: the framework refused `must_complete` without a
            // driver IRP, so `must_complete` implies `driver_irp`.
            self.must_complete = flags.must_complete;
            debug_assert!(!self.must_complete || self.driver_irp);
            if flags.must_complete {
                self.format_flag = false;
            }
        }
        self.canceled = false;
    }

    /// What Reuse does before it looks at its flags, and keeps even when
    /// they are refused: the registration dropped (when `clears_callback`),
    /// the formatting released; the verifier's flag cleared unless
    /// `keeps_format_flag` (KMDF and UMDF 2 keep it).
    pub fn release_for_reuse(&mut self, clears_callback: bool, keeps_format_flag: bool) {
        if clears_callback {
            self.registration = None;
        }
        self.formatted = None;
        if !keeps_format_flag {
            self.format_flag = false;
        }
    }

    /// The request's IRP made ready again with `status`: a queue-presented
    /// one keeps its information, a created one's internal IRP is zeroed,
    /// and a driver-supplied IRP (`set_new_irp` now or before) is left as
    /// it is when `driver_irp_kept` (KMDF and UMDF 2 reinitialise only an
    /// internal IRP). Nothing changes on an outstanding request: its IRP
    /// belongs to the send in flight.
    pub fn reinitialise(&mut self, status: Status, flags: ReuseFlags, driver_irp_kept: bool) {
        if self.origin == Origin::Created {
            self.driver_irp |= flags.set_new_irp;
            self.irp |= flags.set_new_irp;
        }
        // Nothing to write the status into without an IRP.
        if self.sent_to.is_some() || (self.driver_irp && driver_irp_kept) || !self.irp {
            return;
        }
        self.status = status;
        if self.origin == Origin::Created {
            self.information = 0;
        }
    }

    /// The target finished the outstanding send with `completion`: the
    /// request is owned again, reports the target's completion, must be
    /// formatted again before another send, and its registration is taken
    /// out in one step, so it can fire at most once.
    pub fn finish_send(&mut self, completion: Completion) -> Option<Registration> {
        debug_assert!(self.sent_to.is_some(), "finish of a send not outstanding");
        self.sent_to = None;
        self.timer = None;
        self.status = completion.status;
        self.information = completion.information;
        self.formatted = None;
        self.format_flag = false;
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
        created.reuse(Status::UNSUCCESSFUL, ReuseFlags::NONE, true);
        assert_eq!(created.information, 0);

        let mut received = used(Origin::Received);
        received.reuse(Status::UNSUCCESSFUL, ReuseFlags::NONE, true);
        assert_eq!(received.information, 64);
    }

    #[test]
    fn reuse_sets_status_and_drops_format_callback_and_context() {
        for origin in [Origin::Created, Origin::Received] {
            let mut request = used(origin);
            request.reuse(Status::CANCELLED, ReuseFlags::NONE, true);
            assert_eq!(request.status, Status::CANCELLED);
            assert_eq!(request.formatted, None);
            assert_eq!(request.registration, None);
        }
    }

    #[test]
    fn reuse_keeps_the_registration_when_told_not_to_clear_it() {
        let mut request = used(Origin::Created);
        let registered = request.registration;
        request.reuse(Status::CANCELLED, ReuseFlags::NONE, false);
        assert_eq!(request.registration, registered);
        assert_eq!(request.formatted, None);
    }

    #[test]
    fn reuse_of_an_outstanding_request_keeps_status_and_information() {
        let mut request = used(Origin::Created);
        request.sent_to = Some(TargetId(0));
        request.reuse(Status::CANCELLED, ReuseFlags::NONE, true);
        assert_eq!(request.status, Status::DEVICE_NOT_READY);
        assert_eq!(request.information, 64);
        assert_eq!(request.formatted, None);
        assert_eq!(request.registration, None);
        assert!(request.is_outstanding());
    }

    #[test]
    fn new_irp_is_sticky_and_must_complete_lasts_one_reuse() {
        let mut request = used(Origin::Created);
        let both = ReuseFlags {
            set_new_irp: true,
            must_complete: true,
        };
        request.reuse(Status::SUCCESS, both, true);
        assert!(request.driver_irp && request.must_complete);
        request.reuse(Status::SUCCESS, ReuseFlags::NONE, true);
        assert!(request.driver_irp, "the driver IRP was forgotten");
        assert!(!request.must_complete, "must-complete outlived its reuse");
    }

    #[test]
    fn must_complete_on_a_received_request_marks_nothing() {
        let mut request = used(Origin::Received);
        let flags = ReuseFlags {
            set_new_irp: false,
            must_complete: true,
        };
        request.reuse(Status::SUCCESS, flags, true);
        assert!(!request.must_complete && !request.driver_irp);
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
