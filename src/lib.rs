//! wdfreq: the WDF request lifecycle, as an executable specification and a
//! conformance suite.
#![forbid(unsafe_code)]

pub mod cli;
pub mod harness;
pub mod model;
pub mod sim;
pub mod vocab;
