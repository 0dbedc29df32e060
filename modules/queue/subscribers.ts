import { z } from "zod";
import { defineSubscriber } from "../../core/events/define-subscriber.ts";
import { notifyTicketHolders } from "./operations/notify-ticket-holders.ts";

const TicketEvent = z.object({ ticketId: z.uuid() });

/** Every change to a line may bring someone near the front; a call also tells its holder where to go. */
export const notifyTicketHoldersSubscriber = defineSubscriber({
  id: "queue.notify-ticket-holders",
  events: [
    "queue.ticket_issued",
    "queue.ticket_called",
    "queue.ticket_completed",
    "queue.ticket_skipped",
    "queue.ticket_cancelled",
    "queue.ticket_requeued",
  ],
  async handle(event, { services }) {
    const { ticketId } = TicketEvent.parse(event.payload);
    await notifyTicketHolders(services.database.db, {
      ticketId,
      called: event.name === "queue.ticket_called",
    });
  },
});
