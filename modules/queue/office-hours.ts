import { isHolidayOrYearEnd, tokyoDate } from "../../core/calendar/business-days.ts";
import type { TenantSettings } from "../../core/tenancy/schema.ts";
import type { DayHours, QueueOffice } from "./schema.ts";

export type OfficeDay =
  | { open: true; date: string; hours: NonNullable<DayHours> }
  | { open: false; date: string; reason: "closed_day" | "before_hours" | "after_hours"; hours: DayHours };

const TOKYO_OFFSET_MS = 9 * 3_600_000;

/** "HH:MM" of an instant in Tokyo. */
function tokyoTime(instant: Date): string {
  return new Date(instant.getTime() + TOKYO_OFFSET_MS).toISOString().slice(11, 16);
}

/**
 * Whether the office hands out tickets at this instant, and the Tokyo date its tickets belong to. A national
 * holiday or a day of the city's 年末年始 is closed whatever the office's hours say, weekend hours (土曜開庁)
 * included, unless the office opens on holidays (休日窓口).
 */
export function officeDay(
  office: Pick<QueueOffice, "hours" | "closedOnHolidays">,
  settings: Pick<TenantSettings, "yearEndClosure">,
  instant: Date,
): OfficeDay {
  const date = tokyoDate(instant);
  const weekday = new Date(`${date}T00:00:00Z`).getUTCDay();
  const hours = office.hours[weekday] ?? null;
  const calendarClosed =
    office.closedOnHolidays &&
    isHolidayOrYearEnd(date, { yearEndClosure: settings.yearEndClosure ?? undefined });
  if (!hours || calendarClosed) {
    return { open: false, date, reason: "closed_day", hours };
  }
  const now = tokyoTime(instant);
  if (now < hours.opens) {
    return { open: false, date, reason: "before_hours", hours };
  }
  if (now >= hours.closes) {
    return { open: false, date, reason: "after_hours", hours };
  }
  return { open: true, date, hours };
}

/** Mon–Fri 08:30–17:00: the hours most 市役所 counters keep. */
export const weekdayHours: DayHours[] = [
  null,
  { opens: "08:30", closes: "17:00" },
  { opens: "08:30", closes: "17:00" },
  { opens: "08:30", closes: "17:00" },
  { opens: "08:30", closes: "17:00" },
  { opens: "08:30", closes: "17:00" },
  null,
];
