import type { Db } from "../db/database.ts";
import type { Actor } from "./actor.ts";
import { auditLog } from "./schema.ts";

export type RecordAuditOptions = {
  tenantId: string | null;
  actor: Actor;
  /** Dotted verb, e.g. "catalog.service.publish" or "resident.profile.read". */
  action: string;
  resource: { type: string; id?: string | null };
  before?: unknown;
  after?: unknown;
  requestId?: string | null;
  ip?: string | null;
};

/**
 * Appends one audit record. Call it with the transaction that makes the change, so the record exists
 * exactly when the change does. The table rejects UPDATE and DELETE.
 */
export async function recordAudit(tx: Db, options: RecordAuditOptions): Promise<void> {
  await tx.insert(auditLog).values({
    tenantId: options.tenantId,
    actorType: options.actor.type,
    actorId: options.actor.id,
    action: options.action,
    resourceType: options.resource.type,
    resourceId: options.resource.id ?? null,
    before: options.before ?? null,
    after: options.after ?? null,
    requestId: options.requestId ?? null,
    ip: options.ip ?? null,
  });
}
