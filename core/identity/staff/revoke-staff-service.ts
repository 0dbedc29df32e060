import { and, eq } from "drizzle-orm";
import type { Actor } from "../../audit/actor.ts";
import type { Db } from "../../db/database.ts";
import { recordChange } from "../../events/record-change.ts";
import { problems } from "../../http/problem.ts";
import { staffServiceGrants } from "../staff-schema.ts";
import { grantedServiceIds } from "./grant-staff-service.ts";

export type RevokeStaffServiceOptions = {
  tx: Db;
  tenantId: string;
  actor: Actor;
  staffId: string;
  serviceId: string;
  requestId?: string | null;
  ip?: string | null;
};

/** Takes a service away from an operator; it takes effect on their next request. */
export async function revokeStaffService({
  tx,
  tenantId,
  actor,
  staffId,
  serviceId,
  requestId,
  ip,
}: RevokeStaffServiceOptions): Promise<string[]> {
  const before = await grantedServiceIds(tx, tenantId, staffId);
  const removed = await tx
    .delete(staffServiceGrants)
    .where(
      and(
        eq(staffServiceGrants.tenantId, tenantId),
        eq(staffServiceGrants.staffId, staffId),
        eq(staffServiceGrants.resourceType, "service"),
        eq(staffServiceGrants.resourceId, serviceId),
      ),
    )
    .returning({ id: staffServiceGrants.resourceId });
  if (removed.length === 0) {
    throw problems.notFound();
  }
  const after = before.filter((id) => id !== serviceId);
  await recordChange(tx, {
    tenantId,
    actor,
    action: "core.staff.revoke",
    resource: { type: "staff_account", id: staffId },
    before: { serviceIds: before },
    after: { serviceIds: after },
    event: { name: "core.staff_access_changed", payload: { staffId, serviceId, granted: false } },
    requestId: requestId ?? null,
    ip: ip ?? null,
  });
  return after;
}
