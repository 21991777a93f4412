// A Node program that installed the packed tarball: `import "appswitch"`
// resolves the `node` entry (no bundler, no flags), importing touches no
// `window`, and the module answers and refuses like it does in a page.
import assert from "node:assert/strict";
import { createRequire } from "node:module";

const appswitch = await import("appswitch");
assert.equal(typeof globalThis.window, "undefined", "importing must not create or need a window");
const require = createRequire(import.meta.url);
assert.equal(appswitch.version(), require("appswitch/package.json").version);

const link = appswitch.classifyDeeplink(
  "https://api.vipps.no/dwo-api-application/v1/deeplink/vippsgateway?v=2&token=x",
  1_700_000_000_000,
);
assert.equal(link.kind, "landingPage");
assert.equal(link.environment, "production");
assert.equal(link.deadlines.linkValidUntil, 1_700_000_000_000 + 5 * 60 * 1000);

// Bad input is a typed error naming what was wrong, never a crash.
let refused;
try {
  appswitch.classifyDeeplink("not a url", 0);
} catch (e) {
  refused = e;
}
assert.ok(appswitch.isAppSwitchError(refused), `a typed error, got ${refused}`);
assert.equal(typeof refused.code, "string");
assert.ok(refused.message.length > 0);

// The same functions by name, through `appswitch/node`.
const byName = await import("appswitch/node");
assert.equal(byName.version, appswitch.version);

console.log(`node consumer: appswitch ${appswitch.version()} via the node entry: ok`);

// What a Node backend does with it: build the fallback (and its return
// token) when it initiates, check URLs, check a return token, read a
// provider payload into the status document.
const built = appswitch.buildFallback({
  platform: "mobileWeb",
  target: { kind: "web", base: "https://shop.example.no/return" },
  orderId: "shop-1042",
  params: { basket: "42" },
});
assert.equal(built.isApp, false);
const returnUrl = new URL(built.url);
assert.equal(returnUrl.searchParams.get("orderId"), "shop-1042");
assert.equal(returnUrl.searchParams.get("basket"), "42");
const token = returnUrl.searchParams.get("attempt");
assert.equal(token, built.expectation.nonce);
assert.ok(appswitch.checkReturnToken(built.expectation.nonce, token), "the issued token matches");
assert.ok(!appswitch.checkReturnToken(built.expectation.nonce, "0".repeat(32)), "a forged one does not");
assert.ok(!appswitch.checkReturnToken("not a nonce", token), "a malformed issued token never matches");

assert.deepEqual(appswitch.checkUrl("https://shop.example.no/return").warnings, []);
let localhost;
try {
  appswitch.checkUrl("https://localhost/return");
} catch (e) {
  localhost = e;
}
assert.ok(appswitch.isAppSwitchError(localhost) && localhost.message.startsWith("localhost"), `${localhost}`);

// An eCom callback as the provider posts it (Vipps eCom API guide, "Callbacks").
const doc = appswitch.readPayload(JSON.stringify({
  merchantSerialNumber: "123456",
  orderId: "shop-1042",
  transactionInfo: { amount: 20000, status: "RESERVED", timeStamp: "2018-12-12T11:18:38.246Z", transactionId: "5001420062" },
}));
assert.equal(doc.orderId, "shop-1042");
assert.equal(doc.status, "reserved");
assert.equal(doc.final, true);
console.log("node consumer: buildFallback, checkUrl, checkReturnToken, readPayload: ok");
