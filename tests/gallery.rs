//! The conformance suite catches every mutant in the gallery: on each of 20
//! fixed seeds, a hunt with the default case settings fails with the
//! mutant's expected rule (or the rule of another of its symptoms,
//! `Mutant::also`: shrinking keeps to the failure met first), and on at
//! least 18 of them it shrinks the failure to the hand-derived minimal
//! length of the symptom it shows. The unmodified simulated
//! framework passes every case that caught a mutant, and the first
//! [`SIM_CASES`] cases of every seed.
//!
//! A synchronous send is one step that stands for a send and its
//! completion. Shrinking only deletes steps, so the harness's own merging
//! pass (`harness::minimize`) fuses an asynchronous send and its completion
//! into one; a shrunk sequence counts as minimal only with the fewest
//! steps. The table row also reports how many seeds reached the fewest
//! lifecycle events ([`gallery::event_count`]), the same sequence with its
//! synchronous send spelled out, for comparison.

use std::time::Instant;

use wdfreq::gallery::{self, Mutant};
use wdfreq::harness::{Budget, CaseConfig, Failure, HuntConfig, Seed, hunt, run_case};
use wdfreq::sim::Framework;

/// The fixed seeds: `Seed(0)` to `Seed(SEEDS - 1)`.
const SEEDS: u64 = 20;
/// The most cases one hunt may take to catch a mutant (the target-state
/// arms, which most cases of a mutant deep in the request lifecycle do not
/// need, spread the cases: a few seeds take more than 2,000).
const CASES_MAX: u64 = 5000;
/// Of the [`SEEDS`] hunts, how many must shrink to a minimal sequence.
const SHRUNK_TO_MINIMAL_MIN: usize = 18;
/// The cases of each seed the unmodified framework runs in
/// [`unmodified_sim_passes_every_seed`]: more than most hunts above need, few
/// enough to keep the suite quick in debug builds. The cases that did catch
/// a mutant are replayed on it one by one.
const SIM_CASES: u64 = 100;

/// What the hunt of one seed found.
struct Catch {
    seed: u64,
    /// Cases run, the catching one included.
    cases: u64,
    failure: Option<Failure>,
}

fn config(mutant: &Mutant, seed: u64, cases: u64) -> HuntConfig {
    HuntConfig {
        seed: Seed(seed),
        budget: Budget::Cases(cases),
        case: CaseConfig {
            settings: mutant.settings,
            ..CaseConfig::default()
        },
    }
}

fn hunt_every_seed(mutant: &Mutant) -> Vec<Catch> {
    (0..SEEDS)
        .map(|seed| {
            let report = hunt(
                &config(mutant, seed, CASES_MAX),
                {
                    let mutant = *mutant;
                    move || mutant.framework()
                },
                &mut |_| {},
            );
            Catch {
                seed,
                cases: report.cases,
                failure: report.verdict.into_failure(),
            }
        })
        .collect()
}

/// How the hunts of every seed went for one mutant, each checked to have
/// caught it with one of its symptoms (its expected rule, or one of
/// `Mutant::also`) in a case that passes on sim.
struct Tally {
    /// Seeds whose shrunk sequence has the fewest steps.
    minimal: usize,
    /// Seeds whose shrunk sequence has the fewest lifecycle events.
    minimal_events: usize,
    /// Cases each seed ran to catch the mutant, sorted.
    cases: Vec<u64>,
}

fn tally(mutant: &Mutant) -> Tally {
    let name = mutant.name;
    let mut tally = Tally {
        minimal: 0,
        minimal_events: 0,
        cases: Vec::new(),
    };
    for catch in hunt_every_seed(mutant) {
        let Some(failure) = &catch.failure else {
            panic!(
                "{name}: seed {} ran {} cases without catching it",
                catch.seed, catch.cases
            );
        };
        let report = failure.divergence.report(&failure.steps);
        let Some(symptom) = failure.divergence.rule().and_then(|r| mutant.symptom(r)) else {
            panic!(
                "{name}: seed {} caught it with a rule not among its symptoms:\n{report}",
                catch.seed,
            );
        };
        assert_sim_passes_the_case(mutant, failure.seed);
        let steps = failure.steps.len();
        let events = gallery::event_count(&failure.steps);
        if steps == symptom.minimal_len {
            tally.minimal += 1;
        } else {
            println!(
                "{name}: seed {} shrank to {steps} steps, not {}:\n{report}",
                catch.seed, symptom.minimal_len,
            );
        }
        tally.minimal_events += usize::from(events == gallery::event_count(&(symptom.witness)()));
        tally.cases.push(catch.cases);
    }
    tally.cases.sort_unstable();
    tally
}

/// Asserts the gallery's promise for the mutant called `name`, and prints
/// its row of the gallery table.
fn assert_caught_minimally(name: &str) {
    let Some(mutant) = gallery::by_name(name) else {
        panic!("`{name}` is not in the gallery");
    };
    let started = Instant::now();
    let tally = tally(&mutant);
    println!(
        "| {name} | {} | {} | {}/{SEEDS} | {}/{SEEDS} | {} | {} | {:.1} s |",
        mutant.expected,
        mutant.minimal_len,
        tally.minimal,
        tally.minimal_events,
        tally.cases[tally.cases.len() / 2],
        tally.cases[tally.cases.len() - 1],
        started.elapsed().as_secs_f64()
    );
    assert!(
        tally.minimal >= SHRUNK_TO_MINIMAL_MIN,
        "{name}: only {} of {SEEDS} seeds shrank to {} steps",
        tally.minimal,
        mutant.minimal_len,
    );
}

/// The case that caught `name` passes on the unmodified framework: the
/// divergence is the bug's, not the suite's.
fn assert_sim_passes_the_case(mutant: &Mutant, case: Seed) {
    let (name, settings) = (mutant.name, mutant.settings);
    let config = CaseConfig {
        settings,
        ..CaseConfig::default()
    };
    let outcome = run_case(case, &config, &|| Framework::with_settings(settings));
    if let Some(failure) = outcome.failure {
        panic!(
            "the case {case} that caught {name} also fails on sim:\n{}",
            failure.divergence.report(&failure.steps)
        );
    }
}

macro_rules! gallery_tests {
    ($($test:ident => $name:literal,)*) => {
        $(
            #[doc = concat!(
                "`", $name, "` is caught on every seed with its expected rule, ",
                "shrunk to a minimal sequence on at least 18 of 20."
            )]
            #[test]
            fn $test() {
                assert_caught_minimally($name);
            }
        )*

        /// The mutants the tests above cover.
        const TESTED: &[&str] = &[$($name,)*];
    };
}

gallery_tests! {
    callback_kept_across_reuse_is_caught_as_callback_leak => "callback-kept-across-reuse",
    context_kept_across_reuse_is_caught_as_callback_leak => "context-kept-across-reuse",
    formatting_kept_across_reuse_is_caught_as_send_unformatted => "formatting-kept-across-reuse",
    status_kept_by_reuse_is_caught_as_status_mismatch => "status-kept-by-reuse",
    status_reset_to_success_is_caught_as_status_mismatch => "status-reset-to-success",
    information_kept_by_reuse_is_caught_as_status_mismatch => "information-kept-by-reuse",
    send_while_sent_accepted_is_caught_as_send_while_pending => "send-while-sent-accepted",
    complete_created_accepted_is_caught_as_complete_created => "complete-created-accepted",
    late_completion_accepted_is_caught_as_target_complete_unsent => "late-completion-accepted",
    callback_twice_on_cancel_is_caught_as_callback_twice => "callback-twice-on-cancel",
    callback_lost_on_cancel_is_caught_as_callback_missing => "callback-lost-on-cancel",
    callback_sees_previous_completion_is_caught_as_callback_mismatch => "callback-sees-previous-completion",
    contexts_swapped_is_caught_as_callback_mismatch => "contexts-swapped",
    formatting_kept_after_completion_is_caught_as_send_unformatted => "formatting-kept-after-completion",
    cancel_not_sticky_is_caught_as_send_cancelled => "cancel-not-sticky",
    refused_send_keeps_status_is_caught_as_status_mismatch => "refused-send-keeps-status",
    timeout_reports_cancelled_is_caught_as_status_mismatch => "timeout-reports-cancelled",
    formatted_flag_cleared_by_reuse_is_caught_as_format_after_reuse => "formatted-flag-cleared-by-reuse",
    purge_drops_queued_callbacks_is_caught_as_callback_missing => "purge-drops-queued-callbacks",
    ignore_state_passes_closed_target_is_caught_as_send_target_not_accepting => "ignore-state-passes-closed-target",
    second_complete_accepted_is_caught_as_complete_created => "second-complete-accepted",
    target_holds_two_sends_is_caught_as_callback_missing => "target-holds-two-sends",
    epoch_wraps_is_caught_as_callback_leak => "epoch-wraps",
}

/// Every mutant in the gallery has a test above, so a new mutant cannot go
/// unchecked.
#[test]
fn every_gallery_mutant_is_tested() {
    let gallery: Vec<&str> = gallery::names().collect();
    let mut tested = TESTED.to_vec();
    let mut listed = gallery.clone();
    tested.sort_unstable();
    listed.sort_unstable();
    assert_eq!(
        tested, listed,
        "the tests and the gallery list different mutants"
    );
}

/// The unmodified simulated framework passes the first [`SIM_CASES`] cases
/// of the same seeds, in every setting a mutant is for: the suite finds
/// nothing where there is no bug.
#[test]
fn unmodified_sim_passes_every_seed() {
    let mut seen = Vec::new();
    for mutant in gallery::all() {
        if seen.contains(&mutant.settings) {
            continue;
        }
        seen.push(mutant.settings);
        let settings = mutant.settings;
        let make = move || Framework::with_settings(settings);
        for seed in 0..SEEDS {
            let report = hunt(&config(&mutant, seed, SIM_CASES), make, &mut |_| {});
            if let Some(failure) = report.verdict.into_failure() {
                panic!(
                    "sim diverges on seed {seed} in {}:\n{}",
                    mutant.settings,
                    failure.divergence.report(&failure.steps)
                );
            }
        }
    }
}

/// `wdfreq hunt --implementation NAME` hunts the mutant: it names it in the
/// first line, exits 1 with the shrunk sequence, and its replay line names
/// the implementation so that it reproduces the failure.
#[test]
fn hunt_with_a_mutant_exits_one_and_its_replay_reproduces_it() {
    let name = "callback-kept-across-reuse";
    let output = wdfreq(&[
        "hunt",
        "--cases",
        "2000",
        "--seed",
        "7",
        "--implementation",
        name,
    ]);
    let text = String::from_utf8_lossy(&output.stdout).into_owned();
    assert_eq!(output.status.code(), Some(1), "{text}");
    let first = text.lines().next().unwrap_or_default();
    assert!(
        first.contains(&format!("implementation: {name}")),
        "{first}"
    );
    assert!(text.contains("error[callback-leak]"), "{text}");
    let Some(replay) = text.lines().find_map(|l| l.strip_prefix("replay: wdfreq ")) else {
        panic!("no replay line:\n{text}");
    };
    assert!(
        replay.starts_with(&format!("hunt --implementation {name} ")),
        "{replay}"
    );
    let again = wdfreq(&replay.split(' ').collect::<Vec<_>>());
    assert_eq!(again.status.code(), Some(1), "the replay did not fail");
}

/// An unknown implementation is bad input: exit 2, listing every name.
#[test]
fn hunt_with_an_unknown_implementation_exits_two_listing_the_names() {
    let output = wdfreq(&["hunt", "--cases", "1", "--implementation", "banana"]);
    let text = String::from_utf8_lossy(&output.stderr).into_owned();
    assert_eq!(output.status.code(), Some(2), "{text}");
    assert!(output.stdout.is_empty(), "an error goes to standard error");
    assert!(text.starts_with("error: "), "{text}");
    assert!(text.contains("banana"), "{text}");
    for name in std::iter::once("sim").chain(gallery::names()) {
        assert!(text.contains(name), "{name} is not listed:\n{text}");
    }
}

fn wdfreq(args: &[&str]) -> std::process::Output {
    // From Cargo's scratch directory for tests, so that the regression
    // files a failing hunt writes (to `regressions/`) stay out of the
    // repository.
    std::process::Command::new(env!("CARGO_BIN_EXE_wdfreq"))
        .current_dir(env!("CARGO_TARGET_TMPDIR"))
        .args(args)
        .output()
        .expect("the binary runs")
}
