import { and, eq } from "drizzle-orm";
import type { Actor } from "../../../core/audit/actor.ts";
import type { Db } from "../../../core/db/database.ts";
import { recordChange } from "../../../core/events/record-change.ts";
import { problems } from "../../../core/http/problem.ts";
import { facilityClosures } from "../schema.ts";
import { lockFacility } from "../setup-guards.ts";

export type RemoveFacilityClosureOptions = {
  db: Db;
  tenantId: string;
  actor: Actor;
  facilityId: string;
  closureId: string;
  requestId?: string | null;
};

/** Takes an ad-hoc closure away: the days open again (no booking is affected). */
export async function removeFacilityClosure(o: RemoveFacilityClosureOptions): Promise<void> {
  await o.db.transaction(async (tx) => {
    const facility = await lockFacility(tx, o.tenantId, o.facilityId);
    const [removed] = await tx
      .delete(facilityClosures)
      .where(
        and(
          eq(facilityClosures.id, o.closureId),
          eq(facilityClosures.tenantId, o.tenantId),
          eq(facilityClosures.facilityId, facility.id),
        ),
      )
      .returning();
    if (!removed) {
      throw problems.notFound();
    }
    await recordChange(tx, {
      tenantId: o.tenantId,
      actor: o.actor,
      action: "facilities.closure.delete",
      resource: { type: "facilities_closure", id: removed.id },
      before: {
        facilityId: facility.id,
        fromDate: removed.fromDate,
        toDate: removed.toDate,
        reasonJa: removed.reasonJa,
        reasonEn: removed.reasonEn,
      },
      event: {
        name: "facilities.closure_removed",
        payload: { facilityId: facility.id, closureId: removed.id },
      },
      requestId: o.requestId ?? null,
    });
  });
}
