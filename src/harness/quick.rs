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
    CallbackId, ContextId, FormatKind, Op, QueueId, RequestId, Status, Step, TargetCompletion,
    TargetId,
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
        let mut model = Model::new();
        Sequence(
            steps
                .into_iter()
                .filter(|s| model.step(s).is_ok())
                .collect(),
        )
    }

    pub fn steps(&self) -> &[Step] {
        &self.0
    }
}

impl<'a> arbitrary::Arbitrary<'a> for Sequence {
    fn arbitrary(u: &mut arbitrary::Unstructured<'a>) -> arbitrary::Result<Self> {
        let steps: Vec<Step> = u.arbitrary_iter()?.collect::<Result<_, _>>()?;
        Ok(Sequence::from_steps(steps.into_iter().map(|mut step| {
            fold_names(&mut step);
            step
        })))
    }
}

/// Folds any request name into the small name space.
fn fold_names(step: &mut Step) {
    let fold = |r: &mut RequestId| r.0 %= NAMES;
    match step {
        Step::Target(done) => fold(&mut done.request),
        Step::Driver(op) => match op {
            Op::Create { request }
            | Op::Receive { request, .. }
            | Op::Format { request, .. }
            | Op::SetCompletionCallback { request, .. }
            | Op::Send { request, .. }
            | Op::Cancel { request }
            | Op::Reuse { request, .. }
            | Op::ReadStatus { request }
            | Op::Complete { request, .. }
            | Op::Delete { request } => fold(request),
        },
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
        let request = RequestId(u32::arbitrary(g) % NAMES);
        let status = *g
            .choose(&[Status::SUCCESS, Status::CANCELLED, Status::UNSUCCESSFUL])
            .unwrap_or(&Status::SUCCESS);
        let information = u64::from(u16::arbitrary(g));
        let small = |g: &mut Gen, n: u8| u8::arbitrary(g) % n;
        match u8::arbitrary(g) % 12 {
            0 => Op::Create { request }.into(),
            1 => Op::Receive {
                request,
                queue: QueueId(small(g, 2)),
            }
            .into(),
            2 | 3 => Op::Format {
                request,
                kind: *g.choose(&FormatKind::ALL).unwrap_or(&FormatKind::Read),
            }
            .into(),
            4 => Op::SetCompletionCallback {
                request,
                callback: CallbackId(small(g, 3)),
                context: bool::arbitrary(g).then(|| ContextId(small(g, 3))),
            }
            .into(),
            5 | 6 => Op::Send {
                request,
                target: TargetId(small(g, 3)),
            }
            .into(),
            7 => Op::Reuse { request, status }.into(),
            8 => Op::ReadStatus { request }.into(),
            9 => Op::Cancel { request }.into(),
            10 => match small(g, 2) {
                0 => Op::Complete {
                    request,
                    status,
                    information,
                }
                .into(),
                _ => Op::Delete { request }.into(),
            },
            _ => TargetCompletion {
                request,
                status,
                information,
            }
            .into(),
        }
    }
}
