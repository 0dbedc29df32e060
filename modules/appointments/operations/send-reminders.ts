import { and, eq, gt, isNotNull, isNull, lte } from "drizzle-orm";
import { systemActor } from "../../../core/audit/actor.ts";
import type { Db } from "../../../core/db/database.ts";
import { recordChange } from "../../../core/events/record-change.ts";
import { residents } from "../../../core/identity/schema.ts";
import { ensureTemplate } from "../../../core/notifications/save-template.ts";
import { sendNotification } from "../../../core/notifications/send-notification.ts";
import { tenants } from "../../../core/tenancy/schema.ts";
import { tenantOrigin } from "../../../core/tenancy/tenant-origin.ts";
import { appointmentPath, formatSlot, typeName, typePlace } from "../presenters.ts";
import { appointments, appointmentTypes } from "../schema.ts";

export const REMINDER_TEMPLATE = "appointments.reminder";

const reminderTemplates = {
  ja: {
    subject: "【((city))】ご予約のお知らせ（予約番号 ((reference))）",
    body: "「((title))」のご予約が近づいています。\n\n日時: ((when))\n場所: ((place))\n予約番号: ((reference))\n\n変更・キャンセルや事前質問の回答はこちらから確認できます。\n((link))",
  },
  en: {
    subject: "[((city))] Your appointment is coming up (reference ((reference)))",
    body: "This is a reminder of your coming appointment: ((title)).\n\nWhen: ((when))\nWhere: ((place))\nReference: ((reference))\n\nSee or change it here:\n((link))",
  },
} as const;

/**
 * How far ahead an appointment is reminded. The job runs hourly, so an appointment booked (or moved) any time
 * up to its start is still reminded, and one booked days ahead hears about a day and a half before.
 */
export const REMINDER_AHEAD_HOURS = 36;

export type SendAppointmentRemindersOptions = {
  db: Db;
  /** The clock: appointments starting after this instant and within REMINDER_AHEAD_HOURS are reminded. */
  now: Date;
  /** The configured base URL; each city's link is on its own origin (tenantOrigin), or a path without it. */
  baseUrl?: string | null;
};

/**
 * Reminds every resident of their coming appointments not reminded yet, in inbox and email, in their language.
 * Each appointment is claimed by setting reminded_at in the same transaction as its message, so a second run
 * (or two workers at once) sends nothing twice. Phone callers without an account have no address to use.
 */
export async function sendAppointmentReminders(
  o: SendAppointmentRemindersOptions,
): Promise<{ sent: number }> {
  const until = new Date(o.now.getTime() + REMINDER_AHEAD_HOURS * 3_600_000);
  const cities = await o.db.select().from(tenants);
  let sent = 0;
  for (const city of cities) {
    sent += await o.db.transaction(async (tx) => {
      let reminded = 0;
      const due = await tx
        .update(appointments)
        .set({ remindedAt: o.now })
        .where(
          and(
            eq(appointments.tenantId, city.id),
            eq(appointments.status, "booked"),
            isNull(appointments.remindedAt),
            isNotNull(appointments.residentId),
            gt(appointments.startsAt, o.now),
            lte(appointments.startsAt, until),
          ),
        )
        .returning();
      for (const appointment of due) {
        const [row] = await tx
          .select({ type: appointmentTypes, resident: residents })
          .from(appointmentTypes)
          .innerJoin(residents, eq(residents.id, appointment.residentId!))
          .where(eq(appointmentTypes.id, appointment.typeId));
        if (!row || row.resident.deletedAt) {
          continue;
        }
        reminded++;
        const language = row.resident.preferredLanguage;
        for (const lang of new Set(["ja", language] as const)) {
          await ensureTemplate(tx, {
            tenantId: city.id,
            key: REMINDER_TEMPLATE,
            language: lang,
            ...reminderTemplates[lang],
          });
        }
        await sendNotification(tx, {
          tenantId: city.id,
          templateKey: REMINDER_TEMPLATE,
          residentId: row.resident.id,
          language,
          channels: ["email", "inbox"],
          reference: appointment.reference,
          personalisation: {
            city: language === "ja" ? city.nameJa : city.nameEn,
            title: typeName(row.type, language),
            when: formatSlot(appointment.startsAt, appointment.endsAt, language),
            place: typePlace(row.type, language) || (language === "ja" ? "市役所" : "City hall"),
            reference: appointment.reference,
            link: `${tenantOrigin(o.baseUrl, city) ?? ""}${appointmentPath(appointment)}`,
          },
        });
        await recordChange(tx, {
          tenantId: city.id,
          actor: systemActor,
          action: "appointments.appointment.remind",
          resource: { type: "appointments_appointment", id: appointment.id },
          after: { remindedAt: o.now.toISOString() },
          event: { name: "appointments.appointment_reminded", payload: { appointmentId: appointment.id } },
        });
      }
      return reminded;
    });
  }
  return { sent };
}
