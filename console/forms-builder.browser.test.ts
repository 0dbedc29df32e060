import { mkdirSync } from "node:fs";
import type { Browser, Locator, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEMO_PASSWORD } from "../app/seed-demo.ts";
import { axeViolations, launchBrowser, startTestServer, type TestServer } from "../core/testing/browser.ts";
import type { FormDefinition } from "../modules/forms/definition/form-definition.ts";
import { applications, formVersions } from "../modules/forms/schema.ts";

const SCREENSHOTS = new URL("../docs/screenshots/", import.meta.url);

let server: TestServer;
let browser: Browser;

beforeAll(async () => {
  [server, browser] = await Promise.all([startTestServer(), launchBrowser()]);
  mkdirSync(SCREENSHOTS, { recursive: true });
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
});

/**
 * What a person does, counted: the walkthrough (docs/forms-walkthrough.md) states how long the steps of
 * this test take a member of staff, from these counts.
 */
const effort = { clicks: 0, typedCharacters: 0, fills: 0 };
/** A click, choice or tick: finding the control and pressing it. */
const SECONDS_PER_CLICK = 4;
/** Typing Japanese with conversion, per character (a slow typist's pace). */
const SECONDS_PER_CHARACTER = 1;

async function click(locator: Locator): Promise<void> {
  effort.clicks++;
  await locator.click();
}

async function fill(locator: Locator, text: string): Promise<void> {
  effort.fills++;
  effort.typedCharacters += [...text].length;
  await locator.fill(text);
}

async function choose(locator: Locator, label: string | RegExp): Promise<void> {
  effort.clicks++;
  const options = await locator.locator("option").allTextContents();
  const match = options.find((text) => (typeof label === "string" ? text.includes(label) : label.test(text)));
  if (match === undefined) {
    throw new Error(`No option ${label} in ${options.join(", ")}`);
  }
  await locator.selectOption({ label: match });
}

async function shoot(
  page: Page,
  name: string,
  target?: Locator,
  block: ScrollLogicalPosition = "start",
): Promise<void> {
  if (target) {
    await target.evaluate((element, at) => element.scrollIntoView({ block: at }), block);
  }
  await page.screenshot({ path: new URL(`forms-${name}.png`, SCREENSHOTS).pathname });
}

/** Waits for something the page does after a request (saving, publishing) on a busy two-core machine. */
function eventually<T>(read: () => Promise<T> | T) {
  return expect.poll(read, { timeout: 10_000 });
}

const pageErrors = new WeakMap<Page, string[]>();

async function openConsole(width = 1024): Promise<Page> {
  const context = await browser.newContext({ viewport: { width, height: 800 }, locale: "ja-JP" });
  const page = await context.newPage();
  // Fail on the step that went wrong, well before the test's own time limit.
  page.setDefaultTimeout(10_000);
  const errors: string[] = [];
  pageErrors.set(page, errors);
  page.on("console", (message) => {
    if (message.type() === "error" && !message.text().startsWith("Failed to load resource")) {
      errors.push(message.text());
    }
  });
  page.on("pageerror", (error) => errors.push(error.message));
  await page.goto(`${server.baseUrl}/staff/`);
  await page.getByRole("heading", { level: 1, name: /職員サインイン/ }).waitFor();
  return page;
}

/** Closes the page; its script and CSP errors are checked after the test's own steps (never masking them). */
async function closeConsole(page: Page): Promise<string[]> {
  await page.context().close();
  return pageErrors.get(page) ?? [];
}

async function signIn(page: Page, email: string): Promise<void> {
  await fill(page.getByLabel(/メールアドレス/), email);
  await fill(page.getByLabel(/パスワード/), DEMO_PASSWORD);
  await click(page.getByRole("button", { name: /サインイン/ }));
  await page.getByRole("heading", { level: 1, name: /手続き/ }).waitFor();
}

async function openForms(page: Page): Promise<void> {
  await click(page.getByRole("navigation", { name: /メニュー/ }).getByRole("link", { name: /申請フォーム/ }));
  await page.getByRole("heading", { level: 1, name: /申請フォーム/ }).waitFor();
}

/** The card of a field, by its title, not counting the cards of a group's members inside it. */
function card(scope: Page | Locator, title: string): Locator {
  return scope.locator("li.field-card").filter({
    has: scope.locator(":scope > .field-card-head > .field-card-title", {
      hasText: new RegExp(`^${title}$`),
    }),
  });
}

async function focusedLabel(page: Page): Promise<string> {
  return page.evaluate(() => {
    const element = document.activeElement;
    return element?.id ? (document.querySelector(`label[for="${element.id}"]`)?.textContent ?? "") : "";
  });
}

/** Adds a field from a palette; the new field opens with its label box focused, so type the label. */
async function addField(palette: Locator, type: RegExp, label: string | null): Promise<Locator> {
  const page = palette.page();
  await click(palette.getByRole("button", { name: type }));
  expect(await focusedLabel(page)).toContain("項目名（日本語）");
  const focused = page.locator(":focus");
  // Pin the card by its id now: ":focus" moves on as the test goes.
  const id = await page.locator("li.field-card.open").filter({ has: focused }).last().getAttribute("id");
  if (label !== null) {
    await fill(focused, label);
  }
  return page.locator(`[id="${id}"]`);
}

async function tickRequired(fieldCard: Locator): Promise<void> {
  await click(fieldCard.getByRole("checkbox", { name: /必須にする/ }).first());
}

const pagePalette = (page: Page) => page.getByRole("group", { name: /このページに項目を追加/ });

async function save(page: Page): Promise<void> {
  await click(page.getByRole("button", { name: /^保存/ }));
  await eventually(() => page.locator("#fb-status").textContent()).toContain("保存しました");
}

async function previewText(page: Page): Promise<string> {
  const frame = page.frameLocator("#fb-preview-frame");
  await frame.locator("main").waitFor();
  return (await frame.locator("main").textContent()) ?? "";
}

let formId = "";

describe("the form builder in Chromium", () => {
  it("a staff member builds the after-school club form from scratch, and previews it", async () => {
    const page = await openConsole();
    let errors: string[] = [];
    const started = performance.now();
    try {
      // 1. Sign in and open 申請フォーム.
      await signIn(page, "staff@tenohira.localhost");
      await openForms(page);
      expect(await axeViolations(page)).toEqual([]);
      await shoot(page, "01-list");

      // 2. New form, from scratch.
      await click(page.getByRole("link", { name: /新規作成/ }));
      await page.getByRole("heading", { level: 1, name: /新規作成/ }).waitFor();
      expect(await page.getByRole("radio", { name: /白紙から作る/ }).isChecked()).toBe(true);
      expect(await page.getByLabel("テンプレート Template").isVisible()).toBe(false);
      await fill(page.getByLabel(/URL名/), "houkago-club-2026");
      expect(await axeViolations(page)).toEqual([]);
      await shoot(page, "02-new");
      await click(page.getByRole("button", { name: /作成する/ }));
      await page.getByRole("heading", { level: 1, name: /の編集/ }).waitFor();
      formId = new URL(page.url()).pathname.split("/").pop() ?? "";
      expect(formId).toMatch(/^[0-9a-f-]{36}$/);

      // 3. The form's title and introduction.
      await fill(page.getByLabel("フォームの名前（日本語）"), "放課後児童クラブ入所申込");
      await fill(page.getByLabel("フォームの名前（英語"), "After-school club application");
      await fill(
        page.getByLabel("はじめに表示する説明（日本語）"),
        "小学生のお子さんの放課後児童クラブへの入所を申し込みます。",
      );
      await shoot(page, "03-settings", page.getByRole("heading", { name: /フォームの設定/ }));
      await click(page.getByRole("button", { name: /フォームの設定/ }));
      expect(await page.getByRole("button", { name: /フォームの設定/ }).getAttribute("aria-expanded")).toBe(
        "false",
      );
      expect(await page.getByLabel("フォームの名前（日本語）").isVisible()).toBe(false);

      // 4. Page 1: the guardian. The blank form's sample question goes first.
      await fill(page.getByLabel("ページの名前（日本語）"), "保護者の情報");
      await click(page.getByRole("button", { name: /「質問 1」を\s*削除/ }));
      expect(await page.locator("li.field-card").count()).toBe(0);
      const guardian = await addField(pagePalette(page), /氏名（フリガナ付き）/, "保護者の氏名");
      await tickRequired(guardian);
      expect(await guardian.getByRole("checkbox", { name: /フリガナも入力/ }).isChecked()).toBe(true);
      await tickRequired(await addField(pagePalette(page), /電話番号/, null));
      const postal = await addField(pagePalette(page), /郵便番号/, null);
      await tickRequired(postal);
      await tickRequired(await addField(pagePalette(page), /^＋ 住所/, null));
      await choose(postal.getByLabel(/郵便番号から自動入力する住所の項目/), "住所");
      await shoot(page, "04-guardian", page.getByRole("heading", { name: /1ページ目/ }));

      // 5. 就労状況, with 「その他」 asking for details: shown and required only then.
      const work = await addField(pagePalette(page), /選択（1つ）/, "就労状況");
      await tickRequired(work);
      await fill(
        work.getByLabel("選択肢をまとめて入力"),
        "会社員・公務員 | Employee\n自営業 | Self-employed\nその他 | Other",
      );
      await click(work.getByRole("button", { name: /まとめて追加/ }));
      expect(
        await work
          .getByLabel(/^選択肢\d（日本語）/)
          .evaluateAll((inputs) => inputs.map((i) => (i as HTMLInputElement).value)),
      ).toEqual(["会社員・公務員", "自営業", "その他"]);
      const other = await addField(pagePalette(page), /長い文章/, "その他の就労状況");
      const showIf = other.getByRole("group", { name: /この項目を表示する条件/ });
      await choose(showIf.getByLabel("項目"), "就労状況");
      await choose(showIf.getByLabel("値"), "その他");
      const requiredIf = other.getByRole("group", { name: /次の条件のときだけ必須/ });
      await choose(requiredIf.getByLabel("項目"), "就労状況");
      await choose(requiredIf.getByLabel("値"), "その他");
      expect(await card(page, "その他の就労状況").locator(".badge.logic").first().textContent()).toContain(
        "「就労状況」が「その他」のとき",
      );
      await shoot(page, "05-condition", showIf);

      // 6. Page 2: each child, in a repeating group.
      await click(page.getByRole("button", { name: /ページを追加/ }));
      expect(await focusedLabel(page)).toContain("ページの名前（日本語）");
      await fill(page.locator(":focus"), "お子さんの情報");
      await click(page.getByRole("button", { name: /「質問」を\s*削除/ }));
      const children = await addField(pagePalette(page), /繰り返し/, "お子さん");
      await fill(children.getByLabel(/1件の呼び方.*（日本語）/), "お子さん");
      await fill(children.getByLabel(/最大件数/), "4");
      await click(children.getByRole("button", { name: /「質問」を\s*削除/ }));
      const memberPalette = children.getByRole("group", { name: /「お子さん」に項目を追加/ });
      await tickRequired(await addField(memberPalette, /氏名（フリガナ付き）/, "お子さんの氏名"));
      await tickRequired(await addField(memberPalette, /日付/, "生年月日"));
      const grade = await addField(memberPalette, /選択（1つ）/, "学年");
      await tickRequired(grade);
      await fill(grade.getByLabel("選択肢をまとめて入力"), "1年生\n2年生\n3年生\n4年生\n5年生\n6年生");
      await click(grade.getByRole("button", { name: /まとめて追加/ }));
      await shoot(page, "06-children", children);

      // 7. Page 3: consent.
      await click(page.getByRole("button", { name: /ページを追加/ }));
      await fill(page.locator(":focus"), "確認と同意");
      await click(page.getByRole("button", { name: /「質問」を\s*削除/ }));
      await tickRequired(
        await addField(
          pagePalette(page),
          /同意のチェック/,
          "記載内容に誤りがないことを確認し、利用規約に同意します",
        ),
      );

      // 8. Save, then preview page 1 as a resident sees it.
      await save(page);
      expect(await page.locator("#fb-summary").textContent()).toBe("");
      await choose(page.getByLabel("表示するページ"), "保護者の情報");
      await eventually(() => previewText(page)).toContain("保護者の氏名");
      expect(await previewText(page)).toContain("就労状況");
      const seconds = (performance.now() - started) / 1000;
      const estimate = effort.clicks * SECONDS_PER_CLICK + effort.typedCharacters * SECONDS_PER_CHARACTER;
      console.info(
        JSON.stringify({
          walkthrough: "build",
          ...effort,
          estimatedMinutes: +(estimate / 60).toFixed(1),
          testSeconds: +seconds.toFixed(1),
        }),
      );
      expect(estimate).toBeLessThan(15 * 60);
      await shoot(page, "07-preview", page.getByRole("heading", { name: /プレビュー/ }));
      expect(await axeViolations(page)).toEqual([]);

      // What was saved is the definition the resident runner reads.
      const detail = (await page.evaluate(
        async (id) => (await fetch(`/staff/api/forms/forms/${id}`)).json(),
        formId,
      )) as { draft: FormDefinition };
      const [first, second, third] = detail.draft.pages;
      expect(first?.fields.map((f) => f.type)).toEqual([
        "name",
        "phone",
        "postal_code",
        "address",
        "choice",
        "textarea",
      ]);
      const work1 = first!.fields[4]!;
      const other1 = first!.fields[5]!;
      const otherValue =
        work1.type === "choice" ? work1.options.find((o) => o.label.ja === "その他")?.value : "";
      expect(other1.type === "textarea" && other1.showIf).toEqual({ "==": [{ var: work1.key }, otherValue] });
      expect(other1.type === "textarea" && other1.requiredIf).toEqual({
        "==": [{ var: work1.key }, otherValue],
      });
      const group = second?.fields[0];
      expect(group?.type === "group" && group.fields.map((f) => f.type)).toEqual(["name", "date", "choice"]);
      expect(group?.type === "group" && group.maxItems).toBe(4);
      expect(third?.fields[0]?.type).toBe("consent");
    } finally {
      errors = await closeConsole(page);
    }
    expect(errors).toEqual([]);
  }, 180_000);

  it("reorders with the keyboard, and shows the server's errors next to the field in both languages", async () => {
    const page = await openConsole();
    let errors: string[] = [];
    try {
      await signIn(page, "staff@tenohira.localhost");
      await page.goto(`${server.baseUrl}/staff/forms/${formId}`);
      await page.getByRole("heading", { level: 1, name: /放課後児童クラブ入所申込/ }).waitFor();
      // Move 電話番号 above 保護者の氏名 with Enter on its 「上へ」 button; focus stays on the moved field.
      await page.getByRole("button", { name: /「電話番号」を\s*上へ/ }).focus();
      await page.keyboard.press("Enter");
      await eventually(() => page.locator(".field-card-title").first().textContent()).toBe("電話番号");
      const moveUp = page.getByRole("button", { name: /「電話番号」を\s*上へ/ });
      expect(await moveUp.evaluate((button) => button === document.activeElement)).toBe(true);
      expect(await page.locator("#fb-status").textContent()).toContain("1番目に移動しました");
      // At the top the button stays focusable and says so instead of moving.
      await page.keyboard.press("Enter");
      expect(await page.locator("#fb-status").textContent()).toContain("これ以上、上へは移動できません");
      await page.getByRole("button", { name: /「電話番号」を\s*下へ/ }).focus();
      await page.keyboard.press("Enter");
      await eventually(() => page.locator(".field-card-title").first().textContent()).toBe("保護者の氏名");

      // A key the format refuses: the error shows beside the key box, in Japanese and English.
      const phone = card(page, "電話番号");
      await phone.getByRole("button", { name: /「電話番号」を\s*編集/ }).click();
      await phone.locator("summary", { hasText: "詳細設定" }).click();
      const key = phone.getByLabel(/キー（データの名前）/);
      await key.fill("Phone Number");
      await page.getByRole("button", { name: /^保存/ }).click();
      const summary = page.locator("#fb-error-summary");
      await summary.waitFor();
      expect(await page.evaluate(() => document.activeElement?.id)).toBe("fb-error-summary");
      expect(await summary.textContent()).toContain("項目「電話番号」");
      expect(await key.getAttribute("aria-invalid")).toBe("true");
      const describedBy = (await key.getAttribute("aria-describedby")) ?? "";
      const errorText = await page.locator(`#${describedBy.split(" ")[0]}`).textContent();
      expect(errorText).toContain("キーは英小文字で始め");
      expect(errorText).toContain("lowercase letters");
      expect(await axeViolations(page)).toEqual([]);
      await shoot(page, "08-error", key, "center");
      // Following the summary's link goes to the box; fixing it saves.
      await summary.getByRole("link", { name: /電話番号/ }).click();
      expect(await focusedLabel(page)).toContain("キー（データの名前）");
      await page.locator(":focus").fill("phone");
      await save(page);
      expect(await page.locator("#fb-summary").textContent()).toBe("");

      // A skip rule: self-employed guardians go straight to the consent page.
      await page.getByRole("button", { name: /ルールを追加/ }).click();
      const rule = page.getByRole("group", { name: /ルール1/ });
      expect(await rule.getByLabel("項目").evaluate((select) => select === document.activeElement)).toBe(
        true,
      );
      await rule.getByLabel("項目").selectOption({ label: "就労状況" });
      await rule.getByLabel("値").selectOption({ label: "自営業" });
      await page.getByLabel("進む先").selectOption({ label: "3. 確認と同意" });
      // Pages reorder with the keyboard too: the consent page up and back down.
      await page.getByRole("button", { name: /「確認と同意」を\s*上へ/ }).focus();
      await page.keyboard.press("Enter");
      await eventually(() => page.locator("#fb-page-1-select").textContent()).toContain("確認と同意");
      await page.keyboard.press("Tab");
      expect(await page.evaluate(() => document.activeElement?.id)).toBe("fb-page-1-down");
      await page.keyboard.press("Enter");
      await eventually(() => page.locator("#fb-page-2-select").textContent()).toContain("確認と同意");
      await save(page);
      const saved = (await page.evaluate(
        async (id) => (await fetch(`/staff/api/forms/forms/${id}`)).json(),
        formId,
      )) as { draft: FormDefinition };
      const [first, , third] = saved.draft.pages;
      const workField = first!.fields.find((f) => f.type === "choice" && f.label.ja === "就労状況");
      const selfEmployed =
        workField?.type === "choice" ? workField.options.find((o) => o.label.ja === "自営業")?.value : null;
      expect(first?.next).toEqual([
        { if: { "==": [{ var: workField?.key }, selfEmployed] }, goTo: third?.key },
      ]);
      // Unsaved edits can be thrown away.
      await page.getByRole("button", { name: /このルールを削除/ }).click();
      expect(await page.getByRole("group", { name: /ルール1/ }).count()).toBe(0);
      await page.getByRole("button", { name: /変更を取り消す/ }).click();
      expect(await page.getByRole("group", { name: /ルール1/ }).count()).toBe(1);
      await page.getByRole("button", { name: /このルールを削除/ }).click();
      await save(page);

      // Leaving with unsaved edits asks first; saying no keeps the editor and the edits.
      await page.getByLabel("ページの名前（日本語）").fill("保護者");
      const asked: string[] = [];
      page.once("dialog", (dialog) => {
        asked.push(dialog.message());
        void dialog.dismiss();
      });
      await page.getByRole("link", { name: /版の履歴と比較/ }).click();
      expect(asked[0]).toContain("保存していない変更があります");
      expect(await page.getByLabel("ページの名前（日本語）").inputValue()).toBe("保護者");
      page.once("dialog", (dialog) => void dialog.dismiss());
      await page
        .getByRole("navigation", { name: /メニュー/ })
        .getByRole("link", { name: /申請フォーム/ })
        .click();
      expect(await page.getByLabel("ページの名前（日本語）").inputValue()).toBe("保護者");
      await page.getByRole("button", { name: /変更を取り消す/ }).click();
      expect(await page.getByLabel("ページの名前（日本語）").inputValue()).toBe("保護者の情報");
    } finally {
      errors = await closeConsole(page);
    }
    expect(errors).toEqual([]);
  }, 180_000);

  it("a department manager publishes version 1, edits and publishes version 2, and sees the diff", async () => {
    const page = await openConsole();
    let errors: string[] = [];
    try {
      await signIn(page, "manager@tenohira.localhost");
      await openForms(page);
      const row = page.getByRole("row", { name: /放課後児童クラブ入所申込/ });
      expect(await row.textContent()).toContain("下書き");
      await click(row.getByRole("link", { name: /^放課後児童クラブ入所申込/ }));
      await page.getByRole("heading", { level: 1, name: /の編集/ }).waitFor();
      expect(await axeViolations(page)).toEqual([]);

      await click(page.getByRole("button", { name: /^公開 Publish/ }));
      const confirm = page.getByRole("group", { name: /第1版として公開しますか/ });
      expect(await page.evaluate(() => document.activeElement?.id)).toBe("fb-confirm");
      await shoot(page, "09-publish");
      await click(confirm.getByRole("button", { name: /公開する/ }));
      await eventually(() => page.locator("#fb-status").textContent()).toContain("第1版を公開しました");
      expect(await page.locator(".editor-facts").textContent()).toContain("公開中の版: 第1版");

      // Version 2: one more question on page 1, saved and published in one go.
      await tickRequired(await addField(pagePalette(page), /電話番号/, "緊急連絡先"));
      expect(await page.locator("#fb-dirty").textContent()).toContain("保存していない変更があります");
      await click(page.getByRole("button", { name: /^公開 Publish/ }));
      expect(await page.getByRole("group", { name: /第2版として公開/ }).textContent()).toContain(
        "保存していない変更は先に保存します",
      );
      await click(page.getByRole("button", { name: /公開する/ }));
      await eventually(() => page.locator("#fb-status").textContent()).toContain("第2版を公開しました");

      // The history and what changed between the two versions.
      await click(page.getByRole("link", { name: /版の履歴と比較/ }));
      await page.getByRole("heading", { level: 1, name: /版の履歴/ }).waitFor();
      await eventually(() => page.locator("#diff-status").textContent()).toContain("件の違いがあります");
      const diff = page.getByRole("table", { name: /第1版 → 第2版/ });
      expect(await diff.textContent()).toContain("緊急連絡先");
      expect(await diff.textContent()).toContain("追加");
      expect(await page.getByRole("table", { name: /公開された版/ }).textContent()).toContain("市民 課長");
      expect(await axeViolations(page)).toEqual([]);
      await shoot(page, "10-diff", page.getByRole("heading", { name: /版を比べる/ }));

      // Version 2 against the draft: nothing changed since.
      await page.getByLabel("比べる元").selectOption("2");
      await page.getByLabel("比べる先").selectOption("draft");
      await page.getByRole("button", { name: /比べる Compare/ }).click();
      await eventually(() => page.locator("#diff-status").textContent()).toContain("0件の違い");

      // What the manager published is live for residents at once, on a phone, as version 2.
      const phone = await browser.newContext({ viewport: { width: 360, height: 740 }, locale: "ja-JP" });
      try {
        const resident = await phone.newPage();
        await resident.goto(`${server.baseUrl}/forms/houkago-club-2026`);
        await resident.getByRole("heading", { level: 1, name: "放課後児童クラブ入所申込" }).waitFor();
        expect(await resident.getByRole("button", { name: "申請を始める" }).count()).toBe(1);
      } finally {
        await phone.close();
      }
    } finally {
      errors = await closeConsole(page);
    }
    expect(errors).toEqual([]);
  }, 180_000);

  it("shows a submitted application with where each value came from", async () => {
    const { db } = server.platform.services.database;
    const detailResponse = await server.platform.request(`/staff/api/forms/forms/${formId}`, {
      headers: await server.platform.signInStaff("manager@tenohira.localhost"),
    });
    const detail = (await detailResponse.json()) as { draft: FormDefinition };
    const [guardian, phone, , address, work] = detail.draft.pages[0]!.fields;
    const [version] = await db.select().from(formVersions).orderBy(formVersions.number);
    const tenantId = version!.tenantId;
    const workValue = work?.type === "choice" ? work.options[0]!.value : "";
    const [application] = await db
      .insert(applications)
      .values({
        tenantId,
        formId,
        formVersionId: (await db.select().from(formVersions)).find(
          (v) => v.formId === formId && v.number === 2,
        )!.id,
        locale: "ja",
        answers: {
          [guardian!.key]: { name: "手乃 花子", kana: "テノ ハナコ" },
          [phone!.key]: "0991234567",
          [address!.key]: "てのひら市中央1-2-3",
          [work!.key]: workValue,
        },
        provenance: {
          [guardian!.key]: { source: "prefilled", prefilledFrom: "card", changed: false },
          [phone!.key]: { source: "typed" },
          [address!.key]: { source: "prefilled", prefilledFrom: "card", changed: true },
          [work!.key]: { source: "typed" },
        },
        referenceNumber: "HK7M3Q9P",
        submittedAt: new Date(),
      })
      .returning();

    const page = await openConsole();
    let errors: string[] = [];
    try {
      await signIn(page, "staff@tenohira.localhost");
      await page.goto(`${server.baseUrl}/staff/forms/${formId}/applications`);
      await page.getByRole("heading", { level: 1, name: /の申請/ }).waitFor();
      await page.getByRole("table").waitFor();
      expect(await page.getByRole("table").textContent()).toContain("第2版");
      await page.getByRole("link", { name: "HK7M3Q9P" }).click();
      await page.getByRole("heading", { level: 1, name: /申請 HK7M3Q9P/ }).waitFor();
      const answers = page.getByRole("table", { name: /回答/ });
      const rowOf = (label: string) => answers.getByRole("row").filter({ hasText: label }).first();
      expect(await rowOf("保護者の氏名").textContent()).toContain("自動入力(カード)");
      expect(await rowOf("保護者の氏名").textContent()).not.toContain("変更あり");
      expect(await rowOf("住所").textContent()).toContain("変更あり");
      expect(await rowOf("電話番号").textContent()).toContain("入力");
      expect(await axeViolations(page)).toEqual([]);
      await shoot(page, "11-application");
      expect(application?.id).toBeTruthy();
    } finally {
      errors = await closeConsole(page);
    }
    expect(errors).toEqual([]);
  }, 180_000);

  it("a manager starts from a template, exports and imports it, duplicates, publishes and unpublishes", async () => {
    const page = await openConsole();
    let errors: string[] = [];
    try {
      await signIn(page, "manager@tenohira.localhost");
      await openForms(page);
      await page.getByRole("link", { name: /新規作成/ }).click();
      await page.getByRole("radio", { name: /テンプレートから作る/ }).check();
      await page.getByLabel("テンプレート Template").selectOption({
        label: "住民票の写し交付申請 (Application for a copy of the certificate of residence)",
      });
      await page.getByLabel(/URL名/).fill("juminhyo-2026");
      expect(await axeViolations(page)).toEqual([]);
      await page.getByRole("button", { name: /作成する/ }).click();
      await page.getByRole("heading", { level: 1, name: /「住民票の写し交付申請」の編集/ }).waitFor();
      // The template's fee reads a computed field: the fee helper shows it without JSON.
      // A form that was never published opens with its settings shown.
      expect(await page.getByRole("button", { name: /フォームの設定/ }).getAttribute("aria-expanded")).toBe(
        "true",
      );
      const fee = page.getByRole("group", { name: /手数料の金額/ });
      expect(await fee.getByRole("radio", { name: /項目の値/ }).isChecked()).toBe(true);
      expect(await fee.getByLabel("金額にする項目").locator("option:checked").textContent()).toContain(
        "手数料",
      );
      // Its computed field is 「¥300 × 通数」.
      await page.locator("#fb-page-1-select").click();
      await card(page, "手数料\\(1通300円\\)")
        .getByRole("button", { name: /を\s*編集/ })
        .click();
      const expression = page.getByRole("group", { name: /計算のしかた/ });
      expect(await expression.getByRole("radio", { name: /単価 × 項目の数/ }).isChecked()).toBe(true);
      expect(await expression.getByLabel(/単価（円）/).inputValue()).toBe("300");
      expect(await axeViolations(page)).toEqual([]);

      // Export to a file, and import that file as a new form.
      const exported = await page.evaluate(async () => {
        const link = document.querySelector<HTMLAnchorElement>("#fb-export")!;
        const response = await fetch(link.href);
        return { text: await response.text(), disposition: response.headers.get("content-disposition") };
      });
      expect(exported.disposition).toContain("juminhyo-2026.tenohira-form.json");
      expect(JSON.parse(exported.text)).toMatchObject({ format: "tenohira-form", slug: "juminhyo-2026" });
      await page.getByRole("link", { name: /一覧/ }).first().click();
      await page.getByRole("link", { name: /新規作成/ }).click();
      await page.getByRole("radio", { name: /ファイルを読み込む/ }).check();
      await page.getByLabel(/フォームのファイル/).setInputFiles({
        name: "broken.json",
        mimeType: "application/json",
        buffer: Buffer.from("{not json"),
      });
      await page.getByLabel(/URL名/).fill("juminhyo-imported");
      await page.getByRole("button", { name: /作成する/ }).click();
      await eventually(() => page.locator("#new-file-error").textContent()).toContain(
        "JSONのファイルではありません",
      );
      expect(await page.getByLabel(/フォームのファイル/).getAttribute("aria-invalid")).toBe("true");
      await page.getByLabel(/フォームのファイル/).setInputFiles({
        name: "juminhyo-2026.tenohira-form.json",
        mimeType: "application/json",
        buffer: Buffer.from(exported.text),
      });
      await page.getByRole("button", { name: /作成する/ }).click();
      await page.getByRole("heading", { level: 1, name: /「住民票の写し交付申請」の編集/ }).waitFor();
      const imported = page.url();

      // Duplicate, then publish and unpublish the copy.
      await page.getByRole("button", { name: /^複製/ }).click();
      expect(await page.evaluate(() => document.activeElement?.id)).toBe("fb-duplicate-slug");
      await page.locator(":focus").fill("juminhyo-copy");
      await page.getByRole("button", { name: /複製する/ }).click();
      await eventually(() => page.url()).not.toBe(imported);
      await page.getByRole("heading", { level: 1, name: /「住民票の写し交付申請」の編集/ }).waitFor();
      await page.getByRole("button", { name: /^公開 Publish/ }).click();
      await page.getByRole("button", { name: /公開する/ }).click();
      await eventually(() => page.locator("#fb-status").textContent()).toContain("第1版を公開しました");
      await page.getByRole("button", { name: /^公開停止/ }).click();
      await page.getByRole("button", { name: /公開を停止する/ }).click();
      await eventually(() => page.locator("#fb-status").textContent()).toContain("公開を停止しました");
      expect(await page.locator(".editor-facts").textContent()).toContain("公開停止");
      await page.getByRole("link", { name: /一覧/ }).first().click();
      // The list loads after the click: wait for its rows rather than reading an empty table.
      await expect
        .poll(
          async () =>
            (await page.getByRole("table").locator("tbody tr").allTextContents()).filter((row) =>
              row.includes("住民票の写し交付申請"),
            ).length,
        )
        .toBeGreaterThanOrEqual(4);
    } finally {
      errors = await closeConsole(page);
    }
    expect(errors).toEqual([]);
  }, 180_000);

  it("the list and the editor work at 360 px", async () => {
    const page = await openConsole(360);
    let errors: string[] = [];
    try {
      await signIn(page, "staff@tenohira.localhost");
      await openForms(page);
      expect(await axeViolations(page)).toEqual([]);
      expect(await page.evaluate(() => document.scrollingElement?.scrollWidth ?? 0)).toBeLessThanOrEqual(360);
      await page.goto(`${server.baseUrl}/staff/forms/${formId}`);
      await page.getByRole("heading", { level: 1, name: /の編集/ }).waitFor();
      await card(page, "就労状況")
        .getByRole("button", { name: /を\s*編集/ })
        .click();
      expect(await axeViolations(page)).toEqual([]);
      expect(await page.evaluate(() => document.scrollingElement?.scrollWidth ?? 0)).toBeLessThanOrEqual(360);
      await shoot(page, "12-phone", card(page, "就労状況"));
    } finally {
      errors = await closeConsole(page);
    }
    expect(errors).toEqual([]);
  }, 180_000);
});
