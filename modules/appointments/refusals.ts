import type { ContentfulStatusCode } from "hono/utils/http-status";
import { type Bilingual, ProblemError } from "../../core/http/problem.ts";

/** Every reason a booking, a move or a cancellation is refused, with its status and its words in both languages. */
export const refusals = {
  past: {
    status: 422,
    title: { ja: "過去の日時は予約できません", en: "You cannot book a time that has passed" },
  },
  closed: {
    status: 422,
    title: {
      ja: "この日は窓口がお休みです（土日祝日・年末年始・臨時休業）",
      en: "The counter is closed on this day (weekend, holiday, year-end or a closure)",
    },
  },
  outside_window: {
    status: 422,
    title: {
      ja: "この日はまだ予約を受け付けていないか、受付の締切を過ぎています",
      en: "This day is outside the booking window (too soon or too far ahead)",
    },
  },
  not_a_slot: {
    status: 400,
    title: { ja: "その時間の予約枠はありません", en: "There is no appointment at that time" },
  },
  unknown_type: {
    status: 404,
    title: { ja: "その予約の種類はありません", en: "There is no such kind of appointment" },
  },
  slot_full: {
    status: 409,
    title: {
      ja: "この時間は予約がいっぱいになりました。別の時間を選んでください",
      en: "This time has just been fully booked. Please choose another time",
    },
  },
  over_cap: {
    status: 409,
    title: {
      ja: "この種類の予約はすでにお持ちです。今の予約を変更するか、キャンセルしてからお申し込みください",
      en: "You already have an appointment of this kind. Change or cancel it before booking another",
    },
  },
  too_late: {
    status: 409,
    title: {
      ja: "変更・キャンセルの期限を過ぎています。窓口へお電話ください",
      en: "It is too late to change or cancel online. Please call the counter",
    },
  },
  not_active: {
    status: 409,
    title: {
      ja: "この予約はキャンセル済みか、すでに終わっています",
      en: "This appointment has been cancelled or is over",
    },
  },
  same_slot: {
    status: 422,
    title: { ja: "今と同じ時間です。別の時間を選んでください", en: "That is the time you already have" },
  },
  duplicate_request: {
    status: 409,
    title: {
      ja: "同じ申込みがすでに処理されています",
      en: "The same request has already been handled",
    },
  },
} as const satisfies Record<string, { status: ContentfulStatusCode; title: Bilingual }>;

export type RefusalCode = keyof typeof refusals;

/** The refusal as an error the caller's transaction rolls back on, and pages and APIs show. */
export function refuse(code: RefusalCode): ProblemError {
  const refusal = refusals[code];
  return new ProblemError(refusal.status, `appointments-${code.replaceAll("_", "-")}`, refusal.title);
}

/** SQLSTATE of a database error, through the wrappers drivers and Drizzle put around it. */
export function sqlStateOf(error: unknown): string | null {
  for (
    let current = error;
    current && typeof current === "object";
    current = (current as { cause?: unknown }).cause
  ) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === "string" && /^[0-9A-Z]{5}$/.test(code)) {
      return code;
    }
  }
  return null;
}
