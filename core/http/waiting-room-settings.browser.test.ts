// An administrator turns the waiting room on from its staff page, with the keyboard, and the very next
// visitor of a guarded page is queued; then turns it off.
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, expect, it } from "vitest";
import { DEMO_PASSWORD } from "../../app/seed-demo.ts";
import { tenants } from "../tenancy/schema.ts";
import { axeViolations, launchBrowser, startTestServer, type TestServer } from "../testing/browser.ts";

let server: TestServer;
let browser: Browser;

beforeAll(async () => {
  [server, browser] = await Promise.all([startTestServer({ modules: [] }), launchBrowser()]);
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await server?.close();
});

async function staffPage(email: string): Promise<Page> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: "ja-JP" });
  // The context's request client shares its cookies with the pages: the session cookie is set for both.
  const signedIn = await context.request.post(`${server.baseUrl}/staff/api/session`, {
    data: { email, password: DEMO_PASSWORD },
  });
  expect(signedIn.status()).toBe(200);
  return context.newPage();
}

it("turns the room on for a rush moment by keyboard, queues the next visitor, and turns it off", async () => {
  const page = await staffPage("admin@tenohira.localhost");
  await page.goto(`${server.baseUrl}/staff/waiting-room`);
  expect(await page.locator("h1").textContent()).toBe("仮想待合室");
  expect(await axeViolations(page)).toEqual([]);

  // Keyboard only: the paths field, then Tab through the fields in order, Enter submits.
  await page.getByLabel("対象のパス（1行に1つ）").focus();
  await page.keyboard.type("sign-in");
  await page.keyboard.press("Tab");
  await page.keyboard.type("0");
  await Promise.all([page.waitForNavigation(), page.keyboard.press("Enter")]);
  expect(await page.getByRole("alert").textContent()).toContain("入力内容を確認してください");
  expect(await page.getByLabel("対象のパス（1行に1つ）").getAttribute("aria-invalid")).toBe("true");
  expect(await axeViolations(page)).toEqual([]);

  await page.getByLabel("対象のパス（1行に1つ）").fill("/sign-in");
  await page.getByLabel("1秒あたりの入場人数").fill("0.5");
  await page.getByLabel(/同時に入場できる人数/).fill("1");
  await page.getByLabel(/入場後に自由に操作できる時間/).fill("10");
  await page.getByLabel(/開始日時/).fill("2020-01-01T09:00");
  await page.getByLabel(/終了日時/).fill("2099-12-31T18:00");
  await page.getByRole("button", { name: "保存して有効にする" }).focus();
  await page.keyboard.press("Enter");
  await page.waitForURL(/saved=1/);
  expect(await page.getByRole("status").textContent()).toBe("保存しました。");
  expect(await page.locator("[data-waiting-room-status]").textContent()).toBe(
    "現在、入場制限を行っています。",
  );
  expect(await page.getByLabel(/終了日時/).inputValue()).toBe("2099-12-31T18:00");
  expect(await axeViolations(page)).toEqual([]);
  const [tenant] = await server.platform.services.database.db.select().from(tenants);
  expect(tenant!.settings.waitingRoom?.until).toBe("2099-12-31T18:00:00+09:00");

  // Right after saving, without a restart: one visitor goes in, the next one waits.
  const visit = () => fetch(`${server.baseUrl}/sign-in`, { headers: { accept: "text/html" } });
  expect((await visit()).headers.has("retry-after")).toBe(false);
  expect((await visit()).headers.has("retry-after")).toBe(true);

  await page.getByRole("button", { name: "無効にする" }).focus();
  // Same address as before (?saved=1): wait for the navigation itself.
  await Promise.all([page.waitForNavigation(), page.keyboard.press("Enter")]);
  expect(await page.locator("[data-waiting-room-status]").textContent()).toBe("現在は無効です。");
  expect((await visit()).headers.has("retry-after")).toBe(false);
}, 60_000);
