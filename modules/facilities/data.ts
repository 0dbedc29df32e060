import { and, eq, gte, lte } from "drizzle-orm";
import type { CalendarDate } from "../../core/calendar/business-days.ts";
import type { Db } from "../../core/db/database.ts";
import { problems } from "../../core/http/problem.ts";
import { tenants } from "../../core/tenancy/schema.ts";
import { type ClosureCalendar, effectiveYearEndClosure } from "./calendar.ts";
import { defaultFacilityRules, FacilityRules, UnitSchedule } from "./rules.ts";
import {
  type Facility,
  type FacilityUnit,
  facilities,
  facilityClosures,
  facilityRules,
  facilityUnits,
} from "./schema.ts";

/** Loaders the operations share: the city's rules, a unit with its facility, a facility's closures. */

export async function rulesOf(db: Db, tenantId: string): Promise<FacilityRules> {
  const [row] = await db.select().from(facilityRules).where(eq(facilityRules.tenantId, tenantId));
  // Checked on read as well as on write: a hand-edited row fails loudly, not as a wrong fee.
  return row ? FacilityRules.parse(row.rules) : defaultFacilityRules;
}

export type UnitWithFacility = { unit: FacilityUnit; facility: Facility };

export async function unitWithFacility(db: Db, tenantId: string, unitId: string): Promise<UnitWithFacility> {
  const [row] = await db
    .select({ unit: facilityUnits, facility: facilities })
    .from(facilityUnits)
    .innerJoin(facilities, eq(facilities.id, facilityUnits.facilityId))
    .where(and(eq(facilityUnits.id, unitId), eq(facilityUnits.tenantId, tenantId)));
  if (!row) {
    throw problems.notFound();
  }
  UnitSchedule.parse(row.unit.schedule);
  return row;
}

export async function closureCalendarOf(
  db: Db,
  facility: Facility,
  range: { from: CalendarDate; to: CalendarDate },
): Promise<ClosureCalendar> {
  const [tenant] = await db
    .select({ settings: tenants.settings })
    .from(tenants)
    .where(eq(tenants.id, facility.tenantId));
  const closures = await db
    .select()
    .from(facilityClosures)
    .where(
      and(
        eq(facilityClosures.tenantId, facility.tenantId),
        eq(facilityClosures.facilityId, facility.id),
        lte(facilityClosures.fromDate, range.to),
        gte(facilityClosures.toDate, range.from),
      ),
    );
  return {
    weeklyClosedDay: facility.weeklyClosedDay,
    yearEndClosure: effectiveYearEndClosure(facility.yearEndClosure, tenant?.settings.yearEndClosure),
    closures,
  };
}
