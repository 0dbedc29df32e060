import { and, eq } from "drizzle-orm";
import jsQRPackage from "jsqr";
import type { Browser, Page } from "playwright-core";
import sharp from "sharp";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  expectPhonePage,
  launchBrowser,
  signInResidentByCode,
  startTestServer,
  type TestServer,
} from "../../core/testing/browser.ts";
import { paymentsOfSubject } from "../payments/index.ts";
import { refundAmount } from "./calendar.ts";
import { rulesOf } from "./data.ts";
import { bookings, digitalKeys } from "./schema.ts";
import { tryTestLock } from "./smart-lock.ts";
import { demoTenantId, openWeekday, slotOf, unitsByName } from "./testing.ts";

let server: TestServer;
let browser: Browser;
let site: string;
let tenantId: string;
const db = () => server.platform.services.database.db;

beforeAll(async () => {
  [server, browser] = await Promise.all([startTestServer(), launchBrowser()]);
  site = server.baseUrl.replace("127.0.0.1", "localhost");
  tenantId = await demoTenantId(server.platform);
  server.platform.worker.start();
}, 60_000);
afterAll(async () => {
  await browser?.close();
  await server?.close();
});

const signInResident = (page: Page, email: string) => signInResidentByCode(page, { site, db: db(), email });

describe("facility booking on a phone", () => {
  it("a facility booking paid and cancelled with the right refund", async () => {
    const units = await unitsByName(db(), tenantId);
    const unitId = units["アリーナ A面"]!;
    const date = await openWeekday(db(), tenantId, unitId, 3);
    const slot = await slotOf(db(), tenantId, unitId, date, "afternoon");
    const context = await browser.newContext({ viewport: { width: 360, height: 740 }, locale: "ja-JP" });
    const page = await context.newPage();
    await signInResident(page, "hanako@example.jp");

    await page.goto(`${site}/facilities`);
    await expectPhonePage(page);
    await page.getByRole("link", { name: /市民体育館/ }).click();
    await page.waitForURL(/\/facilities\/shimin-taiikukan$/);
    await expectPhonePage(page);
    // The week that holds the day, from the grid's own links.
    await page.goto(`${site}/facilities/shimin-taiikukan?unit=${unitId}&week=${date}`);
    await expectPhonePage(page);
    const choice = page.locator(`a[href*="start=${encodeURIComponent(slot.startsAt.toISOString())}"]`);
    expect(await choice.textContent()).toContain("空き");
    await choice.click();

    await page.waitForURL(/\/facilities\/shimin-taiikukan\/book\?/);
    await expectPhonePage(page);
    expect(await page.locator("#fee").textContent()).toBe("2,600円");
    await page.getByRole("button", { name: "仮予約してお支払いへ進む" }).click();

    await page.waitForURL(/\/payments\/[0-9a-f-]{36}$/);
    await expectPhonePage(page);
    await page.locator('form[action$="/start"] button').click();
    await page.waitForURL(/\/payments\/test-provider\/pay\//);
    await page.locator("#f-card").fill("4242 4242 4242 4242");
    await page.locator('button[value="pay"]').click();
    await page.waitForURL(/\/return$/);

    const [booking] = await db()
      .select()
      .from(bookings)
      .where(and(eq(bookings.unitId, unitId), eq(bookings.startsAt, slot.startsAt)));
    expect(booking).toMatchObject({ fee: 2600, startsAt: slot.startsAt });
    await expect
      .poll(
        async () =>
          (await db().select().from(digitalKeys).where(eq(digitalKeys.bookingId, booking!.id))).length,
        { timeout: 15_000 },
      )
      .toBe(1);
    const [key] = await db().select().from(digitalKeys).where(eq(digitalKeys.bookingId, booking!.id));

    await page.getByRole("link", { name: "手続きの画面に戻る" }).click();
    await page.waitForURL(new RegExp(`/my/bookings/${booking!.id}$`));
    await expectPhonePage(page);
    expect(await page.locator("#booking-status").textContent()).toBe("予約確定");
    expect(await page.locator("#door-pin").textContent()).toBe(key!.pin);
    // The QR code beside it, as the page draws it, reads back as the same code.
    const shot = await page.locator("svg.door-qr").screenshot();
    const { data, info } = await sharp(shot).ensureAlpha().raw().toBuffer({ resolveWithObject: true });
    expect(jsQRPackage.default(new Uint8ClampedArray(data), info.width, info.height)?.data).toBe(key!.pin);
    const ics = await page.request.get(`${site}/my/bookings/${booking!.id}/booking.ics`);
    expect(ics.headers()["content-type"]).toContain("text/calendar");
    expect(await ics.text()).toContain(`UID:${booking!.id}@`);
    const [payment] = await paymentsOfSubject({
      db: db(),
      tenantId,
      subject: { module: "facilities", type: "facilities_booking", id: booking!.id },
    });
    expect(await page.locator(`a[href="/payments/${payment!.id}/receipt.pdf"]`).count()).toBe(1);

    // The keypad checks the code against the lock now: days before the booking it stays shut, and it opens
    // during the booking (the keypad takes no time from the form, so that is asked of the lock directly).
    const duringBooking = new Date(slot.startsAt.getTime() + 3_600_000);
    await page.goto(`${site}/facilities/test-lock`);
    await expectPhonePage(page);
    await page.locator("#f-unit").selectOption(unitId);
    await page.locator("#f-pin").fill(key!.pin);
    await page.getByRole("button", { name: "開ける" }).click();
    expect(await page.locator("#lock-result").textContent()).toBe(
      "暗証番号が違うか、使える時間ではありません",
    );
    await expectPhonePage(page);
    expect(await tryTestLock(db(), { tenantId, unitId, pin: key!.pin, at: duringBooking })).toBe(true);

    // Cancel: the refund preview follows the table, and the refund goes through the payments module.
    const expected = refundAmount(await rulesOf(db(), tenantId), 2600, slot.startsAt, new Date());
    await page.goto(`${site}/my/bookings/${booking!.id}`);
    expect(await page.locator("#refund-preview").textContent()).toContain(
      `${expected.toLocaleString("ja-JP")}円を返金します`,
    );
    await page.getByRole("button", { name: "予約を取り消す" }).click();
    await page.waitForURL(/\?cancelled=1$/);
    await expectPhonePage(page);
    expect(await page.locator("#booking-status").textContent()).toBe("取消済み");
    expect(await page.locator("#refund-amount").textContent()).toBe(`${expected.toLocaleString("ja-JP")}円`);
    expect((await db().select().from(bookings).where(eq(bookings.id, booking!.id)))[0]).toMatchObject({
      status: "cancelled",
      refundAmount: expected,
    });
    if (expected > 0) {
      await expect
        .poll(
          async () =>
            (
              await paymentsOfSubject({
                db: db(),
                tenantId,
                subject: { module: "facilities", type: "facilities_booking", id: booking!.id },
              })
            )[0]!.refundedAmount,
          { timeout: 15_000 },
        )
        .toBe(expected);
    }
    // The revoked code no longer opens the lock.
    await expect
      .poll(
        async () =>
          (await db().select().from(digitalKeys).where(eq(digitalKeys.bookingId, booking!.id)))[0]!.status,
        {
          timeout: 15_000,
        },
      )
      .toBe("revoked");
    expect(await tryTestLock(db(), { tenantId, unitId, pin: key!.pin, at: duringBooking })).toBe(false);
    await context.close();
  }, 120_000);
});
