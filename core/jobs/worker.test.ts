import { and, eq, sql } from "drizzle-orm";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { z } from "zod";
import { installedModules } from "../../app/modules.ts";
import { queryRows } from "../db/database.ts";
import { defineSubscriber } from "../events/define-subscriber.ts";
import { publishEvent } from "../events/publish-event.ts";
import { domainEvents } from "../events/schema.ts";
import { createTestPlatform, type TestPlatform } from "../testing/test-platform.ts";
import { defineJob, type JobDefinition } from "./define-job.ts";
import { enqueueJob } from "./enqueue-job.ts";
import { jobSchedules, jobs } from "./schema.ts";
import { createWorker } from "./worker.ts";

let platform: TestPlatform;
beforeEach(async () => {
  platform = await createTestPlatform();
});
afterEach(() => platform.close());

const workerFor = (defs: JobDefinition<unknown>[], extra: Partial<Parameters<typeof createWorker>[0]> = {}) =>
  createWorker({ services: platform.services, jobs: defs, subscribers: [], concurrency: 4, ...extra });

const statusCounts = async () =>
  Object.fromEntries(
    (
      await queryRows<{ status: string; n: number }>(
        platform.services.database.db,
        sql`SELECT status, count(*)::int AS n FROM jobs GROUP BY status`,
      )
    ).map((r) => [r.status, r.n]),
  );

describe("job queue", () => {
  it("runs each job exactly once when several workers poll the same table", async () => {
    const runs = new Map<number, number>();
    const countJob = defineJob({
      name: "test.count",
      payload: z.object({ n: z.number() }),
      async handle({ n }) {
        runs.set(n, (runs.get(n) ?? 0) + 1);
        await new Promise((r) => setTimeout(r, Math.random() * 3));
      },
    });
    const { db } = platform.services.database;
    await db.transaction(async (tx) => {
      for (let n = 0; n < 200; n++) {
        await enqueueJob(tx, { job: countJob, payload: { n } });
      }
    });
    const workers = [1, 2, 3, 4].map((i) =>
      workerFor([countJob as JobDefinition<unknown>], { workerId: `w${i}`, concurrency: 3 }),
    );
    await Promise.all(workers.map((w) => w.drain(500)));
    expect(runs.size).toBe(200);
    expect([...runs.values()].every((count) => count === 1)).toBe(true);
    expect(await statusCounts()).toEqual({ succeeded: 200 });
  });

  it("stop waits for a pass under way and for the jobs it started, whenever it is called", async () => {
    let finished = 0;
    const slow = defineJob({
      name: "test.slow",
      payload: z.object({}),
      async handle() {
        await new Promise((r) => setTimeout(r, 20));
        finished++;
      },
    });
    const { db } = platform.services.database;
    // 0 ms stops just after the first pass has begun its queries; the others land at later points.
    for (const delayMs of [0, 0, 1, 3, 6, 10, 15]) {
      await enqueueJob(db, { job: slow, payload: {} });
      const worker = workerFor([slow as JobDefinition<unknown>], { pollIntervalMs: 1 });
      worker.start();
      await new Promise((r) => setTimeout(r, delayMs));
      await worker.stop();
      const seen = finished;
      // Nothing may still be running once stop has returned: the database may be closed next.
      expect((await statusCounts()).running).toBeUndefined();
      await new Promise((r) => setTimeout(r, 40));
      expect(finished).toBe(seen);
    }
  });

  it("retries with backoff and dead-letters after the last attempt", async () => {
    let calls = 0;
    const failing = defineJob({
      name: "test.failing",
      payload: z.object({}),
      maxAttempts: 3,
      backoffSeconds: () => 0,
      async handle() {
        calls++;
        throw new Error(`boom ${calls}`);
      },
    });
    const worker = workerFor([failing as JobDefinition<unknown>]);
    const { db } = platform.services.database;
    const id = (await enqueueJob(db, { job: failing, payload: {} }))!;
    await worker.drain();
    expect(calls).toBe(3);
    const [row] = await db.select().from(jobs).where(eq(jobs.id, id));
    expect(row).toMatchObject({ status: "dead", attempts: 3, lastError: "boom 3" });
  });

  it("schedules a retry in the future with the default exponential backoff", async () => {
    const flaky = defineJob({
      name: "test.flaky",
      payload: z.object({}),
      async handle() {
        throw new Error("temporary");
      },
    });
    const { db } = platform.services.database;
    const id = (await enqueueJob(db, { job: flaky, payload: {} }))!;
    await workerFor([flaky as JobDefinition<unknown>]).drain();
    const [row] = await db.select().from(jobs).where(eq(jobs.id, id));
    expect(row!.status).toBe("queued");
    expect(row!.attempts).toBe(1);
    const delay = (row!.runAt.getTime() - Date.now()) / 1000;
    expect(delay).toBeGreaterThan(5);
    expect(delay).toBeLessThanOrEqual(10);
  });

  it("takes back a job whose worker died holding it", async () => {
    const quick = defineJob({ name: "test.quick", payload: z.object({}), async handle() {} });
    const { db } = platform.services.database;
    const id = (await enqueueJob(db, { job: quick, payload: {} }))!;
    // A worker claimed it, then the process vanished: its lease is in the past.
    await db
      .update(jobs)
      .set({
        status: "running",
        attempts: 1,
        lockedBy: "gone",
        lockedUntil: sql`now() - interval '1 second'`,
      })
      .where(eq(jobs.id, id));
    await workerFor([quick as JobDefinition<unknown>]).drain();
    const [row] = await db.select().from(jobs).where(eq(jobs.id, id));
    expect(row).toMatchObject({ status: "succeeded", attempts: 2 });
  });

  it("rejects a payload that does not match the job's schema at enqueue time", async () => {
    const typed = defineJob({ name: "test.typed", payload: z.object({ id: z.uuid() }), async handle() {} });
    await expect(
      enqueueJob(platform.services.database.db, { job: typed, payload: { id: "not-a-uuid" } }),
    ).rejects.toThrow();
    expect(await statusCounts()).toEqual({});
  });

  it("keeps one pending job per singleton key", async () => {
    const single = defineJob({ name: "test.single", payload: z.object({}), async handle() {} });
    const { db } = platform.services.database;
    expect(await enqueueJob(db, { job: single, payload: {}, singletonKey: "k" })).toBeTypeOf("number");
    expect(await enqueueJob(db, { job: single, payload: {}, singletonKey: "k" })).toBeNull();
    await workerFor([single as JobDefinition<unknown>]).drain();
    expect(await enqueueJob(db, { job: single, payload: {}, singletonKey: "k" })).toBeTypeOf("number");
  });

  it("enqueues cron jobs when due, once even with several workers", async () => {
    let ticks = 0;
    const nightly = defineJob({
      name: "test.nightly",
      payload: z.object({}),
      cron: "0 3 * * *",
      async handle() {
        ticks++;
      },
    });
    const { db } = platform.services.database;
    const workers = [1, 2].map(() => workerFor([nightly as JobDefinition<unknown>]));
    await Promise.all(workers.map((w) => w.drain()));
    expect(ticks).toBe(0);
    const [schedule] = await db.select().from(jobSchedules).where(eq(jobSchedules.name, "test.nightly"));
    // 03:00 in Asia/Tokyo is 18:00 UTC.
    expect(schedule!.nextRunAt.getUTCHours()).toBe(18);
    await db
      .update(jobSchedules)
      .set({ nextRunAt: sql`now() - interval '1 minute'` })
      .where(eq(jobSchedules.name, "test.nightly"));
    await Promise.all(workers.map((w) => w.drain()));
    expect(ticks).toBe(1);
    const [after] = await db.select().from(jobSchedules).where(eq(jobSchedules.name, "test.nightly"));
    expect(after!.nextRunAt.getTime()).toBeGreaterThan(Date.now());
  });
});

describe("domain events", () => {
  it("dispatch committed events to each matching subscriber once, as retryable jobs", async () => {
    const seen: string[] = [];
    let failOnce = true;
    const subscriber = defineSubscriber({
      id: "test.audit-echo",
      events: ["catalog.service_published"],
      async handle(event) {
        if (failOnce) {
          failOnce = false;
          throw new Error("first delivery fails");
        }
        seen.push(String(event.payload["slug"]));
      },
    });
    const worker = createWorker({
      services: platform.services,
      jobs: [],
      subscribers: [subscriber],
      concurrency: 2,
    });
    const { db } = platform.services.database;
    // The demo seed published four services: those events are in the outbox.
    await worker.drain();
    await db.update(jobs).set({ runAt: sql`now()` }).where(eq(jobs.status, "queued"));
    await worker.drain();
    expect(seen.sort()).toEqual(["doro-tsuho", "hoikusho", "juminhyo", "sodai-gomi"]);
    const pending = await db
      .select()
      .from(domainEvents)
      .where(and(sql`${domainEvents.dispatchedAt} IS NULL`));
    expect(pending).toEqual([]);
  });

  it("never dispatches an event whose transaction rolled back", async () => {
    const { db } = platform.services.database;
    await expect(
      db.transaction(async (tx) => {
        await publishEvent(tx, { tenantId: null, name: "test.rolled_back", payload: {} });
        throw new Error("abort");
      }),
    ).rejects.toThrow("abort");
    const rows = await db.select().from(domainEvents).where(eq(domainEvents.name, "test.rolled_back"));
    expect(rows).toEqual([]);
  });
});

describe("modules", () => {
  it("installed modules declare unique job names", () => {
    const names = installedModules.flatMap((m) => (m.jobs ?? []).map((j) => j.name));
    expect(new Set(names).size).toBe(names.length);
  });
});
