import { and, eq } from "drizzle-orm";
import type { Db } from "../../../core/db/database.ts";
import { residents } from "../../../core/identity/schema.ts";
import { ensureTemplate } from "../../../core/notifications/save-template.ts";
import { sendNotification } from "../../../core/notifications/send-notification.ts";
import { tenants } from "../../../core/tenancy/schema.ts";
import { appointmentPath, formatSlot, typeName, typePlace } from "../presenters.ts";
import { appointments, appointmentTypes } from "../schema.ts";

export const noticeKinds = ["booked", "rescheduled", "cancelled"] as const;
export type NoticeKind = (typeof noticeKinds)[number];

const footer = {
  ja: "\n\n日時: ((when))\n場所: ((place))\n予約番号: ((reference))\n\n予約の確認・変更: ((link))\nカレンダーに追加（.ics）: ((ics))",
  en: "\n\nWhen: ((when))\nWhere: ((place))\nReference: ((reference))\n\nSee or change it: ((link))\nAdd to your calendar (.ics): ((ics))",
};

/** The built-in messages; a city's own edits are new template versions. */
export const noticeTemplates: Record<NoticeKind, Record<"ja" | "en", { subject: string; body: string }>> = {
  booked: {
    ja: {
      subject: "【((city))】ご予約を承りました（予約番号 ((reference))）",
      body: `「((title))」のご予約を承りました。${footer.ja}`,
    },
    en: {
      subject: "[((city))] Your appointment is booked (reference ((reference)))",
      body: `Your appointment is booked: ((title)).${footer.en}`,
    },
  },
  rescheduled: {
    ja: {
      subject: "【((city))】ご予約の日時を変更しました（予約番号 ((reference))）",
      body: `「((title))」のご予約を次の日時に変更しました。${footer.ja}`,
    },
    en: {
      subject: "[((city))] Your appointment has moved (reference ((reference)))",
      body: `Your appointment has moved to a new time: ((title)).${footer.en}`,
    },
  },
  cancelled: {
    ja: {
      subject: "【((city))】ご予約を取り消しました（予約番号 ((reference))）",
      body: `「((title))」の次のご予約を取り消しました。${footer.ja}`,
    },
    en: {
      subject: "[((city))] Your appointment is cancelled (reference ((reference)))",
      body: `This appointment is cancelled: ((title)).${footer.en}`,
    },
  },
};

export const noticeTemplateKey = (kind: NoticeKind) => `appointments.${kind}`;

export type SendAppointmentNoticeOptions = {
  tx: Db;
  tenantId: string;
  appointmentId: string;
  kind: NoticeKind;
  /** The site's origin for the links in the message; without it the links are paths. */
  origin?: string | null;
};

/**
 * Tells the resident an appointment was booked, moved or cancelled, by inbox and email in their language, with
 * the reference, time, place and the .ics link. A phone caller without an account has no address: returns false.
 */
export async function sendAppointmentNotice(o: SendAppointmentNoticeOptions): Promise<boolean> {
  const [row] = await o.tx
    .select({ appointment: appointments, type: appointmentTypes, resident: residents, city: tenants })
    .from(appointments)
    .innerJoin(appointmentTypes, eq(appointmentTypes.id, appointments.typeId))
    .innerJoin(residents, eq(residents.id, appointments.residentId))
    .innerJoin(tenants, eq(tenants.id, appointments.tenantId))
    .where(and(eq(appointments.tenantId, o.tenantId), eq(appointments.id, o.appointmentId)));
  if (!row || row.resident.deletedAt) {
    return false;
  }
  const { appointment, type, resident, city } = row;
  const language = resident.preferredLanguage;
  const key = noticeTemplateKey(o.kind);
  for (const lang of new Set(["ja", language] as const)) {
    await ensureTemplate(o.tx, {
      tenantId: o.tenantId,
      key,
      language: lang,
      ...noticeTemplates[o.kind][lang],
    });
  }
  const link = `${o.origin ?? ""}${appointmentPath(appointment)}`;
  await sendNotification(o.tx, {
    tenantId: o.tenantId,
    templateKey: key,
    residentId: resident.id,
    language,
    channels: ["email", "inbox"],
    reference: appointment.reference,
    personalisation: {
      city: language === "ja" ? city.nameJa : city.nameEn,
      title: typeName(type, language),
      when: formatSlot(appointment.startsAt, appointment.endsAt, language),
      place: typePlace(type, language) || (language === "ja" ? "市役所" : "City hall"),
      reference: appointment.reference,
      link,
      ics: `${link}/appointment.ics`,
    },
  });
  return true;
}
