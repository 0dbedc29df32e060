import type { ContentfulStatusCode } from "hono/utils/http-status";
import { ProblemError } from "../../core/http/problem.ts";

/** Why the lottery refuses something, in both languages; pages show `title[lang]`, APIs send problem+json. */
const reasons = {
  round_not_found: [404, "抽選が見つかりません", "No such lottery"],
  outside_period: [409, "申込期間外です", "Applications are not open for this lottery"],
  no_choice: [422, "希望する枠を1つ以上選んでください", "Choose at least one slot"],
  too_many_choices: [422, "選べる希望の数を超えています", "You chose more slots than this lottery allows"],
  duplicate_choice: [422, "同じ枠を複数の希望に選んでいます", "You chose the same slot more than once"],
  choice_not_in_round: [
    422,
    "この抽選の対象ではない枠が選ばれています",
    "A chosen slot is not part of this lottery",
  ],
  no_group: [422, "代表または所属している登録団体がありません", "You do not belong to a registered group"],
  not_eligible: [
    403,
    "この抽選に申し込める利用区分ではありません",
    "Your user category may not enter this lottery",
  ],
  already_entered: [
    409,
    "この抽選には申込済みです（団体の申込は代表者・構成員を通じて1件までです）",
    "There is already an entry for you in this lottery (a group has one entry, whoever made it)",
  ],
  entry_cap: [
    409,
    "今月の抽選に申し込める件数の上限に達しています",
    "You have reached the number of lottery entries allowed this month",
  ],
  no_entry: [404, "この抽選への申込はありません", "You have no entry in this lottery"],
  already_drawn: [409, "この抽選は抽選済みです", "This lottery has already been drawn"],
  applications_still_open: [
    409,
    "申込期間が終わるまで抽選できません",
    "The draw cannot run before applications close",
  ],
  past_confirm_by: [
    409,
    "当選の確定期限を過ぎているため抽選できません（当選してもすぐに失効します）。日程を見直してください",
    "The draw cannot run after the confirm-by deadline: every win would lapse at once. Review the dates",
  ],
  not_drawn: [409, "まだ抽選していません", "This lottery has not been drawn yet"],
  before_first_come: [409, "先着受付の開始時刻前です", "First-come booking has not started yet"],
  already_released: [409, "残りの枠は公開済みです", "The leftover slots have already been released"],
  invalid_schedule: [
    422,
    "日時の順序が正しくありません（受付開始 < 締切 ≦ 抽選 < 確定期限 ≦ 先着開始）",
    "The dates are out of order (opens < closes ≤ draw < confirm by ≤ first-come)",
  ],
  invalid_rules: [
    422,
    "上限・希望数・優先順位・繰り上げ当選の確定日数（1〜30日）の設定が正しくありません",
    "The caps, number of choices, priority tiers or promotion confirm days (1–30) are not valid",
  ],
  no_slots: [422, "抽選の対象とする枠を1つ以上選んでください", "Choose at least one slot for the lottery"],
  unknown_slot: [
    422,
    "選ばれた枠はその室場の利用区分（時間区分）にありません",
    "A chosen slot is not one of the unit's time blocks",
  ],
} as const satisfies Record<string, readonly [ContentfulStatusCode, string, string]>;

export type LotteryRefusal = keyof typeof reasons;

/** The bilingual 4xx for a refusal; thrown inside the operation's transaction so nothing is half written. */
export function refuse(reason: LotteryRefusal): ProblemError {
  const [status, ja, en] = reasons[reason];
  return new ProblemError(status, `lottery-${reason.replaceAll("_", "-")}`, { ja, en });
}

/** A resident or group under a booking suspension (facilities' penalty rules) may not enter either. */
export function suspended(until: string): ProblemError {
  return new ProblemError(403, "lottery-suspended", {
    ja: `予約の利用停止中のため申し込めません（${until}まで）`,
    en: `You are suspended from booking until ${until} and cannot enter`,
  });
}
