import { and, asc, eq, inArray, type SQL } from "drizzle-orm";
import type { Db } from "../../db/database.ts";
import type { StaffScope } from "../policy.ts";
import { staffAccounts } from "../schema.ts";
import type { StaffAccount } from "../sessions.ts";
import { staffCredentials, staffServiceGrants } from "../staff-schema.ts";

export type StaffListing = StaffAccount & { totpEnabled: boolean; serviceIds: string[] };

export type FindStaffOptions = {
  db: Db;
  tenantId: string;
  /** Only members of these departments, unless all. */
  scope: StaffScope;
  staffId?: string;
};

// Staff are reached through their department; a grant of a service does not reach people.
function inScope(scope: StaffScope): SQL | undefined {
  return scope.all ? undefined : inArray(staffAccounts.departmentId, [...scope.departmentIds]);
}

/** Staff accounts of the city within the scope, with whether TOTP is on and an operator's granted services. */
export async function findStaff({ db, tenantId, scope, staffId }: FindStaffOptions): Promise<StaffListing[]> {
  if (!scope.all && scope.departmentIds.length === 0) {
    return [];
  }
  const rows = await db
    .select({ account: staffAccounts, totpEnabledAt: staffCredentials.totpEnabledAt })
    .from(staffAccounts)
    .where(
      and(
        eq(staffAccounts.tenantId, tenantId),
        staffId ? eq(staffAccounts.id, staffId) : undefined,
        inScope(scope),
      ),
    )
    .orderBy(asc(staffAccounts.email));
  const ids = rows.map((row) => row.account.id);
  const grants =
    ids.length === 0
      ? []
      : await db
          .select({ staffId: staffServiceGrants.staffId, serviceId: staffServiceGrants.resourceId })
          .from(staffServiceGrants)
          .where(
            and(
              eq(staffServiceGrants.tenantId, tenantId),
              eq(staffServiceGrants.resourceType, "service"),
              inArray(staffServiceGrants.staffId, ids),
            ),
          );
  return rows.map(({ account, totpEnabledAt }) => ({
    ...account,
    totpEnabled: totpEnabledAt !== null,
    serviceIds: grants
      .filter((g) => g.staffId === account.id)
      .map((g) => g.serviceId)
      .sort(),
  }));
}
