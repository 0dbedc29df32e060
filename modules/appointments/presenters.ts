import type { Appointment, AppointmentStatus, AppointmentType } from "./schema.ts";

type Lang = "ja" | "en";

/** "2026年12月3日(木) 10:00〜10:30" / "Thu 3 Dec 2026, 10:00–10:30", in Tokyo time. */
export function formatSlot(startsAt: Date, endsAt: Date, lang: Lang): string {
  const day = new Intl.DateTimeFormat(lang === "ja" ? "ja-JP" : "en-GB", {
    timeZone: "Asia/Tokyo",
    year: "numeric",
    month: lang === "ja" ? "long" : "short",
    day: "numeric",
    weekday: "short",
  }).format(startsAt);
  return `${day}${lang === "ja" ? " " : ", "}${formatTime(startsAt)}${lang === "ja" ? "〜" : "–"}${formatTime(endsAt)}`;
}

export function formatTime(instant: Date): string {
  return new Intl.DateTimeFormat("ja-JP", {
    timeZone: "Asia/Tokyo",
    hour: "2-digit",
    minute: "2-digit",
    hourCycle: "h23",
  }).format(instant);
}

/** A calendar date for a list of days: "12月3日(木)" / "Thu 3 Dec". */
export function formatDay(date: string, lang: Lang): string {
  return new Intl.DateTimeFormat(lang === "ja" ? "ja-JP" : "en-GB", {
    timeZone: "UTC",
    month: lang === "ja" ? "long" : "short",
    day: "numeric",
    weekday: "short",
  }).format(new Date(`${date}T00:00:00Z`));
}

export const statusLabels: Record<AppointmentStatus, { ja: string; en: string }> = {
  booked: { ja: "予約済み", en: "Booked" },
  cancelled: { ja: "キャンセル済み", en: "Cancelled" },
  arrived: { ja: "来庁済み", en: "Arrived" },
  no_show: { ja: "来庁なし", en: "Did not come" },
};

export const typeName = (type: AppointmentType, lang: Lang) => (lang === "ja" ? type.nameJa : type.nameEn);
export const typePlace = (type: AppointmentType, lang: Lang) => (lang === "ja" ? type.placeJa : type.placeEn);

/** The resident's page of an appointment. */
export const appointmentPath = (appointment: Pick<Appointment, "id">) => `/appointments/a/${appointment.id}`;

const icsText = (value: string) => value.replace(/[\\;,]/g, (c) => `\\${c}`).replace(/\r?\n/g, "\\n");
const icsTime = (instant: Date) =>
  instant
    .toISOString()
    .replace(/[-:]/g, "")
    .replace(/\.\d{3}/, "");

/** The appointment as an iCalendar (RFC 5545) event, for the resident's calendar app. */
export function appointmentIcs(o: {
  appointment: Appointment;
  type: AppointmentType;
  lang: Lang;
  cityName: string;
  url: string;
  now: Date;
}): string {
  const { appointment, type, lang } = o;
  const lines = [
    "BEGIN:VCALENDAR",
    "VERSION:2.0",
    "PRODID:-//tenohira//appointments//JA",
    "CALSCALE:GREGORIAN",
    "METHOD:PUBLISH",
    "BEGIN:VEVENT",
    `UID:${appointment.id}@tenohira`,
    `DTSTAMP:${icsTime(o.now)}`,
    `DTSTART:${icsTime(appointment.startsAt)}`,
    `DTEND:${icsTime(appointment.endsAt)}`,
    `SUMMARY:${icsText(`${o.cityName} ${typeName(type, lang)}`)}`,
    `LOCATION:${icsText(typePlace(type, lang))}`,
    `DESCRIPTION:${icsText(`${lang === "ja" ? "予約番号" : "Reference"}: ${appointment.reference}\n${o.url}`)}`,
    `URL:${o.url}`,
    appointment.status === "cancelled" ? "STATUS:CANCELLED" : "STATUS:CONFIRMED",
    "END:VEVENT",
    "END:VCALENDAR",
  ];
  return `${lines.join("\r\n")}\r\n`;
}
