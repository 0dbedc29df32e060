import { mkdirSync } from "node:fs";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { axeViolations, launchBrowser, startTestServer, type TestServer } from "../core/testing/browser.ts";

const SCREENSHOTS = new URL("../docs/screenshots/", import.meta.url);
const PAGES = ["/", "/services", "/services/juminhyo"];

let server: TestServer;
let browser: Browser;

beforeAll(async () => {
  [server, browser] = await Promise.all([startTestServer(), launchBrowser()]);
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
});

async function openPage(path: string, options: { javaScriptEnabled?: boolean } = {}): Promise<Page> {
  // A Japanese browser: the site picks its language from Accept-Language.
  const context = await browser.newContext({
    viewport: { width: 360, height: 740 },
    locale: "ja-JP",
    ...options,
  });
  const page = await context.newPage();
  const response = await page.goto(`${server.baseUrl}${path}`);
  expect(response?.status()).toBe(200);
  return page;
}

describe("resident site in Chromium", () => {
  for (const path of PAGES) {
    it(`${path}: no axe violations and no horizontal scroll at 360 px`, async () => {
      const page = await openPage(path);
      try {
        expect(await page.evaluate(() => document.documentElement.lang)).toBe("ja");
        expect(await axeViolations(page)).toEqual([]);
        const scrollWidth = await page.evaluate(() => document.scrollingElement?.scrollWidth ?? 0);
        expect(scrollWidth).toBeLessThanOrEqual(360);
        if (path === "/") {
          mkdirSync(SCREENSHOTS, { recursive: true });
          await page.screenshot({
            path: new URL("resident-home-360.png", SCREENSHOTS).pathname,
            fullPage: true,
          });
        }
      } finally {
        await page.context().close();
      }
    });
  }

  it("lists the services with JavaScript disabled", async () => {
    for (const path of ["/", "/services"]) {
      const page = await openPage(path, { javaScriptEnabled: false });
      try {
        const entries = page.locator("main .entry-list a");
        expect(await entries.count()).toBeGreaterThan(0);
        await expect(page.locator("main").getByText("住民票の写しの交付申請").count()).resolves.toBe(1);
      } finally {
        await page.context().close();
      }
    }
  });

  it("the first Tab focuses the skip link, which moves focus to main", async () => {
    const page = await openPage("/");
    try {
      await page.keyboard.press("Tab");
      const focused = await page.evaluate(() => ({
        className: document.activeElement?.className,
        visible: document.activeElement?.getBoundingClientRect().left ?? -1,
      }));
      expect(focused.className).toBe("skip-link");
      expect(focused.visible).toBeGreaterThanOrEqual(0);
      await page.keyboard.press("Enter");
      await expect.poll(() => page.evaluate(() => document.activeElement?.id)).toBe("main");
    } finally {
      await page.context().close();
    }
  });

  it("the language switch leads to the English page", async () => {
    const page = await openPage("/services");
    try {
      await page.locator('a[hreflang="en"]').click();
      await page.waitForURL(/lang=en/);
      expect(await page.evaluate(() => document.documentElement.lang)).toBe("en");
      expect(await axeViolations(page)).toEqual([]);
    } finally {
      await page.context().close();
    }
  });
});
