import { eq } from "drizzle-orm";
import type { Actor } from "../../../core/audit/actor.ts";
import type { Db } from "../../../core/db/database.ts";
import { recordChange } from "../../../core/events/record-change.ts";
import type { Tenant } from "../../../core/tenancy/schema.ts";
import { canStillChange, refuseSlot } from "../calendar.ts";
import { loadCounter } from "../counter.ts";
import { lockAppointment } from "../lock-appointment.ts";
import { refuse } from "../refusals.ts";
import { type Appointment, appointments } from "../schema.ts";
import { lockSlots, releasePlace, takePlace } from "../slot-places.ts";

export type RescheduleAppointmentOptions = {
  tx: Db;
  tenant: Pick<Tenant, "id" | "settings">;
  actor: Actor;
  appointmentId: string;
  /** The resident moving their own appointment (held to the deadline and window); null for staff. */
  residentId: string | null;
  startsAt: Date;
  now?: Date;
  requestId?: string | null;
};

/**
 * Moves an appointment to another slot of the same type: the new place is taken (guarded, so never
 * overbooked) and the old one given back in the same transaction, so a full new slot leaves the old booking
 * exactly as it was. The reminder is sent again for the new day.
 */
export async function rescheduleAppointment(o: RescheduleAppointmentOptions): Promise<Appointment> {
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
  if (appointment.startsAt.getTime() === o.startsAt.getTime()) {
    throw refuse("same_slot");
  }
  const counter = await loadCounter(o.tx, o.tenant, type, now);
  const refusal = refuseSlot({ ...counter, startsAt: o.startsAt, now });
  if (refusal && !(refusal === "outside_window" && !o.residentId)) {
    throw refuse(refusal);
  }
  await lockSlots(o.tx, { typeId: type.id, startsAts: [appointment.startsAt, o.startsAt] });
  if (
    !(await takePlace(o.tx, {
      tenantId: o.tenant.id,
      typeId: type.id,
      startsAt: o.startsAt,
      capacity: type.capacityPerSlot,
    }))
  ) {
    throw refuse("slot_full");
  }
  await releasePlace(o.tx, { typeId: type.id, startsAt: appointment.startsAt });
  const [moved] = await o.tx
    .update(appointments)
    .set({
      startsAt: o.startsAt,
      endsAt: new Date(o.startsAt.getTime() + type.durationMinutes * 60_000),
      remindedAt: null,
      updatedAt: now,
    })
    .where(eq(appointments.id, appointment.id))
    .returning();
  await recordChange(o.tx, {
    tenantId: o.tenant.id,
    actor: o.actor,
    action: "appointments.appointment.reschedule",
    resource: { type: "appointments_appointment", id: appointment.id },
    before: { startsAt: appointment.startsAt.toISOString() },
    after: { startsAt: o.startsAt.toISOString() },
    event: {
      name: "appointments.appointment_rescheduled",
      payload: {
        appointmentId: appointment.id,
        typeId: type.id,
        from: appointment.startsAt.toISOString(),
        to: o.startsAt.toISOString(),
      },
    },
    requestId: o.requestId ?? null,
  });
  return moved!;
}
