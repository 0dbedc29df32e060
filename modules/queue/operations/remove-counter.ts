import { and, eq, isNull } from "drizzle-orm";
import type { Actor } from "../../../core/audit/actor.ts";
import { tokyoDate } from "../../../core/calendar/business-days.ts";
import type { Db } from "../../../core/db/database.ts";
import { recordChange } from "../../../core/events/record-change.ts";
import { queueProblems } from "../queue-problems.ts";
import { queueCounterCategories, queueCounters, queueTickets } from "../schema.ts";

/**
 * Removes a counter: it stops serving its categories and leaves the staff page and the board. Refused
 * while it is calling one of today's tickets. The row stays, because past tickets name it.
 */
export async function removeCounter(o: {
  db: Db;
  tenantId: string;
  officeId: string;
  counterId: string;
  actor: Actor;
  requestId?: string | null;
  now?: Date;
}): Promise<void> {
  await o.db.transaction(async (tx) => {
    const [counter] = await tx
      .select()
      .from(queueCounters)
      .where(
        and(
          eq(queueCounters.id, o.counterId),
          eq(queueCounters.tenantId, o.tenantId),
          eq(queueCounters.officeId, o.officeId),
          isNull(queueCounters.removedAt),
        ),
      )
      .for("update");
    if (!counter) {
      throw queueProblems.unknownCategoryOrCounter();
    }
    // The counter row is locked, and a call shares that lock (call-next-ticket.ts), so no ticket is called
    // to it between this check and the removal.
    const [live] = await tx
      .select({ id: queueTickets.id })
      .from(queueTickets)
      .where(
        and(
          eq(queueTickets.counterId, counter.id),
          eq(queueTickets.status, "called"),
          eq(queueTickets.serviceDate, tokyoDate(o.now ?? new Date())),
        ),
      )
      .limit(1);
    if (live) {
      throw queueProblems.counterHasLiveTicket();
    }
    await tx.delete(queueCounterCategories).where(eq(queueCounterCategories.counterId, counter.id));
    await tx
      .update(queueCounters)
      .set({ removedAt: o.now ?? new Date() })
      .where(eq(queueCounters.id, counter.id));
    await recordChange(tx, {
      tenantId: o.tenantId,
      actor: o.actor,
      action: "queue.counter.remove",
      resource: { type: "queue_counter", id: counter.id },
      before: counter,
      event: {
        name: "queue.counter_removed",
        payload: { officeId: o.officeId, counterId: counter.id, counterNumber: counter.number },
      },
      requestId: o.requestId ?? null,
    });
  });
}
