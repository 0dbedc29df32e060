import { and, eq } from "drizzle-orm";
import type { Db } from "../../core/db/database.ts";
import { reports } from "./schema.ts";

/**
 * The reports a report was merged into, one after another, each read FOR SHARE. mergeReports locks both of its
 * reports FOR UPDATE and then copies the duplicate's followers, so a change to a follower row made after this
 * lock is either seen by the merge's copy (it waits for us) or made after the merge committed, when the fresh
 * merged_into_id read here leads to the copy. A cycle cannot happen, but is not followed.
 */
export async function lockMergeChain(tx: Db, tenantId: string, reportId: string): Promise<string[]> {
  const into: string[] = [];
  for (let id = reportId; ; ) {
    const rows: { mergedIntoId: string | null }[] = await tx
      .select({ mergedIntoId: reports.mergedIntoId })
      .from(reports)
      .where(and(eq(reports.tenantId, tenantId), eq(reports.id, id)))
      .for("share");
    const next = rows[0]?.mergedIntoId ?? null;
    if (!next || next === reportId || into.includes(next)) {
      break;
    }
    into.push(next);
    id = next;
  }
  return into;
}
