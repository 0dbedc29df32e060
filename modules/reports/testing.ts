import type { Db } from "../../core/db/database.ts";
import { reportCategories, reportStatuses } from "./schema.ts";

/** Test fixture: the least a city needs to take reports, an initial status and one category. */
export async function addReportBasics(
  db: Db,
  tenantId: string,
  category: { code: string; nameJa: string; nameEn: string },
): Promise<void> {
  await db.insert(reportStatuses).values({
    tenantId,
    key: "received",
    labelJa: "受付",
    labelEn: "Received",
    category: "open",
    stage: "received",
    isInitial: true,
  });
  await db.insert(reportCategories).values({ tenantId, ...category });
}
