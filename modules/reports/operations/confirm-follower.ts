import { and, eq, gt, inArray, isNull, sql } from "drizzle-orm";
import type { Actor } from "../../../core/audit/actor.ts";
import type { Db } from "../../../core/db/database.ts";
import { recordChange } from "../../../core/events/record-change.ts";
import { findFollowerByLink, hashLinkToken } from "../follower-links.ts";
import { lockMergeChain } from "../merge-chain.ts";
import { reportFollowers } from "../schema.ts";

export type ConfirmFollowerOptions = {
  db: Db;
  tenantId: string;
  /** The secret from the confirmation e-mail's link; it alone authorises the change, no session is needed. */
  token: string;
  actor: Actor;
  requestId?: string | null;
};

/** How long a confirmation link works: an old mail found later must not start updates nobody expects. */
export const CONFIRM_LINK_DAYS = 30;

/**
 * The e-mail follower a pending, unexpired confirmation link belongs to, in this city only, with its report's
 * reference. The row's created_at dates the link: the mail goes out when the report is filed, and a copy made
 * by a merge never gets a link of its own.
 */
export function findConfirmFollower(db: Db, tenantId: string, token: string) {
  return findFollowerByLink(
    db,
    tenantId,
    and(
      eq(reportFollowers.confirmTokenHash, hashLinkToken(token)),
      isNull(reportFollowers.confirmedAt),
      gt(reportFollowers.createdAt, sql`now() - make_interval(days => ${CONFIRM_LINK_DAYS})`),
    ),
  );
}

/**
 * Confirms an e-mail follower's address by the link mailed to it: updates start from now. The link is used up.
 * If the report was merged before (or while) the address was confirmed, the copy the merge made on the report
 * it went into is confirmed too, so the owner hears how the one problem ends.
 */
export async function confirmFollower(
  options: ConfirmFollowerOptions,
): Promise<{ reference: string } | null> {
  const { db, tenantId } = options;
  return db.transaction(async (tx) => {
    const found = await findConfirmFollower(tx, tenantId, options.token);
    if (!found) {
      return null;
    }
    // Locked before the follower row is changed, so a merge running now either copies the confirmed row or is
    // committed before the chain is read (see lockMergeChain).
    const into = await lockMergeChain(tx, tenantId, found.reportId);
    const now = new Date();
    const confirmed = await tx
      .update(reportFollowers)
      .set({ confirmedAt: now, confirmTokenHash: null })
      .where(
        and(
          eq(reportFollowers.tenantId, tenantId),
          eq(reportFollowers.id, found.followerId),
          isNull(reportFollowers.confirmedAt),
        ),
      )
      .returning({ id: reportFollowers.id });
    if (confirmed.length === 0) {
      return null;
    }
    const carried =
      into.length > 0 && found.email
        ? await tx
            .update(reportFollowers)
            .set({ confirmedAt: now, confirmTokenHash: null })
            .where(
              and(
                eq(reportFollowers.tenantId, tenantId),
                inArray(reportFollowers.reportId, into),
                sql`lower(${reportFollowers.email}) = ${found.email.toLowerCase()}`,
                isNull(reportFollowers.confirmedAt),
              ),
            )
            .returning({ id: reportFollowers.id })
        : [];
    // The address is personal data and is not copied into the audit log; the follower row ids identify it.
    await recordChange(tx, {
      tenantId,
      actor: options.actor,
      action: "reports.report.confirm_follower",
      resource: { type: "report", id: found.reportId },
      after: { followers: [...confirmed, ...carried].map((row) => row.id) },
      requestId: options.requestId ?? null,
    });
    return { reference: found.reference };
  });
}
