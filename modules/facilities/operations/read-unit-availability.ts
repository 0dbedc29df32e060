import { and, eq, gt, inArray, lt } from "drizzle-orm";
import { type CalendarDate, startOfTokyoDay } from "../../../core/calendar/business-days.ts";
import type { Db } from "../../../core/db/database.ts";
import { problems } from "../../../core/http/problem.ts";
import { addDays, blocksOfDay, type ClosedReason, closedReason, daysBetween } from "../calendar.ts";
import { closureCalendarOf, type UnitWithFacility, unitWithFacility } from "../data.ts";
import { bookings, liveBookingStatuses } from "../schema.ts";

export type SlotState = "free" | "taken";

export type AvailableSlot = {
  code: string;
  label: { ja: string; en: string };
  startsAt: Date;
  endsAt: Date;
  baseFee: number;
  state: SlotState;
};

export type DayAvailability = { date: CalendarDate; closed: ClosedReason | null; slots: AvailableSlot[] };

export type ReadUnitAvailabilityOptions = {
  db: Db;
  tenantId: string;
  unitId: string;
  from: CalendarDate;
  to: CalendarDate;
};

/** Longest range one request may ask for, so a slot listing cannot be made to walk years of days. */
export const MAX_RANGE_DAYS = 62;

/**
 * Each Tokyo date of the range with the unit's blocks and whether a live booking (held, provisional or
 * confirmed) covers them; a closed day has no slots and says why.
 */
export async function readUnitAvailability(
  options: ReadUnitAvailabilityOptions,
): Promise<UnitWithFacility & { days: DayAvailability[] }> {
  const { db, tenantId, from, to } = options;
  const span = daysBetween(from, to);
  if (span < 0 || span >= MAX_RANGE_DAYS) {
    throw problems.invalidRequest([
      {
        pointer: "/to",
        detail: `The range must be 1 to ${MAX_RANGE_DAYS} days`,
        detailJa: `期間は1〜${MAX_RANGE_DAYS}日で指定してください`,
      },
    ]);
  }
  const found = await unitWithFacility(db, tenantId, options.unitId);
  const calendar = await closureCalendarOf(db, found.facility, { from, to });
  const taken = await db
    .select({ startsAt: bookings.startsAt, endsAt: bookings.endsAt })
    .from(bookings)
    .where(
      and(
        eq(bookings.tenantId, tenantId),
        eq(bookings.unitId, found.unit.id),
        inArray(bookings.status, [...liveBookingStatuses]),
        lt(bookings.startsAt, startOfTokyoDay(addDays(to, 1))),
        gt(bookings.endsAt, startOfTokyoDay(from)),
      ),
    );
  const days: DayAvailability[] = [];
  for (let offset = 0; offset <= span; offset++) {
    const date = addDays(from, offset);
    const closed = closedReason(calendar, date);
    days.push({
      date,
      closed,
      slots: closed
        ? []
        : blocksOfDay(found.unit.schedule, date).map((block) => ({
            ...block,
            state: taken.some((b) => b.startsAt < block.endsAt && b.endsAt > block.startsAt)
              ? "taken"
              : "free",
          })),
    });
  }
  return { ...found, days };
}
