//! What a driver does to an I/O target as a whole ([`TargetChange`]), and
//! its fieldless kind ([`TargetOp`]): the state changes that decide what a
//! send to the target does, and that act on every request queued at it or
//! sent to it at once.
//!
//! KMDF and UMDF 2: `WdfIoTargetStart`, `WdfIoTargetStop`,
//! `WdfIoTargetPurge` (from 1.11), `WdfIoTargetClose`; UMDF 1:
//! `IWDFIoTargetStateManagement::Start`, `Stop` and `Remove` (no purge).

use std::fmt;

/// What `WdfIoTargetStop` does with the requests already sent
/// (`WDF_IO_TARGET_SENT_IO_ACTION`).
///
/// `WdfIoTargetWaitForSentIoToComplete` is not one of them here: it leaves
/// the sent requests as `LeaveSentIoPending` does and blocks the caller
/// until the target has finished them all, which a sequence of one caller,
/// where the target finishes a send as a later step, cannot express.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, arbitrary::Arbitrary)]
pub enum SentIoAction {
    /// `WdfIoTargetCancelSentIo`: every request sent to the target is
    /// cancelled (it stays sent until the target finishes it).
    Cancel,
    /// `WdfIoTargetLeaveSentIoPending`: sent requests are left alone.
    Leave,
}

impl SentIoAction {
    /// Every action, in declaration order.
    pub const ALL: [SentIoAction; 2] = [SentIoAction::Cancel, SentIoAction::Leave];

    /// The action's name in the trace format.
    pub const fn name(self) -> &'static str {
        match self {
            SentIoAction::Cancel => "cancel_sent_io",
            SentIoAction::Leave => "leave_sent_io_pending",
        }
    }

    /// Every action's name, in [`SentIoAction::ALL`] order.
    pub const NAMES: [&'static str; 2] = [SentIoAction::ALL[0].name(), SentIoAction::ALL[1].name()];

    /// The action named `name` in the trace format.
    pub fn from_name(name: &str) -> Option<SentIoAction> {
        SentIoAction::ALL.into_iter().find(|a| a.name() == name)
    }
}

/// A change of an I/O target's state, made by the driver.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, arbitrary::Arbitrary)]
pub enum TargetChange {
    /// `WdfIoTargetStart`: the target sends again; the requests queued
    /// while it was stopped are sent, oldest first.
    Start,
    /// `WdfIoTargetStop`: later sends are queued until the next start; the
    /// action says what happens to those already sent.
    Stop(SentIoAction),
    /// `WdfIoTargetPurge` (KMDF 1.11 and later, UMDF 2): the requests
    /// queued fail, those sent are cancelled, and later sends fail until
    /// the next start.
    Purge,
    /// `WdfIoTargetClose` / `IWDFIoTargetStateManagement::Remove`: as a
    /// purge, and the requests sent ignoring the target's state are
    /// cancelled too; later sends fail, even those that ignore it, and so
    /// does formatting for it. A closed target stays closed: its device is
    /// gone until the driver opens it again (`WdfIoTargetOpen`, which is
    /// not modelled).
    Close,
}

impl TargetChange {
    /// The change's kind.
    pub const fn op(self) -> TargetOp {
        match self {
            TargetChange::Start => TargetOp::Start,
            TargetChange::Stop(_) => TargetOp::Stop,
            TargetChange::Purge => TargetOp::Purge,
            TargetChange::Close => TargetOp::Close,
        }
    }
}

impl fmt::Display for TargetChange {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            TargetChange::Stop(action) => write!(f, "stop ({})", action.name()),
            other => f.write_str(match other.op() {
                TargetOp::Start => "start",
                TargetOp::Purge => "purge",
                _ => "close",
            }),
        }
    }
}

/// The kind of a [`TargetChange`], without its action.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum TargetOp {
    /// [`TargetChange::Start`].
    Start,
    /// [`TargetChange::Stop`], whatever its action.
    Stop,
    /// [`TargetChange::Purge`].
    Purge,
    /// [`TargetChange::Close`].
    Close,
}

impl TargetOp {
    /// Every kind, in the trace format's table order.
    pub const ALL: [TargetOp; 4] = [
        TargetOp::Start,
        TargetOp::Stop,
        TargetOp::Purge,
        TargetOp::Close,
    ];

    /// The kind's `op` in the trace format.
    pub const fn name(self) -> &'static str {
        match self {
            TargetOp::Start => "target_start",
            TargetOp::Stop => "target_stop",
            TargetOp::Purge => "target_purge",
            TargetOp::Close => "target_close",
        }
    }

    /// The KMDF and UMDF 2 function it models.
    pub const fn kmdf(self) -> &'static str {
        match self {
            TargetOp::Start => "WdfIoTargetStart",
            TargetOp::Stop => "WdfIoTargetStop",
            TargetOp::Purge => "WdfIoTargetPurge",
            TargetOp::Close => "WdfIoTargetClose",
        }
    }

    /// The kind whose trace name is `name`.
    pub fn from_name(name: &str) -> Option<TargetOp> {
        TargetOp::ALL.into_iter().find(|op| op.name() == name)
    }

    /// One change of this kind (a stop cancels what was sent).
    pub const fn representative(self) -> TargetChange {
        match self {
            TargetOp::Start => TargetChange::Start,
            TargetOp::Stop => TargetChange::Stop(SentIoAction::Cancel),
            TargetOp::Purge => TargetChange::Purge,
            TargetOp::Close => TargetChange::Close,
        }
    }
}

/// The state of an I/O target as far as a send is concerned
/// (`WDF_IO_TARGET_STATE`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum TargetState {
    /// `WdfIoTargetStarted`: sends go to the target. Every target starts
    /// here.
    #[default]
    Started,
    /// `WdfIoTargetStopped`: sends are queued until the next start.
    Stopped,
    /// `WdfIoTargetPurged`: sends fail, unless they ignore the state.
    Purged,
    /// `WdfIoTargetClosed`: sends fail, even those that ignore the state;
    /// formatting for it fails.
    Closed,
}

impl TargetState {
    /// The state `change` leaves the target in
    /// (`FxIoTarget::GotoStartState`, `GotoStopState`, `GotoPurgeState`,
    /// `GotoRemoveState`): a start starts it; a stop stops a started or
    /// purged one; a purge purges any but a closed one; nothing but opening
    /// it again (not modelled) revives a closed one.
    ///
    /// The framework's own state machine lets a start move a closed target
    /// to started (`GotoStartState` refuses only a deleted one), but the
    /// close cleared the target's device (`ClearTargetPointers`): formats
    /// for it still fail, and a send of a request formatted before the
    /// close would go to no device. The model keeps it closed, so that
    /// sends to it stay refused; the audit marks that row.
    pub const fn after(self, change: TargetChange) -> TargetState {
        match (self, change) {
            (_, TargetChange::Close) | (TargetState::Closed, _) => TargetState::Closed,
            (_, TargetChange::Start) => TargetState::Started,
            (_, TargetChange::Stop(_)) => TargetState::Stopped,
            (_, TargetChange::Purge) => TargetState::Purged,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_target_op_and_action_round_trips_by_name() {
        for op in TargetOp::ALL {
            assert_eq!(TargetOp::from_name(op.name()), Some(op));
            assert_eq!(op.representative().op(), op);
            assert!(op.kmdf().starts_with("WdfIoTarget"));
        }
        for action in SentIoAction::ALL {
            assert_eq!(SentIoAction::from_name(action.name()), Some(action));
        }
        assert_eq!(TargetOp::from_name("target_open"), None);
    }

    #[test]
    fn a_closed_target_stays_closed() {
        let closed = TargetState::Started.after(TargetChange::Close);
        assert_eq!(closed, TargetState::Closed);
        for change in [
            TargetChange::Purge,
            TargetChange::Stop(SentIoAction::Leave),
            TargetChange::Start,
        ] {
            assert_eq!(closed.after(change), TargetState::Closed, "{change}");
        }
        assert_eq!(
            TargetState::Stopped.after(TargetChange::Start),
            TargetState::Started
        );
        assert_eq!(
            TargetState::Purged.after(TargetChange::Stop(SentIoAction::Cancel)),
            TargetState::Stopped
        );
    }
}
