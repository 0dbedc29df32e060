import { and, eq, sql } from "drizzle-orm";
import type { Context } from "hono";
import { type Db, queryRows } from "../db/database.ts";
import type { AppEnv } from "../http/app-env.ts";
import type { StaffAccess } from "./policy.ts";
import type { StaffAccount } from "./sessions.ts";
import { staffServiceGrants } from "./staff-schema.ts";

/**
 * Loads what the member can reach: the department subtree for managers, staff and read-only members (one
 * recursive query), the granted services for operators. Administrators need neither.
 */
export async function loadStaffAccess(db: Db, staff: StaffAccount): Promise<StaffAccess> {
  const access = { role: staff.role, departmentIds: new Set<string>(), serviceIds: new Set<string>() };
  if (staff.role === "operator") {
    const grants = await db
      .select({ id: staffServiceGrants.resourceId })
      .from(staffServiceGrants)
      .where(
        and(
          eq(staffServiceGrants.tenantId, staff.tenantId),
          eq(staffServiceGrants.staffId, staff.id),
          eq(staffServiceGrants.resourceType, "service"),
        ),
      );
    for (const grant of grants) {
      access.serviceIds.add(grant.id);
    }
  } else if (staff.role !== "system_admin" && staff.departmentId) {
    const rows = await queryRows<{ id: string }>(
      db,
      sql`WITH RECURSIVE subtree AS (
            SELECT id FROM departments WHERE tenant_id = ${staff.tenantId} AND id = ${staff.departmentId}
            UNION
            SELECT d.id FROM departments d JOIN subtree s ON d.parent_id = s.id
            WHERE d.tenant_id = ${staff.tenantId}
          )
          SELECT id FROM subtree`,
    );
    for (const row of rows) {
      access.departmentIds.add(row.id);
    }
  }
  return access;
}

// Keyed by the request's context, so it is loaded at most once per request and dropped with it; AppEnv
// stays as it is for routes that never ask.
const perRequest = new WeakMap<Context<AppEnv>, Promise<StaffAccess>>();

/** The signed-in member's access for this request, loaded on first use. */
export function staffAccessOf(c: Context<AppEnv>, staff: StaffAccount): Promise<StaffAccess> {
  let access = perRequest.get(c);
  if (!access) {
    access = loadStaffAccess(c.var.services.database.db, staff);
    perRequest.set(c, access);
  }
  return access;
}
