// The fallback page the provider opens (a fresh load, a bfcache restore or
// another tab), and the shop's order page.
import {
  isAppSwitchError,
  resume,
  resumePending,
  resumeReturn,
  reopenLabel,
  timeLeftText,
  type Progress,
  type ShopperReturned,
  type Tracker,
} from "appswitch";
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
  const off: () => void = tracker.onChange((p: Progress) => show(p.phaseText));
  off();
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

// In another browser than the one checkout began in (iOS and Safari):
// nothing stored here, the backend vouches for the return.
export async function onFallbackPageAnywhere(): Promise<void> {
  try {
    const tracker: Tracker = await resumeReturn({ returnCheckUrl: "/api/payments/{orderId}/return" });
    tracker.onChange((p: Progress) => show(`${p.phaseText} ${timeLeftText((p.deadline - Date.now()) / 1000)}`));
    const outcome = await tracker.settled;
    show(`${outcome.text.title}: ${outcome.text.detail}`);
    if (outcome.text.nextStep === "tryAgain") show(outcome.text.action);
  } catch (e) {
    if (isAppSwitchError(e) && e.code === "return-check-failed") show(reopenLabel());
  }
}
