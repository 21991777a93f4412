// The shipped npm package (its `web` build, after wasm-opt) in headless
// Chromium: a checkout page tracks a payment and navigates to a landing
// page that sends the shopper back; the fallback page — a fresh page load —
// resumes from localStorage and gets the truth from the scripted backend.
//
// usage: node smoke.mjs <package dir> <scripted backend URL> <node_modules with playwright-core>
import { createServer } from "node:http";
import { readFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { extname, join, normalize } from "node:path";
import { fileURLToPath } from "node:url";

const [pkg, backend, modules] = process.argv.slice(2);
if (!pkg || !backend || !modules) {
  throw new Error("usage: node smoke.mjs <package dir> <backend URL> <node_modules>");
}
const { chromium } = createRequire(join(modules, "noop.js"))("playwright-core");
const pages = join(fileURLToPath(new URL(".", import.meta.url)), "pages");
const types = { ".html": "text/html", ".js": "text/javascript", ".wasm": "application/wasm" };

const server = createServer(async (req, res) => {
  const url = new URL(req.url, "http://127.0.0.1");
  if (url.pathname === "/favicon.ico") {
    res.writeHead(204).end();
    return;
  }
  if (url.pathname === "/landing") {
    // The provider's landing page: back to the fallback URL, with the
    // deprecated status it appends.
    res.writeHead(302, { location: `${url.searchParams.get("next")}&status=301` }).end();
    return;
  }
  const file = url.pathname.startsWith("/pkg/")
    ? join(pkg, "web", normalize(url.pathname.slice(5)))
    : join(pages, normalize(url.pathname));
  try {
    const body = await readFile(file);
    res.writeHead(200, { "content-type": types[extname(file)] ?? "application/octet-stream" }).end(body);
  } catch {
    res.writeHead(404).end();
  }
});
await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
const origin = `http://127.0.0.1:${server.address().port}`;

const browser = await chromium.launch({
  executablePath: "/usr/bin/chromium",
  args: ["--no-sandbox", "--headless", "--disable-gpu", "--no-first-run", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--disable-quic"],
});
let failed = false;
try {
  const page = await browser.newPage();
  page.on("console", (m) => console.log(`  [page] ${m.text()}`));
  page.on("pageerror", (e) => console.log(`  [page error] ${e}`));
  await page.goto(`${origin}/checkout.html?backend=${encodeURIComponent(backend)}`);
  await page.waitForFunction(() => window.result || window.failure, null, { timeout: 30000 });
  const failure = await page.evaluate(() => window.failure);
  if (failure) throw new Error(`the page failed: ${failure}`);
  const result = await page.evaluate(() => window.result);
  console.log(`package smoke: ${JSON.stringify(result)}`);
  const checks = [
    [new URL(page.url()).pathname === "/return.html", "ended on the fallback page"],
    [result.outcome.outcome === "success", "outcome is success"],
    [result.outcome.state === "reserved" && result.outcome.amounts.reserved === 20000, "reserved 20000 øre"],
    [result.requests === 2, "two status requests (checked on return, then polled)"],
    [result.phases.at(-1) === "settled", "the last change is settled"],
    [result.via === "webPage", "returned via the web page"],
    [result.forged === "forged-return", "a forged return is refused"],
  ];
  for (const [ok, what] of checks) {
    console.log(`  ${ok ? "ok" : "FAILED"}: ${what}`);
    failed ||= !ok;
  }
} finally {
  await browser.close();
  server.close();
}
if (failed) process.exit(1);
