import { tokyoDate } from "../../core/calendar/business-days.ts";
import { hhmm, weekdayOf } from "./calendar.ts";

const weekdays = {
  ja: ["日", "月", "火", "水", "木", "金", "土"],
  en: ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"],
} as const;

/** "2026年12月1日（火）" / "Tue 1 Dec 2026". */
export function formatDate(date: string, lang: "ja" | "en"): string {
  const [y, m, d] = date.split("-").map(Number) as [number, number, number];
  const weekday = weekdays[lang][weekdayOf(date)]!;
  if (lang === "ja") {
    return `${y}年${m}月${d}日（${weekday}）`;
  }
  const month = new Date(Date.UTC(y, m - 1, d)).toLocaleString("en-GB", { month: "short", timeZone: "UTC" });
  return `${weekday} ${d} ${month} ${y}`;
}

/** A booking's date and times in Tokyo. */
export function formatSlot(startsAt: Date, endsAt: Date, lang: "ja" | "en"): string {
  return `${formatDate(tokyoDate(startsAt), lang)} ${hhmm(startsAt)}–${hhmm(endsAt)}`;
}

export function yen(amount: number, lang: "ja" | "en"): string {
  return lang === "ja" ? `${amount.toLocaleString("ja-JP")}円` : `¥${amount.toLocaleString("en-US")}`;
}

export const bookingStatusLabels = {
  held: { ja: "抽選確保", en: "Held for lottery" },
  provisional: { ja: "仮予約（お支払い待ち）", en: "Provisional (awaiting payment)" },
  confirmed: { ja: "予約確定", en: "Confirmed" },
  cancelled: { ja: "取消済み", en: "Cancelled" },
  expired: { ja: "期限切れ", en: "Expired" },
} as const;

/** A moment in Tokyo: date and HH:MM. */
export function formatDateTime(instant: Date, lang: "ja" | "en"): string {
  return `${formatDate(tokyoDate(instant), lang)} ${hhmm(instant)}`;
}
