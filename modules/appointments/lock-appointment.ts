import { and, eq } from "drizzle-orm";
import type { Db } from "../../core/db/database.ts";
import { problems } from "../../core/http/problem.ts";
import { type Appointment, type AppointmentType, appointments, appointmentTypes } from "./schema.ts";

/**
 * An appointment of the city, locked for a change, with its type. With `residentId`, only that resident's
 * own: anyone else's is "not found", so ids cannot be probed.
 */
export async function lockAppointment(
  tx: Db,
  o: { tenantId: string; appointmentId: string; residentId: string | null },
): Promise<{ appointment: Appointment; type: AppointmentType }> {
  const [appointment] = await tx
    .select()
    .from(appointments)
    .where(
      and(
        eq(appointments.tenantId, o.tenantId),
        eq(appointments.id, o.appointmentId),
        ...(o.residentId ? [eq(appointments.residentId, o.residentId)] : []),
      ),
    )
    .for("update");
  if (!appointment) {
    throw problems.notFound();
  }
  const [type] = await tx
    .select()
    .from(appointmentTypes)
    .where(and(eq(appointmentTypes.tenantId, o.tenantId), eq(appointmentTypes.id, appointment.typeId)));
  return { appointment, type: type! };
}
