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
    let all = wdfreq::vocab::RuleId::ALL.len() - 3; // three are KMDF's alone
    assert!(
        text.contains(&format!(
            "rules exercised: {all} of the {all} that apply in umdf1 1.11"
        )),
        "{text}"
    );
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

/// A hand-broken framework (the gallery's `callback-kept-across-reuse`)
/// makes the hunt exit 1 with a five- or six-step sequence and a replay line;
/// the same framework conforms when judged as framework 1.7, whose Reuse
/// kept the callback by design.
#[test]
fn callback_kept_across_reuse_diverges_from_1_9_on_and_conforms_as_1_7() {
    let base = ["hunt", "--cases", "500", "--seed", "1", "--flavor", "kmdf"];
    let mutant = ["--implementation", "callback-kept-across-reuse"];
    let run = |version: &str| {
        let mut args = base.to_vec();
        args.extend(mutant);
        args.extend(["--framework-version", version]);
        wdfreq(&args)
    };
    let current = run("1.9");
    let text = stdout(&current);
    assert_eq!(current.status.code(), Some(1), "{text}");
    assert!(text.contains("error[callback-leak]"), "{text}");
    assert!(
        text.contains("shrunk from")
            && (text.contains(" to 5 steps") || text.contains(" to 6 steps")),
        "{text}"
    );
    assert!(!text.contains('\u{1b}'), "no colour codes off a terminal");
    let replay = text
        .lines()
        .find(|l| l.starts_with("replay: "))
        .expect("a replay line");
    assert!(
        replay.contains("--implementation callback-kept-across-reuse"),
        "{replay}"
    );
    assert!(replay.contains("--framework-version 1.9"), "{replay}");
    let legacy = run("1.7");
    assert_eq!(legacy.status.code(), Some(0), "{}", stdout(&legacy));
}

/// A framework that does not exist is refused with exit 2.
#[test]
fn nonexistent_framework_is_exit_two() {
    let output = wdfreq(&["hunt", "--cases", "1", "--framework-version", "1.7"]);
    assert_eq!(output.status.code(), Some(2));
    assert!(stdout(&output).contains("there is no umdf1 1.7"));
}
