//! The harness catches hand-broken copies of the simulated framework,
//! names the rule each breaks, shrinks to the minimal sequence, and reports
//! a panicking implementation as a divergence instead of crashing.

use wdfreq::harness::{
    Budget, CaseConfig, Conformance, DivergenceKind, HuntConfig, HuntReport, Refusal, Seed,
    execute, generated_steps, hunt, run_case,
};
use wdfreq::sim::{Framework, Handle};
use wdfreq::vocab::{
    Call, Completion, Delivery, QueueId, Reply, RuleId, Step, TargetChange, TargetId,
};

/// A simulated framework with one behaviour changed.
struct Broken {
    inner: Framework,
    bug: Bug,
}

#[derive(Clone, Copy)]
enum Bug {
    /// Reuse keeps the completion callback (frameworks before 1.9).
    KeepsCallbackAcrossReuse,
    /// A send of a request still at its target is accepted (and does
    /// nothing), where the framework refuses it fatally.
    SendsWhileOutstanding,
    /// The implementation panics when asked for a status.
    PanicsOnStatusRead,
    /// Two bugs that name no rule: a cancel answers the opposite of
    /// whether the send was outstanding, and a legal Delete is refused.
    CancelInvertedAndDeleteRefused,
}

impl Conformance for Broken {
    type Handle = Handle;

    fn create_request(&mut self, irp: bool) -> Result<Handle, Refusal> {
        self.inner.create_request_with(irp).map_err(Refusal::from)
    }

    fn receive_request(&mut self, queue: QueueId) -> Result<Handle, Refusal> {
        self.inner.receive_request(queue).map_err(Refusal::from)
    }

    fn perform(&mut self, request: &Handle, call: &Call) -> Result<Reply, Refusal> {
        match (self.bug, call) {
            (Bug::KeepsCallbackAcrossReuse, Call::Reuse { .. }) => {
                let kept = self.inner.request(request).and_then(|r| r.registration);
                let reply = self.inner.perform(request, call)?;
                if let Some(kept) = kept {
                    self.inner
                        .set_completion_callback(request, kept.callback, kept.context)?;
                }
                Ok(reply)
            }
            // Every other check of Send still runs.
            (Bug::SendsWhileOutstanding, Call::Send { .. }) => {
                match self.inner.perform(request, call) {
                    Err(Refusal::Rule(RuleId::SendWhilePending)) => Ok(Reply::Done),
                    other => other,
                }
            }
            (Bug::PanicsOnStatusRead, Call::ReadStatus) => {
                panic!("status register unmapped")
            }
            (Bug::CancelInvertedAndDeleteRefused, Call::Cancel) => {
                match self.inner.perform(request, call)? {
                    Reply::Cancel { was_outstanding } => Ok(Reply::Cancel {
                        was_outstanding: !was_outstanding,
                    }),
                    other => Ok(other),
                }
            }
            (Bug::CancelInvertedAndDeleteRefused, Call::Delete) => {
                match self.inner.perform(request, call) {
                    Ok(_) => Err(Refusal::Failed("delete: handle table locked".into())),
                    refused => refused,
                }
            }
            _ => self.inner.perform(request, call),
        }
    }

    fn target_complete(&mut self, request: &Handle, completion: Completion) -> Result<(), Refusal> {
        Conformance::target_complete(&mut self.inner, request, completion)
    }

    fn timed_out(&mut self, request: &Handle) -> Result<(), Refusal> {
        Conformance::timed_out(&mut self.inner, request)
    }

    fn change_target(&mut self, target: TargetId, change: TargetChange) -> Result<(), Refusal> {
        Conformance::change_target(&mut self.inner, target, change)
    }

    fn drain_deliveries(&mut self, into: &mut Vec<Delivery<Handle>>) {
        self.inner.drain_deliveries(into)
    }
}

fn hunt_broken(bug: Bug, seed: u64) -> HuntReport {
    let config = HuntConfig {
        seed: Seed(seed),
        budget: Budget::Cases(2000),
        case: CaseConfig::default(),
    };
    let make = move || Broken {
        inner: Framework::new(),
        bug,
    };
    hunt(&config, make, &mut |_| {})
}

/// Property: a framework that keeps the callback across Reuse is caught as
/// `callback-leak` for every seed tried, shrunk to the five steps it takes
/// (create, register, reuse, format, synchronous send) or, where the
/// shrinker keeps an asynchronous send, to six (its completion is a step
/// of its own), or to seven where the send waits at a stopped target and a
/// cancel fails it (stop, create, register, reuse, format, send, cancel: no
/// single deletion or merge shortens that one); at least one seed reaches
/// five.
#[test]
fn callback_kept_across_reuse_is_caught_as_callback_leak_in_five_to_seven_steps() {
    let mut lengths = Vec::new();
    for seed in 0..5 {
        let report = hunt_broken(Bug::KeepsCallbackAcrossReuse, seed);
        let failure = report.verdict.into_failure().expect("the leak is found");
        assert_eq!(failure.divergence.rule(), Some(RuleId::CallbackLeak));
        let report = failure.divergence.report(&failure.steps).to_string();
        assert!(failure.steps.len() <= 7, "{report}");
        lengths.push(failure.steps.len());
    }
    assert_eq!(lengths.iter().min(), Some(&5), "{lengths:?}");
}

/// Property: a framework that accepts a send of a request still at its
/// target is caught as `send-while-pending` in four steps (create, format,
/// send, send).
#[test]
fn send_while_outstanding_is_caught_in_four_steps() {
    for seed in 0..5 {
        let failure = hunt_broken(Bug::SendsWhileOutstanding, seed)
            .verdict
            .into_failure()
            .expect("found");
        assert_eq!(failure.divergence.rule(), Some(RuleId::SendWhilePending));
        assert!(matches!(
            failure.divergence.kind,
            DivergenceKind::AcceptedIllegal { .. }
        ));
        assert_eq!(
            failure.steps.len(),
            4,
            "{}",
            failure.divergence.report(&failure.steps)
        );
    }
}

/// Property: a panic inside the implementation is a reported divergence
/// carrying the panic message, the line that panicked and a two-step
/// sequence, not a crash of the harness.
#[test]
fn implementation_panic_is_reported_as_divergence_with_its_location() {
    let failure = hunt_broken(Bug::PanicsOnStatusRead, 1)
        .verdict
        .into_failure()
        .expect("found");
    let DivergenceKind::Panicked { message, location } = &failure.divergence.kind else {
        panic!("not a panic: {:?}", failure.divergence);
    };
    assert_eq!(message, "status register unmapped");
    assert_eq!(location.as_deref(), Some(PANIC_LINE));
    assert_eq!(failure.steps.len(), 2);
    let report = failure.divergence.report(&failure.steps).to_string();
    assert!(
        report.contains(&format!("  --> {PANIC_LINE}\n")),
        "{report}"
    );
}

/// Where `Bug::PanicsOnStatusRead` panics.
const PANIC_LINE: &str = "tests/harness_catches_broken.rs:64:17";

/// Property: a failing case replays from its own seed alone, to the same
/// shrunk sequence (what `hunt` prints as the replay command).
#[test]
fn failing_case_replays_from_its_seed() {
    let first = hunt_broken(Bug::KeepsCallbackAcrossReuse, 3)
        .verdict
        .into_failure()
        .expect("found");
    let config = HuntConfig {
        seed: first.seed,
        budget: Budget::Cases(1),
        case: CaseConfig::default(),
    };
    let make = || Broken {
        inner: Framework::new(),
        bug: Bug::KeepsCallbackAcrossReuse,
    };
    let replay = hunt(&config, make, &mut |_| {});
    assert_eq!(replay.verdict.into_failure(), Some(first));
}

/// A wrapper whose handles are small numbers, and whose bug recycles the
/// number of a deleted or completed request for the next one introduced (a
/// slot reused without a new generation).
struct Recycling {
    inner: Framework,
    /// The simulated framework's handle behind each number; `None` once
    /// the request is gone, and the number free again.
    slots: Vec<Option<Handle>>,
}

impl Recycling {
    fn introduce(&mut self, handle: Handle) -> usize {
        match self.slots.iter().position(Option::is_none) {
            Some(free) => {
                self.slots[free] = Some(handle);
                free
            }
            None => {
                self.slots.push(Some(handle));
                self.slots.len() - 1
            }
        }
    }

    fn inner(&self, number: usize) -> Result<Handle, Refusal> {
        self.slots
            .get(number)
            .copied()
            .flatten()
            .ok_or_else(|| Refusal::Failed(format!("no request numbered {number}")))
    }
}

impl Conformance for Recycling {
    type Handle = usize;

    fn create_request(&mut self, irp: bool) -> Result<usize, Refusal> {
        let handle = self.inner.create_request_with(irp)?;
        Ok(self.introduce(handle))
    }

    fn receive_request(&mut self, queue: QueueId) -> Result<usize, Refusal> {
        let handle = self.inner.receive_request(queue)?;
        Ok(self.introduce(handle))
    }

    fn perform(&mut self, request: &usize, call: &Call) -> Result<Reply, Refusal> {
        let handle = self.inner(*request)?;
        let reply = self.inner.perform(&handle, call)?;
        if self.inner.request(&handle).is_none() {
            // Gone (deleted, completed, forgotten): the bug frees its number.
            self.slots[*request] = None;
        }
        Ok(reply)
    }

    fn target_complete(&mut self, request: &usize, completion: Completion) -> Result<(), Refusal> {
        let handle = self.inner(*request)?;
        Conformance::target_complete(&mut self.inner, &handle, completion)
    }

    fn timed_out(&mut self, request: &usize) -> Result<(), Refusal> {
        let handle = self.inner(*request)?;
        Conformance::timed_out(&mut self.inner, &handle)
    }

    fn change_target(&mut self, target: TargetId, change: TargetChange) -> Result<(), Refusal> {
        Conformance::change_target(&mut self.inner, target, change)
    }

    fn drain_deliveries(&mut self, into: &mut Vec<Delivery<usize>>) {
        let mut inner = Vec::new();
        self.inner.drain_deliveries(&mut inner);
        for delivery in inner {
            let number = self.slots.iter().position(|s| *s == Some(delivery.request));
            into.push(delivery.map_request(|_| number.unwrap_or(usize::MAX)));
        }
    }
}

/// Property: an implementation that gives a new request the handle of one
/// the sequence introduced before (here a recycled number) is caught at
/// the step that returned it, as a duplicate handle, not by chance later.
#[test]
fn a_recycled_handle_is_caught_where_it_is_given() {
    let config = HuntConfig {
        seed: Seed(1),
        budget: Budget::Cases(2000),
        case: CaseConfig::default(),
    };
    let make = || Recycling {
        inner: Framework::new(),
        slots: Vec::new(),
    };
    let failure = hunt(&config, make, &mut |_| {})
        .verdict
        .into_failure()
        .expect("found");
    let report = failure.divergence.report(&failure.steps).to_string();
    let DivergenceKind::DuplicateHandle { request, holder } = failure.divergence.kind else {
        panic!("not a duplicate handle:\n{report}");
    };
    assert_ne!(request, holder);
    assert!(
        matches!(
            failure.steps.last(),
            Some(Step::Create { .. } | Step::Receive { .. })
        ),
        "{report}"
    );
    // Introduce, end it (a delete or a complete), introduce another.
    assert_eq!(failure.steps.len(), 3, "{report}");
}

/// Property: shrinking never switches symptoms. An implementation with two
/// bugs that name no rule (a wrong cancel reply, a refused legal Delete)
/// fails each case first with one of them, and the shrunk counterexample
/// shows that same one, though the other is often one deletion away.
#[test]
fn a_shrunk_failure_is_the_failure_first_found() {
    let config = CaseConfig::default();
    let make = || Broken {
        inner: Framework::new(),
        bug: Bug::CancelInvertedAndDeleteRefused,
    };
    let (mut replies, mut refusals) = (0, 0);
    for case in 0..200 {
        let seed = Seed(0x5eed).case(case);
        let steps = generated_steps(seed, &config);
        let Err(first) = execute(make(), config.settings, &steps, None, None) else {
            continue;
        };
        let shrunk = run_case(seed, &config, &make)
            .failure
            .expect("the same case fails when run_case runs it");
        match (&first.kind, &shrunk.divergence.kind) {
            (DivergenceKind::WrongReply { .. }, DivergenceKind::WrongReply { .. }) => replies += 1,
            (DivergenceKind::RefusedLegal { .. }, DivergenceKind::RefusedLegal { .. }) => {
                refusals += 1
            }
            (first, shrunk) => panic!("seed {seed}: found {first:?}, shrunk to {shrunk:?}"),
        }
    }
    // Both symptoms were found first, so neither half is vacuous.
    assert!(
        replies >= 5 && refusals >= 5,
        "{replies} replies, {refusals} refusals"
    );
}

/// The simulated framework with an invariant of its own that breaks once
/// it holds three requests (a table of two, say).
struct SmallTable(Framework);

impl Conformance for SmallTable {
    type Handle = Handle;

    fn create_request(&mut self, irp: bool) -> Result<Handle, Refusal> {
        Ok(self.0.create_request_with(irp)?)
    }
    fn receive_request(&mut self, queue: QueueId) -> Result<Handle, Refusal> {
        Ok(self.0.receive_request(queue)?)
    }
    fn perform(&mut self, request: &Handle, call: &Call) -> Result<Reply, Refusal> {
        Conformance::perform(&mut self.0, request, call)
    }
    fn target_complete(&mut self, request: &Handle, completion: Completion) -> Result<(), Refusal> {
        Conformance::target_complete(&mut self.0, request, completion)
    }
    fn timed_out(&mut self, request: &Handle) -> Result<(), Refusal> {
        Conformance::timed_out(&mut self.0, request)
    }
    fn change_target(&mut self, target: TargetId, change: TargetChange) -> Result<(), Refusal> {
        Conformance::change_target(&mut self.0, target, change)
    }
    fn drain_deliveries(&mut self, into: &mut Vec<Delivery<Handle>>) {
        self.0.drain_deliveries(into)
    }
    fn check_invariants(&self) -> Result<(), String> {
        match self.0.requests_live_count() {
            n if n > 2 => Err(format!("{n} requests in a table of two")),
            _ => Ok(()),
        }
    }
}

/// Property: an implementation's own invariant is checked every few steps
/// and at the end of every sequence, so a break is caught however short
/// the sequence, and shrinks to the three requests that break it.
#[test]
fn a_broken_invariant_is_caught_at_the_end_of_a_short_sequence_and_shrunk() {
    use wdfreq::harness::execute;
    use wdfreq::vocab::Settings;
    use wdfreq::vocab::build::{R0, R1, create};
    let three = [create(R0), create(R1), create(wdfreq::vocab::RequestId(2))];
    let divergence = execute(
        SmallTable(Framework::new()),
        Settings::default(),
        &three,
        None,
        None,
    )
    .expect_err("three requests break the table");
    assert_eq!(divergence.step, 2);
    assert!(matches!(divergence.kind, DivergenceKind::Invariant { .. }));
    let report = hunt(
        &HuntConfig {
            seed: Seed(1),
            budget: Budget::Cases(200),
            case: CaseConfig::default(),
        },
        || SmallTable(Framework::new()),
        &mut |_| {},
    );
    let failure = report.failure().expect("caught");
    assert!(matches!(
        failure.divergence.kind,
        DivergenceKind::Invariant { .. }
    ));
    assert_eq!(failure.steps.len(), 3, "{:?}", failure.steps);
}

/// The simulated framework, with a `Drop` that panics.
struct PanicsWhenDropped(wdfreq::sim::Framework);

impl Drop for PanicsWhenDropped {
    fn drop(&mut self) {
        panic!("the wrapper's drop broke");
    }
}

impl wdfreq::harness::Conformance for PanicsWhenDropped {
    type Handle = wdfreq::sim::Handle;
    fn create_request(&mut self, irp: bool) -> Result<Self::Handle, wdfreq::harness::Refusal> {
        wdfreq::harness::Conformance::create_request(&mut self.0, irp)
    }
    fn receive_request(
        &mut self,
        queue: wdfreq::vocab::QueueId,
    ) -> Result<Self::Handle, wdfreq::harness::Refusal> {
        wdfreq::harness::Conformance::receive_request(&mut self.0, queue)
    }
    fn perform(
        &mut self,
        request: &Self::Handle,
        call: &wdfreq::vocab::Call,
    ) -> Result<wdfreq::vocab::Reply, wdfreq::harness::Refusal> {
        wdfreq::harness::Conformance::perform(&mut self.0, request, call)
    }
    fn target_complete(
        &mut self,
        request: &Self::Handle,
        completion: wdfreq::vocab::Completion,
    ) -> Result<(), wdfreq::harness::Refusal> {
        wdfreq::harness::Conformance::target_complete(&mut self.0, request, completion)
    }
    fn timed_out(&mut self, request: &Self::Handle) -> Result<(), wdfreq::harness::Refusal> {
        wdfreq::harness::Conformance::timed_out(&mut self.0, request)
    }
    fn change_target(
        &mut self,
        target: wdfreq::vocab::TargetId,
        change: wdfreq::vocab::TargetChange,
    ) -> Result<(), wdfreq::harness::Refusal> {
        wdfreq::harness::Conformance::change_target(&mut self.0, target, change)
    }
    fn drain_deliveries(&mut self, into: &mut Vec<wdfreq::vocab::Delivery<Self::Handle>>) {
        wdfreq::harness::Conformance::drain_deliveries(&mut self.0, into)
    }
}

/// A panic in the implementation's factory or in its `Drop` is a
/// divergence of the implementation, named, on any number of workers: it
/// used to kill the hunt (exit 101) or, with two workers, hang it.
#[test]
fn a_panic_building_or_dropping_the_implementation_is_its_divergence() {
    use wdfreq::harness::{Budget, CaseConfig, HuntConfig, Seed, Workers, hunt_with};
    let config = HuntConfig {
        seed: Seed(1),
        budget: Budget::Cases(200),
        case: CaseConfig::default(),
    };
    for count in [1, 2] {
        let workers =
            Workers::one().with_count(std::num::NonZeroUsize::new(count).expect("not zero"));
        let make = || -> wdfreq::sim::Framework { panic!("the factory broke") };
        let report = hunt_with(&config, workers.clone(), make, &mut |_| {});
        let failure = report.failure().expect("a divergence");
        assert!(failure.steps.is_empty());
        assert!(
            matches!(&failure.divergence.kind, DivergenceKind::Panicked { message, location }
                if message == "while building the implementation: the factory broke"
                && location.as_deref().is_some_and(|l| l.starts_with("tests/harness_catches_broken.rs:"))),
            "{:?}",
            failure.divergence
        );
        let make = || PanicsWhenDropped(wdfreq::sim::Framework::new());
        let report = hunt_with(&config, workers, make, &mut |_| {});
        let failure = report.failure().expect("a divergence");
        assert!(
            matches!(&failure.divergence.kind, DivergenceKind::Panicked { message, .. }
                if message == "while dropping the implementation: the wrapper's drop broke"),
            "{:?}",
            failure.divergence
        );
    }
}
