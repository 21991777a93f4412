//! The tracker against the naive baseline ("wait 5 s after the switch,
//! then poll every 2 s"), on the standard scenario set of the simulator:
//! requests per payment, and the time from the status change at the backend
//! to `Settled`. Then criterion measures how long a whole simulated payment
//! takes to run.
//!
//! `cargo bench -p appswitch-core --bench tracker`. These are numbers, not
//! assertions: the scenario tests assert the rules.

#[path = "../tests/support/sim/mod.rs"]
mod sim;

use std::hint::black_box;
use std::time::Duration;

use criterion::Criterion;
use sim::{Run, Scenario, T0, drive, drive_naive, standard_set};

/// When the backend could first tell: the provider decided, plus the
/// backend's own lag.
fn changed_at(s: &Scenario) -> Option<Duration> {
    s.backend.decided_at().map(|d| d + s.backend.lag)
}

fn detection(s: &Scenario, r: &Run) -> Option<Duration> {
    let settled = r.settled_at?.saturating_since(T0);
    Some(settled.saturating_sub(changed_at(s)?))
}

fn fmt(d: Option<Duration>) -> String {
    d.map_or_else(|| "-".to_string(), |d| format!("{:.2} s", d.as_secs_f64()))
}

fn outcome(r: &Run) -> String {
    let text = format!("{:?}", r.outcome);
    text.trim_start_matches("Some(")
        .split(|c: char| !c.is_alphanumeric())
        .next()
        .unwrap_or("none")
        .to_string()
}

fn print_table() {
    println!();
    println!(
        "{:<34} {:>9} {:>9}   {:>11} {:>11}   outcome",
        "scenario", "requests", "naive", "change→set", "naive"
    );
    let (mut req, mut naive_req, mut n) = (0usize, 0usize, 0usize);
    let (mut lat, mut naive_lat) = (Duration::ZERO, Duration::ZERO);
    for s in standard_set() {
        let r = drive(&s);
        let naive = drive_naive(&s);
        let (d, nd) = (detection(&s, &r), detection(&s, &naive));
        println!(
            "{:<34} {:>9} {:>9}   {:>11} {:>11}   {}",
            s.name,
            r.requests(),
            naive.requests(),
            fmt(d),
            fmt(nd),
            outcome(&r)
        );
        req += r.requests();
        naive_req += naive.requests();
        lat += d.unwrap_or_default();
        naive_lat += nd.unwrap_or_default();
        n += 1;
    }
    let n32 = u32::try_from(n.max(1)).unwrap_or(1);
    println!(
        "{:<34} {:>9.1} {:>9.1}   {:>11} {:>11}",
        "mean",
        req as f64 / n as f64,
        naive_req as f64 / n as f64,
        fmt(Some(lat / n32)),
        fmt(Some(naive_lat / n32)),
    );
    println!(
        "change→set: from when the backend could first tell to Settled. The naive loop \
         ignores visibility (a backgrounded app could not run it); the tracker pauses \
         while hidden and checks at once on return."
    );
    println!();
}

fn main() {
    print_table();
    let mut c = Criterion::default()
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(2))
        .configure_from_args();
    let mut group = c.benchmark_group("simulated payment");
    for s in standard_set() {
        group.bench_function(s.name, |b| b.iter(|| drive(black_box(&s))));
    }
    group.finish();
    c.final_summary();
}
