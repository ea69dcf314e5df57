//! Operation sequences for the other generators: quickcheck's
//! [`quickcheck::Arbitrary`] for [`Step`] and [`Sequence`], and
//! [`arbitrary::Arbitrary`] for [`Sequence`] (fuzzing builds on it).
//!
//! Both draw steps blind, over a small name space so that they collide, and
//! then keep only a well-formed sequence ([`Sequence::from_steps`]): every
//! step names a request introduced before it, none is introduced twice.

use quickcheck::Gen;

use crate::model::Model;
use crate::vocab::{
    Call, CallKind, CallbackId, Completion, ContextId, FormatKind, QueueId, RequestId, ReuseFlags,
    SendMode, SentIoAction, Settings, Status, Step, StepKind, TargetChange, TargetId, TargetOp,
};

/// Request names blind generators draw from.
const NAMES: u32 = 6;

/// A well-formed operation sequence.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Sequence(Vec<Step>);

impl Sequence {
    /// Keeps the steps of `steps` that form a well-formed sequence, in
    /// order.
    pub fn from_steps(steps: impl IntoIterator<Item = Step>) -> Self {
        // Judged in the settings that have every step (a purge exists
        // from KMDF 1.11 only): run in others, a step they lack is skipped
        // as ill-formed there.
        let mut model = Model::with_settings(Settings::KMDF);
        Sequence(
            steps
                .into_iter()
                .filter(|s| model.step(s).is_ok())
                .collect(),
        )
    }

    /// The generated steps.
    pub fn steps(&self) -> &[Step] {
        &self.0
    }
}

/// One step, drawn as a few small numbers: dense for fuzzers (nine bytes
/// a step), and shared by both blind generators so they draw alike.
#[derive(Clone, Copy, Debug, arbitrary::Arbitrary)]
struct RawStep {
    kind: u8,
    request: u8,
    pick: u8,
    callback: u8,
    context: u8,
    status: u8,
    information: u16,
    target: u8,
}

impl RawStep {
    fn to_step(self) -> Step {
        let request = RequestId(u32::from(self.request) % NAMES);
        let status = match self.status % 4 {
            0 | 1 => Status::SUCCESS,
            2 => Status::CANCELLED,
            _ => Status::UNSUCCESSFUL,
        };
        let information = u64::from(self.information);
        let completion = Completion::new(status, information);
        let kind = StepKind::ALL[usize::from(self.kind) % StepKind::ALL.len()];
        let call = match kind {
            StepKind::Create => {
                let irp = self.pick % 8 != 7;
                return Step::Create { request, irp };
            }
            StepKind::Receive => {
                let queue = QueueId(u32::from(self.pick % 2));
                return Step::Receive { request, queue };
            }
            StepKind::TargetComplete => {
                return Step::TargetComplete {
                    request,
                    completion,
                };
            }
            StepKind::TimedOut => return Step::TimedOut { request },
            StepKind::Target(op) => {
                let change = match op {
                    TargetOp::Stop => TargetChange::Stop(
                        SentIoAction::ALL[usize::from(self.pick) % SentIoAction::ALL.len()],
                    ),
                    other => other.representative(),
                };
                let target = TargetId(u32::from(self.target % 3));
                return Step::Target { target, change };
            }
            StepKind::Call(kind) => match kind {
                CallKind::Format => {
                    let kind = FormatKind::ALL[usize::from(self.pick) % FormatKind::ALL.len()];
                    let target = (kind != FormatKind::Current)
                        .then_some(TargetId(u32::from(self.target % 3)));
                    Call::Format { kind, target }
                }
                CallKind::SetCompletionCallback => Call::SetCompletionCallback {
                    callback: CallbackId(u32::from(self.callback % 3)),
                    context: (self.context % 4 != 3)
                        .then_some(ContextId(u32::from(self.context % 4))),
                },
                CallKind::Send => Call::Send {
                    target: TargetId(u32::from(self.target % 3)),
                    mode: match self.pick % 8 {
                        6 => SendMode::Sync(completion),
                        7 => SendMode::Forget,
                        _ => SendMode::Async,
                    },
                    timeout: self.pick % 4 == 1,
                    ignore_state: self.pick % 16 == 5,
                },
                CallKind::Reuse => Call::Reuse {
                    status,
                    // Rare, so that most reuses are legal in every flavor.
                    flags: ReuseFlags {
                        set_new_irp: self.pick % 8 == 1,
                        must_complete: self.pick % 16 == 3,
                    },
                },
                CallKind::ReadStatus => Call::ReadStatus,
                CallKind::Cancel => Call::Cancel,
                CallKind::Complete => Call::Complete {
                    status,
                    information,
                },
                CallKind::Delete => Call::Delete,
            },
        };
        Step::Call { request, call }
    }
}

impl<'a> arbitrary::Arbitrary<'a> for Sequence {
    fn arbitrary(u: &mut arbitrary::Unstructured<'a>) -> arbitrary::Result<Self> {
        // The length comes from the input's size, so every byte counts.
        let len = u.arbitrary_len::<RawStep>()?;
        let raw: Vec<RawStep> = (0..len).map(|_| u.arbitrary()).collect::<Result<_, _>>()?;
        Ok(Sequence::from_steps(raw.into_iter().map(RawStep::to_step)))
    }
}

impl quickcheck::Arbitrary for Sequence {
    fn arbitrary(g: &mut Gen) -> Self {
        Sequence::from_steps(Vec::<Step>::arbitrary(g))
    }

    fn shrink(&self) -> Box<dyn Iterator<Item = Self>> {
        Box::new(self.0.shrink().map(Sequence::from_steps))
    }
}

impl quickcheck::Arbitrary for Step {
    fn arbitrary(g: &mut Gen) -> Self {
        RawStep {
            kind: u8::arbitrary(g),
            request: u8::arbitrary(g),
            pick: u8::arbitrary(g),
            callback: u8::arbitrary(g),
            context: u8::arbitrary(g),
            status: u8::arbitrary(g),
            information: u16::arbitrary(g),
            target: u8::arbitrary(g),
        }
        .to_step()
    }
}
