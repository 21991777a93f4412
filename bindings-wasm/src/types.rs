//! The TypeScript types of the package: interfaces for the plain objects
//! that go in and out (the core's serde names, camelCase), and the extern
//! types that put them into the signatures of the exported functions.
//!
//! They are checked against the Rust types, not kept beside them
//! unchecked: `cargo xtask test typescript` writes real values of each
//! (with the same serde derives, `examples/ts_values.rs`) into a
//! TypeScript file and type-checks it against these interfaces, so a field
//! renamed, added or dropped on one side only fails the suite.

use wasm_bindgen::prelude::*;

#[wasm_bindgen(typescript_custom_section)]
const TYPES: &'static str = r#"
/** Milliseconds since the Unix epoch, as `Date.now()` gives them. */
export type Timestamp = number;
/** A span of time in whole milliseconds. */
export type Millis = number;
/** An amount in minor units (øre): `20000` is 200.00 NOK. */
export type Minor = number;

/** Where a payment starts. A web page is `mobileWeb` or `desktopWeb`. */
export type Platform = "ios" | "android" | "mobileWeb" | "desktopWeb";
/** The platforms of a web page. */
export type WebPlatform = "mobileWeb" | "desktopWeb";

/** One decoded `name=value` pair of a query string. */
export interface QueryParam {
  name: string;
  value: string;
}

/** Where the return of an attempt must come to: a web page … */
export interface ExpectedWebReturn {
  kind: "web";
  scheme: string;
  host: string;
  port: number;
  path: string;
}
/** … an app's own URL scheme … */
export interface ExpectedAppReturn {
  kind: "app";
  scheme: string;
  host?: string | null;
  path: string;
}
/** … or Android's `INTENT` (the app is resumed). */
export interface ExpectedIntentReturn {
  kind: "androidIntent";
}
/** Where the return of an attempt must come to. */
export type ExpectedReturn = ExpectedWebReturn | ExpectedAppReturn | ExpectedIntentReturn;

/**
 * What recognises the shopper's return from one attempt: the order id and
 * the attempt's nonce. Nothing secret. Your backend builds the fallback URL
 * (`appswitch-core`'s `FallbackSpec`) and sends this in its checkout
 * response (the core's JSON).
 */
export interface ReturnExpectation {
  orderId: string;
  /** 32 lower-case hex digits. */
  nonce: string;
  target: ExpectedReturn;
}

/** The initiate response's `url`, classified. */
export interface Deeplink {
  url: string;
  kind: "landingPage" | "app";
  environment: "production" | "test" | "local" | "unrecognised";
  deadlines: {
    receivedAt: Timestamp;
    /** The link cannot be opened after this ("valid for five minutes"). */
    linkValidUntil: Timestamp;
    /** The payment has timed out after this. */
    paymentDeadline: Timestamp;
  };
}

/** What `openPlan` takes. */
export interface OpenPlanOptions {
  /** Default: `detectPlatform()`. */
  platform?: WebPlatform;
  /** When the initiate answer arrived. Default: now. */
  receivedAt?: Timestamp;
}

/**
 * How to send the shopper to the payment app from a web page: navigate to
 * the landing page (`location.assign(url)`), or, once the link has expired,
 * start a new attempt (a new initiate with a new order id).
 */
export type OpenPlan =
  | { action: "openLandingPage"; url: string; externalBrowser: boolean; confirmPhoneNumber: boolean }
  | { action: "startNewAttempt"; expiredAt: Timestamp };

/** Exponential backoff after errors, with jitter. */
export interface BackoffPolicy {
  base: Millis;
  max: Millis;
}

/** Polling while the page is hidden: paused (the default), or slowed down. */
export type HiddenPolling = { mode: "pause" } | { mode: "every"; interval: Millis };

/** Every number the tracker uses (the Vipps defaults: `defaultPolicy()`). */
export interface Policy {
  /** First poll after the shopper switched out (5000). */
  firstPollAfter: Millis;
  /** Between the starts of two polls (2000). */
  pollInterval: Millis;
  whileHidden: HiddenPolling;
  /** With `readTimeout`, how long one request may take (1000). */
  connectTimeout: Millis;
  /** See `connectTimeout` (5000). */
  readTimeout: Millis;
  /** Ask a backend that holds polls to hold them up to this long (`?wait=N`, whole seconds; 25000); `null` is off. */
  longPoll?: Millis | null;
  /** At most this many requests per `rateWindow` (120). */
  rateCap: number;
  rateWindow: Millis;
  backoff: BackoffPolicy;
  /** How long the landing page link works (300000). */
  deeplinkValidity: Millis;
  /** The shopper's whole window (600000). */
  paymentWindow: Millis;
  /** After the payment window, before the final check (30000). */
  grace: Millis;
  /** Repeats of a return this soon after it are answered by the requests it started (1000). */
  returnDebounce: Millis;
  /** Unusable answers in a row before giving up (10). */
  maxBadAnswers: number;
}

/** What `track` takes. */
export interface TrackOptions {
  /** Your backend's status URL for this order (`GET`, may be relative). */
  statusUrl: string;
  /** The order id of this attempt. */
  orderId: string;
  /** The initiate response's `url` (the landing page). */
  url: string;
  /** From your backend's checkout response (it built the fallback URL). */
  expectation: ReturnExpectation;
  /** When the initiate answer arrived. Default: now. */
  initiatedAt?: Timestamp;
  /** Changes to the Vipps defaults; nested objects are replaced whole. */
  policy?: Partial<Policy>;
}

/** What `resumeReturn` takes. */
export interface ResumeReturnOptions {
  /** The URL the shopper came back on. Default: `location.href`. */
  url?: string;
  /**
   * Your backend's return check: a URL template in which `{orderId}` and
   * `{attempt}` are replaced by the return URL's values (a value it does
   * not name is added as a query parameter), e.g.
   * `/api/payments/{orderId}/return`.
   */
  returnCheckUrl: string;
  /** Changes to the Vipps defaults for the tracker it starts. */
  policy?: Partial<Policy>;
}

/** Who cancelled. */
export type CancelledBy = "user" | "merchant";

/** An operation the provider logged as unsuccessful. */
export interface FailedOperation {
  operation: string;
  amount: Minor;
  at?: Timestamp | null;
  transactionId?: string | null;
}

/** Everything known about the payment (facts only ever added). */
export interface PaymentStatus {
  reserved?: Minor;
  captured?: Minor;
  refunded?: Minor;
  cancelled?: CancelledBy;
  rejected?: boolean;
  failures?: string[];
  failedOperations?: FailedOperation[];
  updatedAt?: Timestamp;
  capturedAt?: Timestamp;
}

/** The amounts the facts prove. */
export interface Amounts {
  reserved: Minor;
  captured: Minor;
  refunded: Minor;
  remainingToCapture: Minor;
  remainingToRefund: Minor;
}

/** The state's name. */
export type StateName = "initiated" | "reserved" | "captured" | "refunded" | "cancelled" | "rejected" | "failed";

/** The state of a payment, derived from the facts, with its details. */
export type PaymentState =
  | { state: "initiated" }
  | { state: "reserved" }
  | { state: "captured"; full: boolean }
  | { state: "refunded"; full: boolean }
  | { state: "cancelled"; by: CancelledBy }
  | { state: "rejected" }
  | { state: "failed"; reason: string };

/** What the tracker is doing. */
export type Phase =
  | "awaitingSwitch"
  | "polling"
  | "paused"
  | "offline"
  | "backingOff"
  | "longRequest"
  | "verifying"
  | "finalCheck"
  | "settled";

/** A change of the status or of what the tracker is doing. */
export type Progress = PaymentState & {
  orderId: string;
  phase: Phase;
  amounts: Amounts;
  /** The final check is made by then at the latest. */
  deadline: Timestamp;
  status: PaymentStatus;
  /** The phase in the shopper's words (`navigator.language`: en, nb, da or fi). */
  phaseText: string;
};

/** A listener given to `tracker.onChange`. */
export type ProgressListener = (progress: Progress) => void;

/** Why the outcome is not known. */
export type UnknownReason = "deadlinePassed" | "backendUnreachable" | "tooManyErrors" | "stopped";

/** What every outcome carries. */
export interface OutcomeBase {
  orderId: string;
  /** The state the facts show (`initiated` for most unknown outcomes). */
  state: StateName;
  amounts: Amounts;
  /** What to tell the shopper, in their language — never a provider code. */
  text: ShopperText;
}

/** What the page should offer once the payment is settled. */
export type NextStep = "done" | "tryAgain" | "checkPaymentApp";

/** An outcome in the shopper's words (`navigator.language`: en, nb, da or fi). */
export interface ShopperText {
  /** A short heading: "Payment approved". */
  title: string;
  /** One or two sentences in plain words, with the payment app's name. */
  detail: string;
  /** What the page should offer: no payment button after `done`. */
  nextStep: NextStep;
  /** The label of the button for `tryAgain` (empty for the others). */
  action: string;
  /** For the developer, never the shopper: `failed:RESERVE_FAILED`. */
  code: string;
}

/** How the payment ended — never a guess. `success` only on a successful reserve, sale or capture. */
export type Outcome = OutcomeBase &
  (
    | { outcome: "success"; status: PaymentStatus }
    | { outcome: "cancelled"; by: CancelledBy }
    | { outcome: "rejected" }
    | { outcome: "failed"; reason: string }
    | { outcome: "unknown"; reason: UnknownReason }
  );

/** How the shopper came back, and your own parameters of the fallback URL. */
export interface ShopperReturned {
  orderId: string;
  via: "webPage" | "appLink" | "appResumed";
  params: QueryParam[];
}

/** The stable codes of `AppSwitchError`. */
export type ErrorCode =
  | "invalid-argument"
  | "invalid-deeplink"
  | "forged-return"
  | "unknown-order"
  | "nothing-pending"
  | "return-check-failed"
  | "already-tracking"
  | "stopped"
  | "detached"
  | "unsupported";

/** Every error this module throws (or rejects with): an `Error` with a stable `code`. */
export interface AppSwitchError extends Error {
  name: "AppSwitchError";
  code: ErrorCode;
}
"#;

#[wasm_bindgen]
extern "C" {
    /// `ResumeReturnOptions` in the `.d.ts`.
    #[wasm_bindgen(typescript_type = "ResumeReturnOptions")]
    pub type ResumeReturnOptions;
    /// `TrackOptions` in the `.d.ts`.
    #[wasm_bindgen(typescript_type = "TrackOptions")]
    pub type TrackOptions;
    /// `Deeplink` in the `.d.ts`.
    #[wasm_bindgen(typescript_type = "Deeplink")]
    pub type Deeplink;
    /// `OpenPlanOptions` in the `.d.ts`.
    #[wasm_bindgen(typescript_type = "OpenPlanOptions")]
    pub type OpenPlanOptions;
    /// `OpenPlan` in the `.d.ts`.
    #[wasm_bindgen(typescript_type = "OpenPlan")]
    pub type OpenPlan;
    /// `Policy` in the `.d.ts`.
    #[wasm_bindgen(typescript_type = "Policy")]
    pub type Policy;
    /// `Progress` in the `.d.ts`.
    #[wasm_bindgen(typescript_type = "Progress")]
    pub type Progress;
    /// `ProgressListener` in the `.d.ts`.
    #[wasm_bindgen(typescript_type = "ProgressListener")]
    pub type ProgressListener;
    /// `ShopperReturned` in the `.d.ts`.
    #[wasm_bindgen(typescript_type = "ShopperReturned")]
    pub type ShopperReturned;
    /// `WebPlatform` in the `.d.ts`.
    #[wasm_bindgen(typescript_type = "WebPlatform")]
    pub type WebPlatform;
    /// `unknown` in the `.d.ts`.
    #[wasm_bindgen(typescript_type = "unknown")]
    pub type Unknown;
}
