import { and, eq } from "drizzle-orm";
import type { Actor } from "../../../core/audit/actor.ts";
import type { Db } from "../../../core/db/database.ts";
import { recordChange } from "../../../core/events/record-change.ts";
import { closureCalendarOf } from "../data.ts";
import { ClosureSettings } from "../rules.ts";
import { type Booking, type FacilityClosure, facilityClosures, facilityUnits } from "../schema.ts";
import { lockFacility, parseSettings, settleBookingsOffTheNewSetup } from "../setup-guards.ts";

export type AddFacilityClosureOptions = {
  db: Db;
  tenantId: string;
  actor: Actor;
  facilityId: string;
  /** Checked by `ClosureSettings`. */
  closure: unknown;
  /** Cancel (full refund, notice) the bookings on the closed days, instead of refusing. */
  cancelAffected: boolean;
  requestId?: string | null;
};

/** 臨時休館 (点検, 工事): closes the facility on inclusive Tokyo dates, refusing or cancelling the bookings then. */
export async function addFacilityClosure(
  o: AddFacilityClosureOptions,
): Promise<{ closure: FacilityClosure; cancelled: Booking[] }> {
  const closure = parseSettings(ClosureSettings, o.closure);
  return o.db.transaction(async (tx) => {
    const facility = await lockFacility(tx, o.tenantId, o.facilityId);
    const calendar = await closureCalendarOf(tx, facility, { from: closure.fromDate, to: closure.toDate });
    const units = await tx
      .select({ id: facilityUnits.id, schedule: facilityUnits.schedule })
      .from(facilityUnits)
      .where(and(eq(facilityUnits.tenantId, o.tenantId), eq(facilityUnits.facilityId, facility.id)));
    const schedules = new Map(units.map((u) => [u.id, u.schedule]));
    const scheduleOf = (unitId: string) => schedules.get(unitId)!;
    const row = {
      fromDate: closure.fromDate,
      toDate: closure.toDate,
      reasonJa: closure.reason.ja,
      reasonEn: closure.reason.en,
    };
    const cancelled = await settleBookingsOffTheNewSetup(tx, {
      tenantId: o.tenantId,
      actor: o.actor,
      unitIds: units.map((u) => u.id),
      before: { calendar, scheduleOf },
      after: { calendar: { ...calendar, closures: [...calendar.closures, row] }, scheduleOf },
      cancelAffected: o.cancelAffected,
      requestId: o.requestId,
    });
    const [created] = await tx
      .insert(facilityClosures)
      .values({ tenantId: o.tenantId, facilityId: facility.id, ...row })
      .returning();
    await recordChange(tx, {
      tenantId: o.tenantId,
      actor: o.actor,
      action: "facilities.closure.create",
      resource: { type: "facilities_closure", id: created!.id },
      after: { facilityId: facility.id, ...row, cancelledBookings: cancelled.map((b) => b.id) },
      event: {
        name: "facilities.closure_added",
        payload: {
          facilityId: facility.id,
          closureId: created!.id,
          fromDate: row.fromDate,
          toDate: row.toDate,
          cancelledBookingIds: cancelled.map((b) => b.id),
        },
      },
      requestId: o.requestId ?? null,
    });
    return { closure: created!, cancelled };
  });
}
