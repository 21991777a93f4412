// Rendering shared by the shop and the return page: what the tracker is
// doing, in words a shopper understands, and a countdown to the deadline.

const PHASES = {
  awaitingSwitch: "Waiting for you to open Vipps…",
  polling: "Checking with the shop…",
  paused: "Paused while this page is in the background.",
  offline: "You are offline; we check again when the network is back.",
  backingOff: "The shop is slow to answer; trying again shortly…",
  longRequest: "The provider is still working on it…",
  verifying: "Confirming the result…",
  finalCheck: "Time is up; one last check…",
  settled: "Done.",
};

const STATES = {
  initiated: "Waiting for your payment in Vipps",
  reserved: "Payment approved",
  captured: "Paid",
  refunded: "Refunded",
  cancelled: "Payment cancelled",
  rejected: "Payment timed out",
  failed: "Payment failed",
};

export const kr = (ore) => `${Math.floor(ore / 100)},${String(ore % 100).padStart(2, "0")} kr`;

export function describePhase(phase) {
  return PHASES[phase] ?? phase;
}

export function describeState(state) {
  return STATES[state] ?? state;
}

/** Describes a settled outcome: a CSS class, a headline and a detail line. */
export function describeOutcome(outcome) {
  switch (outcome.outcome) {
    case "success":
      return ["success", outcome.state === "captured" ? "Paid — thank you!" : "Payment approved — thank you!",
        `${kr(outcome.amounts.reserved)} reserved${outcome.amounts.captured ? `, ${kr(outcome.amounts.captured)} captured` : ""}.`];
    case "cancelled":
      return ["cancelled", "Payment cancelled", outcome.by === "merchant" ? "The shop cancelled the payment." : "You cancelled the payment in Vipps."];
    case "rejected":
      return ["rejected", "Payment timed out", "Nothing was paid. You can try again."];
    case "failed":
      return ["failed", "Payment failed", outcome.reason];
    default:
      return ["unknown", "We could not find out what happened", `(${outcome.reason}) Nothing is lost: check your order page or contact us; we never charge twice.`];
  }
}

/** Updates a countdown element every second until `deadline` (ms). */
export function countdown(element, deadline) {
  const tick = () => {
    const left = Math.max(0, Math.round((deadline - Date.now()) / 1000));
    element.textContent = `The provider's deadline is in ${Math.floor(left / 60)}:${String(left % 60).padStart(2, "0")}.`;
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
  tracker.onChange((progress) => {
    $("state").textContent = describeState(progress.state);
    $("phase").textContent = describePhase(progress.phase);
    stop();
    stop = progress.phase === "settled" ? () => {} : countdown($("countdown"), progress.deadline);
  });
  const outcome = await tracker.settled;
  stop();
  $("progress").hidden = true;
  const [kind, headline, detail] = describeOutcome(outcome);
  $("result").hidden = false;
  $("outcome").className = `outcome ${kind}`;
  $("outcome").dataset.outcome = outcome.outcome;
  $("outcome").textContent = headline;
  $("detail").textContent = detail;
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
