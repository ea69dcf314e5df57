//! A further deletion pass over a shrunk failure.
//!
//! proptest-state-machine deletes steps in a single pass from the back, and
//! a deletion that breaks a later step's precondition is not tried again
//! once that later step is gone. This pass repeats single-step deletion
//! until no step can go, keeping a deletion only when the sequence stays
//! well-formed and still fails with a divergence of the same rule.

use super::conformance::Conformance;
use super::divergence::Divergence;
use super::run::execute;
use crate::model::Model;
use crate::vocab::{Settings, Step};

/// Deletes steps from `failing` while it still diverges the same way.
pub fn delete_steps<I: Conformance>(
    failing: (Vec<Step>, Divergence),
    settings: Settings,
    make: &dyn Fn() -> I,
) -> (Vec<Step>, Divergence) {
    let (mut steps, mut divergence) = failing;
    // Steps after the divergence never matter.
    steps.truncate(divergence.step + 1);
    loop {
        let mut shortened = false;
        let mut index = steps.len();
        while index > 0 {
            index -= 1;
            let mut candidate = steps.clone();
            candidate.remove(index);
            if !well_formed(&candidate) {
                continue;
            }
            if let Err(found) = execute(make(), settings, &candidate, None, None) {
                if found.rule() == divergence.rule() {
                    candidate.truncate(found.step + 1);
                    steps = candidate;
                    divergence = found;
                    shortened = true;
                    index = index.min(steps.len());
                }
            }
        }
        if !shortened {
            return (steps, divergence);
        }
    }
}

/// Whether every step names a request introduced earlier, and no request
/// is introduced twice.
pub fn well_formed(steps: &[Step]) -> bool {
    let mut model = Model::new();
    steps.iter().all(|step| model.step(step).is_ok())
}
