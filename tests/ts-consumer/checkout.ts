// The checkout page of a web shop, written against the package's types:
// initiate on the backend (which builds the fallback URL), track, open the
// landing page.
import {
  defaultPolicy,
  detectPlatform,
  isAppSwitchError,
  openPlan,
  track,
  type ErrorCode,
  type OpenPlan,
  type Outcome,
  type Policy,
  type Progress,
  type Tracker,
  type ReturnExpectation,
  type TrackOptions,
  type WebPlatform,
} from "appswitch";

/** The shop backend's answer: it built the fallback URL with appswitch-core and initiated. */
interface InitiateResponse {
  orderId: string;
  url: string;
  statusUrl: string;
  expectation: ReturnExpectation;
}

declare function initiateOnBackend(orderId: string, platform: WebPlatform): Promise<InitiateResponse>;
declare function show(text: string): void;

export async function checkout(orderId: string): Promise<void> {
  const platform: WebPlatform = detectPlatform();
  const initiated = await initiateOnBackend(orderId, platform);

  const policy: Policy = defaultPolicy();
  const options: TrackOptions = {
    statusUrl: initiated.statusUrl,
    orderId: initiated.orderId,
    url: initiated.url,
    expectation: initiated.expectation,
    initiatedAt: Date.now(),
    policy: { longPoll: 25_000, whileHidden: { mode: "every", interval: policy.pollInterval * 5 } },
  };

  let tracker: Tracker;
  try {
    tracker = track(options);
  } catch (e) {
    if (isAppSwitchError(e)) {
      const code: ErrorCode = e.code;
      show(`${code}: ${e.message}`);
    }
    return;
  }

  tracker.onChange((p: Progress) => {
    const due = new Date(p.deadline).toISOString();
    switch (p.state) {
      case "captured":
      case "refunded":
        show(`${p.state} (full: ${p.full}) ${p.amounts.captured} øre, deadline ${due}`);
        break;
      case "cancelled":
        show(`cancelled by ${p.by}`);
        break;
      case "failed":
        show(`failed: ${p.reason}`);
        break;
      default:
        show(`${p.state} / ${p.phase}`);
    }
  });

  const plan: OpenPlan = openPlan(initiated.url, { platform, receivedAt: Date.now() });
  switch (plan.action) {
    case "openLandingPage":
      if (plan.confirmPhoneNumber) show("Confirm your phone number on the next page.");
      location.assign(plan.url);
      break;
    case "startNewAttempt":
      tracker.stop();
      show(`The link expired at ${new Date(plan.expiredAt).toISOString()}; start again.`);
      break;
  }

  const outcome: Outcome = await tracker.settled;
  describe(outcome);
}

export function describe(outcome: Outcome): string {
  switch (outcome.outcome) {
    case "success":
      return `paid: ${outcome.state}, ${outcome.amounts.reserved} øre reserved (${outcome.status.reserved ?? 0})`;
    case "cancelled":
      return `cancelled by ${outcome.by}`;
    case "rejected":
      return "the payment timed out in the app";
    case "failed":
      return `failed: ${outcome.reason}`;
    case "unknown": {
      const reason: "deadlinePassed" | "backendUnreachable" | "tooManyErrors" | "stopped" = outcome.reason;
      return `unknown (${reason}) for ${outcome.orderId}`;
    }
  }
}
