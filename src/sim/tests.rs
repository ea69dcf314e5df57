//! Properties of the simulated framework, one test per claim; every refusal
//! has its own table row.

use super::*;
use crate::vocab::{FrameworkVersion, RuleId};

const ASYNC: SendMode = SendMode::Async;
const NO_FLAGS: ReuseFlags = ReuseFlags::NONE;
const NEW_IRP: ReuseFlags = ReuseFlags {
    set_new_irp: true,
    must_complete: false,
};
const MUST_COMPLETE: ReuseFlags = ReuseFlags {
    set_new_irp: false,
    must_complete: true,
};
const NEW_IRP_MUST_COMPLETE: ReuseFlags = ReuseFlags {
    set_new_irp: true,
    must_complete: true,
};

const fn settings(flavor: Flavor, version: FrameworkVersion, verifier: bool) -> Settings {
    Settings {
        flavor,
        version,
        verifier,
    }
}

/// The default settings: UMDF 1 at 1.11, verifier on.
const UMDF1: Settings = settings(Flavor::Umdf1, FrameworkVersion::V1_11, true);
const KMDF: Settings = settings(Flavor::Kmdf, FrameworkVersion::V1_33, true);
const KMDF_1_7: Settings = settings(Flavor::Kmdf, FrameworkVersion::V1_7, true);
const KMDF_1_9: Settings = settings(Flavor::Kmdf, FrameworkVersion::V1_9, true);
const KMDF_1_11: Settings = settings(Flavor::Kmdf, FrameworkVersion::V1_11, true);
const KMDF_NO_VERIFIER: Settings = settings(Flavor::Kmdf, FrameworkVersion::V1_33, false);
const KMDF_1_7_NO_VERIFIER: Settings = settings(Flavor::Kmdf, FrameworkVersion::V1_7, false);

const T0: TargetId = TargetId(0);
const T1: TargetId = TargetId(1);
const CB: CallbackId = CallbackId(7);
const CTX: Option<ContextId> = Some(ContextId(9));

fn done(status: Status, information: u64) -> Completion {
    Completion {
        status,
        information,
    }
}

/// A request of `origin`, formatted, with a callback, sent to `T0`.
fn sent(fw: &mut Framework, origin: Origin) -> Handle {
    let h = match origin {
        Origin::Created => fw.create_request().unwrap(),
        Origin::Received => fw.receive_request(QueueId(0)).unwrap(),
    };
    fw.format(&h, FormatKind::Read).unwrap();
    fw.set_completion_callback(&h, CB, CTX).unwrap();
    fw.send(&h, T0, ASYNC, false, false).unwrap();
    h
}

fn drained(fw: &mut Framework) -> Vec<Delivery<Handle>> {
    let mut out = Vec::new();
    fw.drain_deliveries(&mut out);
    out
}

#[test]
fn stale_handle_is_rejected_after_delete_even_when_slot_is_recycled() {
    let mut fw = Framework::new();
    let old = fw.create_request().unwrap();
    fw.delete(&old).unwrap();
    let new = fw.create_request().unwrap();
    assert_eq!(
        new.index(),
        old.index(),
        "slot not recycled: test proves nothing"
    );

    let refused = SimError::AccessAfterDelete { request: old };
    assert_eq!(fw.format(&old, FormatKind::Write), Err(refused));
    assert_eq!(fw.delete(&old), Err(refused));
    assert_eq!(fw.completion_params(&old), Err(refused));
    assert_eq!(fw.request(&new).map(|r| r.formatted), Some(None));
    assert_eq!(fw.requests_live_count(), 1);
}

#[test]
fn stale_handle_is_rejected_after_complete_even_when_slot_is_recycled() {
    let mut fw = Framework::new();
    let old = fw.receive_request(QueueId(2)).unwrap();
    fw.complete(&old, Status::SUCCESS, 4).unwrap();
    let new = fw.create_request().unwrap();
    assert_eq!(
        new.index(),
        old.index(),
        "slot not recycled: test proves nothing"
    );

    let refused = SimError::AccessAfterComplete { request: old };
    assert_eq!(fw.complete(&old, Status::SUCCESS, 0), Err(refused));
    assert_eq!(fw.reuse(&old, Status::SUCCESS, NO_FLAGS), Err(refused));
    assert!(fw.request(&new).is_some());
}

#[test]
fn reuse_drops_callback_and_context() {
    let mut fw = Framework::new();
    let h = sent(&mut fw, Origin::Created);
    fw.target_complete(&h, done(Status::SUCCESS, 1)).unwrap();
    drained(&mut fw);

    // Registered again, then reused: the reuse must drop this registration.
    fw.set_completion_callback(&h, CallbackId(1), Some(ContextId(1)))
        .unwrap();
    fw.reuse(&h, Status::SUCCESS, NO_FLAGS).unwrap();
    assert_eq!(fw.request(&h).unwrap().registration, None);
    fw.format(&h, FormatKind::Read).unwrap();
    fw.send(&h, T0, ASYNC, false, false).unwrap();
    fw.target_complete(&h, done(Status::SUCCESS, 2)).unwrap();
    assert_eq!(drained(&mut fw), vec![], "a callback leaked across reuse");
}

#[test]
fn callback_registered_after_reuse_fires_with_its_own_context() {
    let mut fw = Framework::new();
    let h = fw.create_request().unwrap();
    fw.set_completion_callback(&h, CallbackId(1), Some(ContextId(1)))
        .unwrap();
    fw.reuse(&h, Status::SUCCESS, NO_FLAGS).unwrap();
    fw.set_completion_callback(&h, CallbackId(2), None).unwrap();
    fw.format(&h, FormatKind::Write).unwrap();
    fw.send(&h, T1, ASYNC, false, false).unwrap();
    fw.target_complete(&h, done(Status::SUCCESS, 3)).unwrap();
    let got = drained(&mut fw);
    assert_eq!(got.len(), 1);
    assert_eq!(
        got[0].registration,
        Registration {
            callback: CallbackId(2),
            context: None
        }
    );
}

#[test]
fn callback_fires_once_with_target_status() {
    let mut fw = Framework::new();
    let h = sent(&mut fw, Origin::Received);
    assert_eq!(
        drained(&mut fw),
        vec![],
        "callback before the target finished"
    );
    let completion = done(Status::DEVICE_NOT_READY, 17);
    fw.target_complete(&h, completion).unwrap();
    let expected = Delivery {
        request: h,
        registration: Registration {
            callback: CB,
            context: CTX,
        },
        completion,
    };
    assert_eq!(drained(&mut fw), vec![expected]);
    assert_eq!(fw.completion_params(&h), Ok(completion));

    // A second finish is refused and invokes nothing; resending without a
    // new registration invokes nothing either.
    assert_eq!(
        fw.target_complete(&h, completion),
        Err(SimError::TargetCompleteUnsent { request: h })
    );
    fw.format(&h, FormatKind::Current).unwrap();
    fw.send(&h, T0, ASYNC, false, false).unwrap();
    fw.target_complete(&h, completion).unwrap();
    assert_eq!(drained(&mut fw), vec![], "the callback fired twice");
}

#[test]
fn deliveries_are_drained_in_the_order_invoked() {
    let mut fw = Framework::new();
    let a = sent(&mut fw, Origin::Created);
    let b = sent(&mut fw, Origin::Created);
    fw.target_complete(&b, done(Status::SUCCESS, 2)).unwrap();
    fw.target_complete(&a, done(Status::SUCCESS, 1)).unwrap();
    let order: Vec<Handle> = drained(&mut fw).iter().map(|d| d.request).collect();
    assert_eq!(order, vec![b, a]);
    assert_eq!(drained(&mut fw), vec![], "a drain left deliveries behind");
}

#[test]
fn completed_send_must_be_formatted_again_before_resend() {
    let mut fw = Framework::new();
    let h = sent(&mut fw, Origin::Created);
    fw.target_complete(&h, done(Status::SUCCESS, 0)).unwrap();
    assert_eq!(
        fw.send(&h, T0, ASYNC, false, false),
        Err(SimError::SendUnformatted { request: h })
    );
    fw.format(&h, FormatKind::Read).unwrap();
    assert_eq!(
        fw.send(&h, T0, ASYNC, false, false),
        Ok(()),
        "resend without reuse is allowed"
    );
}

#[test]
fn reuse_sets_status_and_zeroes_information_of_a_created_request() {
    let mut fw = Framework::new();
    let h = sent(&mut fw, Origin::Created);
    fw.target_complete(&h, done(Status::SUCCESS, 64)).unwrap();
    fw.reuse(&h, Status::UNSUCCESSFUL, NO_FLAGS).unwrap();
    assert_eq!(fw.completion_params(&h), Ok(done(Status::UNSUCCESSFUL, 0)));
    assert_eq!(fw.request(&h).unwrap().formatted, None);
}

#[test]
fn reuse_keeps_information_of_a_received_request() {
    let mut fw = Framework::new();
    let h = sent(&mut fw, Origin::Received);
    fw.target_complete(&h, done(Status::SUCCESS, 64)).unwrap();
    fw.reuse(&h, Status::CANCELLED, NO_FLAGS).unwrap();
    assert_eq!(fw.completion_params(&h), Ok(done(Status::CANCELLED, 64)));
}

#[test]
fn reuse_does_not_allocate() {
    let mut fw = Framework::new();
    let h = sent(&mut fw, Origin::Created);
    fw.target_complete(&h, done(Status::SUCCESS, 8)).unwrap();
    let allocations = fw.pool().allocations_count();
    let slots = fw.pool().slots_count();
    let address = fw.pool().body_address(&h);
    assert!(address.is_some());
    for round in 0..100 {
        fw.reuse(&h, Status(round), NO_FLAGS).unwrap();
        fw.format(&h, FormatKind::Read).unwrap();
        fw.set_completion_callback(&h, CB, CTX).unwrap();
        fw.send(&h, T0, ASYNC, false, false).unwrap();
        fw.target_complete(&h, done(Status::SUCCESS, 8)).unwrap();
    }
    assert_eq!(fw.pool().allocations_count(), allocations);
    assert_eq!(fw.pool().slots_count(), slots);
    assert_eq!(fw.pool().body_address(&h), address, "the body moved");

    // Creating anew does allocate, so the counter can tell the two apart,
    // and the new body lives elsewhere, so the address can too.
    let other = fw.create_request().unwrap();
    assert_eq!(fw.pool().allocations_count(), allocations + 1);
    let other_address = fw.pool().body_address(&other);
    assert!(other_address.is_some() && other_address != address);
    fw.delete(&other).unwrap();
    assert_eq!(fw.pool().body_address(&other), None);
}

#[test]
fn cancel_reports_whether_outstanding_and_leaves_the_send_to_the_target() {
    let mut fw = Framework::new();
    let h = fw.create_request().unwrap();
    assert_eq!(fw.cancel_sent_request(&h), Ok(false));
    fw.format(&h, FormatKind::Read).unwrap();
    fw.send(&h, T1, ASYNC, false, false).unwrap();
    assert_eq!(fw.cancel_sent_request(&h), Ok(true));
    assert_eq!(
        fw.outstanding(T1).len(),
        1,
        "cancel finished the send itself"
    );
    assert!(fw.outstanding(T1)[0].cancel_requested);
    assert_eq!(
        fw.reuse(&h, Status::SUCCESS, NO_FLAGS),
        Err(SimError::ReuseWhilePending {
            request: h,
            target: T1
        })
    );
    fw.target_complete(&h, done(Status::CANCELLED, 0)).unwrap();
    assert_eq!(fw.outstanding(T1), &[]);
    assert_eq!(fw.cancel_sent_request(&h), Ok(false));
}

#[test]
fn completion_params_are_readable_while_outstanding() {
    let mut fw = Framework::new();
    let h = fw.create_request().unwrap();
    fw.reuse(&h, Status::DEVICE_NOT_READY, NO_FLAGS).unwrap();
    fw.format(&h, FormatKind::Ioctl).unwrap();
    fw.send(&h, T0, ASYNC, false, false).unwrap();
    assert_eq!(
        fw.completion_params(&h),
        Ok(done(Status::DEVICE_NOT_READY, 0))
    );
}

#[test]
fn send_without_callback_is_allowed_and_invokes_nothing() {
    let mut fw = Framework::new();
    let h = fw.create_request().unwrap();
    fw.format(&h, FormatKind::Read).unwrap();
    fw.send(&h, T0, ASYNC, false, false).unwrap();
    fw.target_complete(&h, done(Status::SUCCESS, 3)).unwrap();
    assert_eq!(drained(&mut fw), vec![]);
    assert_eq!(fw.completion_params(&h), Ok(done(Status::SUCCESS, 3)));
}

#[test]
fn completing_and_deleting_end_the_request() {
    let mut fw = Framework::new();
    let received = fw.receive_request(QueueId(3)).unwrap();
    let created = fw.create_request().unwrap();
    fw.complete(&received, Status::SUCCESS, 1).unwrap();
    fw.delete(&created).unwrap();
    assert_eq!(fw.requests_live_count(), 0);
    fw.check_invariants().unwrap();
}

type Setup = fn(&mut Framework) -> Handle;
type Call = fn(&mut Framework, &Handle) -> Result<(), SimError>;

fn owned_created(fw: &mut Framework) -> Handle {
    fw.create_request().unwrap()
}
fn owned_received(fw: &mut Framework) -> Handle {
    fw.receive_request(QueueId(1)).unwrap()
}
fn sent_created(fw: &mut Framework) -> Handle {
    sent(fw, Origin::Created)
}
fn sent_received(fw: &mut Framework) -> Handle {
    sent(fw, Origin::Received)
}
fn deleted(fw: &mut Framework) -> Handle {
    let h = sent(fw, Origin::Created);
    fw.target_complete(&h, done(Status::SUCCESS, 0)).unwrap();
    fw.delete(&h).unwrap();
    h
}
fn completed(fw: &mut Framework) -> Handle {
    let h = sent(fw, Origin::Received);
    fw.target_complete(&h, done(Status::SUCCESS, 0)).unwrap();
    fw.complete(&h, Status::SUCCESS, 0).unwrap();
    h
}

/// A received request formatted for a read, with no callback.
fn cancelled_created(fw: &mut Framework) -> Handle {
    let h = fw.create_request().unwrap();
    fw.format(&h, FormatKind::Read).unwrap();
    fw.cancel_sent_request(&h).unwrap();
    h
}
fn reused_formatted_received(fw: &mut Framework) -> Handle {
    let h = formatted_received(fw);
    fw.reuse(&h, Status::SUCCESS, NO_FLAGS).unwrap();
    h
}
fn formatted_received(fw: &mut Framework) -> Handle {
    let h = fw.receive_request(QueueId(1)).unwrap();
    fw.format(&h, FormatKind::Read).unwrap();
    h
}
fn forgotten(fw: &mut Framework) -> Handle {
    let h = fw.receive_request(QueueId(1)).unwrap();
    fw.send(&h, T0, SendMode::Forget, false, false).unwrap();
    h
}
/// A created request marked must-complete by one Reuse, and unmarked by
/// the next.
fn unmarked_created(fw: &mut Framework) -> Handle {
    let h = fw.create_request().unwrap();
    fw.reuse(&h, Status::SUCCESS, NEW_IRP_MUST_COMPLETE)
        .unwrap();
    fw.reuse(&h, Status::SUCCESS, NO_FLAGS).unwrap();
    h
}

const FORMAT: Call = |fw, h| fw.format(h, FormatKind::Read);
const REGISTER: Call = |fw, h| fw.set_completion_callback(h, CB, None);
const SEND: Call = |fw, h| fw.send(h, T0, ASYNC, false, false);
const SYNC: Call = |fw, h| {
    fw.send(
        h,
        T0,
        SendMode::Sync(done(Status::SUCCESS, 1)),
        false,
        false,
    )
};
const FORGET: Call = |fw, h| fw.send(h, T0, SendMode::Forget, false, false);
const CANCEL: Call = |fw, h| fw.cancel_sent_request(h).map(drop);
const REUSE: Call = |fw, h| fw.reuse(h, Status::SUCCESS, NO_FLAGS);
const REUSE_NEW_IRP: Call = |fw, h| fw.reuse(h, Status::SUCCESS, NEW_IRP);
const REUSE_MUST_COMPLETE: Call = |fw, h| fw.reuse(h, Status::SUCCESS, MUST_COMPLETE);
const REUSE_BOTH: Call = |fw, h| fw.reuse(h, Status::SUCCESS, NEW_IRP_MUST_COMPLETE);
const PARAMS: Call = |fw, h| fw.completion_params(h).map(drop);
const COMPLETE: Call = |fw, h| fw.complete(h, Status::SUCCESS, 0);
const DELETE: Call = |fw, h| fw.delete(h);
const FINISH: Call = |fw, h| fw.target_complete(h, done(Status::SUCCESS, 0));

/// Every driver call, by its trace name (and a variant), for the
/// stale-handle rows; a test holds it to [`CallKind::ALL`].
const EVERY_CALL: &[(&str, Call)] = &[
    ("format", FORMAT),
    ("set_completion", REGISTER),
    ("send", SEND),
    ("send sync", SYNC),
    ("send forget", FORGET),
    ("cancel", CANCEL),
    ("reuse", REUSE),
    ("reuse with flags", REUSE_BOTH),
    ("status", PARAMS),
    ("complete", COMPLETE),
    ("delete", DELETE),
];

/// One row per refusal: the settings, how the request got there, the
/// call, the rule.
#[rustfmt::skip]
const REFUSALS: &[(&str, Settings, Setup, Call, RuleId)] = &[
    ("format sent",           UMDF1, sent_created,   FORMAT,   RuleId::ModifyWhilePending),
    ("register sent",         UMDF1, sent_received,  REGISTER, RuleId::ModifyWhilePending),
    ("format sent, no verifier", KMDF_NO_VERIFIER, sent_created, FORMAT, RuleId::ModifyWhilePending),
    ("send sent",             UMDF1, sent_created,   SEND,     RuleId::SendWhilePending),
    ("sync sent",             KMDF,  sent_created,   SYNC,     RuleId::SendWhilePending),
    ("forget sent",           KMDF,  sent_received,  FORGET,   RuleId::ForgetFormatted),
    ("send sent, no verifier", KMDF_NO_VERIFIER, sent_received, SEND, RuleId::SendWhilePending),
    ("send unformatted",      UMDF1, owned_created,  SEND,     RuleId::SendUnformatted),
    ("sync unformatted",      KMDF,  owned_created,  SYNC,     RuleId::SendUnformatted),
    // The missing callback comes before the formatting (WdfRequestSend
    // checks it before FxIoTarget::SubmitLocked).
    ("send unformatted received", KMDF, owned_received, SEND,
        RuleId::SendReceivedWithoutCallback),
    ("send unformatted received, umdf1", UMDF1, owned_received, SEND, RuleId::SendUnformatted),
    ("send cancelled",        KMDF,  cancelled_created, SEND,  RuleId::SendCancelled),
    ("forget reused after a format", KMDF, reused_formatted_received, FORGET,
        RuleId::ForgetFormatted),
    ("send received without callback", KMDF, formatted_received, SEND,
        RuleId::SendReceivedWithoutCallback),
    ("send received without callback, no verifier", KMDF_NO_VERIFIER, owned_received, SEND,
        RuleId::SendReceivedWithoutCallback),
    ("forget created",        KMDF,  owned_created,  FORGET,   RuleId::ForgetCreated),
    ("forget created, umdf1", UMDF1, owned_created,  FORGET,   RuleId::ForgetCreated),
    ("forget formatted",      KMDF,  formatted_received, FORGET, RuleId::ForgetFormatted),
    ("forget formatted, no verifier", KMDF_NO_VERIFIER, formatted_received, FORGET,
        RuleId::ForgetFormatted),
    ("reuse sent",            UMDF1, sent_received,  REUSE,    RuleId::ReuseWhilePending),
    ("reuse sent with bad flags", KMDF, sent_received, REUSE_NEW_IRP, RuleId::ReuseWhilePending),
    ("reuse flag under umdf1", UMDF1, owned_created, REUSE_NEW_IRP, RuleId::ReuseFlagUnavailable),
    ("must complete under umdf1", UMDF1, owned_received, REUSE_MUST_COMPLETE,
        RuleId::ReuseFlagUnavailable),
    ("must complete before 1.11", KMDF_1_9, owned_created, REUSE_BOTH,
        RuleId::ReuseFlagUnavailable),
    ("must complete at 1.7", KMDF_1_7, owned_received, REUSE_MUST_COMPLETE,
        RuleId::ReuseFlagUnavailable),
    ("new irp received",      KMDF,  owned_received, REUSE_NEW_IRP, RuleId::NewIrpReceived),
    ("new irp received and must complete", KMDF_1_11, owned_received, REUSE_BOTH,
        RuleId::NewIrpReceived),
    ("new irp sent received, no verifier", KMDF_NO_VERIFIER, sent_received, REUSE_NEW_IRP,
        RuleId::NewIrpReceived),
    ("must complete internal irp", KMDF, owned_created, REUSE_MUST_COMPLETE,
        RuleId::MustCompleteInternalIrp),
    ("must complete internal irp at 1.11", KMDF_1_11, owned_created, REUSE_MUST_COMPLETE,
        RuleId::MustCompleteInternalIrp),
    // A flag the framework lacks comes before the internal IRP.
    ("must complete internal irp at 1.9", KMDF_1_9, owned_created, REUSE_MUST_COMPLETE,
        RuleId::ReuseFlagUnavailable),
    ("complete sent",         UMDF1, sent_received,  COMPLETE, RuleId::CompleteWhilePending),
    ("complete sent created", UMDF1, sent_created,   COMPLETE, RuleId::CompleteWhilePending),
    ("complete created",      UMDF1, owned_created,  COMPLETE, RuleId::CompleteCreated),
    ("complete created, kmdf", KMDF, owned_created,  COMPLETE, RuleId::CompleteCreated),
    ("complete unmarked created", KMDF, unmarked_created, COMPLETE, RuleId::CompleteCreated),
    ("delete sent",           UMDF1, sent_created,   DELETE,   RuleId::DeleteWhilePending),
    ("delete sent received",  UMDF1, sent_received,  DELETE,   RuleId::DeleteWhilePending),
    ("delete received",       UMDF1, owned_received, DELETE,   RuleId::DeleteReceived),
    ("finish owned",          UMDF1, owned_created,  FINISH,   RuleId::TargetCompleteUnsent),
    ("finish deleted",        UMDF1, deleted,        FINISH,   RuleId::TargetCompleteUnsent),
    ("finish completed",      UMDF1, completed,      FINISH,   RuleId::TargetCompleteUnsent),
    ("finish forgotten",      KMDF,  forgotten,      FINISH,   RuleId::TargetCompleteUnsent),
];

/// A change a refusal leaves in the request.
type Leaves = fn(&mut Request);

/// What a refusal of [`REFUSALS`] leaves changed in the request, as the
/// framework's code does; rows not named here change nothing.
#[rustfmt::skip]
const LEAVES: &[(&str, Leaves)] = &[
    ("sync unformatted", |r| r.status = Status::REQUEST_NOT_ACCEPTED),
    ("send unformatted received", |r| r.status = Status::INVALID_DEVICE_REQUEST),
    ("send received without callback", |r| r.status = Status::INVALID_DEVICE_REQUEST),
    ("send received without callback, no verifier", |r| r.status = Status::INVALID_DEVICE_REQUEST),
    ("send cancelled", |r| r.status = Status::CANCELLED),
    ("forget created", |r| r.status = Status::INVALID_DEVICE_STATE),
    ("forget formatted", |r| r.status = Status::INVALID_DEVICE_REQUEST),
    // The I/O context is checked before anything about the send in flight.
    ("forget sent", |r| r.status = Status::INVALID_DEVICE_REQUEST),
    ("forget formatted, no verifier", |r| r.status = Status::INVALID_DEVICE_REQUEST),
    ("forget reused after a format", |r| r.status = Status::INVALID_DEVICE_REQUEST),
    // FxRequest::Reuse releases the request before it looks at the flags.
    ("new irp received", |r| r.release_for_reuse(true, true)),
    ("new irp received and must complete", |r| r.release_for_reuse(true, true)),
    ("new irp sent received, no verifier", |r| r.release_for_reuse(true, true)),
    ("must complete internal irp", |r| {
        r.release_for_reuse(true, true);
        r.reinitialise(Status::SUCCESS, NO_FLAGS, true);
    }),
    ("must complete internal irp at 1.11", |r| {
        r.release_for_reuse(true, true);
        r.reinitialise(Status::SUCCESS, NO_FLAGS, true);
    }),
];

/// Runs `call` on a request prepared by `setup` in a framework with
/// `settings`, alongside another live, outstanding request, and checks the
/// refusal and that nothing changed but what [`LEAVES`] says.
fn assert_refused_without_change(
    name: &str,
    settings: Settings,
    setup: Setup,
    call: Call,
    rule: RuleId,
) {
    let mut fw = Framework::with_settings(settings);
    let bystander = sent(&mut fw, Origin::Created);
    let h = setup(&mut fw);
    let mut expected = fw.clone();
    if let Some((_, leaves)) = LEAVES.iter().find(|(row, _)| *row == name) {
        leaves(expected.pool.get_mut(&h).expect("a live request"));
    }
    let refused = call(&mut fw, &h).expect_err(name);
    assert_eq!(refused.rule(), Some(rule), "{name}: {refused}");
    assert_eq!(
        fw, expected,
        "{name}: the refused call changed the framework"
    );
    fw.check_invariants().unwrap();
    assert!(fw.request(&bystander).is_some());
}

#[test]
fn refused_call_changes_nothing() {
    for &(name, settings, setup, call, rule) in REFUSALS {
        assert_refused_without_change(name, settings, setup, call, rule);
    }
}

#[test]
fn the_stale_handle_rows_try_every_kind_of_call() {
    for kind in crate::vocab::CallKind::ALL {
        let tried = EVERY_CALL
            .iter()
            .any(|(name, _)| name.split(' ').next() == Some(kind.name()));
        assert!(tried, "{kind} has no stale-handle row");
    }
}

#[test]
fn every_call_on_a_deleted_request_is_access_after_delete() {
    for &(name, call) in EVERY_CALL {
        assert_refused_without_change(name, KMDF, deleted, call, RuleId::AccessAfterDelete);
    }
}

#[test]
fn every_call_on_a_completed_request_is_access_after_complete() {
    for &(name, call) in EVERY_CALL {
        assert_refused_without_change(name, KMDF, completed, call, RuleId::AccessAfterComplete);
    }
}

#[test]
fn every_call_on_a_forgotten_request_is_access_after_forget() {
    for &(name, call) in EVERY_CALL {
        let rule = RuleId::AccessAfterForget;
        assert_refused_without_change(name, KMDF_NO_VERIFIER, forgotten, call, rule);
    }
}

#[test]
fn default_settings_are_umdf1_1_11_with_the_verifier() {
    assert_eq!(Framework::new().settings(), UMDF1);
    assert_eq!(Framework::with_settings(KMDF).settings(), KMDF);
}

#[test]
fn ordinary_lifecycle_is_accepted_in_every_setting() {
    for settings in Settings::all() {
        let mut fw = Framework::with_settings(settings);
        let created = sent(&mut fw, Origin::Created);
        let received = sent(&mut fw, Origin::Received);
        for h in [created, received] {
            fw.target_complete(&h, done(Status::SUCCESS, 2)).unwrap();
            fw.reuse(&h, Status::SUCCESS, NO_FLAGS).unwrap();
        }
        assert_eq!(drained(&mut fw).len(), 2, "{settings}");
        fw.delete(&created).unwrap();
        fw.complete(&received, Status::SUCCESS, 0).unwrap();
        assert_eq!(fw.requests_live_count(), 0, "{settings}");
        fw.check_invariants().unwrap();
    }
}

#[test]
fn legacy_1_7_reuse_keeps_the_callback_and_the_next_completion_invokes_it() {
    let mut fw = Framework::with_settings(KMDF_1_7);
    let h = fw.create_request().unwrap();
    fw.set_completion_callback(&h, CB, CTX).unwrap();
    fw.reuse(&h, Status::SUCCESS, NO_FLAGS).unwrap();
    let kept = Registration {
        callback: CB,
        context: CTX,
    };
    assert_eq!(fw.request(&h).unwrap().registration, Some(kept));
    fw.format(&h, FormatKind::Read).unwrap();
    fw.send(&h, T0, ASYNC, false, false).unwrap();
    let completion = done(Status::SUCCESS, 5);
    fw.target_complete(&h, completion).unwrap();
    let expected = Delivery {
        request: h,
        registration: kept,
        completion,
    };
    assert_eq!(drained(&mut fw), vec![expected]);

    // The invocation took the registration: a later Reuse has nothing to
    // keep, and the next send invokes nothing.
    fw.reuse(&h, Status::SUCCESS, NO_FLAGS).unwrap();
    fw.format(&h, FormatKind::Read).unwrap();
    fw.send(&h, T0, ASYNC, false, false).unwrap();
    fw.target_complete(&h, completion).unwrap();
    assert_eq!(drained(&mut fw), vec![], "the callback fired twice");
}

#[test]
fn reuse_from_1_9_drops_the_callback() {
    for settings in [KMDF_1_9, KMDF_1_11, KMDF, UMDF1] {
        let mut fw = Framework::with_settings(settings);
        let h = fw.create_request().unwrap();
        fw.set_completion_callback(&h, CB, CTX).unwrap();
        fw.reuse(&h, Status::SUCCESS, NO_FLAGS).unwrap();
        assert_eq!(fw.request(&h).unwrap().registration, None, "{settings}");
    }
}

#[test]
fn verifier_off_lets_reuse_of_an_outstanding_request_through() {
    let mut fw = Framework::with_settings(KMDF_NO_VERIFIER);
    let h = sent(&mut fw, Origin::Created);
    let before = fw.completion_params(&h).unwrap();
    fw.reuse(&h, Status::CANCELLED, NO_FLAGS).unwrap();
    let body = fw.request(&h).unwrap();
    assert_eq!(
        body.sent_to,
        Some(T0),
        "the request stopped being outstanding"
    );
    assert_eq!(fw.outstanding(T0).len(), 1);
    assert_eq!(
        body.completion(),
        before,
        "status changed while outstanding"
    );
    assert_eq!(body.formatted, None);
    assert_eq!(body.registration, None);
    fw.check_invariants().unwrap();

    // The cleared registration is not invoked when the target finishes.
    fw.target_complete(&h, done(Status::SUCCESS, 3)).unwrap();
    assert_eq!(drained(&mut fw), vec![], "a cleared callback fired");
    assert_eq!(fw.completion_params(&h), Ok(done(Status::SUCCESS, 3)));
}

#[test]
fn verifier_off_legacy_reuse_of_an_outstanding_request_keeps_the_callback() {
    let mut fw = Framework::with_settings(KMDF_1_7_NO_VERIFIER);
    let h = sent(&mut fw, Origin::Received);
    fw.reuse(&h, Status::CANCELLED, NO_FLAGS).unwrap();
    let completion = done(Status::SUCCESS, 3);
    fw.target_complete(&h, completion).unwrap();
    let got = drained(&mut fw);
    assert_eq!(got.len(), 1, "the kept callback was not invoked");
    assert_eq!(got[0].registration.callback, CB);
    assert_eq!(got[0].completion, completion);
}

#[test]
fn verifier_off_reuse_of_an_outstanding_request_applies_must_complete() {
    let settings = settings(Flavor::Kmdf, FrameworkVersion::V1_11, false);
    let mut fw = Framework::with_settings(settings);
    let h = sent(&mut fw, Origin::Created);
    fw.reuse(&h, Status::SUCCESS, NEW_IRP_MUST_COMPLETE)
        .unwrap();
    assert_eq!(
        fw.complete(&h, Status::SUCCESS, 0),
        Err(SimError::CompleteWhilePending {
            request: h,
            target: T0
        })
    );
    fw.target_complete(&h, done(Status::SUCCESS, 0)).unwrap();
    assert_eq!(fw.complete(&h, Status::SUCCESS, 0), Ok(()));
}

#[test]
fn verifier_off_lets_an_unformatted_send_through() {
    let mut fw = Framework::with_settings(KMDF_NO_VERIFIER);
    let h = fw.create_request().unwrap();
    fw.set_completion_callback(&h, CB, None).unwrap();
    assert_eq!(fw.send(&h, T1, ASYNC, false, false), Ok(()));
    assert_eq!(fw.request(&h).unwrap().sent_to, Some(T1));
    assert_eq!(fw.request(&h).unwrap().formatted, None);
    fw.target_complete(&h, done(Status::SUCCESS, 1)).unwrap();
    assert_eq!(drained(&mut fw).len(), 1);

    // Synchronously as well.
    let answer = done(Status::DEVICE_NOT_READY, 2);
    assert_eq!(
        fw.send(&h, T1, SendMode::Sync(answer), false, false),
        Ok(())
    );
    assert_eq!(fw.completion_params(&h), Ok(answer));
}

#[test]
fn send_without_callback_is_refused_only_for_an_async_received_request_under_kmdf() {
    // UMDF 1 lets a received request go out without a callback.
    let mut fw = Framework::with_settings(UMDF1);
    let h = formatted_received(&mut fw);
    assert_eq!(fw.send(&h, T0, ASYNC, false, false), Ok(()));

    // KMDF refuses it asynchronously, but not synchronously.
    let mut fw = Framework::with_settings(KMDF);
    let h = formatted_received(&mut fw);
    assert!(fw.send(&h, T0, ASYNC, false, false).is_err());
    let answer = done(Status::SUCCESS, 4);
    assert_eq!(
        fw.send(&h, T0, SendMode::Sync(answer), false, false),
        Ok(())
    );
    assert_eq!(fw.completion_params(&h), Ok(answer));

    // Nor for a created request.
    let c = fw.create_request().unwrap();
    fw.format(&c, FormatKind::Read).unwrap();
    assert_eq!(fw.send(&c, T0, ASYNC, false, false), Ok(()));
}

#[test]
fn sync_send_delivers_the_callback_inside_the_send_call() {
    let mut fw = Framework::with_settings(KMDF);
    let h = fw.receive_request(QueueId(0)).unwrap();
    fw.format(&h, FormatKind::Ioctl).unwrap();
    fw.set_completion_callback(&h, CB, CTX).unwrap();
    let answer = done(Status::DEVICE_NOT_READY, 11);
    fw.send(&h, T1, SendMode::Sync(answer), false, false)
        .unwrap();
    let expected = Delivery {
        request: h,
        registration: Registration {
            callback: CB,
            context: CTX,
        },
        completion: answer,
    };
    assert_eq!(drained(&mut fw), vec![expected]);
    let body = fw.request(&h).unwrap();
    assert!(
        !body.is_outstanding(),
        "a synchronous send stayed outstanding"
    );
    assert_eq!(fw.outstanding(T1), &[]);
    assert_eq!(body.completion(), answer);
    assert_eq!(body.formatted, None);
    assert_eq!(body.registration, None);
    assert_eq!(
        fw.target_complete(&h, answer),
        Err(SimError::TargetCompleteUnsent { request: h })
    );
    fw.check_invariants().unwrap();
}

#[test]
fn forget_frees_the_request_and_later_access_is_access_after_forget_after_recycling() {
    let mut fw = Framework::with_settings(KMDF);
    let old = fw.receive_request(QueueId(0)).unwrap();
    fw.format(&old, FormatKind::Current).unwrap();
    fw.send(&old, T0, SendMode::Forget, false, false).unwrap();
    assert_eq!(fw.requests_live_count(), 0, "the forgotten request lives");
    assert_eq!(
        fw.outstanding(T0),
        &[],
        "a forgotten request is outstanding"
    );

    let new = fw.receive_request(QueueId(0)).unwrap();
    assert_eq!(
        new.index(),
        old.index(),
        "slot not recycled: test proves nothing"
    );
    // The new request in the slot dies the ordinary way; the old handle
    // still says how its own request died.
    fw.complete(&new, Status::SUCCESS, 0).unwrap();
    let newer = fw.receive_request(QueueId(0)).unwrap();
    assert_eq!(newer.index(), old.index());

    let refused = SimError::AccessAfterForget { request: old };
    assert_eq!(fw.completion_params(&old), Err(refused));
    assert_eq!(fw.complete(&old, Status::SUCCESS, 0), Err(refused));
    assert_eq!(fw.reuse(&old, Status::SUCCESS, NO_FLAGS), Err(refused));
    assert_eq!(
        fw.complete(&new, Status::SUCCESS, 0),
        Err(SimError::AccessAfterComplete { request: new })
    );
    assert!(fw.request(&newer).is_some());
    fw.check_invariants().unwrap();
}

#[test]
fn forget_with_a_callback_is_let_through_and_never_invokes_it() {
    for settings in Settings::all() {
        let mut fw = Framework::with_settings(settings);
        let h = fw.receive_request(QueueId(0)).unwrap();
        fw.set_completion_callback(&h, CB, CTX).unwrap();
        assert_eq!(
            fw.send(&h, T0, SendMode::Forget, false, false),
            Ok(()),
            "{settings}"
        );
        assert_eq!(drained(&mut fw), vec![], "{settings}");
        assert!(fw.request(&h).is_none());
        assert_eq!(
            fw.target_complete(&h, done(Status::SUCCESS, 0))
                .map_err(|e| e.rule()),
            Err(Some(RuleId::TargetCompleteUnsent))
        );
        assert_eq!(drained(&mut fw), vec![], "{settings}");
    }
}

#[test]
fn must_complete_makes_complete_legal_for_a_created_request() {
    let mut fw = Framework::with_settings(KMDF_1_11);
    let h = fw.create_request().unwrap();
    assert!(fw.complete(&h, Status::SUCCESS, 0).is_err());
    fw.reuse(&h, Status::SUCCESS, NEW_IRP_MUST_COMPLETE)
        .unwrap();
    assert_eq!(fw.complete(&h, Status::SUCCESS, 3), Ok(()));
    // Completed, the created request is still the driver's: it owes no
    // second Complete, and it is deleted as any created request is.
    assert!(!fw.request(&h).expect("still live").must_complete);
    assert_eq!(
        fw.complete(&h, Status::SUCCESS, 3),
        Err(SimError::CompleteCreated { request: h })
    );
    assert_eq!(fw.delete(&h), Ok(()));
}

#[test]
fn new_irp_from_an_earlier_reuse_allows_must_complete_later() {
    let mut fw = Framework::with_settings(KMDF);
    let h = fw.create_request().unwrap();
    fw.reuse(&h, Status::SUCCESS, NEW_IRP).unwrap();
    fw.reuse(&h, Status::SUCCESS, NO_FLAGS).unwrap();
    assert_eq!(fw.reuse(&h, Status::SUCCESS, MUST_COMPLETE), Ok(()));
    assert!(fw.request(&h).unwrap().must_complete);
}

#[test]
fn created_request_marked_must_complete_may_still_be_deleted() {
    let mut fw = Framework::with_settings(KMDF);
    let h = fw.create_request().unwrap();
    fw.reuse(&h, Status::SUCCESS, NEW_IRP_MUST_COMPLETE)
        .unwrap();
    assert_eq!(fw.delete(&h), Ok(()));
    assert_eq!(
        fw.completion_params(&h),
        Err(SimError::AccessAfterDelete { request: h })
    );
}

#[test]
fn must_complete_on_a_received_request_changes_nothing_but_the_reuse() {
    let mut fw = Framework::with_settings(KMDF);
    let h = fw.receive_request(QueueId(0)).unwrap();
    fw.reuse(&h, Status::CANCELLED, MUST_COMPLETE).unwrap();
    let body = fw.request(&h).unwrap();
    assert!(!body.must_complete && !body.driver_irp);
    assert_eq!(body.status, Status::CANCELLED);
    assert_eq!(
        fw.delete(&h).map_err(|e| e.rule()),
        Err(Some(RuleId::DeleteReceived))
    );
}

#[test]
fn reuse_does_not_allocate_with_flags_either() {
    let mut fw = Framework::with_settings(KMDF);
    let h = fw.create_request().unwrap();
    let allocations = fw.pool().allocations_count();
    let address = fw.pool().body_address(&h);
    for flags in [NEW_IRP, NEW_IRP_MUST_COMPLETE, MUST_COMPLETE, NO_FLAGS] {
        fw.reuse(&h, Status::SUCCESS, flags).unwrap();
    }
    assert_eq!(fw.pool().allocations_count(), allocations);
    assert_eq!(fw.pool().body_address(&h), address, "the body moved");
}

#[test]
fn invariant_check_catches_a_send_the_target_does_not_hold() {
    let mut fw = Framework::new();
    let h = sent(&mut fw, Origin::Created);
    fw.check_invariants().unwrap();
    fw.targets[T0.0 as usize].finish(&h);
    assert!(fw.check_invariants().is_err());
    // The harness sees the same through the conformance contract.
    let through_contract = crate::harness::Conformance::check_invariants(&fw);
    assert_eq!(through_contract, fw.check_invariants());
}

#[test]
fn invariant_check_catches_a_target_holding_an_owned_request() {
    let mut fw = Framework::new();
    let h = fw.create_request().unwrap();
    fw.target_mut(T1).submit(h, false);
    assert!(fw.check_invariants().is_err());
}

#[test]
fn a_received_request_records_the_queue_that_presented_it() {
    let mut fw = Framework::new();
    let from_one = fw.receive_request(QueueId(1)).unwrap();
    let from_zero = fw.receive_request(QueueId(0)).unwrap();
    let created = fw.create_request().unwrap();
    let queue = |h| fw.request(h).map(|r| r.queue);
    assert_eq!(queue(&from_one), Some(Some(QueueId(1))));
    assert_eq!(queue(&from_zero), Some(Some(QueueId(0))));
    assert_eq!(queue(&created), Some(None));
}

/// A driver-created request, formatted, with a callback, not yet sent.
fn ready(fw: &mut Framework) -> Handle {
    let h = fw.create_request().unwrap();
    fw.format(&h, FormatKind::Read).unwrap();
    fw.set_completion_callback(&h, CB, CTX).unwrap();
    h
}

const LEAVE: TargetChange = TargetChange::Stop(crate::vocab::SentIoAction::Leave);

/// A send to a stopped target is queued, not outstanding at the device:
/// the target cannot finish it; a start sends it, and then it can.
#[test]
fn a_stopped_target_queues_sends_until_it_starts() {
    let mut fw = Framework::with_settings(KMDF);
    fw.change_target(T0, LEAVE).unwrap();
    let h = ready(&mut fw);
    fw.send(&h, T0, ASYNC, false, false).unwrap();
    assert!(fw.outstanding(T0).is_empty());
    assert_eq!(
        fw.target_complete(&h, done(Status::SUCCESS, 0)),
        Err(SimError::TargetCompleteUnsent { request: h })
    );
    fw.check_invariants().unwrap();
    fw.change_target(T0, TargetChange::Start).unwrap();
    assert_eq!(fw.outstanding(T0).len(), 1);
    fw.target_complete(&h, done(Status::SUCCESS, 2)).unwrap();
    let mut got = Vec::new();
    fw.drain_deliveries(&mut got);
    assert_eq!(got.len(), 1);
}

/// A purge fails the queue, oldest first, with
/// `STATUS_WDF_DEVICE_REMOVED_NOT_SENT`, invoking each callback; a send
/// after it fails unless it ignores the state, and a close refuses even
/// that.
#[test]
fn purge_fails_the_queue_and_refuses_later_sends() {
    let mut fw = Framework::with_settings(KMDF);
    fw.change_target(T0, LEAVE).unwrap();
    let (a, b) = (ready(&mut fw), ready(&mut fw));
    fw.send(&b, T0, ASYNC, false, false).unwrap();
    fw.send(&a, T0, ASYNC, false, false).unwrap();
    fw.change_target(T0, TargetChange::Purge).unwrap();
    let mut got = Vec::new();
    fw.drain_deliveries(&mut got);
    let failed = done(Status::WDF_DEVICE_REMOVED_NOT_SENT, 0);
    let order: Vec<(Handle, Completion)> = got.iter().map(|d| (d.request, d.completion)).collect();
    assert_eq!(order, vec![(b, failed), (a, failed)]);
    fw.format(&a, FormatKind::Read).unwrap();
    assert_eq!(
        fw.send(&a, T0, ASYNC, false, false),
        Err(SimError::SendTargetNotAccepting {
            request: a,
            target: T0
        })
    );
    assert_eq!(
        fw.completion_params(&a).unwrap().status,
        Status::INVALID_DEVICE_STATE
    );
    fw.send(&a, T0, ASYNC, false, true).unwrap();
    fw.change_target(T1, TargetChange::Close).unwrap();
    fw.format(&b, FormatKind::Read).unwrap();
    assert!(matches!(
        fw.send(&b, T1, ASYNC, false, true),
        Err(SimError::SendTargetNotAccepting { .. })
    ));
    fw.check_invariants().unwrap();
}

/// Cancelling a queued send, or its timeout firing, fails it at once;
/// a synchronous send to a stopped target is refused.
#[test]
fn a_queued_send_fails_at_once_when_cancelled_or_timed_out() {
    let mut fw = Framework::with_settings(KMDF);
    fw.change_target(T0, LEAVE).unwrap();
    let (a, b) = (ready(&mut fw), ready(&mut fw));
    fw.send(&a, T0, ASYNC, false, false).unwrap();
    fw.send(&b, T0, ASYNC, true, false).unwrap();
    assert_eq!(fw.cancel_sent_request(&a), Ok(true));
    fw.timed_out(&b).unwrap();
    let mut got = Vec::new();
    fw.drain_deliveries(&mut got);
    let statuses: Vec<Status> = got.iter().map(|d| d.completion.status).collect();
    assert_eq!(statuses, vec![Status::CANCELLED, Status::IO_TIMEOUT]);
    assert_eq!(fw.request(&a).map(|r| r.sent_to), Some(None));
    let c = ready(&mut fw);
    assert!(matches!(
        fw.send(
            &c,
            T0,
            SendMode::Sync(done(Status::SUCCESS, 0)),
            false,
            false
        ),
        Err(SimError::SyncSendWhileStopped { .. })
    ));
    fw.check_invariants().unwrap();
}

/// Under KMDF a request created without a target has no IRP: a format
/// with the current type, a status read and a send are refused until a
/// format for a target gives it one; UMDF 1's requests always have one.
#[test]
fn a_request_created_without_a_target_has_no_irp_until_formatted() {
    let mut fw = Framework::with_settings(KMDF);
    let h = fw.create_request_with(false).unwrap();
    assert_eq!(
        fw.format(&h, FormatKind::Current),
        Err(SimError::FormatCurrentWithoutIrp { request: h })
    );
    assert_eq!(
        fw.completion_params(&h),
        Err(SimError::StatusWithoutIrp { request: h })
    );
    fw.set_completion_callback(&h, CB, CTX).unwrap();
    assert_eq!(
        fw.send(&h, T0, ASYNC, false, false),
        Err(SimError::SendWithoutIrp { request: h })
    );
    fw.format_for(&h, FormatKind::Read, Some(T0)).unwrap();
    fw.send(&h, T0, ASYNC, false, false).unwrap();
    fw.check_invariants().unwrap();
    let mut umdf1 = Framework::with_settings(UMDF1);
    let h = umdf1.create_request_with(false).unwrap();
    assert!(umdf1.completion_params(&h).is_ok());
}
