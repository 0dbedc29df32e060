import { and, eq, inArray, isNull } from "drizzle-orm";
import type { Actor } from "../../../core/audit/actor.ts";
import { tokyoDate } from "../../../core/calendar/business-days.ts";
import type { Db } from "../../../core/db/database.ts";
import { recordChange } from "../../../core/events/record-change.ts";
import { queueProblems } from "../queue-problems.ts";
import { queueCategories, queueCounterCategories, queueTickets } from "../schema.ts";

/**
 * Removes a kind of procedure: no new tickets, no longer on the pages. Refused while today's tickets of it
 * are waiting, called or skipped (they may still be served). The row stays, because past tickets name it.
 */
export async function removeCategory(o: {
  db: Db;
  tenantId: string;
  officeId: string;
  categoryId: string;
  actor: Actor;
  requestId?: string | null;
  now?: Date;
}): Promise<void> {
  await o.db.transaction(async (tx) => {
    const [category] = await tx
      .select()
      .from(queueCategories)
      .where(
        and(
          eq(queueCategories.id, o.categoryId),
          eq(queueCategories.tenantId, o.tenantId),
          eq(queueCategories.officeId, o.officeId),
          isNull(queueCategories.removedAt),
        ),
      )
      .for("update");
    if (!category) {
      throw queueProblems.unknownCategoryOrCounter();
    }
    const [live] = await tx
      .select({ id: queueTickets.id })
      .from(queueTickets)
      .where(
        and(
          eq(queueTickets.categoryId, category.id),
          eq(queueTickets.serviceDate, tokyoDate(o.now ?? new Date())),
          inArray(queueTickets.status, ["waiting", "called", "skipped"]),
        ),
      )
      .limit(1);
    if (live) {
      throw queueProblems.categoryHasLiveTickets();
    }
    await tx.delete(queueCounterCategories).where(eq(queueCounterCategories.categoryId, category.id));
    await tx
      .update(queueCategories)
      .set({ removedAt: o.now ?? new Date() })
      .where(eq(queueCategories.id, category.id));
    await recordChange(tx, {
      tenantId: o.tenantId,
      actor: o.actor,
      action: "queue.category.remove",
      resource: { type: "queue_category", id: category.id },
      before: category,
      event: {
        name: "queue.category_removed",
        payload: { officeId: o.officeId, categoryId: category.id, prefix: category.prefix },
      },
      requestId: o.requestId ?? null,
    });
  });
}
