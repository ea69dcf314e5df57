//! The threads and locks of the concurrent parts of the crate, from one
//! place: `std`'s normally, the [`shuttle`](https://docs.rs/shuttle)
//! crate's with the `shuttle` feature.
//!
//! # What it promises
//!
//! The simulated framework shared between threads ([`Locked`]), the racy
//! mutants of the gallery, the [`Sequential`] adapter and the parallel
//! runner ([`run_parallel`]) take every lock, atomic, barrier, thread,
//! thread-local and yield from here, and from nowhere else. So:
//!
//! - Without the feature, each name is `std`'s own (a `use`, not a
//!   wrapper): the code is what it was before the facade, as fast, and
//!   the operating system schedules the threads.
//! - With the feature, each is Shuttle's, and every lock, unlock, atomic
//!   access, spawn, join, barrier and yield is a point where Shuttle's
//!   scheduler chooses which thread runs next. The threads of a parallel
//!   case then run one at a time in an order the scheduler draws from a
//!   seed, so a schedule that showed a race shows it again, every time:
//!   `tests/schedules.rs` hunts the racy mutants under it and replays the
//!   schedules it found.
//!
//! The racy mutants widen their windows with [`window`]: a real pause
//! normally (threads need time to meet in it), a scheduling point under
//! Shuttle (time means nothing there; what matters is that another thread
//! may run in between).
//!
//! # What it does not promise
//!
//! With the feature, these primitives work only inside a Shuttle test
//! (`shuttle::check_random`, `shuttle::Runner::run`, ...): outside one,
//! Shuttle panics. The feature is for tests of the concurrent parts; the
//! concurrent hunt of the command line (`wdfreq hunt --concurrent`), whose
//! workers and watchdog are real threads on a wall clock, needs the
//! feature off. The rest of the crate (the sequential harness, the hunt's
//! workers, the watchdog, the command line) keeps `std` in both builds:
//! it is not what a schedule explores.
//!
//! [`Locked`]: crate::harness::Locked
//! [`Sequential`]: crate::harness::Sequential
//! [`run_parallel`]: crate::harness::run_parallel

use std::time::Duration;

#[cfg(not(feature = "shuttle"))]
pub(crate) use std::{
    sync::atomic::{AtomicBool, AtomicU64, Ordering},
    sync::{Arc, Barrier, Mutex, MutexGuard},
    thread::{scope, yield_now},
    thread_local,
};

#[cfg(feature = "shuttle")]
pub(crate) use shuttle::{
    sync::atomic::{AtomicBool, AtomicU64, Ordering},
    sync::{Arc, Barrier, Mutex, MutexGuard},
    thread::{scope, yield_now},
    thread_local,
};

/// The pause in a racy mutant's window, `pause` long: a real sleep, so
/// that threads the operating system runs at once meet in it.
#[cfg(not(feature = "shuttle"))]
pub(crate) fn window(pause: Duration) {
    std::thread::sleep(pause);
}

/// The pause in a racy mutant's window: a scheduling point, where
/// Shuttle may run another thread. Shuttle models no time, so the length
/// is ignored; a sleep would be a scheduling point too, but a yield says
/// why it is there.
#[cfg(feature = "shuttle")]
pub(crate) fn window(_pause: Duration) {
    shuttle::thread::yield_now();
}

/// Locks `mutex`; a poisoned lock still holds good data. Every holder in
/// the concurrent parts pushes, takes or replaces whole values, or is the
/// implementation, whose panic is reported as its failure while the state
/// it left is what the next call sees (as in a framework without
/// poisoning).
pub(crate) fn lock<T: ?Sized>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}
