import { and, eq } from "drizzle-orm";
import type { Actor } from "../../../core/audit/actor.ts";
import type { Db } from "../../../core/db/database.ts";
import { recordChange } from "../../../core/events/record-change.ts";
import { problems } from "../../../core/http/problem.ts";
import { ScheduleConflict, strandedByCapacity, strandedByHours } from "../admin/schedule-conflicts.ts";
import type { TypeSettings } from "../admin/type-settings.ts";
import { type AppointmentType, appointmentTypes, openingHours } from "../schema.ts";

export type UpdateAppointmentTypeOptions = {
  tx: Db;
  tenantId: string;
  actor: Actor;
  typeId: string;
  settings: TypeSettings;
  now?: Date;
  requestId?: string | null;
};

/** The type row of the city, locked for a change of its settings, hours or closures. */
export async function lockType(tx: Db, tenantId: string, typeId: string): Promise<AppointmentType> {
  const [type] = await tx
    .select()
    .from(appointmentTypes)
    .where(and(eq(appointmentTypes.tenantId, tenantId), eq(appointmentTypes.id, typeId)))
    .for("update");
  if (!type) {
    throw problems.notFound();
  }
  return type;
}

/**
 * Changes the settings of a kind of appointment. Booked people are never left out silently: a capacity below
 * what an upcoming slot already holds, or a new length that would no longer fit the times already booked, is
 * refused with those appointments listed (ScheduleConflict), and nothing is written.
 */
export async function updateAppointmentType(o: UpdateAppointmentTypeOptions): Promise<AppointmentType> {
  const now = o.now ?? new Date();
  const before = await lockType(o.tx, o.tenantId, o.typeId);
  if (o.settings.capacityPerSlot < before.capacityPerSlot) {
    const stranded = await strandedByCapacity(o.tx, {
      tenantId: o.tenantId,
      typeId: before.id,
      now,
      capacity: o.settings.capacityPerSlot,
    });
    if (stranded.length > 0) {
      throw new ScheduleConflict(
        {
          ja: "予約が入っている枠の人数より少なくはできません。次の予約を変更するか取り消してからにしてください",
          en: "Some slots already hold more people than that. Move or cancel these appointments first",
        },
        stranded,
      );
    }
  }
  if (o.settings.durationMinutes !== before.durationMinutes) {
    const hours = await o.tx.select().from(openingHours).where(eq(openingHours.typeId, before.id));
    const stranded = await strandedByHours(o.tx, {
      tenantId: o.tenantId,
      typeId: before.id,
      now,
      periods: hours,
      durationMinutes: o.settings.durationMinutes,
    });
    if (stranded.length > 0) {
      throw new ScheduleConflict(
        {
          ja: "所要時間を変えると、次の予約の時間が枠に合わなくなります。先に変更するか取り消してください",
          en: "With this length, these appointments would no longer match a slot. Move or cancel them first",
        },
        stranded,
      );
    }
  }
  const [after] = await o.tx
    .update(appointmentTypes)
    .set(o.settings)
    .where(eq(appointmentTypes.id, before.id))
    .returning();
  const changed = Object.fromEntries(
    Object.entries(o.settings).filter(([key, value]) => before[key as keyof TypeSettings] !== value),
  );
  await recordChange(o.tx, {
    tenantId: o.tenantId,
    actor: o.actor,
    action: "appointments.type.update",
    resource: { type: "appointments_type", id: before.id },
    before: Object.fromEntries(Object.keys(changed).map((key) => [key, before[key as keyof TypeSettings]])),
    after: changed,
    event: {
      name: "appointments.type_updated",
      payload: { typeId: before.id, changed: Object.keys(changed) },
    },
    requestId: o.requestId ?? null,
  });
  return after!;
}
