//! Further passes over a shrunk failure, until none shortens it.
//!
//! proptest-state-machine deletes steps in a single pass from the back, and
//! a deletion that breaks a later step's precondition is not tried again
//! once that later step is gone. Two passes finish the job:
//!
//! - deletion: repeat single-step deletion until no step can go;
//! - merging: an asynchronous send followed, on its request, by its
//!   target's completion is one synchronous send with that answer; the
//!   merged sequence has one step fewer for the same events. Shrinking
//!   only deletes, so it can never find this spelling by itself.
//!
//! A candidate is kept only when it is well-formed and still fails with a
//! divergence of the same rule.

use super::conformance::Conformance;
use super::divergence::Divergence;
use super::run::execute;
use crate::model::Model;
use crate::vocab::{Call, SendMode, Settings, Step};

/// Shortens `failing` while it still diverges the same way.
pub fn delete_steps<I: Conformance>(
    failing: (Vec<Step>, Divergence),
    settings: Settings,
    make: &dyn Fn() -> I,
) -> (Vec<Step>, Divergence) {
    let (mut steps, mut divergence) = failing;
    // Steps after the divergence never matter.
    steps.truncate(divergence.step + 1);
    let still_fails = |candidate: Vec<Step>, divergence: &Divergence| {
        if !well_formed(settings, &candidate) {
            return None;
        }
        let found = execute(make(), settings, &candidate, None, None).err()?;
        (found.rule() == divergence.rule()).then(|| {
            let mut candidate = candidate;
            candidate.truncate(found.step + 1);
            (candidate, found)
        })
    };
    loop {
        let before = steps.len();
        let mut index = steps.len();
        while index > 0 {
            index -= 1;
            let mut candidate = steps.clone();
            candidate.remove(index);
            if let Some(shorter) = still_fails(candidate, &divergence) {
                (steps, divergence) = shorter;
                index = index.min(steps.len());
            }
        }
        for candidate in merged_sends(&steps) {
            if let Some(shorter) = still_fails(candidate, &divergence) {
                (steps, divergence) = shorter;
                break;
            }
        }
        if steps.len() == before {
            return (steps, divergence);
        }
    }
}

/// Every sequence made from `steps` by merging one asynchronous send with
/// the completion that is the next step on its request into a synchronous
/// send answered with that completion.
fn merged_sends(steps: &[Step]) -> Vec<Vec<Step>> {
    let mut candidates = Vec::new();
    for (at, step) in steps.iter().enumerate() {
        let Step::Call {
            request,
            call:
                Call::Send {
                    target,
                    mode: SendMode::Async,
                    timeout,
                    ignore_state,
                },
        } = *step
        else {
            continue;
        };
        let next = steps[at + 1..]
            .iter()
            .position(|s| s.request() == Some(request))
            .map(|offset| at + 1 + offset);
        let Some((
            next,
            Step::TargetComplete {
                completion: answer, ..
            },
        )) = next.map(|n| (n, steps[n]))
        else {
            continue;
        };
        let mut candidate = steps.to_vec();
        let mode = SendMode::Sync(answer);
        candidate[at] = Step::Call {
            request,
            call: Call::Send {
                target,
                mode,
                timeout,
                ignore_state,
            },
        };
        candidate.remove(next);
        candidates.push(candidate);
    }
    candidates
}

/// Whether every step names a request introduced earlier, no request is
/// introduced twice, and the framework of `settings` has every step (a
/// purge exists from KMDF 1.11 only).
pub fn well_formed(settings: Settings, steps: &[Step]) -> bool {
    let mut model = Model::with_settings(settings);
    steps.iter().all(|step| model.step(step).is_ok())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::vocab::build::{R0, R1, cancel, create, send, send_sync, target_completes};
    use crate::vocab::{RequestId, Status};

    #[test]
    fn an_async_send_and_its_completion_merge_into_one_sync_send() {
        let done = target_completes(R0, Status::CANCELLED, 3);
        let steps = vec![create(R0), create(R1), send(R0), create(RequestId(2)), done];
        let merged = merged_sends(&steps);
        assert_eq!(merged.len(), 1);
        assert_eq!(merged[0].len(), 4);
        assert_eq!(merged[0][2], send_sync(R0, Status::CANCELLED, 3));
        // A send whose next step on its request is no completion stays.
        let interrupted = [steps[0], steps[2], cancel(R0), done];
        assert!(merged_sends(&interrupted).is_empty());
    }
}
