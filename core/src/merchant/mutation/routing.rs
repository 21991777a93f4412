//! How an event reaches a plan, the same way for both plans: feed it to
//! the request it answers, turn failures into a [`Problem`], and time out
//! a request whose answer never comes. Each plan says what a usable answer means and what
//! to do about a problem.

use super::answer::{PlanEvent, Problem, ProviderAnswer};
use super::pacer::{CallKind, Pacer};
use crate::foundation::request::{RequestId, TransportErrorKind};
use crate::foundation::retry::RetryAfter;
use crate::foundation::time::Timestamp;

/// A plan's own decisions.
pub(crate) trait PlanDecisions {
    fn pacer_mut(&mut self) -> &mut Pacer;

    fn is_finished(&self) -> bool;

    /// A `2xx` answer to the plan's `call` request: `Ok` once used, or why
    /// it answers another question.
    fn on_success(
        &mut self,
        call: CallKind,
        answer: ProviderAnswer,
        now: Timestamp,
    ) -> Result<(), String>;

    /// The `call` request started at `started` failed with `problem`.
    fn on_problem(
        &mut self,
        call: CallKind,
        started: Timestamp,
        problem: Problem,
        retry_after: Option<RetryAfter>,
        now: Timestamp,
    );

    /// An answer to a request no longer in flight.
    fn on_late_answer(&mut self, id: RequestId, answer: ProviderAnswer);
}

/// Feeds `event` to the request it answers.
pub(crate) fn handle<P: PlanDecisions>(plan: &mut P, event: PlanEvent, now: Timestamp) {
    if plan.is_finished() {
        return;
    }
    let (f, problem, retry_after) = match event {
        PlanEvent::Answer { id, answer } => {
            let Some(f) = plan.pacer_mut().take(id) else {
                return plan.on_late_answer(id, answer);
            };
            match answer {
                ProviderAnswer::Error {
                    status,
                    body,
                    retry_after,
                } => (f, Problem::http(status, body), retry_after),
                ProviderAnswer::Unreadable { status, reason } => {
                    (f, Problem::Unusable { status, reason }, None)
                }
                ok @ (ProviderAnswer::Operation(_)
                | ProviderAnswer::Initiated(_)
                | ProviderAnswer::Details(_)) => match plan.on_success(f.call, ok, now) {
                    Ok(()) => return,
                    Err(reason) => (
                        f,
                        Problem::Unusable {
                            status: 200,
                            reason,
                        },
                        None,
                    ),
                },
            }
        }
        PlanEvent::TransportError { id, kind } => {
            let Some(f) = plan.pacer_mut().take(id) else {
                return;
            };
            (f, Problem::Transport { error: kind }, None)
        }
    };
    plan.on_problem(f.call, f.started, problem, retry_after, now);
}

/// A request in flight whose answer did not come by its timeout counts as
/// a read timeout.
pub(crate) fn time_out<P: PlanDecisions>(plan: &mut P, now: Timestamp) {
    if plan.is_finished() {
        return;
    }
    if let Some(f) = plan.pacer_mut().take_expired(now) {
        let timeout = Problem::Transport {
            error: TransportErrorKind::ReadTimeout,
        };
        plan.on_problem(f.call, f.started, timeout, None, now);
    }
}
