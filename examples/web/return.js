// The fallback page the provider sends the shopper back to. A fresh load,
// a restore from the back/forward cache, or a second tab: `resume` finds
// the pending payment the URL belongs to and carries on tracking it.
import init, { isAppSwitchError, resume, resumePending } from "/pkg/appswitch.js";
import { follow } from "/ui.js";

await init();

const $ = (id) => document.getElementById(id);

try {
  const returned = new URLSearchParams(location.search).has("attempt");
  const tracker = returned ? resume() : resumePending();
  if (!tracker) throw new Error("no payment is waiting on this device");
  await follow(tracker);
} catch (e) {
  $("state").textContent = isAppSwitchError(e) && e.code === "forged-return"
    ? "This link does not belong to a payment started here."
    : `Nothing to show: ${e.message}`;
  $("state").dataset.error = isAppSwitchError(e) ? e.code : "error";
  $("phase").textContent = "";
}
