//! One payment, played end to end: the shopper taps "pay" (once or twice
//! for the basket), the app tracks each attempt with the core's drive loop
//! while it is killed, cold-started and reloaded, the simulated shopper
//! decides in the payment app and comes back (or not), and the merchant
//! ships, repeats clicks and refunds.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use appswitch_core::drive::{Driver, DriverHandle};
use appswitch_core::foundation::time::Timestamp;
use appswitch_core::shopper::pending::PendingStore;
use appswitch_core::shopper::tracker::{Outcome, TrackerConfig, UnknownReason};
use appswitch_core::status::StatusName;
use appswitch_merchant_backend::ProviderApi;
use appswitch_simulator::{ControlError, ShopperChoice};
use reqwest::Method;
use serde_json::{Value, json};

use crate::host::ChaosHost;
use crate::plan::{AttemptPlan, Choice, MerchantPlan, Plan, Refund};
use crate::world::World;

/// What became of one attempt.
#[derive(Clone, Debug)]
pub struct AttemptResult {
    /// The attempt's `orderId`, if the checkout answered.
    pub order_id: Option<String>,
    /// Why the checkout failed.
    pub checkout_error: Option<String>,
    /// The tracker's outcome.
    pub outcome: Option<Outcome>,
    /// The tracker's deadline (its final check).
    pub deadline: Timestamp,
    /// When the last `200` answer of the backend reached the app.
    pub last_answer: Option<Timestamp>,
    /// Something the app saw that must not happen (a refused return, a
    /// pending payment lost from the store).
    pub problems: Vec<String>,
}

/// What became of one basket.
#[derive(Clone, Debug)]
pub struct BasketResult {
    /// The payment's plan.
    pub plan: Plan,
    /// The basket.
    pub basket_id: String,
    /// Its attempts.
    pub attempts: Vec<AttemptResult>,
    /// The attempt the merchant shipped.
    pub shipped: Option<String>,
}

/// The app's current process: its driver's handle while it runs, and a
/// return that happened while it was dead.
#[derive(Debug, Default)]
struct AppSlot {
    handle: Option<DriverHandle>,
    pending_return: Option<String>,
    problems: Vec<String>,
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
}

impl AppSlot {
    fn returned(&mut self, url: String) {
        match &self.handle {
            Some(h) => {
                if let Err(e) = h.returned(&url) {
                    self.problems.push(format!("the return was refused: {e}"));
                }
            }
            None => self.pending_return = Some(url),
        }
    }

    fn started(&mut self, handle: DriverHandle) {
        if let Some(url) = self.pending_return.take() {
            // The app is opened by its return URL.
            if let Err(e) = handle.returned(&url) {
                self.problems.push(format!("the return was refused: {e}"));
            }
        } else {
            handle.visible();
        }
        self.handle = Some(handle);
    }
}

/// Plays the whole basket.
pub async fn run_basket(world: Arc<World>, plan: Plan, seed: u64) -> BasketResult {
    let basket_id = format!("chaos-{seed}-{}", plan.index);
    let t0 = world.now();
    let mut tasks = Vec::new();
    for a in plan.attempts.clone() {
        let (world, basket, amount, api) =
            (world.clone(), basket_id.clone(), plan.amount, plan.api);
        tasks.push(tokio::spawn(async move {
            world.sleep_until(t0 + a.start_after).await;
            run_attempt(&world, api, &basket, amount, &a).await
        }));
    }
    let mut attempts = Vec::new();
    for t in tasks {
        attempts.push(t.await.unwrap_or_else(|e| AttemptResult {
            order_id: None,
            checkout_error: None,
            outcome: None,
            deadline: Timestamp::EPOCH,
            last_answer: None,
            problems: vec![format!("the attempt's task failed: {e}")],
        }));
    }
    let shipped = merchant(&world, plan.api, &attempts, plan.amount, plan.merchant).await;
    BasketResult {
        plan,
        basket_id,
        attempts,
        shipped,
    }
}

async fn run_attempt(
    world: &Arc<World>,
    api: ProviderApi,
    basket: &str,
    amount: u64,
    a: &AttemptPlan,
) -> AttemptResult {
    let mut result = AttemptResult {
        order_id: None,
        checkout_error: None,
        outcome: None,
        deadline: Timestamp::EPOCH,
        last_answer: None,
        problems: Vec::new(),
    };
    let c = match world.checkout(api, basket, amount).await {
        Ok(c) => c,
        Err(e) => {
            result.checkout_error = Some(e);
            return result;
        }
    };
    let order_id = c.order_id.clone();
    result.order_id = Some(order_id.clone());
    let faults = a.faults_for(api);
    let set = match api {
        ProviderApi::Ecom => world.control().set_order_faults(&order_id, faults),
        ProviderApi::Epayment => world.control().set_epayment_faults(&order_id, faults),
    };
    if let Err(e) = set {
        result.problems.push(format!("setting the faults: {e}"));
    }
    let started = Timestamp::from_millis(c.initiated_at);
    let host = ChaosHost::new(world.clone(), started, a.host.clone());
    let mut config = TrackerConfig::new(&order_id, &c.status_url, started, a.jitter_seed);
    config.policy.long_poll = a.long_poll.then(|| Duration::from_secs(25));
    // Time runs `scale` times as fast, the network and a debug build do
    // not: the read timeout is never below two real seconds (the backend's
    // last check may wait one for a provider check that is out, and take
    // one for its own).
    let floor = Duration::from_secs_f64(2.0 * world.scale);
    config.policy.read_timeout = config.policy.read_timeout.max(floor);
    result.deadline = config.deadline();
    let driver = match Driver::start(
        host.clone(),
        config,
        c.deeplink.clone(),
        c.return_expectation.clone(),
    ) {
        Ok(d) => d,
        Err(e) => {
            result
                .problems
                .push(format!("the driver did not start: {e}"));
            return result;
        }
    };
    driver.handle().switched_out();
    let slot = Arc::new(Mutex::new(AppSlot::default()));
    lock(&slot).handle = Some(driver.handle());
    let shopper = tokio::spawn(shopper(
        world.clone(),
        api,
        order_id.clone(),
        a.clone(),
        started,
        slot.clone(),
    ));
    let mut restarts = a.restarts.iter();
    let mut current = Some(driver);
    let outcome = loop {
        let Some(driver) = current.take() else {
            break Outcome::Unknown {
                reason: UnknownReason::Stopped,
            };
        };
        let run = driver.run();
        let Some(restart) = restarts.next() else {
            break run.await;
        };
        tokio::select! {
            outcome = run => break outcome,
            () = world.sleep_until(started + restart.at) => {}
        }
        // Killed (the future is dropped mid-request), or the page unloads.
        lock(&slot).handle = None;
        world.sleep(restart.dead_for).await;
        let store = PendingStore::from_stored(host.stored().as_deref());
        let Some(pending) = store.get(&order_id).cloned() else {
            lock(&slot)
                .problems
                .push("the pending payment was not in the store after a restart".into());
            break Outcome::Unknown {
                reason: UnknownReason::Stopped,
            };
        };
        match Driver::resume(host.clone(), pending) {
            Ok(d) => {
                lock(&slot).started(d.handle());
                current = Some(d);
            }
            Err(e) => {
                lock(&slot)
                    .problems
                    .push(format!("the pending payment did not restore: {e}"));
            }
        }
    };
    lock(&slot).handle = None;
    let _ = shopper.await;
    result.outcome = Some(outcome);
    result.last_answer = host.last_answer();
    result.problems.append(&mut lock(&slot).problems);
    result
}

/// The simulated shopper in the payment app.
async fn shopper(
    world: Arc<World>,
    api: ProviderApi,
    order_id: String,
    a: AttemptPlan,
    started: Timestamp,
    slot: Arc<Mutex<AppSlot>>,
) {
    world.sleep_until(started + a.decide_after).await;
    let choice = match a.choice {
        Choice::Nothing => return,
        Choice::OpenOnly => {
            let page = match api {
                ProviderApi::Ecom => world.control().order(&order_id).map(|v| v.shopper_url),
                ProviderApi::Epayment => world.control().epayment(&order_id).map(|v| v.shopper_url),
            };
            if let Some(url) = page {
                let _ = world.http.get(&url).send().await;
            }
            return;
        }
        Choice::Approve => ShopperChoice::Approve,
        Choice::Reject => ShopperChoice::Reject,
        Choice::Fail => ShopperChoice::Fail,
    };
    let decided = match api {
        ProviderApi::Ecom => world.control().shopper(&order_id, choice).await,
        ProviderApi::Epayment => world.control().epayment_shopper(&order_id, choice).await,
    };
    let timed_out = || match api {
        ProviderApi::Ecom => world
            .control()
            .order(&order_id)
            .is_some_and(|v| v.status == StatusName::Rejected),
        ProviderApi::Epayment => world
            .control()
            .epayment(&order_id)
            .is_some_and(|v| v.status == StatusName::Rejected),
    };
    let back = match decided {
        Ok(back) => back,
        // Too late: the link expired (or the payment timed out already).
        Err(ControlError::Expired(_)) => return,
        Err(ControlError::AlreadyDecided(_)) if timed_out() => return,
        Err(e) => {
            lock(&slot).problems.push(format!("the shopper: {e}"));
            return;
        }
    };
    let (Some(after), Some(url)) = (a.return_after, back.redirect) else {
        return;
    };
    world.sleep(after).await;
    lock(&slot).returned(url);
}

/// A random idempotency key.
fn key() -> String {
    let mut b = [0u8; 16];
    let _ = getrandom::fill(&mut b);
    b.iter().map(|x| format!("{x:02x}")).collect()
}

/// The backend's status name of an order (`reserved`, …), as the merchant
/// sees it.
pub async fn backend_status(world: &World, api: ProviderApi, order_id: &str) -> Option<String> {
    let (code, v) = world
        .merchant(
            api,
            Method::GET,
            &format!("/api/orders/{order_id}"),
            None,
            None,
        )
        .await
        .ok()?;
    (code == 200).then(|| v["status"]["status"].as_str().unwrap_or("").to_string())
}

/// A merchant operation, retried with the same key while the backend
/// answers that the provider failed (`502`) or cannot be reached.
async fn operate(
    world: &World,
    api: ProviderApi,
    path: &str,
    body: Value,
    key: &str,
) -> Option<u16> {
    for _ in 0..5 {
        match world
            .merchant(api, Method::POST, path, Some(body.clone()), Some(key))
            .await
        {
            Ok((502 | 503, _)) | Err(_) => world.sleep(Duration::from_secs(2)).await,
            Ok((code, _)) => return Some(code),
        }
    }
    None
}

/// Ships the first attempt the backend knows as paid, with the plan's
/// repeated clicks, then refunds as planned. The attempt shipped.
pub async fn ship_first_paid(
    world: &World,
    api: ProviderApi,
    order_ids: &[String],
    amount: u64,
    plan: MerchantPlan,
) -> Option<String> {
    let mut paid = None;
    for id in order_ids {
        if backend_status(world, api, id).await.as_deref() == Some("reserved") {
            paid = Some(id.clone());
            break;
        }
    }
    let id = paid?;
    let path = format!("/api/orders/{id}/ship");
    let k1 = key();
    let (first, second) = tokio::join!(operate(world, api, &path, json!({}), &k1), async {
        if plan.double_ship {
            operate(world, api, &path, json!({}), &key()).await
        } else {
            None
        }
    });
    if plan.repeat_ship {
        operate(world, api, &path, json!({}), &k1).await;
    }
    if first != Some(200) && second != Some(200) {
        return Some(id);
    }
    let refund = format!("/api/orders/{id}/refund");
    match plan.refund {
        Refund::None => {}
        Refund::Part => {
            operate(
                world,
                api,
                &refund,
                json!({"amount": (amount / 2).max(1)}),
                &key(),
            )
            .await;
        }
        Refund::Full => {
            operate(world, api, &refund, json!({"amount": amount}), &key()).await;
        }
        Refund::TwiceOver => {
            let part = amount * 6 / 10;
            operate(world, api, &refund, json!({"amount": part}), &key()).await;
            operate(world, api, &refund, json!({"amount": part}), &key()).await;
        }
    }
    Some(id)
}

async fn merchant(
    world: &World,
    api: ProviderApi,
    attempts: &[AttemptResult],
    amount: u64,
    plan: MerchantPlan,
) -> Option<String> {
    let ids: Vec<String> = attempts.iter().filter_map(|a| a.order_id.clone()).collect();
    ship_first_paid(world, api, &ids, amount, plan).await
}
