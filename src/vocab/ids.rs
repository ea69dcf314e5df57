//! Small copyable identifiers; every one is a newtype so that a queue can
//! never be passed where a target is expected.

use std::fmt;

macro_rules! id_type {
    ($(#[$doc:meta])* $name:ident($inner:ty), $prefix:literal) => {
        $(#[$doc])*
        #[derive(
            Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, arbitrary::Arbitrary,
        )]
        pub struct $name(pub $inner);

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                write!(f, concat!($prefix, "{}"), self.0)
            }
        }
    };
}

id_type!(
    /// Names one request object for a whole operation sequence or trace.
    ///
    /// The name is the sequence's, not the framework's: an implementation
    /// maps it to its own handle (for the simulated framework, a
    /// generation-checked pool handle). A name is never given to two
    /// requests, so a name whose request is gone stays a stale name.
    RequestId(u32),
    "r"
);
id_type!(
    /// Names an I/O target (`IWDFIoTarget`, `WDFIOTARGET`).
    ///
    /// Like the ids below, 32 bits wide: a trace may name far more targets,
    /// queues, callbacks and contexts over its length than a generated
    /// sequence does (a recorder logs each as a pointer), and the trace
    /// reader gives each name an id never given before (`check::names`).
    TargetId(u32),
    "t"
);
id_type!(
    /// Names an I/O queue (`IWDFIoQueue`, `WDFQUEUE`) that presents requests.
    QueueId(u32),
    "q"
);
id_type!(
    /// Names a completion callback: an `IRequestCallbackRequestCompletion`
    /// object in UMDF 1, an `EVT_WDF_REQUEST_COMPLETION_ROUTINE` in KMDF.
    CallbackId(u32),
    "cb"
);
id_type!(
    /// Names the context pointer registered with a completion callback.
    ContextId(u32),
    "ctx"
);

/// A completion status: an `NTSTATUS` in KMDF and UMDF 2, an `HRESULT` in
/// UMDF 1. Negative values are failures in both encodings.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, arbitrary::Arbitrary)]
pub struct Status(pub i32);

impl Status {
    /// `STATUS_SUCCESS` / `S_OK`.
    pub const SUCCESS: Status = Status(0);
    /// `STATUS_UNSUCCESSFUL`.
    pub const UNSUCCESSFUL: Status = Status(0xC000_0001_u32 as i32);
    /// `STATUS_CANCELLED`: what a target reports for a send it cancelled.
    pub const CANCELLED: Status = Status(0xC000_0120_u32 as i32);
    /// `STATUS_DEVICE_NOT_READY`, a failure a target may report.
    pub const DEVICE_NOT_READY: Status = Status(0xC000_00A3_u32 as i32);
    /// `STATUS_REQUEST_NOT_ACCEPTED`: the verifier refuses to send an
    /// unformatted request.
    pub const REQUEST_NOT_ACCEPTED: Status = Status(0xC000_00D0_u32 as i32);
    /// `STATUS_INVALID_DEVICE_REQUEST`.
    pub const INVALID_DEVICE_REQUEST: Status = Status(0xC000_0010_u32 as i32);
    /// `STATUS_INVALID_DEVICE_STATE`.
    pub const INVALID_DEVICE_STATE: Status = Status(0xC000_0184_u32 as i32);
    /// `STATUS_IO_TIMEOUT`: what a send cancelled by its timeout reports.
    pub const IO_TIMEOUT: Status = Status(0xC000_00B5_u32 as i32);
    /// `STATUS_INVALID_PARAMETER`.
    pub const INVALID_PARAMETER: Status = Status(0xC000_000D_u32 as i32);
    /// `STATUS_WDF_DEVICE_REMOVED_NOT_SENT` (wdfstatus.h): what a request
    /// queued at a target that is purged or closed fails with.
    pub const WDF_DEVICE_REMOVED_NOT_SENT: Status = Status(0xC020_0206_u32 as i32);

    /// The statuses the crate names, with their `NTSTATUS` names.
    pub const NAMED: [(Status, &'static str); 10] = [
        (Status::SUCCESS, "STATUS_SUCCESS"),
        (Status::UNSUCCESSFUL, "STATUS_UNSUCCESSFUL"),
        (Status::CANCELLED, "STATUS_CANCELLED"),
        (Status::DEVICE_NOT_READY, "STATUS_DEVICE_NOT_READY"),
        (Status::REQUEST_NOT_ACCEPTED, "STATUS_REQUEST_NOT_ACCEPTED"),
        (
            Status::INVALID_DEVICE_REQUEST,
            "STATUS_INVALID_DEVICE_REQUEST",
        ),
        (Status::INVALID_DEVICE_STATE, "STATUS_INVALID_DEVICE_STATE"),
        (Status::IO_TIMEOUT, "STATUS_IO_TIMEOUT"),
        (Status::INVALID_PARAMETER, "STATUS_INVALID_PARAMETER"),
        (
            Status::WDF_DEVICE_REMOVED_NOT_SENT,
            "STATUS_WDF_DEVICE_REMOVED_NOT_SENT",
        ),
    ];

    /// The status's `NTSTATUS` name, when the crate names it.
    pub fn name(self) -> Option<&'static str> {
        Status::NAMED
            .iter()
            .find(|(status, _)| *status == self)
            .map(|(_, name)| *name)
    }
}

impl fmt::Debug for Status {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:#010x}", self.0 as u32)
    }
}

impl fmt::Display for Status {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(self, f)
    }
}
