// A plain page without a bundler: the `--target web` build.
import init, { classifyDeeplink, version, type Deeplink } from "appswitch/web";

export async function start(): Promise<string> {
  await init();
  const link: Deeplink = classifyDeeplink("https://api.vipps.no/deeplink?token=x", Date.now());
  return `${version()}: ${link.kind} (${link.environment}) until ${link.deadlines.linkValidUntil}`;
}
