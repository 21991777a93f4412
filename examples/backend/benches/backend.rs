//! The merchant backend's numbers (`cargo xtask bench backend`, or
//! `cargo bench -p appswitch-merchant-backend --bench backend`). They are
//! printed, never asserted.
//!
//! 1. Status latency (p50, p99) and checkout throughput while 2,000
//!    pollers poll their orders — once as short polls every 2 s (a client
//!    of a backend without long polls), once as 2,000 held long polls.
//! 2. The backend process's resident memory after 10,000 and 100,000
//!    payments through it (checkout, approval, callback).
//! 3. The time from a callback received by one instance to the answer of a
//!    long poll held by another, on PostgreSQL.
//!
//! Everything runs on this machine: the simulator stands in for the
//! provider, in the bench's own process.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use appswitch_merchant_backend::store::{DatabaseUrl, SqliteSync};
use appswitch_merchant_backend::{
    Backend, BackendConfig, MerchantKey, ProviderConfig, RunningBackend, demo_system_headers,
};
use appswitch_simulator::{RunningSimulator, ShopperChoice, SimConfig, Simulator};
use appswitch_test_postgres::{Options, TempPostgres};
use serde_json::json;
use tokio::sync::Mutex;

const KEY: &str = "bench-merchant-key-0123456789abcdef";

fn provider(sim: &RunningSimulator) -> ProviderConfig {
    ProviderConfig {
        base_url: sim.base_url().to_string(),
        client_id: appswitch_simulator::DEMO_CLIENT_ID.into(),
        client_secret: appswitch_simulator::DEMO_CLIENT_SECRET.into(),
        subscription_key: appswitch_simulator::DEMO_SUBSCRIPTION_KEY.into(),
        msn: appswitch_simulator::DEMO_MSN.parse().unwrap(),
        system: demo_system_headers(),
    }
}

fn unlimited(c: &mut BackendConfig) {
    c.limits.checkouts_per_minute = u32::MAX;
    c.limits.status_requests_per_minute = u32::MAX;
    c.merchant_key = Some(MerchantKey::new(KEY).unwrap());
}

fn client() -> reqwest::Client {
    let _ = rustls::crypto::ring::default_provider().install_default();
    reqwest::Client::builder()
        .pool_max_idle_per_host(4096)
        .timeout(Duration::from_secs(60))
        .build()
        .unwrap()
}

fn temp_db(name: &str) -> std::path::PathBuf {
    let p = std::env::temp_dir().join(format!("appswitch-bench-{name}-{}.db", std::process::id()));
    remove_db(&p);
    p
}

fn remove_db(p: &std::path::Path) {
    for suffix in ["", "-wal", "-shm"] {
        let _ = std::fs::remove_file(format!("{}{suffix}", p.display()));
    }
}

async fn checkout(http: &reqwest::Client, base: &str, basket: &str) -> Option<String> {
    let r = http
        .post(format!("{base}/api/checkout"))
        .json(&json!({"basketId": basket, "amount": 20000}))
        .send()
        .await
        .ok()?;
    if !r.status().is_success() {
        return None;
    }
    let body: serde_json::Value = r.json().await.ok()?;
    body["orderId"].as_str().map(str::to_string)
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    if sorted.is_empty() {
        return Duration::ZERO;
    }
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i.min(sorted.len() - 1)]
}

fn ms(d: Duration) -> String {
    format!("{:.1} ms", d.as_secs_f64() * 1000.0)
}

/// Checkouts with `workers` at once for `time`; how many per second.
async fn checkout_rate(http: &reqwest::Client, base: &str, workers: usize, time: Duration) -> f64 {
    let done = Arc::new(AtomicUsize::new(0));
    let until = Instant::now() + time;
    let started = Instant::now();
    let mut tasks = Vec::new();
    for w in 0..workers {
        let (http, base, done) = (http.clone(), base.to_string(), done.clone());
        tasks.push(tokio::spawn(async move {
            let mut i = 0;
            while Instant::now() < until {
                if checkout(&http, &base, &format!("rate-{w}-{i}"))
                    .await
                    .is_some()
                {
                    done.fetch_add(1, Ordering::Relaxed);
                }
                i += 1;
            }
        }));
    }
    for t in tasks {
        t.await.unwrap();
    }
    done.load(Ordering::Relaxed) as f64 / started.elapsed().as_secs_f64()
}

/// 2,000 orders; their pollers (`long`: held long polls, else a short poll
/// every 2 s); status latencies of short polls meanwhile, and checkouts/s.
async fn under_pollers(sync: SqliteSync, long: bool) {
    let sim = Simulator::start(SimConfig {
        time_scale: 0.0,
        ..SimConfig::default()
    })
    .await
    .unwrap();
    let db = temp_db("pollers");
    let mut config = BackendConfig::new(provider(&sim), DatabaseUrl::sqlite_file(&db));
    config.sqlite_sync = sync;
    unlimited(&mut config);
    config.limits.max_connections = 20_000;
    config.watch.first_check = Duration::from_secs(3600);
    let backend = Backend::start(config).await.unwrap();
    let base = backend.base_url().to_string();
    let http = client();
    let mut ids = Vec::new();
    let made = Arc::new(Mutex::new(Vec::new()));
    let mut tasks = Vec::new();
    for w in 0..32 {
        let (http, base, made) = (http.clone(), base.clone(), made.clone());
        tasks.push(tokio::spawn(async move {
            for i in 0..(2000 / 32 + 1) {
                if let Some(id) = checkout(&http, &base, &format!("p-{w}-{i}")).await {
                    made.lock().await.push(id);
                }
            }
        }));
    }
    for t in tasks {
        t.await.unwrap();
    }
    ids.extend(made.lock().await.iter().take(2000).cloned());
    let stop = Arc::new(AtomicBool::new(false));
    let latencies = Arc::new(Mutex::new(Vec::new()));
    let mut pollers = Vec::new();
    for (n, id) in ids.iter().enumerate() {
        let (http, base, id, stop, latencies) = (
            http.clone(),
            base.clone(),
            id.clone(),
            stop.clone(),
            latencies.clone(),
        );
        pollers.push(tokio::spawn(async move {
            // Spread the pollers over the first 2 s.
            tokio::time::sleep(Duration::from_millis((n % 2000) as u64)).await;
            while !stop.load(Ordering::Relaxed) {
                let url = if long {
                    format!("{base}/api/payments/{id}/status?wait=25")
                } else {
                    format!("{base}/api/payments/{id}/status")
                };
                let t = Instant::now();
                let ok = http
                    .get(&url)
                    .send()
                    .await
                    .is_ok_and(|r| r.status().is_success());
                if !long && ok {
                    latencies.lock().await.push(t.elapsed());
                }
                if !long {
                    tokio::time::sleep(Duration::from_secs(2)).await;
                }
            }
        }));
    }
    tokio::time::sleep(Duration::from_secs(3)).await;
    // Short status requests measured while the pollers run (for long
    // polls: 200 requests, 20 at a time, beside the 2,000 held ones).
    if long {
        let mut probes = Vec::new();
        for p in 0..20 {
            let (http, base, ids, latencies) =
                (http.clone(), base.clone(), ids.clone(), latencies.clone());
            probes.push(tokio::spawn(async move {
                for k in 0..10 {
                    let id = &ids[(p * 10 + k) % ids.len()];
                    let t = Instant::now();
                    let r = http
                        .get(format!("{base}/api/payments/{id}/status"))
                        .send()
                        .await;
                    if r.is_ok_and(|r| r.status().is_success()) {
                        latencies.lock().await.push(t.elapsed());
                    }
                }
            }));
        }
        for p in probes {
            p.await.unwrap();
        }
    } else {
        latencies.lock().await.clear();
        tokio::time::sleep(Duration::from_secs(10)).await;
    }
    let rate = checkout_rate(&http, &base, 16, Duration::from_secs(8)).await;
    stop.store(true, Ordering::Relaxed);
    let mut l = latencies.lock().await.clone();
    l.sort();
    for p in pollers {
        p.abort();
    }
    let kind = if long {
        "2,000 held long polls"
    } else {
        "2,000 pollers, a short poll every 2 s each"
    };
    println!(
        "  {kind:<44} status p50 {:>9}  p99 {:>9}  ({} requests)  checkouts {rate:>6.0}/s (16 at a time)",
        ms(percentile(&l, 0.5)),
        ms(percentile(&l, 0.99)),
        l.len()
    );
    drop(backend);
    remove_db(&db);
}

struct Process {
    child: Child,
    url: String,
}

impl Drop for Process {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn rss_kb(pid: u32) -> u64 {
    std::fs::read_to_string(format!("/proc/{pid}/status"))
        .unwrap_or_default()
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.split_whitespace().next()?.parse().ok())
        .unwrap_or(0)
}

/// A simulator at `addr` (the same address after a restart: the old one
/// lets go of it a moment after it is dropped).
async fn simulator_at(addr: std::net::SocketAddr) -> RunningSimulator {
    for _ in 0..100 {
        let started = Simulator::start(SimConfig {
            time_scale: 0.0,
            addr,
            ..SimConfig::default()
        })
        .await;
        if let Ok(sim) = started {
            return sim;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    panic!("cannot start a simulator at {addr}");
}

/// The backend binary; payments through it; its RSS at 10k and 100k.
///
/// The simulator looks at every payment it holds on each of its ticks, so
/// it slows with their number: a fresh one takes over at the same address
/// every 10,000 payments (the backend's finished orders need no provider;
/// its access token is refused once and fetched again).
async fn memory() {
    let mut sim = Arc::new(simulator_at("127.0.0.1:0".parse().unwrap()).await);
    let addr = sim.addr();
    let db = temp_db("rss");
    let mut child = Command::new(env!("CARGO_BIN_EXE_appswitch-merchant-backend"))
        .args(["--database", &format!("sqlite://{}", db.display())])
        .args(["--sqlite-synchronous", "normal"])
        .args(["--checkouts-per-minute", "4000000000"])
        .args(["--status-requests-per-minute", "4000000000"])
        .envs(provider(&sim).env_vars())
        .env("APPSWITCH_MERCHANT_KEY", KEY)
        .env("RUST_LOG", "error")
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut line = String::new();
    BufReader::new(child.stdout.as_mut().unwrap())
        .read_line(&mut line)
        .unwrap();
    let url = line.trim().trim_start_matches("listening on ").to_string();
    let process = Process { child, url };
    let pid = process.child.id();
    let http = client();
    println!("  RSS of the backend process (SQLite, synchronous=normal):");
    println!("    {:>7} payments  {:>8} kB", 0, rss_kb(pid));
    let started = Instant::now();
    for batch in 0..10usize {
        if batch > 0 {
            drop(sim);
            sim = Arc::new(simulator_at(addr).await);
        }
        let counter = Arc::new(AtomicUsize::new(0));
        let mut tasks = Vec::new();
        for w in 0..32 {
            let (http, base, sim, counter) = (
                http.clone(),
                process.url.clone(),
                sim.clone(),
                counter.clone(),
            );
            tasks.push(tokio::spawn(async move {
                loop {
                    let n = counter.fetch_add(1, Ordering::Relaxed);
                    if n >= 10_000 {
                        return;
                    }
                    let basket = format!("m-{batch}-{w}-{n}");
                    if let Some(id) = checkout(&http, &base, &basket).await {
                        let _ = sim.control().shopper(&id, ShopperChoice::Approve).await;
                    }
                }
            }));
        }
        for t in tasks {
            t.await.unwrap();
        }
        let done = (batch + 1) * 10_000;
        if done == 10_000 || done == 100_000 || done % 30_000 == 0 {
            println!(
                "    {:>7} payments  {:>8} kB   ({:.0} payments/s, checkout + approval + callback)",
                done,
                rss_kb(pid),
                done as f64 / started.elapsed().as_secs_f64()
            );
        }
    }
    drop(process);
    remove_db(&db);
}

async fn pg_instance(sim: &RunningSimulator, db: &DatabaseUrl) -> RunningBackend {
    let mut config = BackendConfig::new(provider(sim), db.clone());
    unlimited(&mut config);
    config.long_poll_interval = Duration::from_secs(60);
    config.watch.first_check = Duration::from_secs(3600);
    let clock = sim.clock();
    config.clock = Arc::new(move || clock.now());
    Backend::start(config).await.unwrap()
}

/// A callback on instance A, a long poll on instance B: how long until B
/// answers.
async fn cross_instance_wake() {
    let pg = match TempPostgres::start_with(&Options {
        durable: true,
        ..Options::default()
    }) {
        Ok(pg) => pg,
        Err(e) => {
            println!("  skipped: {e}");
            return;
        }
    };
    let sim = Simulator::start(SimConfig {
        time_scale: 0.0,
        ..SimConfig::default()
    })
    .await
    .unwrap();
    let db: DatabaseUrl = pg.url().parse().unwrap();
    let a = pg_instance(&sim, &db).await;
    let b = pg_instance(&sim, &db).await;
    let http = client();
    let mut samples = Vec::new();
    for i in 0..100 {
        let id = checkout(&http, a.base_url(), &format!("x-{i}"))
            .await
            .unwrap();
        let poll = {
            let (http, url) = (http.clone(), b.base_url().to_string());
            let id = id.clone();
            tokio::spawn(async move {
                let r = http
                    .get(format!("{url}/api/payments/{id}/status?wait=25"))
                    .send()
                    .await
                    .unwrap();
                let _ = r.bytes().await;
                Instant::now()
            })
        };
        tokio::time::sleep(Duration::from_millis(100)).await;
        let sent = Instant::now();
        sim.control()
            .shopper(&id, ShopperChoice::Approve)
            .await
            .unwrap();
        let answered = poll.await.unwrap();
        samples.push(answered.saturating_duration_since(sent));
    }
    samples.sort();
    println!(
        "  callback on A → long poll answered on B (PostgreSQL, durable): p50 {}  p99 {}  max {}  ({} callbacks)",
        ms(percentile(&samples, 0.5)),
        ms(percentile(&samples, 0.99)),
        ms(*samples.last().unwrap()),
        samples.len()
    );
}

fn main() {
    // `cargo bench` passes `--bench`; other arguments pick parts:
    // `pollers`, `memory`, `wake` (all when none is named).
    let parts: Vec<String> = std::env::args()
        .skip(1)
        .filter(|a| !a.starts_with('-'))
        .collect();
    let wants = |name: &str| parts.is_empty() || parts.iter().any(|p| p == name);
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .unwrap();
    let load = std::fs::read_to_string("/proc/loadavg").unwrap_or_default();
    println!(
        "merchant backend (release; {} cores; load average {})",
        std::thread::available_parallelism().map_or(0, |n| n.get()),
        load.split_whitespace()
            .take(3)
            .collect::<Vec<_>>()
            .join(" ")
    );
    runtime.block_on(async {
        if wants("pollers") {
            println!("\n== status and checkouts under 2,000 pollers (SQLite on disk) ==");
            for (name, sync) in [
                ("synchronous=full", SqliteSync::Full),
                ("synchronous=normal", SqliteSync::Normal),
            ] {
                println!(" {name}:");
                under_pollers(sync, false).await;
                under_pollers(sync, true).await;
            }
        }
        if wants("memory") {
            println!("\n== memory with the number of payments ==");
            memory().await;
        }
        if wants("wake") {
            println!("\n== two instances on PostgreSQL ==");
            cross_instance_wake().await;
        }
    });
}
