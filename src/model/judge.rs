//! Verdicts on what an implementation did: the framework's rules, judged
//! from the callbacks it invoked and the status it reported.

use super::{ExpectedReply, Model, Violation};
use crate::vocab::{Completion, Delivery, Registration, Reply, RequestId, RuleId, Status};

impl Model {
    /// Judges the completion callbacks an implementation invoked during one
    /// step (`actual`, in the order invoked) against those the model
    /// expects for that step (`expected`, from [`super::Accepted`]: at most
    /// one per request).
    ///
    /// Call it after [`Model::step`] has applied the step. The first
    /// offence found decides: a delivery nobody expected is
    /// `callback-without-send`, a second one for an expected request
    /// `callback-twice`, a wrong callback, context, status or information
    /// `callback-mismatch`, and a missing one `callback-missing`; a wrong or
    /// unexpected delivery that carries a callback or context gone from the
    /// request (deregistered by a Reuse, replaced, or consumed by an earlier
    /// completion) is `callback-leak`. Deliveries for different requests
    /// may come in any order: the framework's order among them (a purge
    /// fails its queue oldest first) is not a rule.
    pub fn judge_deliveries(
        &self,
        expected: &[Delivery],
        actual: &[Delivery],
    ) -> Result<(), Violation> {
        let mut delivered: Vec<RequestId> = Vec::new();
        for delivery in actual {
            let want = expected.iter().find(|w| w.request == delivery.request);
            let already = delivered.contains(&delivery.request);
            self.judge_delivery(want, already, delivery)?;
            delivered.push(delivery.request);
        }
        expected.iter().try_for_each(|want| {
            Model::judge_missing(Some(want), delivered.contains(&want.request))
        })
    }

    /// Judges one `delivery` made during a step for which the model expects
    /// `expected`, when the expected one was `already_delivered` earlier
    /// (in the same step, or, for a trace, at an earlier line): what
    /// [`Model::judge_deliveries`] does for each delivery in turn.
    pub fn judge_delivery(
        &self,
        expected: Option<&Delivery>,
        already_delivered: bool,
        delivery: &Delivery,
    ) -> Result<(), Violation> {
        match expected {
            Some(want) if want.request == delivery.request => {
                if already_delivered {
                    return Err(violation(RuleId::CallbackTwice, delivery.request));
                }
                if delivery != want {
                    let rule = self.leak_or(delivery, Some(want.registration));
                    return Err(violation(
                        rule.unwrap_or(RuleId::CallbackMismatch),
                        want.request,
                    ));
                }
                Ok(())
            }
            _ => {
                let rule = self.leak_or(delivery, None);
                Err(violation(
                    rule.unwrap_or(RuleId::CallbackWithoutSend),
                    delivery.request,
                ))
            }
        }
    }

    /// `callback-missing` when `expected` is owed and was not `delivered`.
    pub fn judge_missing(expected: Option<&Delivery>, delivered: bool) -> Result<(), Violation> {
        match expected {
            Some(want) if !delivered => Err(violation(RuleId::CallbackMissing, want.request)),
            _ => Ok(()),
        }
    }

    /// `callback-leak` when `delivery` carries a callback or context that
    /// is gone from its request (deregistered by a Reuse, replaced by a
    /// later registration, or consumed by an earlier completion, however
    /// long ago), is not registered now, and differs from what was wanted.
    /// (One registered again is the driver's current one: invoking it
    /// wrongly is the same bug on every cycle, never a leak.)
    fn leak_or(&self, delivery: &Delivery, wanted: Option<Registration>) -> Option<RuleId> {
        let request = self.request(delivery.request)?;
        let (gone, now) = (&request.gone, request.registration);
        let got = delivery.registration;
        let callback_leaked = gone.has_callback(got.callback)
            && now.is_none_or(|r| r.callback != got.callback)
            && wanted.is_none_or(|w| w.callback != got.callback);
        let context_leaked = got.context.is_some_and(|c| {
            gone.has_context(c)
                && now.is_none_or(|r| r.context != Some(c))
                && wanted.is_none_or(|w| w.context != Some(c))
        });
        (callback_leaked || context_leaked).then_some(RuleId::CallbackLeak)
    }
}

impl Model {
    /// Judges the status an implementation reported for `request` against
    /// what the model expects (`None` parts are unspecified and always
    /// conform): `status-mismatch` on any difference.
    pub fn judge_status(
        request: RequestId,
        status: Option<Status>,
        information: Option<u64>,
        actual: Completion,
    ) -> Result<(), Violation> {
        let status_ok = status.is_none_or(|s| s == actual.status);
        let information_ok = information.is_none_or(|i| i == actual.information);
        if status_ok && information_ok {
            Ok(())
        } else {
            Err(violation(RuleId::StatusMismatch, request))
        }
    }
}

impl super::Accepted {
    /// Judges what an implementation replied to this accepted step on
    /// `request`: `Ok` when the reply is one the step may return (any, for
    /// [`ExpectedReply::Any`]), else `Err` with the rule a wrong reply
    /// breaks where one does (`status-mismatch` for a status read).
    pub fn judge_reply(&self, request: RequestId, reply: Reply) -> Result<(), Option<RuleId>> {
        match (self.reply, reply) {
            (ExpectedReply::Any, _) | (ExpectedReply::Done, Reply::Done) => Ok(()),
            (ExpectedReply::Cancel { returns }, Reply::Cancel { was_outstanding })
                if returns.is_none_or(|returns| returns == was_outstanding) =>
            {
                Ok(())
            }
            (
                ExpectedReply::Status {
                    status,
                    information,
                },
                Reply::Status(actual),
            ) => Model::judge_status(request, status, information, actual)
                .map_err(|violation| Some(violation.rule)),
            _ => Err(None),
        }
    }
}

fn violation(rule: RuleId, request: RequestId) -> Violation {
    Violation { rule, request }
}
