//! The implementations the command line drives by name: `sim`, the
//! simulated framework, and every mutant of the gallery. A name that is
//! neither is refused with the list of known names.

use std::fmt;

use crate::gallery::{self, Mutant};

/// The name of the unmodified simulated framework for `--implementation`.
pub const SIM: &str = "sim";

/// An implementation the command line can drive.
#[derive(Clone, Copy, Debug)]
pub enum Implementation {
    Sim,
    Mutant(Mutant),
}

impl Implementation {
    /// The implementation called `name`.
    pub fn by_name(name: &str) -> Result<Implementation, UnknownImplementation> {
        match name {
            SIM => Ok(Implementation::Sim),
            _ => gallery::by_name(name)
                .map(Implementation::Mutant)
                .ok_or_else(|| UnknownImplementation(name.to_owned())),
        }
    }

    /// The name `by_name` takes.
    pub fn name(&self) -> &'static str {
        match self {
            Implementation::Sim => SIM,
            Implementation::Mutant(mutant) => mutant.name,
        }
    }

    /// How reports name it: its name and what it is.
    pub fn describe(&self) -> String {
        match self {
            Implementation::Sim => format!("{SIM} (simulated framework)"),
            Implementation::Mutant(mutant) => format!(
                "{} (gallery mutant, expected to break {})",
                mutant.name, mutant.expected
            ),
        }
    }
}

/// Two implementations are the same when their names are: a name stands
/// for one implementation.
impl PartialEq for Implementation {
    fn eq(&self, other: &Self) -> bool {
        self.name() == other.name()
    }
}

impl Eq for Implementation {}

/// No implementation has this name.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub struct UnknownImplementation(pub String);

impl fmt::Display for UnknownImplementation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let names: Vec<&str> = std::iter::once(SIM).chain(gallery::names()).collect();
        write!(
            f,
            "unknown implementation `{}`; known: {}",
            self.0,
            names.join(", ")
        )
    }
}
