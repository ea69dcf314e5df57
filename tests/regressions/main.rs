//! Every regression file in `tests/regressions/` replays with the outcome
//! it records: `wdfreq replay FILE` exits 1 and names the recorded rule for
//! `"expect":"diverges"`, exits 0 for `"expect":"conforms"`. A file a
//! hunt writes replays the same way, and a malformed file is exit 2 naming
//! the file, the line and the field.
//!
//! To keep a failure found by `wdfreq hunt`, copy its regression file
//! here; once the bug is fixed, set its `expect` to `conforms`. A
//! regression file is a trace whose header says what a replay must show.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use wdfreq::regression::{Expect, Regression};

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
        .filter(|path| path.extension().is_some_and(|e| e == "jsonl"))
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
        other => panic!("an expectation this test does not know: {other:?}"),
    }
    assert!(text.contains(": as expected\n"), "{text}");
}

#[test]
fn every_committed_regression_replays_as_recorded() {
    let files = committed();
    let mut expected = Vec::new();
    for file in &files {
        let regression = Regression::read(file).unwrap_or_else(|e| panic!("{e}"));
        expected.push(regression.expect);
        if let Some(run) = regression.concurrent {
            // A race kept from a seeded hunt replays for certain only
            // under its schedules, in a build with the `shuttle` feature:
            // `tests/schedules.rs` replays it there. Here the operating
            // system schedules the threads, and a race may not show in a
            // loaded machine's rounds.
            assert!(
                run.schedule.is_some(),
                "{}: keep races found by a seeded hunt",
                file.display()
            );
            continue;
        }
        replays_as_recorded(file);
    }
    // Both kinds are kept, and races, so that no check above is vacuous.
    assert!(expected.contains(&Expect::Diverges), "{files:?}");
    assert!(
        files
            .iter()
            .any(|f| Regression::read(f).is_ok_and(|r| r.concurrent.is_some())),
        "{files:?}"
    );
    assert!(expected.contains(&Expect::Conforms), "{files:?}");
}

/// A failure a hunt finds is kept as a file that replays it.
#[test]
fn regression_file_written_by_a_hunt_replays_its_divergence() {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("regressions-hunt");
    let _ = std::fs::remove_dir_all(&dir);
    let hunt = Command::new(env!("CARGO_BIN_EXE_wdfreq"))
        .args(["hunt", "--cases", "2000", "--seed", "2"])
        .args(["--implementation", "send-while-sent-accepted"])
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
    assert!(text.contains("error[send-while-pending]"), "{text}");
}

/// A race a concurrent hunt finds is kept as a regression file, and the
/// same file replayed on `sim` conforms (not as the file expects).
#[test]
fn regression_file_written_by_a_concurrent_hunt_replays_its_race() {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("regressions-race");
    let _ = std::fs::remove_dir_all(&dir);
    let hunt = Command::new(env!("CARGO_BIN_EXE_wdfreq"))
        .args(["hunt", "--concurrent", "--seconds", "120", "--seed", "1"])
        .args(["--implementation", "completed-twice-race"])
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
    let regression = Regression::read(&written[0]).expect("the file reads back");
    assert!(regression.concurrent.is_some(), "{regression:?}");
    // Replayed on the mutant, the race shows when the operating system's
    // schedule lets it (`tests/schedules.rs` replays races for certain);
    // on `sim` there is none to show, whatever the schedule.
    let on_sim = Command::new(env!("CARGO_BIN_EXE_wdfreq"))
        .arg("replay")
        .arg(&written[0])
        .args(["--implementation", "sim"])
        .output()
        .expect("the binary runs");
    let text = stdout(&on_sim);
    assert_eq!(on_sim.status.code(), Some(0), "{text}");
    assert!(text.contains("\nverdict: conforms\n"), "{text}");
}

/// One row per kind of bad file: exit 2, one line naming file, line and
/// field.
#[test]
fn malformed_regression_file_is_exit_two_naming_file_line_and_field() {
    let header = |expected: &str| {
        format!(
            "{{\"wdfreq\":2,\"flavor\":\"umdf1\",\"version\":\"1.11\",\"regression\":{{{expected}}}}}\n"
        )
    };
    let conforms = header(r#""implementation":"sim","expect":"conforms""#);
    let rows: &[(&str, String, &str)] = &[
        ("not-json", "{".to_owned(), ":1: malformed: invalid JSON"),
        (
            "no-header",
            "{\"op\":\"create\",\"req\":\"a\"}\n".to_owned(),
            ":1: not a regression file",
        ),
        (
            "version",
            "{\"wdfreq\":7,\"regression\":{}}\n".to_owned(),
            ":1: malformed: field `wdfreq`",
        ),
        (
            "implementation",
            header(r#""implementation":"nope","expect":"conforms""#)
                + "{\"op\":\"create\",\"req\":\"a\"}\n",
            // A name is well-formed; the `wdfreq` binary knows only its own.
            ": regression: implementation: unknown implementation `nope`",
        ),
        (
            "settings",
            "{\"wdfreq\":2,\"flavor\":\"umdf1\",\"version\":\"1.7\",\"regression\":{}}\n"
                .to_owned(),
            ":1: malformed: field `version`: there is no umdf1 1.7",
        ),
        (
            "expect",
            header(r#""implementation":"sim","expect":"maybe""#)
                + "{\"op\":\"create\",\"req\":\"a\"}\n",
            ":1: malformed regression file: regression: expect: unknown variant `maybe`",
        ),
        (
            "unknown-field",
            header(r#""implementation":"sim","expcet":"conforms""#)
                + "{\"op\":\"create\",\"req\":\"a\"}\n",
            ":1: malformed regression file: regression: unknown field `expcet`",
        ),
        (
            "note",
            header(r#""implementation":"sim","expect":"conforms","note":5"#)
                + "{\"op\":\"create\",\"req\":\"a\"}\n",
            ":1: malformed regression file: regression: note: invalid type: integer `5`",
        ),
        (
            "seed",
            header(r#""implementation":"sim","expect":"conforms","seed":7"#)
                + "{\"op\":\"create\",\"req\":\"a\"}\n",
            ":1: malformed regression file: regression: seed: invalid type: integer `7`",
        ),
        (
            "field-given-twice",
            header(r#""implementation":"sim","expect":"diverges","expect":"conforms""#)
                + "{\"op\":\"create\",\"req\":\"a\"}\n",
            ":1: malformed regression file: regression: duplicate field `expect`",
        ),
        (
            "header-key-given-twice",
            "{\"wdfreq\":2,\"flavor\":\"kmdf\",\"flavor\":\"umdf1\",\"regression\":{}}\n"
                .to_owned(),
            ":1: malformed: field `flavor`: given twice",
        ),
        (
            "step-key-given-twice",
            conforms.clone() + "{\"op\":\"create\",\"req\":\"a\",\"req\":\"b\"}\n",
            ":2: malformed: field `req`: given twice",
        ),
        (
            "step",
            conforms.clone()
                + "{\"op\":\"create\",\"req\":\"a\"}\n{\"op\":\"frob\",\"req\":\"a\"}\n",
            ":3: malformed: field `op`: unknown op `frob`",
        ),
        (
            "concurrent-name",
            header(
                r#""implementation":"sim","expect":"conforms","concurrent":{"drivers":2,"rounds":8}"#,
            ) + "{\"op\":\"create\",\"req\":\"reader\"}\n",
            ":2: malformed regression file: a concurrent regression names things as the \
             vocabulary does (`r0`, `cb1`, `ctx2`, `t0`, `q1`): `reader` is not `r<number>`",
        ),
        (
            "concurrent-field",
            header(r#""implementation":"sim","expect":"conforms","concurrent":{"drivers":2}"#)
                + "{\"op\":\"create\",\"req\":\"r0\"}\n",
            ":1: malformed regression file: regression: missing field `rounds`",
        ),
        (
            "unknown-request",
            conforms.clone() + "{\"op\":\"delete\",\"req\":\"r3\"}\n",
            ":2: malformed: field `req`: request `r3` was never created or received",
        ),
    ];
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("regressions-malformed");
    std::fs::create_dir_all(&dir).expect("scratch directory");
    for (name, text, message) in rows {
        let file = dir.join(format!("{name}.jsonl"));
        std::fs::write(&file, text).expect("written");
        let output = replay(&file);
        let printed = String::from_utf8_lossy(&output.stderr);
        assert_eq!(output.status.code(), Some(2), "{name}: {printed}");
        assert!(
            output.stdout.is_empty(),
            "{name}: an error goes to standard error"
        );
        let expected = format!("error: {}{message}", file.display());
        assert!(printed.starts_with(&expected), "{name}: {printed}");
        assert_eq!(printed.lines().count(), 1, "{name}: {printed}");
    }
}

/// A regression file saved with a UTF-8 byte-order mark replays as without
/// it; one saved as UTF-16 is exit 2 naming the encoding at line 1, and
/// one with a byte that is no UTF-8 names its line and column.
#[test]
fn a_regression_file_with_a_byte_order_mark_replays_and_utf16_is_named() {
    let committed = committed();
    let file = committed
        .iter()
        .find(|f| f.to_string_lossy().contains("contexts-swapped"))
        .expect("a committed regression file");
    let text = std::fs::read_to_string(file).expect("readable");
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("regressions-encoding");
    std::fs::create_dir_all(&dir).expect("scratch directory");
    let marked = dir.join("marked.jsonl");
    std::fs::write(&marked, format!("\u{feff}{text}")).expect("written");
    replays_as_recorded(&marked);
    assert_eq!(
        Regression::read(&marked).ok(),
        Regression::read(file).ok(),
        "the mark changes nothing"
    );
    let utf16 = dir.join("utf16.jsonl");
    let bytes: Vec<u8> = format!("\u{feff}{text}")
        .encode_utf16()
        .flat_map(u16::to_le_bytes)
        .collect();
    std::fs::write(&utf16, bytes).expect("written");
    let not_utf8 = dir.join("not-utf8.jsonl");
    let mut bytes = text.into_bytes();
    let second = bytes.iter().position(|b| *b == b'\n').expect("two lines") + 3;
    bytes[second] = 0xFF;
    std::fs::write(&not_utf8, bytes).expect("written");
    for (file, message) in [
        (
            &utf16,
            ":1: malformed: the trace is UTF-16 (little-endian), not UTF-8: save it as UTF-8\n",
        ),
        (&not_utf8, ":2: malformed: invalid UTF-8 at column 3\n"),
    ] {
        let output = replay(file);
        assert_eq!(output.status.code(), Some(2));
        assert_eq!(
            String::from_utf8_lossy(&output.stderr),
            format!("error: {}{message}", file.display())
        );
    }
}

/// A trace `wdfreq hunt --trace-out` writes, given a regression header,
/// replays: its callback lines and status values are what an
/// implementation did, not steps.
#[test]
fn a_trace_with_a_regression_header_replays_its_steps() {
    let text = r#"{"wdfreq":2,"flavor":"kmdf","version":"1.9","regression":{"implementation":"callback-kept-across-reuse","expect":"diverges","rule":"callback-leak"}}
{"op":"create","req":"r0"}
{"op":"set_completion","req":"r0","callback":"cb0"}
{"op":"reuse","req":"r0","status":0}
{"op":"status","req":"r0","value":0,"information":0}
{"op":"format","req":"r0","kind":"read"}
{"op":"send","req":"r0","target":"t0","mode":"sync"}
{"op":"target_complete","req":"r0","status":0,"information":0}
{"op":"callback","req":"r0","callback":"cb0","status":0,"information":0}
"#;
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("regressions-trace");
    std::fs::create_dir_all(&dir).expect("scratch directory");
    let file = dir.join("leak.jsonl");
    std::fs::write(&file, text).expect("written");
    let regression = Regression::read(&file).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(regression.steps.len(), 6);
    replays_as_recorded(&file);
}

/// A file that expects a divergence which does not come fails its replay
/// (exit 1, "NOT as expected"): a CI step reads exit 0 as a pass.
#[test]
fn a_file_whose_expected_divergence_does_not_come_exits_one() {
    // The simulated framework conforms on this sequence, which the file
    // says diverges.
    let text = r#"{"wdfreq":2,"flavor":"umdf1","version":"1.11","regression":{"implementation":"sim","expect":"diverges","rule":"callback-leak"}}
{"op":"create","req":"r0"}
{"op":"set_completion","req":"r0","callback":"cb0"}
{"op":"reuse","req":"r0","status":0}
"#;
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("regressions-not-as-expected");
    std::fs::create_dir_all(&dir).expect("scratch directory");
    let file = dir.join("expects-a-leak.jsonl");
    std::fs::write(&file, text).expect("written");
    let output = replay(&file);
    let text = stdout(&output);
    assert!(text.contains("\nverdict: conforms\n"), "{text}");
    assert!(
        text.ends_with("expected: diverges (callback-leak): NOT as expected\n"),
        "{text}"
    );
    assert_eq!(output.status.code(), Some(1), "{text}");
}

/// `wdfreq replay` reads at most `REGRESSION_BYTES_MAX` bytes: an endless
/// file is refused (exit 2, named), not read into memory without end.
#[cfg(unix)]
#[test]
fn an_endless_file_is_refused_at_the_size_limit() {
    let output = replay(Path::new("/dev/zero"));
    assert_eq!(output.status.code(), Some(2));
    let errors = String::from_utf8_lossy(&output.stderr);
    assert!(
        errors.starts_with("error: /dev/zero: larger than a regression file may be"),
        "{errors}"
    );
}
