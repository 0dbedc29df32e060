import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { Agent, request, type Server } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { eq, sql } from "drizzle-orm";
import { installedModules } from "../app/modules.ts";
import { type Platform, startPlatform } from "../app/platform.ts";
import { DEMO_TENANT_SLUG } from "../app/seed-demo.ts";
import { tokyoDate } from "../core/calendar/business-days.ts";
import { loadConfig } from "../core/config/config.ts";
import { type Db, type Driver, queryRows } from "../core/db/database.ts";
import { SESSION_COOKIE } from "../core/http/middleware.ts";
import { residents } from "../core/identity/schema.ts";
import { createSession } from "../core/identity/sessions.ts";
import { tenants } from "../core/tenancy/schema.ts";
import { type FacilitySlot, listUnitSlots } from "../modules/facilities/index.ts";
import { bookings, facilities, facilityUnits } from "../modules/facilities/schema.ts";
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
 * booking-rush: the opening minute of a popular facility. 2,000 signed-in residents at once try to book
 * 50 free time blocks of one unit through `POST /api/facilities/bookings`, each with its own
 * Idempotency-Key, the waiting room off. All 2,000 requests are issued at once and carried over at most
 * `--connections` keep-alive connections, as a reverse proxy would carry them (2,000 sockets on the one
 * event loop the server shares with the client and PGlite time out while connecting). Exactly 50 must be
 * booked, none twice, and no 5xx; the losers get 409. The ceiling it is compared with is the same 2,000
 * attempts as bare guarded INSERTs (the exclusion constraint deciding) on a twin unit of the same
 * database, in the same run.
 */

const log = (message: string) => process.stderr.write(`[booking-rush] ${message}\n`);

type Options = { drivers: Driver[]; clients: number; slots: number; connections: number };

function parseOptions(args: readonly string[]): Options {
  return parseCountOptions(args, {
    db: "pglite,postgres",
    counts: { clients: "2000", slots: "50", connections: "100" },
  });
}

/** A free-of-charge unit open 09:00–19:00 in hourly slots, so every booking is confirmed at once. */
async function createUnit(db: Db, tenantId: string, facilityId: string, name: string): Promise<string> {
  const [unit] = await db
    .insert(facilityUnits)
    .values({
      tenantId,
      facilityId,
      nameJa: name,
      nameEn: name,
      capacity: 20,
      schedule: { kind: "hourly", opens: "09:00", closes: "19:00", feePerHour: 0 },
    })
    .returning({ id: facilityUnits.id });
  return unit!.id;
}

async function freeSlots(db: Db, tenantId: string, unitId: string, count: number): Promise<FacilitySlot[]> {
  const day = 86_400_000;
  const found = await listUnitSlots(db, {
    tenantId,
    unitId,
    from: tokyoDate(new Date(Date.now() + day)),
    to: tokyoDate(new Date(Date.now() + 40 * day)),
  });
  const free = found.filter((slot) => slot.state === "free").slice(0, count);
  if (free.length < count) {
    throw new Error(`only ${free.length} free slots found, ${count} needed`);
  }
  return free;
}

/** One POST over the shared agent; resolves with the status once the body has been read. */
function post(agent: Agent, url: string, headers: Record<string, string>, body: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const outgoing = request(url, { method: "POST", agent, headers, timeout: 120_000 }, (response) => {
      response.resume();
      response.on("end", () => resolve(response.statusCode ?? 0));
      response.on("error", reject);
    });
    outgoing.on("timeout", () => outgoing.destroy(new Error("timeout")));
    outgoing.on("error", reject);
    outgoing.end(body);
  });
}

const liveStatuses = sql.raw(`('held', 'provisional', 'confirmed')`);

/** Live bookings of the unit, and pairs of them whose times overlap (both must be checked in the DB). */
async function audit(db: Db, unitId: string): Promise<{ live: number; doubleBookings: number }> {
  const [live] = await queryRows<{ n: string }>(
    db,
    sql`SELECT count(*) AS n FROM facilities_bookings WHERE unit_id = ${unitId} AND status IN ${liveStatuses}`,
  );
  const [doubled] = await queryRows<{ n: string }>(
    db,
    sql`
    SELECT count(*) AS n FROM facilities_bookings a JOIN facilities_bookings b
      ON a.unit_id = b.unit_id AND a.id < b.id AND a.during && b.during
    WHERE a.unit_id = ${unitId} AND a.status IN ${liveStatuses} AND b.status IN ${liveStatuses}`,
  );
  return { live: Number(live!.n), doubleBookings: Number(doubled!.n) };
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
    const { origin } = listening;
    const db = target.database.db;
    const [tenant] = await db.select().from(tenants).where(eq(tenants.slug, DEMO_TENANT_SLUG));
    const tenantId = tenant!.id;
    const runTag = randomBytes(3).toString("hex");

    const [facility] = await db
      .insert(facilities)
      .values({ tenantId, slug: `rush-${runTag}`, nameJa: "ベンチ体育館", nameEn: "Bench gym" })
      .returning({ id: facilities.id });
    const rushUnit = await createUnit(db, tenantId, facility!.id, "rush");
    const rawUnit = await createUnit(db, tenantId, facility!.id, "raw");
    const rushSlots = await freeSlots(db, tenantId, rushUnit, options.slots);
    const rawSlots = await freeSlots(db, tenantId, rawUnit, options.slots);

    log(`${driver}: ${options.clients} residents with sessions`);
    const people = await db
      .insert(residents)
      .values(
        Array.from({ length: options.clients }, (_, i) => ({
          tenantId,
          email: `rush-${runTag}-${i}@example.jp`,
        })),
      )
      .returning({ id: residents.id });
    const clients: { residentId: string; headers: Record<string, string> }[] = [];
    for (const [i, person] of people.entries()) {
      const { token, session } = await createSession(db, {
        tenantId,
        subject: { type: "resident", id: person.id },
        absoluteHours: 1,
      });
      clients.push({
        residentId: person.id,
        headers: {
          cookie: `${SESSION_COOKIE}=${token}`,
          "x-csrf-token": session.csrfToken,
          "idempotency-key": `rush-${runTag}-${i}`,
          "content-type": "application/json",
          accept: "application/json",
        },
      });
    }

    // Warm the route (JIT, pools) with reads that change nothing.
    await Promise.all(
      Array.from({ length: 50 }, () =>
        fetch(`${origin}/api/facilities/units/${rushUnit}/slots?from=2000-01-01&to=2000-01-01`).then((r) =>
          r.arrayBuffer(),
        ),
      ),
    );

    log(`${driver}: ${options.clients} clients at once on ${options.slots} slots (round-robin)`);
    const statuses = new Map<number, number>();
    const latencies: number[] = [];
    let connectionErrors = 0;
    const agent = new Agent({ keepAlive: true, maxSockets: options.connections });
    const begin = performance.now();
    await Promise.all(
      clients.map(async (client, i) => {
        const slot = rushSlots[i % rushSlots.length]!;
        const started = performance.now();
        try {
          const status = await post(
            agent,
            `${origin}/api/facilities/bookings`,
            client.headers,
            JSON.stringify({
              unitId: rushUnit,
              startsAt: slot.startsAt.toISOString(),
              endsAt: slot.endsAt.toISOString(),
            }),
          );
          statuses.set(status, (statuses.get(status) ?? 0) + 1);
          latencies.push(performance.now() - started);
        } catch {
          connectionErrors += 1;
        }
      }),
    );
    const httpSeconds = (performance.now() - begin) / 1000;
    agent.destroy();
    const rush = await audit(db, rushUnit);
    log(`${driver}: HTTP statuses ${JSON.stringify(Object.fromEntries(statuses))}, live ${rush.live}`);

    log(`${driver}: the same attempts as bare INSERTs on the twin unit`);
    let rawInserted = 0;
    let rawTaken = 0;
    const rawBegin = performance.now();
    // As many in flight as the app's connection pool allows (10); thousands of queued statements add
    // nothing on PostgreSQL and overflow PGlite's stack.
    let nextAttempt = 0;
    const lane = async () => {
      for (let i = nextAttempt++; i < clients.length; i = nextAttempt++) {
        const slot = rawSlots[i % rawSlots.length]!;
        // ON CONFLICT DO NOTHING lets the exclusion constraint refuse without raising an error: the
        // cheapest guarded insert there is.
        const inserted = await db
          .insert(bookings)
          .values({
            tenantId,
            unitId: rawUnit,
            reference: `RAW-${runTag}-${i}`,
            residentId: clients[i]!.residentId,
            startsAt: slot.startsAt,
            endsAt: slot.endsAt,
            status: "confirmed",
            source: "resident",
            idempotencyKey: `raw-${runTag}-${i}`,
          })
          .onConflictDoNothing()
          .returning({ id: bookings.id });
        if (inserted.length === 1) {
          rawInserted += 1;
        } else {
          rawTaken += 1;
        }
      }
    };
    await Promise.all(Array.from({ length: 10 }, lane));
    const rawSeconds = (performance.now() - rawBegin) / 1000;
    const raw = await audit(db, rawUnit);

    latencies.sort((a, b) => a - b);
    const count = (predicate: (status: number) => boolean) =>
      [...statuses].filter(([status]) => predicate(status)).reduce((sum, [, n]) => sum + n, 0);
    const httpPerSecond = options.clients / httpSeconds;
    const rawPerSecond = options.clients / rawSeconds;
    log(
      `${driver}: statuses ${JSON.stringify(Object.fromEntries(statuses))}; raw inserted ${rawInserted}, ` +
        `taken ${rawTaken}, live ${raw.live}, double ${raw.doubleBookings}`,
    );
    const result = {
      name: "booking-rush",
      driver,
      clients: options.clients,
      slots: options.slots,
      connections: options.connections,
      confirmed: rush.live,
      double_bookings: rush.doubleBookings,
      created_201: statuses.get(201) ?? 0,
      taken_409: statuses.get(409) ?? 0,
      errors_5xx: count((status) => status >= 500),
      other_status: count((status) => status !== 201 && status !== 409 && status < 500),
      connection_errors: connectionErrors,
      p50_ms: round(percentile(latencies, 0.5), 1),
      p95_ms: round(percentile(latencies, 0.95), 1),
      bookings_per_s: round(httpPerSecond, 1),
      raw_per_s: round(rawPerSecond, 1),
      ratio: round(httpPerSecond / rawPerSecond, 3),
      raw_confirmed: raw.live,
      raw_double_bookings: raw.doubleBookings,
    };
    process.stdout.write(`${JSON.stringify(result)}\n`);
  } finally {
    await stopServer(server);
    // Close the pool before the server goes: an idle connection cut by the shutdown is an uncaught 57P01.
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
