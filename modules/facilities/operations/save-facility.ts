import { and, eq } from "drizzle-orm";
import type { Actor } from "../../../core/audit/actor.ts";
import type { Db } from "../../../core/db/database.ts";
import { recordChange } from "../../../core/events/record-change.ts";
import { ProblemError } from "../../../core/http/problem.ts";
import { tenants } from "../../../core/tenancy/schema.ts";
import { effectiveYearEndClosure } from "../calendar.ts";
import { sqlState } from "../problems.ts";
import { FacilitySettings } from "../rules.ts";
import { type Booking, type Facility, facilities, facilityClosures, facilityUnits } from "../schema.ts";
import { lockFacility, parseSettings, settleBookingsOffTheNewSetup } from "../setup-guards.ts";

export type SaveFacilityOptions = {
  db: Db;
  tenantId: string;
  actor: Actor;
  /** null creates a facility. */
  facilityId: string | null;
  /** Checked by `FacilitySettings`. */
  settings: unknown;
  /** Cancel (full refund, notice) the bookings a new closed day falls on, instead of refusing. */
  cancelAffected: boolean;
  requestId?: string | null;
};

const slugTaken = () =>
  new ProblemError(
    409,
    "facility_slug_taken",
    { ja: "このURL名はすでに使われています", en: "This URL name is already used" },
    {
      errors: [
        {
          pointer: "/slug",
          detail: "Already used by another facility",
          detailJa: "ほかの施設が使っています",
        },
      ],
    },
  );

/** Creates or changes a facility: names, address, 条例, weekly closed day and its holiday rule, 年末年始. */
export async function saveFacility(
  o: SaveFacilityOptions,
): Promise<{ facility: Facility; cancelled: Booking[] }> {
  const settings = parseSettings(FacilitySettings, o.settings);
  const values = {
    slug: settings.slug,
    nameJa: settings.name.ja,
    nameEn: settings.name.en,
    addressJa: settings.address.ja,
    addressEn: settings.address.en,
    ordinanceRef: settings.ordinanceRef,
    weeklyClosedDay: settings.weeklyClosedDay,
    closedDayOnHoliday: settings.closedDayOnHoliday,
    yearEndClosure: settings.yearEndClosure,
  };
  try {
    return await o.db.transaction(async (tx) => {
      if (o.facilityId === null) {
        const [created] = await tx
          .insert(facilities)
          .values({ tenantId: o.tenantId, ...values })
          .returning();
        await recordChange(tx, {
          tenantId: o.tenantId,
          actor: o.actor,
          action: "facilities.facility.create",
          resource: { type: "facilities_facility", id: created!.id },
          after: values,
          event: { name: "facilities.facility_created", payload: { facilityId: created!.id } },
          requestId: o.requestId ?? null,
        });
        return { facility: created!, cancelled: [] };
      }
      const before = await lockFacility(tx, o.tenantId, o.facilityId);
      const [city] = await tx
        .select({ settings: tenants.settings })
        .from(tenants)
        .where(eq(tenants.id, o.tenantId));
      const units = await tx
        .select({ id: facilityUnits.id, schedule: facilityUnits.schedule })
        .from(facilityUnits)
        .where(and(eq(facilityUnits.tenantId, o.tenantId), eq(facilityUnits.facilityId, before.id)));
      const closures = await tx
        .select()
        .from(facilityClosures)
        .where(and(eq(facilityClosures.tenantId, o.tenantId), eq(facilityClosures.facilityId, before.id)));
      const schedules = new Map(units.map((u) => [u.id, u.schedule]));
      const scheduleOf = (unitId: string) => schedules.get(unitId)!;
      const calendarBefore = {
        weeklyClosedDay: before.weeklyClosedDay,
        closedDayOnHoliday: before.closedDayOnHoliday,
        yearEndClosure: effectiveYearEndClosure(before.yearEndClosure, city?.settings.yearEndClosure),
        closures,
      };
      const cancelled = await settleBookingsOffTheNewSetup(tx, {
        tenantId: o.tenantId,
        actor: o.actor,
        unitIds: units.map((u) => u.id),
        before: { calendar: calendarBefore, scheduleOf },
        after: {
          calendar: {
            ...calendarBefore,
            weeklyClosedDay: settings.weeklyClosedDay,
            closedDayOnHoliday: settings.closedDayOnHoliday,
            yearEndClosure: effectiveYearEndClosure(settings.yearEndClosure, city?.settings.yearEndClosure),
          },
          scheduleOf,
        },
        cancelAffected: o.cancelAffected,
        requestId: o.requestId,
      });
      const [updated] = await tx
        .update(facilities)
        .set(values)
        .where(eq(facilities.id, before.id))
        .returning();
      await recordChange(tx, {
        tenantId: o.tenantId,
        actor: o.actor,
        action: "facilities.facility.update",
        resource: { type: "facilities_facility", id: before.id },
        before: {
          slug: before.slug,
          nameJa: before.nameJa,
          nameEn: before.nameEn,
          addressJa: before.addressJa,
          addressEn: before.addressEn,
          ordinanceRef: before.ordinanceRef,
          weeklyClosedDay: before.weeklyClosedDay,
          closedDayOnHoliday: before.closedDayOnHoliday,
          yearEndClosure: before.yearEndClosure,
        },
        after: { ...values, cancelledBookings: cancelled.map((b) => b.id) },
        event: {
          name: "facilities.facility_updated",
          payload: { facilityId: before.id, cancelledBookingIds: cancelled.map((b) => b.id) },
        },
        requestId: o.requestId ?? null,
      });
      return { facility: updated!, cancelled };
    });
  } catch (error) {
    if (sqlState(error) === "23505") {
      throw slugTaken();
    }
    throw error;
  }
}
