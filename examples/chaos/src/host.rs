//! The merchant's app as the drive loop sees it ([`Host`]): the simulator's
//! clock, real HTTP to the backend's status endpoint through a flaky
//! network that injects the payment's [`HostFault`]s, timers scaled to real
//! time, and a storage that survives the app being killed.

use std::future::Future;
use std::pin::Pin;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use appswitch_core::drive::{FetchOutcome, Host};
use appswitch_core::foundation::time::Timestamp;
use appswitch_core::shopper::tracker::{FetchRequest, Progress, TransportErrorKind};

use crate::plan::{HostFault, HostFaultKind};
use crate::world::{World, real};

/// The storms still to come, and when the app last heard the backend.
#[derive(Debug, Default)]
struct Storms {
    left: Vec<HostFault>,
    /// When the last `200` answer reached the app.
    last_answer: Option<Timestamp>,
}

/// The app's host. Cheap to clone: a cold start gets a clone with the same
/// storage.
#[derive(Clone, Debug)]
pub struct ChaosHost {
    world: Arc<World>,
    started: Timestamp,
    storage: Arc<Mutex<Option<String>>>,
    storms: Arc<Mutex<Storms>>,
}

type Boxed<T> = Pin<Box<dyn Future<Output = T> + Send>>;

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
}

impl ChaosHost {
    /// A host for an attempt checked out at `started`.
    pub fn new(world: Arc<World>, started: Timestamp, faults: Vec<HostFault>) -> ChaosHost {
        ChaosHost {
            world,
            started,
            storage: Arc::default(),
            storms: Arc::new(Mutex::new(Storms {
                left: faults,
                last_answer: None,
            })),
        }
    }

    /// What the app's storage holds.
    pub fn stored(&self) -> Option<String> {
        lock(&self.storage).clone()
    }

    /// When the last `200` answer of the backend reached the app.
    pub fn last_answer(&self) -> Option<Timestamp> {
        lock(&self.storms).last_answer
    }

    /// The fault for a request made at `now`, if a storm is on.
    fn take_fault(&self, now: Timestamp) -> Option<HostFaultKind> {
        let mut storms = lock(&self.storms);
        let started = self.started;
        let storm = storms
            .left
            .iter_mut()
            .find(|s| s.count > 0 && started + s.at <= now)?;
        storm.count -= 1;
        Some(storm.kind)
    }
}

async fn get(http: reqwest::Client, url: String, timeout: Duration) -> FetchOutcome {
    let answer = async {
        let r = http.get(url).timeout(timeout).send().await?;
        let status = r.status().as_u16();
        let retry_after = r
            .headers()
            .get("retry-after")
            .and_then(|v| v.to_str().ok())
            .map(str::to_string);
        let body = r.text().await?;
        Ok::<_, reqwest::Error>(FetchOutcome::Answered {
            status,
            retry_after,
            body,
        })
    };
    match answer.await {
        Ok(a) => a,
        Err(e) if e.is_timeout() => FetchOutcome::Failed(TransportErrorKind::ReadTimeout),
        Err(e) if e.is_connect() => FetchOutcome::Failed(TransportErrorKind::ConnectTimeout),
        Err(_) => FetchOutcome::Failed(TransportErrorKind::Other),
    }
}

impl Host for ChaosHost {
    type Fetch = Boxed<FetchOutcome>;
    type Sleep = Boxed<()>;

    fn now(&self) -> Timestamp {
        self.world.now()
    }

    fn fetch(&self, request: &FetchRequest) -> Self::Fetch {
        let scale = self.world.scale;
        // A little short of the tracker's own watchdog (which counts on the
        // simulated clock from before the request started): every answer
        // this returns is one the tracker still hears.
        let timeout = real(scale, request.connect_timeout + request.read_timeout).mul_f64(0.95);
        let http = self.world.http.clone();
        let url = request.url();
        let fault = self.take_fault(self.now());
        let (world, storms) = (self.world.clone(), self.storms.clone());
        Box::pin(async move {
            match fault {
                None => {
                    let outcome = get(http, url, timeout).await;
                    if matches!(outcome, FetchOutcome::Answered { status: 200, .. }) {
                        lock(&storms).last_answer = Some(world.now());
                    }
                    outcome
                }
                Some(HostFaultKind::TooMany { secs }) => FetchOutcome::Answered {
                    status: 429,
                    retry_after: Some(secs.to_string()),
                    body: r#"{"error":"too many requests"}"#.into(),
                },
                Some(HostFaultKind::ServerError { status }) => FetchOutcome::Answered {
                    status,
                    retry_after: None,
                    body: "<html>bad gateway</html>".into(),
                },
                Some(HostFaultKind::Timeout) => {
                    tokio::time::sleep(timeout).await;
                    FetchOutcome::Failed(TransportErrorKind::ReadTimeout)
                }
                Some(HostFaultKind::Stall) => {
                    // The backend does its work; the answer is lost.
                    let _ = get(http, url, timeout).await;
                    FetchOutcome::Failed(TransportErrorKind::ReadTimeout)
                }
            }
        })
    }

    fn sleep_until(&self, at: Timestamp) -> Self::Sleep {
        let left = real(self.world.scale, at.saturating_since(self.now()));
        Box::pin(tokio::time::sleep(left))
    }

    fn load(&self) -> Option<String> {
        self.stored()
    }

    fn store(&self, text: &str) {
        *lock(&self.storage) = Some(text.to_string());
    }

    fn notify(&self, _progress: &Progress) {}
}
