import { and, eq, sql } from "drizzle-orm";
import type { Db } from "../db/database.ts";
import { problems } from "../http/problem.ts";
import { type Case, cases } from "./schema.ts";

/** The case, locked for the rest of the transaction so concurrent changes apply one after the other; 404 if not this city's. */
export async function lockCase(tx: Db, tenantId: string, caseId: string): Promise<Case> {
  const [found] = await tx
    .select()
    .from(cases)
    .where(and(eq(cases.id, caseId), eq(cases.tenantId, tenantId)))
    .for("update");
  if (!found) {
    throw problems.notFound();
  }
  return found;
}

/** Marks a change on the case: a new version and the time, for the queue's ordering and for caches. */
export async function touchCase(
  tx: Db,
  caseId: string,
  changes: Partial<typeof cases.$inferInsert> = {},
): Promise<Case> {
  const [updated] = await tx
    .update(cases)
    .set({ ...changes, updatedAt: new Date(), version: sql`${cases.version} + 1` })
    .where(eq(cases.id, caseId))
    .returning();
  return updated!;
}
