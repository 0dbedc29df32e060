import { and, desc, eq } from "drizzle-orm";
import type { ResidentRecord, ResidentRecordsQuery } from "../../core/module.ts";
import { queueMessages } from "./messages.ts";
import { queueOffices, queueTickets } from "./schema.ts";

/** The resident's own queue tickets, newest first, for My page. */
export async function queueTicketRecords({
  db,
  tenantId,
  residentId,
}: ResidentRecordsQuery): Promise<ResidentRecord[]> {
  const rows = await db
    .select({ ticket: queueTickets, office: queueOffices })
    .from(queueTickets)
    .innerJoin(queueOffices, eq(queueOffices.id, queueTickets.officeId))
    .where(and(eq(queueTickets.tenantId, tenantId), eq(queueTickets.residentId, residentId)))
    .orderBy(desc(queueTickets.createdAt))
    .limit(50);
  return rows.map(({ ticket, office }) => ({
    kind: "booking",
    id: ticket.id,
    title: {
      ja: `整理券 ${ticket.displayNumber}（${office.nameJa}、${ticket.serviceDate}）`,
      en: `Ticket ${ticket.displayNumber} (${office.nameEn}, ${ticket.serviceDate})`,
    },
    status: {
      ja: queueMessages.ja[`queue.status.${ticket.status}`]!,
      en: queueMessages.en[`queue.status.${ticket.status}`]!,
    },
    href: `/queue/t/${ticket.token}`,
    updatedAt: ticket.updatedAt,
  }));
}
