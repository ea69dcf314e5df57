//! The machine-readable results keep their promises, through the built
//! binary: `check --format sarif` writes logs the official SARIF 2.1.0
//! schema accepts, one result per finding the checker reports;
//! `check --format json` holds exactly what the text report and the
//! library's `Summary` say; `hunt --format json` holds the library hunt's
//! counts and the divergence the text report shows; `hunt --junit FILE`
//! writes well-formed JUnit XML of the expected shape; and a trace that
//! cannot be judged is exit 2 in every format.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use serde_json::Value;
use wdfreq::check::{Finding, Summary, check_path};
use wdfreq::harness::{Budget, CaseConfig, HuntConfig, Implementation, Seed, hunt};
use wdfreq::model::rule;
use wdfreq::vocab::{RuleId, Settings};

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// Runs the binary with `args` in the crate root.
fn wdfreq(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_wdfreq"))
        .args(args)
        .current_dir(root())
        .output()
        .expect("the binary runs")
}

fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

/// Standard output as one JSON document (nothing before or after it).
fn json(output: &Output) -> Value {
    serde_json::from_slice(&output.stdout)
        .unwrap_or_else(|e| panic!("one JSON document on stdout ({e}):\n{}", stdout(output)))
}

/// A fresh scratch directory under Cargo's space for tests.
fn scratch(name: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join(name);
    let _ = std::fs::remove_dir_all(&dir);
    dir
}

/// Every `.jsonl` under `tests/traces/<dir>/`, relative to the crate root.
fn traces(dir: &str) -> Vec<String> {
    let mut found: Vec<String> = std::fs::read_dir(root().join("tests/traces").join(dir))
        .expect("trace directory")
        .map(|entry| entry.expect("entry").path())
        .filter(|path| path.extension().is_some_and(|e| e == "jsonl"))
        .map(|path| {
            let name = path.file_name().expect("name").to_string_lossy();
            format!("tests/traces/{dir}/{name}")
        })
        .collect();
    found.sort();
    assert!(!found.is_empty(), "no traces in {dir}");
    found
}

/// The checker's own findings and summary for a trace, from the library.
fn library_check(trace: &str) -> (Vec<Finding>, Summary) {
    let mut findings = Vec::new();
    let summary = check_path(trace, &mut |f| findings.push(f.clone()))
        .unwrap_or_else(|e| panic!("{trace} is well formed: {e}"));
    (findings, summary)
}

/// The official SARIF 2.1.0 schema, formats checked.
fn sarif_schema() -> jsonschema::Validator {
    let text = std::fs::read_to_string(root().join("tests/schemas/sarif-2.1.0.json"))
        .expect("the committed schema");
    let schema: Value = serde_json::from_str(&text).expect("the schema is JSON");
    jsonschema::options()
        .with_draft(jsonschema::Draft::Draft4)
        .should_validate_formats(true)
        .build(&schema)
        .expect("the schema compiles")
}

fn assert_valid_sarif(schema: &jsonschema::Validator, log: &Value, what: &str) {
    let errors: Vec<String> = schema
        .iter_errors(log)
        .map(|e| format!("{} at {}", e, e.instance_path()))
        .collect();
    assert!(
        errors.is_empty(),
        "{what}: not valid SARIF 2.1.0: {errors:#?}"
    );
}

fn run_of(log: &Value) -> &Value {
    let runs = log["runs"].as_array().expect("runs");
    assert_eq!(runs.len(), 1, "one run");
    &runs[0]
}

/// The validator is not vacuous: it refuses a log with a level SARIF does
/// not have, and one without its tool.
#[test]
fn the_schema_refuses_what_sarif_does_not_allow() {
    let schema = sarif_schema();
    let output = wdfreq(&[
        "check",
        "--format",
        "sarif",
        "tests/traces/violation/legacy-callback-leak-from-1-9.jsonl",
    ]);
    let log = json(&output);
    assert_valid_sarif(&schema, &log, "as written");
    let mut bad_level = log.clone();
    bad_level["runs"][0]["results"][0]["level"] = "fatal".into();
    assert!(!schema.is_valid(&bad_level));
    let mut no_tool = log.clone();
    no_tool["runs"][0]
        .as_object_mut()
        .expect("run")
        .remove("tool");
    assert!(!schema.is_valid(&no_tool));
    let mut bad_line = log;
    bad_line["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["region"]["startLine"] =
        0.into();
    assert!(!schema.is_valid(&bad_line), "lines are 1-based");
}

/// Every conforming and violating trace gives a valid log with one
/// result per finding, in order: rule, level, message, line and request
/// as the checker reports them, and the summary in the run's properties.
#[test]
fn every_judged_trace_gives_a_valid_sarif_log_with_a_result_per_finding() {
    let schema = sarif_schema();
    let (mut errors_seen, mut warnings_seen, mut empty_seen) = (false, false, false);
    for trace in traces("ok").into_iter().chain(traces("violation")) {
        let output = wdfreq(&["check", "--format", "sarif", &trace]);
        let log = json(&output);
        assert_valid_sarif(&schema, &log, &trace);
        let (findings, summary) = library_check(&trace);
        let expected_exit = if summary.errors == 0 { 0 } else { 1 };
        assert_eq!(output.status.code(), Some(expected_exit), "{trace}");
        let run = run_of(&log);
        assert_eq!(
            run["invocations"][0]["executionSuccessful"], true,
            "{trace}"
        );
        let results = run["results"].as_array().expect("results present");
        assert_eq!(results.len(), findings.len(), "{trace}");
        empty_seen |= results.is_empty();
        for (result, finding) in results.iter().zip(&findings) {
            assert_eq!(result["ruleId"], finding.rule.as_str(), "{trace}");
            let level = finding.severity().to_string();
            errors_seen |= level == "error";
            warnings_seen |= level == "warning";
            assert_eq!(result["level"], level.as_str(), "{trace}");
            assert_eq!(result["message"]["text"], finding.message.as_str());
            let location = &result["locations"][0]["physicalLocation"];
            assert_eq!(location["artifactLocation"]["uri"], trace.as_str());
            assert_eq!(location["region"]["startLine"], finding.line, "{trace}");
            assert_eq!(
                result["properties"]["request"].as_str(),
                finding.subject.request(),
                "{trace}"
            );
            let index = result["ruleIndex"].as_u64().expect("ruleIndex") as usize;
            let rules = &run["tool"]["driver"]["rules"];
            assert_eq!(
                rules[index]["id"], result["ruleId"],
                "ruleIndex points at its rule"
            );
        }
        let properties = &run["properties"];
        assert_eq!(properties["errors"], summary.errors, "{trace}");
        assert_eq!(properties["warnings"], summary.warnings, "{trace}");
        assert_eq!(properties["events"], summary.events, "{trace}");
        assert_eq!(
            properties["settings"]["flavor"],
            summary.settings.flavor.to_string()
        );
    }
    assert!(
        errors_seen && warnings_seen && empty_seen,
        "traces with errors, warnings and no finding at all were all validated"
    );
}

/// The driver's rules are the catalogue, in order: sentence, source,
/// severity; the tool names itself and its version.
#[test]
fn the_sarif_driver_carries_the_rule_catalogue() {
    let output = wdfreq(&[
        "check",
        "--format",
        "sarif",
        "tests/traces/ok/continuous_reader.jsonl",
    ]);
    assert_eq!(output.status.code(), Some(0));
    let log = json(&output);
    assert_eq!(log["version"], "2.1.0");
    let driver = &run_of(&log)["tool"]["driver"];
    assert_eq!(driver["name"], "wdfreq");
    assert_eq!(driver["version"], env!("CARGO_PKG_VERSION"));
    assert!(
        driver["informationUri"]
            .as_str()
            .is_some_and(|u| u.starts_with("https://"))
    );
    let rules = driver["rules"].as_array().expect("rules");
    assert_eq!(rules.len(), RuleId::ALL.len());
    for (descriptor, &id) in rules.iter().zip(RuleId::ALL.iter()) {
        let rule = rule(id);
        assert_eq!(descriptor["id"], id.as_str());
        assert_eq!(descriptor["shortDescription"]["text"], rule.says);
        assert!(
            descriptor["fullDescription"]["text"]
                .as_str()
                .is_some_and(|t| t.starts_with(rule.says)),
            "{descriptor}"
        );
        assert!(
            descriptor["help"]["text"]
                .as_str()
                .is_some_and(|t| t.contains(rule.source))
        );
        assert_eq!(descriptor["properties"]["source"], rule.source);
        assert_eq!(
            descriptor["defaultConfiguration"]["level"],
            rule.severity.to_string()
        );
    }
}

/// A malformed trace: the error on standard error and exit 2, as in text;
/// on standard output a valid log of a failed run, the error as a
/// notification at the bad line, and no results at all.
#[test]
fn a_malformed_trace_gives_a_failed_sarif_run_and_exit_two() {
    let schema = sarif_schema();
    for trace in traces("malformed") {
        let text = wdfreq(&["check", &trace]);
        let output = wdfreq(&["check", "--format", "sarif", &trace]);
        assert_eq!(output.status.code(), Some(2), "{trace}");
        assert_eq!(stderr(&output), stderr(&text), "the same error: {trace}");
        assert!(stderr(&output).starts_with("error: "), "{trace}");
        let log = json(&output);
        assert_valid_sarif(&schema, &log, &trace);
        let run = run_of(&log);
        assert!(run.get("results").is_none(), "no results: {trace}");
        let invocation = &run["invocations"][0];
        assert_eq!(invocation["executionSuccessful"], false, "{trace}");
        let notification = &invocation["toolExecutionNotifications"][0];
        assert_eq!(notification["level"], "error");
        let message = notification["message"]["text"].as_str().expect("text");
        assert_eq!(
            format!("error: {message}\n"),
            stderr(&output),
            "the notification is the error"
        );
        let location = &notification["locations"][0]["physicalLocation"];
        assert_eq!(location["artifactLocation"]["uri"], trace.as_str());
        // The error names its line as `FILE:LINE:`, the region the same.
        let line = message
            .strip_prefix(&format!("{trace}:"))
            .and_then(|rest| rest.split(':').next())
            .and_then(|n| n.parse::<u64>().ok());
        assert_eq!(location["region"]["startLine"].as_u64(), line, "{trace}");
    }
}

/// A file that does not exist is a failed run too, located at the file
/// alone; JSON prints nothing for it.
#[test]
fn a_missing_trace_is_exit_two_in_every_format() {
    let schema = sarif_schema();
    let missing = "tests/traces/no-such-trace.jsonl";
    let sarif = wdfreq(&["check", "--format", "sarif", missing]);
    assert_eq!(sarif.status.code(), Some(2));
    let log = json(&sarif);
    assert_valid_sarif(&schema, &log, missing);
    let notification = &run_of(&log)["invocations"][0]["toolExecutionNotifications"][0];
    let location = &notification["locations"][0]["physicalLocation"];
    assert_eq!(location["artifactLocation"]["uri"], missing);
    assert!(location.get("region").is_none(), "no line to point at");
    let json_output = wdfreq(&["check", "--format", "json", missing]);
    assert_eq!(json_output.status.code(), Some(2));
    assert!(json_output.stdout.is_empty(), "{}", stdout(&json_output));
    assert!(stderr(&json_output).starts_with("error: "));
}

/// The JSON of a check is the text report's content: one finding per text
/// line (file, line, severity, rule, message), the request named in the
/// message, and the summary the library returns, the exit status the text
/// format's.
#[test]
fn check_json_holds_what_the_text_report_and_the_summary_say() {
    for trace in traces("ok").into_iter().chain(traces("violation")) {
        let text = wdfreq(&["check", &trace]);
        let output = wdfreq(&["check", "--format", "json", &trace]);
        assert_eq!(output.status.code(), text.status.code(), "{trace}");
        assert!(output.stderr.is_empty(), "{}", stderr(&output));
        let document = json(&output);
        assert_eq!(document["tool"]["name"], "wdfreq");
        assert_eq!(document["file"], trace.as_str());
        let findings = document["findings"].as_array().expect("findings");
        let text_out = stdout(&text);
        let text_lines: Vec<&str> = text_out.lines().collect();
        let (summary_line, finding_lines) = text_lines.split_last().expect("a summary line");
        assert_eq!(findings.len(), finding_lines.len(), "{trace}");
        for (finding, line) in findings.iter().zip(finding_lines) {
            let as_text = format!(
                "{}:{}: {}[{}]: {}",
                finding["file"].as_str().expect("file"),
                finding["line"],
                finding["severity"].as_str().expect("severity"),
                finding["rule"].as_str().expect("rule"),
                finding["message"].as_str().expect("message"),
            );
            assert_eq!(&as_text, line);
            let request = finding["request"].as_str().expect("a request");
            assert!(
                finding["message"]
                    .as_str()
                    .is_some_and(|m| m.starts_with(&format!("request `{request}`"))),
                "{finding}"
            );
            assert!(finding["target"].is_null());
        }
        let (_, summary) = library_check(&trace);
        assert_eq!(*summary_line, summary.in_file(&trace).to_string());
        let json_summary = &document["summary"];
        assert_eq!(json_summary["events"], summary.events);
        assert_eq!(json_summary["errors"], summary.errors);
        assert_eq!(json_summary["warnings"], summary.warnings);
        assert_eq!(json_summary["unshown"], summary.unshown);
        assert_eq!(json_summary["format"], summary.format);
        let settings = &json_summary["settings"];
        assert_eq!(settings["flavor"], summary.settings.flavor.to_string());
        assert_eq!(settings["version"], summary.settings.version.to_string());
        assert_eq!(settings["verifier"], summary.settings.verifier);
        let verdict = if summary.errors == 0 {
            "conforms"
        } else {
            "violates"
        };
        assert_eq!(json_summary["verdict"], verdict, "{trace}");
    }
}

/// A conforming hunt's JSON: the counts, coverage and depth the library's
/// hunt of the same seed reports (on any number of workers), and the text
/// report's figures.
#[test]
fn hunt_json_of_a_conforming_hunt_holds_the_library_report() {
    let output = wdfreq(&[
        "hunt", "--cases", "200", "--seed", "0x2a", "--format", "json",
    ]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let document = json(&output);
    let settings = Settings::default();
    let config = HuntConfig {
        seed: Seed(0x2a),
        budget: Budget::Cases(200),
        case: CaseConfig::default(),
    };
    let sim = wdfreq::sim::Simulated;
    let report = hunt(&config, move || sim.build(settings), &mut |_| {});
    assert_eq!(document["seed"], "0x000000000000002a");
    assert_eq!(document["implementation"], "sim");
    assert_eq!(document["budget"]["cases"], 200);
    assert_eq!(document["cases"], report.cases);
    assert_eq!(document["steps"], report.steps);
    assert_eq!(document["verdict"], "conforms");
    assert!(document["unknown"].is_null());
    assert!(document["divergence"].is_null());
    let rules = document["coverage"]["rules"].as_array().expect("rules");
    let ids: Vec<&str> = rules.iter().filter_map(|r| r["rule"].as_str()).collect();
    let all: Vec<&str> = RuleId::ALL.iter().map(|r| r.as_str()).collect();
    assert_eq!(ids, all);
    for (entry, &id) in rules.iter().zip(RuleId::ALL.iter()) {
        assert_eq!(entry["count"], report.coverage.count(id), "{id}");
        assert_eq!(entry["reachable"], rule(id).scope.hunted(&settings));
    }
    let (exercised, reachable) = report.coverage.exercised_in(&settings);
    assert_eq!(document["coverage"]["exercised"], exercised);
    assert_eq!(document["coverage"]["reachable"], reachable);
    let depth = &document["depth"];
    assert_eq!(
        depth["reuses_before_completion"],
        report.coverage.depth.reuses_before_completion
    );
    assert_eq!(depth["live_requests"], report.coverage.depth.live_requests);
    let text = stdout(&wdfreq(&["hunt", "--cases", "200", "--seed", "0x2a"]));
    assert!(
        text.contains(&format!("cases: 200  steps: {}  ", report.steps)),
        "{text}"
    );
    assert!(
        text.contains(&format!("rules exercised: {exercised} of the {reachable} ")),
        "{text}"
    );
}

/// A diverging hunt, as JSON and as JUnit in one run: the divergence the
/// text report shows (the shrunk steps, the rule, the replay command, the
/// report without colour, even with `--color always`), the regression
/// file written, and a JUnit failure of that rule holding the same.
#[test]
fn a_diverging_hunt_in_json_and_junit_holds_the_divergence() {
    let dir = scratch("report-formats-diverging");
    let junit = dir.join("reports/hunt.xml");
    let regressions = dir.join("regressions");
    let common = [
        "hunt",
        "--implementation",
        "contexts-swapped",
        "--cases",
        "5000",
        "--seed",
        "3",
        "--regressions",
        regressions.to_str().expect("UTF-8 path"),
    ];
    let mut args = common.to_vec();
    args.extend([
        "--format",
        "json",
        "--color",
        "always",
        "--junit",
        junit.to_str().expect("UTF-8 path"),
    ]);
    let output = wdfreq(&args);
    assert_eq!(output.status.code(), Some(1), "{}", stderr(&output));
    let document = json(&output);
    assert_eq!(document["verdict"], "diverges");
    let divergence = &document["divergence"];
    let rule_id = divergence["rule"].as_str().expect("a rule");
    assert_eq!(rule_id, "callback-mismatch", "the mutant's bug");
    let report = divergence["report"].as_str().expect("report");
    assert!(!report.contains('\u{1b}'), "plain text: {report:?}");
    let replay = divergence["replay"].as_str().expect("replay");
    assert!(
        replay.starts_with("wdfreq hunt --implementation contexts-swapped --seed 0x"),
        "{replay}"
    );
    let regression = divergence["regression_file"].as_str().expect("written");
    assert!(Path::new(regression).is_file(), "{regression}");
    let steps = divergence["steps"].as_array().expect("steps");
    let step = divergence["step"].as_u64().expect("step") as usize;
    assert_eq!(
        step + 1,
        steps.len(),
        "a shrunk sequence ends where it diverges"
    );

    // The text report of the same hunt shows the same divergence.
    let text = stdout(&wdfreq(&common));
    assert!(text.contains(&format!("replay: {replay}\n")), "{text}");
    assert!(text.contains(report), "{text}");
    for (i, step) in steps.iter().enumerate() {
        let step = step.as_str().expect("a step");
        assert!(
            text.contains(&format!("{i:>3}  {step}\n")),
            "{step}: {text}"
        );
    }

    let xml = std::fs::read_to_string(&junit).expect("the JUnit report");
    let tree = roxmltree::Document::parse(&xml).expect("well-formed XML");
    let case = single_case(&tree, "contexts-swapped / umdf1 1.11, verifier on", (1, 0));
    let failure = child(case, "failure").expect("a failure");
    assert_eq!(failure.attribute("type"), Some(rule_id));
    assert!(
        failure
            .attribute("message")
            .is_some_and(|m| m.ends_with(rule_id)),
        "{failure:?}"
    );
    let body = failure.text().expect("the failure's text");
    assert!(body.contains(report), "{body}");
    assert!(body.contains(&format!("replay: {replay}\n")), "{body}");
    assert!(
        body.contains(&format!("regression file: {regression}\n")),
        "{body}"
    );
}

/// A conforming hunt's JUnit report: one passing test case, the text
/// report unchanged on standard output.
#[test]
fn a_conforming_hunt_writes_a_passing_junit_case() {
    let dir = scratch("report-formats-conforming");
    let junit = dir.join("junit.xml");
    let path = junit.to_str().expect("UTF-8 path");
    let output = wdfreq(&["hunt", "--cases", "200", "--seed", "0x2a", "--junit", path]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert!(stdout(&output).starts_with("wdfreq hunt: seed 0x000000000000002a"));
    let xml = std::fs::read_to_string(&junit).expect("the JUnit report");
    let tree = roxmltree::Document::parse(&xml).expect("well-formed XML");
    let case = single_case(&tree, "sim / umdf1 1.11, verifier on", (0, 0));
    assert!(child(case, "failure").is_none() && child(case, "error").is_none());
    let out = child(case, "system-out")
        .and_then(|n| n.text())
        .expect("summary");
    assert!(out.contains("cases: 200  steps: "), "{out}");
    let suite = case.parent().expect("the suite");
    let property = |name: &str| {
        suite
            .descendants()
            .find(|n| n.has_tag_name("property") && n.attribute("name") == Some(name))
            .and_then(|n| n.attribute("value"))
    };
    assert_eq!(property("seed"), Some("0x000000000000002a"));
    assert_eq!(property("implementation"), Some("sim"));
}

/// A hunt whose budget allows no case has no verdict: a JUnit error, not a
/// pass nor a skip, and exit 2 as before.
#[test]
fn a_hunt_of_no_case_is_a_junit_error() {
    let dir = scratch("report-formats-no-case");
    let junit = dir.join("junit.xml");
    let path = junit.to_str().expect("UTF-8 path");
    let output = wdfreq(&["hunt", "--cases", "0", "--seed", "1", "--junit", path]);
    assert_eq!(output.status.code(), Some(2));
    let xml = std::fs::read_to_string(&junit).expect("the JUnit report");
    let tree = roxmltree::Document::parse(&xml).expect("well-formed XML");
    let case = single_case(&tree, "sim / umdf1 1.11, verifier on", (0, 1));
    let error = child(case, "error").expect("an error");
    assert_eq!(error.attribute("type"), Some("no-cases"));
    assert!(child(case, "skipped").is_none());
}

/// A JUnit file that cannot be written is refused before the hunt runs:
/// exit 2, an error naming `--junit`, nothing hunted.
#[test]
fn an_unwritable_junit_file_is_exit_two() {
    let dir = scratch("report-formats-unwritable");
    std::fs::create_dir_all(&dir).expect("scratch");
    let blocker = dir.join("a-file");
    std::fs::write(&blocker, "").expect("a file");
    let junit = blocker.join("junit.xml");
    let path = junit.to_str().expect("UTF-8 path");
    let output = wdfreq(&["hunt", "--cases", "10", "--seed", "1", "--junit", path]);
    assert_eq!(output.status.code(), Some(2));
    assert_eq!(stdout(&output), "");
    let err = stderr(&output);
    assert!(err.starts_with("error: --junit: "), "{err}");
}

/// The one test case of `tree`, named `name`, in one suite `wdfreq hunt`
/// under `testsuites`, with the `(failures, errors)` counts given at both
/// levels, one test, none skipped.
fn single_case<'a>(
    tree: &'a roxmltree::Document<'a>,
    name: &str,
    (failures, errors): (u32, u32),
) -> roxmltree::Node<'a, 'a> {
    let root = tree.root_element();
    assert!(root.has_tag_name("testsuites"));
    let suites: Vec<_> = root.children().filter(|n| n.is_element()).collect();
    assert_eq!(suites.len(), 1);
    let suite = suites[0];
    assert!(suite.has_tag_name("testsuite"));
    assert_eq!(suite.attribute("name"), Some("wdfreq hunt"));
    for node in [root, suite] {
        let count = |attribute: &str| {
            node.attribute(attribute)
                .and_then(|v| v.parse::<u32>().ok())
        };
        assert_eq!(count("tests"), Some(1));
        assert_eq!(count("failures"), Some(failures));
        assert_eq!(count("errors"), Some(errors));
        assert_eq!(count("skipped"), Some(0));
        let time = node.attribute("time").and_then(|t| t.parse::<f64>().ok());
        assert!(time.is_some_and(|t| t >= 0.0), "{node:?}");
    }
    let cases: Vec<_> = suite
        .children()
        .filter(|n| n.has_tag_name("testcase"))
        .collect();
    assert_eq!(cases.len(), 1);
    let case = cases[0];
    assert_eq!(case.attribute("name"), Some(name));
    assert!(
        case.attribute("time")
            .is_some_and(|t| t.parse::<f64>().is_ok())
    );
    case
}

fn child<'a>(node: roxmltree::Node<'a, 'a>, tag: &str) -> Option<roxmltree::Node<'a, 'a>> {
    node.children().find(|n| n.has_tag_name(tag))
}
