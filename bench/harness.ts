import { mkdtempSync, rmSync } from "node:fs";
import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { serve } from "@hono/node-server";
import type { Platform } from "../app/platform.ts";
import { type Database, type Driver, openDatabase } from "../core/db/database.ts";
import { createPostgresDatabase, dropPostgresDatabase } from "../core/testing/test-database.ts";
import { type PostgresServer, startPostgresServer } from "../scripts/postgres-server.ts";

/** What the throughput benches share: bounded load loops, medians, throwaway databases, a loopback server. */

export type Sample = { count: number; seconds: number; perSecond: number; p50Ms: number; p95Ms: number };
export type Limits = { concurrency: number; durationMs: number; maxRequests: number };

export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) {
    return 0;
  }
  return sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))]!;
}

export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

export const round = (value: number, digits: number) => Number(value.toFixed(digits));

/**
 * Keeps `concurrency` operations in flight until `durationMs` has passed or `maxRequests` have been
 * started, whichever comes first. Bounded on both counts; the first failure aborts the run. Each call gets
 * the next index (from `next` when given, so indices stay unique across phases).
 */
export async function measure(
  operation: (index: number) => Promise<void>,
  { concurrency, durationMs, maxRequests }: Limits,
  next?: () => number,
): Promise<Sample> {
  const latencies: number[] = [];
  let started = 0;
  const begin = performance.now();
  const deadline = begin + durationMs;
  const lane = async () => {
    while (started < maxRequests && performance.now() < deadline) {
      const index = next ? next() : started;
      started += 1;
      const t0 = performance.now();
      await operation(index);
      latencies.push(performance.now() - t0);
    }
  };
  await Promise.all(Array.from({ length: concurrency }, lane));
  const seconds = (performance.now() - begin) / 1000;
  latencies.sort((a, b) => a - b);
  return {
    count: latencies.length,
    seconds,
    perSecond: latencies.length / seconds,
    p50Ms: percentile(latencies, 0.5),
    p95Ms: percentile(latencies, 0.95),
  };
}

export type Target = { database: Database; cleanup(): Promise<void> };

/** A new database on BENCH_DATABASE_URL / TEST_DATABASE_URL, or on a throwaway server started here. */
export async function openPostgres(log: (message: string) => void): Promise<Target> {
  let server: PostgresServer | undefined;
  let serverUrl = process.env["BENCH_DATABASE_URL"] || process.env["TEST_DATABASE_URL"];
  if (!serverUrl) {
    log("no BENCH_DATABASE_URL/TEST_DATABASE_URL: starting a throwaway PostgreSQL (fsync=off)");
    server = await startPostgresServer();
    serverUrl = server.url;
  }
  const { name, url } = await createPostgresDatabase(serverUrl, "bench");
  const database = await openDatabase({ driver: "postgres", url });
  const adminUrl = serverUrl;
  return {
    database,
    async cleanup() {
      await database.close().catch(() => undefined);
      await dropPostgresDatabase(adminUrl, name);
      server?.stop();
    },
  };
}

export async function openPglite(): Promise<Target> {
  const dir = mkdtempSync(join(tmpdir(), "tenohira-bench-pglite-"));
  const database = await openDatabase({ driver: "pglite", dataDir: join(dir, "pglite") });
  return {
    database,
    async cleanup() {
      await database.close().catch(() => undefined);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** The platform on a real HTTP server on a free loopback port. */
export async function listen(platform: Platform): Promise<{ server: Server; origin: string }> {
  return new Promise((resolve) => {
    const server = serve(
      { fetch: platform.app.fetch, hostname: "127.0.0.1", port: 0 },
      (info: AddressInfo) => {
        const http = server as Server;
        // Node closes idle keep-alive sockets after 5 s; the client may reuse one as it closes (ECONNRESET)
        // after a db-only phase of the same length. Keep them open for the whole run, as a proxy would.
        http.keepAliveTimeout = 120_000;
        resolve({ server: http, origin: `http://127.0.0.1:${info.port}` });
      },
    );
  });
}

/** Stops a bench's loopback server at once, keep-alive connections included. */
export async function stopServer(server: Server | null | undefined): Promise<void> {
  if (server) {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}

/** "pglite,postgres" → the drivers, refusing anything else with the option's name. */
export function parseDrivers(text: string, option = "db"): Driver[] {
  const drivers = text.split(",").map((d) => d.trim());
  for (const driver of drivers) {
    if (driver !== "postgres" && driver !== "pglite") {
      throw new Error(`--${option} takes pglite and/or postgres, got ${driver}`);
    }
  }
  return drivers as Driver[];
}

/** A count given on the command line: a whole number of at least 1. */
export function positiveInteger(name: string, text: string): number {
  const value = Number(text);
  if (!Number.isInteger(value) || value < 1) {
    throw new Error(`--${name} must be a positive integer, got ${text}`);
  }
  return value;
}

/**
 * The command line of a bench that takes --db and whole-number counts: `counts` names each count with its
 * default, e.g. { reports: "100000" }.
 */
export function parseCountOptions<Name extends string>(
  args: readonly string[],
  bench: { db: string; counts: Record<Name, string> },
): { drivers: Driver[] } & Record<Name, number> {
  const names = Object.keys(bench.counts) as Name[];
  const values: Record<string, unknown> = parseArgs({
    args: [...args],
    options: Object.fromEntries(
      [["db", bench.db] as const, ...names.map((name) => [name, bench.counts[name]] as const)].map(
        ([name, fallback]) => [name, { type: "string" as const, default: fallback }],
      ),
    ),
    strict: true,
  }).values;
  const counts = Object.fromEntries(
    names.map((name) => [name, positiveInteger(name, String(values[name]))]),
  ) as Record<Name, number>;
  return { drivers: parseDrivers(String(values.db)), ...counts };
}

export type LoadOptions<Side extends string> = {
  drivers: Driver[];
  concurrency: number;
  warmupMs: number;
  durationMs: number;
  maxRequests: number;
  repeats: number;
  /** The sides to measure, in the bench's own order. */
  sides: Side[];
};

/**
 * The command line every throughput bench takes: --driver, --concurrency, --warmup-ms, --duration-ms,
 * --max-requests, --repeats and --sides, with the bench's own defaults and sides.
 */
export function parseLoadOptions<Side extends string>(
  args: readonly string[],
  bench: {
    allSides: readonly Side[];
    defaults: Record<"warmup-ms" | "duration-ms" | "max-requests" | "sides", string>;
  },
): LoadOptions<Side> {
  const { values } = parseArgs({
    args: [...args],
    options: {
      driver: { type: "string", default: "postgres,pglite" },
      concurrency: { type: "string", default: "8" },
      "warmup-ms": { type: "string", default: bench.defaults["warmup-ms"] },
      "duration-ms": { type: "string", default: bench.defaults["duration-ms"] },
      "max-requests": { type: "string", default: bench.defaults["max-requests"] },
      repeats: { type: "string", default: "3" },
      sides: { type: "string", default: bench.defaults.sides },
    },
    strict: true,
  });
  const positive = positiveInteger;
  const drivers = parseDrivers(values.driver, "driver");
  const sides = values.sides.split(",").map((side) => side.trim());
  for (const side of sides) {
    if (!bench.allSides.includes(side as Side)) {
      throw new Error(`--sides takes ${bench.allSides.join(", ")}, got ${side}`);
    }
  }
  return {
    drivers,
    concurrency: positive("concurrency", values.concurrency),
    warmupMs: positive("warmup-ms", values["warmup-ms"]),
    durationMs: positive("duration-ms", values["duration-ms"]),
    maxRequests: positive("max-requests", values["max-requests"]),
    repeats: positive("repeats", values.repeats),
    sides: bench.allSides.filter((side) => sides.includes(side)),
  };
}
