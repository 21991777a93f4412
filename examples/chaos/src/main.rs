//! `appswitch-chaos`: N payments end to end through the provider simulator,
//! the reference merchant backend (about a third on the ePayment API with
//! signed webhooks, the rest on eCom) and the core's tracker (the drive
//! loop the bindings use), each with a random mix of faults drawn from the seed,
//! every outcome checked against the simulator's ground truth (see
//! [`verdict`]).
//!
//! Prints the seed first (`chaos: seed S`), then what went wrong, then one
//! line exactly in this form, which other tools parse:
//!
//! `chaos: <N> payments, <w> wrong outcomes, <d> double captures, <u> uncancelled duplicates, <k> unknown`
//!
//! and exits non-zero when any of the first three (or a refund beyond a
//! capture) is not zero. `cargo xtask chaos --payments N [--seed S]` runs
//! it.

mod host;
mod payment;
mod plan;
mod verdict;
mod world;

use std::process::ExitCode;
use std::sync::Arc;
use std::time::{Duration, Instant};

use clap::Parser;
use tokio::sync::Semaphore;

use crate::payment::{BasketResult, run_basket};
use crate::plan::Plan;
use crate::verdict::{Tally, tally_basket};
use crate::world::{World, WorldConfig};

/// Chaos payments through simulator, backend and tracker.
#[derive(Parser, Debug)]
#[command(version)]
struct Cli {
    /// How many payments (baskets).
    #[arg(long, default_value_t = 1000)]
    payments: usize,
    /// The seed of the fault mix (random when left out; printed either way).
    #[arg(long)]
    seed: Option<u64>,
    /// Run only this payment of the run (to replay one that failed).
    #[arg(long)]
    only: Option<usize>,
    /// Payments in flight at once (a debug build on two cores keeps up
    /// with about 150; an optimised one with ten times as many).
    #[arg(long, default_value_t = 150)]
    concurrency: usize,
    /// Simulated time per real time.
    #[arg(long, default_value_t = 20.0)]
    time_scale: f64,
    /// Print every problem found (not only the first 20).
    #[arg(long)]
    verbose: bool,
}

fn random_seed() -> u64 {
    let mut b = [0u8; 8];
    let _ = getrandom::fill(&mut b);
    u64::from_le_bytes(b)
}

#[tokio::main]
async fn main() -> ExitCode {
    let cli = Cli::parse();
    let seed = cli.seed.unwrap_or_else(random_seed);
    println!(
        "chaos: seed {seed} ({} payments, time scale {}, {} at once)",
        cli.payments, cli.time_scale, cli.concurrency
    );
    if !(cli.time_scale.is_finite() && cli.time_scale >= 1.0) {
        eprintln!("chaos: --time-scale must be at least 1");
        return ExitCode::FAILURE;
    }
    let started = Instant::now();
    let world = match World::start(WorldConfig {
        scale: cli.time_scale,
    })
    .await
    {
        Ok(w) => Arc::new(w),
        Err(e) => {
            eprintln!("chaos: {e}");
            return ExitCode::FAILURE;
        }
    };
    // A stalled provider answer is held past the backend's read timeout.
    let stall = Duration::from_millis(1500);
    let indexes: Vec<usize> = match cli.only {
        Some(i) => vec![i],
        None => (0..cli.payments).collect(),
    };
    let permits = Arc::new(Semaphore::new(cli.concurrency.max(1)));
    let mut tasks = Vec::new();
    for i in indexes {
        let Ok(permit) = permits.clone().acquire_owned().await else {
            break;
        };
        let world = world.clone();
        let plan = Plan::draw(seed, i, stall);
        if cli.only.is_some() {
            println!("chaos: payment {i}: {plan:#?}");
        }
        tasks.push(tokio::spawn(async move {
            let r = run_basket(world, plan, seed).await;
            drop(permit);
            r
        }));
    }
    let mut baskets: Vec<BasketResult> = Vec::new();
    for t in tasks {
        match t.await {
            Ok(b) => baskets.push(b),
            Err(e) => eprintln!("chaos: a payment's task failed: {e}"),
        }
    }
    let played = started.elapsed();
    settle(&world, &mut baskets).await;
    let mut tally = Tally::default();
    for b in &baskets {
        tally_basket(&mut tally, b, |id| world.ground(b.plan.api, id));
    }
    let lost = cli.only.map_or(cli.payments, |_| 1) - baskets.len();
    tally.wrong += lost;
    let shown = if cli.verbose { usize::MAX } else { 20 };
    for n in tally.notes.iter().take(shown) {
        println!("chaos: {n}");
    }
    if tally.notes.len() > shown {
        println!(
            "chaos: … and {} more (--verbose)",
            tally.notes.len() - shown
        );
    }
    let on_epayment = baskets
        .iter()
        .filter(|b| b.plan.api == appswitch_merchant_backend::ProviderApi::Epayment)
        .count();
    println!(
        "chaos: {} attempts tracked ({on_epayment} of the payments on ePayment with signed webhooks, the rest on eCom), {} checkouts refused, {} refunds beyond a capture; played in {:.1} s, {:.1} s in all",
        tally.tracked,
        tally.checkout_failures,
        tally.over_refunds,
        played.as_secs_f64(),
        started.elapsed().as_secs_f64()
    );
    println!(
        "chaos: {} payments, {} wrong outcomes, {} double captures, {} uncancelled duplicates, {} unknown",
        tally.payments + lost,
        tally.wrong,
        tally.double_captures,
        tally.uncancelled,
        tally.unknown
    );
    if tally.wrong + tally.double_captures + tally.uncancelled + tally.over_refunds > 0 {
        println!("chaos: FAILED — replay with --seed {seed}");
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    }
}

/// After the last payment: the payment window of everything still open
/// runs out, the merchant ships what was paid late, and the backend's
/// watcher gets the time to clean up duplicates (until nothing is left to
/// clean, or 60 s of real time).
async fn settle(world: &World, baskets: &mut [BasketResult]) {
    world.control().advance(Duration::from_secs(15 * 60)).await;
    // The backend learns of what happened in the meantime.
    tokio::time::sleep(Duration::from_secs(2)).await;
    for b in baskets.iter_mut().filter(|b| b.shipped.is_none()) {
        let ids: Vec<String> = b
            .attempts
            .iter()
            .filter_map(|a| a.order_id.clone())
            .collect();
        b.shipped =
            payment::ship_first_paid(world, b.plan.api, &ids, b.plan.amount, b.plan.merchant).await;
    }
    let until = Instant::now() + Duration::from_secs(60);
    while Instant::now() < until {
        let mut t = Tally::default();
        for b in baskets.iter() {
            tally_basket(&mut t, b, |id| world.ground(b.plan.api, id));
        }
        if t.uncancelled == 0 {
            return;
        }
        tokio::time::sleep(Duration::from_millis(500)).await;
    }
}
