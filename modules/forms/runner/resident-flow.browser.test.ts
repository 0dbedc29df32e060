import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { eq } from "drizzle-orm";
import type { Browser, Page, Request } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEMO_PASSWORD } from "../../../app/seed-demo.ts";
import { auditLog } from "../../../core/audit/schema.ts";
import {
  axeViolations,
  launchBrowser,
  startTestServer,
  type TestServer,
} from "../../../core/testing/browser.ts";
import { eicarTestFile, startClamd, type TestClamd } from "../../../core/testing/clamd.ts";
import { latestSignInCode } from "../../../core/testing/sign-in-code.ts";
import type { FormDefinitionInput } from "../definition/form-definition.ts";
import { applications } from "../schema.ts";

const SCREENSHOTS = new URL("../../../docs/screenshots/", import.meta.url);

/** 児童手当 style form: name with reading, phone, each child (repeating), a document, consent. */
const definition: FormDefinitionInput = {
  schema_version: 1,
  title: { ja: "児童手当 認定請求（テスト）", en: "Child allowance claim (test)" },
  description: { ja: "お子さんを養育している方が請求できます。" },
  assuranceLevel: "email",
  confirmationText: { ja: "審査の結果は1か月ほどでお知らせします。" },
  pages: [
    {
      key: "claimant",
      title: { ja: "請求者について", en: "About you" },
      fields: [
        { key: "claimant", type: "name", label: { ja: "請求者の氏名", en: "Your name" }, required: true },
        {
          key: "phone",
          type: "phone",
          label: { ja: "電話番号", en: "Phone number" },
          required: true,
          hint: { ja: "日中に連絡がつく番号" },
        },
      ],
    },
    {
      key: "children",
      title: { ja: "お子さんについて", en: "Your children" },
      fields: [
        {
          key: "children",
          type: "group",
          label: { ja: "対象のお子さん", en: "Children" },
          itemLabel: { ja: "お子さん", en: "Child" },
          minItems: 1,
          maxItems: 4,
          fields: [
            {
              key: "name",
              type: "text",
              label: { ja: "お子さんの氏名", en: "Child's name" },
              required: true,
            },
            {
              key: "birth_date",
              type: "date",
              label: { ja: "生年月日", en: "Date of birth" },
              required: true,
              max: "today",
            },
          ],
        },
      ],
    },
    {
      key: "documents",
      title: { ja: "添付書類", en: "Documents" },
      fields: [
        {
          key: "insurance_card",
          type: "file",
          label: { ja: "健康保険証の写し", en: "Copy of health insurance card" },
          required: true,
          accept: ["image", "pdf"],
          maxFiles: 2,
          maxSizeMb: 5,
        },
        {
          key: "agree",
          type: "consent",
          label: { ja: "記載内容に誤りがないことを誓約します", en: "I declare this is true" },
          required: true,
        },
      ],
    },
  ],
};

let server: TestServer;
let browser: Browser;
let clamd: TestClamd;
let site: string;
let photoPath: string;
let eicarPath: string;

beforeAll(async () => {
  clamd = await startClamd();
  [server, browser] = await Promise.all([startTestServer({ config: clamd.config }), launchBrowser()]);
  site = server.baseUrl.replace("127.0.0.1", "localhost");
  // A department manager publishes the form through the staff API, as the console does.
  const manager = await server.platform.signInStaff("manager@tenohira.localhost");
  const json = { ...manager, "content-type": "application/json" };
  const created = await server.platform.request("/staff/api/forms/forms", {
    method: "POST",
    headers: json,
    body: JSON.stringify({ slug: "jido-teate" }),
  });
  expect(created.status).toBe(201);
  const { id } = (await created.json()) as { id: string };
  const saved = await server.platform.request(`/staff/api/forms/forms/${id}/draft`, {
    method: "PUT",
    headers: json,
    body: JSON.stringify({ definition }),
  });
  expect(saved.status).toBe(200);
  expect(
    (
      await server.platform.request(`/staff/api/forms/forms/${id}/publish`, {
        method: "POST",
        headers: manager,
      })
    ).status,
  ).toBe(200);
  photoPath = `${server.platform.dataDir}/hokensho.png`;
  eicarPath = `${server.platform.dataDir}/hokensho.pdf`;
  const sharp = (await import("sharp")).default;
  await sharp({ create: { width: 320, height: 200, channels: 3, background: "#9cf" } })
    .png()
    .toFile(photoPath);
  await import("node:fs/promises").then((fs) => fs.writeFile(eicarPath, eicarTestFile()));
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await server?.close();
  await clamd?.stop();
});

async function phone(javaScriptEnabled: boolean) {
  const context = await browser.newContext({
    viewport: { width: 360, height: 740 },
    locale: "ja-JP",
    javaScriptEnabled,
    acceptDownloads: true,
  });
  const page = await context.newPage();
  const errors: string[] = [];
  page.on("pageerror", (error) => errors.push(error.message));
  page.on("console", (message) => {
    if (message.type() === "error" && !message.text().startsWith("Failed to load resource")) {
      errors.push(message.text());
    }
  });
  return { context, page, errors };
}

/** No axe violations (only with JavaScript: axe runs in the page) and nothing wider than the phone. */
async function expectAccessible(page: Page, javaScript: boolean) {
  if (javaScript) {
    expect(await axeViolations(page), page.url()).toEqual([]);
    expect(
      await page.evaluate(() => document.scrollingElement?.scrollWidth ?? 0),
      page.url(),
    ).toBeLessThanOrEqual(360);
  }
}

async function signIn(page: Page, email: string) {
  await page.getByLabel("メールアドレス").fill(email);
  await page.getByRole("button", { name: "確認コードを送る" }).click();
  await page.waitForURL(/\/sign-in\/code/);
  const code = await latestSignInCode(server.platform.services.database.db, email);
  await page.getByLabel("確認コード（6桁）").fill(code);
  await page.getByRole("button", { name: "ログイン" }).click();
}

async function fillApplication(page: Page, javaScript: boolean, shots: boolean) {
  await page.goto(`${site}/forms/jido-teate`);
  await expectAccessible(page, javaScript);
  await page.getByRole("button", { name: "申請を始める" }).click();
  await signIn(page, javaScript ? "js@example.jp" : "nojs@example.jp");
  await page.waitForURL(`${site}/forms/jido-teate`);
  await page.getByRole("button", { name: "申請を始める" }).click();
  await page.waitForURL(/\/p\/claimant$/);

  // A mistake first: the page says what is wrong, next to the field, and keeps what was typed.
  await page.getByLabel("氏名", { exact: true }).fill("鹿屋　花子");
  await page.getByLabel("フリガナ（カタカナ）").fill("かのや はなこ");
  await page.getByLabel(/電話番号/).fill("099-12");
  await page.getByRole("button", { name: "次へ進む" }).click();
  await page.getByRole("alert").getByText("電話番号」は0から始まる").waitFor();
  expect(await page.getByLabel(/電話番号/).inputValue()).toBe("099-12");
  await expectAccessible(page, javaScript);
  if (shots) {
    await page.screenshot({
      path: new URL("resident-form-error-360.png", SCREENSHOTS).pathname,
      fullPage: true,
    });
  }
  await page.getByLabel(/電話番号/).fill("0994-12-3456");
  await page.getByRole("button", { name: "次へ進む" }).click();
  await page.waitForURL(/\/p\/children$/);

  await page.getByLabel("お子さんの氏名").fill("鹿屋 一郎");
  await page.getByLabel("生年月日").fill("2019-06-01");
  await page.getByRole("button", { name: "お子さんを追加" }).click();
  await page.getByRole("group", { name: "お子さん 2" }).waitFor();
  expect(await page.getByLabel("お子さんの氏名").first().inputValue()).toBe("鹿屋 一郎");
  await page.getByRole("group", { name: "お子さん 2" }).getByLabel("お子さんの氏名").fill("鹿屋 二郎");
  await page.getByRole("group", { name: "お子さん 2" }).getByLabel("生年月日").fill("2022-01-15");
  await expectAccessible(page, javaScript);
  if (shots) {
    await page.screenshot({
      path: new URL("resident-form-group-360.png", SCREENSHOTS).pathname,
      fullPage: true,
    });
  }

  // Save and come back later, then resume from My page: the answers are where they were left.
  await page.getByRole("button", { name: "保存して後で続ける" }).click();
  await page.getByRole("heading", { name: "入力内容を保存しました" }).waitFor();
  await page.goto(`${site}/my`);
  await page.getByRole("link", { name: /児童手当 認定請求（テスト）/ }).click();
  await page.waitForURL(/\/p\/children$/);
  expect(
    await page.getByRole("group", { name: "お子さん 2" }).getByLabel("お子さんの氏名").inputValue(),
  ).toBe("鹿屋 二郎");
  await page.getByRole("button", { name: "次へ進む" }).click();
  await page.waitForURL(/\/p\/documents$/);

  // The EICAR test file is refused, with the reason; a photo is accepted.
  await page.getByLabel(/健康保険証の写し/).setInputFiles(eicarPath);
  await page.getByRole("button", { name: "ファイルを添付する" }).click();
  await page.getByText("ウイルスが検出されたため").first().waitFor();
  await expectAccessible(page, javaScript);
  await page.getByLabel(/健康保険証の写し/).setInputFiles(photoPath);
  await page.getByRole("button", { name: "ファイルを添付する" }).click();
  await page.getByText(/hokensho\.png \(\d+ KB\)/).waitFor();
  await page.getByLabel("記載内容に誤りがないことを誓約します").check();
  await page.getByRole("button", { name: "次へ進む" }).click();
  await page.waitForURL(/\/check$/);
  await page.getByText("鹿屋 花子（カノヤ ハナコ）").waitFor();
  await expectAccessible(page, javaScript);
  if (shots) {
    await page.screenshot({
      path: new URL("resident-form-check-360.png", SCREENSHOTS).pathname,
      fullPage: true,
    });
  }
}

async function submitWithDoubleClick(page: Page): Promise<number> {
  const submits: Request[] = [];
  page.on("request", (request) => {
    if (request.method() === "POST" && request.url().endsWith("/submit")) {
      submits.push(request);
    }
  });
  await page.getByRole("button", { name: "この内容で申請する" }).dblclick();
  await page.waitForURL(/\/done$/);
  return submits.length;
}

async function expectOneSubmittedApplication(page: Page) {
  const reference = (await page.locator("#reference").textContent())!.trim();
  expect(reference).toMatch(/^[34679ACDEFGHJKMNPQRTWXY]{4}-[34679ACDEFGHJKMNPQRTWXY]{4}$/);
  const db = server.platform.services.database.db;
  const [application] = await db
    .select()
    .from(applications)
    .where(eq(applications.referenceNumber, reference));
  const submits = await db.select().from(auditLog).where(eq(auditLog.resourceId, application!.id));
  expect(submits.filter((row) => row.action === "forms.application.submit")).toHaveLength(1);
  expect(application!.answers["children"]).toEqual([
    { name: "鹿屋 一郎", birth_date: "2019-06-01" },
    { name: "鹿屋 二郎", birth_date: "2022-01-15" },
  ]);

  const download = page.waitForEvent("download");
  await page.getByRole("link", { name: "申請の控え（PDF）をダウンロード" }).click();
  const pdfPath = await (await download).path();
  expect(readFileSync(pdfPath).subarray(0, 5).toString()).toBe("%PDF-");
  const text = execFileSync("pdftotext", [pdfPath, "-"], { encoding: "utf8" });
  expect(text).toContain(reference);
  expect(text).toContain("鹿屋 二郎");
  return reference;
}

describe("a resident applies on a phone", () => {
  it("with JavaScript: fills, saves, resumes, attaches (EICAR refused), submits once despite a double click, downloads the receipt; staff see it", async () => {
    const { context, page, errors } = await phone(true);
    try {
      await fillApplication(page, true, true);
      expect(await submitWithDoubleClick(page)).toBe(1);
      await expectAccessible(page, true);
      await page.screenshot({
        path: new URL("resident-form-done-360.png", SCREENSHOTS).pathname,
        fullPage: true,
      });
      const reference = await expectOneSubmittedApplication(page);
      expect(errors).toEqual([]);

      // Staff see the submission in the console: the form's applications, then the answers.
      const staff = await browser.newContext({ viewport: { width: 1024, height: 800 }, locale: "ja-JP" });
      const console = await staff.newPage();
      await console.goto(`${site}/staff/`);
      await console.getByLabel(/メールアドレス/).fill("manager@tenohira.localhost");
      await console.getByLabel(/パスワード/).fill(DEMO_PASSWORD);
      await console.getByRole("button", { name: /サインイン/ }).click();
      await console.getByRole("heading", { level: 1, name: /手続き/ }).waitFor();
      await console
        .getByRole("navigation", { name: /メニュー/ })
        .getByRole("link", { name: /申請フォーム/ })
        .click();
      await console.getByRole("link", { name: /^児童手当 認定請求（テスト）/ }).click();
      await console.getByRole("link", { name: /^申請 Applications/ }).click();
      await console.getByRole("link", { name: reference }).click();
      await console.getByRole("heading", { level: 1, name: new RegExp(`申請 ${reference}`) }).waitFor();
      const answers = await console.getByRole("table", { name: /回答/ }).textContent();
      expect(answers).toContain("鹿屋 二郎");
      expect(answers).toContain("hokensho.png");
      expect(await axeViolations(console)).toEqual([]);
      await staff.close();
    } finally {
      await context.close();
    }
  }, 120_000);

  it("without JavaScript: the same journey works and a double click still makes one application", async () => {
    const { context, page } = await phone(false);
    try {
      await fillApplication(page, false, false);
      await submitWithDoubleClick(page);
      await expectOneSubmittedApplication(page);
    } finally {
      await context.close();
    }
  }, 120_000);
});
