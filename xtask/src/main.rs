//! `cargo xtask …`: the project's automation. Run `cargo xtask help`.

mod bench;
mod bindings;
mod browser_bench;
mod chaos;
mod demo;
mod fuzz;
mod npm;
mod server;
mod setup;
mod suite;
mod swift;
mod test;
mod util;
mod wasm;
mod wasm_size;

use std::process::ExitCode;

const HELP: &str = "\
cargo xtask <command>

  setup              install every tool the suites need (idempotent)
  test [SUITE...]    setup, then run every suite (or the named ones)
  demo [ARGS...]     build everything and start the demo on 127.0.0.1
                     (ARGS go to appswitch-demo: --port, --time-scale, --drop-callbacks, …)
  bench [NAME...]    benchmarks and size reports (core, tracker, sizes, browser, kotlin, backend, chaos;
                     default all; tracker: the tracker against the naive loop)
  chaos --payments N [--seed S] [--release]
                     N payments through simulator, backend and tracker with random
                     faults, every outcome checked against the simulator's truth
  bindings           generate Kotlin, Swift and Python from the mobile library
  wasm [--breakdown] build the npm package (bindings-wasm/pkg) and print its sizes
                     (--breakdown: and what the .wasm is made of, by crate and module)
  fuzz [TARGET|all] [--seconds N]
                     run every cargo-fuzz target of fuzz/ (or one), N s each (default 60); prints executions and crashes
  help               this text
";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let (cmd, rest) = match args.split_first() {
        Some((c, r)) => (c.as_str(), r),
        None => ("help", &[][..]),
    };
    let result = match cmd {
        "setup" => setup::setup().map(|_| ()),
        "test" => test::test(rest),
        "demo" => setup::setup().and_then(|t| demo::demo(&t, rest)),
        "bench" => setup::setup().and_then(|t| bench::bench(&t, rest)),
        "fuzz" => fuzz::fuzz(rest),
        "chaos" => {
            let release = rest.iter().any(|a| a == "--release");
            let args: Vec<String> = rest.iter().filter(|a| *a != "--release").cloned().collect();
            chaos::chaos(&args, release)
        }
        "bindings" => bindings::generate(),
        "wasm" => setup::setup().and_then(|t| {
            wasm::build_package(&t)?;
            if rest.iter().any(|a| a == "--breakdown") {
                wasm_size::print_breakdown(&t)?;
            }
            Ok(())
        }),
        "help" | "--help" | "-h" => {
            print!("{HELP}");
            Ok(())
        }
        other => util::fail(format!("unknown command `{other}`\n\n{HELP}")),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}
