//! The README cannot drift from the code: its rule table is the
//! catalogue's, and its first lines give the two commands.

use std::fs;

fn readme() -> String {
    fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md")).expect("README.md")
}

/// The text between `<!-- NAME:begin -->` and `<!-- NAME:end -->`.
fn section<'a>(text: &'a str, name: &str) -> &'a str {
    let begin = format!("<!-- {name}:begin -->\n");
    let end = format!("<!-- {name}:end -->");
    let start = text.find(&begin).expect("begin marker") + begin.len();
    let stop = text[start..].find(&end).expect("end marker") + start;
    &text[start..stop]
}

#[test]
fn readme_rule_table_is_the_catalogue() {
    pretty_assertions::assert_eq!(
        section(&readme(), "rules"),
        wdfreq::model::rules::markdown_table()
    );
}

#[test]
fn readme_opens_with_the_hunt_and_test_commands() {
    let head: String = readme().lines().take(6).collect::<Vec<_>>().join("\n");
    assert!(head.contains("cargo run --release -- hunt"), "{head}");
    assert!(head.contains("cargo test"), "{head}");
}

/// The README's lifecycle diagram is what `wdfreq diagram` derives from
/// the model now.
#[test]
fn readme_diagram_is_what_the_model_derives() {
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_wdfreq"))
        .arg("diagram")
        .output()
        .expect("the binary runs");
    assert_eq!(output.status.code(), Some(0));
    let derived = String::from_utf8(output.stdout).expect("UTF-8");
    let readme = readme();
    let embedded = section(&readme, "diagram");
    pretty_assertions::assert_eq!(embedded, derived);
}

/// The README's table of differences between flavors and versions is what
/// the model answers now.
#[test]
fn readme_differences_table_is_what_the_model_answers() {
    pretty_assertions::assert_eq!(
        section(&readme(), "differences"),
        wdfreq::model::differences::markdown_table()
    );
}

/// docs/audit.md's table is what the model answers to every audited
/// branch now.
#[test]
fn audit_table_is_what_the_model_answers() {
    let audit = fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/docs/audit.md"))
        .expect("docs/audit.md");
    pretty_assertions::assert_eq!(
        section(&audit, "audit"),
        wdfreq::model::audit::markdown_table()
    );
}

/// The README's trace and regression-file samples (`text` blocks that open
/// with a `{"wdfreq":...}` header) read as they say: a trace is well formed
/// and checks without an error finding; a regression file replays on the
/// built-in implementation it names as it expects.
#[test]
fn readme_trace_and_regression_samples_read_as_they_say() {
    let text = readme();
    let samples: Vec<String> = text
        .split("```text\n")
        .skip(1)
        .filter_map(|block| block.split("```").next())
        .filter(|block| block.starts_with("{\"wdfreq\":"))
        .map(str::to_owned)
        .collect();
    assert!(samples.len() >= 2, "the README's samples went missing");
    for sample in &samples {
        if sample.contains("\"regression\":") {
            let regression = wdfreq::regression::Regression::parse("README.md", sample)
                .expect("a regression file");
            let mutant =
                wdfreq::gallery::by_name(&regression.implementation).expect("a gallery mutant");
            let replayed = regression.replay(&mutant).expect("its settings");
            assert!(replayed.as_expected, "{sample}");
        } else {
            let summary =
                wdfreq::check::check("README.md", std::io::Cursor::new(sample), &mut |f| {
                    panic!("a finding in the README's sample: {f:?}")
                })
                .expect("a well-formed trace");
            assert_eq!(summary.errors, 0, "{sample}");
        }
    }
}

/// `n` as the README writes numbers: thousands grouped with commas.
fn grouped(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, digit) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(digit);
    }
    out
}

/// The README's limits table states each limit as the code has it: a
/// change of a constant that is not written down fails here.
#[test]
fn readme_limits_table_states_the_limits_the_code_has() {
    use wdfreq::check::{DEAD_REMEMBERED, trace};
    use wdfreq::cli::hunt::{SECONDS_LIMIT, STEPS_MAX_LIMIT, WORKERS_LIMIT};
    use wdfreq::harness::{CASE_TIMEOUT, LONG_CASE_FACTOR};
    use wdfreq::regression::REGRESSION_BYTES_MAX;

    let readme = readme();
    let start = readme.find("\n## Limits\n").expect("a Limits section");
    let table = &readme[start..];
    let table = &table[..table.find("\nMemory:").expect("the memory paragraph")];
    let row = |name: &str| {
        table
            .lines()
            .find(|line| line.starts_with('|') && line.contains(name))
            .unwrap_or_else(|| panic!("no row names {name}"))
            .to_owned()
    };
    let says = |name: &str, value: &str| {
        let row = row(name);
        assert!(
            row.contains(value),
            "the {name} row should say {value}: {row}"
        );
    };
    says("LINE_BYTES_MAX", &grouped(trace::LINE_BYTES_MAX as u64));
    says(
        "PART_EVENTS_MAX",
        &grouped(wdfreq::check::concurrent::PART_EVENTS_MAX as u64),
    );
    says(
        "TRACE_BUDGET",
        &grouped(wdfreq::check::concurrent::TRACE_BUDGET.states),
    );
    says("DEAD_REMEMBERED", &grouped(DEAD_REMEMBERED as u64));
    says(
        "SYNC_LOOKAHEAD_EVENTS",
        &grouped(trace::SYNC_LOOKAHEAD_EVENTS as u64),
    );
    // Names of every kind are u32 ids.
    says("distinct names", &grouped(u64::from(u32::MAX)));
    says(
        "REGRESSION_BYTES_MAX",
        &format!("{} MiB", REGRESSION_BYTES_MAX >> 20),
    );
    assert_eq!(SECONDS_LIMIT, 365.0 * 24.0 * 3600.0);
    says("SECONDS_LIMIT", "a year");
    says("WORKERS_LIMIT", &format!("1 to {WORKERS_LIMIT}"));
    says("STEPS_MAX_LIMIT", &grouped(STEPS_MAX_LIMIT as u64));
    says("STEPS_MAX_LIMIT", &format!("{LONG_CASE_FACTOR} times"));
    says(
        "CASE_TIMEOUT",
        &format!("default {} s", CASE_TIMEOUT.as_secs()),
    );
}
