import { and, eq, inArray, isNull } from "drizzle-orm";
import type { Actor } from "../../../core/audit/actor.ts";
import type { Db } from "../../../core/db/database.ts";
import { recordChange } from "../../../core/events/record-change.ts";
import type { CategoryValues } from "../office-settings-forms.ts";
import { queueProblems, sqlState } from "../queue-problems.ts";
import { type QueueCategory, queueCategories, queueCounterCategories, queueCounters } from "../schema.ts";

/**
 * Adds a kind of procedure to an office (no `categoryId`) or changes one, with the counters that serve it.
 * The prefix letter is unique per office among current categories.
 */
export async function saveCategory(o: {
  db: Db;
  tenantId: string;
  officeId: string;
  categoryId?: string;
  values: CategoryValues;
  actor: Actor;
  requestId?: string | null;
}): Promise<QueueCategory> {
  const { counterIds, ...columns } = o.values;
  try {
    return await o.db.transaction(async (tx) => {
      const counters =
        counterIds.length === 0
          ? []
          : await tx
              .select({ id: queueCounters.id })
              .from(queueCounters)
              .where(
                and(
                  inArray(queueCounters.id, counterIds),
                  eq(queueCounters.officeId, o.officeId),
                  eq(queueCounters.tenantId, o.tenantId),
                  isNull(queueCounters.removedAt),
                ),
              );
      if (counters.length !== counterIds.length) {
        throw queueProblems.unknownCategoryOrCounter();
      }
      let before: QueueCategory | null = null;
      let saved: QueueCategory;
      if (o.categoryId) {
        const where = and(
          eq(queueCategories.id, o.categoryId),
          eq(queueCategories.tenantId, o.tenantId),
          eq(queueCategories.officeId, o.officeId),
          isNull(queueCategories.removedAt),
        );
        [before = null] = await tx.select().from(queueCategories).where(where).for("update");
        if (!before) {
          throw queueProblems.unknownCategoryOrCounter();
        }
        [saved] = (await tx.update(queueCategories).set(columns).where(where).returning()) as [QueueCategory];
        await tx.delete(queueCounterCategories).where(eq(queueCounterCategories.categoryId, before.id));
      } else {
        [saved] = (await tx
          .insert(queueCategories)
          .values({ tenantId: o.tenantId, officeId: o.officeId, ...columns })
          .returning()) as [QueueCategory];
      }
      if (counterIds.length > 0) {
        await tx
          .insert(queueCounterCategories)
          .values(counterIds.map((counterId) => ({ tenantId: o.tenantId, counterId, categoryId: saved.id })));
      }
      await recordChange(tx, {
        tenantId: o.tenantId,
        actor: o.actor,
        action: before ? "queue.category.update" : "queue.category.add",
        resource: { type: "queue_category", id: saved.id },
        before: before ? { ...before } : undefined,
        after: { ...saved, counterIds },
        event: {
          name: before ? "queue.category_updated" : "queue.category_added",
          payload: { officeId: o.officeId, categoryId: saved.id, prefix: saved.prefix },
        },
        requestId: o.requestId ?? null,
      });
      return saved;
    });
  } catch (error) {
    if (sqlState(error) === "23505") {
      throw queueProblems.prefixTaken();
    }
    throw error;
  }
}
