//! One seed, one report: `wdfreq hunt` prints the same report (bar the
//! timing line) and writes the same regression file for the same seed and
//! case count, run twice, on one worker or two; a time-budget hunt of `n`
//! cases reports what `--cases n` does.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn wdfreq(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_wdfreq"))
        .args(args)
        .output()
        .expect("the binary runs")
}

/// A fresh directory for one test's regression files, under Cargo's
/// scratch space for tests (not in the repository).
fn scratch(name: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join(name);
    let _ = std::fs::remove_dir_all(&dir);
    dir
}

/// Standard output without its timing (the only line that varies).
fn without_timing(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout)
        .lines()
        .map(|line| line.split("  time:").next().unwrap_or(line))
        .collect::<Vec<_>>()
        .join("\n")
}

/// Runs `args` with 1 worker twice and with 2 workers; returns the report
/// (all three equal) and the regression files each run wrote (all equal).
fn same_on_one_and_two_workers(name: &str, args: &[&str]) -> (String, Vec<String>) {
    let mut reports = Vec::new();
    let mut written = Vec::new();
    for (run, workers) in [("a", "1"), ("b", "1"), ("c", "2")] {
        let dir = scratch(&format!("{name}-{run}"));
        let dir_text = dir.display().to_string();
        let mut all = args.to_vec();
        all.extend(["--workers", workers, "--regressions", &dir_text]);
        let output = wdfreq(&all);
        // The report names the regression file's directory: make it alike.
        reports.push(without_timing(&output).replace(&dir_text, "DIR"));
        let mut files: Vec<String> = std::fs::read_dir(&dir)
            .map(|entries| {
                entries
                    .map(|e| std::fs::read_to_string(e.expect("entry").path()).expect("readable"))
                    .collect()
            })
            .unwrap_or_default();
        files.sort();
        written.push(files);
    }
    assert_eq!(reports[0], reports[1], "two runs on one worker");
    assert_eq!(reports[0], reports[2], "one worker and two");
    assert_eq!(written[0], written[1]);
    assert_eq!(written[0], written[2]);
    (reports.swap_remove(0), written.swap_remove(0))
}

#[test]
fn conforming_hunt_reports_the_same_on_one_and_two_workers() {
    let (report, written) =
        same_on_one_and_two_workers("sim", &["hunt", "--cases", "300", "--seed", "5"]);
    assert!(report.contains("cases: 300  steps: "), "{report}");
    assert!(report.contains("verdict: conforms"), "{report}");
    assert!(written.is_empty(), "no failure, no regression file");
}

/// The number of the failing case a report names, if any.
fn failing_case(report: &str) -> Option<u64> {
    let rest = report.split("verdict: DIVERGES in case ").nth(1)?;
    rest.split_whitespace().next()?.parse().ok()
}

/// A seed whose first failure for `mutant` is case 3 or later, so that on
/// two workers both streams run before it and may fail past it; found by
/// trying seeds, so that the test keeps its point when the generator
/// changes.
fn seed_failing_late(mutant: &str) -> String {
    let dir = scratch(&format!("{mutant}-search"));
    let dir = dir.display().to_string();
    (1..=30)
        .map(|seed| seed.to_string())
        .find(|seed| {
            let args = ["hunt", "--cases", "400", "--seed", seed, "--workers", "1"];
            let output = wdfreq(
                &[
                    &args[..],
                    &["--implementation", mutant, "--regressions", &dir],
                ]
                .concat(),
            );
            failing_case(&without_timing(&output)).is_some_and(|case| case >= 3)
        })
        .unwrap_or_else(|| panic!("no seed in 1..=30 makes {mutant} fail at case 3 or later"))
}

/// A mutant that fails often, so that with two workers a later case may
/// fail on one worker while an earlier one still runs on the other: the
/// report is still the stream's first failure, and counts the cases up to
/// it and no others.
fn first_failure_is_the_same_on_one_and_two_workers(mutant: &str) {
    let seed = seed_failing_late(mutant);
    let args = [
        "hunt",
        "--cases",
        "400",
        "--seed",
        &seed,
        "--implementation",
        mutant,
    ];
    let (report, written) = same_on_one_and_two_workers(mutant, &args);
    let case = failing_case(&report).expect("a divergence");
    assert!(
        report.contains(&format!("cases: {}  steps: ", case + 1)),
        "{report}"
    );
    assert_eq!(written.len(), 1, "one regression file");
    assert!(
        written[0].contains("\"expect\":\"diverges\""),
        "{}",
        written[0]
    );
}

#[test]
fn first_failure_of_a_mutant_caught_often_is_the_same_on_one_and_two_workers() {
    first_failure_is_the_same_on_one_and_two_workers("status-kept-by-reuse");
}

#[test]
fn first_failure_of_a_mutant_caught_later_is_the_same_on_one_and_two_workers() {
    first_failure_is_the_same_on_one_and_two_workers("callback-twice-on-cancel");
}

/// A time budget decides how many cases run, not what they report.
#[test]
fn time_budget_reports_what_the_same_case_count_does() {
    let dir = scratch("time-budget");
    let dir = dir.display().to_string();
    let timed = wdfreq(&[
        "hunt",
        "--seconds",
        "0.5",
        "--seed",
        "9",
        "--regressions",
        &dir,
    ]);
    let timed = without_timing(&timed);
    let cases = timed
        .lines()
        .find_map(|l| l.strip_prefix("cases: "))
        .and_then(|rest| rest.split_whitespace().next())
        .expect("a cases line")
        .to_owned();
    assert_ne!(cases, "0", "{timed}");
    let counted = wdfreq(&[
        "hunt",
        "--cases",
        &cases,
        "--seed",
        "9",
        "--regressions",
        &dir,
    ]);
    assert_eq!(timed, without_timing(&counted));
}

/// The library call behind the command: `hunt_with` on 1 and 3 workers
/// gives the same report for a mutant that fails often.
#[test]
fn hunt_with_reports_the_same_on_one_and_three_workers() {
    use std::num::NonZeroUsize;
    use wdfreq::harness::{Budget, CaseConfig, HuntConfig, Seed, Workers, hunt_with};

    let mutant = wdfreq::gallery::by_name("status-kept-by-reuse").expect("in the gallery");
    let config = HuntConfig {
        seed: Seed(11),
        budget: Budget::Cases(300),
        case: CaseConfig::default(),
    };
    let run = |count: usize| {
        let workers = Workers::one().with_count(NonZeroUsize::new(count).expect("not zero"));
        hunt_with(&config, workers, move || mutant.framework(), &mut |_| {})
    };
    let (one, three) = (run(1), run(3));
    let caught = one.verdict.divergent().expect("the mutant is caught");
    assert_eq!(one.cases, caught.case + 1);
    assert!(caught.first, "every case below the failure ran");
    assert_eq!(
        (one.cases, one.steps, &one.coverage, &one.verdict),
        (three.cases, three.steps, &three.coverage, &three.verdict)
    );
}

/// A hunt stopped before it starts runs nothing and says so: its verdict
/// is unknown, not a pass.
#[test]
fn hunt_stopped_from_outside_is_interrupted_not_a_pass() {
    use std::sync::atomic::AtomicBool;
    use wdfreq::harness::{
        Budget, CaseConfig, HuntConfig, Seed, Unknown, Verdict, Workers, hunt_with,
    };
    use wdfreq::sim::Framework;

    let stop = std::sync::Arc::new(AtomicBool::new(true));
    let config = HuntConfig {
        seed: Seed(1),
        budget: Budget::Cases(1000),
        case: CaseConfig::default(),
    };
    let workers = Workers::per_core().stopped_by(stop);
    let report = hunt_with(&config, workers, Framework::new, &mut |_| {});
    assert_eq!(report.cases, 0);
    assert_eq!(report.verdict, Verdict::Unknown(Unknown::Interrupted));
}
