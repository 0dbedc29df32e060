import type { Actor } from "../../../core/audit/actor.ts";
import type { Db } from "../../../core/db/database.ts";
import { recordChange } from "../../../core/events/record-change.ts";
import { ScheduleConflict, strandedByClosure } from "../admin/schedule-conflicts.ts";
import { closures } from "../schema.ts";
import { lockType } from "./update-appointment-type.ts";

export type AddClosureOptions = {
  tx: Db;
  tenantId: string;
  actor: Actor;
  typeId: string;
  /** A checked calendar date (YYYY-MM-DD). */
  date: string;
  reason: { ja: string; en: string };
  now?: Date;
  requestId?: string | null;
};

/** Closes one counter for a day. A day that already has appointments is refused with them listed. */
export async function addClosure(o: AddClosureOptions): Promise<{ id: string }> {
  const now = o.now ?? new Date();
  const type = await lockType(o.tx, o.tenantId, o.typeId);
  const stranded = await strandedByClosure(o.tx, {
    tenantId: o.tenantId,
    typeId: type.id,
    now,
    date: o.date,
  });
  if (stranded.length > 0) {
    throw new ScheduleConflict(
      {
        ja: "この日には予約が入っています。先に変更するか取り消してください",
        en: "There are appointments on this day. Move or cancel them first",
      },
      stranded,
    );
  }
  const [closure] = await o.tx
    .insert(closures)
    .values({
      tenantId: o.tenantId,
      typeId: type.id,
      date: o.date,
      reasonJa: o.reason.ja,
      reasonEn: o.reason.en,
    })
    .returning({ id: closures.id });
  await recordChange(o.tx, {
    tenantId: o.tenantId,
    actor: o.actor,
    action: "appointments.closure.add",
    resource: { type: "appointments_closure", id: closure!.id },
    after: { typeId: type.id, date: o.date, reason: o.reason },
    event: {
      name: "appointments.closure_added",
      payload: { closureId: closure!.id, typeId: type.id, date: o.date },
    },
    requestId: o.requestId ?? null,
  });
  return closure!;
}
