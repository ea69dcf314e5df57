//! The verifier's formatted flag, kept apart from the formatting itself, for
//! the mutants that forget to clear it: a send the flag lets through goes
//! out with the formatting the request had when the flag should have been
//! cleared, and nothing else sees the stale flag.

use std::collections::BTreeMap;

use super::framework::Replied;
use super::{Faithful, RequestKey, key};
use crate::sim::Handle;
use crate::vocab::{Call, FormatKind, SendMode};

/// Requests whose formatting was released while their formatted flag
/// (`FXREQUEST_FLAG_FORMATTED`, which `FxIoTarget::VerifySubmitLocked`
/// checks) stayed set.
///
/// The flag and the formatted I/O context are two pieces of state in WDF:
/// a send-and-forget looks at the I/O context, a send at the flag. So a
/// stale flag changes what a send accepts and nothing else.
#[derive(Clone, Debug, Default)]
pub struct StaleFormattedFlag {
    /// The formatting each flagged request had when it was released.
    flagged: BTreeMap<RequestKey, FormatKind>,
}

impl StaleFormattedFlag {
    /// The flag of `request` stays set after its formatting `kind` was
    /// released.
    pub fn keep(&mut self, request: &Handle, kind: FormatKind) {
        self.flagged.insert(key(request), kind);
    }

    /// The flag of `request` is cleared, as it should be.
    pub fn clear(&mut self, request: &Handle) {
        self.flagged.remove(&key(request));
    }

    /// A driver call seen through the flag: a send of an unformatted
    /// request whose flag is set passes the check and goes out with the
    /// released formatting; a new format makes the flag true again. Every
    /// other call is the faithful one.
    pub fn perform(&mut self, sim: &mut Faithful, request: &Handle, call: &Call) -> Replied {
        let stale = self.flagged.get(&key(request)).copied();
        let owned_unformatted = sim
            .request(request)
            .is_some_and(|r| !r.is_outstanding() && r.formatted.is_none());
        match (call, stale) {
            (
                Call::Send {
                    mode: SendMode::Async | SendMode::Sync(_),
                    ..
                },
                Some(kind),
            ) if owned_unformatted => {
                sim.framework_mut().format(request, kind)?;
                let reply = sim.perform(request, call)?;
                self.clear(request);
                Ok(reply)
            }
            (Call::Format { .. } | Call::Send { .. }, _) => {
                let reply = sim.perform(request, call)?;
                self.clear(request);
                Ok(reply)
            }
            _ => sim.perform(request, call),
        }
    }
}
