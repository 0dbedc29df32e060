import { and, eq } from "drizzle-orm";
import type { Db } from "../../../core/db/database.ts";
import { facilityGroups } from "../schema.ts";

/**
 * The approved group (団体) the resident represents, if any. Only representatives act for a group here:
 * one real group is one registration with one representative resident.
 */
export async function groupOfResident(
  db: Db,
  o: { tenantId: string; residentId: string },
): Promise<{ id: string; name: string; userCategory: string } | null> {
  const [group] = await db
    .select({ id: facilityGroups.id, name: facilityGroups.name, userCategory: facilityGroups.userCategory })
    .from(facilityGroups)
    .where(
      and(
        eq(facilityGroups.tenantId, o.tenantId),
        eq(facilityGroups.representativeResidentId, o.residentId),
        eq(facilityGroups.status, "approved"),
      ),
    );
  return group ?? null;
}
