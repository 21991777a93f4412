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
