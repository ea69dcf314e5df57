//! The checker on histories written by hand: races it must accept, and
//! the double completion, lost callback and impossible answer it must not.

use super::*;
use crate::vocab::build::*;
use crate::vocab::{
    CallbackId, CallbackRun, Completion, ContextId, Operation, Registration, Reply, Status,
    ThreadId,
};

const R0: RequestId = RequestId(0);
const R1: RequestId = RequestId(1);
const A: ThreadId = ThreadId(0);
const B: ThreadId = ThreadId(1);

/// Writes a history event by event on one logical clock.
#[derive(Default)]
struct Recorder {
    clock: u64,
    history: History,
}

impl Recorder {
    fn tick(&mut self) -> u64 {
        self.clock += 1;
        self.clock
    }

    /// `thread` invokes `step`; returns the operation's index.
    fn invoke(&mut self, thread: ThreadId, step: Step) -> usize {
        let invoked = self.tick();
        self.history.operations.push(Operation {
            thread,
            step,
            invoked,
            returned: None,
        });
        self.history.operations.len() - 1
    }

    fn returns(&mut self, op: usize, answered: Answered) {
        let at = self.tick();
        self.history.operations[op].returned = Some((at, answered));
    }

    /// `thread` makes `step`, which returns `answered` before anything else
    /// happens.
    fn done(&mut self, thread: ThreadId, step: Step, answered: Answered) -> usize {
        let op = self.invoke(thread, step);
        self.returns(op, answered);
        op
    }

    fn callback(&mut self, thread: ThreadId, delivery: Delivery) {
        let at = self.tick();
        self.history.callbacks.push(CallbackRun {
            thread,
            at,
            delivery,
        });
    }
}

const OK: Answered = Answered::Replied(Reply::Done);

fn delivered(request: RequestId) -> Delivery {
    Delivery {
        request,
        registration: Registration {
            callback: CallbackId(0),
            context: Some(ContextId(0)),
        },
        completion: Completion::SUCCESS,
    }
}

/// Thread A creates `r0`, formats it, registers cb0 with ctx0 and sends
/// it asynchronously.
fn sent(recorder: &mut Recorder, request: RequestId) {
    recorder.done(A, create(request), Answered::Introduced);
    recorder.done(A, format(request), OK);
    recorder.done(A, set_completion(request, 0, Some(0)), OK);
    recorder.done(A, send(request), OK);
}

fn verdict(history: &History) -> Verdict {
    check(history, Settings::default(), Budget::DEFAULT).expect("a well-formed history")
}

/// The model's reply to a cancel of `r0` after its send completed.
fn cancel_after_completion() -> Answered {
    let mut model = crate::model::Model::new();
    for step in [
        create(R0),
        format(R0),
        set_completion(R0, 0, Some(0)),
        send(R0),
        target_completes(R0, Status::SUCCESS, 0),
    ] {
        model.step(&step).expect("well-formed");
    }
    let judgement = model.step(&cancel(R0)).expect("well-formed");
    match judgement.outcome {
        Ok(accepted) => match accepted.reply {
            ExpectedReply::Cancel {
                returns: Some(was_outstanding),
            } => Answered::Replied(Reply::Cancel { was_outstanding }),
            other => panic!("a cancel of a completed send returns {other:?}"),
        },
        Err(violation) => Answered::Refused(Some(violation.rule)),
    }
}

#[test]
fn a_sequential_history_is_linearizable_in_its_own_order() {
    let mut recorder = Recorder::default();
    sent(&mut recorder, R0);
    let completes = recorder.invoke(B, target_completes(R0, Status::SUCCESS, 0));
    recorder.callback(B, delivered(R0));
    recorder.returns(completes, OK);
    let verdict = verdict(&recorder.history);
    assert_eq!(
        verdict,
        Verdict::Linearizable {
            orders: vec![(0..5).collect()]
        }
    );
}

/// A cancel that overlaps the target's completion, invoked after the
/// completion routine started, comes after the completion: it must answer
/// as a cancel of a completed send does, and then the history is
/// linearizable; answering as a cancel of an outstanding send that the
/// completion then finished is not, since by the callback's start the
/// completion had taken effect.
#[test]
fn a_cancel_invoked_after_the_callback_started_comes_after_the_completion() {
    let race = |answer: Answered| {
        let mut recorder = Recorder::default();
        sent(&mut recorder, R0);
        let completes = recorder.invoke(B, target_completes(R0, Status::SUCCESS, 0));
        recorder.callback(B, delivered(R0));
        let cancels = recorder.invoke(A, cancel(R0));
        recorder.returns(cancels, answer);
        recorder.returns(completes, OK);
        verdict(&recorder.history)
    };
    let after = cancel_after_completion();
    assert!(race(after).is_linearizable(), "{after}");
    let Answered::Replied(Reply::Cancel { was_outstanding }) = after else {
        panic!("the model accepts a cancel of a completed send: {after}");
    };
    let Verdict::NotLinearizable(counterexample) = race(Answered::Replied(Reply::Cancel {
        was_outstanding: !was_outstanding,
    })) else {
        panic!("the other answer is not linearizable");
    };
    assert_eq!(counterexample.requests, vec![R0]);
    assert_eq!(counterexample.longest.len(), 5, "{counterexample:?}");
}

/// The same cancel invoked before the completion routine started may come
/// first: then it is a cancel of an outstanding send, whose answer the
/// lower driver decides.
#[test]
fn a_cancel_invoked_before_the_callback_may_come_first() {
    let mut recorder = Recorder::default();
    sent(&mut recorder, R0);
    let cancels = recorder.invoke(A, cancel(R0));
    let completes = recorder.invoke(B, target_completes(R0, Status::SUCCESS, 0));
    recorder.callback(B, delivered(R0));
    recorder.returns(completes, OK);
    let after = cancel_after_completion();
    let Answered::Replied(Reply::Cancel { was_outstanding }) = after else {
        panic!("the model accepts a cancel of a completed send: {after}");
    };
    // The answer only a cancel of an outstanding send gives.
    recorder.returns(
        cancels,
        Answered::Replied(Reply::Cancel {
            was_outstanding: !was_outstanding,
        }),
    );
    assert!(verdict(&recorder.history).is_linearizable());
}

/// Two completion paths both invoked the routine: no order explains the
/// second run.
#[test]
fn a_routine_run_twice_for_one_completion_is_not_linearizable() {
    let mut recorder = Recorder::default();
    sent(&mut recorder, R0);
    let completes = recorder.invoke(B, target_completes(R0, Status::SUCCESS, 0));
    recorder.callback(B, delivered(R0));
    recorder.callback(A, delivered(R0));
    recorder.returns(completes, OK);
    let Verdict::NotLinearizable(counterexample) = verdict(&recorder.history) else {
        panic!("a double completion is not linearizable");
    };
    assert_eq!(counterexample.longest.len(), 5);
    // Either run may be the one no operation owes.
    assert_eq!(counterexample.unexplained.len(), 1);
    assert!(counterexample.blocked.is_empty());
}

/// A completion whose routine never ran is not linearizable, and the
/// counterexample says which callback the framework owed.
#[test]
fn a_completion_without_its_routine_is_blocked_on_the_missing_callback() {
    let mut recorder = Recorder::default();
    sent(&mut recorder, R0);
    recorder.done(B, target_completes(R0, Status::SUCCESS, 0), OK);
    let Verdict::NotLinearizable(counterexample) = verdict(&recorder.history) else {
        panic!("a lost callback is not linearizable");
    };
    assert_eq!(counterexample.longest, vec![0, 1, 2, 3]);
    assert_eq!(
        counterexample.blocked,
        vec![(4, Blocked::CallbackNotRun(delivered(R0)))]
    );
}

/// A routine that ran after its completion returned was not run during it.
#[test]
fn a_routine_run_after_its_completion_returned_is_not_its() {
    let mut recorder = Recorder::default();
    sent(&mut recorder, R0);
    recorder.done(B, target_completes(R0, Status::SUCCESS, 0), OK);
    recorder.callback(B, delivered(R0));
    assert!(!verdict(&recorder.history).is_linearizable());
}

/// A completion that never returned but whose routine ran took effect; one
/// whose routine never ran may be left out.
#[test]
fn an_operation_that_never_returned_is_placed_or_left_out() {
    let mut recorder = Recorder::default();
    sent(&mut recorder, R0);
    recorder.invoke(B, target_completes(R0, Status::SUCCESS, 0));
    recorder.callback(B, delivered(R0));
    assert!(verdict(&recorder.history).is_linearizable());

    let mut recorder = Recorder::default();
    sent(&mut recorder, R0);
    recorder.invoke(B, target_completes(R0, Status::SUCCESS, 0));
    let Verdict::Linearizable { orders } = verdict(&recorder.history) else {
        panic!("left out, it is linearizable");
    };
    assert_eq!(orders, vec![vec![0, 1, 2, 3]]);
}

/// Requests that share no changed target are parts of their own, each
/// searched alone.
#[test]
fn requests_are_split_unless_a_changed_target_joins_them() {
    let mut recorder = Recorder::default();
    sent(&mut recorder, R0);
    sent(&mut recorder, R1);
    let split = parts(&recorder.history);
    assert_eq!(split.len(), 2);
    assert_eq!(split[0].operations, vec![0, 1, 2, 3]);
    assert_eq!(split[1].requests, vec![R1]);
    recorder.done(
        B,
        target(crate::vocab::TargetChange::Stop(
            crate::vocab::SentIoAction::Cancel,
        )),
        OK,
    );
    let joined = parts(&recorder.history);
    assert_eq!(joined.len(), 1, "{joined:?}");
    assert_eq!(joined[0].requests, vec![R0, R1]);
}

/// A budget too small to decide gives an unknown verdict, never a pass.
#[test]
fn a_spent_budget_is_unknown_not_a_pass() {
    let mut recorder = Recorder::default();
    sent(&mut recorder, R0);
    let verdict =
        check(&recorder.history, Settings::default(), Budget { states: 2 }).expect("well-formed");
    assert!(matches!(verdict, Verdict::Unknown { .. }), "{verdict:?}");
}

#[test]
fn an_ill_formed_history_is_an_error_naming_the_operation() {
    let mut recorder = Recorder::default();
    let op = recorder.done(A, create(R0), Answered::Introduced);
    recorder.history.operations[op].returned = Some((1, Answered::Introduced));
    let error = check(&recorder.history, Settings::default(), Budget::DEFAULT).unwrap_err();
    assert_eq!(
        error.to_string(),
        "operation 0 returns at 1, not after its invocation at 1"
    );
}

/// A cancel that holds the send when the target completes it runs the
/// routine itself, during the cancel, after the target's completion
/// returned (the framework defers the completion to the holder): that is
/// linearizable. The same routine run during a cancel invoked after the
/// completion returned is not: nothing held the send then.
#[test]
fn a_routine_run_by_a_cancel_holding_the_send_is_the_completions() {
    let deferred = |cancel_first: bool| {
        let mut recorder = Recorder::default();
        sent(&mut recorder, R0);
        let (cancels, completes);
        if cancel_first {
            cancels = recorder.invoke(A, cancel(R0));
            completes = recorder.invoke(B, target_completes(R0, Status::SUCCESS, 0));
            recorder.returns(completes, OK);
        } else {
            completes = recorder.done(B, target_completes(R0, Status::SUCCESS, 0), OK);
            cancels = recorder.invoke(A, cancel(R0));
        }
        let _ = completes;
        recorder.callback(A, delivered(R0));
        recorder.returns(
            cancels,
            Answered::Replied(Reply::Cancel {
                was_outstanding: true,
            }),
        );
        verdict(&recorder.history)
    };
    assert!(deferred(true).is_linearizable(), "{:?}", deferred(true));
    assert!(!deferred(false).is_linearizable());
}

/// Two completions of one request whose routines are alike, the first
/// one's routine late: the first completion must take the later run, the
/// second the earlier one. A checker that gives an owed routine the
/// earliest run that matches rejects this history; every way of matching
/// runs is tried.
#[test]
fn alike_routines_are_matched_in_every_way_not_the_earliest_first() {
    let mut recorder = Recorder::default();
    sent(&mut recorder, R0);
    let completed = || target_completes(R0, Status::SUCCESS, 7);
    let first = recorder.invoke(B, completed());
    // Refused as unformatted: the first completion came before it.
    recorder.done(
        A,
        send(R0),
        Answered::Refused(Some(RuleId::SendUnformatted)),
    );
    recorder.done(A, reuse(R0, Status::SUCCESS), OK);
    recorder.done(A, set_completion(R0, 0, Some(0)), OK);
    recorder.done(A, format(R0), OK);
    recorder.done(A, send(R0), OK);
    let second = recorder.invoke(ThreadId(2), completed());
    let run = Delivery {
        completion: Completion::new(Status::SUCCESS, 7),
        ..delivered(R0)
    };
    recorder.callback(ThreadId(2), run);
    recorder.returns(second, OK);
    recorder.callback(B, run);
    recorder.returns(first, OK);
    let verdict = verdict(&recorder.history);
    assert!(verdict.is_linearizable(), "{verdict:#?}");
}
