//! Scenario tests: the tracker against a scripted backend, with a fake
//! clock (see `support/sim.rs`).

#[path = "support/sim.rs"]
mod sim;

use sim::*;

#[test]
fn print_standard_set() {
    for s in standard_set() {
        let run = drive(&s);
        let naive = drive_naive(&s);
        println!(
            "{:40} {:?} req={} settled={:?} max={} problems={:?} | naive req={} settled={:?} {:?}",
            s.name,
            run.outcome
                .as_ref()
                .map(|o| format!("{o:?}").chars().take(30).collect::<String>()),
            run.requests(),
            run.settled_after(),
            run.max_in_window,
            run.problems,
            naive.requests(),
            naive.settled_after(),
            naive.problems
        );
    }
}
