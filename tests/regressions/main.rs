//! Every regression file in `tests/regressions/` replays with the outcome
//! it records: `wdfreq replay FILE` exits 1 and names the recorded rule for
//! `"expect": "diverges"`, exits 0 for `"expect": "conforms"`. A file a
//! hunt writes replays the same way, and a malformed file is exit 2 naming
//! the file, the line and the field.
//!
//! To keep a failure found by `wdfreq hunt`, copy its regression file
//! here; once the bug is fixed, set its `expect` to `conforms`.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use wdfreq::cli::regression::{Expect, Regression};

fn replay(file: &Path) -> Output {
    Command::new(env!("CARGO_BIN_EXE_wdfreq"))
        .arg("replay")
        .arg(file)
        .output()
        .expect("the binary runs")
}

fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

fn committed() -> Vec<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/regressions");
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .expect("tests/regressions/ is readable")
        .map(|entry| entry.expect("entry").path())
        .filter(|path| path.extension().is_some_and(|e| e == "json"))
        .collect();
    files.sort();
    files
}

/// Replays `file` and checks the outcome against what it records.
fn replays_as_recorded(file: &Path) {
    let regression = Regression::read(file).unwrap_or_else(|e| panic!("{e}"));
    let output = replay(file);
    let text = stdout(&output);
    match regression.expect {
        Expect::Conforms => {
            assert_eq!(output.status.code(), Some(0), "{text}");
            assert!(text.contains("\nverdict: conforms\n"), "{text}");
        }
        Expect::Diverges => {
            assert_eq!(output.status.code(), Some(1), "{text}");
            let verdict = text
                .lines()
                .find(|l| l.starts_with("verdict: DIVERGES at step "))
                .unwrap_or_else(|| panic!("no divergence verdict:\n{text}"));
            if let Some(rule) = regression.rule {
                assert!(verdict.ends_with(&format!("({rule})")), "{verdict}");
            }
        }
    }
    assert!(text.contains(": as expected\n"), "{text}");
}

#[test]
fn every_committed_regression_replays_as_recorded() {
    let files = committed();
    let mut expected = Vec::new();
    for file in &files {
        replays_as_recorded(file);
        expected.push(Regression::read(file).expect("read above").expect);
    }
    // Both kinds are kept, so that neither check above is vacuous.
    assert!(expected.contains(&Expect::Diverges), "{files:?}");
    assert!(expected.contains(&Expect::Conforms), "{files:?}");
}

/// A failure a hunt finds is kept as a file that replays it.
#[test]
fn regression_file_written_by_a_hunt_replays_its_divergence() {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("regressions-hunt");
    let _ = std::fs::remove_dir_all(&dir);
    let hunt = Command::new(env!("CARGO_BIN_EXE_wdfreq"))
        .args(["hunt", "--cases", "2000", "--seed", "2"])
        .args(["--implementation", "reuse-while-sent-accepted"])
        .arg("--regressions")
        .arg(&dir)
        .output()
        .expect("the binary runs");
    assert_eq!(hunt.status.code(), Some(1), "{}", stdout(&hunt));
    let written: Vec<PathBuf> = std::fs::read_dir(&dir)
        .expect("the hunt made the directory")
        .map(|entry| entry.expect("entry").path())
        .collect();
    assert_eq!(written.len(), 1, "{written:?}");
    replays_as_recorded(&written[0]);
    let text = stdout(&replay(&written[0]));
    assert!(text.contains("error[reuse-while-pending]"), "{text}");
}

/// One row per kind of bad file: exit 2, one line naming file, line and
/// field.
#[test]
fn malformed_regression_file_is_exit_two_naming_file_line_and_field() {
    let header = r#"{"wdfreq_regression": 1, "implementation": "sim",
"settings": {"flavor": "umdf1", "version": "1.11", "verifier": true},"#;
    let rows: &[(&str, &str, &str)] = &[
        ("not-json", "{", ":1: malformed regression file: EOF"),
        (
            "version",
            r#"{"wdfreq_regression": 7}"#,
            ":1: malformed regression file: wdfreq_regression: version 7",
        ),
        (
            "implementation",
            r#"{"wdfreq_regression": 1, "implementation": "nope"}"#,
            ":1: malformed regression file: implementation: unknown implementation `nope`",
        ),
        (
            "settings",
            r#"{"wdfreq_regression": 1, "implementation": "sim",
"settings": {"flavor": "umdf1", "version": "1.7", "verifier": true}}"#,
            ":2: malformed regression file: settings: there is no umdf1 1.7",
        ),
        (
            "expect",
            &format!("{header}\n\"expect\": \"maybe\", \"steps\": []}}"),
            ":3: malformed regression file: expect: unknown variant `maybe`",
        ),
        (
            "unknown-field",
            &format!("{header}\n\"expcet\": \"conforms\", \"steps\": []}}"),
            ":3: malformed regression file: unknown field `expcet`",
        ),
        (
            "step",
            &format!(
                "{header} \"expect\": \"conforms\", \"steps\": [\n{{\"op\":\"create\",\"request\":0}},\n{{\"op\":\"frob\",\"request\":0}}]}}"
            ),
            ":4: malformed regression file: steps[1]: unknown variant `frob`",
        ),
        (
            "unknown-request",
            &format!(
                "{header} \"expect\": \"conforms\", \"steps\": [\n{{\"op\":\"delete\",\"request\":3}}]}}"
            ),
            ":3: malformed regression file: steps[0]: r3 was never created or received",
        ),
    ];
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("regressions-malformed");
    std::fs::create_dir_all(&dir).expect("scratch directory");
    for (name, text, message) in rows {
        let file = dir.join(format!("{name}.json"));
        std::fs::write(&file, text).expect("written");
        let output = replay(&file);
        let printed = stdout(&output);
        assert_eq!(output.status.code(), Some(2), "{name}: {printed}");
        let expected = format!("{}{message}", file.display());
        assert!(printed.starts_with(&expected), "{name}: {printed}");
        assert_eq!(printed.lines().count(), 1, "{name}: {printed}");
    }
}
