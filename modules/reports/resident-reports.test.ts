import { and, eq } from "drizzle-orm";
import sharp from "sharp";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { distanceMeters, round6, tileCorner, tileOf } from "../../core/geo/geo.ts";
import { addSecondCity } from "../../core/testing/second-city.ts";
import {
  createTestPlatform,
  type ResidentTestSession,
  type TestPlatform,
} from "../../core/testing/test-platform.ts";
import { reopenReasonProblem } from "./operations/reopen-report.ts";
import { gridPixel, pointFromClick, TILE_PX } from "./resident-map.ts";
import { reportAreas, reportEntries, reportFollowers, reportPhotos, reports } from "./schema.ts";
import { demoPlaces } from "./seeds.ts";

let platform: TestPlatform;
let taro: ResidentTestSession;
const db = () => platform.services.database.db;

function multipart(
  session: ResidentTestSession | null,
  fields: Record<string, string>,
  files: { name: string; bytes: Uint8Array; type: string }[] = [],
) {
  const body = new FormData();
  if (session) {
    body.set("_csrf", session.csrf);
  }
  for (const [k, v] of Object.entries(fields)) {
    body.append(k, v);
  }
  for (const f of files) {
    body.append("photos", new Blob([f.bytes as Uint8Array<ArrayBuffer>], { type: f.type }), f.name);
  }
  const init: RequestInit = { method: "POST", headers: session ? { cookie: session.cookie } : {}, body };
  return init;
}

async function gpsPhoto(): Promise<Uint8Array> {
  return new Uint8Array(
    await sharp({ create: { width: 64, height: 48, channels: 3, background: "#884422" } })
      .jpeg()
      .withExif({
        IFD3: {
          GPSLatitudeRef: "N",
          GPSLatitude: "31/1 24/1 36/1",
          GPSLongitudeRef: "E",
          GPSLongitude: "130/1 49/1 48/1",
        },
      })
      .toBuffer(),
  );
}

beforeAll(async () => {
  platform = await createTestPlatform({
    config: { mapTileUrl: "/map/tiles/{z}/{x}/{y}.png", trustProxy: "true" },
  });
  // A second city on the same install, added before the first request so the tenant cache knows it.
  await addSecondCity(db(), {
    slug: "reports-other",
    municipalityCode: "990071",
    hosts: ["reports-other.localhost"],
  });
  taro = await platform.signInResident("taro@example.jp");
}, 120_000);
afterAll(() => platform?.close());

describe("filing a report without JavaScript", () => {
  it("turns a click on the tile grid into the point under it", async () => {
    const center = demoPlaces.cityHall;
    const page = await platform.request(
      `/reports/new/streetlight?clat=${center.lat}&clng=${center.lng}&z=16`,
    );
    expect(page.status).toBe(200);
    const text = await page.text();
    expect(text).toContain('name="tile_0_0"');
    expect(text).toContain("/map/tiles/16/");
    const clicked = await platform.request(
      `/reports/new/streetlight?clat=${center.lat}&clng=${center.lng}&z=16&tile_0_0.x=${TILE_PX / 2}&tile_0_0.y=${TILE_PX / 2}`,
    );
    expect(clicked.status).toBe(303);
    const location = new URL(clicked.headers.get("location")!, "http://localhost");
    const lat = Number(location.searchParams.get("lat"));
    const lng = Number(location.searchParams.get("lng"));
    // The middle of the centre tile, worked out from the tile numbers alone.
    const tile = tileOf(center, 16);
    const middle = tileCorner(tile.x + 0.5, tile.y + 0.5, 16);
    expect(lat).toBeCloseTo(middle.lat, 6);
    expect(lng).toBeCloseTo(middle.lng, 6);
    // The marker is drawn where the click was: the grid's middle.
    const at = gridPixel({ center, zoom: 16 }, { lat, lng })!;
    expect(at.x).toBeCloseTo(1.5 * TILE_PX, 0);
    expect(at.y).toBeCloseTo(1.5 * TILE_PX, 0);
    // Any pixel round-trips: point → pixel → point.
    const view = { center, zoom: 16 };
    const corner = pointFromClick(view, -1, 1, 23, 71);
    const back = gridPixel(view, corner)!;
    expect(back.x).toBeCloseTo(23, 0);
    expect(back.y).toBeCloseTo(2 * TILE_PX + 71, 0);
    // A keyboard press on an image button sends (0, 0): that picks the tile's middle, not its corner.
    const pressed = await platform.request(
      `/reports/new/streetlight?clat=${center.lat}&clng=${center.lng}&z=16&tile_0_0.x=0&tile_0_0.y=0`,
    );
    const keyed = new URL(pressed.headers.get("location")!, "http://localhost").searchParams;
    expect(Number(keyed.get("lat"))).toBeCloseTo(middle.lat, 6);
    expect(Number(keyed.get("lng"))).toBeCloseTo(middle.lng, 6);
    const png = await platform.request(`/map/tiles/16/${tile.x}/${tile.y}.png`);
    expect(png.status).toBe(200);
    expect(png.headers.get("content-type")).toBe("image/png");
  });

  it("serves only offline tiles that exist", async () => {
    for (const path of [
      "/map/tiles/20/0/0.png",
      "/map/tiles/2/4/0.png",
      "/map/tiles/2/0/4.png",
      "/map/tiles/2/x/0.png",
      "/map/tiles/2/0/NaN.png",
      "/map/tiles/2/-1/0.png",
      "/map/tiles/2/0/0.jpg",
      "/map/tiles/999/0/0.png",
      "/map/tiles/2/99999999999999999999/0.png",
    ]) {
      expect((await platform.request(path)).status, path).toBe(404);
    }
    expect((await platform.request("/map/tiles/2/3/3.png")).status).toBe(200);
  });

  it("keeps panning links valid across the date line", async () => {
    const text = await (await platform.request("/reports/new/streetlight?clat=35&clng=179.999&z=10")).text();
    const east = /href="([^"]+)">東へ</.exec(text)![1]!.replaceAll("&amp;", "&");
    const clng = Number(new URL(east, "http://localhost").searchParams.get("clng"));
    expect(clng).toBeGreaterThanOrEqual(-180);
    expect(clng).toBeLessThan(-179);
  });

  it("files a report, shows the reference, and the nearby hint for the next one", async () => {
    const place = demoPlaces.minatoMachi;
    const filed = await platform.request(
      "/reports/new/streetlight",
      multipart(taro, { lat: String(place.lat), lng: String(place.lng), description: "街灯が消えています" }),
    );
    expect(filed.status).toBe(303);
    const where = filed.headers.get("location")!;
    expect(where).toMatch(/^\/reports\/V[0-9A-Z]{3}-[0-9A-Z]{4}\?new=1$/);
    const reference = where.slice("/reports/".length, -"?new=1".length);
    const shown = await (await platform.request(where, { headers: { cookie: taro.cookie } })).text();
    expect(shown).toContain(reference);
    expect(shown).toContain("受付番号");
    const hint = await (
      await platform.request(`/reports/new/streetlight?lat=${place.lat}&lng=${place.lng + 0.0001}`)
    ).text();
    expect(hint).toContain("すでに通報されています");
    expect(hint).toContain(`/reports/${reference}`);
  });

  it("refuses bad input with every problem, keeps what was typed and stores nothing", async () => {
    const before = (await db().select().from(reports)).length;
    const refused = await platform.request(
      "/reports/new/streetlight?lang=en",
      multipart(
        null,
        {
          lat: String(demoPlaces.offshore.lat),
          lng: String(demoPlaces.offshore.lng),
          description: "x".repeat(4001),
        },
        [{ name: "notes.txt", bytes: new TextEncoder().encode("hello"), type: "text/plain" }],
      ),
    );
    expect(refused.status).toBe(422);
    const text = await refused.text();
    expect(text).toContain("4000");
    expect(text).toContain("Use this place inside the city");
    expect(text).toContain("Please choose your photos again");
    expect(text).toMatch(/Photo 1/);
    expect((await db().select().from(reports)).length).toBe(before);
  });

  it("needs a contact for a category without anonymity and offers no anonymous box there", async () => {
    const form = await (await platform.request("/reports/new/other")).text();
    expect(form).not.toContain('name="anonymous"');
    const refused = await platform.request(
      "/reports/new/other",
      multipart(null, {
        lat: String(demoPlaces.cityHall.lat),
        lng: String(demoPlaces.cityHall.lng),
        description: "相談",
        anonymous: "1",
      }),
    );
    expect(refused.status).toBe(422);
    expect(await refused.text()).toContain("連絡先");
  });

  it("places the pin from the photo's GPS only with consent, and keeps no EXIF", async () => {
    const photo = await gpsPhoto();
    const without = await platform.request(
      "/reports/new/park",
      multipart(null, { description: "ベンチが壊れています" }, [
        { name: "a.jpg", bytes: photo, type: "image/jpeg" },
      ]),
    );
    expect(without.status).toBe(422);
    expect(await without.text()).toContain("地図で場所を選んでください");
    expect(
      (await db().select().from(reports).where(eq(reports.description, "ベンチが壊れています"))).length,
    ).toBe(0);
    const filed = await platform.request(
      "/reports/new/park",
      multipart(taro, { description: "ベンチが壊れています", gps_consent: "1" }, [
        { name: "a.jpg", bytes: photo, type: "image/jpeg" },
      ]),
    );
    expect(filed.status).toBe(303);
    const reference = filed.headers.get("location")!.split("/")[2]!.split("?")[0]!;
    const [report] = await db().select().from(reports).where(eq(reports.reference, reference));
    expect(report!.lat).toBeCloseTo(31.41, 3);
    expect(report!.lng).toBeCloseTo(130.83, 3);
    const own = await platform.request(`/reports/${reference}/photos/1`, {
      headers: { cookie: taro.cookie },
    });
    expect(own.status).toBe(200);
    const metadata = await sharp(new Uint8Array(await own.arrayBuffer())).metadata();
    expect(metadata.exif).toBeUndefined();
    expect(metadata.xmp).toBeUndefined();
    // The reporter is told nobody else sees them.
    expect(
      await (await platform.request(`/reports/${reference}`, { headers: { cookie: taro.cookie } })).text(),
    ).toContain("あなたにだけ表示されています");
    expect((await platform.request(`/reports/${reference}/photos/1`)).status).toBe(404);
    expect((await db().select().from(reportPhotos).where(eq(reportPhotos.reportId, report!.id))).length).toBe(
      1,
    );
  });
});

describe("address search, questions and tenants", () => {
  it("finds a 町字 by its Japanese or English name and says plainly when it knows none", async () => {
    const [area] = await db().select().from(reportAreas).where(eq(reportAreas.code, "kita-machi"));
    const kita = round6({ lat: (area!.minLat + area!.maxLat) / 2, lng: (area!.minLng + area!.maxLng) / 2 });
    for (const q of ["北町", "KITA"]) {
      const found = await (await platform.request(`/reports/new/park?q=${encodeURIComponent(q)}`)).text();
      expect(found).not.toContain("住所検索はこの市の町字名だけに対応しています");
      // The map is centred on the district found.
      expect(found).toContain(`data-clat="${kita.lat}" data-clng="${kita.lng}"`);
    }
    const none = await (
      await platform.request("/reports/new/park?q=%E9%9C%9E%E3%81%8C%E9%96%A2&lang=en")
    ).text();
    expect(none).toContain("Address search here only knows");
  });

  it("asks the category's extra questions and refuses a report without the required answer", async () => {
    const form = await (await platform.request("/reports/new/road-damage")).text();
    expect(form).toContain("通行に危険はありますか");
    const place = demoPlaces.minamiMachi;
    const refused = await platform.request(
      "/reports/new/road-damage",
      multipart(null, { lat: String(place.lat), lng: String(place.lng), description: "段差があります" }),
    );
    expect(refused.status).toBe(422);
    const filed = await platform.request(
      "/reports/new/road-damage",
      multipart(null, {
        lat: String(place.lat),
        lng: String(place.lng),
        description: "段差があります",
        danger: "minor",
      }),
    );
    expect(filed.status).toBe(303);
  });

  it("sends a guest who wants to follow to sign in and back to the report's page", async () => {
    const [report] = await db().select().from(reports).limit(1);
    const page = await (await platform.request(`/reports/${report!.reference}`)).text();
    const signIn = `/sign-in?${new URLSearchParams({ return: `/reports/${report!.reference}` })}`;
    expect(page).toContain(signIn.replaceAll("&", "&amp;"));
    expect(page).not.toContain('name="email"');
    const before = (await db().select().from(reportFollowers)).length;
    const followed = await platform.request(`/reports/${report!.reference}/follow`, {
      method: "POST",
      body: new URLSearchParams({ email: "guest@example.jp" }),
    });
    expect(followed.status).toBe(303);
    expect(followed.headers.get("location")).toBe(signIn);
    expect((await db().select().from(reportFollowers)).length).toBe(before);
  });

  it("hides a city's reports, photos, follows and reopens from another city", async () => {
    const [report] = await db()
      .select()
      .from(reports)
      .where(eq(reports.residentId, taro.residentId))
      .limit(1);
    const ref = report!.reference;
    const other = "http://reports-other.localhost";
    const away = await platform.signInResident("away@example.jp", { host: "reports-other.localhost" });
    const post = (path: string, fields: Record<string, string> = {}) =>
      platform.request(`${other}${path}`, {
        method: "POST",
        headers: { cookie: away.cookie },
        body: new URLSearchParams({ _csrf: away.csrf, ...fields }),
      });
    expect((await platform.request(`${other}/reports/${ref}`)).status).toBe(404);
    expect((await platform.request(`${other}/reports/${ref}/photos/1`)).status).toBe(404);
    expect((await post(`/reports/${ref}/follow`)).status).toBe(404);
    expect((await post(`/reports/${ref}/reopen`, { reason: "まだです" })).status).toBe(404);
    expect(
      await db().select().from(reportFollowers).where(eq(reportFollowers.residentId, away.residentId)),
    ).toHaveLength(0);
    expect((await platform.request(`http://localhost/reports/${ref}`)).status).toBe(200);
  });

  it("refuses a form post from a session without its CSRF token", async () => {
    const [report] = await db().select().from(reports).limit(1);
    const refused = await platform.request(`/reports/${report!.reference}/follow`, {
      method: "POST",
      headers: { cookie: taro.cookie },
      body: new URLSearchParams({}),
    });
    expect(refused.status).toBe(403);
    const filing = await platform.request("/reports/new/streetlight", {
      method: "POST",
      headers: { cookie: taro.cookie },
      body: new URLSearchParams({ lat: "31.38", lng: "130.85", description: "CSRFなし" }),
    });
    expect(filing.status).toBe(403);
    expect(await db().select().from(reports).where(eq(reports.description, "CSRFなし"))).toHaveLength(0);
    // Every form the page offers a signed-in resident carries the token.
    const page = await (
      await platform.request(`/reports/${report!.reference}`, { headers: { cookie: taro.cookie } })
    ).text();
    const forms = page.match(/<form method="post"[\s\S]*?<\/form>/g) ?? [];
    expect(forms.length).toBeGreaterThan(0);
    for (const form of forms) {
      expect(form).toContain(`name="_csrf" value="${taro.csrf}"`);
    }
  });
});

describe("privacy of report pages", () => {
  it("shows a hidden category's words, photos and replies only to its reporter", async () => {
    const filed = await platform.request(
      "/reports/new/other",
      multipart(taro, {
        lat: String(demoPlaces.cityHall.lat),
        lng: String(demoPlaces.cityHall.lng),
        description: "隣家の私的な事情です",
      }),
    );
    expect(filed.status).toBe(303);
    const ref = filed.headers.get("location")!.split("/")[2]!.split("?")[0]!;
    const [report] = await db().select().from(reports).where(eq(reports.reference, ref));
    await db().insert(reportEntries).values({
      tenantId: report!.tenantId,
      reportId: report!.id,
      kind: "reply",
      actorType: "system",
      body: "担当から個別の回答です",
      public: true,
    });
    const own = await (
      await platform.request(`/reports/${ref}`, { headers: { cookie: taro.cookie } })
    ).text();
    expect(own).toContain("隣家の私的な事情です");
    expect(own).toContain("担当から個別の回答です");
    const hanako = await platform.signInResident("hanako-privacy@example.jp");
    for (const headers of [{}, { cookie: hanako.cookie }] as Record<string, string>[]) {
      const seen = await platform.request(`/reports/${ref}`, { headers });
      expect(seen.status).toBe(200);
      const text = await seen.text();
      expect(text).toContain("その他");
      expect(text).toContain("受付");
      expect(text).toContain("市からの回答");
      expect(text).not.toContain("隣家の私的な事情です");
      expect(text).not.toContain("担当から個別の回答です");
    }
  });

  it("keeps a report staff hid from everyone but its reporter", async () => {
    const place = demoPlaces.kitaMachi;
    const filed = await platform.request(
      "/reports/new/park",
      multipart(taro, { lat: String(place.lat), lng: String(place.lng), description: "隠される通報" }),
    );
    const ref = filed.headers.get("location")!.split("/")[2]!.split("?")[0]!;
    await db().update(reports).set({ hiddenByStaff: true }).where(eq(reports.reference, ref));
    expect((await platform.request(`/reports/${ref}`)).status).toBe(404);
    const hanako = await platform.signInResident("hanako-hidden@example.jp");
    expect((await platform.request(`/reports/${ref}`, { headers: { cookie: hanako.cookie } })).status).toBe(
      404,
    );
    expect((await platform.request(`/reports/${ref}`, { headers: { cookie: taro.cookie } })).status).toBe(
      200,
    );
  });

  it("finds a coarse report near its public point only and prints no distance", async () => {
    // Off the centre of its cell, so the exact place and the public one differ.
    const exact = { lat: demoPlaces.higashiMachi.lat + 0.0004, lng: demoPlaces.higashiMachi.lng - 0.0006 };
    const filed = await platform.request(
      "/reports/new/dead-animal",
      multipart(taro, { lat: String(exact.lat), lng: String(exact.lng), description: "猫の死骸" }),
    );
    expect(filed.status).toBe(303);
    const ref = filed.headers.get("location")!.split("/")[2]!.split("?")[0]!;
    const [report] = await db().select().from(reports).where(eq(reports.reference, ref));
    const shown = { lat: report!.publicLat!, lng: report!.publicLng! };
    const apart = distanceMeters(exact, shown);
    expect(apart).toBeGreaterThan(10);
    // Beyond the public point, 130 m from the exact place: outside the 100 m radius measured from the
    // exact place, yet within the radius widened by the cell from the public point.
    const k = 130 / apart;
    const beyond = round6({
      lat: exact.lat + (shown.lat - exact.lat) * k,
      lng: exact.lng + (shown.lng - exact.lng) * k,
    });
    for (const at of [exact, beyond]) {
      const hint = await (
        await platform.request(`/reports/new/dead-animal?lat=${at.lat}&lng=${at.lng}`)
      ).text();
      expect(hint).toContain(`/reports/${ref}`);
      expect(hint).toContain("この近く");
      expect(hint).not.toMatch(/約\d+m先/);
    }
  });

  it("files anonymously without keeping the signed-in account", async () => {
    const filed = await platform.request(
      "/reports/new/streetlight",
      multipart(taro, {
        lat: String(demoPlaces.minamiMachi.lat),
        lng: String(demoPlaces.minamiMachi.lng),
        description: "匿名の通報です",
        contact_email: "taro@example.jp",
        anonymous: "1",
      }),
    );
    expect(filed.status).toBe(303);
    const [report] = await db().select().from(reports).where(eq(reports.description, "匿名の通報です"));
    expect(report!.residentId).toBeNull();
    expect(report!.contactEmail).toBeNull();
    expect(
      await db().select().from(reportFollowers).where(eq(reportFollowers.reportId, report!.id)),
    ).toHaveLength(0);
  });
});

describe("rate limits", () => {
  it("stops a flood of reports from one address with a 429 page in the resident's language", async () => {
    const ip = "203.0.113.77";
    const attempt = () =>
      platform.request("/reports/new/streetlight?lang=en", {
        ...multipart(null, { description: "" }),
        headers: { "x-forwarded-for": ip },
      });
    for (let i = 0; i < 10; i++) {
      expect((await attempt()).status).toBe(422);
    }
    const refused = await attempt();
    expect(refused.status).toBe(429);
    expect(refused.headers.get("retry-after")).toBe("600");
    expect(await refused.text()).toContain("Please wait");
    // Another address is not held back.
    const elsewhere = await platform.request("/reports/new/streetlight", {
      ...multipart(null, { description: "" }),
      headers: { "x-forwarded-for": "203.0.113.78" },
    });
    expect(elsewhere.status).toBe(422);
  });
});

describe("public report pages", () => {
  it("follows once however often pressed, in the resident's language, and lists with badges", async () => {
    const hanako = await platform.signInResident("hanako-follow@example.jp");
    const [report] = await db().select().from(reports).where(eq(reports.statusKey, "received")).limit(1);
    const list = await (await platform.request("/reports?stage=done")).text();
    expect(list).toContain('class="stage stage-done"');
    expect(list).toContain("対応済");
    // The filter offers no hidden category.
    expect(list).not.toContain('value="other"');
    const press = () =>
      platform.request(`/reports/${report!.reference}/follow?lang=en`, {
        method: "POST",
        headers: { cookie: hanako.cookie },
        body: new URLSearchParams({ _csrf: hanako.csrf }),
      });
    const answers = await Promise.all([press(), press(), press()]);
    expect(answers.map((a) => a.status)).toEqual([303, 303, 303]);
    const rows = await db()
      .select()
      .from(reportFollowers)
      .where(
        and(eq(reportFollowers.reportId, report!.id), eq(reportFollowers.residentId, hanako.residentId)),
      );
    expect(rows).toHaveLength(1);
    expect(rows[0]!.locale).toBe("en");
  });

  it("following a merged report follows the one it was merged into", async () => {
    const hanako = await platform.signInResident("hanako-merged@example.jp");
    const [from, into] = await db().select().from(reports).where(eq(reports.statusKey, "received")).limit(2);
    await db().update(reports).set({ mergedIntoId: into!.id }).where(eq(reports.id, from!.id));
    const page = await (await platform.request(`/reports/${from!.reference}`)).text();
    // The reference it went into is printed once, as the link.
    expect(page.split(into!.reference)).toHaveLength(3);
    const followed = await platform.request(`/reports/${from!.reference}/follow`, {
      method: "POST",
      headers: { cookie: hanako.cookie },
      body: new URLSearchParams({ _csrf: hanako.csrf }),
    });
    expect(followed.headers.get("location")).toBe(`/reports/${into!.reference}?followed=1`);
    const rows = await db()
      .select()
      .from(reportFollowers)
      .where(eq(reportFollowers.residentId, hanako.residentId));
    expect(rows.map((r) => r.reportId)).toEqual([into!.id]);
    await db().update(reports).set({ mergedIntoId: null }).where(eq(reports.id, from!.id));
  });

  it("reopens only for the reporter or an earlier follower, within the window, a few times at most", async () => {
    const hanako = await platform.signInResident("hanako@example.jp");
    const [report] = await db().select().from(reports).where(eq(reports.statusKey, "fixed")).limit(1);
    const ref = report!.reference;
    const post = (path: string, fields: Record<string, string>) =>
      platform.request(path, {
        method: "POST",
        headers: { cookie: hanako.cookie },
        body: new URLSearchParams({ _csrf: hanako.csrf, ...fields }),
      });
    const reopen = (reason = "まだ壊れています") => post(`/reports/${ref}/reopen`, { reason });
    expect((await reopen()).status).toBe(403);
    expect((await post(`/reports/${ref}/follow`, {})).status).toBe(303);
    const follows = () =>
      db()
        .select()
        .from(reportFollowers)
        .where(
          and(eq(reportFollowers.reportId, report!.id), eq(reportFollowers.residentId, hanako.residentId)),
        );
    expect(await follows()).toHaveLength(1);
    // Following after it was closed does not entitle anyone to reopen it.
    expect((await reopen()).status).toBe(403);
    await db()
      .update(reportFollowers)
      .set({ createdAt: new Date(Date.now() - 90 * 86_400_000) })
      .where(
        and(eq(reportFollowers.reportId, report!.id), eq(reportFollowers.residentId, hanako.residentId)),
      );
    // Closed long ago: outside the reopen window.
    await db()
      .update(reports)
      .set({ closedAt: new Date(Date.now() - 60 * 86_400_000) })
      .where(eq(reports.id, report!.id));
    expect((await reopen()).status).toBe(409);
    const close = () =>
      db()
        .update(reports)
        .set({
          statusKey: "fixed",
          stage: "done",
          statusCategory: "fixed",
          closedAt: new Date(),
          dueAt: null,
        })
        .where(eq(reports.id, report!.id));
    await close();
    // Bad reasons: the form comes back with what was typed and the problem.
    const long = "あ".repeat(2001);
    const tooLong = await reopen(long);
    expect(tooLong.status).toBe(422);
    const tooLongPage = await tooLong.text();
    expect(tooLongPage).toContain(long);
    expect(tooLongPage).toContain('class="error-summary"');
    expect(tooLongPage).toContain('maxlength="2000"');
    for (const bad of ["壊れて\u0000います", "壊れて\u0007います", "   "]) {
      expect((await reopen(bad)).status).toBe(422);
    }
    // A lone surrogate cannot travel in a form (it arrives as U+FFFD), so the rule is checked directly.
    expect(reopenReasonProblem("壊れて\ud800います")).not.toBeNull();
    expect(reopenReasonProblem("まだ壊れています")).toBeNull();
    expect((await reopen()).status).toBe(303);
    const [reopened] = await db().select().from(reports).where(eq(reports.id, report!.id));
    expect(reopened!.statusKey).toBe("received");
    expect(reopened!.closedAt).toBeNull();
    // The category's deadline starts again.
    expect(reopened!.dueAt!.getTime()).toBeGreaterThan(Date.now());
    expect(await (await platform.request(`/reports/${ref}`)).text()).toContain("再開されました");
    for (let n = 2; n <= 3; n++) {
      await close();
      expect((await reopen()).status).toBe(303);
    }
    await close();
    const capped = await reopen();
    expect(capped.status).toBe(409);
    expect(await capped.text()).toContain("3回");
    expect((await post(`/reports/${ref}/unfollow`, {})).status).toBe(303);
    expect(await follows()).toHaveLength(0);
  });
});
