import { and, asc, eq, gte, lt } from "drizzle-orm";
import type { Actor } from "../../../core/audit/actor.ts";
import { recordAudit } from "../../../core/audit/record-audit.ts";
import { type CalendarDate, startOfTokyoDay } from "../../../core/calendar/business-days.ts";
import type { Db } from "../../../core/db/database.ts";
import { residents } from "../../../core/identity/schema.ts";
import { shiftDate } from "../calendar.ts";
import { type Appointment, appointments } from "../schema.ts";

export type ScheduledAppointment = Appointment & {
  resident: { displayName: string | null; email: string | null } | null;
};

export type ReadDayScheduleOptions = {
  db: Db;
  tenantId: string;
  actor: Actor;
  typeId: string;
  date: CalendarDate;
  requestId?: string | null;
  ip?: string | null;
};

/**
 * A counter's appointments of one day, with who is coming and their pre-question answers. Showing them is a
 * read of personal data, so it is audited with the appointments shown.
 */
export async function readDaySchedule(o: ReadDayScheduleOptions): Promise<ScheduledAppointment[]> {
  const rows = await o.db
    .select({ appointment: appointments, displayName: residents.displayName, email: residents.email })
    .from(appointments)
    .leftJoin(residents, eq(residents.id, appointments.residentId))
    .where(
      and(
        eq(appointments.tenantId, o.tenantId),
        eq(appointments.typeId, o.typeId),
        gte(appointments.startsAt, startOfTokyoDay(o.date)),
        lt(appointments.startsAt, startOfTokyoDay(shiftDate(o.date, 1))),
      ),
    )
    .orderBy(asc(appointments.startsAt), asc(appointments.createdAt));
  await recordAudit(o.db, {
    tenantId: o.tenantId,
    actor: o.actor,
    action: "appointments.appointment.read",
    resource: { type: "appointments_day", id: `${o.typeId}/${o.date}` },
    after: { appointmentIds: rows.map((row) => row.appointment.id) },
    requestId: o.requestId ?? null,
    ip: o.ip ?? null,
  });
  return rows.map((row) => ({
    ...row.appointment,
    resident: row.appointment.residentId ? { displayName: row.displayName, email: row.email } : null,
  }));
}
