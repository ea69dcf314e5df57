//! Hunts the gallery's `callback-kept-across-reuse` mutant, then writes
//! its shrunk counterexample as a trace and judges that trace with
//! `check`: the harness and the checker agree on the rule.
//!
//! `cargo run --example counterexample_trace`

use std::io::Cursor;

use wdfreq::check::{check, write::trace_text};
use wdfreq::harness::{Budget, CaseConfig, HuntConfig, Seed, hunt, record};
use wdfreq::vocab::Settings;

fn main() {
    let mutant = wdfreq::gallery::by_name("callback-kept-across-reuse").expect("in the gallery");
    let settings = Settings::default();
    let config = HuntConfig {
        seed: Seed(1),
        budget: Budget::Cases(2000),
        case: CaseConfig::default(),
    };
    let report = hunt(&config, move || mutant.framework_in(settings), &mut |_| {});
    let Some(failure) = report.verdict.into_failure() else {
        println!("not caught in {} cases", report.cases);
        return;
    };
    println!("{}", failure.divergence.report(&failure.steps));
    let (observations, _) = record(mutant.framework_in(settings), settings, &failure.steps);
    let trace = trace_text(settings, &observations);
    println!("the counterexample as a trace:\n{trace}");
    let result = check(
        "counterexample.jsonl",
        Cursor::new(&trace),
        &mut |finding| {
            println!("{}", finding.in_file("counterexample.jsonl"));
        },
    );
    match result {
        Ok(summary) => println!("{}", summary.in_file("counterexample.jsonl")),
        Err(error) => println!("{error}"),
    }
}
