import type { Browser } from "playwright-core";
import { afterAll, beforeAll, expect, it } from "vitest";
import { tenants } from "../tenancy/schema.ts";
import { axeViolations, launchBrowser, startTestServer, type TestServer } from "../testing/browser.ts";

let server: TestServer;
let browser: Browser;

beforeAll(async () => {
  [server, browser] = await Promise.all([startTestServer({ modules: [] }), launchBrowser()]);
  await server.platform.services.database.db.update(tenants).set({
    settings: { waitingRoom: { paths: ["/sign-in"], admitPerSecond: 0.2, burst: 1, passMinutes: 10 } },
  });
  // Someone else takes the one free place, so the visitors below queue.
  await fetch(`${server.baseUrl}/sign-in`, { headers: { accept: "text/html" } });
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
});

it("shows an accessible waiting page at 360 px that lets the visitor in without JavaScript", async () => {
  // Without JavaScript: ticket 1, let in after about 5 s by the page's own refresh.
  const noScript = await browser.newContext({
    viewport: { width: 360, height: 740 },
    javaScriptEnabled: false,
  });
  const visitor = await noScript.newPage();
  await visitor.goto(`${server.baseUrl}/sign-in?lang=en`);
  expect(await visitor.locator("h1").textContent()).toBe("We are very busy right now");

  // Meanwhile a second visitor (ticket 2, about 10 s away) checks the page's accessibility and width.
  const withScript = await browser.newContext({ viewport: { width: 360, height: 740 }, locale: "ja-JP" });
  const page = await withScript.newPage();
  await page.goto(`${server.baseUrl}/sign-in`);
  expect(await page.locator("h1").textContent()).toBe("ただいま大変混み合っています");
  expect(await axeViolations(page)).toEqual([]);
  const scrollWidth = await page.evaluate(() => document.scrollingElement?.scrollWidth ?? 0);
  expect(scrollWidth).toBeLessThanOrEqual(360);
  await withScript.close();

  // The Refresh header reloads the page until the turn comes, then the sign-in page asked for is shown.
  await expect
    .poll(
      async () =>
        visitor
          .locator("h1")
          .textContent()
          .catch(() => ""),
      { timeout: 30_000, interval: 500 },
    )
    .not.toBe("We are very busy right now");
  expect(new URL(visitor.url()).pathname).toBe("/sign-in");
  expect(await visitor.locator("main form").count()).toBeGreaterThan(0);
  await noScript.close();
}, 60_000);
