//! The tracker against a naive loop, fairly, on the standard scenario set
//! of the simulator: requests per payment, and the time from when the
//! backend could first tell (the provider decided, plus the backend's own
//! lag) to `Settled` with that truth. Then criterion measures how long a
//! whole simulated payment takes to run.
//!
//! The naive loop is what a merchant's own client does, as a real app or
//! page can run it: 5 s after the switch, then a poll every 2 s, one at a
//! time with 1 s + 5 s timeouts; nothing while the app or page is hidden
//! (a suspended app cannot run, a hidden page's timers are frozen), and
//! the overdue poll at once when it is visible again. It does NOT long-poll:
//! it follows the provider's polling guideline as written ("Start after 5
//! seconds, check every 2 seconds"); long polling needs what a naive loop
//! lacks — a way to tell a held request from a dead one, a read timeout to
//! match, and a fallback for a backend that does not hold. For reference
//! the table also shows the same loop asking `?wait=25` with a 30 s read
//! timeout ("naive LP"); the summary compares against the plain loop.
//!
//! The simulated backend holds long polls as the reference backend does
//! (a final status is answered at once), except in the scenarios that say
//! it does not.
//!
//! `cargo xtask bench tracker` (or `cargo bench -p appswitch-core --bench
//! tracker`). These are numbers, not assertions: the scenario tests assert
//! the rules.

#[path = "../tests/support/sim/mod.rs"]
mod sim;

use std::hint::black_box;
use std::time::Duration;

use appswitch_core::shopper::tracker::Outcome;
use criterion::Criterion;
use sim::{Run, Scenario, T0, drive, drive_naive, drive_naive_long_poll, standard_set};

/// The wait of the naive long-poll loop (the default policy's).
const NAIVE_WAIT: Duration = Duration::from_secs(25);

/// When the backend could first tell: the provider decided, plus the
/// backend's own lag.
fn changed_at(s: &Scenario) -> Option<Duration> {
    s.backend.decided_at().map(|d| d + s.backend.lag)
}

/// The outcome the truth proves.
fn truth(s: &Scenario) -> Option<Outcome> {
    let decided = s.backend.decided_at()?;
    Outcome::from_status(&s.backend.truth(decided))
}

/// From when the backend could tell to `Settled`, if the run settled on
/// the truth (`None`: it never found it).
fn settle(s: &Scenario, r: &Run) -> Option<Duration> {
    let settled = r.settled_at?.saturating_since(T0);
    let same = matches!(
        (&r.outcome, truth(s)),
        (Some(a), Some(b)) if std::mem::discriminant(a) == std::mem::discriminant(&b)
    );
    same.then(|| settled.saturating_sub(changed_at(s).unwrap_or_default()))
}

fn fmt(d: Option<Duration>) -> String {
    d.map_or_else(
        || "never".to_string(),
        |d| format!("{:.2} s", d.as_secs_f64()),
    )
}

fn outcome(r: &Run) -> String {
    let text = format!("{:?}", r.outcome);
    text.trim_start_matches("Some(")
        .split(|c: char| !c.is_alphanumeric())
        .next()
        .unwrap_or("none")
        .to_string()
}

/// Sums over the scenario set, for the summary.
#[derive(Default)]
struct Totals {
    scenarios: u32,
    requests: (usize, usize),
    settled: u32,
    settle: (Duration, Duration),
    worst_ratio: Option<(f64, &'static str)>,
}

fn print_table() {
    println!();
    println!(
        "{:<42} {:>8} {:>6} {:>9}   {:>9} {:>9} {:>9} {:>6}   outcome",
        "scenario", "requests", "naive", "naive LP", "settle", "naive", "naive LP", "ratio"
    );
    let mut totals = Totals::default();
    for s in standard_set() {
        let r = drive(&s);
        let naive = drive_naive(&s);
        let lp = drive_naive_long_poll(&s, NAIVE_WAIT);
        let (t, n, l) = (settle(&s, &r), settle(&s, &naive), settle(&s, &lp));
        let ratio = match (t, n) {
            (Some(t), Some(n)) if !n.is_zero() => Some(t.as_secs_f64() / n.as_secs_f64()),
            _ => None,
        };
        println!(
            "{:<42} {:>8} {:>6} {:>9}   {:>9} {:>9} {:>9} {:>6}   {}{}",
            s.name,
            r.requests(),
            naive.requests(),
            lp.requests(),
            fmt(t),
            fmt(n),
            fmt(l),
            ratio.map_or_else(|| "-".to_string(), |r| format!("{r:.2}")),
            outcome(&r),
            if r.problems.is_empty() {
                String::new()
            } else {
                format!("  PROBLEMS: {:?}", r.problems)
            }
        );
        totals.scenarios += 1;
        totals.requests.0 += r.requests();
        totals.requests.1 += naive.requests();
        if let (Some(t), Some(n)) = (t, n) {
            totals.settled += 1;
            totals.settle.0 += t;
            totals.settle.1 += n;
        }
        if let Some(ratio) = ratio {
            if totals.worst_ratio.is_none_or(|(w, _)| ratio > w) {
                totals.worst_ratio = Some((ratio, s.name));
            }
        }
    }
    let per = |n: usize| n as f64 / f64::from(totals.scenarios.max(1));
    let mean = |d: Duration| d.as_secs_f64() / f64::from(totals.settled.max(1));
    let (worst, worst_name) = totals.worst_ratio.unwrap_or((0.0, "-"));
    println!();
    println!(
        "settle: from when the backend could first tell to Settled on the truth; ratio: tracker / naive."
    );
    println!(
        "naive: 5 s after the switch, then every 2 s, one request at a time (1 s + 5 s timeouts), \
         nothing while hidden, the overdue poll when visible again, no long poll (the provider's \
         guideline as written). naive LP: the same loop asking ?wait=25 (30 s read timeout), for \
         reference only."
    );
    println!("worst scenario: {worst_name}");
    println!(
        "tracker vs naive: requests {:.1} vs {:.1} per payment, settle {:.2} s vs {:.2} s mean, worst scenario settle ratio {:.2}",
        per(totals.requests.0),
        per(totals.requests.1),
        mean(totals.settle.0),
        mean(totals.settle.1),
        worst,
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
