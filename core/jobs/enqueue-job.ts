import { sql } from "drizzle-orm";
import type { Db } from "../db/database.ts";
import type { JobDefinition } from "./define-job.ts";
import { jobs } from "./schema.ts";

export type EnqueueJobOptions<Payload> = {
  job: JobDefinition<Payload>;
  payload: Payload;
  tenantId?: string | null;
  /** Earliest time to run; default now. */
  runAt?: Date;
  /** While a job with the same name and key is queued or running, another enqueue is a no-op. */
  singletonKey?: string;
};

/**
 * Enqueues a job in the caller's transaction: the job exists if and only if the change that asked for it
 * commits. Returns the job id, or null when a singleton with the same key is already pending.
 */
export async function enqueueJob<Payload>(
  tx: Db,
  options: EnqueueJobOptions<Payload>,
): Promise<number | null> {
  const payload = options.job.payload.parse(options.payload) as Record<string, unknown>;
  const rows = await tx
    .insert(jobs)
    .values({
      name: options.job.name,
      payload,
      tenantId: options.tenantId ?? null,
      runAt: options.runAt ?? sql`now()`,
      maxAttempts: options.job.maxAttempts ?? 5,
      singletonKey: options.singletonKey ?? null,
    })
    .onConflictDoNothing()
    .returning({ id: jobs.id });
  return rows[0]?.id ?? null;
}
