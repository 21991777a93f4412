//! `cargo xtask bench`: benchmarks and size reports. They print numbers;
//! nothing here fails on a timing or a size.

use crate::setup::Tools;
use crate::util::{Res, cargo, kb, run, sizes};

/// Runs every benchmark and size report, or only those named (`core`,
/// `tracker`, `sizes`, `browser`, `kotlin`, `backend`, `chaos`).
pub fn bench(tools: &Tools, only: &[String]) -> Res {
    const NAMES: [&str; 7] = [
        "core", "tracker", "sizes", "browser", "kotlin", "backend", "chaos",
    ];
    if let Some(unknown) = only.iter().find(|n| !NAMES.contains(&n.as_str())) {
        return crate::util::fail(format!(
            "bench: no bench `{unknown}` (benches: {})",
            NAMES.join(", ")
        ));
    }
    let wants = |name: &str| only.is_empty() || only.iter().any(|n| n == name);
    if wants("core") {
        core()?; // the tracker bench is one of the core's
    } else if wants("tracker") {
        tracker()?;
    }
    if wants("sizes") {
        sizes_report(tools)?;
    }
    if wants("browser") {
        crate::browser_bench::bench(tools)?;
    }
    if wants("kotlin") {
        if !wants("sizes") {
            mobile_release_library()?;
        }
        println!("\n== mobile: one tracker step through the FFI from Kotlin ==");
        let load = std::fs::read_to_string("/proc/loadavg").unwrap_or_default();
        println!(
            "  (mobile-release library on the JVM; load average {})",
            load.split_whitespace()
                .take(3)
                .collect::<Vec<_>>()
                .join(" ")
        );
        kotlin_ffi(tools)?;
    }
    if wants("backend") {
        backend()?;
    }
    if wants("chaos") {
        println!("\n== chaos: 10,000 payments (release, 150 at once) ==");
        let args = ["--payments", "10000", "--concurrency", "150"].map(String::from);
        crate::chaos::chaos(&args, true)?;
    }
    Ok(())
}

/// The merchant backend: status latency and checkouts under 2,000
/// pollers, memory with the number of payments, and the wake of a long
/// poll across two instances on PostgreSQL (`examples/backend/benches`).
fn backend() -> Res {
    println!("\n== merchant backend ==");
    run(
        "bench: merchant backend",
        cargo().args([
            "bench",
            "-p",
            "appswitch-merchant-backend",
            "--bench",
            "backend",
        ]),
    )
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

/// Every benchmark of the core (criterion; the tracker table first).
fn core() -> Res {
    println!("== core benchmarks (criterion; the tracker table first) ==");
    run(
        "bench: cargo bench",
        cargo().args(["bench", "-p", "appswitch-core"]),
    )
}

fn sizes_report(tools: &Tools) -> Res {
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
    mobile_release_library()?;
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
    Ok(())
}

/// The host library in the `mobile-release` profile (sizes, Kotlin bench).
fn mobile_release_library() -> Res {
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
    )
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
