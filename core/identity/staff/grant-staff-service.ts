import { and, eq } from "drizzle-orm";
import type { Actor } from "../../audit/actor.ts";
import type { Db } from "../../db/database.ts";
import { recordChange } from "../../events/record-change.ts";
import { problems } from "../../http/problem.ts";
import { staffAccounts } from "../schema.ts";
import { staffServiceGrants } from "../staff-schema.ts";

export type GrantStaffServiceOptions = {
  tx: Db;
  tenantId: string;
  actor: Actor;
  staffId: string;
  serviceId: string;
  requestId?: string | null;
  ip?: string | null;
};

/** The operator's granted services, for the before/after of a change. */
export async function grantedServiceIds(tx: Db, tenantId: string, staffId: string): Promise<string[]> {
  const rows = await tx
    .select({ id: staffServiceGrants.resourceId })
    .from(staffServiceGrants)
    .where(
      and(
        eq(staffServiceGrants.tenantId, tenantId),
        eq(staffServiceGrants.staffId, staffId),
        eq(staffServiceGrants.resourceType, "service"),
      ),
    );
  return rows.map((row) => row.id).sort();
}

/**
 * Names an operator (委託事業者) for one service. Only operators take grants: other roles reach work
 * through their department. Granting twice changes nothing and records nothing.
 */
export async function grantStaffService({
  tx,
  tenantId,
  actor,
  staffId,
  serviceId,
  requestId,
  ip,
}: GrantStaffServiceOptions): Promise<string[]> {
  const [member] = await tx
    .select({ role: staffAccounts.role })
    .from(staffAccounts)
    .where(and(eq(staffAccounts.id, staffId), eq(staffAccounts.tenantId, tenantId)))
    .for("update");
  if (!member) {
    throw problems.notFound();
  }
  if (member.role !== "operator") {
    throw problems.conflict({
      ja: "業務の個別付与は委託事業者（operator）の役割にだけ行えます",
      en: "Services are granted to operators only",
    });
  }
  const before = await grantedServiceIds(tx, tenantId, staffId);
  const inserted = await tx
    .insert(staffServiceGrants)
    .values({
      tenantId,
      staffId,
      resourceType: "service",
      resourceId: serviceId,
      grantedBy: actor.type === "staff" ? actor.id : null,
    })
    .onConflictDoNothing()
    .returning({ id: staffServiceGrants.resourceId });
  if (inserted.length === 0) {
    return before;
  }
  const after = [...before, serviceId].sort();
  await recordChange(tx, {
    tenantId,
    actor,
    action: "core.staff.grant",
    resource: { type: "staff_account", id: staffId },
    before: { serviceIds: before },
    after: { serviceIds: after },
    event: { name: "core.staff_access_changed", payload: { staffId, serviceId, granted: true } },
    requestId: requestId ?? null,
    ip: ip ?? null,
  });
  return after;
}
