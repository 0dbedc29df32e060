// Issue 6's queue journey: a resident takes a ticket online, follows it on the status page, staff call the
// next ticket at their counter, and the resident is told where to go (page, inbox, email) while the board
// shows the number. Pages, staff console sign-in, worker and subscribers all run for real.
import { and, eq } from "drizzle-orm";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEMO_PASSWORD } from "../../app/seed-demo.ts";
import { notifications } from "../../core/notifications/schema.ts";
import {
  expectPhonePage,
  launchBrowser,
  signInResidentByCode,
  startTestServer,
  type TestServer,
} from "../../core/testing/browser.ts";
import { queueOffices, queueTickets } from "./schema.ts";
import { openAllDay } from "./testing.ts";

let server: TestServer;
let browser: Browser;
/** Resident pages and the staff console share the host name, as in a real install. */
let site: string;
const db = () => server.platform.services.database.db;

beforeAll(async () => {
  [server, browser] = await Promise.all([startTestServer(), launchBrowser()]);
  site = server.baseUrl.replace("127.0.0.1", "localhost");
  const [office] = await db().select().from(queueOffices).where(eq(queueOffices.slug, "shimin-ka"));
  // The demo office keeps weekday hours; the test must pass on any day at any hour.
  await openAllDay(db(), office!.id);
  server.platform.worker.start();
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await server?.close();
});

async function phone(
  options: { javaScriptEnabled?: boolean } = {},
): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext({
    viewport: { width: 360, height: 740 },
    locale: "ja-JP",
    ...options,
  });
  return { context, page: await context.newPage() };
}

const signInResident = (page: Page, email: string) => signInResidentByCode(page, { site, db: db(), email });

async function openStaffCounter(email: string): Promise<Page> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: "ja-JP" });
  const page = await context.newPage();
  await page.goto(`${site}/staff/`);
  await page.getByLabel(/メールアドレス/).fill(email);
  await page.getByLabel(/パスワード/).fill(DEMO_PASSWORD);
  await Promise.all([
    page.waitForResponse((r) => r.url().endsWith("/staff/api/session") && r.request().method() === "POST"),
    page.getByRole("button", { name: /サインイン/ }).click(),
  ]);
  await page.goto(`${site}/staff/queue/shimin-ka`);
  return page;
}

describe("待たない窓口", () => {
  it("a queue ticket called by staff with the resident notified", async () => {
    const { context, page } = await phone();
    // The site's CSP allows only our own scripts and styles: an inline one would be blocked and reported.
    const blocked: string[] = [];
    page.on("console", (message) => {
      if (/Content Security Policy/i.test(message.text())) {
        blocked.push(message.text());
      }
    });
    await signInResident(page, "queue-taro@example.jp");

    // The office page publishes the waits and takes a ticket online.
    await page.goto(`${site}/queue/shimin-ka`);
    await expect.poll(() => page.getByRole("heading", { level: 1 }).textContent()).toBe("本庁 市民課");
    await expectPhonePage(page, { scriptFree: false });
    await page.getByLabel("A 住民票・戸籍").check();
    await page.getByRole("button", { name: "整理券を取る" }).click();
    await page.waitForURL(/\/queue\/t\/[A-Za-z0-9_-]{32,}$/);
    const statusUrl = page.url();
    const [ticket] = await db()
      .select()
      .from(queueTickets)
      .where(eq(queueTickets.token, statusUrl.split("/").pop()!));
    expect(ticket).toMatchObject({ status: "waiting", channel: "online" });
    await expect.poll(() => page.locator("h1").textContent()).toContain(ticket!.displayNumber);
    await expect.poll(() => page.locator("[data-live]").textContent()).toContain("お待ちください");
    await expectPhonePage(page, { scriptFree: false });
    // A mark that survives only as long as the page is not loaded again.
    await page.evaluate(() => document.documentElement.setAttribute("data-same-page", "yes"));

    // Someone at the kiosk takes the next ticket of the same line and gets a printed ticket with a QR code.
    const kiosk = await phone();
    await kiosk.page.goto(`${site}/queue/shimin-ka/kiosk`);
    await kiosk.page.getByRole("button", { name: "A 住民票・戸籍" }).click();
    await kiosk.page.waitForURL(/\/kiosk\/tickets\//);
    await expect
      .poll(() => kiosk.page.getByRole("img", { name: "整理券の状況ページのQRコード" }).count())
      .toBe(1);
    await expectPhonePage(kiosk.page, { scriptFree: false });
    await kiosk.context.close();

    // Staff of 窓口係 call the next ticket at 窓口1 from their page.
    const staff = await openStaffCounter("staff@tenohira.localhost");
    await staff.locator("#counter-1").getByRole("button", { name: "次の方を呼ぶ" }).click();
    await staff.waitForURL(/\/staff\/queue\/shimin-ka$/);
    await expect
      .poll(() => staff.locator("#counter-1 [data-calling]").textContent())
      .toBe(ticket!.displayNumber);

    // With JavaScript, the open status page updates by itself, without navigating, to say where to go.
    await expect
      .poll(() => page.locator(".queue-called").textContent(), { timeout: 30_000 })
      .toBe("窓口1へお越しください");
    expect(await page.evaluate(() => document.documentElement.getAttribute("data-same-page"))).toBe("yes");
    expect(page.url()).toBe(statusUrl);
    expect(blocked).toEqual([]);
    // The page's own style file applies (the number is large), so it was not blocked either.
    expect(await page.locator(".queue-number").evaluate((el) => getComputedStyle(el).fontSize)).toBe("48px");
    await expectPhonePage(page, { scriptFree: false });
    // The status page tells the resident where to go without JavaScript too.
    const noScript = await phone({ javaScriptEnabled: false });
    await noScript.page.goto(statusUrl);
    expect(await noScript.page.locator(".queue-called").textContent()).toBe("窓口1へお越しください");
    expect(await noScript.page.locator('noscript meta[http-equiv="refresh"]').count()).toBe(1);
    await noScript.context.close();

    // The resident was told once, in the inbox and by email, by the subscriber's job.
    const calledNotices = () =>
      db()
        .select()
        .from(notifications)
        .where(
          and(
            eq(notifications.residentId, ticket!.residentId!),
            eq(notifications.reference, ticket!.displayNumber),
          ),
        )
        .then((rows) => rows.filter((r) => r.subject.includes("窓口1へお越しください")));
    await expect
      .poll(async () => (await calledNotices()).map((r) => `${r.channel}:${r.status}`).sort(), {
        timeout: 15_000,
      })
      .toEqual(["email:delivered", "inbox:delivered"]);

    // The display board shows the number at 窓口1 and the kiosk ticket as next.
    const board = await phone();
    await board.page.goto(`${site}/queue/shimin-ka/board`);
    const row = board.page.getByRole("row", { name: /窓口1/ });
    await expect.poll(() => row.textContent()).toContain(ticket!.displayNumber);
    await expectPhonePage(board.page, { scriptFree: false });
    await board.context.close();

    // My page lists the ticket.
    await page.goto(`${site}/my`);
    await expect.poll(() => page.getByText(`整理券 ${ticket!.displayNumber}`).count()).toBeGreaterThan(0);
    await context.close();
    await staff.context().close();
  }, 150_000);
});
