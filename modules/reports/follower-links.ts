import { createHash, randomBytes } from "node:crypto";
import { and, eq, type SQL } from "drizzle-orm";
import type { Db } from "../../core/db/database.ts";
import { reportFollowers, reports } from "./schema.ts";

// The secrets in links mailed to e-mail followers: stopping updates and confirming the address. Only the hash
// is stored, so a leaked table lets nobody stop another person's updates or confirm an address they do not own.

export const hashLinkToken = (token: string): string =>
  createHash("sha256").update(token, "utf8").digest("hex");

/** A fresh link secret for one e-mail; it replaces the follower's previous one. */
export function newLinkToken(): { token: string; hash: string } {
  const token = randomBytes(32).toString("base64url");
  return { token, hash: hashLinkToken(token) };
}

/** The path of the unsubscribe page; the module's secretPaths masks the token in access logs. */
export const unsubscribePath = (token: string): string => `/reports/unsubscribe/${token}`;
export const UNSUBSCRIBE_PATH_PATTERN = /^\/reports\/unsubscribe\/([^/?]+)/;

/** The confirmation page; the token is in the query, which the access log never writes. */
export const CONFIRM_FOLLOWER_PATH = "/reports/followers/confirm";
export const confirmFollowerPath = (token: string): string =>
  `${CONFIRM_FOLLOWER_PATH}?${new URLSearchParams({ token })}`;

/**
 * The e-mail follower a mailed link belongs to, in this city only, with its report's reference. `match` names
 * the link: its token hash in the column of its kind, and any condition the kind adds (pending, unexpired).
 */
export async function findFollowerByLink(db: Db, tenantId: string, match: SQL | undefined) {
  const [row] = await db
    .select({
      followerId: reportFollowers.id,
      email: reportFollowers.email,
      reportId: reports.id,
      reference: reports.reference,
    })
    .from(reportFollowers)
    .innerJoin(
      reports,
      and(eq(reports.tenantId, reportFollowers.tenantId), eq(reports.id, reportFollowers.reportId)),
    )
    .where(and(eq(reportFollowers.tenantId, tenantId), match));
  return row ?? null;
}
