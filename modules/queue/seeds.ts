import type { SeedContext } from "../../core/module.ts";
import { weekdayHours } from "./office-hours.ts";
import { queueCategories, queueCounterCategories, queueCounters, queueOffices } from "./schema.ts";

/** The demo city's 本庁 市民課: two counters, 住民票・戸籍 (A) at both and 転入・転出 (B) at 窓口2. */
export async function seedQueue({ tx, tenant, departmentIds }: SeedContext): Promise<void> {
  const [office] = await tx
    .insert(queueOffices)
    .values({
      tenantId: tenant.id,
      slug: "shimin-ka",
      nameJa: "本庁 市民課",
      nameEn: "City Hall, Citizens Division",
      // 窓口係 staff call the tickets; 市民課 above them sees and calls too.
      departmentId: departmentIds["madoguchi-kakari"] ?? null,
      hours: weekdayHours,
      notifyAhead: 3,
    })
    .returning();
  const categories = await tx
    .insert(queueCategories)
    .values([
      {
        tenantId: tenant.id,
        officeId: office!.id,
        prefix: "A",
        nameJa: "住民票・戸籍",
        nameEn: "Residence and family records",
        averageServiceMinutes: 5,
        sortOrder: 1,
      },
      {
        tenantId: tenant.id,
        officeId: office!.id,
        prefix: "B",
        nameJa: "転入・転出",
        nameEn: "Moving in or out",
        averageServiceMinutes: 15,
        sortOrder: 2,
      },
    ])
    .returning();
  const [first, second] = await tx
    .insert(queueCounters)
    .values([
      { tenantId: tenant.id, officeId: office!.id, number: 1 },
      { tenantId: tenant.id, officeId: office!.id, number: 2 },
    ])
    .returning();
  const [records, moving] = categories;
  await tx.insert(queueCounterCategories).values([
    { tenantId: tenant.id, counterId: first!.id, categoryId: records!.id },
    { tenantId: tenant.id, counterId: second!.id, categoryId: records!.id },
    { tenantId: tenant.id, counterId: second!.id, categoryId: moving!.id },
  ]);
}
