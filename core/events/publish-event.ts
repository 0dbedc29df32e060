import type { Actor } from "../audit/actor.ts";
import type { Db } from "../db/database.ts";
import { domainEvents } from "./schema.ts";

export type PublishEventOptions = {
  tenantId: string | null;
  /** "<module>.<thing>_<past-tense verb>", e.g. "catalog.service_published". */
  name: string;
  payload: Record<string, unknown>;
  actor?: Actor;
};

/**
 * Writes a domain event to the outbox in the caller's transaction. Subscribers never run here: the worker
 * dispatches committed events to them as jobs, so a rolled-back change never notifies anyone.
 */
export async function publishEvent(
  tx: Db,
  { tenantId, name, payload, actor }: PublishEventOptions,
): Promise<number> {
  const [row] = await tx
    .insert(domainEvents)
    .values({ tenantId, name, payload, actorType: actor?.type ?? null, actorId: actor?.id ?? null })
    .returning({ id: domainEvents.id });
  return row!.id;
}
