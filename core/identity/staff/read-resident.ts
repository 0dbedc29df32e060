import { and, asc, eq, isNull } from "drizzle-orm";
import type { Actor } from "../../audit/actor.ts";
import { recordAudit } from "../../audit/record-audit.ts";
import type { Db } from "../../db/database.ts";
import { problems } from "../../http/problem.ts";
import { type Resident, residentAttributes, residents } from "../schema.ts";

export type ResidentAttribute = typeof residentAttributes.$inferSelect;

export type ReadResidentOptions = {
  tx: Db;
  tenantId: string;
  actor: Actor;
  residentId: string;
  requestId?: string | null;
  ip?: string | null;
};

/**
 * A resident's record and profile attributes for a staff member. Every read of personal data is audited,
 * in the same transaction, so a read the log does not show did not happen.
 */
export async function readResident({
  tx,
  tenantId,
  actor,
  residentId,
  requestId,
  ip,
}: ReadResidentOptions): Promise<{ resident: Resident; attributes: ResidentAttribute[] }> {
  const [resident] = await tx
    .select()
    .from(residents)
    .where(and(eq(residents.id, residentId), eq(residents.tenantId, tenantId), isNull(residents.deletedAt)));
  if (!resident) {
    throw problems.notFound();
  }
  const attributes = await tx
    .select()
    .from(residentAttributes)
    .where(and(eq(residentAttributes.residentId, residentId), eq(residentAttributes.tenantId, tenantId)))
    .orderBy(asc(residentAttributes.name));
  // The names of what was shown, not the values: the log must not become a second copy of the data.
  await recordAudit(tx, {
    tenantId,
    actor,
    action: "resident.read",
    resource: { type: "resident", id: residentId },
    after: { attributes: attributes.map((a) => a.name) },
    requestId: requestId ?? null,
    ip: ip ?? null,
  });
  return { resident, attributes };
}
