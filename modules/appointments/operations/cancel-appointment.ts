import { eq } from "drizzle-orm";
import type { Actor } from "../../../core/audit/actor.ts";
import type { Db } from "../../../core/db/database.ts";
import { recordChange } from "../../../core/events/record-change.ts";
import type { Tenant } from "../../../core/tenancy/schema.ts";
import { canStillChange } from "../calendar.ts";
import { lockAppointment } from "../lock-appointment.ts";
import { refuse } from "../refusals.ts";
import { type Appointment, appointments } from "../schema.ts";
import { releasePlace } from "../slot-places.ts";

export type CancelAppointmentOptions = {
  tx: Db;
  tenant: Pick<Tenant, "id" | "settings">;
  actor: Actor;
  appointmentId: string;
  /** The resident cancelling their own appointment (held to the deadline); null for staff. */
  residentId: string | null;
  now?: Date;
  requestId?: string | null;
};

/** Cancels a booked appointment and gives its place back, in one transaction. */
export async function cancelAppointment(o: CancelAppointmentOptions): Promise<Appointment> {
  const now = o.now ?? new Date();
  const { appointment, type } = await lockAppointment(o.tx, {
    tenantId: o.tenant.id,
    appointmentId: o.appointmentId,
    residentId: o.residentId,
  });
  if (appointment.status !== "booked") {
    throw refuse("not_active");
  }
  if (o.residentId && !canStillChange(type, appointment.startsAt, now, o.tenant.settings)) {
    throw refuse("too_late");
  }
  await releasePlace(o.tx, { typeId: appointment.typeId, startsAt: appointment.startsAt });
  const [cancelled] = await o.tx
    .update(appointments)
    .set({ status: "cancelled", cancelledAt: now, updatedAt: now })
    .where(eq(appointments.id, appointment.id))
    .returning();
  await recordChange(o.tx, {
    tenantId: o.tenant.id,
    actor: o.actor,
    action: "appointments.appointment.cancel",
    resource: { type: "appointments_appointment", id: appointment.id },
    before: { status: appointment.status },
    after: { status: "cancelled" },
    event: {
      name: "appointments.appointment_cancelled",
      payload: {
        appointmentId: appointment.id,
        typeId: appointment.typeId,
        startsAt: appointment.startsAt.toISOString(),
      },
    },
    requestId: o.requestId ?? null,
  });
  return cancelled!;
}
