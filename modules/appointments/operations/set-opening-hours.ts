import { eq } from "drizzle-orm";
import type { Actor } from "../../../core/audit/actor.ts";
import type { Db } from "../../../core/db/database.ts";
import { recordChange } from "../../../core/events/record-change.ts";
import { ScheduleConflict, strandedByHours } from "../admin/schedule-conflicts.ts";
import type { Period } from "../admin/weekly-hours.ts";
import { openingHours } from "../schema.ts";
import { lockType } from "./update-appointment-type.ts";

export type SetOpeningHoursOptions = {
  tx: Db;
  tenantId: string;
  actor: Actor;
  typeId: string;
  /** The whole week, already checked by parseWeeklyHours (times, order, overlaps, length). */
  periods: readonly Period[];
  now?: Date;
  requestId?: string | null;
};

/**
 * Replaces a type's weekly hours. If an upcoming appointment's time would no longer be a slot, the change is
 * refused with those appointments listed (ScheduleConflict) and the old hours stay.
 */
export async function setOpeningHours(o: SetOpeningHoursOptions): Promise<void> {
  const now = o.now ?? new Date();
  const type = await lockType(o.tx, o.tenantId, o.typeId);
  const stranded = await strandedByHours(o.tx, {
    tenantId: o.tenantId,
    typeId: type.id,
    now,
    periods: o.periods,
    durationMinutes: type.durationMinutes,
  });
  if (stranded.length > 0) {
    throw new ScheduleConflict(
      {
        ja: "次の予約が新しい受付時間から外れます。先に変更するか取り消してください",
        en: "These appointments fall outside the new hours. Move or cancel them first",
      },
      stranded,
    );
  }
  const before = await o.tx
    .delete(openingHours)
    .where(eq(openingHours.typeId, type.id))
    .returning({ weekday: openingHours.weekday, opens: openingHours.opens, closes: openingHours.closes });
  if (o.periods.length > 0) {
    await o.tx
      .insert(openingHours)
      .values(o.periods.map((period) => ({ tenantId: o.tenantId, typeId: type.id, ...period })));
  }
  await recordChange(o.tx, {
    tenantId: o.tenantId,
    actor: o.actor,
    action: "appointments.type.set_hours",
    resource: { type: "appointments_type", id: type.id },
    before: { periods: before },
    after: { periods: o.periods },
    event: {
      name: "appointments.type_hours_changed",
      payload: { typeId: type.id, periods: o.periods.length },
    },
    requestId: o.requestId ?? null,
  });
}
