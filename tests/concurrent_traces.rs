//! Concurrent traces (format version 3) recorded from the simulated
//! framework: a continuous reader, whose completion routine reuses its
//! request and sends it again while a driver thread cancels it, written
//! by `check::write::write_history` and judged by `wdfreq check`'s
//! linearizability path. Recorded clean, the trace checks clean; with a
//! second run of a routine injected (a double completion), it does not.
//!
//! Set `WDFREQ_RECORD=PATH` to write the first recording to `PATH`
//! (`tests/traces/ok/concurrent-continuous-reader.jsonl` was made so).

use std::io::Cursor;

use serde_json::{Value, json};
use wdfreq::check::write::write_history;
use wdfreq::check::{Finding, Summary, TraceError, check};
use wdfreq::harness::{ParallelCase, run_parallel, with_readers};
use wdfreq::sim::Simulated;
use wdfreq::vocab::{
    Call, CallbackId, Completion, ContextId, FormatKind, RequestId, RuleId, SendMode, Settings,
    Status, Step, TargetId,
};

const READER: RequestId = RequestId(0);
const PIPE: TargetId = TargetId(0);

fn call(call: Call) -> Step {
    Step::Call {
        request: READER,
        call,
    }
}

/// A continuous reader on `PIPE`, completed `completions` times, cancelled
/// by its driver thread `cancels` times meanwhile.
fn continuous_reader(completions: usize, cancels: usize) -> ParallelCase {
    let mut steps = vec![
        Step::Create {
            request: READER,
            irp: true,
        },
        call(Call::Format {
            kind: FormatKind::Read,
            target: Some(PIPE),
        }),
        call(Call::SetCompletionCallback {
            callback: CallbackId(0),
            context: Some(ContextId(0)),
        }),
        call(Call::Send {
            target: PIPE,
            mode: SendMode::Async,
            timeout: false,
            ignore_state: false,
        }),
    ];
    for i in 0..completions.max(cancels) {
        if i < completions {
            steps.push(Step::TargetComplete {
                request: READER,
                completion: Completion::new(Status::SUCCESS, 64),
            });
        }
        if i < cancels {
            steps.push(call(Call::Cancel));
        }
    }
    ParallelCase::new(with_readers(steps, 1), 1)
}

fn check_text(text: &str) -> Result<(Summary, Vec<Finding>), TraceError> {
    let mut findings = Vec::new();
    let summary = check("t.jsonl", Cursor::new(text), &mut |f| {
        findings.push(f.clone())
    })?;
    Ok((summary, findings))
}

/// The trace with a second run of its last routine injected right after
/// it, on another thread: the routine of one send run twice.
fn with_double_completion(text: &str) -> String {
    let mut lines: Vec<Value> = text
        .lines()
        .map(|l| serde_json::from_str(l).expect("a written line is JSON"))
        .collect();
    let last = lines
        .iter()
        .rposition(|l| l["op"] == "callback")
        .expect("the reader's routine ran");
    let mut twice = lines[last].clone();
    let at = twice["call"].as_u64().expect("a call time");
    // Ticks are written times four: `at + 1` is free and comes next.
    twice["call"] = json!(at + 1);
    twice["thread"] = json!("injected");
    lines.insert(last + 1, twice);
    lines
        .iter()
        .map(|l| format!("{l}\n"))
        .collect::<Vec<_>>()
        .concat()
}

/// Property: every recording of a continuous reader cancelled by another
/// thread, on the simulated framework, checks clean as a concurrent
/// trace, and the same recording with a double completion injected is
/// `callback-twice`. (UMDF 1: there a cancel of a request not outstanding
/// does nothing. In KMDF it would stick until the next Reuse, and a cancel
/// landing between the routine's Reuse and its send fails the send
/// `send-cancelled`: a real race of this driver, which the check reports.)
#[test]
fn a_recorded_continuous_reader_checks_clean_and_a_double_completion_does_not() {
    let settings = Settings::default();
    let case = continuous_reader(3, 4);
    let mut resent = 0;
    let mut raced = 0;
    let mut recorded = false;
    // A race shows when the scheduler lets it: at least 100 rounds, and
    // more (up to 2,000) until five of them raced.
    let mut rounds = 0;
    for round in 0..2000 {
        if round >= 100 && raced >= 5 {
            break;
        }
        rounds += 1;
        let history = run_parallel(&Simulated, settings, &case).expect("no panic");
        let races = cancels_during_a_resend(&history);
        raced += usize::from(races);
        resent += history
            .operations
            .iter()
            .filter(|op| op.thread != history.operations[0].thread)
            .filter(|op| {
                matches!(
                    op.step,
                    Step::Call {
                        call: Call::Send { .. },
                        ..
                    }
                )
            })
            .count();
        let mut out = Vec::new();
        write_history(&mut out, settings, &history).expect("written to memory");
        let text = String::from_utf8(out).expect("UTF-8");
        if races
            && !recorded
            && let Ok(path) = std::env::var("WDFREQ_RECORD")
        {
            std::fs::write(&path, &text).expect("the recording written");
            recorded = true;
        }
        let (summary, findings) = check_text(&text).expect("a recorded trace is well formed");
        assert_eq!(summary.errors, 0, "round {round}: {findings:#?}\n{text}");
        assert_eq!(summary.format, 3);
        let doubled = with_double_completion(&text);
        let (summary, findings) = check_text(&doubled).expect("still well formed");
        assert!(
            summary.errors >= 1 && findings.iter().any(|f| f.rule == RuleId::CallbackTwice),
            "round {round}: {findings:#?}\n{doubled}"
        );
    }
    assert!(resent >= 100, "only {resent} sends from inside the routine");
    eprintln!("{raced} of {rounds} rounds had a cancel racing the routine's resend");
    assert!(
        raced >= 5,
        "no round had a cancel racing the routine's resend"
    );
}

/// Whether a cancel was in progress while the routine, on another thread,
/// reused the request and sent it again: invoked before the routine's
/// send returned, and returned after its Reuse was invoked.
fn cancels_during_a_resend(history: &wdfreq::vocab::History) -> bool {
    let driver = history.operations[0].thread;
    let span =
        |op: &wdfreq::vocab::Operation| (op.invoked, op.returned.map_or(u64::MAX, |(at, _)| at));
    let routine: Vec<_> = history
        .operations
        .iter()
        .filter(|op| op.thread != driver)
        .collect();
    history
        .operations
        .iter()
        .filter(|op| {
            op.thread == driver
                && matches!(
                    op.step,
                    Step::Call {
                        call: Call::Cancel,
                        ..
                    }
                )
        })
        .any(|cancel| {
            let (invoked, returned) = span(cancel);
            routine.windows(2).any(|pair| {
                let reuse = matches!(
                    pair[0].step,
                    Step::Call {
                        call: Call::Reuse { .. },
                        ..
                    }
                );
                let resent = routine
                    .iter()
                    .find(|op| {
                        op.invoked > pair[0].invoked
                            && matches!(
                                op.step,
                                Step::Call {
                                    call: Call::Send { .. },
                                    ..
                                }
                            )
                    })
                    .map(|op| span(op).1);
                reuse && resent.is_some_and(|sent| invoked < sent && returned > pair[0].invoked)
            })
        })
}

/// Event lines a random concurrent trace is drawn from: every kind of
/// event on one request and one target, legal or not where it lands.
const EVENTS: [&str; 13] = [
    r#""op":"create","req":"r1""#,
    r#""op":"format","req":"r1","kind":"read","target":"t""#,
    r#""op":"set_completion","req":"r1","callback":"cb","context":"c""#,
    r#""op":"send","req":"r1","target":"t""#,
    r#""op":"target_complete","req":"r1","status":0"#,
    r#""op":"callback","req":"r1","callback":"cb","context":"c","status":0"#,
    r#""op":"cancel","req":"r1""#,
    r#""op":"reuse","req":"r1""#,
    r#""op":"status","req":"r1","value":0"#,
    r#""op":"target_stop","target":"t","action":"cancel_sent_io""#,
    r#""op":"delete","req":"r1""#,
    r#""op":"send","req":"r1","target":"t","mode":"sync""#,
    r#""op":"target_purge","target":"t""#,
];

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig::with_cases(256))]

    /// Property: no concurrent trace panics the checker, and none it
    /// cannot explain passes: any sequence of events, threads and times
    /// (out of order, returning early, never returning) is judged or
    /// refused with an error naming its line; and when the
    /// linearizability checker finds no order for the trace's history, the
    /// check reports an error or refuses the trace, never a clean pass.
    #[test]
    fn no_concurrent_trace_panics_the_checker_or_passes_unexplained(
        events in proptest::collection::vec(
            (1..EVENTS.len(), 0u8..3, 1u64..4, proptest::option::of(1u64..12)),
            1..40,
        ),
        old in proptest::bool::ANY,
    ) {
        // Most traces introduce their request first, so that most are
        // judged rather than refused. KMDF 1.9 has no purge.
        let version = if old { "1.9" } else { "1.11" };
        let mut text = format!(
            "{{\"wdfreq\":3,\"flavor\":\"kmdf\",\"version\":\"{version}\"}}\n\
             {{\"op\":\"create\",\"req\":\"r1\",\"thread\":\"0\",\"call\":1,\"return\":2}}\n",
        );
        let mut call = 2;
        for (event, thread, gap, returned) in events {
            call += gap;
            let returned = returned.map(|r| format!(",\"return\":{}", call + r)).unwrap_or_default();
            text.push_str(&format!(
                "{{{},\"thread\":\"{thread}\",\"call\":{call}{returned}}}\n",
                EVENTS[event]
            ));
        }
        match check_text(&text) {
            Ok((summary, findings)) => {
                proptest::prop_assert_eq!(summary.errors, findings.len() as u64);
                proptest::prop_assert!(findings.iter().all(|f| f.line >= 2));
                if summary.errors == 0 {
                    let mut reader = wdfreq::check::TraceReader::new("t", text.as_bytes());
                    let trace = wdfreq::check::concurrent::read(&mut reader).expect("read above");
                    let verdict = wdfreq::linearize::check(
                        &trace.history,
                        summary.settings,
                        wdfreq::check::concurrent::TRACE_BUDGET,
                    )
                    .expect("well formed");
                    proptest::prop_assert!(verdict.is_linearizable(), "{text}\n{verdict:?}");
                }
            }
            Err(error) => proptest::prop_assert!(error.to_string().contains("t.jsonl")),
        }
    }
}
