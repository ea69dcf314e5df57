//! [`Coverage`]: how often each rule was exercised, the harness's marks
//! (TigerBeetle's `marks.zig`): a rule counts when a step broke it or when
//! the implementation's behaviour in a step was judged against it.

use std::fmt;

use crate::model::rules::Scope;
use crate::model::{Judged, Judgement, rule};
use crate::vocab::{RuleId, Settings};

/// A count per rule, in [`RuleId::ALL`] order.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Coverage {
    counts: [u64; RuleId::ALL.len()],
}

impl Default for Coverage {
    fn default() -> Self {
        Coverage {
            counts: [0; RuleId::ALL.len()],
        }
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

    /// Adds `other`'s counts.
    pub fn merge(&mut self, other: &Coverage) {
        for (mine, theirs) in self.counts.iter_mut().zip(other.counts) {
            *mine += theirs;
        }
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
