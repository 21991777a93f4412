//! `cargo xtask demo`: builds the npm package, the shop page and the demo
//! binary, and starts a complete payment flow on 127.0.0.1 — the provider
//! simulator, the merchant backend and the web checkout. Also the
//! end-to-end suite, which drives that same demo with Playwright.

use std::path::{Path, PathBuf};
use std::process::Command;

use crate::server::Server;
use crate::setup::Tools;
use crate::util::{Failure, Res, cargo, fail, root, run, target_dir};

/// Copies `from` into `to`, folders included.
fn copy_files(from: &Path, to: &Path) -> Res {
    std::fs::create_dir_all(to)
        .map_err(|e| Failure(format!("demo: creating {}: {e}", to.display())))?;
    let entries = std::fs::read_dir(from)
        .map_err(|e| Failure(format!("demo: reading {}: {e}", from.display())))?;
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            copy_files(&path, &to.join(entry.file_name()))?;
        } else if path.is_file() {
            std::fs::copy(&path, to.join(entry.file_name()))
                .map_err(|e| Failure(format!("demo: copying {}: {e}", path.display())))?;
        }
    }
    Ok(())
}

/// The shop's static files: `examples/web`, with the package's `--target
/// web` build under `/pkg`.
pub fn stage_site(tools: &Tools) -> Res<PathBuf> {
    crate::wasm::build_package(tools)?;
    let site = target_dir().join("demo-site");
    if site.exists() {
        std::fs::remove_dir_all(&site)
            .map_err(|e| Failure(format!("demo: clearing {}: {e}", site.display())))?;
    }
    copy_files(&root().join("examples/web"), &site)?;
    copy_files(&crate::wasm::pkg_dir().join("web"), &site.join("pkg"))?;
    Ok(site)
}

/// Builds the demo binary and returns its path.
pub fn build_demo() -> Res<PathBuf> {
    run(
        "demo: cargo build",
        cargo().args(["build", "-p", "appswitch-demo"]),
    )?;
    Ok(target_dir().join("debug/appswitch-demo"))
}

/// Starts the demo and waits until it is stopped (Ctrl-C). `args` go to
/// the demo binary (e.g. `--port 8080`, `--time-scale 30`,
/// `--drop-callbacks`; `--help` lists them).
pub fn demo(tools: &Tools, args: &[String]) -> Res {
    let site = stage_site(tools)?;
    let bin = build_demo()?;
    let data = target_dir().join("demo-data");
    let mut all: Vec<String> = vec![
        "--static-dir".into(),
        site.display().to_string(),
        "--data-dir".into(),
        data.display().to_string(),
    ];
    all.extend(args.iter().cloned());
    let refs: Vec<&str> = all.iter().map(String::as_str).collect();
    let server = Server::start("demo", &bin, &refs)?;
    println!();
    println!("  appswitch demo: {}", server.url);
    println!();
    println!(
        "  Pay, reject, or break things on purpose (the shop page has switches); ship, cancel and"
    );
    println!(
        "  refund on {}/merchant.html with the merchant key printed above. Ctrl-C stops.",
        server.url
    );
    server.wait()
}

/// A free port on 127.0.0.1 (the OS picks it; a race with another process
/// taking it in between is possible but harmless for a test run).
fn free_port() -> Res<u16> {
    let listener = std::net::TcpListener::bind("127.0.0.1:0")
        .map_err(|e| Failure(format!("e2e: no free port: {e}")))?;
    listener
        .local_addr()
        .map(|a| a.port())
        .map_err(|e| Failure(format!("e2e: {e}")))
}

/// A merchant key for one run: 32 bytes of `/dev/urandom` as hex.
fn merchant_key() -> Res<String> {
    use std::io::Read;
    let mut bytes = [0u8; 32];
    std::fs::File::open("/dev/urandom")
        .and_then(|mut f| f.read_exact(&mut bytes))
        .map_err(|e| Failure(format!("e2e: /dev/urandom: {e}")))?;
    Ok(bytes.iter().map(|b| format!("{b:02x}")).collect())
}

/// The end-to-end suite: the demo, driven by Playwright in Debian's
/// Chromium (`tests/e2e/run.mjs`), once on each provider API — eCom v2
/// and ePayment — with the same shop page, browser module and tests.
pub fn e2e(tools: &Tools) -> Res {
    let chromium = Path::new("/usr/bin/chromium");
    if !chromium.is_file() {
        return fail("e2e: /usr/bin/chromium is missing; run `cargo xtask setup`");
    }
    let site = stage_site(tools)?;
    let bin = build_demo()?;
    for api in ["ecom", "epayment"] {
        e2e_on(tools, &site, &bin, api)?;
    }
    Ok(())
}

/// The suite against a demo on `api`.
fn e2e_on(tools: &Tools, site: &Path, bin: &Path, api: &str) -> Res {
    let chromium = Path::new("/usr/bin/chromium");
    let sim_port = free_port()?.to_string();
    let site_arg = site.display().to_string();
    // A fresh database and a merchant key of this run's own.
    let data = target_dir().join(format!("e2e-data-{api}"));
    if data.exists() {
        std::fs::remove_dir_all(&data)
            .map_err(|e| Failure(format!("e2e: clearing {}: {e}", data.display())))?;
    }
    let data_arg = data.display().to_string();
    let key = merchant_key()?;
    let server = Server::start_with_env(
        "demo",
        bin,
        &[
            "--static-dir",
            &site_arg,
            "--sim-port",
            &sim_port,
            "--data-dir",
            &data_arg,
            "--provider-api",
            api,
        ],
        &[("APPSWITCH_MERCHANT_KEY", &key)],
    )?;
    let artifacts = root().join("tests/e2e/artifacts");
    std::fs::create_dir_all(&artifacts).map_err(|e| Failure(format!("e2e: {e}")))?;
    run(
        &format!("e2e: Playwright on {api}"),
        Command::new("node")
            .arg(root().join("tests/e2e/run.mjs"))
            .env("SHOP_URL", &server.url)
            .env("SIM_URL", format!("http://127.0.0.1:{sim_port}"))
            .env("MERCHANT_KEY", &key)
            .env("PROVIDER_API", api)
            .env("ARTIFACTS", &artifacts)
            .env("CHROMIUM", chromium)
            .env("NODE_PATH", &tools.node_modules),
    )?;
    println!("e2e ({api}): screenshots in {}", artifacts.display());
    Ok(())
}
