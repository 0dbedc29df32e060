import { and, asc, eq, inArray, isNull } from "drizzle-orm";
import { tokyoDate } from "../../../core/calendar/business-days.ts";
import { queueProblems, sqlState } from "../queue-problems.ts";
import { type QueueTicket, queueCounters, queueTickets } from "../schema.ts";
import {
  type CounterActionOptions,
  calledAt,
  changeTicket,
  checkServing,
  counterOf,
} from "../ticket-changes.ts";

export type CallNextTicketOptions = CounterActionOptions & {
  /** A particular waiting ticket (someone who stepped out and came back) instead of the line's next. */
  ticketId?: string | null;
  now?: Date;
};

/**
 * Calls the next waiting ticket of the categories this counter serves, finishing the one it was serving.
 * The candidate is picked with FOR UPDATE SKIP LOCKED and changed in the same transaction, so counters
 * calling at once each get a different ticket and none is called twice or passed over.
 */
export async function callNextTicket(
  o: CallNextTicketOptions,
): Promise<{ called: QueueTicket | null; finished: QueueTicket | null }> {
  const counter = counterOf(o.setup, o.counterNumber);
  if (counter.categoryIds.length === 0) {
    throw queueProblems.counterNotServing();
  }
  // Two presses at the same counter at once: the later one may see the earlier one's call only when it
  // tries to put a second ticket on the counter (unique index); it then starts over and sees it.
  for (let attempt = 1; ; attempt++) {
    try {
      return await callOnce(o, counter);
    } catch (error) {
      const state = sqlState(error);
      if (attempt >= 5 || (state !== "23505" && state !== "40P01")) {
        throw error;
      }
    }
  }
}

async function callOnce(
  o: CallNextTicketOptions,
  counter: ReturnType<typeof counterOf>,
): Promise<{ called: QueueTicket | null; finished: QueueTicket | null }> {
  const context = { actor: o.actor, requestId: o.requestId ?? null, counterNumber: counter.number };
  return o.db.transaction(async (tx) => {
    // Removing a counter locks its row for update: sharing the lock here means no call lands on a counter
    // being removed, and a removed one is refused.
    const [current] = await tx
      .select({ id: queueCounters.id })
      .from(queueCounters)
      .where(and(eq(queueCounters.id, counter.id), isNull(queueCounters.removedAt)))
      .for("share");
    if (!current) {
      throw queueProblems.unknownCounter();
    }
    const serving = await calledAt(tx, counter);
    checkServing(o, serving);
    const today = tokyoDate(o.now ?? new Date());
    const finished = serving
      ? await changeTicket(
          tx,
          serving,
          {
            action: "queue.ticket.complete",
            event: "queue.ticket_completed",
            set: { status: "done", finishedAt: new Date() },
            from: ["called"],
          },
          context,
        )
      : null;
    const line = and(
      eq(queueTickets.tenantId, o.tenantId),
      eq(queueTickets.officeId, o.setup.office.id),
      eq(queueTickets.status, "waiting"),
      // Only today's line: a ticket left waiting from an earlier day is not called by its id either.
      eq(queueTickets.serviceDate, today),
    );
    let candidate: QueueTicket | undefined;
    if (o.ticketId) {
      [candidate] = await tx
        .select()
        .from(queueTickets)
        .where(and(line, eq(queueTickets.id, o.ticketId)))
        .for("update");
      if (!candidate) {
        throw queueProblems.ticketNotActive();
      }
      if (!counter.categoryIds.includes(candidate.categoryId)) {
        throw queueProblems.counterNotServing();
      }
    } else {
      [candidate] = await tx
        .select()
        .from(queueTickets)
        .where(and(line, inArray(queueTickets.categoryId, counter.categoryIds)))
        .orderBy(asc(queueTickets.number))
        .limit(1)
        .for("update", { skipLocked: true });
    }
    if (!candidate) {
      return { called: null, finished };
    }
    const called = await changeTicket(
      tx,
      candidate,
      {
        action: "queue.ticket.call",
        event: "queue.ticket_called",
        set: { status: "called", counterId: counter.id, countCall: true },
        from: ["waiting"],
      },
      context,
    );
    return { called, finished };
  });
}
