import { ProblemError } from "../../core/http/problem.ts";

/** The reasons a booking is refused, bilingual; each maps to the status the booking API documents. */
export const bookingProblems = {
  slotTaken: () =>
    new ProblemError(409, "slot_taken", {
      ja: "この時間帯はすでに予約されています。別の時間帯を選んでください",
      en: "This time slot has just been taken. Please choose another",
    }),
  notABlock: () =>
    new ProblemError(422, "not_a_time_block", {
      ja: "この施設の利用区分の時間帯と一致しません",
      en: "The time does not match one of the unit's time blocks",
    }),
  closed: () =>
    new ProblemError(422, "facility_closed", {
      ja: "この日は休館日です",
      en: "The facility is closed on this day",
    }),
  past: () =>
    new ProblemError(422, "slot_in_past", {
      ja: "過去の時間帯は予約できません",
      en: "A time slot in the past cannot be booked",
    }),
  outsideWindow: (days: number) =>
    new ProblemError(
      422,
      "outside_booking_window",
      {
        ja: `まだ予約を受け付けていません（${days}日前から予約できます）`,
        en: `Booking for this day has not opened yet (it opens ${days} days before)`,
      },
      { detail: `Bookable from ${days} days before / ${days}日前から予約できます` },
    ),
  suspended: (until: string) =>
    new ProblemError(
      403,
      "booking_suspended",
      {
        ja: `ペナルティにより ${until} まで予約できません`,
        en: `Booking is suspended until ${until} because of penalty points`,
      },
      { detail: `Suspended until ${until} / ${until}まで利用停止` },
    ),
  categoryNotInRules: (code: string) =>
    new ProblemError(
      409,
      "user_category_not_in_rules",
      {
        ja: "利用区分が現在の使用料の規則にないため、使用料を計算できません。施設の窓口にお問い合わせください",
        en: "Your user category is no longer in the fee rules, so no fee can be computed. Please contact the facility",
      },
      { detail: `User category "${code}" is not in the rules / 利用区分「${code}」が規則にありません` },
    ),
  notFound: () =>
    new ProblemError(404, "booking_not_found", {
      ja: "予約が見つかりません",
      en: "Booking not found",
    }),
  notChangeable: (title: { ja: string; en: string }) =>
    new ProblemError(409, "booking_not_changeable", title),
  groupNotUsable: () =>
    new ProblemError(422, "group_not_usable", {
      ja: "この団体では予約できません（承認済みの団体の代表者だけが団体として予約できます）",
      en: "You cannot book as this group (only the representative of an approved group can)",
    }),
};

/** The SQLSTATE of a database error, looking through the wrappers the query builder adds. */
export function sqlState(error: unknown): string | null {
  for (let current = error, depth = 0; current && depth < 5; depth++) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === "string" && /^[0-9A-Z]{5}$/.test(code)) {
      return code;
    }
    current = (current as { cause?: unknown }).cause;
  }
  return null;
}
