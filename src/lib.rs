//! wdfreq: the WDF request lifecycle, as an executable specification and a
//! conformance suite.
//!
//! Judge a recorded trace of a driver that reuses a request while its send
//! is still outstanding at an I/O target:
//!
//! ```
//! use std::io::Cursor;
//! use wdfreq::vocab::RuleId;
//!
//! let trace = r#"{"op":"create","req":"r1"}
//! {"op":"format","req":"r1","kind":"read"}
//! {"op":"send","req":"r1","target":"pipe"}
//! {"op":"reuse","req":"r1","status":0}
//! "#;
//! let mut findings = Vec::new();
//! let summary = wdfreq::check::check("t.jsonl", Cursor::new(trace), &mut |f| {
//!     findings.push(f.clone())
//! })?;
//! assert_eq!(summary.errors, 1);
//! let reuse = findings.iter().find(|f| f.rule == RuleId::ReuseWhilePending);
//! assert_eq!(reuse.map(|f| f.line), Some(4));
//! # Ok::<(), wdfreq::check::TraceError>(())
//! ```
//!
//! # Overview
//!
//! - [`vocab`]: the words every module shares: [`vocab::Call`] (a driver
//!   call on a request) and its [`vocab::CallKind`], [`vocab::Step`]
//!   (introduce a request, make a call, or a target finishing a send),
//!   [`vocab::Delivery`] (the framework invoking a completion callback),
//!   [`vocab::RuleId`], and [`vocab::Settings`] (flavor, framework version,
//!   verifier).
//! - [`model`]: the specification. [`model::Model::step`] judges one step;
//!   [`model::rules::CATALOGUE`] says what each rule means, where it applies
//!   and where it comes from.
//! - [`sim`]: the simulated framework, the default implementation under
//!   test.
//! - [`harness`]: [`harness::Conformance`], the trait your implementation
//!   implements, and [`harness::hunt()`], which drives it beside the model.
//! - [`harness::Implementation`]: your implementation whole (its name, the
//!   settings it implements, a fresh instance per case).
//! - [`harness::ConcurrentConformance`]: the same shared between threads,
//!   whose completion routines run on any thread and may call back in;
//!   [`harness::hunt_concurrent`] runs cases on several threads at once
//!   and judges what they did with [`linearize`], the linearizability
//!   checker (is there an order of the calls the model accepts?).
//! - [`testing`]: a `cargo test` conformance test for it, configured by
//!   `WDFREQ_*` variables, that replays and keeps [`regression`] files.
//! - [`regression`]: regression files, a failing case kept as a trace.
//! - [`check`]: the trace checker, the model fed from a JSON Lines stream;
//!   [`check::trace_format`] defines the trace format.
//! - [`gallery`]: deliberately broken frameworks the suite must catch.
//! - [`report`]: results in other formats: JSON, SARIF 2.1.0 and JUnit
//!   XML for CI systems and code-review tools, and [`report::html`], one
//!   self-contained page of a hunt for people.
//! - `cli`: the `wdfreq` command (with the `cli` feature, the default),
//!   and `cli::main_for`, the same command line for your implementation.
//!
//! # Example: ask the model directly
//!
//! ```
//! use wdfreq::model::{Judged, Model, Violation};
//! use wdfreq::vocab::build::{create, format, reuse, send};
//! use wdfreq::vocab::{RequestId, RuleId, Status};
//!
//! let r = RequestId(1);
//! let mut model = Model::new();
//! for step in [create(r), format(r), send(r)] {
//!     assert!(model.step(&step)?.outcome.is_ok());
//! }
//! // The framework has no check for a Reuse of a request still at its
//! // target: a driver error whose outcome is undefined.
//! let judgement = model.step(&reuse(r, Status::SUCCESS))?;
//! let broken = Violation { rule: RuleId::ReuseWhilePending, request: r };
//! assert_eq!(judgement.judged, Judged::Undefined(broken));
//! # Ok::<(), wdfreq::model::SequenceError>(())
//! ```
//!
//! # Example: hunt for divergences in an implementation
//!
//! ```
//! use wdfreq::harness::{hunt, Budget, CaseConfig, HuntConfig, Seed, Verdict};
//! use wdfreq::sim::Framework;
//!
//! let config = HuntConfig { seed: Seed(7), budget: Budget::Cases(100), case: CaseConfig::default() };
//! let report = hunt(&config, Framework::new, &mut |_| {});
//! assert_eq!(report.verdict, Verdict::Conforms);
//! println!("{} cases, {} steps", report.cases, report.steps);
//! ```
//!
//! The README shows how to implement [`harness::Conformance`] for your own
//! framework or wrapper.
//!
//! # Features
//!
//! - `cli` (default): the `wdfreq` command line and the `cli` module,
//!   with what only they need (argument parsing, progress bars, Ctrl-C).
//!   A crate that uses wdfreq in its tests can leave it out with
//!   `default-features = false`; everything above stays.
//! - `shuttle` (off): the concurrent parts (the simulated framework
//!   shared between threads, the racy mutants, the parallel runner) take
//!   their locks, atomics and threads from the
//!   [`shuttle`](https://docs.rs/shuttle) crate instead of `std`, so that
//!   a test runs a parallel case under a schedule drawn from a seed and
//!   replays it exactly (`cargo test --features shuttle --test
//!   schedules`). For tests only: with it, those parts run only inside a
//!   Shuttle test, and the concurrent hunt of the command line does not.
#![forbid(unsafe_code)]
#![warn(missing_docs)]

pub mod check;
#[cfg(feature = "cli")]
pub mod cli;
pub mod gallery;
pub mod harness;
pub mod linearize;
pub mod model;
pub mod regression;
pub mod report;
pub mod sim;
mod sync;
pub mod testing;
pub mod vocab;

/// The README's Rust examples, compiled and run as doctests.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
pub struct ReadmeDoctests;
