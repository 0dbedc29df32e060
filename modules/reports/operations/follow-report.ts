import { and, eq } from "drizzle-orm";
import type { Actor } from "../../../core/audit/actor.ts";
import type { Db } from "../../../core/db/database.ts";
import { recordChange } from "../../../core/events/record-change.ts";
import { reportFollowers, reports } from "../schema.ts";

/** Merges can chain (A into B, B into C); a follow walks at most this far to the report still in use. */
const MAX_MERGE_HOPS = 10;

export type FollowReportOptions = {
  db: Db;
  tenantId: string;
  reportId: string;
  /** Only signed-in residents follow: the sign-in by e-mailed code proved the address updates go to. */
  residentId: string;
  /** The language updates are written in. */
  locale: "ja" | "en";
  actor: Actor;
  requestId?: string | null;
};

export type FollowReportResult = { added: boolean; reportId: string; reference: string };

/**
 * Adds a follower who then hears of every public change; following twice changes nothing, even when two
 * presses race. Following a report merged into another follows the one the work goes on in.
 */
export async function followReport(options: FollowReportOptions): Promise<FollowReportResult> {
  const { db, tenantId, residentId } = options;
  return db.transaction(async (tx) => {
    let target: { id: string; reference: string; mergedIntoId: string | null } | undefined;
    let nextId: string | null = options.reportId;
    for (let hop = 0; nextId && hop <= MAX_MERGE_HOPS; hop++) {
      [target] = await tx
        .select({ id: reports.id, reference: reports.reference, mergedIntoId: reports.mergedIntoId })
        .from(reports)
        .where(and(eq(reports.tenantId, tenantId), eq(reports.id, nextId)));
      nextId = target?.mergedIntoId ?? null;
    }
    if (!target) {
      throw new Error(`Report ${options.reportId} not found in tenant ${tenantId}`);
    }
    const inserted = await tx
      .insert(reportFollowers)
      .values({ tenantId, reportId: target.id, residentId, source: "follow", locale: options.locale })
      // The unique index on (report, resident) settles a race between two presses.
      .onConflictDoNothing()
      .returning({ id: reportFollowers.id });
    const row = inserted[0];
    if (row) {
      await recordChange(tx, {
        tenantId,
        actor: options.actor,
        action: "reports.report.follow",
        resource: { type: "report", id: target.id },
        after: { followerId: row.id, kind: "resident" },
        requestId: options.requestId ?? null,
      });
    }
    return { added: Boolean(row), reportId: target.id, reference: target.reference };
  });
}
