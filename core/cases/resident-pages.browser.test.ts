import { eq } from "drizzle-orm";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { expectPhonePage, launchBrowser, startTestServer, type TestServer } from "../testing/browser.ts";
import type { ResidentTestSession } from "../testing/test-platform.ts";
import { changeCaseStatus } from "./operations/change-case-status.ts";
import { sendCaseMessage } from "./operations/send-case-message.ts";
import { type Case, cases } from "./schema.ts";
import { type CasesFixture, casesFixture, openTestCase } from "./testing.ts";

let server: TestServer;
let browser: Browser;
let fixture: CasesFixture;
let resident: ResidentTestSession;

beforeAll(async () => {
  [server, browser] = await Promise.all([startTestServer(), launchBrowser()]);
  fixture = await casesFixture(server.platform.services.database.db);
  resident = await server.platform.signInResident("browser@example.jp");
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
});

const db = () => server.platform.services.database.db;
const staff = () => ({ type: "staff" as const, id: fixture.staff("staff@tenohira.localhost") });

async function openPage(path: string, options: { javaScriptEnabled?: boolean } = {}): Promise<Page> {
  const context = await browser.newContext({
    viewport: { width: 360, height: 740 },
    locale: "ja-JP",
    ...options,
  });
  const [name, value] = resident.cookie.split("=") as [string, string];
  await context.addCookies([{ name, value, url: server.baseUrl }]);
  const page = await context.newPage();
  const response = await page.goto(`${server.baseUrl}${path}`);
  expect(response?.status()).toBe(200);
  return page;
}

async function caseWithHistory(): Promise<Case> {
  const found = await openTestCase(db(), fixture, {
    residentId: resident.residentId,
    departmentId: fixture.department("madoguchi-kakari"),
  });
  await db().transaction(async (tx) => {
    const common = { tx, tenantId: fixture.tenantId, actor: staff(), caseId: found.id };
    await changeCaseStatus({
      ...common,
      to: "returned",
      reason: "本人確認書類の写真が不鮮明です",
      by: "staff",
    });
    await sendCaseMessage({
      ...common,
      body: "もう一度撮影してお送りください。\n明るい場所でお願いします。",
    });
  });
  return found;
}

describe("the resident's case page in Chromium", () => {
  it("has no axe violations and fits 360 px, open and completed", async () => {
    const open = await caseWithHistory();
    for (const path of [`/my/cases/${open.id}`, `/my/cases/${open.id}/withdraw`]) {
      const page = await openPage(path);
      try {
        await expectPhonePage(page);
      } finally {
        await page.context().close();
      }
    }
    const done = await openTestCase(db(), fixture, { residentId: resident.residentId });
    await db().transaction((tx) =>
      changeCaseStatus({
        tx,
        tenantId: fixture.tenantId,
        actor: staff(),
        caseId: done.id,
        to: "completed",
        by: "staff",
      }),
    );
    const page = await openPage(`/my/cases/${done.id}`);
    try {
      await expectPhonePage(page);
      // A rating sent without a score comes back with the error, still accessible.
      await page.getByRole("button", { name: "評価を送る" }).click();
      await expect(page.locator(".error-summary").textContent()).resolves.toContain(
        "満足度を1から5で選んでください",
      );
      await expectPhonePage(page);
      await page.getByLabel("4 満足").check();
      await page.getByRole("button", { name: "評価を送る" }).click();
      await expect(page.locator("main").textContent()).resolves.toContain("あなたの評価：4 / 5");
    } finally {
      await page.context().close();
    }
  });

  it("sends a message and withdraws through the confirmation page without JavaScript", async () => {
    const found = await caseWithHistory();
    const page = await openPage(`/my/cases/${found.id}`, { javaScriptEnabled: false });
    try {
      await page.getByLabel("メッセージ", { exact: true }).fill("撮り直して送ります");
      await page.getByRole("button", { name: "送信する" }).click();
      await expect(page.locator(".notice").textContent()).resolves.toContain("メッセージを送信しました。");
      await expect(page.locator("main").textContent()).resolves.toContain("撮り直して送ります");
      await page.getByRole("link", { name: "この申請を取り下げる" }).click();
      await page.getByLabel("取り下げる理由（任意、1000文字以内）").fill("窓口で手続きしました");
      await page.getByRole("button", { name: "取り下げる", exact: true }).click();
      await expect(page.locator(".notice").textContent()).resolves.toContain("申請を取り下げました。");
      const [row] = await db().select().from(cases).where(eq(cases.id, found.id));
      expect(row!.status).toBe("withdrawn");
    } finally {
      await page.context().close();
    }
  });
});
