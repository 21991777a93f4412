// Rendering shared by the shop and the return page: what the tracker is
// doing and how it ended, in the shopper's words (the module's texts, in
// the browser's language), and the time the shopper has.
import { openPlan, reopenLabel, timeLeftText } from "/pkg/appswitch.js";

const LINK = "sockshop.link";

/** Keeps the payment link of `orderId`, so "Open Vipps again" can use it. */
export function rememberLink(orderId, url) {
  localStorage.setItem(LINK, JSON.stringify({ orderId, url }));
}

/**
 * Offers "Open Vipps again" while the link of the pending payment is still
 * valid — never a second payment.
 */
function offerReopen(orderId) {
  const button = document.getElementById("reopen");
  if (!button) return;
  let link = null;
  try {
    link = JSON.parse(localStorage.getItem(LINK) ?? "null");
  } catch {}
  button.hidden = true;
  if (!link || link.orderId !== orderId) return;
  let plan;
  try {
    plan = openPlan(link.url);
  } catch {
    return; // expired or unusable: the shopper waits for the outcome
  }
  if (plan.action !== "openLandingPage") return;
  button.textContent = reopenLabel();
  button.hidden = false;
  button.onclick = () => location.assign(plan.url);
}

// The merchant's page speaks of states (never shown to the shopper).
const STATES = {
  initiated: "Waiting for the shopper in Vipps",
  reserved: "Payment approved (reserved)",
  captured: "Paid (captured)",
  refunded: "Refunded",
  cancelled: "Payment cancelled",
  rejected: "Payment timed out",
  failed: "Payment failed",
};

/** A state for the merchant's page. */
export function describeState(state) {
  return STATES[state] ?? state;
}

export const kr = (ore) => `${Math.floor(ore / 100)},${String(ore % 100).padStart(2, "0")} kr`;

/**
 * Describes a settled outcome in the shopper's words (the module's
 * `outcome.text`, in the browser's language): a CSS class, a headline and
 * a detail line. The provider's code stays in `outcome.text.code`, for the
 * developer's console only.
 */
export function describeOutcome(outcome) {
  console.info(`appswitch outcome: ${outcome.text.code}`);
  let detail = outcome.text.detail;
  if (outcome.outcome === "success") {
    detail += ` ${kr(outcome.amounts.reserved)} reserved${outcome.amounts.captured ? `, ${kr(outcome.amounts.captured)} captured` : ""}.`;
  }
  return [outcome.outcome, outcome.text.title, detail];
}

/** Shows the time the shopper has, every second, until `deadline` (ms). */
export function countdown(element, deadline) {
  const tick = () => {
    element.textContent = timeLeftText((deadline - Date.now()) / 1000);
  };
  tick();
  const timer = setInterval(tick, 1000);
  return () => clearInterval(timer);
}

const $ = (id) => document.getElementById(id);

/**
 * Shows a tracker's progress in `#progress` (`#state`, `#phase`,
 * `#countdown`) and, once settled, its outcome in `#result` (`#outcome`,
 * `#detail`, and for an approved payment `#merchant`, the link to the
 * merchant's page that ships it). Resolves with the outcome.
 */
export async function follow(tracker) {
  let stop = () => {};
  $("order").textContent = tracker.orderId;
  $("progress").hidden = false;
  offerReopen(tracker.orderId);
  tracker.onChange((progress) => {
    $("state").dataset.state = progress.state;
    $("state").textContent = progress.phaseText;
    $("checking").hidden = progress.phase === "settled";
    stop();
    stop = progress.phase === "settled" ? () => {} : countdown($("countdown"), progress.deadline);
  });
  const outcome = await tracker.settled;
  stop();
  $("progress").hidden = true;
  $("reopen").hidden = true;
  const [kind, headline, detail] = describeOutcome(outcome);
  $("result").hidden = false;
  $("outcome").className = `outcome ${kind}`;
  $("outcome").dataset.outcome = outcome.outcome;
  $("outcome").textContent = headline;
  $("detail").textContent = detail;
  // Only a payment that surely moved no money offers another.
  const again = $("again");
  if (again) {
    again.hidden = outcome.text.nextStep !== "tryAgain";
    again.textContent = outcome.text.action;
  }
  if (outcome.outcome === "success") {
    // Paid: the next purchase is a new basket.
    localStorage.removeItem("sockshop.basket");
    if (outcome.state === "reserved") {
      // Shipping moves money: the merchant does it, with the merchant's
      // key, on the merchant's page — never the shopper's browser.
      $("merchant").hidden = false;
      $("merchant").href = `/merchant.html?orderId=${encodeURIComponent(tracker.orderId)}`;
    }
  }
  return outcome;
}
