// A department manager sets up a new counter without SQL, with the keyboard only: the kind of appointment, then
// two opening periods on Mondays. Both staff pages are axe-clean, and a resident then finds the counter on
// /appointments with days to choose from.
import { and, eq } from "drizzle-orm";
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEMO_PASSWORD } from "../../app/seed-demo.ts";
import {
  axeViolations,
  focusedName,
  launchBrowser,
  startTestServer,
  type TestServer,
  tabAndType,
} from "../../core/testing/browser.ts";
import { appointmentTypes, openingHours } from "./schema.ts";

let server: TestServer;
let browser: Browser;
let site: string;
const db = () => server.platform.services.database.db;

beforeAll(async () => {
  [server, browser] = await Promise.all([startTestServer(), launchBrowser()]);
  site = server.baseUrl.replace("127.0.0.1", "localhost");
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await server?.close();
});

describe("setting up a counter", () => {
  it("lets a manager add a kind with two periods on Mondays by keyboard, which a resident can then book", async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: "ja-JP" });
    const signedIn = await context.request.post(`${site}/staff/api/session`, {
      data: { email: "manager@tenohira.localhost", password: DEMO_PASSWORD },
    });
    expect(signedIn.status()).toBe(200);
    const page = await context.newPage();
    await page.goto(`${site}/staff/appointments`);
    expect(await axeViolations(page), page.url()).toEqual([]);
    await page.getByRole("link", { name: "予約の種類を追加" }).focus();
    await page.keyboard.press("Enter");
    await page.waitForURL(/\/staff\/appointments\/types\/new$/);
    expect(await axeViolations(page), page.url()).toEqual([]);

    await page.getByLabel("アドレス名（半角英小文字・数字・ハイフン）").focus();
    await page.keyboard.type("juminhyo");
    await tabAndType(page, "住民票の相談");
    expect(await focusedName(page)).toBe("name_ja");
    await tabAndType(page, "Residence certificate advice");
    await tabAndType(page, "住民票の請求についてご相談を承ります。");
    await tabAndType(page, "Advice on residence certificates.");
    await tabAndType(page, "本庁舎1階 2番窓口");
    await tabAndType(page, "Main building 1F, counter 2");
    await page.keyboard.press("Tab"); // the department: the manager's own (市民課) is first
    expect(await focusedName(page)).toBe("department_id");
    await tabAndType(page, "60"); // Tab into a filled box selects it, so typing replaces the default
    expect(await focusedName(page)).toBe("duration_minutes");
    await page.keyboard.press("Enter");
    await page.waitForURL(/\/settings\?done=created$/);
    await page.getByRole("status").getByText("追加しました").waitFor();
    expect(await axeViolations(page), page.url()).toEqual([]);

    // Monday 09:00–12:00 and 13:00–16:00; a typo first, which is refused with the typed values kept.
    const period = (n: number) => page.getByRole("group", { name: `時間帯 ${n}` });
    await period(1).getByLabel("曜日").focus();
    await page.keyboard.press("ArrowDown"); // 月曜日
    await tabAndType(page, "09:00");
    await tabAndType(page, "12:00");
    await page.keyboard.press("Tab");
    await page.keyboard.press("ArrowDown");
    await tabAndType(page, "11:00");
    await tabAndType(page, "16:00");
    await page.keyboard.press("Enter");
    await page.locator(".error-summary").getByText("同じ曜日の 09:00〜12:00 と重なっています").waitFor();
    expect(await period(2).getByLabel("開始").inputValue()).toBe("11:00");
    expect(await axeViolations(page), page.url()).toEqual([]);
    await period(2).getByLabel("開始").focus();
    await page.keyboard.press("Control+A");
    await page.keyboard.type("13:00");
    await page.keyboard.press("Enter");
    await page.waitForURL(/\/settings\?done=saved#hours$/);
    expect(await axeViolations(page), page.url()).toEqual([]);

    const [type] = await db().select().from(appointmentTypes).where(eq(appointmentTypes.slug, "juminhyo"));
    expect(type).toMatchObject({ nameEn: "Residence certificate advice", durationMinutes: 60 });
    const hours = await db()
      .select({ weekday: openingHours.weekday, opens: openingHours.opens, closes: openingHours.closes })
      .from(openingHours)
      .where(and(eq(openingHours.typeId, type!.id)));
    expect(hours.toSorted((a, b) => a.opens.localeCompare(b.opens))).toEqual([
      { weekday: 1, opens: "09:00", closes: "12:00" },
      { weekday: 1, opens: "13:00", closes: "16:00" },
    ]);
    await context.close();

    const resident = await browser.newContext({ viewport: { width: 360, height: 740 }, locale: "ja-JP" });
    const visitor = await resident.newPage();
    await visitor.goto(`${site}/appointments`);
    await visitor.getByRole("link", { name: "住民票の相談の日時を選ぶ" }).click();
    await visitor.waitForURL(/\/appointments\/juminhyo$/);
    expect(await visitor.locator("main").textContent()).toContain("本庁舎1階 2番窓口");
    await visitor.getByRole("list", { name: "日にちを選ぶ" }).getByRole("link").first().click();
    await visitor.getByRole("heading", { level: 2, name: /の時間を選ぶ/ }).waitFor();
    expect(await visitor.locator('input[name="slot"]').count()).toBeGreaterThan(0);
    expect(await axeViolations(visitor), visitor.url()).toEqual([]);
    await resident.close();
  }, 60_000);
});
