import { and, eq } from "drizzle-orm";
import type { Actor } from "../../../core/audit/actor.ts";
import type { Db } from "../../../core/db/database.ts";
import { recordChange } from "../../../core/events/record-change.ts";
import { problems } from "../../../core/http/problem.ts";
import { closureCalendarOf } from "../data.ts";
import { UnitSettings } from "../rules.ts";
import { type Booking, type FacilityUnit, facilityUnits } from "../schema.ts";
import { lockFacility, parseSettings, settleBookingsOffTheNewSetup } from "../setup-guards.ts";

export type SaveFacilityUnitOptions = {
  db: Db;
  tenantId: string;
  actor: Actor;
  facilityId: string;
  /** null creates a unit in the facility. */
  unitId: string | null;
  /** Checked by `UnitSettings`. */
  settings: unknown;
  /** Cancel (full refund, notice) the bookings no longer on one of the unit's time blocks, instead of refusing. */
  cancelAffected: boolean;
  requestId?: string | null;
};

/**
 * Creates or changes a room or court: names, capacity, schedule and base fees. The quote reads the unit on
 * every booking, so a new fee applies from the very next one.
 */
export async function saveFacilityUnit(
  o: SaveFacilityUnitOptions,
): Promise<{ unit: FacilityUnit; cancelled: Booking[] }> {
  const settings = parseSettings(UnitSettings, o.settings);
  const values = {
    nameJa: settings.name.ja,
    nameEn: settings.name.en,
    capacity: settings.capacity,
    schedule: settings.schedule,
  };
  return o.db.transaction(async (tx) => {
    const facility = await lockFacility(tx, o.tenantId, o.facilityId);
    if (o.unitId === null) {
      const [created] = await tx
        .insert(facilityUnits)
        .values({ tenantId: o.tenantId, facilityId: facility.id, ...values })
        .returning();
      await recordChange(tx, {
        tenantId: o.tenantId,
        actor: o.actor,
        action: "facilities.unit.create",
        resource: { type: "facilities_unit", id: created!.id },
        after: { facilityId: facility.id, ...values },
        event: { name: "facilities.unit_created", payload: { facilityId: facility.id, unitId: created!.id } },
        requestId: o.requestId ?? null,
      });
      return { unit: created!, cancelled: [] };
    }
    const [before] = await tx
      .select()
      .from(facilityUnits)
      .where(
        and(
          eq(facilityUnits.id, o.unitId),
          eq(facilityUnits.tenantId, o.tenantId),
          eq(facilityUnits.facilityId, facility.id),
        ),
      );
    if (!before) {
      throw problems.notFound();
    }
    // Closed days stay as they are: only bookings the new schedule leaves off a time block are affected.
    const calendar = await closureCalendarOf(tx, facility, { from: "2000-01-01", to: "2999-12-31" });
    const cancelled = await settleBookingsOffTheNewSetup(tx, {
      tenantId: o.tenantId,
      actor: o.actor,
      unitIds: [before.id],
      before: { calendar, scheduleOf: () => before.schedule },
      after: { calendar, scheduleOf: () => settings.schedule },
      cancelAffected: o.cancelAffected,
      requestId: o.requestId,
    });
    const [updated] = await tx
      .update(facilityUnits)
      .set(values)
      .where(eq(facilityUnits.id, before.id))
      .returning();
    await recordChange(tx, {
      tenantId: o.tenantId,
      actor: o.actor,
      action: "facilities.unit.update",
      resource: { type: "facilities_unit", id: before.id },
      before: {
        nameJa: before.nameJa,
        nameEn: before.nameEn,
        capacity: before.capacity,
        schedule: before.schedule,
      },
      after: { ...values, cancelledBookings: cancelled.map((b) => b.id) },
      event: {
        name: "facilities.unit_updated",
        payload: {
          facilityId: facility.id,
          unitId: before.id,
          cancelledBookingIds: cancelled.map((b) => b.id),
        },
      },
      requestId: o.requestId ?? null,
    });
    return { unit: updated!, cancelled };
  });
}
