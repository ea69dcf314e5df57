//! The simulated framework under the public conformance contract: every
//! driver call maps to exactly one native call, and every refusal carries
//! the rule the native call names.

use super::{Framework, Handle, SimError};
use crate::harness::concurrent::{ConcurrentImplementation, Locked, Routine};
use crate::harness::conformance::{Conformance, Refusal};
use crate::harness::implementation::Implementation;
use crate::vocab::{Call, Completion, Delivery, QueueId, Reply, Settings, TargetChange, TargetId};

impl From<SimError> for Refusal {
    fn from(error: SimError) -> Self {
        match error.rule() {
            Some(rule) => Refusal::Rule(rule),
            // A limit of the simulation, not a rule: the harness reports it
            // as a divergence rather than matching it against the model.
            None => Refusal::Failed(error.to_string()),
        }
    }
}

/// The simulated framework as a whole implementation: `sim`, which
/// implements every setting there is (the default first).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Simulated;

/// The name `sim` goes by in reports, regression files and
/// `--implementation`.
pub const SIM: &str = "sim";

impl Implementation for Simulated {
    type Instance = Framework;

    fn name(&self) -> String {
        SIM.to_owned()
    }

    fn describe(&self) -> String {
        format!("{SIM} (simulated framework)")
    }

    fn settings(&self) -> Vec<Settings> {
        Settings::all_from(Settings::DEFAULT)
    }

    fn build(&self, settings: Settings) -> Framework {
        Framework::with_settings(settings)
    }
}

/// The simulated framework shared between threads: one lock around it,
/// routines run outside the lock ([`Locked`]).
impl ConcurrentImplementation for Simulated {
    type Instance = Locked<Framework>;

    fn name(&self) -> String {
        SIM.to_owned()
    }

    fn settings(&self) -> Vec<Settings> {
        Settings::all_from(Settings::DEFAULT)
    }

    fn build(&self, settings: Settings, routine: Routine<Handle>) -> Locked<Framework> {
        Locked::new(Framework::with_settings(settings), routine)
    }
}

impl Conformance for Framework {
    type Handle = Handle;

    fn create_request(&mut self, irp: bool) -> Result<Handle, Refusal> {
        Ok(Framework::create_request_with(self, irp)?)
    }

    fn receive_request(&mut self, queue: QueueId) -> Result<Handle, Refusal> {
        Ok(Framework::receive_request(self, queue)?)
    }

    fn perform(&mut self, request: &Handle, call: &Call) -> Result<Reply, Refusal> {
        match *call {
            Call::Format { kind, target } => self.format_for(request, kind, target)?,
            Call::SetCompletionCallback { callback, context } => {
                self.set_completion_callback(request, callback, context)?
            }
            Call::Send {
                target,
                mode,
                timeout,
                ignore_state,
            } => self.send(request, target, mode, timeout, ignore_state)?,
            Call::Cancel => {
                return Ok(Reply::Cancel {
                    was_outstanding: self.cancel_sent_request(request)?,
                });
            }
            Call::Reuse { status, flags } => self.reuse(request, status, flags)?,
            Call::ReadStatus => return Ok(Reply::Status(self.completion_params(request)?)),
            Call::Complete {
                status,
                information,
            } => self.complete(request, status, information)?,
            Call::Delete => self.delete(request)?,
        }
        Ok(Reply::Done)
    }

    fn target_complete(&mut self, request: &Handle, completion: Completion) -> Result<(), Refusal> {
        Ok(Framework::target_complete(self, request, completion)?)
    }

    fn timed_out(&mut self, request: &Handle) -> Result<(), Refusal> {
        Ok(Framework::timed_out(self, request)?)
    }

    fn change_target(&mut self, target: TargetId, change: TargetChange) -> Result<(), Refusal> {
        Ok(Framework::change_target(self, target, change)?)
    }

    fn drain_deliveries(&mut self, into: &mut Vec<Delivery<Handle>>) {
        Framework::drain_deliveries(self, into);
    }

    fn check_invariants(&self) -> Result<(), String> {
        Framework::check_invariants(self)
    }

    fn name(&self) -> String {
        "wdfreq simulated framework".to_owned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::vocab::{
        CallbackId, ContextId, Flavor, FormatKind, FrameworkVersion, ReuseFlags, RuleId, SendMode,
        Settings, Status, TargetId,
    };

    fn perform(fw: &mut Framework, h: &Handle, call: Call) -> Result<Reply, Refusal> {
        Conformance::perform(fw, h, &call)
    }

    #[test]
    fn every_op_reaches_the_native_call_and_replies_in_kind() {
        let mut fw = Framework::new();
        let h = Conformance::create_request(&mut fw, true).unwrap();
        let format = Call::Format {
            kind: FormatKind::Read,
            target: None,
        };
        let register = Call::SetCompletionCallback {
            callback: CallbackId(3),
            context: Some(ContextId(4)),
        };
        let send = Call::Send {
            target: TargetId(1),
            mode: SendMode::Async,
            timeout: false,
            ignore_state: false,
        };
        assert_eq!(perform(&mut fw, &h, format), Ok(Reply::Done));
        assert_eq!(perform(&mut fw, &h, register), Ok(Reply::Done));
        assert_eq!(perform(&mut fw, &h, send), Ok(Reply::Done));
        assert_eq!(fw.outstanding(TargetId(1)).len(), 1);
        assert_eq!(
            perform(&mut fw, &h, Call::Cancel),
            Ok(Reply::Cancel {
                was_outstanding: true
            })
        );
        let done = Completion {
            status: Status::CANCELLED,
            information: 0,
        };
        Conformance::target_complete(&mut fw, &h, done).unwrap();
        let mut got = Vec::new();
        Conformance::drain_deliveries(&mut fw, &mut got);
        assert_eq!(got.len(), 1);
        let reuse = Call::Reuse {
            status: Status::UNSUCCESSFUL,
            flags: ReuseFlags::NONE,
        };
        assert_eq!(perform(&mut fw, &h, reuse), Ok(Reply::Done));
        assert_eq!(
            perform(&mut fw, &h, Call::ReadStatus),
            Ok(Reply::Status(Completion {
                status: Status::UNSUCCESSFUL,
                information: 0
            }))
        );
        assert_eq!(perform(&mut fw, &h, Call::Delete), Ok(Reply::Done));
        assert_eq!(fw.requests_live_count(), 0);
        Conformance::check_invariants(&fw).unwrap();
    }

    #[test]
    fn send_mode_and_reuse_flags_reach_the_native_call() {
        let kmdf = Settings::new(Flavor::Kmdf, FrameworkVersion::V1_33, true).unwrap();
        let mut fw = Framework::with_settings(kmdf);
        let created = Conformance::create_request(&mut fw, true).unwrap();
        let must_complete = Call::Reuse {
            status: Status::SUCCESS,
            flags: ReuseFlags {
                set_new_irp: true,
                must_complete: true,
            },
        };
        assert_eq!(perform(&mut fw, &created, must_complete), Ok(Reply::Done));
        assert!(fw.request(&created).unwrap().must_complete);

        let received = Conformance::receive_request(&mut fw, QueueId(0)).unwrap();
        let answer = Completion {
            status: Status::DEVICE_NOT_READY,
            information: 5,
        };
        // Formatted with its current type: no I/O context, so it may be
        // sent and forgotten afterwards.
        let format = Call::Format {
            kind: FormatKind::Current,
            target: None,
        };
        let sync = Call::Send {
            target: TargetId(0),
            mode: SendMode::Sync(answer),
            timeout: false,
            ignore_state: false,
        };
        assert_eq!(perform(&mut fw, &received, format), Ok(Reply::Done));
        assert_eq!(perform(&mut fw, &received, sync), Ok(Reply::Done));
        assert_eq!(fw.completion_params(&received), Ok(answer));
        let forget = Call::Send {
            target: TargetId(0),
            mode: SendMode::Forget,
            timeout: false,
            ignore_state: false,
        };
        assert_eq!(perform(&mut fw, &received, forget), Ok(Reply::Done));
        assert_eq!(
            perform(&mut fw, &received, Call::ReadStatus),
            Err(Refusal::Rule(RuleId::AccessAfterForget))
        );
    }

    #[test]
    fn native_refusal_becomes_the_rule_it_names() {
        let mut fw = Framework::new();
        let h = Conformance::receive_request(&mut fw, QueueId(0)).unwrap();
        assert_eq!(
            perform(&mut fw, &h, Call::Delete),
            Err(Refusal::Rule(RuleId::DeleteReceived))
        );
        let complete = Call::Complete {
            status: Status::SUCCESS,
            information: 8,
        };
        assert_eq!(perform(&mut fw, &h, complete), Ok(Reply::Done));
        assert_eq!(
            perform(&mut fw, &h, complete),
            Err(Refusal::Rule(RuleId::AccessAfterComplete))
        );
        let done = Completion {
            status: Status::SUCCESS,
            information: 0,
        };
        assert_eq!(
            Conformance::target_complete(&mut fw, &h, done),
            Err(Refusal::Rule(RuleId::TargetCompleteUnsent))
        );
    }

    #[test]
    fn pool_exhaustion_is_a_failure_not_a_rule() {
        assert!(matches!(
            Refusal::from(SimError::PoolExhausted),
            Refusal::Failed(_)
        ));
    }
}

#[cfg(test)]
mod conformance_tests {
    use super::*;
    use crate::harness::{CaseConfig, Seed, run_case};
    use crate::vocab::Settings;

    #[test]
    fn the_simulated_framework_names_itself() {
        assert_eq!(
            Conformance::name(&Framework::new()),
            "wdfreq simulated framework"
        );
    }

    /// Property: a short hunt of the simulated framework in every setting
    /// finds no divergence from the model (the long hunts live in
    /// `tests/`; this one keeps `cargo test --lib`, which mutation testing
    /// runs, a conformance check).
    #[test]
    fn simulated_framework_conforms_in_a_short_run_of_every_setting() {
        for settings in Settings::all() {
            let config = CaseConfig {
                settings,
                ..CaseConfig::default()
            };
            for case in 0..40 {
                let outcome = run_case(Seed(7).case(case), &config, &|| {
                    Framework::with_settings(settings)
                });
                if let Some(failure) = outcome.failure {
                    panic!("{settings}:\n{}", failure.divergence.report(&failure.steps));
                }
            }
        }
    }
}
