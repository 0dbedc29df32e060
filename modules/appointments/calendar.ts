import {
  addBusinessDays,
  type BusinessDayOptions,
  type CalendarDate,
  isBusinessDay,
  startOfTokyoDay,
  tokyoDate,
} from "../../core/calendar/business-days.ts";
import type { AppointmentType, OpeningHours } from "./schema.ts";

/** One bookable time at a counter. */
export type Slot = { startsAt: Date; endsAt: Date };

/** What decides whether a day is open: the city's 年末年始 and the ad-hoc closure dates of the counter. */
export type CounterCalendar = BusinessDayOptions & { closedDates: ReadonlySet<CalendarDate> };

const minutesOf = (time: string) => Number(time.slice(0, 2)) * 60 + Number(time.slice(3, 5));

export function shiftDate(date: CalendarDate, days: number): CalendarDate {
  return new Date(Date.parse(`${date}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);
}

/** The slots of a day by the weekly hours, ignoring closures and the booking window. */
export function slotsOfDay(
  type: Pick<AppointmentType, "durationMinutes">,
  hours: readonly Pick<OpeningHours, "weekday" | "opens" | "closes">[],
  date: CalendarDate,
): Slot[] {
  const weekday = new Date(`${date}T00:00:00Z`).getUTCDay();
  const midnight = startOfTokyoDay(date).getTime();
  const slots: Slot[] = [];
  for (const period of hours.filter((h) => h.weekday === weekday)) {
    const closes = minutesOf(period.closes);
    for (
      let start = minutesOf(period.opens);
      start + type.durationMinutes <= closes;
      start += type.durationMinutes
    ) {
      slots.push({
        startsAt: new Date(midnight + start * 60_000),
        endsAt: new Date(midnight + (start + type.durationMinutes) * 60_000),
      });
    }
  }
  return slots.sort((a, b) => a.startsAt.getTime() - b.startsAt.getTime());
}

/** 開庁日 (no weekend, national holiday or 年末年始) and not a closure date of the counter. */
export function isOpenDay(date: CalendarDate, calendar: CounterCalendar): boolean {
  return isBusinessDay(date, calendar) && !calendar.closedDates.has(date);
}

/** The first and last day a resident may book now: `lead` 開庁日 ahead, at most `horizon` days ahead. */
export function bookingWindow(
  type: Pick<AppointmentType, "leadBusinessDays" | "horizonDays">,
  now: Date,
  calendar: BusinessDayOptions,
): { first: CalendarDate; last: CalendarDate } {
  const today = tokyoDate(now);
  return {
    first: addBusinessDays(today, type.leadBusinessDays, calendar),
    last: shiftDate(today, type.horizonDays),
  };
}

/** Why a requested time cannot be booked, before looking at how full it is; null when it can. */
export type SlotRefusal = "past" | "closed" | "outside_window" | "not_a_slot";

export function refuseSlot(options: {
  type: Pick<AppointmentType, "durationMinutes" | "leadBusinessDays" | "horizonDays">;
  hours: readonly Pick<OpeningHours, "weekday" | "opens" | "closes">[];
  calendar: CounterCalendar;
  startsAt: Date;
  now: Date;
}): SlotRefusal | null {
  const { type, hours, calendar, startsAt, now } = options;
  if (startsAt.getTime() <= now.getTime()) {
    return "past";
  }
  const date = tokyoDate(startsAt);
  if (!isOpenDay(date, calendar)) {
    return "closed";
  }
  if (!slotsOfDay(type, hours, date).some((slot) => slot.startsAt.getTime() === startsAt.getTime())) {
    return "not_a_slot";
  }
  const window = bookingWindow(type, now, calendar);
  return date < window.first || date > window.last ? "outside_window" : null;
}

/** Whether a resident may still cancel or move an appointment starting at `startsAt`. */
export function canStillChange(
  type: Pick<AppointmentType, "changeDeadlineBusinessDays">,
  startsAt: Date,
  now: Date,
  calendar: BusinessDayOptions,
): boolean {
  if (startsAt.getTime() <= now.getTime()) {
    return false;
  }
  if (type.changeDeadlineBusinessDays === 0) {
    return true;
  }
  return tokyoDate(now) <= addBusinessDays(tokyoDate(startsAt), -type.changeDeadlineBusinessDays, calendar);
}

/** The last moment of the change deadline, as a Tokyo date (for the resident to read). */
export function changeDeadlineDate(
  type: Pick<AppointmentType, "changeDeadlineBusinessDays">,
  startsAt: Date,
  calendar: BusinessDayOptions,
): CalendarDate {
  return type.changeDeadlineBusinessDays === 0
    ? tokyoDate(startsAt)
    : addBusinessDays(tokyoDate(startsAt), -type.changeDeadlineBusinessDays, calendar);
}
