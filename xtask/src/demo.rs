//! `cargo xtask demo`: builds the npm package, the shop page and the demo
//! binary, and starts a complete payment flow on 127.0.0.1 — the provider
//! simulator, the merchant backend and the web checkout. Also the
//! end-to-end suite, which drives that same demo with Playwright.

use std::path::{Path, PathBuf};
use std::process::Command;

use crate::server::Server;
use crate::setup::Tools;
use crate::util::{Failure, Res, brotli, cargo, fail, gzip, root, run, target_dir};

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

/// The shop's static files, staged as a deployment would serve them: the
/// pages (`*.html`) at the top, and everything they load — `examples/web`'s
/// scripts and style sheet, the package's `--target web` build as `pkg/` —
/// under `v/HASH/`, a folder named by its content, which the backend lets
/// browsers cache for good (the pages' and scripts' references are
/// rewritten to it). A changed module is a new folder, never a stale cache.
pub fn stage_site(tools: &Tools) -> Res<PathBuf> {
    crate::wasm::build_package(tools)?;
    let site = target_dir().join("demo-site");
    if site.exists() {
        std::fs::remove_dir_all(&site)
            .map_err(|e| Failure(format!("demo: clearing {}: {e}", site.display())))?;
    }
    let staging = target_dir().join("demo-site-assets");
    if staging.exists() {
        std::fs::remove_dir_all(&staging)
            .map_err(|e| Failure(format!("demo: clearing {}: {e}", staging.display())))?;
    }
    copy_files(&root().join("examples/web"), &staging)?;
    copy_files(&crate::wasm::pkg_dir().join("web"), &staging.join("pkg"))?;
    let mut files = Vec::new();
    list_files(&staging, &mut files)?;
    files.sort();
    let mut hasher = std::hash::DefaultHasher::new();
    for file in &files {
        std::hash::Hash::hash(
            &std::fs::read(file).map_err(|e| read_failure(file, &e))?,
            &mut hasher,
        );
    }
    let assets = format!("/v/{:016x}/", std::hash::Hasher::finish(&hasher));
    // The names the pages and scripts refer to: the top-level files and
    // the package's folder.
    let top: Vec<String> = std::fs::read_dir(&staging)
        .map_err(|e| read_failure(&staging, &e))?
        .flatten()
        .filter_map(|e| e.file_name().into_string().ok())
        .filter(|name| !name.ends_with(".html"))
        .map(|name| if name == "pkg" { "pkg/".into() } else { name })
        .collect();
    for file in files {
        let relative = file.strip_prefix(&staging).unwrap_or(&file);
        let page = relative.extension().is_some_and(|e| e == "html")
            && relative.parent() == Some(Path::new(""));
        let to = if page {
            site.join(relative)
        } else {
            site.join(assets.trim_matches('/')).join(relative)
        };
        if let Some(parent) = to.parent() {
            std::fs::create_dir_all(parent).map_err(|e| read_failure(parent, &e))?;
        }
        let ours = !relative.starts_with("pkg")
            && relative
                .extension()
                .is_some_and(|e| e == "html" || e == "js");
        if ours {
            let mut text = std::fs::read_to_string(&file).map_err(|e| read_failure(&file, &e))?;
            for name in &top {
                for quote in ['"', '\''] {
                    text = text.replace(
                        &format!("{quote}/{name}"),
                        &format!("{quote}{assets}{name}"),
                    );
                }
            }
            std::fs::write(&to, text).map_err(|e| read_failure(&to, &e))?;
        } else {
            std::fs::copy(&file, &to).map_err(|e| read_failure(&file, &e))?;
        }
    }
    precompress(&site)?;
    Ok(site)
}

fn read_failure(path: &Path, e: &std::io::Error) -> Failure {
    Failure(format!("demo: {}: {e}", path.display()))
}

/// Every file under `dir`, folders included.
fn list_files(dir: &Path, out: &mut Vec<PathBuf>) -> Res {
    for entry in std::fs::read_dir(dir)
        .map_err(|e| read_failure(dir, &e))?
        .flatten()
    {
        let path = entry.path();
        if path.is_dir() {
            list_files(&path, out)?;
        } else if path.is_file() {
            out.push(path);
        }
    }
    Ok(())
}

/// Writes `NAME.br` and `NAME.gz` beside every page, script, style sheet
/// and module of the site, as a deployment would: the backend serves them
/// to browsers that accept them (what the bench's page sizes and return
/// latency are measured on).
fn precompress(dir: &Path) -> Res {
    let entries = std::fs::read_dir(dir)
        .map_err(|e| Failure(format!("demo: reading {}: {e}", dir.display())))?;
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            precompress(&path)?;
            continue;
        }
        let compressible = path
            .extension()
            .and_then(|e| e.to_str())
            .is_some_and(|e| ["html", "js", "css", "wasm", "json"].contains(&e));
        if !compressible {
            continue;
        }
        let bytes = std::fs::read(&path)
            .map_err(|e| Failure(format!("demo: reading {}: {e}", path.display())))?;
        for (suffix, packed) in [("br", brotli(&bytes, &path)?), ("gz", gzip(&bytes, &path)?)] {
            let mut name = path.as_os_str().to_owned();
            name.push(format!(".{suffix}"));
            std::fs::write(&name, packed)
                .map_err(|e| Failure(format!("demo: writing {}: {e}", path.display())))?;
        }
    }
    Ok(())
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

/// A demo started for a suite or a bench: its server, the simulator's URL
/// and this run's merchant key.
pub struct RunningDemo {
    /// The demo (the shop's URL is `server.url`); stopped when dropped.
    pub server: Server,
    /// The provider simulator's base URL.
    pub sim_url: String,
    /// The merchant key of this run.
    pub key: String,
}

/// Starts the demo on `api` with a fresh database (`target/NAME-data-API`)
/// and a merchant key of its own.
pub fn start_demo(site: &Path, bin: &Path, api: &str, name: &str) -> Res<RunningDemo> {
    let sim_port = free_port()?.to_string();
    let site_arg = site.display().to_string();
    let data = target_dir().join(format!("{name}-data-{api}"));
    if data.exists() {
        std::fs::remove_dir_all(&data)
            .map_err(|e| Failure(format!("{name}: clearing {}: {e}", data.display())))?;
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
    Ok(RunningDemo {
        server,
        sim_url: format!("http://127.0.0.1:{sim_port}"),
        key,
    })
}

/// The suite against a demo on `api`.
fn e2e_on(tools: &Tools, site: &Path, bin: &Path, api: &str) -> Res {
    let chromium = Path::new("/usr/bin/chromium");
    let demo = start_demo(site, bin, api, "e2e")?;
    let artifacts = root().join("tests/e2e/artifacts");
    std::fs::create_dir_all(&artifacts).map_err(|e| Failure(format!("e2e: {e}")))?;
    run(
        &format!("e2e: Playwright on {api}"),
        Command::new("node")
            .arg(root().join("tests/e2e/run.mjs"))
            .env("SHOP_URL", &demo.server.url)
            .env("SIM_URL", &demo.sim_url)
            .env("MERCHANT_KEY", &demo.key)
            .env("PROVIDER_API", api)
            .env("ARTIFACTS", &artifacts)
            .env("CHROMIUM", chromium)
            .env("NODE_PATH", &tools.node_modules),
    )?;
    println!("e2e ({api}): screenshots in {}", artifacts.display());
    Ok(())
}
