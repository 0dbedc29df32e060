import { mkdtempSync, rmSync } from "node:fs";
import type { Server } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { eq, sql } from "drizzle-orm";
import { installedModules } from "../app/modules.ts";
import { type Platform, startPlatform } from "../app/platform.ts";
import { DEMO_TENANT_SLUG } from "../app/seed-demo.ts";
import { loadConfig } from "../core/config/config.ts";
import { type Db, type Driver, queryRows } from "../core/db/database.ts";
import { tenants } from "../core/tenancy/schema.ts";
import {
  listen,
  openPglite,
  openPostgres,
  parseCountOptions,
  percentile,
  round,
  stopServer,
} from "./harness.ts";

/**
 * report-map: the public map of a city with 100,000 reports. The demo city gets that many reports in one
 * INSERT … SELECT generate_series (random points in a rectangle inside its boundary, random public
 * categories and statuses), its map summary filled the way the trigger fills it, row for row. Then, over
 * a real HTTP server, one client asks in turn: (a) the whole city at zoom 12 (clusters), (b) the same for
 * one category (the summary's rows of that category), (c) a street of about 400 m at zoom 16 (pins),
 * and (d) GET /healthz as the baseline of the same run.
 */

const log = (message: string) => process.stderr.write(`[report-map] ${message}\n`);

type Options = { drivers: Driver[]; reports: number; requests: number; warmup: number };

function parseOptions(args: readonly string[]): Options {
  return parseCountOptions(args, {
    db: "postgres,pglite",
    counts: { reports: "100000", requests: "300", warmup: "30" },
  });
}

/** Inside the demo boundary (see modules/reports/seeds.ts demoBoundary) with room to spare. */
const AREA = { minLat: 31.35, maxLat: 31.42, minLng: 130.81, maxLng: 130.9 };
const CITY_BOX = "130.79,31.33,130.92,31.44";
const STREET = { lat: 31.38, lng: 130.85 };
/** About 400 m north–south and 380 m east–west at this latitude. */
const STREET_BOX = `${STREET.lng - 0.002},${STREET.lat - 0.0018},${STREET.lng + 0.002},${STREET.lat + 0.0018}`;

async function seed(db: Db, tenantId: string, count: number): Promise<void> {
  // The trigger does three upserts per row; for a bulk load the same sums are written once per cell.
  await db.execute(sql`ALTER TABLE reports DISABLE TRIGGER reports_map_cells`);
  await db.execute(sql`
    WITH cats AS (
      SELECT array_agg(id ORDER BY code) AS ids FROM report_categories
      WHERE tenant_id = ${tenantId} AND public_location = 'exact' AND active
    ), sts AS (
      SELECT array_agg(key ORDER BY sort_order) AS keys, array_agg(stage ORDER BY sort_order) AS stages,
        array_agg(category ORDER BY sort_order) AS cats
      FROM report_statuses WHERE tenant_id = ${tenantId}
    ), pts AS (
      SELECT g, round((${AREA.minLat} + random() * ${AREA.maxLat - AREA.minLat})::numeric, 6)::float8 AS lat,
        round((${AREA.minLng} + random() * ${AREA.maxLng - AREA.minLng})::numeric, 6)::float8 AS lng,
        random() AS rs, random() AS rc
      FROM generate_series(1, ${count}) AS g
    )
    INSERT INTO reports (tenant_id, reference, category_id, status_key, stage, status_category, lat, lng,
      public_lat, public_lng, public_tile_x, public_tile_y, description, channel, anonymous, received_at)
    SELECT ${tenantId}, 'BN' || lpad(g::text, 7, '0'),
      cats.ids[1 + floor(rc * array_length(cats.ids, 1))::int],
      sts.keys[1 + floor(rs * array_length(sts.keys, 1))::int],
      sts.stages[1 + floor(rs * array_length(sts.keys, 1))::int],
      sts.cats[1 + floor(rs * array_length(sts.keys, 1))::int],
      lat, lng, lat, lng,
      floor((lng + 180) / 360 * 1048576)::int,
      floor((1 - ln(tan(radians(lat)) + 1 / cos(radians(lat))) / pi()) / 2 * 1048576)::int,
      'ベンチマーク用の通報', 'web', true, now() - random() * interval '365 days'
    FROM pts, cats, sts`);
  await db.execute(sql`SELECT report_map_cells_rebuild(${tenantId}::uuid)`);
  await db.execute(sql`ALTER TABLE reports ENABLE TRIGGER reports_map_cells`);
  await db.execute(sql`ANALYZE reports`);
  await db.execute(sql`ANALYZE report_map_cells`);
  const [check] = await queryRows<{ cells: string; rows: string }>(
    db,
    sql`SELECT (SELECT sum(count) FROM report_map_cells WHERE tenant_id = ${tenantId} AND level = 16) AS cells,
      (SELECT count(*) FROM reports WHERE tenant_id = ${tenantId} AND public_lat IS NOT NULL
        AND merged_into_id IS NULL) AS rows`,
  );
  if (Number(check!.cells) !== Number(check!.rows)) {
    throw new Error(`map summary holds ${check!.cells} reports, the table ${check!.rows}`);
  }
}

async function timeRequests(
  url: string,
  n: number,
): Promise<{ times: number[]; bytes: number; status: number }> {
  const times: number[] = [];
  let bytes = 0;
  let status = 0;
  for (let i = 0; i < n; i += 1) {
    const t0 = performance.now();
    // No conditional request: every answer is built and sent in full, as for a first visit.
    const response = await fetch(url, { headers: { "accept-encoding": "gzip" } });
    const body = await response.arrayBuffer();
    times.push(performance.now() - t0);
    bytes = body.byteLength;
    status = response.status;
  }
  return { times: times.sort((a, b) => a - b), bytes, status };
}

async function benchDriver(driver: Driver, options: Options): Promise<void> {
  log(`${driver}: opening`);
  const target = driver === "postgres" ? await openPostgres(log) : await openPglite();
  const dataDir = mkdtempSync(join(tmpdir(), "tenohira-bench-"));
  let platform: Platform | undefined;
  let server: Server | undefined;
  try {
    const config = loadConfig({ env: {}, overrides: { logLevel: "silent", dataDir, worker: "off" } });
    platform = await startPlatform(config, installedModules, target.database);
    const listening = await listen(platform);
    server = listening.server;
    const db = target.database.db;
    const [tenant] = await db.select().from(tenants).where(eq(tenants.slug, DEMO_TENANT_SLUG));
    const t0 = performance.now();
    await seed(db, tenant!.id, options.reports);
    log(`${driver}: ${options.reports} reports seeded in ${round((performance.now() - t0) / 1000, 1)} s`);
    const cases = {
      clusters: `${listening.origin}/reports/map.json?bbox=${CITY_BOX}&zoom=12`,
      category: `${listening.origin}/reports/map.json?bbox=${CITY_BOX}&zoom=12&category=road-damage`,
      pins: `${listening.origin}/reports/map.json?bbox=${STREET_BOX}&zoom=16`,
      baseline: `${listening.origin}/healthz`,
    };
    for (const url of Object.values(cases)) {
      await timeRequests(url, options.warmup);
    }
    const results: Record<string, { times: number[]; bytes: number; status: number }> = {};
    for (const [name, url] of Object.entries(cases)) {
      results[name] = await timeRequests(url, options.requests);
      if (results[name]!.status !== 200) {
        throw new Error(`${name} answered ${results[name]!.status}`);
      }
    }
    const baselineP95 = percentile(results["baseline"]!.times, 0.95);
    for (const [name, result] of Object.entries(results)) {
      const p95 = percentile(result.times, 0.95);
      process.stdout.write(
        `${JSON.stringify({
          bench: "report-map",
          driver,
          case: name,
          reports: options.reports,
          n: result.times.length,
          p50_ms: round(percentile(result.times, 0.5), 2),
          p95_ms: round(p95, 2),
          bytes: result.bytes,
          ratio_p95_to_baseline: round(p95 / baselineP95, 2),
        })}\n`,
      );
    }
  } finally {
    await stopServer(server);
    await platform?.close();
    await target.cleanup();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

export async function main(args: readonly string[]): Promise<void> {
  const options = parseOptions(args);
  for (const driver of options.drivers) {
    await benchDriver(driver, options);
  }
}
