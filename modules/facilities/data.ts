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

// Parsed rules by tenant and row version: every booking reads them, and parsing is most of the cost.
const parsedRules = new Map<string, { version: number; rules: FacilityRules }>();

function parsedRulesOf(
  tenantId: string,
  row: { rules: unknown; updatedAt: Date } | null | undefined,
): FacilityRules {
  if (!row) {
    return defaultFacilityRules;
  }
  const version = row.updatedAt.getTime();
  const cached = parsedRules.get(tenantId);
  if (cached?.version === version) {
    return cached.rules;
  }
  // Checked on read as well as on write: a hand-edited row fails loudly, not as a wrong fee.
  const rules = FacilityRules.parse(row.rules);
  parsedRules.set(tenantId, { version, rules });
  return rules;
}

export async function rulesOf(db: Db, tenantId: string): Promise<FacilityRules> {
  const [row] = await db.select().from(facilityRules).where(eq(facilityRules.tenantId, tenantId));
  return parsedRulesOf(tenantId, row);
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

/**
 * All a booking quote needs that is not the resident's, in one query: the unit, its facility, the city's
 * rules and its year-end closure.
 */
export async function bookingContextOf(
  db: Db,
  tenantId: string,
  unitId: string,
): Promise<UnitWithFacility & { rules: FacilityRules; cityYearEndClosure: TenantYearEndClosure }> {
  const [row] = await db
    .select({
      unit: facilityUnits,
      facility: facilities,
      settings: tenants.settings,
      rules: facilityRules.rules,
      rulesUpdatedAt: facilityRules.updatedAt,
    })
    .from(facilityUnits)
    .innerJoin(facilities, eq(facilities.id, facilityUnits.facilityId))
    .innerJoin(tenants, eq(tenants.id, facilityUnits.tenantId))
    .leftJoin(facilityRules, eq(facilityRules.tenantId, facilityUnits.tenantId))
    .where(and(eq(facilityUnits.id, unitId), eq(facilityUnits.tenantId, tenantId)));
  if (!row) {
    throw problems.notFound();
  }
  UnitSchedule.parse(row.unit.schedule);
  return {
    unit: row.unit,
    facility: row.facility,
    rules: parsedRulesOf(
      tenantId,
      row.rules && row.rulesUpdatedAt ? { rules: row.rules, updatedAt: row.rulesUpdatedAt } : null,
    ),
    cityYearEndClosure: row.settings.yearEndClosure,
  };
}

type TenantYearEndClosure = { from: string; to: string } | undefined;

export async function closureCalendarOf(
  db: Db,
  facility: Facility,
  range: { from: CalendarDate; to: CalendarDate },
  /** The city's year-end closure when the caller has it already. */
  known?: { cityYearEndClosure: TenantYearEndClosure },
): Promise<ClosureCalendar> {
  const tenant = known
    ? { settings: { yearEndClosure: known.cityYearEndClosure } }
    : (
        await db.select({ settings: tenants.settings }).from(tenants).where(eq(tenants.id, facility.tenantId))
      )[0];
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
    closedDayOnHoliday: facility.closedDayOnHoliday,
    yearEndClosure: effectiveYearEndClosure(facility.yearEndClosure, tenant?.settings.yearEndClosure),
    closures,
  };
}
