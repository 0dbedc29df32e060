import { readFileSync } from "node:fs";
import { eq } from "drizzle-orm";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEMO_PASSWORD } from "../app/seed-demo.ts";
import { systemActor } from "../core/audit/actor.ts";
import { type Case, cases } from "../core/cases/schema.ts";
import { type CasesFixture, casesFixture, openTestCase } from "../core/cases/testing.ts";
import { axeViolations, launchBrowser, startTestServer, type TestServer } from "../core/testing/browser.ts";
import type { FormDefinitionInput } from "../modules/forms/definition/form-definition.ts";
import { applications, forms } from "../modules/forms/schema.ts";
import { insertPublishedForm } from "../modules/forms/testing.ts";
import { paymentsOfSubject } from "../modules/payments/index.ts";
import { applyProviderStatus } from "../modules/payments/operations/apply-provider-status.ts";
import { startPayment } from "../modules/payments/operations/start-payment.ts";
import { payments, testProviderPayments } from "../modules/payments/schema.ts";

let server: TestServer;
let browser: Browser;
let fixture: CasesFixture;
let manager: Record<string, string>;
const seeded: Record<string, Case> = {};

const db = () => server.platform.services.database.db;
const DAY = 24 * 60 * 60 * 1000;

/** Cases of a module the console has no subject view for, so each shows just the case itself. */
function seed(reference: string, overrides: Parameters<typeof openTestCase>[2] = {}) {
  return openTestCase(db(), fixture, {
    module: "console_test",
    subjectType: "console_test_subject",
    subjectId: reference,
    reference,
    title: { ja: "住民票の写しの交付申請", en: "Certificate of residence" },
    serviceKey: "tq-juminhyo",
    departmentId: fixture.department("shimin-ka"),
    ...overrides,
  });
}

const staffCall = async (method: string, path: string, body?: unknown) => {
  const response = await server.platform.request(path, {
    method,
    headers: { ...manager, "content-type": "application/json" },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  expect(response.status, `${method} ${path}`).toBeLessThan(300);
  return response.json() as Promise<Record<string, unknown>>;
};

beforeAll(async () => {
  [server, browser] = await Promise.all([startTestServer(), launchBrowser()]);
  fixture = await casesFixture(db());
  manager = await server.platform.signInStaff("manager@tenohira.localhost");
  seeded.yamada = await seed("TQ0001", {
    searchText: "申請者 山田 太郎 てのひら市中央一丁目",
    receivedAt: new Date(Date.now() - 2 * DAY),
  });
  // A deadline of 3 business days for 住民票, so a case received a month ago is overdue.
  await staffCall("PUT", "/staff/api/cases/settings/tq-juminhyo", { slaBusinessDays: 3 });
  seeded.late = await seed("TQ0002", {
    searchText: "申請者 高橋 次郎",
    receivedAt: new Date(Date.now() - 30 * DAY),
  });
  seeded.counter = await seed("TQ0003", { searchText: "申請者 佐藤 花子", channel: "counter" });
  seeded.dog = await seed("TQ0004", {
    title: { ja: "犬の登録", en: "Dog registration" },
    serviceKey: "inu-toroku",
    searchText: "申請者 鈴木 一郎 柴犬 オス",
    channel: "paper",
  });
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await server?.close();
});

const pageErrors = new WeakMap<Page, string[]>();

async function signedIn(email: string, width = 1024): Promise<Page> {
  const context = await browser.newContext({ viewport: { width, height: 800 }, locale: "ja-JP" });
  const page = await context.newPage();
  page.setDefaultTimeout(10_000);
  const errors: string[] = [];
  pageErrors.set(page, errors);
  page.on("console", (message) => {
    // Refusals the test provokes (409, 422) show in the page; they are not script errors.
    if (message.type() === "error" && !message.text().startsWith("Failed to load resource")) {
      errors.push(message.text());
    }
  });
  page.on("pageerror", (error) => errors.push(error.message));
  await page.goto(`${server.baseUrl}/staff/`);
  await page.getByLabel(/メールアドレス/).fill(email);
  await page.getByLabel(/パスワード/).fill(DEMO_PASSWORD);
  await page.getByRole("button", { name: /サインイン/ }).click();
  await page.getByRole("heading", { level: 1, name: /手続き/ }).waitFor();
  return page;
}

/** Closes the page, then checks it had no script or CSP errors. */
async function done(page: Page): Promise<void> {
  const errors = pageErrors.get(page) ?? [];
  await page.context().close();
  expect(errors).toEqual([]);
}

async function openQueue(page: Page): Promise<void> {
  await page
    .getByRole("navigation", { name: /メニュー/ })
    .getByRole("link", { name: /申請処理/ })
    .click();
  await page.getByRole("heading", { level: 1, name: /申請処理/ }).waitFor();
  await eventually(() => page.getByRole("status").first().textContent()).toContain("件目を表示");
}

/** The references in the queue's table, in order. */
const references = (page: Page) => page.locator(".cases-table tbody th").allTextContents();

/** Waits for something the page does after a request, on a busy two-core machine. */
function eventually<T>(read: () => Promise<T> | T) {
  return expect.poll(read, { timeout: 10_000 });
}

async function expectAccessible(page: Page, width = 1024): Promise<void> {
  expect(await axeViolations(page)).toEqual([]);
  expect(await page.evaluate(() => document.scrollingElement?.scrollWidth ?? 0)).toBeLessThanOrEqual(width);
}

/** A resident signs in, fills the one-page form and submits it, through the real pages. */
async function submitAsResident(slug: string, answers: Record<string, string>) {
  const session = await server.platform.signInResident("console-resident@example.jp");
  const post = (path: string, fields: Record<string, string>) =>
    server.platform.request(`http://localhost${path}`, {
      method: "POST",
      headers: { cookie: session.cookie },
      body: new URLSearchParams({ _csrf: session.csrf, ...fields }),
    });
  const first = (await post(`/forms/${slug}/start`, {})).headers.get("location")!;
  const applicationId = /\/a\/([0-9a-f-]{36})\//.exec(first)![1]!;
  expect((await post(first, answers)).headers.get("location")).toMatch(/\/check$/);
  const check = await (
    await server.platform.request(`http://localhost/forms/${slug}/a/${applicationId}/check`, {
      headers: { cookie: session.cookie },
    })
  ).text();
  const key = /name="_idempotency" value="([^"]+)"/.exec(check)![1]!;
  expect((await post(`/forms/${slug}/a/${applicationId}/submit`, { _idempotency: key })).status).toBe(303);
  const [application] = await db().select().from(applications).where(eq(applications.id, applicationId));
  return { applicationId, reference: application!.referenceNumber! };
}

/** The resident pays the application's fee: started, paid at the test provider, and learnt by a poll. */
async function payAtTestProvider(applicationId: string): Promise<void> {
  const [payment] = await paymentsOfSubject({
    db: db(),
    tenantId: fixture.tenantId,
    subject: { module: "forms", type: "forms_application", id: applicationId },
  });
  await startPayment({
    services: server.platform.services,
    tenantId: fixture.tenantId,
    actor: systemActor,
    paymentId: payment!.id,
    origin: server.baseUrl,
  });
  const [started] = await db().select().from(payments).where(eq(payments.id, payment!.id));
  await db()
    .update(testProviderPayments)
    .set({ state: "success" })
    .where(eq(testProviderPayments.id, started!.providerPaymentId!));
  await db().transaction((tx) =>
    applyProviderStatus({
      tx,
      tenantId: fixture.tenantId,
      paymentId: payment!.id,
      providerPaymentId: started!.providerPaymentId!,
      status: { state: "success" },
      source: "poll",
    }),
  );
}

describe("申請処理 (work queue) in Chromium", () => {
  it("filters by channel and deadline, searches in Japanese, and keeps the filters in the address", async () => {
    const page = await signedIn("manager@tenohira.localhost");
    try {
      await openQueue(page);
      expect(page.url()).toBe(`${server.baseUrl}/staff/cases`);
      // The overdue case first (earliest deadline), its deadline said in words, not only in colour.
      await eventually(() => references(page)).toHaveLength(4);
      expect((await references(page))[0]).toBe("TQ0002");
      const late = page.locator(".cases-table tbody tr").first();
      expect(await late.textContent()).toContain("期限超過");
      expect(await late.textContent()).toContain("未割当");
      await expectAccessible(page);

      await page.getByLabel(/受付経路/).selectOption("counter");
      await page.getByRole("button", { name: /絞り込む/ }).click();
      await eventually(() => references(page)).toEqual(["TQ0003"]);
      expect(new URL(page.url()).searchParams.get("channel")).toBe("counter");

      await page.getByRole("link", { name: /条件をクリア/ }).click();
      await eventually(() => references(page)).toHaveLength(4);
      // Japanese keywords, typed without the space the answers had, match by character bigrams.
      await page.getByRole("searchbox", { name: /キーワード/ }).fill("山田太郎");
      await page.keyboard.press("Enter");
      await eventually(() => references(page)).toEqual(["TQ0001"]);
      await page.getByRole("searchbox", { name: /キーワード/ }).fill("柴犬");
      await page.keyboard.press("Enter");
      await eventually(() => references(page)).toEqual(["TQ0004"]);
      expect(new URL(page.url()).searchParams.get("q")).toBe("柴犬");
      await page.getByRole("searchbox", { name: /キーワード/ }).fill("存在しない名前");
      await page.keyboard.press("Enter");
      await eventually(() => page.locator("#cases-status-line").textContent()).toContain(
        "該当する申請はありません",
      );

      await page.getByRole("searchbox", { name: /キーワード/ }).fill("");
      await page.getByLabel(/^処理期限/).selectOption("overdue");
      await page.getByLabel(/^手続き/).selectOption("tq-juminhyo");
      await page.getByRole("button", { name: /絞り込む/ }).click();
      await eventually(() => references(page)).toEqual(["TQ0002"]);
      const bookmark = page.url();
      expect(bookmark).toContain("sla=overdue");

      // Back and Forward move between the views, as in any site.
      await page.goBack();
      await eventually(() => page.locator("#cases-status-line").textContent()).toContain(
        "該当する申請はありません",
      );
      expect(await page.getByRole("searchbox", { name: /キーワード/ }).inputValue()).toBe("存在しない名前");
      await page.goForward();
      await eventually(() => references(page)).toEqual(["TQ0002"]);

      // A bookmarked view opens with its filters in place.
      await page.goto(bookmark);
      await page.getByRole("heading", { level: 1, name: /申請処理/ }).waitFor();
      await eventually(() => references(page)).toEqual(["TQ0002"]);
      expect(await page.getByLabel(/^処理期限/).inputValue()).toBe("overdue");
      expect(await page.getByLabel(/^手続き/).inputValue()).toBe("tq-juminhyo");

      // An address edited by hand into a filter the API refuses still shows the form, the error at its field.
      await page.goto(`${server.baseUrl}/staff/cases?from=2026-13-45`);
      await eventually(() => page.getByRole("alert").first().textContent()).toContain(
        "入力内容に誤りがあります",
      );
      expect(await page.getByLabel(/受付日（から）/).getAttribute("aria-invalid")).toBe("true");
      await expectAccessible(page);
      await expectAccessible(page);
    } finally {
      await done(page);
    }
  }, 90_000);

  it("opens a case, assigns it to me, adds a memo, and moves it to 処理中 then 完了", async () => {
    const page = await signedIn("manager@tenohira.localhost");
    try {
      await openQueue(page);
      await page.getByRole("link", { name: "TQ0001" }).click();
      await page.getByRole("heading", { level: 1, name: /申請 TQ0001/ }).waitFor();
      expect(page.url()).toBe(`${server.baseUrl}/staff/cases/${seeded.yamada!.id}`);
      const facts = page.locator(".case-facts");
      expect(await facts.textContent()).toContain("未割当");
      await expectAccessible(page);

      await page.getByRole("button", { name: /自分に割り当てる/ }).click();
      await eventually(() => page.locator(".flash").textContent()).toContain("担当を「市民 課長」にしました");
      expect(await page.evaluate(() => document.activeElement?.classList.contains("flash"))).toBe(true);
      expect(await facts.textContent()).toContain("市民 課長");

      await page.getByLabel(/メモ（職員だけが読めます）/).fill("本人確認書類は窓口で確認済み");
      await page.getByRole("button", { name: /メモを追加/ }).click();
      await eventually(() => page.locator(".flash").textContent()).toContain("内部メモを追加しました");
      const history = page.locator(".timeline").last();
      expect(await history.textContent()).toContain("本人確認書類は窓口で確認済み");
      expect(await history.locator(".entry-memo").textContent()).toContain("職員のみ");

      // 差し戻し asks for the reason the resident will read; without one nothing is sent.
      await page.getByRole("button", { name: /差し戻す/ }).click();
      expect(await page.evaluate(() => document.activeElement?.id)).toBe("status-reason");
      await page.locator("#status-reason-submit").click();
      expect(await page.locator("#status-reason-error").textContent()).toContain("理由を入力してください");
      await page.getByRole("button", { name: /やめる/ }).click();

      await page.getByRole("button", { name: /処理中にする/ }).click();
      await eventually(() => page.locator(".flash").textContent()).toContain(
        "状態を「処理中」に変更しました",
      );
      expect(await facts.textContent()).toContain("処理中");
      await page.getByRole("button", { name: /完了にする/ }).click();
      await eventually(() => page.locator(".flash").textContent()).toContain("状態を「完了」に変更しました");
      expect(await facts.textContent()).toContain("完了");
      // A completed case is final: no status buttons are left.
      expect(await page.locator("#status-title").count()).toBe(0);
      const text = (await history.textContent()) ?? "";
      expect(text).toContain("受付 → 処理中");
      expect(text).toContain("処理中 → 完了");
      expect(text).toContain("→ 市民 課長");
      await expectAccessible(page);

      // Back to the list with the filters it had.
      await page.getByRole("link", { name: /処理待ち一覧に戻る/ }).click();
      await page.getByRole("heading", { level: 1, name: /申請処理/ }).waitFor();
      expect(page.url()).toBe(`${server.baseUrl}/staff/cases`);
    } finally {
      await done(page);
    }
  }, 90_000);

  it("shows the API's refusal in Japanese and English when someone else moved the case first", async () => {
    const page = await signedIn("manager@tenohira.localhost");
    try {
      await page.goto(`${server.baseUrl}/staff/cases/${seeded.counter!.id}`);
      await page.getByRole("heading", { level: 1, name: /申請 TQ0003/ }).waitFor();
      await staffCall("POST", `/staff/api/cases/${seeded.counter!.id}/status`, { to: "in_progress" });
      await page.getByRole("button", { name: /完了にする/ }).click();
      const alert = page.locator("#status-alert");
      await eventually(() => alert.textContent()).toContain("ほかの操作で状態が「処理中」に変わっています");
      expect(await alert.textContent()).toContain("The status was changed to in progress meanwhile");
      // Nothing changed behind the message; showing the case as it is now offers what it allows now.
      const after = await staffCall("GET", `/staff/api/cases/${seeded.counter!.id}`);
      expect((after.case as { status: string }).status).toBe("in_progress");
      await expectAccessible(page);
      await page.getByRole("button", { name: /最新の状態を表示/ }).click();
      await eventually(() => page.locator(".case-facts").textContent()).toContain("処理中");
      expect(await page.getByRole("button", { name: /処理中にする/ }).count()).toBe(0);
    } finally {
      await done(page);
    }
  }, 60_000);

  it("assigns two ticked cases at once and exports the filtered set", async () => {
    const page = await signedIn("manager@tenohira.localhost");
    try {
      await openQueue(page);
      // With the keyboard: Space ticks a row, Enter opens the bulk actions and presses the button.
      for (const reference of ["TQ0003", "TQ0004"]) {
        await page.getByRole("checkbox", { name: new RegExp(`${reference} を選択`) }).focus();
        await page.keyboard.press("Space");
      }
      expect(await page.locator("#cases-selection").textContent()).toContain("2件を選択中");
      await page.locator("#bulk-toggle").focus();
      await page.keyboard.press("Enter");
      await page.locator("#bulk-staff").selectOption({ label: "窓口 一郎" });
      await page.locator("#bulk-assign").focus();
      await page.keyboard.press("Enter");
      await eventually(() => page.locator("#bulk-outcome").textContent()).toContain("2件を処理しました");
      const row = (reference: string) =>
        page
          .locator(".cases-table tbody tr")
          .filter({ has: page.getByRole("rowheader", { name: reference }) });
      await eventually(() => row("TQ0003").textContent()).toContain("窓口 一郎");
      expect(await row("TQ0004").textContent()).toContain("窓口 一郎");
      expect(await row("TQ0002").textContent()).toContain("未割当");
      await expectAccessible(page);

      // The assignee filter then finds them; the export holds that filtered set, as UTF-8 CSV.
      await page.locator("#cases-assignee").selectOption({ label: "窓口 一郎" });
      await page.getByRole("button", { name: /絞り込む/ }).click();
      await eventually(() => references(page)).toEqual(["TQ0003", "TQ0004"]);
      const [download] = await Promise.all([
        page.waitForEvent("download"),
        page.getByRole("button", { name: /書き出す/ }).click(),
      ]);
      expect(download.suggestedFilename()).toMatch(/\.csv$/);
      const csv = readFileSync((await download.path())!, "utf8");
      expect(csv).toContain("TQ0003");
      expect(csv).toContain("TQ0004");
      expect(csv).not.toContain("TQ0002");
      await eventually(() => page.locator("#export-status").textContent()).toContain("保存しました");
    } finally {
      await done(page);
    }
  }, 90_000);

  it("shows an application's answers and asks for payment after review (事後決済)", async () => {
    const definition: FormDefinitionInput = {
      schema_version: 1,
      title: { ja: "粗大ごみ収集（テスト）", en: "Oversized garbage (test)" },
      assuranceLevel: "email",
      fee: {
        amount: { "*": [500, { var: "items" }] },
        label: { ja: "収集手数料（概算）", en: "Fee (estimate)" },
        timing: "deferred",
      },
      pages: [
        {
          key: "request",
          title: { ja: "申込内容", en: "Request" },
          fields: [
            { key: "name", type: "text", label: { ja: "氏名", en: "Name" }, required: true },
            {
              key: "items",
              type: "number",
              label: { ja: "品数", en: "Items" },
              required: true,
              min: 1,
              max: 10,
            },
          ],
        },
      ],
    };
    const { form } = await insertPublishedForm(db(), {
      tenantId: fixture.tenantId,
      slug: "console-sodai",
      definition,
    });
    await db()
      .update(forms)
      .set({ departmentId: fixture.department("shimin-ka") })
      .where(eq(forms.id, form.id));
    const { applicationId, reference } = await submitAsResident("console-sodai", {
      name: "鹿屋 花子",
      items: "3",
    });
    const [opened] = await db().select().from(cases).where(eq(cases.subjectId, applicationId));
    const page = await signedIn("manager@tenohira.localhost");
    try {
      await page.goto(`${server.baseUrl}/staff/cases/${opened!.id}`);
      await page.getByRole("heading", { level: 1, name: new RegExp(reference) }).waitFor();
      const answers = page.getByRole("table", { name: /回答/ });
      await eventually(() => answers.textContent()).toContain("鹿屋 花子");
      await eventually(() => page.locator("#payment-title").count()).toBe(1);
      expect(await page.locator("section", { has: page.locator("#payment-title") }).textContent()).toContain(
        "この申請の支払いはありません",
      );
      await expectAccessible(page);

      await page.getByLabel(/金額（円）/).fill("1200");
      await page.getByRole("button", { name: /金額を確定して支払いを依頼/ }).click();
      await eventually(() => page.locator(".flash").textContent()).toContain("1,200円の支払いを依頼しました");
      // The case now waits for the resident's payment.
      expect(await page.locator(".case-facts").textContent()).toContain("住民の支払い待ち");
      const payment = page.locator(".payment");
      expect(await payment.textContent()).toContain("1,200円");
      expect(await payment.textContent()).toContain("支払い待ち");
      await expectAccessible(page);

      // Paid at the provider; then a partial refund, checked against what is refundable.
      await payAtTestProvider(applicationId);
      await page.reload();
      await eventually(() => page.locator(".payment").textContent()).toContain("支払い済み");
      expect(await page.getByRole("link", { name: /領収書/ }).getAttribute("href")).toMatch(/receipt\.pdf$/);
      const amount = page.getByLabel(/返金額（円）/);
      expect(await amount.inputValue()).toBe("1200");
      await amount.fill("1500");
      await page.getByLabel(/返金の理由/).fill("品数の訂正（3点→2点）");
      await page.getByRole("button", { name: /^返金する/ }).click();
      await eventually(() => page.locator("[id='payment-0-refund-amount-error']").textContent()).toContain(
        "1円から1,200円までの整数で入力してください",
      );
      await amount.fill("500");
      await page.getByRole("button", { name: /^返金する/ }).click();
      await eventually(() => page.locator(".flash").textContent()).toContain("500円を返金しました");
      const refunds = page.getByRole("table", { name: /返金/ });
      expect(await refunds.textContent()).toContain("品数の訂正（3点→2点）");
      expect(await refunds.textContent()).toContain("500円");
      expect(await page.locator(".payment .facts").textContent()).toContain("700円");
      await expectAccessible(page);
    } finally {
      await done(page);
    }
  }, 90_000);

  it("shows per-service metrics and sets a service's deadline", async () => {
    const page = await signedIn("manager@tenohira.localhost", 360);
    try {
      await openQueue(page);
      await page.getByRole("link", { name: /実績と処理期限/ }).click();
      await page.getByRole("heading", { level: 1, name: /実績と処理期限/ }).waitFor();
      const metrics = page.getByRole("table", { name: /手続きごとの実績/ });
      await eventually(() => metrics.textContent()).toContain("住民票の写しの交付申請");
      expect(await metrics.textContent()).toContain("犬の登録");
      await expectAccessible(page, 360);

      const days = page.getByLabel(/犬の登録の処理期限/);
      await days.fill("5");
      await days.press("Enter");
      await eventually(() => page.getByText(/処理期限を5開庁日にしました/).count()).toBe(1);
      const settings = await staffCall("GET", "/staff/api/cases/settings");
      expect(settings.services).toContainEqual(
        expect.objectContaining({ serviceKey: "inu-toroku", slaBusinessDays: 5 }),
      );
    } finally {
      await done(page);
    }
  }, 60_000);

  it("gives a read-only member the queue and cases without the controls to change them", async () => {
    const page = await signedIn("viewer@tenohira.localhost", 360);
    try {
      await openQueue(page);
      await eventually(() => references(page)).toContain("TQ0001");
      expect(await page.getByRole("checkbox").count()).toBe(0);
      // 未完了 leaves out the case completed earlier.
      await page.getByLabel(/^状態/).selectOption({ label: "未完了（受付・処理中・差し戻し） (Open)" });
      await page.getByRole("button", { name: /絞り込む/ }).click();
      await eventually(() => references(page)).not.toContain("TQ0001");
      expect(await references(page)).toContain("TQ0002");
      expect(new URL(page.url()).searchParams.get("status")).toBe("received,in_progress,returned");
      expect(await page.getByText(/一括操作/).count()).toBe(0);
      expect(await page.getByRole("button", { name: /書き出す/ }).count()).toBe(0);
      await expectAccessible(page, 360);
      await page.getByRole("link", { name: "TQ0002" }).click();
      await page.getByRole("heading", { level: 1, name: /申請 TQ0002/ }).waitFor();
      await eventually(() => page.locator("#history-title").count()).toBe(1);
      expect(
        await page.getByRole("button", { name: /処理中にする|自分に割り当てる|メモを追加/ }).count(),
      ).toBe(0);
      await expectAccessible(page, 360);
    } finally {
      await done(page);
    }
  }, 60_000);
});
