//! wdfreq: the WDF request lifecycle, as an executable specification and a
//! conformance suite.
//!
//! Ask the specification about a driver that reuses a request while its
//! send is still outstanding at an I/O target:
//!
//! ```
//! use wdfreq::model::Model;
//! use wdfreq::vocab::{FormatKind, Op, RequestId, RuleId, Status, TargetId};
//!
//! let r = RequestId(1);
//! let mut model = Model::new();
//! for op in [
//!     Op::Create { request: r },
//!     Op::Format { request: r, kind: FormatKind::Read },
//!     Op::Send { request: r, target: TargetId(0) },
//! ] {
//!     assert!(model.step(&op.into())?.outcome.is_ok());
//! }
//! let reuse = Op::Reuse { request: r, status: Status::SUCCESS };
//! let judgement = model.step(&reuse.into())?;
//! assert_eq!(judgement.outcome.unwrap_err().rule, RuleId::ReuseWhilePending);
//! # Ok::<(), wdfreq::model::SequenceError>(())
//! ```
//!
//! # Overview
//!
//! - [`vocab`]: the words every module shares: [`vocab::Op`] (a driver
//!   call), [`vocab::Step`] (a call or a target finishing a send),
//!   [`vocab::Delivery`] (the framework invoking a completion callback),
//!   [`vocab::RuleId`].
//! - [`model`]: the specification. [`model::Model::step`] judges one step;
//!   [`model::rules::CATALOGUE`] says what each rule means and where it
//!   comes from.
//! - [`sim`]: the simulated framework, the default implementation under
//!   test.
//! - [`harness`]: [`harness::Conformance`], the trait your implementation
//!   implements, and [`harness::hunt`], which drives it beside the model.
//! - [`cli`]: the `wdfreq` command.
//!
//! # Example: hunt for divergences in an implementation
//!
//! ```
//! use wdfreq::harness::{hunt, Budget, CaseConfig, HuntConfig, Seed};
//! use wdfreq::sim::Framework;
//!
//! let config = HuntConfig { seed: Seed(7), budget: Budget::Cases(100), case: CaseConfig::default() };
//! let report = hunt(&config, &Framework::new, &mut |_| {});
//! assert!(report.failure.is_none());
//! println!("{} cases, {} steps", report.cases, report.steps);
//! ```
//!
//! The README shows how to implement [`harness::Conformance`] for your own
//! framework or wrapper.
#![forbid(unsafe_code)]

pub mod check;
pub mod cli;
pub mod harness;
pub mod model;
pub mod sim;
pub mod vocab;

/// The README's Rust examples, compiled and run as doctests.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
pub struct ReadmeDoctests;
