import { and, eq } from "drizzle-orm";
import type { Actor } from "../../../core/audit/actor.ts";
import type { Db } from "../../../core/db/database.ts";
import { recordChange } from "../../../core/events/record-change.ts";
import { problems } from "../../../core/http/problem.ts";
import { closures } from "../schema.ts";
import { lockType } from "./update-appointment-type.ts";

export type RemoveClosureOptions = {
  tx: Db;
  tenantId: string;
  actor: Actor;
  typeId: string;
  closureId: string;
  requestId?: string | null;
};

/** Opens a closed day of one counter again (its weekly hours apply). City-wide closures are not touched here. */
export async function removeClosure(o: RemoveClosureOptions): Promise<void> {
  const type = await lockType(o.tx, o.tenantId, o.typeId);
  const [removed] = await o.tx
    .delete(closures)
    .where(and(eq(closures.tenantId, o.tenantId), eq(closures.typeId, type.id), eq(closures.id, o.closureId)))
    .returning();
  if (!removed) {
    throw problems.notFound();
  }
  await recordChange(o.tx, {
    tenantId: o.tenantId,
    actor: o.actor,
    action: "appointments.closure.remove",
    resource: { type: "appointments_closure", id: removed.id },
    before: { typeId: type.id, date: removed.date, reason: { ja: removed.reasonJa, en: removed.reasonEn } },
    event: {
      name: "appointments.closure_removed",
      payload: { closureId: removed.id, typeId: type.id, date: removed.date },
    },
    requestId: o.requestId ?? null,
  });
}
