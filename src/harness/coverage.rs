//! [`Coverage`]: how often each rule was exercised, the harness's marks
//! (TigerBeetle's `marks.zig`): a rule counts when a step broke it or when
//! the implementation's behaviour in a step was judged against it.

use std::fmt;

use crate::model::rules::Scope;
use crate::model::{Judged, Judgement, rule};
use crate::vocab::{RuleId, Settings};

/// A count per rule, in [`RuleId::ALL`] order, and how deep the cases
/// went ([`Depth`]).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Coverage {
    counts: [u64; RuleId::ALL.len()],
    /// The deepest any case went, figure by figure.
    pub depth: Depth,
}

impl Default for Coverage {
    fn default() -> Self {
        Coverage {
            counts: [0; RuleId::ALL.len()],
            depth: Depth::default(),
        }
    }
}

/// How deep into the state space a case went: the figures that bugs of
/// long histories need (a generation counter that wraps after so many
/// Reuses, a target that holds only so many sends, a table of so many
/// requests). Rules exercised say what was reached; these say how far.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Depth {
    /// The most Reuses of one request before a completion of it reached a
    /// callback.
    pub reuses_before_completion: u32,
    /// The most sends outstanding at one target at once (sent, not queued).
    pub outstanding_at_one_target: u32,
    /// The most requests alive at once.
    pub live_requests: u32,
}

impl Depth {
    /// Each figure, the larger of the two.
    pub fn merge(&mut self, other: &Depth) {
        self.reuses_before_completion = self
            .reuses_before_completion
            .max(other.reuses_before_completion);
        self.outstanding_at_one_target = self
            .outstanding_at_one_target
            .max(other.outstanding_at_one_target);
        self.live_requests = self.live_requests.max(other.live_requests);
    }
}

impl fmt::Display for Depth {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} Reuses of one request before a completion, {} sends outstanding at one \
             target, {} requests alive",
            self.reuses_before_completion, self.outstanding_at_one_target, self.live_requests
        )
    }
}

impl Coverage {
    /// Counts every rule `judgement` exercises: the rule a step breaks
    /// (refused or let through), its warnings, and the framework rules at
    /// stake.
    pub fn record(&mut self, judgement: &Judgement) {
        if let Err(violation) = judgement.outcome {
            self.counts[violation.rule.index()] += 1;
        }
        if let Some(violation) = judgement.let_through {
            self.counts[violation.rule.index()] += 1;
        }
        if let Judged::Undefined(violation) = judgement.judged {
            self.counts[violation.rule.index()] += 1;
        }
        for rule in judgement.warnings.iter().chain(judgement.at_stake.iter()) {
            self.counts[rule.index()] += 1;
        }
    }

    /// Counts `rule` once (for end-of-sequence findings).
    pub fn mark(&mut self, rule: RuleId) {
        self.counts[rule.index()] += 1;
    }

    /// How often `rule` was exercised.
    pub fn count(&self, rule: RuleId) -> u64 {
        self.counts[rule.index()]
    }

    /// Adds `other`'s counts, and keeps the deeper of each depth figure.
    pub fn merge(&mut self, other: &Coverage) {
        for (mine, theirs) in self.counts.iter_mut().zip(other.counts) {
            *mine += theirs;
        }
        self.depth.merge(&other.depth);
    }

    /// The rules never exercised.
    pub fn missing(&self) -> Vec<RuleId> {
        RuleId::ALL
            .iter()
            .copied()
            .filter(|r| self.count(*r) == 0)
            .collect()
    }

    /// The rules a hunt can exercise in `settings` (see the catalogue's
    /// scope, [`crate::model::rules::Scope::hunted`]) and never did.
    pub fn missing_in(&self, settings: &Settings) -> Vec<RuleId> {
        self.missing()
            .into_iter()
            .filter(|r| rule(*r).scope.hunted(settings))
            .collect()
    }

    /// How many of the rules a hunt can exercise in `settings` were
    /// exercised, and how many it can: `(exercised, reachable)`.
    pub fn exercised_in(&self, settings: &Settings) -> (usize, usize) {
        let reachable = RuleId::ALL
            .iter()
            .filter(|r| rule(**r).scope.hunted(settings))
            .count();
        (reachable - self.missing_in(settings).len(), reachable)
    }
}

impl fmt::Display for Coverage {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // A rule about traces alone is never exercised: no row for it.
        for id in RuleId::ALL
            .iter()
            .filter(|id| rule(**id).scope != Scope::Traces)
        {
            writeln!(f, "  {:<30} {:>10}", id.as_str(), self.count(*id))?;
        }
        Ok(())
    }
}
