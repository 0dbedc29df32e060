import { and, eq } from "drizzle-orm";
import type { Db } from "../../../core/db/database.ts";
import { problems } from "../../../core/http/problem.ts";
import { forms } from "../schema.ts";

export type FormOwnerOptions = { db: Db; tenantId: string; formId: string };

/** The department a form belongs to, which staff access is decided by; 404 when it is not this city's. */
export async function formOwner({
  db,
  tenantId,
  formId,
}: FormOwnerOptions): Promise<{ formId: string; departmentId: string | null }> {
  const [form] = await db
    .select({ formId: forms.id, departmentId: forms.departmentId })
    .from(forms)
    .where(and(eq(forms.id, formId), eq(forms.tenantId, tenantId)));
  if (!form) {
    throw problems.notFound();
  }
  return form;
}
