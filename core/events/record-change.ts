import type { Actor } from "../audit/actor.ts";
import { recordAudit } from "../audit/record-audit.ts";
import type { Db } from "../db/database.ts";
import { publishEvent } from "./publish-event.ts";

export type RecordChangeOptions = {
  tenantId: string;
  actor: Actor;
  /** Audit action, e.g. "catalog.service.publish". */
  action: string;
  resource: { type: string; id: string };
  before?: unknown;
  after?: unknown;
  /** Domain event to publish with the audit record; omit for changes nobody subscribes to. */
  event?: { name: string; payload: Record<string, unknown> };
  requestId?: string | null;
  ip?: string | null;
};

/** The audit record and the domain event of one change, written in the change's own transaction. */
export async function recordChange(tx: Db, options: RecordChangeOptions): Promise<void> {
  await recordAudit(tx, options);
  if (options.event) {
    await publishEvent(tx, {
      tenantId: options.tenantId,
      name: options.event.name,
      payload: options.event.payload,
      actor: options.actor,
    });
  }
}
