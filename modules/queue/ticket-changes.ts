import { and, eq, sql } from "drizzle-orm";
import type { Actor } from "../../core/audit/actor.ts";
import type { Db } from "../../core/db/database.ts";
import { recordChange } from "../../core/events/record-change.ts";
import type { CounterSetup, OfficeSetup } from "./line.ts";
import { queueProblems } from "./queue-problems.ts";
import { type QueueTicket, queueTickets, type TicketStatus } from "./schema.ts";

export type CounterActionOptions = {
  db: Db;
  tenantId: string;
  setup: OfficeSetup;
  counterNumber: number;
  actor: Actor;
  requestId?: string | null;
  /**
   * The ticket the staff screen showed at this counter (null: none). When given and the counter now serves
   * another, the press is refused as stale: a double click must not finish a ticket nobody saw.
   */
  expectedServingId?: string | null;
};

export function counterOf(setup: OfficeSetup, counterNumber: number): CounterSetup {
  const counter = setup.counters.find((c) => c.number === counterNumber);
  if (!counter) {
    throw queueProblems.unknownCounter();
  }
  return counter;
}

/** The ticket the counter is calling now, locked for the change, or null. */
export async function calledAt(tx: Db, counter: CounterSetup): Promise<QueueTicket | null> {
  const [ticket] = await tx
    .select()
    .from(queueTickets)
    .where(and(eq(queueTickets.counterId, counter.id), eq(queueTickets.status, "called")))
    .for("update");
  return ticket ?? null;
}

/** Refuses a press made on a screen that showed another ticket at the counter than it serves now. */
export function checkServing(
  o: Pick<CounterActionOptions, "expectedServingId">,
  serving: QueueTicket | null,
) {
  if (o.expectedServingId !== undefined && (serving?.id ?? null) !== o.expectedServingId) {
    throw queueProblems.staleScreen();
  }
}

type Change = {
  /** Audit action, e.g. "queue.ticket.complete". */
  action: string;
  /** Domain event, e.g. "queue.ticket_completed". */
  event: string;
  set: Partial<Pick<QueueTicket, "status" | "counterId" | "finishedAt" | "calledNotifiedAt">> & {
    countCall?: boolean;
  };
  /** The statuses the ticket must still have: the update is guarded, so a stale page changes nothing. */
  from: readonly TicketStatus[];
};

/**
 * Moves one ticket to its next status with a guarded UPDATE, and writes its audit record and event in the
 * same transaction. Returns null when the ticket had already moved on.
 */
export async function changeTicket(
  tx: Db,
  ticket: QueueTicket,
  change: Change,
  context: { actor: Actor; requestId?: string | null; counterNumber?: number | null },
): Promise<QueueTicket | null> {
  const { countCall, ...set } = change.set;
  const [updated] = await tx
    .update(queueTickets)
    .set({
      ...set,
      ...(countCall ? { callCount: sql`${queueTickets.callCount} + 1`, calledAt: sql`now()` } : {}),
      updatedAt: sql`now()`,
    })
    .where(
      and(
        eq(queueTickets.id, ticket.id),
        sql`${queueTickets.status} in (${sql.join(
          change.from.map((s) => sql`${s}`),
          sql`, `,
        )})`,
      ),
    )
    .returning();
  if (!updated) {
    return null;
  }
  await recordChange(tx, {
    tenantId: ticket.tenantId,
    actor: context.actor,
    action: change.action,
    resource: { type: "queue_ticket", id: ticket.id },
    before: { status: ticket.status },
    after: { status: updated.status, counterNumber: context.counterNumber ?? null },
    event: {
      name: change.event,
      payload: {
        ticketId: ticket.id,
        officeId: ticket.officeId,
        displayNumber: ticket.displayNumber,
        counterNumber: context.counterNumber ?? null,
      },
    },
    requestId: context.requestId ?? null,
  });
  return updated;
}
