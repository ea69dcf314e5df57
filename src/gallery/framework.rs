//! [`GalleryFramework`]: one [`Bug`] around a fresh simulated framework,
//! under the public conformance contract. Every call the bug does not
//! intercept reaches the simulated framework unchanged, so a mutant differs
//! from `sim` in exactly the behaviour its bug names.

use std::fmt;

use super::Mutant;
use crate::harness::conformance::{Conformance, Refusal};
use crate::sim::{Framework, Handle, Request};
use crate::vocab::{Call, Completion, Delivery, QueueId, Reply, Settings, TargetChange, TargetId};

/// What a call returns: its reply, or why it was refused.
pub type Replied = Result<Reply, Refusal>;

/// One deliberate bug: the calls it intercepts on the way to the simulated
/// framework.
///
/// Both methods default to the faithful call, so a bug overrides only the
/// one whose behaviour it alters, and within it delegates to [`Faithful`]
/// for everything but the altered part. A bug keeps whatever state its
/// mechanism needs; the harness makes a fresh one for every case.
pub trait Bug: Send {
    /// A driver call other than create and receive (see
    /// [`Conformance::perform`]).
    fn perform(&mut self, sim: &mut Faithful, request: &Handle, call: &Call) -> Replied {
        sim.perform(request, call)
    }

    /// The target at which `request` is outstanding finishes it (see
    /// [`Conformance::target_complete`]).
    fn target_complete(
        &mut self,
        sim: &mut Faithful,
        request: &Handle,
        completion: Completion,
    ) -> Result<(), Refusal> {
        sim.target_complete(request, completion)
    }

    /// The timeout of `request`'s outstanding send elapses (see
    /// [`Conformance::timed_out`]).
    fn timed_out(&mut self, sim: &mut Faithful, request: &Handle) -> Result<(), Refusal> {
        sim.timed_out(request)
    }

    /// The driver changes a target's state (see
    /// [`Conformance::change_target`]).
    fn change_target(
        &mut self,
        sim: &mut Faithful,
        target: TargetId,
        change: TargetChange,
    ) -> Result<(), Refusal> {
        sim.change_target(target, change)
    }
}

/// A key for per-request state a bug keeps: the slot and the generation,
/// which together name one request for the life of a framework (the pool
/// never stamps a generation twice on a slot).
pub type RequestKey = (u32, u32);

/// The key of the request `handle` names.
pub fn key(handle: &Handle) -> RequestKey {
    (handle.index(), handle.generation())
}

/// The unmodified simulated framework a bug wraps, with the log of the
/// callbacks invoked and not yet drained, which a bug may edit.
///
/// # Invariants
///
/// - After the faithful calls and the log accessors return, the
///   framework's own delivery log is empty: whatever it invoked is in
///   `invoked`, in order, so a bug that edits the log edits everything the
///   step invoked. (A native call through [`Faithful::framework_mut`] may
///   leave callbacks behind until the next of those.)
#[derive(Debug, Default)]
pub struct Faithful {
    framework: Framework,
    invoked: Vec<Delivery<Handle>>,
}

impl Faithful {
    /// The simulated framework, for inspection.
    pub fn framework(&self) -> &Framework {
        &self.framework
    }

    /// The simulated framework, for a bug's native calls. Callbacks those
    /// calls invoke are moved into the log by the next faithful call or
    /// drain.
    pub fn framework_mut(&mut self) -> &mut Framework {
        &mut self.framework
    }

    /// The live request `request` names; `None` when it is dead.
    pub fn request(&self, request: &Handle) -> Option<&Request> {
        self.framework.request(request)
    }

    /// The driver call, exactly as the simulated framework performs it.
    pub fn perform(&mut self, request: &Handle, call: &Call) -> Result<Reply, Refusal> {
        let reply = Conformance::perform(&mut self.framework, request, call);
        self.collect();
        reply
    }

    /// The target's completion, exactly as the simulated framework handles
    /// it; the callback it invokes, if any, is then in the log.
    pub fn target_complete(
        &mut self,
        request: &Handle,
        completion: Completion,
    ) -> Result<(), Refusal> {
        let done = Conformance::target_complete(&mut self.framework, request, completion);
        self.collect();
        done
    }

    /// The timeout of `request`'s send elapsing, exactly as the simulated
    /// framework handles it.
    pub fn timed_out(&mut self, request: &Handle) -> Result<(), Refusal> {
        let done = Conformance::timed_out(&mut self.framework, request);
        self.collect();
        done
    }

    /// The target's change, exactly as the simulated framework makes it;
    /// the callbacks it invokes, if any, are then in the log.
    pub fn change_target(&mut self, target: TargetId, change: TargetChange) -> Result<(), Refusal> {
        let done = Conformance::change_target(&mut self.framework, target, change);
        self.collect();
        done
    }

    /// The latest logged callback invoked for `request`, to edit.
    pub fn invoked_for(&mut self, request: &Handle) -> Option<&mut Delivery<Handle>> {
        self.collect();
        self.invoked
            .iter_mut()
            .rev()
            .find(|d| d.request == *request)
    }

    /// The log of callbacks invoked and not yet drained, oldest first.
    pub fn invoked_mut(&mut self) -> &mut Vec<Delivery<Handle>> {
        self.collect();
        &mut self.invoked
    }

    /// Whether the driver asked to cancel the outstanding send of
    /// `request` (`CancelSentRequest`); false when nothing is outstanding.
    pub fn cancel_requested(&self, request: &Handle) -> bool {
        let Some(target) = self.request(request).and_then(|r| r.sent_to) else {
            return false;
        };
        self.framework
            .outstanding(target)
            .iter()
            .any(|send| send.request == *request && send.cancel_requested)
    }

    /// The live request that now occupies the slot of the dead request
    /// `stale` names; `None` while `stale` is live or its slot is free.
    pub fn occupant(&self, stale: &Handle) -> Option<Handle> {
        if self.request(stale).is_some() {
            return None;
        }
        self.framework
            .pool()
            .live()
            .map(|(live, _)| live)
            .find(|live| live.index() == stale.index())
    }

    /// Moves what the framework invoked into the log.
    fn collect(&mut self) {
        self.framework.drain_deliveries(&mut self.invoked);
    }

    fn drain(&mut self, into: &mut Vec<Delivery<Handle>>) {
        self.collect();
        into.append(&mut self.invoked);
    }
}

/// The simulated framework with one mutant's bug: an implementation of the
/// request lifecycle that must fail conformance with the mutant's expected
/// rule.
pub struct GalleryFramework {
    mutant: Mutant,
    bug: Box<dyn Bug>,
    sim: Faithful,
}

impl GalleryFramework {
    /// A fresh framework with `mutant`'s bug, in the mutant's settings.
    pub fn new(mutant: &Mutant) -> GalleryFramework {
        GalleryFramework::with_settings(mutant, mutant.settings)
    }

    /// A fresh framework of `settings` with `mutant`'s bug.
    pub fn with_settings(mutant: &Mutant, settings: Settings) -> GalleryFramework {
        GalleryFramework {
            mutant: *mutant,
            bug: mutant.bug(),
            sim: Faithful {
                framework: Framework::with_settings(settings),
                invoked: Vec::new(),
            },
        }
    }

    /// The mutant whose bug this framework has.
    pub fn mutant(&self) -> &Mutant {
        &self.mutant
    }

    /// The simulated framework inside, for inspection.
    pub fn framework(&self) -> &Framework {
        self.sim.framework()
    }
}

impl fmt::Debug for GalleryFramework {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("GalleryFramework")
            .field("mutant", &self.mutant.name)
            .field("sim", &self.sim)
            .finish_non_exhaustive()
    }
}

impl Conformance for GalleryFramework {
    type Handle = Handle;

    fn create_request(&mut self, irp: bool) -> Result<Handle, Refusal> {
        Conformance::create_request(self.sim.framework_mut(), irp)
    }

    fn receive_request(&mut self, queue: QueueId) -> Result<Handle, Refusal> {
        Conformance::receive_request(self.sim.framework_mut(), queue)
    }

    fn perform(&mut self, request: &Handle, call: &Call) -> Result<Reply, Refusal> {
        self.bug.perform(&mut self.sim, request, call)
    }

    fn target_complete(&mut self, request: &Handle, completion: Completion) -> Result<(), Refusal> {
        self.bug.target_complete(&mut self.sim, request, completion)
    }

    fn timed_out(&mut self, request: &Handle) -> Result<(), Refusal> {
        self.bug.timed_out(&mut self.sim, request)
    }

    fn change_target(&mut self, target: TargetId, change: TargetChange) -> Result<(), Refusal> {
        self.bug.change_target(&mut self.sim, target, change)
    }

    fn drain_deliveries(&mut self, into: &mut Vec<Delivery<Handle>>) {
        self.sim.drain(into);
    }

    fn check_invariants(&self) -> Result<(), String> {
        self.sim.framework().check_invariants()
    }

    fn name(&self) -> String {
        format!("gallery mutant {}", self.mutant.name)
    }
}
