// Issue 7's staff journey: 環境課 hands a report over to 道路河川課; there a member takes a resident's report,
// replies from a template, merges a duplicate into it and closes it, and the duplicate's follower, carried
// over by the merge, is told by the worker. Server-rendered pages, real sign-in, worker and subscribers.
import { and, eq, like } from "drizzle-orm";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEMO_PASSWORD } from "../../app/seed-demo.ts";
import { notifications } from "../../core/notifications/schema.ts";
import { tenants } from "../../core/tenancy/schema.ts";
import {
  axeViolations,
  launchBrowser,
  startTestServer,
  type TestServer,
} from "../../core/testing/browser.ts";
import { submitReport } from "./operations/submit-report.ts";
import { type Report, reportFollowers, reports } from "./schema.ts";
import { demoPlaces } from "./seeds.ts";

let server: TestServer;
let browser: Browser;
let site: string;
const db = () => server.platform.services.database.db;

async function file(
  categoryCode: string,
  point: { lat: number; lng: number },
  email: string,
): Promise<Report> {
  const [tenant] = await db().select().from(tenants).where(eq(tenants.slug, "tenohira"));
  const result = await submitReport({
    services: server.platform.services,
    tenantId: tenant!.id,
    actor: { type: "guest", id: null },
    categoryCode,
    point,
    description: `${categoryCode}: ブラウザ試験の通報`,
    channel: "web",
    answerInput: new Map([["danger", ["caution"]]]),
    contact: { email },
  });
  if (!result.ok) {
    throw new Error(JSON.stringify(result.problems));
  }
  // The reporter's address is taken as confirmed (reports.browser.test.ts confirms one through the page).
  await db()
    .update(reportFollowers)
    .set({ confirmedAt: new Date() })
    .where(eq(reportFollowers.reportId, result.report.id));
  return result.report;
}

beforeAll(async () => {
  [server, browser] = await Promise.all([startTestServer(), launchBrowser()]);
  site = server.baseUrl.replace("127.0.0.1", "localhost");
  server.platform.worker.start();
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

const statusOf = async (id: string) => (await db().select().from(reports).where(eq(reports.id, id)))[0]!;

describe("通報の対応（職員）", () => {
  it("routes, assigns, replies from a template, merges a duplicate and closes; the follower is told", async () => {
    const handedOver = await file("illegal-dumping", demoPlaces.minamiMachi, "dumping@example.jp");
    const target = await file("road-damage", demoPlaces.kitaMachi, "first-reporter@example.jp");
    const duplicate = await file("road-damage", demoPlaces.kitaMachi, "dup-follower@example.jp");

    // 環境課 finds the dumping is on a road and routes it to 道路河川課.
    const kankyo = await staffPage("kankyo@tenohira.localhost");
    await kankyo.goto(`${site}/staff/reports/${handedOver.id}`);
    await kankyo.getByLabel("担当部署", { exact: true }).selectOption({ label: "道路河川課" });
    await kankyo.getByRole("button", { name: "担当を変更" }).click();
    await expect
      .poll(async () => (await statusOf(handedOver.id)).departmentId)
      .not.toBe(handedOver.departmentId);

    const page = await staffPage("doro@tenohira.localhost");
    await page.goto(`${site}/staff/reports?q=${encodeURIComponent("ブラウザ試験")}`);
    await page.getByRole("heading", { level: 1, name: "通報" }).waitFor();
    expect(await page.getByRole("link", { name: handedOver.reference }).count()).toBe(1);
    expect(await axeViolations(page), "list").toEqual([]);

    await page.getByRole("link", { name: target.reference }).click();
    await page.getByRole("heading", { level: 1, name: `通報 ${target.reference}` }).waitFor();
    expect(await axeViolations(page), "detail").toEqual([]);

    // Take it: assign to self.
    await page.getByLabel("担当者", { exact: true }).selectOption({ label: "自分（道路 次郎）" });
    await page.getByRole("button", { name: "担当を変更" }).click();
    await page.getByRole("status").filter({ hasText: "担当を変更しました" }).waitFor();

    // Reply from the template that moves it to 確認中.
    await page.getByLabel("定型文").selectOption({ label: "確認に向かいます → 確認中" });
    await page.getByRole("button", { name: "定型文を使う" }).click();
    await expect.poll(() => page.locator("#f-reply").inputValue()).toContain("担当者が現地を確認します");
    await page
      .locator("#f-reply")
      .fill("ご連絡ありがとうございます。担当者が現地を確認します。明日伺います。");
    await page.getByRole("button", { name: "回答を送る" }).click();
    await page.getByRole("status").filter({ hasText: "回答を送りました" }).waitFor();
    expect(await page.locator("[data-status]").getAttribute("data-status")).toBe("investigating");

    // An internal note, from the keyboard alone.
    await page.locator("#f-note").focus();
    await page.keyboard.type("交通量が多いので夕方に作業");
    await page.keyboard.press("Tab");
    expect(await page.evaluate(() => document.activeElement?.textContent)).toBe("メモを残す");
    await page.keyboard.press("Enter");
    await page.getByRole("status").filter({ hasText: "メモを残しました" }).waitFor();
    expect(await page.locator("li.entry[data-kind=note]").textContent()).toContain("【内部】");

    // The duplicate goes into it: its follower follows the target from now on.
    await page.goto(`${site}/staff/reports/${duplicate.id}`);
    await page.getByLabel(new RegExp(target.reference)).check();
    await page.getByRole("button", { name: "統合する" }).click();
    await page.getByRole("status").filter({ hasText: "統合しました" }).waitFor();
    const carried = await db()
      .select()
      .from(reportFollowers)
      .where(
        and(eq(reportFollowers.reportId, target.id), eq(reportFollowers.email, "dup-follower@example.jp")),
      );
    expect(carried).toHaveLength(1);

    // Close it as fixed.
    await page.goto(`${site}/staff/reports/${target.id}`);
    await page.getByLabel("状態を変更", { exact: true }).selectOption({ label: "対応済" });
    await page.getByLabel("あわせて送る公開の回答（任意）").fill("補修が完了しました。");
    await page.getByRole("button", { name: "状態を変更" }).click();
    await page.getByRole("status").filter({ hasText: "状態を変更しました" }).waitFor();
    expect((await statusOf(target.id)).statusCategory).not.toBe("open");

    // The map shows the open reports of the member's departments at their exact places, with our scripts only.
    const blocked: string[] = [];
    page.on("console", (message) => {
      if (/Content Security Policy/i.test(message.text())) {
        blocked.push(message.text());
      }
    });
    await page.goto(`${site}/staff/reports/map`);
    await expect.poll(() => page.locator("#staff-map path.leaflet-interactive").count()).toBeGreaterThan(0);
    expect(blocked).toEqual([]);
    // Pins take their stage's colour: the handed-over report is still received (red); the demo streetlight
    // in 東町 is being fixed (yellow).
    await expect
      .poll(() => page.locator('#staff-map path.leaflet-interactive[fill="#c0262d"]').count())
      .toBeGreaterThan(0);
    expect(await page.locator('#staff-map path.leaflet-interactive[fill="#b58500"]').count()).toBeGreaterThan(
      0,
    );

    // The entry form for reports taken by phone, blank and refused, is accessible too.
    await page.goto(`${site}/staff/reports/new?category=streetlight`);
    expect(await axeViolations(page), "new report").toEqual([]);
    await page.getByLabel("内容").fill("電話で受けた通報（場所なし）");
    await page.getByRole("button", { name: "通報を登録" }).click();
    await page.getByRole("alert").waitFor();
    expect(await page.locator("#f-lat").getAttribute("aria-invalid")).toBe("true");
    expect(await page.locator("#f-description").inputValue()).toBe("電話で受けた通報（場所なし）");
    expect(await axeViolations(page), "new report refused").toEqual([]);

    // And the settings page, for the city's administrator.
    const admin = await staffPage("admin@tenohira.localhost");
    await admin.goto(`${site}/staff/reports/setup`);
    await admin.getByRole("heading", { level: 1, name: "通報の設定" }).waitFor();
    expect(await axeViolations(admin), "setup").toEqual([]);

    await expect
      .poll(
        async () =>
          (
            await db()
              .select({ body: notifications.body })
              .from(notifications)
              .where(
                and(
                  eq(notifications.recipient, "dup-follower@example.jp"),
                  eq(notifications.reference, target.reference),
                  like(notifications.body, "%補修が完了しました%"),
                ),
              )
          ).length,
        { timeout: 20_000 },
      )
      .toBe(1);
  }, 60_000);

  it("renames and deletes an area from the keyboard on the settings page; each page is accessible", async () => {
    const admin = await staffPage("admin@tenohira.localhost");
    await admin.goto(`${site}/staff/reports/setup`);
    await admin.getByRole("link", { name: "港町" }).focus();
    await Promise.all([admin.waitForURL(/\/staff\/reports\/setup\/areas\//), admin.keyboard.press("Enter")]);
    await admin.getByRole("heading", { level: 1, name: "区域「港町」" }).waitFor();
    expect(await axeViolations(admin), "area edit").toEqual([]);
    await admin.getByLabel("名前（日本語）").focus();
    await admin.keyboard.press("End");
    await admin.keyboard.type("一丁目");
    // Tab through the English name and the shape to the save button.
    await admin.keyboard.press("Tab");
    await admin.keyboard.press("Tab");
    await admin.keyboard.press("Tab");
    expect(await admin.evaluate(() => document.activeElement?.textContent)).toBe("保存");
    await Promise.all([admin.waitForURL(`${site}/staff/reports/setup`), admin.keyboard.press("Enter")]);
    await admin.getByRole("link", { name: "港町一丁目" }).waitFor();
    expect(await axeViolations(admin), "setup after rename").toEqual([]);
    // Deleting asks first, on a page of its own that says what happens to the reports naming the area.
    await Promise.all([
      admin.waitForURL(/\/staff\/reports\/setup\/areas\//),
      admin.getByRole("link", { name: "港町一丁目" }).click(),
    ]);
    await admin.getByRole("button", { name: "「港町一丁目」を削除…" }).focus();
    await Promise.all([admin.waitForURL(/\/delete$/), admin.keyboard.press("Enter")]);
    await admin.getByRole("heading", { level: 1, name: "区域「港町一丁目」を削除しますか" }).waitFor();
    expect(await admin.locator("#delete-effect").textContent()).toMatch(/通報\d+件は/);
    expect(await axeViolations(admin), "area delete confirmation").toEqual([]);
    await Promise.all([
      admin.waitForURL(`${site}/staff/reports/setup`),
      admin.getByRole("button", { name: "「港町一丁目」を削除する" }).click(),
    ]);
    expect(await admin.getByRole("link", { name: "港町一丁目" }).count()).toBe(0);
  }, 30_000);
});
