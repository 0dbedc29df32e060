import type { Context } from "hono";
import type { AppEnv } from "../../../core/http/app-env.ts";
import { bilingual, Open311Error } from "./format.ts";

/** The specification's widest window for GET requests, and its default when no dates are given. */
export const MAX_WINDOW_DAYS = 90;
const DAY_MS = 86_400_000;
/** Dates outside these years name no report and could not be compared by the database anyway. */
const FIRST_YEAR = 2000;
const LAST_YEAR = 2100;

/** Text that can never be stored or compared (PostgreSQL refuses NUL), refused as the client's mistake. */
export function refuseNul(name: string, value: string): void {
  if (value.includes("\0")) {
    throw new Open311Error(400, [
      bilingual({
        ja: `${name} に使えない文字（NUL）が含まれています`,
        en: `${name} contains a character that cannot be used (NUL)`,
      }),
    ]);
  }
}

/** A query parameter; an empty one counts as absent, as the specification has it for optional ones. */
export function queryParam(c: Context<AppEnv>, name: string): string | undefined {
  const text = c.req.query(name);
  if (text === undefined || text === "") {
    return undefined;
  }
  refuseNul(name, text);
  return text;
}

export function listParam(c: Context<AppEnv>, name: string): string[] | undefined {
  const parts = queryParam(c, name)
    ?.split(",")
    .map((part) => part.trim())
    .filter(Boolean);
  return parts && parts.length > 0 ? parts : undefined;
}

export function wholeParam(c: Context<AppEnv>, name: string, fallback: number, max: number): number {
  const text = queryParam(c, name);
  const value = text === undefined ? fallback : Number(text);
  if (!Number.isInteger(value) || value < 1 || value > max) {
    throw new Open311Error(400, [
      bilingual({
        ja: `${name} は1から${max}までの整数です`,
        en: `${name} must be a whole number from 1 to ${max}`,
      }),
    ]);
  }
  return value;
}

const daysIn = (year: number, month: number) => new Date(Date.UTC(year, month, 0)).getUTCDate();

/**
 * A W3C date-time with its time zone (2026-04-01T00:00:00+09:00 or …Z), as the specification requires; a
 * day that does not exist (2026-02-30) or a year outside 2000–2100 is refused rather than rolled over.
 */
export function parseW3cDate(text: string): Date | null {
  const match =
    /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.\d{1,9})?)?(?:Z|([+-])(\d{2}):(\d{2}))$/.exec(
      text,
    );
  if (!match) {
    return null;
  }
  const [year, month, day, hour, minute, second, offsetHours, offsetMinutes] = [
    match[1],
    match[2],
    match[3],
    match[4],
    match[5],
    match[6] ?? "0",
    match[8] ?? "0",
    match[9] ?? "0",
  ].map(Number) as [number, number, number, number, number, number, number, number];
  if (
    year < FIRST_YEAR ||
    year > LAST_YEAR ||
    month < 1 ||
    month > 12 ||
    day < 1 ||
    day > daysIn(year, month) ||
    hour > 23 ||
    minute > 59 ||
    second > 59 ||
    offsetHours > 14 ||
    offsetMinutes > 59
  ) {
    return null;
  }
  const date = new Date(text);
  return Number.isNaN(date.getTime()) ? null : date;
}

function dateParam(c: Context<AppEnv>, name: string): Date | undefined {
  const text = queryParam(c, name);
  if (text === undefined) {
    return undefined;
  }
  const date = parseW3cDate(text);
  if (!date) {
    throw new Open311Error(400, [
      bilingual({
        ja: `${name} は時差付きのW3C形式の日時（例 2026-04-01T00:00:00+09:00）で、2000年から2100年までの実在する日を指定してください`,
        en: `${name} must be a W3C date-time with its time zone, e.g. 2026-04-01T00:00:00+09:00, on a real day from 2000 to 2100`,
      }),
    ]);
  }
  return date;
}

/**
 * The window of GET requests: both dates as given (at most 90 days apart, start first); one date alone
 * reaches 90 days from it; none is the last 90 days.
 */
export function requestWindow(c: Context<AppEnv>, now = new Date()): { start: Date; end: Date } {
  const start = dateParam(c, "start_date");
  const end = dateParam(c, "end_date");
  const window = MAX_WINDOW_DAYS * DAY_MS;
  if (start && end) {
    if (start.getTime() > end.getTime()) {
      throw new Open311Error(400, [
        bilingual({
          ja: "start_date は end_date より前にしてください",
          en: "start_date must not be after end_date",
        }),
      ]);
    }
    if (end.getTime() - start.getTime() > window) {
      throw new Open311Error(400, [
        bilingual({
          ja: `start_date から end_date までは${MAX_WINDOW_DAYS}日以内にしてください`,
          en: `start_date and end_date may be at most ${MAX_WINDOW_DAYS} days apart`,
        }),
      ]);
    }
    return { start, end };
  }
  if (start) {
    return { start, end: new Date(start.getTime() + window) };
  }
  const last = end ?? now;
  return { start: new Date(last.getTime() - window), end: last };
}

/**
 * A jurisdiction_id names this city when it is its municipality code, its slug or the host the request came
 * to; anything else is another city's, which is not here (404).
 */
export function checkJurisdiction(c: Context<AppEnv>, jurisdiction: string | undefined): void {
  if (!jurisdiction) {
    return;
  }
  const tenant = c.var.tenant;
  const host = new URL(c.req.url).hostname.toLowerCase();
  const value = jurisdiction.trim().toLowerCase();
  if (value !== tenant.municipalityCode && value !== tenant.slug.toLowerCase() && value !== host) {
    throw new Open311Error(404, [
      bilingual({ ja: "jurisdiction_id が見つかりません", en: "jurisdiction_id not found" }),
    ]);
  }
}
