import { and, eq } from "drizzle-orm";
import type { Actor } from "../../../core/audit/actor.ts";
import { tokyoDate } from "../../../core/calendar/business-days.ts";
import type { Db } from "../../../core/db/database.ts";
import type { OfficeSetup } from "../line.ts";
import { queueProblems } from "../queue-problems.ts";
import { type QueueTicket, queueTickets } from "../schema.ts";
import { changeTicket } from "../ticket-changes.ts";

/**
 * Puts a called or skipped ticket back in the line at its own number (the resident turned up late), so
 * the next call at any counter serving its category picks it up. Only today's tickets: yesterday's line is
 * over. The "called" notice is cleared so the holder is told again when called next.
 */
export async function requeueTicket(o: {
  db: Db;
  tenantId: string;
  setup: OfficeSetup;
  ticketId: string;
  actor: Actor;
  requestId?: string | null;
  now?: Date;
}): Promise<QueueTicket> {
  return o.db.transaction(async (tx) => {
    const [ticket] = await tx
      .select()
      .from(queueTickets)
      .where(
        and(
          eq(queueTickets.id, o.ticketId),
          eq(queueTickets.tenantId, o.tenantId),
          eq(queueTickets.officeId, o.setup.office.id),
          eq(queueTickets.serviceDate, tokyoDate(o.now ?? new Date())),
        ),
      )
      .for("update");
    const requeued = ticket
      ? await changeTicket(
          tx,
          ticket,
          {
            action: "queue.ticket.requeue",
            event: "queue.ticket_requeued",
            set: { status: "waiting", counterId: null, finishedAt: null, calledNotifiedAt: null },
            from: ["called", "skipped"],
          },
          { actor: o.actor, requestId: o.requestId ?? null },
        )
      : null;
    if (!requeued) {
      throw queueProblems.ticketNotActive();
    }
    return requeued;
  });
}
