import { randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import { DRAW_ALGORITHM, type DrawEntry, entryPriority, runDraw, seedHash } from "./draw-engine.ts";
import { PUBLISHED_DRAW_FORMAT, type PublishedDraw, replayDraw } from "./published-draw.ts";

const seed = "0f".repeat(32);
const slots = ["slot-a", "slot-b", "slot-c"];

function draw(
  entries: DrawEntry[],
  rules: Partial<{ tierCount: number; choices: number; wins: number }> = {},
) {
  return runDraw({
    seed,
    tierCount: rules.tierCount ?? 1,
    choicesPerEntry: rules.choices ?? 3,
    maxWinsPerApplicant: rules.wins ?? 1,
    slotIds: slots,
    entries,
  });
}

function published(entries: DrawEntry[], seedHex = seed): PublishedDraw {
  const result = runDraw({
    seed: seedHex,
    tierCount: 2,
    choicesPerEntry: 2,
    maxWinsPerApplicant: 1,
    slotIds: slots,
    entries,
  });
  return {
    format: PUBLISHED_DRAW_FORMAT,
    algorithm: DRAW_ALGORITHM,
    round: { id: "round-1", title: { ja: "テスト", en: "Test" } },
    seedHash: seedHash(seedHex),
    seed: seedHex,
    drawnAt: "2026-12-01T00:00:00.000Z",
    rules: { tiers: [["resident"], ["non_resident"]], choicesPerEntry: 2, maxWinsPerApplicant: 1 },
    slots: slots.map((id) => ({
      id,
      unitId: "unit",
      startsAt: "2026-12-05T09:00:00.000Z",
      endsAt: "2026-12-05T12:00:00.000Z",
      label: { ja: "夜間", en: "Evening" },
    })),
    entries: entries.map((entry) => ({ ...entry, choices: [...entry.choices] })),
    log: result.steps,
    winners: result.wins,
  };
}

describe("the draw engine", () => {
  it("gives each slot to one entry at most, by priority from the seed", () => {
    const entries = ["e1", "e2", "e3", "e4"].map((id) => ({ id, tier: 0, choices: ["slot-a"] }));
    const result = draw(entries);
    expect(result.wins).toHaveLength(1);
    const first = [...entries].sort((a, b) =>
      entryPriority(seed, a.id) < entryPriority(seed, b.id) ? -1 : 1,
    )[0]!;
    expect(result.wins[0]).toEqual({ entry: first.id, slot: "slot-a", rank: 1 });
    expect(result.steps.filter((s) => s.outcome === "lost").map((s) => s.reason)).toEqual([
      "slot_taken",
      "slot_taken",
      "slot_taken",
    ]);
  });

  it("draws every first choice of a tier before any second choice", () => {
    // Whatever the priorities, e2's first choice beats e1's second choice for slot-b.
    const result = draw([
      { id: "e1", tier: 0, choices: ["slot-a", "slot-b"] },
      { id: "e2", tier: 0, choices: ["slot-b"] },
      { id: "e3", tier: 0, choices: ["slot-a"] },
    ]);
    expect(result.wins).toContainEqual({ entry: "e2", slot: "slot-b", rank: 1 });
    expect(result.steps.map((s) => s.rank)).toEqual([1, 1, 1, 2]);
  });

  it("draws the first tier completely before the next one", () => {
    const result = draw(
      [
        { id: "aaa-outsider", tier: 1, choices: ["slot-a"] },
        { id: "zzz-resident", tier: 0, choices: ["slot-b", "slot-a"] },
        { id: "mmm-resident", tier: 0, choices: ["slot-b"] },
      ],
      { tierCount: 2, wins: 1 },
    );
    // One of the residents wins slot-b, the other falls back to slot-a: the outsider gets nothing.
    expect(result.wins.map((w) => w.slot).sort()).toEqual(["slot-a", "slot-b"]);
    expect(result.wins.every((w) => w.entry !== "aaa-outsider")).toBe(true);
    expect(result.steps.at(-1)).toMatchObject({ entry: "aaa-outsider", tier: 1, reason: "slot_taken" });
  });

  it("stops at the win cap and logs why", () => {
    const capped = draw([{ id: "e1", tier: 0, choices: ["slot-a", "slot-b", "slot-c"] }], { wins: 2 });
    expect(capped.wins.map((w) => w.slot)).toEqual(["slot-a", "slot-b"]);
    expect(capped.steps[2]).toMatchObject({ slot: "slot-c", outcome: "lost", reason: "win_cap" });
  });

  it("is deterministic: same seed, same result whatever order the entries come in", () => {
    const entries = Array.from({ length: 30 }, (_, i) => ({
      id: `entry-${String(i).padStart(2, "0")}`,
      tier: i % 2,
      choices: [slots[i % 3]!, slots[(i + 1) % 3]!],
    }));
    const once = draw(entries, { tierCount: 2 });
    const again = draw([...entries].reverse(), { tierCount: 2 });
    expect(again).toEqual(once);
    const otherSeed = runDraw({
      seed: randomBytes(32).toString("hex"),
      tierCount: 2,
      choicesPerEntry: 3,
      maxWinsPerApplicant: 1,
      slotIds: slots,
      entries,
    });
    expect(otherSeed.steps.map((s) => s.priority)).not.toEqual(once.steps.map((s) => s.priority));
  });

  it("refuses input the rules do not allow", () => {
    expect(() => draw([{ id: "e1", tier: 0, choices: ["slot-x"] }])).toThrow(/does not cover/);
    expect(() => draw([{ id: "e1", tier: 0, choices: ["slot-a", "slot-a"] }])).toThrow(/repeated/);
    expect(() => draw([{ id: "e1", tier: 3, choices: ["slot-a"] }])).toThrow(/no tier/);
  });
});

describe("replaying a published draw", () => {
  const entries = [
    { id: "e1", tier: 0, choices: ["slot-a", "slot-b"] },
    { id: "e2", tier: 0, choices: ["slot-a", "slot-c"] },
    { id: "e3", tier: 1, choices: ["slot-b"] },
    { id: "e4", tier: 1, choices: ["slot-c", "slot-a"] },
  ];

  it("accepts an untouched draw and recomputes its winners", () => {
    const draw = published(entries);
    const outcome = replayDraw(JSON.parse(JSON.stringify(draw)));
    expect(outcome).toEqual({ ok: true, problems: [], winners: draw.winners });
  });

  it("fails when the seed is not the one committed to", () => {
    const draw = published(entries);
    const swapped = published(entries, "1e".repeat(32));
    const outcome = replayDraw({ ...swapped, seedHash: draw.seedHash });
    expect(outcome.ok).toBe(false);
    expect(outcome.problems).toContain("the seed does not hash to the published seedHash");
  });

  it("fails when the log or the winners were edited", () => {
    const draw = published(entries);
    const loser = draw.log.find((s) => s.outcome === "lost")!;
    const editedLog = draw.log.map((s) =>
      s === loser ? { ...s, outcome: "won" as const, reason: null } : s,
    );
    expect(replayDraw({ ...draw, log: editedLog }).problems).toEqual([
      `the log differs from step ${loser.step} on`,
    ]);
    const editedWinners = [...draw.winners.slice(1), { ...draw.winners[0]!, entry: "e3" }];
    expect(replayDraw({ ...draw, winners: editedWinners })).toMatchObject({
      ok: false,
      problems: ["the winners differ from the recomputed ones"],
    });
    // Moving an entry to a better tier changes what the input draws to.
    const promoted = draw.entries.map((e) => (e.id === "e4" ? { ...e, tier: 0 } : e));
    expect(replayDraw({ ...draw, entries: promoted }).ok).toBe(false);
  });

  it("says what is wrong with something that is not a published draw", () => {
    expect(replayDraw({ format: "other" }).ok).toBe(false);
    expect(replayDraw({ ...published(entries), seed: "short" }).problems[0]).toMatch(
      /^not a published draw: seed/,
    );
  });
});
