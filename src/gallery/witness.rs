//! The mutants' hand-derived shortest sequences are written with the
//! vocabulary's shorthands ([`crate::vocab::build`]), so that each reads as
//! the calls a driver makes, in WDF order; this adds the one sequence
//! several witnesses share. Nothing here is random.

pub use crate::vocab::build::*;
use crate::vocab::{Status, Step};

/// The shortest sequence around a cancel race: a registered, formatted
/// request is sent, cancelled, and its target completes it cancelled (the
/// witness of every bug in how a cancelled send completes).
pub fn cancelled_send() -> Vec<Step> {
    vec![
        create(R0),
        format(R0),
        set_completion(R0, 0, None),
        send(R0),
        cancel(R0),
        target_completes(R0, Status::CANCELLED, 0),
    ]
}
