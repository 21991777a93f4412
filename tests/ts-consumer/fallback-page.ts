// The fallback page the provider opens (a fresh load, a bfcache restore or
// another tab), and the shop's order page.
import { isAppSwitchError, resume, resumePending, type ShopperReturned, type Tracker } from "appswitch";
import { describe } from "./checkout";

declare function show(text: string): void;

export async function onFallbackPage(): Promise<void> {
  let tracker: Tracker;
  try {
    tracker = resume(); // location.href
  } catch (e) {
    if (isAppSwitchError(e)) {
      switch (e.code) {
        case "forged-return":
        case "unknown-order":
        case "nothing-pending":
          show("We could not find your payment; check your orders.");
          return;
        default:
          throw e;
      }
    }
    throw e;
  }
  const returned: ShopperReturned | undefined = tracker.returned;
  const basket = returned?.params.find((p) => p.name === "basket")?.value;
  show(`order ${tracker.orderId}, basket ${basket ?? "?"}, via ${returned?.via ?? "?"}`);
  const progress = tracker.progress();
  if (progress !== undefined) show(progress.phase);
  show(describe(await tracker.outcome()));
}

export function onOrderPage(): void {
  const tracker = resumePending();
  if (tracker === undefined) return;
  const listener = () => show("changed");
  tracker.onChange(listener);
  tracker.offChange(listener);
  tracker.settled.then(describe, (e: unknown) => {
    if (isAppSwitchError(e) && e.code === "detached") return;
  });
  // A single-page app leaving the checkout view.
  tracker.detach();
  tracker.free();
}

export function anotherTab(tracker: Tracker): void {
  // The landing page opened in another window: polling starts now.
  window.open("https://api.vipps.no/…", "_blank");
  tracker.switchedOut();
}
