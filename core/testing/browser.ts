import type { AddressInfo } from "node:net";
import { AxeBuilder } from "@axe-core/playwright";
import { serve } from "@hono/node-server";
import { type Browser, chromium, type Page } from "playwright-core";
import { type CreateTestPlatformOptions, createTestPlatform, type TestPlatform } from "./test-platform.ts";

/** Debian's Chromium package; playwright-core drives it without downloading a browser of its own. */
export const CHROMIUM_PATH = "/usr/bin/chromium";

/** A headless Chromium that makes no calls of its own to the network (updates, sync, QUIC). */
export function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    args: [
      "--headless",
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
    ],
  });
}

export type TestServer = {
  /** Like http://127.0.0.1:43210, without a trailing slash. */
  baseUrl: string;
  platform: TestPlatform;
  close(): Promise<void>;
};

/** The demo city of a fresh test platform, served over real HTTP on a free port of 127.0.0.1. */
export async function startTestServer(options: CreateTestPlatformOptions = {}): Promise<TestServer> {
  const platform = await createTestPlatform(options);
  const { server, port } = await new Promise<{ server: ReturnType<typeof serve>; port: number }>(
    (resolve, reject) => {
      const server = serve({ fetch: platform.app.fetch, port: 0, hostname: "127.0.0.1" }, (info) =>
        resolve({ server, port: (info as AddressInfo).port }),
      );
      server.once("error", reject);
    },
  );
  return {
    baseUrl: `http://127.0.0.1:${port}`,
    platform,
    async close() {
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        if ("closeAllConnections" in server) {
          server.closeAllConnections();
        }
      });
      await platform.close();
    },
  };
}

/** The WCAG 2.1 A and AA rules of axe-core: JIS X 8341-3:2016 conformance level AA asks for these. */
export const WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"];

/** The page's axe violations, one readable line each (rule, impact, help, offending nodes). */
export async function axeViolations(page: Page): Promise<string[]> {
  const results = await new AxeBuilder({ page }).withTags(WCAG_TAGS).analyze();
  return results.violations.map(
    (v) => `${v.id} (${v.impact}): ${v.help} — ${v.nodes.map((n) => n.target.join(" ")).join(", ")}`,
  );
}
