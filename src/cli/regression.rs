//! Regression files: a failing case kept as its shrunk operation sequence,
//! with the settings, the implementation it was found in and the outcome
//! expected of a replay, in a stable JSON form that outlives the generator
//! (a seed replays only while the generator stays the same; the steps
//! replay for good).
//!
//! ```text
//! {
//!   "wdfreq_regression": 1,
//!   "implementation": "callback-kept-across-reuse",
//!   "settings": {"flavor":"kmdf","version":"1.9","verifier":true},
//!   "seed": "0x3c2d65b1e2a6e1f0",
//!   "expect": "diverges",
//!   "rule": "callback-leak",
//!   "note": "found by `wdfreq hunt --seed 0x1 ...`, case 17, shrunk from 23 to 5 steps",
//!   "steps": [
//!     {"op":"create","request":0},
//!     ...
//!   ]
//! }
//! ```
//!
//! - `wdfreq_regression`: the format version, 1.
//! - `implementation`: `sim` or a gallery mutant's name.
//! - `settings`: the framework judged for, as a trace header names it.
//! - `seed` (optional): the case seed the failure was found with.
//! - `expect`: `diverges` or `conforms`, what a replay must show; `rule`
//!   (optional, may be null): the rule the divergence broke when found, and
//!   with `diverges` the rule a replay's divergence must break.
//! - `note` (optional): free text for people.
//! - `steps`: [`Step`]s as the vocabulary serializes them, one per line.
//!
//! [`Regression::to_json`] writes exactly this layout, so a file written
//! twice for the same case is byte for byte the same. [`Regression::read`]
//! refuses anything else (unknown fields too, so a misspelt `expect` is not
//! silently ignored), with an error naming the file, the line and the
//! field; a sequence that names a request no earlier step introduced is
//! refused the same way.

use std::fmt;
use std::path::Path;

use serde::de::{self, Deserializer, SeqAccess, Visitor};
use serde::{Deserialize, Serialize};

use super::implementation::Implementation;
use crate::harness::Seed;
use crate::model::Model;
use crate::vocab::{Op, RuleId, Settings, Step, TargetCompletion};

/// The format version this build reads and writes.
pub const FORMAT: u32 = 1;

/// What a replay of a regression file must show.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Expect {
    /// The implementation diverges (with `rule`, when one is named).
    Diverges,
    /// The implementation conforms: the bug was fixed.
    Conforms,
}

/// One regression file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Regression {
    /// The implementation the case was found in.
    pub implementation: Implementation,
    pub settings: Settings,
    pub seed: Option<Seed>,
    pub expect: Expect,
    pub rule: Option<RuleId>,
    pub note: Option<String>,
    pub steps: Vec<Step>,
}

impl Regression {
    /// Reads and validates the regression file at `path`.
    pub fn read(path: &Path) -> Result<Regression, RegressionError> {
        let file = path.display().to_string();
        let text = std::fs::read_to_string(path).map_err(|e| RegressionError {
            file: file.clone(),
            line: 0,
            kind: RegressionErrorKind::Read(e),
        })?;
        Regression::parse(&file, &text)
    }

    /// Parses and validates `text`, the contents of `file`.
    pub fn parse(file: &str, text: &str) -> Result<Regression, RegressionError> {
        let raw: RawRegression = serde_json::from_str(text).map_err(|e| RegressionError {
            file: file.to_owned(),
            line: e.line(),
            kind: RegressionErrorKind::Malformed(message_of(&e)),
        })?;
        Ok(Regression {
            implementation: raw.implementation.0,
            settings: raw.settings.0,
            seed: raw.seed.map(|s| s.0),
            expect: raw.expect,
            rule: raw.rule,
            note: raw.note,
            steps: raw.steps.0,
        })
    }

    /// The file's text: the layout the module docs show, one step a line.
    pub fn to_json(&self) -> String {
        let string = |value: &str| serde_json::Value::from(value).to_string();
        let settings = serde_json::json!({
            "flavor": self.settings.flavor.as_str(),
            "version": self.settings.version.to_string(),
            "verifier": self.settings.verifier,
        });
        let mut text = format!("{{\n  \"wdfreq_regression\": {FORMAT},\n");
        text += &format!(
            "  \"implementation\": {},\n",
            string(self.implementation.name())
        );
        text += &format!("  \"settings\": {settings},\n");
        if let Some(seed) = self.seed {
            text += &format!("  \"seed\": {},\n", string(&seed.to_string()));
        }
        let expect = match self.expect {
            Expect::Diverges => "diverges",
            Expect::Conforms => "conforms",
        };
        text += &format!("  \"expect\": {},\n", string(expect));
        let rule = self.rule.map_or("null".to_owned(), |r| string(r.as_str()));
        text += &format!("  \"rule\": {rule},\n");
        if let Some(note) = &self.note {
            text += &format!("  \"note\": {},\n", string(note));
        }
        text += "  \"steps\": [";
        for (i, step) in self.steps.iter().enumerate() {
            let separator = if i == 0 { "" } else { "," };
            // Serializing vocabulary types to JSON cannot fail: no maps
            // with non-string keys, no floats.
            let json = serde_json::to_string(step).unwrap_or_default();
            text += &format!("{separator}\n    {json}");
        }
        text += "\n  ]\n}\n";
        text
    }

    /// The file name `wdfreq hunt` gives this case: implementation,
    /// settings, rule and seed, so that different finds never share one.
    pub fn file_name(&self) -> String {
        let verifier = if self.settings.verifier {
            ""
        } else {
            "-no-verifier"
        };
        let rule = self.rule.map_or("divergence", RuleId::as_str);
        let seed = self
            .seed
            .map_or(String::new(), |s| format!("-{:016x}", s.0));
        format!(
            "{}-{}-{}{verifier}-{rule}{seed}.json",
            self.implementation.name(),
            self.settings.flavor,
            self.settings.version
        )
    }
}

/// serde_json's message without the position it appends (` at line L
/// column C`), which the error reports its own way.
fn message_of(error: &serde_json::Error) -> String {
    let text = error.to_string();
    let suffix = format!(" at line {} column {}", error.line(), error.column());
    text.strip_suffix(&suffix).unwrap_or(&text).to_owned()
}

/// A regression file cannot be read, or is not one.
#[derive(Debug, thiserror::Error)]
pub struct RegressionError {
    pub file: String,
    /// The 1-based line of the problem; 0 for the file as a whole.
    pub line: usize,
    pub kind: RegressionErrorKind,
}

impl fmt::Display for RegressionError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.line {
            0 => write!(f, "{}: {}", self.file, self.kind),
            line => write!(f, "{}:{line}: {}", self.file, self.kind),
        }
    }
}

/// Why a regression file was refused.
#[derive(Debug, thiserror::Error)]
pub enum RegressionErrorKind {
    /// The operating system refused to read it.
    #[error("cannot read: {0}")]
    Read(#[source] std::io::Error),
    /// It is not JSON, or not a regression file of this format; the
    /// message names the field at fault.
    #[error("malformed regression file: {0}")]
    Malformed(String),
}

/// The file as serde reads it; each newtype checks its field.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawRegression {
    #[serde(rename = "wdfreq_regression")]
    _format: FormatVersion,
    implementation: ImplementationField,
    settings: SettingsField,
    #[serde(default)]
    seed: Option<SeedField>,
    #[serde(deserialize_with = "expect_field")]
    expect: Expect,
    #[serde(default, deserialize_with = "rule_field")]
    rule: Option<RuleId>,
    #[serde(default)]
    note: Option<String>,
    steps: StepsField,
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

struct FormatVersion;

impl<'de> Deserialize<'de> for FormatVersion {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        match u32::deserialize(d)? {
            FORMAT => Ok(FormatVersion),
            other => Err(de::Error::custom(format!(
                "wdfreq_regression: version {other} is not supported: this wdfreq reads version {FORMAT}"
            ))),
        }
    }
}

struct ImplementationField(Implementation);

impl<'de> Deserialize<'de> for ImplementationField {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let name = String::deserialize(d)?;
        Implementation::by_name(&name)
            .map(ImplementationField)
            .map_err(|e| de::Error::custom(format!("implementation: {e}")))
    }
}

struct SettingsField(Settings);

impl<'de> Deserialize<'de> for SettingsField {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let field = |e: &dyn fmt::Display| de::Error::custom(format!("settings: {e}"));
        let raw = Settings::deserialize(d).map_err(|e| field(&e))?;
        Settings::new(raw.flavor, raw.version, raw.verifier)
            .map(SettingsField)
            .map_err(|e| field(&e))
    }
}

struct SeedField(Seed);

impl<'de> Deserialize<'de> for SeedField {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let text = String::deserialize(d)?;
        text.parse()
            .map(SeedField)
            .map_err(|e| de::Error::custom(format!("seed: {e}")))
    }
}

/// The steps, each checked as it is read: a driver call (an object with
/// `op`) or a target completion, naming only requests introduced before.
struct StepsField(Vec<Step>);

impl<'de> Deserialize<'de> for StepsField {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_seq(StepsVisitor)
    }
}

struct StepsVisitor;

impl<'de> Visitor<'de> for StepsVisitor {
    type Value = StepsField;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an array of steps")
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<StepsField, A::Error> {
        let mut steps = Vec::new();
        // Names only: which requests exist does not depend on the settings.
        let mut names = Model::new();
        while let Some(value) = seq.next_element::<serde_json::Value>()? {
            let at = steps.len();
            // An error raised here is placed by serde_json where reading
            // stopped: at the end of this step, on its line.
            let step = step_of(&value)
                .map_err(|e| de::Error::custom(format!("steps[{at}]: {}", message_of(&e))))?;
            if let Err(e) = names.step(&step) {
                return Err(de::Error::custom(format!(
                    "steps[{at}]: {e}: each step names a request an earlier step created or received"
                )));
            }
            steps.push(step);
        }
        Ok(StepsField(steps))
    }
}

/// The step `value` spells: the vocabulary's [`Step`], read by its shape
/// (an `op` field means a driver call) so that an error names what is
/// wrong inside it, not only that no variant matched.
fn step_of(value: &serde_json::Value) -> Result<Step, serde_json::Error> {
    if !value.is_object() {
        return Err(de::Error::custom(
            "not an object: a step is a driver call (with `op`) or a target completion",
        ));
    }
    if value.get("op").is_some() {
        Op::deserialize(value).map(Step::Driver)
    } else {
        TargetCompletion::deserialize(value).map(Step::Target)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::vocab::{FormatKind, RequestId, SendMode, Status, TargetId};

    fn example() -> Regression {
        let r = RequestId(0);
        Regression {
            implementation: Implementation::Sim,
            settings: Settings::default(),
            seed: Some(Seed(0x2a)),
            expect: Expect::Conforms,
            rule: Some(RuleId::CallbackLeak),
            note: Some("a \"quoted\" note".to_owned()),
            steps: vec![
                Op::Create { request: r }.into(),
                Op::Format {
                    request: r,
                    kind: FormatKind::Read,
                }
                .into(),
                Op::Send {
                    request: r,
                    target: TargetId(1),
                    mode: SendMode::Async,
                }
                .into(),
                TargetCompletion {
                    request: r,
                    status: Status::CANCELLED,
                    information: 3,
                }
                .into(),
            ],
        }
    }

    #[test]
    fn written_file_reads_back_as_the_same_regression() {
        let regression = example();
        let text = regression.to_json();
        assert_eq!(Regression::parse("x.json", &text).ok(), Some(regression));
        assert!(
            text.contains("\n    {\"op\":\"create\",\"request\":0},\n"),
            "{text}"
        );
    }

    #[test]
    fn file_name_names_implementation_settings_rule_and_seed() {
        assert_eq!(
            example().file_name(),
            "sim-umdf1-1.11-callback-leak-000000000000002a.json"
        );
    }
}
