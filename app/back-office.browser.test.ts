// Issue 5's whole journey across modules: a resident applies and pays, staff process the application in the
// console, a returned application is corrected and resubmitted, and a fee set after review is paid and partly
// refunded. Everything runs for real: pages, console, worker, the test payment provider.
import { and, eq } from "drizzle-orm";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { cases } from "../core/cases/schema.ts";
import { forgetProviders } from "../core/identity/oidc/relying-party.ts";
import { type StandInProvider, startStandInProvider } from "../core/identity/oidc/stand-in-provider.ts";
import { departments, identityProviders } from "../core/identity/schema.ts";
import { tenants } from "../core/tenancy/schema.ts";
import {
  axeViolations,
  launchBrowser,
  signInResidentByCode,
  startTestServer,
  type TestServer,
} from "../core/testing/browser.ts";
import { APPLICATION_SUBJECT } from "../modules/forms/application-case.ts";
import { applications, forms } from "../modules/forms/schema.ts";
import { insertPublishedForm } from "../modules/forms/testing.ts";
import { paymentsOfSubject } from "../modules/payments/index.ts";
import { DEMO_PASSWORD } from "./seed-demo.ts";

let server: TestServer;
let browser: Browser;
let cardIdp: StandInProvider;
/** The resident pages and the console share the host name, as in a real install. */
let site: string;
let tenantId: string;
let copyFormId: string;

const db = () => server.platform.services.database.db;

beforeAll(async () => {
  [server, browser] = await Promise.all([startTestServer(), launchBrowser()]);
  site = server.baseUrl.replace("127.0.0.1", "localhost");
  cardIdp = await startStandInProvider({
    clients: [
      {
        clientId: "RP00000001",
        clientSecret: "card-client-secret",
        redirectUris: [`${site}/auth/callback/card`],
        idTokenAlg: "RS256",
        kind: "card",
      },
    ],
  });
  const [tenant] = await db().select().from(tenants);
  tenantId = tenant!.id;
  await db().insert(identityProviders).values({
    tenantId,
    kind: "card",
    issuer: cardIdp.issuer,
    clientId: "RP00000001",
    clientSecret: "card-client-secret",
    scopes: "openid name address birthdate gender",
  });
  // A small form whose fee staff fix after review (事後決済), owned by 市民課 like 住民票.
  const [shiminKa] = await db().select().from(departments).where(eq(departments.code, "shimin-ka"));
  const { form } = await insertPublishedForm(db(), {
    tenantId,
    slug: "copy-request",
    definition: {
      schema_version: 1,
      title: { ja: "公文書の写しの交付", en: "Copies of public records" },
      assuranceLevel: "email",
      fee: {
        amount: { "*": [10, { var: "pages" }] },
        label: { ja: "写しの交付手数料（概算）", en: "Copying fee (estimate)" },
        timing: "deferred",
      },
      pages: [
        {
          key: "request",
          title: { ja: "請求の内容", en: "Request" },
          fields: [
            { key: "document", type: "text", label: { ja: "文書の名前", en: "Document" }, required: true },
            { key: "pages", type: "number", label: { ja: "枚数", en: "Pages" }, required: true, min: 1 },
          ],
        },
      ],
    },
  });
  await db().update(forms).set({ departmentId: shiminKa!.id }).where(eq(forms.id, form.id));
  copyFormId = form.id;
  server.platform.worker.start();
}, 120_000);

afterAll(async () => {
  forgetProviders();
  await browser?.close();
  await cardIdp?.close();
  await server?.close();
});

async function phone(): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext({ viewport: { width: 360, height: 740 }, locale: "ja-JP" });
  return { context, page: await context.newPage() };
}

async function expectAccessible(page: Page) {
  expect(await axeViolations(page), page.url()).toEqual([]);
}

/** Presses 次へ進む; if the page refuses the answers, fails with what it said. */
async function next(page: Page, expected: RegExp) {
  await page.getByRole("button", { name: "次へ進む" }).click();
  await page.waitForURL(expected, { timeout: 10_000 }).catch(async () => {
    const summary = await page.locator(".error-summary").textContent();
    throw new Error(`stayed on ${page.url()}: ${summary}`);
  });
}

/** Applies for two copies of one's own 住民票, stepping up with this person's card the first time. */
async function applyForJuminhyo(page: Page, card: { login: string; kana: string }): Promise<string> {
  await page.goto(`${site}/forms/juminhyo`);
  await page.getByRole("button", { name: "申請を始める" }).click();
  if (page.url().includes("/sign-in/step-up")) {
    await page.getByRole("link", { name: "デジタル認証アプリで本人確認する" }).click();
    await page.locator("#login").fill(card.login);
    await page.locator("#login-submit").click();
    await page.locator("#consent-submit").click();
    await page.waitForURL(`${site}/forms/juminhyo`);
    await page.getByRole("button", { name: "申請を始める" }).click();
  }
  await page.waitForURL(/\/forms\/juminhyo\/a\/.+\/p\/applicant$/);
  const applicationId = /\/a\/([0-9a-f-]{36})\//.exec(page.url())![1]!;
  // The card gives the name, birth date and address; the reading and a phone number are typed.
  await page.locator('input[name="applicant_name.kana"]').fill(card.kana);
  await page.locator('input[name="phone"]').fill("099-412-3456");
  await next(page, /\/p\/request$/);
  await page.locator('input[name="scope"][value="self"]').check();
  await page.locator('input[name="copies"]').fill("2");
  await page.locator('select[name="purpose"]').selectOption("employment");
  await next(page, /\/p\/delivery$/);
  await page.locator('input[name="send_to"][value="registered"]').check();
  await page.locator('input[name="declaration"]').check();
  await next(page, /\/check$/);
  expect(await page.locator("main").textContent()).toContain("600円");
  await page.getByRole("button", { name: "この内容で申請する" }).click();
  return applicationId;
}

/** Pays on the test provider's hosted page with its always-accepted card. */
async function payByCard(page: Page) {
  await page.waitForURL(/\/payments\/[0-9a-f-]{36}$/);
  await expectAccessible(page);
  await page.locator('form[action$="/start"] button').click();
  await page.waitForURL(/\/payments\/test-provider\/pay\//);
  await page.locator("#f-card").fill("4242 4242 4242 4242");
  await page.locator('button[value="pay"]').click();
  await page.waitForURL(/\/return$/);
}

const caseOf = async (applicationId: string) =>
  (
    await db()
      .select()
      .from(cases)
      .where(and(eq(cases.subjectType, APPLICATION_SUBJECT), eq(cases.subjectId, applicationId)))
  )[0]!;

async function openConsole(email = "manager@tenohira.localhost"): Promise<Page> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: "ja-JP" });
  const page = await context.newPage();
  await page.goto(`${site}/staff/`);
  await page.getByLabel(/メールアドレス/).fill(email);
  await page.getByLabel(/パスワード/).fill(DEMO_PASSWORD);
  await page.getByRole("button", { name: /サインイン/ }).click();
  await page.getByRole("heading", { level: 1, name: /手続き/ }).waitFor();
  return page;
}

/** Opens a case from the queue by its reference number, as a clerk with the paper slip would. */
async function openCaseInConsole(page: Page, reference: string) {
  await page
    .getByRole("navigation", { name: /メニュー/ })
    .getByRole("link", { name: /申請処理/ })
    .click();
  await page.getByRole("heading", { level: 1, name: /申請処理/ }).waitFor();
  await page.getByRole("searchbox", { name: /キーワード/ }).fill(reference);
  await page.getByRole("button", { name: /絞り込む/ }).click();
  await page.getByRole("link", { name: reference }).click();
  await page.getByRole("heading", { level: 1, name: new RegExp(reference) }).waitFor();
}

const statusLabels: Record<string, string> = {
  in_progress: "処理中",
  completed: "完了",
  returned: "差し戻し",
};

/** Presses a status button (with a reason when asked) and waits for the console to confirm that change. */
async function changeStatus(page: Page, to: string, reason?: string) {
  await page.locator(`#status-to-${to}`).click();
  if (reason) {
    await page.locator("#status-reason").fill(reason);
    await page.locator("#status-reason-submit").click();
  }
  await expect
    .poll(() => page.locator("main").textContent())
    .toContain(`状態を「${statusLabels[to]}」に変更しました`);
}

describe("back office journeys", () => {
  it("a 住民票 request is paid by card, receipted, and processed to 完了", async () => {
    const { context, page } = await phone();
    try {
      await signInResidentByCode(page, { site, db: db(), email: "juminhyo-pay@example.jp" });
      const applicationId = await applyForJuminhyo(page, { login: "heita", kana: "テノ ヘイタ" });
      await payByCard(page);
      const [payment] = await paymentsOfSubject({
        db: db(),
        tenantId,
        subject: { module: "forms", type: APPLICATION_SUBJECT, id: applicationId },
      });
      expect(payment).toMatchObject({ amount: 600, state: "success" });
      const receiptLink = page.locator(`a[href="/payments/${payment!.id}/receipt.pdf"]`);
      expect(await receiptLink.count()).toBe(1);
      const receipt = await page.request.get(`${site}/payments/${payment!.id}/receipt.pdf`);
      expect(receipt.headers()["content-type"]).toBe("application/pdf");
      expect(new TextDecoder().decode((await receipt.body()).subarray(0, 5))).toBe("%PDF-");

      // The payment reaches the application through the worker: paid, and the receipt redrawn.
      await expect
        .poll(
          async () =>
            (await db().select().from(applications).where(eq(applications.id, applicationId)))[0]!
              .paymentStatus,
          {
            timeout: 20_000,
          },
        )
        .toBe("paid");
      const opened = await caseOf(applicationId);

      const staff = await openConsole();
      try {
        await openCaseInConsole(staff, opened.reference);
        // The payment panel loads on its own: the card payment is there.
        await expect.poll(() => staff.locator("#payment-title").count()).toBe(1);
        await expect.poll(() => staff.locator("main").textContent()).toContain("600");
        expect(await axeViolations(staff)).toEqual([]);
        await changeStatus(staff, "in_progress");
        await changeStatus(staff, "completed");
      } finally {
        await staff.context().close();
      }
      expect((await caseOf(applicationId)).status).toBe("completed");

      // The resident sees 完了 and rates the service.
      await page.goto(`${site}/my/cases/${opened.id}`);
      expect(await page.locator("main").textContent()).toContain("完了");
      await page.getByLabel("5 とても満足").check();
      await page.getByRole("button", { name: "評価を送る" }).click();
      await page.waitForURL(new RegExp(`/my/cases/${opened.id}`));
      expect(await page.locator("main").textContent()).toContain("ありがとうございました");
      await expectAccessible(page);
    } finally {
      await context.close();
    }
  }, 180_000);

  it("a returned application is corrected on its pinned version and resubmitted", async () => {
    const { context, page } = await phone();
    try {
      await signInResidentByCode(page, { site, db: db(), email: "juminhyo-return@example.jp" });
      const applicationId = await applyForJuminhyo(page, { login: "hanako", kana: "テノ ハナコ" });
      await page.waitForURL(/\/payments\//);
      const opened = await caseOf(applicationId);

      const staff = await openConsole();
      try {
        await openCaseInConsole(staff, opened.reference);
        await changeStatus(staff, "returned", "電話番号がつながりませんでした。確認してください。");
      } finally {
        await staff.context().close();
      }

      // The return message offers the correction on My page once the worker has set it up.
      await expect
        .poll(
          async () => {
            await page.goto(`${site}/my/cases/${opened.id}`);
            return page.getByRole("link", { name: "申請内容を修正する" }).count();
          },
          { timeout: 20_000 },
        )
        .toBe(1);
      expect(await page.locator("main").textContent()).toContain("電話番号がつながりませんでした");
      await expectAccessible(page);
      await page.getByRole("link", { name: "申請内容を修正する" }).click();
      await page.waitForURL(/\/check$/);
      await page.getByRole("link", { name: /変更 日中の連絡先電話番号/ }).click();
      await page.locator('input[name="phone"]').fill("099-412-0000");
      await page.getByRole("button", { name: "次へ進む" }).click();
      await page.waitForURL(/\/check$/);
      await expectAccessible(page);
      await page.getByRole("button", { name: "修正して再提出する" }).click();
      await page.waitForURL(/\/done$/);

      expect((await caseOf(applicationId)).status).toBe("received");
      const [after] = await db().select().from(applications).where(eq(applications.id, applicationId));
      expect(after!.answers["phone"]).toBe("0994120000");
      expect(after!.resubmittedAt).not.toBeNull();
    } finally {
      await context.close();
    }
  }, 180_000);

  it("事後決済: staff set the fee after review, the resident pays, staff refund part of it", async () => {
    const { context, page } = await phone();
    try {
      await signInResidentByCode(page, { site, db: db(), email: "copy-request@example.jp" });
      await page.goto(`${site}/forms/copy-request`);
      await page.getByRole("button", { name: "申請を始める" }).click();
      await page.locator('input[name="document"]').fill("令和7年度 道路台帳");
      await page.locator('input[name="pages"]').fill("30");
      await page.getByRole("button", { name: "次へ進む" }).click();
      expect(await page.locator("main").textContent()).toContain("審査の後");
      await page.getByRole("button", { name: "この内容で申請する" }).click();
      await page.waitForURL(/\/done$/);
      const applicationId = /\/a\/([0-9a-f-]{36})\//.exec(page.url())![1]!;
      const opened = await caseOf(applicationId);

      const staff = await openConsole();
      try {
        await openCaseInConsole(staff, opened.reference);
        await staff.locator("#payment-request-amount").fill("350");
        await staff.locator("#payment-request").click();
        await expect.poll(() => staff.locator("main").textContent()).toContain("350");

        await page.goto(`${site}/my/cases/${opened.id}`);
        await page.getByRole("link", { name: "手数料を支払う" }).click();
        await payByCard(page);
        const [payment] = await paymentsOfSubject({
          db: db(),
          tenantId,
          subject: { module: "forms", type: APPLICATION_SUBJECT, id: applicationId },
        });
        expect(payment).toMatchObject({ amount: 350, state: "success" });

        // The console reads the payment when the case opens: reopen it until the refund form shows the paid fee.
        await expect
          .poll(
            async () => {
              await staff.reload();
              await staff.locator("#payment-title").waitFor();
              return staff.getByLabel(/返金額/).count();
            },
            { timeout: 30_000 },
          )
          .toBe(1);
        await staff.getByLabel(/返金額/).fill("100");
        await staff.getByLabel(/返金の理由/).fill("枚数の数え間違い（20枚分）");
        await staff.getByRole("button", { name: /^返金する/ }).click();
        await expect
          .poll(
            async () =>
              (
                await paymentsOfSubject({
                  db: db(),
                  tenantId,
                  subject: { module: "forms", type: APPLICATION_SUBJECT, id: applicationId },
                })
              )[0]!.refundedAmount,
            { timeout: 20_000 },
          )
          .toBe(100);
        // Partly refunded: the fee still counts as paid (once the worker has seen the payment).
        await expect
          .poll(
            async () =>
              (await db().select().from(applications).where(eq(applications.id, applicationId)))[0]!
                .paymentStatus,
            { timeout: 20_000 },
          )
          .toBe("paid");
      } finally {
        await staff.context().close();
      }
    } finally {
      await context.close();
    }
  }, 180_000);

  it("a clerk types in an application received on paper, which joins the queue", async () => {
    const staff = await openConsole();
    try {
      await staff.goto(`${site}/staff/forms/${copyFormId}/applications`);
      await staff.getByRole("link", { name: /紙・電話・窓口の申請を入力/ }).click();
      await staff.waitForURL(/\/enter$/);
      expect(await axeViolations(staff)).toEqual([]);
      await staff.getByLabel("電話").check();
      await staff.locator('input[name="document"]').fill("下水道台帳の写し");
      await staff.getByRole("button", { name: "この内容で登録する" }).click();
      // Nothing lost on a refusal: the page comes back with what was typed and the problem.
      await staff.locator(".error-summary").waitFor();
      expect(await staff.locator('input[name="document"]').inputValue()).toBe("下水道台帳の写し");
      await staff.locator('input[name="pages"]').fill("4");
      await staff.getByRole("button", { name: "この内容で登録する" }).click();
      await staff.waitForURL(/\/staff\/cases\/[0-9a-f-]{36}$/);
      await expect.poll(() => staff.locator("main").textContent()).toContain("電話");
      const caseId = /\/staff\/cases\/([0-9a-f-]{36})$/.exec(staff.url())![1]!;
      const [entered] = await db().select().from(cases).where(eq(cases.id, caseId));
      expect(entered).toMatchObject({ channel: "phone", status: "received", serviceKey: "copy-request" });
    } finally {
      await staff.context().close();
    }
  }, 120_000);
});
