//! The conformance harness: drives the reference model and an
//! implementation side by side over generated operation sequences, and
//! reports the first divergence, shrunk to a minimal sequence.
//!
//! - [`conformance`]: the public trait an implementation implements, one
//!   instance per case; [`implementation`](mod@implementation): the
//!   implementation whole (name, settings it implements, a fresh instance).
//! - [`draw`]: the hunt's generator, steps drawn from a seeded stream and
//!   the model's state; [`strategy`]: what it draws (swarm, kinds), and the
//!   proptest state machine over it; [`quick`]: the quickcheck and
//!   `arbitrary` generators.
//! - [`run`]: one sequence ([`execute`]) and one seeded case
//!   ([`run_case`]), shrunk on failure by [`minimize`]'s passes.
//! - [`hunt`](mod@hunt): many cases under a budget, on one worker thread
//!   or several, with the same report either way, a hung case found by
//!   a watchdog (`watch.rs`) and left behind; `guard.rs`: every call into
//!   an implementation guarded, a panic a divergence with its location; [`seed`]: seeds and
//!   replay; [`coverage`]: rules exercised; [`divergence`]: reports;
//!   [`verdict`]: what a hunt concludes.
//!
//! The harness depends on the model and the vocabulary, never on an
//! implementation: the simulated framework is handed to it like any other.

pub mod concurrent;
pub mod conformance;
pub mod coverage;
pub mod divergence;
pub mod draw;
mod guard;
mod history_report;
pub mod hunt;
pub mod implementation;
pub mod minimize;
pub mod parallel;
pub mod quick;
pub mod run;
pub mod seed;
pub mod strategy;
pub mod verdict;
pub(crate) mod watch;

pub use concurrent::{
    CompletionRoutine, ConcurrentConformance, ConcurrentImplementation, Locked, Routine, Sequential,
};
pub use conformance::{Conformance, Refusal};
pub use coverage::{Coverage, Depth};
pub use divergence::{Activity, Divergence, DivergenceKind};
pub use draw::LONG_CASE_FACTOR;
pub use hunt::{
    Budget, CASE_TIMEOUT, HuntConfig, HuntReport, LeftBehind, STOP_GRACE, Workers, hunt,
    hunt_concurrent, hunt_with,
};
pub use implementation::{Implementation, NotImplemented};
pub use parallel::{
    ConcurrentConfig, ParallelCase, READER_CONTEXT, READER_TARGET, defined_steps,
    run_concurrent_case, run_parallel, with_readers,
};
pub use quick::Sequence;
pub use run::{
    Answer, CaseConfig, CaseOutcome, Failure, SideBySide, Stepped, execute, execute_within,
    generated_steps, record, run_case,
};
pub use seed::Seed;
pub use verdict::{Divergent, Unknown, Verdict};
