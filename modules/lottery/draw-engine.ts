import { createHash, createHmac } from "node:crypto";

/** Names the algorithm below; a published draw says which one made it, so a later change cannot rewrite history. */
export const DRAW_ALGORITHM = "tenohira-lottery-v1";

/** One entry as the draw sees it: no names, only its id, its priority tier and its ranked slot ids. */
export type DrawEntry = { id: string; tier: number; choices: readonly string[] };

export type DrawInput = {
  /** 32 random bytes, hex. */
  seed: string;
  /** How many priority tiers the round has (tier 0 is drawn first). */
  tierCount: number;
  choicesPerEntry: number;
  maxWinsPerApplicant: number;
  slotIds: readonly string[];
  entries: readonly DrawEntry[];
};

export type DrawLossReason = "slot_taken" | "win_cap";

export type DrawStep = {
  step: number;
  entry: string;
  tier: number;
  rank: number;
  slot: string;
  /** The entry's place in its tier's order, from the seed (lowest first). */
  priority: string;
  outcome: "won" | "lost";
  reason: DrawLossReason | null;
};

export type DrawWin = { entry: string; slot: string; rank: number };

export type DrawResult = { steps: DrawStep[]; wins: DrawWin[] };

export function sha256Hex(text: string): string {
  return createHash("sha256").update(text).digest("hex");
}

/** The seed's public commitment: SHA-256 of its 32 bytes, published before anyone can enter. */
export function seedHash(seedHex: string): string {
  return createHash("sha256").update(Buffer.from(seedHex, "hex")).digest("hex");
}

/** An entry's random priority: HMAC-SHA256 keyed with the seed over the entry id, so nobody can choose it. */
export function entryPriority(seedHex: string, entryId: string): string {
  return createHmac("sha256", Buffer.from(seedHex, "hex")).update(entryId, "utf8").digest("hex");
}

export class InvalidDrawInputError extends Error {
  override name = "InvalidDrawInputError";
}

function checkInput(input: DrawInput): void {
  if (!/^[0-9a-f]{64}$/.test(input.seed)) {
    throw new InvalidDrawInputError("the seed must be 32 bytes in lowercase hex");
  }
  const slots = new Set(input.slotIds);
  const ids = new Set<string>();
  for (const entry of input.entries) {
    if (ids.has(entry.id)) {
      throw new InvalidDrawInputError(`entry ${entry.id} appears twice`);
    }
    ids.add(entry.id);
    if (!Number.isInteger(entry.tier) || entry.tier < 0 || entry.tier >= input.tierCount) {
      throw new InvalidDrawInputError(`entry ${entry.id} has no tier ${entry.tier}`);
    }
    if (
      entry.choices.length > input.choicesPerEntry ||
      new Set(entry.choices).size !== entry.choices.length
    ) {
      throw new InvalidDrawInputError(`entry ${entry.id} has too many or repeated choices`);
    }
    for (const slot of entry.choices) {
      if (!slots.has(slot)) {
        throw new InvalidDrawInputError(`entry ${entry.id} chose ${slot}, which the round does not cover`);
      }
    }
  }
}

/**
 * The draw, deterministic given its input: entries ordered by id, each given a priority from the seed; then
 * tier by tier (市内 before 市外, say), rank by rank (every 第一希望 of the tier before any 第二希望), entry
 * by entry in priority order, an entry gets its choice if the slot is still free and it is under the win cap.
 */
export function runDraw(input: DrawInput): DrawResult {
  checkInput(input);
  const ordered = [...input.entries].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  const priorities = new Map(ordered.map((entry) => [entry.id, entryPriority(input.seed, entry.id)]));
  const takenBy = new Map<string, string>();
  const winsOf = new Map<string, number>();
  const steps: DrawStep[] = [];
  const wins: DrawWin[] = [];
  for (let tier = 0; tier < input.tierCount; tier++) {
    const inTier = ordered
      .filter((entry) => entry.tier === tier)
      // A stable sort of id-ordered entries: equal priorities (never seen with SHA-256) keep id order.
      .sort((a, b) => {
        const pa = priorities.get(a.id)!;
        const pb = priorities.get(b.id)!;
        return pa < pb ? -1 : pa > pb ? 1 : 0;
      });
    for (let rank = 1; rank <= input.choicesPerEntry; rank++) {
      for (const entry of inTier) {
        const slot = entry.choices[rank - 1];
        if (slot === undefined) {
          continue;
        }
        const won = winsOf.get(entry.id) ?? 0;
        const reason: DrawLossReason | null =
          won >= input.maxWinsPerApplicant ? "win_cap" : takenBy.has(slot) ? "slot_taken" : null;
        if (reason === null) {
          takenBy.set(slot, entry.id);
          winsOf.set(entry.id, won + 1);
          wins.push({ entry: entry.id, slot, rank });
        }
        steps.push({
          step: steps.length + 1,
          entry: entry.id,
          tier,
          rank,
          slot,
          priority: priorities.get(entry.id)!,
          outcome: reason === null ? "won" : "lost",
          reason,
        });
      }
    }
  }
  return { steps, wins };
}
