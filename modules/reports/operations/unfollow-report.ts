import { and, eq } from "drizzle-orm";
import type { Actor } from "../../../core/audit/actor.ts";
import type { Db } from "../../../core/db/database.ts";
import { recordChange } from "../../../core/events/record-change.ts";
import { reportFollowers } from "../schema.ts";

export type UnfollowReportOptions = {
  db: Db;
  tenantId: string;
  reportId: string;
  residentId: string;
  actor: Actor;
  requestId?: string | null;
};

/** Stops a resident's updates for a report, including the reporter's own; unfollowing twice changes nothing. */
export async function unfollowReport(options: UnfollowReportOptions): Promise<{ removed: boolean }> {
  const { db, tenantId, reportId, residentId } = options;
  return db.transaction(async (tx) => {
    const removed = await tx
      .delete(reportFollowers)
      .where(
        and(
          eq(reportFollowers.tenantId, tenantId),
          eq(reportFollowers.reportId, reportId),
          eq(reportFollowers.residentId, residentId),
        ),
      )
      .returning({ id: reportFollowers.id, source: reportFollowers.source });
    if (removed.length === 0) {
      return { removed: false };
    }
    await recordChange(tx, {
      tenantId,
      actor: options.actor,
      action: "reports.report.unfollow",
      resource: { type: "report", id: reportId },
      before: { followers: removed.map((row) => ({ id: row.id, source: row.source })) },
      requestId: options.requestId ?? null,
    });
    return { removed: true };
  });
}
