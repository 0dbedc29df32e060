import { randomBytes } from "node:crypto";
import type { Actor } from "../../../core/audit/actor.ts";
import { recordAudit } from "../../../core/audit/record-audit.ts";
import type { Db } from "../../../core/db/database.ts";
import { hashSecret } from "../../../core/identity/auth-flows.ts";
import { calendarFeeds } from "../schema.ts";

export type CreateCalendarFeedOptions = { db: Db; tenantId: string; actor: Actor; residentId: string };

/**
 * Gives the resident a new secret calendar feed URL (any earlier one stops working). Only the token's hash
 * is kept, so the path returned here is the only copy.
 */
export async function createCalendarFeed(o: CreateCalendarFeedOptions): Promise<{ path: string }> {
  const token = randomBytes(24).toString("base64url");
  await o.db.transaction(async (tx) => {
    await tx
      .insert(calendarFeeds)
      .values({ tenantId: o.tenantId, residentId: o.residentId, tokenHash: hashSecret(token) })
      .onConflictDoUpdate({
        target: [calendarFeeds.tenantId, calendarFeeds.residentId],
        set: { tokenHash: hashSecret(token), createdAt: new Date() },
      });
    await recordAudit(tx, {
      tenantId: o.tenantId,
      actor: o.actor,
      action: "facilities.calendar_feed.create",
      resource: { type: "resident", id: o.residentId },
    });
  });
  return { path: `/calendar/${token}.ics` };
}
