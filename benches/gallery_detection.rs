//! How fast the suite catches each mutant of the gallery, and how short its
//! counterexample is: over 20 fixed seeds, the median cases and the median
//! time to detection, the median shrunk length against the hand-derived
//! minimum, and in how many seeds the minimum was reached (the minimum of
//! the symptom the seed's hunt met: the expected rule's, or that of one of
//! the mutant's other symptoms, `Mutant::also`). Prints the README's
//! gallery table as Markdown.
//!
//! `cargo bench --bench gallery_detection`

use std::time::{Duration, Instant};

use wdfreq::gallery;
use wdfreq::harness::{Budget, CaseConfig, HuntConfig, Seed, hunt};

const SEEDS: u64 = 20;
/// As in the gallery test: the target-state arms spread the cases.
const CASES_MAX: u64 = 5000;

fn median<T: Copy + Ord>(values: &mut [T]) -> T {
    values.sort_unstable();
    values[values.len() / 2]
}

fn main() {
    // `cargo bench` passes `--bench`; `cargo test --benches` runs it too,
    // where one seed per mutant keeps it quick.
    let seeds = if std::env::args().any(|a| a == "--bench") {
        SEEDS
    } else {
        1
    };
    println!(
        "| mutant | rule | minimum | median shrunk | minimal in | median cases | median time |"
    );
    println!("|---|---|---|---|---|---|---|");
    for mutant in gallery::all() {
        let (mut cases, mut times, mut lengths) = (Vec::new(), Vec::new(), Vec::new());
        // Seeds shrunk to the shortest sequence of the symptom they show.
        let mut minimal = 0;
        for seed in 0..seeds {
            let config = HuntConfig {
                seed: Seed(seed),
                budget: Budget::Cases(CASES_MAX),
                case: CaseConfig {
                    settings: mutant.settings,
                    ..CaseConfig::default()
                },
            };
            let started = Instant::now();
            let report = hunt(&config, move || mutant.framework(), &mut |_| {});
            times.push(started.elapsed());
            let failure = report
                .verdict
                .into_failure()
                .expect("every mutant is caught");
            let symptom = failure
                .divergence
                .rule()
                .and_then(|rule| mutant.symptom(rule))
                .expect("every mutant is caught with one of its symptoms");
            cases.push(report.cases);
            lengths.push(failure.steps.len());
            minimal += usize::from(failure.steps.len() == symptom.minimal_len);
        }
        let time: Duration = median(&mut times);
        // A bug that shows two ways lists both, with both minima.
        let rules: Vec<String> = mutant
            .symptoms()
            .iter()
            .map(|s| format!("`{}`", s.rule))
            .collect();
        let minima: Vec<String> = mutant
            .symptoms()
            .iter()
            .map(|s| s.minimal_len.to_string())
            .collect();
        println!(
            "| {} | {} | {} | {} | {minimal}/{seeds} | {} | {:.1} ms |",
            mutant.name,
            rules.join(" or "),
            minima.join(" or "),
            median(&mut lengths),
            median(&mut cases),
            time.as_secs_f64() * 1e3
        );
    }
}
