import { queueProblems } from "../queue-problems.ts";
import type { QueueTicket } from "../schema.ts";
import {
  type CounterActionOptions,
  calledAt,
  changeTicket,
  checkServing,
  counterOf,
} from "../ticket-changes.ts";

/** Calls the counter's current ticket again (the resident did not come up yet). */
export async function recallTicket(o: CounterActionOptions): Promise<QueueTicket> {
  const counter = counterOf(o.setup, o.counterNumber);
  return o.db.transaction(async (tx) => {
    const ticket = await calledAt(tx, counter);
    checkServing(o, ticket);
    const recalled = ticket
      ? await changeTicket(
          tx,
          ticket,
          {
            action: "queue.ticket.recall",
            event: "queue.ticket_recalled",
            set: { countCall: true },
            from: ["called"],
          },
          { actor: o.actor, requestId: o.requestId ?? null, counterNumber: counter.number },
        )
      : null;
    if (!recalled) {
      throw queueProblems.nobodyAtCounter();
    }
    return recalled;
  });
}
