import { and, eq } from "drizzle-orm";
import type { Db } from "../../db/database.ts";
import { problems } from "../../http/problem.ts";
import { cases } from "../schema.ts";

export type LocateCaseOptions = { db: Db; tenantId: string; caseId: string };

/**
 * Which department a case belongs to, to authorise a staff action before it runs; 404 for another city's
 * case or an unknown id.
 */
export async function locateCase({
  db,
  tenantId,
  caseId,
}: LocateCaseOptions): Promise<{ id: string; departmentId: string | null }> {
  const [found] = await db
    .select({ id: cases.id, departmentId: cases.departmentId })
    .from(cases)
    .where(and(eq(cases.id, caseId), eq(cases.tenantId, tenantId)));
  if (!found) {
    throw problems.notFound();
  }
  return found;
}
