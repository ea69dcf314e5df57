//! An implementation of the WDF request lifecycle under test, as a crate
//! of yours would have one: a wrapper with its own request handles, here
//! [`MyFramework`].
//!
//! To keep the example small, the framework behind the wrapper is
//! wdfreq's simulated one; in your crate it is your fake framework or your
//! safe wrapper over the real one. What the example shows is the plumbing
//! every implementation needs:
//!
//! - [`Conformance`] for one instance: the wrapper translates its own
//!   handles, refusals and callbacks into wdfreq's vocabulary;
//! - [`Implementation`] for the whole: its name and the framework settings
//!   it implements (here KMDF 1.33, with the verifier on and off);
//! - `tests/conformance.rs`: the `cargo test` test, with committed
//!   regression files in `tests/wdfreq-regressions/`;
//! - `src/main.rs`: the `hunt` / `replay` command line for it.

use std::collections::HashMap;

use wdfreq::harness::{Conformance, Implementation, Refusal};
use wdfreq::sim::{Framework, Handle};
use wdfreq::vocab::{
    Call, Completion, Delivery, FrameworkVersion, QueueId, Reply, Settings, TargetChange, TargetId,
};

/// The wrapper's own name for a request object: a number it never gives
/// twice in one framework's life, as a kernel handle table would (a handle
/// must name one request for the whole sequence).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct RequestHandle(u64);

/// One instance of the wrapper, for one case.
#[derive(Debug)]
pub struct Wrapper {
    framework: Framework,
    /// Every handle given, to the framework's request it names.
    requests: HashMap<RequestHandle, Handle>,
    /// The framework's requests back to the wrapper's handles, for the
    /// callbacks the framework invokes.
    handles: HashMap<Handle, RequestHandle>,
    next: u64,
    invoked: Vec<Delivery<Handle>>,
}

impl Wrapper {
    /// A wrapper around a fresh framework that behaves as `settings` say.
    pub fn new(settings: Settings) -> Wrapper {
        Wrapper {
            framework: Framework::with_settings(settings),
            requests: HashMap::new(),
            handles: HashMap::new(),
            next: 1,
            invoked: Vec::new(),
        }
    }

    fn give(&mut self, request: Handle) -> RequestHandle {
        let handle = RequestHandle(self.next);
        self.next += 1;
        self.requests.insert(handle, request);
        self.handles.insert(request, handle);
        handle
    }

    fn request(&self, handle: &RequestHandle) -> Result<Handle, Refusal> {
        // The harness never hands back a handle it was not given.
        self.requests
            .get(handle)
            .copied()
            .ok_or_else(|| Refusal::Failed(format!("no request {handle:?}")))
    }
}

impl Conformance for Wrapper {
    type Handle = RequestHandle;

    fn create_request(&mut self, irp: bool) -> Result<RequestHandle, Refusal> {
        let request = Conformance::create_request(&mut self.framework, irp)?;
        Ok(self.give(request))
    }

    fn receive_request(&mut self, queue: QueueId) -> Result<RequestHandle, Refusal> {
        let request = Conformance::receive_request(&mut self.framework, queue)?;
        Ok(self.give(request))
    }

    fn perform(&mut self, request: &RequestHandle, call: &Call) -> Result<Reply, Refusal> {
        let request = self.request(request)?;
        Conformance::perform(&mut self.framework, &request, call)
    }

    fn target_complete(
        &mut self,
        request: &RequestHandle,
        completion: Completion,
    ) -> Result<(), Refusal> {
        let request = self.request(request)?;
        Conformance::target_complete(&mut self.framework, &request, completion)
    }

    fn timed_out(&mut self, request: &RequestHandle) -> Result<(), Refusal> {
        let request = self.request(request)?;
        Conformance::timed_out(&mut self.framework, &request)
    }

    fn change_target(&mut self, target: TargetId, change: TargetChange) -> Result<(), Refusal> {
        Conformance::change_target(&mut self.framework, target, change)
    }

    fn drain_deliveries(&mut self, into: &mut Vec<Delivery<RequestHandle>>) {
        self.framework.drain_deliveries(&mut self.invoked);
        for delivery in self.invoked.drain(..) {
            // Every callback is for a request the wrapper gave out.
            let handle = self.handles[&delivery.request];
            into.push(delivery.map_request(|_| handle));
        }
    }
}

/// The wrapper as a whole: KMDF 1.33, with the verifier on (first: what a
/// hunt with no settings runs) and off.
#[derive(Clone, Copy, Debug, Default)]
pub struct MyFramework;

impl Implementation for MyFramework {
    type Instance = Wrapper;

    fn name(&self) -> String {
        "my-framework".to_owned()
    }

    fn settings(&self) -> Vec<Settings> {
        [true, false]
            .into_iter()
            .filter_map(|verifier| {
                Settings::new(
                    wdfreq::vocab::Flavor::Kmdf,
                    FrameworkVersion::V1_33,
                    verifier,
                )
                .ok()
            })
            .collect()
    }

    fn build(&self, settings: Settings) -> Wrapper {
        Wrapper::new(settings)
    }
}
