import type { AddressInfo } from "node:net";
import { AxeBuilder } from "@axe-core/playwright";
import { serve } from "@hono/node-server";
import { type Browser, chromium, type Page } from "playwright-core";
import { expect } from "vitest";
import type { Db } from "../db/database.ts";
import { latestSignInCode } from "./sign-in-code.ts";
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

/**
 * A resident page as a phone shows it: no axe violations, nothing wider than 360 px and, unless the page
 * is meant to be enhanced, no script at all (so nothing depends on one).
 */
export async function expectPhonePage(page: Page, { scriptFree = true } = {}): Promise<void> {
  if (scriptFree) {
    expect(await page.locator("script").count(), page.url()).toBe(0);
  }
  expect(await axeViolations(page), page.url()).toEqual([]);
  const scrollWidth = await page.evaluate(() => document.scrollingElement?.scrollWidth ?? 0);
  expect(scrollWidth, page.url()).toBeLessThanOrEqual(360);
}

/** Signs a resident in through the real pages with the code e-mailed to them; ends on My page. */
export async function signInResidentByCode(
  page: Page,
  o: { site: string; db: Db; email: string },
): Promise<void> {
  await page.goto(`${o.site}/sign-in`);
  await page.getByLabel("メールアドレス").fill(o.email);
  await page.getByRole("button", { name: "確認コードを送る" }).click();
  await page.waitForURL(/\/sign-in\/code/);
  await page.getByLabel("確認コード（6桁）").fill(await latestSignInCode(o.db, o.email));
  await page.getByRole("button", { name: "ログイン" }).click();
  await page.waitForURL(/\/my$/);
}

/** Moves focus on with Tab and types, as someone filling a form from the keyboard. */
export async function tabAndType(page: Page, text: string): Promise<void> {
  await page.keyboard.press("Tab");
  await page.keyboard.type(text);
}

/** The name attribute of the focused control: where the keyboard is. */
export const focusedName = (page: Page): Promise<string | null> =>
  page.evaluate(() => document.activeElement?.getAttribute("name") ?? null);
