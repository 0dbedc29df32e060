import { and, asc, eq, inArray, isNull, notInArray } from "drizzle-orm";
import type { Db } from "../../db/database.ts";
import type { StaffScope } from "../../identity/policy.ts";
import { departments, staffAccounts } from "../../identity/schema.ts";

export type CaseAssignees = {
  staff: { id: string; displayName: string; departmentId: string | null }[];
  teams: { id: string; name: { ja: string; en: string } }[];
};

/**
 * Who a case can be assigned to, within the member's reach: active members who process cases (not read-only
 * members or outside operators) and the departments as teams.
 */
export async function findCaseAssignees(o: {
  db: Db;
  tenantId: string;
  scope: StaffScope;
}): Promise<CaseAssignees> {
  const departmentIds = o.scope.all ? null : [...o.scope.departmentIds];
  if (departmentIds?.length === 0) {
    return { staff: [], teams: [] };
  }
  const staff = await o.db
    .select({
      id: staffAccounts.id,
      displayName: staffAccounts.displayName,
      departmentId: staffAccounts.departmentId,
    })
    .from(staffAccounts)
    .where(
      and(
        eq(staffAccounts.tenantId, o.tenantId),
        isNull(staffAccounts.disabledAt),
        notInArray(staffAccounts.role, ["read_only", "operator"]),
        departmentIds ? inArray(staffAccounts.departmentId, departmentIds) : undefined,
      ),
    )
    .orderBy(asc(staffAccounts.displayName));
  const teams = await o.db
    .select({ id: departments.id, ja: departments.nameJa, en: departments.nameEn })
    .from(departments)
    .where(
      and(
        eq(departments.tenantId, o.tenantId),
        departmentIds ? inArray(departments.id, departmentIds) : undefined,
      ),
    )
    .orderBy(asc(departments.code));
  return { staff, teams: teams.map((t) => ({ id: t.id, name: { ja: t.ja, en: t.en } })) };
}
