import { and, count, eq, isNull, ne } from "drizzle-orm";
import type { Actor } from "../../audit/actor.ts";
import type { Db } from "../../db/database.ts";
import { recordChange } from "../../events/record-change.ts";
import { problems } from "../../http/problem.ts";
import { departments, type StaffRole, staffAccounts } from "../schema.ts";
import type { StaffAccount } from "../sessions.ts";

export type ChangeStaffAccessOptions = {
  tx: Db;
  tenantId: string;
  actor: Actor;
  staffId: string;
  role?: StaffRole | undefined;
  /** null takes the member out of every department. */
  departmentId?: string | null | undefined;
  requestId?: string | null;
  ip?: string | null;
};

/** Changes a member's role and/or department: a permission change, audited with before and after. */
export async function changeStaffAccess({
  tx,
  tenantId,
  actor,
  staffId,
  role,
  departmentId,
  requestId,
  ip,
}: ChangeStaffAccessOptions): Promise<StaffAccount> {
  const where = and(eq(staffAccounts.id, staffId), eq(staffAccounts.tenantId, tenantId));
  const [before] = await tx.select().from(staffAccounts).where(where).for("update");
  if (!before) {
    throw problems.notFound();
  }
  if (departmentId) {
    const [department] = await tx
      .select({ id: departments.id })
      .from(departments)
      .where(and(eq(departments.id, departmentId), eq(departments.tenantId, tenantId)));
    if (!department) {
      throw problems.invalidRequest([
        { pointer: "/departmentId", detail: "No such department", detailJa: "その部署はありません" },
      ]);
    }
  }
  const next = {
    role: role ?? before.role,
    departmentId: departmentId === undefined ? before.departmentId : departmentId,
  };
  if (next.role === before.role && next.departmentId === before.departmentId) {
    return before;
  }
  if (before.role === "system_admin" && next.role !== "system_admin") {
    // Lock every administrator row so two demotions at once cannot both pass the count.
    await tx
      .select({ id: staffAccounts.id })
      .from(staffAccounts)
      .where(and(eq(staffAccounts.tenantId, tenantId), eq(staffAccounts.role, "system_admin")))
      .for("update");
    const [others] = await tx
      .select({ n: count() })
      .from(staffAccounts)
      .where(
        and(
          eq(staffAccounts.tenantId, tenantId),
          eq(staffAccounts.role, "system_admin"),
          isNull(staffAccounts.disabledAt),
          ne(staffAccounts.id, staffId),
        ),
      );
    if ((others?.n ?? 0) === 0) {
      throw problems.conflict({
        ja: "最後のシステム管理者の役割は変更できません",
        en: "The last system administrator cannot change role",
      });
    }
  }
  const [after] = await tx.update(staffAccounts).set(next).where(where).returning();
  await recordChange(tx, {
    tenantId,
    actor,
    action: "core.staff.access_change",
    resource: { type: "staff_account", id: staffId },
    before: { role: before.role, departmentId: before.departmentId },
    after: next,
    event: { name: "core.staff_access_changed", payload: { staffId, ...next } },
    requestId: requestId ?? null,
    ip: ip ?? null,
  });
  return after!;
}
