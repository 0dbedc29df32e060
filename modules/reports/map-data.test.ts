import { and, eq, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { queryRows } from "../../core/db/database.ts";
import { type Tenant, tenants } from "../../core/tenancy/schema.ts";
import { addSecondCity } from "../../core/testing/second-city.ts";
import { createTestPlatform, type TestPlatform } from "../../core/testing/test-platform.ts";
import type { ClusterFeature, MapFeatures, PinFeature } from "./operations/find-map-features.ts";
import { publicPlacement } from "./placement.ts";
import { type ReportCategory, reportCategories, reportStatuses, reports } from "./schema.ts";
import { demoPlaces } from "./seeds.ts";
import { addReportBasics } from "./testing.ts";

let platform: TestPlatform;
let tenant: Tenant;
let otherTenant: Tenant;
const db = () => platform.services.database.db;
/** A quiet corner of 北町 where only this test's reports lie. */
const corner = { lat: 31.43, lng: 130.84 };
const streetBox = (p: { lat: number; lng: number }, d = 0.002) =>
  `${p.lng - d},${p.lat - d},${p.lng + d},${p.lat + d}`;

async function category(tenantId: string, code: string): Promise<ReportCategory> {
  const [row] = await db()
    .select()
    .from(reportCategories)
    .where(and(eq(reportCategories.tenantId, tenantId), eq(reportCategories.code, code)));
  return row!;
}

let counter = 0;
/** Inserts a report straight into the table (the trigger keeps the summary), as the demo seed does. */
async function addReport(
  tenantId: string,
  code: string,
  point: { lat: number; lng: number },
  o: { status?: string; hidden?: boolean; mergedIntoId?: string } = {},
) {
  const cat = await category(tenantId, code);
  const [status] = await db()
    .select()
    .from(reportStatuses)
    .where(and(eq(reportStatuses.tenantId, tenantId), eq(reportStatuses.key, o.status ?? "received")));
  counter += 1;
  const [row] = await db()
    .insert(reports)
    .values({
      tenantId,
      reference: `MAPT-${String(counter).padStart(4, "0")}`,
      categoryId: cat.id,
      statusKey: status!.key,
      stage: status!.stage,
      statusCategory: status!.category,
      lat: point.lat,
      lng: point.lng,
      ...publicPlacement(cat, point, o.hidden ?? false),
      hiddenByStaff: o.hidden ?? false,
      description: "テスト",
      channel: "web",
      contactEmail: "secret-reporter@example.jp",
      contactPhone: "090-0000-0000",
      mergedIntoId: o.mergedIntoId ?? null,
    })
    .returning();
  return row!;
}

async function map(query: string, host = "localhost", headers: Record<string, string> = {}) {
  const response = await platform.request(`http://${host}/reports/map.json?${query}`, { headers });
  return { response, text: await response.clone().text() };
}

const json = async (query: string, host?: string) =>
  (await (await map(query, host)).response.json()) as MapFeatures;

beforeAll(async () => {
  platform = await createTestPlatform();
  [tenant] = (await db().select().from(tenants).where(eq(tenants.slug, "tenohira"))) as [Tenant];
  // A second city on the same install, added before the first request so the tenant cache knows it.
  otherTenant = await addSecondCity(db(), {
    slug: "map-other",
    municipalityCode: "990044",
    hosts: ["other.localhost"],
  });
  await addReportBasics(db(), otherTenant.id, { code: "streetlight", nameJa: "街灯", nameEn: "Lights" });
}, 120_000);

afterAll(() => platform?.close());

describe("GET /reports/map.json", () => {
  it("shows pins in the box only, never hidden, merged or another city's reports, nor contacts", async () => {
    const inside = await addReport(tenant.id, "road-damage", corner, { status: "in_progress" });
    const hidden = await addReport(
      tenant.id,
      "road-damage",
      { lat: corner.lat + 0.0005, lng: corner.lng },
      {
        hidden: true,
      },
    );
    const hiddenCategory = await addReport(tenant.id, "other", { lat: corner.lat, lng: corner.lng + 0.0005 });
    const merged = await addReport(
      tenant.id,
      "road-damage",
      { lat: corner.lat - 0.0005, lng: corner.lng },
      {
        mergedIntoId: inside.id,
      },
    );
    const outside = await addReport(tenant.id, "road-damage", { lat: corner.lat + 0.01, lng: corner.lng });
    const foreign = await addReport(otherTenant.id, "streetlight", corner);

    const { response, text } = await map(`bbox=${streetBox(corner)}&zoom=16`);
    expect(response.status).toBe(200);
    const body = JSON.parse(text) as MapFeatures;
    const pins = body.features as PinFeature[];
    expect(pins.map((f) => f.properties.reference)).toEqual([inside.reference]);
    expect(pins[0]).toEqual({
      type: "Feature",
      geometry: { type: "Point", coordinates: [corner.lng, corner.lat] },
      properties: {
        reference: inside.reference,
        category: "road-damage",
        categoryName: "道路の損傷",
        status: "in_progress",
        statusLabel: "対応中",
        stage: "in_progress",
        url: `/reports/${inside.reference}`,
      },
    });
    expect(body.truncated).toBe(false);
    for (const secret of ["secret-reporter", "090-0000", hidden.reference, hiddenCategory.reference]) {
      expect(text).not.toContain(secret);
    }
    expect(text).not.toContain(merged.reference);
    expect(text).not.toContain(outside.reference);
    expect(text).not.toContain(foreign.reference);
    expect((await json(`bbox=${streetBox(corner)}&zoom=16&lang=en`)).features[0]!.properties).toMatchObject({
      categoryName: "Road damage",
      statusLabel: "Being fixed",
    });

    // The other city sees its own report at the same place, and none of ours.
    const theirs = (await json(`bbox=${streetBox(corner)}&zoom=16`, "other.localhost"))
      .features as PinFeature[];
    expect(theirs.map((f) => f.properties.reference)).toEqual([foreign.reference]);
    // Filtered by category.
    expect((await json(`bbox=${streetBox(corner)}&zoom=16&category=streetlight`)).features).toEqual([]);
  });

  it("shows only the coarsened point of a dead animal", async () => {
    const exact = { lat: 31.42123, lng: 130.86789 };
    const animal = await addReport(tenant.id, "dead-animal", exact);
    const pins = (await json(`bbox=${streetBox(exact, 0.01)}&zoom=15`)).features as PinFeature[];
    const pin = pins.find((f) => f.properties.reference === animal.reference)!;
    expect(pin.geometry.coordinates).toEqual([animal.publicLng, animal.publicLat]);
    expect(pin.geometry.coordinates).not.toEqual([exact.lng, exact.lat]);
  });

  it("sums the city into clusters whose counts, stages and centres match the reports", async () => {
    const cityBox = "130.7,31.3,131.0,31.5";
    const rows = await queryRows<{ stage: string; n: number; lat: number; lng: number }>(
      db(),
      sql`SELECT stage, count(*)::int AS n, avg(public_lat) AS lat, avg(public_lng) AS lng FROM reports
        WHERE tenant_id = ${tenant.id} AND public_lat IS NOT NULL AND merged_into_id IS NULL GROUP BY stage`,
    );
    const expected = { received: 0, in_progress: 0, done: 0 } as Record<string, number>;
    for (const row of rows) {
      expected[row.stage] = Number(row.n);
    }
    for (const zoom of [5, 9, 12, 13]) {
      const body = await json(`bbox=${cityBox}&zoom=${zoom}`);
      const clusters = body.features as ClusterFeature[];
      expect(clusters.every((f) => f.properties.cluster)).toBe(true);
      const total = { received: 0, in_progress: 0, done: 0 } as Record<string, number>;
      for (const cluster of clusters) {
        const { stages, count } = cluster.properties;
        expect(stages.received + stages.in_progress + stages.done).toBe(count);
        for (const stage of ["received", "in_progress", "done"] as const) {
          total[stage]! += stages[stage];
        }
      }
      expect(total).toEqual(expected);
    }
    // At zoom 5 the whole city is one cell: its centre is the mean of the public points.
    const [whole] = (await json(`bbox=${cityBox}&zoom=5`)).features as ClusterFeature[];
    const all = await queryRows<{ lat: number; lng: number }>(
      db(),
      sql`SELECT avg(public_lat) AS lat, avg(public_lng) AS lng FROM reports
        WHERE tenant_id = ${tenant.id} AND public_lat IS NOT NULL AND merged_into_id IS NULL`,
    );
    expect(whole!.geometry.coordinates[0]).toBeCloseTo(Number(all[0]!.lng), 5);
    expect(whole!.geometry.coordinates[1]).toBeCloseTo(Number(all[0]!.lat), 5);
    // A category filter counts only that category; another city's cells never show.
    const lights = (await json(`bbox=${cityBox}&zoom=12&category=streetlight`)).features as ClusterFeature[];
    expect(lights.reduce((n, f) => n + f.properties.count, 0)).toBe(1);
    const theirs = (await json(`bbox=${cityBox}&zoom=12`, "other.localhost")).features as ClusterFeature[];
    expect(theirs.reduce((n, f) => n + f.properties.count, 0)).toBe(1);
  });

  it("sums a category's clusters in the database the same as the unfiltered summary", async () => {
    const cityBox = "130.7,31.3,131.0,31.5";
    const expected = await queryRows<{ stage: string; n: number }>(
      db(),
      sql`SELECT r.stage, count(*)::int AS n FROM reports r JOIN report_categories c ON c.id = r.category_id
        WHERE r.tenant_id = ${tenant.id} AND c.code = 'road-damage' AND r.public_lat IS NOT NULL
          AND r.merged_into_id IS NULL GROUP BY r.stage`,
    );
    for (const zoom of [5, 9, 13]) {
      const clusters = (await json(`bbox=${cityBox}&zoom=${zoom}&category=road-damage`))
        .features as ClusterFeature[];
      const total = { received: 0, in_progress: 0, done: 0 } as Record<string, number>;
      for (const { properties } of clusters) {
        expect(properties.count).toBe(
          properties.stages.received + properties.stages.in_progress + properties.stages.done,
        );
        for (const stage of ["received", "in_progress", "done"] as const) {
          total[stage]! += properties.stages[stage];
        }
      }
      for (const row of expected) {
        expect(total[row.stage], `${row.stage} at ${zoom}`).toBe(Number(row.n));
      }
    }
  });

  it("keeps the summary equal to a rebuild from the reports through merging, re-categorising, status changes and hiding", async () => {
    const cells = () =>
      queryRows<{ key: string; count: number; lat: number; lng: number }>(
        db(),
        sql`SELECT concat_ws('/', level, cx, cy, category_id, stage) AS key, count,
            round(sum_lat::numeric, 6)::float8 AS lat, round(sum_lng::numeric, 6)::float8 AS lng
          FROM report_map_cells WHERE tenant_id = ${tenant.id} AND count > 0 ORDER BY 1`,
      );
    const streetlight = await category(tenant.id, "streetlight");
    const [first, second, third] = await db()
      .select()
      .from(reports)
      .where(and(eq(reports.tenantId, tenant.id), sql`public_lat IS NOT NULL AND merged_into_id IS NULL`))
      .limit(3);
    await db().update(reports).set({ mergedIntoId: first!.id }).where(eq(reports.id, third!.id));
    await db().update(reports).set({ categoryId: streetlight.id }).where(eq(reports.id, first!.id));
    await db()
      .update(reports)
      .set({ stage: first!.stage === "done" ? "received" : "done" })
      .where(eq(reports.id, first!.id));
    await db()
      .update(reports)
      .set({ publicLat: null, publicLng: null, publicTileX: null, publicTileY: null })
      .where(eq(reports.id, second!.id));
    const kept = await cells();
    await db().execute(sql`SELECT report_map_cells_rebuild(${tenant.id}::uuid)`);
    expect(kept).toEqual(await cells());
    const lights = (await json(`bbox=130.7,31.3,131.0,31.5&zoom=12&category=streetlight`))
      .features as ClusterFeature[];
    const [counted] = await queryRows<{ n: number }>(
      db(),
      sql`SELECT count(*)::int AS n FROM reports WHERE tenant_id = ${tenant.id} AND category_id = ${streetlight.id}
        AND public_lat IS NOT NULL AND merged_into_id IS NULL`,
    );
    expect(lights.reduce((n, f) => n + f.properties.count, 0)).toBe(counted!.n);
  });

  it("is cacheable for a short while and answers 304 to a matching ETag", async () => {
    const query = `bbox=${streetBox(demoPlaces.kitaMachi)}&zoom=16`;
    const { response } = await map(query);
    expect(response.headers.get("cache-control")).toBe("public, max-age=30");
    const tag = response.headers.get("etag");
    expect(tag).toBeTruthy();
    const again = await map(query, "localhost", { "if-none-match": tag! });
    expect(again.response.status).toBe(304);
  });

  it("refuses a bad box or zoom with problem+json in both languages", async () => {
    for (const query of [
      "bbox=1,2,3&zoom=12",
      "bbox=a,b,c,d&zoom=12",
      "bbox=130.9,31.3,130.8,31.4&zoom=12",
      "bbox=130,31,133,32&zoom=16",
      `bbox=${streetBox(corner)}&zoom=21`,
      `bbox=${streetBox(corner)}&zoom=1.5`,
      `bbox=${streetBox(corner)}`,
      `bbox=${streetBox(corner)}&zoom=16&category=nope`,
      `bbox=${streetBox(corner)}&zoom=16&category=road%00damage`,
      // Beyond Web Mercator's edge there are no tiles to count in.
      "bbox=0,80,10,89&zoom=5",
      "bbox=0,-89,10,-80&zoom=5",
    ]) {
      const { response, text } = await map(query, "localhost", { accept: "text/html" });
      expect(response.status, query).toBe(400);
      expect(response.headers.get("content-type")).toContain("application/problem+json");
      const problem = JSON.parse(text) as { title: string; title_ja: string; errors: { detail: string }[] };
      expect(problem.title_ja).toContain("地図");
      expect(problem.errors.length).toBeGreaterThan(0);
    }
  });

  it("answers the street-level box from the GiST index reports_public_point", async () => {
    // Forbid the sequential scan so the plan shows whether the index can answer the query as written.
    const plan = await db().transaction(async (tx) => {
      await tx.execute(sql`SET LOCAL enable_seqscan = off`);
      const rows = await queryRows<Record<string, string>>(
        tx,
        sql`EXPLAIN SELECT reference FROM reports WHERE tenant_id = ${tenant.id} AND public_lat IS NOT NULL
          AND merged_into_id IS NULL AND point(public_lng, public_lat) <@ box(point(130.83::float8, 31.42::float8),
          point(130.85::float8, 31.44::float8))`,
      );
      return rows.map((row) => Object.values(row)[0]).join("\n");
    });
    expect(plan).toContain("reports_public_point");
  });
});
