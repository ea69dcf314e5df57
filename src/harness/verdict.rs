//! [`Verdict`]: what a hunt concludes, one value with no impossible
//! combinations: the implementation conforms over every case run, it
//! diverges (with the first failing case, shrunk), or nothing can be said
//! (and why). The command line maps it to an exit status in one place.

use std::fmt;

use super::run::Failure;

/// What a hunt concludes.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Verdict {
    /// Every case of the budget ran, and none diverged.
    Conforms,
    /// A case diverged.
    Diverges(Box<Divergent>),
    /// Nothing can be said of the implementation.
    Unknown(Unknown),
}

/// The failing case a hunt reports.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Divergent {
    /// The case, shrunk.
    pub failure: Failure,
    /// Its number in the run: its seed is the run's `seed.case(case)`.
    pub case: u64,
    /// Whether every case numbered below it ran (and passed), so that it is
    /// the first failure of the seed's stream; false only for a hunt
    /// stopped from outside.
    pub first: bool,
}

/// Why a hunt concludes nothing.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Unknown {
    /// It was stopped from outside before its budget was spent, with no
    /// failure found: the cases not run may diverge.
    Interrupted,
    /// Its budget allowed no case at all.
    NoCases,
    /// Every case ran and none diverged, but in `rounds` rounds of
    /// concurrent cases the linearizability checker's budget ran out
    /// before it decided: those histories were not judged.
    Undecided {
        /// The rounds left undecided.
        rounds: u64,
    },
}

impl Verdict {
    /// The failing case, when the verdict is [`Verdict::Diverges`].
    pub fn failure(&self) -> Option<&Failure> {
        match self {
            Verdict::Diverges(divergent) => Some(&divergent.failure),
            _ => None,
        }
    }

    /// The failing case, owned.
    pub fn into_failure(self) -> Option<Failure> {
        match self {
            Verdict::Diverges(divergent) => Some(divergent.failure),
            _ => None,
        }
    }

    /// The failing case and its number, when there is one.
    pub fn divergent(&self) -> Option<&Divergent> {
        match self {
            Verdict::Diverges(divergent) => Some(divergent),
            _ => None,
        }
    }
}

impl fmt::Display for Verdict {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Verdict::Conforms => f.write_str("conforms"),
            Verdict::Diverges(divergent) => write!(f, "diverges in case {}", divergent.case),
            Verdict::Unknown(Unknown::Interrupted) => f.write_str("unknown (interrupted)"),
            Verdict::Unknown(Unknown::NoCases) => f.write_str("unknown (no case ran)"),
            Verdict::Unknown(Unknown::Undecided { rounds }) => {
                write!(f, "unknown ({rounds} rounds undecided)")
            }
        }
    }
}
