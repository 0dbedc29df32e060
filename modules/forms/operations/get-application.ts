import { and, eq, isNotNull } from "drizzle-orm";
import type { Db } from "../../../core/db/database.ts";
import { problems } from "../../../core/http/problem.ts";
import { applications, forms } from "../schema.ts";

export type GetApplicationOptions = { db: Db; tenantId: string; applicationId: string };

/**
 * Which form (and so which department) a submitted application belongs to, to authorise a staff read
 * before the read itself; 404 for another city's, an unknown one, or a resident's unfinished draft.
 */
export async function getApplication({
  db,
  tenantId,
  applicationId,
}: GetApplicationOptions): Promise<{ applicationId: string; formId: string; departmentId: string | null }> {
  const [found] = await db
    .select({ applicationId: applications.id, formId: forms.id, departmentId: forms.departmentId })
    .from(applications)
    .innerJoin(forms, and(eq(forms.id, applications.formId), eq(forms.tenantId, applications.tenantId)))
    .where(
      and(
        eq(applications.id, applicationId),
        eq(applications.tenantId, tenantId),
        isNotNull(applications.submittedAt),
      ),
    );
  if (!found) {
    throw problems.notFound();
  }
  return found;
}
