import { mkdirSync } from "node:fs";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEMO_PASSWORD } from "../app/seed-demo.ts";
import { axeViolations, launchBrowser, startTestServer, type TestServer } from "../core/testing/browser.ts";

const SCREENSHOTS = new URL("../docs/screenshots/", import.meta.url);

let server: TestServer;
let browser: Browser;

beforeAll(async () => {
  [server, browser] = await Promise.all([startTestServer(), launchBrowser()]);
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
});

/** Script errors and CSP violations per page; HTTP errors the console expects (401, 403) are not counted. */
const pageErrors = new WeakMap<Page, string[]>();

async function openConsole(width = 1024): Promise<Page> {
  const context = await browser.newContext({ viewport: { width, height: 800 }, locale: "ja-JP" });
  const page = await context.newPage();
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

async function closeConsole(page: Page): Promise<void> {
  const errors = pageErrors.get(page) ?? [];
  await page.context().close();
  expect(errors).toEqual([]);
}

/** Tabs forward until the element with this id has focus, as a keyboard user would. */
async function tabTo(page: Page, id: string): Promise<void> {
  for (let i = 0; i < 10; i++) {
    await page.keyboard.press("Tab");
    if ((await page.evaluate(() => document.activeElement?.id)) === id) {
      return;
    }
  }
  throw new Error(`Tab never reached #${id}`);
}

/** Tabs backwards until the focused element matches the selector. */
async function shiftTabTo(page: Page, selector: string): Promise<void> {
  for (let i = 0; i < 10; i++) {
    await page.keyboard.press("Shift+Tab");
    if (await page.evaluate((s) => document.activeElement?.matches(s) ?? false, selector)) {
      return;
    }
  }
  throw new Error(`Shift+Tab never reached ${selector}`);
}

async function signInWithKeyboard(page: Page, email: string, password: string): Promise<void> {
  await tabTo(page, "email");
  await page.keyboard.type(email);
  await page.keyboard.press("Tab");
  expect(await page.evaluate(() => document.activeElement?.id)).toBe("password");
  await page.keyboard.type(password);
  await page.keyboard.press("Enter");
}

describe("staff console in Chromium", () => {
  it("the sign-in form has no axe violations, a skip link first and fits 360 px", async () => {
    const page = await openConsole(360);
    try {
      expect(await page.evaluate(() => document.documentElement.lang)).toBe("ja");
      expect(await axeViolations(page)).toEqual([]);
      expect(await page.evaluate(() => document.scrollingElement?.scrollWidth ?? 0)).toBeLessThanOrEqual(360);
      await page.keyboard.press("Tab");
      expect(await page.evaluate(() => document.activeElement?.className)).toBe("skip-link");
      expect(await page.getByLabel(/メールアドレス/).getAttribute("autocomplete")).toBe("username");
    } finally {
      await closeConsole(page);
    }
  });

  it("a wrong password shows the Japanese error, announced and tied to the fields", async () => {
    const page = await openConsole();
    try {
      await signInWithKeyboard(page, "admin@tenohira.localhost", "not-the-password");
      const alert = page.getByRole("alert");
      await expect
        .poll(() => alert.textContent())
        .toContain("メールアドレスまたはパスワードが正しくありません");
      expect(await alert.textContent()).toContain("The email or password is not correct");
      const email = page.locator("#email");
      expect(await email.getAttribute("aria-invalid")).toBe("true");
      expect(await email.getAttribute("aria-describedby")).toBe(await alert.getAttribute("id"));
      expect(await axeViolations(page)).toEqual([]);
    } finally {
      await closeConsole(page);
    }
  });

  it("signs in with the keyboard, lists services and jobs, and signs out", async () => {
    const page = await openConsole();
    try {
      await signInWithKeyboard(page, "admin@tenohira.localhost", DEMO_PASSWORD);
      await page.getByRole("heading", { level: 1, name: /手続き/ }).waitFor();
      const header = page.getByRole("banner");
      expect(await header.textContent()).toContain("手乃 平（DX推進課）");
      expect(await header.textContent()).toContain("システム管理者");
      const table = page.getByRole("table");
      expect(await table.textContent()).toContain("住民票の写しの交付申請");
      expect(await axeViolations(page)).toEqual([]);
      mkdirSync(SCREENSHOTS, { recursive: true });
      await page.screenshot({ path: new URL("staff-dashboard.png", SCREENSHOTS).pathname, fullPage: true });

      await page
        .getByRole("navigation", { name: /メニュー/ })
        .getByRole("link", { name: /ジョブ/ })
        .click();
      await page.getByRole("heading", { level: 1, name: /ジョブ/ }).waitFor();
      expect(page.url()).toBe(`${server.baseUrl}/staff/jobs`);
      expect(await axeViolations(page)).toEqual([]);

      // A reload keeps the session and the view.
      await page.reload();
      await page.getByRole("heading", { level: 1, name: /ジョブ/ }).waitFor();

      await page.getByRole("button", { name: /サインアウト/ }).click();
      await page.getByRole("heading", { level: 1, name: /職員サインイン/ }).waitFor();
      const me = await page.evaluate(async () => (await fetch("/staff/api/me")).status);
      expect(me).toBe(401);
    } finally {
      await closeConsole(page);
    }
  });

  it("a system administrator searches the audit log with the keyboard", async () => {
    await server.platform.request("/staff/api/session", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ email: "doro@tenohira.localhost", password: "not-the-password" }),
    });
    const page = await openConsole(360);
    try {
      await signInWithKeyboard(page, "admin@tenohira.localhost", DEMO_PASSWORD);
      await page.getByRole("heading", { level: 1, name: /手続き/ }).waitFor();
      // From the page heading, the menu is just behind: Shift+Tab to the audit tab and open it.
      await shiftTabTo(page, "a[href='/staff/audit']");
      await page.keyboard.press("Enter");
      await page.getByRole("heading", { level: 1, name: /監査ログ/ }).waitFor();
      expect(page.url()).toBe(`${server.baseUrl}/staff/audit`);
      await expect.poll(() => page.getByRole("status").textContent()).toContain("件を表示しています");
      expect(await page.getByRole("table").textContent()).toContain("staff.sign_in");

      await tabTo(page, "audit-action");
      await page.keyboard.type("staff.sign_in_failed");
      await page.keyboard.press("Enter");
      const rows = page.getByRole("table").locator("tbody tr");
      const onlyFailures = async () => {
        const texts = await rows.allTextContents();
        return texts.length > 0 && texts.every((text) => text.includes("staff.sign_in_failed"));
      };
      await expect.poll(onlyFailures).toBe(true);
      expect((await rows.allTextContents()).some((text) => text.includes("doro@tenohira.localhost"))).toBe(
        true,
      );
      expect(await axeViolations(page)).toEqual([]);
      expect(await page.evaluate(() => document.scrollingElement?.scrollWidth ?? 0)).toBeLessThanOrEqual(360);

      // The actor filter is a list of staff names; nothing matches the failed sign-in's (system) actor.
      await tabTo(page, "audit-actor");
      await page.keyboard.press("ArrowDown");
      await tabTo(page, "audit-resource-type");
      await page.keyboard.press("Enter");
      await expect.poll(() => page.locator("main").textContent()).toContain("該当する記録はありません");
      expect(await axeViolations(page)).toEqual([]);
    } finally {
      await closeConsole(page);
    }
  });

  it("shows the audit tab to system administrators only", async () => {
    const page = await openConsole();
    try {
      await signInWithKeyboard(page, "manager@tenohira.localhost", DEMO_PASSWORD);
      await page.getByRole("heading", { level: 1, name: /手続き/ }).waitFor();
      expect(await page.getByRole("link", { name: /ジョブ/ }).count()).toBe(1);
      expect(await page.getByRole("link", { name: /監査ログ/ }).count()).toBe(0);
    } finally {
      await closeConsole(page);
    }
  });

  it("tells a staff member without the jobs permission so", async () => {
    const page = await openConsole(360);
    try {
      await signInWithKeyboard(page, "staff@tenohira.localhost", DEMO_PASSWORD);
      await page.getByRole("heading", { level: 1, name: /手続き/ }).waitFor();
      await page.getByRole("link", { name: /ジョブ/ }).click();
      await page.getByRole("heading", { level: 1, name: /ジョブ/ }).waitFor();
      expect(await page.locator("main").textContent()).toContain("ジョブを見る権限がありません");
      expect(await axeViolations(page)).toEqual([]);
      expect(await page.evaluate(() => document.scrollingElement?.scrollWidth ?? 0)).toBeLessThanOrEqual(360);
    } finally {
      await closeConsole(page);
    }
  });
});
