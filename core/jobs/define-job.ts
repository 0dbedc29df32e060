import type { Logger } from "pino";
import type { z } from "zod";
import type { Services } from "../services.ts";

export type JobContext = {
  jobId: number;
  tenantId: string | null;
  /** 1 on the first run. */
  attempt: number;
  logger: Logger;
  services: Services;
};

export type JobDefinition<Payload> = {
  /** "<module>.<verb-noun>", unique across the install. */
  name: string;
  payload: z.ZodType<Payload>;
  /** Runs before the job is dead-lettered. Default 5. */
  maxAttempts?: number;
  /** Seconds to wait before the given retry (1 = first retry). Default: 10 s × 2^(n−1), capped at 1 h. */
  backoffSeconds?: (retry: number) => number;
  /** Standard five-field cron in the schedule's time zone (Asia/Tokyo): the job is enqueued at each tick. */
  cron?: string;
  handle(payload: Payload, context: JobContext): Promise<void>;
};

/**
 * Declares a job. The payload schema is checked when the job is enqueued and again when it runs, so a
 * job written by an older release cannot reach a handler in a shape it does not expect.
 *
 * @example
 * export const sendReminder = defineJob({
 *   name: "reservations.send-reminder",
 *   payload: z.object({ bookingId: z.uuid() }),
 *   async handle({ bookingId }, { services }) { … },
 * });
 */
export function defineJob<Payload>(definition: JobDefinition<Payload>): JobDefinition<Payload> {
  return definition;
}

export function defaultBackoffSeconds(retry: number): number {
  return Math.min(3600, 10 * 2 ** (retry - 1));
}
