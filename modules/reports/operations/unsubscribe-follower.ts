import { and, eq, inArray, or, sql } from "drizzle-orm";
import type { Actor } from "../../../core/audit/actor.ts";
import type { Db } from "../../../core/db/database.ts";
import { recordChange } from "../../../core/events/record-change.ts";
import { findFollowerByLink, hashLinkToken } from "../follower-links.ts";
import { lockMergeChain } from "../merge-chain.ts";
import { reportFollowers } from "../schema.ts";

export type UnsubscribeFollowerOptions = {
  db: Db;
  tenantId: string;
  /** The secret from the e-mail's link; it alone authorises the change, no session is needed. */
  token: string;
  actor: Actor;
  requestId?: string | null;
};

/** The e-mail follower a link's token belongs to, in this city only, with its report's reference. */
export function findUnsubscribeFollower(db: Db, tenantId: string, token: string) {
  return findFollowerByLink(db, tenantId, eq(reportFollowers.unsubscribeTokenHash, hashLinkToken(token)));
}

/**
 * Stops an e-mail follower's updates by the link in their newest e-mail. The row is deleted, so the same
 * link used again (or an older one) finds nothing: the caller answers 404. If the report was merged, the
 * copies of the address on the reports it went into are deleted too: the "merged" notice carries this
 * report's link, and pressing it must stop the updates that notice promised.
 */
export async function unsubscribeFollower(
  options: UnsubscribeFollowerOptions,
): Promise<{ reference: string } | null> {
  const { db, tenantId } = options;
  return db.transaction(async (tx) => {
    const found = await findUnsubscribeFollower(tx, tenantId, options.token);
    if (!found) {
      return null;
    }
    // Locked first, so a merge running now either copies no row or is committed before the chain is read.
    const into = await lockMergeChain(tx, tenantId, found.reportId);
    const copies =
      into.length > 0 && found.email
        ? and(
            inArray(reportFollowers.reportId, into),
            sql`lower(${reportFollowers.email}) = ${found.email.toLowerCase()}`,
          )
        : undefined;
    const removed = await tx
      .delete(reportFollowers)
      .where(
        and(eq(reportFollowers.tenantId, tenantId), or(eq(reportFollowers.id, found.followerId), copies)),
      )
      .returning({ id: reportFollowers.id, source: reportFollowers.source });
    if (removed.length === 0) {
      return null;
    }
    // The address is personal data and is not copied into the audit log; the follower row id identifies it.
    await recordChange(tx, {
      tenantId,
      actor: options.actor,
      action: "reports.report.unsubscribe",
      resource: { type: "report", id: found.reportId },
      before: { followers: removed.map((row) => ({ id: row.id, source: row.source })) },
      requestId: options.requestId ?? null,
    });
    return { reference: found.reference };
  });
}
