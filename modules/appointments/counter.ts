import { and, asc, eq, gte, isNull, lt, or } from "drizzle-orm";
import type { CalendarDate } from "../../core/calendar/business-days.ts";
import { startOfTokyoDay, tokyoDate } from "../../core/calendar/business-days.ts";
import type { Db } from "../../core/db/database.ts";
import type { Tenant } from "../../core/tenancy/schema.ts";
import {
  bookingWindow,
  type CounterCalendar,
  isOpenDay,
  refuseSlot,
  type Slot,
  shiftDate,
  slotsOfDay,
} from "./calendar.ts";
import { type AppointmentType, closures, type OpeningHours, openingHours, slotCounters } from "./schema.ts";

/** An appointment type with everything that decides its slots. */
export type Counter = { type: AppointmentType; hours: OpeningHours[]; calendar: CounterCalendar };

/** Loads the hours and closures of a type; the closures looked at are those of the coming year. */
export async function loadCounter(
  db: Db,
  tenant: Pick<Tenant, "id" | "settings">,
  type: AppointmentType,
  now: Date,
): Promise<Counter> {
  const today = tokyoDate(now);
  const [hours, closed] = await Promise.all([
    db.select().from(openingHours).where(eq(openingHours.typeId, type.id)),
    db
      .select({ date: closures.date })
      .from(closures)
      .where(
        and(
          eq(closures.tenantId, tenant.id),
          or(isNull(closures.typeId), eq(closures.typeId, type.id)),
          gte(closures.date, shiftDate(today, -1)),
          lt(closures.date, shiftDate(today, 400)),
        ),
      ),
  ]);
  return {
    type,
    hours,
    calendar: {
      ...(tenant.settings.yearEndClosure ? { yearEndClosure: tenant.settings.yearEndClosure } : {}),
      closedDates: new Set(closed.map((row) => row.date)),
    },
  };
}

/** How many places are taken in each slot between two instants, by start time in ms. */
async function takenBetween(db: Db, typeId: string, from: Date, to: Date): Promise<Map<number, number>> {
  const rows = await db
    .select({ startsAt: slotCounters.startsAt, taken: slotCounters.taken })
    .from(slotCounters)
    .where(
      and(eq(slotCounters.typeId, typeId), gte(slotCounters.startsAt, from), lt(slotCounters.startsAt, to)),
    )
    .orderBy(asc(slotCounters.startsAt));
  return new Map(rows.map((row) => [row.startsAt.getTime(), row.taken]));
}

export type SlotAvailability = Slot & { remaining: number };

/** The slots of a day a resident may book now, with the places left; empty for a closed or out-of-window day. */
export async function bookableSlotsOn(
  db: Db,
  counter: Counter,
  date: CalendarDate,
  now: Date,
): Promise<SlotAvailability[]> {
  const slots = slotsOfDay(counter.type, counter.hours, date).filter(
    (slot) => refuseSlot({ ...counter, startsAt: slot.startsAt, now }) === null,
  );
  if (slots.length === 0) {
    return [];
  }
  const taken = await takenBetween(
    db,
    counter.type.id,
    startOfTokyoDay(date),
    startOfTokyoDay(shiftDate(date, 1)),
  );
  return slots
    .map((slot) => ({
      ...slot,
      remaining: counter.type.capacityPerSlot - (taken.get(slot.startsAt.getTime()) ?? 0),
    }))
    .filter((slot) => slot.remaining > 0);
}

/** The days of the booking window that still have a free slot. */
export async function bookableDays(db: Db, counter: Counter, now: Date): Promise<CalendarDate[]> {
  const window = bookingWindow(counter.type, now, counter.calendar);
  const taken = await takenBetween(
    db,
    counter.type.id,
    startOfTokyoDay(window.first),
    startOfTokyoDay(shiftDate(window.last, 1)),
  );
  const days: CalendarDate[] = [];
  for (let date = window.first; date <= window.last; date = shiftDate(date, 1)) {
    if (!isOpenDay(date, counter.calendar)) {
      continue;
    }
    const free = slotsOfDay(counter.type, counter.hours, date).some(
      (slot) =>
        slot.startsAt.getTime() > now.getTime() &&
        (taken.get(slot.startsAt.getTime()) ?? 0) < counter.type.capacityPerSlot,
    );
    if (free) {
      days.push(date);
    }
  }
  return days;
}
