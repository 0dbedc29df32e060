import { randomBytes } from "node:crypto";
import { and, eq, isNull, sql } from "drizzle-orm";
import type { Actor } from "../../../core/audit/actor.ts";
import type { Db } from "../../../core/db/database.ts";
import { recordChange } from "../../../core/events/record-change.ts";
import type { Tenant } from "../../../core/tenancy/schema.ts";
import type { OfficeSetup } from "../line.ts";
import { officeDay } from "../office-hours.ts";
import { queueProblems, sqlState } from "../queue-problems.ts";
import { type QueueTicket, queueCategories, queueDaySequences, queueTickets } from "../schema.ts";

export type IssueTicketOptions = {
  db: Db;
  tenant: Tenant;
  setup: OfficeSetup;
  categoryPrefix: string;
  channel: "kiosk" | "online";
  /** A signed-in resident hears about the ticket in their inbox and by email. */
  residentId: string | null;
  /** A guest may leave an address to be told by email. */
  guestEmail: string | null;
  language: "ja" | "en";
  /** The site's origin, for the status link in later notices. */
  origin: string;
  /** From the form that asked: a repeat with the same key gets the first ticket. */
  idempotencyKey: string | null;
  actor: Actor;
  requestId?: string | null;
  now?: Date;
};

/**
 * The ticket an earlier request with the same key made, if any. A resident's key is theirs alone; a guest's
 * only counts at the same office on the same day, so a key reused elsewhere never returns a stranger's ticket.
 */
async function earlierTicket(
  db: Db,
  o: IssueTicketOptions,
  serviceDate: string,
): Promise<QueueTicket | null> {
  if (!o.idempotencyKey) {
    return null;
  }
  const [found] = await db
    .select()
    .from(queueTickets)
    .where(
      and(
        eq(queueTickets.tenantId, o.tenant.id),
        eq(queueTickets.idempotencyKey, o.idempotencyKey),
        o.residentId
          ? eq(queueTickets.residentId, o.residentId)
          : and(
              isNull(queueTickets.residentId),
              eq(queueTickets.officeId, o.setup.office.id),
              eq(queueTickets.serviceDate, serviceDate),
            ),
      ),
    );
  return found ?? null;
}

/**
 * Issues the next numbered ticket of the office's day. The day's number comes from one atomic upsert of the
 * office's sequence row, so two residents at the same moment never share a number.
 */
export async function issueTicket(
  o: IssueTicketOptions,
): Promise<{ ticket: QueueTicket; repeated: boolean }> {
  const day = officeDay(o.setup.office, o.tenant.settings, o.now ?? new Date());
  const earlier = await earlierTicket(o.db, o, day.date);
  if (earlier) {
    return { ticket: earlier, repeated: true };
  }
  if (!day.open) {
    throw queueProblems.officeClosed(day.reason);
  }
  const category = o.setup.categories.find((c) => c.prefix === o.categoryPrefix);
  if (!category) {
    throw queueProblems.unknownCategory();
  }
  try {
    const ticket = await o.db.transaction(async (tx) => {
      // Removing a category locks its row for update; sharing the lock means no ticket of a category being
      // removed is issued, and a removed one is refused.
      const [current] = await tx
        .select({ id: queueCategories.id })
        .from(queueCategories)
        .where(and(eq(queueCategories.id, category.id), isNull(queueCategories.removedAt)))
        .for("share");
      if (!current) {
        throw queueProblems.unknownCategory();
      }
      const [sequence] = await tx
        .insert(queueDaySequences)
        .values({ tenantId: o.tenant.id, officeId: o.setup.office.id, serviceDate: day.date, lastNumber: 1 })
        .onConflictDoUpdate({
          target: [queueDaySequences.officeId, queueDaySequences.serviceDate],
          set: { lastNumber: sql`${queueDaySequences.lastNumber} + 1` },
        })
        .returning({ number: queueDaySequences.lastNumber });
      const number = sequence!.number;
      const [ticket] = await tx
        .insert(queueTickets)
        .values({
          tenantId: o.tenant.id,
          officeId: o.setup.office.id,
          categoryId: category.id,
          serviceDate: day.date,
          number,
          displayNumber: `${category.prefix}${String(number).padStart(3, "0")}`,
          token: randomBytes(24).toString("base64url"),
          origin: o.origin,
          channel: o.channel,
          residentId: o.residentId,
          guestEmail: o.residentId ? null : o.guestEmail,
          language: o.language,
          idempotencyKey: o.idempotencyKey,
        })
        .returning();
      await recordChange(tx, {
        tenantId: o.tenant.id,
        actor: o.actor,
        action: "queue.ticket.issue",
        resource: { type: "queue_ticket", id: ticket!.id },
        after: { officeId: ticket!.officeId, displayNumber: ticket!.displayNumber, channel: ticket!.channel },
        event: {
          name: "queue.ticket_issued",
          payload: {
            ticketId: ticket!.id,
            officeId: ticket!.officeId,
            categoryId: ticket!.categoryId,
            displayNumber: ticket!.displayNumber,
          },
        },
        requestId: o.requestId ?? null,
      });
      return ticket!;
    });
    return { ticket, repeated: false };
  } catch (error) {
    if (sqlState(error) === "23505") {
      // The same key won a race with this request, or the resident (or the guest's address) already holds
      // a live ticket.
      const raced = await earlierTicket(o.db, o, day.date);
      if (raced) {
        return { ticket: raced, repeated: true };
      }
      throw o.residentId ? queueProblems.alreadyHolding() : queueProblems.emailAlreadyHolding();
    }
    throw error;
  }
}
