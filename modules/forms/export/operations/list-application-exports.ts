import { and, count, eq, isNotNull, max, min } from "drizzle-orm";
import type { Db } from "../../../../core/db/database.ts";
import { applications } from "../../schema.ts";
import type { ExportColumn } from "../columns.ts";
import { fileTitle, loadExportFiles } from "../export-files.ts";

export type ListApplicationExportsOptions = { db: Db; tenantId: string; formId: string };

export type ApplicationExportFile = {
  fileKey: string;
  versions: number[];
  title: { ja: string; en: string | null };
  columns: ExportColumn[];
  applicationCount: number;
  firstSubmittedAt: Date | null;
  lastSubmittedAt: Date | null;
};

/**
 * The export files of a form, one per set of columns, with how many submitted applications each holds.
 * Counts only, no personal data: not audited (the download is).
 */
export async function listApplicationExports({
  db,
  tenantId,
  formId,
}: ListApplicationExportsOptions): Promise<{ formId: string; slug: string; files: ApplicationExportFile[] }> {
  const { form, files } = await loadExportFiles({ db, tenantId, formId });
  const counts = await db
    .select({
      versionId: applications.formVersionId,
      count: count(),
      first: min(applications.submittedAt),
      last: max(applications.submittedAt),
    })
    .from(applications)
    .where(
      and(
        eq(applications.tenantId, tenantId),
        eq(applications.formId, formId),
        isNotNull(applications.submittedAt),
      ),
    )
    .groupBy(applications.formVersionId);
  return {
    formId: form.id,
    slug: form.slug,
    files: files.map((file) => {
      const mine = counts.filter((row) => file.versions.some((version) => version.id === row.versionId));
      const times = mine.flatMap((row) => [row.first, row.last]).filter((at): at is Date => at !== null);
      const title = fileTitle(file);
      return {
        fileKey: file.fileKey,
        versions: file.versions.map((version) => version.number),
        title: { ja: title.ja, en: title.en ?? null },
        columns: file.columns,
        applicationCount: mine.reduce((sum, row) => sum + row.count, 0),
        firstSubmittedAt: times.length > 0 ? new Date(Math.min(...times.map(Number))) : null,
        lastSubmittedAt: times.length > 0 ? new Date(Math.max(...times.map(Number))) : null,
      };
    }),
  };
}
