import { queueProblems } from "../queue-problems.ts";
import type { QueueTicket } from "../schema.ts";
import {
  type CounterActionOptions,
  calledAt,
  changeTicket,
  checkServing,
  counterOf,
} from "../ticket-changes.ts";

/** The counter has finished with its current ticket (受付完了). */
export async function completeTicket(o: CounterActionOptions): Promise<QueueTicket> {
  const counter = counterOf(o.setup, o.counterNumber);
  return o.db.transaction(async (tx) => {
    const ticket = await calledAt(tx, counter);
    checkServing(o, ticket);
    const done = ticket
      ? await changeTicket(
          tx,
          ticket,
          {
            action: "queue.ticket.complete",
            event: "queue.ticket_completed",
            set: { status: "done", finishedAt: new Date() },
            from: ["called"],
          },
          { actor: o.actor, requestId: o.requestId ?? null, counterNumber: counter.number },
        )
      : null;
    if (!done) {
      throw queueProblems.nobodyAtCounter();
    }
    return done;
  });
}
