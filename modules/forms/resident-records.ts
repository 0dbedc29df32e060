import { and, desc, eq, sql } from "drizzle-orm";
import { cases } from "../../core/cases/schema.ts";
import { caseStatusLabels } from "../../core/cases/status.ts";
import type { ResidentRecord, ResidentRecordsQuery } from "../../core/module.ts";
import { APPLICATION_SUBJECT } from "./application-case.ts";
import { applications, forms, formVersions } from "./schema.ts";

const draft = { ja: "入力途中", en: "Not finished" };
const unpaid = { ja: "（手数料未払い）", en: " (fee unpaid)" };

/**
 * The resident's applications for My page: drafts to continue, and submitted ones with the status staff gave
 * them, linked to the page where the resident follows, pays, corrects or rates them.
 */
export async function applicationRecords({
  db,
  tenantId,
  residentId,
}: ResidentRecordsQuery): Promise<ResidentRecord[]> {
  const rows = await db
    .select({
      application: applications,
      slug: forms.slug,
      definition: formVersions.definition,
      caseId: cases.id,
      caseStatus: cases.status,
      caseUpdatedAt: cases.updatedAt,
    })
    .from(applications)
    .innerJoin(forms, eq(forms.id, applications.formId))
    .innerJoin(formVersions, eq(formVersions.id, applications.formVersionId))
    .leftJoin(
      cases,
      and(
        eq(cases.tenantId, applications.tenantId),
        eq(cases.subjectType, APPLICATION_SUBJECT),
        eq(cases.subjectId, sql`${applications.id}::text`),
      ),
    )
    .where(and(eq(applications.tenantId, tenantId), eq(applications.residentId, residentId)))
    .orderBy(desc(applications.updatedAt))
    .limit(100);
  return rows.map(({ application, slug, definition, caseId, caseStatus, caseUpdatedAt }) => {
    const title = definition.title;
    const reference = application.referenceNumber;
    const label = caseStatus ? caseStatusLabels[caseStatus].resident : null;
    const owing = application.paymentStatus === "unpaid";
    return {
      kind: "application",
      id: application.id,
      title: {
        ja: reference ? `${title.ja}（受付番号 ${reference}）` : title.ja,
        en: reference ? `${title.en ?? title.ja} (reference ${reference})` : (title.en ?? title.ja),
      },
      status: label
        ? { ja: `${label.ja}${owing ? unpaid.ja : ""}`, en: `${label.en}${owing ? unpaid.en : ""}` }
        : draft,
      href: caseId ? `/my/cases/${caseId}` : `/forms/${slug}/a/${application.id}`,
      updatedAt:
        caseUpdatedAt && caseUpdatedAt > application.updatedAt ? caseUpdatedAt : application.updatedAt,
    };
  });
}
