import { and, asc, eq, isNull, sql } from "drizzle-orm";
import type { Db } from "../../../core/db/database.ts";
import { ensureTemplate } from "../../../core/notifications/save-template.ts";
import { sendNotification } from "../../../core/notifications/send-notification.ts";
import { tenants } from "../../../core/tenancy/schema.ts";
import { type QueueTicket, queueCounters, queueOffices, queueTickets } from "../schema.ts";

type Template = { subject: string; body: string };

export const queueTemplates: Record<
  "queue.ticket_near" | "queue.ticket_called",
  Record<"ja" | "en", Template>
> = {
  "queue.ticket_near": {
    ja: {
      subject: "【((city))】まもなく順番です（整理券 ((number))）",
      body: "((office))の整理券 ((number)) の前は、あと((ahead))人です。窓口の近くでお待ちください。\n\n((link))",
    },
    en: {
      subject: "[((city))] Your turn is near (ticket ((number)))",
      body: "((ahead)) people are ahead of ticket ((number)) at ((office)). Please wait near the counters.\n\n((link))",
    },
  },
  "queue.ticket_called": {
    ja: {
      subject: "【((city))】窓口((counter))へお越しください（整理券 ((number))）",
      body: "((office))の整理券 ((number)) をお呼びしています。窓口((counter))へお越しください。\n\n((link))",
    },
    en: {
      subject: "[((city))] Please come to counter ((counter)) (ticket ((number)))",
      body: "Ticket ((number)) at ((office)) is being called. Please come to counter ((counter)).\n\n((link))",
    },
  },
};

type Notice = keyof typeof queueTemplates;

/**
 * Sends one notice to a ticket's holder, once: the guarded UPDATE of the ticket's notified-at column and the
 * message are in one transaction, so a retried or repeated job cannot send it twice. Kiosk tickets without an
 * address are only marked.
 */
async function notifyOnce(
  tx: Db,
  ticket: QueueTicket,
  notice: Notice,
  extra: { ahead: number; counter: number | null },
) {
  const column = notice === "queue.ticket_near" ? queueTickets.nearNotifiedAt : queueTickets.calledNotifiedAt;
  const claimed = await tx
    .update(queueTickets)
    .set(notice === "queue.ticket_near" ? { nearNotifiedAt: sql`now()` } : { calledNotifiedAt: sql`now()` })
    .where(and(eq(queueTickets.id, ticket.id), isNull(column)))
    .returning({ id: queueTickets.id });
  if (claimed.length === 0 || (!ticket.residentId && !ticket.guestEmail)) {
    return;
  }
  const [place] = await tx
    .select({ tenant: tenants, office: queueOffices })
    .from(queueOffices)
    .innerJoin(tenants, eq(tenants.id, queueOffices.tenantId))
    .where(eq(queueOffices.id, ticket.officeId));
  const language = ticket.language;
  for (const lang of new Set(["ja", language] as const)) {
    await ensureTemplate(tx, {
      tenantId: ticket.tenantId,
      key: notice,
      language: lang,
      ...queueTemplates[notice][lang],
    });
  }
  const url = `${ticket.origin}/queue/t/${ticket.token}`;
  await sendNotification(tx, {
    tenantId: ticket.tenantId,
    templateKey: notice,
    ...(ticket.residentId ? { residentId: ticket.residentId } : { email: ticket.guestEmail! }),
    language,
    channels: ticket.residentId ? ["inbox", "email"] : ["email"],
    reference: ticket.displayNumber,
    personalisation: {
      city: language === "ja" ? place!.tenant.nameJa : place!.tenant.nameEn,
      office: language === "ja" ? place!.office.nameJa : place!.office.nameEn,
      number: ticket.displayNumber,
      ahead: String(extra.ahead),
      counter: String(extra.counter ?? ""),
      link: language === "ja" ? `整理券の状況: ${url}` : `Your ticket: ${url}`,
    },
  });
}

/**
 * After any change to an office's line: tells the holder of a just-called ticket to come to the counter, and
 * everyone now within the office's notify-ahead distance of the front that their turn is near.
 */
export async function notifyTicketHolders(db: Db, o: { ticketId: string; called: boolean }) {
  await db.transaction(async (tx) => {
    const [changed] = await tx.select().from(queueTickets).where(eq(queueTickets.id, o.ticketId));
    if (!changed) {
      return;
    }
    const [office] = await tx.select().from(queueOffices).where(eq(queueOffices.id, changed.officeId));
    if (o.called && changed.status === "called" && changed.counterId) {
      const [counter] = await tx.select().from(queueCounters).where(eq(queueCounters.id, changed.counterId));
      await notifyOnce(tx, changed, "queue.ticket_called", { ahead: 0, counter: counter!.number });
    }
    const waiting = await tx
      .select()
      .from(queueTickets)
      .where(
        and(
          eq(queueTickets.officeId, changed.officeId),
          eq(queueTickets.serviceDate, changed.serviceDate),
          eq(queueTickets.status, "waiting"),
        ),
      )
      .orderBy(asc(queueTickets.number));
    const aheadInCategory = new Map<string, number>();
    for (const ticket of waiting) {
      const ahead = aheadInCategory.get(ticket.categoryId) ?? 0;
      aheadInCategory.set(ticket.categoryId, ahead + 1);
      if (ahead <= office!.notifyAhead && !ticket.nearNotifiedAt) {
        await notifyOnce(tx, ticket, "queue.ticket_near", { ahead, counter: null });
      }
    }
  });
}
