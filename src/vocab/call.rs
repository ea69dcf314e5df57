//! Every call a driver makes on a request it already has ([`Call`]), and
//! its fieldless kind ([`CallKind`]): the one list of calls, from which
//! every other list in the crate is derived or against which it is matched
//! exhaustively.
//!
//! Adding a call is one row in the table below plus a variant of [`Call`];
//! the compiler then names every `match` that must learn it (the model,
//! the simulated framework, the trace reader and writer, the generators).

use std::fmt;

use super::event::Completion;
use super::ids::{CallbackId, ContextId, Status, TargetId};

/// Declares [`CallKind`] from one table: variant, trace name, UMDF 1 name,
/// KMDF / UMDF 2 name. `ALL` and every name lookup come from the same rows,
/// so none can miss a kind.
macro_rules! call_kinds {
    ($($(#[$doc:meta])* $kind:ident = $trace:literal, $umdf1:literal, $kmdf:literal;)*) => {
        /// The kind of a [`Call`], without its arguments.
        #[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, arbitrary::Arbitrary)]
        pub enum CallKind {
            $($(#[$doc])* $kind,)*
        }

        impl CallKind {
            /// Every kind, in the trace format's table order.
            pub const ALL: &'static [CallKind] = &[$(CallKind::$kind,)*];

            /// The kind's `op` in the trace format (`set_completion`, ...).
            pub const fn name(self) -> &'static str {
                match self {
                    $(CallKind::$kind => $trace,)*
                }
            }

            /// The UMDF 1 method it models.
            pub const fn umdf1(self) -> &'static str {
                match self {
                    $(CallKind::$kind => $umdf1,)*
                }
            }

            /// The KMDF and UMDF 2 function it models.
            pub const fn kmdf(self) -> &'static str {
                match self {
                    $(CallKind::$kind => $kmdf,)*
                }
            }

            /// The kind whose trace name is `name`.
            pub fn from_name(name: &str) -> Option<CallKind> {
                match name {
                    $($trace => Some(CallKind::$kind),)*
                    _ => None,
                }
            }
        }
    };
}

call_kinds! {
    /// [`Call::Format`].
    Format = "format", "IWDFIoTarget::FormatRequestFor*", "WdfIoTargetFormatRequestFor*";
    /// [`Call::SetCompletionCallback`].
    SetCompletionCallback = "set_completion", "IWDFIoRequest::SetCompletionCallback",
        "WdfRequestSetCompletionRoutine";
    /// [`Call::Send`].
    Send = "send", "IWDFIoRequest::Send", "WdfRequestSend";
    /// [`Call::Cancel`].
    Cancel = "cancel", "IWDFIoRequest::CancelSentRequest", "WdfRequestCancelSentRequest";
    /// [`Call::Reuse`].
    Reuse = "reuse", "IWDFIoRequest2::Reuse", "WdfRequestReuse";
    /// [`Call::ReadStatus`].
    ReadStatus = "status", "IWDFRequestCompletionParams::GetCompletionStatus",
        "WdfRequestGetStatus";
    /// [`Call::Complete`].
    Complete = "complete", "IWDFIoRequest::CompleteWithInformation",
        "WdfRequestCompleteWithInformation";
    /// [`Call::Delete`].
    Delete = "delete", "IWDFObject::DeleteWdfObject", "WdfObjectDelete";
}

impl CallKind {
    /// One call of this kind, with plain arguments (read formatting, the
    /// first callback with the first context, an asynchronous send to the
    /// first target, success and no information).
    pub const fn representative(self) -> Call {
        match self {
            CallKind::Format => Call::Format {
                kind: FormatKind::Read,
                target: Some(TargetId(0)),
            },
            CallKind::SetCompletionCallback => Call::SetCompletionCallback {
                callback: CallbackId(0),
                context: Some(ContextId(0)),
            },
            CallKind::Send => Call::Send {
                target: TargetId(0),
                mode: SendMode::Async,
                timeout: false,
                ignore_state: false,
            },
            CallKind::Cancel => Call::Cancel,
            CallKind::Reuse => Call::Reuse {
                status: Status::SUCCESS,
                flags: ReuseFlags::NONE,
            },
            CallKind::ReadStatus => Call::ReadStatus,
            CallKind::Complete => Call::Complete {
                status: Status::SUCCESS,
                information: 0,
            },
            CallKind::Delete => Call::Delete,
        }
    }
}

impl fmt::Display for CallKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// How a request was formatted for an I/O target.
///
/// `IWDFIoTarget::FormatRequestForRead` and friends in UMDF 1,
/// `WdfIoTargetFormatRequestForRead` and friends in KMDF;
/// [`FormatKind::Current`] is `FormatUsingCurrentType` /
/// `WdfRequestFormatRequestUsingCurrentType` (forward as received).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, arbitrary::Arbitrary)]
pub enum FormatKind {
    /// For a read (`FormatRequestForRead`).
    Read,
    /// For a write (`FormatRequestForWrite`).
    Write,
    /// For a device I/O control (`FormatRequestForIoctl`).
    Ioctl,
    /// For an internal device I/O control (KMDF's
    /// `WdfIoTargetFormatRequestForInternalIoctl`).
    InternalIoctl,
    /// As received (`FormatUsingCurrentType`).
    Current,
}

impl FormatKind {
    /// Every kind, in declaration order.
    pub const ALL: [FormatKind; 5] = [
        FormatKind::Read,
        FormatKind::Write,
        FormatKind::Ioctl,
        FormatKind::InternalIoctl,
        FormatKind::Current,
    ];

    /// The kind's name in the trace format (`internal_ioctl`, ...).
    pub const fn name(self) -> &'static str {
        match self {
            FormatKind::Read => "read",
            FormatKind::Write => "write",
            FormatKind::Ioctl => "ioctl",
            FormatKind::InternalIoctl => "internal_ioctl",
            FormatKind::Current => "current",
        }
    }

    /// Every kind's name, in [`FormatKind::ALL`] order.
    pub const NAMES: [&'static str; 5] = {
        let mut names = [""; 5];
        let mut i = 0;
        while i < names.len() {
            names[i] = FormatKind::ALL[i].name();
            i += 1;
        }
        names
    };

    /// The kind named `name` in the trace format.
    pub fn from_name(name: &str) -> Option<FormatKind> {
        FormatKind::ALL.into_iter().find(|k| k.name() == name)
    }
}

/// How a send asks the framework to treat the request
/// (`WDF_REQUEST_SEND_OPTIONS_FLAGS`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, arbitrary::Arbitrary)]
pub enum SendMode {
    /// The default: the request is outstanding at the target until the
    /// target finishes it, and then its callback runs.
    #[default]
    Async,
    /// `WDF_REQUEST_SEND_OPTION_SYNCHRONOUS`: the send returns only after
    /// the target has finished the request, here with this completion (the
    /// environment's answer, given with the step so that a sequence fixes
    /// it); a registered callback still runs before the send returns.
    Sync(Completion),
    /// `WDF_REQUEST_SEND_OPTION_SEND_AND_FORGET`: the driver gives the
    /// request up; no callback, and no further call on it.
    Forget,
}

impl SendMode {
    /// One send of each mode, the synchronous one answered with success.
    pub const REPRESENTATIVES: [SendMode; 3] = [
        SendMode::Async,
        SendMode::Sync(Completion {
            status: Status::SUCCESS,
            information: 0,
        }),
        SendMode::Forget,
    ];

    /// Every mode's name, in [`SendMode::REPRESENTATIVES`] order.
    pub const NAMES: [&'static str; 3] = {
        let mut names = [""; 3];
        let mut i = 0;
        while i < names.len() {
            names[i] = SendMode::REPRESENTATIVES[i].name();
            i += 1;
        }
        names
    };

    /// The mode's name in the trace format.
    pub const fn name(&self) -> &'static str {
        match self {
            SendMode::Async => "async",
            SendMode::Sync(_) => "sync",
            SendMode::Forget => "forget",
        }
    }
}

/// The flags of `WDF_REQUEST_REUSE_PARAMS` (KMDF and UMDF 2 only).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, arbitrary::Arbitrary)]
pub struct ReuseFlags {
    /// `WDF_REQUEST_REUSE_SET_NEW_IRP`: the request takes a driver-supplied
    /// IRP.
    pub set_new_irp: bool,
    /// `WDF_REQUEST_REUSE_MUST_COMPLETE` (1.11 and later): the request is
    /// to be completed with `WdfRequestComplete`.
    pub must_complete: bool,
}

impl ReuseFlags {
    /// `WDF_REQUEST_REUSE_NO_FLAGS`.
    pub const NONE: ReuseFlags = ReuseFlags {
        set_new_irp: false,
        must_complete: false,
    };

    /// The trace format's name of each flag, with whether it is set here.
    pub const fn named(self) -> [(&'static str, bool); 2] {
        [
            ("set_new_irp", self.set_new_irp),
            ("must_complete", self.must_complete),
        ]
    }

    /// Every flag's name in the trace format.
    pub const NAMES: [&'static str; 2] = {
        let named = ReuseFlags::NONE.named();
        [named[0].0, named[1].0]
    };

    /// Sets the flag the trace format names `name`; false for no such flag.
    pub fn set_named(&mut self, name: &str) -> bool {
        let [(set_new_irp, _), (must_complete, _)] = self.named();
        if name == set_new_irp {
            self.set_new_irp = true;
        } else if name == must_complete {
            self.must_complete = true;
        } else {
            return false;
        }
        true
    }

    /// Whether no flag is set.
    pub fn is_empty(&self) -> bool {
        *self == ReuseFlags::NONE
    }
}

/// A call the driver makes on a request it already has: everything but
/// introducing one (create, receive), which [`super::Step`] keeps apart.
///
/// UMDF 1 names come first in each doc, the KMDF / UMDF 2 alias second
/// ([`CallKind::umdf1`], [`CallKind::kmdf`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, arbitrary::Arbitrary)]
pub enum Call {
    /// `IWDFIoTarget::FormatRequestFor*` / `WdfIoTargetFormatRequestFor*`
    /// for `target`, or `WdfRequestFormatRequestUsingCurrentType` (kind
    /// [`FormatKind::Current`], which names no target). `target` is `None`
    /// where the sequence does not say (a trace's `format` without its
    /// `target`): then the target's state is not looked at.
    Format {
        /// What the request is formatted for.
        kind: FormatKind,
        /// The target it is formatted for, where the sequence says.
        target: Option<TargetId>,
    },
    /// `IWDFIoRequest::SetCompletionCallback` /
    /// `WdfRequestSetCompletionRoutine`.
    SetCompletionCallback {
        /// The completion routine registered.
        callback: CallbackId,
        /// Its context, if any.
        context: Option<ContextId>,
    },
    /// `IWDFIoRequest::Send` / `WdfRequestSend`, in the given mode; with
    /// `timeout`, `WDF_REQUEST_SEND_OPTION_TIMEOUT`: a timer that cancels
    /// an asynchronous send still outstanding when it fires (see
    /// [`super::Step::TimedOut`]); a synchronous send answered cancelled
    /// was cancelled by it; KMDF and UMDF 2 refuse it with send and forget
    /// (`forget-with-timeout`). With `ignore_state`,
    /// `WDF_REQUEST_SEND_OPTION_IGNORE_TARGET_STATE`: the send goes to a
    /// stopped or purged target at once (not to a closed one).
    Send {
        /// The I/O target the request is sent to.
        target: TargetId,
        /// Asynchronous, synchronous (with its answer) or send and forget.
        mode: SendMode,
        /// `WDF_REQUEST_SEND_OPTION_TIMEOUT`.
        timeout: bool,
        /// `WDF_REQUEST_SEND_OPTION_IGNORE_TARGET_STATE`.
        ignore_state: bool,
    },
    /// `IWDFIoRequest::CancelSentRequest` / `WdfRequestCancelSentRequest`.
    Cancel,
    /// `IWDFIoRequest2::Reuse(hrStatus)` / `WdfRequestReuse` with
    /// `WDF_REQUEST_REUSE_PARAMS` (status and flags).
    Reuse {
        /// The status the request is reset to.
        status: Status,
        /// The Reuse flags (KMDF and UMDF 2).
        flags: ReuseFlags,
    },
    /// `IWDFRequestCompletionParams::GetCompletionStatus` and
    /// `GetInformation` / `WdfRequestGetStatus` and
    /// `WdfRequestGetInformation`: reads the completion status.
    ReadStatus,
    /// `IWDFIoRequest::CompleteWithInformation` /
    /// `WdfRequestCompleteWithInformation`: completes a queue-presented
    /// request back to its originator.
    Complete {
        /// The completion status.
        status: Status,
        /// The completion information (bytes transferred, say).
        information: u64,
    },
    /// `IWDFObject::DeleteWdfObject` / `WdfObjectDelete`.
    Delete,
}

impl Call {
    /// The call's kind.
    pub const fn kind(&self) -> CallKind {
        match self {
            Call::Format { .. } => CallKind::Format,
            Call::SetCompletionCallback { .. } => CallKind::SetCompletionCallback,
            Call::Send { .. } => CallKind::Send,
            Call::Cancel => CallKind::Cancel,
            Call::Reuse { .. } => CallKind::Reuse,
            Call::ReadStatus => CallKind::ReadStatus,
            Call::Complete { .. } => CallKind::Complete,
            Call::Delete => CallKind::Delete,
        }
    }

    /// The call's name in the trace format (`set_completion`, ...).
    pub const fn name(&self) -> &'static str {
        self.kind().name()
    }
}

impl fmt::Display for Call {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match *self {
            Call::Format { kind, target } => match target {
                Some(target) => write!(f, "format {kind:?} for {target}"),
                None => write!(f, "format {kind:?}"),
            },
            Call::SetCompletionCallback { callback, context } => match context {
                Some(context) => write!(f, "set completion {callback} with {context}"),
                None => write!(f, "set completion {callback}"),
            },
            Call::Send {
                target,
                mode,
                timeout,
                ignore_state,
            } => {
                match mode {
                    SendMode::Async => write!(f, "send to {target}")?,
                    SendMode::Sync(answer) => {
                        write!(f, "send to {target} synchronously, answered with {answer}")?
                    }
                    SendMode::Forget => write!(f, "send to {target} and forget")?,
                }
                if timeout {
                    write!(f, ", with a timeout")?;
                }
                if ignore_state {
                    write!(f, ", ignoring the target's state")?;
                }
                Ok(())
            }
            Call::Cancel => write!(f, "cancel"),
            Call::Reuse { status, flags } => {
                write!(f, "reuse with {status}")?;
                if flags.set_new_irp {
                    write!(f, ", new IRP")?;
                }
                if flags.must_complete {
                    write!(f, ", must complete")?;
                }
                Ok(())
            }
            Call::ReadStatus => write!(f, "read status"),
            Call::Complete {
                status,
                information,
            } => write!(f, "complete with {status}, information {information}"),
            Call::Delete => write!(f, "delete"),
        }
    }
}

/// What an implementation returns for a call it accepts.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Reply {
    /// The call took effect and returns nothing.
    Done,
    /// `CancelSentRequest`: whether a send was outstanding to cancel.
    Cancel {
        /// TRUE when a send was outstanding and the cancel reached it.
        was_outstanding: bool,
    },
    /// `ReadStatus`: the request's completion status and information.
    Status(Completion),
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_kind_has_one_trace_name_and_a_representative_of_its_kind() {
        let mut names = std::collections::BTreeSet::new();
        for &kind in CallKind::ALL {
            assert!(names.insert(kind.name()), "{kind:?} shares its name");
            assert_eq!(CallKind::from_name(kind.name()), Some(kind));
            assert_eq!(kind.representative().kind(), kind);
            assert!(kind.kmdf().starts_with("Wdf"), "{kind:?}");
            assert!(kind.umdf1().starts_with("IWDF"), "{kind:?}");
        }
        assert_eq!(CallKind::from_name("create"), None);
    }

    #[test]
    fn format_kinds_and_flags_round_trip_by_name() {
        for kind in FormatKind::ALL {
            assert_eq!(FormatKind::from_name(kind.name()), Some(kind));
        }
        let mut flags = ReuseFlags::NONE;
        for (name, _) in ReuseFlags::NONE.named() {
            assert!(flags.set_named(name));
        }
        assert_eq!(flags.named().map(|(_, set)| set), [true, true]);
        assert!(!flags.set_named("sideways"));
    }
}
