import { gzipSync } from "node:zlib";
import { eq } from "drizzle-orm";
import type { Browser, Locator, Page, Request } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEMO_TENANT_SLUG } from "../../../app/seed-demo.ts";
import { tenants } from "../../../core/tenancy/schema.ts";
import {
  axeViolations,
  launchBrowser,
  startTestServer,
  type TestServer,
} from "../../../core/testing/browser.ts";
import type { FormDefinitionInput } from "../definition/form-definition.ts";
import { applications } from "../schema.ts";
import { insertPublishedForm } from "../testing.ts";
import { formsClientScript } from "./client-script.ts";

/** A guest form exercising every enhancement the script makes: conditions, fee, 和暦, address, signature. */
const definition: FormDefinitionInput = {
  schema_version: 1,
  title: { ja: "粗大ごみ収集申込（テスト）", en: "Bulky waste collection (test)" },
  assuranceLevel: "none",
  fee: { amount: { "*": [300, { var: "copies" }] }, label: { ja: "手数料", en: "Fee" } },
  pages: [
    {
      key: "details",
      title: { ja: "申込内容", en: "Details" },
      fields: [
        {
          key: "copies",
          type: "number",
          label: { ja: "品目の数", en: "Items" },
          required: true,
          min: 1,
          max: 10,
        },
        {
          key: "fee_total",
          type: "computed",
          label: { ja: "手数料", en: "Fee" },
          expression: { "*": [300, { var: "copies" }] },
          format: "yen",
        },
        {
          key: "bulk_note",
          type: "info",
          text: { ja: "5品目以上は2回に分けて収集します。", en: "Five or more items are collected twice." },
          showIf: { ">=": [{ var: "copies" }, 5] },
        },
        {
          key: "purpose",
          type: "choice",
          label: { ja: "出すもの", en: "What" },
          required: true,
          options: [
            { value: "furniture", label: { ja: "家具", en: "Furniture" } },
            { value: "other", label: { ja: "その他", en: "Other" } },
          ],
        },
        {
          key: "purpose_other",
          type: "text",
          label: { ja: "その他の品目", en: "Other item" },
          showIf: { "==": [{ var: "purpose" }, "other"] },
          requiredIf: { "==": [{ var: "purpose" }, "other"] },
        },
        { key: "collection_date", type: "date", label: { ja: "希望日", en: "Preferred date" } },
        {
          key: "postal",
          type: "postal_code",
          label: { ja: "郵便番号", en: "Postal code" },
          fillsAddress: "address",
        },
        { key: "address", type: "address", label: { ja: "住所", en: "Address" } },
        { key: "spot", type: "location", label: { ja: "置き場所", en: "Where it is" } },
      ],
    },
    {
      key: "sign",
      title: { ja: "署名", en: "Signature" },
      fields: [
        { key: "signature", type: "signature", label: { ja: "署名", en: "Signature" }, required: true },
      ],
    },
  ],
};

const SLUG = "test-enhancement";
let server: TestServer;
let browser: Browser;

beforeAll(async () => {
  [server, browser] = await Promise.all([startTestServer(), launchBrowser()]);
  const db = server.platform.services.database.db;
  const [tenant] = await db.select().from(tenants).where(eq(tenants.slug, DEMO_TENANT_SLUG));
  await insertPublishedForm(db, { tenantId: tenant!.id, slug: SLUG, definition });
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await server?.close();
});

type Opened = { page: Page; problems: string[]; posts: Request[] };

/**
 * A phone-sized Japanese browser on the form's first page. Collected: script errors and CSP violations
 * (HTTP statuses the runner answers on purpose, like 400 for a page with problems, are not counted), and
 * every POST the page sends.
 */
async function startApplication(): Promise<Opened> {
  const context = await browser.newContext({
    viewport: { width: 360, height: 740 },
    locale: "ja-JP",
    // Kanoya city hall, for the location button.
    geolocation: { latitude: 31.378, longitude: 130.852 },
    permissions: ["geolocation"],
  });
  // Injected by the browser driver, so it is not itself subject to the page's CSP.
  await context.addInitScript(() => {
    document.addEventListener("securitypolicyviolation", (event) => {
      console.error(`CSP violation: ${event.violatedDirective} ${event.blockedURI}`);
    });
  });
  const page = await context.newPage();
  const problems: string[] = [];
  const posts: Request[] = [];
  page.on("console", (message) => {
    if (message.type() === "error" && !message.text().startsWith("Failed to load resource")) {
      problems.push(message.text());
    }
  });
  page.on("pageerror", (error) => problems.push(error.message));
  page.on("request", (request) => {
    if (request.method() === "POST") {
      posts.push(request);
    }
  });
  await page.goto(`${server.baseUrl}/forms/${SLUG}`);
  await page.getByRole("button", { name: "申請を始める" }).click();
  await page.waitForURL(/\/p\/details$/);
  // The deferred script has run once its live region is there.
  await page.locator("main p[role=status]").waitFor({ state: "attached" });
  posts.length = 0;
  return { page, problems, posts };
}

const field = (page: Page, key: string) => page.locator(`[data-field="${key}"]`);
const pathsOf = (requests: Request[]) => requests.map((request) => new URL(request.url()).pathname);
const applicationIdOf = (page: Page) => /\/a\/([0-9a-f-]{36})\//.exec(page.url())![1]!;

async function answersOf(applicationId: string) {
  const [row] = await server.platform.services.database.db
    .select()
    .from(applications)
    .where(eq(applications.id, applicationId));
  return row!;
}

/**
 * A resident's impatient double tap: two real clicks 200 ms apart while the server is slow (the POST is
 * held for a second), so that without the script the second click would send a second request.
 */
async function doubleTap(page: Page, button: Locator, slowPath: string): Promise<void> {
  await page.route(`**${slowPath}`, async (route) => {
    await new Promise((resolve) => setTimeout(resolve, 1000));
    await route.continue();
  });
  await button.scrollIntoViewIfNeeded();
  const box = (await button.boundingBox())!;
  const [x, y] = [box.x + box.width / 2, box.y + box.height / 2];
  await page.mouse.click(x, y);
  await page.waitForTimeout(200);
  await page.mouse.click(x, y);
}

/** The first page answered with the least the server accepts, to get to the later pages. */
async function answerFirstPage(page: Page): Promise<void> {
  await page.getByLabel("品目の数").fill("1");
  await page.getByLabel("家具").check();
  await page.getByRole("button", { name: "次へ進む" }).click();
  await page.waitForURL(/\/p\/sign$/);
}

describe("forms.js, the runner's progressive enhancement, in Chromium", () => {
  it("is small; reports its size raw and gzipped", () => {
    const raw = Buffer.byteLength(formsClientScript);
    const gzipped = gzipSync(formsClientScript).byteLength;
    console.info(`forms.js: ${raw} bytes raw, ${gzipped} bytes gzipped`);
    // The readable source as served; minified it is about 6 KB (the budget against SurveyJS and Form.io).
    expect(gzipped).toBeLessThan(6 * 1024);
  });

  it("updates conditions, the fee and 和暦 live, marks emptied fields, and posts once per double click", async () => {
    const { page, problems, posts } = await startApplication();
    try {
      // Conditions: hidden without an answer, shown for "other", hidden again (and disabled) otherwise.
      const other = field(page, "purpose_other");
      await expect.poll(() => other.isHidden()).toBe(true);
      await page.getByLabel("その他", { exact: true }).check();
      await expect.poll(() => other.isVisible()).toBe(true);
      await page.getByLabel("その他の品目").fill("古い自転車");
      await page.getByLabel("家具").check();
      await expect.poll(() => other.isHidden()).toBe(true);
      expect(await page.locator("#f-purpose_other").isDisabled()).toBe(true);

      // Fee and a condition on a number, also with full-width digits as a phone keyboard may type them.
      const fee = page.locator("output[data-computed]");
      const copies = page.getByLabel("品目の数");
      await copies.fill("3");
      await expect.poll(() => fee.textContent()).toBe("900円");
      expect(await field(page, "bulk_note").isHidden()).toBe(true);
      await copies.fill("１２");
      await expect.poll(() => fee.textContent()).toBe("3,600円");
      expect(await field(page, "bulk_note").isVisible()).toBe(true);
      await copies.fill("2");
      await expect.poll(() => fee.textContent()).toBe("600円");
      await expect.poll(() => field(page, "bulk_note").isHidden()).toBe(true);

      // 和暦 follows the date as it is typed, 元年 included.
      const era = page.locator(".era[data-era-for='f-collection_date']");
      await page.getByLabel("希望日").fill("2019-05-01");
      await expect.poll(() => era.textContent()).toBe("令和元年5月1日");
      await page.getByLabel("希望日").fill("1989-01-07");
      await expect.poll(() => era.textContent()).toBe("昭和64年1月7日");

      // A required field emptied after typing is marked on leaving it, and unmarked once filled.
      await copies.fill("");
      await copies.blur();
      expect(await copies.getAttribute("aria-invalid")).toBe("true");
      await copies.fill("2");
      expect(await copies.getAttribute("aria-invalid")).toBeNull();

      expect(await axeViolations(page)).toEqual([]);

      // A double click on 次へ進む sends one POST, with the clicked button's action and no hidden answer.
      await doubleTap(page, page.getByRole("button", { name: "次へ進む" }), "/p/details");
      await page.waitForURL(/\/p\/sign$/);
      expect(pathsOf(posts)).toEqual([expect.stringMatching(/\/p\/details$/)]);
      const posted = new URLSearchParams(posts[0]!.postData() ?? "");
      expect(posted.getAll("_action")).toEqual(["next"]);
      expect(posted.has("purpose_other")).toBe(false);
      expect(posted.get("copies")).toBe("2");
      expect(await answersOf(applicationIdOf(page))).toMatchObject({
        answers: { copies: 2, purpose: "furniture", purpose_other: null, collection_date: "1989-01-07" },
      });
      expect(problems).toEqual([]);
    } finally {
      await page.context().close();
    }
  });

  it("stores a signature drawn with the mouse and moves on to the check page", async () => {
    const { page, problems, posts } = await startApplication();
    try {
      await answerFirstPage(page);
      // The pad is shown; the typed name stays for keyboard users.
      const canvas = page.locator(".signature-pad canvas");
      await expect.poll(() => canvas.isVisible()).toBe(true);
      expect(await page.getByLabel("署名の代わりに氏名を入力").isVisible()).toBe(true);
      expect(await axeViolations(page)).toEqual([]);

      const box = (await canvas.boundingBox())!;
      await page.mouse.move(box.x + 20, box.y + box.height / 2);
      await page.mouse.down();
      for (let step = 1; step <= 10; step++) {
        await page.mouse.move(box.x + 20 + step * 25, box.y + box.height / 2 + (step % 2 ? -20 : 20));
      }
      await page.mouse.up();
      posts.length = 0;
      const answered = page.waitForResponse((response) => response.request().method() === "POST");
      await page.getByRole("button", { name: "次へ進む" }).click();
      await answered;
      expect(posts).toHaveLength(1);
      expect(posts[0]!.postData()).toContain("data:image/png;base64,");
      expect(await answersOf(applicationIdOf(page))).toMatchObject({
        answers: { signature: { attachment: { name: "signature.png", contentType: "image/png" } } },
      });
      // Either the check page's answers or the signature page again with its problems.
      await page.locator("dl.answers, #error-summary").first().waitFor();
      expect(page.url(), "the drawn signature alone completes the page").toMatch(/\/check$/);
      expect(problems).toEqual([]);
    } finally {
      await page.context().close();
    }
  });

  it("sends one application for a double click on the check page's submit button", async () => {
    const { page, problems, posts } = await startApplication();
    try {
      await answerFirstPage(page);
      await page.getByLabel("署名の代わりに氏名を入力").fill("鹿屋 花子");
      await page.getByRole("button", { name: "次へ進む" }).click();
      await page.waitForURL(/\/check$/);
      expect(await axeViolations(page)).toEqual([]);

      posts.length = 0;
      const applicationId = applicationIdOf(page);
      await doubleTap(page, page.getByRole("button", { name: "この内容で申請する" }), "/submit");
      // The fee is due at submission: on to the payment page.
      await page.waitForURL(/\/payments\/[0-9a-f-]{36}$/);
      expect(pathsOf(posts)).toEqual([expect.stringMatching(/\/submit$/)]);
      const submitted = await answersOf(applicationId);
      expect(submitted.referenceNumber).toBeTruthy();
      expect(submitted.answers).toMatchObject({ signature: { typed: "鹿屋 花子" } });
      expect(problems).toEqual([]);
    } finally {
      await page.context().close();
    }
  });

  it("fills the address from a 7-digit postal code only when it is empty, and the location on request", async () => {
    const { page, problems } = await startApplication();
    try {
      // The lookup endpoint belongs to another part of the platform: answer it here in the browser.
      const lookups: string[] = [];
      await page.route("**/forms/postal-codes/*", (route) => {
        lookups.push(new URL(route.request().url()).pathname);
        return route.fulfill({ json: { address: "鹿児島県鹿屋市共栄町" } });
      });
      const postal = page.getByLabel("郵便番号");
      const address = page.getByLabel("住所", { exact: true });
      await postal.fill("893-00");
      await postal.fill("８９３－００６４");
      await expect.poll(() => address.inputValue()).toBe("鹿児島県鹿屋市共栄町");
      expect(lookups).toEqual(["/forms/postal-codes/8930064"]);
      expect(await page.locator("main p[role=status]").textContent()).toContain("鹿児島県鹿屋市共栄町");

      // What the resident typed is never overwritten.
      await address.fill("自分で書いた住所");
      await postal.fill("8930065");
      await expect.poll(() => lookups.length).toBe(2);
      expect(await address.inputValue()).toBe("自分で書いた住所");

      await page.getByRole("button", { name: "現在地を入力する" }).click();
      await expect.poll(() => page.getByLabel("緯度").inputValue()).toBe("31.378000");
      expect(await page.getByLabel("経度").inputValue()).toBe("130.852000");
      expect(problems).toEqual([]);
    } finally {
      await page.context().close();
    }
  });

  it("without a lookup service leaves the address alone, and focuses the error summary", async () => {
    const { page, problems } = await startApplication();
    try {
      await page.route("**/forms/postal-codes/*", (route) => route.fulfill({ status: 404, json: {} }));
      await page.getByLabel("郵便番号").fill("8930064");
      await page.getByRole("button", { name: "次へ進む" }).click();
      await page.waitForLoadState("load");
      await expect.poll(() => page.evaluate(() => document.activeElement?.id)).toBe("error-summary");
      expect(await page.getByLabel("住所", { exact: true }).inputValue()).toBe("");
      expect(await axeViolations(page)).toEqual([]);
      expect(problems).toEqual([]);
    } finally {
      await page.context().close();
    }
  });
});
