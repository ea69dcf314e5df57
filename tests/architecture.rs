//! The dependency rules of the layout hold: the model sees only the
//! vocabulary, the simulated framework never asks the model what to do,
//! and the harness never sees an implementation.

use std::fs;
use std::path::Path;

/// Every `crate::<module>` path used in the code (not the comments) of the
/// Rust files at `path` (a file, or a directory and everything under it),
/// with the file it appears in.
fn crate_paths(path: &Path) -> Vec<(String, String)> {
    let mut found = Vec::new();
    let mut stack = vec![path.to_path_buf()];
    while let Some(path) = stack.pop() {
        if path.is_dir() {
            for entry in fs::read_dir(&path).expect("source directory is readable") {
                stack.push(entry.expect("entry").path());
            }
        } else if path.extension().is_some_and(|e| e == "rs") {
            let text = fs::read_to_string(&path).expect("source is UTF-8");
            // Docs may name other modules; only code may not use them.
            let code = text.lines().filter(|l| !l.trim_start().starts_with("//"));
            for line in code {
                for (at, _) in line.match_indices("crate::") {
                    let module: String = line[at + 7..]
                        .chars()
                        .take_while(|c| c.is_alphanumeric() || *c == '_')
                        .collect();
                    found.push((path.display().to_string(), module));
                }
            }
        }
    }
    found
}

/// Module `module` (`src/<module>/` or `src/<module>.rs`) uses no module
/// of the crate but itself and `allowed`.
fn assert_uses_only(module: &str, allowed: &[&str]) {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let dir = src.join(module);
    let path = if dir.is_dir() {
        dir
    } else {
        src.join(format!("{module}.rs"))
    };
    let paths = crate_paths(&path);
    assert!(
        !paths.is_empty() || module == "vocab",
        "{module}: nothing scanned"
    );
    for (file, used) in paths {
        assert!(
            used == module || allowed.contains(&used.as_str()),
            "{file} uses crate::{used}; {module} may use only {allowed:?}"
        );
    }
}

/// The sync facade (threads and locks from `std` or from Shuttle) is a
/// leaf that the concurrent parts share: it knows nothing of them.
#[test]
fn sync_facade_depends_on_nothing() {
    let paths = crate_paths(&Path::new(env!("CARGO_MANIFEST_DIR")).join("src/sync.rs"));
    assert!(paths.is_empty(), "{paths:?}");
}

#[test]
fn vocabulary_depends_on_nothing() {
    assert_uses_only("vocab", &[]);
}

#[test]
fn model_depends_only_on_the_vocabulary() {
    assert_uses_only("model", &["vocab"]);
}

/// An implementation that asks the spec what to do cannot diverge from
/// it, so its conformance would prove nothing.
#[test]
fn simulated_framework_never_reads_the_model() {
    assert_uses_only("sim", &["vocab", "harness", "sync"]);
}

/// The harness judges with the model, and concurrent histories with the
/// linearizability checker (which is the model asked about orders).
#[test]
fn harness_never_sees_an_implementation() {
    assert_uses_only("harness", &["vocab", "model", "linearize", "sync"]);
}

/// The checker is the model fed from a stream, not a second judge; a
/// concurrent trace is judged by the linearizability checker, itself the
/// model searched over orders.
#[test]
fn trace_checker_depends_only_on_model_vocabulary_and_linearizer() {
    assert_uses_only("check", &["vocab", "model", "linearize"]);
}

/// A mutant is the simulated framework with one bug: it must not ask the
/// spec what to do either.
#[test]
fn gallery_never_reads_the_model() {
    assert_uses_only("gallery", &["vocab", "sim", "harness", "sync"]);
}

/// A regression file is a trace the harness replays: the file format is
/// the checker's, the replay the harness's.
#[test]
fn regression_files_use_the_checker_and_the_harness_only() {
    assert_uses_only("regression", &["vocab", "check", "harness"]);
}

/// The test helper drives an implementation through the harness, as the
/// command line does, without the command line.
#[test]
fn test_helper_uses_the_harness_and_regression_files_only() {
    assert_uses_only("testing", &["vocab", "harness", "regression"]);
}

/// The reports (machine-readable results, the HTML page) render what the
/// checker and the harness found: they judge nothing, drive no
/// implementation themselves and need no command line.
#[test]
fn reports_render_the_checker_and_the_harness_only() {
    assert_uses_only("report", &["vocab", "model", "check", "harness"]);
}

/// The linearizability checker is the model asked about orders: it sees
/// nothing but the model and the vocabulary, so a trace checker and a
/// harness can both use it.
#[test]
fn linearizability_checker_depends_only_on_the_model() {
    assert_uses_only("linearize", &["vocab", "model"]);
}
