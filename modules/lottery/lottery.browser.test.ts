import { eq } from "drizzle-orm";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEMO_PASSWORD } from "../../app/seed-demo.ts";
import { systemActor } from "../../core/audit/actor.ts";
import { notifications } from "../../core/notifications/schema.ts";
import {
  axeViolations,
  expectPhonePage,
  launchBrowser,
  signInResidentByCode,
  startTestServer,
  type TestServer,
} from "../../core/testing/browser.ts";
import { seedHash } from "./draw-engine.ts";
import { releaseLeftovers } from "./operations/release-leftovers.ts";
import { submitEntry } from "./operations/submit-entry.ts";
import { replayDraw } from "./published-draw.ts";
import { entries, rounds, slots, wins } from "./schema.ts";
import { closeApplications, demoTenantId } from "./testing.ts";

let server: TestServer;
let browser: Browser;
let tenantId: string;
const db = () => server.platform.services.database.db;
const DAY = 24 * 3600_000;

beforeAll(async () => {
  [server, browser] = await Promise.all([startTestServer(), launchBrowser()]);
  tenantId = await demoTenantId(db());
  // Jobs and subscribers run, as in production: notifications go out, facilities events reach the lottery.
  server.platform.worker.start();
});
afterAll(async () => {
  await browser?.close();
  await server?.close();
});

async function phone(locale: "ja-JP" | "en-GB" = "ja-JP"): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext({ viewport: { width: 360, height: 740 }, locale });
  return { context, page: await context.newPage() };
}

const signInResident = (page: Page, email: string) =>
  signInResidentByCode(page, { site: server.baseUrl, db: db(), email });

async function signInStaff(email: string): Promise<Page> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: "ja-JP" });
  const page = await context.newPage();
  await page.goto(`${server.baseUrl}/staff/`);
  await page.getByLabel(/メールアドレス/).fill(email);
  await page.getByLabel(/パスワード/).fill(DEMO_PASSWORD);
  await page.getByRole("button", { name: /サインイン/ }).click();
  await page.getByRole("heading", { level: 1, name: /手続き/ }).waitFor();
  return page;
}

/** A datetime-local value in Tokyo time. */
function tokyoInput(at: Date): string {
  return new Date(at.getTime() + 9 * 3600_000).toISOString().slice(0, 16);
}

describe("a lottery from applications to published draw log to leftovers first-come", () => {
  it("draws among residents, publishes a verifiable log, and opens the leftovers first-come", async () => {
    // Staff create the round over three arena evenings, through their pages.
    const staff = await signInStaff("manager@tenohira.localhost");
    await staff.goto(`${server.baseUrl}/staff/lottery`);
    expect(await axeViolations(staff), staff.url()).toEqual([]);
    await staff.goto(`${server.baseUrl}/staff/lottery/new`);
    expect(await axeViolations(staff), staff.url()).toEqual([]);
    await staff.getByLabel("室場").selectOption({ label: "市民体育館 アリーナ B面" });
    await staff.getByLabel("開始日").fill(new Date(Date.now() + 20 * DAY).toISOString().slice(0, 10));
    await staff.getByLabel("終了日").fill(new Date(Date.now() + 40 * DAY).toISOString().slice(0, 10));
    await staff.getByRole("button", { name: "枠を表示する" }).click();
    const free = staff.locator('input[name="slot"]:not([disabled])');
    for (const i of [0, 1, 2]) {
      await free.nth(i).check();
    }
    await staff.getByLabel("名称（日本語）").fill("アリーナB 抽選テスト");
    await staff.getByLabel("名称（英語）").fill("Arena B test lottery");
    const now = Date.now();
    await staff.getByLabel("申込受付開始").fill(tokyoInput(new Date(now - 2 * 3600_000)));
    await staff.getByLabel("申込締切").fill(tokyoInput(new Date(now + DAY)));
    await staff.getByLabel("抽選日時", { exact: true }).fill(tokyoInput(new Date(now + 2 * DAY)));
    await staff.getByLabel("当選者の確定・支払期限").fill(tokyoInput(new Date(now + 5 * DAY)));
    await staff.getByLabel("先着受付開始").fill(tokyoInput(new Date(now + 6 * DAY)));
    await staff.getByLabel("希望の数").fill("2");
    await staff.getByRole("button", { name: "抽選を作成し、枠を確保する" }).click();
    await staff.waitForURL(/\/staff\/lottery\/[0-9a-f-]{36}$/);
    expect(await axeViolations(staff), staff.url()).toEqual([]);
    const roundId = staff.url().split("/").at(-1)!;
    const roundSlots = (await db().select().from(slots).where(eq(slots.roundId, roundId))).sort(
      (a, b) => a.startsAt.getTime() - b.startsAt.getTime(),
    );
    expect(roundSlots).toHaveLength(3);
    const [slotA, slotB, leftover] = roundSlots as [
      (typeof roundSlots)[0],
      (typeof roundSlots)[0],
      (typeof roundSlots)[0],
    ];

    // A resident applies on a phone, without script: 第1希望 A, 第2希望 B, after a refused duplicate.
    const { context, page } = await phone();
    await signInResident(page, "lottery-taro@example.jp");
    await page.goto(`${server.baseUrl}/lottery`);
    await expectPhonePage(page);
    await page.getByRole("link", { name: "アリーナB 抽選テスト" }).click();
    await expectPhonePage(page);
    const committedHash = (await page.locator("main p code").first().textContent())!.trim();
    expect(committedHash).toMatch(/^[0-9a-f]{64}$/);
    await page.getByLabel("第1希望").selectOption(slotA.id);
    await page.getByLabel("第2希望").selectOption(slotA.id);
    await page.getByRole("button", { name: "この内容で申し込む" }).click();
    await expect
      .poll(() => page.locator(".error-summary").textContent())
      .toContain("同じ枠を複数の希望に選んでいます");
    await expectPhonePage(page);
    await page.getByLabel("第2希望").selectOption(slotB.id);
    await page.getByRole("button", { name: "この内容で申し込む" }).click();
    await page.getByText("申込を受け付けました。").waitFor();
    await expectPhonePage(page);
    const [taroEntry] = await db().select().from(entries).where(eq(entries.roundId, roundId));
    expect(await page.locator("main").textContent()).toContain(taroEntry!.id);

    // Two more residents enter through the operation: both want A only, so whoever loses A gets nothing,
    // and the resident on the phone wins A or, failing that, B. Nobody chose the third slot.
    for (const email of ["lottery-hanako@example.jp", "lottery-jiro@example.jp"]) {
      const other = await server.platform.signInResident(email);
      await db().transaction((tx) =>
        submitEntry({
          tx,
          tenantId,
          actor: { type: "resident", id: other.residentId },
          residentId: other.residentId,
          roundId,
          forGroup: false,
          slotIds: [slotA.id],
          now: new Date(),
        }),
      );
    }

    // Time passes; staff run the draw once applications are closed.
    await closeApplications(db(), roundId);
    await staff.reload();
    await staff.getByRole("button", { name: "抽選を実行する" }).click();
    await staff.getByText("抽選を実行しました。").waitFor();
    expect(await staff.getByRole("button", { name: "抽選を実行する" }).count()).toBe(0);
    expect(await axeViolations(staff), staff.url()).toEqual([]);

    // The public record: the seed, its hash (the one shown before the draw), the log; and it replays.
    const { context: anyone, page: record } = await phone("en-GB");
    await record.goto(`${server.baseUrl}/lottery/${roundId}/draw`);
    const seed = (await record.locator("#seed").textContent())!.trim();
    expect((await record.locator("#seed-hash").textContent())!.trim()).toBe(committedHash);
    expect(seedHash(seed)).toBe(committedHash);
    expect(await record.locator("#hash-check").textContent()).toContain("Matches");
    expect(await record.locator("#draw-log li").count()).toBeGreaterThanOrEqual(3);
    await expectPhonePage(record);
    const published = await (
      await record.request.get(`${server.baseUrl}/lottery/${roundId}/draw.json`)
    ).json();
    expect(replayDraw(published)).toMatchObject({ ok: true });
    expect(replayDraw({ ...published, seed: "00".repeat(32) }).ok).toBe(false);
    await anyone.close();

    // The winner on the phone sees the win and the way to confirm and pay, and has a message in the inbox.
    await page.goto(`${server.baseUrl}/lottery/${roundId}`);
    expect(await page.locator(".panel-done").first().textContent()).toContain("当選しました");
    await expectPhonePage(page);
    const [taroWin] = await db().select().from(wins).where(eq(wins.entryId, taroEntry!.id));
    expect([slotA.id, slotB.id]).toContain(taroWin!.slotId);
    await page.getByRole("link", { name: /予約を確定して支払う/ }).click();
    await page.waitForURL(new RegExp(`${taroWin!.bookingPath}$`));
    const inbox = await db().select().from(notifications).where(eq(notifications.reference, taroEntry!.id));
    expect(inbox.map((n) => n.channel).sort()).toEqual(["email", "inbox"]);

    // The winner pays through the payments test provider; the round's staff page shows the win confirmed.
    await expectPhonePage(page);
    await page.getByRole("link", { name: "使用料を支払う" }).click();
    await page.waitForURL(/\/payments\/[0-9a-f-]{36}$/);
    await expectPhonePage(page);
    await page.locator('form[action$="/start"] button').click();
    await page.waitForURL(/\/payments\/test-provider\/pay\//);
    await page.locator("#f-card").fill("4242 4242 4242 4242");
    await page.locator('button[value="pay"]').click();
    await page.waitForURL(/\/return$/);
    await expect
      .poll(async () => (await db().select().from(wins).where(eq(wins.id, taroWin!.id)))[0]!.status, {
        timeout: 20_000,
      })
      .toBe("confirmed");
    await staff.reload();
    const results = staff.locator("#lottery-results li", { hasText: taroEntry!.id });
    expect(await results.textContent()).toContain("確定・支払済み");
    expect(await axeViolations(staff), staff.url()).toEqual([]);
    await context.close();

    // Until first-come time the leftover stays held; at that time the release opens it to everyone.
    const resident = await server.platform.signInResident("lottery-saburo@example.jp");
    const book = (key: string) =>
      server.platform.request(`${server.baseUrl}/api/facilities/bookings`, {
        method: "POST",
        headers: {
          cookie: resident.cookie,
          "x-csrf-token": resident.csrf,
          "idempotency-key": key,
          "content-type": "application/json",
        },
        body: JSON.stringify({
          unitId: leftover.unitId,
          startsAt: leftover.startsAt.toISOString(),
          endsAt: leftover.endsAt.toISOString(),
        }),
      });
    expect((await book("before-release")).status).toBe(409);
    const [round] = await db().select().from(rounds).where(eq(rounds.id, roundId));
    const { released } = await db().transaction((tx) =>
      releaseLeftovers({ tx, tenantId, actor: systemActor, roundId, now: round!.firstComeAt }),
    );
    // The third slot, and B when the phone's resident won A (the draw's seed decides which).
    const awarded = await db().select().from(wins).where(eq(wins.roundId, roundId));
    expect(released).toBe(3 - awarded.length);
    const booked = await book("after-release");
    expect(booked.status).toBe(201);
    expect(((await booked.json()) as { booking: { unitId: string } }).booking.unitId).toBe(leftover.unitId);
    await staff.context().close();
  }, 180_000);
});

/** Presses Tab until the element matching the selector has the focus, as a keyboard user would. */
async function tabTo(page: Page, selector: string): Promise<void> {
  for (let i = 0; i < 200; i++) {
    if (await page.evaluate((s) => document.activeElement?.matches(s) ?? false, selector)) {
      return;
    }
    await page.keyboard.press("Tab");
  }
  throw new Error(`Tab never reached ${selector}`);
}

describe("the lottery staff pages", () => {
  it("create a round with the keyboard alone, and pass an axe check", async () => {
    const staff = await signInStaff("staff@tenohira.localhost");
    await staff.goto(`${server.baseUrl}/staff/lottery`);
    expect(await axeViolations(staff), staff.url()).toEqual([]);
    await tabTo(staff, 'a[href="/staff/lottery/new"]');
    await staff.keyboard.press("Enter");
    await staff.waitForURL(/\/staff\/lottery\/new/);
    expect(await axeViolations(staff), staff.url()).toEqual([]);
    // The unit: 中央公民館 会議室1 is chosen by typing in the focused list, then the slots are shown.
    await tabTo(staff, "#f-unitId");
    const units = await staff.locator("#f-unitId option").allTextContents();
    const target = units.findIndex((name) => name.includes("和室"));
    const current = await staff.locator("#f-unitId").evaluate((e) => (e as HTMLSelectElement).selectedIndex);
    for (let i = current; i < target; i++) {
      await staff.keyboard.press("ArrowDown");
    }
    expect(await staff.locator("#f-unitId option:checked").textContent()).toContain("和室");
    await tabTo(staff, 'button[type="submit"]');
    await staff.keyboard.press("Enter");
    await staff.locator('input[name="slot"]').first().waitFor();
    expect(await axeViolations(staff), staff.url()).toEqual([]);
    await tabTo(staff, 'input[name="slot"]:not([disabled])');
    await staff.keyboard.press("Space");
    await tabTo(staff, "#f-titleJa");
    await staff.keyboard.type("和室 キーボード抽選");
    await tabTo(staff, "#f-titleEn");
    await staff.keyboard.type("Japanese room keyboard lottery");
    await tabTo(staff, "#f-choices");
    await staff.keyboard.press("Control+A");
    await staff.keyboard.type("1");
    await tabTo(staff, "#f-promotionDays");
    await staff.keyboard.press("Control+A");
    await staff.keyboard.type("0");
    await tabTo(staff, 'form[action="/staff/lottery"] button[type="submit"]');
    await staff.keyboard.press("Enter");
    // A bad setting is re-rendered with what was typed and a reason in both senses of the rule.
    await staff.locator(".error-summary").waitFor();
    expect(await staff.locator(".error-summary").textContent()).toContain("繰り上げ当選の確定日数");
    expect(await staff.locator("#f-titleJa").inputValue()).toBe("和室 キーボード抽選");
    expect(await axeViolations(staff), staff.url()).toEqual([]);
    await tabTo(staff, "#f-promotionDays");
    await staff.keyboard.press("Control+A");
    await staff.keyboard.type("4");
    await tabTo(staff, 'form[action="/staff/lottery"] button[type="submit"]');
    await staff.keyboard.press("Enter");
    await staff.waitForURL(/\/staff\/lottery\/[0-9a-f-]{36}$/);
    const roundId = staff.url().split("/").at(-1)!;
    const [round] = await db().select().from(rounds).where(eq(rounds.id, roundId));
    expect(round).toMatchObject({
      titleJa: "和室 キーボード抽選",
      choicesPerEntry: 1,
      promotionConfirmDays: 4,
    });
    expect(await db().select().from(slots).where(eq(slots.roundId, roundId))).toHaveLength(1);
    expect(await axeViolations(staff), staff.url()).toEqual([]);
    await staff.context().close();
  }, 90_000);
});
