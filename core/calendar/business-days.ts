import holidayJp from "@holiday-jp/holiday_jp";

/** 年末年始: the days city hall is closed every year, as MM-DD; `from` after `to` spans the new year. */
export type YearEndClosure = { from: string; to: string };

export type BusinessDayOptions = {
  /** The tenant's settings.yearEndClosure; omitted means the usual 12-29 to 01-03, null means none. */
  yearEndClosure?: YearEndClosure | null;
};

/** A calendar date in Japan, "YYYY-MM-DD". */
export type CalendarDate = string;

export const defaultYearEndClosure: YearEndClosure = { from: "12-29", to: "01-03" };

// Japan has kept UTC+9 all year since 1952, so Tokyo's calendar date is a fixed offset away.
const TOKYO_OFFSET_MS = 9 * 3_600_000;
const DAY_MS = 86_400_000;
const DATE = /^\d{4}-\d{2}-\d{2}$/;
const MONTH_DAY = /^\d{2}-\d{2}$/;

/** The years a date typed into a form may fall in: outside this, it is a typo (or a probe), not a plan. */
export const CALENDAR_YEARS = { first: 2000, last: 2100 } as const;

/**
 * Whether a value is a real calendar date "YYYY-MM-DD" in CALENDAR_YEARS: it must survive a round trip
 * through Date unchanged, so 2025-02-30 (which Date rolls over to 2 March) is refused, not silently moved.
 */
export function isCalendarDate(value: unknown): value is CalendarDate {
  if (typeof value !== "string" || !DATE.test(value)) {
    return false;
  }
  const year = Number(value.slice(0, 4));
  if (year < CALENDAR_YEARS.first || year > CALENDAR_YEARS.last) {
    return false;
  }
  const parsed = Date.parse(`${value}T00:00:00Z`);
  return !Number.isNaN(parsed) && new Date(parsed).toISOString().slice(0, 10) === value;
}

/** The date in Tokyo at an instant (a resident's 23:30 JST submission belongs to that day, not the UTC one). */
export function tokyoDate(instant: Date): CalendarDate {
  return new Date(instant.getTime() + TOKYO_OFFSET_MS).toISOString().slice(0, 10);
}

/** The instant a Tokyo calendar date ends (midnight JST of the next day): a deadline "by the end of that day". */
export function endOfTokyoDay(date: CalendarDate): Date {
  return new Date(Date.parse(`${checkDate(date)}T00:00:00Z`) + DAY_MS - TOKYO_OFFSET_MS);
}

/** The instant a Tokyo calendar date starts (00:00 JST). */
export function startOfTokyoDay(date: CalendarDate): Date {
  return new Date(Date.parse(`${checkDate(date)}T00:00:00Z`) - TOKYO_OFFSET_MS);
}

function checkDate(date: CalendarDate): CalendarDate {
  if (!DATE.test(date) || Number.isNaN(Date.parse(`${date}T00:00:00Z`))) {
    throw new RangeError(`Not a calendar date (YYYY-MM-DD): ${date}`);
  }
  return date;
}

function asDate(date: Date | CalendarDate): CalendarDate {
  return typeof date === "string" ? checkDate(date) : tokyoDate(date);
}

function shiftDays(date: CalendarDate, days: number): CalendarDate {
  return new Date(Date.parse(`${date}T00:00:00Z`) + days * DAY_MS).toISOString().slice(0, 10);
}

function inYearEndClosure(date: CalendarDate, closure: YearEndClosure | null): boolean {
  if (!closure) {
    return false;
  }
  if (!MONTH_DAY.test(closure.from) || !MONTH_DAY.test(closure.to)) {
    throw new RangeError(`yearEndClosure must be MM-DD, got ${closure.from}..${closure.to}`);
  }
  const monthDay = date.slice(5);
  return closure.from <= closure.to
    ? monthDay >= closure.from && monthDay <= closure.to
    : monthDay >= closure.from || monthDay <= closure.to;
}

/**
 * A national holiday (祝日, 振替休日, 国民の休日) or a day of the year-end closure, whatever weekday it falls on:
 * what closes an office that keeps weekend hours too.
 */
export function isHolidayOrYearEnd(date: Date | CalendarDate, options: BusinessDayOptions = {}): boolean {
  const day = asDate(date);
  if (Object.hasOwn(holidayJp.holidays, day)) {
    return true;
  }
  const closure = options.yearEndClosure === undefined ? defaultYearEndClosure : options.yearEndClosure;
  return inYearEndClosure(day, closure);
}

/**
 * 開庁日: not a Saturday or Sunday, not a national holiday (祝日, 振替休日 and 国民の休日, from holiday_jp's
 * table), and not in the year-end closure. A Date is read as its calendar date in Tokyo.
 */
export function isBusinessDay(date: Date | CalendarDate, options: BusinessDayOptions = {}): boolean {
  const day = asDate(date);
  const weekday = new Date(`${day}T00:00:00Z`).getUTCDay();
  if (weekday === 0 || weekday === 6) {
    return false;
  }
  return !isHolidayOrYearEnd(day, options);
}

/**
 * The business day `n` business days after the (Tokyo) date of `from`, counting from the next day: an
 * application received on Friday (or on Saturday) with n = 3 gives Wednesday when no holiday intervenes.
 * n = 0 gives `from` itself when it is a business day, else the next one; a negative n counts back
 * (e.g. "two business days before a booking").
 */
export function addBusinessDays(
  from: Date | CalendarDate,
  n: number,
  options: BusinessDayOptions = {},
): CalendarDate {
  if (!Number.isInteger(n)) {
    throw new RangeError(`addBusinessDays needs a whole number of days, got ${n}`);
  }
  let day = asDate(from);
  if (n === 0 && isBusinessDay(day, options)) {
    return day;
  }
  const step = n >= 0 ? 1 : -1;
  for (let remaining = Math.max(1, Math.abs(n)); remaining > 0; remaining--) {
    day = nextBusinessDay(day, step, options);
  }
  return day;
}

/**
 * Business days left from the (Tokyo) date of `now` until the date of `due`: the business days after today up
 * to and including the due date, so a deadline at the end of tomorrow (a business day) leaves 1 and one at
 * the end of today leaves 0. Null once the due date has passed. Capped at `max` so a far deadline costs little.
 */
export function businessDaysUntil(
  now: Date | CalendarDate,
  due: Date | CalendarDate,
  options: BusinessDayOptions = {},
  max = 400,
): number | null {
  const today = asDate(now);
  const last = asDate(due);
  if (last < today) {
    return null;
  }
  let count = 0;
  for (let day = today; day < last && count < max; ) {
    day = shiftDays(day, 1);
    if (isBusinessDay(day, options)) {
      count++;
    }
  }
  return count;
}

function nextBusinessDay(from: CalendarDate, step: 1 | -1, options: BusinessDayOptions): CalendarDate {
  let day = from;
  // The longest run of closed days (年末年始 next to a weekend) is about a week; the cap only stops a
  // closure misconfigured to cover the whole year from looping forever.
  for (let guard = 0; guard < 366; guard++) {
    day = shiftDays(day, step);
    if (isBusinessDay(day, options)) {
      return day;
    }
  }
  throw new RangeError("No business day within a year: check yearEndClosure");
}
