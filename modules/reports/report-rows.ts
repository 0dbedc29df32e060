import { and, eq } from "drizzle-orm";
import type { Db } from "../../core/db/database.ts";
import { storedFiles } from "../../core/storage/schema.ts";
import { reportCategories, reportPhotos, reportStatuses, reports } from "./schema.ts";

/** Reports with their category and the city's status (label, stage): what a page listing them shows. */
export function selectReportsWithStatus(db: Db) {
  return db
    .select({ report: reports, category: reportCategories, status: reportStatuses })
    .from(reports)
    .innerJoin(reportCategories, eq(reportCategories.id, reports.categoryId))
    .innerJoin(
      reportStatuses,
      and(eq(reportStatuses.tenantId, reports.tenantId), eq(reportStatuses.key, reports.statusKey)),
    );
}

/** A report's photo at a position (1 = first) with its stored file; undefined when there is none. */
export async function findReportPhoto(db: Db, report: { tenantId: string; id: string }, position: number) {
  const [row] = await db
    .select({ photo: reportPhotos, file: storedFiles })
    .from(reportPhotos)
    .innerJoin(storedFiles, eq(storedFiles.id, reportPhotos.fileId))
    .where(
      and(
        eq(reportPhotos.tenantId, report.tenantId),
        eq(reportPhotos.reportId, report.id),
        eq(reportPhotos.position, position),
      ),
    );
  return row;
}
