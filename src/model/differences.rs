//! How the rules differ between flavors, versions and the verifier,
//! derived by asking the model: each row is a probe sequence run in every
//! framework the suite knows, so the table states what the model does, not
//! what someone wrote about it. `wdfreq rules` and the README print it.

use super::Model;
use crate::vocab::build::{
    R0 as R, cancel, complete, create, format, read_status, receive, reuse_with, send,
    set_completion, target, target_completes,
};
use crate::vocab::{ReuseFlags, RuleId, SentIoAction, Settings, Status, Step, TargetChange};

/// One difference: what is probed, where the sources say it, and the probe.
pub struct Difference {
    /// What the row asks.
    pub question: &'static str,
    /// Where the difference comes from.
    pub source: &'static str,
    /// Runs the probe in one framework and says what happens there.
    pub probe: fn(Settings) -> String,
}

fn register() -> Step {
    set_completion(R, 0, Some(0))
}

fn reuse(flags: ReuseFlags) -> Step {
    reuse_with(R, Status::SUCCESS, flags)
}

/// What the model says of the last of `steps`: refused (with the rule),
/// an error let through, a warning, or accepted; the steps before it are
/// applied as they come.
fn verdict(settings: Settings, steps: &[Step]) -> String {
    let mut model = Model::with_settings(settings);
    let mut last = String::new();
    for step in steps {
        last = match model.step(step) {
            Err(error) => format!("ill-formed: {error}"),
            Ok(j) if j.judged != super::Judged::Yes => match j.judged {
                super::Judged::Undefined(v) => format!("undefined (`{}`)", v.rule),
                _ => "not judged".to_owned(),
            },
            Ok(j) => match (j.outcome, j.let_through, j.warnings.iter().next()) {
                (Err(v), _, _) => format!("refused (`{}`)", v.rule),
                (Ok(_), Some(v), _) => format!("let through (`{}`)", v.rule),
                (Ok(_), None, Some(w)) => format!("warning (`{w}`)"),
                (Ok(_), None, None) => "accepted".to_owned(),
            },
        };
    }
    last
}

fn callback_after_reuse(settings: Settings) -> String {
    let steps = [
        create(R),
        register(),
        reuse(ReuseFlags::NONE),
        format(R),
        send(R),
        target_completes(R, Status::SUCCESS, 0),
    ];
    let mut model = Model::with_settings(settings);
    let mut delivered = None;
    for step in &steps {
        if let Ok(j) = model.step(step) {
            delivered = j.outcome.ok().and_then(|a| a.deliveries.first().copied());
        }
    }
    match delivered {
        Some(_) => "kept: it runs".to_owned(),
        None => format!("dropped (else `{}`)", RuleId::CallbackLeak),
    }
}

fn new_irp(settings: Settings) -> String {
    let flags = ReuseFlags {
        set_new_irp: true,
        must_complete: false,
    };
    verdict(settings, &[create(R), reuse(flags)])
}

fn must_complete(settings: Settings) -> String {
    let flags = ReuseFlags {
        set_new_irp: true,
        must_complete: true,
    };
    verdict(settings, &[create(R), reuse(flags)])
}

fn received_without_callback(settings: Settings) -> String {
    verdict(settings, &[receive(R), format(R), send(R)])
}

fn complete_created(settings: Settings) -> String {
    let off = Settings {
        verifier: false,
        ..settings
    };
    let steps = [create(R), complete(R)];
    format!(
        "verifier on: {}; off: {}",
        verdict(settings, &steps),
        verdict(off, &steps)
    )
}

fn unformatted_send(settings: Settings) -> String {
    let off = Settings {
        verifier: false,
        ..settings
    };
    let steps = [create(R), register(), send(R)];
    format!(
        "verifier on: {}; off: {}",
        verdict(settings, &steps),
        verdict(off, &steps)
    )
}

fn send_after_cancel(settings: Settings) -> String {
    verdict(
        settings,
        &[create(R), format(R), register(), cancel(R), send(R)],
    )
}

fn send_after_reuse_unformatted(settings: Settings) -> String {
    verdict(
        settings,
        &[
            create(R),
            format(R),
            reuse(ReuseFlags::NONE),
            register(),
            send(R),
        ],
    )
}

fn status_after_refused_send(settings: Settings) -> String {
    let steps = [create(R), reuse(ReuseFlags::NONE), register(), send(R)];
    let mut model = Model::with_settings(settings);
    for step in &steps {
        let _ = model.step(step);
    }
    let status = model
        .step(&read_status(R))
        .ok()
        .and_then(|j| match j.outcome {
            Ok(super::Accepted {
                reply: super::ExpectedReply::Status { status, .. },
                ..
            }) => status,
            _ => None,
        });
    match status {
        Some(status) => status
            .name()
            .map_or_else(|| status.to_string(), str::to_owned),
        None => "unspecified".to_owned(),
    }
}

fn purge_then_send(settings: Settings) -> String {
    let steps = [
        create(R),
        format(R),
        register(),
        target(TargetChange::Purge),
        send(R),
    ];
    match verdict(settings, &steps[..4]) {
        purged if purged.starts_with("ill-formed") => "no WdfIoTargetPurge".to_owned(),
        _ => verdict(settings, &steps),
    }
}

fn send_after_stop_cancelled_it(settings: Settings) -> String {
    verdict(
        settings,
        &[
            create(R),
            format(R),
            register(),
            send(R),
            target(TargetChange::Stop(SentIoAction::Cancel)),
            target_completes(R, Status::CANCELLED, 0),
            target(TargetChange::Start),
            format(R),
            register(),
            send(R),
        ],
    )
}

/// Every difference the suite knows, in table order.
pub const DIFFERENCES: &[Difference] = &[
    Difference {
        question: "Reuse, then a send with no new registration: the old callback",
        source: "fxrequest.cpp FxRequest::Reuse (routine cleared from 1.9, backward compatibility)",
        probe: callback_after_reuse,
    },
    Difference {
        question: "Reuse of a created request with SET_NEW_IRP",
        source: "IWDFIoRequest2::Reuse takes a status only; WdfRequestReuse, WDF_REQUEST_REUSE_PARAMS",
        probe: new_irp,
    },
    Difference {
        question: "Reuse with SET_NEW_IRP and MUST_COMPLETE",
        source: "fxrequest.cpp FxRequest::Reuse (MUST_COMPLETE from 1.11)",
        probe: must_complete,
    },
    Difference {
        question: "Asynchronous send of a queue-presented request with no callback",
        source: "fxrequestapi.cpp WdfRequestSend; SDV rule ReqCompletionRoutine",
        probe: received_without_callback,
    },
    Difference {
        question: "Complete of a driver-created request not reused MUST_COMPLETE",
        source: "fxrequest.cpp FxRequest::VerifyRequestIsDriverOwned (verifier on); \
                 CompleteInternal only breaks with it off",
        probe: complete_created,
    },
    Difference {
        question: "Send of an unformatted request",
        source: "fxiotarget.cpp FxIoTarget::VerifySubmitLocked (verifier check)",
        probe: unformatted_send,
    },
    Difference {
        question: "Cancel with no send outstanding, then a send",
        source: "fxrequestbase.cpp FxRequestBase::Cancel (sticky until Reuse); fxiotarget.cpp \
                 FxIoTarget::SubmitLocked; UMDF 1: documentation only",
        probe: send_after_cancel,
    },
    Difference {
        question: "Format, Reuse, then a send with no new format",
        source: "fxrequest.cpp FxRequest::Reuse keeps the verifier's formatted flag; UMDF 1: \
                 Reusing Framework Request Objects (documentation only)",
        probe: send_after_reuse_unformatted,
    },
    Difference {
        question: "Status read after Reuse(0) and a send refused as unformatted",
        source: "fxiotarget.cpp FxIoTarget::SubmitLocked writes the refusal's status",
        probe: status_after_refused_send,
    },
    Difference {
        question: "A purge of the target, then a send to it",
        source: "WdfIoTargetPurge exists from KMDF 1.11 (UMDF 1's IWDFIoTargetStateManagement has \
                 none); fxiotarget.cpp FxIoTarget::SubmitLocked fails a send to a purged target",
        probe: purge_then_send,
    },
    Difference {
        question: "A stop that cancels sent I/O, the send finished, a start: the next send without Reuse",
        source: "fxiotarget.cpp FxIoTarget::GotoStopState cancels through FxRequestBase::Cancel, \
                 sticky until Reuse; UMDF 1: documentation only",
        probe: send_after_stop_cancelled_it,
    },
];

/// The frameworks the table has a column for: every flavor and known
/// version, verifier on (rows that depend on the verifier say both).
pub fn columns() -> Vec<Settings> {
    Settings::all().into_iter().filter(|s| s.verifier).collect()
}

/// The differences as a Markdown table, one column per framework.
pub fn markdown_table() -> String {
    let columns = columns();
    let mut table = String::from("| | ");
    for settings in &columns {
        table.push_str(&format!("{} {} | ", settings.flavor, settings.version));
    }
    table.push_str("source |\n|---|");
    table.push_str(&"---|".repeat(columns.len() + 1));
    table.push('\n');
    for difference in DIFFERENCES {
        table.push_str(&format!("| {} | ", difference.question));
        for settings in &columns {
            table.push_str(&format!("{} | ", (difference.probe)(*settings)));
        }
        table.push_str(&format!("{} |\n", difference.source));
    }
    table
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::vocab::{Flavor, FrameworkVersion};

    #[test]
    fn the_legacy_column_keeps_the_callback_and_the_others_drop_it() {
        let kmdf = |version| Settings::new(Flavor::Kmdf, version, true).unwrap();
        assert_eq!(
            callback_after_reuse(kmdf(FrameworkVersion::V1_7)),
            "kept: it runs"
        );
        assert!(callback_after_reuse(kmdf(FrameworkVersion::V1_9)).starts_with("dropped"));
        assert!(callback_after_reuse(Settings::default()).starts_with("dropped"));
    }

    #[test]
    fn verifier_rows_answer_for_both_states_of_the_verifier() {
        let settings = Settings::default();
        assert_eq!(
            complete_created(settings),
            "verifier on: refused (`complete-created`); off: undefined (`complete-created`)"
        );
        assert_eq!(
            unformatted_send(settings),
            "verifier on: refused (`send-unformatted`); off: let through (`send-unformatted`)"
        );
    }

    #[test]
    fn the_table_has_a_column_per_framework_and_a_row_per_difference() {
        let table = markdown_table();
        let lines: Vec<&str> = table.lines().collect();
        assert_eq!(lines.len(), 2 + DIFFERENCES.len());
        assert_eq!(columns().len(), 6);
        for line in &lines {
            // A first column, one per framework, and the source.
            assert_eq!(line.matches('|').count(), columns().len() + 3, "{line}");
        }
        assert!(lines[0].contains("umdf1 1.9") && lines[0].contains("kmdf 1.33"));
        assert!(lines[2].contains("kept: it runs"));
    }

    #[test]
    fn every_row_tells_some_frameworks_apart() {
        for difference in DIFFERENCES {
            let answers: std::collections::BTreeSet<String> =
                columns().into_iter().map(difference.probe).collect();
            let verifier_row = answers.iter().all(|a| a.contains("verifier on"));
            assert!(
                answers.len() > 1 || verifier_row,
                "{}: the same everywhere: {answers:?}",
                difference.question
            );
        }
    }
}
