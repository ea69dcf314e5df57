//! An I/O target: its state, and each outstanding send exactly once, in the
//! order sent, until it finishes that send, or queued while it is stopped;
//! nothing about it depends on hash order, so the same calls always give
//! the same state.

use super::pool::Handle;
use crate::vocab::{SentIoAction, TargetChange, TargetState};

/// One send outstanding at a target.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct OutstandingSend {
    /// The request sent.
    pub request: Handle,
    /// Whether the driver asked to cancel it (`CancelSentRequest`). The
    /// send stays outstanding until the target finishes it anyway; the
    /// target decides the status it reports.
    pub cancel_requested: bool,
    /// Sent with `IGNORE_TARGET_STATE`: a stop or purge leaves it alone.
    pub ignores_state: bool,
}

/// What a change of a target's state did to its requests
/// ([`IoTarget::change`]).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Changed {
    /// The requests taken out of the queue, oldest first.
    pub dequeued: Vec<Handle>,
    /// The sends cancelled.
    pub cancelled: Vec<Handle>,
}

/// An I/O target (`IWDFIoTarget`, `WDFIOTARGET`): the lower driver or
/// device that requests are sent to.
///
/// # Invariants
///
/// - Each request appears at most once among the outstanding sends (the
///   framework refuses to send an outstanding request).
/// - The sends are kept in the order they were sent, the queued requests
///   in the order they were queued; a request is in one list at most.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct IoTarget {
    state: TargetState,
    sends: Vec<OutstandingSend>,
    queued: Vec<Handle>,
}

impl IoTarget {
    /// A target with nothing outstanding.
    pub fn new() -> IoTarget {
        IoTarget::default()
    }

    /// The target's state.
    pub fn state(&self) -> TargetState {
        self.state
    }

    /// Records a send of `request`, now outstanding here.
    pub fn submit(&mut self, request: Handle, ignores_state: bool) {
        // INVARIANT (pair with `finish`): at most one outstanding send per
        // request; the framework refused the send otherwise.
        assert!(
            self.position(&request).is_none() && !self.is_queued(&request),
            "{request} is already outstanding at this target"
        );
        self.sends.push(OutstandingSend {
            request,
            cancel_requested: false,
            ignores_state,
        });
    }

    /// Queues `request` until the target starts again.
    pub fn queue(&mut self, request: Handle) {
        assert!(
            self.position(&request).is_none() && !self.is_queued(&request),
            "{request} is already outstanding at this target"
        );
        self.queued.push(request);
    }

    /// Whether `request` waits here for a start.
    pub fn is_queued(&self, request: &Handle) -> bool {
        self.queued.contains(request)
    }

    /// Takes `request` out of the queue. Returns whether it was queued.
    pub fn unqueue(&mut self, request: &Handle) -> bool {
        let before = self.queued.len();
        self.queued.retain(|r| r != request);
        self.queued.len() != before
    }

    /// Changes the state as `change` says. Returns the requests queued
    /// here that it takes out of the queue, oldest first: those a start
    /// sends (already moved to the sends) or those a purge or close fails
    /// (for the caller to finish); and the sends it cancels (a stop that
    /// cancels, a purge, a close), marked here, whose requests the caller
    /// marks cancelled too.
    pub fn change(&mut self, change: TargetChange) -> Changed {
        // A closed target's device is gone: nothing here revives it.
        self.state = match (self.state, change) {
            (_, TargetChange::Close) | (TargetState::Closed, _) => TargetState::Closed,
            (_, TargetChange::Start) => TargetState::Started,
            (_, TargetChange::Stop(_)) => TargetState::Stopped,
            (_, TargetChange::Purge) => TargetState::Purged,
        };
        let close = change == TargetChange::Close;
        let cancels = matches!(
            change,
            TargetChange::Stop(SentIoAction::Cancel) | TargetChange::Purge | TargetChange::Close
        );
        let mut cancelled = Vec::new();
        if cancels {
            for send in self.sends.iter_mut().filter(|s| close || !s.ignores_state) {
                send.cancel_requested = true;
                cancelled.push(send.request);
            }
        }
        let dequeued = match change {
            TargetChange::Start => {
                let queued = std::mem::take(&mut self.queued);
                for request in &queued {
                    self.submit(*request, false);
                }
                queued
            }
            TargetChange::Purge | TargetChange::Close => std::mem::take(&mut self.queued),
            TargetChange::Stop(_) => Vec::new(),
        };
        Changed {
            dequeued,
            cancelled,
        }
    }

    /// The requests queued here, oldest first.
    pub fn queued(&self) -> &[Handle] {
        &self.queued
    }

    /// Marks the outstanding send of `request` as cancel-requested. Returns
    /// whether it was outstanding here.
    pub fn request_cancel(&mut self, request: &Handle) -> bool {
        match self.position(request) {
            Some(at) => {
                self.sends[at].cancel_requested = true;
                true
            }
            None => false,
        }
    }

    /// Finishes the outstanding send of `request`, which leaves the target.
    /// Returns it, or `None` if `request` was not outstanding here.
    pub fn finish(&mut self, request: &Handle) -> Option<OutstandingSend> {
        let at = self.position(request)?;
        // `remove`, not `swap_remove`: the remaining sends keep their order.
        let send = self.sends.remove(at);
        // INVARIANT (pair with `submit`): the send was held exactly once.
        debug_assert!(self.position(request).is_none());
        Some(send)
    }

    /// The sends outstanding here, oldest first.
    pub fn outstanding(&self) -> &[OutstandingSend] {
        &self.sends
    }

    /// Whether `request` is outstanding here.
    pub fn holds(&self, request: &Handle) -> bool {
        self.position(request).is_some()
    }

    fn position(&self, request: &Handle) -> Option<usize> {
        self.sends.iter().position(|send| send.request == *request)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sim::pool::Pool;
    use crate::sim::request::Origin;

    fn handles(n: usize) -> Vec<Handle> {
        let mut pool = Pool::new();
        (0..n)
            .map(|_| pool.insert(Origin::Created, None).unwrap())
            .collect()
    }

    #[test]
    fn finishing_a_send_removes_only_it_and_keeps_send_order() {
        let h = handles(3);
        let mut target = IoTarget::new();
        for request in &h {
            target.submit(*request, false);
        }
        assert!(target.finish(&h[0]).is_some());
        let left: Vec<Handle> = target.outstanding().iter().map(|s| s.request).collect();
        assert_eq!(left, vec![h[1], h[2]]);
        assert!(target.finish(&h[0]).is_none(), "a send finished twice");
    }

    #[test]
    fn cancel_marks_only_an_outstanding_send() {
        let h = handles(2);
        let mut target = IoTarget::new();
        target.submit(h[0], false);
        assert!(!target.request_cancel(&h[1]));
        assert!(target.request_cancel(&h[0]));
        assert!(target.holds(&h[0]), "cancel must not finish the send");
        assert!(!target.holds(&h[1]), "never submitted");
        assert_eq!(target.finish(&h[0]).map(|s| s.cancel_requested), Some(true));
        assert!(!target.holds(&h[0]), "finished");
    }

    #[test]
    #[should_panic(expected = "already outstanding")]
    fn submitting_an_outstanding_request_twice_breaks_the_invariant() {
        let h = handles(1);
        let mut target = IoTarget::new();
        target.submit(h[0], false);
        target.submit(h[0], false);
    }
}
