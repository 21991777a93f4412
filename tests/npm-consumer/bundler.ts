// A bundled page's code, type-checked against the installed package (no
// path mapping): both entries and their types resolve through `exports`.
import { classifyDeeplink, isAppSwitchError, type Deeplink, type ErrorCode } from "appswitch";
import { version as webVersion } from "appswitch/web";
import init from "appswitch/web";

export function kindOf(url: string): Deeplink["kind"] | ErrorCode {
  try {
    return classifyDeeplink(url, Date.now()).kind;
  } catch (e) {
    if (isAppSwitchError(e)) return e.code;
    throw e;
  }
}

export async function plainPage(): Promise<string> {
  await init(); // harmless: the web entry initialised itself
  return webVersion();
}

// A Node backend, type-checked against the `node` entry.
import { buildFallback, checkReturnToken, readPayload } from "appswitch/node";

export function initiate(orderId: string): { url: string; token: string } {
  const built = buildFallback({ platform: "mobileWeb", target: { kind: "web", base: "https://shop.example.no/return" }, orderId });
  return { url: built.url, token: built.expectation.nonce };
}

export function onReturn(issued: string, given: string): boolean {
  return checkReturnToken(issued, given);
}

export function onCallback(body: string): boolean {
  return readPayload(body).final;
}
