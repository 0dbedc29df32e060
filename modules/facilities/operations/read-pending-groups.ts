import { and, asc, eq } from "drizzle-orm";
import type { Db } from "../../../core/db/database.ts";
import { type FacilityGroup, facilityGroups } from "../schema.ts";

/** Group registrations waiting for staff, oldest first. */
export async function readPendingGroups(o: { db: Db; tenantId: string }): Promise<FacilityGroup[]> {
  return o.db
    .select()
    .from(facilityGroups)
    .where(and(eq(facilityGroups.tenantId, o.tenantId), eq(facilityGroups.status, "pending")))
    .orderBy(asc(facilityGroups.createdAt));
}
