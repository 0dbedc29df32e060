import { and, desc, eq } from "drizzle-orm";
import type { ResidentRecord, ResidentRecordsQuery } from "../../core/module.ts";
import { applications, forms, formVersions } from "./schema.ts";

const status = {
  draft: { ja: "入力途中", en: "Not finished" },
  submitted: { ja: "受付済み", en: "Received" },
  unpaid: { ja: "受付済み（手数料未払い）", en: "Received (fee unpaid)" },
};

/** The resident's applications for My page: drafts to continue and submitted ones with their reference. */
export async function applicationRecords({
  db,
  tenantId,
  residentId,
}: ResidentRecordsQuery): Promise<ResidentRecord[]> {
  const rows = await db
    .select({ application: applications, slug: forms.slug, definition: formVersions.definition })
    .from(applications)
    .innerJoin(forms, eq(forms.id, applications.formId))
    .innerJoin(formVersions, eq(formVersions.id, applications.formVersionId))
    .where(and(eq(applications.tenantId, tenantId), eq(applications.residentId, residentId)))
    .orderBy(desc(applications.updatedAt))
    .limit(100);
  return rows.map(({ application, slug, definition }) => {
    const title = definition.title;
    const reference = application.referenceNumber;
    return {
      kind: "application",
      id: application.id,
      title: {
        ja: reference ? `${title.ja}（受付番号 ${reference}）` : title.ja,
        en: reference ? `${title.en ?? title.ja} (reference ${reference})` : (title.en ?? title.ja),
      },
      status: !application.submittedAt
        ? status.draft
        : application.paymentStatus === "unpaid"
          ? status.unpaid
          : status.submitted,
      href: `/forms/${slug}/a/${application.id}`,
      updatedAt: application.updatedAt,
    };
  });
}
