// Issue 7's resident journey: a resident files a road-damage report with a phone photo whose GPS places the
// pin (and is gone from the stored photo), taps the map for a second report at the same place, is shown the
// report already made there and follows it; the public list and map colour reports by progress.
import { and, eq, isNull } from "drizzle-orm";
import type { Browser, Page } from "playwright-core";
import sharp from "sharp";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { tileCorner, tileOf } from "../../core/geo/geo.ts";
import { notifications } from "../../core/notifications/schema.ts";
import { tenants } from "../../core/tenancy/schema.ts";
import {
  expectPhonePage,
  launchBrowser,
  signInResidentByCode,
  startTestServer,
  type TestServer,
} from "../../core/testing/browser.ts";
import { hashLinkToken, unsubscribePath } from "./follower-links.ts";
import { submitReport } from "./operations/submit-report.ts";
import { reportFollowers, reports } from "./schema.ts";
import { demoPlaces } from "./seeds.ts";

let server: TestServer;
let browser: Browser;
let site: string;
const db = () => server.platform.services.database.db;

beforeAll(async () => {
  [server, browser] = await Promise.all([
    startTestServer({ config: { mapTileUrl: "/map/tiles/{z}/{x}/{y}.png" } }),
    launchBrowser(),
  ]);
  site = server.baseUrl.replace("127.0.0.1", "localhost");
  server.platform.worker.start();
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await server?.close();
});

async function phone(javaScriptEnabled = true): Promise<Page> {
  const context = await browser.newContext({
    viewport: { width: 360, height: 740 },
    locale: "ja-JP",
    javaScriptEnabled,
  });
  return context.newPage();
}

/** A phone photo taken at 北町 (31°24′36″N 130°49′48″E), with its GPS in the EXIF. */
async function photoAtKitaMachi(): Promise<Buffer> {
  return sharp({ create: { width: 320, height: 240, channels: 3, background: "#555544" } })
    .jpeg()
    .withExif({
      IFD0: { Make: "TestPhone" },
      IFD3: {
        GPSLatitudeRef: "N",
        GPSLatitude: "31/1 24/1 36/1",
        GPSLongitudeRef: "E",
        GPSLongitude: "130/1 49/1 48/1",
      },
    })
    .toBuffer();
}

const rgb = (page: Page, selector: string) =>
  page
    .locator(selector)
    .first()
    .evaluate((el) => getComputedStyle(el).backgroundColor);

describe("通報 (resident)", () => {
  it("files with a GPS photo, finds the duplicate, follows it; the list shows the colours", async () => {
    const page = await phone();
    const blocked: string[] = [];
    page.on("console", (m) => {
      if (/Content Security Policy/i.test(m.text())) {
        blocked.push(m.text());
      }
    });
    await signInResidentByCode(page, { site, db: db(), email: "report-taro@example.jp" });

    await page.goto(`${site}/reports/new`);
    await expectPhonePage(page);
    await page.getByRole("link", { name: /道路の損傷/ }).click();
    await page.waitForURL(/\/reports\/new\/road-damage/);
    // With JavaScript, Leaflet (served from our origin) replaces the tile grid.
    await expect.poll(() => page.locator(".leaflet-container").count()).toBe(1);
    await expect.poll(() => page.locator(".tile-grid-form").isHidden()).toBe(true);
    await expectPhonePage(page, { scriptFree: false });

    await page.getByLabel("どんな状態ですか").fill("道路に大きな穴があります");
    await page.getByLabel("注意が必要").check();
    await page
      .locator("#f-photos")
      .setInputFiles({ name: "IMG_0001.jpg", mimeType: "image/jpeg", buffer: await photoAtKitaMachi() });
    await page.getByLabel("写真の位置情報（GPS）でピンを置く").check();
    await page.getByRole("button", { name: "通報する" }).click();
    await page.waitForURL(/\/reports\/V[0-9A-Z]{3}-[0-9A-Z]{4}\?new=1$/);
    const reference = new URL(page.url()).pathname.split("/")[2]!;
    expect(await page.locator(".panel-done").textContent()).toContain(reference);
    await expectPhonePage(page);
    const [mine] = await db().select().from(reports).where(eq(reports.reference, reference));
    expect(mine!.lat).toBeCloseTo(demoPlaces.kitaMachi.lat, 4);
    expect(mine!.lng).toBeCloseTo(demoPlaces.kitaMachi.lng, 4);

    // The photo the reporter sees again has no EXIF left.
    const served = await page.evaluate(async (url) => {
      const response = await fetch(url);
      return { status: response.status, bytes: [...new Uint8Array(await response.arrayBuffer())] };
    }, `/reports/${reference}/photos/1`);
    expect(served.status).toBe(200);
    const metadata = await sharp(Buffer.from(served.bytes)).metadata();
    expect(metadata.format).toBe("jpeg");
    expect(metadata.exif).toBeUndefined();

    // From the keyboard: move the map with the arrow keys, then choose its centre with the button.
    await page.goto(
      `${site}/reports/new/streetlight?clat=${demoPlaces.minatoMachi.lat}&clng=${demoPlaces.minatoMachi.lng}&z=16`,
    );
    await expect.poll(() => page.locator(".leaflet-container").count()).toBe(1);
    await page.locator(".leaflet-container").focus();
    await page.keyboard.press("ArrowRight");
    const centre = page.getByRole("button", { name: "この地図の中心を選ぶ" });
    await centre.focus();
    await page.keyboard.press("Enter");
    await page.waitForURL(/[?&]lat=/);
    const picked = new URL(page.url()).searchParams;
    // Panned east a little: the same latitude, a longitude a little further east, all valid.
    expect(Number(picked.get("lat"))).toBeCloseTo(demoPlaces.minatoMachi.lat, 4);
    expect(Number(picked.get("lng"))).toBeGreaterThan(demoPlaces.minatoMachi.lng);
    expect(Number(picked.get("lng"))).toBeLessThan(demoPlaces.minatoMachi.lng + 0.01);

    // A second report at the same place: tapping the map there shows what was already reported.
    await page.goto(`${site}/reports/new/road-damage?clat=${mine!.lat}&clng=${mine!.lng}&z=17`);
    const map = page.locator(".leaflet-container");
    await expect.poll(() => map.count()).toBe(1);
    const box = (await map.boundingBox())!;
    await page.mouse.click(box.x + box.width / 2, box.y + box.height / 2);
    await page.waitForURL(/[?&]lat=/);
    const hint = page.locator("section.nearby");
    await expect.poll(() => hint.getByRole("heading").textContent()).toContain("すでに通報されています");
    const [seeded] = await db()
      .select()
      .from(reports)
      .where(
        and(
          eq(reports.lat, demoPlaces.kitaMachi.lat),
          eq(reports.lng, demoPlaces.kitaMachi.lng),
          isNull(reports.residentId),
        ),
      );
    const item = hint.locator("li", { hasText: seeded!.reference });
    await item.getByRole("button", { name: "フォローする" }).click();
    await page.waitForURL(new RegExp(`/reports/${seeded!.reference}`));
    await expect.poll(() => page.getByText("この通報をフォローしています。").count()).toBe(1);
    const follows = await db()
      .select()
      .from(reportFollowers)
      .where(and(eq(reportFollowers.reportId, seeded!.id), eq(reportFollowers.source, "follow")));
    expect(follows).toHaveLength(1);
    await expectPhonePage(page);

    // The public list: colour and words for each stage; the map draws pins in the same colours.
    await page.goto(`${site}/reports`);
    expect(await rgb(page, ".entry-list .stage-received")).toBe("rgb(179, 38, 30)");
    expect(await rgb(page, ".entry-list .stage-in_progress")).toBe("rgb(242, 194, 0)");
    expect(await rgb(page, ".entry-list .stage-done")).toBe("rgb(30, 123, 52)");
    expect(await page.locator(".entry-list .stage-received").first().textContent()).toBe("受付");
    expect(await page.locator(".entry-list .stage-done").first().textContent()).toBe("対応済");
    await expect.poll(() => page.locator(".leaflet-container").count()).toBe(1);
    // The whole city, zoomed out: clusters with counts.
    await expect.poll(() => page.locator(".leaflet-container .map-cluster").count()).toBeGreaterThan(0);
    await expectPhonePage(page, { scriptFree: false });
    // At street level around 東町 (a streetlight being fixed) the map draws pins from /reports/map.json.
    await page.goto(
      `${site}/reports?clat=${demoPlaces.higashiMachi.lat}&clng=${demoPlaces.higashiMachi.lng}&z=16`,
    );
    await expect.poll(() => page.locator(".leaflet-container .map-pin").count()).toBeGreaterThan(0);
    const pinColours = await page
      .locator(".leaflet-container .map-pin")
      .evaluateAll((pins) => pins.map((pin) => [pin.className, getComputedStyle(pin).backgroundColor]));
    const expected: Record<string, string> = {
      "stage-received": "rgb(179, 38, 30)",
      "stage-in_progress": "rgb(242, 194, 0)",
      "stage-done": "rgb(30, 123, 52)",
    };
    expect(pinColours.some(([className]) => className!.includes("stage-in_progress"))).toBe(true);
    for (const [className, colour] of pinColours) {
      const stage = Object.keys(expected).find((key) => className!.includes(key))!;
      expect(colour).toBe(expected[stage]);
    }
    await expectPhonePage(page, { scriptFree: false });
    expect(blocked).toEqual([]);
  }, 60_000);

  it("works without JavaScript: a tap on the tile grid places the pin", async () => {
    const page = await phone(false);
    await page.goto(
      `${site}/reports/new/streetlight?clat=${demoPlaces.higashiMachi.lat}&clng=${demoPlaces.higashiMachi.lng}`,
    );
    await page.locator('input[name="tile_0_0"]').click({ position: { x: 50, y: 50 } });
    await page.waitForURL(/[?&]lat=/);
    expect(await page.locator(".tile-grid svg").count()).toBe(1);
    await page.getByLabel("どんな状態ですか").fill("街灯が点きません");
    await page.getByRole("button", { name: "通報する" }).click();
    await page.waitForURL(/\?new=1$/);
  }, 30_000);

  it("keeps the tile grid usable and accessible when the map script does not load", async () => {
    const page = await phone();
    // Scripts run (axe needs them) but ours never arrives: the page must still work as without JavaScript.
    await page.route("**/assets/report-map.js", (route) => route.abort());
    const view = { center: demoPlaces.higashiMachi, zoom: 16 };
    await page.goto(`${site}/reports/new/streetlight?clat=${view.center.lat}&clng=${view.center.lng}&z=16`);
    expect(await page.locator(".leaflet-container").count()).toBe(0);
    await expectPhonePage(page, { scriptFree: false });
    await page.locator('input[name="tile_1_-1"]').click({ position: { x: 25, y: 75 } });
    await page.waitForURL(/[?&]lat=/);
    const chosen = new URL(page.url()).searchParams;
    // The north-east tile of the grid, a quarter across and three quarters down.
    const tile = tileOf(view.center, 16);
    const expected = tileCorner(tile.x + 1 + 0.25, tile.y - 1 + 0.75, 16);
    expect(Number(chosen.get("lat"))).toBeCloseTo(expected.lat, 5);
    expect(Number(chosen.get("lng"))).toBeCloseTo(expected.lng, 5);
    expect(await page.getByRole("status").first().textContent()).toContain(String(chosen.get("lat")));
    await expectPhonePage(page, { scriptFree: false });
  }, 30_000);

  it("lets a guest confirm their e-mail address and later stop updates, by buttons that work without JavaScript", async () => {
    const [tenant] = await db().select().from(tenants).where(eq(tenants.slug, "tenohira"));
    const filed = await submitReport({
      services: server.platform.services,
      tenantId: tenant!.id,
      actor: { type: "guest", id: null },
      categoryCode: "streetlight",
      point: demoPlaces.kitaMachi,
      description: "街灯が点滅しています（確認メールの試験）",
      channel: "web",
      contact: { email: "mail-follower@example.jp" },
    });
    if (!filed.ok) {
      throw new Error(JSON.stringify(filed.problems));
    }
    const report = filed.report;
    const follower = () =>
      db()
        .select()
        .from(reportFollowers)
        .where(
          and(eq(reportFollowers.reportId, report.id), eq(reportFollowers.email, "mail-follower@example.jp")),
        );
    // The worker mails the confirmation link; the page it opens only asks.
    let link = "";
    await expect
      .poll(
        async () => {
          const [mail] = await db()
            .select({ body: notifications.body })
            .from(notifications)
            .where(
              and(
                eq(notifications.reference, report.reference),
                eq(notifications.recipient, "mail-follower@example.jp"),
              ),
            );
          link = mail?.body.match(/\/reports\/followers\/confirm\?token=[A-Za-z0-9_-]{43}/)?.[0] ?? "";
          return link;
        },
        { timeout: 20_000 },
      )
      .not.toBe("");
    // axe needs JavaScript in the page: the pages are checked in a phone with it, and the pages having no
    // script (expectPhonePage) is what makes the phone without it see the same.
    const page = await phone();
    await page.goto(`${site}${link}`);
    expect(await page.getByText(report.reference).count()).toBeGreaterThan(0);
    await expectPhonePage(page);
    await page.goto(`${site}${link}&lang=en`);
    await page.getByRole("heading", { name: "Confirm your e-mail address" }).waitFor();
    await expectPhonePage(page);
    expect((await follower())[0]?.confirmedAt).toBeNull();
    // Confirmed from the keyboard with JavaScript off.
    const noScript = await phone(false);
    await noScript.goto(`${site}${link}`);
    await noScript.getByRole("button", { name: "確認する" }).focus();
    await noScript.keyboard.press("Enter");
    await expect.poll(() => noScript.getByRole("status").textContent()).toContain("確認しました");
    expect((await follower())[0]?.confirmedAt).toBeInstanceOf(Date);
    await page.setContent(await noScript.content());
    await expectPhonePage(page);
    // The used link now answers a clear page, not an error.
    await page.goto(`${site}${link}`);
    await page.getByRole("heading", { name: "このリンクは使えません" }).waitFor();
    await expectPhonePage(page);

    // Stopping, by the link an update e-mail would carry.
    const token = "browser-unsubscribe-token-0123456789abcdefgh";
    await db()
      .update(reportFollowers)
      .set({ unsubscribeTokenHash: hashLinkToken(token) })
      .where(eq(reportFollowers.id, (await follower())[0]!.id));
    await page.goto(`${site}${unsubscribePath(token)}`);
    expect(await page.getByText(report.reference).count()).toBeGreaterThan(0);
    await expectPhonePage(page);
    const button = page.getByRole("button", { name: "お知らせを止める" });
    await button.focus();
    await page.keyboard.press("Enter");
    await expect.poll(() => page.getByRole("status").textContent()).toContain("お知らせを止めました");
    await expectPhonePage(page);
    expect(await follower()).toHaveLength(0);
  }, 60_000);
});
