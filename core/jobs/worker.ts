import { randomUUID } from "node:crypto";
import { CronExpressionParser } from "cron-parser";
import { and, asc, eq, inArray, isNull, lte, sql } from "drizzle-orm";
import type { Db } from "../db/database.ts";
import { type DomainEvent, DomainEventSchema, type EventSubscriber } from "../events/define-subscriber.ts";
import { domainEvents } from "../events/schema.ts";
import type { Services } from "../services.ts";
import { defaultBackoffSeconds, type JobDefinition } from "./define-job.ts";
import { type JobRow, jobSchedules, jobs } from "./schema.ts";

export type WorkerOptions = {
  services: Services;
  jobs: readonly JobDefinition<unknown>[];
  subscribers: readonly EventSubscriber[];
  /** Jobs run at once by this process. */
  concurrency: number;
  pollIntervalMs?: number;
  /** How long a claimed job is ours before another worker may take it back. */
  leaseSeconds?: number;
  workerId?: string;
};

export type Worker = {
  id: string;
  /** One pass: reclaim expired leases, enqueue due schedules, dispatch events, run ready jobs. */
  tick(): Promise<number>;
  /** Ticks until nothing is ready (tests, CLI). */
  drain(maxTicks?: number): Promise<void>;
  start(): void;
  stop(): Promise<void>;
};

export function subscriberJobName(subscriber: EventSubscriber): string {
  return `event:${subscriber.id}`;
}

/** A subscriber is run by an ordinary job, so retries and dead letters work the same for both. */
function subscriberJob(subscriber: EventSubscriber): JobDefinition<unknown> {
  return {
    name: subscriberJobName(subscriber),
    payload: DomainEventSchema,
    maxAttempts: subscriber.maxAttempts ?? 5,
    handle: (event, context) => subscriber.handle(event as DomainEvent, context),
  };
}

/**
 * A PostgreSQL-backed worker that runs the same on PGlite and on PostgreSQL with any number of processes:
 * jobs are claimed with FOR UPDATE SKIP LOCKED under a lease, so each runs once even when several workers
 * poll the same table. See docs/decisions/0002-own-job-queue.md for why this is not pg-boss.
 */
export function createWorker(options: WorkerOptions): Worker {
  const { services } = options;
  const { db } = services.database;
  const id = options.workerId ?? `${process.pid}-${randomUUID().slice(0, 8)}`;
  const logger = services.logger.child({ worker: id });
  const definitions = new Map<string, JobDefinition<unknown>>();
  for (const job of [...options.jobs, ...options.subscribers.map(subscriberJob)]) {
    if (definitions.has(job.name)) {
      throw new Error(`Two jobs are named ${job.name}`);
    }
    definitions.set(job.name, job);
  }
  const names = [...definitions.keys()];
  const leaseSeconds = options.leaseSeconds ?? 300;
  const inFlight = new Set<Promise<void>>();
  let timer: NodeJS.Timeout | undefined;
  let stopping = false;
  let ticking: Promise<number> | undefined;
  let schedulesReady: Promise<void> | undefined;

  async function registerSchedules(): Promise<void> {
    for (const job of options.jobs) {
      if (!job.cron) {
        continue;
      }
      const nextRunAt = nextCronTime(job.cron, new Date());
      await db
        .insert(jobSchedules)
        .values({ name: job.name, cron: job.cron, nextRunAt })
        .onConflictDoUpdate({
          target: jobSchedules.name,
          set: {
            cron: job.cron,
            nextRunAt: sql`CASE WHEN ${jobSchedules.cron} = ${job.cron} THEN ${jobSchedules.nextRunAt} ELSE ${nextRunAt.toISOString()}::timestamptz END`,
          },
        });
    }
  }

  async function reclaimExpiredLeases(): Promise<void> {
    await db
      .update(jobs)
      .set({
        status: sql`CASE WHEN ${jobs.attempts} >= ${jobs.maxAttempts} THEN 'dead' ELSE 'queued' END`,
        lastError: "lease expired: the worker running it stopped or took too long",
        lockedBy: null,
        lockedUntil: null,
        finishedAt: sql`CASE WHEN ${jobs.attempts} >= ${jobs.maxAttempts} THEN now() ELSE NULL END`,
      })
      .where(and(eq(jobs.status, "running"), lte(jobs.lockedUntil, sql`now()`)));
  }

  async function enqueueDueSchedules(): Promise<void> {
    await db.transaction(async (tx) => {
      const due = await tx
        .select()
        .from(jobSchedules)
        .where(and(lte(jobSchedules.nextRunAt, sql`now()`), inArray(jobSchedules.name, names)))
        .for("update", { skipLocked: true });
      for (const schedule of due) {
        await tx
          .insert(jobs)
          .values({
            name: schedule.name,
            payload: {},
            maxAttempts: definitions.get(schedule.name)?.maxAttempts ?? 5,
            singletonKey: `cron:${schedule.nextRunAt.toISOString()}`,
          })
          .onConflictDoNothing();
        await tx
          .update(jobSchedules)
          .set({
            lastRunAt: schedule.nextRunAt,
            nextRunAt: nextCronTime(schedule.cron, new Date(), schedule.timezone),
          })
          .where(eq(jobSchedules.name, schedule.name));
      }
    });
  }

  async function dispatchEvents(): Promise<void> {
    if (options.subscribers.length === 0) {
      await db
        .update(domainEvents)
        .set({ dispatchedAt: sql`now()` })
        .where(isNull(domainEvents.dispatchedAt));
      return;
    }
    await db.transaction(async (tx) => {
      const pending = await tx
        .select()
        .from(domainEvents)
        .where(isNull(domainEvents.dispatchedAt))
        .orderBy(asc(domainEvents.id))
        .limit(100)
        .for("update", { skipLocked: true });
      for (const event of pending) {
        const payload: DomainEvent = {
          id: event.id,
          tenantId: event.tenantId,
          name: event.name,
          payload: event.payload,
        };
        const targets = options.subscribers.filter((subscriber) => subscriber.events.includes(event.name));
        if (targets.length > 0) {
          await tx.insert(jobs).values(
            targets.map((subscriber) => ({
              name: subscriberJobName(subscriber),
              tenantId: event.tenantId,
              payload,
              maxAttempts: subscriber.maxAttempts ?? 5,
            })),
          );
        }
      }
      if (pending.length > 0) {
        await tx
          .update(domainEvents)
          .set({ dispatchedAt: sql`now()` })
          .where(
            inArray(
              domainEvents.id,
              pending.map((event) => event.id),
            ),
          );
      }
    });
  }

  async function claim(limit: number): Promise<JobRow[]> {
    if (limit <= 0 || names.length === 0) {
      return [];
    }
    return db.transaction(async (tx: Db) => {
      const ready = tx
        .select({ id: jobs.id })
        .from(jobs)
        .where(and(eq(jobs.status, "queued"), lte(jobs.runAt, sql`now()`), inArray(jobs.name, names)))
        .orderBy(asc(jobs.runAt), asc(jobs.id))
        .limit(limit)
        .for("update", { skipLocked: true });
      return tx
        .update(jobs)
        .set({
          status: "running",
          attempts: sql`${jobs.attempts} + 1`,
          lockedBy: id,
          lockedUntil: sql`now() + make_interval(secs => ${leaseSeconds})`,
        })
        .where(inArray(jobs.id, ready))
        .returning();
    });
  }

  async function run(row: JobRow): Promise<void> {
    const definition = definitions.get(row.name)!;
    const jobLogger = logger.child({ jobId: row.id, job: row.name, attempt: row.attempts });
    const ours = and(eq(jobs.id, row.id), eq(jobs.lockedBy, id), eq(jobs.status, "running"));
    try {
      const payload = definition.payload.parse(row.payload);
      await definition.handle(payload, {
        jobId: row.id,
        tenantId: row.tenantId,
        attempt: row.attempts,
        logger: jobLogger,
        services,
      });
      await db
        .update(jobs)
        .set({
          status: "succeeded",
          finishedAt: sql`now()`,
          lockedBy: null,
          lockedUntil: null,
          lastError: null,
        })
        .where(ours);
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      const dead = row.attempts >= row.maxAttempts;
      const delay = (definition.backoffSeconds ?? defaultBackoffSeconds)(row.attempts);
      jobLogger.warn({ err: error, dead }, "job failed");
      try {
        await db
          .update(jobs)
          .set({
            status: dead ? "dead" : "queued",
            lastError: message.slice(0, 2000),
            lockedBy: null,
            lockedUntil: null,
            runAt: dead ? row.runAt : sql`now() + make_interval(secs => ${delay})`,
            finishedAt: dead ? sql`now()` : null,
          })
          .where(ours);
      } catch (recordError) {
        // The lease runs out and another pass reclaims the job; nothing is left to reject unobserved.
        jobLogger.error({ err: recordError }, "job failure could not be recorded");
      }
    }
  }

  async function tick(): Promise<number> {
    schedulesReady ??= registerSchedules();
    await schedulesReady;
    await reclaimExpiredLeases();
    await enqueueDueSchedules();
    await dispatchEvents();
    const claimed = await claim(options.concurrency - inFlight.size);
    for (const row of claimed) {
      const running = run(row).finally(() => inFlight.delete(running));
      inFlight.add(running);
    }
    return claimed.length;
  }

  async function loop(): Promise<void> {
    if (stopping) {
      return;
    }
    try {
      ticking = tick();
      await ticking;
    } catch (error) {
      logger.error({ err: error }, "worker tick failed");
    } finally {
      ticking = undefined;
    }
    if (!stopping) {
      timer = setTimeout(loop, options.pollIntervalMs ?? 500);
    }
  }

  return {
    id,
    tick,
    async drain(maxTicks = 100) {
      for (let i = 0; i < maxTicks; i++) {
        const claimed = await tick();
        await Promise.all(inFlight);
        if (claimed === 0) {
          return;
        }
      }
    },
    start() {
      stopping = false;
      timer = setTimeout(loop, 0);
    },
    async stop() {
      stopping = true;
      clearTimeout(timer);
      // A pass already under way may still claim jobs; wait for it before waiting for what it started.
      await ticking?.catch(() => undefined);
      await Promise.all(inFlight);
    },
  };
}

export function nextCronTime(cron: string, after: Date, timezone = "Asia/Tokyo"): Date {
  return CronExpressionParser.parse(cron, { currentDate: after, tz: timezone }).next().toDate();
}
