//! The implementations the `wdfreq` binary drives by name: `sim`, the
//! simulated framework, and every mutant of the gallery. A name that is
//! neither is refused with the list of known names. A third party's binary
//! drives its own implementation instead (see [`super::main_for`]).

use std::fmt;

use crate::gallery::racy::{RACY, RacyMutant, racy_by_name};
use crate::gallery::{self, Mutant};
use crate::harness::Implementation;

pub use crate::sim::SIM;

/// An implementation the `wdfreq` binary can drive.
#[derive(Clone, Copy, Debug)]
#[non_exhaustive]
pub enum Builtin {
    /// `sim`, the simulated framework.
    Sim,
    /// A gallery mutant: the simulated framework with one bug.
    Mutant(Mutant),
    /// A racy mutant: the simulated framework with a race, which only
    /// `hunt --concurrent` can catch.
    Racy(RacyMutant),
}

impl Builtin {
    /// The implementation called `name`.
    pub fn by_name(name: &str) -> Result<Builtin, UnknownImplementation> {
        match name {
            SIM => Ok(Builtin::Sim),
            _ => gallery::by_name(name)
                .map(Builtin::Mutant)
                .or_else(|| racy_by_name(name).map(Builtin::Racy))
                .ok_or_else(|| UnknownImplementation(name.to_owned())),
        }
    }

    /// The name `by_name` takes.
    pub fn name(&self) -> &'static str {
        match self {
            Builtin::Sim => SIM,
            Builtin::Mutant(mutant) => mutant.name,
            Builtin::Racy(mutant) => mutant.name,
        }
    }

    /// Every built-in implementation, `sim` first, then the gallery's
    /// mutants in order, then the racy mutants.
    pub fn all() -> impl Iterator<Item = Builtin> {
        std::iter::once(Builtin::Sim)
            .chain(gallery::all().into_iter().map(Builtin::Mutant))
            .chain(RACY.into_iter().map(Builtin::Racy))
    }

    /// One sentence: what it is.
    pub fn description(&self) -> &'static str {
        match self {
            Builtin::Sim => "The simulated framework, which conforms.",
            Builtin::Mutant(mutant) => mutant.description,
            Builtin::Racy(mutant) => mutant.description,
        }
    }

    /// The names `--implementation` takes in the `wdfreq` binary, each
    /// with its description, for the command line's help.
    pub fn possible_values() -> clap::builder::PossibleValuesParser {
        clap::builder::PossibleValuesParser::new(Builtin::all().map(|builtin| {
            clap::builder::PossibleValue::new(builtin.name()).help(builtin.description())
        }))
    }

    /// The replay command's start for this implementation: `wdfreq
    /// <command>`, naming the implementation unless it is the default.
    pub fn command(&self, command: &str) -> String {
        match self {
            Builtin::Sim => format!("wdfreq {command}"),
            Builtin::Mutant(_) | Builtin::Racy(_) => {
                format!("wdfreq {command} --implementation {}", self.name())
            }
        }
    }
}

/// Runs `$body` with `$implementation` bound to the built-in
/// implementation `$builtin` as a concrete [`Implementation`]: the
/// commands are generic over the implementation, and this is where the
/// binary's choice by name becomes a type.
macro_rules! with_builtin {
    ($builtin:expr, |$implementation:ident| $body:expr) => {
        match $builtin {
            $crate::cli::implementation::Builtin::Sim => {
                let $implementation = &$crate::sim::Simulated;
                $body
            }
            $crate::cli::implementation::Builtin::Mutant(mutant) => {
                let $implementation = &mutant;
                $body
            }
            $crate::cli::implementation::Builtin::Racy(mutant) => {
                let $implementation = &mutant;
                $body
            }
        }
    };
}
pub(crate) use with_builtin;

/// Two implementations are the same when their names are: a name stands
/// for one implementation.
impl PartialEq for Builtin {
    fn eq(&self, other: &Self) -> bool {
        self.name() == other.name()
    }
}

impl Eq for Builtin {}

/// No implementation has this name.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub struct UnknownImplementation(pub String);

impl fmt::Display for UnknownImplementation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let names: Vec<&str> = Builtin::all().map(|builtin| builtin.name()).collect();
        write!(
            f,
            "unknown implementation `{}`; known: {}",
            self.0,
            names.join(", ")
        )
    }
}

/// `asked` (from `--implementation`, if given) names `implementation`, the
/// only one a third party's binary drives; else why not.
pub fn only<M: Implementation>(implementation: &M, asked: Option<&str>) -> Result<(), String> {
    match asked {
        Some(name) if name != implementation.name() => Err(format!(
            "this binary drives `{}` only, not `{name}`",
            implementation.name()
        )),
        _ => Ok(()),
    }
}
