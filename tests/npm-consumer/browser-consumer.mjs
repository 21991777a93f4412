// The installed package's `web` entry in headless Chromium, served from
// the consumer's own node_modules.
//
// usage: node browser-consumer.mjs <consumer dir> <node_modules with playwright-core>
import { createServer } from "node:http";
import { readFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { extname, join, normalize } from "node:path";

const [dir, modules] = process.argv.slice(2);
if (!dir || !modules) throw new Error("usage: node browser-consumer.mjs <consumer dir> <node_modules>");
const { chromium } = createRequire(join(modules, "noop.js"))("playwright-core");
const types = { ".html": "text/html", ".js": "text/javascript", ".wasm": "application/wasm" };

const server = createServer(async (req, res) => {
  const path = normalize(new URL(req.url, "http://127.0.0.1").pathname).replace(/^\/+/, "");
  if (path.startsWith("..")) return res.writeHead(403).end();
  try {
    const body = await readFile(join(dir, path === "" ? "page.html" : path));
    res.writeHead(200, { "content-type": types[extname(path)] ?? "text/html" }).end(body);
  } catch {
    res.writeHead(404).end();
  }
});
await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
const browser = await chromium.launch({
  executablePath: "/usr/bin/chromium",
  args: ["--no-sandbox", "--headless", "--disable-gpu", "--no-first-run", "--disable-background-networking",
    "--disable-component-update", "--disable-sync"],
});
let code = 0;
try {
  const page = await browser.newPage();
  page.on("pageerror", (e) => console.log(`  [page error] ${e}`));
  await page.goto(`http://127.0.0.1:${server.address().port}/`);
  await page.waitForFunction(() => window.result || window.failure, null, { timeout: 60000 });
  const failure = await page.evaluate(() => window.failure);
  if (failure) throw new Error(`the page failed: ${failure}`);
  const result = await page.evaluate(() => window.result);
  if (!/^\d+\.\d+\.\d+ landingPage$/.test(result)) throw new Error(`unexpected result: ${result}`);
  console.log(`browser consumer: ${result} via appswitch/web without init(): ok`);
} catch (e) {
  console.error(`browser consumer: ${e.message}`);
  code = 1;
} finally {
  await browser.close();
  server.close();
}
process.exit(code);
