//! The concurrent hunt: parallel cases on a shared instance, judged by the
//! linearizability checker. The simulated framework behind one lock passes
//! in every setting; what a race breaks is caught.

use wdfreq::harness::{CaseConfig, ConcurrentConfig, ParallelCase, Seed, run_concurrent_case};
use wdfreq::sim::Simulated;
use wdfreq::vocab::{Settings, Step};

fn config(settings: Settings) -> ConcurrentConfig {
    ConcurrentConfig {
        case: CaseConfig {
            settings,
            ..ConcurrentConfig::default().case
        },
        ..ConcurrentConfig::default()
    }
}

/// Property: the simulated framework shared between threads, one lock
/// around it and its routines run outside the lock, is linearizable in
/// every setting, for every case and round tried.
#[test]
fn the_simulated_framework_shared_between_threads_is_linearizable() {
    // More with WDFREQ_CONCURRENT_SEEDS=N (a long run, opt-in).
    let seeds = std::env::var("WDFREQ_CONCURRENT_SEEDS")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(24);
    for settings in Settings::all() {
        for seed in 0..seeds {
            let outcome = run_concurrent_case(Seed(seed), &config(settings), &Simulated);
            if let Some(failure) = outcome.failure {
                panic!(
                    "{settings}, seed {seed}:\n{}",
                    failure.divergence.report(&failure.steps)
                );
            }
            assert!(outcome.steps > 0);
        }
    }
}

/// Property: a case's threads keep every request's calls on one driver
/// thread in the order drawn, the target's steps on the thread after the
/// drivers' and the timeouts on the last, and every step on exactly one
/// thread but the introductions, which run first.
#[test]
fn each_requests_calls_stay_on_one_thread_in_the_order_drawn() {
    for seed in 0..64 {
        let steps = wdfreq::harness::generated_steps(Seed(seed), &CaseConfig::default());
        let case = ParallelCase::new(steps.clone(), 3);
        let threads = case.split();
        assert_eq!(threads.len(), 5);
        let mut seen: Vec<usize> = threads.iter().flatten().copied().collect();
        seen.sort();
        let introductions: Vec<usize> = (0..steps.len())
            .filter(|&i| matches!(steps[i], Step::Create { .. } | Step::Receive { .. }))
            .collect();
        assert_eq!(seen.len() + introductions.len(), steps.len());
        for (thread, indices) in threads.iter().enumerate() {
            assert!(indices.windows(2).all(|w| w[0] < w[1]), "in order");
            for &i in indices {
                let expected = match steps[i] {
                    Step::Call { request, .. } => request.0 as usize % 3,
                    Step::TargetComplete { .. } | Step::Target { .. } => 3,
                    Step::TimedOut { .. } => 4,
                    _ => panic!("an introduction on a thread"),
                };
                assert_eq!(thread, expected);
            }
        }
    }
}

/// Property: a continuous reader's routine reuses and sends its request
/// again from inside itself, on the thread the routine runs on (the
/// targets' thread), and what the simulated framework did with it is still
/// linearizable: calls from inside a routine are judged as any other.
#[test]
fn a_continuous_readers_routine_sends_again_from_inside_itself() {
    use wdfreq::harness::{defined_steps, run_parallel, with_readers};
    use wdfreq::linearize::{Budget, check};
    use wdfreq::vocab::Call;
    let config = config(Settings::DEFAULT);
    let mut resent = 0;
    for seed in 0..200 {
        let steps = defined_steps(
            config.case.settings,
            &wdfreq::harness::generated_steps(Seed(seed), &config.case),
        );
        let case = ParallelCase::new(with_readers(steps, 1), config.drivers);
        let history = run_parallel(&Simulated, config.case.settings, &case).expect("no panic");
        let targets = wdfreq::vocab::ThreadId(config.drivers as u32);
        resent += history
            .operations
            .iter()
            .filter(|op| {
                op.thread == targets
                    && matches!(
                        op.step,
                        Step::Call {
                            call: Call::Send { .. },
                            ..
                        }
                    )
            })
            .count();
        let verdict = check(&history, config.case.settings, Budget::DEFAULT).expect("well-formed");
        assert!(verdict.is_linearizable(), "seed {seed}: {verdict:?}");
    }
    assert!(resent > 20, "only {resent} sends from inside a routine");
}

/// A round whose history the checker cannot decide within its budget is
/// no pass: a concurrent hunt whose every round is undecided (a budget of
/// one state) concludes unknown, counting the rounds, and the command line
/// exits 2 for it. With the default budget the same cases conform.
#[test]
fn a_hunt_with_undecided_rounds_concludes_unknown_not_conforms() {
    use wdfreq::harness::{Budget as HuntBudget, Unknown, Verdict, Workers, hunt_concurrent};
    let starved = ConcurrentConfig {
        budget: wdfreq::linearize::Budget { states: 1 },
        rounds: 2,
        ..config(Settings::DEFAULT)
    };
    let hunt = |config: &ConcurrentConfig| {
        hunt_concurrent(
            Seed(7),
            HuntBudget::Cases(20),
            config,
            Workers::one(),
            Simulated,
            &mut |_| {},
        )
    };
    let report = hunt(&starved);
    assert_eq!(report.cases, 20);
    assert!(
        report.undecided > 0 && report.undecided <= 40,
        "{}",
        report.undecided
    );
    assert_eq!(
        report.verdict,
        Verdict::Unknown(Unknown::Undecided {
            rounds: report.undecided
        })
    );
    let report = hunt(&ConcurrentConfig {
        rounds: 2,
        ..config(Settings::DEFAULT)
    });
    assert_eq!((report.undecided, report.verdict), (0, Verdict::Conforms));
}

mod racy {
    use super::*;
    use wdfreq::gallery::racy::{RACY, RacyMutant};
    use wdfreq::harness::{Budget as HuntBudget, DivergenceKind, HuntConfig, hunt};

    /// The concurrent hunt of `mutant`, for at most two minutes (a race
    /// shows when the scheduler lets it: a budget of time, not of cases).
    fn caught(mutant: RacyMutant) -> Option<(u64, String)> {
        let config = config(Settings::DEFAULT);
        let report = wdfreq::harness::hunt_concurrent(
            Seed(1),
            HuntBudget::Time(std::time::Duration::from_secs(120)),
            &config,
            wdfreq::harness::Workers::per_core(),
            mutant,
            &mut |_| {},
        );
        report.verdict.divergent().map(|divergent| {
            let failure = &divergent.failure;
            assert!(
                matches!(
                    failure.divergence.kind,
                    DivergenceKind::NotLinearizable { .. }
                ),
                "{}: {:?}",
                mutant.name,
                failure.divergence
            );
            (
                divergent.case,
                failure.divergence.report(&failure.steps).to_string(),
            )
        })
    }

    /// Property: every racy mutant is caught by the concurrent hunt, as a
    /// history no order explains.
    #[test]
    fn every_racy_mutant_is_caught_by_the_concurrent_hunt() {
        for mutant in RACY {
            let found = caught(mutant);
            assert!(found.is_some(), "{} not caught", mutant.name);
            let (case, report) = found.expect("caught");
            println!("{} caught in case {case}:\n{report}", mutant.name);
        }
    }

    /// Property: every racy mutant passes the sequential hunt: only threads
    /// at once show its bug.
    #[test]
    fn every_racy_mutant_passes_the_sequential_hunt() {
        for mutant in RACY {
            let config = HuntConfig {
                seed: Seed(1),
                budget: HuntBudget::Cases(300),
                case: CaseConfig::default(),
            };
            let report = hunt(
                &config,
                move || wdfreq::harness::Implementation::build(&mutant, Settings::DEFAULT),
                &mut |_| {},
            );
            assert!(
                report.failure().is_none(),
                "{}: {:?}",
                mutant.name,
                report.failure()
            );
        }
    }
}

mod command_line {
    use std::process::{Command, Output};

    fn wdfreq(args: &[&str]) -> Output {
        let dir = std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join("concurrent-cli");
        Command::new(env!("CARGO_BIN_EXE_wdfreq"))
            .args(args)
            .arg("--regressions")
            .arg(&dir)
            .env("NO_COLOR", "1")
            .output()
            .expect("the binary runs")
    }

    fn text(output: &Output) -> String {
        String::from_utf8_lossy(&output.stdout).into_owned()
    }

    /// The concurrent hunt of a racy mutant exits 1 with a history and a
    /// replay line; that line, run, finds the race again; the sequential
    /// hunt of the same mutant passes.
    #[test]
    fn a_race_exits_one_with_a_replay_line_that_finds_it_again() {
        let found = wdfreq(&[
            "hunt",
            "--concurrent",
            "--implementation",
            "completed-twice-race",
            "--seconds",
            "60",
            "--seed",
            "7",
        ]);
        let out = text(&found);
        assert_eq!(found.status.code(), Some(1), "{out}");
        assert!(out.contains("error: threads ran at once"), "{out}");
        let replay = out
            .lines()
            .find_map(|line| line.strip_prefix("replay: wdfreq "))
            .expect("a replay line");
        assert!(
            replay.contains(" --concurrent --threads 2 --rounds 64"),
            "{replay}"
        );
        let args: Vec<&str> = replay.split(' ').collect();
        let again = wdfreq(&args);
        assert_eq!(again.status.code(), Some(1), "{}", text(&again));
        let sequential = wdfreq(&[
            "hunt",
            "--implementation",
            "completed-twice-race",
            "--cases",
            "500",
            "--seed",
            "7",
        ]);
        assert_eq!(sequential.status.code(), Some(0), "{}", text(&sequential));
    }

    /// The HTML report of a race says that threads ran the steps at once
    /// and carries the history, thread by thread.
    #[test]
    fn the_html_report_of_a_race_shows_its_history() {
        let page = std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join("race-report.html");
        let found = wdfreq(&[
            "hunt",
            "--concurrent",
            "--implementation",
            "completed-twice-race",
            "--seconds",
            "60",
            "--seed",
            "7",
            "--report",
            page.to_str().expect("a UTF-8 path"),
        ]);
        assert_eq!(found.status.code(), Some(1), "{}", text(&found));
        let html = std::fs::read_to_string(&page).expect("the report was written");
        assert!(html.contains("Threads ran them at once"), "{html}");
        assert!(
            html.contains("history (logical time, thread, event):"),
            "{html}"
        );
        assert!(
            html.contains("no order explains what the threads did"),
            "{html}"
        );
    }

    /// Out-of-range threads and rounds, and traces of a concurrent hunt
    /// (a race is kept as a regression file instead), are usage errors.
    #[test]
    fn bad_concurrent_arguments_exit_two() {
        for args in [
            &["hunt", "--concurrent", "--threads", "0"][..],
            &["hunt", "--concurrent", "--rounds", "100000"],
            &["hunt", "--concurrent", "--trace-out", "x"],
            &["hunt", "--threads", "3"],
            &["hunt", "--schedule-seed", "3"],
            // A build without the `shuttle` feature has no schedules to
            // seed (this test file is not built with it).
            &["hunt", "--concurrent", "--schedule-seed", "3"],
        ] {
            let output = wdfreq(args);
            assert_eq!(output.status.code(), Some(2), "{args:?}: {}", text(&output));
        }
    }
}
