import { z } from "zod";
import type { JobContext } from "../jobs/define-job.ts";

export type DomainEvent = {
  id: number;
  tenantId: string | null;
  name: string;
  payload: Record<string, unknown>;
};

export type EventSubscriber = {
  /** Unique id; its job is named "event:<id>". */
  id: string;
  events: readonly string[];
  maxAttempts?: number;
  handle(event: DomainEvent, context: JobContext): Promise<void>;
};

export const DomainEventSchema = z.object({
  id: z.number().int(),
  tenantId: z.string().nullable(),
  name: z.string(),
  payload: z.record(z.string(), z.unknown()),
});

/** Subscribers run as jobs, one per event and subscriber, so each retries on its own. */
export function defineSubscriber(subscriber: EventSubscriber): EventSubscriber {
  return subscriber;
}
