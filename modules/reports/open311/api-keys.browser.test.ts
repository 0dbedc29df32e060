// The Open311 key pages as a system administrator uses them: a key made from the keyboard is shown once,
// works against GeoReport v2 from outside the browser, is never shown again, and stops working when revoked.
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEMO_PASSWORD } from "../../../app/seed-demo.ts";
import {
  axeViolations,
  launchBrowser,
  startTestServer,
  type TestServer,
} from "../../../core/testing/browser.ts";

let server: TestServer;
let browser: Browser;
let site: string;

beforeAll(async () => {
  [server, browser] = await Promise.all([startTestServer(), launchBrowser()]);
  site = server.baseUrl.replace("127.0.0.1", "localhost");
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await server?.close();
});

async function staffPage(email: string): Promise<Page> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: "ja-JP" });
  const page = await context.newPage();
  await page.goto(`${site}/staff/`);
  await page.getByLabel(/メールアドレス/).fill(email);
  await page.getByLabel(/パスワード/).fill(DEMO_PASSWORD);
  await Promise.all([
    page.waitForResponse((r) => r.url().endsWith("/staff/api/session") && r.request().method() === "POST"),
    page.getByRole("button", { name: /サインイン/ }).click(),
  ]);
  return page;
}

/** A partner app's post, made from Node as such an app would, not from the signed-in browser. */
async function postStreetlight(apiKey: string) {
  const response = await fetch(`${server.baseUrl}/open311/v2/requests.json`, {
    method: "POST",
    body: new URLSearchParams({
      api_key: apiKey,
      service_code: "streetlight",
      lat: "31.405",
      long: "130.885",
      description: "街灯が点滅しています（連携アプリから）",
    }),
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown>[] };
}

describe("Open311 APIキーの管理（職員）", () => {
  it("creates a key from the keyboard, shows it once, and revoking it stops the API accepting it", async () => {
    const page = await staffPage("admin@tenohira.localhost");
    const list = await page.goto(`${site}/staff/reports/api-keys`);
    expect(list?.status()).toBe(200);
    await page.getByRole("heading", { level: 1, name: "Open311 APIキー" }).waitFor();
    expect(await axeViolations(page), "list").toEqual([]);

    // Keyboard only: into the name field, type, Tab to the button, Enter.
    await page.getByLabel("使うアプリや団体の名前").focus();
    await page.keyboard.type("市民アプリ");
    await page.keyboard.press("Tab");
    expect(await page.evaluate(() => document.activeElement?.textContent)).toBe("キーを作る");
    const [created] = await Promise.all([
      page.waitForResponse(
        (r) => r.url().endsWith("/staff/reports/api-keys") && r.request().method() === "POST",
      ),
      page.keyboard.press("Enter"),
    ]);
    expect(created.status()).toBe(201);
    expect(created.headers()["cache-control"]).toBe("no-store");
    const notice = page.getByRole("status").filter({ hasText: "新しいキー: 市民アプリ" });
    await notice.waitFor();
    const key = (await notice.locator("code").textContent()) ?? "";
    expect(key).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(await axeViolations(page), "key shown").toEqual([]);

    const accepted = await postStreetlight(key);
    expect(accepted.status).toBe(200);
    expect(accepted.body[0]?.["service_request_id"]).toMatch(/^[A-Z0-9]{4}-[A-Z0-9]{4}$/);

    // Back on the list the key is only its prefix, in a row of its own.
    await page.goto(`${site}/staff/reports/api-keys`);
    const row = page.getByRole("row").filter({ hasText: "市民アプリ" });
    await row.waitFor();
    expect(await row.locator("code").textContent()).toBe(`${key.slice(0, 8)}…`);
    expect(await page.content()).not.toContain(key);

    await row.getByRole("button", { name: "「市民アプリ」を無効にする" }).click();
    // The revoke button's own label says 無効, so wait for the button to go before reading the state.
    await expect.poll(() => row.getByRole("button").count()).toBe(0);
    expect(await row.locator("td").nth(4).textContent()).toMatch(/^無効 \d{4}\/\d{1,2}\/\d{1,2}/);
    expect(await axeViolations(page), "after revoking").toEqual([]);

    const refused = await postStreetlight(key);
    expect(refused.status).toBe(403);
    expect(refused.body).toEqual([
      {
        code: 403,
        description: "api_key がないか、正しくありません / api_key was not provided or is invalid",
      },
    ]);
  });

  it("is for system administrators only", async () => {
    const page = await staffPage("doro@tenohira.localhost");
    const response = await page.goto(`${site}/staff/reports/api-keys`);
    expect(response?.status()).toBe(403);
    expect(await page.getByRole("button", { name: "キーを作る" }).count()).toBe(0);
  });
});
