//! One list of calls: every kind of step ([`StepKind::ALL`], built from
//! [`CallKind::ALL`]) passes through every list the crate derives from it
//! or matches against it: the trace format's ops, the trace writer and
//! reader, regression files, the lifecycle explorer, both generators and
//! the simulated framework. A kind added to the vocabulary and missed by
//! one of them fails here (where the compiler has not already said so).

use std::collections::BTreeSet;
use std::io::Cursor;

use proptest::strategy::{Strategy, ValueTree};
use proptest::test_runner::TestRunner;
use wdfreq::check::write::step_lines;
use wdfreq::check::{Event, OPS, TraceReader};
use wdfreq::harness::strategy::{Kind, sequences};
use wdfreq::harness::{Seed, execute};
use wdfreq::model::explore::tried_steps;
use wdfreq::regression::{Expect, Regression};
use wdfreq::sim::Framework;
use wdfreq::vocab::build::{R0, create, receive};
use wdfreq::vocab::{
    Call, CallKind, Flavor, FormatKind, FrameworkVersion, ReuseFlags, SendMode, SentIoAction,
    Settings, Step, StepKind,
};

/// Every kind of step on an existing request, one of each, and the send
/// in each of its modes and with a timeout.
fn every_kind() -> Vec<Step> {
    let mut steps = Vec::new();
    for kind in StepKind::ALL {
        let step = kind.representative(R0);
        match step {
            Step::Create { .. } | Step::Receive { .. } => continue,
            Step::Call {
                call: Call::Send { target, .. },
                ..
            } => {
                let modes = SendMode::REPRESENTATIVES.map(|mode| (mode, false));
                for (mode, timeout) in modes.into_iter().chain([(SendMode::Async, true)]) {
                    steps.push(Step::Call {
                        request: R0,
                        call: Call::Send {
                            target,
                            mode,
                            timeout,
                            ignore_state: false,
                        },
                    });
                }
                continue;
            }
            _ => {}
        }
        steps.push(step);
    }
    steps
}

fn kinds(steps: &[Step]) -> BTreeSet<StepKind> {
    steps.iter().map(Step::kind).collect()
}

fn all_kinds() -> BTreeSet<StepKind> {
    StepKind::ALL.into_iter().collect()
}

#[test]
fn the_trace_format_has_an_op_for_every_kind_of_step_and_the_callback() {
    let mut expected: Vec<&str> = StepKind::ALL.iter().map(|k| k.name()).collect();
    expected.push("callback");
    assert_eq!(OPS.to_vec(), expected);
}

/// Property: every kind of step, written by the trace writer and read back
/// by the trace reader, is the same step (a regression file's round trip).
#[test]
fn every_kind_of_step_is_written_and_read_back_unchanged() {
    for step in every_kind() {
        for introduce in [create(R0), receive(R0)] {
            let regression = Regression {
                implementation: "sim".to_owned(),
                settings: Settings::default(),
                seed: None,
                expect: Expect::Conforms,
                rule: None,
                note: None,
                steps: vec![introduce, step],
                concurrent: None,
            };
            let text = regression.to_text();
            let read = Regression::parse("t.jsonl", &text).unwrap_or_else(|e| panic!("{e}"));
            assert_eq!(read.steps, regression.steps, "{text}");
        }
    }
}

/// Every kind of step's lines are events of the kind's own `op`.
#[test]
fn every_kind_of_step_is_written_under_its_own_op() {
    for step in every_kind() {
        let lines = step_lines(&step);
        assert_eq!(lines[0]["op"], step.name(), "{step}");
        let text: String = [step_lines(&create(R0)), lines]
            .concat()
            .into_iter()
            .map(|line| serde_json::Value::Object(line).to_string() + "\n")
            .collect();
        let mut reader = TraceReader::new("t.jsonl", Cursor::new(text));
        let mut events = Vec::new();
        while let Some((_, event)) = reader.next_event().expect("well formed") {
            events.push(event);
        }
        let last = events.last().and_then(Event::step);
        assert_eq!(last, Some(step));
    }
}

#[test]
fn the_lifecycle_explorer_tries_every_kind_of_step_on_a_request() {
    let tried: Vec<Step> = tried_steps(R0).into_iter().map(|(_, s)| s).collect();
    // A target's change is no step on a request: the explorer's table is
    // of one request at a started target.
    let mut expected = all_kinds();
    expected.retain(|k| k.names_request() && !matches!(k, StepKind::Create | StepKind::Receive));
    assert_eq!(kinds(&tried), expected);
    let on_request: Vec<Step> = every_kind()
        .into_iter()
        .filter(|s| s.request().is_some())
        .collect();
    assert_eq!(tried, on_request);
}

#[test]
fn the_swarm_weighs_every_kind_of_step() {
    for kind in StepKind::ALL {
        assert!(Kind::ALL.contains(&Kind::Step(kind)), "{kind}");
    }
}

/// Property: over a few hundred generated sequences, the proptest
/// generator draws every kind of step, every call kind among them.
#[test]
fn the_proptest_generator_draws_every_kind_of_step() {
    let mut drawn = BTreeSet::new();
    for i in 0..200 {
        let mut runner = TestRunner::new_with_rng(Default::default(), Seed(i).rng());
        // KMDF 1.33: every kind exists there (a purge does not in UMDF 1).
        let kmdf = Settings::new(Flavor::Kmdf, FrameworkVersion::V1_33, true).unwrap();
        let tree = sequences(kmdf, 48..=48)
            .new_tree(&mut runner)
            .expect("generation never rejects");
        drawn.extend(kinds(&tree.current().1));
    }
    assert_eq!(drawn, all_kinds());
}

/// Property: the blind generators (quickcheck's, and `arbitrary`'s for
/// fuzzing, which draw through the same code) draw every kind of step.
#[test]
fn the_blind_generator_draws_every_kind_of_step() {
    let mut g = quickcheck::Gen::new(64);
    let drawn: BTreeSet<StepKind> = (0..2000)
        .map(|_| <Step as quickcheck::Arbitrary>::arbitrary(&mut g).kind())
        .collect();
    assert_eq!(drawn, all_kinds());
}

/// Every call kind reaches the simulated framework and conforms there: the
/// representative of each, on a request fit for it, beside the model.
#[test]
fn the_simulated_framework_performs_every_kind_of_call() {
    for step in every_kind() {
        for introduce in [create(R0), receive(R0)] {
            let steps = [introduce, step];
            let settings = Settings::default();
            let run = execute(
                Framework::with_settings(settings),
                settings,
                &steps,
                None,
                None,
            );
            assert_eq!(run, Ok(2), "{step}");
        }
    }
    assert_eq!(
        kinds(&every_kind())
            .into_iter()
            .filter(|k| matches!(k, StepKind::Call(_)))
            .count(),
        CallKind::ALL.len()
    );
}

/// The trace reader's messages for a bad value list exactly the names the
/// vocabulary has.
#[test]
fn the_readers_expected_values_are_the_vocabularys_names() {
    let refused = |line: &str| {
        let text = format!("{{\"op\":\"create\",\"req\":\"r\"}}\n{line}\n");
        let mut reader = TraceReader::new("t.jsonl", Cursor::new(text));
        loop {
            match reader.next_event() {
                Ok(Some(_)) => {}
                Ok(None) => panic!("{line} is well formed"),
                Err(error) => return error.to_string(),
            }
        }
    };
    let message = refused(r#"{"op":"format","req":"r","kind":"sideways"}"#);
    let names: Vec<&str> = FormatKind::ALL.iter().map(|k| k.name()).collect();
    assert!(message.ends_with(&names.join(", ")), "{message}");
    let message = refused(r#"{"op":"send","req":"r","target":"t","mode":"sideways"}"#);
    let names: Vec<&str> = SendMode::REPRESENTATIVES
        .iter()
        .map(SendMode::name)
        .collect();
    assert!(message.ends_with(&names.join(", ")), "{message}");
    let message = refused(r#"{"op":"reuse","req":"r","flags":["sideways"]}"#);
    let names: Vec<&str> = ReuseFlags::NONE.named().iter().map(|(n, _)| *n).collect();
    assert!(message.ends_with(&names.join(", ")), "{message}");
}

/// The fuzzer's dictionary for the trace checker holds every op and every
/// value name of the trace format.
#[test]
fn the_fuzz_dictionary_knows_every_name_of_the_trace_format() {
    let dict = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/fuzz/trace_check.dict"
    ))
    .expect("fuzz/trace_check.dict");
    let names = OPS
        .iter()
        .chain(&FormatKind::NAMES)
        .chain(&SendMode::NAMES)
        .chain(&ReuseFlags::NAMES)
        .chain(&SentIoAction::NAMES);
    for name in names {
        assert!(dict.contains(&format!("=\"\\\"{name}\\\"\"")), "{name}");
    }
}

/// The swarm's kinds are listed once each.
#[test]
fn the_swarm_lists_each_kind_once() {
    for (i, kind) in Kind::ALL.iter().enumerate() {
        assert!(!Kind::ALL[..i].contains(kind), "{kind:?} listed twice");
    }
}
