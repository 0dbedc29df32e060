// A department manager sets up a new office from the staff pages: the office, a counter and a kind of
// procedure served by it, by keyboard, with axe checks on the forms and on their errors.
import { eq } from "drizzle-orm";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, expect, it } from "vitest";
import { DEMO_PASSWORD } from "../../app/seed-demo.ts";
import {
  axeViolations,
  launchBrowser,
  startTestServer,
  type TestServer,
} from "../../core/testing/browser.ts";
import { loadOffice } from "./line.ts";
import { queueOffices } from "./schema.ts";

let server: TestServer;
let browser: Browser;
const db = () => server.platform.services.database.db;

beforeAll(async () => {
  [server, browser] = await Promise.all([startTestServer(), launchBrowser()]);
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

it("creates an office with a counter and a category served by it, by keyboard and axe-clean", async () => {
  const page = await staffPage("manager@tenohira.localhost");
  await page.goto(`${server.baseUrl}/staff/queue`);
  await page.getByRole("link", { name: "窓口を追加" }).focus();
  await page.keyboard.press("Enter");
  await page.waitForURL(/\/staff\/queue\/offices\/new$/);
  expect(await axeViolations(page)).toEqual([]);

  await page.getByLabel("アドレス名").fill("higashi");
  await page.getByLabel("名前（日本語）").fill("東支所");
  await page.getByLabel("名前（英語）").fill("East Branch");
  await page.getByLabel("担当部署").selectOption({ label: "市民課" });
  await page.getByLabel("月曜日 開始").fill("08:30");
  await page.getByLabel("月曜日 終了").fill("08:00");
  await page.getByRole("button", { name: "窓口を作成" }).focus();
  await Promise.all([page.waitForNavigation(), page.keyboard.press("Enter")]);
  expect(await page.getByRole("alert").textContent()).toContain("終了は開始より後の時刻にしてください");
  expect(await page.getByLabel("名前（日本語）").inputValue()).toBe("東支所");
  expect(await axeViolations(page)).toEqual([]);

  await page.getByLabel("月曜日 終了").fill("17:15");
  await page.getByLabel("月曜日 終了").press("Enter");
  await page.waitForURL(/\/staff\/queue\/higashi\/settings\?saved=1$/);
  expect(await page.getByRole("status").textContent()).toBe("保存しました。");

  // A counter: type its number, Enter submits its own form.
  await page.locator("#counter-new-number").fill("1");
  await page.locator("#counter-new-nameJa").fill("総合窓口");
  // Each form redirects to the same address (?saved=1): wait for the navigation itself.
  await Promise.all([page.waitForNavigation(), page.locator("#counter-new-nameJa").press("Enter")]);

  // A kind of procedure: Tab from the minutes to the counter's checkbox, Space ticks it, Tab to the button.
  await page.locator("#category-new-prefix").fill("C");
  await page.locator("#category-new-nameJa").fill("証明書");
  await page.locator("#category-new-nameEn").fill("Certificates");
  await page.locator("#category-new-averageServiceMinutes").fill("6");
  await page.locator("#category-new-averageServiceMinutes").focus();
  await page.keyboard.press("Tab");
  await page.keyboard.press("Space");
  await page.keyboard.press("Tab");
  expect(await page.evaluate(() => document.activeElement?.textContent)).toBe("手続きの種類を追加");
  await Promise.all([page.waitForNavigation(), page.keyboard.press("Enter")]);
  expect(await axeViolations(page)).toEqual([]);

  const [office] = await db().select().from(queueOffices).where(eq(queueOffices.slug, "higashi"));
  expect(office!.hours[1]).toEqual({ opens: "08:30", closes: "17:15" });
  const setup = (await loadOffice(db(), { tenantId: office!.tenantId, slug: "higashi" }))!;
  expect(setup.counters.map((c) => [c.number, c.nameJa, c.categoryIds])).toEqual([
    [1, "総合窓口", [setup.categories[0]!.id]],
  ]);
  expect(setup.categories.map((c) => [c.prefix, c.averageServiceMinutes])).toEqual([["C", 6]]);

  // A second C is refused beside its field, and the page stays accessible with the error.
  await page.locator("#category-new-prefix").fill("C");
  await page.locator("#category-new-nameJa").fill("別");
  await page.locator("#category-new-nameEn").fill("Other");
  await Promise.all([page.waitForNavigation(), page.locator("#category-new-prefix").press("Enter")]);
  expect(await page.locator("#category-new-prefix-error").textContent()).toBe(
    "この記号はこの窓口のほかの手続きが使っています",
  );
  expect(await axeViolations(page)).toEqual([]);
}, 90_000);
