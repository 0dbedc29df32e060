import type { Db } from "../../core/db/database.ts";
import type { SeedContext } from "../../core/module.ts";
import { defaultFacilityRules, type UnitSchedule } from "./rules.ts";
import { facilities, facilityRules, facilityUnits } from "./schema.ts";

const sportsBlocks = (morning: number, afternoon: number, evening: number): UnitSchedule => ({
  kind: "blocks",
  blocks: [
    { code: "morning", label: { ja: "午前", en: "Morning" }, start: "09:00", end: "12:00", fee: morning },
    {
      code: "afternoon",
      label: { ja: "午後", en: "Afternoon" },
      start: "13:00",
      end: "17:00",
      fee: afternoon,
    },
    { code: "evening", label: { ja: "夜間", en: "Evening" }, start: "18:00", end: "21:00", fee: evening },
  ],
});

/**
 * Two facilities with fee tables, for a city's first setup and the demo: 市民体育館 (two courts, paid) and
 * 中央公民館 (a meeting room by the hour, and a free 和室). Returns the unit ids by a short name.
 */
export async function insertSampleFacilities(
  tx: Db,
  tenantId: string,
): Promise<{ arenaA: string; arenaB: string; meetingRoom: string; washitsu: string }> {
  await tx.insert(facilityRules).values({ tenantId, rules: defaultFacilityRules }).onConflictDoNothing();
  const [gym, hall] = await tx
    .insert(facilities)
    .values([
      {
        tenantId,
        slug: "shimin-taiikukan",
        nameJa: "市民体育館",
        nameEn: "City Gymnasium",
        addressJa: "てのひら市中央1-2-3",
        addressEn: "1-2-3 Chuo, Tenohira",
        ordinanceRef: "てのひら市体育施設条例 別表第1",
        weeklyClosedDay: 1,
        sortOrder: 1,
      },
      {
        tenantId,
        slug: "chuo-kominkan",
        nameJa: "中央公民館",
        nameEn: "Central Community Hall",
        addressJa: "てのひら市中央2-1-1",
        addressEn: "2-1-1 Chuo, Tenohira",
        ordinanceRef: "てのひら市公民館条例 別表",
        weeklyClosedDay: 2,
        sortOrder: 2,
      },
    ])
    .returning();
  const units = await tx
    .insert(facilityUnits)
    .values([
      {
        tenantId,
        facilityId: gym!.id,
        nameJa: "アリーナ A面",
        nameEn: "Arena court A",
        capacity: 60,
        schedule: sportsBlocks(2000, 2600, 2400),
        sortOrder: 1,
      },
      {
        tenantId,
        facilityId: gym!.id,
        nameJa: "アリーナ B面",
        nameEn: "Arena court B",
        capacity: 60,
        schedule: sportsBlocks(2000, 2600, 2400),
        sortOrder: 2,
      },
      {
        tenantId,
        facilityId: hall!.id,
        nameJa: "会議室1",
        nameEn: "Meeting room 1",
        capacity: 30,
        schedule: { kind: "hourly", opens: "09:00", closes: "21:00", feePerHour: 400 },
        sortOrder: 1,
      },
      {
        tenantId,
        facilityId: hall!.id,
        nameJa: "和室",
        nameEn: "Japanese-style room",
        capacity: 20,
        schedule: sportsBlocks(0, 0, 0),
        sortOrder: 2,
      },
    ])
    .returning({ id: facilityUnits.id });
  return { arenaA: units[0]!.id, arenaB: units[1]!.id, meetingRoom: units[2]!.id, washitsu: units[3]!.id };
}

export async function seedFacilities({ tx, tenant }: SeedContext): Promise<void> {
  await insertSampleFacilities(tx, tenant.id);
}
