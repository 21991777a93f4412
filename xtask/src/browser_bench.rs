//! `cargo xtask bench browser`: what the browser loads and how soon the
//! return page asks for the truth. The sizes of the shop's two pages as a
//! deployment serves them (gzip and brotli, from the staged site's
//! precompressed files), then `tests/e2e/return_latency.mjs` in headless
//! Chromium on a throttled profile against the demo: the checkout page's
//! bytes until its load event, and the time from navigation to the first
//! status request on the return page, warm and cold. Numbers only.

use std::path::Path;
use std::process::Command;

use crate::setup::Tools;
use crate::util::{Failure, Res, fail, kb, root, run};

/// What each page fetches before it can act: the checkout page until Pay
/// (the module is not among them: it is fetched at idle after load), the
/// return page in full, and the return page's module alone.
const PAGES: [(&str, &[&str]); 3] = [
    (
        "checkout page before Pay",
        &["index.html", "style.css", "shop.js"],
    ),
    (
        "return page's module (tracker, return check, store, open plan)",
        &["pkg/appswitch.js", "pkg/appswitch_bg.wasm"],
    ),
    (
        "return page, everything",
        &[
            "return.html",
            "style.css",
            "return.js",
            "ui.js",
            "pkg/appswitch.js",
            "pkg/appswitch_bg.wasm",
        ],
    ),
];

/// The goal for the return page's module, gzipped (reported, not enforced).
const MODULE_GOAL: u64 = 60_000;

/// Prints the page sizes, then runs the latency measurement.
pub fn bench(tools: &Tools) -> Res {
    println!("\n== browser: what the pages load, and how soon the return page asks ==");
    let chromium = Path::new("/usr/bin/chromium");
    if !chromium.is_file() {
        return fail("bench browser: /usr/bin/chromium is missing; run `cargo xtask setup`");
    }
    let site = crate::demo::stage_site(tools)?;
    println!("page sizes as served (the staged site's precompressed files):");
    for (name, files) in PAGES {
        let (raw, gz, br) = files.iter().try_fold((0, 0, 0), |(r, g, b), file| {
            let (fr, fg, fb) = file_sizes(&site, file)?;
            Ok::<_, Failure>((r + fr, g + fg, b + fb))
        })?;
        let goal = if files.contains(&"pkg/appswitch_bg.wasm") && files.len() == 2 {
            format!(" (goal ≤ {} gzipped)", kb(MODULE_GOAL))
        } else {
            String::new()
        };
        println!(
            "  {name:<64} {:>10} raw  {:>10} gzip  {:>10} brotli{goal}",
            kb(raw),
            kb(gz),
            kb(br)
        );
    }
    let bin = crate::demo::build_demo()?;
    let demo = crate::demo::start_demo(&site, &bin, "ecom", "bench")?;
    run(
        "bench: return latency (Playwright)",
        Command::new("node")
            .arg(root().join("tests/e2e/return_latency.mjs"))
            .env("SHOP_URL", &demo.server.url)
            .env("SIM_URL", &demo.sim_url)
            .env("CHROMIUM", chromium)
            .env("NODE_PATH", &tools.node_modules),
    )
}

/// A staged file's size: raw, and its `.gz` and `.br` beside it. Pages
/// are at the top of the site, what they load in its one `v/HASH/`.
fn file_sizes(site: &Path, file: &str) -> Res<(u64, u64, u64)> {
    let dir = if file.ends_with(".html") {
        site.to_path_buf()
    } else {
        std::fs::read_dir(site.join("v"))
            .ok()
            .and_then(|mut entries| entries.next())
            .and_then(Result::ok)
            .map(|entry| entry.path())
            .ok_or_else(|| Failure(format!("bench browser: no v/HASH/ in {}", site.display())))?
    };
    let len = |name: String| {
        std::fs::metadata(dir.join(&name))
            .map(|m| m.len())
            .map_err(|e| Failure(format!("bench browser: {name}: {e}")))
    };
    Ok((
        len(file.to_string())?,
        len(format!("{file}.gz"))?,
        len(format!("{file}.br"))?,
    ))
}
