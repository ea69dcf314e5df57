//! Fuzz target: an operation sequence drawn by `arbitrary` (the crate's
//! blind generator, `wdfreq::harness::Sequence`), in settings picked by the
//! first byte, runs on the reference model and the simulated framework
//! side by side; any divergence is a crash, reported with the sequence.
#![no_main]

use libfuzzer_sys::fuzz_target;
use wdfreq::harness::{Sequence, execute};
use wdfreq::sim::Framework;
use wdfreq::vocab::Settings;

fuzz_target!(|input: (u8, Sequence)| {
    let (pick, sequence) = input;
    let all = Settings::all();
    let settings = all[usize::from(pick) % all.len()];
    let steps = sequence.steps();
    if let Err(divergence) = execute(
        Framework::with_settings(settings),
        settings,
        steps,
        None,
        None,
    ) {
        panic!(
            "the simulated framework diverges from the model in {settings}:\n{}",
            divergence.report(steps)
        );
    }
});
