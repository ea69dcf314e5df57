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

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

/// A fresh directory for a hunt's regression files, under Cargo's scratch
/// space for tests, so that failing hunts leave nothing in the repository.
fn scratch(name: &str) -> String {
    let dir = std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join(name);
    let _ = std::fs::remove_dir_all(&dir);
    dir.display().to_string()
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
    let default = wdfreq::vocab::Settings::default();
    let all = wdfreq::vocab::RuleId::ALL
        .iter()
        .filter(|id| wdfreq::model::rule(**id).scope.hunted(&default))
        .count();
    assert!(
        text.contains(&format!(
            "rules exercised: {all} of the {all} a hunt can reach in umdf1 1.11"
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
/// makes the hunt exit 1 with a short sequence, a replay line
/// and a regression file; the same framework conforms when judged as
/// framework 1.7, whose Reuse kept the callback by design.
#[test]
fn callback_kept_across_reuse_diverges_from_1_9_on_and_conforms_as_1_7() {
    let regressions = scratch("cli-callback-kept");
    let base = ["hunt", "--cases", "500", "--seed", "1", "--flavor", "kmdf"];
    let mutant = ["--implementation", "callback-kept-across-reuse"];
    let run = |version: &str| {
        let mut args = base.to_vec();
        args.extend(mutant);
        args.extend(["--framework-version", version]);
        args.extend(["--regressions", &regressions]);
        wdfreq(&args)
    };
    let current = run("1.9");
    let text = stdout(&current);
    assert_eq!(current.status.code(), Some(1), "{text}");
    // In KMDF the kept callback shows two ways: a callback reached after
    // Reuse (five or six steps), or a queue-presented request's send let
    // past the check for a callback, to be refused for another rule (four:
    // receive, register, reuse, send). A hunt reports whichever it meets.
    let leak = text.contains("error[callback-leak]")
        && (text.contains(" to 5 steps") || text.contains(" to 6 steps"));
    let let_past =
        text.contains("error[send-received-without-callback]") && text.contains(" to 4 steps");
    assert!(text.contains("shrunk from") && (leak || let_past), "{text}");
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
    let file = text
        .lines()
        .find_map(|l| l.strip_prefix("regression file: "))
        .and_then(|rest| rest.split(" (").next())
        .expect("a regression file line");
    assert!(file.starts_with(&regressions), "{file}");
    let kept = std::fs::read_to_string(file).expect("the regression file was written");
    let rule = if leak {
        "callback-leak"
    } else {
        "send-received-without-callback"
    };
    assert!(kept.contains(&format!("\"rule\":\"{rule}\"")), "{kept}");
    let legacy = run("1.7");
    assert_eq!(legacy.status.code(), Some(0), "{}", stdout(&legacy));
}

/// Ctrl-C stops a hunt with a summary; with no failure found the verdict
/// is unknown, not "conforms", and the exit status is 130.
#[cfg(unix)]
#[test]
fn interrupted_hunt_is_exit_130_with_an_unknown_verdict() {
    use std::io::{BufRead, BufReader, Read};
    use std::process::Stdio;

    let mut child = Command::new(env!("CARGO_BIN_EXE_wdfreq"))
        .args(["hunt", "--seconds", "60", "--seed", "3", "--workers", "2"])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("the binary runs");
    let mut stdout = BufReader::new(child.stdout.take().expect("piped"));
    // The first line is printed once the Ctrl-C handler is in place.
    let mut text = String::new();
    stdout.read_line(&mut text).expect("the first line");
    std::thread::sleep(std::time::Duration::from_millis(300));
    let sent = Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .expect("kill runs");
    assert!(sent.success());
    stdout.read_to_string(&mut text).expect("the rest");
    let status = child.wait().expect("the hunt ends");
    assert_eq!(status.code(), Some(130), "{text}");
    assert!(
        text.contains("verdict: unknown (interrupted after "),
        "{text}"
    );
    assert!(!text.contains("verdict: conforms"), "{text}");
}

#[test]
fn zero_workers_is_exit_two() {
    let output = wdfreq(&["hunt", "--cases", "1", "--workers", "0"]);
    assert_eq!(output.status.code(), Some(2));
}

/// A framework that does not exist is refused with exit 2, an error on
/// standard error and nothing on standard output.
#[test]
fn nonexistent_framework_is_exit_two() {
    let output = wdfreq(&["hunt", "--cases", "1", "--framework-version", "1.7"]);
    assert_eq!(output.status.code(), Some(2));
    assert_eq!(stdout(&output), "");
    assert!(
        stderr(&output).starts_with("error: there is no umdf1 1.7"),
        "{}",
        stderr(&output)
    );
}

/// `--trace-out` writes a failing case's trace, which `wdfreq check`
/// fails with the same rule; `--trace-passing` writes every passing case,
/// in which `check` finds no framework error.
#[test]
fn traces_out_are_judged_by_check_as_the_hunt_judged_them() {
    let dir = std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join("trace-out");
    let _ = std::fs::remove_dir_all(&dir);
    let failing = dir.join("failing");
    let regressions = dir.join("regressions");
    let output = wdfreq(&[
        "hunt",
        "--cases",
        "2000",
        "--seed",
        "1",
        "--workers",
        "1",
        "--implementation",
        "callback-kept-across-reuse",
        "--trace-out",
        failing.to_str().expect("UTF-8 path"),
        "--regressions",
        regressions.to_str().expect("UTF-8 path"),
    ]);
    assert_eq!(output.status.code(), Some(1), "{}", stdout(&output));
    let traces: Vec<_> = std::fs::read_dir(&failing)
        .expect("written")
        .flatten()
        .collect();
    assert_eq!(traces.len(), 1);
    let trace = traces[0].path();
    let checked = wdfreq(&["check", trace.to_str().expect("UTF-8 path")]);
    assert_eq!(checked.status.code(), Some(1));
    assert!(
        stdout(&checked).contains("error[callback-leak]"),
        "{}",
        stdout(&checked)
    );

    let passing = dir.join("passing");
    let output = wdfreq(&[
        "hunt",
        "--cases",
        "30",
        "--seed",
        "2",
        "--workers",
        "1",
        "--trace-out",
        passing.to_str().expect("UTF-8 path"),
        "--trace-passing",
    ]);
    assert_eq!(output.status.code(), Some(0), "{}", stdout(&output));
    let traces: Vec<_> = std::fs::read_dir(&passing)
        .expect("written")
        .flatten()
        .collect();
    assert_eq!(traces.len(), 30);
    for trace in traces {
        let checked = stdout(&wdfreq(&[
            "check",
            trace.path().to_str().expect("UTF-8 path"),
        ]));
        for line in checked.lines().filter(|l| l.contains(": error[")) {
            let rule = line
                .split("error[")
                .nth(1)
                .and_then(|r| r.split(']').next());
            let rule: wdfreq::vocab::RuleId = rule.expect("a rule").parse().expect("known rule");
            assert_eq!(
                wdfreq::model::rule(rule).obligation,
                wdfreq::vocab::Obligation::Driver,
                "{line}"
            );
        }
    }
}

/// A `--steps-max` past its limit is bad input, named, not a case that
/// never ends.
#[test]
fn a_steps_max_past_its_limit_is_exit_two() {
    let output = wdfreq(&[
        "hunt",
        "--cases",
        "1",
        "--steps-max",
        "18446744073709551615",
    ]);
    assert_eq!(output.status.code(), Some(2), "{}", stderr(&output));
    assert!(
        stderr(&output).starts_with("error: --steps-max must be at most 100000"),
        "{}",
        stderr(&output)
    );
}

/// Colour only where asked: a failing hunt's diff carries ANSI sequences
/// with `--color always`, and none on either stream by default (standard
/// output is a pipe here), with `--color never`, or with `NO_COLOR` set
/// (which `--color always` overrides).
#[test]
fn colour_only_where_asked_and_never_with_no_color() {
    let dir = scratch("colour");
    let hunt = |colour: Option<&str>, no_color: bool| {
        let mut command = Command::new(env!("CARGO_BIN_EXE_wdfreq"));
        command.args([
            "hunt",
            "--implementation",
            "contexts-swapped",
            "--cases",
            "5000",
            "--seed",
            "3",
            "--regressions",
            &dir,
        ]);
        if let Some(colour) = colour {
            command.args(["--color", colour]);
        }
        if no_color {
            command.env("NO_COLOR", "1");
        } else {
            command.env_remove("NO_COLOR");
        }
        let output = command.output().expect("the binary runs");
        assert_eq!(output.status.code(), Some(1), "{}", stdout(&output));
        let escapes = |bytes: &[u8]| bytes.contains(&0x1b);
        (escapes(&output.stdout), escapes(&output.stderr))
    };
    assert_eq!(hunt(Some("always"), false), (true, false));
    assert_eq!(hunt(Some("always"), true), (true, false));
    assert_eq!(hunt(None, false), (false, false));
    assert_eq!(hunt(Some("never"), false), (false, false));
    assert_eq!(hunt(Some("auto"), true), (false, false));
}

/// `--help` lists the values `--flavor`, `--implementation` and `--color`
/// take, each with what it means.
#[test]
fn help_lists_the_possible_values() {
    let help = stdout(&wdfreq(&["hunt", "--help"]));
    for value in [
        "umdf1:",
        "kmdf:",
        "umdf2:",
        "sim:",
        "contexts-swapped:",
        "auto:",
        "never:",
    ] {
        assert!(help.contains(value), "{value} is not listed:\n{help}");
    }
    assert!(!help.contains("(default"), "defaults are `[default: ...]`");
}

/// A failing hunt whose reader goes away before the report (`wdfreq hunt
/// ... | head -1`) still writes its regression file and exits 1.
#[test]
fn a_failing_hunt_piped_to_a_reader_that_quits_keeps_its_file_and_status() {
    let dir = scratch("closed-pipe");
    let mut child = Command::new(env!("CARGO_BIN_EXE_wdfreq"))
        .args([
            "hunt",
            "--implementation",
            "contexts-swapped",
            "--cases",
            "5000",
            "--seed",
            "3",
            "--regressions",
            &dir,
        ])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::null())
        .spawn()
        .expect("the binary runs");
    // Read the first line (the header, printed before the hunt), then go
    // away: the report comes after, into a closed pipe.
    let mut first = String::new();
    std::io::BufRead::read_line(
        &mut std::io::BufReader::new(child.stdout.take().expect("stdout")),
        &mut first,
    )
    .expect("a first line");
    let status = child.wait().expect("the binary ends");
    assert!(first.starts_with("wdfreq hunt: "), "{first}");
    assert_eq!(status.code(), Some(1));
    let files = std::fs::read_dir(&dir)
        .expect("the regression directory")
        .count();
    assert_eq!(files, 1, "one regression file in {dir}");
}

/// SIGTERM (CI cancelling a job, `timeout`) and SIGHUP stop a hunt as
/// Ctrl-C does: the report is printed, the verdict is unknown, and the
/// exit status is 130.
#[cfg(unix)]
#[test]
fn sigterm_and_sighup_end_a_hunt_with_its_report() {
    for signal in ["-TERM", "-HUP"] {
        let child = Command::new(env!("CARGO_BIN_EXE_wdfreq"))
            .args(["hunt", "--seconds", "60", "--seed", "1", "--workers", "1"])
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::null())
            .spawn()
            .expect("the binary runs");
        // Long enough for the handler to be installed and cases to run.
        std::thread::sleep(std::time::Duration::from_millis(700));
        let killed = Command::new("kill")
            .args([signal, &child.id().to_string()])
            .status()
            .expect("kill runs");
        assert!(killed.success());
        let output = child.wait_with_output().expect("the binary ends");
        let text = stdout(&output);
        assert_eq!(output.status.code(), Some(130), "{signal}: {text}");
        assert!(
            text.contains("verdict: unknown (interrupted"),
            "{signal}: {text}"
        );
    }
}

/// Out-of-range numbers on the command line are exit 2 with a message,
/// never a panic (`--seconds 1e20` panicked) or an abort (too many
/// `--workers` for the process's thread limit).
#[test]
fn out_of_range_budgets_and_workers_are_exit_two() {
    for (args, message) in [
        (
            &["--seconds", "1e20"][..],
            "error: --seconds must be a number from 0 to",
        ),
        (
            &["--seconds=-1"][..],
            "error: --seconds must be a number from 0 to",
        ),
        (
            &["--cases", "1", "--workers", "100000"][..],
            "error: --workers must be at most 256",
        ),
    ] {
        let mut all = vec!["hunt"];
        all.extend_from_slice(args);
        let output = wdfreq(&all);
        assert_eq!(
            output.status.code(),
            Some(2),
            "{args:?}: {}",
            stderr(&output)
        );
        assert!(
            stderr(&output).starts_with(message),
            "{args:?}: {}",
            stderr(&output)
        );
    }
}

/// A budget that allows no case (`--cases 0`, `--seconds 0`) is never
/// "conforms": the verdict is unknown, exit 2.
#[test]
fn a_budget_of_no_case_is_an_unknown_verdict_not_conforms() {
    for budget in [["--cases", "0"], ["--seconds", "0"]] {
        let output = wdfreq(&["hunt", budget[0], budget[1], "--seed", "1"]);
        let text = stdout(&output);
        assert_eq!(output.status.code(), Some(2), "{budget:?}: {text}");
        assert!(
            text.contains("verdict: unknown (no case ran"),
            "{budget:?}: {text}"
        );
        assert!(!text.contains("verdict: conforms"), "{budget:?}: {text}");
    }
}

/// A `--regressions`, `--trace-out` or `--junit` path that cannot be
/// written is refused before the hunt runs (exit 2, nothing hunted), where
/// a failing hunt used to run whole and then lose its verdict to exit 2.
#[test]
fn result_paths_that_cannot_be_written_are_refused_before_the_hunt() {
    let file = concat!(env!("CARGO_MANIFEST_DIR"), "/Cargo.toml");
    for (flag, path) in [
        ("--regressions", format!("{file}/regressions")),
        ("--trace-out", format!("{file}/traces")),
        ("--junit", format!("{file}/junit.xml")),
    ] {
        let output = wdfreq(&[
            "hunt",
            "--implementation",
            "contexts-swapped",
            "--cases",
            "5000",
            "--seed",
            "3",
            flag,
            &path,
        ]);
        assert_eq!(output.status.code(), Some(2), "{flag}: {}", stderr(&output));
        assert!(
            stderr(&output).starts_with(&format!("error: {flag}: ")),
            "{flag}: {}",
            stderr(&output)
        );
        assert_eq!(stdout(&output), "", "{flag}: nothing hunted");
    }
}
