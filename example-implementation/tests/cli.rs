//! The crate's own command line (`src/main.rs`, one call to
//! `wdfreq::cli::main_for`): it hunts and replays this implementation, with
//! wdfreq's exit statuses, and refuses to drive any other.

use std::path::Path;
use std::process::{Command, Output};

fn my_framework(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_my-framework"))
        .args(args)
        .output()
        .expect("the binary runs")
}

fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

#[test]
fn hunt_drives_this_implementation_in_its_first_setting_and_conforms() {
    let output = my_framework(&["hunt", "--cases", "200", "--seed", "5", "--workers", "1"]);
    let text = stdout(&output);
    assert_eq!(output.status.code(), Some(0), "{text}");
    assert!(
        text.starts_with(
            "wdfreq hunt: seed 0x0000000000000005, implementation: my-framework, \
             framework: kmdf 1.33, verifier on\n"
        ),
        "{text}"
    );
    assert!(text.ends_with("verdict: conforms\n"), "{text}");
}

#[test]
fn a_committed_regression_file_replays_as_it_expects() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/wdfreq-regressions");
    let mut replayed = 0;
    for entry in std::fs::read_dir(dir).expect("the directory is committed") {
        let file = entry.expect("entry").path();
        let output = my_framework(&["replay", file.to_str().expect("UTF-8 path")]);
        let text = stdout(&output);
        assert_eq!(output.status.code(), Some(0), "{text}");
        assert!(
            text.ends_with("expected: conforms: as expected\n"),
            "{text}"
        );
        replayed += 1;
    }
    assert!(replayed > 0, "no regression file committed");
}

#[test]
fn another_implementation_or_an_undeclared_setting_is_refused() {
    let output = my_framework(&["hunt", "--implementation", "sim", "--cases", "1"]);
    assert_eq!(output.status.code(), Some(2));
    assert_eq!(stdout(&output), "");
    assert_eq!(
        String::from_utf8_lossy(&output.stderr),
        "error: this binary drives `my-framework` only, not `sim`\n"
    );
    let output = my_framework(&["hunt", "--flavor", "umdf1", "--cases", "1"]);
    assert_eq!(output.status.code(), Some(2));
    let errors = String::from_utf8_lossy(&output.stderr);
    assert!(
        errors.starts_with("error: my-framework does not implement umdf1 1.11"),
        "{errors}"
    );
}
