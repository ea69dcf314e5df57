//! Every call into an implementation runs under [`guard`]: a panic there is
//! a divergence of the implementation, named with the panic's message and
//! its location, never a crash of the harness.
//!
//! # The panic hook
//!
//! Rust prints a panic's message from the process's panic hook before the
//! panic unwinds to `catch_unwind`; shrinking one failure runs the
//! implementation hundreds of times, so the same message would fill
//! standard error while the report, which says it once, is still to come.
//! The first [`guard`] installs a hook that, on a thread inside a guard,
//! keeps the panic's location for the report and prints nothing; every
//! other panic goes to the hook that was there before, unchanged. A
//! program that sets its own hook afterwards replaces this one: then its
//! hook prints what it likes, and the report has no location.

use std::cell::Cell;
use std::panic::{self, AssertUnwindSafe, PanicHookInfo};
use std::sync::Once;

use super::divergence::DivergenceKind;

thread_local! {
    /// How many guards this thread is inside (a factory may build an
    /// implementation that is itself driven under a guard).
    static GUARDED: Cell<u32> = const { Cell::new(0) };
    /// The location of the last panic caught inside a guard on this thread.
    static LOCATION: Cell<Option<String>> = const { Cell::new(None) };
}

static INSTALL: Once = Once::new();

fn install_hook() {
    INSTALL.call_once(|| {
        let previous = panic::take_hook();
        panic::set_hook(Box::new(move |info: &PanicHookInfo<'_>| {
            // `try_with`: a panic while this thread's locals are torn down
            // is not ours to keep.
            let guarded = GUARDED.try_with(Cell::get).unwrap_or(0) > 0;
            if guarded {
                let location = info.location().map(ToString::to_string);
                let _ = LOCATION.try_with(|cell| cell.set(location));
            } else {
                previous(info);
            }
        }));
    });
}

/// Runs `f`, turning a panic into [`DivergenceKind::Panicked`] with its
/// message and location; the panic prints nothing (see the module docs).
pub(crate) fn guard<T>(f: impl FnOnce() -> T) -> Result<T, DivergenceKind> {
    install_hook();
    GUARDED.with(|g| g.set(g.get() + 1));
    let result = panic::catch_unwind(AssertUnwindSafe(f));
    GUARDED.with(|g| g.set(g.get() - 1));
    result.map_err(|payload| DivergenceKind::Panicked {
        message: panic_message(payload.as_ref()),
        location: LOCATION.with(Cell::take),
    })
}

/// A panic's message: its payload when that is a string.
pub(crate) fn panic_message(payload: &(dyn std::any::Any + Send)) -> String {
    payload
        .downcast_ref::<&str>()
        .map(|s| (*s).to_owned())
        .or_else(|| payload.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "a non-string panic payload".to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_caught_panic_carries_its_message_and_this_files_location() {
        let caught = guard(|| panic!("boom {}", 7)).unwrap_err();
        let DivergenceKind::Panicked { message, location } = caught else {
            panic!("not a panic: {caught:?}");
        };
        assert_eq!(message, "boom 7");
        let location = location.expect("the hook keeps the location");
        assert!(location.starts_with("src/harness/guard.rs:"), "{location}");
    }

    #[test]
    fn a_guard_that_does_not_panic_returns_the_value_and_leaves_no_location() {
        assert_eq!(guard(|| 3), Ok(3));
        assert_eq!(LOCATION.with(Cell::take), None);
        assert_eq!(GUARDED.with(Cell::get), 0);
    }
}
