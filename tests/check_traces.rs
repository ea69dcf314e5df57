//! `wdfreq check` keeps its promises: every recorded trace under
//! `tests/traces/` checks to exactly the output and exit status written
//! beside it (`.expected`); every rule has a trace that fires it; every
//! malformed trace names its line and field and judges nothing; a trace is
//! judged for the settings its header names, or the command line's; and no
//! input, however broken, panics the checker.
//!
//! Set `WDFREQ_BLESS=1` to rewrite the `.expected` files from the current
//! output, then read the diff before committing it.

use std::fs;
use std::io::{Cursor, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use proptest::prelude::*;
use serde_json::{Map, Value, json};
use wdfreq::check::{Finding, check, check_path};
use wdfreq::vocab::{
    CallKind, Completion, RuleId, SendMode, Settings, Severity, StepKind, TargetOp,
};

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// Every `.jsonl` under `tests/traces/<dir>/`, relative to the crate root,
/// in name order.
fn traces(dir: &str) -> Vec<String> {
    let mut found: Vec<String> = fs::read_dir(root().join("tests/traces").join(dir))
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

fn all_traces() -> Vec<String> {
    ["ok", "violation", "malformed"]
        .iter()
        .flat_map(|dir| traces(dir))
        .collect()
}

/// Runs `wdfreq check ARG` in the crate root with `stdin`; stdout, then
/// each line of stderr after `stderr: `, then `exit status: N`.
fn run_check(arg: &str, stdin: &[u8]) -> String {
    run_check_with(&[arg], stdin)
}

/// Runs `wdfreq check ARGS...` in the crate root with `stdin`; stdout,
/// then `exit status: N`.
fn run_check_with(args: &[&str], stdin: &[u8]) -> String {
    let mut child = Command::new(env!("CARGO_BIN_EXE_wdfreq"))
        .arg("check")
        .args(args)
        .current_dir(root())
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the binary runs");
    let mut input = child.stdin.take().expect("stdin");
    input.write_all(stdin).expect("write stdin");
    drop(input);
    let output = child.wait_with_output().expect("the binary ends");
    let stderr: String = String::from_utf8_lossy(&output.stderr)
        .lines()
        .map(|line| format!("stderr: {line}\n"))
        .collect();
    format!(
        "{}{stderr}exit status: {}\n",
        String::from_utf8_lossy(&output.stdout),
        output
            .status
            .code()
            .map_or("signal".into(), |c| c.to_string())
    )
}

/// The findings of a trace file, or the error that stopped it.
fn findings(path: &str) -> Result<Vec<Finding>, wdfreq::check::TraceError> {
    let mut found = Vec::new();
    check_path(&root().join(path).to_string_lossy(), &mut |f| {
        found.push(f.clone())
    })?;
    Ok(found)
}

/// Each recorded trace prints exactly its `.expected` text and exits with
/// the status written there.
#[test]
fn every_recorded_trace_checks_to_its_expected_output() {
    let bless = std::env::var_os("WDFREQ_BLESS").is_some();
    let mut wrong = Vec::new();
    for trace in all_traces() {
        let actual = run_check(&trace, b"");
        let expected_path: PathBuf = root().join(trace.replace(".jsonl", ".expected"));
        if bless {
            fs::write(&expected_path, &actual).expect("write .expected");
            continue;
        }
        let expected = fs::read_to_string(&expected_path).unwrap_or_default();
        if actual != expected {
            wrong.push((trace, expected, actual));
        }
    }
    if let Some((trace, expected, actual)) = wrong.first() {
        let names: Vec<&String> = wrong.iter().map(|w| &w.0).collect();
        eprintln!("traces whose output changed: {names:#?}");
        pretty_assertions::assert_eq!(expected, actual, "{trace}");
    }
}

/// `ok/` traces conform without a single finding; `violation/` traces
/// have at least one finding and exit 1 exactly when one is an error;
/// `malformed/` traces are one `error: ... malformed:` line on standard
/// error, nothing on standard output, and exit 2.
#[test]
fn each_trace_directory_keeps_its_exit_status_promise() {
    for trace in traces("ok") {
        assert_eq!(findings(&trace).expect("well formed"), vec![], "{trace}");
    }
    for trace in traces("violation") {
        let found = findings(&trace).expect("well formed");
        assert!(!found.is_empty(), "{trace}");
        let errors = found.iter().any(|f| f.severity() == Severity::Error);
        let output = run_check(&trace, b"");
        let status = if errors {
            "exit status: 1"
        } else {
            "exit status: 0"
        };
        assert!(
            output.ends_with(&format!("{status}\n")),
            "{trace}: {output}"
        );
    }
    for trace in traces("malformed") {
        let output = run_check(&trace, b"");
        let lines: Vec<&str> = output.lines().collect();
        assert_eq!(lines.len(), 2, "{trace}: {output}");
        assert!(
            lines[0].starts_with(&format!("stderr: error: {trace}:"))
                && lines[0].contains(": malformed: "),
            "{output}"
        );
        assert_eq!(lines[1], "exit status: 2", "{trace}");
    }
}

/// For every rule, `violation/<rule-id>.jsonl` exists and its check
/// reports that rule.
#[test]
fn every_rule_has_a_recorded_trace_that_fires_it() {
    for &rule in RuleId::ALL {
        let trace = format!("tests/traces/violation/{rule}.jsonl");
        let found = findings(&trace).unwrap_or_else(|e| panic!("{trace}: {e}"));
        assert!(
            found.iter().any(|f| f.rule == rule),
            "{trace} does not fire {rule}: {found:#?}"
        );
    }
}

/// The reference's conformant example (the continuous reader) passes.
#[test]
fn reference_continuous_reader_example_conforms() {
    let example = r#"{"op":"create","req":"r1"}
{"op":"format","req":"r1","kind":"read"}
{"op":"set_completion","req":"r1","callback":"OnRead","context":"rd"}
{"op":"send","req":"r1","target":"pipe"}
{"op":"target_complete","req":"r1","status":0,"information":64}
{"op":"callback","req":"r1","callback":"OnRead","context":"rd","status":0,"information":64}
{"op":"reuse","req":"r1","status":0}
{"op":"format","req":"r1","kind":"read"}
{"op":"set_completion","req":"r1","callback":"OnRead","context":"rd"}
{"op":"send","req":"r1","target":"pipe"}
"#;
    let recorded = fs::read_to_string(root().join("tests/traces/ok/continuous_reader.jsonl"))
        .expect("recorded example");
    assert_eq!(recorded, example, "the recorded copy is the reference's");
    let mut found = Vec::new();
    let summary = check("example", Cursor::new(example), &mut |f| {
        found.push(f.clone())
    })
    .expect("well formed");
    assert_eq!(
        (summary.errors, summary.warnings, summary.events),
        (0, 0, 10)
    );
    assert_eq!(found, vec![]);
}

/// One row per malformed trace: the file, the line it must name, and the
/// start of its error kind's `Debug` text (variant and leading fields).
const MALFORMED: &[(&str, u64, &str)] = &[
    ("invalid-json", 2, "InvalidJson { column: 39,"),
    ("malformed-after-a-violation", 4, "InvalidJson {"),
    ("invalid-utf8", 2, "InvalidUtf8 { column: 49 }"),
    ("not-an-object", 2, r#"NotAnObject { found: "an array" }"#),
    ("unknown-op", 2, r#"UnknownOp { op: "frobnicate" }"#),
    ("missing-op", 1, r#"MissingField { field: "op" }"#),
    ("missing-req", 1, r#"MissingField { field: "req" }"#),
    ("missing-field", 4, r#"MissingField { field: "status" }"#),
    (
        "mistyped-field",
        2,
        r#"WrongType { field: "status", expected: "an integer", found: "a string" }"#,
    ),
    (
        "mistyped-request-name",
        1,
        r#"WrongType { field: "req", expected: "a string", found: "a number" }"#,
    ),
    (
        "fractional-status",
        2,
        r#"WrongType { field: "status", expected: "an integer","#,
    ),
    (
        "fractional-information",
        2,
        r#"WrongType { field: "information", expected: "an integer","#,
    ),
    (
        "out-of-range-status",
        2,
        r#"OutOfRange { field: "status", value: "4294967296","#,
    ),
    (
        "out-of-range-information",
        2,
        r#"OutOfRange { field: "information", value: "-1","#,
    ),
    (
        "out-of-range-status-below-64-bits",
        2,
        r#"OutOfRange { field: "status", value: "-9223372036854775809","#,
    ),
    (
        "out-of-range-information-as-written",
        2,
        r#"OutOfRange { field: "information", value: "100000000000000000000000","#,
    ),
    ("duplicate-key", 2, r#"DuplicateField { field: "op" }"#),
    (
        "utf16-little-endian",
        1,
        r#"NotUtf8 { encoding: "UTF-16 (little-endian)" }"#,
    ),
    (
        "utf16-big-endian-without-mark",
        1,
        r#"NotUtf8 { encoding: "UTF-16 (big-endian)" }"#,
    ),
    ("byte-order-mark-after-line-1", 3, "ByteOrderMark"),
    (
        "unknown-format-kind",
        2,
        r#"UnknownValue { field: "kind", value: "scatter","#,
    ),
    (
        "unknown-send-mode",
        3,
        r#"UnknownValue { field: "mode", value: "later","#,
    ),
    ("empty-request-name", 1, "EmptyRequestName"),
    ("unknown-request", 2, r#"UnknownRequest { name: "r2" }"#),
    ("duplicate-request", 2, r#"DuplicateRequest { name: "r1" }"#),
    ("empty", 1, "NoEvents"),
    ("blank-lines-only", 3, "NoEvents"),
    (
        "header-unsupported-version",
        1,
        r#"UnsupportedFormat { found: "4" }"#,
    ),
    (
        "concurrent-call-out-of-order",
        3,
        "CallOutOfOrder { call: 3, before: 5, line: 2 }",
    ),
    (
        "concurrent-missing-thread",
        3,
        r#"MissingField { field: "thread" }"#,
    ),
    (
        "concurrent-return-before-call",
        2,
        "ReturnNotAfterCall { call: 4, returned: 4 }",
    ),
    (
        "concurrent-sync-send-unanswered",
        4,
        "SyncSendUnansweredDuring",
    ),
    (
        "concurrent-used-before-created",
        3,
        r#"UsedBeforeIntroduced { name: "r1", call: 2, returned: Some(4) }"#,
    ),
    (
        "header-unknown-flavor",
        1,
        r#"HeaderSettings { field: "flavor", source: UnknownFlavor("wdm") }"#,
    ),
    (
        "header-no-such-framework",
        1,
        r#"HeaderSettings { field: "version", source: NoSuchFramework {"#,
    ),
    ("header-not-first", 2, "HeaderNotFirst"),
    (
        "reuse-flags-not-an-array",
        3,
        r#"WrongType { field: "flags", expected: "an array of strings", found: "a string" }"#,
    ),
    (
        "reuse-unknown-flag",
        3,
        r#"UnknownValue { field: "flags", value: "no_flags","#,
    ),
];

/// Each malformed trace is refused at the line and with the error kind of
/// its table row, and every malformed trace has a row.
#[test]
fn each_malformed_trace_names_its_line_and_field() {
    for (name, line, kind) in MALFORMED {
        let trace = format!("tests/traces/malformed/{name}.jsonl");
        let error = findings(&trace).expect_err(&trace);
        assert_eq!(error.line, *line, "{trace}: {error}");
        let debug = format!("{:?}", error.kind);
        assert!(debug.starts_with(kind), "{trace}: {debug}");
        assert!(error.kind.is_malformed(), "{trace}");
    }
    assert_eq!(
        MALFORMED.len(),
        traces("malformed").len(),
        "a row per malformed trace"
    );
}

/// A malformed line after a violation: the violation is not reported.
#[test]
fn malformed_trace_is_not_judged_at_all() {
    let mut judged = 0;
    let path = root().join("tests/traces/malformed/malformed-after-a-violation.jsonl");
    let result = check_path(&path.to_string_lossy(), &mut |_| judged += 1);
    assert!(result.is_err());
    assert_eq!(judged, 0);
}

/// `check -` reads standard input and prints what the file gives, under
/// the name `<stdin>`.
#[test]
fn standard_input_checks_like_the_same_file() {
    for trace in [
        "tests/traces/violation/several-findings-on-interleaved-requests.jsonl",
        "tests/traces/malformed/invalid-utf8.jsonl",
    ] {
        let bytes = fs::read(root().join(trace)).expect("trace");
        let from_file = run_check(trace, b"").replace(trace, "<stdin>");
        assert_eq!(run_check("-", &bytes), from_file, "{trace}");
    }
}

/// A file that cannot be opened is exit 2, naming the file in an error on
/// standard error, with nothing on standard output.
#[test]
fn missing_file_is_exit_two_naming_it() {
    let output = run_check("tests/traces/no-such-trace.jsonl", b"");
    assert!(
        output.starts_with("stderr: error: tests/traces/no-such-trace.jsonl: cannot read: "),
        "{output}"
    );
    assert!(output.ends_with("exit status: 2\n"), "{output}");
}

const LEGACY_1_7: &str = "tests/traces/ok/legacy_callback_kept_by_reuse_before_1_9.jsonl";
const LEGACY_1_9: &str = "tests/traces/violation/legacy-callback-leak-from-1-9.jsonl";

/// One sequence (register a callback, reuse, format, send, the target
/// finishes, the OLD callback runs), recorded under two framework
/// versions: before 1.9 Reuse keeps the completion routine, so the old
/// callback is the one due; from 1.9 Reuse deregisters it, so the same
/// callback is a leak.
#[test]
fn legacy_pair_conforms_at_1_7_and_leaks_at_1_9() {
    let read = |path: &str| fs::read_to_string(root().join(path)).expect("trace");
    assert_eq!(
        read(LEGACY_1_7).replacen(r#""version":"1.7""#, r#""version":"1.9""#, 1),
        read(LEGACY_1_9),
        "the two traces differ only in the header's version"
    );
    assert_eq!(findings(LEGACY_1_7).expect("well formed"), vec![]);
    let leak = findings(LEGACY_1_9).expect("well formed");
    let errors: Vec<(RuleId, u64)> = leak
        .iter()
        .filter(|f| f.severity() == Severity::Error)
        .map(|f| (f.rule, f.line))
        .collect();
    assert_eq!(errors, vec![(RuleId::CallbackLeak, 8)]);
    assert!(run_check(LEGACY_1_7, b"").ends_with("exit status: 0\n"));
    assert!(run_check(LEGACY_1_9, b"").ends_with("exit status: 1\n"));
}

/// `--framework-version` replaces the header's version: each legacy trace
/// checked for the other's version prints what the other prints.
#[test]
fn command_line_settings_replace_the_header() {
    let as_other = |path: &str, version: &str, other: &str| {
        let output = run_check_with(&["--framework-version", version, path], b"");
        assert_eq!(output.replace(path, other), run_check(other, b""), "{path}");
    };
    as_other(LEGACY_1_7, "1.9", LEGACY_1_9);
    as_other(LEGACY_1_9, "1.7", LEGACY_1_7);
    let v1 = "tests/traces/ok/continuous_reader.jsonl";
    let verifier_off = run_check_with(&["--no-verifier", v1], b"");
    assert!(
        verifier_off.starts_with(&format!(
            "{v1}: 0 errors, 0 warnings, 10 events (umdf1 1.11, verifier off)\n"
        )),
        "{verifier_off}"
    );
}

/// Settings flags that make a framework that does not exist are exit 2,
/// naming the trace's settings and the reason, and nothing is judged.
#[test]
fn command_line_settings_that_do_not_exist_are_exit_two() {
    let output = run_check_with(
        &[
            "--framework-version",
            "1.7",
            "tests/traces/ok/continuous_reader.jsonl",
        ],
        b"",
    );
    assert_eq!(
        output,
        "stderr: error: tests/traces/ok/continuous_reader.jsonl: cannot judge for the settings asked for \
         over the trace's (umdf1 1.11, verifier on): there is no umdf1 1.7: UMDF 1 has Reuse \
         from 1.9 to 1.11, KMDF is 1.x\nexit status: 2\n"
    );
}

/// Reuse of an outstanding request is an error (exit 1) whose outcome is
/// undefined, with the verifier on or off (the framework has no check):
/// the request's later events, the wrong callback included, are not
/// judged, and the finding says so.
#[test]
fn reuse_while_pending_is_undefined_and_ends_the_judging_of_its_request() {
    let trace = "tests/traces/violation/reuse-while-pending-verifier-off.jsonl";
    let off = findings(trace).expect("well formed");
    let rules: Vec<(RuleId, u64)> = off.iter().map(|f| (f.rule, f.line)).collect();
    assert_eq!(rules, vec![(RuleId::ReuseWhilePending, 6)]);
    assert!(off[0].message.contains("undefined"), "{}", off[0].message);
    assert!(run_check(trace, b"").ends_with("exit status: 1\n"));

    let bytes = fs::read(root().join(trace)).expect("trace");
    let mut on = Vec::new();
    let verifier_on = |s: Settings| {
        Ok(Settings {
            verifier: true,
            ..s
        })
    };
    wdfreq::check::check_with("t", Cursor::new(bytes), &verifier_on, &mut |f| {
        on.push((f.rule, f.line))
    })
    .expect("well formed");
    assert_eq!(on, [(RuleId::ReuseWhilePending, 6)]);
}

/// Every combination of settings the suite knows, written in a header,
/// is what the checker prints it judged for.
#[test]
fn every_settings_header_is_named_in_the_summary_line() {
    for settings in Settings::all() {
        let trace = format!(
            "{}\n{{\"op\":\"create\",\"req\":\"r\"}}\n",
            header_line(&settings, [false; 3])
        );
        let output = run_check_with(&["-"], trace.as_bytes());
        assert_eq!(
            output,
            format!("<stdin>: 0 errors, 0 warnings, 1 event ({settings})\nexit status: 0\n")
        );
    }
}

/// `requests` queue-presented requests, each with a name of its own:
/// received, formatted, given a callback, sent, finished by the target,
/// called back and completed, in turn; seven events each.
fn fresh_names_trace(requests: usize) -> String {
    let mut text = String::with_capacity(requests * 7 * 60);
    for r in 0..requests {
        text.push_str(&format!(
            "{{\"op\":\"receive\",\"req\":\"q{r}\"}}\n\
             {{\"op\":\"format\",\"req\":\"q{r}\",\"kind\":\"read\"}}\n\
             {{\"op\":\"set_completion\",\"req\":\"q{r}\",\"callback\":\"OnRead\",\"context\":\"rd\"}}\n\
             {{\"op\":\"send\",\"req\":\"q{r}\",\"target\":\"pipe\"}}\n\
             {{\"op\":\"target_complete\",\"req\":\"q{r}\",\"status\":0,\"information\":{r}}}\n\
             {{\"op\":\"callback\",\"req\":\"q{r}\",\"callback\":\"OnRead\",\"context\":\"rd\",\"status\":0,\"information\":{r}}}\n\
             {{\"op\":\"complete\",\"req\":\"q{r}\",\"status\":0}}\n"
        ));
    }
    text
}

/// `count` created requests `c{from}`.. created and deleted: `count` retirements.
fn create_delete(from: usize, count: usize) -> String {
    (from..from + count)
        .map(|r| {
            format!(
                "{{\"op\":\"create\",\"req\":\"c{r}\"}}\n{{\"op\":\"delete\",\"req\":\"c{r}\"}}\n"
            )
        })
        .collect()
}

/// A trace of 200,000 events in which every request has a name of its own
/// conforms: forgetting the names of long-dead requests changes nothing.
#[test]
fn fresh_names_trace_of_200k_events_conforms() {
    let requests = 200_000_usize.div_ceil(7);
    let (result, found) = check_bytes(fresh_names_trace(requests).as_bytes());
    let summary = result.expect("well formed");
    assert_eq!(found, vec![]);
    assert_eq!(summary.events, 7 * requests as u64);
}

/// `requests` queue-presented requests, each given a queue, a target, a
/// callback and a context of its own (as a recorder that logs them as
/// pointers writes them), each sent, finished, called back and completed.
fn fresh_objects_trace(requests: usize) -> String {
    let mut text = String::with_capacity(requests * 7 * 110);
    for r in 0..requests {
        let (queue, target) = (format!("0xffffb{r:07x}"), format!("0xffffc{r:07x}"));
        let (callback, context) = (format!("0xfffff80{r:07x}"), format!("0xffffa0{r:07x}"));
        let registration = format!("\"callback\":\"{callback}\",\"context\":\"{context}\"");
        text.push_str(&format!(
            "{{\"op\":\"receive\",\"req\":\"q{r}\",\"queue\":\"{queue}\"}}\n\
             {{\"op\":\"format\",\"req\":\"q{r}\",\"kind\":\"read\",\"target\":\"{target}\"}}\n\
             {{\"op\":\"set_completion\",\"req\":\"q{r}\",{registration}}}\n\
             {{\"op\":\"send\",\"req\":\"q{r}\",\"target\":\"{target}\"}}\n\
             {{\"op\":\"target_complete\",\"req\":\"q{r}\",\"status\":0}}\n\
             {{\"op\":\"callback\",\"req\":\"q{r}\",{registration},\"status\":0}}\n\
             {{\"op\":\"complete\",\"req\":\"q{r}\",\"status\":0}}\n"
        ));
    }
    text
}

/// A trace that gives every request a queue, a target, a callback and a
/// context of its own (far more than 256 of each) checks like any other,
/// through the binary: the names of objects are not limited in number.
#[test]
fn a_name_of_its_own_for_every_object_of_every_request_conforms() {
    let output = run_check("-", fresh_objects_trace(1_000).as_bytes());
    assert_eq!(
        output,
        "<stdin>: 0 errors, 0 warnings, 7000 events\nexit status: 0\n"
    );
}

/// A trace of 100,000 requests, each registering a context pointer of its
/// own, checks fine through the binary.
#[test]
fn a_trace_with_100000_distinct_contexts_checks_fine() {
    let mut text = String::with_capacity(100_000 * 150);
    for r in 0..100_000 {
        text.push_str(&format!(
            "{{\"op\":\"create\",\"req\":\"r{r}\"}}\n\
             {{\"op\":\"set_completion\",\"req\":\"r{r}\",\"callback\":\"OnRead\",\"context\":\"0xffffa0{r:06x}\"}}\n\
             {{\"op\":\"delete\",\"req\":\"r{r}\"}}\n"
        ));
    }
    let output = run_check("-", text.as_bytes());
    assert_eq!(
        output,
        "<stdin>: 0 errors, 0 warnings, 300000 events\nexit status: 0\n"
    );
}

/// A context name forgotten with the requests that held it (after the
/// window of deaths) and used again is a new context: judged by identity
/// within its new request, and named right in messages, while a context
/// a live request holds all along keeps its identity.
#[test]
fn a_context_name_forgotten_and_used_again_is_judged_as_its_new_request_s() {
    let window = wdfreq::check::DEAD_REMEMBERED;
    // `kept` holds `0xa` for the whole trace; `old` holds `0xb`, and dies.
    let mut text = String::from(
        "{\"op\":\"create\",\"req\":\"kept\"}\n\
         {\"op\":\"set_completion\",\"req\":\"kept\",\"callback\":\"On\",\"context\":\"0xa\"}\n\
         {\"op\":\"create\",\"req\":\"old\"}\n\
         {\"op\":\"set_completion\",\"req\":\"old\",\"callback\":\"On\",\"context\":\"0xb\"}\n\
         {\"op\":\"delete\",\"req\":\"old\"}\n",
    );
    for r in 0..window + 10 {
        text.push_str(&format!(
            "{{\"op\":\"create\",\"req\":\"c{r}\"}}\n\
             {{\"op\":\"set_completion\",\"req\":\"c{r}\",\"callback\":\"On\",\"context\":\"0x{r:x}00\"}}\n\
             {{\"op\":\"delete\",\"req\":\"c{r}\"}}\n"
        ));
    }
    // `new` registers `0xb` again; `kept` still has `0xa`. Each is sent,
    // and each callback swaps the two contexts.
    let cycle = |req: &str, mine: &str, other: &str| {
        format!(
            "{{\"op\":\"format\",\"req\":\"{req}\",\"kind\":\"read\"}}\n\
             {{\"op\":\"send\",\"req\":\"{req}\",\"target\":\"t\"}}\n\
             {{\"op\":\"target_complete\",\"req\":\"{req}\",\"status\":0}}\n\
             {{\"op\":\"callback\",\"req\":\"{req}\",\"callback\":\"On\",\"context\":\"{other}\",\"status\":0}}\n\
             {{\"op\":\"reuse\",\"req\":\"{req}\"}}\n\
             {{\"op\":\"set_completion\",\"req\":\"{req}\",\"callback\":\"On\",\"context\":\"{mine}\"}}\n\
             {{\"op\":\"format\",\"req\":\"{req}\",\"kind\":\"read\"}}\n\
             {{\"op\":\"send\",\"req\":\"{req}\",\"target\":\"t\"}}\n\
             {{\"op\":\"target_complete\",\"req\":\"{req}\",\"status\":0}}\n\
             {{\"op\":\"callback\",\"req\":\"{req}\",\"callback\":\"On\",\"context\":\"{mine}\",\"status\":0}}\n\
             {{\"op\":\"delete\",\"req\":\"{req}\"}}\n"
        )
    };
    text.push_str(
        "{\"op\":\"create\",\"req\":\"new\"}\n\
         {\"op\":\"set_completion\",\"req\":\"new\",\"callback\":\"On\",\"context\":\"0xb\"}\n",
    );
    let first = text.lines().count() as u64;
    text.push_str(&cycle("new", "0xb", "0xa"));
    text.push_str(&cycle("kept", "0xa", "0xb"));
    let (result, found) = check_bytes(text.as_bytes());
    result.expect("well formed");
    let got: Vec<(RuleId, u64, &str)> = found
        .iter()
        .map(|f| (f.rule, f.line, f.message.as_str()))
        .collect();
    // Each wrong callback is a mismatch (neither context was ever gone
    // from the request it reached), and the second cycle of each conforms.
    let mismatch = |line: u64, req: &str, got: &str, due: &str| {
        (
            RuleId::CallbackMismatch,
            line,
            format!(
                "request `{req}`, `callback`: {} Got `On` with `{got}`, status 0x00000000, information 0; due: `On` with `{due}`, status 0x00000000, information 0.",
                wdfreq::model::rule(RuleId::CallbackMismatch).says
            ),
        )
    };
    let want = [
        mismatch(first + 4, "new", "0xa", "0xb"),
        mismatch(first + 15, "kept", "0xb", "0xa"),
    ];
    assert_eq!(
        got,
        want.iter()
            .map(|(rule, line, message)| (*rule, *line, message.as_str()))
            .collect::<Vec<_>>()
    );
}

/// A trace saved by a Windows tool as UTF-8 with a byte-order mark checks
/// as without it; one saved as UTF-16, with its mark or without, is named
/// as such at line 1; a mark at the start of a later line is named there.
#[test]
fn a_byte_order_mark_is_skipped_and_utf16_is_named() {
    let trace = "{\"op\":\"create\",\"req\":\"r\"}\r\n{\"op\":\"delete\",\"req\":\"r\"}\r\n";
    let mut marked = b"\xEF\xBB\xBF".to_vec();
    marked.extend_from_slice(trace.as_bytes());
    assert_eq!(
        run_check("-", &marked),
        "<stdin>: 0 errors, 0 warnings, 2 events\nexit status: 0\n"
    );
    let utf16 = |big_endian: bool, mark: bool| -> Vec<u8> {
        let units = (mark.then_some(0xFEFF_u16))
            .into_iter()
            .chain(trace.encode_utf16());
        units
            .flat_map(|u| match big_endian {
                true => u.to_be_bytes(),
                false => u.to_le_bytes(),
            })
            .collect()
    };
    for (big_endian, mark, name) in [
        (false, true, "UTF-16 (little-endian)"),
        (true, true, "UTF-16 (big-endian)"),
        (false, false, "UTF-16 (little-endian)"),
        (true, false, "UTF-16 (big-endian)"),
    ] {
        assert_eq!(
            run_check("-", &utf16(big_endian, mark)),
            format!(
                "stderr: error: <stdin>:1: malformed: the trace is {name}, not UTF-8: \
                 save it as UTF-8\nexit status: 2\n"
            ),
            "{name}, mark {mark}"
        );
    }
    let mut joined = marked.clone();
    joined.extend_from_slice(&marked);
    assert_eq!(
        run_check("-", &joined),
        "stderr: error: <stdin>:3: malformed: the line starts with a byte-order mark (U+FEFF); \
         only the trace's first line may (were files joined?)\nexit status: 2\n"
    );
}

/// A key given twice is malformed, naming it (it used to be judged by its
/// last value); a number beyond 64 bits is out of range, echoed as
/// written; a number with a fraction or an exponent is no integer.
#[test]
fn duplicate_keys_and_numbers_beyond_64_bits_are_named_as_written() {
    let create = "{\"op\":\"receive\",\"req\":\"r\"}\n";
    for (line, message) in [
        (
            r#"{"op":"delete","req":"r","op":"format","kind":"read"}"#,
            "field `op`: given twice; a key is given once per line",
        ),
        (
            r#"{"op":"format","req":"r","kind":"read","\u006bind":"write"}"#,
            "field `kind`: given twice; a key is given once per line",
        ),
        (
            r#"{"op":"complete","req":"r","status":0,"x":1,"x":1}"#,
            "field `x`: given twice; a key is given once per line",
        ),
        (
            r#"{"op":"complete","req":"r","status":-9223372036854775809}"#,
            "field `status`: -9223372036854775809 is out of range (a status is a 32-bit \
             NTSTATUS or HRESULT, signed or unsigned: -2147483648 to 4294967295)",
        ),
        (
            r#"{"op":"complete","req":"r","status":0,"information":100000000000000000000000}"#,
            "field `information`: 100000000000000000000000 is out of range (information is a \
             64-bit unsigned integer, 0 to 18446744073709551615)",
        ),
        (
            r#"{"op":"complete","req":"r","status":1e400}"#,
            "field `status`: expected an integer, found a number with a fraction or an exponent",
        ),
    ] {
        assert_eq!(
            run_check("-", format!("{create}{line}\n").as_bytes()),
            format!("stderr: error: <stdin>:2: malformed: {message}\nexit status: 2\n"),
            "{line}"
        );
    }
}

/// A completed request's name is judged while it is among the last
/// `DEAD_REMEMBERED` to die (`access-after-complete`); once more died
/// after it, its name is unknown: malformed at the line, naming `req` and
/// the limit, and a `receive` of it is a new request.
#[test]
fn a_name_is_remembered_for_the_window_of_deaths_and_no_longer() {
    let window = wdfreq::check::DEAD_REMEMBERED;
    let dead =
        "{\"op\":\"receive\",\"req\":\"x\"}\n{\"op\":\"complete\",\"req\":\"x\",\"status\":0}\n";
    let reuse = "{\"op\":\"format\",\"req\":\"x\",\"kind\":\"read\"}\n";
    let within = format!("{dead}{}{reuse}", create_delete(0, window - 1));
    let (result, found) = check_bytes(within.as_bytes());
    result.expect("well formed");
    let use_line = 2 + 2 * (window as u64 - 1) + 1;
    let got: Vec<(RuleId, u64)> = found.iter().map(|f| (f.rule, f.line)).collect();
    assert_eq!(got, vec![(RuleId::AccessAfterComplete, use_line)]);
    assert!(found[0].message.contains("request `x`"), "{found:?}");

    let beyond = format!("{dead}{}{reuse}", create_delete(0, window));
    let (result, found) = check_bytes(beyond.as_bytes());
    let error = result.expect_err("x was forgotten");
    assert!(found.is_empty());
    assert_eq!(error.line, use_line + 2);
    assert_eq!(
        error.to_string(),
        format!(
            "p:{}: malformed: field `req`: unknown request `x` (it may have died more than \
             {window} request deaths ago: the checker remembers only that many)",
            use_line + 2
        )
    );

    let again = format!("{dead}{}{dead}", create_delete(0, window));
    let (result, found) = check_bytes(again.as_bytes());
    result.expect("a forgotten name introduces a new request");
    assert_eq!(found, vec![]);
}

/// A name forgotten while the reader reads ahead for a `sync` send's
/// answer is still the name of the events read before it: they are judged
/// with it, and not refused as unknown.
#[test]
fn a_name_forgotten_during_a_sync_lookahead_is_judged_before_it_goes() {
    let window = wdfreq::check::DEAD_REMEMBERED;
    let mut text = String::from("{\"op\":\"receive\",\"req\":\"x\"}\n");
    for r in 0..window {
        text.push_str(&format!("{{\"op\":\"create\",\"req\":\"c{r}\"}}\n"));
    }
    text.push_str(
        "{\"op\":\"create\",\"req\":\"s\"}\n\
         {\"op\":\"format\",\"req\":\"s\",\"kind\":\"read\"}\n\
         {\"op\":\"complete\",\"req\":\"x\",\"status\":0}\n",
    );
    let delete = |r: usize| format!("{{\"op\":\"delete\",\"req\":\"c{r}\"}}\n");
    (0..10).for_each(|r| text.push_str(&delete(r)));
    let send_line = text.lines().count() as u64 + 1;
    text.push_str(
        "{\"op\":\"send\",\"req\":\"s\",\"target\":\"t\",\"mode\":\"sync\"}\n\
         {\"op\":\"format\",\"req\":\"x\",\"kind\":\"read\"}\n",
    );
    // The last of these deaths forgets `x`, before the send's answer.
    (10..window).for_each(|r| text.push_str(&delete(r)));
    text.push_str("{\"op\":\"target_complete\",\"req\":\"s\",\"status\":0}\n");
    text.push_str("{\"op\":\"format\",\"req\":\"x\",\"kind\":\"read\"}\n");

    let (result, _) = check_bytes(text.as_bytes());
    let error = result.expect_err("x is unknown after its answer");
    assert_eq!(error.line, text.lines().count() as u64);
    let judged = text
        .rsplit_once("{\"op\":\"format\"")
        .map_or(&*text, |(head, _)| head);
    let (result, found) = check_bytes(judged.as_bytes());
    result.expect("well formed");
    let got: Vec<(RuleId, u64)> = found.iter().map(|f| (f.rule, f.line)).collect();
    assert_eq!(got, vec![(RuleId::AccessAfterComplete, send_line + 1)]);
    assert!(found[0].message.contains("request `x`"), "{found:?}");
}

// Generators for the properties below.

const NAMES: [&str; 4] = ["a", "b", "c", "d"];

/// A JSON value of any type, biased to the edges of the number ranges.
fn any_json_value() -> impl Strategy<Value = Value> {
    prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::from),
        any::<i64>().prop_map(Value::from),
        any::<u64>().prop_map(Value::from),
        prop::sample::select(vec![
            json!(0),
            json!(-1),
            json!(2147483647),
            json!(-2147483648),
            json!(-2147483649_i64),
            json!(4294967295_u64),
            json!(4294967296_u64),
            json!(u64::MAX),
            json!(1.5),
            json!(1e300),
        ]),
        any::<f64>().prop_map(|f| json!(f)),
        "[a-z_]{0,8}".prop_map(Value::from),
        Just(json!([1, "x"])),
        Just(json!({"nested": true})),
    ]
}

/// A string field's value: usually a plausible string, sometimes anything.
fn text_value(choices: &'static [&'static str]) -> impl Strategy<Value = Value> {
    prop_oneof![
        4 => prop::sample::select(choices).prop_map(Value::from),
        1 => any_json_value(),
    ]
}

/// One line that looks like an event: any op (or none), any request name,
/// any subset of the fields with values of any type; sometimes cut short.
fn json_ish_line() -> impl Strategy<Value = String> {
    let mut ops: Vec<&'static str> = wdfreq::check::OPS.to_vec();
    ops.extend(["bogus", ""]);
    let ops: &'static [&'static str] = Vec::leak(ops);
    let fields = (
        prop::option::of(text_value(ops)),
        prop::option::of(text_value(&["a", "b", "c", ""])),
        prop::option::of(any_json_value()),
        prop::option::of(any_json_value()),
        prop::option::of(text_value(&["read", "current", "scatter"])),
        prop::option::of(text_value(&["async", "sync", "forget", "later"])),
        prop::option::of(text_value(&["On", "Off"])),
        prop::option::of(text_value(&["x", "y"])),
        prop::option::of(any_json_value()),
        prop::option::of(prop_oneof![
            prop::sample::select(vec![
                json!(["set_new_irp"]),
                json!(["must_complete", "set_new_irp"]),
                json!(["sideways"]),
                json!([1]),
            ]),
            any_json_value(),
        ]),
        prop::option::of(any_json_value()),
    );
    (fields, prop::option::of(0..60_usize)).prop_map(|(f, cut)| {
        let mut object = Map::new();
        let named = [
            ("op", f.0),
            ("req", f.1),
            ("status", f.2),
            ("information", f.3),
            ("kind", f.4),
            ("mode", f.5),
            ("callback", f.6),
            ("context", f.7),
            ("value", f.8),
            ("flags", f.9),
            ("wdfreq", f.10),
        ];
        for (name, value) in named {
            if let Some(value) = value {
                object.insert(name.to_owned(), value);
            }
        }
        let mut line = Value::Object(object).to_string();
        if let Some(cut) = cut.filter(|c| *c < line.len()) {
            line = line.chars().take(cut).collect();
        }
        line
    })
}

/// A well-formed event on one of [`NAMES`] (introduced before): one
/// line, or two for a `sync` send and the `target_complete` that must
/// follow it.
fn event_lines() -> impl Strategy<Value = Vec<String>> {
    let req = prop::sample::select(&NAMES[..]);
    let status = prop::sample::select(vec![0_i64, 3221225485, -1073741811, 259]);
    let info = prop::option::of(prop::sample::select(vec![0_u64, 64, 512]));
    let callback = prop::sample::select(vec!["OnA", "OnB"]);
    let context = prop::option::of(prop::sample::select(vec!["x", "y"]));
    // Every op but those that introduce a request, and a purge, which not
    // every framework has (a trace of UMDF 1 or KMDF before 1.11 with one
    // is malformed).
    let ops: Vec<&str> = wdfreq::check::OPS
        .into_iter()
        .filter(|op| {
            !matches!(
                StepKind::from_name(op),
                Some(StepKind::Create | StepKind::Receive | StepKind::Target(TargetOp::Purge))
            )
        })
        .collect();
    let op = prop::sample::select(ops);
    let mode = prop::sample::select(SendMode::NAMES.to_vec());
    let flags = prop::sample::select(vec![
        json!(null),
        json!([]),
        json!(["set_new_irp"]),
        json!(["must_complete"]),
        json!(["set_new_irp", "must_complete"]),
    ]);
    (req, op, status, info, callback, context, mode, flags).prop_map(
        |(req, op, status, info, callback, context, mode, flags)| {
            let mut e = json!({"op": op, "req": req, "kind": "read", "target": "t",
                "status": status, "value": status, "callback": callback, "mode": mode,
                "flags": flags});
            if let Some(info) = info {
                e["information"] = json!(info);
            }
            if let Some(context) = context {
                e["context"] = json!(context);
            }
            let mut lines = vec![e.to_string()];
            if op == CallKind::Send.name() && mode == SendMode::Sync(Completion::SUCCESS).name() {
                let answer = json!({"op": "target_complete", "req": req, "status": status});
                lines.push(answer.to_string());
            }
            lines
        },
    )
}

/// A version 2 header naming `settings`, leaving out (where `omit` says)
/// the fields whose value is the default's.
fn header_line(settings: &Settings, omit: [bool; 3]) -> String {
    let default = Settings::default();
    let mut header = json!({"wdfreq": 2});
    if !(omit[0] && settings.flavor == default.flavor) {
        header["flavor"] = json!(settings.flavor.as_str());
    }
    if !(omit[1] && settings.version == default.version) {
        header["version"] = json!(settings.version.to_string());
    }
    if !(omit[2] && settings.verifier == default.verifier) {
        header["verifier"] = json!(settings.verifier);
    }
    header.to_string()
}

/// A header for any settings that exist, with fields left out at random.
fn any_header() -> impl Strategy<Value = (Settings, String)> {
    (prop::sample::select(Settings::all()), any::<[bool; 3]>())
        .prop_map(|(settings, omit)| (settings, header_line(&settings, omit)))
}

/// A well-formed trace: sometimes a header, every name introduced, then
/// events on them.
fn well_formed_trace() -> impl Strategy<Value = Vec<String>> {
    (
        prop::option::of(any_header()),
        any::<[bool; 4]>(),
        prop::collection::vec(event_lines(), 0..60),
    )
        .prop_map(|(header, received, events)| {
            let intro = NAMES.iter().zip(received).map(|(name, received)| {
                let op = if received { "receive" } else { "create" };
                json!({"op": op, "req": name}).to_string()
            });
            let header = header.map(|(_, line)| line);
            header
                .into_iter()
                .chain(intro)
                .chain(events.into_iter().flatten())
                .collect()
        })
}

/// The number of event lines of a generated trace: all but its header.
fn event_count(trace: &[String]) -> u64 {
    trace.iter().filter(|l| !l.contains("\"wdfreq\"")).count() as u64
}

fn check_bytes(
    bytes: &[u8],
) -> (
    Result<wdfreq::check::Summary, wdfreq::check::TraceError>,
    Vec<Finding>,
) {
    let mut found = Vec::new();
    let result = check("p", Cursor::new(bytes), &mut |f| found.push(f.clone()));
    (result, found)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    /// Arbitrary bytes never panic the checker; when they are refused, the
    /// line named is one the input has (or 1 for an empty input).
    #[test]
    fn arbitrary_bytes_never_panic_the_checker(bytes in prop::collection::vec(any::<u8>(), 0..2048)) {
        let (result, found) = check_bytes(&bytes);
        let lines = bytes.split(|b| *b == b'\n').count() as u64;
        match result {
            Err(error) => {
                prop_assert!(error.line >= 1 && error.line <= lines.max(1));
                prop_assert!(found.is_empty());
            }
            Ok(summary) => prop_assert!(summary.events >= 1),
        }
    }

    /// Lines that look like events, with fields missing, mistyped, out of
    /// range or cut short, never panic the checker, and a refusal names a
    /// line of the trace and judges nothing.
    #[test]
    fn json_ish_lines_never_panic_the_checker(random in prop::collection::vec(json_ish_line(), 0..40)) {
        // Introduce some names first, so that many lines get past the
        // name check and are judged.
        let mut lines = vec![
            r#"{"op":"create","req":"a"}"#.to_owned(),
            r#"{"op":"receive","req":"b"}"#.to_owned(),
        ];
        lines.extend(random);
        let text = lines.join("\n");
        let (result, found) = check_bytes(text.as_bytes());
        match result {
            Err(error) => {
                prop_assert!(error.line >= 1 && error.line <= lines.len().max(1) as u64);
                prop_assert!(error.kind.is_malformed());
                prop_assert!(found.is_empty());
            }
            Ok(summary) => {
                let non_blank = lines.iter().filter(|l| !l.trim().is_empty()).count() as u64;
                prop_assert_eq!(summary.events, non_blank);
            }
        }
    }

    /// A well-formed trace is never malformed; its findings come in line
    /// order, at lines it has, and the summary counts them by severity.
    #[test]
    fn well_formed_traces_are_judged_in_line_order(trace in well_formed_trace()) {
        let (result, found) = check_bytes(trace.join("\n").as_bytes());
        let summary = result.map_err(|e| TestCaseError::fail(e.to_string()))?;
        prop_assert_eq!(summary.events, event_count(&trace));
        prop_assert!(found.windows(2).all(|w| w[0].line <= w[1].line), "{:?}", found);
        prop_assert!(found.iter().all(|f| f.line >= 1 && f.line <= trace.len() as u64));
        let errors = found.iter().filter(|f| f.severity() == Severity::Error).count() as u64;
        prop_assert_eq!((summary.errors, summary.warnings), (errors, found.len() as u64 - errors));
    }

    /// One bad line anywhere makes the whole trace malformed at that line,
    /// and nothing is judged, whatever the good lines around it hold.
    #[test]
    fn one_bad_line_makes_the_trace_malformed_at_that_line(
        mut trace in well_formed_trace(),
        at in any::<prop::sample::Index>(),
        bad in prop::sample::select(vec![
            "{", "[]", r#"{"op":"create"}"#, r#"{"op":"nope","req":"a"}"#,
            r#"{"op":"reuse","req":"a","status":4294967296}"#,
            r#"{"op":"format","req":"zz","kind":"read"}"#,
        ]),
    ) {
        let index = at.index(trace.len() + 1);
        trace.insert(index, bad.to_owned());
        let (result, found) = check_bytes(trace.join("\n").as_bytes());
        let error = result.err().ok_or_else(|| TestCaseError::fail("accepted"))?;
        prop_assert_eq!(error.line, index as u64 + 1);
        prop_assert!(found.is_empty());
    }

    /// A header line for any settings that exist, fields equal to the
    /// default's left out or not, round-trips: the checker reports it
    /// judged for exactly those settings, whatever events follow.
    #[test]
    fn every_settings_header_round_trips(
        (settings, header) in any_header(),
        mut trace in well_formed_trace(),
    ) {
        if event_count(&trace) < trace.len() as u64 {
            trace.remove(0);
        }
        trace.insert(0, header);
        let (result, _) = check_bytes(trace.join("\n").as_bytes());
        let summary = result.map_err(|e| TestCaseError::fail(e.to_string()))?;
        prop_assert_eq!(summary.settings, settings);
        prop_assert_eq!(summary.format, 2);
        let named = format!("({settings})");
        prop_assert!(summary.in_file("p").to_string().ends_with(&named));
    }

    /// First lines that look like headers, with fields of any type and
    /// value, never panic the checker: either the header is read (format
    /// 2, settings that exist) or line 1 is refused and nothing judged.
    #[test]
    fn header_ish_first_lines_never_panic_the_checker(
        wdfreq in prop_oneof![Just(json!(2)), any_json_value()],
        flavor in prop::option::of(text_value(&["umdf1", "kmdf", "umdf2", "wdm"])),
        version in prop::option::of(text_value(&["1.7", "1.9", "1.11", "1.33", "2.0", "1.x"])),
        verifier in prop::option::of(prop_oneof![any::<bool>().prop_map(Value::from), any_json_value()]),
    ) {
        let mut header = json!({"wdfreq": wdfreq});
        for (name, value) in [("flavor", flavor), ("version", version), ("verifier", verifier)] {
            if let Some(value) = value {
                header[name] = value;
            }
        }
        let text = format!("{header}\n{{\"op\":\"create\",\"req\":\"r\"}}\n");
        let (result, found) = check_bytes(text.as_bytes());
        match result {
            Ok(summary) => {
                prop_assert_eq!(summary.format, 2);
                prop_assert!(Settings::new(summary.settings.flavor, summary.settings.version, summary.settings.verifier).is_ok());
            }
            Err(error) => {
                prop_assert_eq!(error.line, 1);
                prop_assert!(error.kind.is_malformed());
                prop_assert!(found.is_empty());
            }
        }
    }
}

/// A trace of `requests` driver-created requests, each completed (a
/// `complete-created` error apiece), then `tail`.
fn many_findings(requests: usize, tail: &str) -> String {
    let mut text = String::new();
    for n in 0..requests {
        text += &format!("{{\"op\":\"create\",\"req\":\"r{n}\"}}\n");
        text += &format!("{{\"op\":\"complete\",\"req\":\"r{n}\",\"status\":0}}\n");
    }
    text + tail
}

fn finding_lines(output: &str) -> usize {
    output.lines().filter(|l| l.contains(": error[")).count()
}

/// A file is read once and every finding shown, more than
/// `FINDINGS_HELD` included (they are found again in a second pass).
#[test]
fn a_file_with_more_findings_than_are_held_shows_them_all() {
    let requests = wdfreq::check::FINDINGS_HELD + 7;
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("check-many");
    fs::create_dir_all(&dir).expect("scratch");
    let path = dir.join("many.jsonl");
    fs::write(&path, many_findings(requests, "")).expect("written");
    let output = run_check(&path.to_string_lossy(), b"");
    assert_eq!(finding_lines(&output), requests, "{}", &output[..200]);
    assert!(
        output.ends_with(&format!(
            ": {requests} errors, 0 warnings, {} events\nexit status: 1\n",
            2 * requests
        )),
        "{}",
        &output[output.len() - 300..]
    );
}

/// A pipe is read once, never copied: past `FINDINGS_HELD` findings the
/// rest are counted in the summary and not shown.
#[test]
fn a_pipe_with_more_findings_than_are_held_shows_the_first_and_counts_the_rest() {
    let held = wdfreq::check::FINDINGS_HELD;
    let output = run_check("-", many_findings(held + 7, "").as_bytes());
    assert_eq!(finding_lines(&output), held);
    assert!(
        output.contains(&format!(
            "errors, 0 warnings, {} events; 7 findings not shown",
            2 * (held + 7)
        )),
        "{}",
        &output[output.len() - 300..]
    );
}

/// However many findings come before it, a malformed line is all a check
/// reports, from a file or from a pipe.
#[test]
fn a_malformed_trace_shows_no_finding_however_many_came_before() {
    let held = wdfreq::check::FINDINGS_HELD;
    let text = many_findings(held + 7, "{\"op\":\"frob\",\"req\":\"r0\"}\n");
    let bad_line = 2 * (held + 7) + 1;
    let piped = run_check("-", text.as_bytes());
    assert_eq!(
        piped,
        format!(
            "stderr: error: <stdin>:{bad_line}: malformed: field `op`: unknown op `frob`; expected one of {}\n\
             exit status: 2\n",
            wdfreq::check::OPS.join(", ")
        )
    );
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("check-many");
    fs::create_dir_all(&dir).expect("scratch");
    let path = dir.join("many-malformed.jsonl");
    fs::write(&path, &text).expect("written");
    let from_file = run_check(&path.to_string_lossy(), b"");
    assert_eq!(finding_lines(&from_file), 0, "{from_file}");
    assert!(from_file.ends_with("exit status: 2\n"), "{from_file}");
}

/// Standard input that is a regular file is read in place, as the file
/// itself is: the same report, under the name `<stdin>`.
#[cfg(unix)]
#[test]
fn standard_input_redirected_from_a_file_is_checked_like_the_file() {
    let path = root().join("tests/traces/violation/callback-leak.jsonl");
    let by_name = run_check(&path.to_string_lossy(), b"");
    let output = Command::new(env!("CARGO_BIN_EXE_wdfreq"))
        .args(["check", "-"])
        .stdin(fs::File::open(&path).expect("the trace"))
        .output()
        .expect("the binary runs");
    let redirected = String::from_utf8_lossy(&output.stdout).into_owned();
    assert_eq!(
        format!(
            "{redirected}exit status: {}\n",
            output.status.code().unwrap_or(-1)
        ),
        by_name.replace(&path.to_string_lossy().into_owned(), "<stdin>")
    );
}

/// An endless line on standard input (`/dev/zero`) is refused at the
/// reader's line limit: nothing is copied, nothing grows without bound.
#[cfg(unix)]
#[test]
fn an_endless_standard_input_is_refused_at_the_line_limit() {
    let output = Command::new(env!("CARGO_BIN_EXE_wdfreq"))
        .args(["check", "-"])
        .stdin(fs::File::open("/dev/zero").expect("/dev/zero"))
        .output()
        .expect("the binary runs");
    assert_eq!(output.status.code(), Some(2));
    assert!(output.stdout.is_empty());
    let text = String::from_utf8_lossy(&output.stderr);
    assert!(text.starts_with("error: <stdin>:1: malformed: "), "{text}");
}

/// A reader that goes away (`wdfreq check trace | head -1`) ends the
/// printing, not the verdict: the check still exits 1 for a trace with
/// errors. The trace's findings fill far more than a pipe holds, so the
/// binary does meet the closed pipe.
#[test]
fn a_closed_standard_output_keeps_the_exit_status_of_the_verdict() {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("check-closed-pipe");
    fs::create_dir_all(&dir).expect("scratch");
    let path = dir.join("many-errors.jsonl");
    fs::write(&path, many_findings(5_000, "")).expect("written");
    let mut child = Command::new(env!("CARGO_BIN_EXE_wdfreq"))
        .arg("check")
        .arg(&path)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the binary runs");
    // The reader reads one line and goes away, as `head -1` does.
    let mut first = String::new();
    std::io::BufRead::read_line(
        &mut std::io::BufReader::new(child.stdout.take().expect("stdout")),
        &mut first,
    )
    .expect("a first line");
    let output = child.wait_with_output().expect("the binary ends");
    assert!(first.contains(": error["), "{first}");
    assert_eq!(output.status.code(), Some(1), "{:?}", output);
    assert!(
        output.stderr.is_empty(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
}
