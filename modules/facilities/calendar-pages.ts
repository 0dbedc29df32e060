import type { Context } from "hono";
import { Hono } from "hono";
import type { AppEnv } from "../../core/http/app-env.ts";
import { type CalendarEvent, icalendar } from "./icalendar.ts";
import { readCalendarFeed } from "./operations/read-calendar-feed.ts";
import type { ResidentBooking } from "./operations/read-resident-bookings.ts";

/** A booking as a calendar event, in the resident's language; held/expired ones are not events. */
export function bookingEvent(
  c: Context<AppEnv>,
  { booking, unit, facility }: ResidentBooking,
): CalendarEvent {
  const ja = c.var.lang === "ja";
  return {
    uid: `${booking.id}@${c.var.tenant.slug}.tenohira`,
    startsAt: booking.startsAt,
    endsAt: booking.endsAt,
    summary: ja ? `${facility.nameJa} ${unit.nameJa}` : `${facility.nameEn} ${unit.nameEn}`,
    location: ja ? facility.addressJa : facility.addressEn,
    description: ja ? `予約番号 ${booking.reference}` : `Booking reference ${booking.reference}`,
    status:
      booking.status === "confirmed"
        ? "CONFIRMED"
        : booking.status === "provisional"
          ? "TENTATIVE"
          : "CANCELLED",
    updatedAt: booking.updatedAt,
  };
}

export function calendarResponse(
  c: Context<AppEnv>,
  name: string,
  items: readonly ResidentBooking[],
  fileName: string,
) {
  const events = items
    .filter(({ booking }) => ["provisional", "confirmed", "cancelled"].includes(booking.status))
    .map((item) => bookingEvent(c, item));
  return c.body(icalendar({ name, events }), 200, {
    "content-type": "text/calendar; charset=utf-8",
    "content-disposition": `attachment; filename="${fileName}"`,
    "cache-control": "private, no-store",
  });
}

export const calendarPages = new Hono<AppEnv>().get("/calendar/:file{[A-Za-z0-9_-]{32}\\.ics}", async (c) => {
  const token = c.req.param("file").slice(0, -".ics".length);
  const items = await readCalendarFeed({ db: c.var.services.database.db, tenantId: c.var.tenant.id, token });
  const ja = c.var.lang === "ja";
  return calendarResponse(
    c,
    ja ? `${c.var.tenant.nameJa} 施設予約` : `${c.var.tenant.nameEn} bookings`,
    items,
    "bookings.ics",
  );
});
