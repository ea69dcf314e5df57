//! The `wdfreq` command line: one clap subcommand per file, each returning
//! an [`Outcome`] that `main` maps to the exit status.
//!
//! The commands are generic over the [`Implementation`] they drive: the
//! `wdfreq` binary picks a built-in one by name ([`run`]); a crate with an
//! implementation of its own gets the same command line for it with
//! [`main_for`], a one-line `main`:
//!
//! ```no_run
//! # use wdfreq::harness::Implementation;
//! # struct MyFramework;
//! # impl Implementation for MyFramework {
//! #     type Instance = wdfreq::sim::Framework;
//! #     fn name(&self) -> String { "my-framework".into() }
//! #     fn settings(&self) -> Vec<wdfreq::vocab::Settings> { vec![Default::default()] }
//! #     fn build(&self, s: wdfreq::vocab::Settings) -> Self::Instance { wdfreq::sim::Framework::with_settings(s) }
//! # }
//! fn main() -> std::process::ExitCode {
//!     wdfreq::cli::main_for(&MyFramework)
//! }
//! ```
//!
//! which gives `hunt` (progress, Ctrl-C, `--trace-out`, regression files),
//! `replay`, `check`, `rules` and `diagram`, with the exit statuses of
//! [`Outcome`].

pub mod check;
pub mod console;
pub mod diagram;
pub mod format;
pub mod hunt;
pub mod implementation;
pub mod progress;
pub mod replay;
pub mod report_file;
pub mod rules;
pub mod settings;
pub mod trace_out;

use std::path::Path;
use std::process::ExitCode;

use clap::{CommandFactory, FromArgMatches, Parser, Subcommand};

use crate::harness::{Implementation, Unknown, Verdict};
pub use console::{ColorChoice, Console};

/// How a command ended; its exit status is fixed per variant.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
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
    /// allows none: a command line that asks nothing), as is a concurrent
    /// hunt with rounds the checker could not decide.
    fn from(verdict: &Verdict) -> Self {
        match verdict {
            Verdict::Conforms => Outcome::Conforms,
            Verdict::Diverges(_) => Outcome::Violation,
            Verdict::Unknown(Unknown::Interrupted) => Outcome::Interrupted,
            Verdict::Unknown(Unknown::NoCases) => Outcome::BadInput,
            // Not a pass, not a failure: the verdict of a check that could
            // not decide, as `wdfreq check` gives a trace it cannot decide.
            Verdict::Unknown(Unknown::Undecided { .. }) => Outcome::BadInput,
        }
    }
}

/// The executable spec and conformance suite of the WDF request lifecycle.
#[derive(Debug, Parser)]
#[command(name = "wdfreq", version, about)]
pub struct Cli {
    /// The subcommand.
    #[command(subcommand)]
    pub command: Command,
    /// When to colour the report.
    #[arg(long, global = true, value_enum, default_value_t = ColorChoice::Auto)]
    pub color: ColorChoice,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
#[non_exhaustive]
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

/// The `wdfreq` binary's command line: [`Cli`], with the built-in
/// implementations as the possible values of `--implementation` (listed,
/// with what each is, in `--help`), `sim` the default for `hunt`.
pub fn command() -> clap::Command {
    use implementation::{Builtin, SIM};
    Cli::command()
        .mut_subcommand("hunt", |c| {
            c.mut_arg("implementation", |a| {
                a.value_parser(Builtin::possible_values())
                    .default_value(SIM)
            })
        })
        .mut_subcommand("replay", |c| {
            c.mut_arg("implementation", |a| {
                a.value_parser(Builtin::possible_values())
            })
        })
}

/// Runs the parsed command line of the `wdfreq` binary, writing its report
/// and its errors to `console` (`cli.color` is for whoever builds the
/// console: see [`main_with`]).
pub fn run(cli: Cli, console: &mut Console) -> std::io::Result<Outcome> {
    match cli.command {
        Command::Hunt(args) => hunt::run(&args, console),
        Command::Replay(args) => replay::run(&args, console),
        Command::Check(args) => check::run(&args, console),
        Command::Rules(args) => rules::run(&args, console),
        Command::Diagram(args) => diagram::run(&args, console),
    }
}

/// Runs the parsed command line of a binary `program` that drives
/// `implementation` only, writing its report and its errors to `console`:
/// `hunt` and `replay` drive it, and refuse `--implementation` naming
/// another.
pub fn run_for<M: Implementation + Clone + Send + 'static>(
    implementation: &M,
    program: &str,
    cli: Cli,
    console: &mut Console,
) -> std::io::Result<Outcome> {
    match cli.command {
        Command::Hunt(args) => {
            hunt::run_for(implementation, &format!("{program} hunt"), &args, console)
        }
        Command::Replay(args) => replay::run_for(implementation, &args, console),
        Command::Check(args) => check::run(&args, console),
        Command::Rules(args) => rules::run(&args, console),
        Command::Diagram(args) => diagram::run(&args, console),
    }
}

/// Runs `command` (a [`run`] or [`run_for`] of the parsed `cli`) with this
/// process's standard output for results and standard error for errors,
/// coloured as `cli.color` and `NO_COLOR` say, and returns the exit status.
pub fn main_with(
    cli: Cli,
    command: impl FnOnce(Cli, &mut Console) -> std::io::Result<Outcome>,
) -> ExitCode {
    let (colour, bar) = (cli.color.for_stdout(), cli.color.for_stderr());
    // A reader that goes away ends the printing, never the verdict.
    let mut stdout = console::UntilClosed::new(std::io::stdout().lock());
    let mut stderr = console::UntilClosed::new(std::io::stderr().lock());
    let mut console = Console::new(&mut stdout, &mut stderr)
        .coloured(colour)
        .with_progress_bar(bar);
    exit_status(command(cli, &mut console))
}

/// The `main` of a binary that drives `implementation`: parses the
/// process's arguments (help and errors under the program's own name),
/// runs [`run_for`] with the report on standard output and errors on
/// standard error, and returns the exit status.
///
/// `implementation` is `'static` and `Clone` because a hunt's worker
/// threads may outlive it (a hung call is left behind): pass a reference
/// to a constant (`&MyFramework`), a value that is cheap to clone, or an
/// `Arc` of it.
pub fn main_for<M: Implementation + Clone + Send + 'static>(implementation: M) -> ExitCode {
    let program = std::env::args_os()
        .next()
        .and_then(|path| {
            Path::new(&path)
                .file_stem()
                .map(|s| s.to_string_lossy().into_owned())
        })
        .unwrap_or_else(|| implementation.name());
    let about = format!(
        "The WDF request lifecycle's conformance suite, for {}",
        implementation.describe()
    );
    let hunt = format!(
        "Hunt for divergences between the reference model and {}",
        implementation.name()
    );
    let command = Cli::command()
        .bin_name(program.clone())
        .display_name(program.clone())
        .about(about)
        .mut_subcommand("hunt", |c| c.about(hunt));
    let cli = match Cli::from_arg_matches(&command.get_matches()) {
        Ok(cli) => cli,
        Err(error) => error.exit(),
    };
    main_with(cli, |cli, console| {
        run_for(&implementation, &program, cli, console)
    })
}

/// The exit status of a command's result: its outcome's, or for a report
/// that could not be written, bad input. (A reader that went away, as in
/// `wdfreq rules | head`, is no failure: [`main_with`] writes through
/// [`console::UntilClosed`], so the command still ends with its verdict.)
pub fn exit_status(result: std::io::Result<Outcome>) -> ExitCode {
    match result {
        Ok(outcome) => ExitCode::from(outcome.code()),
        Err(error) => {
            eprintln!("wdfreq: cannot write the report: {error}");
            ExitCode::from(Outcome::BadInput.code())
        }
    }
}
