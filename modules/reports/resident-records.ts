import { and, desc, eq } from "drizzle-orm";
import type { ResidentRecord, ResidentRecordsQuery } from "../../core/module.ts";
import { selectReportsWithStatus } from "./report-rows.ts";
import { reports } from "./schema.ts";

/** The resident's own reports on My page, with the city's public status label. */
export async function reportResidentRecords({
  db,
  tenantId,
  residentId,
}: ResidentRecordsQuery): Promise<ResidentRecord[]> {
  const rows = await selectReportsWithStatus(db)
    .where(and(eq(reports.tenantId, tenantId), eq(reports.residentId, residentId)))
    .orderBy(desc(reports.updatedAt));
  return rows.map(({ report, category, status }) => ({
    kind: "report",
    id: report.id,
    title: {
      ja: `${category.nameJa}（${report.reference}）`,
      en: `${category.nameEn} (${report.reference})`,
    },
    status: { ja: status.labelJa, en: status.labelEn },
    href: `/reports/${report.reference}`,
    updatedAt: report.updatedAt,
  }));
}
