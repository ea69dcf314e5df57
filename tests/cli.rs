//! The `wdfreq` binary: what it prints and the exit status it returns.

use std::process::{Command, Output};

fn wdfreq(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_wdfreq"))
        .args(args)
        .output()
        .expect("the binary runs")
}

fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

/// A hunt against the simulated framework conforms (exit 0), names its
/// seed first and reports every rule exercised.
#[test]
fn hunt_on_the_simulated_framework_exits_zero_with_every_rule_exercised() {
    let output = wdfreq(&["hunt", "--cases", "1000", "--seed", "0x2a"]);
    let text = stdout(&output);
    assert_eq!(output.status.code(), Some(0), "{text}");
    assert!(
        text.starts_with("wdfreq hunt: seed 0x000000000000002a"),
        "{text}"
    );
    assert!(text.contains("cases: 1000 "), "{text}");
    assert!(text.contains("rules exercised: 20 of 20"), "{text}");
    assert!(text.contains("verdict: conforms"), "{text}");
}

/// The same seed prints the same report, bar the timing.
#[test]
fn hunt_with_the_same_seed_prints_the_same_report() {
    let without_time = |output: Output| -> String {
        stdout(&output)
            .lines()
            .map(|line| line.split("  time:").next().unwrap_or(line).to_owned())
            .collect::<Vec<_>>()
            .join("\n")
    };
    let first = without_time(wdfreq(&["hunt", "--cases", "100", "--seed", "5"]));
    let second = without_time(wdfreq(&["hunt", "--cases", "100", "--seed", "5"]));
    assert_eq!(first, second);
}

/// A bad command line is exit 2 with a message naming the bad value.
#[test]
fn bad_seed_is_exit_two_naming_the_value() {
    let output = wdfreq(&["hunt", "--seed", "banana"]);
    assert_eq!(output.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&output.stderr).contains("banana"));
}

#[test]
fn negative_seconds_is_exit_two() {
    let output = wdfreq(&["hunt", "--seconds", "-1"]);
    assert_eq!(output.status.code(), Some(2), "{}", stdout(&output));
}
