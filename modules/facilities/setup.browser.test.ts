// A department manager adds a room to a facility without SQL, with the keyboard only: two time blocks with
// their fees, a typo refused with the typed values kept. The staff pages are axe-clean, and a resident then
// finds the room on the facility's grid with the fee computed from the new block.
import { and, eq } from "drizzle-orm";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEMO_PASSWORD } from "../../app/seed-demo.ts";
import {
  axeViolations,
  focusedName,
  launchBrowser,
  signInResidentByCode,
  startTestServer,
  type TestServer,
  tabAndType,
} from "../../core/testing/browser.ts";
import { facilityUnits } from "./schema.ts";
import { demoTenantId, openWeekday, slotOf } from "./testing.ts";

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

/** Follows a link from the keyboard. */
async function follow(page: Page, name: string, url: RegExp) {
  await page.getByRole("link", { name }).focus();
  await page.keyboard.press("Enter");
  await page.waitForURL(url);
  expect(await axeViolations(page), page.url()).toEqual([]);
}

/** Moves to a time box and types the time, replacing what was there. */
async function typeTime(page: Page, label: string, time: string) {
  await page.getByLabel(label, { exact: true }).focus();
  await page.keyboard.press("ControlOrMeta+A");
  await page.keyboard.type(time);
}

describe("setting up a room", () => {
  it("lets a manager add a room with two time blocks and a fee by keyboard, which residents then book", async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: "ja-JP" });
    const signedIn = await context.request.post(`${site}/staff/api/session`, {
      data: { email: "manager@tenohira.localhost", password: DEMO_PASSWORD },
    });
    expect(signedIn.status()).toBe(200);
    const page = await context.newPage();
    await page.goto(`${site}/staff/facilities`);
    expect(await axeViolations(page), page.url()).toEqual([]);
    await follow(page, "施設の設定", /\/staff\/facilities\/setup$/);
    await follow(page, "市民体育館", /\/staff\/facilities\/setup\/[0-9a-f-]{36}$/);
    await follow(page, "部屋・面を追加する", /\/units\/new$/);

    await page.getByLabel("名称（日本語）", { exact: true }).focus();
    await page.keyboard.type("卓球室");
    await tabAndType(page, "Table tennis room");
    await tabAndType(page, "12");
    expect(await focusedName(page)).toBe("capacity");
    await page.keyboard.press("Tab"); // the kind: by time block is already chosen
    expect(await focusedName(page)).toBe("schedule.kind");
    await tabAndType(page, "午前");
    expect(await focusedName(page)).toBe("schedule.blocks.0.label.ja");
    await tabAndType(page, "Morning");
    await typeTime(page, "時間帯 1 の開始", "09:00");
    await typeTime(page, "時間帯 1 の終了", "12:00");
    await page.getByLabel("時間帯 1 の使用料（円）", { exact: true }).focus();
    await page.keyboard.type("1500");
    await tabAndType(page, "午後");
    expect(await focusedName(page)).toBe("schedule.blocks.1.label.ja");
    await tabAndType(page, "Afternoon");
    // A typo: the afternoon ends before it starts.
    await typeTime(page, "時間帯 2 の開始", "13:00");
    await typeTime(page, "時間帯 2 の終了", "11:00");
    await page.getByLabel("時間帯 2 の使用料（円）", { exact: true }).focus();
    await page.keyboard.type("1800");
    const posted = page.waitForResponse((r) => r.request().method() === "POST");
    await page.keyboard.press("Enter");
    expect((await posted).status()).toBe(400);
    await page.getByRole("alert").getByText("開始より後の時刻にしてください").waitFor();
    expect(await axeViolations(page), page.url()).toEqual([]);
    expect(await page.getByLabel("名称（日本語）", { exact: true }).inputValue()).toBe("卓球室");
    expect(await page.getByLabel("時間帯 2 の使用料（円）", { exact: true }).inputValue()).toBe("1800");
    await typeTime(page, "時間帯 2 の終了", "17:00");
    await page.keyboard.press("Enter");
    await page.waitForURL(/\/units\/[0-9a-f-]{36}$/);
    expect(await axeViolations(page), page.url()).toEqual([]);

    const [unit] = await db().select().from(facilityUnits).where(eq(facilityUnits.nameJa, "卓球室"));
    expect(unit!.schedule).toEqual({
      kind: "blocks",
      blocks: [
        { code: "b1", label: { ja: "午前", en: "Morning" }, start: "09:00", end: "12:00", fee: 1500 },
        { code: "b2", label: { ja: "午後", en: "Afternoon" }, start: "13:00", end: "17:00", fee: 1800 },
      ],
    });
    await page.goto(`${site}/staff/facilities/setup/rules`);
    expect(await axeViolations(page), page.url()).toEqual([]);
    await context.close();

    // A resident finds the room on the facility's grid and is quoted the new block's fee.
    const tenantId = await demoTenantId(server.platform);
    const date = await openWeekday(db(), tenantId, unit!.id, 3);
    const slot = await slotOf(db(), tenantId, unit!.id, date, "b2");
    const resident = await browser.newContext({ viewport: { width: 360, height: 740 }, locale: "ja-JP" });
    const phone = await resident.newPage();
    await signInResidentByCode(phone, { site, db: db(), email: "takkyu@example.jp" });
    await phone.goto(`${site}/facilities/shimin-taiikukan`);
    expect(await phone.getByText("卓球室").count()).toBeGreaterThan(0);
    await phone.goto(`${site}/facilities/shimin-taiikukan?unit=${unit!.id}&week=${date}`);
    expect(await axeViolations(phone), phone.url()).toEqual([]);
    const choice = phone.locator(`a[href*="start=${encodeURIComponent(slot.startsAt.toISOString())}"]`);
    expect(await choice.textContent()).toContain("空き");
    await choice.click();
    await phone.waitForURL(/\/facilities\/shimin-taiikukan\/book\?/);
    expect(await phone.locator("#fee").textContent()).toBe("1,800円");
    await resident.close();
    expect(
      await db()
        .select()
        .from(facilityUnits)
        .where(and(eq(facilityUnits.tenantId, tenantId), eq(facilityUnits.nameJa, "卓球室"))),
    ).toHaveLength(1);
  }, 90_000);
});
