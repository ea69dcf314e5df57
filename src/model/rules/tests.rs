//! Every rule, in its positive and negative space: the shortest sequence
//! that breaks it, and a near miss that must stay silent.

use super::*;
use crate::model::{Life, Model, Violation};
use crate::vocab::build::*;
use crate::vocab::*;

const R: RequestId = RequestId(1);
const OTHER: RequestId = RequestId(2);
const OK: Status = Status::SUCCESS;
const CB_A: Registration = Registration {
    callback: CallbackId(1),
    context: Some(ContextId(1)),
};
const CB_B: Registration = Registration {
    callback: CallbackId(2),
    context: Some(ContextId(2)),
};

const NEW_IRP: ReuseFlags = ReuseFlags {
    set_new_irp: true,
    must_complete: false,
};
const MUST_COMPLETE: ReuseFlags = ReuseFlags {
    set_new_irp: false,
    must_complete: true,
};
const KMDF: Settings = Settings {
    flavor: Flavor::Kmdf,
    version: FrameworkVersion::V1_33,
    verifier: true,
};
/// Every rule the sequence breaks, errors and warnings, in order, with the
/// end-of-sequence warnings last.
fn broken(steps: &[Step]) -> Vec<RuleId> {
    broken_in(Settings::default(), steps)
}

fn broken_in(settings: Settings, steps: &[Step]) -> Vec<RuleId> {
    let mut model = Model::with_settings(settings);
    let mut rules = Vec::new();
    for step in steps {
        let judgement = model.step(step).expect("well-formed sequence");
        if let Err(v) = judgement.outcome {
            rules.push(v.rule);
        }
        if let crate::model::Judged::Undefined(v) = judgement.judged {
            rules.push(v.rule);
        }
        rules.extend(judgement.let_through.map(|v| v.rule));
        rules.extend(judgement.warnings.iter());
    }
    rules.extend(model.finish().iter().map(|v| v.rule));
    rules
}

/// Runs `steps`, then judges `actual` as the deliveries of the last step.
fn judge_last(steps: &[Step], actual: &[Delivery]) -> Result<(), Violation> {
    judge_last_in(Settings::default(), steps, actual)
}

fn judge_last_in(settings: Settings, steps: &[Step], actual: &[Delivery]) -> Result<(), Violation> {
    let mut model = Model::with_settings(settings);
    let mut expected = Vec::new();
    for step in steps {
        let judgement = model.step(step).expect("well-formed sequence");
        expected = judgement.outcome.expect("legal step").deliveries;
    }
    model.judge_deliveries(&expected, actual)
}

fn delivery(reg: Registration, information: u64) -> Delivery {
    Delivery {
        request: R,
        registration: reg,
        completion: Completion {
            status: OK,
            information,
        },
    }
}

/// The rule fires at the last step (or, for an end-of-sequence rule, at
/// the end).
fn assert_fires(rule: RuleId, steps: &[Step]) {
    assert_fires_in(Settings::default(), rule, steps)
}

fn assert_fires_in(settings: Settings, rule: RuleId, steps: &[Step]) {
    let mut model = Model::with_settings(settings);
    let mut last = RuleSet::EMPTY;
    for step in steps {
        let judgement = model.step(step).expect("well-formed sequence");
        last = judgement.warnings;
        if let Err(v) = judgement.outcome {
            last.insert(v.rule);
        }
        if let crate::model::Judged::Undefined(v) = judgement.judged {
            last.insert(v.rule);
        }
        if let Some(v) = judgement.let_through {
            last.insert(v.rule);
        }
    }
    if rule == RuleId::RequestNotCompleted {
        last = model.finish().iter().map(|v| v.rule).collect();
    }
    assert!(last.contains(rule), "{rule} at the end of {steps:#?}");
}

fn assert_silent(rule: RuleId, steps: &[Step]) {
    assert_silent_in(Settings::default(), rule, steps)
}

fn assert_silent_in(settings: Settings, rule: RuleId, steps: &[Step]) {
    assert!(
        !broken_in(settings, steps).contains(&rule),
        "{settings}: {steps:#?}"
    );
}

#[test]
fn catalogue_is_in_rule_id_order_and_complete() {
    assert_eq!(CATALOGUE.len(), RuleId::ALL.len());
    for (entry, id) in CATALOGUE.iter().zip(RuleId::ALL) {
        assert_eq!(entry.id, *id);
        assert!(entry.says.ends_with('.'), "{id}: one sentence");
        assert!(!entry.source.is_empty(), "{id}: a source");
    }
}

#[test]
fn reuse_while_pending() {
    assert_fires(
        RuleId::ReuseWhilePending,
        &[create(R), format(R), send(R), reuse(R, OK)],
    );
    assert_silent(
        RuleId::ReuseWhilePending,
        &[
            create(R),
            format(R),
            send(R),
            target_completes(R, OK, 0),
            reuse(R, OK),
        ],
    );
}

#[test]
fn send_while_pending() {
    assert_fires(
        RuleId::SendWhilePending,
        &[create(R), format(R), send(R), send(R)],
    );
    assert_silent(
        RuleId::SendWhilePending,
        &[
            create(R),
            format(R),
            send(R),
            target_completes(R, OK, 0),
            reuse(R, OK),
            format(R),
            send(R),
        ],
    );
}

#[test]
fn send_unformatted() {
    assert_fires(RuleId::SendUnformatted, &[create(R), send(R)]);
    // A completed send clears the formatting as Reuse does.
    assert_fires(
        RuleId::SendUnformatted,
        &[
            create(R),
            format(R),
            send(R),
            target_completes(R, OK, 0),
            send(R),
        ],
    );
    assert_fires(
        RuleId::SendUnformatted,
        &[create(R), format(R), reuse(R, OK), send(R)],
    );
    assert_silent(RuleId::SendUnformatted, &[create(R), format(R), send(R)]);
}

#[test]
fn modify_while_pending() {
    assert_fires(
        RuleId::ModifyWhilePending,
        &[create(R), format(R), send(R), format(R)],
    );
    assert_fires(
        RuleId::ModifyWhilePending,
        &[create(R), format(R), send(R), register(R, CB_A)],
    );
    assert_silent(
        RuleId::ModifyWhilePending,
        &[
            create(R),
            format(R),
            send(R),
            target_completes(R, OK, 0),
            format(R),
            register(R, CB_A),
        ],
    );
}

#[test]
fn delete_while_pending() {
    assert_fires(
        RuleId::DeleteWhilePending,
        &[create(R), format(R), send(R), delete(R)],
    );
    assert_silent(
        RuleId::DeleteWhilePending,
        &[
            create(R),
            format(R),
            send(R),
            target_completes(R, OK, 0),
            delete(R),
        ],
    );
}

#[test]
fn complete_while_pending() {
    assert_fires(
        RuleId::CompleteWhilePending,
        &[receive(R), format(R), send(R), complete(R)],
    );
    assert_silent(
        RuleId::CompleteWhilePending,
        &[
            receive(R),
            format(R),
            send(R),
            target_completes(R, OK, 0),
            complete(R),
        ],
    );
}

#[test]
fn access_after_complete() {
    assert_fires(
        RuleId::AccessAfterComplete,
        &[receive(R), complete(R), complete(R)],
    );
    assert_fires(
        RuleId::AccessAfterComplete,
        &[receive(R), complete(R), reuse(R, OK)],
    );
    assert_silent(
        RuleId::AccessAfterComplete,
        &[receive(R), reuse(R, OK), complete(R)],
    );
}

#[test]
fn access_after_delete() {
    assert_fires(
        RuleId::AccessAfterDelete,
        &[create(R), delete(R), format(R)],
    );
    assert_fires(
        RuleId::AccessAfterDelete,
        &[create(R), delete(R), delete(R)],
    );
    assert_silent(
        RuleId::AccessAfterDelete,
        &[create(R), format(R), delete(R)],
    );
}

#[test]
fn delete_received() {
    assert_fires(RuleId::DeleteReceived, &[receive(R), delete(R)]);
    assert_silent(RuleId::DeleteReceived, &[create(R), delete(R)]);
}

#[test]
fn complete_created() {
    assert_fires(RuleId::CompleteCreated, &[create(R), complete(R)]);
    assert_silent(RuleId::CompleteCreated, &[receive(R), complete(R)]);
}

#[test]
fn send_without_callback() {
    assert_fires(
        RuleId::SendWithoutCallback,
        &[create(R), format(R), send(R)],
    );
    // The callback registered before a Reuse does not count for the send
    // after it (the seed's last paragraph).
    assert_fires(
        RuleId::SendWithoutCallback,
        &[
            create(R),
            register(R, CB_A),
            reuse(R, OK),
            format(R),
            send(R),
        ],
    );
    assert_silent(
        RuleId::SendWithoutCallback,
        &[create(R), register(R, CB_A), format(R), send(R)],
    );
}

#[test]
fn resend_without_reuse() {
    assert_fires(
        RuleId::ResendWithoutReuse,
        &[
            create(R),
            format(R),
            register(R, CB_A),
            send(R),
            target_completes(R, OK, 0),
            format(R),
            register(R, CB_A),
            send(R),
        ],
    );
    assert_silent(
        RuleId::ResendWithoutReuse,
        &[
            create(R),
            format(R),
            register(R, CB_A),
            send(R),
            target_completes(R, OK, 0),
            reuse(R, OK),
            format(R),
            register(R, CB_A),
            send(R),
        ],
    );
}

#[test]
fn request_not_completed() {
    assert_fires(RuleId::RequestNotCompleted, &[receive(R)]);
    assert_silent(RuleId::RequestNotCompleted, &[receive(R), complete(R)]);
    assert_silent(RuleId::RequestNotCompleted, &[create(R)]);
}

#[test]
fn callback_leak() {
    // Registered, reused, sent without a new registration: nothing may run.
    let leaked = [
        create(R),
        register(R, CB_A),
        reuse(R, OK),
        format(R),
        send(R),
        target_completes(R, OK, 8),
    ];
    assert_eq!(
        judge_last(&leaked, &[delivery(CB_A, 8)]).map_err(|v| v.rule),
        Err(RuleId::CallbackLeak)
    );
    assert_eq!(judge_last(&leaked, &[]), Ok(()));
    // The callback cleared but its context kept.
    let context_kept = [
        create(R),
        register(R, CB_A),
        reuse(R, OK),
        register(R, CB_B),
        format(R),
        send(R),
        target_completes(R, OK, 8),
    ];
    let wrong = Registration {
        callback: CB_B.callback,
        context: CB_A.context,
    };
    assert_eq!(
        judge_last(&context_kept, &[delivery(wrong, 8)]).map_err(|v| v.rule),
        Err(RuleId::CallbackLeak)
    );
    assert_eq!(judge_last(&context_kept, &[delivery(CB_B, 8)]), Ok(()));
}

#[test]
fn callback_twice() {
    let steps = [
        create(R),
        register(R, CB_A),
        format(R),
        send(R),
        target_completes(R, OK, 8),
    ];
    assert_eq!(
        judge_last(&steps, &[delivery(CB_A, 8), delivery(CB_A, 8)]).map_err(|v| v.rule),
        Err(RuleId::CallbackTwice)
    );
    assert_eq!(judge_last(&steps, &[delivery(CB_A, 8)]), Ok(()));
}

#[test]
fn callback_without_send() {
    let steps = [create(R), register(R, CB_A), format(R)];
    assert_eq!(
        judge_last(&steps, &[delivery(CB_A, 0)]).map_err(|v| v.rule),
        Err(RuleId::CallbackWithoutSend)
    );
    // The send of another request does not license a callback for this one.
    let mut other = delivery(CB_A, 0);
    other.request = OTHER;
    assert_eq!(
        judge_last(
            &[
                create(R),
                register(R, CB_A),
                format(R),
                send(R),
                target_completes(R, OK, 0)
            ],
            &[other]
        )
        .map_err(|v| v.rule),
        Err(RuleId::CallbackWithoutSend)
    );
    assert_eq!(judge_last(&steps, &[]), Ok(()));
}

#[test]
fn callback_missing() {
    let steps = [
        create(R),
        register(R, CB_A),
        format(R),
        send(R),
        target_completes(R, OK, 8),
    ];
    assert_eq!(
        judge_last(&steps, &[]).map_err(|v| v.rule),
        Err(RuleId::CallbackMissing)
    );
    // A send with no registration owes no callback.
    assert_eq!(
        judge_last(
            &[create(R), format(R), send(R), target_completes(R, OK, 8)],
            &[]
        ),
        Ok(())
    );
}

#[test]
fn callback_mismatch() {
    let steps = [
        create(R),
        register(R, CB_A),
        format(R),
        send(R),
        target_completes(R, OK, 8),
    ];
    assert_eq!(
        judge_last(&steps, &[delivery(CB_A, 7)]).map_err(|v| v.rule),
        Err(RuleId::CallbackMismatch)
    );
    assert_eq!(
        judge_last(&steps, &[delivery(CB_B, 8)]).map_err(|v| v.rule),
        Err(RuleId::CallbackMismatch)
    );
    assert_eq!(judge_last(&steps, &[delivery(CB_A, 8)]), Ok(()));
}

/// Runs `steps` in the default settings, then reads the status: the
/// judgement of the read, and the status and information it expects.
fn status_read_after(steps: &[Step]) -> (crate::model::Judgement, Option<Status>, Option<u64>) {
    let mut model = Model::new();
    for step in steps {
        model.step(step).unwrap();
    }
    let judgement = model.step(&read_status(R)).unwrap();
    let Ok(crate::model::Accepted {
        reply:
            crate::model::ExpectedReply::Status {
                status,
                information,
            },
        ..
    }) = judgement.outcome
    else {
        panic!("status read is legal: {judgement:?}");
    };
    (judgement, status, information)
}

#[test]
fn status_mismatch() {
    let given = Status::DEVICE_NOT_READY;
    let (judgement, status, information) = status_read_after(&[
        create(R),
        format(R),
        send(R),
        target_completes(R, OK, 8),
        reuse(R, given),
    ]);
    assert!(judgement.at_stake.contains(RuleId::StatusMismatch));
    // Reuse of a created request sets the given status and zero information.
    assert_eq!((status, information), (Some(given), Some(0)));
    let reported = |status, information| Completion {
        status,
        information,
    };
    assert!(Model::judge_status(R, status, information, reported(OK, 0)).is_err());
    assert!(Model::judge_status(R, status, information, reported(given, 8)).is_err());
    assert!(Model::judge_status(R, status, information, reported(given, 0)).is_ok());
    // Before anything sets it the status is unspecified: nothing to judge.
    let mut fresh = Model::new();
    fresh.step(&create(R)).unwrap();
    let judgement = fresh.step(&read_status(R)).unwrap();
    assert!(!judgement.at_stake.contains(RuleId::StatusMismatch));
}

#[test]
fn target_complete_unsent() {
    assert_fires(
        RuleId::TargetCompleteUnsent,
        &[create(R), target_completes(R, OK, 0)],
    );
    assert_fires(
        RuleId::TargetCompleteUnsent,
        &[
            create(R),
            format(R),
            send(R),
            target_completes(R, OK, 0),
            target_completes(R, OK, 0),
        ],
    );
    assert_silent(
        RuleId::TargetCompleteUnsent,
        &[create(R), format(R), send(R), target_completes(R, OK, 0)],
    );
}

#[test]
fn cancel_never_fails_on_a_live_request_and_reports_whether_it_was_sent() {
    let mut model = Model::new();
    model.step(&create(R)).unwrap();
    let idle = model.step(&cancel(R)).unwrap().outcome.unwrap().reply;
    assert_eq!(
        idle,
        crate::model::ExpectedReply::Cancel {
            returns: Some(false)
        }
    );
    model.step(&format(R)).unwrap();
    model.step(&send(R)).unwrap();
    let sent = model.step(&cancel(R)).unwrap().outcome.unwrap().reply;
    // IoCancelIrp's answer: TRUE only if the lower driver set a cancel
    // routine (fxrequestbase.cpp FxRequestBase::Cancel).
    assert_eq!(sent, crate::model::ExpectedReply::Cancel { returns: None });
}

#[test]
fn a_refused_step_changes_nothing_in_umdf_1() {
    let mut model = Model::new();
    for step in [create(R), set_completion(R, 0, None), send(R)] {
        assert!(model.step(&step).unwrap().outcome.is_ok() || step == send(R));
    }
    let before = model.clone();
    for step in [send(R), complete(R), send_forget(R)] {
        assert!(model.step(&step).unwrap().outcome.is_err(), "{step}");
        assert_eq!(model, before);
    }
}

/// A step the framework has no check for leaves the request undefined:
/// every later step on it is unjudged, and the others go on.
#[test]
fn after_an_undefined_step_nothing_of_the_request_is_judged() {
    let mut model = Model::new();
    for step in [create(R), format(R), send(R), create(OTHER)] {
        model.step(&step).unwrap();
    }
    let undefined = model.step(&reuse(R, OK)).unwrap();
    assert_eq!(
        undefined.judged,
        crate::model::Judged::Undefined(Violation {
            rule: RuleId::ReuseWhilePending,
            request: R
        })
    );
    assert_eq!(
        model.request(R).unwrap().life,
        crate::model::Life::Undefined
    );
    for step in [
        send(R),
        target_completes(R, OK, 0),
        delete(R),
        read_status(R),
    ] {
        let judgement = model.step(&step).unwrap();
        assert_eq!(judgement.judged, crate::model::Judged::No, "{step}");
        assert_eq!(judgement.at_stake, RuleSet::EMPTY);
    }
    assert_eq!(
        model
            .step(&send(OTHER))
            .unwrap()
            .outcome
            .map_err(|v| v.rule),
        Err(RuleId::SendUnformatted)
    );
    assert!(model.finish().is_empty());
}

#[test]
fn markdown_table_has_one_row_per_rule_in_catalogue_order() {
    let table = markdown_table();
    let rows: Vec<&str> = table.lines().skip(2).collect();
    assert_eq!(rows.len(), CATALOGUE.len());
    for (row, rule) in rows.iter().zip(CATALOGUE) {
        let cells: Vec<&str> = row.split(" | ").collect();
        assert_eq!(cells[0], format!("| `{}`", rule.id), "{row}");
        assert_eq!(cells[3], rule.scope.describe(), "{row}");
        assert_eq!(cells[4], rule.refused.describe(), "{row}");
        assert!(row.contains(rule.says), "{row}");
    }
    let reuse = rows[RuleId::ReuseWhilePending.index()];
    assert!(reuse.contains(" | all | no: undefined | "), "{reuse}");
    let received = rows[RuleId::SendReceivedWithoutCallback.index()];
    assert!(
        received.contains(" | KMDF, UMDF 2 | always | "),
        "{received}"
    );
    let leak = rows[RuleId::CallbackLeak.index()];
    assert!(leak.contains(" | all | no | "), "{leak}");
}

#[test]
fn send_received_without_callback() {
    assert_fires_in(
        KMDF,
        RuleId::SendReceivedWithoutCallback,
        &[receive(R), format(R), send(R)],
    );
    // UMDF 1 sends it, with a warning only; a sync send needs no callback.
    assert_silent(
        RuleId::SendReceivedWithoutCallback,
        &[receive(R), format(R), send(R)],
    );
    assert_silent_in(
        KMDF,
        RuleId::SendReceivedWithoutCallback,
        &[receive(R), format(R), send_sync(R, OK, 0)],
    );
    assert_silent_in(
        KMDF,
        RuleId::SendReceivedWithoutCallback,
        &[receive(R), format(R), register(R, CB_A), send(R)],
    );
}

#[test]
fn forget_created() {
    assert_fires(RuleId::ForgetCreated, &[create(R), send_forget(R)]);
    assert_silent(RuleId::ForgetCreated, &[receive(R), send_forget(R)]);
}

#[test]
fn forget_formatted() {
    assert_fires(
        RuleId::ForgetFormatted,
        &[receive(R), format(R), send_forget(R)],
    );
    assert_silent(
        RuleId::ForgetFormatted,
        &[
            receive(R),
            format_as(R, FormatKind::Current),
            send_forget(R),
        ],
    );
}

#[test]
fn forget_with_callback() {
    // Not refused: the request is forgotten all the same, and no callback
    // may run for it.
    assert_fires(
        RuleId::ForgetWithCallback,
        &[receive(R), register(R, CB_A), send_forget(R)],
    );
    assert_fires(
        RuleId::AccessAfterForget,
        &[receive(R), register(R, CB_A), send_forget(R), complete(R)],
    );
    assert_silent(RuleId::ForgetWithCallback, &[receive(R), send_forget(R)]);
}

#[test]
fn access_after_forget() {
    assert_fires(
        RuleId::AccessAfterForget,
        &[receive(R), send_forget(R), complete(R)],
    );
    // The target holds nothing of it either.
    assert_fires(
        RuleId::TargetCompleteUnsent,
        &[receive(R), send_forget(R), target_completes(R, OK, 0)],
    );
    assert_silent(RuleId::AccessAfterForget, &[receive(R), complete(R)]);
    // Forgotten requests owe no Complete.
    assert_silent(RuleId::RequestNotCompleted, &[receive(R), send_forget(R)]);
}

#[test]
fn reuse_flag_unavailable() {
    assert_fires(
        RuleId::ReuseFlagUnavailable,
        &[create(R), reuse_with(R, OK, NEW_IRP)],
    );
    let v1_9 = Settings::new(Flavor::Kmdf, FrameworkVersion::V1_9, true).unwrap();
    let both = ReuseFlags {
        set_new_irp: true,
        must_complete: true,
    };
    assert_fires_in(
        v1_9,
        RuleId::ReuseFlagUnavailable,
        &[create(R), reuse_with(R, OK, both)],
    );
    assert_silent_in(
        KMDF,
        RuleId::ReuseFlagUnavailable,
        &[create(R), reuse_with(R, OK, both)],
    );
    assert_silent_in(
        v1_9,
        RuleId::ReuseFlagUnavailable,
        &[create(R), reuse_with(R, OK, NEW_IRP)],
    );
}

#[test]
fn new_irp_received() {
    assert_fires_in(
        KMDF,
        RuleId::NewIrpReceived,
        &[receive(R), reuse_with(R, OK, NEW_IRP)],
    );
    assert_silent_in(
        KMDF,
        RuleId::NewIrpReceived,
        &[create(R), reuse_with(R, OK, NEW_IRP)],
    );
}

#[test]
fn must_complete_internal_irp() {
    assert_fires_in(
        KMDF,
        RuleId::MustCompleteInternalIrp,
        &[create(R), reuse_with(R, OK, MUST_COMPLETE)],
    );
    // With a driver IRP, given now or at an earlier Reuse, it is fine, and
    // the created request may then be completed.
    let steps = [
        create(R),
        reuse_with(R, OK, NEW_IRP),
        reuse_with(R, OK, MUST_COMPLETE),
        complete(R),
    ];
    assert_silent_in(KMDF, RuleId::MustCompleteInternalIrp, &steps);
    assert_silent_in(KMDF, RuleId::CompleteCreated, &steps);
    // ...and must be: it owes a Complete until it gets one.
    assert_fires_in(KMDF, RuleId::RequestNotCompleted, &steps[..3]);
}

#[test]
fn sync_send_delivers_the_callback_before_it_returns() {
    let steps = [create(R), register(R, CB_A), format(R), send_sync(R, OK, 8)];
    assert_eq!(judge_last(&steps, &[delivery(CB_A, 8)]), Ok(()));
    assert_eq!(
        judge_last(&steps, &[]).map_err(|v| v.rule),
        Err(RuleId::CallbackMissing)
    );
    // A sync send leaves the request owned: it may be reused at once.
    assert_silent(
        RuleId::ReuseWhilePending,
        &[create(R), format(R), send_sync(R, OK, 0), reuse(R, OK)],
    );
    assert_silent(
        RuleId::SendWithoutCallback,
        &[create(R), format(R), send_sync(R, OK, 0)],
    );
}

/// One sequence, two verdicts: before 1.9 the framework keeps the callback
/// across Reuse by design, so its delivery is expected; from 1.9 on the
/// same delivery is a leak.
#[test]
fn callback_kept_across_reuse_is_legacy_before_1_9_and_a_leak_after() {
    let legacy = Settings::new(Flavor::Kmdf, FrameworkVersion::V1_7, true).unwrap();
    let current = Settings::new(Flavor::Kmdf, FrameworkVersion::V1_9, true).unwrap();
    let steps = [
        create(R),
        register(R, CB_A),
        reuse(R, OK),
        format(R),
        send(R),
        target_completes(R, OK, 8),
    ];
    let kept = [delivery(CB_A, 8)];
    assert_eq!(judge_last_in(legacy, &steps, &kept), Ok(()));
    assert_eq!(
        judge_last_in(legacy, &steps, &[]).map_err(|v| v.rule),
        Err(RuleId::CallbackMissing)
    );
    assert_eq!(
        judge_last_in(current, &steps, &kept).map_err(|v| v.rule),
        Err(RuleId::CallbackLeak)
    );
    assert_eq!(judge_last_in(current, &steps, &[]), Ok(()));
}

/// With the verifier off, reuse while outstanding and an unformatted send
/// are still the driver's errors, but they take effect: the reused request
/// stays outstanding and its completion runs no callback.
#[test]
fn verifier_off_lets_errors_through_and_shows_what_follows() {
    let off = Settings {
        verifier: false,
        ..Settings::default()
    };
    // Reuse while sent: the framework has no check, with the verifier on
    // or off; what follows is undefined.
    let steps = [
        create(R),
        register(R, CB_A),
        format(R),
        send(R),
        reuse(R, OK),
    ];
    assert_eq!(broken_in(off, &steps), vec![RuleId::ReuseWhilePending]);
    assert_eq!(broken(&steps), vec![RuleId::ReuseWhilePending]);
    // An unformatted send goes out with the verifier off, and its
    // completion runs the callback.
    let mut model = Model::with_settings(off);
    for step in [create(R), register(R, CB_A), send(R)] {
        model.step(&step).unwrap();
    }
    assert!(model.request(R).unwrap().is_outstanding());
    let done = model
        .step(&target_completes(R, OK, 8))
        .unwrap()
        .outcome
        .unwrap();
    assert_eq!(done.deliveries.len(), 1);
    assert_eq!(
        broken_in(off, &[create(R), send(R)]),
        vec![RuleId::SendUnformatted, RuleId::SendWithoutCallback]
    );
    assert_eq!(broken(&[create(R), send(R)]), vec![RuleId::SendUnformatted]);
}

#[test]
fn every_rule_says_where_it_applies_and_whether_it_is_refused() {
    for rule in CATALOGUE {
        if rule.obligation == Obligation::Framework || rule.severity == Severity::Warning {
            assert_eq!(rule.refused, Refused::Never, "{}", rule.id);
        }
    }
    let kmdf_1_7 = Settings::new(Flavor::Kmdf, FrameworkVersion::V1_7, true).unwrap();
    assert!(
        !SEND_RECEIVED_WITHOUT_CALLBACK
            .scope
            .applies(&Settings::default())
    );
    assert!(MUST_COMPLETE_INTERNAL_IRP.scope.applies(&KMDF));
    assert!(!MUST_COMPLETE_INTERNAL_IRP.scope.applies(&kmdf_1_7));
    assert!(REUSE_FLAG_UNAVAILABLE.scope.applies(&kmdf_1_7));
    assert!(CALLBACK_LEAK.scope.applies(&kmdf_1_7));
    assert!(!REUSE_WHILE_PENDING.refused.in_settings(&Settings {
        verifier: false,
        ..Settings::default()
    }));
}

/// `callback-leak` is told apart from `callback-mismatch` part by part: a
/// delivery is a leak only when the callback or the context it carries is
/// the deregistered one and differs from the one due.
#[test]
fn callback_leak_is_told_from_mismatch_by_what_was_deregistered() {
    let reg = |callback: u32, context: Option<u32>| Registration {
        callback: CallbackId(callback),
        context: context.map(ContextId),
    };
    let judge = |dropped: Registration, wanted: Registration, got: Registration| {
        let steps = [
            create(R),
            register(R, dropped),
            reuse(R, OK),
            register(R, wanted),
            format(R),
            send(R),
            target_completes(R, OK, 8),
        ];
        judge_last(&steps, &[delivery(got, 8)]).map_err(|v| v.rule)
    };
    // Neither part is the deregistered one: a plain mismatch.
    assert_eq!(
        judge(reg(1, None), reg(2, None), reg(3, None)),
        Err(RuleId::CallbackMismatch)
    );
    assert_eq!(
        judge(reg(1, Some(1)), reg(2, Some(2)), reg(2, Some(3))),
        Err(RuleId::CallbackMismatch)
    );
    // The deregistered callback with the due context: a leak.
    assert_eq!(
        judge(reg(1, Some(1)), reg(2, Some(2)), reg(1, Some(2))),
        Err(RuleId::CallbackLeak)
    );
    // The deregistered callback, when it is also the one due, is no leak.
    assert_eq!(
        judge(reg(1, Some(1)), reg(1, Some(2)), reg(1, Some(3))),
        Err(RuleId::CallbackMismatch)
    );
    assert_eq!(
        judge(reg(1, Some(1)), reg(1, Some(2)), reg(1, Some(2))),
        Ok(())
    );
}

/// The leak reviewers find most often: a callback consumed by a completion
/// runs again for the next send, after a Reuse that registered nothing.
#[test]
fn a_callback_consumed_by_a_completion_leaks_if_it_runs_again() {
    let steps = [
        create(R),
        register(R, CB_A),
        format(R),
        send(R),
        target_completes(R, OK, 8),
        reuse(R, OK),
        format(R),
        send(R),
        target_completes(R, OK, 4),
    ];
    assert_eq!(
        judge_last(&steps, &[delivery(CB_A, 4)]).map_err(|v| v.rule),
        Err(RuleId::CallbackLeak)
    );
    assert_eq!(judge_last(&steps, &[]), Ok(()));
}

/// A driver-created request reused with MUST_COMPLETE is completed and
/// then still the driver's, to delete (or reuse) when it is done.
#[test]
fn a_must_complete_request_lives_on_after_its_complete_until_deleted() {
    let steps = [
        create(R),
        reuse_with(R, OK, NEW_IRP),
        reuse_with(R, OK, MUST_COMPLETE),
        complete(R),
        delete(R),
    ];
    assert_eq!(broken_in(KMDF, &steps), Vec::<RuleId>::new());
    // Completed once, it owes no more Complete; a second one is refused.
    assert_fires_in(
        KMDF,
        RuleId::CompleteCreated,
        &[&steps[..4], &[complete(R)]].concat(),
    );
}

#[test]
fn a_model_judges_for_the_settings_it_was_given_and_names_the_request_it_faults() {
    assert_eq!(Model::with_settings(KMDF).settings(), KMDF);
    assert_eq!(Model::new().settings(), Settings::default());
    let violation = Violation {
        rule: RuleId::ReuseWhilePending,
        request: R,
    };
    assert_eq!(
        violation.to_string(),
        format!("r1: {}", REUSE_WHILE_PENDING.says)
    );
}

/// A status read is judged whenever part of its value is specified: after
/// Reuse of a queue-presented request the status is, the information not.
#[test]
fn a_status_read_with_only_the_status_specified_is_still_judged() {
    let (judgement, status, information) =
        status_read_after(&[receive(R), reuse(R, Status::DEVICE_NOT_READY)]);
    assert!(judgement.at_stake.contains(RuleId::StatusMismatch));
    assert_eq!(
        (status, information),
        (Some(Status::DEVICE_NOT_READY), None)
    );
}

/// A completion puts `callback-leak` at stake as soon as any registration
/// of the request is gone, whether a Reuse dropped it or an earlier
/// completion consumed it; never before.
#[test]
fn callback_leak_is_at_stake_once_a_registration_is_gone() {
    let at_stake = |steps: &[Step]| {
        let mut model = Model::new();
        let mut last = RuleSet::EMPTY;
        for step in steps {
            last = model.step(step).unwrap().at_stake;
        }
        last.contains(RuleId::CallbackLeak)
    };
    assert!(!at_stake(&[
        create(R),
        register(R, CB_A),
        format(R),
        send(R),
        target_completes(R, OK, 0)
    ]));
    // Consumed by the first completion, nothing dropped.
    assert!(at_stake(&[
        create(R),
        register(R, CB_A),
        format(R),
        send(R),
        target_completes(R, OK, 0),
        format(R),
        send(R),
        target_completes(R, OK, 0)
    ]));
    // Dropped by a Reuse, nothing consumed.
    assert!(at_stake(&[
        create(R),
        register(R, CB_A),
        reuse(R, OK),
        format(R),
        send(R),
        target_completes(R, OK, 0)
    ]));
}

/// A callback deregistered by any earlier Reuse leaks, not only by the
/// latest one (the rule's sentence: "a Reuse deregistered").
#[test]
fn callback_leak_reaches_back_past_the_latest_reuse() {
    let steps = [
        create(R),
        register(R, CB_A),
        reuse(R, OK),
        register(R, CB_B),
        reuse(R, OK),
        format(R),
        send(R),
        target_completes(R, OK, 8),
    ];
    assert_eq!(
        judge_last(&steps, &[delivery(CB_A, 8)]).map_err(|v| v.rule),
        Err(RuleId::CallbackLeak)
    );
    assert_eq!(
        judge_last(&steps, &[delivery(CB_B, 8)]).map_err(|v| v.rule),
        Err(RuleId::CallbackLeak)
    );
}

/// A callback registered again is the driver's current one: a spurious
/// delivery of it is the same offence on every cycle, never a leak.
#[test]
fn a_callback_registered_again_does_not_leak() {
    let again = [
        create(R),
        register(R, CB_A),
        format(R),
        send(R),
        target_completes(R, OK, 0),
        register(R, CB_A),
        format(R),
    ];
    let first = [create(R), register(R, CB_A), format(R)];
    for steps in [&again[..], &first[..]] {
        assert_eq!(
            judge_last(steps, &[delivery(CB_A, 0)]).map_err(|v| v.rule),
            Err(RuleId::CallbackWithoutSend),
            "{steps:?}"
        );
    }
}

/// The status a status read returns after `steps` in `settings`.
fn status_in(settings: Settings, steps: &[Step]) -> Option<Status> {
    let mut model = Model::with_settings(settings);
    for step in steps {
        model.step(step).expect("well-formed sequence");
    }
    match model.step(&read_status(R)).unwrap().outcome {
        Ok(crate::model::Accepted {
            reply: crate::model::ExpectedReply::Status { status, .. },
            ..
        }) => status,
        other => panic!("status read is legal: {other:?}"),
    }
}

fn kmdf_off() -> Settings {
    Settings {
        verifier: false,
        ..KMDF
    }
}

#[test]
fn send_cancelled() {
    // A cancel sticks, sent or not, until the next Reuse (KMDF, UMDF 2).
    assert_fires_in(
        KMDF,
        RuleId::SendCancelled,
        &[create(R), format(R), register(R, CB_A), cancel(R), send(R)],
    );
    assert_fires_in(
        kmdf_off(),
        RuleId::SendCancelled,
        &[
            create(R),
            format(R),
            register(R, CB_A),
            send(R),
            cancel(R),
            target_completes(R, Status::CANCELLED, 0),
            format(R),
            register(R, CB_A),
            send_sync(R, OK, 0),
        ],
    );
    // Reuse clears it; UMDF 1 (documentation only) keeps no cancel state.
    assert_silent_in(
        KMDF,
        RuleId::SendCancelled,
        &[create(R), cancel(R), reuse(R, OK), format(R), send(R)],
    );
    assert_silent(
        RuleId::SendCancelled,
        &[create(R), format(R), cancel(R), send(R)],
    );
}

#[test]
fn a_refused_send_writes_its_status_in_kmdf_only() {
    let cancelled = [create(R), format(R), register(R, CB_A), cancel(R), send(R)];
    assert_eq!(status_in(KMDF, &cancelled), Some(Status::CANCELLED));
    let unformatted = [create(R), reuse(R, OK), send(R)];
    assert_eq!(
        status_in(KMDF, &unformatted),
        Some(Status::REQUEST_NOT_ACCEPTED)
    );
    assert_eq!(status_in(Settings::default(), &unformatted), Some(OK));
    let no_callback = [receive(R), reuse(R, OK), format(R), send(R)];
    assert_eq!(
        status_in(KMDF, &no_callback),
        Some(Status::INVALID_DEVICE_REQUEST)
    );
    let forget_created = [create(R), reuse(R, OK), send_forget(R)];
    assert_eq!(
        status_in(KMDF, &forget_created),
        Some(Status::INVALID_DEVICE_STATE)
    );
}

#[test]
fn format_after_reuse() {
    // The verifier's flag survives Reuse in KMDF: the send goes, and the
    // driver is still wrong.
    let reused = [
        create(R),
        format(R),
        register(R, CB_A),
        reuse(R, OK),
        send(R),
    ];
    assert_fires_in(KMDF, RuleId::FormatAfterReuse, &reused);
    assert_silent_in(KMDF, RuleId::SendUnformatted, &reused);
    // UMDF 1 (documentation only): Reuse drops formatting, and the verifier
    // refuses the send.
    assert_fires(RuleId::SendUnformatted, &reused);
    assert_silent(RuleId::FormatAfterReuse, &reused);
    // Formatted again after the Reuse: nothing to say.
    let mut again = reused.to_vec();
    again.insert(4, format(R));
    assert_silent_in(KMDF, RuleId::FormatAfterReuse, &again);
    // A completed send clears the flag: that is send-unformatted.
    let resent = [
        create(R),
        format(R),
        register(R, CB_A),
        send(R),
        target_completes(R, OK, 0),
        register(R, CB_A),
        send(R),
    ];
    assert_fires_in(KMDF, RuleId::SendUnformatted, &resent);
}

#[test]
fn send_and_forget_refuses_an_io_context_for_good_in_kmdf() {
    let reused = [receive(R), format(R), reuse(R, OK), send_forget(R)];
    assert_fires_in(KMDF, RuleId::ForgetFormatted, &reused);
    assert_silent(RuleId::ForgetFormatted, &reused);
    let current = [
        receive(R),
        format(R),
        set_completion(R, 0, None),
        send(R),
        target_completes(R, OK, 0),
        reuse(R, OK),
        format_as(R, FormatKind::Current),
        send_forget(R),
    ];
    assert_fires_in(KMDF, RuleId::ForgetFormatted, &current);
    let never = [
        receive(R),
        format_as(R, FormatKind::Current),
        send_forget(R),
    ];
    assert_silent_in(KMDF, RuleId::ForgetFormatted, &never);
}

#[test]
fn the_model_checks_in_the_frameworks_order() {
    // WdfRequestSend: a queue-presented request's missing callback before
    // SubmitLocked's formatted check.
    assert_eq!(
        broken_in(KMDF, &[receive(R), send(R)]),
        [
            RuleId::SendReceivedWithoutCallback,
            RuleId::RequestNotCompleted
        ]
    );
    // WdfRequestReuse: the flag mask before the outstanding check.
    let v1_9 = Settings::new(Flavor::Kmdf, FrameworkVersion::V1_9, true).unwrap();
    let must_complete = ReuseFlags {
        set_new_irp: false,
        must_complete: true,
    };
    assert_eq!(
        broken_in(
            v1_9,
            &[
                create(R),
                format(R),
                register(R, CB_A),
                send(R),
                reuse_with(R, OK, must_complete)
            ]
        ),
        [RuleId::ReuseFlagUnavailable]
    );
}

#[test]
fn a_refused_reuse_keeps_what_it_did_before_its_flags() {
    // FxRequest::Reuse deregisters the callback before it refuses
    // SET_NEW_IRP on a queue-presented request: the send is then refused
    // for want of a callback.
    let new_irp = ReuseFlags {
        set_new_irp: true,
        must_complete: false,
    };
    assert_eq!(
        broken_in(
            KMDF,
            &[
                receive(R),
                format(R),
                register(R, CB_A),
                reuse_with(R, OK, new_irp),
                format(R),
                send(R),
            ]
        ),
        [
            RuleId::NewIrpReceived,
            RuleId::SendReceivedWithoutCallback,
            RuleId::RequestNotCompleted
        ]
    );
    // MUST_COMPLETE on an internal IRP: refused after the callback went
    // and the IRP took the new status.
    let given = Status::DEVICE_NOT_READY;
    let steps = [
        create(R),
        register(R, CB_A),
        reuse_with(R, given, MUST_COMPLETE),
    ];
    assert_eq!(broken_in(KMDF, &steps), [RuleId::MustCompleteInternalIrp]);
    assert_eq!(status_in(KMDF, &steps), Some(given));
    let mut model = Model::with_settings(KMDF);
    for step in &steps {
        model.step(step).unwrap();
    }
    assert_eq!(model.request(R).unwrap().registration, None);
}

#[test]
fn reuse_leaves_a_driver_supplied_irp_status_unspecified_in_kmdf() {
    let steps = [create(R), reuse_with(R, Status::DEVICE_NOT_READY, NEW_IRP)];
    assert_eq!(status_in(KMDF, &steps), None);
}

#[test]
fn timeout_unarmed() {
    // A timeout fires only for a send outstanding with one, and once.
    assert_fires(
        RuleId::TimeoutUnarmed,
        &[create(R), format(R), send(R), times_out(R)],
    );
    assert_fires(RuleId::TimeoutUnarmed, &[create(R), times_out(R)]);
    assert_fires(
        RuleId::TimeoutUnarmed,
        &[
            create(R),
            format(R),
            send_with_timeout(R),
            times_out(R),
            times_out(R),
        ],
    );
    assert_silent(
        RuleId::TimeoutUnarmed,
        &[create(R), format(R), send_with_timeout(R), times_out(R)],
    );
}

/// A send its timer cancelled that comes back cancelled reports
/// `STATUS_IO_TIMEOUT` in the shared source, to its callback and to a
/// status read; its cancel sticks until Reuse. Another status passes as
/// it is.
#[test]
fn a_timed_out_send_reports_a_timeout() {
    let timed_out = [
        create(R),
        format(R),
        register(R, CB_A),
        send_with_timeout(R),
        times_out(R),
        target_completes(R, Status::CANCELLED, 0),
    ];
    let mut model = Model::with_settings(KMDF);
    let mut delivered = None;
    for step in &timed_out {
        delivered = model.step(step).unwrap().outcome.unwrap().deliveries.pop();
    }
    let delivered = delivered.expect("the callback runs");
    assert_eq!(delivered.completion.status, Status::IO_TIMEOUT);
    assert_eq!(status_in(KMDF, &timed_out), Some(Status::IO_TIMEOUT));
    let mut resent = timed_out.to_vec();
    resent.extend([format(R), register(R, CB_A), send(R)]);
    assert_fires_in(KMDF, RuleId::SendCancelled, &resent);
    // UMDF 1 (documentation only) passes the target's status on.
    assert_eq!(
        status_in(Settings::default(), &timed_out),
        Some(Status::CANCELLED)
    );
    // A completion that is not a cancellation keeps its status.
    let mut finished = timed_out.to_vec();
    finished[5] = target_completes(R, Status::SUCCESS, 8);
    assert_eq!(status_in(KMDF, &finished), Some(Status::SUCCESS));
}

#[test]
fn forget_with_timeout() {
    let timed_forget = Step::Call {
        request: R,
        call: Call::Send {
            target: TargetId(0),
            mode: SendMode::Forget,
            timeout: true,
            ignore_state: false,
        },
    };
    // Validated before the origin: refused, the request alive, the status
    // written (KMDF and UMDF 2).
    assert_fires_in(KMDF, RuleId::ForgetWithTimeout, &[receive(R), timed_forget]);
    assert_eq!(
        broken_in(KMDF, &[create(R), timed_forget]),
        [RuleId::ForgetWithTimeout]
    );
    assert_eq!(
        status_in(KMDF, &[receive(R), timed_forget]),
        Some(Status::INVALID_PARAMETER)
    );
    assert_silent_in(
        KMDF,
        RuleId::ForgetWithTimeout,
        &[receive(R), send_forget(R)],
    );
    // UMDF 1 has no such check in its documentation.
    assert_silent(RuleId::ForgetWithTimeout, &[receive(R), timed_forget]);
}

/// A synchronous send with a timeout answered cancelled was cancelled by
/// its timeout: it reports `STATUS_IO_TIMEOUT`, and the cancel sticks.
#[test]
fn a_synchronous_send_cancelled_by_its_timeout_reports_a_timeout() {
    let timed_sync = Step::Call {
        request: R,
        call: Call::Send {
            target: TargetId(0),
            mode: SendMode::Sync(Completion::new(Status::CANCELLED, 0)),
            timeout: true,
            ignore_state: false,
        },
    };
    let steps = [create(R), format(R), timed_sync];
    assert_eq!(status_in(KMDF, &steps), Some(Status::IO_TIMEOUT));
    let mut resent = steps.to_vec();
    resent.extend([format(R), send(R)]);
    assert_fires_in(KMDF, RuleId::SendCancelled, &resent);
    let untimed = [create(R), format(R), send_sync(R, Status::CANCELLED, 0)];
    assert_eq!(status_in(KMDF, &untimed), Some(Status::CANCELLED));
}

#[test]
fn send_target_not_accepting() {
    let ready = [create(R), format(R), set_completion(R, 0, None)];
    // Formatted before the change: formatting for a closed target fails
    // on its own (`format-target-closed`).
    let to = |change: TargetChange, send: Step| {
        let mut steps = ready.to_vec();
        steps.push(target(change));
        steps.push(send);
        steps
    };
    for settings in [KMDF, Settings::default()] {
        assert_fires_in(
            settings,
            RuleId::SendTargetNotAccepting,
            &to(TargetChange::Close, send(R)),
        );
        // Ignoring the state gets no further than a closed target.
        let ignoring = to(TargetChange::Close, send_ignoring_state(R));
        assert_fires_in(settings, RuleId::SendTargetNotAccepting, &ignoring);
        // A stopped target queues the send; a started one sends it.
        let stop = TargetChange::Stop(SentIoAction::Leave);
        assert_silent_in(settings, RuleId::SendTargetNotAccepting, &to(stop, send(R)));
        assert_silent_in(settings, RuleId::SendTargetNotAccepting, &ready);
    }
    assert_fires_in(
        KMDF,
        RuleId::SendTargetNotAccepting,
        &to(TargetChange::Purge, send(R)),
    );
    let ignoring = to(TargetChange::Purge, send_ignoring_state(R));
    assert_silent_in(KMDF, RuleId::SendTargetNotAccepting, &ignoring);
    // Send and forget does not go through the target's Submit.
    let forget = [target(TargetChange::Close), receive(R), send_forget(R)];
    assert_silent_in(KMDF, RuleId::SendTargetNotAccepting, &forget);
}

#[test]
fn sync_send_while_stopped() {
    let stopped = |send: Step| {
        vec![
            target(TargetChange::Stop(SentIoAction::Cancel)),
            create(R),
            format(R),
            send,
        ]
    };
    for settings in [KMDF, Settings::default()] {
        let waits = stopped(send_sync(R, OK, 0));
        assert_fires_in(settings, RuleId::SyncSendWhileStopped, &waits);
        let mut model = Model::with_settings(settings);
        for step in &waits {
            model.step(step).unwrap();
        }
        assert_eq!(model.request(R).map(|r| r.life), Some(Life::Undefined));
        // Asynchronously it is queued; ignoring the state it is sent.
        assert_silent_in(settings, RuleId::SyncSendWhileStopped, &stopped(send(R)));
        let mut ignoring = stopped(send_ignoring_state(R));
        ignoring[3] = call(
            R,
            Call::Send {
                target: T0,
                mode: SendMode::Sync(Completion::SUCCESS),
                timeout: false,
                ignore_state: true,
            },
        );
        assert_silent_in(settings, RuleId::SyncSendWhileStopped, &ignoring);
    }
}

#[test]
fn format_target_closed() {
    let closed_first = [target(TargetChange::Close), create(R), format(R)];
    assert_fires_in(KMDF, RuleId::FormatTargetClosed, &closed_first);
    // UMDF 1's documentation says nothing of it; the current type names no
    // target; another target is open.
    assert_silent(RuleId::FormatTargetClosed, &closed_first);
    let current = [
        target(TargetChange::Close),
        receive(R),
        format_as(R, FormatKind::Current),
    ];
    assert_silent_in(KMDF, RuleId::FormatTargetClosed, &current);
    let elsewhere = [
        target(TargetChange::Close),
        create(R),
        call(
            R,
            Call::Format {
                kind: FormatKind::Read,
                target: Some(TargetId(1)),
            },
        ),
    ];
    assert_silent_in(KMDF, RuleId::FormatTargetClosed, &elsewhere);
    // The refused format released the earlier one: the send is unformatted.
    let mut released = vec![create(R), format(R), target(TargetChange::Close), format(R)];
    released.push(call(
        R,
        Call::Send {
            target: TargetId(1),
            mode: SendMode::Async,
            timeout: false,
            ignore_state: false,
        },
    ));
    assert_fires_in(KMDF, RuleId::SendUnformatted, &released);
}

/// A request created without an I/O target has no IRP: formatting it for
/// a target gives it one, a new IRP at Reuse too; until then a format with
/// the current type is refused (a bugcheck) and a status read or a send is
/// undefined. UMDF 1's requests always have one.
#[test]
fn requests_without_an_irp() {
    let bare = create_without_irp(R);
    assert_fires_in(
        KMDF,
        RuleId::FormatCurrentWithoutIrp,
        &[bare, format_as(R, FormatKind::Current)],
    );
    assert_fires_in(
        KMDF,
        RuleId::StatusWithoutIrp,
        &[bare, reuse(R, OK), read_status(R)],
    );
    let sent = [bare, set_completion(R, 0, None), send(R)];
    assert_fires_in(KMDF, RuleId::SendWithoutIrp, &sent);
    for rule in [RuleId::StatusWithoutIrp, RuleId::SendWithoutIrp] {
        assert_silent(
            rule,
            &[bare, read_status(R), set_completion(R, 0, None), send(R)],
        );
    }
    // A format for a target allocates one; so does a new IRP at Reuse.
    let formatted = [
        bare,
        format(R),
        format_as(R, FormatKind::Current),
        read_status(R),
    ];
    assert_silent_in(KMDF, RuleId::FormatCurrentWithoutIrp, &formatted);
    assert_silent_in(KMDF, RuleId::StatusWithoutIrp, &formatted);
    let given = [bare, reuse_with(R, OK, NEW_IRP), read_status(R)];
    assert_silent_in(KMDF, RuleId::StatusWithoutIrp, &given);
    // Reuse writes no status where there is no IRP: nothing is specified.
    let mut model = Model::with_settings(KMDF);
    for step in [bare, reuse(R, Status::UNSUCCESSFUL)] {
        model.step(&step).unwrap();
    }
    assert_eq!(model.request(R).and_then(|r| r.status), None);
}

/// Completing a MUST_COMPLETE request detaches its IRP: its status can no
/// longer be read, and a send needs a new IRP or a format first.
#[test]
fn a_must_complete_completion_detaches_the_irp() {
    let completed = [
        create(R),
        reuse_with(R, OK, NEW_IRP),
        reuse_with(R, OK, MUST_COMPLETE),
        complete(R),
    ];
    let mut read = completed.to_vec();
    read.push(read_status(R));
    assert_fires_in(KMDF, RuleId::StatusWithoutIrp, &read);
    let mut formatted = completed.to_vec();
    formatted.extend([format(R), read_status(R)]);
    assert_silent_in(KMDF, RuleId::StatusWithoutIrp, &formatted);
}
