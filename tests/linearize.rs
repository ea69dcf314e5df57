//! The linearizability checker against the model and the simulated
//! framework: it never rejects what one thread did, it keeps accepting a
//! history whose operations are let overlap more, it rejects a history
//! with a callback lost or run twice, and its split of a history into
//! independent parts judges every step as the whole model does.

use wdfreq::harness::{Answer, Refusal, Seed};
use wdfreq::harness::{CaseConfig, SideBySide, generated_steps};
use wdfreq::linearize::{Budget, Verdict, check, parts};
use wdfreq::model::Model;
use wdfreq::sim::Framework;
use wdfreq::vocab::{Answered, CallbackRun, History, Operation, Reply, Settings, Step, ThreadId};

/// Sequences checked per property: the hunt's generator on seeds 0.., for
/// every setting.
const SEEDS: u64 = 64;

fn sequences() -> impl Iterator<Item = (Settings, Vec<Step>)> {
    Settings::all().into_iter().flat_map(|settings| {
        (0..SEEDS).map(move |seed| {
            let config = CaseConfig {
                settings,
                ..CaseConfig::default()
            };
            (settings, generated_steps(Seed(seed), &config))
        })
    })
}

/// What the simulated framework did with `steps`, run from one thread, as
/// a history: each step from its own thread (its request's number, or a
/// thread of its own for a target change), one tick to invoke, one per
/// callback run, one to return; up to the first divergence (there is none
/// for the simulated framework). A step the harness does not perform
/// (undefined) is in the history all the same, answered as any answer
/// would be.
fn history_of(settings: Settings, steps: &[Step]) -> History {
    let mut pair = SideBySide::new(Framework::with_settings(settings), settings);
    let mut history = History::default();
    let mut clock = 0;
    let mut tick = || {
        clock += 1;
        clock
    };
    for step in steps {
        let thread = ThreadId(step.request().map_or(1000, |r| r.0));
        let invoked = tick();
        let Ok(stepped) = pair.step(step, None) else {
            break;
        };
        for &delivery in &stepped.deliveries {
            history.callbacks.push(CallbackRun {
                thread,
                at: tick(),
                delivery,
            });
        }
        let answered = match stepped.answer {
            Some(Answer::Introduced) => Answered::Introduced,
            Some(Answer::Replied(reply)) => Answered::Replied(reply),
            Some(Answer::Refused(Refusal::Rule(rule))) => Answered::Refused(Some(rule)),
            Some(Answer::Refused(_)) => Answered::Refused(None),
            // Not performed: the model leaves it undefined, or the
            // sequence is ill-formed there.
            None => Answered::Replied(Reply::Done),
            Some(other) => panic!("an answer this test does not know: {other:?}"),
        };
        history.operations.push(Operation {
            thread,
            step: *step,
            invoked,
            returned: Some((tick(), answered)),
        });
    }
    history
}

fn verdict(settings: Settings, history: &History) -> Verdict {
    check(history, settings, Budget::DEFAULT).expect("a well-formed history")
}

/// Property: a history of the simulated framework run from one thread is
/// linearizable, whatever the sequence and the setting: the checker
/// rejects no sequential behaviour the harness accepts.
#[test]
fn what_one_thread_did_with_the_simulated_framework_is_linearizable() {
    for (settings, steps) in sequences() {
        let history = history_of(settings, &steps);
        let verdict = verdict(settings, &history);
        assert!(
            verdict.is_linearizable(),
            "{settings}: {verdict:#?}\n{history:#?}"
        );
    }
}

/// A small deterministic stream for the perturbations (splitmix64).
struct Stream(u64);

impl Stream {
    fn below(&mut self, n: u64) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        (z ^ (z >> 31)) % n
    }
}

/// Property: widening operations' intervals (invoked earlier, returned
/// later, callbacks where they were) keeps a linearizable history
/// linearizable: the order that worked is still allowed, since overlap
/// only removes real-time constraints.
#[test]
fn operations_let_overlap_more_stay_linearizable() {
    for (round, (settings, steps)) in sequences().enumerate() {
        let mut history = history_of(settings, &steps);
        let mut stream = Stream(round as u64);
        // Room between ticks to move into.
        for op in &mut history.operations {
            op.invoked *= 100;
            if let Some((returned, _)) = &mut op.returned {
                *returned *= 100;
            }
        }
        for run in &mut history.callbacks {
            run.at *= 100;
        }
        for op in &mut history.operations {
            op.invoked = op.invoked.saturating_sub(stream.below(300));
            if let Some((returned, _)) = &mut op.returned {
                *returned += stream.below(300);
            }
        }
        history.operations.sort_by_key(|op| op.invoked);
        let verdict = verdict(settings, &history);
        assert!(
            verdict.is_linearizable(),
            "{settings}, sequence {round}: {verdict:#?}"
        );
    }
}

/// Whether any step of `steps` leaves a request undefined, so that the
/// callbacks for it are not judged.
fn all_judged(settings: Settings, steps: &[Step]) -> bool {
    let mut model = Model::with_settings(settings);
    steps.iter().all(|step| {
        model
            .step(step)
            .map_or(true, |judgement| !judgement.is_unjudged())
    })
}

/// Property: with every step judged, a history with one completion routine
/// run taken out, or run a second time, is not linearizable: a lost
/// callback and a double completion are always caught.
#[test]
fn a_callback_lost_or_run_twice_is_never_linearizable() {
    let mut checked = 0;
    for (settings, steps) in sequences().filter(|(s, steps)| all_judged(*s, steps)) {
        let history = history_of(settings, &steps);
        for (index, run) in history.callbacks.iter().enumerate() {
            let mut lost = history.clone();
            lost.callbacks.remove(index);
            assert!(
                !verdict(settings, &lost).is_linearizable(),
                "{settings}: callback {index} lost"
            );
            let mut twice = history.clone();
            twice
                .callbacks
                .insert(index + 1, CallbackRun { at: run.at, ..*run });
            // A tick of its own, just after the first run.
            let mut twice = retimed(twice);
            twice.callbacks.sort_by_key(|run| run.at);
            assert!(
                !verdict(settings, &twice).is_linearizable(),
                "{settings}: callback {index} run twice"
            );
            checked += 1;
        }
    }
    assert!(checked > 100, "only {checked} callbacks tried");
}

/// `history` with every time doubled and each callback run that shares its
/// time with the one before moved one tick later, so that every event has
/// a time of its own again.
fn retimed(mut history: History) -> History {
    for op in &mut history.operations {
        op.invoked *= 2;
        if let Some((returned, _)) = &mut op.returned {
            *returned *= 2;
        }
    }
    let mut last = None;
    for run in &mut history.callbacks {
        run.at *= 2;
        if last == Some(run.at) {
            run.at += 1;
        }
        last = Some(run.at - run.at % 2);
    }
    history
}

/// Property: each part of the split, stepped alone through a fresh model,
/// judges every one of its steps as the whole model judged it in the
/// whole sequence: the split the checker searches by is exact.
#[test]
fn each_part_alone_is_judged_as_the_whole_model_judges_it() {
    for (settings, steps) in sequences() {
        let mut whole = Model::with_settings(settings);
        let judged: Vec<_> = steps.iter().map(|step| whole.step(step)).collect();
        let history = history_of(settings, &steps);
        // `history_of` stops at a divergence; there is none here.
        assert_eq!(history.operations.len(), steps.len());
        for part in parts(&history) {
            let mut alone = Model::with_settings(settings);
            for &index in &part.operations {
                assert_eq!(
                    alone.step(&steps[index]),
                    judged[index],
                    "{settings}: step {index} ({}) judged otherwise in its part {:?}",
                    steps[index],
                    part.requests
                );
            }
        }
    }
}
