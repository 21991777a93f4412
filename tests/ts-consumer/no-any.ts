// No `any` in the public surface: every exported function's parameters and
// result, and every tracker method, are checked at the type level. A type
// that is `any` (or a function whose types are) fails to compile here.
import * as appswitch from "appswitch";
import type { Tracker } from "appswitch";

type IsAny<T> = 0 extends 1 & T ? true : false;
type AnyIn<F> = F extends (...args: infer A) => infer R
  ? true extends IsAny<A[number]> | IsAny<R> | { [K in keyof A]: IsAny<A[K]> }[number]
    ? true
    : false
  : IsAny<F>;
type Assert<T extends false> = T;

type Module = typeof appswitch;
export type ModuleHasNoAny = Assert<{ [K in keyof Module]: AnyIn<Module[K]> }[keyof Module]>;
export type TrackerHasNoAny = Assert<{ [K in keyof Tracker]: AnyIn<Tracker[K]> }[keyof Tracker]>;

// And the types refuse what the module would refuse.
export function misuse(tracker: Tracker): void {
  // @ts-expect-error a number is not options
  appswitch.track(5);
  // @ts-expect-error a misspelled policy field
  appswitch.track({ statusUrl: "", orderId: "", url: "", expectation: { orderId: "", nonce: "", target: { kind: "androidIntent" } }, policy: { pollIntervall: 1 } });
  // @ts-expect-error the web platforms only
  appswitch.openPlan("https://api.vipps.no/x", { platform: "ios" });
  // @ts-expect-error listeners take progress
  tracker.onChange((n: number) => n);
  // @ts-expect-error fallback URLs are built where the payment is initiated, not in the browser
  appswitch.buildFallback({ base: "https://shop.example.no/r", orderId: "o" });
  // @ts-expect-error … and checked there too
  appswitch.checkUrl("https://shop.example.no/r");
}
