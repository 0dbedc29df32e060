import type { Bilingual } from "../../../core/http/problem.ts";

/** One opening period of a weekday (0 = Sunday), Tokyo time. */
export type Period = { weekday: number; opens: string; closes: string };

const TIME = /^([01]\d|2[0-3]):[0-5]\d$/;
const minutesOf = (time: string) => Number(time.slice(0, 2)) * 60 + Number(time.slice(3, 5));

/** How many period rows the hours form offers beyond those already set, so a new one can be added without JS. */
export const BLANK_PERIOD_ROWS = 3;

/**
 * Checks the periods of the weekly hours posted as rows `weekday_N`, `opens_N`, `closes_N`; a row left empty
 * is skipped. Errors are keyed by the input they belong to (e.g. `opens_2`).
 */
export function parseWeeklyHours(
  value: (name: string) => string,
  rows: number,
  durationMinutes: number,
): { periods: Period[]; errors: Record<string, Bilingual> } {
  const errors: Record<string, Bilingual> = {};
  const periods: (Period & { row: number })[] = [];
  for (let row = 0; row < rows; row++) {
    const weekdayText = value(`weekday_${row}`);
    const opens = value(`opens_${row}`).normalize("NFKC");
    const closes = value(`closes_${row}`).normalize("NFKC");
    if (!weekdayText && !opens && !closes) {
      continue;
    }
    const weekday = /^[0-6]$/.test(weekdayText) ? Number(weekdayText) : -1;
    if (weekday < 0) {
      errors[`weekday_${row}`] = { ja: "曜日を選んでください", en: "Choose a day of the week" };
    }
    for (const [name, time] of [
      [`opens_${row}`, opens],
      [`closes_${row}`, closes],
    ] as const) {
      if (!TIME.test(time)) {
        errors[name] = {
          ja: "時刻を 09:00 のように24時間制で入力してください",
          en: "Enter a time in 24-hour HH:MM form, like 09:00",
        };
      }
    }
    if (errors[`opens_${row}`] || errors[`closes_${row}`] || weekday < 0) {
      continue;
    }
    if (minutesOf(opens) >= minutesOf(closes)) {
      errors[`closes_${row}`] = {
        ja: "終了時刻は開始時刻より後にしてください",
        en: "The closing time must be after the opening time",
      };
    } else if (minutesOf(closes) - minutesOf(opens) < durationMinutes) {
      errors[`closes_${row}`] = {
        ja: `この時間帯は1回の所要時間（${durationMinutes}分）より短いため、予約枠ができません`,
        en: `This period is shorter than one appointment (${durationMinutes} minutes), so it has no slot`,
      };
    } else {
      periods.push({ weekday, opens, closes, row });
    }
  }
  const sorted = periods.toSorted((a, b) => a.weekday - b.weekday || minutesOf(a.opens) - minutesOf(b.opens));
  for (let i = 1; i < sorted.length; i++) {
    const before = sorted[i - 1]!;
    const period = sorted[i]!;
    if (before.weekday === period.weekday && minutesOf(period.opens) < minutesOf(before.closes)) {
      errors[`opens_${period.row}`] = {
        ja: `同じ曜日の ${before.opens}〜${before.closes} と重なっています`,
        en: `This overlaps ${before.opens}–${before.closes} on the same day`,
      };
    }
  }
  return { periods: sorted.map(({ weekday, opens, closes }) => ({ weekday, opens, closes })), errors };
}
