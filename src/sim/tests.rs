//! Properties of the simulated framework, one test per claim; every refusal
//! has its own table row.

use super::*;
use crate::vocab::RuleId;

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
    fw.send(&h, T0).unwrap();
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
    assert_eq!(fw.reuse(&old, Status::SUCCESS), Err(refused));
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
    fw.reuse(&h, Status::SUCCESS).unwrap();
    assert_eq!(fw.request(&h).unwrap().registration, None);
    fw.format(&h, FormatKind::Read).unwrap();
    fw.send(&h, T0).unwrap();
    fw.target_complete(&h, done(Status::SUCCESS, 2)).unwrap();
    assert_eq!(drained(&mut fw), vec![], "a callback leaked across reuse");
}

#[test]
fn callback_registered_after_reuse_fires_with_its_own_context() {
    let mut fw = Framework::new();
    let h = fw.create_request().unwrap();
    fw.set_completion_callback(&h, CallbackId(1), Some(ContextId(1)))
        .unwrap();
    fw.reuse(&h, Status::SUCCESS).unwrap();
    fw.set_completion_callback(&h, CallbackId(2), None).unwrap();
    fw.format(&h, FormatKind::Write).unwrap();
    fw.send(&h, T1).unwrap();
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
    fw.send(&h, T0).unwrap();
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
        fw.send(&h, T0),
        Err(SimError::SendUnformatted { request: h })
    );
    fw.format(&h, FormatKind::Read).unwrap();
    assert_eq!(fw.send(&h, T0), Ok(()), "resend without reuse is allowed");
}

#[test]
fn reuse_sets_status_and_zeroes_information_of_a_created_request() {
    let mut fw = Framework::new();
    let h = sent(&mut fw, Origin::Created);
    fw.target_complete(&h, done(Status::SUCCESS, 64)).unwrap();
    fw.reuse(&h, Status::UNSUCCESSFUL).unwrap();
    assert_eq!(fw.completion_params(&h), Ok(done(Status::UNSUCCESSFUL, 0)));
    assert_eq!(fw.request(&h).unwrap().formatted, None);
}

#[test]
fn reuse_keeps_information_of_a_received_request() {
    let mut fw = Framework::new();
    let h = sent(&mut fw, Origin::Received);
    fw.target_complete(&h, done(Status::SUCCESS, 64)).unwrap();
    fw.reuse(&h, Status::CANCELLED).unwrap();
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
        fw.reuse(&h, Status(round)).unwrap();
        fw.format(&h, FormatKind::Read).unwrap();
        fw.set_completion_callback(&h, CB, CTX).unwrap();
        fw.send(&h, T0).unwrap();
        fw.target_complete(&h, done(Status::SUCCESS, 8)).unwrap();
    }
    assert_eq!(fw.pool().allocations_count(), allocations);
    assert_eq!(fw.pool().slots_count(), slots);
    assert_eq!(fw.pool().body_address(&h), address, "the body moved");

    // Creating anew does allocate, so the counter can tell the two apart.
    let other = fw.create_request().unwrap();
    assert_eq!(fw.pool().allocations_count(), allocations + 1);
    fw.delete(&other).unwrap();
}

#[test]
fn cancel_reports_whether_outstanding_and_leaves_the_send_to_the_target() {
    let mut fw = Framework::new();
    let h = fw.create_request().unwrap();
    assert_eq!(fw.cancel_sent_request(&h), Ok(false));
    fw.format(&h, FormatKind::Read).unwrap();
    fw.send(&h, T1).unwrap();
    assert_eq!(fw.cancel_sent_request(&h), Ok(true));
    assert_eq!(
        fw.outstanding(T1).len(),
        1,
        "cancel finished the send itself"
    );
    assert!(fw.outstanding(T1)[0].cancel_requested);
    assert_eq!(
        fw.reuse(&h, Status::SUCCESS),
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
    fw.reuse(&h, Status::DEVICE_NOT_READY).unwrap();
    fw.format(&h, FormatKind::Ioctl).unwrap();
    fw.send(&h, T0).unwrap();
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
    fw.send(&h, T0).unwrap();
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
    assert_eq!(fw.presented_count(QueueId(3)), 1);
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

const FORMAT: Call = |fw, h| fw.format(h, FormatKind::Read);
const REGISTER: Call = |fw, h| fw.set_completion_callback(h, CB, None);
const SEND: Call = |fw, h| fw.send(h, T0);
const CANCEL: Call = |fw, h| fw.cancel_sent_request(h).map(drop);
const REUSE: Call = |fw, h| fw.reuse(h, Status::SUCCESS);
const PARAMS: Call = |fw, h| fw.completion_params(h).map(drop);
const COMPLETE: Call = |fw, h| fw.complete(h, Status::SUCCESS, 0);
const DELETE: Call = |fw, h| fw.delete(h);
const FINISH: Call = |fw, h| fw.target_complete(h, done(Status::SUCCESS, 0));

/// Every driver call, by name, for the stale-handle rows.
const EVERY_CALL: &[(&str, Call)] = &[
    ("format", FORMAT),
    ("set_callback", REGISTER),
    ("send", SEND),
    ("cancel", CANCEL),
    ("reuse", REUSE),
    ("params", PARAMS),
    ("complete", COMPLETE),
    ("delete", DELETE),
];

/// One row per refusal: how the request got there, the call, the rule.
#[rustfmt::skip]
const REFUSALS: &[(&str, Setup, Call, RuleId)] = &[
    ("format sent",           sent_created,   FORMAT,   RuleId::ModifyWhilePending),
    ("register sent",         sent_received,  REGISTER, RuleId::ModifyWhilePending),
    ("send sent",             sent_created,   SEND,     RuleId::SendWhilePending),
    ("send unformatted",      owned_created,  SEND,     RuleId::SendUnformatted),
    ("reuse sent",            sent_received,  REUSE,    RuleId::ReuseWhilePending),
    ("complete sent",         sent_received,  COMPLETE, RuleId::CompleteWhilePending),
    ("complete sent created", sent_created,   COMPLETE, RuleId::CompleteWhilePending),
    ("complete created",      owned_created,  COMPLETE, RuleId::CompleteCreated),
    ("delete sent",           sent_created,   DELETE,   RuleId::DeleteWhilePending),
    ("delete sent received",  sent_received,  DELETE,   RuleId::DeleteWhilePending),
    ("delete received",       owned_received, DELETE,   RuleId::DeleteReceived),
    ("finish owned",          owned_created,  FINISH,   RuleId::TargetCompleteUnsent),
    ("finish deleted",        deleted,        FINISH,   RuleId::TargetCompleteUnsent),
    ("finish completed",      completed,      FINISH,   RuleId::TargetCompleteUnsent),
];

/// Runs `call` on a request prepared by `setup` alongside another live,
/// outstanding request, and checks the refusal and that nothing changed.
fn assert_refused_without_change(name: &str, setup: Setup, call: Call, rule: RuleId) {
    let mut fw = Framework::new();
    let bystander = sent(&mut fw, Origin::Created);
    let h = setup(&mut fw);
    let before = fw.clone();
    let refused = call(&mut fw, &h).expect_err(name);
    assert_eq!(refused.rule(), Some(rule), "{name}: {refused}");
    assert_eq!(fw, before, "{name}: the refused call changed the framework");
    fw.check_invariants().unwrap();
    assert!(fw.request(&bystander).is_some());
}

#[test]
fn refused_call_changes_nothing() {
    for &(name, setup, call, rule) in REFUSALS {
        assert_refused_without_change(name, setup, call, rule);
    }
}

#[test]
fn every_call_on_a_deleted_request_is_access_after_delete() {
    for &(name, call) in EVERY_CALL {
        assert_refused_without_change(name, deleted, call, RuleId::AccessAfterDelete);
    }
}

#[test]
fn every_call_on_a_completed_request_is_access_after_complete() {
    for &(name, call) in EVERY_CALL {
        assert_refused_without_change(name, completed, call, RuleId::AccessAfterComplete);
    }
}

#[test]
fn invariant_check_catches_a_send_the_target_does_not_hold() {
    let mut fw = Framework::new();
    let h = sent(&mut fw, Origin::Created);
    fw.check_invariants().unwrap();
    fw.targets[usize::from(T0.0)].finish(&h);
    assert!(fw.check_invariants().is_err());
}

#[test]
fn invariant_check_catches_a_target_holding_an_owned_request() {
    let mut fw = Framework::new();
    let h = fw.create_request().unwrap();
    fw.target_mut(T1).submit(h);
    assert!(fw.check_invariants().is_err());
}
