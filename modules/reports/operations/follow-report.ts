import { and, eq } from "drizzle-orm";
import type { Actor } from "../../../core/audit/actor.ts";
import type { Db } from "../../../core/db/database.ts";
import { recordChange } from "../../../core/events/record-change.ts";
import { reportFollowers } from "../schema.ts";

/** Who follows: a signed-in resident, or a guest who gave an e-mail address. */
export type Follower = { residentId: string } | { email: string };

export type FollowReportOptions = {
  db: Db;
  tenantId: string;
  reportId: string;
  follower: Follower;
  actor: Actor;
  requestId?: string | null;
};

export function followerCondition(follower: Follower) {
  return "residentId" in follower
    ? eq(reportFollowers.residentId, follower.residentId)
    : eq(reportFollowers.email, follower.email.trim().toLowerCase());
}

/** Adds a follower who then hears of every public change; following twice changes nothing. */
export async function followReport(options: FollowReportOptions): Promise<{ added: boolean }> {
  const { db, tenantId, reportId, follower } = options;
  return db.transaction(async (tx) => {
    const [existing] = await tx
      .select({ id: reportFollowers.id })
      .from(reportFollowers)
      .where(
        and(
          eq(reportFollowers.tenantId, tenantId),
          eq(reportFollowers.reportId, reportId),
          followerCondition(follower),
        ),
      );
    if (existing) {
      return { added: false };
    }
    const [row] = await tx
      .insert(reportFollowers)
      .values({
        tenantId,
        reportId,
        source: "follow",
        ...("residentId" in follower
          ? { residentId: follower.residentId }
          : { email: follower.email.trim().toLowerCase() }),
      })
      .returning({ id: reportFollowers.id });
    await recordChange(tx, {
      tenantId,
      actor: options.actor,
      action: "reports.report.follow",
      resource: { type: "report", id: reportId },
      after: { followerId: row!.id, kind: "residentId" in follower ? "resident" : "email" },
      requestId: options.requestId ?? null,
    });
    return { added: true };
  });
}
