import { and, eq } from "drizzle-orm";
import type { Db } from "../../../core/db/database.ts";
import { problems } from "../../../core/http/problem.ts";
import { type Form, forms } from "../schema.ts";

/**
 * This city's form, locked for the rest of the transaction so concurrent edits and publishes of one form
 * happen one after the other; 404 when it is not this city's.
 */
export async function lockForm(tx: Db, tenantId: string, formId: string): Promise<Form> {
  const [form] = await tx
    .select()
    .from(forms)
    .where(and(eq(forms.id, formId), eq(forms.tenantId, tenantId)))
    .for("update");
  if (!form) {
    throw problems.notFound();
  }
  return form;
}
