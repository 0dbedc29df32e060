import { and, asc, eq, gte, lt } from "drizzle-orm";
import { type CalendarDate, startOfTokyoDay } from "../../../core/calendar/business-days.ts";
import type { Db } from "../../../core/db/database.ts";
import { addDays } from "../calendar.ts";
import { type Booking, bookings } from "../schema.ts";

export type ReadDayBookingsOptions = { db: Db; tenantId: string; date: CalendarDate };

/** Every booking of the city's units starting on a Tokyo date, cancelled ones included, for staff. */
export async function readDayBookings(o: ReadDayBookingsOptions): Promise<Booking[]> {
  return o.db
    .select()
    .from(bookings)
    .where(
      and(
        eq(bookings.tenantId, o.tenantId),
        gte(bookings.startsAt, startOfTokyoDay(o.date)),
        lt(bookings.startsAt, startOfTokyoDay(addDays(o.date, 1))),
      ),
    )
    .orderBy(asc(bookings.startsAt));
}
