// End-to-end tests of the demo: Playwright drives Debian's Chromium through
// the shop, the simulated provider's landing page and the return page, and
// each test checks what the page shows and what the simulator recorded.
//
// Run by `cargo xtask test` (suite `e2e`), which starts the demo and sets
// SHOP_URL, SIM_URL, ARTIFACTS, CHROMIUM and NODE_PATH — once per provider
// API (PROVIDER_API `ecom` or `epayment`): the shop page, the browser
// module and the return page are the same on both; only the simulator's
// control API (below) differs.

import { createRequire } from "node:module";
import path from "node:path";

const require = createRequire(path.join(process.env.NODE_PATH ?? ".", "noop.js"));
const { chromium } = require("playwright-core");

const SHOP = process.env.SHOP_URL;
const SIM = process.env.SIM_URL;
const MERCHANT_KEY = process.env.MERCHANT_KEY;
const ARTIFACTS = process.env.ARTIFACTS ?? "artifacts";
const API = process.env.PROVIDER_API ?? "ecom";
const EPAYMENT = API === "epayment";
const OUTCOME_TIMEOUT = 40_000;
// A navigation between the shop and the simulator's landing page is local,
// but a loaded 2-core CI machine has taken over 15 s for one: wait for the
// page as long as for an outcome.
const NAVIGATION_TIMEOUT = OUTCOME_TIMEOUT;

if (!SHOP || !SIM || !MERCHANT_KEY) {
  console.error("SHOP_URL, SIM_URL and MERCHANT_KEY must be set (run through `cargo xtask test e2e`)");
  process.exit(2);
}

// ---- the simulator's control API ----------------------------------------

async function sim(pathname, body) {
  const res = await fetch(`${SIM}${pathname}`, body === undefined ? {} : {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(body),
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`simulator ${pathname}: ${res.status} ${text}`);
  return text ? JSON.parse(text) : undefined;
}

// The simulator's view of a payment, the same shape on both APIs: its
// status, the shopper's page, the API calls, the notifications (eCom's
// callback, ePayment's webhook deliveries) and the money moved.
async function order(id) {
  if (!EPAYMENT) return sim(`/_sim/orders/${encodeURIComponent(id)}`);
  const view = await sim(`/_sim/epayments/${encodeURIComponent(id)}`);
  const { deliveries } = await sim("/_sim/webhooks");
  const done = (name) => view.events.filter((e) => e.name === name && e.success).length;
  return {
    ...view,
    orderId: view.reference,
    record: {
      calls: view.record.calls,
      callbacks: deliveries.filter((d) => d.reference === id),
      captures: done("CAPTURED"),
      cancels: done("CANCELLED"),
      refunds: done("REFUNDED"),
    },
  };
}
async function orders() {
  if (!EPAYMENT) return sim("/_sim/orders");
  return (await sim("/_sim/epayments")).map((v) => ({ ...v, orderId: v.reference }));
}
const shopper = (id, choice) =>
  sim(`/_sim/${EPAYMENT ? "epayments" : "orders"}/${encodeURIComponent(id)}/shopper`, { choice });
const calls = (view, endpoint) => view.record.calls.filter((c) => c.endpoint === endpoint);

async function eventually(what, check, timeout = OUTCOME_TIMEOUT) {
  const until = Date.now() + timeout;
  let last;
  while (Date.now() < until) {
    last = await check();
    if (last) return last;
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`timed out waiting for ${what}`);
}

function expect(ok, message) {
  if (!ok) throw new Error(message);
}

// ---- the shopper --------------------------------------------------------

/** Opens the shop, ticks `faults`, pays, and waits for the landing page. */
async function checkout(page, faults = []) {
  await page.goto(SHOP);
  if (faults.length > 0) {
    await page.click("#faults summary");
    for (const f of faults) await page.check(`#faults input[name=${f}]`);
  }
  await page.click("#pay");
  await page.waitForURL((u) => u.toString().startsWith(SIM), { timeout: NAVIGATION_TIMEOUT });
  const token = new URL(page.url()).searchParams.get("token");
  const mine = (await orders()).find((o) => new URL(o.shopperUrl).searchParams.get("token") === token);
  expect(mine, `the simulator knows the order of token ${token}`);
  return mine.orderId;
}

/** Decides on the landing page; returns once the browser is back in the shop. */
async function decide(page, choice) {
  await page.click(`#${choice}`);
  await page.waitForURL((u) => u.toString().startsWith(`${SHOP}/return`), { timeout: NAVIGATION_TIMEOUT });
}

async function outcomeOf(page) {
  const el = page.locator("#outcome[data-outcome]");
  await el.waitFor({ timeout: OUTCOME_TIMEOUT });
  const outcome = await el.getAttribute("data-outcome");
  // What the shopper reads names no provider code (RESERVE_FAILED,
  // USER_CANCEL, a reason code …): words only.
  const shown = await page.locator("#result").innerText();
  expect(!/[A-Z]{3,}(_[A-Z]+)+|deadlinePassed|backendUnreachable|tooManyErrors|\b(failed|unknown):/.test(shown),
    `the shopper reads a code: ${shown}`);
  if (outcome === "success") {
    expect(await page.locator("#pay").isHidden(), "no Pay button after a success");
  }
  return { outcome, text: await el.textContent() };
}

/** The merchant ships (captures) an order on the merchant's page, with the key. */
async function shipAsMerchant(ctx, id) {
  const page = await ctx.newPage();
  await page.goto(`${SHOP}/merchant.html?orderId=${encodeURIComponent(id)}`);
  await page.fill("#key", MERCHANT_KEY);
  await page.click("#load");
  await page.locator("#status[data-status=reserved]").waitFor();
  await page.click("#ship");
  await page.locator('#result[data-outcome="captured"]').waitFor();
  return page;
}

async function shot(page, name) {
  await page.screenshot({ path: path.join(ARTIFACTS, `${API}-${name}.png`), fullPage: true });
}

// ---- the tests ----------------------------------------------------------

const tests = {
  async "happy path: approve, see it, ship it, a second tab agrees"(ctx) {
    const page = await ctx.newPage();
    const id = await checkout(page);
    await shot(page, "landing-page");
    await decide(page, "approve");
    // eCom appends its deprecated `status` to the fallback; ePayment does not.
    expect(EPAYMENT || page.url().includes("status="), "the provider appended its deprecated status");
    const { outcome, text } = await outcomeOf(page);
    expect(outcome === "success", `outcome ${outcome}`);
    expect(text.includes("approved"), `page says ${text}`);
    await shot(page, "return-approved");
    // A second tab on the same return URL shows the same truth.
    const other = await ctx.newPage();
    await other.goto(page.url());
    expect((await outcomeOf(other)).outcome === "success", "the second tab agrees");
    // The shopper's page only links to the merchant's page; shipping is the
    // merchant's, with the merchant's key.
    await page.locator("#merchant:not([hidden])").waitFor();
    const staff = await shipAsMerchant(ctx, id);
    await shot(staff, "shipped");
    const view = await order(id);
    expect(view.record.captures === 1, `captures: ${view.record.captures}`);
    expect(view.status === "captured", `simulator says ${view.status}`);
    expect(calls(view, "details").length <= 30, `details calls: ${calls(view, "details").length}`);
  },

  async "reject: the shopper cancels in the app"(ctx) {
    const page = await ctx.newPage();
    const id = await checkout(page);
    await decide(page, "reject");
    const { outcome, text } = await outcomeOf(page);
    expect(outcome === "cancelled", `outcome ${outcome}`);
    expect(text.includes("cancelled"), `page says ${text}`);
    await shot(page, "return-cancelled");
    const view = await order(id);
    expect(view.status === "cancelled", `simulator says ${view.status}`);
    expect(view.record.captures === 0, "nothing captured");
  },

  async "callback dropped: the status still arrives by polling"(ctx) {
    const page = await ctx.newPage();
    const id = await checkout(page, ["dropCallback"]);
    await decide(page, "approve");
    expect((await outcomeOf(page)).outcome === "success", "approved without a callback");
    const view = await order(id);
    // (On ePayment the `created` webhook went out before the shop page set
    // the fault: the payment's later ones are dropped.)
    const later = view.record.callbacks.filter((c) => c.eventType !== "epayments.payment.created.v1");
    expect(later.every((c) => c.outcome === "dropped"), `the notifications were dropped: ${JSON.stringify(later)}`);
    expect(!EPAYMENT || later.length >= 1, "an authorized webhook was due");
    expect(calls(view, "details").length >= 1, "the backend asked the provider");
  },

  async "late reserve: approved after the shopper came back"(ctx) {
    const page = await ctx.newPage();
    const id = await checkout(page, ["reserveLate"]);
    await decide(page, "approve");
    // Back before the money: the page keeps checking.
    await page.locator("#state[data-state]", { hasText: /\S/ }).waitFor();
    await shot(page, "return-waiting");
    const early = await page.locator("#state").textContent();
    expect(!(await page.locator("#outcome[data-outcome]").count()), `settled too early (${early})`);
    expect((await outcomeOf(page)).outcome === "success", "the late reservation is found");
    const view = await order(id);
    expect(view.status === "reserved", `simulator says ${view.status}`);
  },

  async "429 storm at the provider: backs off and still finds the truth"(ctx) {
    const page = await ctx.newPage();
    const id = await checkout(page, ["storm429"]);
    await decide(page, "approve");
    expect((await outcomeOf(page)).outcome === "success", "approved through the storm");
    const view = await order(id);
    const limited = calls(view, "details").filter((c) => c.status === 429).length;
    expect(limited >= 1, `the storm happened (${limited} × 429)`);
  },

  async "the shop page reloaded while the shopper is away"(ctx) {
    const page = await ctx.newPage();
    const id = await checkout(page);
    // The shopper goes back to the shop (a fresh load) while the payment is
    // open in the app, here: the landing page in another tab.
    const view = await order(id);
    await page.goto(SHOP);
    await page.reload();
    await page.locator("#pending:not([hidden])").waitFor();
    // Pending: no second payment, but the app can be opened again.
    expect(await page.locator("#pay").isHidden(), "no Pay button while pending");
    const reopen = page.locator("#reopen:not([hidden])");
    await reopen.waitFor();
    expect((await reopen.textContent()) === "Open Vipps again", `reopen: ${await reopen.textContent()}`);
    const app = await ctx.newPage();
    await app.goto(view.shopperUrl);
    await app.click("#approve");
    const { outcome } = await outcomeOf(page);
    expect(outcome === "success", `the reloaded shop page found it: ${outcome}`);
    await shot(page, "shop-resumed");
  },

  async "paying twice for one basket: the first reservation is cancelled"(ctx, browser) {
    // One basket on two devices (a signed-in shopper's basket).
    const basket = `basket-twice-${Date.now()}`;
    const sameBasket = (b) => localStorage.setItem("sockshop.basket", b);
    await ctx.addInitScript(sameBasket, basket);
    const page = await ctx.newPage();
    const first = await checkout(page);
    // The shopper closes the app without deciding. This browser offers no
    // second payment while the first is pending …
    const closed = await ctx.newPage();
    await closed.goto((await order(first)).shopperUrl);
    await closed.click("#close");
    await page.goto(SHOP);
    await page.locator("#pending:not([hidden])").waitFor();
    expect(await page.locator("#pay").isHidden(), "no Pay button while a payment is pending");
    // … so the shopper pays again on another device.
    const device = await browser.newContext();
    try {
      await device.addInitScript(sameBasket, basket);
      const other = await device.newPage();
      const second = await checkout(other);
      expect(first !== second, "a new orderId for the second attempt");
      await decide(other, "approve");
      expect((await outcomeOf(other)).outcome === "success", "the second attempt is paid");
      await shipAsMerchant(ctx, second);
      // Now the first attempt goes through after all (the Vipps eCom API "Exception handling" guide's slow bank).
      await shopper(first, "approve");
      const view = await eventually("the duplicate reservation to be cancelled", async () => {
        const v = await order(first);
        return v.record.cancels === 1 ? v : undefined;
      });
      expect(view.status === "cancelled", `first attempt: ${view.status}`);
      expect((await order(second)).record.captures === 1, "the second attempt was captured once");
    } finally {
      await device.close();
    }
  },

  // Across tabs of one shop, one tracker per order asks and the others
  // listen: the tab the shopper came back to last leads (Web Locks), the
  // others follow what it broadcasts, and when it closes another takes over.
  async "three tabs of one pending payment: one asks, a closed leader hands over, all learn the truth"(ctx) {
    const page = await ctx.newPage();
    const id = await checkout(page);
    const asked = [];
    ctx.on("request", (r) => {
      if (r.url().includes(`/api/payments/${encodeURIComponent(id)}/status`)) {
        asked.push({ page: r.frame().page(), at: Date.now() });
      }
    });
    const tabs = [];
    for (let i = 0; i < 3; i++) {
      const tab = await ctx.newPage();
      await tab.goto(SHOP);
      await tab.locator("#pending:not([hidden])").waitFor();
      tabs.push(tab);
    }
    // Each tab asked once when it opened (the shopper is back there). From
    // then on, over more than one long poll's hold (20 s), one tab asks.
    await new Promise((ok) => setTimeout(ok, 2_000));
    const from = Date.now();
    await new Promise((ok) => setTimeout(ok, 24_000));
    const askers = (since) => new Set(asked.filter((a) => a.at >= since).map((a) => a.page));
    const steady = askers(from);
    expect(steady.size === 1, `${steady.size} tabs asked for the status in 24 s (${asked.length} requests in all)`);
    const [leader] = steady;
    expect(leader === tabs[2], "the tab opened last leads");
    // The leading tab closes: another one takes over and asks.
    await leader.close();
    const handover = Date.now();
    await eventually("another tab to take over", async () => askers(handover).size === 1);
    await shopper(id, "approve");
    for (const tab of tabs.slice(0, 2)) {
      const { outcome } = await outcomeOf(tab);
      expect(outcome === "success", `a remaining tab shows ${outcome}`);
    }
    expect(askers(handover).size === 1, `${askers(handover).size} tabs asked after the handover`);
  },

  async "deadline expiry: the shopper never acts"(ctx) {
    const page = await ctx.newPage();
    const id = await checkout(page);
    await page.goto(SHOP);
    await page.locator("#pending:not([hidden])").waitFor();
    // Ten minutes pass at the provider.
    await sim("/_sim/clock/advance", { ms: 11 * 60 * 1000 });
    const { outcome, text } = await outcomeOf(page);
    expect(outcome === "rejected", `outcome ${outcome}`);
    expect(text.includes("Time ran out"), `page says ${text}`);
    // Nothing was charged: the shopper may try again.
    expect(await page.locator("#again:not([hidden])").count() === 1, "Try again is offered");
    await shot(page, "timed-out");
    expect((await order(id)).status === "rejected", "the simulator timed it out");
  },

  async "without the merchant key nothing moves money"(ctx) {
    const page = await ctx.newPage();
    const id = await checkout(page);
    await decide(page, "approve");
    expect((await outcomeOf(page)).outcome === "success", "approved");
    // The shopper's own browser, on the shop's own origin, cannot ship.
    const codes = await page.evaluate(async (id) => {
      const out = [];
      for (const action of ["ship", "cancel", "refund"]) {
        const r = await fetch(`/api/orders/${encodeURIComponent(id)}/${action}`, {
          method: "POST", headers: { "content-type": "text/plain" }, body: '{"amount": 20000}' });
        out.push(r.status);
      }
      out.push((await fetch(`/api/orders/${encodeURIComponent(id)}`)).status);
      return out;
    }, id);
    expect(codes.every((c) => c === 401), `answers ${codes}`);
    // Nor can a wrong key on the merchant's page.
    const staff = await ctx.newPage();
    await staff.goto(`${SHOP}/merchant.html?orderId=${encodeURIComponent(id)}`);
    await staff.fill("#key", "not-the-merchant-key-not-the-merchant-key");
    await staff.click("#load");
    await staff.locator("#message", { hasText: "not the merchant key" }).waitFor();
    const view = await order(id);
    expect(view.record.captures === 0 && view.record.cancels === 0 && view.record.refunds === 0,
      `the provider saw ${JSON.stringify([view.record.captures, view.record.cancels, view.record.refunds])}`);
    expect(view.status === "reserved", `simulator says ${view.status}`);
  },

  async "a refused card: the shopper reads words and may try again"(ctx) {
    const page = await ctx.newPage();
    const id = await checkout(page);
    if (EPAYMENT) {
      // ePayment has no failed state: "if the user attempts to pay with a
      // declined card, they can retry with a different card for the same
      // payment process" (ePayment API guide, "Create payment").
      await page.click("#fail");
      await page.locator("text=try another card").waitFor({ timeout: NAVIGATION_TIMEOUT });
      await page.goBack({ timeout: NAVIGATION_TIMEOUT });
      await decide(page, "approve");
      const { outcome } = await outcomeOf(page);
      expect(outcome === "success", `paid with another card: ${outcome}`);
      expect((await order(id)).status === "reserved", "one reservation");
      return;
    }
    await decide(page, "fail");
    const { outcome, text } = await outcomeOf(page); // no provider code shown
    expect(outcome === "failed", `outcome ${outcome}`);
    expect(text === "Payment not approved", `page says ${text}`);
    const again = page.locator("#again:not([hidden])");
    await again.waitFor();
    expect((await again.textContent()) === "Try again", `button: ${await again.textContent()}`);
    await shot(page, "return-card-refused");
  },

  async "a forged return is refused"(ctx) {
    const page = await ctx.newPage();
    const id = await checkout(page);
    await page.goto(`${SHOP}/return?orderId=${id}&attempt=00000000000000000000000000000000&status=RESERVE`);
    await page.locator("#state[data-error]").waitFor();
    const code = await page.locator("#state").getAttribute("data-error");
    expect(code === "forged-return", `refused as ${code}`);
  },

  // iOS may open the fallback URL in Safari, not where checkout began:
  // a browser with nothing stored, where the backend vouches for the return.
  async "approved, returned in another browser with empty storage: the truth"(ctx, browser) {
    const page = await ctx.newPage();
    await checkout(page);
    await decide(page, "approve");
    const safari = await browser.newContext();
    try {
      const other = await safari.newPage();
      await other.goto(page.url());
      const { outcome, text } = await outcomeOf(other);
      expect(outcome === "success", `outcome in the other browser: ${outcome}`);
      expect(text.includes("approved"), `the other browser says ${text}`);
      await shot(other, "return-other-browser");
    } finally {
      await safari.close();
    }
  },

  async "rejected, returned in another browser with empty storage: the truth"(ctx, browser) {
    const page = await ctx.newPage();
    await checkout(page);
    await decide(page, "reject");
    const safari = await browser.newContext();
    try {
      const other = await safari.newPage();
      await other.goto(page.url());
      const { outcome } = await outcomeOf(other);
      expect(outcome === "cancelled", `outcome in the other browser: ${outcome}`);
    } finally {
      await safari.close();
    }
  },

  async "a forged token in another browser is refused in words"(ctx, browser) {
    const page = await ctx.newPage();
    const id = await checkout(page);
    const safari = await browser.newContext();
    try {
      const other = await safari.newPage();
      await other.goto(`${SHOP}/return?orderId=${id}&attempt=00000000000000000000000000000000&status=RESERVE`);
      await other.locator("#state[data-error]").waitFor({ timeout: OUTCOME_TIMEOUT });
      const code = await other.locator("#state").getAttribute("data-error");
      expect(code === "forged-return", `refused as ${code}`);
      const words = await other.locator("#state").textContent();
      expect(!/forged-return|RESERVE|\b\d{2,3}\b/.test(words), `no codes for the shopper: ${words}`);
    } finally {
      await safari.close();
    }
  },
};

// ---- the runner ---------------------------------------------------------

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM ?? "/usr/bin/chromium",
  args: ["--no-sandbox", "--headless", "--disable-gpu", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync", "--disable-quic"],
});
let failed = 0;
const only = process.argv.slice(2);
for (const [name, test] of Object.entries(tests)) {
  if (only.length && !only.some((o) => name.includes(o))) continue;
  const ctx = await browser.newContext();
  const started = Date.now();
  try {
    await test(ctx, browser);
    console.log(`  ok    [${API}] ${name} (${((Date.now() - started) / 1000).toFixed(1)} s)`);
  } catch (e) {
    failed++;
    console.log(`  FAIL  [${API}] ${name}: ${e.message}`);
    for (const [i, p] of ctx.pages().entries()) {
      await p.screenshot({ path: path.join(ARTIFACTS, `FAILED-${API}-${name.replace(/\W+/g, "-")}-${i}.png`) }).catch(() => {});
    }
  } finally {
    await ctx.close();
  }
}
await browser.close();
console.log(failed ? `${failed} e2e test(s) failed on ${API}` : `all e2e tests passed on ${API}`);
process.exit(failed ? 1 : 0);
