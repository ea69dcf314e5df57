//! The concurrent contract: an implementation shared between threads,
//! whose completion routines run on whatever thread finishes a send and
//! may call back into it.
//!
//! [`ConcurrentConformance`] is [`Conformance`]'s twin for `&self`: the
//! harness calls it from several threads at once (driver threads, and a
//! thread standing for the I/O targets that finishes sends), and an
//! implementation invokes the driver's completion routine, a
//! [`CompletionRoutine`] it is given when built, instead of reporting
//! deliveries to be drained. [`Locked`] turns any sequential
//! [`Conformance`] into a concurrent one with one lock, which is how the
//! simulated framework takes part.
//!
//! # Contract
//!
//! - Each method may be called from any thread, concurrently with any
//!   other, for the same request or others. The harness judges what
//!   happened afterwards, as a history: it asks whether some order of the
//!   calls, consistent with when each was made and returned, is one the
//!   framework allows ([`crate::linearize`]).
//! - A completion routine runs during the call that finishes its send (a
//!   target's completion, a synchronous send, a cancel, a timeout, a
//!   target change), before that call returns, on any thread, and with no
//!   lock held that a call into the implementation would need: the routine
//!   may make calls itself (Reuse and send again from inside the routine,
//!   as a continuous reader does).
//! - A call whose outcome the framework leaves undefined in some order of
//!   the calls (a Reuse racing the target's completion of the same request)
//!   may do anything but hang or corrupt other requests: the history is
//!   judged in every order, and the undefined one does not judge that
//!   request further.
//! - A panic in any method is a failure of the implementation.

use std::fmt;
use std::hash::Hash;

// The facade: `std` normally, Shuttle's primitives under the `shuttle`
// feature, so that a controlled scheduler can order these locks too.
use crate::sync::{Arc, Mutex, MutexGuard, lock};

use super::conformance::{Conformance, Refusal};
use crate::vocab::{Call, Completion, Delivery, QueueId, Reply, Settings, TargetChange, TargetId};

/// The driver's completion routine: what an implementation calls when it
/// invokes the callback registered for a request
/// (`EVT_WDF_REQUEST_COMPLETION_ROUTINE`), with the request's handle.
pub trait CompletionRoutine<H>: Send + Sync {
    /// The routine runs for `delivery`.
    fn run(&self, delivery: Delivery<H>);
}

/// An implementation of the request lifecycle shared between threads (see
/// the module docs).
pub trait ConcurrentConformance: Send + Sync {
    /// The implementation's own name for a request object.
    type Handle: Clone + Eq + Hash + fmt::Debug + Send + Sync;

    /// As [`Conformance::create_request`].
    fn create_request(&self, irp: bool) -> Result<Self::Handle, Refusal>;

    /// As [`Conformance::receive_request`].
    fn receive_request(&self, queue: QueueId) -> Result<Self::Handle, Refusal>;

    /// As [`Conformance::perform`]; a routine that finishes during the call
    /// runs before it returns.
    fn perform(&self, request: &Self::Handle, call: &Call) -> Result<Reply, Refusal>;

    /// As [`Conformance::target_complete`]; the completion routine runs
    /// before it returns.
    fn target_complete(
        &self,
        request: &Self::Handle,
        completion: Completion,
    ) -> Result<(), Refusal>;

    /// As [`Conformance::timed_out`].
    fn timed_out(&self, request: &Self::Handle) -> Result<(), Refusal>;

    /// As [`Conformance::change_target`].
    fn change_target(&self, target: TargetId, change: TargetChange) -> Result<(), Refusal>;

    /// As [`Conformance::check_invariants`], called when no other call is
    /// under way.
    fn check_invariants(&self) -> Result<(), String> {
        Ok(())
    }
}

/// The routine a concurrent instance is built with, for handles `H`.
pub type Routine<H> = Arc<dyn CompletionRoutine<H>>;

/// A concurrent implementation as a whole: its name, the settings it
/// implements, and a fresh shared instance for one case.
pub trait ConcurrentImplementation: Send + Sync + Clone + 'static {
    /// One instance, shared by the threads of one case.
    type Instance: ConcurrentConformance;

    /// As [`Implementation::name`](super::Implementation::name).
    fn name(&self) -> String;

    /// As [`Implementation::settings`](super::Implementation::settings).
    fn settings(&self) -> Vec<Settings>;

    /// A fresh instance for `settings`, which runs `routine` for every
    /// completion routine it invokes.
    fn build(
        &self,
        settings: Settings,
        routine: Routine<<Self::Instance as ConcurrentConformance>::Handle>,
    ) -> Self::Instance;
}

/// `settings`, when `implementation` declares them; else why not (as
/// [`Implementation::check_settings`](super::Implementation::check_settings)
/// says it for a sequential one).
pub fn check_concurrent_settings<M: ConcurrentImplementation>(
    implementation: &M,
    settings: Settings,
) -> Result<Settings, super::NotImplemented> {
    let declared = implementation.settings();
    if declared.contains(&settings) {
        Ok(settings)
    } else {
        Err(super::NotImplemented {
            implementation: implementation.name(),
            asked: settings,
            declared,
        })
    }
}

/// A reference to a concurrent implementation is one: `&MyFramework`, as
/// [`ConformanceTest::new`](crate::testing::ConformanceTest::new) takes.
impl<T: ConcurrentImplementation> ConcurrentImplementation for &'static T {
    type Instance = T::Instance;

    fn name(&self) -> String {
        (**self).name()
    }

    fn settings(&self) -> Vec<Settings> {
        (**self).settings()
    }

    fn build(
        &self,
        settings: Settings,
        routine: Routine<<Self::Instance as ConcurrentConformance>::Handle>,
    ) -> Self::Instance {
        (**self).build(settings, routine)
    }
}

/// A sequential implementation made safe to share: every call holds one
/// lock, and the routines the call invoked run after the lock is released,
/// before the call returns. Each call is then atomic, so it conforms
/// whenever the sequential implementation does; a framework with finer
/// locking is what the concurrent hunt is for.
pub struct Locked<C: Conformance> {
    inner: Mutex<C>,
    routine: Routine<C::Handle>,
}

impl<C: Conformance> Locked<C> {
    /// `inner` behind one lock, invoking `routine`.
    pub fn new(inner: C, routine: Routine<C::Handle>) -> Self {
        Locked {
            inner: Mutex::new(inner),
            routine,
        }
    }

    /// The implementation, locked: the caller drains what it delivers.
    pub fn lock(&self) -> MutexGuard<'_, C> {
        // A panic under the lock is the implementation's failure, and
        // reported as one; the state it left is still what the next call
        // sees, as in a framework without poisoning.
        lock(&self.inner)
    }

    /// The routine the implementation's completions run.
    pub fn routine(&self) -> &Routine<C::Handle> {
        &self.routine
    }

    /// Runs `call` on the implementation under the lock, then the
    /// routines it invoked, outside it.
    pub fn locked<T>(&self, call: impl FnOnce(&mut C) -> T) -> T {
        let (result, delivered) = {
            let mut inner = self.lock();
            let result = call(&mut inner);
            let mut delivered = Vec::new();
            inner.drain_deliveries(&mut delivered);
            (result, delivered)
        };
        for delivery in delivered {
            self.routine.run(delivery);
        }
        result
    }
}

impl<C> ConcurrentConformance for Locked<C>
where
    C: Conformance + Send,
    C::Handle: Eq + Hash + Send + Sync,
{
    type Handle = C::Handle;

    fn create_request(&self, irp: bool) -> Result<Self::Handle, Refusal> {
        self.locked(|inner| inner.create_request(irp))
    }

    fn receive_request(&self, queue: QueueId) -> Result<Self::Handle, Refusal> {
        self.locked(|inner| inner.receive_request(queue))
    }

    fn perform(&self, request: &Self::Handle, call: &Call) -> Result<Reply, Refusal> {
        self.locked(|inner| inner.perform(request, call))
    }

    fn target_complete(
        &self,
        request: &Self::Handle,
        completion: Completion,
    ) -> Result<(), Refusal> {
        self.locked(|inner| inner.target_complete(request, completion))
    }

    fn timed_out(&self, request: &Self::Handle) -> Result<(), Refusal> {
        self.locked(|inner| inner.timed_out(request))
    }

    fn change_target(&self, target: TargetId, change: TargetChange) -> Result<(), Refusal> {
        self.locked(|inner| inner.change_target(target, change))
    }

    fn check_invariants(&self) -> Result<(), String> {
        self.locked(|inner| inner.check_invariants())
    }
}

/// The completion routines a [`Sequential`] instance ran, kept to be
/// drained.
struct Collected<H>(Mutex<Vec<Delivery<H>>>);

impl<H: Send> CompletionRoutine<H> for Collected<H> {
    fn run(&self, delivery: Delivery<H>) {
        lock(&self.0).push(delivery);
    }
}

/// A concurrent implementation driven from one thread, as the sequential
/// harness drives one: the routines it runs are kept and drained after
/// each step. So any concurrent implementation can be hunted sequentially
/// too, which is how a race shows to be one: the sequential hunt passes
/// where the concurrent one fails.
pub struct Sequential<C: ConcurrentConformance> {
    instance: C,
    ran: Arc<Collected<C::Handle>>,
}

impl<C: ConcurrentConformance> Sequential<C> {
    /// A fresh instance of `implementation` for `settings`, to drive
    /// sequentially.
    pub fn build<M>(implementation: &M, settings: Settings) -> Self
    where
        M: ConcurrentImplementation<Instance = C>,
        C::Handle: 'static,
    {
        let ran = Arc::new(Collected(Mutex::new(Vec::new())));
        let instance = implementation.build(settings, Arc::clone(&ran) as Routine<C::Handle>);
        Sequential { instance, ran }
    }
}

impl<C: ConcurrentConformance> Conformance for Sequential<C> {
    type Handle = C::Handle;

    fn create_request(&mut self, irp: bool) -> Result<Self::Handle, Refusal> {
        self.instance.create_request(irp)
    }

    fn receive_request(&mut self, queue: QueueId) -> Result<Self::Handle, Refusal> {
        self.instance.receive_request(queue)
    }

    fn perform(&mut self, request: &Self::Handle, call: &Call) -> Result<Reply, Refusal> {
        self.instance.perform(request, call)
    }

    fn target_complete(
        &mut self,
        request: &Self::Handle,
        completion: Completion,
    ) -> Result<(), Refusal> {
        self.instance.target_complete(request, completion)
    }

    fn timed_out(&mut self, request: &Self::Handle) -> Result<(), Refusal> {
        self.instance.timed_out(request)
    }

    fn change_target(&mut self, target: TargetId, change: TargetChange) -> Result<(), Refusal> {
        self.instance.change_target(target, change)
    }

    fn drain_deliveries(&mut self, into: &mut Vec<Delivery<Self::Handle>>) {
        into.append(&mut lock(&self.ran.0));
    }

    fn check_invariants(&self) -> Result<(), String> {
        self.instance.check_invariants()
    }
}
