import { randomBytes, randomUUID } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import type { Server } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { and, eq, isNull } from "drizzle-orm";
import { installedModules } from "../app/modules.ts";
import { type Platform, startPlatform } from "../app/platform.ts";
import { DEMO_PASSWORD } from "../app/seed-demo.ts";
import { loadConfig } from "../core/config/config.ts";
import type { Driver } from "../core/db/database.ts";
import { SESSION_COOKIE } from "../core/http/middleware.ts";
import { staffAccounts } from "../core/identity/schema.ts";
import { readSession } from "../core/identity/sessions.ts";
import { tenants } from "../core/tenancy/schema.ts";
import { createService } from "../modules/catalog/operations/create-service.ts";
import {
  type LoadOptions,
  listen,
  measure,
  median,
  openPglite,
  openPostgres,
  parseLoadOptions,
  round,
  type Sample,
  stopServer,
} from "./harness.ts";

/**
 * write-path: how much of the database's write throughput survives the full HTTP stack.
 *
 * For each driver, the same catalog insert (createService: insert + audit record + outbox event in one
 * transaction) is made (a) as authenticated JSON POSTs through a real HTTP server on loopback and (b)
 * directly on the database, both with the same number of requests in flight. Sides alternate
 * (db, http, http, db, ...) and the median of the repeats is reported, so machine noise hits both.
 */

/**
 * The load options (bench/harness.ts). Sides: db and http (both needed for the JSON line); for diagnosis, inproc
 * (app.request() without a socket: the app without the HTTP server and client) and dbauth (db plus the
 * two lookups every staff request makes first: the session and the staff member).
 */
type Options = LoadOptions<Side>;

type Side = "db" | "http" | "inproc" | "dbauth";
const allSides: readonly Side[] = ["db", "http", "inproc", "dbauth"];

type Operation = (sequence: number) => Promise<void>;

const ADMIN_EMAIL = "admin@tenohira.localhost";

function parseOptions(args: readonly string[]): Options {
  return parseLoadOptions(args, {
    allSides,
    defaults: { "warmup-ms": "3000", "duration-ms": "5000", "max-requests": "2000", sides: "db,http" },
  });
}

const log = (message: string) => process.stderr.write(`[write-path] ${message}\n`);

async function signIn(origin: string): Promise<Record<string, string>> {
  const response = await fetch(`${origin}/staff/api/session`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ email: ADMIN_EMAIL, password: DEMO_PASSWORD }),
  });
  if (response.status !== 200) {
    throw new Error(`sign-in failed with ${response.status}: ${await response.text()}`);
  }
  const cookie = (response.headers.get("set-cookie") ?? "").split(";")[0]!;
  const { csrfToken } = (await response.json()) as { csrfToken: string };
  return { cookie, "x-csrf-token": csrfToken, "content-type": "application/json" };
}

async function benchDriver(driver: Driver, options: Options): Promise<void> {
  log(`${driver}: opening`);
  const target = driver === "postgres" ? await openPostgres(log) : await openPglite();
  const dataDir = mkdtempSync(join(tmpdir(), "tenohira-bench-"));
  let platform: Platform | undefined;
  let server: Server | undefined;
  try {
    const config = loadConfig({
      env: {},
      overrides: { logLevel: "silent", dataDir, worker: "off" },
    });
    platform = await startPlatform(config, installedModules, target.database);
    const listening = await listen(platform);
    server = listening.server;
    const { origin } = listening;
    const headers = await signIn(origin);

    const db = target.database.db;
    const [tenant] = await db.select({ id: tenants.id }).from(tenants).limit(1);
    const [admin] = await db
      .select({ id: staffAccounts.id })
      .from(staffAccounts)
      .where(and(eq(staffAccounts.tenantId, tenant!.id), eq(staffAccounts.email, ADMIN_EMAIL)));
    const tenantId = tenant!.id;
    const staffId = admin!.id;

    const runTag = randomBytes(3).toString("hex");
    let sequence = 0;
    const next = () => sequence++;
    const slug = (n: number) => `b-${runTag}-${n}`;

    const viaHttp: Operation = async (n) => {
      const response = await fetch(`${origin}/staff/api/catalog/services`, {
        method: "POST",
        headers,
        body: JSON.stringify({ slug: slug(n), nameJa: "ベンチ手続き", nameEn: "Bench service" }),
      });
      const text = await response.text();
      if (response.status !== 201) {
        throw new Error(`POST /staff/api/catalog/services answered ${response.status}: ${text}`);
      }
    };
    const app = platform.app;
    const inProcess: Operation = async (n) => {
      const response = await app.request("/staff/api/catalog/services", {
        method: "POST",
        headers,
        body: JSON.stringify({ slug: slug(n), nameJa: "ベンチ手続き", nameEn: "Bench service" }),
      });
      const text = await response.text();
      if (response.status !== 201) {
        throw new Error(`app.request answered ${response.status}: ${text}`);
      }
    };
    const direct: Operation = async (n) => {
      await db.transaction((tx) =>
        createService({
          tx,
          tenantId,
          actor: { type: "staff", id: staffId },
          requestId: randomUUID(),
          slug: slug(n),
          nameJa: "ベンチ手続き",
          nameEn: "Bench service",
          summaryJa: "",
          summaryEn: "",
          departmentId: null,
          channels: [],
        }),
      );
    };

    const sessionToken = headers["cookie"]!.slice(SESSION_COOKIE.length + 1);
    const withAuth: Operation = async (n) => {
      const session = await readSession(db, {
        token: sessionToken,
        tenantId,
        idleMinutes: config.sessionIdleMinutes,
      });
      const [staff] = await db
        .select()
        .from(staffAccounts)
        .where(
          and(
            eq(staffAccounts.id, session!.subject.id),
            eq(staffAccounts.tenantId, tenantId),
            isNull(staffAccounts.disabledAt),
          ),
        );
      if (!staff) {
        throw new Error("the session's staff member was not found");
      }
      await direct(n);
    };

    const limits = {
      concurrency: options.concurrency,
      durationMs: options.durationMs,
      maxRequests: options.maxRequests,
    };
    const warmup = { ...limits, durationMs: options.warmupMs };
    log(`${driver}: warm-up ${options.warmupMs} ms per side`);
    const operations: Record<Side, Operation> = {
      db: direct,
      http: viaHttp,
      inproc: inProcess,
      dbauth: withAuth,
    };
    for (const side of options.sides) {
      await measure(operations[side], warmup, next);
    }

    const samples: Record<Side, Sample[]> = { db: [], http: [], inproc: [], dbauth: [] };
    for (let repeat = 0; repeat < options.repeats; repeat++) {
      // Alternate the order (db, http | http, db | ...) so drift in machine load hits both sides alike.
      const order = repeat % 2 === 0 ? options.sides : [...options.sides].reverse();
      for (const side of order) {
        const sample = await measure(operations[side], limits, next);
        samples[side].push(sample);
        log(
          `${driver} #${repeat + 1} ${side.padEnd(6)} ${sample.perSecond.toFixed(0).padStart(5)}/s ` +
            `n=${sample.count} p50=${sample.p50Ms.toFixed(1)}ms p95=${sample.p95Ms.toFixed(1)}ms`,
        );
      }
    }
    const perSecond = (side: Side) =>
      samples[side].length > 0 ? median(samples[side].map((s) => s.perSecond)) : Number.NaN;
    for (const side of options.sides) {
      log(`${driver}: median ${side} ${perSecond(side).toFixed(0)}/s`);
    }
    if (!options.sides.includes("db") || !options.sides.includes("http")) {
      return;
    }
    const httpPerSecond = perSecond("http");
    const dbPerSecond = perSecond("db");
    const result = {
      name: "write-path",
      driver,
      http_per_s: round(httpPerSecond, 1),
      db_per_s: round(dbPerSecond, 1),
      ratio: round(httpPerSecond / dbPerSecond, 3),
      concurrency: options.concurrency,
      requests: samples.http.reduce((sum, s) => sum + s.count, 0),
    };
    process.stdout.write(`${JSON.stringify(result)}\n`);
  } finally {
    await stopServer(server);
    await platform?.worker.stop();
    await target.cleanup();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

export async function main(args: readonly string[]): Promise<void> {
  const options = parseOptions(args);
  log(
    `concurrency ${options.concurrency}, warm-up ${options.warmupMs} ms, ${options.repeats} repeats of ` +
      `≤${options.durationMs} ms / ≤${options.maxRequests} requests per side`,
  );
  for (const driver of options.drivers) {
    await benchDriver(driver, options);
  }
}
