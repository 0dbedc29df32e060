import { eq } from "drizzle-orm";
import type { Actor } from "../../../core/audit/actor.ts";
import { tokyoDate } from "../../../core/calendar/business-days.ts";
import type { Db } from "../../../core/db/database.ts";
import { recordChange } from "../../../core/events/record-change.ts";
import { ProblemError } from "../../../core/http/problem.ts";
import { lockAppointment } from "../lock-appointment.ts";
import { refuse } from "../refusals.ts";
import { type Appointment, appointments } from "../schema.ts";

export type MarkAttendanceOptions = {
  tx: Db;
  tenantId: string;
  actor: Actor;
  appointmentId: string;
  status: "arrived" | "no_show";
  now?: Date;
  requestId?: string | null;
};

/** Staff record that the person came (来庁) or did not: only on or after the day, never for a cancelled one. */
export async function markAttendance(o: MarkAttendanceOptions): Promise<Appointment> {
  const now = o.now ?? new Date();
  const { appointment } = await lockAppointment(o.tx, {
    tenantId: o.tenantId,
    appointmentId: o.appointmentId,
    residentId: null,
  });
  if (appointment.status === "cancelled") {
    throw refuse("not_active");
  }
  if (tokyoDate(appointment.startsAt) > tokyoDate(now)) {
    throw new ProblemError(409, "appointments-not-yet", {
      ja: "予約日より前には来庁・不来庁を記録できません",
      en: "Attendance can be recorded from the day of the appointment",
    });
  }
  const [marked] = await o.tx
    .update(appointments)
    .set({ status: o.status, updatedAt: now })
    .where(eq(appointments.id, appointment.id))
    .returning();
  await recordChange(o.tx, {
    tenantId: o.tenantId,
    actor: o.actor,
    action: "appointments.appointment.mark",
    resource: { type: "appointments_appointment", id: appointment.id },
    before: { status: appointment.status },
    after: { status: o.status },
    event: {
      name: "appointments.appointment_attendance_marked",
      payload: { appointmentId: appointment.id, status: o.status },
    },
    requestId: o.requestId ?? null,
  });
  return marked!;
}
