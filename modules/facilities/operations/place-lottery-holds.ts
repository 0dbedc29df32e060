import { and, eq, gt, inArray, lt } from "drizzle-orm";
import type { Actor } from "../../../core/audit/actor.ts";
import { tokyoDate } from "../../../core/calendar/business-days.ts";
import type { Db } from "../../../core/db/database.ts";
import { recordChange } from "../../../core/events/record-change.ts";
import { bookingEventPayload, newBookingReference } from "../booking-changes.ts";
import { closedReason, findBlock } from "../calendar.ts";
import type { FacilitySlot } from "../contract.ts";
import { closureCalendarOf, unitWithFacility } from "../data.ts";
import { bookingProblems, sqlState } from "../problems.ts";
import { bookings, liveBookingStatuses } from "../schema.ts";

/**
 * Puts a lottery hold (status "held", source "lottery", no resident) on each slot, in the caller's
 * transaction. A slot that is not one of the unit's blocks on an open day, or not free, throws; the caller's
 * transaction then rolls back.
 */
export async function placeLotteryHolds(
  tx: Db,
  o: {
    tenantId: string;
    actor: Actor;
    lotteryRoundId: string;
    /** The round's first-come time: after it a lapsed or cancelled award frees the slot instead. */
    releaseAt: Date;
    slots: FacilitySlot[];
  },
): Promise<{ slot: FacilitySlot; bookingId: string }[]> {
  const placed: { slot: FacilitySlot; bookingId: string }[] = [];
  for (const slot of o.slots) {
    const { unit, facility } = await unitWithFacility(tx, o.tenantId, slot.unitId);
    if (!findBlock(unit.schedule, slot.startsAt, slot.endsAt)) {
      throw bookingProblems.notABlock();
    }
    const date = tokyoDate(slot.startsAt);
    if (closedReason(await closureCalendarOf(tx, facility, { from: date, to: date }), date)) {
      throw bookingProblems.closed();
    }
    const overlapping = await tx
      .select({ id: bookings.id })
      .from(bookings)
      .where(
        and(
          eq(bookings.tenantId, o.tenantId),
          eq(bookings.unitId, slot.unitId),
          inArray(bookings.status, [...liveBookingStatuses]),
          lt(bookings.startsAt, slot.endsAt),
          gt(bookings.endsAt, slot.startsAt),
        ),
      );
    if (overlapping.length > 0) {
      throw bookingProblems.slotTaken();
    }
    const inserted = await tx
      .insert(bookings)
      .values({
        tenantId: o.tenantId,
        unitId: slot.unitId,
        reference: newBookingReference(),
        startsAt: slot.startsAt,
        endsAt: slot.endsAt,
        status: "held",
        source: "lottery",
        lotteryRoundId: o.lotteryRoundId,
        lotteryReleaseAt: o.releaseAt,
      })
      .returning()
      .catch((error: unknown) => {
        // Another transaction took the slot after the check above.
        throw sqlState(error) === "23P01" ? bookingProblems.slotTaken() : error;
      });
    const hold = inserted[0]!;
    await recordChange(tx, {
      tenantId: o.tenantId,
      actor: o.actor,
      action: "facilities.booking.hold",
      resource: { type: "facilities_booking", id: hold.id },
      after: { unitId: hold.unitId, startsAt: hold.startsAt, lotteryRoundId: o.lotteryRoundId },
      event: { name: "facilities.booking_created", payload: bookingEventPayload(hold) },
    });
    placed.push({ slot, bookingId: hold.id });
  }
  return placed;
}
