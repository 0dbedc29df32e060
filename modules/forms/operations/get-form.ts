import { and, asc, count, eq, isNotNull } from "drizzle-orm";
import type { Db } from "../../../core/db/database.ts";
import { problems } from "../../../core/http/problem.ts";
import { applications, type Form, type FormVersion, forms, formVersions } from "../schema.ts";

/** A published version without its definition, for lists and history. */
export type VersionSummary = Pick<
  FormVersion,
  "id" | "number" | "publishedAt" | "publishedBy" | "contentHash"
>;

/** A form as staff lists it: the row, the version residents start now, and how many applied. */
export type FormOverview = {
  form: Form;
  currentVersion: Pick<VersionSummary, "number" | "contentHash"> | null;
  applicationCount: number;
};

/** A form with its whole version history. */
export type FormDetail = FormOverview & { versions: VersionSummary[] };

export type GetFormOptions = { db: Db; tenantId: string; formId: string };

/** One form of this city with its versions, oldest first; 404 when it is not this city's. */
export async function getForm({ db, tenantId, formId }: GetFormOptions): Promise<FormDetail> {
  const [form] = await db
    .select()
    .from(forms)
    .where(and(eq(forms.id, formId), eq(forms.tenantId, tenantId)));
  if (!form) {
    throw problems.notFound();
  }
  const versions = await db
    .select({
      id: formVersions.id,
      number: formVersions.number,
      publishedAt: formVersions.publishedAt,
      publishedBy: formVersions.publishedBy,
      contentHash: formVersions.contentHash,
    })
    .from(formVersions)
    .where(and(eq(formVersions.formId, formId), eq(formVersions.tenantId, tenantId)))
    .orderBy(asc(formVersions.number));
  const [submitted] = await db
    .select({ count: count() })
    .from(applications)
    .where(
      and(
        eq(applications.tenantId, tenantId),
        eq(applications.formId, formId),
        isNotNull(applications.submittedAt),
      ),
    );
  return {
    form,
    currentVersion: versions.find((version) => version.id === form.currentVersionId) ?? null,
    applicationCount: submitted?.count ?? 0,
    versions,
  };
}
