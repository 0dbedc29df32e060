import { and, eq } from "drizzle-orm";
import type { Db } from "../../../core/db/database.ts";
import { problems } from "../../../core/http/problem.ts";
import { type FormVersion, formVersions } from "../schema.ts";

export type GetFormVersionOptions = { db: Db; tenantId: string; formId: string; number: number };

/** One published version of a form, as residents saw it; 404 when there is no such version here. */
export async function getFormVersion({
  db,
  tenantId,
  formId,
  number,
}: GetFormVersionOptions): Promise<FormVersion> {
  const [version] = await db
    .select()
    .from(formVersions)
    .where(
      and(
        eq(formVersions.formId, formId),
        eq(formVersions.tenantId, tenantId),
        eq(formVersions.number, number),
      ),
    );
  if (!version) {
    throw problems.notFound();
  }
  return version;
}
