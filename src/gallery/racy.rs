//! Racy mutants: the simulated framework with a race of its own, which
//! only threads running at once can show. Each does the right thing when
//! one thread drives it, so the sequential hunt passes it; the concurrent
//! hunt (`wdfreq hunt --concurrent`) must catch it.
//!
//! Each race has a window, a pause between two steps the real framework
//! takes under one lock (the lock is released in between here).
//!
//! A completion that reads the routine outside the lock is not among
//! them, though it looks like one: the framework's own code does that
//! (`FxRequestBase::CompleteSubmitted` reads and clears the routine and its
//! context under no lock, and runs it with none held), relying on the
//! driver not to touch a request it sent until the routine runs. A Reuse
//! or a registration racing it is the driver's error (`reuse-while-pending`,
//! `modify-while-pending`); the concurrent hunt makes a driver's calls wait
//! for the routine, as a driver learns of the completion from it. The pause
//! is widened to a few hundred microseconds so that a hunt meets it in
//! seconds; the real framework's windows are nanoseconds wide, which is
//! why these bugs survive testing.
//!
//! Under the `shuttle` feature the pause is a scheduling point of
//! Shuttle's controlled scheduler instead (`crate::sync`), and
//! `tests/schedules.rs` catches each mutant within a bounded number of
//! schedules drawn from a fixed seed, then replays the failing schedule.

use std::time::Duration;

use crate::harness::{
    ConcurrentConformance, ConcurrentImplementation, Implementation, Locked, Refusal, Routine,
    Sequential,
};
use crate::sim::{Framework, Handle};
// The lock and the window's pause from the facade: under the `shuttle`
// feature the window is a scheduling point of a controlled scheduler.
use crate::sync::{MutexGuard, window};
use crate::vocab::{
    Call, Completion, Delivery, QueueId, Reply, Settings, Status, TargetChange, TargetId,
};

/// A race, and where in the framework's code it is not.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Race {
    /// The timeout of a send checks that its timer is armed, then cancels
    /// the send in a second step: a target completion in between finishes
    /// the send, and the timeout, finding it gone, still invokes the
    /// callback it saw, so the routine runs twice for one send.
    CompletedTwice,
    /// `CancelSentRequest` takes the request's callback while the send is
    /// out, then cancels in a second step: when the target finished the
    /// send in between, the cancel completes it too, and the routine runs
    /// for the cancel as well as for the completion.
    CancelCompletion,
    /// After the completion routine returns, the target's completion
    /// finishes its bookkeeping as if the request were still the send it
    /// completed: a continuous reader's routine has already reused it and
    /// sent it again, and that send is completed on the spot, its routine
    /// never run. One thread never meets this: only a routine that calls
    /// back in does.
    ResendLost,
}

/// A racy mutant: the simulated framework with one race.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RacyMutant {
    /// The kebab-case name `wdfreq hunt --implementation` takes.
    pub name: &'static str,
    /// One sentence: what the framework gets wrong.
    pub description: &'static str,
    /// The race.
    pub race: Race,
}

/// Every racy mutant.
pub const RACY: [RacyMutant; 3] = [
    RacyMutant {
        name: "cancel-completion-race",
        description: "A cancel racing the target's completion completes the request too, so the routine runs for both.",
        race: Race::CancelCompletion,
    },
    RacyMutant {
        name: "resend-in-callback-lost",
        description: "A send made again from inside the completion routine is lost: the completion's bookkeeping after the routine completes it silently.",
        race: Race::ResendLost,
    },
    RacyMutant {
        name: "completed-twice-race",
        description: "A send's timeout and the target's completion both complete it when they race, so the routine runs twice.",
        race: Race::CompletedTwice,
    },
];

/// The racy mutant called `name`.
pub fn racy_by_name(name: &str) -> Option<RacyMutant> {
    RACY.into_iter().find(|mutant| mutant.name == name)
}

/// The simulated framework with `race`, shared between threads: behind
/// one lock as `sim` is ([`Locked`]), but for the steps of its race, which
/// take the lock twice.
pub struct RacyFramework {
    base: Locked<Framework>,
    race: Race,
}

/// The pause in a race's window (under the `shuttle` feature, a
/// scheduling point instead: see `crate::sync`).
const WINDOW: Duration = Duration::from_micros(300);

impl RacyFramework {
    fn lock(&self) -> MutexGuard<'_, Framework> {
        self.base.lock()
    }

    /// `call` under the lock; the routines it invoked run after.
    fn locked<T>(&self, call: impl FnOnce(&mut Framework) -> T) -> T {
        self.base.locked(call)
    }

    fn run(&self, delivery: Delivery<Handle>) {
        self.base.routine().run(delivery);
    }
}

impl ConcurrentConformance for RacyFramework {
    type Handle = Handle;

    fn create_request(&self, irp: bool) -> Result<Handle, Refusal> {
        self.base.create_request(irp)
    }

    fn receive_request(&self, queue: QueueId) -> Result<Handle, Refusal> {
        self.base.receive_request(queue)
    }

    fn perform(&self, request: &Handle, call: &Call) -> Result<Reply, Refusal> {
        if self.race != Race::CancelCompletion || *call != Call::Cancel {
            return self.locked(|inner| crate::harness::Conformance::perform(inner, request, call));
        }
        let seen = self
            .lock()
            .request(request)
            .filter(|r| r.is_outstanding())
            .and_then(|r| r.registration);
        window(WINDOW);
        let cancelled =
            self.locked(|inner| crate::harness::Conformance::perform(inner, request, call));
        match (cancelled, seen) {
            // The bug: the send came back in the window, and the cancel
            // completes it all the same, with the callback it saw.
            (
                Ok(Reply::Cancel {
                    was_outstanding: false,
                }),
                Some(registration),
            ) => {
                self.run(Delivery {
                    request: *request,
                    registration,
                    completion: Completion::new(Status::CANCELLED, 0),
                });
                Ok(Reply::Cancel {
                    was_outstanding: true,
                })
            }
            (cancelled, _) => cancelled,
        }
    }

    fn target_complete(&self, request: &Handle, completion: Completion) -> Result<(), Refusal> {
        if self.race == Race::ResendLost {
            self.locked(|inner| {
                crate::harness::Conformance::target_complete(inner, request, completion)
            })?;
            // The bug: bookkeeping for the send just completed, done on
            // whatever the routine left, a new send included.
            let mut inner = self.lock();
            if inner.request(request).is_some_and(|r| r.is_outstanding()) {
                let _ =
                    crate::harness::Conformance::target_complete(&mut *inner, request, completion);
                let mut lost = Vec::new();
                inner.drain_deliveries(&mut lost);
            }
            return Ok(());
        }
        self.locked(|inner| {
            crate::harness::Conformance::target_complete(inner, request, completion)
        })
    }

    fn timed_out(&self, request: &Handle) -> Result<(), Refusal> {
        if self.race != Race::CompletedTwice {
            return self.locked(|inner| crate::harness::Conformance::timed_out(inner, request));
        }
        let seen = {
            let inner = self.lock();
            inner
                .request(request)
                .filter(|r| r.is_outstanding() && r.timer == Some(false))
                .and_then(|r| r.registration)
        };
        window(WINDOW);
        let timed_out = self.locked(|inner| crate::harness::Conformance::timed_out(inner, request));
        match (timed_out, seen) {
            // The bug: the send is gone (the target finished it in the
            // window), and the callback seen before is invoked all the same.
            (Err(_), Some(registration)) => {
                self.run(Delivery {
                    request: *request,
                    registration,
                    completion: Completion::new(Status::CANCELLED, 0),
                });
                Ok(())
            }
            (timed_out, _) => timed_out,
        }
    }

    fn change_target(&self, target: TargetId, change: TargetChange) -> Result<(), Refusal> {
        self.base.change_target(target, change)
    }

    fn check_invariants(&self) -> Result<(), String> {
        self.base.check_invariants()
    }
}

impl ConcurrentImplementation for RacyMutant {
    type Instance = RacyFramework;

    fn name(&self) -> String {
        self.name.to_owned()
    }

    fn settings(&self) -> Vec<Settings> {
        Settings::all_from(Settings::DEFAULT)
    }

    fn build(&self, settings: Settings, routine: Routine<Handle>) -> RacyFramework {
        RacyFramework {
            base: Locked::new(Framework::with_settings(settings), routine),
            race: self.race,
        }
    }
}

/// Driven from one thread, a racy mutant has no race: the sequential hunt
/// passes it.
impl Implementation for RacyMutant {
    type Instance = Sequential<RacyFramework>;

    fn name(&self) -> String {
        self.name.to_owned()
    }

    fn describe(&self) -> String {
        format!(
            "{} (racy mutant: only a concurrent hunt can catch it)",
            self.name
        )
    }

    fn settings(&self) -> Vec<Settings> {
        Settings::all_from(Settings::DEFAULT)
    }

    fn build(&self, settings: Settings) -> Sequential<RacyFramework> {
        Sequential::build(self, settings)
    }
}
