import { and, count, eq, gt, sql } from "drizzle-orm";
import type { Actor } from "../../../core/audit/actor.ts";
import type { Db } from "../../../core/db/database.ts";
import { recordChange } from "../../../core/events/record-change.ts";
import type { Tenant } from "../../../core/tenancy/schema.ts";
import { refuseSlot } from "../calendar.ts";
import { loadCounter } from "../counter.ts";
import { newAppointmentReference } from "../reference.ts";
import { refuse } from "../refusals.ts";
import {
  type Appointment,
  type AppointmentType,
  appointments,
  appointmentTypes,
  type BookingChannel,
  type DisplayedAnswer,
} from "../schema.ts";
import { takePlace } from "../slot-places.ts";

/** Who the appointment is for: a resident's account, or a phone caller known by name and number. */
export type AppointmentHolder = { residentId: string } | { callerName: string; callerPhone: string | null };

export type PreQuestionAnswers = {
  formVersionId: string;
  answers: Record<string, unknown>;
  display: DisplayedAnswer[];
};

export type BookAppointmentOptions = {
  tx: Db;
  tenant: Pick<Tenant, "id" | "settings">;
  actor: Actor;
  typeId: string;
  startsAt: Date;
  holder: AppointmentHolder;
  channel: BookingChannel;
  /** The staff member booking for a caller; their key space for idempotency. */
  bookedBy: string | null;
  locale: "ja" | "en";
  idempotencyKey: string;
  preQuestions: PreQuestionAnswers | null;
  now?: Date;
  requestId?: string | null;
};

/** The type, if it is this city's and open for booking. */
export async function activeType(tx: Db, tenantId: string, typeId: string): Promise<AppointmentType> {
  const [type] = await tx
    .select()
    .from(appointmentTypes)
    .where(
      and(
        eq(appointmentTypes.tenantId, tenantId),
        eq(appointmentTypes.id, typeId),
        eq(appointmentTypes.active, true),
      ),
    );
  if (!type) {
    throw refuse("unknown_type");
  }
  return type;
}

/**
 * Books a slot. Checks and writes happen in the caller's transaction: the slot's place is taken with one
 * guarded statement (never overbooked), the resident's row is locked so their cap holds under parallel
 * requests, and a repeat of the same idempotency key returns the first booking (`repeated: true`).
 * Staff booking for a caller are not held to the online booking window, only to open, future, free slots.
 */
export async function bookAppointment(
  o: BookAppointmentOptions,
): Promise<{ appointment: Appointment; repeated: boolean }> {
  const { tx } = o;
  const now = o.now ?? new Date();
  const type = await activeType(tx, o.tenant.id, o.typeId);
  const residentId = "residentId" in o.holder ? o.holder.residentId : null;
  // Keys are unique per staff member for their bookings, and per resident for their own.
  const keyOwner = o.bookedBy
    ? eq(appointments.bookedBy, o.bookedBy)
    : residentId
      ? eq(appointments.residentId, residentId)
      : null;
  if (!keyOwner) {
    throw new Error("A booking is made by a resident for themselves or by a staff member");
  }
  if (residentId) {
    await tx.execute(
      sql`SELECT 1 FROM residents WHERE id = ${residentId} AND tenant_id = ${o.tenant.id} FOR UPDATE`,
    );
  }
  const [earlier] = await tx
    .select()
    .from(appointments)
    .where(
      and(
        eq(appointments.tenantId, o.tenant.id),
        eq(appointments.idempotencyKey, o.idempotencyKey),
        keyOwner,
      ),
    );
  if (earlier) {
    return { appointment: earlier, repeated: true };
  }
  const counter = await loadCounter(tx, o.tenant, type, now);
  const refusal = refuseSlot({ ...counter, startsAt: o.startsAt, now });
  if (refusal && !(refusal === "outside_window" && o.bookedBy)) {
    throw refuse(refusal);
  }
  if (residentId) {
    const [held] = await tx
      .select({ n: count() })
      .from(appointments)
      .where(
        and(
          eq(appointments.tenantId, o.tenant.id),
          eq(appointments.typeId, type.id),
          eq(appointments.residentId, residentId),
          eq(appointments.status, "booked"),
          gt(appointments.startsAt, now),
        ),
      );
    if ((held?.n ?? 0) >= type.maxActivePerPerson) {
      throw refuse("over_cap");
    }
  }
  if (
    !(await takePlace(tx, {
      tenantId: o.tenant.id,
      typeId: type.id,
      startsAt: o.startsAt,
      capacity: type.capacityPerSlot,
    }))
  ) {
    throw refuse("slot_full");
  }
  const [appointment] = await tx
    .insert(appointments)
    .values({
      tenantId: o.tenant.id,
      typeId: type.id,
      reference: newAppointmentReference(),
      startsAt: o.startsAt,
      endsAt: new Date(o.startsAt.getTime() + type.durationMinutes * 60_000),
      channel: o.channel,
      residentId,
      callerName: "callerName" in o.holder ? o.holder.callerName : null,
      callerPhone: "callerName" in o.holder ? o.holder.callerPhone : null,
      bookedBy: o.bookedBy,
      locale: o.locale,
      formVersionId: o.preQuestions?.formVersionId ?? null,
      answers: o.preQuestions?.answers ?? {},
      answersDisplay: o.preQuestions?.display ?? [],
      idempotencyKey: o.idempotencyKey,
    })
    .returning();
  await recordChange(tx, {
    tenantId: o.tenant.id,
    actor: o.actor,
    action: "appointments.appointment.book",
    resource: { type: "appointments_appointment", id: appointment!.id },
    after: {
      typeId: type.id,
      startsAt: o.startsAt.toISOString(),
      channel: o.channel,
      reference: appointment!.reference,
    },
    event: {
      name: "appointments.appointment_booked",
      payload: {
        appointmentId: appointment!.id,
        typeId: type.id,
        startsAt: o.startsAt.toISOString(),
        channel: o.channel,
      },
    },
    requestId: o.requestId ?? null,
  });
  return { appointment: appointment!, repeated: false };
}
