import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { sql } from "drizzle-orm";
import pg from "pg";
import { type Driver, openDatabase } from "../core/db/database.ts";
import type { WaitingRoomSettings } from "../core/tenancy/schema.ts";
import { type CliProcess, startCliProcess } from "../core/testing/cli-process.ts";
import { createPostgresDatabase } from "../core/testing/test-database.ts";
import { type PostgresServer, startPostgresServer } from "../scripts/postgres-server.ts";
import { measure, parseDrivers, percentile, round } from "./harness.ts";

/**
 * overload: the real server (`tenohira start` in its own process) behind its waiting room, offered ten
 * times the admission rate, open-loop. The admission rate A is set from the guarded page's capacity
 * measured in the same run, well under it, so what is tested is that the room turns the excess into
 * cheap waiting pages: no crash, no 5xx, admitted visitors served fast.
 */

const log = (message: string) => process.stderr.write(`[overload] ${message}\n`);

type Options = {
  drivers: Driver[];
  seconds: number;
  path: string;
  /** A = capacity × this. */
  admitFraction: number;
  capacitySeconds: number;
};

function parseOptions(args: readonly string[]): Options {
  const { values } = parseArgs({
    args: [...args],
    options: {
      db: { type: "string", default: "pglite,postgres" },
      seconds: { type: "string", default: "60" },
      path: { type: "string", default: "/forms/survey" },
      "admit-fraction": { type: "string", default: "0.1" },
      "capacity-seconds": { type: "string", default: "5" },
    },
    strict: true,
  });
  const number = (name: string, text: string, max: number) => {
    const value = Number(text);
    if (!(value > 0 && value <= max)) {
      throw new Error(`--${name} must be a number in (0, ${max}], got ${text}`);
    }
    return value;
  };
  return {
    drivers: parseDrivers(values.db),
    seconds: number("seconds", values.seconds, 600),
    path: values.path,
    admitFraction: number("admit-fraction", values["admit-fraction"], 1),
    capacitySeconds: number("capacity-seconds", values["capacity-seconds"], 60),
  };
}

/** A database for a server process: a PGlite data directory, or a new database on a PostgreSQL server. */
export type ServerDatabase = {
  driver: Driver;
  dataDir: string;
  databaseUrl: string | null;
  /** Runs statements with the server stopped (PGlite belongs to one process at a time). */
  withDb<T>(
    work: (execute: (statement: ReturnType<typeof sql>) => Promise<unknown>) => Promise<T>,
  ): Promise<T>;
  cleanup(): Promise<void>;
};

export async function openServerDatabase(driver: Driver): Promise<ServerDatabase> {
  const dataDir = mkdtempSync(join(tmpdir(), "tenohira-bench-server-"));
  let pgServer: PostgresServer | undefined;
  let databaseUrl: string | null = null;
  let adminUrl: string | null = null;
  let name = "";
  if (driver === "postgres") {
    adminUrl = process.env["BENCH_DATABASE_URL"] || process.env["TEST_DATABASE_URL"] || null;
    if (!adminUrl) {
      log("no BENCH_DATABASE_URL/TEST_DATABASE_URL: starting a throwaway PostgreSQL (fsync=off)");
      pgServer = await startPostgresServer();
      adminUrl = pgServer.url;
    }
    ({ name, url: databaseUrl } = await createPostgresDatabase(adminUrl, "bench"));
  }
  return {
    driver,
    dataDir,
    databaseUrl,
    async withDb(work) {
      const database = await openDatabase(
        databaseUrl
          ? { driver: "postgres", url: databaseUrl }
          : { driver: "pglite", dataDir: join(dataDir, "pglite") },
      );
      try {
        return await work((statement) => database.db.execute(statement));
      } finally {
        await database.close();
      }
    },
    async cleanup() {
      if (adminUrl && name) {
        const dropper = new pg.Client({ connectionString: adminUrl });
        await dropper.connect();
        await dropper.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
        await dropper.end();
      }
      pgServer?.stop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** `tenohira start` on the bench database: migrates and seeds the demo city the first time, worker off. */
export async function startServer(target: ServerDatabase): Promise<CliProcess> {
  const server = await startCliProcess(["start"], {
    TENOHIRA_DATA_DIR: target.dataDir,
    DATABASE_URL: target.databaseUrl ?? "",
    TENOHIRA_DATABASE_URL: "",
    TENOHIRA_LOG_LEVEL: "warn",
    TENOHIRA_WORKER: "off",
    TENOHIRA_DEMO_IDENTITY_PROVIDER_PORT: "-1",
  });
  await server.waitUntilReady(120_000);
  return server;
}

export async function setWaitingRoom(
  target: ServerDatabase,
  room: WaitingRoomSettings | null,
): Promise<void> {
  await target.withDb((execute) =>
    execute(
      room
        ? sql`UPDATE tenants SET settings = settings || jsonb_build_object('waitingRoom', ${JSON.stringify(room)}::jsonb)`
        : sql`UPDATE tenants SET settings = settings - 'waitingRoom'`,
    ),
  );
}

/** A min-heap of visitors by the time their page refreshes. */
class RefreshQueue {
  private readonly items: { at: number; cookie: string }[] = [];
  get size() {
    return this.items.length;
  }
  push(item: { at: number; cookie: string }) {
    const items = this.items;
    items.push(item);
    let i = items.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (items[parent]!.at <= items[i]!.at) {
        break;
      }
      [items[parent], items[i]] = [items[i]!, items[parent]!];
      i = parent;
    }
  }
  /** The visitor due earliest, if due by `now`. */
  popDue(now: number): { at: number; cookie: string } | undefined {
    const items = this.items;
    if (items.length === 0 || items[0]!.at > now) {
      return undefined;
    }
    const top = items[0]!;
    const last = items.pop()!;
    if (items.length > 0) {
      items[0] = last;
      let i = 0;
      for (;;) {
        const left = 2 * i + 1;
        const right = left + 1;
        let smallest = i;
        if (left < items.length && items[left]!.at < items[smallest]!.at) {
          smallest = left;
        }
        if (right < items.length && items[right]!.at < items[smallest]!.at) {
          smallest = right;
        }
        if (smallest === i) {
          break;
        }
        [items[smallest], items[i]] = [items[i]!, items[smallest]!];
        i = smallest;
      }
    }
    return top;
  }
}

type OverloadResult = {
  sent: number;
  admitted: number;
  admittedMs: number[];
  waiting: number;
  waitingMs: number[];
  errors5xx: number;
  connectionErrors: number;
  timeouts: number;
  otherStatus: number;
  skipped: number;
};

/**
 * Sends `rate` requests per second for `seconds`, on a fixed schedule whatever the answers (open loop).
 * Each slot goes to a queued visitor whose page is due to refresh (with their ticket cookie), else to a
 * new visitor, as browsers behind the Refresh header would. An admitted visitor is done.
 */
async function offerLoad(
  origin: string,
  path: string,
  rate: number,
  seconds: number,
): Promise<OverloadResult> {
  const result: OverloadResult = {
    sent: 0,
    admitted: 0,
    admittedMs: [],
    waiting: 0,
    waitingMs: [],
    errors5xx: 0,
    connectionErrors: 0,
    timeouts: 0,
    otherStatus: 0,
    skipped: 0,
  };
  const refreshes = new RefreshQueue();
  const inFlight = new Set<Promise<void>>();
  const maxInFlight = 4096;
  const send = (cookie: string) => {
    const started = performance.now();
    const request = fetch(`${origin}${path}`, {
      headers: { accept: "text/html", ...(cookie ? { cookie } : {}) },
      signal: AbortSignal.timeout(30_000),
    })
      .then(async (response) => {
        await response.arrayBuffer();
        const ms = performance.now() - started;
        const retryAfter = response.headers.get("retry-after");
        if (response.status >= 500) {
          result.errors5xx += 1;
        } else if (retryAfter !== null) {
          result.waiting += 1;
          result.waitingMs.push(ms);
          const ticket = response.headers
            .getSetCookie()
            .map((c) => c.split(";")[0]!)
            .find((c) => c.startsWith("tenohira_wr_ticket="));
          refreshes.push({ at: performance.now() + Number(retryAfter) * 1000, cookie: ticket ?? cookie });
        } else if (response.status === 200) {
          result.admitted += 1;
          result.admittedMs.push(ms);
        } else {
          result.otherStatus += 1;
        }
      })
      .catch((error: Error) => {
        if (error.name === "TimeoutError") {
          result.timeouts += 1;
        } else {
          result.connectionErrors += 1;
        }
      })
      .finally(() => inFlight.delete(request));
    inFlight.add(request);
  };
  const begin = performance.now();
  const end = begin + seconds * 1000;
  for (let now = begin; now < end; now = performance.now()) {
    const due = Math.floor(((now - begin) / 1000) * rate);
    while (result.sent + result.skipped < due) {
      if (inFlight.size >= maxInFlight) {
        result.skipped += 1;
        continue;
      }
      result.sent += 1;
      send(refreshes.popDue(performance.now())?.cookie ?? "");
    }
    await new Promise((resolve) => setTimeout(resolve, 2));
  }
  await Promise.all(inFlight);
  return result;
}

async function benchDriver(driver: Driver, options: Options): Promise<void> {
  log(`${driver}: preparing the database and starting the server`);
  const target = await openServerDatabase(driver);
  let server: CliProcess | undefined;
  try {
    server = await startServer(target);
    const origin = server.baseUrl;
    const capacity = await measure(
      async () => {
        const response = await fetch(`${origin}${options.path}`, { headers: { accept: "text/html" } });
        await response.arrayBuffer();
        if (response.status !== 200) {
          throw new Error(`GET ${options.path} answered ${response.status}`);
        }
      },
      { concurrency: 8, durationMs: options.capacitySeconds * 1000, maxRequests: 1_000_000 },
    );
    log(
      `${driver}: capacity of ${options.path} ${capacity.perSecond.toFixed(0)}/s ` +
        `(p50 ${capacity.p50Ms.toFixed(1)} ms, p95 ${capacity.p95Ms.toFixed(1)} ms, 8 in flight)`,
    );
    const admitPerSecond = Math.max(1, Math.round(capacity.perSecond * options.admitFraction));
    await server.stop();
    server = undefined;
    await setWaitingRoom(target, { paths: [options.path], admitPerSecond, passMinutes: 10 });
    server = await startServer(target);
    // The restarted process is cold; warm it on an unguarded page so no ticket is taken before the run.
    const warmOrigin = server.baseUrl;
    await measure(
      async () => {
        await (await fetch(`${warmOrigin}/`, { headers: { accept: "text/html" } })).arrayBuffer();
      },
      { concurrency: 8, durationMs: 3000, maxRequests: 1_000_000 },
    );
    const offered = admitPerSecond * 10;
    log(`${driver}: A = ${admitPerSecond}/s; offering ${offered}/s for ${options.seconds} s`);
    const load = await offerLoad(server.baseUrl, options.path, offered, options.seconds);
    const died = server.child.exitCode !== null || server.child.signalCode !== null;
    if (died) {
      log(`${driver}: the server died:\n${server.output().slice(-2000)}`);
    }
    load.admittedMs.sort((a, b) => a - b);
    load.waitingMs.sort((a, b) => a - b);
    const result = {
      name: "overload",
      driver,
      path: options.path,
      seconds: options.seconds,
      capacity_per_s: round(capacity.perSecond, 1),
      admit_per_s_setting: admitPerSecond,
      offered_per_s: round(load.sent / options.seconds, 1),
      requests: load.sent,
      admitted: load.admitted,
      admitted_per_s: round(load.admitted / options.seconds, 2),
      waiting_room_responses: load.waiting,
      crashes: load.connectionErrors + (died ? 1 : 0),
      errors_5xx: load.errors5xx,
      timeouts: load.timeouts,
      other_status: load.otherStatus,
      client_skipped: load.skipped,
      admitted_p50_ms: round(percentile(load.admittedMs, 0.5), 1),
      admitted_p95_ms: round(percentile(load.admittedMs, 0.95), 1),
      waiting_p95_ms: round(percentile(load.waitingMs, 0.95), 1),
    };
    process.stdout.write(`${JSON.stringify(result)}\n`);
  } finally {
    await server?.stop();
    await target.cleanup();
  }
}

export async function main(args: readonly string[]): Promise<void> {
  const options = parseOptions(args);
  for (const driver of options.drivers) {
    await benchDriver(driver, options);
  }
}
