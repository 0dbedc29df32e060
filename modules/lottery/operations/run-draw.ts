import { and, asc, eq, inArray } from "drizzle-orm";
import type { Actor } from "../../../core/audit/actor.ts";
import type { Db } from "../../../core/db/database.ts";
import { recordChange } from "../../../core/events/record-change.ts";
import { ProblemError } from "../../../core/http/problem.ts";
import { awardLotteryHold } from "../../facilities/index.ts";
import { DRAW_ALGORITHM, runDraw } from "../draw-engine.ts";
import { notifyEntrant } from "../notify-entrant.ts";
import { PUBLISHED_DRAW_FORMAT, type PublishedDraw } from "../published-draw.ts";
import { refuse } from "../refusals.ts";
import { choices, entries, type LotterySlot, type Round, rounds, slots, wins } from "../schema.ts";

export type RunDrawOptions = {
  tx: Db;
  tenantId: string;
  actor: Actor;
  roundId: string;
  now: Date;
  /** The site's origin for links in the result messages; without it they are paths. */
  origin?: string | null;
  requestId?: string | null;
};

/**
 * Draws a round once: under the round's row lock, only after applications close and only from status
 * "accepting". The result is published (seed, input, log), each win becomes a provisional booking in the
 * facilities module with the round's confirm-by deadline, and every entrant is told, all in one transaction.
 */
export async function runRoundDraw(o: RunDrawOptions): Promise<{ round: Round; published: PublishedDraw }> {
  const { tx, tenantId } = o;
  const [round] = await tx
    .select()
    .from(rounds)
    .where(and(eq(rounds.id, o.roundId), eq(rounds.tenantId, tenantId)))
    .for("update");
  if (!round) {
    throw refuse("round_not_found");
  }
  if (round.status !== "accepting") {
    throw refuse("already_drawn");
  }
  if (o.now < round.applicationsCloseAt) {
    throw refuse("applications_still_open");
  }
  if (o.now >= round.confirmBy) {
    throw refuse("past_confirm_by");
  }
  const roundSlots = await tx
    .select()
    .from(slots)
    .where(eq(slots.roundId, round.id))
    .orderBy(asc(slots.startsAt), asc(slots.unitId));
  const roundEntries = await tx
    .select()
    .from(entries)
    .where(eq(entries.roundId, round.id))
    .orderBy(asc(entries.id));
  const ranked =
    roundEntries.length === 0
      ? []
      : await tx
          .select()
          .from(choices)
          .where(
            inArray(
              choices.entryId,
              roundEntries.map((e) => e.id),
            ),
          )
          .orderBy(asc(choices.entryId), asc(choices.rank));
  const drawEntries = roundEntries.map((entry) => ({
    id: entry.id,
    tier: entry.tier,
    choices: ranked.filter((c) => c.entryId === entry.id).map((c) => c.slotId),
  }));
  const result = runDraw({
    seed: round.seed,
    tierCount: round.priorityTiers.length,
    choicesPerEntry: round.choicesPerEntry,
    maxWinsPerApplicant: round.maxWinsPerApplicant,
    slotIds: roundSlots.map((s) => s.id),
    entries: drawEntries,
  });
  const drawnAt = o.now;
  const published: PublishedDraw = {
    format: PUBLISHED_DRAW_FORMAT,
    algorithm: DRAW_ALGORITHM,
    round: { id: round.id, title: { ja: round.titleJa, en: round.titleEn } },
    seedHash: round.seedHash,
    seed: round.seed,
    drawnAt: drawnAt.toISOString(),
    rules: {
      tiers: round.priorityTiers,
      choicesPerEntry: round.choicesPerEntry,
      maxWinsPerApplicant: round.maxWinsPerApplicant,
    },
    slots: roundSlots.map((s) => ({
      id: s.id,
      unitId: s.unitId,
      startsAt: s.startsAt.toISOString(),
      endsAt: s.endsAt.toISOString(),
      label: { ja: s.labelJa, en: s.labelEn },
    })),
    entries: drawEntries,
    log: result.steps,
    winners: result.wins,
  };
  const slotById = new Map(roundSlots.map((s) => [s.id, s]));
  const entryById = new Map(roundEntries.map((e) => [e.id, e]));
  const wonBy = new Map<string, { slot: LotterySlot; path: string }[]>();
  const notAwarded: NonNullable<PublishedDraw["notAwarded"]> = [];
  for (const win of result.wins) {
    const slot = slotById.get(win.slot)!;
    const entry = entryById.get(win.entry)!;
    // A savepoint: one win the facilities module refuses (its fee cannot be computed) must not undo the draw.
    const awarded = await tx
      .transaction((savepoint) =>
        awardLotteryHold(savepoint, {
          tenantId,
          actor: o.actor,
          bookingId: slot.bookingId,
          residentId: entry.residentId,
          groupId: entry.groupId,
          confirmBy: round.confirmBy,
        }),
      )
      .catch((error: unknown) => {
        if (!(error instanceof ProblemError)) {
          throw error;
        }
        notAwarded.push({ entry: entry.id, slot: slot.id, reason: `${error.title.en} / ${error.title.ja}` });
        return null;
      });
    if (!awarded) {
      continue;
    }
    const [row] = await tx
      .insert(wins)
      .values({
        tenantId,
        roundId: round.id,
        entryId: entry.id,
        slotId: slot.id,
        rank: win.rank,
        bookingId: awarded.bookingId,
        bookingPath: awarded.path,
      })
      .returning();
    wonBy.set(entry.id, [...(wonBy.get(entry.id) ?? []), { slot, path: awarded.path }]);
    await recordChange(tx, {
      tenantId,
      actor: o.actor,
      action: "lottery.win.award",
      resource: { type: "lottery_win", id: row!.id },
      after: row,
      event: {
        name: "lottery.slot_awarded",
        payload: { roundId: round.id, entryId: entry.id, slotId: slot.id, bookingId: awarded.bookingId },
      },
      requestId: o.requestId ?? null,
    });
  }
  if (notAwarded.length > 0) {
    published.notAwarded = notAwarded;
  }
  const [drawn] = await tx
    .update(rounds)
    .set({ status: "drawn", publishedDraw: published, drawnAt })
    .where(and(eq(rounds.id, round.id), eq(rounds.status, "accepting")))
    .returning();
  for (const entry of roundEntries) {
    await notifyEntrant(tx, {
      round: drawn!,
      entry,
      won: wonBy.get(entry.id) ?? [],
      origin: o.origin ?? null,
    });
  }
  await recordChange(tx, {
    tenantId,
    actor: o.actor,
    action: "lottery.round.draw",
    resource: { type: "lottery_round", id: round.id },
    before: { status: round.status },
    after: { status: "drawn", entries: roundEntries.length, wins: result.wins.length, seed: round.seed },
    event: {
      name: "lottery.round_drawn",
      payload: { roundId: round.id, entries: roundEntries.length, wins: result.wins.length },
    },
    requestId: o.requestId ?? null,
  });
  return { round: drawn!, published };
}
