/** The eras a living resident's dates fall in, newest first (start dates per the 元号 proclamations). */
const eras = [
  { start: "2019-05-01", ja: "令和", en: "Reiwa" },
  { start: "1989-01-08", ja: "平成", en: "Heisei" },
  { start: "1926-12-25", ja: "昭和", en: "Showa" },
  { start: "1912-07-30", ja: "大正", en: "Taisho" },
  { start: "1868-01-25", ja: "明治", en: "Meiji" },
] as const;

/**
 * An ISO date in 和暦 for display, e.g. 2026-11-22 → 令和8年11月22日 (first year written 元年).
 * Dates are stored as ISO; this is only what people read.
 */
export function toJapaneseEra(isoDate: string, lang: "ja" | "en" = "ja"): string | null {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(isoDate);
  // A half-typed or impossible date (2026-02-30) must not be shown as if it were real.
  const parsed = new Date(`${isoDate}T00:00:00Z`);
  if (!match || Number.isNaN(parsed.getTime()) || parsed.toISOString().slice(0, 10) !== isoDate) {
    return null;
  }
  const era = eras.find((e) => isoDate >= e.start);
  if (!era) {
    return null;
  }
  const year = Number(match[1]) - Number(era.start.slice(0, 4)) + 1;
  const month = Number(match[2]);
  const day = Number(match[3]);
  if (lang === "en") {
    return `${era.en} ${year}`;
  }
  return `${era.ja}${year === 1 ? "元" : year}年${month}月${day}日`;
}
