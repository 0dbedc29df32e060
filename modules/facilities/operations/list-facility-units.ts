import { asc, eq } from "drizzle-orm";
import type { Db } from "../../../core/db/database.ts";
import type { FacilityUnitSummary } from "../contract.ts";
import { facilities, facilityUnits } from "../schema.ts";

/** Units of a tenant's facilities, for staff choosing what a lottery covers. */
export async function listFacilityUnits(db: Db, o: { tenantId: string }): Promise<FacilityUnitSummary[]> {
  const rows = await db
    .select({ unit: facilityUnits, facility: facilities })
    .from(facilityUnits)
    .innerJoin(facilities, eq(facilities.id, facilityUnits.facilityId))
    .where(eq(facilityUnits.tenantId, o.tenantId))
    .orderBy(
      asc(facilities.sortOrder),
      asc(facilities.slug),
      asc(facilityUnits.sortOrder),
      asc(facilityUnits.nameJa),
    );
  return rows.map(({ unit, facility }) => ({
    id: unit.id,
    facilityId: facility.id,
    facilitySlug: facility.slug,
    name: { ja: unit.nameJa, en: unit.nameEn },
    facilityName: { ja: facility.nameJa, en: facility.nameEn },
  }));
}
