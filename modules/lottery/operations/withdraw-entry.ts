import { and, eq } from "drizzle-orm";
import type { Actor } from "../../../core/audit/actor.ts";
import type { Db } from "../../../core/db/database.ts";
import { recordChange } from "../../../core/events/record-change.ts";
import { refuse } from "../refusals.ts";
import { choices, entries, rounds } from "../schema.ts";

export type WithdrawEntryOptions = {
  tx: Db;
  tenantId: string;
  actor: Actor;
  residentId: string;
  roundId: string;
  entryId: string;
  now: Date;
  requestId?: string | null;
};

/** Takes back the resident's own entry while applications are open (取下げ); the audit log keeps it. */
export async function withdrawEntry(o: WithdrawEntryOptions): Promise<void> {
  const { tx, tenantId } = o;
  const [round] = await tx
    .select()
    .from(rounds)
    .where(and(eq(rounds.id, o.roundId), eq(rounds.tenantId, tenantId)))
    .for("share");
  if (!round) {
    throw refuse("round_not_found");
  }
  const [entry] = await tx
    .select()
    .from(entries)
    .where(
      and(
        eq(entries.id, o.entryId),
        eq(entries.roundId, round.id),
        eq(entries.tenantId, tenantId),
        eq(entries.residentId, o.residentId),
      ),
    );
  if (!entry) {
    throw refuse("no_entry");
  }
  if (round.status !== "accepting" || o.now >= round.applicationsCloseAt) {
    throw refuse("outside_period");
  }
  await tx.delete(choices).where(eq(choices.entryId, entry.id));
  await tx.delete(entries).where(eq(entries.id, entry.id));
  await recordChange(tx, {
    tenantId,
    actor: o.actor,
    action: "lottery.entry.withdraw",
    resource: { type: "lottery_entry", id: entry.id },
    before: entry,
    event: { name: "lottery.entry_withdrawn", payload: { roundId: round.id, entryId: entry.id } },
    requestId: o.requestId ?? null,
  });
}
