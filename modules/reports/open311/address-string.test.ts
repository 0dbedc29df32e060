import { and, eq } from "drizzle-orm";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { containsPoint } from "../../../core/geo/geo.ts";
import { type Tenant, tenants } from "../../../core/tenancy/schema.ts";
import { type AbrgStandIn, startAbrgStandIn } from "../../../core/testing/abrg-stand-in.ts";
import { createTestPlatform, type TestPlatform } from "../../../core/testing/test-platform.ts";
import { createApiKey } from "../operations/create-api-key.ts";
import { type ReportArea, reportAreas, reports } from "../schema.ts";
import { Open311Error } from "./format.ts";
import { placeOfAddress } from "./post-request.ts";

let abrg: AbrgStandIn;
let platform: TestPlatform;
let tenant: Tenant;
let higashi: ReportArea;
const db = () => platform.services.database.db;

beforeAll(async () => {
  abrg = await startAbrgStandIn();
  platform = await createTestPlatform({ config: { addressGeocoderUrl: abrg.url } });
  [tenant] = (await db().select().from(tenants).where(eq(tenants.slug, "tenohira"))) as [Tenant];
  [higashi] = (await db()
    .select()
    .from(reportAreas)
    .where(and(eq(reportAreas.tenantId, tenant.id), eq(reportAreas.code, "higashi-machi")))) as [ReportArea];
}, 120_000);
afterAll(async () => {
  await platform?.close();
  await abrg?.close();
});
beforeEach(() => abrg.setMode("ok"));

/** The refusal's bilingual descriptions, or a failure when the address was placed. */
async function refusal(address: string): Promise<string> {
  try {
    const point = await placeOfAddress(db(), tenant.id, address, platform.services);
    throw new Error(`placed at ${JSON.stringify(point)}`);
  } catch (error) {
    expect(error).toBeInstanceOf(Open311Error);
    expect((error as Open311Error).status).toBe(400);
    return (error as Open311Error).descriptions.join(" ");
  }
}

describe("Open311 address_string through the abr-geocoder", () => {
  it("places a full address at its geocoded point, inside the 町字 it names", async () => {
    const centre = { lat: (higashi.minLat + higashi.maxLat) / 2, lng: (higashi.minLng + higashi.maxLng) / 2 };
    // Without the geocoder the 町字 rule alone places it at the 町字's centre, as before.
    expect(await placeOfAddress(db(), tenant.id, "てのひら市東町2丁目5番地")).toEqual(centre);
    const point = await placeOfAddress(db(), tenant.id, "てのひら市東町2丁目5番地", platform.services);
    expect(point).toEqual({ lat: 31.407654, lng: 130.887654 });
    expect(containsPoint(higashi.geometry, point)).toBe(true);
  });

  it("places a bare town address in this city's 町字, not refused as another city's town of that name", async () => {
    const [kita] = (await db()
      .select()
      .from(reportAreas)
      .where(and(eq(reportAreas.tenantId, tenant.id), eq(reportAreas.code, "kita-machi")))) as [ReportArea];
    const point = await placeOfAddress(db(), tenant.id, "北町1-2-3", platform.services);
    expect(abrg.requests.at(-1)!.searchParams.get("address")).toBe("てのひら市北町1-2-3");
    expect(point).toEqual({ lat: 31.412345, lng: 130.832345 });
    expect(containsPoint(kita.geometry, point)).toBe(true);
  });

  it("accepts an address naming no known 町字 when its point is inside the city", async () => {
    expect(
      await placeOfAddress(db(), tenant.id, "てのひら市大字手乃平字山ノ上123", platform.services),
    ).toEqual({
      lat: 31.365,
      lng: 130.84,
    });
    // Unknown to the geocoder as well: refused, saying what would do.
    expect(await refusal("駅の近く")).toContain("The address_string was not found");
  });

  it("refuses an address the geocoder places outside the city", async () => {
    const message = await refusal("東京都千代田区紀尾井町1-3");
    expect(message).toContain("市の区域の外です");
    expect(message).toContain("is outside the city");
    // Even when it shares a name with one of this city's 町字: the 町字 rule alone would have placed it here.
    expect(await refusal("宮崎県都城市東町1-1")).toContain("is outside the city");
  });

  it("keeps the 町字 rule while the geocoder is down, and says address search is unavailable otherwise", async () => {
    abrg.setMode("error");
    const centre = { lat: (higashi.minLat + higashi.maxLat) / 2, lng: (higashi.minLng + higashi.maxLng) / 2 };
    expect(await placeOfAddress(db(), tenant.id, "てのひら市東町2丁目5番地", platform.services)).toEqual(
      centre,
    );
    const message = await refusal("てのひら市大字手乃平字山ノ上123");
    expect(message).toContain("住所検索を今は利用できません");
    expect(message).toContain("Address search is not available right now");
  });

  it("files a POSTed request at the geocoded point of its address_string", async () => {
    const { key } = await createApiKey({
      db: db(),
      tenantId: tenant.id,
      name: "Geocoder test",
      actor: { type: "system", id: null },
    });
    const response = await platform.request("/open311/v2/requests.json", {
      method: "POST",
      body: new URLSearchParams({
        api_key: key,
        service_code: "streetlight",
        address_string: "てのひら市大字手乃平字山ノ上123",
        description: "街灯が消えています",
      }),
    });
    expect(response.status).toBe(200);
    const [answer] = (await response.json()) as { service_request_id: string }[];
    const [filed] = await db()
      .select()
      .from(reports)
      .where(and(eq(reports.tenantId, tenant.id), eq(reports.reference, answer!.service_request_id)));
    expect({ lat: filed!.lat, lng: filed!.lng }).toEqual({ lat: 31.365, lng: 130.84 });
  });
});
