//! An implementation whose call never returns is a failure of the
//! implementation, found by the hunt's per-case time limit, reported with
//! its case, seed and the step it hung on; the hunt ends and leaves the
//! stuck thread behind, and a stop from outside is not held up by it.
//! A panic the harness catches prints nothing: the report says it once.
//!
//! Every stuck thread here parks forever, costing no time; they end with
//! the test process.

use std::num::NonZeroUsize;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::Duration;

use wdfreq::harness::{
    Activity, Budget, CaseConfig, Conformance, DivergenceKind, HuntConfig, Implementation, Refusal,
    Seed, Unknown, Verdict, Workers, generated_steps, hunt_with,
};
use wdfreq::regression::Regression;
use wdfreq::sim::{Framework, Handle};
use wdfreq::vocab::{
    Call, Completion, Delivery, QueueId, Reply, Settings, Step, TargetChange, TargetId,
};

/// Parks the calling thread for good.
fn stall() -> ! {
    loop {
        std::thread::park();
    }
}

/// What the broken framework does on a status read.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum OnStatusRead {
    Stall,
    Panic,
}

/// The simulated framework, except on a status read.
struct Stalls {
    inner: Framework,
    on_status_read: OnStatusRead,
}

impl Stalls {
    fn new(on_status_read: OnStatusRead) -> Self {
        Stalls {
            inner: Framework::new(),
            on_status_read,
        }
    }
}

impl Conformance for Stalls {
    type Handle = Handle;

    fn create_request(&mut self, irp: bool) -> Result<Handle, Refusal> {
        Conformance::create_request(&mut self.inner, irp)
    }

    fn receive_request(&mut self, queue: QueueId) -> Result<Handle, Refusal> {
        Conformance::receive_request(&mut self.inner, queue)
    }

    fn perform(&mut self, request: &Handle, call: &Call) -> Result<Reply, Refusal> {
        match (call, self.on_status_read) {
            (Call::ReadStatus, OnStatusRead::Stall) => stall(),
            (Call::ReadStatus, OnStatusRead::Panic) => panic!("status register unmapped"),
            _ => Conformance::perform(&mut self.inner, request, call),
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
        Conformance::drain_deliveries(&mut self.inner, into)
    }
}

const LIMIT: Duration = Duration::from_millis(300);

fn config(cases: u64) -> HuntConfig {
    HuntConfig {
        seed: Seed(5),
        budget: Budget::Cases(cases),
        case: CaseConfig::default(),
    }
}

fn workers(count: usize) -> Workers {
    Workers::one()
        .with_count(NonZeroUsize::new(count).expect("not zero"))
        .with_case_timeout(LIMIT)
}

/// Property: a call that never returns is a hang of the implementation at
/// that call's step, in the lowest-numbered case that makes it, whatever
/// the number of workers; the sequence is the case as generated up to that
/// step, and the hunt returns, leaving the stuck threads behind.
#[test]
fn a_call_that_never_returns_is_a_hang_at_its_step_on_any_number_of_workers() {
    let mut found = Vec::new();
    for count in [1, 2] {
        let report = hunt_with(
            &config(1000),
            workers(count),
            || Stalls::new(OnStatusRead::Stall),
            &mut |_| {},
        );
        let divergent = report.verdict.divergent().expect("the hang is found");
        assert!(divergent.first, "every case below the hung one ran");
        let failure = &divergent.failure;
        assert_eq!(
            failure.divergence.kind,
            DivergenceKind::Hung {
                limit: LIMIT,
                activity: Activity::Stepping,
                shrinking: false
            }
        );
        let at = failure.divergence.step;
        assert!(matches!(
            failure.steps.last(),
            Some(Step::Call {
                call: Call::ReadStatus,
                ..
            })
        ));
        let generated = generated_steps(failure.seed, &config(1).case);
        assert_eq!(failure.steps, generated[..=at]);
        assert_eq!(failure.generated_len, generated.len());
        assert_eq!(report.cases, divergent.case + 1);
        // Each worker may be stuck in a case of its own by the time one is
        // found hung; the hung case is among those left behind.
        assert!((1..=count).contains(&report.left_behind.len()));
        assert!(
            report
                .left_behind
                .iter()
                .any(|left| (left.case, left.step) == (divergent.case, at))
        );
        let text = failure.divergence.report(&failure.steps).to_string();
        assert!(
            text.contains("error: the implementation hung at `"),
            "{text}"
        );
        found.push((divergent.case, failure.steps.clone()));
    }
    assert_eq!(found[0], found[1], "the same case on one and two workers");
}

/// Property: a factory that never returns is a hang before the first step.
#[test]
fn a_factory_that_never_returns_is_a_hang_while_building() {
    let report = hunt_with(
        &config(10),
        workers(2),
        || -> Framework { stall() },
        &mut |_| {},
    );
    let divergent = report.verdict.divergent().expect("the hang is found");
    assert_eq!(divergent.case, 0);
    assert!(divergent.failure.steps.is_empty());
    assert!(matches!(
        divergent.failure.divergence.kind,
        DivergenceKind::Hung {
            activity: Activity::Building,
            ..
        }
    ));
}

/// Property: a hang met while shrinking another failure of the case is
/// reported as the hang of that shrink attempt, said to be one.
#[test]
fn a_hang_while_shrinking_is_the_attempts_hang() {
    let built = Arc::new(AtomicUsize::new(0));
    let counter = Arc::clone(&built);
    // The case's own run panics at the status read; every shrink attempt
    // (a fresh instance) stalls there instead.
    let make = move || {
        let first = counter.fetch_add(1, Ordering::SeqCst) == 0;
        Stalls::new(if first {
            OnStatusRead::Panic
        } else {
            OnStatusRead::Stall
        })
    };
    // One worker, so that the first instance built is the failing case's.
    let report = hunt_with(&config(1000), workers(1), make, &mut |_| {});
    let failure = report.failure().expect("the hang is found");
    assert!(
        matches!(
            failure.divergence.kind,
            DivergenceKind::Hung {
                shrinking: true,
                activity: Activity::Stepping,
                ..
            }
        ),
        "{:?}",
        failure.divergence
    );
    assert!(matches!(
        failure.steps.last(),
        Some(Step::Call {
            call: Call::ReadStatus,
            ..
        })
    ));
}

/// Property: a hunt stopped from outside while a case hangs returns (its
/// verdict unknown, the stuck case left behind) long before the case time
/// limit: a stop is never held up by a call that does not return.
#[test]
fn a_stop_while_a_case_hangs_ends_the_hunt_with_the_case_left_behind() {
    let stop = Arc::new(AtomicBool::new(false));
    let raise = Arc::clone(&stop);
    let workers = Workers::one()
        .with_count(NonZeroUsize::new(2).expect("not zero"))
        // Far beyond the test's patience: only the stop can end the hunt.
        .with_case_timeout(Duration::from_secs(24 * 3600))
        .stopped_by(stop);
    let mut raised = false;
    let report = hunt_with(
        &config(1_000_000),
        workers,
        || Stalls::new(OnStatusRead::Stall),
        &mut |report| {
            // Stopped once both workers are stuck: nothing is counted
            // for a while.
            if !raised && report.elapsed > Duration::from_millis(200) {
                raise.store(true, Ordering::SeqCst);
                raised = true;
            }
        },
    );
    assert_eq!(report.verdict, Verdict::Unknown(Unknown::Interrupted));
    assert!(!report.left_behind.is_empty());
}

/// A framework that stalls on a status read, driven through the command
/// line's `run_for`, as a third party's binary would.
#[derive(Clone)]
struct StallingFramework;

impl Implementation for StallingFramework {
    type Instance = Stalls;

    fn name(&self) -> String {
        "stalling".to_owned()
    }

    fn settings(&self) -> Vec<Settings> {
        vec![Settings::DEFAULT]
    }

    fn build(&self, _: Settings) -> Stalls {
        Stalls::new(OnStatusRead::Stall)
    }
}

/// The command line reports a hang with its case, seed and step, a replay
/// command that keeps the time limit, and the thread left behind; it exits
/// 1, as for any divergence.
#[test]
fn the_hunt_command_reports_a_hang_and_how_to_replay_it() {
    use clap::Parser as _;
    use wdfreq::cli::{Cli, Command, Console};

    let dir = std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join("hangs-cli");
    let _ = std::fs::remove_dir_all(&dir);
    let regressions = dir.join("regressions");
    let cli = Cli::try_parse_from([
        "stalling",
        "hunt",
        "--seed",
        "5",
        "--case-timeout",
        "0.3",
        "--workers",
        "2",
        "--regressions",
        regressions.to_str().expect("a UTF-8 path"),
    ])
    .expect("a good command line");
    let Command::Hunt(args) = cli.command else {
        panic!("not a hunt");
    };
    let (mut out, mut err) = (Vec::new(), Vec::new());
    let mut console = Console::new(&mut out, &mut err);
    let outcome =
        wdfreq::cli::hunt::run_for(&StallingFramework, "stalling hunt", &args, &mut console)
            .expect("writes to vectors");
    let out = String::from_utf8(out).expect("UTF-8");
    println!("{out}");
    assert_eq!(outcome.code(), 1, "{out}");
    assert!(out.contains("the implementation hung; not shrunk"), "{out}");
    assert!(out.contains("error: the implementation hung at `"), "{out}");
    assert!(
        out.contains("replay: stalling hunt --seed ") && out.contains(" --case-timeout 0.3\n"),
        "{out}"
    );
    assert!(out.contains("left behind: case "), "{out}");
    assert!(out.contains("regression file: "), "{out}");

    // The kept hang replays as a hang, within the same limit: it fails the
    // replay, and does not hang it.
    let file = std::fs::read_dir(&regressions)
        .expect("the regression directory")
        .next()
        .expect("one regression file")
        .expect("an entry")
        .path();
    let regression = Regression::read(&file).expect("a good regression file");
    let replayed = regression
        .replay_within(StallingFramework, LIMIT)
        .expect("declared settings");
    assert!(matches!(
        replayed.divergence.as_ref().map(|d| &d.kind),
        Some(DivergenceKind::Hung { .. })
    ));
    assert!(replayed.as_expected, "the file expects a divergence");
    let cli = Cli::try_parse_from([
        "stalling",
        "replay",
        file.to_str().expect("a UTF-8 path"),
        "--case-timeout",
        "0.3",
    ])
    .expect("a good command line");
    let Command::Replay(args) = cli.command else {
        panic!("not a replay");
    };
    let (mut out, mut err) = (Vec::new(), Vec::new());
    let mut console = Console::new(&mut out, &mut err);
    let outcome = wdfreq::cli::replay::run_for(&StallingFramework, &args, &mut console)
        .expect("writes to vectors");
    let out = String::from_utf8(out).expect("UTF-8");
    println!("{out}");
    assert!(
        out.contains("        implementation: no return after 0.3 s\n"),
        "{out}"
    );
    assert!(out.contains("error: the implementation hung at `"), "{out}");
    assert_eq!(outcome.code(), 1, "{out}");
}

/// A caught panic prints nothing while the hunt shrinks it: standard
/// error has no panic message, and the report names it once. Run in a
/// child process, whose standard error the test reads.
#[test]
fn a_caught_panic_prints_nothing_on_standard_error() {
    const CHILD: &str = "WDFREQ_HANGS_TEST_CHILD";
    if std::env::var_os(CHILD).is_some() {
        let report = hunt_with(
            &config(1000),
            workers(1),
            || Stalls::new(OnStatusRead::Panic),
            &mut |_| {},
        );
        let failure = report.failure().expect("the panic is found");
        println!("{}", failure.divergence.report(&failure.steps));
        return;
    }
    let output = std::process::Command::new(std::env::current_exe().expect("this test"))
        .args([
            "--exact",
            "a_caught_panic_prints_nothing_on_standard_error",
            "--nocapture",
            "--test-threads",
            "1",
        ])
        .env(CHILD, "1")
        .output()
        .expect("the child runs");
    let (stdout, stderr) = (
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr),
    );
    assert!(output.status.success(), "{stdout}\n{stderr}");
    assert!(!stderr.contains("status register unmapped"), "{stderr}");
    assert_eq!(
        stdout.matches("status register unmapped").count(),
        1,
        "{stdout}"
    );
    assert!(stdout.contains("  --> tests/hangs.rs:"), "{stdout}");
}

/// The stalling framework shared between threads, behind one lock.
impl wdfreq::harness::ConcurrentImplementation for StallingFramework {
    type Instance = wdfreq::harness::Locked<Stalls>;

    fn name(&self) -> String {
        "stalling".to_owned()
    }

    fn settings(&self) -> Vec<Settings> {
        vec![Settings::DEFAULT]
    }

    fn build(&self, _: Settings, routine: wdfreq::harness::Routine<Handle>) -> Self::Instance {
        wdfreq::harness::Locked::new(Stalls::new(OnStatusRead::Stall), routine)
    }
}

/// Property: a call that never returns in a concurrent case is a hang at
/// the step it was on, with the case's steps up to it, as in a sequential
/// case; the concurrent hunt ends and leaves its threads behind.
#[test]
fn a_hang_in_a_concurrent_case_is_reported_at_its_step() {
    use wdfreq::harness::{ConcurrentConfig, hunt_concurrent};
    let report = hunt_concurrent(
        Seed(5),
        Budget::Cases(1000),
        &ConcurrentConfig::default(),
        workers(1),
        StallingFramework,
        &mut |_| {},
    );
    let failure = report.failure().expect("the hang is found");
    assert!(
        matches!(
            failure.divergence.kind,
            DivergenceKind::Hung {
                activity: Activity::Stepping,
                shrinking: false,
                ..
            }
        ),
        "{:?}",
        failure.divergence
    );
    assert!(
        failure.steps.iter().any(|step| matches!(
            step,
            Step::Call {
                call: Call::ReadStatus,
                ..
            }
        )),
        "{:?}",
        failure.steps
    );
    assert!(!report.left_behind.is_empty());
}
