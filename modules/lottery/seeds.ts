import type { SeedContext } from "../../core/module.ts";
import { listFacilityUnits, listUnitSlots } from "../facilities/index.ts";
import { createRound } from "./operations/create-round.ts";

const DAY = 24 * 3600_000;

function isoDate(at: Date): string {
  return new Date(at.getTime() + 9 * 3600_000).toISOString().slice(0, 10);
}

/**
 * One open round in the demo city: the arena's Saturday evenings of next month (市民体育館 アリーナ 土曜夜間),
 * drawn a week from now, 市内 before 市外. Skipped when the facilities module seeded no such unit.
 */
export async function seedLottery({ tx, tenant }: SeedContext): Promise<void> {
  const units = await listFacilityUnits(tx, { tenantId: tenant.id });
  const arena = units.find((u) => u.name.ja.includes("アリーナ")) ?? units[0];
  if (!arena) {
    return;
  }
  const now = new Date();
  const opens = new Date(Math.floor(now.getTime() / 3600_000) * 3600_000);
  const firstComeAt = new Date(opens.getTime() + 16 * DAY);
  const nextMonth = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() + 1, 1));
  const monthAfter = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() + 3, 0));
  const blocks = await listUnitSlots(tx, {
    tenantId: tenant.id,
    unitId: arena.id,
    from: isoDate(nextMonth),
    to: isoDate(monthAfter),
  });
  const saturdayEvenings = blocks
    .filter(
      (b) =>
        b.state === "free" &&
        b.startsAt > firstComeAt &&
        new Date(b.startsAt.getTime() + 9 * 3600_000).getUTCDay() === 6 &&
        (b.label.ja.includes("夜間") || new Date(b.startsAt.getTime() + 9 * 3600_000).getUTCHours() >= 17),
    )
    .slice(0, 4);
  if (saturdayEvenings.length === 0) {
    return;
  }
  await createRound({
    tx,
    tenantId: tenant.id,
    actor: { type: "system", id: null },
    rules: {
      title: {
        ja: `${arena.facilityName.ja} ${arena.name.ja} 土曜夜間の抽選`,
        en: `${arena.facilityName.en} ${arena.name.en}: Saturday evenings lottery`,
      },
      applicationsOpenAt: opens,
      applicationsCloseAt: new Date(opens.getTime() + 7 * DAY),
      drawAt: new Date(opens.getTime() + 8 * DAY),
      confirmBy: new Date(opens.getTime() + 15 * DAY),
      firstComeAt,
      maxEntriesPerApplicant: 8,
      maxWinsPerApplicant: 1,
      choicesPerEntry: Math.min(3, saturdayEvenings.length),
      priorityTiers: [["resident"], ["non_resident"]],
      promotionConfirmDays: 3,
    },
    slots: saturdayEvenings.map(({ unitId, startsAt, endsAt }) => ({ unitId, startsAt, endsAt })),
  });
}
