import { and, eq } from "drizzle-orm";
import type { Actor } from "../../../core/audit/actor.ts";
import type { Db } from "../../../core/db/database.ts";
import { recordChange } from "../../../core/events/record-change.ts";
import { releaseLotteryHolds } from "../../facilities/index.ts";
import { refuse } from "../refusals.ts";
import { rounds, slots, wins } from "../schema.ts";

export type ReleaseLeftoversOptions = {
  tx: Db;
  tenantId: string;
  actor: Actor;
  roundId: string;
  /** The clock: nothing is released before the round's first-come time. */
  now: Date;
  requestId?: string | null;
};

/**
 * At the first-come time, lets go of what the lottery still holds: slots nobody won and wins that lapsed
 * unpaid (the facilities module turned those back into holds). Confirmed wins are untouched, since the
 * facilities module releases only holds.
 */
export async function releaseLeftovers(o: ReleaseLeftoversOptions): Promise<{ released: number }> {
  const { tx, tenantId } = o;
  const [round] = await tx
    .select()
    .from(rounds)
    .where(and(eq(rounds.id, o.roundId), eq(rounds.tenantId, tenantId)))
    .for("update");
  if (!round) {
    throw refuse("round_not_found");
  }
  if (round.status === "accepting") {
    throw refuse("not_drawn");
  }
  if (round.status === "released") {
    throw refuse("already_released");
  }
  if (o.now < round.firstComeAt) {
    throw refuse("before_first_come");
  }
  const held = await tx.select({ bookingId: slots.bookingId }).from(slots).where(eq(slots.roundId, round.id));
  const awarded = await tx.select({ bookingId: wins.bookingId }).from(wins).where(eq(wins.roundId, round.id));
  const bookingIds = [...new Set([...held, ...awarded].map((row) => row.bookingId))];
  const released = await releaseLotteryHolds(tx, { tenantId, actor: o.actor, bookingIds });
  await tx.update(rounds).set({ status: "released", releasedAt: o.now }).where(eq(rounds.id, round.id));
  await recordChange(tx, {
    tenantId,
    actor: o.actor,
    action: "lottery.round.release",
    resource: { type: "lottery_round", id: round.id },
    before: { status: round.status },
    after: { status: "released", released },
    event: { name: "lottery.leftovers_released", payload: { roundId: round.id, released } },
    requestId: o.requestId ?? null,
  });
  return { released };
}
