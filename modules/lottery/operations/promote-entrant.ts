import { and, asc, eq, inArray, isNull } from "drizzle-orm";
import type { Actor } from "../../../core/audit/actor.ts";
import type { Db } from "../../../core/db/database.ts";
import { recordChange } from "../../../core/events/record-change.ts";
import { ProblemError } from "../../../core/http/problem.ts";
import { awardLotteryHold } from "../../facilities/index.ts";
import { notifyEntrant } from "../notify-entrant.ts";
import { applyPromotion, nextInLine, type PassedOver, stateAfterDraw } from "../promotion-order.ts";
import { toPublishedPromotion } from "../queries.ts";
import { entries, type Promotion, promotions, rounds, slots, wins } from "../schema.ts";

const DAY = 24 * 3600_000;

export type PromoteEntrantOptions = {
  tx: Db;
  tenantId: string;
  actor: Actor;
  roundId: string;
  /** The facilities booking of the win that lapsed or was cancelled and went back to a lottery hold. */
  bookingId: string;
  reason: "expired" | "cancelled";
  /** Who lost it, from the facilities event: the booking id alone would also match a later promoted win. */
  lostBy: { residentId: string; groupId: string | null };
  now: Date;
  origin?: string | null;
};

/**
 * 繰り上げ当選: the win on a booking that went back to a lottery hold is forfeited, and its slot offered to the
 * next entrant in the draw's order (`nextInLine`) with a confirm-by of the round's promotion days (never past
 * the first-come time). The round's row lock serialises promotions, so each sees the ones before it; a win
 * already forfeited (a redelivered event) changes nothing, and `vacated_win_id UNIQUE` backs that up. The
 * win is found by its booking AND the entrant who lost it: the booking is the slot's for good, so after a
 * promotion it also carries the promoted entrant's win, which a redelivered event must not forfeit.
 */
export async function promoteEntrant(o: PromoteEntrantOptions): Promise<Promotion | null> {
  const { tx, tenantId } = o;
  const [round] = await tx
    .select()
    .from(rounds)
    .where(and(eq(rounds.id, o.roundId), eq(rounds.tenantId, tenantId)))
    .for("update");
  if (!round) {
    return null;
  }
  const [found] = await tx
    .select({ win: wins })
    .from(wins)
    .innerJoin(entries, eq(entries.id, wins.entryId))
    .where(
      and(
        eq(wins.tenantId, tenantId),
        eq(wins.roundId, round.id),
        eq(wins.bookingId, o.bookingId),
        inArray(wins.status, ["awarded", "confirmed"]),
        eq(entries.residentId, o.lostBy.residentId),
        o.lostBy.groupId === null ? isNull(entries.groupId) : eq(entries.groupId, o.lostBy.groupId),
      ),
    )
    .for("update", { of: wins });
  const vacated = found?.win;
  if (!vacated) {
    return null;
  }
  await tx.update(wins).set({ status: "forfeited", updatedAt: o.now }).where(eq(wins.id, vacated.id));
  await recordChange(tx, {
    tenantId,
    actor: o.actor,
    action: "lottery.win.forfeit",
    resource: { type: "lottery_win", id: vacated.id },
    before: { status: vacated.status },
    after: { status: "forfeited", reason: o.reason },
  });
  const draw = round.publishedDraw;
  if (round.status !== "drawn" || !draw || o.now >= round.firstComeAt) {
    // The slot waits for (or already had) the first-come release.
    return null;
  }
  const earlier = await tx
    .select()
    .from(promotions)
    .where(eq(promotions.roundId, round.id))
    .orderBy(asc(promotions.seq));
  const state = stateAfterDraw(draw);
  for (const promotion of earlier) {
    applyPromotion(state, toPublishedPromotion(promotion));
  }
  const [slot] = await tx.select().from(slots).where(eq(slots.id, vacated.slotId));
  const confirmBy = new Date(
    Math.min(o.now.getTime() + round.promotionConfirmDays * DAY, round.firstComeAt.getTime()),
  );
  const passedOver: PassedOver[] = [];
  let promoted: { entryId: string; step: number; rank: number; winId: string; path: string } | null = null;
  for (const candidate of nextInLine(draw, state, slot!.id)) {
    const [entry] = await tx.select().from(entries).where(eq(entries.id, candidate.entry));
    // A savepoint: a candidate the facilities module refuses is passed over, the offer goes on down the line.
    const awarded = await tx
      .transaction((savepoint) =>
        awardLotteryHold(savepoint, {
          tenantId,
          actor: o.actor,
          bookingId: slot!.bookingId,
          residentId: entry!.residentId,
          groupId: entry!.groupId,
          confirmBy,
        }),
      )
      .catch((error: unknown) => {
        if (!(error instanceof ProblemError)) {
          throw error;
        }
        passedOver.push({
          entry: candidate.entry,
          step: candidate.step,
          reason: `${error.title.en} / ${error.title.ja}`,
        });
        return null;
      });
    if (!awarded) {
      continue;
    }
    const [win] = await tx
      .insert(wins)
      .values({
        tenantId,
        roundId: round.id,
        entryId: candidate.entry,
        slotId: slot!.id,
        rank: candidate.rank,
        bookingId: awarded.bookingId,
        bookingPath: awarded.path,
      })
      .returning();
    promoted = {
      entryId: candidate.entry,
      step: candidate.step,
      rank: candidate.rank,
      winId: win!.id,
      path: awarded.path,
    };
    await notifyEntrant(tx, {
      round,
      entry: entry!,
      won: [{ slot: slot!, path: awarded.path }],
      origin: o.origin ?? null,
      promotedUntil: confirmBy,
    });
    break;
  }
  const [row] = await tx
    .insert(promotions)
    .values({
      tenantId,
      roundId: round.id,
      seq: earlier.length + 1,
      slotId: slot!.id,
      vacatedWinId: vacated.id,
      vacatedEntryId: vacated.entryId,
      reason: o.reason,
      passedOver,
      promotedWinId: promoted?.winId ?? null,
      promotedEntryId: promoted?.entryId ?? null,
      drawStep: promoted?.step ?? null,
      confirmBy: promoted ? confirmBy : null,
      createdAt: o.now,
    })
    .returning();
  await recordChange(tx, {
    tenantId,
    actor: o.actor,
    action: "lottery.win.promote",
    resource: { type: "lottery_promotion", id: row!.id },
    after: row,
    event: {
      name: promoted ? "lottery.entrant_promoted" : "lottery.promotion_exhausted",
      payload: {
        roundId: round.id,
        slotId: slot!.id,
        vacatedEntryId: vacated.entryId,
        promotedEntryId: promoted?.entryId ?? null,
        bookingId: slot!.bookingId,
      },
    },
  });
  return row!;
}
