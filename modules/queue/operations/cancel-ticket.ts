import { and, eq } from "drizzle-orm";
import type { Actor } from "../../../core/audit/actor.ts";
import type { Db } from "../../../core/db/database.ts";
import { queueProblems } from "../queue-problems.ts";
import { type QueueTicket, queueTickets } from "../schema.ts";
import { changeTicket } from "../ticket-changes.ts";

/** The holder gives up their place (from the status page, with the ticket's secret). */
export async function cancelTicket(o: {
  db: Db;
  tenantId: string;
  token: string;
  actor: Actor;
  requestId?: string | null;
}): Promise<QueueTicket> {
  return o.db.transaction(async (tx) => {
    const [ticket] = await tx
      .select()
      .from(queueTickets)
      .where(and(eq(queueTickets.token, o.token), eq(queueTickets.tenantId, o.tenantId)))
      .for("update");
    if (!ticket) {
      throw queueProblems.ticketNotActive();
    }
    const cancelled = await changeTicket(
      tx,
      ticket,
      {
        action: "queue.ticket.cancel",
        event: "queue.ticket_cancelled",
        set: { status: "cancelled", counterId: null, finishedAt: new Date() },
        from: ["waiting"],
      },
      { actor: o.actor, requestId: o.requestId ?? null },
    );
    if (!cancelled) {
      throw queueProblems.ticketNotActive();
    }
    return cancelled;
  });
}
