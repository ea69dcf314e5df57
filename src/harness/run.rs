//! Model and implementation side by side: [`execute`] runs one sequence and
//! returns the first divergence; [`run_case`] generates one case from a
//! seed as it runs it (the model that judges each step is the one the next
//! step is drawn from), and shrinks a failure to a minimal sequence.

use std::collections::BTreeMap;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use super::conformance::{Conformance, Refusal};
use super::coverage::{Coverage, Depth};
use super::divergence::{Activity, Divergence, DivergenceKind};
use super::draw::{self, Draw, Steps};
use super::guard::guard;
use super::seed::Seed;
use super::watch::{Position, Watch};
use crate::model::{Accepted, Judgement, Life, Model};
use crate::vocab::{
    Call, Delivery, Observation, Reply, RequestId, SendMode, Settings, Step, TargetId, TargetState,
};

/// The name given to a delivery whose handle the harness never issued.
pub const UNKNOWN_REQUEST: RequestId = RequestId(u32::MAX);

/// What one call of the implementation returned.
enum Called<H> {
    Handle(H),
    Reply(Reply),
}

/// What the implementation answered to one step.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Answer {
    /// It created or received the request, and gave a handle for it.
    Introduced,
    /// It accepted the call (or the target's completion) and replied.
    Replied(Reply),
    /// It refused the call.
    Refused(Refusal),
}

/// One step both sides agreed on: what the model judged, what the
/// implementation answered and the callbacks it invoked. What a step
/// report shows (`wdfreq replay`) is rendered from this, never parsed back
/// from text.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Stepped {
    /// The implementation's answer; `None` when it was not called.
    pub answer: Option<Answer>,
    /// The callbacks it invoked during the step, oldest first, their
    /// requests named as the sequence names them.
    pub deliveries: Vec<Delivery>,
}

/// The model and one implementation, stepped together.
///
/// Each [`SideBySide::step`] performs one step on both and compares every
/// reply, refusal and delivered callback; the first disagreement is a
/// [`Divergence`]. After a divergence the pair is no longer in step: start
/// a new one.
pub struct SideBySide<I: Conformance> {
    implementation: I,
    model: Model,
    handles: BTreeMap<RequestId, I::Handle>,
    drained: Vec<Delivery<I::Handle>>,
    index: usize,
    /// The model's judgement of the latest step.
    judged: Option<Judgement>,
    /// Accepted Reuses of each request, for [`Depth`].
    reuses: BTreeMap<RequestId, u32>,
    /// Sends at each target, counted afresh for [`Depth`] after every
    /// step (kept to save an allocation per step).
    sent: Vec<(TargetId, u32)>,
    /// The implementation's invariants are checked after every this many
    /// judged steps, and by [`SideBySide::finish`].
    invariants_every: usize,
    /// Judged steps since the last check of the invariants.
    unchecked: usize,
    /// What happened, for a trace, when recording.
    recording: Option<Vec<Observation>>,
    /// Where the run is marked for a hunt's watchdog, in a hunt.
    watch: Option<Arc<Watch>>,
}

impl<I: Conformance> SideBySide<I> {
    /// A fresh model for `settings` beside `implementation`, which must be
    /// fresh too and implement the same settings. It may be owned or
    /// borrowed (`&mut I` implements [`Conformance`]).
    pub fn new(implementation: I, settings: Settings) -> Self {
        SideBySide {
            implementation,
            model: Model::with_settings(settings),
            handles: BTreeMap::new(),
            drained: Vec::new(),
            index: 0,
            judged: None,
            reuses: BTreeMap::new(),
            sent: Vec::new(),
            invariants_every: 1,
            unchecked: 0,
            recording: None,
            watch: None,
        }
    }

    /// Marks each step on `watch` as it starts, for a hunt's watchdog.
    pub(crate) fn watched(mut self, watch: Option<&Arc<Watch>>) -> Self {
        self.watch = watch.cloned();
        self
    }

    fn mark(&self, activity: Activity, step: usize) {
        if let Some(watch) = &self.watch {
            watch.mark(activity, step);
        }
    }

    /// Checks the implementation's invariants after every `n` steps (and
    /// at [`SideBySide::finish`]) instead of after every step: a hunt's
    /// cost, where a full check walks every request the implementation
    /// holds. A broken invariant is then reported up to `n - 1` steps
    /// late, at a later step; shrinking moves it back.
    pub fn checking_invariants_every(mut self, n: usize) -> Self {
        self.invariants_every = n.max(1);
        self
    }

    /// Ends the sequence: checks the implementation's invariants if a step
    /// was judged since they last were, then counts the model's
    /// end-of-sequence warnings in `coverage` (if given).
    pub fn finish(&mut self, coverage: Option<&mut Coverage>) -> Result<(), Divergence> {
        if self.unchecked > 0 {
            self.unchecked = 0;
            let step = self.index.saturating_sub(1);
            self.mark(Activity::Finishing, step);
            let implementation = &self.implementation;
            guard(|| implementation.check_invariants())
                .and_then(|checked| {
                    checked.map_err(|message| DivergenceKind::Invariant { message })
                })
                .map_err(|kind| Divergence { step, kind })?;
        }
        if let Some(coverage) = coverage {
            for finding in self.model.finish() {
                coverage.mark(finding.rule);
            }
        }
        Ok(())
    }

    /// Ends the pair, dropping the implementation: a panic in its `Drop` is
    /// a divergence of the implementation at the last step run, not a
    /// crash of the harness.
    pub fn close(self) -> Result<(), Divergence> {
        let step = self.index.saturating_sub(1);
        self.mark(Activity::Dropping, step);
        let implementation = self.implementation;
        guard(|| drop(implementation)).map_err(|kind| Divergence {
            step,
            kind: while_doing("dropping the implementation", kind),
        })
    }

    /// Records from now on what happens, as a trace would: every step the
    /// implementation accepts, the value of every status read, every
    /// callback it invokes (the divergent step's included).
    pub fn recording(mut self) -> Self {
        self.recording = Some(Vec::new());
        self
    }

    /// What was recorded so far (empty unless [`SideBySide::recording`]).
    pub fn take_recording(&mut self) -> Vec<Observation> {
        self.recording
            .as_mut()
            .map(std::mem::take)
            .unwrap_or_default()
    }

    /// The implementation, as of the last step.
    pub fn implementation(&self) -> &I {
        &self.implementation
    }

    /// The model, as of the last step.
    pub fn model(&self) -> &Model {
        &self.model
    }

    /// The model's judgement of the latest step, divergent or not; `None`
    /// before the first step and after an ill-formed one.
    pub fn last_judgement(&self) -> Option<&Judgement> {
        self.judged.as_ref()
    }

    /// Performs `step` on both, counting the rules it exercises in
    /// `coverage`, and returns what both did. A step that names a request
    /// the sequence never introduced, or introduces one twice, is skipped:
    /// such a sequence is ill-formed, not a divergence.
    pub fn step(
        &mut self,
        step: &Step,
        coverage: Option<&mut Coverage>,
    ) -> Result<Stepped, Divergence> {
        let index = self.index;
        self.index += 1;
        self.mark(Activity::Stepping, index);
        let judgement = self.model.step(step).ok();
        let mut coverage = coverage;
        let result = match &judgement {
            Some(judgement) => self.judged_step(step, judgement, coverage.as_deref_mut()),
            None => Ok(Stepped {
                answer: None,
                deliveries: Vec::new(),
            }),
        };
        if let (Some(coverage), Some(judgement)) = (coverage, &judgement) {
            self.measure(step, judgement, &mut coverage.depth);
        }
        // Kept whether or not the step diverged: a report of the
        // divergence shows what the model said.
        self.judged = judgement;
        result.map_err(|kind| Divergence { step: index, kind })
    }

    /// Updates `depth` with the model's state after `step`, judged as
    /// `judgement`.
    fn measure(&mut self, step: &Step, judgement: &Judgement, depth: &mut Depth) {
        if let (
            Step::Call {
                request,
                call: Call::Reuse { .. },
            },
            Ok(_),
        ) = (step, &judgement.outcome)
        {
            *self.reuses.entry(*request).or_insert(0) += 1;
        }
        for delivery in judgement.deliveries() {
            let reuses = self.reuses.get(&delivery.request).copied().unwrap_or(0);
            depth.reuses_before_completion = depth.reuses_before_completion.max(reuses);
        }
        // Requests alive and sends at a target change only with a step
        // that introduces a request, sends, finishes, cancels, ends one or
        // changes a target, and only when the model accepts it: the walk
        // over every request is skipped for the rest (most steps).
        let unchanged = judgement.outcome.is_err()
            || matches!(
                step,
                Step::Call {
                    call: Call::Format { .. }
                        | Call::SetCompletionCallback { .. }
                        | Call::ReadStatus,
                    ..
                }
            );
        if unchanged {
            return;
        }
        let mut live = 0u32;
        self.sent.clear();
        for (_, request) in self.model.requests() {
            live += u32::from(!request.is_dead());
            if let (Life::Outstanding, Some(target), None) =
                (request.life, request.target, request.queued)
            {
                match self.sent.iter_mut().find(|(t, _)| *t == target) {
                    Some((_, count)) => *count += 1,
                    None => self.sent.push((target, 1)),
                }
            }
        }
        depth.live_requests = depth.live_requests.max(live);
        let most = self.sent.iter().map(|(_, n)| *n).max().unwrap_or(0);
        depth.outstanding_at_one_target = depth.outstanding_at_one_target.max(most);
    }

    /// Performs a step the model has judged as `judgement` on the
    /// implementation, and compares.
    fn judged_step(
        &mut self,
        step: &Step,
        judgement: &Judgement,
        coverage: Option<&mut Coverage>,
    ) -> Result<Stepped, DivergenceKind> {
        if let Some(coverage) = coverage {
            coverage.record(judgement);
        }
        if judgement.is_unjudged() {
            // What follows is undefined: the implementation may do anything
            // with this request, so it is not asked, and nothing more about
            // the request is judged. The driver made the call all the same.
            if let (Some(recording), Step::Call { .. }) = (&mut self.recording, step) {
                recording.push(Observation::Step(*step));
            }
            return Ok(Stepped {
                answer: None,
                deliveries: Vec::new(),
            });
        }
        let called = call(&mut self.implementation, &self.handles, step)?;
        let answered_by_timeout = match *step {
            Step::Call {
                call:
                    Call::Send {
                        target,
                        mode: SendMode::Sync(_),
                        timeout: true,
                        ignore_state: false,
                    },
                ..
            } => self.model.target_state(target) == TargetState::Stopped,
            _ => false,
        };
        record_call(&mut self.recording, step, &called, answered_by_timeout);
        let answer = match &called {
            Ok(Called::Handle(_)) => Answer::Introduced,
            Ok(Called::Reply(reply)) => Answer::Replied(*reply),
            Err(refusal) => Answer::Refused(refusal.clone()),
        };
        let expected = compare(judgement, step, called, &mut self.handles)?;
        self.drained.clear();
        let (implementation, drained) = (&mut self.implementation, &mut self.drained);
        guard(|| implementation.drain_deliveries(drained))?;
        let (handles, model) = (&self.handles, &self.model);
        // A request whose state is undefined may be called back or not.
        let actual: Vec<Delivery> = self
            .drained
            .drain(..)
            .map(|d| d.map_request(|h| name_of(handles, &h)))
            .filter(|d| {
                model
                    .request(d.request)
                    .is_none_or(|r| r.life != Life::Undefined)
            })
            .collect();
        if let Some(recording) = &mut self.recording {
            recording.extend(actual.iter().copied().map(Observation::Callback));
        }
        if let Err(violation) = self.model.judge_deliveries(expected, &actual) {
            return Err(DivergenceKind::Broke {
                violation,
                expected: expected.to_vec(),
                actual,
            });
        }
        self.unchecked += 1;
        if self.unchecked >= self.invariants_every {
            self.unchecked = 0;
            let implementation = &self.implementation;
            guard(|| implementation.check_invariants())?
                .map_err(|message| DivergenceKind::Invariant { message })?;
        }
        Ok(Stepped {
            answer: Some(answer),
            deliveries: actual,
        })
    }
}

/// Records a call as a trace would, when recording.
fn record_call<H>(
    recording: &mut Option<Vec<Observation>>,
    step: &Step,
    called: &Result<Called<H>, Refusal>,
    answered_by_timeout: bool,
) {
    let Some(recording) = recording else {
        return;
    };
    match (called, step.request()) {
        (Ok(Called::Reply(Reply::Status(completion))), Some(request)) => {
            recording.push(Observation::Status {
                request,
                completion: *completion,
            })
        }
        // A refused target completion or timeout did not happen: the
        // environment cannot finish or time out what is not sent.
        (Err(_), _) if matches!(step, Step::TargetComplete { .. } | Step::TimedOut { .. }) => {}
        // A refused call happened too: the driver made it, and what the
        // refusal left (a status written) shows later in the trace.
        (Err(_), _) => recording.push(Observation::Refused(*step)),
        (Ok(_), _) if answered_by_timeout => recording.push(Observation::AnsweredByTimeout(*step)),
        (Ok(_), _) => recording.push(Observation::Step(*step)),
    }
}

/// Runs `steps` on a fresh implementation from `make` beside the model,
/// recording what happens (see [`SideBySide::recording`]) up to the end or
/// to the first divergence, which is returned with the recording.
pub fn record<I: Conformance>(
    implementation: I,
    settings: Settings,
    steps: &[Step],
) -> (Vec<Observation>, Option<Divergence>) {
    let mut pair = SideBySide::new(implementation, settings).recording();
    let divergence = steps.iter().find_map(|step| pair.step(step, None).err());
    let recording = pair.take_recording();
    let closed = pair.close();
    (recording, divergence.or(closed.err()))
}

/// Runs `steps` on `implementation` and the model side by side (see
/// [`SideBySide`]). Returns the number of steps run, or the first
/// divergence. Every rule exercised is counted in `coverage`, including the
/// end-of-sequence warnings; `seen` (if given) counts the steps started, as
/// proptest-state-machine's shrinker needs.
pub fn execute<I: Conformance>(
    implementation: I,
    settings: Settings,
    steps: &[Step],
    coverage: Option<&mut Coverage>,
    seen: Option<&AtomicUsize>,
) -> Result<usize, Divergence> {
    execute_watched(implementation, settings, steps, coverage, seen, None)
}

/// [`execute`], its steps marked on `watch` (if given).
pub(crate) fn execute_watched<I: Conformance>(
    implementation: I,
    settings: Settings,
    steps: &[Step],
    mut coverage: Option<&mut Coverage>,
    seen: Option<&AtomicUsize>,
    watch: Option<&Arc<Watch>>,
) -> Result<usize, Divergence> {
    let mut pair = SideBySide::new(implementation, settings)
        .checking_invariants_every(INVARIANTS_EVERY)
        .watched(watch);
    let mut run = || {
        for step in steps {
            if let Some(seen) = seen {
                seen.fetch_add(1, Ordering::SeqCst);
            }
            pair.step(step, coverage.as_deref_mut())?;
        }
        pair.finish(coverage.as_deref_mut())
    };
    let ran = run();
    // The implementation is dropped under guard whether or not the steps
    // diverged; the first divergence is the one reported.
    let closed = pair.close();
    ran.and(closed).map(|()| steps.len())
}

/// [`execute`] on a thread of its own, on a fresh implementation from
/// `make`, waiting at most `limit`: a run that takes longer is a
/// [`DivergenceKind::Hung`] at the step it was on, and its thread is left
/// behind to end with the process (Rust cannot stop it). What a replay of
/// a kept hang needs, so that it fails instead of hanging in its turn.
/// Should no thread start, the steps run here, with no limit.
pub fn execute_within<I, F>(
    make: F,
    settings: Settings,
    steps: Vec<Step>,
    limit: std::time::Duration,
) -> Result<usize, Divergence>
where
    I: Conformance,
    F: Fn() -> I + Send + 'static,
{
    let watch = Arc::new(Watch::new());
    let (sender, receiver) = std::sync::mpsc::channel();
    let theirs = Arc::clone(&watch);
    on_own_thread("wdfreq-replay", move || {
        theirs.begin_run();
        let ran = build(&make).and_then(|implementation| {
            execute_watched(implementation, settings, &steps, None, None, Some(&theirs))
        });
        // The receiver may have given up waiting.
        let _ = sender.send(ran);
    });
    receiver
        .recv_timeout(limit)
        .unwrap_or_else(|why| Err(no_result(why, &watch.position(), limit)))
}

/// The divergence of a replay whose thread gave no result: it ran past
/// `limit` (a hang, at `position`), or it ended without one.
pub(crate) fn no_result(
    why: std::sync::mpsc::RecvTimeoutError,
    position: &Position,
    limit: std::time::Duration,
) -> Divergence {
    let kind = match why {
        std::sync::mpsc::RecvTimeoutError::Timeout => DivergenceKind::Hung {
            limit,
            activity: position.activity,
            shrinking: false,
        },
        // Every call into the implementation is guarded: only the harness
        // itself can have panicked, and said so on stderr.
        std::sync::mpsc::RecvTimeoutError::Disconnected => DivergenceKind::Panicked {
            message: "the replay's thread ended without a result".to_owned(),
            location: None,
        },
    };
    Divergence {
        step: position.step,
        kind,
    }
}

/// Runs `job` on a new thread named `name`, or here should no thread
/// start (the process's thread limit): then the caller's wait finds the
/// result already sent.
pub(crate) fn on_own_thread(name: &str, job: impl FnOnce() + Send + 'static) {
    // Handed over through a slot, so that it is still here to run should
    // the thread not start.
    let slot = Arc::new(std::sync::Mutex::new(Some(job)));
    let theirs = Arc::clone(&slot);
    let take = |slot: &std::sync::Mutex<Option<_>>| {
        slot.lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .take()
    };
    let started = std::thread::Builder::new()
        .name(name.to_owned())
        .spawn(move || {
            if let Some(job) = take(&theirs) {
                job();
            }
        });
    if started.is_err()
        && let Some(job) = take(&slot)
    {
        job();
    }
}

/// A fresh implementation from `make`: a panic while building it is a
/// divergence of the implementation before its first step.
pub fn build<I>(make: &dyn Fn() -> I) -> Result<I, Divergence> {
    guard(make).map_err(|kind| Divergence {
        step: 0,
        kind: while_doing("building the implementation", kind),
    })
}

/// `kind`, a panic, said to have happened while `doing` something outside
/// a step.
fn while_doing(doing: &str, kind: DivergenceKind) -> DivergenceKind {
    match kind {
        DivergenceKind::Panicked { message, location } => DivergenceKind::Panicked {
            message: format!("while {doing}: {message}"),
            location,
        },
        other => other,
    }
}

/// How often [`execute`] and [`run_case`] check the implementation's own
/// invariants: after every this many judged steps, and at the end of the
/// sequence (see [`SideBySide::checking_invariants_every`]).
pub const INVARIANTS_EVERY: usize = 16;

fn name_of<H: PartialEq>(handles: &BTreeMap<RequestId, H>, handle: &H) -> RequestId {
    handles
        .iter()
        .find(|(_, h)| *h == handle)
        .map_or(UNKNOWN_REQUEST, |(id, _)| *id)
}

/// Performs `step` on the implementation.
fn call<I: Conformance>(
    implementation: &mut I,
    handles: &BTreeMap<RequestId, I::Handle>,
    step: &Step,
) -> Result<Result<Called<I::Handle>, Refusal>, DivergenceKind> {
    guard(|| match *step {
        Step::Create { irp, .. } => implementation.create_request(irp).map(Called::Handle),
        Step::Receive { queue, .. } => implementation.receive_request(queue).map(Called::Handle),
        // INVARIANT: Model::step accepted the step's request as known, and
        // every known request's handle was stored when introduced.
        Step::Call { request, ref call } => implementation
            .perform(&handles[&request], call)
            .map(Called::Reply),
        Step::TimedOut { request } => implementation
            .timed_out(&handles[&request])
            .map(|()| Called::Reply(Reply::Done)),
        Step::TargetComplete {
            request,
            completion,
        } => implementation
            .target_complete(&handles[&request], completion)
            .map(|()| Called::Reply(Reply::Done)),
        Step::Target { target, change } => implementation
            .change_target(target, change)
            .map(|()| Called::Reply(Reply::Done)),
    })
}

/// Compares the implementation's answer with the model's judgement; on
/// agreement returns the deliveries the step owes.
fn compare<'j, H: PartialEq>(
    judgement: &'j Judgement,
    step: &Step,
    called: Result<Called<H>, Refusal>,
    handles: &mut BTreeMap<RequestId, H>,
) -> Result<&'j [Delivery], DivergenceKind> {
    let let_through = judgement.let_through.map(|v| v.rule);
    match (&judgement.outcome, called) {
        (Err(violation), Err(Refusal::Rule(rule))) if rule == violation.rule => Ok(&[]),
        // The framework let a rule through and refused later; refused
        // for another rule, the implementation enforced the one let
        // through: that is the divergence.
        (Err(_), Err(refusal)) if let_through.is_some() => Err(DivergenceKind::RefusedLegal {
            refusal,
            let_through,
        }),
        (Err(violation), Err(actual)) => Err(DivergenceKind::WrongRule {
            expected: violation.rule,
            actual,
        }),
        (Err(violation), Ok(_)) => Err(DivergenceKind::AcceptedIllegal {
            rule: violation.rule,
        }),
        (Ok(_), Err(refusal)) => Err(DivergenceKind::RefusedLegal {
            refusal,
            let_through,
        }),
        (Ok(accepted), Ok(Called::Handle(handle))) => {
            let request = step.request().unwrap_or(UNKNOWN_REQUEST);
            // Every handle the sequence was given is held to the end, so a
            // slot reused without a new generation shows here, at once.
            if let Some((&holder, _)) = handles.iter().find(|(_, h)| **h == handle) {
                return Err(DivergenceKind::DuplicateHandle { request, holder });
            }
            handles.insert(request, handle);
            Ok(&accepted.deliveries)
        }
        (Ok(accepted), Ok(Called::Reply(reply))) => {
            let request = step.request().unwrap_or(UNKNOWN_REQUEST);
            check_reply(accepted, request, reply)?;
            Ok(&accepted.deliveries)
        }
    }
}

fn check_reply(
    accepted: &Accepted,
    request: RequestId,
    reply: Reply,
) -> Result<(), DivergenceKind> {
    accepted
        .judge_reply(request, reply)
        .map_err(|rule| DivergenceKind::WrongReply {
            expected: accepted.reply,
            actual: reply,
            rule,
        })
}

/// Settings of one case.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct CaseConfig {
    /// The framework the model judges for; the implementation must
    /// implement the same.
    pub settings: Settings,
    /// The most steps a generated sequence has.
    pub steps_max: usize,
}

impl Default for CaseConfig {
    fn default() -> Self {
        CaseConfig {
            settings: Settings::default(),
            steps_max: 48,
        }
    }
}

/// A failing case, shrunk.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Failure {
    /// The case's seed: `hunt --seed <seed> --cases 1` replays it.
    pub seed: Seed,
    /// The length of the sequence as generated.
    pub generated_len: usize,
    /// The shrunk sequence.
    pub steps: Vec<Step>,
    /// Its divergence.
    pub divergence: Divergence,
}

/// What one case did.
#[derive(Clone, Debug)]
pub struct CaseOutcome {
    /// Steps run (of the sequence as generated).
    pub steps: usize,
    /// The rules the case exercised and the depths it reached.
    pub coverage: Coverage,
    /// The failure, shrunk, when the case diverged.
    pub failure: Option<Failure>,
    /// Rounds of a concurrent case whose history the linearizability
    /// checker could not decide within its budget (0 for a sequential
    /// case): the case passed only if none was.
    pub undecided: u64,
}

/// The sequence the case of `seed` runs, as generated (before any
/// shrinking): what [`run_case`] runs, for writing a passing case's trace.
pub fn generated_steps(seed: Seed, config: &CaseConfig) -> Vec<Step> {
    let mut draw = Draw::new(seed);
    let swarm = draw::swarm(&mut draw);
    let length = draw::length(&mut draw, config.steps_max);
    draw::sequence(&mut draw, swarm, config.settings, length)
}

/// Generates the case of `seed` step by step from the model's state
/// ([`draw`]), runs it on a fresh implementation from `make`
/// as it goes, and shrinks a failure ([`minimize`](super::minimize)).
pub fn run_case<I: Conformance>(
    seed: Seed,
    config: &CaseConfig,
    make: &dyn Fn() -> I,
) -> CaseOutcome {
    run_case_watched(seed, config, make, None)
}

/// [`run_case`], every run (the case's and each shrink attempt's) marked
/// on `watch` (if given) for a hunt's watchdog.
pub(crate) fn run_case_watched<I: Conformance>(
    seed: Seed,
    config: &CaseConfig,
    make: &dyn Fn() -> I,
    watch: Option<&Arc<Watch>>,
) -> CaseOutcome {
    let mut draw = Draw::new(seed);
    let swarm = draw::swarm(&mut draw);
    let length = draw::length(&mut draw, config.steps_max);
    let mut coverage = Coverage::default();
    let mut generator = Steps::new(swarm);
    if let Some(watch) = watch {
        watch.begin_run();
    }
    let implementation = match build(make) {
        Ok(implementation) => implementation,
        // Nothing to shrink: the case fails before its first step.
        Err(divergence) => {
            return CaseOutcome {
                steps: 0,
                coverage,
                failure: Some(Failure {
                    seed,
                    generated_len: length,
                    steps: Vec::new(),
                    divergence,
                }),
                undecided: 0,
            };
        }
    };
    let mut pair = SideBySide::new(implementation, config.settings)
        .checking_invariants_every(INVARIANTS_EVERY)
        .watched(watch);
    // The length may be huge (`--steps-max`); the steps come one by one.
    let mut steps = Vec::with_capacity(length.min(1024));
    let mut failed = None;
    while steps.len() < length {
        // The pair's model is the generator's: stepped once per step.
        let step = generator.next(&mut draw, pair.model());
        steps.push(step);
        if let Err(divergence) = pair.step(&step, Some(&mut coverage)) {
            failed = Some(divergence);
            break;
        }
    }
    if failed.is_none() {
        failed = pair.finish(Some(&mut coverage)).err();
    }
    // Dropped under guard; a divergence found before stands.
    let closed = pair.close();
    if failed.is_none() {
        failed = closed.err();
    }
    let Some(divergence) = failed else {
        return CaseOutcome {
            steps: steps.len(),
            coverage,
            failure: None,
            undecided: 0,
        };
    };
    // The length drawn for the case: the steps after the divergence were
    // never drawn, as a shrink never needs them.
    let generated_len = length;
    let best = (steps, divergence);
    let (steps, divergence) = super::minimize::shrink(best, config.settings, make, watch);
    CaseOutcome {
        steps: generated_len,
        coverage,
        failure: Some(Failure {
            seed,
            generated_len,
            steps,
            divergence,
        }),
        undecided: 0,
    }
}
