import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  expectPhonePage,
  launchBrowser,
  startTestServer,
  type TestServer,
} from "../../core/testing/browser.ts";
import { demoTenantId, paymentRow, requestTestPayment } from "./testing/payment-fixtures.ts";

let server: TestServer;
let browser: Browser;
let tenantId: string;

beforeAll(async () => {
  [server, browser] = await Promise.all([startTestServer(), launchBrowser()]);
  tenantId = await demoTenantId(server.platform);
});
afterAll(async () => {
  await browser?.close();
  await server?.close();
});

/** axe runs in the page, so JavaScript is on; the pages carry no script, so nothing depends on it. */
describe("paying on a phone", () => {
  for (const locale of ["ja-JP", "en-GB"] as const) {
    it(`pays as a guest through the test provider, declined first, every page accessible (${locale})`, async () => {
      const { payment, payPath } = await requestTestPayment(server.platform, {
        tenantId,
        guestEmail: "guest@example.jp",
      });
      const context = await browser.newContext({ viewport: { width: 360, height: 740 }, locale });
      const page = await context.newPage();
      await page.goto(`${server.baseUrl}${payPath}`);
      expect(new URL(page.url()).search).toBe("");
      await expectPhonePage(page);

      await page.locator(`form[action="/payments/${payment.id}/start"] button`).click();
      await page.waitForURL(/\/payments\/test-provider\/pay\//);
      await expectPhonePage(page);

      await page.locator('button[value="pay"]').click();
      expect(await page.locator(".error-summary").count()).toBe(1);
      await expectPhonePage(page);

      await page.locator("#f-card").fill("4000 0000 0000 0002");
      await page.locator('button[value="pay"]').click();
      await page.waitForURL(/\/return$/);
      expect((await paymentRow(server.platform, payment.id)).state).toBe("failed");
      await expectPhonePage(page);

      await page.locator(`form[action="/payments/${payment.id}/start"] button`).click();
      await page.waitForURL(/\/payments\/test-provider\/pay\//);
      await page.locator("#f-card").fill("4242424242424242");
      await page.locator('button[value="pay"]').click();
      await page.waitForURL(/\/return$/);
      expect((await paymentRow(server.platform, payment.id)).state).toBe("success");
      expect(await page.locator(`a[href="/payments/${payment.id}/receipt.pdf"]`).count()).toBe(1);
      await expectPhonePage(page);
      await context.close();
    });
  }
});
