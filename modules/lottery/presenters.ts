import { html } from "hono/html";
import type { HtmlEscapedString } from "hono/utils/html";
import type { Round } from "./schema.ts";

type Lang = "ja" | "en";

/** A moment in Tokyo time, e.g. 2026年12月5日(土) 18:00 / Sat 5 Dec 2026, 18:00. */
export function tokyoDateTime(at: Date, lang: Lang): string {
  return new Intl.DateTimeFormat(lang === "ja" ? "ja-JP" : "en-GB", {
    timeZone: "Asia/Tokyo",
    dateStyle: lang === "ja" ? "long" : "medium",
    timeStyle: "short",
  }).format(at);
}

/** A slot as residents read it: the day, the time block and the hours. */
export function slotLabel(
  slot: { startsAt: Date; endsAt: Date; labelJa: string; labelEn: string },
  lang: Lang,
): string {
  const day = new Intl.DateTimeFormat(lang === "ja" ? "ja-JP" : "en-GB", {
    timeZone: "Asia/Tokyo",
    month: "short",
    day: "numeric",
    weekday: "short",
  }).format(slot.startsAt);
  const time = (at: Date) =>
    new Intl.DateTimeFormat("ja-JP", { timeZone: "Asia/Tokyo", hour: "2-digit", minute: "2-digit" }).format(
      at,
    );
  return `${day} ${lang === "ja" ? slot.labelJa : slot.labelEn} ${time(slot.startsAt)}–${time(slot.endsAt)}`;
}

export function roundTitle(round: Pick<Round, "titleJa" | "titleEn">, lang: Lang): string {
  return lang === "ja" ? round.titleJa : round.titleEn;
}

export type RoundPhase = "upcoming" | "accepting" | "closed" | "drawn" | "released";

/** Where the round stands for a visitor at `now`. */
export function roundPhase(round: Round, now: Date): RoundPhase {
  if (round.status !== "accepting") {
    return round.status;
  }
  if (now < round.applicationsOpenAt) {
    return "upcoming";
  }
  return now < round.applicationsCloseAt ? "accepting" : "closed";
}

/**
 * A hash or seed with a line-break opportunity every 16 characters (<wbr>, which copying leaves out), so
 * 64 hex digits fit a 360 px screen; the site's CSP allows no inline style to do it instead.
 */
export function breakable(hex: string): HtmlEscapedString | Promise<HtmlEscapedString> {
  const chunks = hex.match(/.{1,16}/g) ?? [];
  return html`${chunks.map((chunk, i) => (i === 0 ? chunk : html`<wbr>${chunk}`))}`;
}
