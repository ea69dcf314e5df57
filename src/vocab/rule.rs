//! [`RuleId`]: the stable ID of every rule. Its kebab-case text is derived
//! from the variant name, never retyped, so code, diagnostics and docs
//! cannot spell a rule two ways.
//!
//! What each rule says, whose obligation it is and where it comes from is
//! the model's catalogue (`crate::model::rules`); this file only names.

use std::fmt;
use std::str::FromStr;
use std::sync::LazyLock;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

macro_rules! rule_ids {
    ($($(#[$doc:meta])* $name:ident,)*) => {
        /// The stable ID of one rule of the request lifecycle.
        ///
        /// Printed and parsed in kebab-case (`ReuseWhilePending` is
        /// `reuse-while-pending`).
        #[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, arbitrary::Arbitrary)]
        #[non_exhaustive]
        pub enum RuleId {
            $($(#[$doc])* $name,)*
        }

        impl RuleId {
            /// Every rule, in catalogue order.
            pub const ALL: &'static [RuleId] = &[$(RuleId::$name,)*];
        }
    };
}

rule_ids! {
    /// Driver: reuse only a request that is not outstanding at a target.
    ReuseWhilePending,
    /// Driver: send only a request that is not already outstanding.
    SendWhilePending,
    /// Driver: format a request before every send.
    SendUnformatted,
    /// Driver: neither format nor register a callback while outstanding.
    ModifyWhilePending,
    /// Driver: delete only a request that is not outstanding.
    DeleteWhilePending,
    /// Driver: complete only a request that is not outstanding.
    CompleteWhilePending,
    /// Driver: touch nothing after completing a queue-presented request.
    AccessAfterComplete,
    /// Driver: touch nothing after deleting a request.
    AccessAfterDelete,
    /// Driver: complete a queue-presented request; never delete it.
    DeleteReceived,
    /// Driver: delete a driver-created request; never complete it.
    CompleteCreated,
    /// Driver: an asynchronous send of a queue-presented request has a
    /// callback (KMDF and UMDF 2 refuse it otherwise).
    SendReceivedWithoutCallback,
    /// Driver: reuse a request before sending it again once it was
    /// cancelled (KMDF and UMDF 2 fail the send with `STATUS_CANCELLED`).
    SendCancelled,
    /// Driver: send only to a target that takes requests: started, stopped
    /// (the send is queued), or purged with the target's state ignored.
    SendTargetNotAccepting,
    /// Driver: format a request only for a target that is open (a closed
    /// target's device is gone: the format fails).
    FormatTargetClosed,
    /// Driver: format a request with its current type only when it has an
    /// IRP (one created without a target has none: a bugcheck).
    FormatCurrentWithoutIrp,
    /// Driver: read the status of a request only when it has an IRP.
    StatusWithoutIrp,
    /// Driver: send a request only when it has an IRP.
    SendWithoutIrp,
    /// Driver: send and forget only to a target that is not closed.
    ForgetTargetClosed,
    /// Driver: a synchronous send to a stopped target waits for another
    /// thread to start it; the model has one caller.
    SyncSendWhileStopped,
    /// Driver: format a reused request again before sending it (KMDF and
    /// UMDF 2 send it anyway: the verifier's formatted flag survives Reuse).
    FormatAfterReuse,
    /// Driver: send and forget only a queue-presented request.
    ForgetCreated,
    /// Driver: send and forget only a request without a formatted I/O
    /// context.
    ForgetFormatted,
    /// Driver: register no callback for a request sent and forgotten.
    ForgetWithCallback,
    /// Driver: give send and forget no other send option, as a timeout
    /// (KMDF and UMDF 2 refuse it with `STATUS_INVALID_PARAMETER`).
    ForgetWithTimeout,
    /// Driver: touch nothing after sending a request and forgetting it.
    AccessAfterForget,
    /// Driver: use a Reuse flag only where the framework has it.
    ReuseFlagUnavailable,
    /// Driver: give a new IRP at Reuse only for a driver-created request.
    NewIrpReceived,
    /// Driver: ask Reuse for MUST_COMPLETE only with a driver-supplied IRP.
    MustCompleteInternalIrp,
    /// Driver (warning): register a callback for every asynchronous send.
    SendWithoutCallback,
    /// Driver (warning): reuse a request between two sends.
    ResendWithoutReuse,
    /// Driver (warning): complete every queue-presented request.
    RequestNotCompleted,
    /// Framework: no callback or context from before the latest reuse runs.
    CallbackLeak,
    /// Framework: one send, at most one callback.
    CallbackTwice,
    /// Framework: no callback for a request that was not completed.
    CallbackWithoutSend,
    /// Framework: every completed send invokes its registered callback.
    CallbackMissing,
    /// Framework: the callback gets the registered context and the target's
    /// status and information.
    CallbackMismatch,
    /// Framework: the request reports the status it was last given.
    StatusMismatch,
    /// Target: finish only a send that is outstanding.
    TargetCompleteUnsent,
    /// Target: a send times out only while outstanding with a timeout, and
    /// once.
    TimeoutUnarmed,
    /// Framework (traces only): a synchronous send the framework accepted
    /// returns only after its target finished it.
    SyncSendUnanswered,
}

static KEBAB: LazyLock<Vec<String>> = LazyLock::new(|| {
    RuleId::ALL
        .iter()
        .map(|id| kebab(&format!("{id:?}")))
        .collect()
});

fn kebab(camel: &str) -> String {
    let mut out = String::with_capacity(camel.len() + 4);
    for (i, c) in camel.chars().enumerate() {
        if c.is_ascii_uppercase() {
            if i > 0 {
                out.push('-');
            }
            out.push(c.to_ascii_lowercase());
        } else {
            out.push(c);
        }
    }
    out
}

impl RuleId {
    /// The stable kebab-case ID, as used in diagnostics and docs.
    pub fn as_str(self) -> &'static str {
        &KEBAB[self.index()]
    }

    /// The rule's position in [`RuleId::ALL`].
    pub fn index(self) -> usize {
        self as usize
    }
}

impl fmt::Display for RuleId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The text was not the ID of any rule.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("unknown rule ID `{0}`")]
pub struct UnknownRule(pub String);

impl FromStr for RuleId {
    type Err = UnknownRule;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        RuleId::ALL
            .iter()
            .copied()
            .find(|id| id.as_str() == s)
            .ok_or_else(|| UnknownRule(s.to_owned()))
    }
}

impl Serialize for RuleId {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.as_str())
    }
}

impl<'de> Deserialize<'de> for RuleId {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        text.parse().map_err(serde::de::Error::custom)
    }
}

/// Whose obligation a rule is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Obligation {
    /// The driver's: the framework's verifier refuses the call.
    Driver,
    /// The framework's: what it must deliver to the driver.
    Framework,
    /// The I/O target's (the environment below the driver).
    Target,
}

impl fmt::Display for Obligation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Obligation::Driver => "driver",
            Obligation::Framework => "framework",
            Obligation::Target => "target",
        })
    }
}

/// Whether breaking a rule is an error or only a warning.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// A break is an error: the driver, the framework or the target is
    /// wrong.
    Error,
    /// A break is only a warning: legal, but a likely mistake.
    Warning,
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
        })
    }
}

/// A set of rules, as a bit set (there are fewer than 64 rules).
#[derive(Clone, Copy, Default, PartialEq, Eq, Hash)]
pub struct RuleSet(u64);

const _: () = assert!(RuleId::ALL.len() <= 64);

impl RuleSet {
    /// The empty set.
    pub const EMPTY: RuleSet = RuleSet(0);

    /// A set of one rule.
    pub fn of(rule: RuleId) -> RuleSet {
        RuleSet(1 << rule.index())
    }

    /// Adds `rule`.
    pub fn insert(&mut self, rule: RuleId) {
        self.0 |= 1 << rule.index();
    }

    /// Adds every rule of `other`.
    pub fn extend(&mut self, other: RuleSet) {
        self.0 |= other.0;
    }

    /// Whether `rule` is in the set.
    pub fn contains(self, rule: RuleId) -> bool {
        self.0 & (1 << rule.index()) != 0
    }

    /// Whether the set is empty.
    pub fn is_empty(self) -> bool {
        self.0 == 0
    }

    /// The rules in the set, in catalogue order: one step per rule in the
    /// set (bit `i` is `RuleId::ALL[i]`, the rule whose index is `i`).
    pub fn iter(self) -> impl Iterator<Item = RuleId> {
        let mut bits = self.0;
        std::iter::from_fn(move || {
            let index = bits.trailing_zeros() as usize;
            bits &= bits.wrapping_sub(1);
            RuleId::ALL.get(index).copied()
        })
    }
}

impl fmt::Debug for RuleSet {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_set().entries(self.iter()).finish()
    }
}

impl FromIterator<RuleId> for RuleSet {
    fn from_iter<I: IntoIterator<Item = RuleId>>(iter: I) -> Self {
        let mut set = RuleSet::EMPTY;
        for rule in iter {
            set.insert(rule);
        }
        set
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_rule_set_gives_back_its_rules_in_catalogue_order() {
        for (i, rule) in RuleId::ALL.iter().enumerate() {
            assert_eq!(rule.index(), i, "{rule}: bit i of a RuleSet is ALL[i]");
        }
        let mut set = RuleSet::EMPTY;
        assert_eq!(set.iter().count(), 0);
        let picked: Vec<RuleId> = RuleId::ALL.iter().copied().step_by(3).collect();
        for rule in picked.iter().rev() {
            set.insert(*rule);
        }
        assert_eq!(set.iter().collect::<Vec<_>>(), picked);
    }

    #[test]
    fn every_rule_id_round_trips_through_its_kebab_case_text() {
        for &id in RuleId::ALL {
            assert_eq!(id.as_str().parse::<RuleId>(), Ok(id));
            assert!(!id.as_str().contains(char::is_uppercase), "{id:?}");
        }
        assert_eq!(RuleId::ReuseWhilePending.as_str(), "reuse-while-pending");
    }

    #[test]
    fn unknown_rule_text_is_rejected_with_its_text() {
        assert_eq!(
            "reuse-while-sent".parse::<RuleId>(),
            Err(UnknownRule("reuse-while-sent".into()))
        );
    }

    #[test]
    fn rule_set_holds_exactly_what_was_inserted() {
        let set: RuleSet = [RuleId::CallbackLeak, RuleId::SendUnformatted]
            .into_iter()
            .collect();
        assert!(set.contains(RuleId::CallbackLeak));
        assert!(!set.contains(RuleId::CallbackTwice));
        assert_eq!(
            set.iter().collect::<Vec<_>>(),
            vec![RuleId::SendUnformatted, RuleId::CallbackLeak]
        );
    }
}
