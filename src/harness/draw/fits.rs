//! Which requests fit which arm of the generator, kept up to date a step
//! at a time.
//!
//! An arm draws one of the requests that fit it (owned and formatted for a
//! send, sent for a target's completion, ...), oldest first. Walking the
//! model's requests for every draw costs a step as much as the model's own
//! work, and grows with the case, since dead requests stay named. So
//! [`Fits`] keeps one bit set per [`Fit`], a bit per request in the
//! model's order, and after each step re-reads only the request the step
//! was about: a call, a completion or a timeout changes no other request
//! (the model's step for one request takes that request alone), and an
//! introduction adds one. A target change may change every request at the
//! target, so after one the sets are built again from the model.
//!
//! The sets answer exactly what a walk would: debug builds check them
//! against one after every update.

use crate::model::{Life, Model, Request};
use crate::vocab::{FormatKind, RequestId, Step};

/// A class of requests an arm draws from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Fit {
    /// Every request the sequence introduced, dead or alive (wild steps).
    Any,
    /// Not dead.
    Live,
    /// The driver owns it.
    Owned,
    /// Owned and not formatted.
    Unformatted,
    /// Owned and formatted: ready to send.
    Formatted,
    /// Owned, and it must be completed (a request from a queue).
    MustComplete,
    /// Owned and created by the driver: it may be deleted.
    Deletable,
    /// Owned, from a queue, and not formatted for a target: it may be sent
    /// and forgotten.
    Forgettable,
    /// Sent and at its target (not queued at a stopped one).
    AtTarget,
    /// A send's timer is armed.
    TimerArmed,
}

impl Fit {
    const ALL: [Fit; 10] = [
        Fit::Any,
        Fit::Live,
        Fit::Owned,
        Fit::Unformatted,
        Fit::Formatted,
        Fit::MustComplete,
        Fit::Deletable,
        Fit::Forgettable,
        Fit::AtTarget,
        Fit::TimerArmed,
    ];

    /// Whether `request` is of this class.
    fn holds(self, request: &Request) -> bool {
        classes(request) & (1 << self as u16) != 0
    }
}

/// The classes `request` is of, a bit per [`Fit`] (bit `f` for
/// `Fit::ALL[f]`).
fn classes(request: &Request) -> u16 {
    let owned = request.life == Life::Owned;
    let unformatted = request.formatted.is_none();
    let received = request.is_received();
    let of = [
        true,
        !request.is_dead(),
        owned,
        owned && unformatted,
        owned && !unformatted,
        owned && request.must_be_completed(),
        owned && !received,
        owned && received && request.formatted.is_none_or(|k| k == FormatKind::Current),
        request.is_outstanding() && request.queued.is_none(),
        request.timer_armed,
    ];
    of.iter()
        .enumerate()
        .fold(0, |mask, (f, holds)| mask | (u16::from(*holds) << f))
}

/// What the last step drawn may have changed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Touched {
    /// Nothing is known: build the sets from the model.
    Unknown,
    /// That request alone (introduced, called, completed or timed out).
    One(RequestId),
}

/// The requests of a model, by [`Fit`].
///
/// # Invariants
///
/// After [`Fits::sync`] with a model:
/// - `ids` are that model's requests, in its order (ascending);
/// - `classes[i]` is the classes of `ids[i]` ([`classes`]);
/// - bit `i % 64` of `sets[i / 64][f]` is set exactly when bit `f` of
///   `classes[i]` is, and no bit at or past `ids.len()` is set. (The
///   classes of 64 requests share a cache line or two: an update writes
///   one entry of `sets`, and only where a class changed.)
#[derive(Clone, Debug)]
pub(super) struct Fits {
    ids: Vec<RequestId>,
    classes: Vec<u16>,
    sets: Vec<[u64; Fit::ALL.len()]>,
    touched: Touched,
}

impl Default for Fits {
    fn default() -> Self {
        Fits {
            ids: Vec::new(),
            classes: Vec::new(),
            sets: Vec::new(),
            touched: Touched::Unknown,
        }
    }
}

impl Fits {
    /// Brings the sets up to date with `model`, which is the model the
    /// last step noted ([`Fits::drawn`]) was taken in, stepped with it (or
    /// left as it was, where the step was not taken).
    pub(super) fn sync(&mut self, model: &Model) {
        match self.touched {
            Touched::One(id) => match (model.request(id), self.ids.binary_search(&id)) {
                (Some(request), Ok(index)) => self.set(index, request),
                (Some(request), Err(index)) if index == self.ids.len() => {
                    self.ids.push(id);
                    self.classes.push(0);
                    self.set(index, request);
                }
                (None, Err(_)) => {}
                // A request the sets did not expect: build them again.
                _ => self.rebuild(model),
            },
            Touched::Unknown => self.rebuild(model),
        }
        debug_assert!(self.agrees_with(model), "the fits drifted from the model");
    }

    /// Notes `step`, drawn to be taken next: what it may change.
    pub(super) fn drawn(&mut self, step: &Step) {
        self.touched = match step.request() {
            // A target change may change every request at its target.
            None => Touched::Unknown,
            Some(id) => Touched::One(id),
        };
    }

    /// How many requests are of class `fit`.
    pub(super) fn count(&self, fit: Fit) -> u32 {
        self.sets.iter().map(|w| w[fit as usize].count_ones()).sum()
    }

    /// The `n`th request of class `fit`, oldest first (`n` below
    /// [`Fits::count`]).
    pub(super) fn nth(&self, fit: Fit, n: u32) -> RequestId {
        let mut left = n;
        for (w, words) in self.sets.iter().enumerate() {
            let mut word = words[fit as usize];
            let ones = word.count_ones();
            if left < ones {
                for _ in 0..left {
                    word &= word - 1;
                }
                return self.ids[w * 64 + word.trailing_zeros() as usize];
            }
            left -= ones;
        }
        unreachable!("nth({n}) of a class of {} requests", self.count(fit))
    }

    /// Reads the classes of `request`, the `index`th (whose entry in
    /// `classes` exists), and flips the bits of those that changed.
    fn set(&mut self, index: usize, request: &Request) {
        let now = classes(request);
        let changed = now ^ self.classes[index];
        if changed == 0 {
            return;
        }
        self.classes[index] = now;
        let w = index / 64;
        if self.sets.len() <= w {
            self.sets.resize(w + 1, [0; Fit::ALL.len()]);
        }
        let bit = 1u64 << (index % 64);
        let mut left = changed;
        while left != 0 {
            self.sets[w][left.trailing_zeros() as usize] ^= bit;
            left &= left - 1;
        }
    }

    /// Reads every request of `model` again (after a target change, which
    /// may change any request at the target), or builds the sets anew
    /// where the model's requests are not the ones the sets know.
    fn rebuild(&mut self, model: &Model) {
        let known = self.ids.len() == model.requests().len()
            && model
                .requests()
                .map(|(id, _)| id)
                .eq(self.ids.iter().copied());
        if !known {
            self.ids.clear();
            self.ids.extend(model.requests().map(|(id, _)| id));
            self.classes.clear();
            self.classes.resize(self.ids.len(), 0);
            self.sets.clear();
        }
        for (index, (_, request)) in model.requests().enumerate() {
            self.set(index, request);
        }
        self.touched = Touched::Unknown;
    }

    /// Whether the sets are what a walk over `model` gives.
    fn agrees_with(&self, model: &Model) -> bool {
        let ids: Vec<RequestId> = model.requests().map(|(id, _)| id).collect();
        ids == self.ids
            && Fit::ALL.iter().all(|fit| {
                let walked: Vec<RequestId> = model
                    .requests()
                    .filter(|(_, r)| fit.holds(r))
                    .map(|(id, _)| id)
                    .collect();
                let kept: Vec<RequestId> =
                    (0..self.count(*fit)).map(|n| self.nth(*fit, n)).collect();
                walked == kept
            })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::harness::draw::{Draw, Steps, swarm};
    use crate::harness::seed::Seed;

    /// Kept up to date a step at a time, the sets hold what a walk over the
    /// model's requests finds, class by class, over many generated
    /// sequences (`sync` asserts it in debug builds; this test asserts it
    /// in any build).
    #[test]
    fn fits_kept_step_by_step_equal_a_walk_over_the_model() {
        for seed in 0..200 {
            let mut draw = Draw::new(Seed(seed));
            let mut steps = Steps::new(swarm(&mut draw));
            let mut model = Model::new();
            for _ in 0..300 {
                let step = steps.next(&mut draw, &model);
                let _ = model.step(&step);
                steps.fits.sync(&model);
                assert!(steps.fits.agrees_with(&model), "seed {seed}, after {step}");
            }
        }
    }

    /// A model the sets were not built from (a fresh generator for a model
    /// already stepped, as the proptest state machine makes one per
    /// transition) is read whole.
    #[test]
    fn fits_of_a_model_they_did_not_follow_are_built_from_it() {
        let mut draw = Draw::new(Seed(7));
        let mut steps = Steps::new(swarm(&mut draw));
        let mut model = Model::new();
        for _ in 0..50 {
            let step = steps.next(&mut draw, &model);
            let _ = model.step(&step);
        }
        let mut fresh = Fits::default();
        fresh.sync(&model);
        assert!(fresh.agrees_with(&model));
        assert_eq!(fresh.count(Fit::Any) as usize, model.requests().count());
    }
}
