import { and, asc, eq } from "drizzle-orm";
import type { Db } from "../../db/database.ts";
import { problems } from "../../http/problem.ts";
import { type Case, type CaseEntryRow, caseEntries, caseRatings, cases } from "../schema.ts";
import type { CaseRating } from "./rate-case.ts";

export type GetResidentCaseOptions = { db: Db; tenantId: string; residentId: string; caseId: string };

export type ResidentCase = { case: Case; entries: CaseEntryRow[]; rating: CaseRating | null };

/**
 * A case as its resident sees it: only what is meant for them (no memos, no assignments). Anyone else's
 * case, or another city's, is 404, so an id reveals nothing.
 */
export async function getResidentCase(o: GetResidentCaseOptions): Promise<ResidentCase> {
  const [found] = await o.db
    .select()
    .from(cases)
    .where(and(eq(cases.id, o.caseId), eq(cases.tenantId, o.tenantId), eq(cases.residentId, o.residentId)));
  if (!found) {
    throw problems.notFound();
  }
  const entries = await o.db
    .select()
    .from(caseEntries)
    .where(and(eq(caseEntries.caseId, found.id), eq(caseEntries.visibleToResident, true)))
    .orderBy(asc(caseEntries.id));
  const [rating] = await o.db.select().from(caseRatings).where(eq(caseRatings.caseId, found.id));
  return { case: found, entries, rating: rating ?? null };
}
