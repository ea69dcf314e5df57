//! The mutant gallery: deliberately broken implementations of the request
//! lifecycle, each the simulated framework with one realistic bug, each
//! naming the rule that must catch it and the length of the shortest
//! operation sequence that shows it.
//!
//! A mutant's bug ([`Bug`]) intercepts one kind of call on the simulated
//! framework ([`crate::sim::Framework`]), alters it the way a real
//! framework once did or plausibly could, and passes every other call
//! through unchanged. [`GalleryFramework`] puts one bug around a fresh
//! framework and implements
//! [`Conformance`](crate::harness::conformance::Conformance), so the harness
//! drives a mutant like any other implementation. The suite must catch
//! every mutant with its expected rule; `tests/gallery.rs` holds it to that
//! on fixed seeds, and `wdfreq hunt --implementation NAME` runs one.
//!
//! ```
//! use wdfreq::gallery;
//! use wdfreq::harness::{Budget, CaseConfig, HuntConfig, Seed, hunt};
//!
//! let mutant = gallery::by_name("callback-kept-across-reuse").expect("in the gallery");
//! let config = HuntConfig {
//!     seed: Seed(1),
//!     budget: Budget::Cases(2000),
//!     case: CaseConfig::default(),
//! };
//! let report = hunt(&config, move || mutant.framework(), &mut |_| {});
//! let failure = report.verdict.into_failure().expect("the suite catches the mutant");
//! assert_eq!(failure.divergence.rule(), Some(mutant.expected));
//! ```
//!
//! Each mutant's expected rule and shortest sequence are for its own
//! [`Mutant::settings`], which the tests use: the default [`Settings`]
//! (UMDF 1 at its last version, verifier on) for most, KMDF for bugs of
//! behaviour only the shared KMDF and UMDF 2 source has (a cancel that
//! sticks, a refused send's status). Some bugs are another setting's
//! documented behaviour: a framework before 1.9 keeps the callback across
//! Reuse, and with the verifier off the `*-accepted` mutants' calls are let
//! through, so there the model expects what those mutants do, and they may
//! conform.
//!
//! Like `sim`, the gallery never reads the reference model: a mutant that
//! asked the spec what to do could not diverge from it.

mod framework;
pub mod witness;

mod callback_kept_across_reuse;
mod callback_lost_on_cancel;
mod callback_sees_previous_completion;
mod callback_twice_on_cancel;
mod cancel_not_sticky;
mod complete_created_accepted;
mod context_kept_across_reuse;
mod contexts_swapped;
mod epoch_wraps;
mod formatted_flag;
mod formatted_flag_cleared_by_reuse;
mod formatting_kept_across_reuse;
mod formatting_kept_after_completion;
mod ignore_state_passes_closed_target;
mod information_kept_by_reuse;
mod late_completion_accepted;
mod purge_drops_queued_callbacks;
mod refused_send_keeps_status;
mod second_complete_accepted;
mod send_while_sent_accepted;
mod status_kept_by_reuse;
mod status_reset_to_success;
mod target_holds_two_sends;
mod timeout_reports_cancelled;

pub use callback_kept_across_reuse::CallbackKeptAcrossReuse;
pub use callback_lost_on_cancel::CallbackLostOnCancel;
pub use callback_sees_previous_completion::CallbackSeesPreviousCompletion;
pub use callback_twice_on_cancel::CallbackTwiceOnCancel;
pub use cancel_not_sticky::CancelNotSticky;
pub use complete_created_accepted::CompleteCreatedAccepted;
pub use context_kept_across_reuse::ContextKeptAcrossReuse;
pub use contexts_swapped::ContextsSwapped;
pub mod racy;

pub use epoch_wraps::EpochWraps;
pub use formatted_flag_cleared_by_reuse::FormattedFlagClearedByReuse;
pub use formatting_kept_across_reuse::FormattingKeptAcrossReuse;
pub use formatting_kept_after_completion::FormattingKeptAfterCompletion;
pub use framework::{Bug, Faithful, GalleryFramework, RequestKey, key};
pub use ignore_state_passes_closed_target::IgnoreStatePassesClosedTarget;
pub use information_kept_by_reuse::InformationKeptByReuse;
pub use late_completion_accepted::LateCompletionAccepted;
pub use purge_drops_queued_callbacks::PurgeDropsQueuedCallbacks;
pub use refused_send_keeps_status::RefusedSendKeepsStatus;
pub use second_complete_accepted::SecondCompleteAccepted;
pub use send_while_sent_accepted::SendWhileSentAccepted;
pub use status_kept_by_reuse::StatusKeptByReuse;
pub use status_reset_to_success::StatusResetToSuccess;
pub use target_holds_two_sends::TargetHoldsTwoSends;
pub use timeout_reports_cancelled::TimeoutReportsCancelled;

use crate::harness::Implementation;
use crate::vocab::{Call, RuleId, SendMode, Settings, Step};

/// One entry of the gallery: a bug, the rule that must catch it, and the
/// shortest sequence that shows it.
#[derive(Clone, Copy, Debug)]
pub struct Mutant {
    /// The kebab-case name `wdfreq hunt --implementation` takes.
    pub name: &'static str,
    /// One sentence: what the framework gets wrong.
    pub description: &'static str,
    /// The settings the bug shows in, and the rest of the entry is for:
    /// [`Settings::DEFAULT`] for most, KMDF for the bugs of behaviour only
    /// the shared KMDF and UMDF 2 source has.
    pub settings: Settings,
    /// The rule whose check must catch the bug in its settings (the
    /// divergence's [`rule`](crate::harness::Divergence::rule)).
    pub expected: RuleId,
    /// The length of the shortest sequence that shows the bug, derived by
    /// hand (the derivation is in the bug type's docs).
    pub minimal_len: usize,
    /// One shortest sequence, as derived by hand.
    pub witness: fn() -> Vec<Step>,
    /// The other ways a hunt may first meet the bug, each with its own
    /// rule and shortest sequence: shrinking keeps to the failure first
    /// met ([`Divergence::same_failure`](crate::harness::Divergence::same_failure)),
    /// so a bug that shows as two rules is reported, and shrunk, as either.
    pub also: &'static [Symptom],
    make: fn() -> Box<dyn Bug>,
}

/// One way a mutant's bug shows: the rule that catches it, the length of
/// the shortest sequence that shows it that way, and that sequence.
#[derive(Clone, Copy, Debug)]
pub struct Symptom {
    /// The rule of the divergence.
    pub rule: RuleId,
    /// The length of the shortest sequence, derived by hand.
    pub minimal_len: usize,
    /// One shortest sequence, as derived by hand.
    pub witness: fn() -> Vec<Step>,
}

impl Mutant {
    /// A fresh simulated framework with this mutant's bug, in its
    /// settings.
    pub fn framework(&self) -> GalleryFramework {
        GalleryFramework::with_settings(self, self.settings)
    }

    /// A fresh simulated framework of `settings` with this mutant's bug.
    pub fn framework_in(&self, settings: Settings) -> GalleryFramework {
        GalleryFramework::with_settings(self, settings)
    }

    /// Every way the bug shows, the expected one first.
    pub fn symptoms(&self) -> Vec<Symptom> {
        let expected = Symptom {
            rule: self.expected,
            minimal_len: self.minimal_len,
            witness: self.witness,
        };
        std::iter::once(expected)
            .chain(self.also.iter().copied())
            .collect()
    }

    /// The symptom that `rule` names, if the bug shows that way.
    pub fn symptom(&self, rule: RuleId) -> Option<Symptom> {
        self.symptoms().into_iter().find(|s| s.rule == rule)
    }

    /// A fresh instance of the bug alone.
    pub fn bug(&self) -> Box<dyn Bug> {
        (self.make)()
    }

    /// The lifecycle events of the shortest sequence (see
    /// [`event_count`]).
    pub fn minimal_events(&self) -> usize {
        event_count(&(self.witness)())
    }
}

/// A mutant is an implementation of every setting the simulated framework
/// implements, its own settings first: its bug is in the one
/// implementation, whatever framework it behaves as.
impl Implementation for Mutant {
    type Instance = GalleryFramework;

    fn name(&self) -> String {
        self.name.to_owned()
    }

    fn describe(&self) -> String {
        format!(
            "{} (gallery mutant, expected to break {})",
            self.name, self.expected
        )
    }

    fn settings(&self) -> Vec<Settings> {
        Settings::all_from(self.settings)
    }

    fn build(&self, settings: Settings) -> GalleryFramework {
        self.framework_in(settings)
    }
}

/// A mutant shared between threads: one lock around it, as the simulated
/// framework is ([`Locked`](crate::harness::Locked)). Its bug is one of
/// behaviour, not a race: the concurrent hunt finds it too.
impl crate::harness::ConcurrentImplementation for Mutant {
    type Instance = crate::harness::Locked<GalleryFramework>;

    fn name(&self) -> String {
        self.name.to_owned()
    }

    fn settings(&self) -> Vec<Settings> {
        Settings::all_from(self.settings)
    }

    fn build(
        &self,
        settings: Settings,
        routine: crate::harness::Routine<crate::sim::Handle>,
    ) -> Self::Instance {
        crate::harness::Locked::new(self.framework_in(settings), routine)
    }
}

/// The lifecycle events `steps` spell: one per step, and two for a
/// synchronous send, which stands for a send and the target's completion.
///
/// The generator spells the same events both ways, and shrinking only
/// deletes steps, so it cannot turn a send and its completion into one
/// synchronous send: counted in events, both spellings of a shortest
/// sequence are equally short.
pub fn event_count(steps: &[Step]) -> usize {
    let synchronous = steps
        .iter()
        .filter(|step| {
            matches!(
                step,
                Step::Call {
                    call: Call::Send {
                        mode: SendMode::Sync(_),
                        ..
                    },
                    ..
                }
            )
        })
        .count();
    steps.len() + synchronous
}

/// Every mutant, grouped by the call whose handling it breaks: Reuse, the
/// verifier's refusals, completion and callbacks, then the I/O target's
/// state.
const GALLERY: &[Mutant] = &[
    callback_kept_across_reuse::MUTANT,
    context_kept_across_reuse::MUTANT,
    formatting_kept_across_reuse::MUTANT,
    status_kept_by_reuse::MUTANT,
    status_reset_to_success::MUTANT,
    information_kept_by_reuse::MUTANT,
    send_while_sent_accepted::MUTANT,
    complete_created_accepted::MUTANT,
    late_completion_accepted::MUTANT,
    callback_twice_on_cancel::MUTANT,
    callback_lost_on_cancel::MUTANT,
    callback_sees_previous_completion::MUTANT,
    contexts_swapped::MUTANT,
    formatting_kept_after_completion::MUTANT,
    cancel_not_sticky::MUTANT,
    refused_send_keeps_status::MUTANT,
    timeout_reports_cancelled::MUTANT,
    formatted_flag_cleared_by_reuse::MUTANT,
    purge_drops_queued_callbacks::MUTANT,
    ignore_state_passes_closed_target::MUTANT,
    second_complete_accepted::MUTANT,
    target_holds_two_sends::MUTANT,
    epoch_wraps::MUTANT,
];

/// Every mutant in the gallery, in a fixed order.
pub fn all() -> Vec<Mutant> {
    GALLERY.to_vec()
}

/// The mutant called `name`, if the gallery has one.
pub fn by_name(name: &str) -> Option<Mutant> {
    GALLERY.iter().find(|m| m.name == name).copied()
}

/// Every mutant's name, in gallery order.
pub fn names() -> impl Iterator<Item = &'static str> {
    GALLERY.iter().map(|m| m.name)
}

#[cfg(test)]
mod tests;
