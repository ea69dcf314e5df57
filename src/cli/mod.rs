//! The `wdfreq` command line: one clap subcommand per file, each returning
//! an [`Outcome`] that `main` maps to the exit status.

pub mod check;
pub mod diagram;
pub mod hunt;
pub mod implementation;
pub mod progress;
pub mod regression;
pub mod replay;
pub mod rules;
pub mod settings;
pub mod trace_out;

use clap::{Parser, Subcommand};

use crate::harness::{Unknown, Verdict};

/// How a command ended; its exit status is fixed per variant.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Outcome {
    /// Exit 0: everything judged conforms.
    Conforms,
    /// Exit 1: a divergence or a rule violation was found.
    Violation,
    /// Exit 2: the input or the command line was bad.
    BadInput,
    /// Exit 130 (128 + SIGINT, as shells report Ctrl-C): the run was
    /// interrupted before its verdict was settled; the verdict is unknown,
    /// never "conforms".
    Interrupted,
}

impl Outcome {
    /// The process exit status.
    pub fn code(self) -> u8 {
        match self {
            Outcome::Conforms => 0,
            Outcome::Violation => 1,
            Outcome::BadInput => 2,
            Outcome::Interrupted => 130,
        }
    }
}

impl From<&Verdict> for Outcome {
    /// A hunt's verdict as an exit status: conforms 0,
    /// diverges 1, interrupted 130, and no case run 2 (the budget given
    /// allows none: a command line that asks nothing).
    fn from(verdict: &Verdict) -> Self {
        match verdict {
            Verdict::Conforms => Outcome::Conforms,
            Verdict::Diverges(_) => Outcome::Violation,
            Verdict::Unknown(Unknown::Interrupted) => Outcome::Interrupted,
            Verdict::Unknown(Unknown::NoCases) => Outcome::BadInput,
        }
    }
}

/// The executable spec and conformance suite of the WDF request lifecycle.
#[derive(Debug, Parser)]
#[command(name = "wdfreq", version, about)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Hunt for divergences between the reference model and the built-in
    /// simulated framework, or one of the gallery's broken mutants.
    Hunt(hunt::HuntArgs),
    /// Rerun a regression file (as `hunt` writes on a failure) and compare
    /// model and implementation step by step.
    Replay(replay::ReplayArgs),
    /// Judge a recorded trace (JSON Lines, trace format version 1 or 2) with
    /// the reference model.
    Check(check::CheckArgs),
    /// Print the rule catalogue: ID, obligation, severity, rule, source.
    Rules(rules::RulesArgs),
    /// Draw the lifecycle of each request origin, derived from the model.
    Diagram(diagram::DiagramArgs),
}

/// Runs the parsed command line, writing its report to `out`.
pub fn run(cli: Cli, out: &mut dyn std::io::Write) -> std::io::Result<Outcome> {
    match cli.command {
        Command::Hunt(args) => hunt::run(&args, out),
        Command::Replay(args) => replay::run(&args, out),
        Command::Check(args) => check::run(&args, out),
        Command::Rules(args) => rules::run(&args, out),
        Command::Diagram(args) => diagram::run(&args, out),
    }
}
