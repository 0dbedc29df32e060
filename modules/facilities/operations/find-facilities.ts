import { and, asc, eq } from "drizzle-orm";
import type { Db } from "../../../core/db/database.ts";
import { type Facility, type FacilityUnit, facilities, facilityUnits } from "../schema.ts";

export type FacilityWithUnits = { facility: Facility; units: FacilityUnit[] };

export type FindFacilitiesOptions = { db: Db; tenantId: string; slug?: string };

/** The city's facilities with their units, in display order; one facility when `slug` is given. */
export async function findFacilities(o: FindFacilitiesOptions): Promise<FacilityWithUnits[]> {
  const rows = await o.db
    .select()
    .from(facilities)
    .where(and(eq(facilities.tenantId, o.tenantId), o.slug ? eq(facilities.slug, o.slug) : undefined))
    .orderBy(asc(facilities.sortOrder), asc(facilities.slug));
  const units = await o.db
    .select()
    .from(facilityUnits)
    .where(eq(facilityUnits.tenantId, o.tenantId))
    .orderBy(asc(facilityUnits.sortOrder), asc(facilityUnits.nameJa));
  return rows.map((facility) => ({ facility, units: units.filter((u) => u.facilityId === facility.id) }));
}
