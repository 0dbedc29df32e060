import { asc, eq } from "drizzle-orm";
import type { Db } from "../../../core/db/database.ts";
import {
  type Facility,
  type FacilityClosure,
  type FacilityUnit,
  facilities,
  facilityClosures,
  facilityUnits,
} from "../schema.ts";

export type FacilitySetupView = Facility & { units: FacilityUnit[]; closures: FacilityClosure[] };

/** The city's facilities with their units and ad-hoc closures, for the staff set-up screens. */
export async function readFacilitySetup(o: { db: Db; tenantId: string }): Promise<FacilitySetupView[]> {
  const [rows, units, closures] = await Promise.all([
    o.db
      .select()
      .from(facilities)
      .where(eq(facilities.tenantId, o.tenantId))
      .orderBy(asc(facilities.sortOrder), asc(facilities.createdAt)),
    o.db
      .select()
      .from(facilityUnits)
      .where(eq(facilityUnits.tenantId, o.tenantId))
      .orderBy(asc(facilityUnits.sortOrder), asc(facilityUnits.createdAt)),
    o.db
      .select()
      .from(facilityClosures)
      .where(eq(facilityClosures.tenantId, o.tenantId))
      .orderBy(asc(facilityClosures.fromDate)),
  ]);
  return rows.map((facility) => ({
    ...facility,
    units: units.filter((u) => u.facilityId === facility.id),
    closures: closures.filter((c) => c.facilityId === facility.id),
  }));
}
