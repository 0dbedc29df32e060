import { queueProblems } from "../queue-problems.ts";
import type { QueueTicket } from "../schema.ts";
import {
  type CounterActionOptions,
  calledAt,
  changeTicket,
  checkServing,
  counterOf,
} from "../ticket-changes.ts";

/** The called resident did not come (不在): the ticket leaves the line; staff may put it back later. */
export async function skipTicket(o: CounterActionOptions): Promise<QueueTicket> {
  const counter = counterOf(o.setup, o.counterNumber);
  return o.db.transaction(async (tx) => {
    const ticket = await calledAt(tx, counter);
    checkServing(o, ticket);
    const skipped = ticket
      ? await changeTicket(
          tx,
          ticket,
          {
            action: "queue.ticket.skip",
            event: "queue.ticket_skipped",
            set: { status: "skipped", counterId: null, finishedAt: new Date() },
            from: ["called"],
          },
          { actor: o.actor, requestId: o.requestId ?? null, counterNumber: counter.number },
        )
      : null;
    if (!skipped) {
      throw queueProblems.nobodyAtCounter();
    }
    return skipped;
  });
}
