//! Regression files: a failing case kept as its shrunk operation sequence,
//! with the settings, the implementation it was found in and the outcome
//! expected of a replay. A regression file is a trace (format version 2):
//! its header names the settings and, under `regression`, what a replay
//! must show; its lines are the steps, read by the trace reader, so users
//! learn one spelling of a step and `wdfreq check` reads the file too. (A
//! seed replays only while the generator stays the same; the steps replay
//! for good.)
//!
//! ```text
//! {"wdfreq":2,"flavor":"kmdf","version":"1.9","verifier":true,"regression":{"implementation":"callback-kept-across-reuse","seed":"0x3c2d65b1e2a6e1f0","expect":"diverges","rule":"callback-leak","note":"found by wdfreq hunt --seed 0x1, case 17; shrunk from 23 to 5 steps"}}
//! {"op":"create","req":"r0"}
//! {"op":"set_completion","req":"r0","callback":"cb0","context":"ctx0"}
//! ...
//! ```
//!
//! Under `regression`:
//!
//! - `implementation`: the name of the implementation it was found in
//!   ([`Implementation::name`]): `sim`, a gallery mutant's, or a third
//!   party's.
//! - `seed` (optional): the case seed the failure was found with.
//! - `expect`: `diverges` or `conforms`, what a replay must show; `rule`
//!   (optional, may be null): the rule the divergence broke when found, and
//!   with `diverges` the rule a replay's divergence must break.
//! - `note` (optional): free text for people.
//! - `concurrent` (optional): `{"drivers":N,"rounds":R}`, a race kept by
//!   the concurrent hunt ([`ConcurrentRun`]). Its steps keep their ids, the
//!   names written as the vocabulary spells them (`r4`, `ctx9`) and read
//!   back as those ids: which thread runs a step (request `r` on driver
//!   `r mod N`) and which request is a continuous reader (context `ctx9`)
//!   hang on them.
//!
//! The steps are the trace's events: a `sync` send with the
//! `target_complete` that follows it is one step, a `status` line is a
//! status read whatever `value` it records (a written regression records
//! none), and `callback` lines, which record what some implementation did,
//! are not steps and are skipped. [`Regression::to_text`] writes exactly
//! this layout, names renumbered in order of first appearance so that
//! reading the file back gives the same steps, and so a file written twice
//! for the same case is byte for byte the same. [`Regression::read`]
//! refuses anything else (unknown fields under `regression` too, so a
//! misspelt `expect` is not silently ignored), with an error naming the
//! file, the line and the field.

use std::fmt;
use std::io::Cursor;
use std::path::{Path, PathBuf};

use serde::de::{self, Deserializer};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value, json};

use crate::check::json::{json_object, serde_message};
use crate::check::write::{header, renamed_in_order, step_lines};
use crate::check::{Event, Names, TraceError, TraceReader};
use crate::harness::concurrent::check_concurrent_settings;
use crate::harness::parallel::replay_parallel;
use crate::harness::{
    CaseConfig, ConcurrentConfig, ConcurrentImplementation, Divergence, Failure, Implementation,
    NotImplemented, ParallelCase, Seed, execute,
};
use crate::vocab::{
    Call, CallbackId, Completion, ContextId, QueueId, RequestId, RuleId, SendMode, Settings, Step,
    TargetId,
};

/// The header field that makes a trace a regression file.
pub const FIELD: &str = "regression";

/// What a replay of a regression file must show.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum Expect {
    /// The implementation diverges (with `rule`, when one is named).
    Diverges,
    /// The implementation conforms: the bug was fixed.
    Conforms,
}

/// One regression file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Regression {
    /// The name of the implementation the case was found in
    /// ([`Implementation::name`]).
    pub implementation: String,
    /// The framework the case is judged for (the trace header's).
    pub settings: Settings,
    /// The case seed the failure was found with, if one was.
    pub seed: Option<Seed>,
    /// What a replay must show.
    pub expect: Expect,
    /// The rule the divergence broke when found; with `Diverges`, the rule
    /// a replay's divergence must break.
    pub rule: Option<RuleId>,
    /// Free text for people.
    pub note: Option<String>,
    /// The operation sequence.
    pub steps: Vec<Step>,
    /// How the steps run when the case is a concurrent one (a race kept by
    /// `hunt --concurrent`); `None` for a sequential case.
    pub concurrent: Option<ConcurrentRun>,
}

/// The most rounds the replay of a race kept as a regression file runs
/// until one fails: a shrunk race failed in some of a few rounds, so the
/// chance that it shows in none of these is small on a quiet machine, and
/// a replay that meets it stops there. (Under load it can be missed: a
/// race found by a seeded hunt, [`ConcurrentRun::schedule`], replays for
/// certain in a build with the `shuttle` feature.)
pub const RACE_REPLAY_ROUNDS: usize = 256;

/// How a concurrent regression's steps run: `drivers` driver threads
/// share them as [`ParallelCase`] says, and a replay runs them up to
/// `rounds` times, each on a fresh instance, until one fails.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ConcurrentRun {
    /// Driver threads.
    pub drivers: usize,
    /// The most rounds a replay runs.
    pub rounds: usize,
    /// The seed of the schedules the rounds ran under, for a race found
    /// by a build with the `shuttle` feature
    /// ([`ConcurrentConfig::schedule`]); `None` when the operating system
    /// scheduled them.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub schedule: Option<u64>,
}

impl Regression {
    /// Reads and validates the regression file at `path`.
    pub fn read(path: &Path) -> Result<Regression, RegressionError> {
        use std::io::Read;
        let file = path.display().to_string();
        let error = |kind| RegressionError {
            file: file.clone(),
            line: 0,
            kind,
        };
        // Read at most one byte past the limit: a file (or `/dev/zero`)
        // past it is refused without being held whole.
        let mut bytes = Vec::new();
        std::fs::File::open(path)
            .and_then(|f| {
                f.take(REGRESSION_BYTES_MAX as u64 + 1)
                    .read_to_end(&mut bytes)
            })
            .map_err(|e| error(RegressionErrorKind::Read(e)))?;
        if bytes.len() > REGRESSION_BYTES_MAX {
            return Err(error(RegressionErrorKind::TooLarge {
                max: REGRESSION_BYTES_MAX,
            }));
        }
        match String::from_utf8(bytes) {
            Ok(text) => Regression::parse(&file, &text),
            // The trace reader says how, and where: another encoding (a
            // UTF-16 file), or the line and column where UTF-8 stops.
            Err(not_utf8) => {
                let mut reader = TraceReader::new(&file, not_utf8.as_bytes());
                let trace = |e: TraceError| RegressionError {
                    file: file.clone(),
                    line: e.line as usize,
                    kind: RegressionErrorKind::Trace(Box::new(e)),
                };
                while reader.next_event().map_err(trace)?.is_some() {}
                // INVARIANT: the reader checks every line to be UTF-8, so
                // it stopped above; should it not, the error is the
                // operating system's kind of it.
                let kind = std::io::ErrorKind::InvalidData;
                Err(error(RegressionErrorKind::Read(std::io::Error::new(
                    kind,
                    not_utf8.utf8_error(),
                ))))
            }
        }
    }

    /// Parses and validates `text`, the contents of `file`.
    pub fn parse(file: &str, text: &str) -> Result<Regression, RegressionError> {
        let error = |line, kind| RegressionError {
            file: file.to_owned(),
            line,
            kind,
        };
        // The trace reader skips a byte-order mark, and so does the look
        // for the header.
        let (line, first) = text
            .strip_prefix('\u{feff}')
            .unwrap_or(text)
            .lines()
            .enumerate()
            .find(|(_, l)| !l.trim().is_empty())
            .ok_or_else(|| error(0, RegressionErrorKind::NotARegression))?;
        let line = line + 1;
        // A first line that is not a JSON object (or gives a key twice) is
        // the trace reader's to report; an object without the field is no
        // regression file, however the rest reads. The field is kept as
        // written, so that serde reads it field by field and refuses one
        // given twice.
        let expected = match json_object(first) {
            Ok(header) => match header.written(FIELD) {
                Some(expected) => Some(expected),
                None => return Err(error(line, RegressionErrorKind::NotARegression)),
            },
            Err(_) => None,
        };
        // A concurrent case's names are its ids: which thread runs a step,
        // and which request is a continuous reader, hang on them.
        // The field is judged after the lines, whose errors come first.
        let raw = expected.map(serde_json::from_str::<RawExpected>);
        let concurrent = matches!(&raw, Some(Ok(raw)) if raw.concurrent.is_some());
        let mut reader = TraceReader::new(file, Cursor::new(text));
        let mut steps = Vec::new();
        let trace = |e: TraceError| error(e.line as usize, RegressionErrorKind::Trace(Box::new(e)));
        while let Some((line, event)) = reader.next_event().map_err(trace)? {
            let step = match event {
                // A `sync` send without its answer is one the recorded run
                // refused (a trace from `--trace-out` writes it alone), and
                // a refusal never looks at the answer: a replay answers it
                // with success.
                Event::SyncSend {
                    request,
                    target,
                    timeout,
                    ignore_state,
                    answer: None,
                } => Some(Step::Call {
                    request,
                    call: Call::Send {
                        target,
                        mode: SendMode::Sync(Completion::SUCCESS),
                        timeout,
                        ignore_state,
                    },
                }),
                event => event.step(),
            };
            let step = match step {
                Some(step) if concurrent => Some(
                    literal_ids(&step, reader.names())
                        .map_err(|m| error(line as usize, RegressionErrorKind::Malformed(m)))?,
                ),
                step => step,
            };
            steps.extend(step);
        }
        let settings = reader.header().map_err(trace)?.settings;
        let raw = raw.ok_or_else(|| error(line, RegressionErrorKind::NotARegression))?;
        let raw = raw.map_err(|e| {
            error(
                line,
                RegressionErrorKind::Malformed(format!("{FIELD}: {}", serde_message(&e))),
            )
        })?;
        Ok(Regression {
            implementation: raw.implementation,
            settings,
            seed: raw.seed.map(|s| s.0),
            expect: raw.expect,
            rule: raw.rule,
            note: raw.note,
            steps,
            concurrent: raw.concurrent,
        })
    }

    /// The file's text: the layout the module docs show, one step a line
    /// (two for a synchronous send).
    pub fn to_text(&self) -> String {
        let mut expected = Map::new();
        expected.insert("implementation".into(), json!(self.implementation));
        if let Some(seed) = self.seed {
            expected.insert("seed".into(), json!(seed.to_string()));
        }
        expected.insert("expect".into(), json!(self.expect));
        expected.insert("rule".into(), json!(self.rule.map(RuleId::as_str)));
        if let Some(note) = &self.note {
            expected.insert("note".into(), json!(note));
        }
        if let Some(run) = self.concurrent {
            expected.insert("concurrent".into(), json!(run));
        }
        let mut first = header(self.settings);
        first.insert(FIELD.into(), Value::Object(expected));
        let mut text = Value::Object(first).to_string() + "\n";
        // A concurrent case keeps its ids (see `literal_ids`).
        let steps = match self.concurrent {
            Some(_) => self.steps.clone(),
            None => renamed_in_order(&self.steps),
        };
        for step in steps {
            for line in step_lines(&step) {
                text += &Value::Object(line).to_string();
                text += "\n";
            }
        }
        text
    }

    /// The regression file that keeps `failure`, found in `implementation`
    /// for `settings`, expecting `expect` of a replay (a hunt records
    /// `Diverges`, the bug as found; a test suite records `Conforms`, what
    /// the implementation must do once fixed).
    pub fn of_failure(
        implementation: &str,
        settings: Settings,
        failure: &Failure,
        expect: Expect,
        note: Option<String>,
    ) -> Regression {
        Regression {
            implementation: implementation.to_owned(),
            settings,
            seed: Some(failure.seed),
            expect,
            rule: failure.divergence.rule(),
            note,
            steps: failure.steps.clone(),
            concurrent: None,
        }
    }

    /// The regression file that keeps `failure`, a race found by the
    /// concurrent hunt in `implementation` for `settings`, its steps shared
    /// by `run.drivers` driver threads, expecting `expect` of a replay (as
    /// [`of_failure`](Self::of_failure)).
    pub fn of_race(
        implementation: &str,
        settings: Settings,
        failure: &Failure,
        run: ConcurrentRun,
        expect: Expect,
        note: Option<String>,
    ) -> Regression {
        Regression {
            concurrent: Some(run),
            ..Regression::of_failure(implementation, settings, failure, expect, note)
        }
    }

    /// What a replay of this race runs for `settings`: the concurrent
    /// configuration (its drivers, rounds and schedule seed) and the case.
    /// (A sequential file's steps run on one driver thread, once.)
    pub fn race_case(&self, settings: Settings) -> (ConcurrentConfig, ParallelCase) {
        let run = self.concurrent.unwrap_or(ConcurrentRun {
            drivers: 1,
            rounds: 1,
            schedule: None,
        });
        let config = ConcurrentConfig {
            case: CaseConfig {
                settings,
                ..CaseConfig::default()
            },
            drivers: run.drivers,
            rounds: run.rounds,
            schedule: run.schedule.unwrap_or(ConcurrentConfig::default().schedule),
            ..ConcurrentConfig::default()
        };
        (config, ParallelCase::new(self.steps.clone(), run.drivers))
    }

    /// Replays a concurrent regression's case ([`ConcurrentRun`]) on
    /// fresh instances of `implementation` for the file's settings, up to
    /// `rounds` times (the file's when `None`) until a round fails. The
    /// schedule is the operating system's, so a race kept may take many
    /// rounds to show again, and a replay that meets it in none conforms;
    /// in a build with the `shuttle` feature each round runs under the
    /// schedule seeded by the file's `schedule`, and replays for certain a
    /// race a seeded hunt found.
    /// Refused when the implementation does not declare the settings.
    pub fn replay_concurrent<M: ConcurrentImplementation>(
        &self,
        implementation: &M,
        rounds: Option<usize>,
    ) -> Result<Replayed, NotImplemented> {
        let settings = check_concurrent_settings(implementation, self.settings)?;
        let (mut config, case) = self.race_case(settings);
        config.rounds = rounds.unwrap_or(config.rounds);
        let divergence = replay_parallel(implementation, &config, &case);
        let as_expected = self.expected(divergence.as_ref());
        Ok(Replayed {
            divergence,
            as_expected,
        })
    }

    /// Writes the file into `dir` (created if need be) under
    /// [`file_name`](Self::file_name), and returns its path.
    pub fn write_into(&self, dir: &Path) -> std::io::Result<PathBuf> {
        let path = dir.join(self.file_name());
        std::fs::create_dir_all(dir)?;
        std::fs::write(&path, self.to_text())?;
        Ok(path)
    }

    /// Replays the steps on a fresh instance of `implementation` built for
    /// the file's settings, beside the model, up to the first divergence.
    /// Refused when the implementation does not declare those settings.
    pub fn replay<M: Implementation>(
        &self,
        implementation: &M,
    ) -> Result<Replayed, NotImplemented> {
        let settings = implementation.check_settings(self.settings)?;
        let divergence = execute(
            implementation.build(settings),
            settings,
            &self.steps,
            None,
            None,
        )
        .err();
        let as_expected = self.expected(divergence.as_ref());
        Ok(Replayed {
            divergence,
            as_expected,
        })
    }

    /// [`replay`](Self::replay), on a thread of its own, waiting at most
    /// `limit` ([`execute_within`](crate::harness::run::execute_within)):
    /// a kept hang fails the replay instead of hanging it.
    pub fn replay_within<M: Implementation + Send + 'static>(
        &self,
        implementation: M,
        limit: std::time::Duration,
    ) -> Result<Replayed, NotImplemented> {
        let settings = implementation.check_settings(self.settings)?;
        let divergence = crate::harness::run::execute_within(
            move || implementation.build(settings),
            settings,
            self.steps.clone(),
            limit,
        )
        .err();
        let as_expected = self.expected(divergence.as_ref());
        Ok(Replayed {
            divergence,
            as_expected,
        })
    }

    /// Whether a replay that ended with `divergence` (none: it conformed)
    /// shows what the file expects: no divergence for `conforms`; for
    /// `diverges`, a divergence that breaks the recorded rule when one is
    /// recorded, and for a race one that no order explains (a panic or a
    /// hang is another failure).
    pub fn expected(&self, divergence: Option<&Divergence>) -> bool {
        match (self.expect, divergence) {
            (Expect::Conforms, None) => true,
            (Expect::Diverges, Some(divergence)) if self.concurrent.is_some() => matches!(
                divergence.kind,
                crate::harness::DivergenceKind::NotLinearizable { .. }
            ),
            (Expect::Diverges, Some(divergence)) => {
                self.rule.is_none() || self.rule == divergence.rule()
            }
            _ => false,
        }
    }

    /// What the file expects, for people: `conforms`, `diverges` or
    /// `diverges (<rule>)`.
    pub fn expectation(&self) -> String {
        match (self.expect, self.rule) {
            (Expect::Conforms, _) => "conforms".to_owned(),
            (Expect::Diverges, None) => "diverges".to_owned(),
            (Expect::Diverges, Some(rule)) => format!("diverges ({rule})"),
        }
    }

    /// The file name `wdfreq hunt` gives this case: implementation,
    /// settings, rule and seed, so that different finds never share one.
    pub fn file_name(&self) -> String {
        let verifier = if self.settings.verifier {
            ""
        } else {
            "-no-verifier"
        };
        let unnamed = match self.concurrent {
            Some(_) => "race",
            None => "divergence",
        };
        let rule = self.rule.map_or(unnamed, RuleId::as_str);
        let seed = self
            .seed
            .map_or(String::new(), |s| format!("-{:016x}", s.0));
        format!(
            "{}-{}-{}{verifier}-{rule}{seed}.jsonl",
            self.implementation, self.settings.flavor, self.settings.version
        )
    }
}

/// What a [`Regression::replay`] showed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Replayed {
    /// The first divergence, or none when the implementation conformed.
    pub divergence: Option<Divergence>,
    /// Whether that is what the file expects ([`Regression::expected`]).
    pub as_expected: bool,
}

/// A regression file cannot be read, or is not one.
#[derive(Debug, thiserror::Error)]
pub struct RegressionError {
    /// The file, as given.
    pub file: String,
    /// The 1-based line of the problem; 0 for the file as a whole.
    pub line: usize,
    /// What is wrong.
    pub kind: RegressionErrorKind,
}

impl fmt::Display for RegressionError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (&self.kind, self.line) {
            // A trace error names its file and line itself.
            (RegressionErrorKind::Trace(error), _) => write!(f, "{error}"),
            (kind, 0) => write!(f, "{}: {kind}", self.file),
            (kind, line) => write!(f, "{}:{line}: {kind}", self.file),
        }
    }
}

/// Why a regression file was refused.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum RegressionErrorKind {
    /// The operating system refused to read it.
    #[error("cannot read: {0}")]
    Read(#[source] std::io::Error),
    /// It is not a well-formed trace.
    #[error(transparent)]
    Trace(Box<TraceError>),
    /// Its first line is no trace header with a `regression` field.
    #[error("not a regression file: its first line is no trace header with a `regression` field")]
    NotARegression,
    /// The `regression` field is not what this format says; the message
    /// names the field at fault.
    #[error("malformed regression file: {0}")]
    Malformed(String),
    /// It is larger than a regression file may be.
    #[error("larger than a regression file may be ({max} bytes)")]
    TooLarge {
        /// [`REGRESSION_BYTES_MAX`].
        max: usize,
    },
}

/// The largest regression file [`Regression::read`] reads: 64 MiB, about a
/// million steps, far past what shrinking leaves (a file is held whole, and
/// its steps in memory, while it replays).
pub const REGRESSION_BYTES_MAX: usize = 64 << 20;

/// The header's `regression` object as serde reads it; each newtype
/// checks its field.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawExpected {
    #[serde(deserialize_with = "implementation_field")]
    implementation: String,
    #[serde(default)]
    seed: Option<SeedField>,
    #[serde(deserialize_with = "expect_field")]
    expect: Expect,
    #[serde(default, deserialize_with = "rule_field")]
    rule: Option<RuleId>,
    #[serde(default, deserialize_with = "note_field")]
    note: Option<String>,
    #[serde(default)]
    concurrent: Option<ConcurrentRun>,
}

/// `step` with each id the one its name spells in the vocabulary's own
/// names (`r3` is request 3, `ctx9` context 9), as a concurrent regression
/// writes them; or why a name is not one.
fn literal_ids(step: &Step, names: &Names) -> Result<Step, String> {
    fn id(name: &str, prefix: &str) -> Result<u32, String> {
        name.strip_prefix(prefix)
            .filter(|n| !n.is_empty() && (n == &"0" || !n.starts_with('0')))
            .and_then(|n| n.parse().ok())
            .ok_or_else(|| {
                format!(
                    "a concurrent regression names things as the vocabulary does (`r0`, `cb1`, \
                     `ctx2`, `t0`, `q1`): `{name}` is not `{prefix}<number>`"
                )
            })
    }
    let request = |r: RequestId| id(names.request(r), "r").map(RequestId);
    let target = |t: TargetId| id(names.target(t), "t").map(TargetId);
    Ok(match *step {
        Step::Create { request: r, irp } => Step::Create {
            request: request(r)?,
            irp,
        },
        Step::Receive { request: r, queue } => Step::Receive {
            request: request(r)?,
            queue: QueueId(id(names.queue(queue), "q")?),
        },
        Step::TargetComplete {
            request: r,
            completion,
        } => Step::TargetComplete {
            request: request(r)?,
            completion,
        },
        Step::TimedOut { request: r } => Step::TimedOut {
            request: request(r)?,
        },
        Step::Target { target: t, change } => Step::Target {
            target: target(t)?,
            change,
        },
        Step::Call { request: r, call } => Step::Call {
            request: request(r)?,
            call: match call {
                Call::Format {
                    kind,
                    target: Some(t),
                } => Call::Format {
                    kind,
                    target: Some(target(t)?),
                },
                Call::SetCompletionCallback { callback, context } => Call::SetCompletionCallback {
                    callback: CallbackId(id(names.callback(callback), "cb")?),
                    context: match context {
                        Some(c) => Some(ContextId(id(names.context(c), "ctx")?)),
                        None => None,
                    },
                },
                Call::Send {
                    target: t,
                    mode,
                    timeout,
                    ignore_state,
                } => Call::Send {
                    target: target(t)?,
                    mode,
                    timeout,
                    ignore_state,
                },
                call => call,
            },
        },
    })
}

/// Reads `expect`, naming the field in the error: serde alone names a
/// field only when it is missing or unknown, not when its value is bad.
fn expect_field<'de, D: Deserializer<'de>>(d: D) -> Result<Expect, D::Error> {
    Expect::deserialize(d).map_err(|e| de::Error::custom(format!("expect: {e}")))
}

/// Reads `rule`, naming the field in the error.
fn rule_field<'de, D: Deserializer<'de>>(d: D) -> Result<Option<RuleId>, D::Error> {
    Option::<RuleId>::deserialize(d).map_err(|e| de::Error::custom(format!("rule: {e}")))
}

/// Reads `note`, naming the field in the error.
fn note_field<'de, D: Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
    Option::<String>::deserialize(d).map_err(|e| de::Error::custom(format!("note: {e}")))
}

/// Reads `implementation`: a name, non-empty and without white space,
/// since it is part of file names and command lines.
fn implementation_field<'de, D: Deserializer<'de>>(d: D) -> Result<String, D::Error> {
    let name =
        String::deserialize(d).map_err(|e| de::Error::custom(format!("implementation: {e}")))?;
    if name.is_empty() || name.contains(|c: char| c.is_whitespace() || c == '/' || c == '\\') {
        return Err(de::Error::custom(format!(
            "implementation: `{name}` is no implementation name (empty, or with white space or a slash)"
        )));
    }
    Ok(name)
}

struct SeedField(Seed);

impl<'de> Deserialize<'de> for SeedField {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let text = String::deserialize(d).map_err(|e| de::Error::custom(format!("seed: {e}")))?;
        text.parse()
            .map(SeedField)
            .map_err(|e| de::Error::custom(format!("seed: {e}")))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::vocab::build::{
        R0, R1, create, format, read_status, send, send_sync, set_completion,
    };
    use crate::vocab::{Flavor, FrameworkVersion, Status};

    fn example() -> Regression {
        Regression {
            implementation: "sim".to_owned(),
            settings: Settings::new(Flavor::Kmdf, FrameworkVersion::V1_9, false).unwrap(),
            seed: Some(Seed(0x2a)),
            expect: Expect::Conforms,
            rule: Some(RuleId::CallbackLeak),
            note: Some("a \"quoted\" note".to_owned()),
            steps: vec![
                create(R0),
                set_completion(R0, 0, Some(0)),
                format(R0),
                send_sync(R0, Status::CANCELLED, 3),
                read_status(R0),
                create(R1),
                send(R1),
            ],
            concurrent: None,
        }
    }

    /// A race file expecting `diverges` is met only by a race: a panic or a
    /// hang of the replay is another failure.
    #[test]
    fn a_race_is_met_only_by_a_divergence_no_order_explains() {
        use crate::harness::DivergenceKind;
        let mut race = example();
        race.expect = Expect::Diverges;
        race.rule = None;
        race.concurrent = Some(ConcurrentRun {
            drivers: 2,
            rounds: 8,
            schedule: None,
        });
        let panicked = Divergence {
            step: 0,
            kind: DivergenceKind::Panicked {
                message: "boom".to_owned(),
                location: None,
            },
        };
        let unexplained = Divergence {
            step: 0,
            kind: DivergenceKind::NotLinearizable {
                history: Box::default(),
                counterexample: Box::default(),
            },
        };
        assert!(!race.expected(Some(&panicked)));
        assert!(race.expected(Some(&unexplained)));
        assert!(!race.expected(None));
        race.concurrent = None;
        assert!(
            race.expected(Some(&panicked)),
            "a sequential file takes any, unruled"
        );
    }

    /// Property: a concurrent regression keeps its ids, which say which
    /// thread runs a step and which request is a continuous reader: read
    /// back, its steps are the ones written, not renumbered.
    #[test]
    fn a_concurrent_regression_reads_back_with_its_ids() {
        let mut regression = example();
        regression.concurrent = Some(ConcurrentRun {
            drivers: 3,
            rounds: 16,
            schedule: Some(7),
        });
        regression.steps = vec![
            create(R1),
            create(R0),
            set_completion(R1, 4, Some(9)),
            format(R1),
            send(R1),
        ];
        let text = regression.to_text();
        assert!(
            text.contains("\"concurrent\":{\"drivers\":3,\"rounds\":16,\"schedule\":7}"),
            "{text}"
        );
        assert_eq!(Regression::parse("x.jsonl", &text).ok(), Some(regression));
    }

    #[test]
    fn written_file_reads_back_as_the_same_regression() {
        let regression = example();
        let text = regression.to_text();
        assert_eq!(Regression::parse("x.jsonl", &text).ok(), Some(regression));
        assert!(
            text.contains("\n{\"op\":\"create\",\"req\":\"r0\"}\n"),
            "{text}"
        );
        assert!(
            text.starts_with("{\"wdfreq\":2,\"flavor\":\"kmdf\""),
            "{text}"
        );
    }

    #[test]
    fn names_are_renumbered_in_order_of_first_appearance() {
        let mut regression = example();
        regression.steps = vec![create(R1), create(R0), format(R1)];
        let read = Regression::parse("x.jsonl", &regression.to_text()).unwrap();
        assert_eq!(read.steps, vec![create(R0), create(R1), format(R0)]);
    }

    #[test]
    fn a_trace_without_a_regression_header_is_refused_at_its_first_line() {
        let error = Regression::parse(
            "t.jsonl",
            "\n{\"wdfreq\":2}\n{\"op\":\"create\",\"req\":\"a\"}\n",
        )
        .unwrap_err();
        assert_eq!(error.line, 2);
        assert!(matches!(error.kind, RegressionErrorKind::NotARegression));
    }

    #[test]
    fn a_misspelt_field_is_named() {
        let text = example().to_text().replace("\"expect\"", "\"expects\"");
        let error = Regression::parse("x.jsonl", &text).unwrap_err().to_string();
        assert!(
            error.starts_with(
                "x.jsonl:1: malformed regression file: regression: unknown field `expects`"
            ),
            "{error}"
        );
    }

    #[test]
    fn file_name_names_implementation_settings_rule_and_seed() {
        assert_eq!(
            example().file_name(),
            "sim-kmdf-1.9-no-verifier-callback-leak-000000000000002a.jsonl"
        );
    }
}
