import { and, eq } from "drizzle-orm";
import sharp from "sharp";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { round6, tileOf } from "../../core/geo/geo.ts";
import { tenants } from "../../core/tenancy/schema.ts";
import {
  createTestPlatform,
  type ResidentTestSession,
  type TestPlatform,
} from "../../core/testing/test-platform.ts";
import { pointFromClick, TILE_PX } from "./resident-map.ts";
import { reportAreas, reportFollowers, reportPhotos, reports } from "./schema.ts";
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
  platform = await createTestPlatform({ config: { mapTileUrl: "/map/tiles/{z}/{x}/{y}.png" } });
  // A second city on the same install, added before the first request so the tenant cache knows it.
  await db()
    .insert(tenants)
    .values({
      municipalityCode: "990071",
      slug: "reports-other",
      nameJa: "よその市",
      nameEn: "Other",
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
    // The middle of the centre tile is within a tile of the centre and in the same tile.
    expect(tileOf({ lat, lng }, 16)).toEqual(tileOf(center, 16));
    expect(pointFromClick({ center, zoom: 16 }, 0, 0, TILE_PX / 2, TILE_PX / 2)).toEqual({ lat, lng });
    const tile = await platform.request(`/map/tiles/16/${tileOf(center, 16).x}/${tileOf(center, 16).y}.png`);
    expect(tile.headers.get("content-type")).toBe("image/png");
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
    expect((await sharp(new Uint8Array(await own.arrayBuffer())).metadata()).exif).toBeUndefined();
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

  it("lets a guest follow by e-mail, and hides a city's reports from another city", async () => {
    const [report] = await db().select().from(reports).limit(1);
    const followed = await platform.request(`/reports/${report!.reference}/follow`, {
      method: "POST",
      body: new URLSearchParams({ email: "Guest@Example.jp" }),
    });
    expect(followed.status).toBe(303);
    const rows = await db()
      .select()
      .from(reportFollowers)
      .where(and(eq(reportFollowers.reportId, report!.id), eq(reportFollowers.email, "guest@example.jp")));
    expect(rows).toHaveLength(1);
    expect(
      (await platform.request(`http://reports-other.localhost/reports/${report!.reference}`)).status,
    ).toBe(404);
    expect((await platform.request(`http://localhost/reports/${report!.reference}`)).status).toBe(200);
  });
});

describe("public report pages", () => {
  it("follows and unfollows, lists with badges, and reopens only within the window for followers", async () => {
    const hanako = await platform.signInResident("hanako@example.jp");
    const [report] = await db().select().from(reports).where(eq(reports.statusKey, "fixed")).limit(1);
    const ref = report!.reference;
    const list = await (await platform.request("/reports?stage=done")).text();
    expect(list).toContain('class="stage stage-done"');
    expect(list).toContain("対応済");
    const stranger = await platform.request(`/reports/${ref}/reopen`, {
      method: "POST",
      headers: { cookie: hanako.cookie },
      body: new URLSearchParams({ _csrf: hanako.csrf, reason: "まだ壊れています" }),
    });
    expect(stranger.status).toBe(403);
    const post = (path: string, fields: Record<string, string>) =>
      platform.request(path, {
        method: "POST",
        headers: { cookie: hanako.cookie },
        body: new URLSearchParams({ _csrf: hanako.csrf, ...fields }),
      });
    expect((await post(`/reports/${ref}/follow`, {})).status).toBe(303);
    const follows = () =>
      db()
        .select()
        .from(reportFollowers)
        .where(
          and(eq(reportFollowers.reportId, report!.id), eq(reportFollowers.residentId, hanako.residentId)),
        );
    expect(await follows()).toHaveLength(1);
    // Closed long ago: outside the reopen window.
    await db()
      .update(reports)
      .set({ closedAt: new Date(Date.now() - 60 * 86_400_000) })
      .where(eq(reports.id, report!.id));
    expect((await post(`/reports/${ref}/reopen`, { reason: "まだ壊れています" })).status).toBe(409);
    await db().update(reports).set({ closedAt: new Date() }).where(eq(reports.id, report!.id));
    expect((await post(`/reports/${ref}/reopen`, { reason: "まだ壊れています" })).status).toBe(303);
    const [reopened] = await db().select().from(reports).where(eq(reports.id, report!.id));
    expect(reopened!.statusKey).toBe("received");
    expect(reopened!.closedAt).toBeNull();
    expect(await (await platform.request(`/reports/${ref}`)).text()).toContain("再開されました");
    expect((await post(`/reports/${ref}/unfollow`, {})).status).toBe(303);
    expect(await follows()).toHaveLength(0);
  });
});
