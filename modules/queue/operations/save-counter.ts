import { and, eq, isNull } from "drizzle-orm";
import type { Actor } from "../../../core/audit/actor.ts";
import type { Db } from "../../../core/db/database.ts";
import { recordChange } from "../../../core/events/record-change.ts";
import type { CounterValues } from "../office-settings-forms.ts";
import { queueProblems, sqlState } from "../queue-problems.ts";
import { type QueueCounter, queueCounters } from "../schema.ts";

/** Adds a counter to an office (no `counterId`) or renumbers / renames one. Numbers are unique per office. */
export async function saveCounter(o: {
  db: Db;
  tenantId: string;
  officeId: string;
  counterId?: string;
  values: CounterValues;
  actor: Actor;
  requestId?: string | null;
}): Promise<QueueCounter> {
  try {
    return await o.db.transaction(async (tx) => {
      if (!o.counterId) {
        const [added] = await tx
          .insert(queueCounters)
          .values({ tenantId: o.tenantId, officeId: o.officeId, ...o.values })
          .returning();
        await recordChange(tx, {
          tenantId: o.tenantId,
          actor: o.actor,
          action: "queue.counter.add",
          resource: { type: "queue_counter", id: added!.id },
          after: added,
          event: {
            name: "queue.counter_added",
            payload: { officeId: o.officeId, counterId: added!.id, counterNumber: added!.number },
          },
          requestId: o.requestId ?? null,
        });
        return added!;
      }
      const where = and(
        eq(queueCounters.id, o.counterId),
        eq(queueCounters.tenantId, o.tenantId),
        eq(queueCounters.officeId, o.officeId),
        isNull(queueCounters.removedAt),
      );
      const [before] = await tx.select().from(queueCounters).where(where).for("update");
      if (!before) {
        throw queueProblems.unknownCategoryOrCounter();
      }
      const [after] = await tx.update(queueCounters).set(o.values).where(where).returning();
      await recordChange(tx, {
        tenantId: o.tenantId,
        actor: o.actor,
        action: "queue.counter.update",
        resource: { type: "queue_counter", id: before.id },
        before,
        after,
        event: {
          name: "queue.counter_updated",
          payload: { officeId: o.officeId, counterId: before.id, counterNumber: after!.number },
        },
        requestId: o.requestId ?? null,
      });
      return after!;
    });
  } catch (error) {
    if (sqlState(error) === "23505") {
      throw queueProblems.counterNumberTaken();
    }
    throw error;
  }
}
