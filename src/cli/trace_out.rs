//! `hunt --trace-out DIR`: every counterexample, and with
//! `--trace-passing` every passing case, written as a trace (format
//! version 2, `check::write`) that `wdfreq check` judges as the hunt did.
//!
//! A passing case's sequence is generated again from its seed, which gives
//! the same sequence (`harness::generated_steps`), and run again on a fresh
//! implementation with recording on; a failure's trace is its shrunk
//! sequence's run, up to and including the divergent step.

use std::fs;
use std::io;
use std::path::{Path, PathBuf};

use crate::check::write::write_trace;
use crate::harness::{HuntConfig, HuntReport, Implementation, generated_steps, record};
use crate::vocab::Step;

/// Writes the traces the flags ask for into `dir`; returns the failure's
/// trace path, if there was a failure.
pub fn write_traces<M: Implementation>(
    dir: &Path,
    implementation: &M,
    config: &HuntConfig,
    report: &HuntReport,
    passing: bool,
) -> io::Result<Option<PathBuf>> {
    fs::create_dir_all(dir)?;
    let name = implementation.name();
    if passing {
        let failing_case = report.failure().map(|f| f.seed);
        for case in 0..report.cases {
            let seed = config.seed.case(case);
            if Some(seed) == failing_case {
                continue;
            }
            let steps = generated_steps(seed, &config.case);
            let path = dir.join(format!("{name}-{}-pass.jsonl", seed));
            write_run(&path, implementation, config, &steps)?;
        }
    }
    let Some(failure) = report.failure() else {
        return Ok(None);
    };
    let path = dir.join(format!("{name}-{}-fail.jsonl", failure.seed));
    write_run(&path, implementation, config, &failure.steps)?;
    Ok(Some(path))
}

fn write_run<M: Implementation>(
    path: &Path,
    implementation: &M,
    config: &HuntConfig,
    steps: &[Step],
) -> io::Result<()> {
    let settings = config.case.settings;
    // An implementation that panics while built or dropped is already the
    // hunt's divergence; its trace holds what was recorded before.
    let observations = match crate::harness::run::build(&|| implementation.build(settings)) {
        Ok(instance) => record(instance, settings, steps).0,
        Err(_) => Vec::new(),
    };
    let mut file = io::BufWriter::new(fs::File::create(path)?);
    write_trace(&mut file, settings, &observations)
}
