import { eq } from "drizzle-orm";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { type Tenant, tenants } from "../../core/tenancy/schema.ts";
import { type AbrgStandIn, startAbrgStandIn } from "../../core/testing/abrg-stand-in.ts";
import { createTestPlatform, type TestPlatform } from "../../core/testing/test-platform.ts";
import { addressInCity, searchPlace } from "./address-search.ts";
import { SEARCH_LIMIT } from "./resident-pages.ts";

let abrg: AbrgStandIn;
let platform: TestPlatform;
let tenant: Tenant;

beforeAll(async () => {
  abrg = await startAbrgStandIn();
  platform = await createTestPlatform({ config: { addressGeocoderUrl: abrg.url, trustProxy: "true" } });
  [tenant] = (await platform.services.database.db
    .select()
    .from(tenants)
    .where(eq(tenants.slug, "tenohira"))) as [Tenant];
}, 120_000);
afterAll(async () => {
  await platform?.close();
  await abrg?.close();
});
beforeEach(() => abrg.setMode("ok"));

const formPage = async (q: string, extra = "", ip = "198.51.100.1") => {
  const response = await platform.request(`/reports/new/park?q=${encodeURIComponent(q)}${extra}`, {
    headers: { "x-forwarded-for": ip },
  });
  return { status: response.status, text: await response.text() };
};

describe("address search on the report form with an abr-geocoder", () => {
  it("centres the map on a full address at street zoom and leaves the pin to the resident", async () => {
    const page = await formPage("鹿児島県てのひら市北町一丁目2番3号");
    expect(page.status).toBe(200);
    expect(page.text).toContain("住所や町名で探す");
    expect(page.text).toContain("「鹿児島県てのひら市北町一丁目2-3」を地図の中心に表示しました");
    expect(page.text).toContain('data-clat="31.412345" data-clng="130.832345" data-zoom="17"');
    // The no-JavaScript tile grid is centred there too, and nothing is chosen yet.
    expect(page.text).toContain('<input type="hidden" name="clat" value="31.412345">');
    expect(page.text).toContain('data-lat="" data-lng=""');
    expect(page.text).toContain("まだ場所を選んでいません。");
  });

  it("looks a bare town address up in this city, not in another city's town of the same name", async () => {
    const page = await formPage("北町1-2-3");
    expect(abrg.requests.at(-1)!.searchParams.get("address")).toBe("てのひら市北町1-2-3");
    expect(page.text).toContain("「てのひら市北町一丁目2-3」を地図の中心に表示しました");
    expect(page.text).toContain('data-clat="31.412345" data-clng="130.832345" data-zoom="17"');
    expect(page.text).not.toContain("市の区域の外です");
  });

  it("limits geocoder lookups per client address, then says address search is unavailable", async () => {
    const ip = "203.0.113.200";
    for (let i = 0; i < SEARCH_LIMIT.limit; i++) {
      expect((await formPage(`どこにもない町${i}`, "", ip)).text).toContain(
        "に当たる住所や町字は見つかりませんでした",
      );
    }
    const before = abrg.requests.length;
    const over = await formPage("北町1-2-3", "", ip);
    expect(over.status).toBe(200);
    expect(over.text).toContain("住所検索を今は利用できません。地図で場所を選んでください。");
    expect(over.text).toContain('name="description"');
    const overEn = await formPage("北町1-2-3", "&lang=en", ip);
    expect(overEn.text).toContain("Address search is not available right now.");
    expect(abrg.requests.length).toBe(before);
    // The city's own names need no geocoder and are not limited; another client is not affected.
    expect((await formPage("南町", "", ip)).text).not.toContain("住所検索を今は利用できません");
    expect((await formPage("北町1-2-3", "", "203.0.113.201")).text).toContain("を地図の中心に表示しました");
  });

  it("tries the city's own 町字 names first, without asking the geocoder", async () => {
    const before = abrg.requests.length;
    const page = await formPage("北町");
    expect(page.text).not.toContain("を地図の中心に表示しました");
    expect(abrg.requests.length).toBe(before);
  });

  it("does not use an address outside the city, and says so in both languages", async () => {
    const ja = await formPage("東京都千代田区紀尾井町1-3");
    expect(ja.status).toBe(200);
    expect(ja.text).toContain(
      "「東京都千代田区紀尾井町1-3」は市の区域の外です。市内の場所を地図で選んでください。",
    );
    expect(ja.text).not.toContain('data-clat="35.679107"');
    const en = await formPage("東京都千代田区紀尾井町1-3", "&lang=en");
    expect(en.text).toContain("is outside the city. Please choose a place inside the city on the map.");
  });

  it("says when no address matched, counting a city-only match as none", async () => {
    const page = await formPage("鹿児島県てのひら市");
    expect(page.text).toContain("「鹿児島県てのひら市」に当たる住所や町字は見つかりませんでした");
  });

  it("falls back to the map, with a 200 page that still works, while the geocoder is down or hangs", async () => {
    abrg.setMode("error");
    const down = await formPage("鹿児島県てのひら市北町一丁目2番3号");
    expect(down.status).toBe(200);
    expect(down.text).toContain("住所検索を今は利用できません。地図で場所を選んでください。");
    expect(down.text).toContain('name="tile_0_0"');
    expect(down.text).toContain('name="description"');
    abrg.setMode("hang");
    const started = Date.now();
    const hung = await formPage("鹿児島県てのひら市北町一丁目2番3号", "&lang=en");
    expect(hung.status).toBe(200);
    expect(hung.text).toContain(
      "Address search is not available right now. Please choose the place on the map.",
    );
    expect(Date.now() - started).toBeLessThan(5_000);
  });
});

describe("addressInCity", () => {
  const kagoshima = { municipalityCode: "462012", nameJa: "鹿児島市" };
  it("puts the city's prefecture and name in front of an address that names neither", () => {
    expect(addressInCity(" 北町1-2-3 ", kagoshima)).toEqual({
      query: "鹿児島県鹿児島市北町1-2-3",
      named: false,
    });
    expect(addressInCity("北町1-2-3", { municipalityCode: "990019", nameJa: "てのひら市" })).toEqual({
      query: "てのひら市北町1-2-3",
      named: false,
    });
  });

  it("adds only the prefecture when the city is named, and nothing when a prefecture is", () => {
    expect(addressInCity("鹿児島市山下町11-1", kagoshima)).toEqual({
      query: "鹿児島県鹿児島市山下町11-1",
      named: true,
    });
    expect(addressInCity("東京都千代田区紀尾井町1-3", kagoshima)).toEqual({
      query: "東京都千代田区紀尾井町1-3",
      named: true,
    });
    // Full-width digits and spaces are folded as the geocoder would.
    expect(addressInCity("宮崎県都城市東町１－１", kagoshima).named).toBe(true);
  });
});

describe("searchPlace", () => {
  it("without a geocoder configured knows only the city's names and calls nothing", async () => {
    const services = {
      ...platform.services,
      config: { ...platform.services.config, addressGeocoderUrl: undefined },
    };
    const before = abrg.requests.length;
    expect(
      await searchPlace({ services, tenantId: tenant.id, q: "鹿児島県てのひら市北町一丁目2番3号" }),
    ).toEqual({
      kind: "none",
      addressSearch: false,
    });
    const kita = await searchPlace({ services, tenantId: tenant.id, q: "kita" });
    expect(kita).toMatchObject({ kind: "areas", areas: [{ nameJa: "北町" }] });
    expect(abrg.requests.length).toBe(before);
  });

  it("with a geocoder returns the point inside the city and names it", async () => {
    expect(
      await searchPlace({ services: platform.services, tenantId: tenant.id, q: "てのひら市東町2丁目5番地" }),
    ).toEqual({
      kind: "address",
      point: { lat: 31.407654, lng: 130.887654 },
      label: "鹿児島県てのひら市東町二丁目5",
      level: "parcel",
    });
  });

  it("counts a point outside the city as not found when the text named no prefecture or city", async () => {
    // A geocoder whose answer for this city's 町字 lies outside the boundary (data out of step with the outline).
    const stray = await startAbrgStandIn({
      てのひら市港町9: { output: "てのひら市港町9", match_level: "machiaza", lat: 30, lon: 129 },
      鹿児島県てのひら市港町9: {
        output: "鹿児島県てのひら市港町9",
        match_level: "machiaza",
        lat: 30,
        lon: 129,
      },
    });
    try {
      const services = {
        ...platform.services,
        config: { ...platform.services.config, addressGeocoderUrl: stray.url },
      };
      expect(await searchPlace({ services, tenantId: tenant.id, q: "港町9" })).toEqual({
        kind: "none",
        addressSearch: true,
      });
      expect(await searchPlace({ services, tenantId: tenant.id, q: "鹿児島県てのひら市港町9" })).toEqual({
        kind: "outside",
        label: "鹿児島県てのひら市港町9",
      });
    } finally {
      await stray.close();
    }
  });
});
