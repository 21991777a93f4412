// The shop page: checkout through the merchant backend, then off to the
// landing page. The browser module saves the pending payment before the
// page navigates away; the return page picks it up.
//
// The browser module is not on this page's critical path: the shop shows
// and takes clicks without it. Once the page has loaded and the browser is
// idle it is fetched — the very files the return page loads, so the cache
// has them when the shopper comes back — and Pay waits for it if it has
// not arrived yet.
let loading;
function appswitch() {
  loading ??= Promise.all([import("/pkg/appswitch.js"), import("/ui.js")])
    .then(async ([module, ui]) => {
      await module.default();
      return { ...module, ...ui };
    });
  return loading;
}

const $ = (id) => document.getElementById(id);
const BASKET = "sockshop.basket";

// One basket until its goods ship: paying twice for it is the case the
// backend's checkout session cleans up after.
function basketId() {
  let id = localStorage.getItem(BASKET);
  if (!id) {
    id = `basket-${crypto.randomUUID().slice(0, 8)}`;
    localStorage.setItem(BASKET, id);
  }
  return id;
}

// The faults ticked in "Break things on purpose", as the simulator's JSON
// for the payment's API: eCom drops its callback, ePayment its webhooks.
function chosenFaults(api) {
  const on = (name) => document.querySelector(`#faults input[name=${name}]`).checked;
  const faults = {};
  if (on("dropCallback")) faults[api === "epayment" ? "dropWebhooks" : "dropCallback"] = true;
  if (on("reserveLate")) faults.reserveLateMs = 8000;
  if (on("storm429")) faults.burst = { status: 429, count: 6, endpoints: ["details"] };
  if (on("stall")) faults.stall = { ms: 7000, count: 1, endpoints: ["details"] };
  if (on("userClosesApp")) faults.userClosesApp = true;
  return faults;
}

async function injectFaults(checkout, faults) {
  if (Object.keys(faults).length === 0) return;
  const simulator = new URL(checkout.url).origin;
  const kind = checkout.providerApi === "epayment" ? "epayments" : "orders";
  const res = await fetch(`${simulator}/_sim/${kind}/${encodeURIComponent(checkout.orderId)}/faults`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(faults),
  });
  if (!res.ok) throw new Error(`the simulator refused the faults: ${await res.text()}`);
}

// The demo's provider may run its clock faster (`--time-scale`): the
// windows the shopper is shown shrink with it, so the countdown tells the
// time the shopper really has. (A real provider's clock runs at 1.)
async function demoClock(checkout) {
  try {
    const res = await fetch(`${new URL(checkout.url).origin}/_sim/clock`);
    if (!res.ok) return {};
    const { timeScale } = await res.json();
    if (!(timeScale > 1)) return {};
    const scaled = (ms, floor) => Math.max(floor, Math.round(ms / timeScale));
    return {
      deeplinkValidity: scaled(5 * 60_000, 2_000),
      paymentWindow: scaled(10 * 60_000, 4_000),
    };
  } catch {
    return {}; // not the simulator: the provider's own clock
  }
}

async function pay() {
  $("pay").disabled = true;
  $("message").textContent = "";
  try {
    const { openPlan, rememberLink, track } = await appswitch();
    // A payment under way found only now (Pay was quicker than the idle
    // load): show it instead of starting a second one.
    if (await showPending()) return;
    const res = await fetch("/api/checkout", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({
        basketId: basketId(), amount: 20000, currency: $("currency").value,
        transactionText: "One pair of Vipps socks",
      }),
    });
    const checkout = await res.json();
    if (!res.ok) {
      $("message").textContent = checkout.error ?? res.statusText;
      $("pay").disabled = false;
      return;
    }
    await injectFaults(checkout, chosenFaults(checkout.providerApi));
    track({
      statusUrl: checkout.statusUrl,
      orderId: checkout.orderId,
      url: checkout.url,
      expectation: checkout.returnExpectation,
      policy: { longPoll: 20000, ...(await demoClock(checkout)) },
    });
    rememberLink(checkout.orderId, checkout.url);
    const plan = openPlan(checkout.url);
    if (plan.action === "openLandingPage") {
      location.assign(plan.url);
    } else {
      throw new Error("the payment link expired before it could be opened; please try again");
    }
  } catch (e) {
    console.error(e);
    $("message").textContent = "We could not start the payment. Nothing was charged. Please try again.";
    $("pay").disabled = false;
  }
}

// 20000 minor units in the chosen currency, written the shopper's way.
function showPrice() {
  const currency = $("currency").value;
  $("price").textContent = new Intl.NumberFormat(navigator.language, { style: "currency", currency })
    .format(200);
}
$("currency").addEventListener("change", showPrice);

$("pay").addEventListener("click", pay);
$("again").addEventListener("click", () => {
  shown = false; // the payment shown has ended: this is a new one
  $("pending").hidden = true;
  $("result").hidden = true;
  $("again").hidden = true;
  pay();
});
$("basket").textContent = `Basket ${basketId()}`;

// Back in the shop while a payment is still under way (a reload, the back
// button, another tab): carry on tracking it here.
// While it is pending there is no second payment: no Pay button, only
// "Open Vipps again"; after success none at all; after a cancel, a
// rejection or a failure, "Try again".
let shown = false;
async function showPending() {
  if (shown) return true;
  const { follow, resumePending } = await appswitch();
  const pending = resumePending();
  if (!pending) return false;
  shown = true;
  $("pending").hidden = false;
  $("pay").hidden = true;
  follow(pending); // "Try again" (#again) takes Pay's place when it may
  return true;
}
// The return page's own script, for the cache too (fetched and parsed,
// not run: this is not the return page).
function preloadReturnPage() {
  document.head.append(Object.assign(document.createElement("link"), { rel: "modulepreload", href: "/return.js" }));
}
const whenIdle = window.requestIdleCallback ?? ((run) => setTimeout(run, 100));
const afterLoad = () => whenIdle(() => {
  preloadReturnPage();
  showPending().catch(console.error);
});
if (document.readyState === "complete") afterLoad();
else addEventListener("load", afterLoad, { once: true });
