// The fallback page the provider sends the shopper back to. A fresh load,
// a restore from the back/forward cache, or a second tab: `resume` finds
// the pending payment the URL belongs to and carries on tracking it.
import init, { isAppSwitchError, resumePending, resumeReturn } from "/pkg/appswitch.js";
import { follow } from "/ui.js";

await init();

const $ = (id) => document.getElementById(id);

try {
  const returned = new URLSearchParams(location.search).has("attempt");
  // Back in this browser, or in another one (iOS opens the fallback URL in
  // Safari): with nothing stored here, the backend vouches for the return.
  const tracker = returned
    ? await resumeReturn({ returnCheckUrl: "/api/payments/{orderId}/return" })
    : resumePending();
  if (!tracker) throw new Error("no payment is waiting on this device");
  await follow(tracker);
  // "Try again" starts a new payment for the same basket in the shop.
  $("again").onclick = () => location.assign("/");
} catch (e) {
  const code = isAppSwitchError(e) ? e.code : "error";
  $("state").textContent = {
    "forged-return": "This link does not belong to a payment of this shop. Nothing was charged through it.",
    "unknown-order": "We could not find a payment for this link.",
    "return-check-failed": "We could not reach the shop to check your payment. Please reload this page.",
    "nothing-pending": "No payment is waiting on this device.",
  }[code] ?? "Something went wrong showing your payment. Please reload this page.";
  console.error(e);
  $("state").dataset.error = code;
  $("phase").textContent = "";
}
