// How fast the return page asks for the truth, in headless Chromium on a
// throttled profile: from the request for the return page to its first
// status request, with a warm cache (the shopper's own browser, after the
// checkout page fetched the module at idle) and a cold one (another browser
// with nothing cached or stored: iOS opening the fallback URL in Safari).
// Also what the checkout page loaded before Pay, as the browser counted it.
// Numbers, not assertions: `cargo xtask bench browser` prints them.
//
// Run by the xtask, which starts the demo and sets SHOP_URL, SIM_URL,
// CHROMIUM and NODE_PATH (RUNS: how many of each, 5 by default).

import { createRequire } from "node:module";
import path from "node:path";

const require = createRequire(path.join(process.env.NODE_PATH ?? ".", "noop.js"));
const { chromium } = require("playwright-core");

const SHOP = process.env.SHOP_URL;
const SIM = process.env.SIM_URL;
const RUNS = Number(process.env.RUNS ?? 5);
const TIMEOUT = 60_000;
if (!SHOP || !SIM) {
  console.error("SHOP_URL and SIM_URL must be set (run through `cargo xtask bench browser`)");
  process.exit(2);
}

// Lighthouse's mobile profile ("Slow 4G"): 150 ms round trip, 1.6 Mbit/s
// down, 750 kbit/s up, the CPU 4 times slower.
const PROFILE = { latency: 150, downloadThroughput: 1.6e6 / 8, uploadThroughput: 0.75e6 / 8 };
const CPU_SLOWDOWN = 4;

async function throttled(context) {
  const page = await context.newPage();
  const cdp = await context.newCDPSession(page);
  await cdp.send("Network.enable");
  await cdp.send("Network.emulateNetworkConditions", { offline: false, ...PROFILE });
  await cdp.send("Emulation.setCPUThrottlingRate", { rate: CPU_SLOWDOWN });
  return { page, cdp };
}

// Seconds from the request for the return page to the first status
// request after it (CDP's monotonic timestamps, both from the browser).
function firstStatusRequest(cdp) {
  return new Promise((resolve) => {
    let start;
    const seen = (e) => {
      const url = e.request.url;
      if (e.type === "Document") {
        start = url.startsWith(`${SHOP}/return`) ? e.timestamp : undefined;
      } else if (start !== undefined && /\/api\/payments\/[^/]+\/status/.test(url)) {
        cdp.off("Network.requestWillBeSent", seen);
        resolve(e.timestamp - start);
      }
    };
    cdp.on("Network.requestWillBeSent", seen);
  });
}

const within = (promise, what) =>
  Promise.race([promise, new Promise((_, no) => setTimeout(() => no(new Error(`no ${what} in ${TIMEOUT / 1000} s`)), TIMEOUT))]);

// Bytes as the browser received them (compressed): the document and every
// resource, split at the load event.
async function loaded(page) {
  return page.evaluate(() => {
    const [nav] = performance.getEntriesByType("navigation");
    const beforeLoad = nav.encodedBodySize;
    let critical = beforeLoad;
    let later = 0;
    for (const r of performance.getEntriesByType("resource")) {
      if (r.startTime < nav.loadEventEnd) critical += r.encodedBodySize;
      else later += r.encodedBodySize;
    }
    return { critical, later };
  });
}

/** The shopper's own browser: the shop, Pay, approve, back. */
async function warmRun(browser, first) {
  const context = await browser.newContext();
  try {
    const { page, cdp } = await throttled(context);
    await page.goto(SHOP, { timeout: TIMEOUT });
    // The checkout page fetches the return page's files once loaded and
    // idle: the module and the return page's script.
    await page.waitForFunction(
      () => ["/appswitch_bg.wasm", "/return.js"].every((file) =>
        performance.getEntriesByType("resource").some((r) => r.name.endsWith(file))),
      undefined,
      { timeout: TIMEOUT },
    );
    const sizes = first ? await loaded(page) : undefined;
    await page.click("#pay");
    await page.waitForURL((u) => u.toString().startsWith(SIM), { timeout: TIMEOUT });
    const measured = within(firstStatusRequest(cdp), "status request on the return page");
    await page.click("#approve");
    const seconds = await measured;
    return { seconds, url: page.url(), sizes };
  } finally {
    await context.close();
  }
}

/** Another browser, nothing cached or stored, opening the same return URL. */
async function coldRun(browser, url) {
  const context = await browser.newContext();
  try {
    const { page, cdp } = await throttled(context);
    const measured = within(firstStatusRequest(cdp), "status request on the return page");
    await page.goto(url, { timeout: TIMEOUT });
    return await measured;
  } finally {
    await context.close();
  }
}

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM ?? "/usr/bin/chromium",
  args: ["--no-sandbox", "--headless", "--disable-gpu", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync", "--disable-quic"],
});
const warm = [];
const cold = [];
let sizes;
try {
  for (let i = 0; i < RUNS; i++) {
    const run = await warmRun(browser, i === 0);
    sizes ??= run.sizes;
    warm.push(run.seconds);
    cold.push(await coldRun(browser, run.url));
  }
} finally {
  await browser.close();
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const line = (name, xs, goal) =>
  `  ${name.padEnd(44)} ${median(xs).toFixed(2)} s  (min ${Math.min(...xs).toFixed(2)}, max ${Math.max(...xs).toFixed(2)}; goal ≤ ${goal} s)`;
const kB = (n) => `${(n / 1000).toFixed(1)} kB`;
console.log(`checkout page, as received (compressed): ${kB(sizes.critical)} until the load event; ${kB(sizes.later)} fetched at idle after it (the return page's module and script, for the cache)`);
console.log(`return page, navigation to the first status request (150 ms RTT, 1.6 Mbit/s, CPU ×${CPU_SLOWDOWN}; median of ${RUNS}):`);
console.log(line("warm cache (the shopper's browser)", warm, 0.3));
console.log(line("cold cache (another browser, nothing stored)", cold, 0.8));
