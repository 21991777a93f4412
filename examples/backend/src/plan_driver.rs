//! The one loop that runs a core plan against the provider — a capture,
//! cancel or refund ([`MutationPlan`](appswitch_core::merchant::mutation::MutationPlan))
//! or an eCom initiate ([`InitiatePlan`](appswitch_core::merchant::mutation::InitiatePlan)):
//! do the request it hands out, feed the answer back, wait when it says,
//! until it ends. The plan's time is the system's (its backoffs and
//! timeouts are real waits). It leaves its calls in the order's rate
//! windows ([`App::order_rates`]), where polling and later plans see them.

use std::time::Duration;

use appswitch_core::foundation::request::RequestId;
use appswitch_core::foundation::time::Timestamp;
use appswitch_core::merchant::mutation::{HttpMethod, OrderRates, PlanEvent};

use crate::app::App;
use crate::config::{Clock, SystemClock};

/// What a plan asks of its driver next.
pub(crate) enum Step<End> {
    /// One HTTP exchange with the provider.
    Call {
        id: RequestId,
        method: HttpMethod,
        path: String,
        /// The JSON body, for a `POST`.
        body: Option<String>,
        /// The idempotency key (`X-Request-Id`), if the call carries one.
        key: Option<String>,
        read_timeout: Duration,
    },
    /// Nothing to do before this instant.
    Wait(Timestamp),
    /// The plan is over.
    End(End),
}

/// A core plan, as the driver sees it: one step at a time, and the answers.
pub(crate) trait ProviderPlan {
    /// How it ends.
    type End;
    /// The next step at `now`.
    fn step(&mut self, now: Timestamp) -> Step<Self::End>;
    /// The HTTP answer to call `id`.
    fn handle_http(
        &mut self,
        id: RequestId,
        status: u16,
        retry_after: Option<&str>,
        body: &str,
        now: Timestamp,
    );
    /// Call `id` got no HTTP answer, or a plan event.
    fn handle(&mut self, event: PlanEvent, now: Timestamp);
    /// Its calls, in the order's rate windows.
    fn rates(&self) -> &OrderRates;
}

/// Runs `plan` for `order_id` until it ends.
pub(crate) async fn run<P: ProviderPlan>(app: &App, order_id: &str, mut plan: P) -> P::End {
    let end = loop {
        let now = SystemClock.now();
        let (id, answer) = match plan.step(now) {
            Step::Call {
                id,
                method,
                path,
                body,
                key,
                read_timeout,
            } => (
                id,
                app.client
                    .raw(method, &path, body.as_deref(), key.as_deref(), read_timeout)
                    .await,
            ),
            Step::Wait(t) => {
                // A minute at most: the plan is asked again.
                let ms = t.as_millis().saturating_sub(now.as_millis()).min(60_000);
                tokio::time::sleep(Duration::from_millis(ms.max(1))).await;
                continue;
            }
            Step::End(end) => break end,
        };
        let now = SystemClock.now();
        match answer {
            Ok(a) => plan.handle_http(id, a.status, a.retry_after.as_deref(), &a.body, now),
            Err(kind) => plan.handle(PlanEvent::TransportError { id, kind }, now),
        }
    };
    app.keep_order_rates(order_id, plan.rates());
    end
}
