//! `cargo xtask fuzz [<target>|all] [--seconds N]`: runs every cargo-fuzz
//! target of `fuzz/` (or one) for a while each and prints how many inputs
//! it tried and what it found.
//!
//! What fuzzing needs is installed on demand, once: cargo-fuzz into
//! `.tools/cargo`, and the nightly toolchain through rustup (libFuzzer's
//! instrumentation needs `-Z` flags). Neither is needed by `cargo xtask
//! test`. Without rustup, or when nightly cannot be installed (offline),
//! the stable toolchain runs with `RUSTC_BOOTSTRAP=1` instead, and says so.

use std::process::{Command, Stdio};

use crate::util::{Failure, Res, cargo, fail, probe, root, run, tools_dir};

const CARGO_FUZZ_VERSION: &str = "0.13.2";

/// How cargo-fuzz's builds get the unstable flags libFuzzer needs.
enum Toolchain {
    /// `RUSTUP_TOOLCHAIN=nightly`, installed by rustup when missing.
    Nightly,
    /// The stable toolchain, told to accept unstable flags.
    StableBootstrap,
}

fn ensure_nightly() -> Toolchain {
    let listed = probe(Command::new("rustup").args(["toolchain", "list"]));
    match listed {
        None => {
            println!("fuzz: no rustup; the stable toolchain runs with RUSTC_BOOTSTRAP=1");
            Toolchain::StableBootstrap
        }
        Some(list) if list.lines().any(|l| l.starts_with("nightly")) => Toolchain::Nightly,
        Some(_) => {
            println!("fuzz: installing the nightly toolchain (rustup, minimal profile)");
            let installed = Command::new("rustup")
                .args(["toolchain", "install", "nightly", "--profile", "minimal"])
                .status()
                .is_ok_and(|s| s.success());
            if installed {
                Toolchain::Nightly
            } else {
                println!(
                    "fuzz: nightly could not be installed; the stable toolchain runs with RUSTC_BOOTSTRAP=1"
                );
                Toolchain::StableBootstrap
            }
        }
    }
}

fn ensure_cargo_fuzz() -> Res<std::path::PathBuf> {
    let bin = tools_dir().join("cargo/bin/cargo-fuzz");
    if probe(Command::new(&bin).arg("--version")).is_some_and(|v| v.contains(CARGO_FUZZ_VERSION)) {
        return Ok(bin);
    }
    println!("fuzz: installing cargo-fuzz {CARGO_FUZZ_VERSION} into .tools/cargo");
    run(
        "fuzz: cargo install cargo-fuzz",
        cargo()
            .args([
                "install",
                "cargo-fuzz",
                "--version",
                CARGO_FUZZ_VERSION,
                "--root",
            ])
            .arg(tools_dir().join("cargo")),
    )?;
    Ok(bin)
}

/// The fuzz targets listed in `fuzz/Cargo.toml`.
pub fn targets() -> Res<Vec<String>> {
    let manifest = std::fs::read_to_string(root().join("fuzz/Cargo.toml"))
        .map_err(|e| Failure(format!("fuzz: reading fuzz/Cargo.toml: {e}")))?;
    Ok(manifest
        .lines()
        .filter_map(|l| l.trim().strip_prefix("name = \""))
        .map(|n| n.trim_end_matches('"').to_string())
        .filter(|n| n != "appswitch-fuzz")
        .collect())
}

/// Runs `target` (or every target, for `all`) for `seconds` each.
pub fn fuzz(args: &[String]) -> Res {
    let mut target = None;
    let mut seconds = 60u64;
    let mut it = args.iter();
    while let Some(a) = it.next() {
        match a.as_str() {
            "--seconds" => {
                seconds = it
                    .next()
                    .and_then(|s| s.parse().ok())
                    .ok_or_else(|| Failure("fuzz: --seconds needs a number".into()))?;
            }
            t if target.is_none() => target = Some(t.to_string()),
            other => return fail(format!("fuzz: unexpected argument `{other}`")),
        }
    }
    let all = targets()?;
    let chosen = match target.as_deref() {
        None | Some("all") => all.clone(),
        Some(t) if all.iter().any(|a| a == t) => vec![t.to_string()],
        Some(t) => {
            return fail(format!(
                "fuzz: no target `{t}`; targets: {}",
                all.join(", ")
            ));
        }
    };
    let cargo_fuzz = ensure_cargo_fuzz()?;
    let toolchain = ensure_nightly();
    let mut report = Vec::new();
    for t in &chosen {
        println!("\n== fuzz {t} for {seconds} s ==");
        let corpus = root().join("fuzz/corpus").join(t);
        std::fs::create_dir_all(&corpus).map_err(|e| Failure(format!("fuzz: {e}")))?;
        // Hand-picked starting inputs, committed; new finds go to `corpus`.
        let seeds = root().join("fuzz/seeds").join(t);
        let mut command = Command::new(&cargo_fuzz);
        match toolchain {
            Toolchain::Nightly => command.env("RUSTUP_TOOLCHAIN", "nightly"),
            Toolchain::StableBootstrap => command.env("RUSTC_BOOTSTRAP", "1"),
        };
        let out = command
            .current_dir(root())
            .args(["fuzz", "run", t])
            .arg(&corpus)
            .args(seeds.is_dir().then_some(&seeds))
            .arg("--")
            .arg(format!("-max_total_time={seconds}"))
            .arg("-print_final_stats=1")
            .stdout(Stdio::inherit())
            .stderr(Stdio::piped())
            .output()
            .map_err(|e| Failure(format!("fuzz: could not start cargo-fuzz: {e}")))?;
        let log = String::from_utf8_lossy(&out.stderr);
        let runs = log
            .lines()
            .find_map(|l| l.strip_prefix("stat::number_of_executed_units:"))
            .map(|s| s.trim().to_string())
            .unwrap_or_else(|| "?".into());
        let crashed = !out.status.success();
        if crashed {
            eprintln!(
                "{}",
                log.lines()
                    .rev()
                    .take(40)
                    .collect::<Vec<_>>()
                    .into_iter()
                    .rev()
                    .collect::<Vec<_>>()
                    .join("\n")
            );
        }
        let line = format!(
            "{t}: {runs} executions in {seconds} s, {}",
            if crashed {
                "FOUND A CRASH (see fuzz/artifacts)"
            } else {
                "no crashes"
            }
        );
        println!("{line}");
        report.push((line, crashed));
    }
    println!("\n== fuzz summary ==");
    for (line, _) in &report {
        println!("{line}");
    }
    if report.iter().any(|(_, c)| *c) {
        fail("fuzz: a target crashed")
    } else {
        Ok(())
    }
}
