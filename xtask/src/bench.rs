//! `cargo xtask bench`: benchmarks and size reports. They print numbers;
//! nothing here fails on a timing or a size.

use crate::setup::Tools;
use crate::util::{Res, cargo, kb, run, sizes};

/// Runs every benchmark and size report.
pub fn bench(tools: &Tools) -> Res {
    println!("== core benchmarks (criterion) ==");
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
    Ok(())
}
