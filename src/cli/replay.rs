//! `wdfreq replay FILE`: reruns a regression file's steps on the
//! implementation it names (or `--implementation`), for its settings (the
//! settings flags replace them), beside the model, and prints every step
//! with what the model expected and what the implementation did, up to the
//! first divergence; then the verdict, and whether it is the outcome the
//! file expects. A race (a concurrent regression,
//! [`Regression::replay_concurrent`]) runs its rounds until one fails and
//! prints that round's history instead of the steps. Exit 0 when the implementation conforms as the file
//! expects, 1 when it diverges or the outcome is not the one the file
//! expects (a file expecting a divergence that does not come fails), 2
//! when the file is unreadable or malformed or the implementation or
//! settings asked for do not exist.

use std::io::Write;
use std::path::PathBuf;
use std::sync::mpsc::{self, RecvTimeoutError};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use clap::Args;

use super::implementation::{Builtin, only, with_builtin};
use super::settings::SettingsArgs;
use super::{Console, Outcome};
use crate::harness::concurrent::check_concurrent_settings;
use crate::harness::hunt::TICK;
use crate::harness::parallel::replay_parallel_watched;
use crate::harness::run::{INVARIANTS_EVERY, build, no_result, on_own_thread};
use crate::harness::watch::Watch;
use crate::harness::{
    Activity, Answer, CASE_TIMEOUT, ConcurrentImplementation, Conformance, Divergence,
    DivergenceKind, Implementation, Refusal, SideBySide, Stepped,
};
use crate::model::{ExpectedReply, Judgement};
use crate::regression::Regression;
use crate::vocab::{Call, Delivery, Reply, SendMode, Settings, Step};

/// The arguments of `replay`.
#[derive(Debug, Args)]
pub struct ReplayArgs {
    /// The regression file, as `wdfreq hunt` writes it.
    pub file: PathBuf,
    /// Replay on this implementation instead of the one the file names:
    /// `sim`, or a mutant from the gallery.
    #[arg(long, value_name = "NAME")]
    pub implementation: Option<String>,
    /// Settings flags replace the file's settings.
    #[command(flatten)]
    pub settings: SettingsArgs,
    /// The longest the replay may take, in seconds: a replay that takes
    /// longer is a hang of the implementation at the step it was on.
    #[arg(long, value_name = "SECONDS", default_value_t = CASE_TIMEOUT.as_secs_f64())]
    pub case_timeout: f64,
}

/// `wdfreq replay`: replays the file on the built-in implementation it
/// names, or `--implementation`.
pub fn run(args: &ReplayArgs, console: &mut Console) -> std::io::Result<Outcome> {
    let Some(regression) = read(args, console)? else {
        return Ok(Outcome::BadInput);
    };
    let name = args
        .implementation
        .as_deref()
        .unwrap_or(&regression.implementation);
    let builtin = match Builtin::by_name(name) {
        Ok(builtin) => builtin,
        Err(error) if args.implementation.is_some() => {
            console.error(error)?;
            return Ok(Outcome::BadInput);
        }
        // The file names it: the place is the file's header.
        Err(error) => {
            console.error(format_args!(
                "{}: regression: implementation: {error}",
                args.file.display()
            ))?;
            return Ok(Outcome::BadInput);
        }
    };
    if regression.concurrent.is_some() {
        return with_builtin!(builtin, |implementation| replay_race(
            implementation,
            &regression,
            args,
            console
        ));
    }
    with_builtin!(builtin, |implementation| replay_file(
        implementation,
        &regression,
        args,
        console
    ))
}

/// `replay` for `implementation`, the one a binary drives, whichever the
/// file names (a file found in another implementation is replayed, and
/// not compared with what it expects).
pub fn run_for<M: Implementation + Clone + Send + 'static>(
    implementation: &M,
    args: &ReplayArgs,
    console: &mut Console,
) -> std::io::Result<Outcome> {
    if let Err(message) = only(implementation, args.implementation.as_deref()) {
        console.error(message)?;
        return Ok(Outcome::BadInput);
    }
    match read(args, console)? {
        Some(regression) if regression.concurrent.is_some() => {
            console.error(format_args!(
                "{}: a concurrent regression (a race) replays on a built-in implementation \
                 here: `Regression::replay_concurrent` replays it on yours",
                args.file.display()
            ))?;
            Ok(Outcome::BadInput)
        }
        Some(regression) => replay_file(implementation, &regression, args, console),
        None => Ok(Outcome::BadInput),
    }
}

/// The replay's time limit, or none when `--case-timeout` is refused (and
/// why is written).
fn case_limit(args: &ReplayArgs, console: &mut Console) -> std::io::Result<Option<Duration>> {
    match super::hunt::case_timeout(args.case_timeout) {
        Ok(limit) => Ok(Some(limit)),
        Err(error) => {
            console.error(error)?;
            Ok(None)
        }
    }
}

/// `replay` of a concurrent regression: the case's rounds on fresh
/// instances until one fails, on a thread of its own watched for at most
/// the case time limit; the history of the failing round is printed.
fn replay_race<M: ConcurrentImplementation + Clone>(
    implementation: &M,
    regression: &Regression,
    args: &ReplayArgs,
    console: &mut Console,
) -> std::io::Result<Outcome> {
    let Some(limit) = case_limit(args, console)? else {
        return Ok(Outcome::BadInput);
    };
    let settings = match args
        .settings
        .over(regression.settings)
        .map_err(|e| e.to_string())
        .and_then(|s| check_concurrent_settings(implementation, s).map_err(|e| e.to_string()))
    {
        Ok(settings) => settings,
        Err(error) => {
            console.error(error)?;
            return Ok(Outcome::BadInput);
        }
    };
    let (config, case) = regression.race_case(settings);
    let out = &mut *console.out;
    writeln!(
        out,
        "wdfreq replay: {}, implementation: {}, framework: {settings}",
        args.file.display(),
        implementation.name()
    )?;
    writeln!(
        out,
        "a concurrent case: {} steps on {} driver threads, up to {} rounds until one fails \
         ({})",
        case.len(),
        config.drivers,
        config.rounds,
        if cfg!(feature = "shuttle") {
            format!("Shuttle's schedules of seed {}", config.schedule)
        } else {
            "the schedule is the operating system's".to_owned()
        }
    )?;
    let watch = Arc::new(Watch::new());
    let (sender, receiver) = mpsc::channel();
    {
        let (implementation, watch) = (implementation.clone(), Arc::clone(&watch));
        on_own_thread("wdfreq-replay", move || {
            watch.begin_run();
            let divergence = replay_parallel_watched(&implementation, &config, &case, Some(&watch));
            // The receiver may have given up waiting.
            let _ = sender.send(divergence);
        });
    }
    let divergence = match receiver.recv_timeout(limit) {
        Ok(divergence) => divergence,
        Err(why) => Some(no_result(why, &watch.position(), limit)),
    };
    if let Some(divergence) = &divergence {
        let text = divergence
            .report(&regression.steps)
            .coloured(console.colour)
            .to_string();
        write!(out, "{text}")?;
    }
    let line = match &divergence {
        None => "verdict: conforms".to_owned(),
        Some(divergence) => match divergence.kind {
            DivergenceKind::NotLinearizable { .. } => {
                "verdict: DIVERGES: no order of a round's history is one the framework allows"
                    .to_owned()
            }
            ref kind => format!("verdict: DIVERGES: {}", diverged(kind)),
        },
    };
    writeln!(out, "{line}")?;
    let outcome = if divergence.is_some() {
        Outcome::Violation
    } else {
        Outcome::Conforms
    };
    write_expectation(
        regression,
        (&implementation.name(), settings),
        divergence.as_ref(),
        outcome,
        out,
    )
}

/// The file, or none when it was refused (and why is written).
fn read(args: &ReplayArgs, console: &mut Console) -> std::io::Result<Option<Regression>> {
    match Regression::read(&args.file) {
        Ok(regression) => Ok(Some(regression)),
        Err(error) => {
            console.error(error)?;
            Ok(None)
        }
    }
}

fn replay_file<M: Implementation + Clone + Send + 'static>(
    implementation: &M,
    regression: &Regression,
    args: &ReplayArgs,
    console: &mut Console,
) -> std::io::Result<Outcome> {
    let Some(limit) = case_limit(args, console)? else {
        return Ok(Outcome::BadInput);
    };
    let settings = match args
        .settings
        .over(regression.settings)
        .map_err(|e| e.to_string())
        .and_then(|s| implementation.check_settings(s).map_err(|e| e.to_string()))
    {
        Ok(settings) => settings,
        Err(error) => {
            console.error(error)?;
            return Ok(Outcome::BadInput);
        }
    };
    let (out, colour) = (&mut *console.out, console.colour);
    writeln!(
        out,
        "wdfreq replay: {}, implementation: {}, framework: {settings}",
        args.file.display(),
        implementation.describe()
    )?;
    let divergence = replay_within(
        implementation.clone(),
        settings,
        &regression.steps,
        limit,
        (out, colour),
    )?;
    write_verdict(
        regression,
        (&implementation.name(), settings),
        divergence,
        out,
    )
}

/// [`replay`] on a fresh instance of `implementation`, on a thread of its
/// own whose report is printed here as it comes, waiting at most `limit`:
/// a replay that takes longer is a hang at the step it was on, printed as
/// the step's divergence, and the thread is left behind.
fn replay_within<M: Implementation + Send + 'static>(
    implementation: M,
    settings: Settings,
    steps: &[Step],
    limit: Duration,
    (out, colour): (&mut dyn Write, bool),
) -> std::io::Result<Option<Divergence>> {
    let pipe = Pipe::default();
    let watch = Arc::new(Watch::new());
    let (sender, receiver) = mpsc::channel();
    {
        let (mut pipe, watch, steps) = (pipe.clone(), Arc::clone(&watch), steps.to_vec());
        on_own_thread("wdfreq-replay", move || {
            watch.begin_run();
            let replayed = match build(&|| implementation.build(settings)) {
                Ok(instance) => replay(
                    instance,
                    settings,
                    &steps,
                    (&mut pipe, colour),
                    Some(&watch),
                ),
                Err(divergence) => writeln!(pipe, "=> build  {}", diverged(&divergence.kind))
                    .map(|()| Some(divergence)),
            };
            // The receiver may have given up waiting.
            let _ = sender.send(replayed);
        });
    }
    let started = Instant::now();
    loop {
        let received = receiver.recv_timeout(TICK);
        pipe.drain_into(out)?;
        match received {
            Ok(replayed) => return replayed,
            Err(RecvTimeoutError::Timeout) if started.elapsed() < limit => {}
            Err(why) => {
                let position = watch.position();
                let divergence = no_result(why, &position, limit);
                match (position.activity, steps.get(position.step)) {
                    (Activity::Stepping, Some(step)) => {
                        writeln!(out, "=> {:>3}  {step}", position.step)?;
                        writeln!(
                            out,
                            "        implementation: {}",
                            diverged(&divergence.kind)
                        )?;
                    }
                    (Activity::Building, _) => {
                        writeln!(out, "=> build  {}", diverged(&divergence.kind))?
                    }
                    _ => writeln!(out, "=> end  {}", diverged(&divergence.kind))?,
                }
                write_divergence(&divergence, steps, (out, colour))?;
                return Ok(Some(divergence));
            }
        }
    }
}

/// What the replay's thread writes, for the calling thread to print as it
/// comes.
#[derive(Clone, Default)]
struct Pipe(Arc<Mutex<Vec<u8>>>);

impl Pipe {
    /// Prints what was written since the last drain.
    fn drain_into(&self, out: &mut dyn Write) -> std::io::Result<()> {
        let written = std::mem::take(
            &mut *self
                .0
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner),
        );
        out.write_all(&written)?;
        out.flush()
    }
}

impl Write for Pipe {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        self.0
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .extend_from_slice(bytes);
        Ok(bytes.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// Steps `implementation` beside the model through `steps`, printing each
/// step's comparison, until the end or the first divergence; each step is
/// marked on `watch`, if given.
fn replay<I: Conformance>(
    implementation: I,
    settings: Settings,
    steps: &[Step],
    (out, colour): (&mut dyn Write, bool),
    watch: Option<&Arc<Watch>>,
) -> std::io::Result<Option<Divergence>> {
    // A full check of the implementation's invariants walks every request
    // it holds: after every step, a long replay with many requests alive
    // would take minutes. Every few steps and at the end, as a hunt does.
    let mut pair = SideBySide::new(implementation, settings)
        .checking_invariants_every(INVARIANTS_EVERY)
        .watched(watch);
    for (index, step) in steps.iter().enumerate() {
        let result = pair.step(step, None);
        let finishes = finishes_a_send(step);
        let mark = if result.is_err() { "=>" } else { "  " };
        writeln!(out, "{mark} {index:>3}  {step}")?;
        let expected = pair
            .last_judgement()
            .map_or("(ill-formed step: skipped)".to_owned(), |j| {
                expected(j, finishes)
            });
        let did = match &result {
            Ok(stepped) => did(stepped, finishes),
            Err(divergence) => diverged(&divergence.kind),
        };
        writeln!(out, "        model:          {expected}")?;
        writeln!(out, "        implementation: {did}")?;
        if let Err(divergence) = result {
            if index + 1 < steps.len() {
                writeln!(
                    out,
                    "        (steps {} to {} not run: after a divergence the two are out of step)",
                    index + 1,
                    steps.len() - 1
                )?;
            }
            write_divergence(&divergence, steps, (out, colour))?;
            // Dropped under guard; the divergence found stands.
            let _ = pair.close();
            return Ok(Some(divergence));
        }
    }
    if let Err(divergence) = pair.finish(None) {
        writeln!(
            out,
            "=> end  the implementation's invariant check, after the last step: {}",
            diverged(&divergence.kind)
        )?;
        write_divergence(&divergence, steps, (out, colour))?;
        // Dropped under guard; the divergence found stands.
        let _ = pair.close();
        return Ok(Some(divergence));
    }
    if let Err(divergence) = pair.close() {
        writeln!(out, "=> end  {}", diverged(&divergence.kind))?;
        write_divergence(&divergence, steps, (out, colour))?;
        return Ok(Some(divergence));
    }
    Ok(None)
}

/// Whether `step` ends a send (a target completion, a synchronous send),
/// the steps in which a callback may be invoked.
fn finishes_a_send(step: &Step) -> bool {
    matches!(
        step,
        Step::TargetComplete { .. }
            | Step::Call {
                call: Call::Send {
                    mode: SendMode::Sync(_),
                    ..
                },
                ..
            }
    )
}

/// The callbacks invoked, in words; where a step `finishes` a send, that
/// none was, when none was.
fn invoked<'a>(deliveries: impl IntoIterator<Item = &'a Delivery>, finishes: bool) -> String {
    let mut text = String::new();
    for delivery in deliveries {
        text += &format!("; invokes {delivery}");
    }
    if text.is_empty() && finishes {
        text += "; invokes no callback";
    }
    text
}

/// What the model says of a step: refused or accepted, the reply it owes,
/// the callback it must invoke, and its warnings.
fn expected(judgement: &Judgement, finishes: bool) -> String {
    let mut text = match &judgement.outcome {
        Err(violation) => format!("refused: breaks {}", violation.rule),
        Ok(accepted) => {
            let mut text = "accepted".to_owned();
            if let Some(violation) = judgement.let_through {
                text += &format!(
                    " though it breaks {} (not refused in these settings)",
                    violation.rule
                );
            }
            text += &match accepted.reply {
                ExpectedReply::Done => String::new(),
                ExpectedReply::Any => ", anything (not judged)".to_owned(),
                ExpectedReply::Cancel { returns } => match returns {
                    Some(returns) => format!(", cancel returns {returns}"),
                    None => ", cancel returns what the lower driver answers".to_owned(),
                },
                ExpectedReply::Status {
                    status,
                    information,
                } => format!(
                    ", status read returns status {}, information {}",
                    status.map_or("(any)".to_owned(), |s| s.to_string()),
                    information.map_or("(any)".to_owned(), |i| i.to_string())
                ),
            };
            text + &invoked(&accepted.deliveries, finishes)
        }
    };
    for warning in judgement.warnings.iter() {
        text += &format!(" (warning[{warning}])");
    }
    text
}

/// What the implementation did in a step both sides agreed on.
fn did(stepped: &Stepped, finishes: bool) -> String {
    let Some(answer) = &stepped.answer else {
        return "nothing".to_owned();
    };
    let replied = match answer {
        Answer::Refused(Refusal::Rule(rule)) => return format!("refused: breaks {rule}"),
        Answer::Refused(refusal) => return refusal.to_string(),
        Answer::Introduced | Answer::Replied(Reply::Done) => "accepted".to_owned(),
        Answer::Replied(Reply::Cancel { was_outstanding }) => {
            format!("accepted, cancel returns was_outstanding = {was_outstanding}")
        }
        Answer::Replied(Reply::Status(completion)) => {
            format!("accepted, status read returns {completion}")
        }
    };
    replied + &invoked(&stepped.deliveries, finishes)
}

/// What the implementation did in the step where it diverged.
fn diverged(kind: &DivergenceKind) -> String {
    match kind {
        DivergenceKind::Broke { actual, .. } => format!("accepted{}", invoked(actual, true)),
        DivergenceKind::AcceptedIllegal { .. } => "accepted".to_owned(),
        DivergenceKind::RefusedLegal { refusal, .. } => refusal.to_string(),
        DivergenceKind::WrongRule { actual, .. } => actual.to_string(),
        DivergenceKind::WrongReply { actual, .. } => match actual {
            Reply::Done => "accepted".to_owned(),
            Reply::Cancel { was_outstanding } => {
                format!("accepted, cancel returns was_outstanding = {was_outstanding}")
            }
            Reply::Status(completion) => format!("accepted, status read returns {completion}"),
        },
        DivergenceKind::DuplicateHandle { holder, .. } => {
            format!("accepted, with the handle of {holder}")
        }
        DivergenceKind::Panicked { message, .. } => format!("panicked: {message}"),
        DivergenceKind::Hung { limit, .. } => {
            format!("no return after {} s", limit.as_secs_f64())
        }
        DivergenceKind::NotLinearizable { .. } => {
            "ran at once with other threads, and no order explains what they did".to_owned()
        }
        DivergenceKind::Invariant { message } => {
            format!("accepted, then its own invariant check failed: {message}")
        }
    }
}

/// The divergence's report without the step list, which the comparison
/// above has already shown.
fn write_divergence(
    divergence: &Divergence,
    steps: &[Step],
    (out, colour): (&mut dyn Write, bool),
) -> std::io::Result<()> {
    let text = divergence.report(steps).coloured(colour).to_string();
    // The report opens with one line per step up to the divergent one.
    for line in text.lines().skip(divergence.step + 1) {
        writeln!(out, "{line}")?;
    }
    Ok(())
}

/// The verdict, whether it is what the file expects, and the exit status.
fn write_verdict(
    regression: &Regression,
    replayed: (&str, Settings),
    divergence: Option<Divergence>,
    out: &mut dyn Write,
) -> std::io::Result<Outcome> {
    let outcome = match &divergence {
        None => {
            writeln!(out, "verdict: conforms")?;
            Outcome::Conforms
        }
        Some(divergence) => {
            let rule = divergence
                .rule()
                .map_or(String::new(), |r| format!(" ({r})"));
            writeln!(out, "verdict: DIVERGES at step {}{rule}", divergence.step)?;
            Outcome::Violation
        }
    };
    write_expectation(regression, replayed, divergence.as_ref(), outcome, out)
}

/// Whether the replay showed what the file expects, and the exit status.
fn write_expectation(
    regression: &Regression,
    replayed: (&str, Settings),
    divergence: Option<&Divergence>,
    outcome: Outcome,
    out: &mut dyn Write,
) -> std::io::Result<Outcome> {
    let recorded = regression.expectation();
    if replayed != (regression.implementation.as_str(), regression.settings) {
        writeln!(
            out,
            "expected: {recorded} in {}, {}: not compared, replayed elsewhere",
            regression.implementation, regression.settings
        )?;
        return Ok(outcome);
    }
    if regression.expected(divergence) {
        writeln!(out, "expected: {recorded}: as expected")?;
        Ok(outcome)
    } else {
        // A file whose outcome did not happen fails, even when the
        // implementation conformed: a CI step reads exit 0 as a pass.
        writeln!(out, "expected: {recorded}: NOT as expected")?;
        Ok(Outcome::Violation)
    }
}
