import { and, desc, eq } from "drizzle-orm";
import type { ResidentRecord, ResidentRecordsQuery } from "../../core/module.ts";
import { appointmentPath, formatSlot, statusLabels } from "./presenters.ts";
import { appointments, appointmentTypes } from "./schema.ts";

/** The resident's counter appointments for My page, each linking to its page (reschedule, cancel, .ics). */
export async function appointmentRecords({
  db,
  tenantId,
  residentId,
}: ResidentRecordsQuery): Promise<ResidentRecord[]> {
  const rows = await db
    .select({ appointment: appointments, type: appointmentTypes })
    .from(appointments)
    .innerJoin(appointmentTypes, eq(appointmentTypes.id, appointments.typeId))
    .where(and(eq(appointments.tenantId, tenantId), eq(appointments.residentId, residentId)))
    .orderBy(desc(appointments.startsAt))
    .limit(100);
  return rows.map(({ appointment, type }) => ({
    kind: "booking",
    id: appointment.id,
    title: {
      ja: `${type.nameJa} ${formatSlot(appointment.startsAt, appointment.endsAt, "ja")}（予約番号 ${appointment.reference}）`,
      en: `${type.nameEn}, ${formatSlot(appointment.startsAt, appointment.endsAt, "en")} (reference ${appointment.reference})`,
    },
    status: statusLabels[appointment.status],
    href: appointmentPath(appointment),
    updatedAt: appointment.updatedAt,
  }));
}
