import { z } from "zod";
import type { PublishedDraw } from "./published-draw.ts";

/** An entrant next in line whom the facilities module refused; the offer went on to the next one. */
export const PassedOver = z.object({ entry: z.string(), step: z.number().int(), reason: z.string() });
export type PassedOver = z.infer<typeof PassedOver>;

/** One line of the public promotions log (`/lottery/<id>/promotions.json`): no names, entry ids only. */
export const PublishedPromotion = z.object({
  seq: z.number().int().min(1),
  at: z.string(),
  slot: z.string(),
  vacated: z.object({ entry: z.string(), reason: z.enum(["expired", "cancelled"]) }),
  passedOver: z.array(PassedOver),
  /** `step` is the draw log's step at which the promoted entry lost this slot. */
  promoted: z
    .object({ entry: z.string(), step: z.number().int(), rank: z.number().int(), confirmBy: z.string() })
    .nullable(),
});
export type PublishedPromotion = z.infer<typeof PublishedPromotion>;

export const PROMOTIONS_FORMAT = "tenohira-lottery-promotions/1";

export const PublishedPromotions = z.object({
  format: z.literal(PROMOTIONS_FORMAT),
  round: z.string(),
  promotions: z.array(PublishedPromotion),
});
export type PublishedPromotions = z.infer<typeof PublishedPromotions>;

type Draw = Pick<PublishedDraw, "log" | "winners" | "rules">;

/** Who holds each slot, how many slots each entry has been given (forfeited ones too) and what was offered. */
export type PromotionState = {
  holder: Map<string, string | null>;
  given: Map<string, number>;
  offered: Set<string>;
};

const offerKey = (entry: string, slot: string) => `${entry} ${slot}`;

/** The state right after the draw: its winners hold their slots. */
export function stateAfterDraw(draw: Draw): PromotionState {
  const state: PromotionState = { holder: new Map(), given: new Map(), offered: new Set() };
  for (const win of draw.winners) {
    state.holder.set(win.slot, win.entry);
    state.given.set(win.entry, (state.given.get(win.entry) ?? 0) + 1);
    state.offered.add(offerKey(win.entry, win.slot));
  }
  return state;
}

/**
 * Who may be offered a vacated slot, first in line first: the entries that chose the slot and lost it, in the
 * order of the draw's log (tier, then rank, then the seed's priority: the draw's own order), leaving out an
 * entry already offered this slot and one already given as many slots as the win cap (forfeited ones count,
 * so a winner who let a win lapse is not handed another).
 */
export function nextInLine(
  draw: Draw,
  state: PromotionState,
  slot: string,
): { entry: string; step: number; rank: number }[] {
  const line: { entry: string; step: number; rank: number }[] = [];
  for (const step of draw.log) {
    if (
      step.slot === slot &&
      step.outcome === "lost" &&
      !state.offered.has(offerKey(step.entry, slot)) &&
      (state.given.get(step.entry) ?? 0) < draw.rules.maxWinsPerApplicant &&
      !line.some((candidate) => candidate.entry === step.entry)
    ) {
      line.push({ entry: step.entry, step: step.step, rank: step.rank });
    }
  }
  return line;
}

/** Applies one promotion to the state: the slot is vacated, passed-over entries are done with it, and the
 *  promoted entry holds it. */
export function applyPromotion(state: PromotionState, promotion: PublishedPromotion): void {
  state.holder.set(promotion.slot, promotion.promoted?.entry ?? null);
  for (const passed of promotion.passedOver) {
    state.offered.add(offerKey(passed.entry, promotion.slot));
  }
  if (promotion.promoted) {
    state.offered.add(offerKey(promotion.promoted.entry, promotion.slot));
    state.given.set(promotion.promoted.entry, (state.given.get(promotion.promoted.entry) ?? 0) + 1);
  }
}

/**
 * Checks a promotions log against its draw, from the two files alone: numbered 1…n, each vacating the slot's
 * holder at that moment, and each offering the slot to the next in line (after any passed over in that same
 * order), or to nobody when nobody was left.
 */
export function checkPromotions(draw: Draw, promotions: readonly PublishedPromotion[]): string[] {
  const problems: string[] = [];
  const state = stateAfterDraw(draw);
  for (const [i, promotion] of promotions.entries()) {
    const where = `promotion ${promotion.seq}`;
    if (promotion.seq !== i + 1) {
      problems.push(`${where}: expected number ${i + 1}`);
    }
    if (state.holder.get(promotion.slot) !== promotion.vacated.entry) {
      problems.push(`${where}: entry ${promotion.vacated.entry} did not hold slot ${promotion.slot}`);
    }
    state.holder.set(promotion.slot, null);
    const line = nextInLine(draw, state, promotion.slot);
    const offered = [...promotion.passedOver, ...(promotion.promoted ? [promotion.promoted] : [])];
    const expected = line.slice(0, offered.length);
    if (
      JSON.stringify(offered.map(({ entry, step }) => ({ entry, step }))) !==
      JSON.stringify(expected.map(({ entry, step }) => ({ entry, step })))
    ) {
      problems.push(
        `${where}: the slot was not offered in the draw's order (next in line: ${line[0]?.entry ?? "nobody"})`,
      );
    } else if (promotion.promoted && promotion.promoted.rank !== line[offered.length - 1]!.rank) {
      problems.push(`${where}: the promoted entry's choice rank differs from the draw's`);
    } else if (!promotion.promoted && line.length > offered.length) {
      problems.push(`${where}: nobody was promoted though ${line[offered.length]!.entry} was next in line`);
    }
    applyPromotion(state, promotion);
  }
  return problems;
}
