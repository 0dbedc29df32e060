import { randomBytes } from "node:crypto";
import type { Actor } from "../../../core/audit/actor.ts";
import { tokyoDate } from "../../../core/calendar/business-days.ts";
import type { Db } from "../../../core/db/database.ts";
import { recordChange } from "../../../core/events/record-change.ts";
import { type FacilitySlot, listUnitSlots, placeLotteryHolds } from "../../facilities/index.ts";
import { seedHash } from "../draw-engine.ts";
import { refuse } from "../refusals.ts";
import { slots as lotterySlots, type Round, rounds } from "../schema.ts";

export type RoundRules = {
  title: { ja: string; en: string };
  applicationsOpenAt: Date;
  applicationsCloseAt: Date;
  drawAt: Date;
  confirmBy: Date;
  firstComeAt: Date;
  maxEntriesPerApplicant: number;
  maxWinsPerApplicant: number;
  choicesPerEntry: number;
  priorityTiers: string[][];
  /** Days a 繰り上げ当選 entrant has to confirm and pay (1–30). */
  promotionConfirmDays: number;
};

export type CreateRoundOptions = {
  tx: Db;
  tenantId: string;
  actor: Actor;
  rules: RoundRules;
  slots: FacilitySlot[];
  requestId?: string | null;
};

function checkRules(rules: RoundRules, slotCount: number): void {
  const times = [
    rules.applicationsOpenAt,
    rules.applicationsCloseAt,
    rules.drawAt,
    rules.confirmBy,
    rules.firstComeAt,
  ].map((d) => d.getTime());
  if (
    times.some(Number.isNaN) ||
    !(times[0]! < times[1]! && times[1]! <= times[2]! && times[2]! < times[3]! && times[3]! <= times[4]!)
  ) {
    throw refuse("invalid_schedule");
  }
  const categories = rules.priorityTiers.flat();
  const positive = (n: number) => Number.isInteger(n) && n >= 1;
  if (
    !rules.title.ja.trim() ||
    !rules.title.en.trim() ||
    !positive(rules.maxEntriesPerApplicant) ||
    !positive(rules.maxWinsPerApplicant) ||
    !positive(rules.choicesPerEntry) ||
    !positive(rules.promotionConfirmDays) ||
    rules.promotionConfirmDays > 30 ||
    rules.choicesPerEntry > Math.min(5, slotCount) ||
    rules.priorityTiers.length === 0 ||
    rules.priorityTiers.some((tier) => tier.length === 0) ||
    categories.some((category) => !/^[a-z][a-z0-9_]{0,40}$/.test(category)) ||
    new Set(categories).size !== categories.length
  ) {
    throw refuse("invalid_rules");
  }
}

/**
 * Opens a lottery round over facility slots: the slots get lottery holds in the same transaction (so nobody
 * books them first-come meanwhile), and the seed is drawn now from the CSPRNG, its hash published from now on.
 */
export async function createRound(o: CreateRoundOptions): Promise<Round> {
  const { tx, tenantId, rules } = o;
  const chosen = [...new Map(o.slots.map((s) => [`${s.unitId} ${s.startsAt.toISOString()}`, s])).values()];
  if (chosen.length === 0) {
    throw refuse("no_slots");
  }
  checkRules(rules, chosen.length);
  // Each chosen slot must be one of its unit's real time blocks; the labels come from there too.
  const labelled: (FacilitySlot & { label: { ja: string; en: string } })[] = [];
  for (const slot of chosen) {
    const day = tokyoDate(slot.startsAt);
    const blocks = await listUnitSlots(tx, { tenantId, unitId: slot.unitId, from: day, to: day });
    const block = blocks.find(
      (b) => b.startsAt.getTime() === slot.startsAt.getTime() && b.endsAt.getTime() === slot.endsAt.getTime(),
    );
    if (!block) {
      throw refuse("unknown_slot");
    }
    labelled.push({ ...slot, label: block.label });
  }
  const seed = randomBytes(32).toString("hex");
  const [round] = await tx
    .insert(rounds)
    .values({
      tenantId,
      titleJa: rules.title.ja.trim(),
      titleEn: rules.title.en.trim(),
      applicationsOpenAt: rules.applicationsOpenAt,
      applicationsCloseAt: rules.applicationsCloseAt,
      drawAt: rules.drawAt,
      confirmBy: rules.confirmBy,
      firstComeAt: rules.firstComeAt,
      maxEntriesPerApplicant: rules.maxEntriesPerApplicant,
      maxWinsPerApplicant: rules.maxWinsPerApplicant,
      choicesPerEntry: rules.choicesPerEntry,
      priorityTiers: rules.priorityTiers,
      promotionConfirmDays: rules.promotionConfirmDays,
      seed,
      seedHash: seedHash(seed),
      createdBy: o.actor.type === "staff" ? o.actor.id : null,
    })
    .returning();
  const holds = await placeLotteryHolds(tx, {
    tenantId,
    actor: o.actor,
    lotteryRoundId: round!.id,
    releaseAt: round!.firstComeAt,
    slots: chosen,
  });
  await tx.insert(lotterySlots).values(
    labelled.map((slot) => {
      const hold = holds.find(
        (h) => h.slot.unitId === slot.unitId && h.slot.startsAt.getTime() === slot.startsAt.getTime(),
      );
      if (!hold) {
        throw new Error(`facilities placed no hold on ${slot.unitId} at ${slot.startsAt.toISOString()}`);
      }
      return {
        tenantId,
        roundId: round!.id,
        unitId: slot.unitId,
        startsAt: slot.startsAt,
        endsAt: slot.endsAt,
        labelJa: slot.label.ja,
        labelEn: slot.label.en,
        bookingId: hold.bookingId,
      };
    }),
  );
  const { seed: _secret, ...published } = round!;
  await recordChange(tx, {
    tenantId,
    actor: o.actor,
    action: "lottery.round.create",
    resource: { type: "lottery_round", id: round!.id },
    after: { ...published, slots: holds.map((h) => h.bookingId) },
    event: { name: "lottery.round_created", payload: { roundId: round!.id, seedHash: round!.seedHash } },
    requestId: o.requestId ?? null,
  });
  return round!;
}
