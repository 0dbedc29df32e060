import { z } from "zod";
import {
  DRAW_ALGORITHM,
  type DrawResult,
  type DrawWin,
  InvalidDrawInputError,
  runDraw,
  seedHash,
} from "./draw-engine.ts";
import { checkPromotions, PublishedPromotions } from "./promotion-order.ts";

export const PUBLISHED_DRAW_FORMAT = "tenohira-lottery-draw/1";

const hex64 = z.string().regex(/^[0-9a-f]{64}$/);
const bilingual = z.object({ ja: z.string(), en: z.string() });

/**
 * Everything published after a draw, and all a verifier needs: the seed and its earlier hash, the rules, the
 * pseudonymised input (entry ids, tiers, ranked slot ids; no names) and the full log with the winners.
 */
export const PublishedDraw = z.object({
  format: z.literal(PUBLISHED_DRAW_FORMAT),
  algorithm: z.literal(DRAW_ALGORITHM),
  round: z.object({ id: z.string(), title: bilingual }),
  seedHash: hex64,
  seed: hex64,
  drawnAt: z.string(),
  rules: z.object({
    tiers: z.array(z.array(z.string())).min(1),
    choicesPerEntry: z.number().int().min(1),
    maxWinsPerApplicant: z.number().int().min(1),
  }),
  slots: z.array(
    z.object({
      id: z.string(),
      unitId: z.string(),
      startsAt: z.string(),
      endsAt: z.string(),
      label: bilingual,
    }),
  ),
  entries: z.array(z.object({ id: z.string(), tier: z.number().int().min(0), choices: z.array(z.string()) })),
  log: z.array(
    z.object({
      step: z.number().int(),
      entry: z.string(),
      tier: z.number().int(),
      rank: z.number().int(),
      slot: z.string(),
      priority: z.string(),
      outcome: z.enum(["won", "lost"]),
      reason: z.enum(["slot_taken", "win_cap"]).nullable(),
    }),
  ),
  winners: z.array(z.object({ entry: z.string(), slot: z.string(), rank: z.number().int() })),
  /** Wins the facilities module could not turn into a booking (e.g. a user category no longer in the fee
   *  rules): the draw stands, the slot stays the lottery's hold until the release. Not part of the replay. */
  notAwarded: z.array(z.object({ entry: z.string(), slot: z.string(), reason: z.string() })).optional(),
});
export type PublishedDraw = z.infer<typeof PublishedDraw>;

export type ReplayOutcome = {
  ok: boolean;
  /** What does not match, one line each in English (the CLI prints them). */
  problems: string[];
  /** The winners recomputed from the published input. */
  winners: DrawWin[];
};

/** Draws again from a published draw's own input; the stored round is never consulted. */
export function recompute(draw: PublishedDraw): DrawResult {
  return runDraw({
    seed: draw.seed,
    tierCount: draw.rules.tiers.length,
    choicesPerEntry: draw.rules.choicesPerEntry,
    maxWinsPerApplicant: draw.rules.maxWinsPerApplicant,
    slotIds: draw.slots.map((slot) => slot.id),
    entries: draw.entries,
  });
}

/**
 * Verifies a published draw from its JSON alone: the seed hashes to the hash published before the draw, and
 * the draw re-run from the published input gives the same log and the same winners. Given the round's
 * promotions log too, checks each 繰り上げ当選 followed the draw's order.
 */
export function replayDraw(published: unknown, promotionsLog?: unknown): ReplayOutcome {
  const parsed = PublishedDraw.safeParse(published);
  if (!parsed.success) {
    return {
      ok: false,
      problems: parsed.error.issues.map(
        (issue) => `not a published draw: ${issue.path.join(".")}: ${issue.message}`,
      ),
      winners: [],
    };
  }
  const draw = parsed.data;
  const problems: string[] = [];
  if (seedHash(draw.seed) !== draw.seedHash) {
    problems.push("the seed does not hash to the published seedHash");
  }
  let result: DrawResult;
  try {
    result = recompute(draw);
  } catch (error) {
    if (error instanceof InvalidDrawInputError) {
      return {
        ok: false,
        problems: [...problems, `the input is not drawable: ${error.message}`],
        winners: [],
      };
    }
    throw error;
  }
  const length = Math.max(result.steps.length, draw.log.length);
  for (let i = 0; i < length; i++) {
    if (JSON.stringify(result.steps[i] ?? null) !== JSON.stringify(draw.log[i] ?? null)) {
      problems.push(`the log differs from step ${i + 1} on`);
      break;
    }
  }
  if (JSON.stringify(result.wins) !== JSON.stringify(draw.winners)) {
    problems.push("the winners differ from the recomputed ones");
  }
  if (promotionsLog !== undefined) {
    const promotions = PublishedPromotions.safeParse(promotionsLog);
    if (!promotions.success) {
      problems.push(
        ...promotions.error.issues.map(
          (issue) => `not a promotions log: ${issue.path.join(".")}: ${issue.message}`,
        ),
      );
    } else if (promotions.data.round !== draw.round.id) {
      problems.push("the promotions log is of another round");
    } else {
      problems.push(
        ...checkPromotions({ ...draw, log: result.steps, winners: result.wins }, promotions.data.promotions),
      );
    }
  }
  return { ok: problems.length === 0, problems, winners: result.wins };
}
