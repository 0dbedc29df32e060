import holidayJp from "@holiday-jp/holiday_jp";
import {
  type CalendarDate,
  defaultYearEndClosure,
  startOfTokyoDay,
  tokyoDate,
  type YearEndClosure,
} from "../../core/calendar/business-days.ts";
import { bookingProblems } from "./problems.ts";
import type { FacilityRules, UnitSchedule } from "./rules.ts";

/** Pure date, slot and money rules of facility booking: no database here, so they are tested table-driven. */

const DAY_MS = 86_400_000;

export function addDays(date: CalendarDate, days: number): CalendarDate {
  return new Date(Date.parse(`${date}T00:00:00Z`) + days * DAY_MS).toISOString().slice(0, 10);
}

/** Whole days from `from` to `to` (Tokyo calendar dates). */
export function daysBetween(from: CalendarDate, to: CalendarDate): number {
  return Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / DAY_MS);
}

export function weekdayOf(date: CalendarDate): number {
  return new Date(`${date}T00:00:00Z`).getUTCDay();
}

export function isHoliday(date: CalendarDate): boolean {
  return Object.hasOwn(holidayJp.holidays, date);
}

/** 土日祝: the days the weekend/holiday multiplier applies. */
export function isWeekendOrHoliday(date: CalendarDate): boolean {
  const weekday = weekdayOf(date);
  return weekday === 0 || weekday === 6 || isHoliday(date);
}

export type ClosureCalendar = {
  weeklyClosedDay: number | null;
  /** What the weekly closed day does on a holiday; the default is 「休日に当たるときはその翌日」. */
  closedDayOnHoliday?: "next_day" | "open" | "closed";
  /** The facility's own 年末年始, else the city's; null = none. */
  yearEndClosure: YearEndClosure | null;
  closures: readonly { fromDate: string; toDate: string; reasonJa: string; reasonEn: string }[];
};

export type ClosedReason = "weekly" | "year_end" | "closure";

function inYearEnd(date: CalendarDate, closure: YearEndClosure | null): boolean {
  if (!closure) {
    return false;
  }
  const monthDay = date.slice(5);
  return closure.from <= closure.to
    ? monthDay >= closure.from && monthDay <= closure.to
    : monthDay >= closure.from || monthDay <= closure.to;
}

/**
 * Why the facility is closed on a date, or null when open. By default the weekly closed day moves to the
 * next day that is not a holiday when it falls on a holiday (「休日に当たるときはその翌日」); a facility may
 * instead open on such a holiday, or stay closed on it.
 */
export function closedReason(calendar: ClosureCalendar, date: CalendarDate): ClosedReason | null {
  if (inYearEnd(date, calendar.yearEndClosure)) {
    return "year_end";
  }
  if (calendar.closures.some((c) => c.fromDate <= date && date <= c.toDate)) {
    return "closure";
  }
  const closedDay = calendar.weeklyClosedDay;
  const onHoliday = calendar.closedDayOnHoliday ?? "next_day";
  if (closedDay === null) {
    return null;
  }
  if (isHoliday(date)) {
    return onHoliday === "closed" && weekdayOf(date) === closedDay ? "weekly" : null;
  }
  if (weekdayOf(date) === closedDay) {
    return "weekly";
  }
  if (onHoliday !== "next_day") {
    return null;
  }
  // Walk back over the holidays just before: if one of them was the closed day, the closure lands here.
  for (let back = 1, day = addDays(date, -1); back <= 7 && isHoliday(day); back++, day = addDays(day, -1)) {
    if (weekdayOf(day) === closedDay) {
      return "weekly";
    }
  }
  return null;
}

export function effectiveYearEndClosure(
  facilityClosure: YearEndClosure | null,
  tenantClosure: YearEndClosure | undefined,
): YearEndClosure {
  return facilityClosure ?? tenantClosure ?? defaultYearEndClosure;
}

export type BlockOfDay = {
  code: string;
  label: { ja: string; en: string };
  startsAt: Date;
  endsAt: Date;
  /** Base fee in yen before category and surcharges. */
  baseFee: number;
};

function at(date: CalendarDate, time: string): Date {
  const [hours, minutes] = time.split(":").map(Number) as [number, number];
  return new Date(startOfTokyoDay(date).getTime() + (hours * 60 + minutes) * 60_000);
}

/** The unit's bookable blocks on one Tokyo date, in time order. */
export function blocksOfDay(schedule: UnitSchedule, date: CalendarDate): BlockOfDay[] {
  if (schedule.kind === "blocks") {
    return schedule.blocks
      .map((block) => ({
        code: block.code,
        label: {
          ja: `${block.label.ja} ${block.start}–${block.end}`,
          en: `${block.label.en} ${block.start}–${block.end}`,
        },
        startsAt: at(date, block.start),
        endsAt: at(date, block.end),
        baseFee: block.fee,
      }))
      .sort((a, b) => a.startsAt.getTime() - b.startsAt.getTime());
  }
  const result: BlockOfDay[] = [];
  const closes = at(date, schedule.closes).getTime();
  for (let start = at(date, schedule.opens).getTime(); start + 3_600_000 <= closes; start += 3_600_000) {
    const startsAt = new Date(start);
    const endsAt = new Date(start + 3_600_000);
    const label = `${hhmm(startsAt)}–${hhmm(endsAt)}`;
    result.push({
      code: `h${hhmm(startsAt).replace(":", "")}`,
      label: { ja: label, en: label },
      startsAt,
      endsAt,
      baseFee: schedule.feePerHour,
    });
  }
  return result;
}

/** HH:MM in Tokyo. */
export function hhmm(instant: Date): string {
  return new Date(instant.getTime() + 9 * 3_600_000).toISOString().slice(11, 16);
}

/** The block whose start and end are exactly these instants, if the unit has one. */
export function findBlock(schedule: UnitSchedule, startsAt: Date, endsAt: Date): BlockOfDay | null {
  return (
    blocksOfDay(schedule, tokyoDate(startsAt)).find(
      (b) => b.startsAt.getTime() === startsAt.getTime() && b.endsAt.getTime() === endsAt.getTime(),
    ) ?? null
  );
}

export type FeeInput = {
  baseFee: number;
  userCategory: string;
  date: CalendarDate;
  admissionCharged: boolean;
};

/**
 * The fee in yen: base × category coefficient × 土日祝 multiplier × admission multiplier, rounded down to the
 * rules' unit. Computed here, on the server, from the tables; a fee sent by a browser is never used.
 */
export function computeFee(rules: FacilityRules, input: FeeInput): number {
  const category = rules.userCategories.find((c) => c.code === input.userCategory);
  if (!category) {
    // A category staff removed from the rules while residents or groups still carry it.
    throw bookingProblems.categoryNotInRules(input.userCategory);
  }
  let amount = input.baseFee * category.feeCoefficient;
  if (isWeekendOrHoliday(input.date)) {
    amount *= rules.weekendHolidayMultiplier;
  }
  if (input.admissionCharged) {
    amount *= rules.admissionChargedMultiplier;
  }
  // Round to 1/100 yen first so binary fractions (1.2 × 1.5) cannot drop a whole unit.
  const exact = Math.round(amount * 100) / 100;
  return Math.floor(exact / rules.feeRoundingYen) * rules.feeRoundingYen;
}

/** Days before the use day (Tokyo dates): cancelling on the day is 0, the day before is 1. */
export function daysBefore(startsAt: Date, now: Date): number {
  return daysBetween(tokyoDate(now), tokyoDate(startsAt));
}

/** The refund percentage the table gives for cancelling `days` days before. */
export function refundPercent(rules: FacilityRules, days: number): number {
  const step = [...rules.refundTable]
    .sort((a, b) => b.minDaysBefore - a.minDaysBefore)
    .find((s) => days >= s.minDaysBefore);
  return step?.percent ?? 0;
}

/** The refund in yen of a paid fee, rounded down to the yen. */
export function refundAmount(rules: FacilityRules, fee: number, startsAt: Date, now: Date): number {
  return Math.floor((fee * refundPercent(rules, daysBefore(startsAt, now))) / 100);
}

/** Whether a category may book a slot on `date` today: not in the past, and within its booking window. */
export function withinWindow(
  rules: FacilityRules,
  userCategory: string,
  startsAt: Date,
  now: Date,
): "ok" | "past" | "too_early" {
  if (startsAt.getTime() <= now.getTime()) {
    return "past";
  }
  const category = rules.userCategories.find((c) => c.code === userCategory);
  const windowDays = category?.bookingWindowDays ?? 0;
  return daysBefore(startsAt, now) <= windowDays ? "ok" : "too_early";
}
