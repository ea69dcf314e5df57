//! A hunt's report in formats for readers other than a terminal, each
//! rendered from a [`HuntReport`](crate::harness::HuntReport) by the
//! library alone, with or without the command line.
//!
//! - [`html`]: one self-contained page for people (`hunt --report`).

pub mod html;
