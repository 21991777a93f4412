//! What goes wrong in one payment: drawn from the run's seed and the
//! payment's number, so that a failing payment replays on its own
//! (`--seed S --only I`) with the same faults.
//!
//! Every span here is simulated time (the simulator's clock), except the
//! simulator's own stall, which it holds in real time.

use std::time::Duration;

use appswitch_merchant_backend::ProviderApi;
use appswitch_simulator::{Burst, Endpoint, Faults, Stall};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

/// What the shopper does in the payment app.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Choice {
    /// Approves: the amount is reserved.
    Approve,
    /// Rejects in the app.
    Reject,
    /// The card is refused.
    Fail,
    /// Opens the link and then does nothing: the payment expires five
    /// minutes later.
    OpenOnly,
    /// Never opens the link: it expires after five minutes.
    Nothing,
}

/// A fault the merchant's app meets on its way to the backend's status
/// endpoint (a proxy, a flaky network, a backend under load): the next
/// `count` status requests from `at` on.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum HostFaultKind {
    /// `429` with `Retry-After: secs`.
    TooMany {
        /// The `Retry-After` in seconds.
        secs: u64,
    },
    /// A `5xx` answer.
    ServerError {
        /// The status.
        status: u16,
    },
    /// No answer within the read timeout (nothing reached the backend).
    Timeout,
    /// The backend answers, but too late: the request counts as timed out.
    Stall,
}

/// A storm of [`HostFaultKind`] answers.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct HostFault {
    /// From this long after the checkout.
    pub at: Duration,
    /// How many requests it hits.
    pub count: u32,
    /// What they get.
    pub kind: HostFaultKind,
}

/// The app is killed (or the page reloaded) and started again.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Restart {
    /// This long after the checkout.
    pub at: Duration,
    /// How long the app stays dead (zero for a page reload).
    pub dead_for: Duration,
}

/// One attempt to pay for the basket.
#[derive(Clone, Debug)]
pub struct AttemptPlan {
    /// When the shopper taps "pay", after the basket's first attempt.
    pub start_after: Duration,
    /// What the shopper does.
    pub choice: Choice,
    /// After the checkout.
    pub decide_after: Duration,
    /// After deciding, the shopper comes back to the shop (`None`: never).
    pub return_after: Option<Duration>,
    /// The simulator's faults for this order.
    pub sim: Faults,
    /// Faults between the app and the backend.
    pub host: Vec<HostFault>,
    /// App kills and page reloads.
    pub restarts: Vec<Restart>,
    /// The tracker long-polls.
    pub long_poll: bool,
    /// The tracker's jitter seed.
    pub jitter_seed: u64,
}

/// What the merchant does with a paid basket.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Refund {
    /// Nothing.
    None,
    /// Part of the capture.
    Part,
    /// All of it.
    Full,
    /// Two refunds of 60 % each: the second must be refused.
    TwiceOver,
}

/// The merchant's part.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct MerchantPlan {
    /// "Ship" is clicked twice at once (two idempotency keys).
    pub double_ship: bool,
    /// The ship request is sent again with the same idempotency key.
    pub repeat_ship: bool,
    /// The refund after shipping.
    pub refund: Refund,
}

/// One payment: a basket, paid once or twice.
#[derive(Clone, Debug)]
pub struct Plan {
    /// Its number in the run.
    pub index: usize,
    /// In øre.
    pub amount: u64,
    /// The attempts (two: the shopper pays twice for one basket).
    pub attempts: Vec<AttemptPlan>,
    /// The merchant.
    pub merchant: MerchantPlan,
    /// The provider API of the basket's attempts (about a third go through
    /// ePayment, whose webhooks take the callbacks' faults).
    pub api: ProviderApi,
}

impl AttemptPlan {
    /// The simulator's faults for the attempt on `api`: on ePayment the
    /// callback faults are the webhooks' (dropped, late, duplicated; a
    /// replay is a reordering), the rest are the same.
    pub fn faults_for(&self, api: ProviderApi) -> Faults {
        match api {
            ProviderApi::Ecom => self.sim.clone(),
            ProviderApi::Epayment => Faults {
                drop_callback: false,
                callback_delay_ms: None,
                duplicate_callbacks: false,
                replay_callback_ms: None,
                drop_webhooks: self.sim.drop_callback,
                webhook_delay_ms: self.sim.callback_delay_ms,
                duplicate_webhooks: self.sim.duplicate_callbacks,
                reorder_webhooks_ms: self.sim.replay_callback_ms,
                ..self.sim.clone()
            },
        }
    }
}

fn secs(s: u64) -> Duration {
    Duration::from_secs(s)
}

/// The payment's own random stream: the run's seed and its number.
fn stream(seed: u64, index: usize) -> ChaCha8Rng {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    rng.set_stream(index as u64);
    rng
}

impl Plan {
    /// The plan of payment `index` in a run with `seed`. `stall_real` is how
    /// long the simulator holds a stalled answer (real time: longer than the
    /// backend's read timeout).
    pub fn draw(seed: u64, index: usize, stall_real: Duration) -> Plan {
        let mut rng = stream(seed, index);
        let amount = rng.random_range(100..=250_000u64);
        let twice = rng.random_bool(0.15);
        let mut attempts = vec![attempt(&mut rng, Duration::ZERO, stall_real)];
        if twice {
            let after = secs(rng.random_range(5..=240));
            attempts.push(attempt(&mut rng, after, stall_real));
        }
        let refund = match rng.random_range(0..10) {
            0 => Refund::Part,
            1 => Refund::Full,
            2 => Refund::TwiceOver,
            _ => Refund::None,
        };
        let merchant = MerchantPlan {
            double_ship: rng.random_bool(0.15),
            repeat_ship: rng.random_bool(0.15),
            refund,
        };
        // Drawn last: the eCom plans of a seed stay what they were.
        let api = if rng.random_bool(0.3) {
            ProviderApi::Epayment
        } else {
            ProviderApi::Ecom
        };
        Plan {
            index,
            amount,
            attempts,
            merchant,
            api,
        }
    }
}

fn attempt(rng: &mut ChaCha8Rng, start_after: Duration, stall_real: Duration) -> AttemptPlan {
    let choice = match rng.random_range(0..100) {
        0..55 => Choice::Approve,
        55..70 => Choice::Reject,
        70..80 => Choice::Fail,
        80..90 => Choice::OpenOnly,
        _ => Choice::Nothing,
    };
    // Mostly within the link's five minutes; some after (refused: the
    // payment expires).
    let decide_after = if rng.random_bool(0.08) {
        secs(rng.random_range(290..=330))
    } else {
        Duration::from_millis(rng.random_range(2_000..=240_000))
    };
    let return_after = rng
        .random_bool(0.8)
        .then(|| Duration::from_millis(rng.random_range(0..=5_000)));
    let mut sim = Faults {
        drop_callback: rng.random_bool(0.2),
        callback_delay_ms: rng
            .random_bool(0.15)
            .then(|| rng.random_range(1_000..=90_000)),
        duplicate_callbacks: rng.random_bool(0.15),
        replay_callback_ms: rng
            .random_bool(0.15)
            .then(|| rng.random_range(5_000..=240_000)),
        reserve_late_ms: rng
            .random_bool(0.15)
            .then(|| rng.random_range(1_000..=60_000)),
        user_closes_app: rng.random_bool(0.1),
        ..Faults::default()
    };
    if rng.random_bool(0.2) {
        let status = if rng.random_bool(0.5) {
            429
        } else {
            [500, 502, 503][rng.random_range(0..3)]
        };
        sim.burst = Some(Burst {
            status,
            count: rng.random_range(1..=6),
            endpoints: vec![Endpoint::Details, Endpoint::Capture, Endpoint::Cancel],
        });
    }
    if rng.random_bool(0.15) {
        sim.stall = Some(Stall {
            ms: u64::try_from(stall_real.as_millis()).unwrap_or(u64::MAX),
            count: rng.random_range(1..=2),
            endpoints: vec![
                [Endpoint::Details, Endpoint::Capture, Endpoint::Cancel][rng.random_range(0..3)],
            ],
        });
    }
    let storms = rng.random_range(0..=2);
    let host = (0..storms)
        .map(|_| HostFault {
            at: Duration::from_millis(rng.random_range(0..=400_000)),
            count: rng.random_range(1..=6),
            kind: match rng.random_range(0..4) {
                0 => HostFaultKind::TooMany {
                    secs: rng.random_range(1..=20),
                },
                1 => HostFaultKind::ServerError {
                    status: [500, 502, 503, 504][rng.random_range(0..4)],
                },
                2 => HostFaultKind::Timeout,
                _ => HostFaultKind::Stall,
            },
        })
        .collect();
    let mut restarts = Vec::new();
    if rng.random_bool(0.15) {
        restarts.push(Restart {
            at: Duration::from_millis(rng.random_range(1_000..=300_000)),
            dead_for: Duration::from_millis(rng.random_range(1_000..=120_000)),
        });
    }
    if rng.random_bool(0.1) {
        restarts.push(Restart {
            at: Duration::from_millis(rng.random_range(1_000..=300_000)),
            dead_for: Duration::ZERO,
        });
    }
    restarts.sort_by_key(|r| r.at);
    AttemptPlan {
        start_after,
        choice,
        decide_after,
        return_after,
        sim,
        host,
        restarts,
        long_poll: rng.random_bool(0.8),
        jitter_seed: rng.random(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_plan_is_the_same_for_the_same_seed_and_number() {
        let stall = Duration::from_millis(1500);
        for i in 0..50 {
            let (a, b) = (Plan::draw(7, i, stall), Plan::draw(7, i, stall));
            assert_eq!(format!("{a:?}"), format!("{b:?}"));
        }
        let differ = (0..50)
            .filter(|i| {
                format!("{:?}", Plan::draw(7, *i, stall).attempts)
                    != format!("{:?}", Plan::draw(8, *i, stall).attempts)
            })
            .count();
        assert!(differ > 40, "{differ}");
    }
}
