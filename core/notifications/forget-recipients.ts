import { and, eq, inArray, isNotNull, isNull, sql } from "drizzle-orm";
import type { Db } from "../db/database.ts";
import { notifications } from "./schema.ts";

export type ForgetNotificationRecipientsOptions = {
  tenantId: string;
  /** The callers' references the messages were sent with (e.g. report reference numbers). */
  references: readonly string[];
};

/** What a message still queued is marked with: the job that would deliver it finds no address and stops. */
export const FORGOTTEN_BEFORE_DELIVERY = "recipient deleted before delivery";

/**
 * Forgets who the city's messages about these references went to, when the caller deletes that person's data:
 * the address goes, and the subject and body too, since the personalisation rendered into them (a staff reply,
 * a link with a follower's token) cannot be told apart afterwards. The row stays, with its template, status
 * and times, as the record that a message was sent. A resident's messages are left alone: their inbox is
 * theirs, and deleting their account deletes it. A message not yet delivered is never sent, and is marked
 * failed for good. Returns how many messages were changed.
 */
export async function forgetNotificationRecipients(
  tx: Db,
  options: ForgetNotificationRecipientsOptions,
): Promise<number> {
  if (options.references.length === 0) {
    return 0;
  }
  const undelivered = sql`${notifications.status} IN ('created', 'sending', 'temporary-failure')`;
  const changed = await tx
    .update(notifications)
    .set({
      recipient: null,
      // subject and body are NOT NULL: empty is the nearest to nothing the table allows.
      subject: "",
      body: "",
      status: sql`CASE WHEN ${undelivered} THEN 'permanent-failure' ELSE ${notifications.status} END`,
      // A mail server's refusal usually quotes the address it refused.
      statusDetail: sql`CASE WHEN ${undelivered} THEN ${FORGOTTEN_BEFORE_DELIVERY}
        ELSE replace(${notifications.statusDetail}, ${notifications.recipient}, '(deleted)') END`,
    })
    .where(
      and(
        eq(notifications.tenantId, options.tenantId),
        inArray(notifications.reference, [...options.references]),
        isNull(notifications.residentId),
        // Already forgotten: a second pass would find no address to take out of the status detail.
        isNotNull(notifications.recipient),
      ),
    )
    .returning({ id: notifications.id });
  return changed.length;
}
