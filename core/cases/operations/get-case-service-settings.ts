import { asc, eq } from "drizzle-orm";
import type { Db } from "../../db/database.ts";
import { caseServiceSettings } from "../schema.ts";

export type CaseServiceSetting = {
  serviceKey: string;
  title: { ja: string; en: string };
  /** Business days from receipt to the deadline; null for no deadline. */
  slaBusinessDays: number | null;
};

/** Every service of the city's queue with its SLA. */
export async function getCaseServiceSettings(o: { db: Db; tenantId: string }): Promise<CaseServiceSetting[]> {
  const rows = await o.db
    .select()
    .from(caseServiceSettings)
    .where(eq(caseServiceSettings.tenantId, o.tenantId))
    .orderBy(asc(caseServiceSettings.titleJa), asc(caseServiceSettings.serviceKey));
  return rows.map((row) => ({
    serviceKey: row.serviceKey,
    title: { ja: row.titleJa, en: row.titleEn },
    slaBusinessDays: row.slaBusinessDays,
  }));
}
