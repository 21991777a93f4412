//! `cargo xtask bench`: benchmarks and size reports. They print numbers;
//! nothing here fails on a timing or a size.

use crate::setup::Tools;
use crate::util::{Res, cargo, kb, run, sizes};

/// `cargo xtask bench [tracker]`: every benchmark and size report, or one.
pub fn bench(args: &[String]) -> Res {
    match args {
        [] => crate::setup::setup().and_then(|tools| everything(&tools)),
        [what] if what == "tracker" => tracker(),
        _ => crate::util::fail(format!(
            "unknown bench `{}`: `cargo xtask bench` runs everything, `cargo xtask bench tracker` the tracker against the naive loop",
            args.join(" ")
        )),
    }
}

/// The tracker against the naive loop on the simulator's scenario set
/// (`core/benches/tracker.rs`): requests and time to the truth per
/// scenario, the summary line, then the cost of one simulated payment.
fn tracker() -> Res {
    println!("== tracker vs naive loop (core/benches/tracker.rs) ==");
    run(
        "bench: tracker",
        cargo().args(["bench", "-p", "appswitch-core", "--bench", "tracker"]),
    )
}

/// Runs every benchmark and size report.
fn everything(tools: &Tools) -> Res {
    println!("== core benchmarks (criterion; the tracker table first) ==");
    run(
        "bench: cargo bench",
        cargo().args(["bench", "-p", "appswitch-core"]),
    )?;

    println!("\n== npm package size ==");
    let pkg = crate::wasm::build_package(tools)?;
    let verdict = if pkg.total_gzipped() <= 60_000 {
        "within"
    } else {
        "OVER"
    };
    println!(
        "budget: {} gzipped of 60.0 kB: {verdict} budget",
        kb(pkg.total_gzipped())
    );
    crate::wasm_size::print_breakdown(tools)?;

    println!("\n== mobile library sizes ==");
    run(
        "bench: host library (mobile-release)",
        cargo().args([
            "build",
            "-p",
            "appswitch-mobile",
            "--lib",
            "--profile",
            "mobile-release",
        ]),
    )?;
    let host = crate::util::target_dir().join("mobile-release/libappswitch_mobile.so");
    if host.is_file() {
        let (raw, gz) = sizes(&host)?;
        println!(
            "  host cdylib (mobile-release)  {:>10} raw  {:>10} gzipped",
            kb(raw),
            kb(gz)
        );
    }
    let ios = crate::bindings::ios_static_library("mobile-release")?;
    let (raw, gz) = sizes(&ios)?;
    println!(
        "  iOS static library (aarch64)  {:>10} raw  {:>10} gzipped",
        kb(raw),
        kb(gz)
    );

    println!("\n== mobile: one tracker step through the FFI from Kotlin ==");
    let load = std::fs::read_to_string("/proc/loadavg").unwrap_or_default();
    println!(
        "  (mobile-release library on the JVM; load average {})",
        load.split_whitespace()
            .take(3)
            .collect::<Vec<_>>()
            .join(" ")
    );
    kotlin_ffi(tools)
}

/// Compiles the Kotlin bindings with `tests/kotlin/` and runs its bench
/// (`Bench.kt`): calls per second of the tracker's FFI surface.
fn kotlin_ffi(tools: &Tools) -> Res {
    crate::bindings::generate()?;
    let kotlin = crate::bindings::Kotlin::locate(tools)?;
    let build = crate::util::target_dir().join("kotlin-bench");
    kotlin.compile(
        "bench: kotlinc",
        &[crate::util::root().join("tests/kotlin")],
        &build,
    )?;
    run(
        "bench: Kotlin FFI",
        &mut kotlin.java(
            &build,
            "io.appswitch.tests.BenchKt",
            &crate::util::target_dir().join("mobile-release"),
            "",
        ),
    )
}
