import { and, count, desc, eq, inArray, isNotNull, type SQL, sql } from "drizzle-orm";
import type { Db } from "../../../core/db/database.ts";
import type { StaffScope } from "../../../core/identity/policy.ts";
import { applications, forms, formVersions } from "../schema.ts";
import type { FormOverview } from "./get-form.ts";

export type FindFormsOptions = {
  db: Db;
  tenantId: string;
  /** Only the forms of the departments the member may see (forms belong to no service, so no grants). */
  scope: StaffScope;
};

function inScope(scope: StaffScope): SQL | undefined {
  if (scope.all) {
    return undefined;
  }
  return scope.departmentIds.length > 0 ? inArray(forms.departmentId, [...scope.departmentIds]) : sql`false`;
}

/** This city's forms the member may see, most recently edited first, with their submitted application counts. */
export async function findForms({ db, tenantId, scope }: FindFormsOptions): Promise<FormOverview[]> {
  const submitted = db
    .select({ formId: applications.formId, count: count().as("submitted_count") })
    .from(applications)
    .where(and(eq(applications.tenantId, tenantId), isNotNull(applications.submittedAt)))
    .groupBy(applications.formId)
    .as("submitted");
  const rows = await db
    .select({
      form: forms,
      number: formVersions.number,
      contentHash: formVersions.contentHash,
      applicationCount: submitted.count,
    })
    .from(forms)
    .leftJoin(formVersions, eq(formVersions.id, forms.currentVersionId))
    .leftJoin(submitted, eq(submitted.formId, forms.id))
    .where(and(eq(forms.tenantId, tenantId), inScope(scope)))
    .orderBy(desc(forms.draftUpdatedAt), forms.slug);
  return rows.map((row) => ({
    form: row.form,
    currentVersion:
      row.number !== null && row.contentHash !== null
        ? { number: row.number, contentHash: row.contentHash }
        : null,
    applicationCount: Number(row.applicationCount ?? 0),
  }));
}
