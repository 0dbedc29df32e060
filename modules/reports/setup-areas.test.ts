import { and, desc, eq } from "drizzle-orm";
import sharp from "sharp";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { auditLog } from "../../core/audit/schema.ts";
import { domainEvents } from "../../core/events/schema.ts";
import type { AreaGeometry, LatLng } from "../../core/geo/geo.ts";
import { departments } from "../../core/identity/schema.ts";
import { type Tenant, tenants } from "../../core/tenancy/schema.ts";
import { addCityAdmin, addSecondCity } from "../../core/testing/second-city.ts";
import { createTestPlatform, type TestPlatform } from "../../core/testing/test-platform.ts";
import { deleteReportArea } from "./operations/delete-report-area.ts";
import { previewRoutingRules, type RoutingChange } from "./operations/preview-routing-rules.ts";
import { saveReportArea } from "./operations/save-report-area.ts";
import { saveRoutingRule } from "./operations/save-routing-rule.ts";
import { submitReport } from "./operations/submit-report.ts";
import { updateReportArea } from "./operations/update-report-area.ts";
import { type ReportArea, reportAreas, reportCategories, reportRoutingRules, reports } from "./schema.ts";
import { demoPlaces } from "./seeds.ts";
import { addReportBasics } from "./testing.ts";

let platform: TestPlatform;
let tenant: Tenant;
const db = () => platform.services.database.db;
const dept: Record<string, string> = {};
let admin: Record<string, string>;
let manager: Record<string, string>;
let other: Record<string, string>;
const system = { type: "staff" as const, id: null };

const rectangle = (west: number, south: number, east: number, north: number): AreaGeometry => ({
  type: "Polygon",
  coordinates: [
    [
      [west, south],
      [east, south],
      [east, north],
      [west, north],
      [west, south],
    ],
  ],
});

async function area(code: string): Promise<ReportArea | undefined> {
  const [row] = await db()
    .select()
    .from(reportAreas)
    .where(and(eq(reportAreas.tenantId, tenant.id), eq(reportAreas.code, code)));
  return row;
}

async function categoryId(code: string): Promise<string> {
  const [row] = await db()
    .select()
    .from(reportCategories)
    .where(and(eq(reportCategories.tenantId, tenant.id), eq(reportCategories.code, code)));
  return row!.id;
}

async function file(categoryCode: string, point: LatLng) {
  const result = await submitReport({
    services: platform.services,
    tenantId: tenant.id,
    actor: { type: "guest", id: null },
    categoryCode,
    point,
    description: `${categoryCode} 区域のテスト`,
    channel: "web",
    contact: { email: "areas@example.jp" },
  });
  if (!result.ok) {
    throw new Error(JSON.stringify(result.problems));
  }
  return result.report;
}

/** Adds or removes a rule the way the pages do: preview first, then save quoting its hash. */
async function changeRule(
  change:
    | { kind: "add"; categoryId: string | null; areaId: string | null; departmentId: string }
    | { kind: "remove"; ruleId: string },
) {
  const preview = await previewRoutingRules({ db: db(), tenantId: tenant.id, change });
  await saveRoutingRule({ db: db(), tenantId: tenant.id, actor: system, change, previewHash: preview.hash });
}

const previewHash = async (change: RoutingChange) =>
  (await previewRoutingRules({ db: db(), tenantId: tenant.id, change })).hash;

/** Saves a new shape for an area, quoting `hash` or else a fresh preview's. */
async function reshape(target: ReportArea, geometry: AreaGeometry, hash?: string) {
  const change = { kind: "area" as const, areaId: target.id, before: target.geometry, after: geometry };
  return updateReportArea({
    db: db(),
    tenantId: tenant.id,
    actor: system,
    id: target.id,
    input: { nameJa: target.nameJa, nameEn: target.nameEn, geojson: JSON.stringify(geometry) },
    previewHash: hash ?? (await previewHash(change)),
  });
}

function post(url: string, headers: Record<string, string>, fields: Record<string, string>) {
  return platform.request(url.startsWith("http") ? url : `http://localhost${url}`, {
    method: "POST",
    headers,
    body: new URLSearchParams(fields),
  });
}

const lastAudit = async (action: string, resourceId: string) =>
  (
    await db()
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.action, action), eq(auditLog.resourceId, resourceId)))
      .orderBy(desc(auditLog.id))
      .limit(1)
  )[0];
const lastEvent = async (name: string) =>
  (
    await db()
      .select()
      .from(domainEvents)
      .where(eq(domainEvents.name, name))
      .orderBy(desc(domainEvents.id))
      .limit(1)
  )[0];

beforeAll(async () => {
  platform = await createTestPlatform();
  [tenant] = (await db().select().from(tenants).where(eq(tenants.slug, "tenohira"))) as [Tenant];
  for (const row of await db().select().from(departments).where(eq(departments.tenantId, tenant.id))) {
    dept[row.code] = row.id;
  }
  // A second city on the same install, added before the first request so the tenant cache knows it.
  const otherTenant = await addSecondCity(db(), {
    slug: "areas-other",
    municipalityCode: "990045",
    hosts: ["other.localhost"],
  });
  await addCityAdmin(db(), otherTenant.id);
  await addReportBasics(db(), otherTenant.id, { code: "other-road", nameJa: "道路", nameEn: "Roads" });
  admin = await platform.signInStaff("admin@tenohira.localhost");
  manager = await platform.signInStaff("manager@tenohira.localhost");
  other = await platform.signInStaff("admin@other.localhost", { host: "other.localhost" });
}, 120_000);
afterAll(() => platform?.close());

describe("editing and deleting areas on the setup page", () => {
  it("renames and reshapes an area after a preview, keeping its id so its rule follows the new shape", async () => {
    const river = (await area("tenohira-gawa"))!;
    // The demo rule sends dumping in the river corridor to 道路河川課; elsewhere it goes to 環境課.
    expect((await file("illegal-dumping", demoPlaces.minamiMachi)).departmentId).toBe(dept["kankyo-ka"]);
    const page = await platform.request(`http://localhost/staff/reports/setup/areas/${river.id}`, {
      headers: admin,
    });
    expect(page.status).toBe(200);
    expect(await page.text()).toContain("手乃平川 河川区域");
    const moved = rectangle(130.82, 31.35, 130.84, 31.36);
    const fields = {
      nameJa: "手乃平川 下流",
      nameEn: "Lower Tenohira River",
      geojson: JSON.stringify(moved),
    };
    // A new shape is not saved straight away: the preview lists the recent dumping report that would move.
    const preview = await post(`/staff/reports/setup/areas/${river.id}`, admin, fields);
    expect(preview.status).toBe(200);
    const previewText = await preview.text();
    expect(previewText).toContain("区域の形の変更を確認");
    expect(previewText).toMatch(/担当部署が変わるのは[1-9]\d*件/);
    expect((await area("tenohira-gawa"))!.nameJa).toBe("手乃平川 河川区域");
    const hash = /name="hash" value="([0-9a-f]+)"/.exec(previewText)![1]!;
    const stale = await post(`/staff/reports/setup/areas/${river.id}`, admin, {
      ...fields,
      hash: "0".repeat(32),
    });
    expect(stale.status).toBe(409);
    expect(await stale.text()).toContain("もう一度確認");
    const saved = await post(`/staff/reports/setup/areas/${river.id}`, admin, { ...fields, hash });
    expect(saved.status).toBe(303);
    const after = (await area("tenohira-gawa"))!;
    expect(after).toMatchObject({
      id: river.id,
      kind: "polygon",
      nameJa: "手乃平川 下流",
      nameEn: "Lower Tenohira River",
      minLat: 31.35,
      maxLat: 31.36,
      minLng: 130.82,
      maxLng: 130.84,
    });
    // The audit record keeps both shapes, so a mistaken reshape can be undone by hand.
    const audit = await lastAudit("reports.area.update", river.id);
    expect(audit?.actorType).toBe("staff");
    expect(audit?.before).toMatchObject({ nameJa: "手乃平川 河川区域", geometry: river.geometry });
    expect(audit?.after).toMatchObject({ nameJa: "手乃平川 下流", geometry: moved });
    expect((await lastEvent("reports.area_updated"))?.payload).toMatchObject({
      areaId: river.id,
      reshaped: true,
    });
    // New reports follow the new shape; the rule still names the same area.
    expect((await file("illegal-dumping", demoPlaces.minamiMachi)).departmentId).toBe(dept["doro-ka"]);
    expect((await file("illegal-dumping", demoPlaces.river)).departmentId).toBe(dept["kankyo-ka"]);
    // Names alone need no preview.
    const renamed = await post(`/staff/reports/setup/areas/${river.id}`, admin, {
      nameJa: "手乃平川",
      nameEn: "Tenohira River",
      geojson: JSON.stringify(after.geometry),
    });
    expect(renamed.status).toBe(303);
    expect((await area("tenohira-gawa"))!).toMatchObject({ nameJa: "手乃平川", minLat: 31.35 });
  });

  it("refuses bad GeoJSON or a missing name with 422 in both languages and changes nothing", async () => {
    const kita = (await area("kita-machi"))!;
    const bad = await post(`/staff/reports/setup/areas/${kita.id}?lang=en`, admin, {
      nameJa: "北町",
      nameEn: "",
      geojson: '{"type":"Polygon","coordinates":[[[1,2],[3,4],[5,6],[1,2]]]}',
    });
    expect(bad.status).toBe(422);
    const text = await bad.text();
    expect(text).toContain("outside Japan");
    expect(text).toContain("Enter the English name");
    expect(text).toContain("[[[1,2],[3,4],[5,6],[1,2]]]");
    const japanese = await post(`/staff/reports/setup/areas/${kita.id}`, admin, {
      nameJa: "北町",
      nameEn: "Kita-machi",
      geojson: "not json",
    });
    expect(japanese.status).toBe(422);
    expect(await japanese.text()).toContain("GeoJSONとして読めません");
    expect(await area("kita-machi")).toEqual(kita);
  });

  it("refuses deleting an area while a rule uses it, naming the rule, then deletes it and re-files its reports' area", async () => {
    const added = await saveReportArea({
      db: db(),
      tenantId: tenant.id,
      actor: system,
      input: {
        code: "test-plaza",
        nameJa: "試験広場",
        nameEn: "Test plaza",
        kind: "polygon",
        geojson: JSON.stringify(rectangle(130.8, 31.4, 130.82, 31.42)),
      },
    });
    expect(added.ok).toBe(true);
    const plaza = (await area("test-plaza"))!;
    await changeRule({
      kind: "add",
      categoryId: await categoryId("park"),
      areaId: plaza.id,
      departmentId: dept["shimin-ka"]!,
    });
    const inside = await file("park", { lat: 31.41, lng: 130.81 });
    expect(inside).toMatchObject({ areaId: plaza.id, departmentId: dept["shimin-ka"] });
    // While the rule names it the page offers no delete button, and says why.
    const withRule = await (
      await platform.request(`http://localhost/staff/reports/setup/areas/${plaza.id}`, { headers: admin })
    ).text();
    expect(withRule).not.toContain(`action="/staff/reports/setup/areas/${plaza.id}/delete"`);
    expect(withRule).toContain("使われているため削除できません");
    expect(withRule).toContain("公園 × 試験広場 → 市民課");
    const refused = await post(`/staff/reports/setup/areas/${plaza.id}/delete`, admin, {});
    expect(refused.status).toBe(422);
    expect(await refused.text()).toContain("公園 × 試験広場 → 市民課");
    // The operation itself still refuses, confirmed or not, in the page's language.
    const english = await post(`/staff/reports/setup/areas/${plaza.id}/delete?lang=en`, admin, {
      confirm: "1",
    });
    expect(english.status).toBe(422);
    expect(await english.text()).toContain("Remove the rules first: Parks × Test plaza → Citizens Division");
    expect(await area("test-plaza")).toBeDefined();
    const [rule] = await db()
      .select()
      .from(reportRoutingRules)
      .where(and(eq(reportRoutingRules.tenantId, tenant.id), eq(reportRoutingRules.areaId, plaza.id)));
    await changeRule({ kind: "remove", ruleId: rule!.id });
    const page = await (
      await platform.request(`http://localhost/staff/reports/setup/areas/${plaza.id}`, { headers: admin })
    ).text();
    expect(page).toContain(`action="/staff/reports/setup/areas/${plaza.id}/delete"`);
    // The first press only asks: it says how many reports get another area, and deletes nothing.
    const asked = await post(`/staff/reports/setup/areas/${plaza.id}/delete`, admin, {});
    expect(asked.status).toBe(200);
    const askedText = await asked.text();
    expect(askedText).toContain("通報1件は、その場所を含む別の区域");
    expect(askedText).toContain('name="confirm" value="1"');
    const askedEn = await (
      await post(`/staff/reports/setup/areas/${plaza.id}/delete?lang=en`, admin, {})
    ).text();
    expect(askedEn).toContain("1 reports name this area as theirs");
    expect(await area("test-plaza")).toBeDefined();
    const deleted = await post(`/staff/reports/setup/areas/${plaza.id}/delete`, admin, { confirm: "1" });
    expect(deleted.status).toBe(303);
    expect(await area("test-plaza")).toBeUndefined();
    // The report keeps its department and version and now names the 町字 it lies in; updated_at moves.
    const [report] = await db().select().from(reports).where(eq(reports.id, inside.id));
    expect(report).toMatchObject({
      areaId: (await area("kita-machi"))!.id,
      departmentId: dept["shimin-ka"],
      version: inside.version,
    });
    expect(report!.updatedAt.getTime()).toBeGreaterThan(inside.updatedAt.getTime());
    const audit = await lastAudit("reports.area.delete", plaza.id);
    expect(audit?.after).toMatchObject({ reportsRepointed: 1 });
    // The whole shape stays in the audit log, so the district can be drawn again.
    expect(audit?.before).toMatchObject({ code: "test-plaza", kind: "polygon", geometry: plaza.geometry });
    expect((await lastEvent("reports.area_deleted"))?.payload).toMatchObject({ areaId: plaza.id });
  });

  it("refuses a save whose preview was made before another area was reshaped (409)", async () => {
    const higashi = (await area("higashi-machi"))!;
    const minato = (await area("minato-machi"))!;
    const stale = await previewHash({
      kind: "area",
      areaId: higashi.id,
      before: higashi.geometry,
      after: rectangle(130.85, 31.385, 130.93, 31.44),
    });
    const rule = {
      kind: "add" as const,
      categoryId: await categoryId("park"),
      areaId: higashi.id,
      departmentId: dept["shimin-ka"]!,
    };
    const staleRule = await previewHash(rule);
    // Someone else reshapes another area: both previews above may now be wrong.
    expect((await reshape(minato, rectangle(130.85, 31.32, 130.93, 31.38))).ok).toBe(true);
    await expect(reshape(higashi, rectangle(130.85, 31.385, 130.93, 31.44), stale)).rejects.toMatchObject({
      status: 409,
    });
    expect(await area("higashi-machi")).toEqual(higashi);
    await expect(
      saveRoutingRule({ db: db(), tenantId: tenant.id, actor: system, change: rule, previewHash: staleRule }),
    ).rejects.toMatchObject({ status: 409 });
    const rules = await db()
      .select()
      .from(reportRoutingRules)
      .where(and(eq(reportRoutingRules.tenantId, tenant.id), eq(reportRoutingRules.areaId, higashi.id)));
    expect(rules).toEqual([]);
    expect((await reshape((await area("minato-machi"))!, minato.geometry)).ok).toBe(true);
  });

  it("files a report routed to an area deleted meanwhile under the area left, not a server error", async () => {
    const added = await saveReportArea({
      db: db(),
      tenantId: tenant.id,
      actor: system,
      input: {
        code: "test-pond",
        nameJa: "試験池",
        nameEn: "Test pond",
        kind: "polygon",
        geojson: JSON.stringify(rectangle(130.86, 31.4, 130.87, 31.41)),
      },
    });
    expect(added.ok).toBe(true);
    const pond = (await area("test-pond"))!;
    // Storing the photo happens after routing and before the report is written: hold it there while the
    // area is deleted, as a slow upload would.
    let routed!: () => void;
    const storing = new Promise<void>((resolve) => {
      routed = resolve;
    });
    let release!: () => void;
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    const storage = platform.services.storage;
    const held: typeof storage = Object.assign(Object.create(storage) as typeof storage, {
      put: async (...args: Parameters<typeof storage.put>) => {
        routed();
        await gate;
        return storage.put(...args);
      },
    });
    const photo = new Uint8Array(
      await sharp({ create: { width: 32, height: 24, channels: 3, background: "#336699" } })
        .jpeg()
        .toBuffer(),
    );
    const filing = submitReport({
      services: { ...platform.services, storage: held },
      tenantId: tenant.id,
      actor: { type: "guest", id: null },
      categoryCode: "park",
      point: { lat: 31.405, lng: 130.865 },
      description: "区域の削除と同時の通報",
      channel: "web",
      contact: { email: "areas@example.jp" },
      photos: [{ fileName: "pond.jpg", bytes: photo }],
    });
    await storing;
    await deleteReportArea({ db: db(), tenantId: tenant.id, actor: system, id: pond.id });
    release();
    const result = await filing;
    expect(result.ok).toBe(true);
    expect(result.ok && result.report.areaId).toBe((await area("higashi-machi"))!.id);
  });

  it("never deletes the city boundary, and previews which places a smaller boundary would leave outside", async () => {
    const boundary = (await area("city"))!;
    const overview = await (
      await platform.request("http://localhost/staff/reports/setup", { headers: admin })
    ).text();
    expect(overview).toContain(`href="/staff/reports/setup/areas/${boundary.id}"`);
    const refused = await post(`/staff/reports/setup/areas/${boundary.id}/delete`, admin, {});
    expect(refused.status).toBe(422);
    expect(await refused.text()).toContain("市の境界なので削除できません");
    expect(await area("city")).toEqual(boundary);
    const preview = await previewRoutingRules({
      db: db(),
      tenantId: tenant.id,
      change: {
        kind: "area",
        areaId: boundary.id,
        before: boundary.geometry,
        after: rectangle(130.78, 31.385, 130.85, 31.45),
      },
    });
    expect(preview.changes.some((row) => row.outside)).toBe(true);
    const page = await post(`/staff/reports/setup/areas/${boundary.id}`, admin, {
      nameJa: boundary.nameJa,
      nameEn: boundary.nameEn,
      geojson: JSON.stringify(rectangle(130.78, 31.385, 130.85, 31.45)),
    });
    expect(page.status).toBe(200);
    const pageText = await page.text();
    expect(pageText).toContain("境界の外になり");
    // Places left outside get their own table, apart from reports that would change department.
    expect(pageText).toContain("市の境界の外になる場所の通報");
    expect(pageText).not.toContain("担当部署が変わる通報");
    expect(pageText).toContain("担当部署が変わるのは0件");
    const hash = /name="hash" value="([0-9a-f]+)"/.exec(pageText)![1]!;
    const saved = await post(`/staff/reports/setup/areas/${boundary.id}`, admin, {
      nameJa: boundary.nameJa,
      nameEn: boundary.nameEn,
      geojson: JSON.stringify(rectangle(130.78, 31.385, 130.85, 31.45)),
      hash,
    });
    expect(saved.status).toBe(303);
    // A new report from a place now outside is refused; inside is still accepted.
    const outside = await submitReport({
      services: platform.services,
      tenantId: tenant.id,
      actor: { type: "guest", id: null },
      categoryCode: "park",
      point: demoPlaces.minamiMachi,
      description: "境界の外になった場所",
      channel: "web",
      contact: { email: "areas@example.jp" },
    });
    expect(outside.ok).toBe(false);
    expect(!outside.ok && outside.problems.map((p) => p.field)).toEqual(["location"]);
    expect((await file("park", demoPlaces.kitaMachi)).areaId).toBe((await area("kita-machi"))!.id);
  });

  it("lets only report setup managers edit or delete areas, and only their own city's", async () => {
    const kita = (await area("kita-machi"))!;
    const fields = { nameJa: "乗っ取り", nameEn: "Taken", geojson: JSON.stringify(kita.geometry) };
    const url = `/staff/reports/setup/areas/${kita.id}`;
    expect((await platform.request(`http://localhost${url}`, { headers: manager })).status).toBe(403);
    expect((await post(url, manager, fields)).status).toBe(403);
    expect((await post(`${url}/delete`, manager, {})).status).toBe(403);
    expect((await platform.request(`http://other.localhost${url}`, { headers: other })).status).toBe(404);
    expect((await post(`http://other.localhost${url}`, other, fields)).status).toBe(404);
    expect((await post(`http://other.localhost${url}/delete`, other, {})).status).toBe(404);
    expect(await area("kita-machi")).toEqual(kita);
  });
});
